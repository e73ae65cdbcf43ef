"""行政执法公示: a bureau's enforcement officers with their certificates; nothing personal beyond that."""
import datetime as dt

import pytest

from fazhi.core.certificates import change_certificate_status
from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.portal.rules import PORTAL_RULES

PHONE = "13900001111"
ID_CARD = "440783198805055555"
USERNAME = "zz-unlisted-login"
EMAIL = "unlisted.mail@example.invalid"


def _officers(client, bureau, **params):
    response = client.get(f"/portal/bureaus/{bureau.pk}/officers/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def private_officer(bureaus, supervision_section):
    person = f.staff(bureaus["kaiping_institute"], Role.OFFICER, username=USERNAME, full_name="钱公示",
                     section=supervision_section, phone=PHONE, id_card_number=ID_CARD, email=EMAIL)
    f.certificate(person, "school", "radiation", number="44KP0000777", issuer="开平市人民政府")
    return person


def test_it_lists_officer_names_and_certificate_numbers_to_anyone(client, kaiping, officer, private_officer):
    html = _officers(client, kaiping)
    assert "李执法" in html and officer.certificates.get().number in html
    assert "钱公示" in html and "44KP0000777" in html and "开平市人民政府" in html
    assert "学校卫生" in html and "放射卫生" in html


def test_it_includes_the_bureaus_own_officers(client, kaiping, leader):
    f.certificate(leader, "medical_service", number="44KP0000888")
    assert "赵局长" in _officers(client, kaiping)


def test_it_never_shows_phone_id_card_username_or_email(client, kaiping, private_officer):
    pages = _officers(client, kaiping) + _officers(client, kaiping, q="钱公示")
    pages += client.get(f"/portal/bureaus/{kaiping.pk}/").content.decode() + client.get("/portal/").content.decode()
    for secret in (PHONE, ID_CARD, USERNAME, EMAIL, "139****1111", "4407**********5555"):
        assert secret not in pages, secret


def test_it_does_not_list_another_countys_officers(client, kaiping, bureaus, officer):
    stranger = f.staff(bureaus["huancui_institute"], Role.OFFICER, full_name="孙环翠")
    f.certificate(stranger, "public_place", number="37HC0000001")
    html = _officers(client, kaiping)
    assert "孙环翠" not in html and "37HC0000001" not in html
    assert "37HC0000001" in _officers(client, bureaus["huancui"])


def test_it_hides_revoked_expired_future_and_inactive_holders(client, kaiping, bureaus, admin):
    today = dt.date.today()
    institute = bureaus["kaiping_institute"]
    revoked = f.certificate(f.staff(institute, Role.OFFICER, full_name="吊销者"), number="44KP0000101")
    change_certificate_status(revoked, "revoke", actor=admin, on_date=today, reason="严重违法违纪")
    f.certificate(f.staff(institute, Role.OFFICER, full_name="过期者"), number="44KP0000102",
                  valid_from=today - dt.timedelta(days=900), valid_to=today - dt.timedelta(days=1))
    f.certificate(f.staff(institute, Role.OFFICER, full_name="未生效者"), number="44KP0000103",
                  valid_from=today + dt.timedelta(days=1))
    f.certificate(f.staff(institute, Role.OFFICER, full_name="离职者", is_active=False), number="44KP0000104")
    html = _officers(client, kaiping)
    for hidden in ("吊销者", "过期者", "未生效者", "离职者", "44KP0000101", "44KP0000102", "44KP0000103"):
        assert hidden not in html, hidden


def test_it_shows_a_suspended_certificate_as_suspended(client, kaiping, officer, admin):
    change_certificate_status(officer.certificates.get(), "suspend", actor=admin, on_date=dt.date.today(),
                              reason="涉嫌违纪，暂停执法资格")
    html = _officers(client, kaiping)
    assert "李执法" in html and 'badge-warn">暂扣</span>' in html
    assert "涉嫌违纪" not in html


def test_it_searches_by_name_or_certificate_number(client, kaiping, officer, private_officer):
    by_name = _officers(client, kaiping, q="钱公")
    assert "钱公示" in by_name and "李执法" not in by_name
    by_number = _officers(client, kaiping, q="KP0000777")
    assert "钱公示" in by_number and "李执法" not in by_number


def test_it_survives_odd_searches(client, kaiping, officer):
    too_long = _officers(client, kaiping, q="长" * (PORTAL_RULES.search_max_length + 1))
    assert "请缩短后重试" in too_long and "李执法" in too_long
    assert "李执法" not in _officers(client, kaiping, q="查无此人")
    assert client.get(f"/portal/bureaus/{kaiping.pk}/officers/", {"q": "a\x00b"}).status_code == 200


def test_it_paginates(client, kaiping, bureaus):
    per_page = PORTAL_RULES.officers_per_page
    for n in range(per_page + 1):
        f.certificate(f.staff(bureaus["kaiping_institute"], Role.OFFICER, full_name=f"执法员{n:03d}"))
    first, second = _officers(client, kaiping), _officers(client, kaiping, page=2)
    assert "执法员000" in first and f"执法员{per_page:03d}" not in first
    assert f"执法员{per_page:03d}" in second and "执法员000" not in second
    assert "第 2 / 2 页" in second


def test_it_lists_officers_in_a_fixed_number_of_queries(client, kaiping, bureaus, django_assert_max_num_queries):
    for n in range(10):
        f.certificate(f.staff(bureaus["kaiping_institute"], Role.OFFICER), "school", "public_place")
    # The bureau's name, the count, the page of certificates and their domains.
    with django_assert_max_num_queries(4):
        _officers(client, kaiping)


def test_it_answers_anonymous_visitors_without_a_login_redirect(client, kaiping):
    for url in ("/portal/", f"/portal/bureaus/{kaiping.pk}/", f"/portal/bureaus/{kaiping.pk}/officers/"):
        response = client.get(url)
        assert response.status_code == 200, url
