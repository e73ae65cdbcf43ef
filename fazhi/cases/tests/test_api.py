"""The penalty-case API: scoping, opening a case once per key, the procedure through its steps (and its refusals
with their articles), evidence digests, the simple procedure, documents, and the schema."""
import datetime as dt
import hashlib
import re
import uuid

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from fazhi.api import api
from fazhi.cases import services
from fazhi.cases.choices import CaseStatus as S
from fazhi.cases.models import Case, Evidence
from fazhi.core import services as core_services
from fazhi.core.choices import AuditAction, Role
from fazhi.core.models import AuditEvent
from fazhi.core.permissions import NOT_VISIBLE
from fazhi.core.tests import factories as f
from fazhi.documents.layout import DOCX_CONTENT_TYPE

from . import factories as fc

pytestmark = pytest.mark.django_db

API = "/api/v1/cases"
# 2025-03-05 is a Wednesday; the notice served on Monday 03-10 leaves three workdays to 03-13.
FILED = dt.date(2025, 3, 5)
NOTICE = dt.date(2025, 3, 10)
PDF = b"%PDF-1.4 licence copy"


def get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def post(client, user, url, body=None, method="post"):
    client.force_login(user)
    return getattr(client, method)(url, body or {}, content_type="application/json")


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.content.decode()
    return response.json()


def ids(response) -> set[int]:
    return {row["id"] for row in ok(response)["items"]}


@pytest.fixture
def uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ours(hotel, case_team):
    return fc.registered(hotel, case_team, received_on=FILED)


@pytest.fixture
def theirs(outsider):
    """A case of 环翠区, registered by its own officer."""
    return services.open_case(actor=outsider, source="complaint", received_on=FILED, cause="无证经营",
                              domain="public_place", party={"party_name": "环翠区海滨宾馆"})


@pytest.fixture
def token(admin):
    system = f.staff(admin.organisation, Role.OFFICER, username="kp-cases", full_name="开平案件数据交换")
    _, key = core_services.issue_api_token(actor=admin, user=system, name="案件数据交换")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


# ---- reading: scope, filters, pagination, queries -----------------------------------------------------------

def test_the_list_is_scoped_to_the_callers_bureau(client, officer, outsider, city_admin, ours, theirs):
    assert ids(get(client, officer, f"{API}/")) == {ours.pk}
    assert ids(get(client, outsider, f"{API}/")) == {theirs.pk}
    assert ids(get(client, city_admin, f"{API}/")) == {ours.pk}


