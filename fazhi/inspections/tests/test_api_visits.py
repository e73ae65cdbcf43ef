"""The visits API: scoped list with filters and pagination, detail with team, items and code; no ratings."""
import datetime as dt
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fazhi.api import api
from fazhi.core import services as core_services
from fazhi.core.choices import Role
from fazhi.core.tests import factories as f

from fazhi.entities.tests.factories import credit_code, register
from fazhi.inspections.models import VisitRating

from . import factories as fi

pytestmark = pytest.mark.django_db

API = "/api/v1/inspections"


@pytest.fixture
def theirs(outsider):
    entity = register(outsider, name="环翠区海滨宾馆", credit_code=credit_code(5, region="371002"),
                      kind="public_place", sub_kind="accommodation", address="威海市环翠区海滨北路3号")
    return fi.visit(entity, [], [])


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["items"]}


def test_the_list_is_scoped_to_the_callers_bureau(client, officer, outsider, hotel, team, published_items, theirs):
    ours = fi.visit(hotel, team, published_items)
    assert ids(get(client, officer, f"{API}/")) == {ours.pk}
    assert ids(get(client, outsider, f"{API}/")) == {theirs.pk}


def test_a_city_sees_its_counties(client, city_admin, hotel, team, published_items, theirs):
    ours = fi.visit(hotel, team, published_items)
    assert ids(get(client, city_admin, f"{API}/")) == {ours.pk}


def test_the_list_filters_by_entity_status_and_date(client, officer, hotel, clinic, team, published_items):
    today = timezone.localdate()
    at_hotel = fi.visit(hotel, team, published_items, day=today)
    at_clinic = fi.visit(clinic, team, published_items, day=today + dt.timedelta(days=5), status="registered")
    assert ids(get(client, officer, f"{API}/", entity=hotel.pk)) == {at_hotel.pk}
    assert ids(get(client, officer, f"{API}/", status="registered")) == {at_clinic.pk}
    assert ids(get(client, officer, f"{API}/", date_from=today + dt.timedelta(days=1))) == {at_clinic.pk}
    assert ids(get(client, officer, f"{API}/", date_to=today)) == {at_hotel.pk}
    assert get(client, officer, f"{API}/", status="unknown").status_code == 422


def test_the_list_is_paginated(client, officer, hotel, team, published_items):
    for _ in range(3):
        fi.visit(hotel, team, published_items)
    body = get(client, officer, f"{API}/", page_size=2).json()
    assert body["count"] == 3 and len(body["items"]) == 2


def test_the_detail_has_team_items_and_code_but_no_rating(client, officer, hotel, team, published_items):
    visit = fi.visit(hotel, team, published_items, status="registered", code="ACDE3479",
                     code_expires_at=timezone.now() + dt.timedelta(hours=2))
    VisitRating.objects.create(inspection=visit, score=3, comment="一般")
    body = get(client, officer, f"{API}/{visit.pk}").json()
    assert body["code"] == "ACDE3479" and body["entity_name"] == hotel.name
    assert {m["certificate_number"] for m in body["team"]} == {c.number for _, c in team}
    assert {i["legal_basis"] for i in body["items"]} == {i.legal_basis for i in published_items}
    assert "一般" not in str(body) and "rating" not in str(body)


def test_an_outsider_gets_404_on_our_visit(client, outsider, hotel, team, published_items):
    visit = fi.visit(hotel, team, published_items)
    response = get(client, outsider, f"{API}/{visit.pk}")
    assert response.status_code == 404 and hotel.name not in response.content.decode()


def test_without_a_sign_in_or_token_the_api_answers_401(client, hotel, team, published_items):
    fi.visit(hotel, team, published_items)
    assert client.get(f"{API}/").status_code == 401


# ---- the schema ----------------------------------------------------------------------------------------------

def test_the_endpoints_are_described_in_chinese(client):
    document = client.get("/api/v1/openapi.json").json()
    for path in (f"{API}/", f"{API}/{{id}}"):
        operation = document["paths"][path]["get"]
        assert re.search(r"[\u4e00-\u9fff]", operation["summary"])
        for parameter in operation.get("parameters", []):
            assert re.search(r"[\u4e00-\u9fff]", parameter["description"]), parameter["name"]
    for name in ("InspectionOut", "InspectionDetailOut"):
        for field, spec in document["components"]["schemas"][name]["properties"].items():
            assert re.search(r"[\u4e00-\u9fff]", spec.get("description", "")), (name, field)


# Loaded at import, as in the core's schema test: schemathesis' pytest fixture loader does not work here.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/")).include(
    path_regex=r"^/api/v1/inspections/(\{id\})?$")
schema.app = get_wsgi_application()


@pytest.fixture
def api_headers(shared_test_connection, admin, hotel, team, published_items, theirs):
    fi.visit(hotel, team, published_items, status="registered", code="ACDE3479",
             code_expires_at=timezone.now() + dt.timedelta(hours=2))
    system = f.staff(admin.organisation, Role.OFFICER, username="kp-system", full_name="开平数据交换")
    _, key = core_services.issue_api_token(actor=admin, user=system, name="接口契约测试")
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_fails_with_a_server_error(case, api_headers):
    case.call_and_validate(headers=api_headers, checks=[not_a_server_error, response_schema_conformance])
