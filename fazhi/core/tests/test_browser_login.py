"""First sign-in in a real browser: the initial password must be changed before the home page opens."""

import pytest
from playwright.sync_api import expect

from fazhi.core.choices import Role
from fazhi.core.rules import ACCOUNT_RULES
from fazhi.core.tests import factories as f

# Serialized rollback: the live server needs committed data, and the flush after each test must not leave
# later transactional tests without the rows the migrations seed (domains, document kinds).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_PASSWORD = "Kaiping#2026new"


@pytest.fixture
def newcomer(bureaus):
    return f.staff(bureaus["kaiping_institute"], Role.OFFICER, username="newcomer", full_name="刘新人",
                   must_change_password=True)


def field(page, label: str):
    """An input by its accessible name: the label without the required-field star (which is aria-hidden)."""
    return page.get_by_role("textbox", name=label, exact=True)


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    field(page, "用户名").fill(username)
    field(page, "密码").fill(password)
    page.get_by_role("button", name="登录").click()


def open_password_form(page, live_server, newcomer):
    sign_in(page, live_server.url, newcomer.username, f.TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/accounts/password/")
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_text("首次登录须修改初始密码后才能使用系统。")).to_be_visible()


def fill_password_form(page, old: str, new: str) -> None:
    field(page, "旧密码").fill(old)
    field(page, "新密码").fill(new)
    field(page, "新密码确认").fill(new)
    page.get_by_role("button", name="保存新密码").click()


def test_it_takes_a_newcomer_through_the_first_password_change_to_the_home_page(page, live_server, newcomer):
    open_password_form(page, live_server, newcomer)
    fill_password_form(page, f.TEST_PASSWORD, NEW_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("刘新人，您好")
    expect(page.get_by_text("密码已修改。")).to_be_visible()
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False


def test_it_shows_the_rule_a_weak_new_password_breaks_on_the_field(page, live_server, newcomer):
    open_password_form(page, live_server, newcomer)
    fill_password_form(page, f.TEST_PASSWORD, "zqxwvkpt")
    expect(page).to_have_url(f"{live_server.url}/accounts/password/")
    field_error = page.locator(".field.has-error", has=field(page, "新密码确认")).locator(".field-error")
    expect(field_error).to_have_text(
        f"密码须包含大写字母、小写字母、数字、特殊符号中的至少{ACCOUNT_RULES.password_min_character_classes}类"
        "（当前只有：小写字母）。"
    )


def has_no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


def test_it_fits_a_phone_and_opens_the_menu_there(phone_page, live_server, officer):
    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert has_no_horizontal_scroll(page)

    sign_in(page, live_server.url, officer.username, f.TEST_PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/")
    assert has_no_horizontal_scroll(page)
    menu, toggle = page.locator("#sidenav"), page.get_by_role("button", name="菜单")
    expect(menu).to_be_hidden()
    toggle.click()
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="执法证")).to_be_visible()
    toggle.click()
    expect(menu).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
