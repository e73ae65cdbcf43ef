"""The core JSON API: scoping by persona, token and session auth, writes through services, masking, may-enforce."""
import datetime as dt
import io

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command

from fazhi.core import services
from fazhi.core.choices import AuditAction, Role, SectionKind
from fazhi.core.models import AuditEvent, Section
from fazhi.core.tests import factories as f

API = "/api/v1/core"
RAW_PHONE = "13987654321"
RAW_ID_CARD = "440783199001011234"


def _names(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


@pytest.fixture
def system_account(bureaus):
    return f.staff(bureaus["kaiping"], Role.OFFICER, username="kp-system", full_name="开平数据交换")


@pytest.fixture
def token_key(admin, system_account):
    _, key = services.issue_api_token(actor=admin, user=system_account, name="省平台数据交换")
    return key


@pytest.fixture
def private_officer(bureaus, supervision_section):
    return f.staff(bureaus["kaiping_institute"], Role.OFFICER, username="private-officer", full_name="钱隐私",
                   section=supervision_section, phone=RAW_PHONE, id_card_number=RAW_ID_CARD)


# --- scoping ---------------------------------------------------------------------------------------------

def test_it_lists_a_county_only_its_own_bureau(client, officer):
    names = _names(_get(client, officer, f"{API}/organisations"))
    assert names == {"开平市卫生健康局", "开平市卫生监督所"}


def test_it_lists_a_city_its_counties(client, city_admin):
    names = _names(_get(client, city_admin, f"{API}/organisations"))
    assert names == {"江门市卫生健康局", "开平市卫生健康局", "开平市卫生监督所"}


def test_it_lists_a_province_all_below_it_and_nothing_of_another(client, province_leader):
    names = _names(_get(client, province_leader, f"{API}/organisations"))
    assert "广东省卫生健康委员会" in names and "开平市卫生监督所" in names
    assert not any(name.startswith(("山东", "威海")) for name in names)


def test_it_filters_organisations_by_kind_and_name(client, city_admin):
    assert _names(_get(client, city_admin, f"{API}/organisations", kind="institute")) == {"开平市卫生监督所"}
    assert _names(_get(client, city_admin, f"{API}/organisations", q="开平")) == {"开平市卫生健康局", "开平市卫生监督所"}


def test_it_hides_another_countys_records_behind_404(client, outsider, officer, supervision_section, kaiping):
    client.force_login(outsider)
    for url in (f"{API}/organisations/{kaiping.pk}", f"{API}/sections/{supervision_section.pk}",
                f"{API}/staff/{officer.pk}", f"{API}/staff/{officer.pk}/may-enforce?domain=public_place"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["detail"] == "记录不存在，或不在您的查看范围内。"


def test_it_shows_county_staff_to_the_city_and_province(client, officer, city_admin, province_leader):
    for viewer in (city_admin, province_leader):
        response = _get(client, viewer, f"{API}/staff/{officer.pk}")
        assert response.status_code == 200
        assert response.json()["full_name"] == "李执法"


def test_it_lists_staff_of_the_county_only(client, officer, admin, outsider):
    response = _get(client, admin, f"{API}/staff")
    usernames = {item["username"] for item in response.json()["items"]}
    assert {"officer", "admin"} <= usernames
    assert "outsider" not in usernames


def test_it_filters_staff_by_role_section_and_name(client, admin, officer, section_head, leader, supervision_section):
    by_role = _get(client, admin, f"{API}/staff", role=Role.LEADER).json()["items"]
    assert [s["username"] for s in by_role] == ["leader"]
    by_section = _get(client, admin, f"{API}/staff", section=supervision_section.pk).json()["items"]
    assert {s["username"] for s in by_section} == {"officer", "head"}
    by_name = _get(client, admin, f"{API}/staff", q="王科").json()["items"]
    assert [s["username"] for s in by_name] == ["head"]


def test_it_paginates_with_a_capped_page_size(client, admin, bureaus):
    for n in range(3):
        f.section(bureaus["kaiping"], f"分页科{n}")
    body = _get(client, admin, f"{API}/sections", page_size=2, page=2).json()
    assert body["count"] == 3 and len(body["items"]) == 1
    assert _get(client, admin, f"{API}/sections", page_size=1000).status_code == 422


def test_it_lists_staff_without_a_query_per_person(client, admin, bureaus, django_assert_max_num_queries):
    for n in range(8):
        f.certificate(f.staff(bureaus["kaiping"], Role.OFFICER, Role.LEADER), "public_place", "school")
    client.force_login(admin)
    with django_assert_max_num_queries(12):
        response = client.get(f"{API}/staff")
    assert response.json()["count"] == 9


# --- writes ----------------------------------------------------------------------------------------------

def test_it_lets_the_admin_create_a_section_with_an_audit_event(client, admin, kaiping):
    client.force_login(admin)
    response = client.post(f"{API}/sections", {"organisation_id": kaiping.pk, "name": "法制科", "kind": "legal"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    section = Section.objects.get(pk=response.json()["id"])
    assert (section.name, section.kind) == ("法制科", SectionKind.LEGAL)
    assert AuditEvent.objects.for_object(section).filter(action=AuditAction.CREATE, actor=admin).exists()


def test_it_answers_422_with_chinese_field_messages(client, admin, kaiping, outsider):
    f.section(kaiping, "法制科", SectionKind.LEGAL)
    client.force_login(admin)
    duplicate = client.post(f"{API}/sections", {"organisation_id": kaiping.pk, "name": "法制科"},
                            content_type="application/json")
    assert duplicate.status_code == 422
    assert "已有同名科室" in "".join(duplicate.json()["errors"]["__all__"])
    foreign = client.post(f"{API}/sections", {"organisation_id": outsider.organisation_id, "name": "监督科"},
                          content_type="application/json")
    assert foreign.status_code == 422
    assert "不在您的查看范围内" in foreign.json()["errors"]["organisation_id"][0]


def test_it_lets_the_admin_rename_a_section(client, admin, supervision_section):
    client.force_login(admin)
    response = client.patch(f"{API}/sections/{supervision_section.pk}", {"name": "监督二科"},
                            content_type="application/json")
    assert response.status_code == 200
    supervision_section.refresh_from_db()
    assert supervision_section.name == "监督二科"
    assert AuditEvent.objects.for_object(supervision_section).filter(action=AuditAction.UPDATE).exists()


@pytest.mark.parametrize("persona, status", [("outsider", 404), ("city_admin", 403), ("officer", 403)])
def test_it_refuses_a_section_change_outside_ones_bureau_or_role(client, request, persona, status,
                                                                 supervision_section):
    client.force_login(request.getfixturevalue(persona))
    response = client.patch(f"{API}/sections/{supervision_section.pk}", {"name": "被改名"},
                            content_type="application/json")
    assert response.status_code == status
    supervision_section.refresh_from_db()
    assert supervision_section.name == "监督一科"


def test_it_refuses_a_section_for_another_bureau_to_the_city(client, city_admin, kaiping):
    client.force_login(city_admin)
    response = client.post(f"{API}/sections", {"organisation_id": kaiping.pk, "name": "城市建的科"},
                           content_type="application/json")
    assert response.status_code == 403
    assert "本局" in response.json()["detail"]
    assert not Section.objects.filter(name="城市建的科").exists()


# --- authentication --------------------------------------------------------------------------------------

def test_it_accepts_a_bearer_token_and_scopes_to_its_account(client, token_key, outsider):
    response = client.get(f"{API}/organisations", headers={"Authorization": f"Bearer {token_key}"})
    assert _names(response) == {"开平市卫生健康局", "开平市卫生监督所"}
    outside = client.get(f"{API}/organisations/{outsider.organisation_id}",
                         headers={"Authorization": f"Bearer {token_key}"})
    assert outside.status_code == 404


def test_it_opens_no_session_for_a_token_call(client, token_key):
    response = client.get(f"{API}/staff", headers={"Authorization": f"Bearer {token_key}"})
    assert response.status_code == 200
    assert "sessionid" not in response.cookies
    assert not Session.objects.exists()


def test_it_refuses_a_revoked_token(client, admin, token_key, system_account):
    services.revoke_api_token(system_account.api_tokens.get(), actor=admin)
    response = client.get(f"{API}/organisations", headers={"Authorization": f"Bearer {token_key}"})
    assert response.status_code == 401
    assert "令牌" in response.json()["detail"]


@pytest.mark.parametrize("header", [None, "Bearer not-a-real-key", "Basic b2ZmaWNlcjp4"])
def test_it_refuses_a_caller_without_valid_credentials(client, bureaus, header):
    headers = {"Authorization": header} if header else {}
    assert client.get(f"{API}/staff", headers=headers).status_code == 401


def test_it_refuses_a_session_that_must_change_the_initial_password(client, kaiping):
    newcomer = f.staff(kaiping, Role.ADMIN, username="newcomer", must_change_password=True)
    client.force_login(newcomer)
    response = client.get(f"{API}/organisations")
    assert response.status_code == 403 and response.json() == {"detail": "请先修改初始密码。"}


def test_it_issues_a_token_from_the_command(client, admin, system_account):
    out = io.StringIO()
    call_command("issue_api_token", "kp-system", "卫监所数据交换", "--by", "admin", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    response = client.get(f"{API}/staff/{system_account.pk}", headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    assert AuditEvent.objects.filter(object_type="core.apitoken", actor=admin).exists()


def test_it_refuses_a_token_from_another_bureaus_admin(outsider, system_account):
    with pytest.raises(CommandError, match="本局"):
        call_command("issue_api_token", "kp-system", "越权", "--by", "outsider", stderr=io.StringIO())
    assert not system_account.api_tokens.exists()


def test_it_needs_a_signer_when_there_is_no_superuser(system_account):
    with pytest.raises(CommandError, match="--by"):
        call_command("issue_api_token", "kp-system", "无人签发", stderr=io.StringIO())


# --- personal data ---------------------------------------------------------------------------------------

def test_it_masks_phone_and_id_card_in_list_and_detail(client, admin, private_officer):
    client.force_login(admin)
    for url in (f"{API}/staff", f"{API}/staff/{private_officer.pk}"):
        body = client.get(url).content.decode()
        assert RAW_PHONE not in body and RAW_ID_CARD not in body, url
        assert "139****4321" in body and "4407**********1234" in body, url


def test_it_never_sends_a_password_or_its_hash(client, admin, private_officer):
    body = _get(client, admin, f"{API}/staff/{private_officer.pk}").json()
    assert not any("password" in key for key in body)
    assert private_officer.password.split("$")[-1] not in str(body)


def test_it_lists_roles_and_summarises_certificates(client, admin, officer):
    body = _get(client, admin, f"{API}/staff/{officer.pk}").json()
    assert body["roles"] == [{"code": "officer", "label": "执法人员"}]
    [certificate] = body["certificates"]
    assert set(certificate["domains"]) == {"public_place", "medical_service"}
    assert certificate["status"] == "valid" and certificate["status_label"] == "有效"
    assert certificate["number"] == officer.certificates.get().number


# --- may-enforce -----------------------------------------------------------------------------------------

def test_it_says_an_officer_may_enforce_in_a_certified_domain(client, admin, officer):
    response = _get(client, admin, f"{API}/staff/{officer.pk}/may-enforce", domain="public_place")
    body = response.json()
    assert body["allowed"] is True
    assert body["certificate_number"] == officer.certificates.get().number
    assert "可在公共场所领域执法" in body["reason"]


def test_it_says_no_outside_the_domain_or_after_expiry(client, admin, officer):
    other = _get(client, admin, f"{API}/staff/{officer.pk}/may-enforce", domain="radiation").json()
    assert other["allowed"] is False and "不含放射卫生领域" in other["reason"]
    later = (dt.date.today() + dt.timedelta(days=365 * 5)).isoformat()
    expired = _get(client, admin, f"{API}/staff/{officer.pk}/may-enforce", domain="public_place", on=later).json()
    assert expired["allowed"] is False and "到期" in expired["reason"]
    assert expired["certificate_number"] is None


def test_it_rejects_an_unknown_domain_or_date_in_chinese(client, admin, officer):
    url = f"{API}/staff/{officer.pk}/may-enforce"
    response = _get(client, admin, url, domain="astrology", on="2026-13-01")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["domain"] == ["取值不在允许范围内，请按接口文档填写。"]
    assert "YYYY-MM-DD" in errors["on"][0]
