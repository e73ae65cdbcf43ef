"""The inspection code on a phone, without signing in: the entity types the code, checks who is inspecting and
what, confirms and rates the visit; a wrong code gets the plain answer."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fazhi.inspections import codes
from fazhi.inspections.choices import InspectionStatus
from fazhi.inspections.models import VisitRating
from fazhi.inspections.views_portal_codes import NOT_FOUND

from . import factories as fi

# Serialized rollback: the live server needs committed data, and the flush after each test must not leave
# later transactional tests without the rows the migrations seed (domains, document kinds).
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def a_wrong_code(code: str) -> str:
    """A well-formed code one character off the real one."""
    last = next(ch for ch in codes.CODE_ALPHABET if ch != code[-1])
    return code[:-1] + last


def test_an_entity_checks_the_team_and_items_then_confirms_and_rates_the_visit(
        phone_page, live_server, hotel, team, published_items):
    today = timezone.localdate()
    code = codes.new_code()
    visit = fi.visit(hotel, team, published_items, status=InspectionStatus.REGISTERED, code=code,
                     code_issued_at=timezone.now(), code_expires_at=codes.expiry_for(today))
    page = phone_page
    page.goto(f"{live_server.url}/portal/inspections/code/")
    # Typed as read aloud: lower case, with a space in the middle.
    page.get_by_label("检查码").fill(f"{code[:4].lower()} {code[4:].lower()}")
    page.get_by_role("button", name="查询").click()

    expect(page.get_by_role("heading", name="检查码查询（亮码入企）")).to_be_visible()
    expect(page.get_by_text(hotel.name)).to_be_visible()
    for officer, certificate in team:
        row = page.get_by_role("row").filter(has_text=officer.full_name)
        expect(row).to_contain_text(certificate.number)
    for item in published_items:
        expect(page.get_by_role("row").filter(has_text=item.title)).to_contain_text(item.legal_basis)

    page.get_by_label("确认检查人员和检查事项与现场情况一致").check()
    page.get_by_label("4分").check()
    page.get_by_label("意见建议（选填）").fill("检查人员出示了证件，态度良好。")
    page.get_by_role("button", name="确认并提交评价").click()
    expect(page.get_by_text("已确认本次检查并提交评价")).to_be_visible()
    expect(page.get_by_text("本次检查已经确认并评价")).to_be_visible()
    expect(page.get_by_role("button", name="确认并提交评价")).to_have_count(0)
    rating = VisitRating.objects.get(inspection=visit)
    assert (rating.score, rating.comment) == (4, "检查人员出示了证件，态度良好。")

    page.goto(f"{live_server.url}/portal/inspections/code/")
    page.get_by_label("检查码").fill(a_wrong_code(code))
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("alert")).to_have_text(NOT_FOUND)
    expect(page.get_by_text(hotel.name)).to_have_count(0)
    expect(page.get_by_text(team[0][0].full_name)).to_have_count(0)