def test_another_county_gets_404_on_our_case_and_its_documents(client, outsider, ours):
    for url in (f"{API}/{ours.pk}", f"{API}/{ours.pk}/documents", f"{API}/{ours.pk}/documents/case_filing"):
        response = get(client, outsider, url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": NOT_VISIBLE}
    response = post(client, outsider, f"{API}/{ours.pk}/steps/file", {})
    assert response.status_code == 404 and ours.party_name not in response.content.decode()


def test_a_city_reads_a_county_case_but_cannot_act_on_it(client, city_admin, ours):
    body = ok(get(client, city_admin, f"{API}/{ours.pk}"))
    assert body["party_name"] == ours.party_name and body["moves"] == []
    response = post(client, city_admin, f"{API}/{ours.pk}/steps/file", {"on": str(FILED)})
    assert response.status_code == 403 and "不属于本局" in response.json()["detail"]


def test_the_list_filters_searches_and_pages(client, officer, hotel, case_team, approver, ours):
    person = services.open_case(actor=case_team[0], source="complaint", received_on=FILED, cause="无证行医",
                                domain="public_place", officers=case_team,
                                party={"party_name": "张三", "party_kind": "person"})
    services.file_case(ours, actor=approver, on=FILED)
    ours.refresh_from_db()
    assert ids(get(client, officer, f"{API}/", status="investigating")) == {ours.pk}
    assert ids(get(client, officer, f"{API}/", source="complaint")) == {person.pk}
    assert ids(get(client, officer, f"{API}/", entity=hotel.pk)) == {ours.pk}
    assert ids(get(client, officer, f"{API}/", q="张三")) == {person.pk}
    assert ids(get(client, officer, f"{API}/", q=ours.filing_number)) == {ours.pk}
    assert ids(get(client, officer, f"{API}/", procedure="simple")) == set()
    page = ok(get(client, officer, f"{API}/", page_size=1))
    assert page["count"] == 2 and len(page["items"]) == 1
    assert get(client, officer, f"{API}/", status="unknown").status_code == 422


def test_the_list_costs_the_same_queries_for_two_cases_or_eight(client, officer, hotel, case_team):
    def queries() -> int:
        client.force_login(officer)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{API}/").status_code == 200
        return len(captured)

    for _ in range(2):
        fc.registered(hotel, case_team, received_on=FILED)
    few = queries()
    for _ in range(6):
        fc.registered(hotel, case_team, received_on=FILED)
    assert queries() == few
    assert few <= 10  # session and caller (5 with the session's save), the count, one page


def test_a_token_reads_cases_and_without_one_the_api_answers_401(client, token, ours, theirs):
    assert {row["id"] for row in client.get(f"{API}/", **token).json()["items"]} == {ours.pk}
    assert client.get(f"{API}/{theirs.pk}", **token).status_code == 404
    assert client.get(f"{API}/").status_code == 401


def test_the_detail_shows_party_masked_violation_team_clock_and_moves(client, approver, case_team, ours):
    services.update_case(ours, actor=case_team[0], party_phone="13912345678", party_id_number="440783199001011234")
    body = ok(get(client, approver, f"{API}/{ours.pk}"))
    assert body["party"]["name"] == ours.party_name and body["party"]["phone_masked"] == "139****5678"
    assert "13912345678" not in str(body) and "199001011234" not in str(body)
    violation = body["violation"]
    assert violation["code"] == ours.violation.code
    assert violation["provision_broken_id"] == ours.provision_broken_id
    assert violation["provision_broken_label"].endswith("第八条")
    assert violation["penalty_provision_label"].endswith("第十四条第一款第（四）项")
    assert {m["officer_id"] for m in body["team"]} == {o.pk for o in case_team}
    assert body["clock"]["filing_due_on"] == "2025-03-12" and body["clock"]["deadline_on"] is None
    assert {m["name"] for m in body["moves"]} == {"file", "refuse_filing", "transfer"}
    file_move = next(m for m in body["moves"] if m["name"] == "file")
    assert file_move["endpoint"] == f"{API}/{ours.pk}/steps/file"
    assert body["balance"] is None and body["notice"] is None and body["documents"] == []


# ---- opening and changing a case ---------------------------------------------------------------------------------

def opening(hotel, case_team, **overrides) -> dict:
    return {"source": "inspection", "received_on": str(FILED), "cause": "未取得卫生许可证擅自营业",
            "entity_id": hotel.pk, "violation_code": fc.violation().code,
            "officer_ids": [o.pk for o in case_team], "facts": "经查，当事人未取得公共场所卫生许可证即开展住宿经营。",
            "act_ended_on": str(FILED), **overrides}


def test_a_case_opened_twice_with_one_key_is_registered_once(client, hotel, case_team):
    key = str(uuid.uuid4())
    first = ok(post(client, case_team[0], f"{API}/", opening(hotel, case_team, client_key=key)), 201)
    assert first["status"] == "registered" and first["party_name"] == hotel.name
    assert first["violation"]["provision_broken_label"]
    again = ok(post(client, case_team[0], f"{API}/", opening(hotel, case_team, client_key=key)), 200)
    assert again["id"] == first["id"] and Case.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="cases.case").count() == 1


def test_a_key_used_by_another_bureau_is_refused_not_answered(client, hotel, case_team, outsider):
    key = str(uuid.uuid4())
    ok(post(client, case_team[0], f"{API}/", opening(hotel, case_team, client_key=key)), 201)
    response = post(client, outsider, f"{API}/", {"source": "complaint", "received_on": str(FILED), "cause": "无证经营",
                                                 "domain": "public_place", "party": {"name": "海滨宾馆"},
                                                 "client_key": key})
    assert response.status_code == 422 and "client_key" in response.json()["errors"]
    assert hotel.name not in response.content.decode()


