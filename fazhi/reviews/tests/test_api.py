"""The review API: the rubric, findings and a case's automatic review, the signed review sheets — scoped, filtered,
described in Chinese, and never a server error."""
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fazhi.api import api
from fazhi.cases.models import Case, CaseOfficer
from fazhi.core import services as core_services
from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.reviews import manual, sampling
from fazhi.reviews.choices import SamplingMethod
from fazhi.reviews.models import RubricItem

from . import factories as fr

pytestmark = pytest.mark.django_db

API = "/api/v1/reviews"


@pytest.fixture
def reviewed(good_case, team, legal_reviewer):
    CaseOfficer.objects.filter(case=good_case, officer=team[1]).delete()
    Case.objects.filter(pk=good_case.pk).update(party_address="")
    fr.review_now(good_case)
    batch = sampling.create_batch(actor=legal_reviewer, name="评查", year=2025, method=SamplingMethod.FILTER,
                                  criteria={})
    marks = {item.pk: manual.Mark() for item in RubricItem.objects.filter(is_active=True)}
    manual.sign_review(manual.save_marks(batch.reviews.get(), actor=legal_reviewer, marks=marks), actor=legal_reviewer)
    return good_case


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def test_the_findings_and_filters(client, officer, reviewed):
    body = get(client, officer, f"{API}/findings/").json()
    assert body["count"] == 2
    assert {i["item_code"] for i in body["items"]} == {"V03", "F02"}
    veto = get(client, officer, f"{API}/findings/", is_veto="true").json()
    assert [(i["item_code"], i["document"]) for i in veto["items"]] == [("V03", "承办人员")]
    assert get(client, officer, f"{API}/findings/", item="F02").json()["count"] == 1


def test_a_cases_automatic_review(client, officer, reviewed, outsider):
    body = get(client, officer, f"{API}/cases/{reviewed.pk}").json()
    assert body["vetoed"] is True and body["score"] == "96.00"
    assert body["category_scores"] == {"form": "16.00", "substance": "80.00"}
    assert len(body["findings"]) == 2
    assert get(client, outsider, f"{API}/cases/{reviewed.pk}").status_code == 404
    assert get(client, outsider, f"{API}/findings/").json()["count"] == 0


def test_a_case_never_reviewed_is_not_found(client, officer, good_case):
    assert get(client, officer, f"{API}/cases/{good_case.pk}").status_code == 404


def test_the_signed_review_sheets(client, officer, reviewed, outsider):
    [sheet] = get(client, officer, f"{API}/manual/", year=2025).json()["items"]
    assert (sheet["case_id"], sheet["status"], sheet["grade"], sheet["score"]) == (reviewed.pk, "signed", "excellent",
                                                                                   "100.00")
    assert get(client, outsider, f"{API}/manual/").json()["count"] == 0


def test_the_rubric(client, officer):
    items = get(client, officer, f"{API}/rubric/").json()
    assert len(items) == RubricItem.objects.count()
    expected = {"code": "V03", "category": "substance", "kind": "veto", "check_code": "officer_count"}
    assert expected.items() <= items[2].items()


def test_the_schema_describes_the_paths_in_chinese(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = [p for p in document["paths"] if p.startswith(f"{API}/")]
    assert len(paths) == 4
    for path in paths:
        operation = document["paths"][path]["get"]
        assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), path
        for parameter in operation.get("parameters", []):
            assert re.search(r"[\u4e00-\u9fff]", parameter["description"]), (path, parameter["name"])
    for name in ("FindingOut", "AutomaticReviewOut", "ManualReviewOut", "RubricItemOut"):
        for field, spec in document["components"]["schemas"][name]["properties"].items():
            assert re.search(r"[\u4e00-\u9fff]", spec.get("description", "")), (name, field)


@pytest.fixture
def token(admin):
    system = f.staff(admin.organisation, Role.OFFICER, username="kp-reviews", full_name="开平评查数据交换")
    _, key = core_services.issue_api_token(actor=admin, user=system, name="案卷评查读取")
    return {"Authorization": f"Bearer {key}"}


# Loaded at import, as in the core's schema test: schemathesis' pytest fixture loader does not work here.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/")).include(
    path_regex=r"^/api/v1/reviews/")
schema.app = get_wsgi_application()


@pytest.fixture
def api_headers(shared_test_connection, token, reviewed):
    return token


@schema.parametrize()
@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_fails_with_a_server_error(case, api_headers):
    case.call_and_validate(headers=api_headers, checks=[not_a_server_error, response_schema_conformance])
