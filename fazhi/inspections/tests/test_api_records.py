"""The records API: only signed records, scoped, filtered, with officers, results, body-cam and file digests."""
import datetime as dt
import hashlib
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fazhi.api import api
from fazhi.core import services as core_services
from fazhi.core.choices import Role
from fazhi.core.permissions import NOT_VISIBLE
from fazhi.core.tests import factories as f
from fazhi.entities.tests.factories import credit_code, register
from fazhi.inspections.choices import InspectionStatus, ItemResult, RecordStatus
from fazhi.inspections.models import OnSiteRecord
from fazhi.inspections.records import ItemResultInput, RecordInput, attach_file, save_record, sign_record

from . import factories as fi

pytestmark = pytest.mark.django_db

API = "/api/v1/inspections/records"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PROVISION = "《公共场所卫生管理条例》第七条"


def typed(visit, **overrides) -> RecordInput:
    arrived = timezone.make_aware(dt.datetime.combine(visit.window_start, dt.time(9, 0)))
    first, *rest = visit.items.all()
    values = {
        "arrived_at": arrived, "left_at": arrived + dt.timedelta(hours=1), "place": "开平市三埠街道东河路8号",
        "present_person": "张经理", "present_person_title": "店长", "summary": "对照清单逐项检查。",
        "bodycam_device": "DSJ-01", "bodycam_file_id": "20260506-0001",
        "bodycam_seconds": 1800,
        "results": (ItemResultInput(first.pk, ItemResult.NON_COMPLIANT, "2名从业人员无健康合格证明", PROVISION),
                    *(ItemResultInput(i.pk, ItemResult.COMPLIANT) for i in rest)),
        **overrides,
    }
    return RecordInput(**values)


def written(entity, team, items, *, sign=True, **overrides) -> OnSiteRecord:
    """A registered visit's record, written (and signed) through the services, as an officer of the team would."""
    visit = fi.visit(entity, team, items, status=InspectionStatus.REGISTERED)
    record = save_record(visit, typed(visit, **overrides), actor=team[0][0]).record
    return sign_record(record, actor=team[0][0]) if sign else record


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def theirs(outsider, bureaus):
    """A signed record of 环翠区, written straight to the tables."""
    entity = register(outsider, name="环翠区海滨宾馆", credit_code=credit_code(5, region="371002"),
                      kind="public_place", sub_kind="accommodation", address="威海市环翠区海滨北路3号")
    visit = fi.visit(entity, [], [], status=InspectionStatus.RECORDED)
    now = timezone.now()
    return OnSiteRecord.objects.create(organisation=entity.organisation, inspection=visit, number="环卫现〔2026〕1号",
                                       arrived_at=now, left_at=now, place="海滨北路3号", status=RecordStatus.SIGNED,
                                       signed_at=now, bodycam_absent_reason="记录仪送修")


@pytest.fixture
def token(admin):
    system = f.staff(admin.organisation, Role.OFFICER, username="kp-records", full_name="开平笔录数据交换")
    _, key = core_services.issue_api_token(actor=admin, user=system, name="检查结果读取")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


# ---- the list ------------------------------------------------------------------------------------------------

def test_the_list_is_scoped_and_an_outsider_sees_none_of_ours(client, officer, outsider, hotel, team,
                                                              published_items, theirs):
    ours = written(hotel, team, published_items)
    assert ids(get(client, officer, f"{API}/")) == {ours.pk}
    assert ids(get(client, outsider, f"{API}/")) == {theirs.pk}


def test_a_city_sees_its_counties_records(client, city_admin, hotel, team, published_items, theirs):
    ours = written(hotel, team, published_items)
    assert ids(get(client, city_admin, f"{API}/")) == {ours.pk}


def test_a_draft_is_never_listed_nor_found(client, officer, hotel, clinic, team, published_items):
    draft = written(hotel, team, published_items, sign=False)
    signed = written(clinic, team, published_items)
    assert draft.status == RecordStatus.DRAFT
    assert ids(get(client, officer, f"{API}/")) == {signed.pk}
    assert ids(get(client, officer, f"{API}/", inspection=draft.inspection_id)) == set()
    assert get(client, officer, f"{API}/{draft.pk}").status_code == 404


def test_the_list_filters_by_visit_credit_code_and_signing_date(client, officer, hotel, clinic, team,
                                                                published_items):
    at_hotel = written(hotel, team, published_items)
    at_clinic = written(clinic, team, published_items)
    today = timezone.localdate()
    earlier = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=3), dt.time(15, 0)))
    OnSiteRecord.objects.filter(pk=at_clinic.pk).update(signed_at=earlier)
    assert ids(get(client, officer, f"{API}/", inspection=at_hotel.inspection_id)) == {at_hotel.pk}
    assert ids(get(client, officer, f"{API}/", entity_credit_code=clinic.credit_code)) == {at_clinic.pk}
    assert ids(get(client, officer, f"{API}/", signed_from=today)) == {at_hotel.pk}
    assert ids(get(client, officer, f"{API}/", signed_to=today - dt.timedelta(days=3))) == {at_clinic.pk}
    assert ids(get(client, officer, f"{API}/", signed_to=today - dt.timedelta(days=4))) == set()
    assert get(client, officer, f"{API}/", entity_credit_code="not-a-code").status_code == 422
    assert get(client, officer, f"{API}/", signed_from="三月一日").status_code == 422