def test_opening_refuses_bad_input_field_by_field(client, hotel, case_team, outsider):
    def errors(body) -> dict:
        return ok(post(client, case_team[0], f"{API}/", body), 422)["errors"]

    body = opening(hotel, case_team, entity_id=None, violation_code="NOPE")
    assert "party" in errors(body)
    assert errors({**body, "party": {"name": "张三"}}) == {
        "violation_code": ["违法行为代码不存在或已停用，请按裁量基准表填写。"]}
    assert "officer_ids" in errors(opening(hotel, case_team, officer_ids=[outsider.pk]))
    assert "received_on" in errors(opening(hotel, case_team, received_on="2999-01-01"))
    assert "colour" in errors(opening(hotel, case_team, colour="red"))
    assert not Case.objects.exists()


def test_patch_changes_only_the_fields_given_and_is_audited(client, case_team, ours):
    body = ok(post(client, case_team[0], f"{API}/{ours.pk}", {"penalty_kinds": ["warning", "fine"],
                                                             "fine_amount": "3000", "band_level": "serious"},
                   method="patch"))
    assert body["penalty"]["kinds"] == ["warning", "fine"] and body["penalty"]["fine_amount"] == "3000.00"
    assert body["facts"] == ours.facts
    assert AuditEvent.objects.for_object(ours).filter(action=AuditAction.UPDATE).exists()
    assert post(client, case_team[0], f"{API}/{ours.pk}", {}, method="patch").status_code == 422
    assert post(client, case_team[0], f"{API}/{ours.pk}", {"facts": None}, method="patch").status_code == 422


def test_only_the_cases_officers_may_change_it(client, officer, ours):
    response = post(client, officer, f"{API}/{ours.pk}", {"facts": "改写"}, method="patch")
    assert response.status_code == 403 and "承办人员" in response.json()["detail"]


# ---- the procedure through its steps ---------------------------------------------------------------------------

def upload_evidence(client, user, case, content=PDF):
    client.force_login(user)
    return client.post(f"{API}/{case.pk}/evidence", {
        "kind": "documentary", "title": "营业执照复印件", "collected_on": str(FILED), "description": "证明经营主体",
        "file": SimpleUploadedFile("licence.pdf", content, content_type="application/pdf")})


def test_evidence_upload_answers_the_hash_of_what_was_received(client, case_team, approver, ours, uploads):
    services.file_case(ours, actor=approver, on=FILED)
    body = ok(upload_evidence(client, case_team[0], ours), 201)
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest() and body["size"] == len(PDF)
    assert body["original_name"] == "licence.pdf" and body["kind_label"] == "书证"
    stored = Evidence.objects.get(pk=body["id"])
    assert hashlib.sha256(stored.file.read()).hexdigest() == body["sha256"]
    detail = ok(get(client, case_team[0], f"{API}/{ours.pk}"))
    assert [e["sha256"] for e in detail["evidence"]] == [body["sha256"]]


def test_evidence_without_a_file_or_bodycam_is_refused_in_chinese(client, case_team, approver, ours):
    services.file_case(ours, actor=approver, on=FILED)
    client.force_login(case_team[0])
    response = client.post(f"{API}/{ours.pk}/evidence", {"kind": "documentary", "title": "照片",
                                                        "collected_on": str(FILED)})
    assert response.status_code == 422 and "执法记录仪" in response.json()["errors"]["__all__"][0]


def _investigate(client, case, team, head, legal, approver):
    """File, gather, report and pass both reviews, all through the API."""
    ok(post(client, approver, f"{API}/{case.pk}/steps/file", {"on": str(FILED)}))
    ok(upload_evidence(client, team[0], case), 201)
    start = dt.datetime.combine(FILED, dt.time(9, 0))
    ok(post(client, team[0], f"{API}/{case.pk}/interviews", {
        "interviewee": "张经理", "place": "宾馆前台", "started_at": start.isoformat(),
        "ended_at": (start + dt.timedelta(hours=1)).isoformat(), "transcript": "问：是否取得卫生许可证？答：没有。",
        "officer_ids": [o.pk for o in team], "signed": True}), 201)
    ok(post(client, team[0], f"{API}/{case.pk}", {"penalty_kinds": ["warning", "fine"], "fine_amount": 3000,
                                                 "band_level": "serious"}, method="patch"))
    ok(post(client, team[0], f"{API}/{case.pk}/report", {
        "concluded_on": str(FILED), "evidence_summary": "营业执照、询问笔录。", "analysis": "违反第八条，依第十四条处罚。",
        "proposal": "警告并罚款。"}))
    ok(post(client, team[0], f"{API}/{case.pk}/steps/conclude", {"on": str(FILED)}))
    for reviewer, stage in ((head, "section"), (legal, "legal")):
        ok(post(client, reviewer, f"{API}/{case.pk}/reviews", {
            "stage": stage, "outcome": "agree", "reasons": "事实清楚，适用法律正确。", "on": str(FILED),
            "aspects": {a: "合法" for a in fc.aspects()}}), 201)


