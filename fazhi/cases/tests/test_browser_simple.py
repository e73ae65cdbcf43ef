"""A simple-procedure decision on a phone: from an inspection finding to the printable numbered decision, the
party, team, facts and place carried over, the draft kept across a reload, and a second tap making nothing twice."""
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fazhi.cases.choices import CaseStatus
from fazhi.cases.models import Case
from fazhi.core.tests import factories as f

from . import factories as fc

# Serialized rollback: the live server needs committed data, and the flush after each test must not leave
# later transactional tests without the rows the migrations seed (domains, document kinds, case rules).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("textbox", name="用户名", exact=True).fill(username)
    page.get_by_role("textbox", name="密码", exact=True).fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_an_officer_fines_on_the_spot_from_a_finding_and_gets_the_numbered_decision(
        new_page, live_server, finding, inspection_team):
    violation = fc.violation(name="公共场所从业人员未取得健康合格证明")
    officer = inspection_team[0][0]
    page = new_page(PHONE)
    sign_in(page, live_server.url, officer.username)

    page.goto(f"{live_server.url}/inspections/{finding.record.inspection_id}/record/")
    page.get_by_role("link", name="当场处罚").click()
    form_url = page.url
    expect(page.get_by_role("heading", name="当场处罚（简易程序）")).to_be_visible()
    # Party, facts and place come from the on-site record: nothing is typed twice.
    expect(page.get_by_text("开平市三埠街道悦来宾馆")).to_be_visible()
    expect(page.get_by_label("处罚地点")).to_have_value("宾馆前台")
    expect(page.get_by_label("违法事实")).to_have_value(re.compile("2名从业人员未取得健康合格证明"))

    page.get_by_label("违法行为").select_option(label=f"{violation.code} {violation.name}")
    page.get_by_text("罚款", exact=True).click()
    page.get_by_label("罚款（元）").fill("200")
    expect(page.locator("[data-draft-state]")).to_contain_text("已保存草稿")
    assert fits_the_screen(page)

    page.reload()  # a lost page keeps what was typed
    expect(page.get_by_label("罚款（元）")).to_have_value("200")
    expect(page.get_by_label("违法行为")).to_have_value(str(violation.pk))

    # The connection drops after the server has decided: the phone never sees the answer.
    dropped = []

    def drop_the_answer(route):
        if route.request.method == "POST" and not dropped:
            dropped.append(route.fetch(max_redirects=0).status)
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/cases/simple/new/**", drop_the_answer)
    page.get_by_role("button", name="作出当场处罚决定").click()
    page.wait_for_timeout(500)
    assert dropped == [302] and Case.objects.count() == 1

    # Opened again, the form has kept the draft and its key; sending it again finds the decision already made.
    page.goto(form_url)
    expect(page.get_by_label("罚款（元）")).to_have_value("200")
    page.get_by_role("button", name="作出当场处罚决定").click()
    expect(page.get_by_role("heading", name="当场行政处罚决定书")).to_be_visible()
    case = Case.objects.get()
    assert case.decision_number == f"开卫简罚〔{timezone.localdate().year}〕1号"
    assert case.status == CaseStatus.ON_SPOT and case.fine_amount == 200 and case.party_name == "开平市三埠街道悦来宾馆"
    expect(page.get_by_text(case.decision_number)).to_be_visible()
    expect(page.get_by_role("button", name="打印")).to_be_visible()
    expect(page.get_by_role("link", name="下载决定书（.docx）")).to_be_visible()
    assert fits_the_screen(page)
    # The decision page has let go of the draft.
    page.wait_for_function("Object.keys(localStorage).every(k => !k.startsWith('fazhi:simple-decision:'))")


def test_a_decision_made_without_signal_is_sent_once_the_network_is_back(new_page, live_server, case_team):
    violation = fc.violation(name="在禁止吸烟场所吸烟")
    page = new_page(PHONE)
    sign_in(page, live_server.url, case_team[0].username)
    page.goto(f"{live_server.url}/cases/simple/new/")
    page.locator("#id_party_name").fill("张三")
    page.get_by_label("同行执法人员").select_option(value=str(case_team[1].pk))
    page.get_by_label("违法行为").select_option(label=f"{violation.code} {violation.name}")
    page.get_by_label("违法事实").fill("在候车室内吸烟，经劝阻不改正。")
    page.get_by_label("处罚地点").fill("开平汽车站候车室")
    assert fits_the_screen(page)

    page.context.set_offline(True)
    page.get_by_role("button", name="作出当场处罚决定").click()
    expect(page.locator("[data-draft-state]")).to_contain_text("等待网络")
    expect(page.get_by_text("当前没有网络")).to_be_visible()
    assert not Case.objects.exists()

    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="当场行政处罚决定书")).to_be_visible(timeout=20_000)
    case = Case.objects.get()
    assert case.party_name == "张三" and case.penalty_kinds == "warning" and case.team.count() == 2
