"""The entity API: the list page's filters, detail with licences and credit history, writes through the services,
masking, scoping, and a schema that other systems can rely on."""
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fazhi.api import api
from fazhi.core import services as core_services
from fazhi.core.choices import AuditAction, Role
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.entities import services
from fazhi.entities.choices import CreditGradeBasis, LicenceKind, NoCreditCodeReason
from fazhi.entities.models import Entity
from fazhi.entities.tests.factories import credit_code, lengthen_history, register, township

pytestmark = pytest.mark.django_db

API = "/api/v1/entities"
PHONE = "13812345678"
ENDPOINTS = {
    ("get", f"{API}/"), ("post", f"{API}/"), ("get", f"{API}/{{id}}"), ("patch", f"{API}/{{id}}"),
}


@pytest.fixture
def hospital(officer, section_head, changsha):
    entity = register(officer, name="开平市第一人民医院", credit_code=credit_code(11), sub_kind="hospital",
                      contact_phone=PHONE, township=changsha, is_key_supervision=True,
                      key_supervision_reason="二级医院")
    services.add_licence(entity, actor=officer, kind=LicenceKind.MEDICAL_PRACTICE, number="PDY44078311A1002")
    services.change_credit_grade(entity, actor=section_head, grade="A", basis=CreditGradeBasis.ANNUAL,
                                 reason="2025年度信用评价")
    return entity


@pytest.fixture
def barber(officer):
    return register(officer, name="丽人美发店", credit_code="", kind="public_place", sub_kind="hairdressing",
                    no_credit_code_reason=NoCreditCodeReason.INDIVIDUAL_UNREGISTERED, contact_phone="13900001111")


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def send(client, user, method, url, data):
    client.force_login(user)
    return getattr(client, method)(url, data, content_type="application/json")


def listed(client, user, **params) -> list[str]:
    response = get(client, user, f"{API}/", **params)
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


# ---- reading --------------------------------------------------------------------------------------------------

def test_it_lists_entities_with_masked_phones(client, officer, hospital, barber):
    response = get(client, officer, f"{API}/")
    body = response.json()
    assert body["count"] == 2 and PHONE not in response.content.decode()
    row = next(item for item in body["items"] if item["name"] == "开平市第一人民医院")
    assert row["contact_phone_masked"] == "138****5678" and "contact_phone" not in row
    assert row["township"] == "440783002" and row["township_name"] == "长沙街道"
    assert row["domains"] == ["medical_service", "infectious_disease"]
    assert (row["credit_grade"], row["status_label"], row["organisation_name"]) == ("A", "在营", "开平市卫生健康局")
    codeless = next(item for item in body["items"] if item["name"] == "丽人美发店")
    assert codeless["credit_code"] == "" and codeless["no_credit_code_reason"] == "individual"


@pytest.mark.parametrize("params, expected", [
    ({"q": "医院"}, ["开平市第一人民医院"]),
    ({"q": "lrmfd"}, ["丽人美发店"]),
    ({"q": credit_code(11)}, ["开平市第一人民医院"]),
    ({"licence": "11A10"}, ["开平市第一人民医院"]),
    ({"township": "440783002"}, ["开平市第一人民医院"]),
    ({"kind": "public_place"}, ["丽人美发店"]),
    ({"sub_kind": "hospital"}, ["开平市第一人民医院"]),
    ({"domain": "medical_service"}, ["开平市第一人民医院"]),
    ({"credit_grade": "B"}, ["丽人美发店"]),
    ({"status": "operating", "ordering": "-name"}, ["开平市第一人民医院", "丽人美发店"]),
    ({"key": "true"}, ["开平市第一人民医院"]),
    ({"key": "false"}, ["丽人美发店"]),
    ({"ordering": "-credit_grade"}, ["丽人美发店", "开平市第一人民医院"]),
])
def test_it_takes_the_list_pages_filters(client, officer, hospital, barber, params, expected):
    assert listed(client, officer, **params) == expected


def test_it_filters_by_bureau_and_finds_nothing_out_of_reach(client, city_admin, outsider, hospital, kaiping):
    assert listed(client, city_admin, organisation=kaiping.pk) == ["开平市第一人民医院"]
    register(outsider, name="环翠区海滨宾馆", kind="public_place", sub_kind="accommodation")
    assert listed(client, outsider) == ["环翠区海滨宾馆"]
    assert listed(client, outsider, township="440783002") == []
    assert listed(client, outsider, organisation=kaiping.pk) == []
    response = get(client, outsider, f"{API}/", kind="astrology")
    assert response.status_code == 422 and response.json()["errors"] == {"kind": ["取值不在允许范围内，请按接口文档填写。"]}