def test_a_general_case_runs_through_the_api_from_filing_to_archive(client, case_team, approver, section_head,
                                                                   legal_reviewer, leader, ours, uploads):
    _investigate(client, ours, case_team, section_head, legal_reviewer, approver)
    body = ok(post(client, case_team[0], f"{API}/{ours.pk}/steps/notify", {"served_on": str(NOTICE),
                                                                           "on": str(NOTICE)}))
    assert body["status"] == "notified" and body["notice"]["statement_until"] == "2025-03-13"
    assert body["penalty"]["notified_fine"] == "3000.00"

    early = post(client, leader, f"{API}/{ours.pk}/steps/decide", {"on": "2025-03-13"})
    assert early.status_code == 409 and "第四十五条" in early.json()["detail"]
    assert Case.objects.get(pk=ours.pk).status == S.NOTIFIED

    body = ok(post(client, leader, f"{API}/{ours.pk}/steps/decide", {"on": "2025-03-14"}))
    assert body["status"] == "decided" and body["decision"]["number"] == "开卫罚〔2025〕1号"
    body = ok(post(client, case_team[0], f"{API}/{ours.pk}/steps/serve", {
        "served_on": "2025-03-14", "method": "in_person", "recipient": "张经理"}))
    assert body["decision"]["payment_due_on"] == "2025-03-31" and body["services"][0]["method_label"] == "直接送达"
    assert body["balance"]["principal"] == "3000.00"
    payment = ok(post(client, case_team[0], f"{API}/{ours.pk}/payments", {
        "paid_on": "2025-03-20", "amount": "3000", "receipt_number": "4400123"}), 201)
    assert payment["amount"] == "3000.00"
    body = ok(get(client, approver, f"{API}/{ours.pk}"))
    assert body["status"] == "fulfilled" and body["balance"]["settled"] and body["balance"]["outstanding"] == "0.00"
    assert [m["name"] for m in body["moves"]] == ["close"]
    ok(post(client, approver, f"{API}/{ours.pk}/steps/close", {"on": "2025-03-21"}))
    body = ok(post(client, legal_reviewer, f"{API}/{ours.pk}/steps/archive", {"on": "2025-03-24"}))
    assert body["status"] == "archived" and body["decision"]["archived_on"] == "2025-03-24"
    assert [r["stage"] for r in body["reviews"]] == ["section", "legal"]
    assert len(body["interviews"]) == 1 and body["report"]["proposal"] == "警告并罚款。"


def test_a_move_out_of_order_answers_409_and_changes_nothing(client, case_team, approver, section_head,
                                                             legal_reviewer, leader, ours, uploads):
    _investigate(client, ours, case_team, section_head, legal_reviewer, approver)
    response = post(client, leader, f"{API}/{ours.pk}/steps/decide", {"on": str(NOTICE)})
    assert response.status_code == 409
    assert response.json()["detail"] == "当前状态为“审核中”，不能执行“作出处罚决定”。"
    wrong = post(client, case_team[0], f"{API}/{ours.pk}/steps/record_with_bureau", {})
    assert wrong.status_code == 409 and "一般程序" in wrong.json()["detail"]
    assert Case.objects.get(pk=ours.pk).status == S.IN_REVIEW


def test_steps_refuse_a_future_day_and_a_caller_without_the_role(client, case_team, approver, ours):
    tomorrow = dt.date.today() + dt.timedelta(days=1)
    response = post(client, approver, f"{API}/{ours.pk}/steps/file", {"on": str(tomorrow)})
    assert response.status_code == 422 and response.json()["errors"] == {"on": ["办理日期不能晚于今天。"]}
    response = post(client, case_team[0], f"{API}/{ours.pk}/steps/file", {"on": str(FILED)})
    assert response.status_code == 403 and response.json()["detail"] == "您没有执行“立案”的权限。"


