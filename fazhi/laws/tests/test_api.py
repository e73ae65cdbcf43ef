"""The law library API: laws, versions, provisions, and citation look-up, for signed-in staff and tokens."""
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fazhi.api import api
from fazhi.core import services as core_services
from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.laws.models import Law

pytestmark = pytest.mark.django_db

API = "/api/v1/laws"


@pytest.fixture
def token(admin):
    system = f.staff(admin.organisation, Role.OFFICER, username="kp-laws", full_name="开平法规读取")
    _, key = core_services.issue_api_token(actor=admin, user=system, name="法律法规库读取")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_it_needs_a_token_or_a_session(client):
    assert client.get(f"{API}/").status_code == 401
    assert client.get(f"{API}/resolve", {"text": "《行政处罚法》第五十八条"}).status_code == 401


def test_laws_are_listed_and_searched(client, token):
    body = client.get(f"{API}/", {"q": "行政", "level": "law"}, **token).json()
    titles = [law["short_title"] for law in body["items"]]
    assert body["count"] == 5 and "行政处罚法" in titles and "医疗机构管理条例" not in titles
    assert body["items"][0]["level_label"] == "法律"


def test_a_law_with_its_versions_and_caveats(client, token):
    law = Law.objects.get(short_title="传染病防治法")
    body = client.get(f"{API}/{law.pk}", **token).json()
    assert body["title"] == "中华人民共和国传染病防治法"
    [version] = body["versions"]
    assert version["status"] == "superseded" and version["effective_to"] == "2025-09-01"
    assert version["state_label"] == "已被修订" and "新文本尚未载入" in version["caveats"]


def test_provisions_of_a_version(client, officer):
    client.force_login(officer)
    version = Law.objects.get(short_title="行政处罚法").versions.get()
    body = client.get(f"{API}/versions/{version.pk}/provisions", {"article": 58}).json()
    labels = [p["label"] for p in body["items"]]
    assert labels[0] == "《行政处罚法》第五十八条"
    assert "《行政处罚法》第五十八条第一款第（四）项" in labels and "《行政处罚法》第五十八条第二款" in labels
    every = client.get(f"{API}/versions/{version.pk}/provisions", {"page_size": 100}).json()
    assert every["count"] == version.provisions.count()


def test_resolve_a_citation(client, token):
    body = client.get(f"{API}/resolve", {"text": "传染病防治法第三十条、第三十七条", "on": "2025-01-01"}, **token).json()
    assert [p["label"] for p in body["provisions"]] == ["《传染病防治法》第三十条", "《传染病防治法》第三十七条"]
    assert body["on"] == "2025-01-01"
    assert [v["state_label"] for v in body["versions"]] == ["已被修订"]


@pytest.mark.parametrize("text, on, message", [
    ("《卫生健康行政处罚程序规定》第五十三条", "2025-07-01", "法律法规库中没有《卫生健康行政处罚程序规定》"),
    ("传染病防治法第七十三条", "2025-09-01", "新文本尚未导入"),
    ("行政处罚法第九百条", "2025-01-01", "中没有第九百条"),
    ("第九条", "2025-01-01", "未写明法律法规名称"),
])
def test_resolve_says_what_is_missing(client, token, text, on, message):
    response = client.get(f"{API}/resolve", {"text": text, "on": on}, **token)
    assert response.status_code == 422
    assert message in response.json()["errors"]["__all__"][0]


def test_unknown_ids_are_not_found(client, token):
    assert client.get(f"{API}/999999", **token).status_code == 404
    assert client.get(f"{API}/versions/999999/provisions", **token).status_code == 404


def test_the_schema_describes_the_endpoints_in_chinese():
    document = api.get_openapi_schema(path_prefix="/api/v1/")
    paths = [p for p in document["paths"] if p.startswith(f"{API}/")]
    assert len(paths) == 4
    for path in paths:
        for operation in document["paths"][path].values():
            assert re.search(r"[\u4e00-\u9fff]", operation["summary"])
            for parameter in operation.get("parameters", []):
                assert re.search(r"[\u4e00-\u9fff]", parameter.get("description", "")), (path, parameter["name"])


# Loaded at import, as in the core's schema test.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/")).include(
    path_regex=r"^/api/v1/laws/")
schema.app = get_wsgi_application()


@pytest.fixture
def api_headers(shared_test_connection, token):
    return {"Authorization": token["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_fails_with_a_server_error(case, api_headers):
    case.call_and_validate(headers=api_headers, checks=[not_a_server_error, response_schema_conformance])