def test_it_paginates_with_a_capped_page_size(client, officer, hospital, barber):
    body = get(client, officer, f"{API}/", page_size=1, page=2).json()
    assert body["count"] == 2 and [i["name"] for i in body["items"]] == ["开平市第一人民医院"]
    assert get(client, officer, f"{API}/", page_size=101).status_code == 422


def test_it_lists_without_a_query_per_entity(client, officer, changsha):
    for n in range(12):
        register(officer, name=f"诊所{n}", credit_code=credit_code(100 + n), township=changsha)
    client.force_login(officer)
    counts = []
    for size in (2, 12):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(f"{API}/", {"page_size": size}).json()["items"]) == size
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_it_details_an_entity_with_its_licences_and_credit_history(client, officer, hospital):
    body = get(client, officer, f"{API}/{hospital.pk}").json()
    assert body["contact_phone"] == PHONE and body["contact_phone_masked"] == "138****5678"
    assert [(lic["kind"], lic["number"]) for lic in body["licences"]] == [("medical_practice", "PDY44078311A1002")]
    history = [(g["from_grade"], g["to_grade"], g["basis"], g["changed_by"]) for g in body["grade_history"]]
    assert history == [("B", "A", "annual", "王科长"), (None, "B", "initial", "李执法")]  # newest first
    assert body["key_supervision_reason"] == "二级医院" and body["legal_form"] == "enterprise"


def test_it_details_an_entity_in_the_same_number_of_queries_however_long_its_history(client, officer, section_head,
                                                                                     hospital):
    client.force_login(officer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}/{hospital.pk}").status_code == 200
        return len(captured)

    before = queries()
    lengthen_history(hospital, officer=officer, grader=section_head, grades="BCD")
    assert queries() == before


@pytest.mark.parametrize("persona", ["legal_reviewer", "city_admin", "province_leader"])
def test_it_keeps_the_full_phone_from_those_who_may_not_edit(request, client, hospital, persona):
    body = get(client, request.getfixturevalue(persona), f"{API}/{hospital.pk}").json()
    assert body["contact_phone"] is None and body["contact_phone_masked"] == "138****5678"


def test_it_hides_another_countys_entity_and_refuses_the_city_a_change(client, outsider, city_admin, hospital):
    assert get(client, outsider, f"{API}/{hospital.pk}").status_code == 404
    assert send(client, outsider, "patch", f"{API}/{hospital.pk}", {"name": "越权"}).status_code == 404
    assert get(client, city_admin, f"{API}/{hospital.pk}").status_code == 200
    response = send(client, city_admin, "patch", f"{API}/{hospital.pk}", {"name": "越权"})
    assert response.status_code == 403 and response.json()["detail"] == "该监管对象不属于本局，只能查看，不能修改。"
    hospital.refresh_from_db()
    assert hospital.name == "开平市第一人民医院"


def test_it_asks_for_credentials(client, hospital):
    response = client.get(f"{API}/")
    assert response.status_code == 401 and "令牌" in response.json()["detail"]


# ---- writing --------------------------------------------------------------------------------------------------

def new_entity(**fields) -> dict:
    return {"name": "开平市惠康诊所", "credit_code": credit_code(31), "kind": "medical", "sub_kind": "clinic",
            "address": "开平市长沙街道幕沙路8号", **fields}


