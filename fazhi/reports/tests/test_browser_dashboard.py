"""A leader opens the dashboard, clicks a figure, and lands on the records behind it."""
import re

import pytest
from playwright.sync_api import expect

from fazhi.core.tests import factories as f

from .seed import YEAR

# Serialized rollback: the live server needs committed data, and the flush after each test must not leave
# later transactional tests without the rows the migrations seed (domains, document kinds, case rules).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_role("textbox", name="用户名", exact=True).fill(username)
    page.get_by_role("textbox", name="密码", exact=True).fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_leader_clicks_a_figure_and_lands_on_its_records(page, live_server, seeded, leader):
    sign_in(page, live_server.url, leader.username)
    page.get_by_role("link", name="领导驾驶舱").click()
    page.get_by_label("年度").select_option(str(YEAR))
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("heading", name="领导驾驶舱")).to_be_visible()

    # The definition is there on hover and opens on a click.
    label = page.locator("summary", has_text="监督检查户次")
    expect(label).to_have_attribute("title", re.compile("笔录已签"))
    label.click()
    expect(page.get_by_text("已取消、尚未检查的不计")).to_be_visible()

    figure = page.locator('a[data-figure="inspections.visits"]')
    expect(figure).to_have_text("5")
    figure.click()
    expect(page).to_have_url(re.compile(r"/reports/records/inspections\.visits/\?"))
    expect(page.get_by_role("heading", name="监督检查户次：计入的记录")).to_be_visible()
    expect(page.get_by_text("共 5 条")).to_be_visible()
    rows = page.locator("table.table tbody tr")
    expect(rows).to_have_count(5)
    expect(rows.first).to_contain_text("开平市测试诊所")
    # Each row leads on to the visit itself.
    rows.first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(r"/inspections/\d+/$"))
