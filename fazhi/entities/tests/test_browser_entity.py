"""Registering an entity in a real browser, at desktop and at phone width: a wrong credit code is refused with
the rule it breaks, the corrected one is saved, and the list finds the entity by its pinyin initials."""
import pytest
from playwright.sync_api import expect

from fazhi.core.tests import factories as f
from fazhi.entities.credit_code import check_character
from fazhi.entities.models import Entity

# Serialized rollback: the live server needs committed data, and the flush after each test must not leave
# later transactional tests without the rows the migrations seed (domains).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FIRST17 = "91440783MA4WXK2L3"
GOOD_CODE = FIRST17 + check_character(FIRST17)
WRONG_CODE = FIRST17 + ("0" if GOOD_CODE[-1] != "0" else "1")
NAME = "开平市金沙湾游泳馆"
INITIALS = "kpsjswyyg"


def textbox(page, label: str):
    """A field by its accessible name: the label without the required-field star (which is aria-hidden)."""
    return page.get_by_role("textbox", name=label, exact=True)


def sign_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    textbox(page, "用户名").fill(username)
    textbox(page, "密码").fill(f.TEST_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base_url}/")


def fits_the_screen(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", ["page", "phone_page"])
def test_it_registers_an_entity_after_a_wrong_code_and_finds_it_by_initials(request, viewport, live_server,
                                                                          officer, sanbu):
    page = request.getfixturevalue(viewport)
    sign_in(page, live_server.url, officer.username)
    page.goto(f"{live_server.url}/entities/new/")
    expect(page.get_by_role("heading", name="登记监管对象")).to_be_visible()
    assert fits_the_screen(page)

    textbox(page, "名称").fill(NAME)
    textbox(page, "统一社会信用代码").fill(WRONG_CODE)
    page.get_by_role("combobox", name="类别", exact=True).select_option(label="公共场所")
    sub_kind = page.get_by_role("combobox", name="细分类别", exact=True)
    expect(sub_kind.locator("option", has_text="诊所")).to_be_hidden()  # narrowed to the chosen kind
    sub_kind.select_option(label="游泳场所")
    textbox(page, "地址").fill("开平市三埠街道金沙大道1号")
    page.get_by_role("combobox", name="所在乡镇（街道）", exact=True).select_option(label="三埠街道")
    page.get_by_role("button", name="保存").click()

    code_field = page.locator(".field.has-error", has=textbox(page, "统一社会信用代码"))
    expect(code_field.locator(".field-error")).to_have_text("第18位校验码不正确（按GB 32100-2015计算），请逐位核对。")
    assert not Entity.objects.exists()
    assert fits_the_screen(page)

    textbox(page, "统一社会信用代码").fill(GOOD_CODE)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.get_by_text("已登记监管对象。")).to_be_visible()
    expect(page.get_by_text(f"统一社会信用代码 {GOOD_CODE}")).to_be_visible()
    assert fits_the_screen(page)

    page.goto(f"{live_server.url}/entities/")
    textbox(page, "名称/拼音首字母/信用代码").fill(INITIALS)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("共 1 条")).to_be_visible()
    page.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    entity = Entity.objects.get()
    assert (entity.credit_code, entity.township, entity.sub_kind) == (GOOD_CODE, sanbu, "swimming")
