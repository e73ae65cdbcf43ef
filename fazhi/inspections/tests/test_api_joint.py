"""The task API: a batch saved all or none, idempotent re-posts, the error shape, token auth, listing and scoping."""
import datetime as dt

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
from fazhi.inspections import joint
from fazhi.inspections.models import ExternalTask

pytestmark = pytest.mark.django_db

API = "/api/v1/inspections/tasks/"


def body(hotel, **fields) -> dict:
    return {"department": "market", "external_id": "SJ-2026-001", "credit_code": hotel.credit_code,
            "title": "食品安全双随机抽查", "items": ["营业执照公示", "明码标价"], "window_start": "2026-03-01",
            "window_end": "2026-03-10", **fields}


def send(client, user, tasks):
    client.force_login(user)
    return client.post(API, {"tasks": tasks}, content_type="application/json")


@pytest.fixture
def exchange(bureaus, admin):
    """A system account of 开平 for other departments' systems, with its token."""
    account = f.staff(bureaus["kaiping"], Role.SECTION_HEAD, username="kp-joint", full_name="联合检查数据交换")
    _, key = core_services.issue_api_token(actor=admin, user=account, name="市场监管任务推送")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_it_saves_a_batch_by_token(client, exchange, hotel):
    tasks = [body(hotel), body(hotel, department="fire", external_id="XF-1", items=["消防通道"])]
    response = client.post(API, {"tasks": tasks}, content_type="application/json", **exchange)
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["created"], data["updated"], data["unchanged"]) == (2, 0, 0)
    assert {t["department_label"] for t in data["tasks"]} == {"市场监管", "消防救援"}
    assert data["tasks"][0]["entity_name"] == hotel.name and data["tasks"][0]["joint_visit_id"] is None


def test_posting_again_updates_and_never_duplicates(client, section_head, hotel):
    send(client, section_head, [body(hotel)])
    again = send(client, section_head, [body(hotel)]).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    changed = send(client, section_head, [body(hotel, window_end="2026-03-20")]).json()
    assert changed["updated"] == 1 and ExternalTask.objects.count() == 1
    assert str(ExternalTask.objects.get().window_end) == "2026-03-20"


def test_a_bad_task_rejects_the_whole_batch_with_each_problem(client, section_head, hotel):
    tasks = [body(hotel), body(hotel, external_id="X2", credit_code="91440783MA00000990"),
             body(hotel, external_id="X3", window_end="2026-02-01"), body(hotel, department="health", external_id="X4"),
             body(hotel)]
    response = send(client, section_head, tasks)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"tasks[1].credit_code", "tasks[2].window_end", "tasks[3].department", "tasks[4].external_id"}
    assert response.json()["detail"] and not ExternalTask.objects.exists()


def test_input_errors_come_in_the_house_shape(client, section_head, hotel):
    response = send(client, section_head, [body(hotel, window_start="三月一日", items=[])])
    assert response.status_code == 422
    assert set(response.json()["errors"]) >= {"window_start", "items"}


def test_a_merged_task_cannot_be_changed_but_may_be_posted_unchanged(client, section_head, hotel, kaiping):
    send(client, section_head, [body(hotel), body(hotel, department="fire", external_id="XF-1")])
    joint.merge_joint_visits(kaiping, actor=section_head, window=(dt.date(2026, 3, 1), dt.date(2026, 3, 31)))
    assert send(client, section_head, [body(hotel)]).json()["unchanged"] == 1
    response = send(client, section_head, [body(hotel, title="改了")])
    assert response.status_code == 422 and "已并入联合检查" in response.json()["errors"]["tasks[0].external_id"][0]


def test_the_list_is_scoped_filtered_and_paginated(client, section_head, city_admin, outsider, hotel):
    send(client, section_head, [body(hotel, external_id=f"SJ-{n}") for n in range(3)])
    client.force_login(section_head)
    page = client.get(API, {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert client.get(API, {"merged": "true"}).json()["count"] == 0
    assert client.get(API, {"merged": "false", "department": "market"}).json()["count"] == 3
    client.force_login(city_admin)
    assert client.get(API).json()["count"] == 3
    client.force_login(outsider)
    assert client.get(API).json()["count"] == 0
    task = ExternalTask.objects.first()
    assert client.get(f"{API}{task.pk}").status_code == 404


def test_outsiders_and_plain_officers_cannot_post_for_kaiping(client, outsider, officer, hotel):
    # The outsider's own bureau has no entity with this code: nothing is saved anywhere.
    assert send(client, outsider, [body(hotel)]).status_code == 422
    assert send(client, officer, [body(hotel)]).status_code == 403
    assert not ExternalTask.objects.exists()


def test_it_needs_authentication(client, hotel):
    assert client.get(API).status_code == 401
    assert client.post(API, {"tasks": [body(hotel)]}, content_type="application/json").status_code == 401


# ---- the contract -----------------------------------------------------------------------------------------------

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/")).include(
    path_regex="^/api/v1/inspections/tasks/")
schema.app = get_wsgi_application()


@pytest.fixture
def api_headers(shared_test_connection, exchange, hotel):
    return {"Authorization": exchange["HTTP_AUTHORIZATION"]}


def test_the_schema_lists_the_task_endpoints():
    paths = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/inspections/tasks/"])


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_fails_with_a_server_error(case, api_headers):
    case.call_and_validate(headers=api_headers, checks=[not_a_server_error, response_schema_conformance])