def test_a_refused_filing_cites_the_limitation_article(client, hotel, case_team, approver):
    old = fc.registered(hotel, case_team, received_on=FILED, act_ended_on=dt.date(2022, 1, 1))
    response = post(client, approver, f"{API}/{old.pk}/steps/file", {"on": str(FILED)})
    assert response.status_code == 409 and "第三十六条" in response.json()["detail"]
    body = ok(post(client, approver, f"{API}/{old.pk}/steps/refuse_filing", {"reason": "已超过追责时效。",
                                                                             "on": str(FILED)}))
    assert body["status"] == "not_filed" and body["decision"]["outcome_reason"] == "已超过追责时效。"


def test_a_measure_is_taken_decided_and_shown_with_its_clock(client, case_team, approver, ours):
    services.file_case(ours, actor=approver, on=FILED)
    measure = ok(post(client, case_team[0], f"{API}/{ours.pk}/measures", {
        "kind": "preservation", "items": "一次性毛巾200条", "started_on": str(FILED), "approved_by_id": approver.pk}), 201)
    assert measure["number"] and measure["ends_on"] == "2025-03-12" and measure["decided_on"] is None
    decided = ok(post(client, case_team[0], f"{API}/{ours.pk}/measures/{measure['id']}/decision",
                      {"decision": "予以没收", "on": "2025-03-10"}))
    assert decided["decided_on"] == "2025-03-10"
    other = fc.registered(ours.entity, case_team, received_on=FILED)
    assert post(client, case_team[0], f"{API}/{other.pk}/measures/{measure['id']}/release", {}).status_code == 404


def test_records_out_of_order_are_refused_in_chinese(client, case_team, approver, leader, ours):
    services.file_case(ours, actor=approver, on=FILED)
    response = post(client, case_team[0], f"{API}/{ours.pk}/waiver", {"waived_on": str(FILED)})
    assert response.status_code == 422 and "尚未事先告知" in response.json()["errors"]["__all__"][0]
    response = post(client, approver, f"{API}/{ours.pk}/hearing/schedule", {
        "notified_on": str(FILED), "scheduled_for": "2025-03-20", "place": "听证室", "chair_id": leader.pk})
    assert response.status_code == 422 and "尚未申请听证" in response.json()["errors"]["__all__"][0]
    response = post(client, approver, f"{API}/{ours.pk}/enforcement/result", {
        "concluded_on": str(FILED), "result": "执行完毕"})
    assert response.status_code == 422
    response = post(client, case_team[0], f"{API}/{ours.pk}/payments", {
        "paid_on": str(FILED), "amount": "100", "receipt_number": "1"})
    assert response.status_code == 422 and "待履行" in response.json()["errors"]["__all__"][0]


def test_only_the_cases_own_officers_add_evidence(client, officer, city_admin, approver, ours, uploads):
    services.file_case(ours, actor=approver, on=FILED)
    response = upload_evidence(client, officer, ours)
    assert response.status_code == 403 and "承办人员" in response.json()["detail"]
    assert upload_evidence(client, city_admin, ours).status_code == 403
    assert not Evidence.objects.exists()


# ---- the simple procedure ----------------------------------------------------------------------------------------

def on_the_spot(case_team, **overrides) -> dict:
    return {"cause": "从业人员未取得健康合格证明", "facts": "现场检查发现2名从业人员无健康合格证明。",
            "violation_code": fc.violation().code, "penalty_kinds": ["fine"], "fine_amount": "100",
            "place": "宾馆前台", "on": str(FILED), "officer_ids": [o.pk for o in case_team], **overrides}


def test_a_decision_on_the_spot_resent_with_its_key_answers_the_same_case(client, hotel, case_team):
    body = on_the_spot(case_team, entity_id=hotel.pk, client_key=str(uuid.uuid4()))
    first = ok(post(client, case_team[0], f"{API}/simple", body), 201)
    assert first["status"] == "on_spot" and first["decision"]["number"] == "开卫简罚〔2025〕1号"
    assert first["procedure"] == "simple" and first["decision"]["payment_due_on"] == "2025-03-20"
    again = ok(post(client, case_team[0], f"{API}/simple", body), 200)
    assert again["id"] == first["id"] and Case.objects.count() == 1
    assert {m["name"] for m in again["moves"]} == {"record_with_bureau"}