def test_the_list_is_paginated(client, officer, hotel, clinic, team, published_items):
    written(hotel, team, published_items)
    written(clinic, team, published_items)
    body = get(client, officer, f"{API}/", page_size=1).json()
    assert body["count"] == 2 and len(body["items"]) == 1


# ---- one record ----------------------------------------------------------------------------------------------

def test_the_detail_has_officers_results_bodycam_and_file_digests(client, officer, hotel, team, published_items,
                                                                  uploads):
    visit = fi.visit(hotel, team, published_items, status=InspectionStatus.REGISTERED)
    writer = team[0][0]
    record = save_record(visit, typed(visit), actor=writer).record
    attach_file(visit, SimpleUploadedFile("现场.png", PNG, content_type="image/png"), actor=writer)
    sign_record(record, actor=writer)
    body = get(client, officer, f"{API}/{record.pk}").json()
    assert body["number"] == record.number and body["number"]
    assert (body["inspection_id"], body["entity_name"], body["entity_credit_code"]) == (
        visit.pk, hotel.name, hotel.credit_code)
    assert body["arrived_at"] and body["left_at"] and body["signed_at"]
    assert {(o["full_name"], o["certificate_number"]) for o in body["officers"]} == {
        (o.full_name, c.number) for o, c in team}
    first = published_items[0]
    check = next(c for c in body["checks"] if c["code"] == first.code)
    assert (check["title"], check["result"], check["result_label"]) == (first.title, "non_compliant", "不合格")
    assert check["finding"] == "2名从业人员无健康合格证明" and check["provision"] == PROVISION
    assert len(body["checks"]) == len(published_items)
    assert (body["bodycam_device"], body["bodycam_seconds"], body["bodycam_absent_reason"]) == ("DSJ-01", 1800, "")
    [attached] = body["files"]
    assert attached.pop("uploaded_at")
    assert attached == {"name": "现场.png", "kind": "photo", "size": len(PNG), "sha256": hashlib.sha256(PNG).hexdigest()}
    assert "/media/" not in str(body)


def test_a_record_without_bodycam_gives_the_reason(client, officer, hotel, team, published_items):
    record = written(hotel, team, published_items, bodycam_device="", bodycam_file_id="", bodycam_seconds=None,
                     bodycam_absent_reason="记录仪送修")
    body = get(client, officer, f"{API}/{record.pk}").json()
    assert (body["bodycam_device"], body["bodycam_seconds"], body["bodycam_absent_reason"]) == ("", None, "记录仪送修")


def test_an_outsider_gets_404_on_our_record(client, outsider, hotel, team, published_items):
    record = written(hotel, team, published_items)
    response = get(client, outsider, f"{API}/{record.pk}")
    assert response.status_code == 404 and response.json() == {"detail": NOT_VISIBLE}
    assert hotel.name not in response.content.decode()


def test_a_token_reads_records_and_without_one_the_api_answers_401(client, token, hotel, team, published_items,
                                                                   theirs):
    record = written(hotel, team, published_items)
    assert ids(client.get(f"{API}/", **token)) == {record.pk}
    assert client.get(f"{API}/{record.pk}", **token).json()["number"] == record.number
    assert client.get(f"{API}/{theirs.pk}", **token).status_code == 404
    assert client.get(f"{API}/").status_code == 401


# ---- the schema ----------------------------------------------------------------------------------------------

def test_the_schema_describes_the_new_paths_in_chinese(client):
    document = client.get("/api/v1/openapi.json").json()
    for path in (f"{API}/", f"{API}/{{id}}"):
        operation = document["paths"][path]["get"]
        assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), path
        for parameter in operation.get("parameters", []):
            assert re.search(r"[\u4e00-\u9fff]", parameter["description"]), (path, parameter["name"])
        assert set(document["paths"][path]) == {"get"}
    for name in ("RecordOut", "RecordDetailOut", "ItemCheckOut", "RecordFileOut", "RecordOfficerOut"):
        for field, spec in document["components"]["schemas"][name]["properties"].items():
            assert re.search(r"[\u4e00-\u9fff]", spec.get("description", "")), (name, field)


# Loaded at import, as in the core's schema test: schemathesis' pytest fixture loader does not work here.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/")).include(
    path_regex=r"^/api/v1/inspections/records/")
schema.app = get_wsgi_application()


@pytest.fixture
def api_headers(shared_test_connection, token, hotel, team, published_items, theirs):
    written(hotel, team, published_items)
    return {"Authorization": token["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_fails_with_a_server_error(case, api_headers):
    case.call_and_validate(headers=api_headers, checks=[not_a_server_error, response_schema_conformance])
