"""The record form on a phone: the draft survives a reload, a submit made offline goes once the network is back."""
import pytest
from playwright.sync_api import expect

from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.inspections.choices import InspectionStatus
from fazhi.inspections.models import ItemCheck, OnSiteRecord

from . import factories as fi

# Serialized rollback: the live server needs committed data, and the flush after each test must not leave
# later transactional tests without the rows the migrations seed (domains, document kinds).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NARROW_PHONE = {"width": 360, "height": 780}


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("textbox", name="用户名", exact=True).fill(username)
    page.get_by_role("textbox", name="密码", exact=True).fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_officer_keeps_the_draft_across_a_reload_and_submits_once_after_going_offline(
        new_page, live_server, hotel, team, published_items):
    visit = fi.visit(hotel, team, published_items, status=InspectionStatus.REGISTERED)
    page = new_page(NARROW_PHONE)
    sign_in(page, live_server.url, team[0][0].username)
    page.goto(f"{live_server.url}/inspections/today/")
    page.get_by_role("link", name="检查清单与现场笔录").click()

    page.get_by_label("被检查单位在场人员").fill("张经理")
    for n in range(len(published_items)):
        page.get_by_role("radio", name="合格", exact=True).nth(n).check()
    page.get_by_label("未使用执法记录仪的原因").fill("记录仪送修")
    expect(page.locator("[data-draft-state]")).to_contain_text("已保存草稿")
    assert page.evaluate("document.body.scrollWidth") <= NARROW_PHONE["width"]

    page.reload()
    expect(page.get_by_label("被检查单位在场人员")).to_have_value("张经理")
    expect(page.get_by_role("radio", name="合格", exact=True).nth(1)).to_be_checked()
    expect(page.get_by_label("未使用执法记录仪的原因")).to_have_value("记录仪送修")

    page.context.set_offline(True)
    page.get_by_role("button", name="提交笔录").click()
    expect(page.locator("[data-draft-state]")).to_contain_text("等待网络")
    expect(page.get_by_text("当前没有网络")).to_be_visible()
    assert not OnSiteRecord.objects.exists()

    page.context.set_offline(False)
    expect(page.locator("[data-draft-state]")).to_contain_text("已提交", timeout=20_000)
    expect(page.get_by_text("当前没有网络")).to_be_hidden()
    # Another `online` event after the answer must not send the same draft again.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    record = OnSiteRecord.objects.get(inspection=visit)
    assert record.present_person == "张经理" and record.client_key is not None
    assert ItemCheck.objects.filter(record=record).count() == len(published_items)
    assert AuditEvent.objects.filter(object_type="inspections.onsiterecord", action="create").count() == 1
    page.get_by_role("link", name="查看笔录、上传附件并签名").click()
    expect(page.get_by_role("heading", name="现场笔录")).to_be_visible()


def test_a_record_form_opened_once_online_reopens_offline_and_submits_once(
        new_page, live_server, hotel, team, published_items):
    visit = fi.visit(hotel, team, published_items, status=InspectionStatus.REGISTERED)
    page = new_page(NARROW_PHONE)
    sign_in(page, live_server.url, team[0][0].username)
    form_url = f"{live_server.url}/inspections/{visit.pk}/record/edit/"
    page.goto(form_url)
    page.get_by_label("被检查单位在场人员").fill("李店长")
    for n in range(len(published_items)):
        page.get_by_role("radio", name="合格", exact=True).nth(n).check()
    page.get_by_label("未使用执法记录仪的原因").fill("记录仪送修")
    expect(page.locator("[data-draft-state]")).to_contain_text("已保存草稿")
    # The worker controls the page and holds a copy of it.
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    expect(page.locator("html[data-offline-ready]")).to_have_count(1)
    expect(page.get_by_text("离线打开需通过 HTTPS 访问本系统")).to_be_hidden()

    # Renamed on the server after the copy was kept: the offline page must show the old name.
    kept_name = hotel.name
    type(hotel).objects.filter(pk=hotel.pk).update(name="改名后的宾馆")
    page.context.set_offline(True)
    response = page.reload()
    assert response is not None and response.from_service_worker
    expect(page.get_by_role("heading", name="现场笔录")).to_be_visible()
    expect(page.locator(".record-head")).to_contain_text(kept_name)
    expect(page.get_by_text("改名后的宾馆")).to_have_count(0)
    expect(page.get_by_label("被检查单位在场人员")).to_have_value("李店长")
    expect(page.get_by_role("radio", name="合格", exact=True).nth(1)).to_be_checked()
    page.get_by_role("button", name="提交笔录").click()
    expect(page.locator("[data-draft-state]")).to_contain_text("等待网络")
    assert not OnSiteRecord.objects.exists()

    page.context.set_offline(False)
    expect(page.locator("[data-draft-state]")).to_contain_text("已提交", timeout=20_000)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_timeout(500)
    record = OnSiteRecord.objects.get(inspection=visit)
    assert record.present_person == "李店长"
    assert AuditEvent.objects.filter(object_type="inspections.onsiterecord", action="create").count() == 1