def test_it_registers_an_entity_with_a_token(client, admin, officer, kaiping, changsha):
    system = f.staff(kaiping, Role.OFFICER, username="kp-system", full_name="开平数据交换")
    _, key = core_services.issue_api_token(actor=admin, user=system, name="省平台数据交换")
    response = client.post(f"{API}/", new_entity(township="440783002", contact_phone=PHONE, domains=["radiation"]),
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 201, response.content
    body = response.json()
    entity = Entity.objects.get(pk=body["id"])
    assert (entity.organisation, entity.township, entity.credit_code) == (kaiping, changsha, credit_code(31))
    assert body["domains"] == ["radiation"] and body["contact_phone"] == PHONE
    assert body["grade_history"][0]["changed_by"] == "开平数据交换"
    event = AuditEvent.objects.for_object(entity).get()
    assert event.action == AuditAction.CREATE and event.actor == system


def test_it_answers_what_to_fix_field_by_field(client, officer, hospital):
    response = send(client, officer, "post", f"{API}/", new_entity(
        credit_code=credit_code(31)[:17] + "*", sub_kind="swimming", longitude=112.7))
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors["credit_code"] == ["统一社会信用代码只能由数字和除I、O、Z、S、V以外的大写字母组成，“*”不允许出现。"]
    assert errors["sub_kind"][0].startswith("“医疗机构”下的细分类别只能是")
    assert errors["latitude"] == ["经度和纬度须同时填写，或都不填。"]
    response = send(client, officer, "post", f"{API}/", new_entity(credit_code=""))
    assert response.json()["errors"] == {
        "no_credit_code_reason": ["没有统一社会信用代码的，请选择原因（如个体工商户尚未取得）。"]}
    response = send(client, officer, "post", f"{API}/", new_entity(credit_code=credit_code(11)))
    assert response.json()["errors"] == {
        "__all__": ["本局已登记此统一社会信用代码的监管对象，请在列表中查找后修改，不要重复登记。"]}
    response = send(client, officer, "post", f"{API}/", new_entity(name="   ", township="440783999"))
    assert response.status_code == 422 and response.json()["errors"]["name"] == ["内容不能为空。"]
    assert Entity.objects.count() == 1


def test_it_refuses_a_township_outside_the_county_or_unknown(client, officer, bureaus):
    township("371002001", "环翠楼街道")
    response = send(client, officer, "post", f"{API}/", new_entity(township="371002001"))
    assert response.json()["errors"] == {"township": ["“环翠楼街道”不在开平市辖区内。"]}
    response = send(client, officer, "post", f"{API}/", new_entity(township="440783999"))
    assert response.json()["errors"] == {"township": ["没有找到该乡镇（街道）代码，请填写9位的乡级区划代码。"]}


def test_it_refuses_registration_to_a_legal_reviewer(client, legal_reviewer):
    response = send(client, legal_reviewer, "post", f"{API}/", new_entity())
    assert response.status_code == 403 and response.json() == {"detail": "您没有登记监管对象的权限。"}


def test_it_changes_only_what_a_patch_gives(client, officer, hospital):
    response = send(client, officer, "patch", f"{API}/{hospital.pk}",
                    {"contact_phone": "0750-2212345", "township": None, "domains": ["medical_service", "radiation"],
                     "name": None})
    assert response.status_code == 200, response.content
    hospital.refresh_from_db()
    assert (hospital.name, hospital.contact_phone, hospital.township) == ("开平市第一人民医院", "0750-2212345", None)
    assert set(hospital.domains.values_list("code", flat=True)) == {"medical_service", "radiation"}
    event = AuditEvent.objects.for_object(hospital).order_by("seq").last()
    assert event.action == AuditAction.UPDATE and event.before["contact_phone"] == PHONE
    assert event.after["township"] is None


def test_it_refuses_a_patch_that_breaks_a_rule_and_saves_none_of_it(client, officer, hospital):
    response = send(client, officer, "patch", f"{API}/{hospital.pk}", {"name": "新名称", "kind": "public_place"})
    assert response.status_code == 422 and "sub_kind" in response.json()["errors"]
    hospital.refresh_from_db()
    assert hospital.name == "开平市第一人民医院"


def test_it_keeps_grade_and_status_out_of_a_patch(client, officer, hospital):
    response = send(client, officer, "patch", f"{API}/{hospital.pk}", {"credit_grade": "D", "status": "revoked"})
    assert response.status_code == 200
    hospital.refresh_from_db()
    assert (hospital.credit_grade, hospital.status) == ("A", "operating")


# ---- the schema ----------------------------------------------------------------------------------------------

def test_it_lists_the_entity_endpoints_in_the_schema_described_in_chinese(client):
    document = client.get("/api/v1/openapi.json").json()
    listed_ops = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert ENDPOINTS <= listed_ops
    for method, path in ENDPOINTS:
        operation = document["paths"][path][method]
        assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), (method, path)
        for parameter in operation.get("parameters", []):
            assert re.search(r"[\u4e00-\u9fff]", parameter["description"]), parameter["name"]
    for name in ("EntityOut", "EntityDetailOut", "EntityIn", "EntityPatch"):
        for field, spec in document["components"]["schemas"][name]["properties"].items():
            assert re.search(r"[\u4e00-\u9fff]", spec.get("description", "")), (name, field)


# Loaded at import, as in the core's schema test: schemathesis' pytest fixture loader does not work here.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/")).include(
    path_regex=r"^/api/v1/entities/")
schema.app = get_wsgi_application()


@pytest.fixture
def api_headers(shared_test_connection, admin, hospital, barber, outsider, changsha):
    system = f.staff(admin.organisation, Role.OFFICER, username="kp-system", full_name="开平数据交换")
    _, key = core_services.issue_api_token(actor=admin, user=system, name="接口契约测试")
    register(outsider, name="环翠区海滨宾馆", kind="public_place", sub_kind="accommodation",
             credit_code=credit_code(5, "371002"))
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_fails_with_a_server_error(case, api_headers):
    case.call_and_validate(headers=api_headers, checks=[not_a_server_error, response_schema_conformance])