def test_a_fine_over_the_spot_limit_is_refused_with_its_article_and_leaves_nothing(client, case_team):
    body = on_the_spot(case_team, party={"kind": "person", "name": "张三"}, fine_amount="201")
    response = post(client, case_team[0], f"{API}/simple", body)
    assert response.status_code == 409 and "第五十一条" in response.json()["detail"]
    assert "200.00元" in response.json()["detail"] and not Case.objects.exists()


def test_an_on_the_spot_case_is_filed_with_the_bureau_through_its_step(client, hotel, case_team):
    created = ok(post(client, case_team[0], f"{API}/simple", on_the_spot(case_team, entity_id=hotel.pk)), 201)
    body = ok(post(client, case_team[0], f"{API}/{created['id']}/steps/record_with_bureau", {"on": str(FILED)}))
    assert body["status"] == "recorded"
    wrong = post(client, case_team[0], f"{API}/{created['id']}/steps/decide", {})
    assert wrong.status_code == 409 and "简易程序" in wrong.json()["detail"]


# ---- documents ----------------------------------------------------------------------------------------------------

def test_the_documents_list_links_each_docx_and_the_download_is_audited(client, approver, case_team, ours):
    services.file_case(ours, actor=approver, on=FILED)
    rows = ok(get(client, case_team[0], f"{API}/{ours.pk}/documents"))
    filing = next(r for r in rows if r["kind"] == "case_filing")
    assert filing["title"] == "立案报告" and filing["number"] == "开卫立〔2025〕1号" and filing["final"]
    response = client.get(filing["download_url"])
    assert response.status_code == 200 and response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response.content[:2] == b"PK" and "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.for_object(ours).filter(action=AuditAction.EXPORT).exists()
    assert get(client, case_team[0], f"{API}/{ours.pk}/documents/penalty_decision").status_code == 404
    assert get(client, case_team[0], f"{API}/{ours.pk}/documents/no_such_kind").status_code == 404


# ---- the schema --------------------------------------------------------------------------------------------------

CASE_ENDPOINTS = {
    ("get", f"{API}/"), ("post", f"{API}/"), ("get", f"{API}/{{id}}"), ("patch", f"{API}/{{id}}"),
    ("post", f"{API}/simple"), ("post", f"{API}/{{id}}/steps/file"), ("post", f"{API}/{{id}}/steps/decide"),
    ("post", f"{API}/{{id}}/evidence"), ("post", f"{API}/{{id}}/reviews"), ("post", f"{API}/{{id}}/payments"),
    ("get", f"{API}/{{id}}/documents"), ("get", f"{API}/{{id}}/documents/{{kind}}"),
}


def test_the_schema_lists_the_case_endpoints_in_chinese(client):
    document = client.get("/api/v1/openapi.json").json()
    listed = {(method, path) for path, operations in document["paths"].items() for method in operations}
    assert CASE_ENDPOINTS <= listed
    for path, operations in document["paths"].items():
        if not path.startswith(API):
            continue
        for method, operation in operations.items():
            assert operation["tags"] == ["行政处罚"], (method, path)
            assert re.search(r"[\u4e00-\u9fff]", operation["summary"]), (method, path)
            for parameter in operation.get("parameters", []):
                assert re.search(r"[\u4e00-\u9fff]", parameter.get("description", "")), (path, parameter["name"])
    for name in ("CaseOut", "CaseDetailOut", "EvidenceOut", "CaseIn", "ServeIn", "ReviewIn"):
        for field, spec in document["components"]["schemas"][name]["properties"].items():
            assert re.search(r"[\u4e00-\u9fff]", spec.get("description", "")), (name, field)
    refusal = document["paths"][f"{API}/{{id}}/steps/decide"]["post"]["responses"]
    assert {"200", "403", "404", "409", "422"} <= set(refusal)


# Loaded at import, as in the core's schema test: schemathesis' pytest fixture loader does not work here.
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1/")).include(
    path_regex=r"^/api/v1/cases/").include(method="GET")
schema.app = get_wsgi_application()


@pytest.fixture
def api_headers(shared_test_connection, token, ours, theirs, approver):
    services.file_case(ours, actor=approver, on=FILED)
    return {"Authorization": token["HTTP_AUTHORIZATION"]}


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_it_never_fails_with_a_server_error(case, api_headers):
    case.call_and_validate(headers=api_headers, checks=[not_a_server_error, response_schema_conformance])
