"""The OpenAPI schema is the contract with other systems: it is valid, lists every endpoint, and the API
answers whatever the schema allows without a server error."""
import re

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fazhi.api import api
from fazhi.core import services
from fazhi.core.choices import Role
from fazhi.core.tests import factories as f

ENDPOINTS = {
    ("get", "/api/v1/core/organisations"),
    ("get", "/api/v1/core/organisations/{id}"),
    ("get", "/api/v1/core/sections"),
    ("post", "/api/v1/core/sections"),
    ("get", "/api/v1/core/sections/{id}"),
    ("patch", "/api/v1/core/sections/{id}"),
    ("get", "/api/v1/core/staff"),
    ("get", "/api/v1/core/staff/{id}"),
    ("get", "/api/v1/core/staff/{id}/may-enforce"),
}

# Loaded at import: schemathesis' pytest fixture loader does not work with this pytest, and the schema
# needs no database.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/")).include(method="GET")
schema.app = get_wsgi_application()


def test_it_serves_a_valid_schema_listing_every_endpoint(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    schemathesis.openapi.from_dict(document).validate()
    listed = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert ENDPOINTS <= listed


def test_it_would_notice_an_invalid_schema(client):
    document = client.get("/api/v1/openapi.json").json()
    document["paths"]["/api/v1/core/staff"]["get"]["responses"] = "broken"
    with pytest.raises(Exception, match="broken"):
        schemathesis.openapi.from_dict(document).validate()


def test_it_describes_parameters_in_chinese(client):
    document = client.get("/api/v1/openapi.json").json()
    parameters = document["paths"]["/api/v1/core/staff"]["get"]["parameters"]
    assert all(re.search(r"[\u4e00-\u9fff]", p["description"]) for p in parameters)


def test_it_serves_the_docs_page_from_its_own_static_files(client):
    html = client.get("/api/v1/docs").content.decode()
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert references, "the docs page should load Swagger UI"
    assert not re.search(r"https?://|//[a-z]", html, re.IGNORECASE)
    for reference in references:
        assert client.get(reference).status_code == 200, reference


@pytest.fixture
def api_headers(shared_test_connection, bureaus, admin, officer, section_head, supervision_section, outsider):
    """A token for 开平 with something to find, and another county's records to be kept out of."""
    f.certificate(section_head, "radiation", "school")
    f.section(bureaus["huancui"], "监督科")
    system = f.staff(bureaus["kaiping"], Role.OFFICER, username="kp-system", full_name="开平数据交换")
    _, key = services.issue_api_token(actor=admin, user=system, name="接口契约测试")
    return {"Authorization": f"Bearer {key}"}


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_fails_with_a_server_error(case, api_headers):
    case.call_and_validate(headers=api_headers, checks=[not_a_server_error, response_schema_conformance])
