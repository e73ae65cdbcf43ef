"""The staff pages of penalty cases: the lists and their queries, a case's page, each step posting through to its
service with refusals shown in Chinese, scoping to one's own county, and the simple procedure's form."""
import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fazhi.cases import reviews, services
from fazhi.cases.choices import CaseStatus as S
from fazhi.cases.choices import ReviewOutcome, ReviewStage
from fazhi.cases.models import Case, Evidence, LegalReview, Payment
from fazhi.cases.querysets import ClockBook, rule_condition
from fazhi.core.choices import Role
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f

from . import factories as fc

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def case(hotel, case_team, today):
    return fc.registered(hotel, case_team, received_on=today)


@pytest.fixture
def filed(hotel, case_team, approver, today):
    """A case filed three weeks ago, investigated, the penalty proposed: ready to conclude."""
    start = today - dt.timedelta(days=21)
    registered = fc.registered(hotel, case_team, received_on=start)
    return fc.investigated(registered, case_team, approver, on=start)


@pytest.fixture
def in_review(filed, case_team, section_head, today):
    services.conclude_investigation(filed, actor=case_team[0], on=today - dt.timedelta(days=20))
    return Case.objects.get(pk=filed.pk)


def registered(entity, team, *, received_on, cause="未取得卫生许可证擅自营业", **facts) -> Case:
    """fc.registered with a cause of one's own, so that lists can be searched by it."""
    case = fc.registered(entity, team, received_on=received_on, **facts)
    if cause != case.cause:
        Case.objects.filter(pk=case.pk).update(cause=cause)
        case.refresh_from_db()
    return case


def url(name, *args):
    return reverse(f"cases:{name}", args=args)


def step(case, slug):
    return url("step", case.pk, slug)


def query_count(client, address) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)
    assert response.status_code == 200
    return len(captured)


# ---- the lists ----------------------------------------------------------------------------------------------------

def test_the_list_searches_filters_and_sorts(as_user, officer, hotel, case_team, today):
    registered(hotel, case_team, received_on=today, cause="公共场所未公示卫生许可证")
    other = registered(hotel, case_team, received_on=today - dt.timedelta(days=1), cause="从业人员无健康证明")
    client = as_user(officer)
    page = client.get(url("list")).content.decode()
    assert "公共场所未公示卫生许可证" in page and "从业人员无健康证明" in page
    found = client.get(url("list"), {"q": "健康证明"}).content.decode()
    assert "从业人员无健康证明" in found and "公共场所未公示卫生许可证" not in found
    services.file_case(other, actor=f.staff(officer.organisation, Role.SECTION_HEAD), on=today)
    filtered = client.get(url("list"), {"status": S.INVESTIGATING}).content.decode()
    assert "从业人员无健康证明" in filtered and "公共场所未公示卫生许可证" not in filtered
    assert client.get(url("list"), {"sort": "party_name"}).status_code == 200
    narrowed = {"procedure": "general", "source": "inspection", "domain": "public_place"}
    assert client.get(url("list"), narrowed).status_code == 200


def test_the_list_reads_a_fixed_number_of_queries_whatever_the_page_size(as_user, officer, hotel, case_team,
                                                                         approver, today):
    for n in range(3):
        fc.registered(hotel, case_team, received_on=today - dt.timedelta(days=n))
    client = as_user(officer)
    few = query_count(client, url("list") + "?per_page=100")
    for n in range(3, 30):
        made = fc.registered(hotel, case_team, received_on=today - dt.timedelta(days=n % 5))
        if n % 3 == 0:
            services.file_case(made, actor=approver, on=today, delay_reason="等待检验结果")
    many = query_count(client, url("list") + "?per_page=100")
    assert many == few
    assert query_count(client, url("list") + "?overdue=1&per_page=100") <= few + 2


def test_the_overdue_filter_finds_a_filing_decision_past_its_seven_days(as_user, officer, hotel, case_team, today):
    late = registered(hotel, case_team, received_on=today - dt.timedelta(days=30), cause="逾期未立案的案件")
    registered(hotel, case_team, received_on=today, cause="今日登记的案件")
    page = as_user(officer).get(url("list"), {"overdue": "1"}).content.decode()
    assert "逾期未立案的案件" in page and "今日登记的案件" not in page
    assert Case.objects.overdue(ClockBook(today)).get() == late


def test_my_cases_show_each_clock_and_the_next_steps(as_user, hotel, case_team, today):
    registered(hotel, case_team, received_on=today - dt.timedelta(days=30), cause="逾期未立案的案件")
    registered(hotel, case_team, received_on=today, cause="今日登记的案件")
    page = as_user(case_team[0]).get(url("mine")).content.decode()
    assert "立案决定期限" in page and "clock-overdue" in page and "已逾期" in page
    assert "修改案情与拟处罚" in page and "添加证据" in page


def test_my_cases_read_a_bounded_number_of_queries(as_user, hotel, case_team, today):
    for _ in range(2):
        fc.registered(hotel, case_team, received_on=today)
    client = as_user(case_team[0])
    few = query_count(client, url("mine"))
    for _ in range(15):
        fc.registered(hotel, case_team, received_on=today)
    assert query_count(client, url("mine")) == few


def test_a_section_head_sees_filing_decisions_pending_and_files_from_the_queue(as_user, approver, case, today):
    client = as_user(approver)
    page = client.get(url("approvals")).content.decode()
    assert "待立案审批" in page and case.party_name in page and "立案决定期限" in page
    response = client.post(step(case, "file"))
    assert response.status_code == 302 and response["Location"] == url("detail", case.pk)
    case.refresh_from_db()
    assert case.status == S.INVESTIGATING and case.filing_number.startswith("开卫立〔")


def test_the_legal_queue_lists_cases_whose_section_review_agreed(as_user, in_review, section_head, legal_reviewer):
    client = as_user(legal_reviewer)
    assert in_review.party_name not in client.get(url("queue")).content.decode()
    reviews.record_review(in_review, stage=ReviewStage.SECTION, reviewer=section_head, outcome=ReviewOutcome.AGREE,
                          reasons="事实清楚", aspects=fc.aspects())
    page = client.get(url("queue")).content.decode()
    assert "待法制复审" in page and in_review.party_name in page and "法制审核" in page
    data = {"outcome": ReviewOutcome.AGREE, "reasons": "适用法律正确",
            **{f"aspect_{a}": "合法" for a in fc.aspects()}}
    assert client.post(step(in_review, "legal-review"), data).status_code == 302
    assert LegalReview.objects.filter(case=in_review, stage=ReviewStage.LEGAL, outcome=ReviewOutcome.AGREE).exists()
    assert in_review.party_name not in client.get(url("queue")).content.decode()


def test_a_legal_review_needs_every_aspect(as_user, in_review, section_head, legal_reviewer):
    reviews.record_review(in_review, stage=ReviewStage.SECTION, reviewer=section_head, outcome=ReviewOutcome.AGREE,
                          reasons="事实清楚", aspects={})
    page = as_user(legal_reviewer).post(step(in_review, "legal-review"),
                                        {"outcome": ReviewOutcome.AGREE, "reasons": "同意"}).content.decode()
    assert "这个字段是必填项" in page or "必填" in page
    assert not LegalReview.objects.filter(stage=ReviewStage.LEGAL).exists()


def test_the_queues_answer_only_their_roles(as_user, officer, legal_reviewer):
    assert as_user(officer).get(url("queue")).status_code == 403
    assert as_user(officer).get(url("approvals")).status_code == 403
    assert as_user(legal_reviewer).get(url("mine")).status_code == 403


def test_the_rule_table_as_sql_agrees_with_major(in_review, hotel, case_team, today):
    from fazhi.cases import major
    from fazhi.cases.choices import RuleEffect
    from fazhi.cases.models import CaseRule

    big = fc.registered(hotel, case_team, received_on=today, penalty_kinds="fine licence_revocation",
                        fine_amount=Decimal("60000"), is_complex=True)
    for effect in (RuleEffect.LEGAL_REVIEW, RuleEffect.DELIBERATION, RuleEffect.HEARING_RIGHT):
        for rule in CaseRule.objects.filter(effect=effect, is_active=True):
            caught = set(Case.objects.with_rule_fields().filter(rule_condition(rule)).values_list("pk", flat=True))
            expected = {c.pk for c in (big, in_review) if rule in major.triggered(c, effect)}
            assert caught == expected, rule.code


# ---- a case's page ------------------------------------------------------------------------------------------------

def test_the_case_page_shows_everything_and_reads_a_bounded_number_of_queries(as_user, in_review, case_team,
                                                                              section_head, legal_reviewer, leader,
                                                                              today):
    reviews.record_review(in_review, stage=ReviewStage.SECTION, reviewer=section_head, outcome=ReviewOutcome.AGREE,
                          reasons="事实清楚", aspects=fc.aspects(), on=today - dt.timedelta(days=19))
    notice_on = today - dt.timedelta(days=15)
    services.issue_notice(in_review, actor=case_team[0], served_on=notice_on, on=notice_on)
    services.decide(in_review, actor=leader, on=today - dt.timedelta(days=7))
    served = fc.served(Case.objects.get(pk=in_review.pk), case_team, on=today - dt.timedelta(days=6))
    client = as_user(case_team[0])
    page = client.get(url("detail", served.pk)).content.decode()
    for text in ("开平市三埠街道悦来宾馆", "公共场所卫生管理条例第八条", "营业执照复印件", "SHA-256", "询问张经理",
                 "科室初审", "事先告知", "缴纳期限", "尚欠", "登记缴款", "承办人员", "裁量阶次"):
        assert text in page, text
    few = query_count(client, url("detail", served.pk))
    for n in range(4):
        services.record_payment(served, actor=case_team[0], paid_on=today, amount=Decimal("10"),
                                receipt_number=f"440{n}")
        Evidence.objects.create(case=served, kind="documentary", title=f"补充材料{n}", collected_on=today,
                                added_by=case_team[0])
    assert query_count(client, url("detail", served.pk)) == few


def test_another_county_sees_nothing_and_cannot_post(as_user, outsider, case):
    client = as_user(outsider)
    assert case.party_name not in client.get(url("list")).content.decode()
    assert client.get(url("detail", case.pk)).status_code == 404
    assert client.post(step(case, "file")).status_code == 404
    assert client.get(url("history", case.pk)).status_code == 404
    case.refresh_from_db()
    assert case.status == S.REGISTERED


def test_a_city_leader_sees_the_case_but_is_offered_no_step(as_user, city_admin, case):
    client = as_user(city_admin)
    page = client.get(url("detail", case.pk)).content.decode()
    assert "只能查看" in page
    assert client.post(step(case, "file")).status_code == 403


def test_a_step_not_offered_in_the_state_is_refused(as_user, case, case_team):
    assert as_user(case_team[0]).get(step(case, "decide")).status_code == 403
    assert as_user(case_team[0]).get(step(case, "no-such-step")).status_code == 404


def test_the_case_page_is_read_only_to_post(as_user, officer, case):
    assert as_user(officer).post(url("detail", case.pk)).status_code == 405


def test_evidence_files_download_only_for_those_who_see_the_case(as_user, filed, case_team, outsider):
    evidence = filed.evidence.get()
    address = url("evidence_file", filed.pk, evidence.pk)
    response = as_user(case_team[0]).get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"%PDF-1.4 licence"
    assert as_user(outsider).get(address).status_code == 404


def test_the_audit_trail_gathers_the_case_and_its_records(as_user, filed, case_team):
    page = as_user(case_team[0]).get(url("history", filed.pk), HTTP_HX_REQUEST="true").content.decode()
    assert "立案" in page and "证据" in page and "询问笔录" in page and "调查终结报告" in page


# ---- steps posting through to the services ---------------------------------------------------------------------------

def test_a_refused_move_is_shown_in_chinese_with_its_article(as_user, hotel, bureaus, approver, today):
    lone = fc.officers(bureaus["kaiping_institute"], n=1)
    alone = fc.registered(hotel, lone, received_on=today)
    page = as_user(approver).post(step(alone, "file")).content.decode()
    assert "执法人员不得少于2人（行政处罚法第四十二条）" in page
    alone.refresh_from_db()
    assert alone.status == S.REGISTERED


def test_a_refusal_comes_back_as_a_part_of_the_page_to_htmx(as_user, hotel, bureaus, approver, today):
    alone = fc.registered(hotel, fc.officers(bureaus["kaiping_institute"], n=1), received_on=today)
    response = as_user(approver).post(step(alone, "file"), HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200 and "<html" not in page and "第四十二条" in page


def test_a_move_done_through_htmx_sends_the_page_back_to_the_case(as_user, approver, case):
    response = as_user(approver).post(step(case, "file"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == url("detail", case.pk)


def test_a_late_filing_asks_for_its_reason(as_user, hotel, case_team, approver, today):
    late = fc.registered(hotel, case_team, received_on=today - dt.timedelta(days=10))
    client = as_user(approver)
    assert "逾期立案原因" in client.get(step(late, "file")).content.decode()
    assert "逾期立案原因" not in client.get(step(fc.registered(hotel, case_team, received_on=today), "file")).content.decode()
    client.post(step(late, "file"), {"delay_reason": ""})
    late.refresh_from_db()
    assert late.status == S.REGISTERED
    client.post(step(late, "file"), {"delay_reason": "等待检验报告"})
    late.refresh_from_db()
    assert late.status == S.INVESTIGATING and late.filing_delay_reason == "等待检验报告"


def test_refusing_filing_and_transferring(as_user, approver, hotel, case_team, today):
    refused, moved = (fc.registered(hotel, case_team, received_on=today) for _ in range(2))
    client = as_user(approver)
    client.post(step(refused, "refuse-filing"), {"reason": "不属于本机关管辖"})
    client.post(step(moved, "transfer"), {"transferred_to": "开平市公安局", "reason": "涉嫌犯罪"})
    refused.refresh_from_db(), moved.refresh_from_db()
    assert refused.status == S.NOT_FILED and refused.outcome_reason == "不属于本机关管辖"
    assert moved.status == S.TRANSFERRED and moved.transferred_to == "开平市公安局"


def test_a_general_case_is_driven_from_the_entity_to_the_archive_through_the_pages(
        as_user, hotel, case_team, approver, section_head, legal_reviewer, leader, today):
    violation = fc.violation()
    def officer():  # the test client is one: sign in again before each officer's step
        return as_user(case_team[0])

    response = officer().post(f"{url('create')}?entity={hotel.pk}", {
        "source": "complaint", "received_on": today.isoformat(), "cause": "未取得卫生许可证擅自营业",
        "domain": "public_place", "violation": violation.pk, "act_ended_on": today.isoformat(),
        "facts": "投诉反映该宾馆无证经营。", "officers": [o.pk for o in case_team]})
    case = Case.objects.get()
    assert response["Location"] == url("detail", case.pk)
    assert case.party_name == hotel.name and case.party_credit_code == hotel.credit_code  # not typed again

    assert as_user(approver).post(step(case, "file")).status_code == 302
    officer().post(step(case, "evidence"), {"kind": "documentary", "title": "营业执照复印件", "collected_on": today,
                                          "file": SimpleUploadedFile("licence.pdf", b"%PDF-1.4 x")})
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    officer().post(step(case, "interview"), {
        "interviewee": "张经理", "place": "宾馆前台", "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"), "transcript": "问：有无许可证？答：没有。",
        "officers": [o.pk for o in case_team]})
    officer().post(step(case, "update"), {
        "cause": case.cause, "violation": violation.pk, "facts": "经查，当事人未取得卫生许可证即开展住宿经营。",
        "act_ended_on": today, "penalty_kinds": ["warning", "fine"],
        **{name: getattr(case, name) for name in ("party_name", "party_credit_code", "party_representative",
                                                  "party_address", "party_phone")},
        "fine_amount": "3000", "band_level": "serious"})
    officer().post(step(case, "report"), {"concluded_on": today, "evidence_summary": "营业执照、询问笔录。",
                                        "analysis": "违反第八条。", "proposal": "警告并罚款。"})
    assert officer().post(step(case, "conclude")).status_code == 302
    case.refresh_from_db()
    assert case.status == S.IN_REVIEW and case.fine_amount == Decimal("3000")

    aspects = {f"aspect_{a}": "合法" for a in fc.aspects()}
    as_user(section_head).post(step(case, "section-review"), {"outcome": "agree", "reasons": "事实清楚", **aspects})
    as_user(legal_reviewer).post(step(case, "legal-review"), {"outcome": "agree", "reasons": "适用正确", **aspects})
    officer().post(step(case, "notify"), {"served_on": today})
    officer().post(step(case, "waiver"), {"waived_on": today})
    response = as_user(leader).post(step(case, "decide"))
    case.refresh_from_db()
    assert response.status_code == 302 and case.status == S.DECIDED and case.decision_number

    officer().post(step(case, "serve"), {"served_on": today, "method": "in_person", "recipient": "张经理"})
    officer().post(step(case, "payment"), {"paid_on": today, "amount": "3000", "receipt_number": "4400123"})
    case.refresh_from_db()
    assert case.status == S.FULFILLED
    as_user(approver).post(step(case, "close"))
    as_user(legal_reviewer).post(step(case, "archive"))
    case.refresh_from_db()
    assert case.status == S.ARCHIVED
    moves = [e.detail["transition"] for e in AuditEvent.objects.filter(object_id=str(case.pk), action="transition",
                                                                       object_type="cases.case").order_by("seq")]
    assert moves == ["file", "conclude", "notify", "decide", "serve", "fulfil", "close", "archive"]


def test_measures_are_started_decided_and_released_from_the_page(as_user, filed, case_team, approver, today):
    def officer():
        return as_user(case_team[0])

    officer().post(step(filed, "measure"), {"kind": "preservation", "items": "消毒记录本1册", "started_on": today,
                                          "approved_by": approver.pk})
    officer().post(step(filed, "measure"), {"kind": "seizure", "items": "过期消毒剂10瓶", "started_on": today,
                                          "approved_by": approver.pk})
    preservation, seizure = filed.measures.order_by("id")
    officer().post(url("item_step", filed.pk, "measure", preservation.pk, "decide-measure"), {"decision": "作为证据留存"})
    as_user(approver).post(url("item_step", filed.pk, "measure", seizure.pk, "extend-measure"),
                           {"days": 30, "reason": "需送检"})
    officer().post(url("item_step", filed.pk, "measure", seizure.pk, "release-measure"))
    preservation.refresh_from_db(), seizure.refresh_from_db()
    assert preservation.decision == "作为证据留存" and seizure.extended_days == 30 and seizure.released_on == today
    assert as_user(case_team[0]).get(url("item_step", filed.pk, "appeal", seizure.pk, "end-appeal")).status_code == 404


def test_a_leader_extends_the_limit_and_an_officer_may_not(as_user, filed, case_team, leader):
    assert as_user(case_team[0]).get(step(filed, "extension")).status_code == 403
    before = filed.deadline_on
    as_user(leader).post(step(filed, "extension"), {"days": 30, "reason": "需补充检验报告"})
    filed.refresh_from_db()
    assert filed.deadline_on > before and filed.extensions.count() == 1


def test_statement_deferral_payment_and_appeal_through_the_pages(as_user, in_review, case_team, section_head, leader,
                                                                approver, today):
    reviews.record_review(in_review, stage=ReviewStage.SECTION, reviewer=section_head, outcome=ReviewOutcome.AGREE,
                          reasons="事实清楚", aspects=fc.aspects(), on=today - dt.timedelta(days=19))
    notice_on = today - dt.timedelta(days=15)
    services.issue_notice(in_review, actor=case_team[0], served_on=notice_on, on=notice_on)

    def officer():
        return as_user(case_team[0])

    officer().post(step(in_review, "statement"), {"received_on": notice_on, "content": "初次违法，请求从轻。",
                                                "adopted": "on", "response": "予以采纳，罚款减为2000元。"})
    officer().post(step(in_review, "update"), {"penalty_kinds": ["warning", "fine"], "fine_amount": "2000",
                                             "band_level": "general"})
    in_review.refresh_from_db()
    assert in_review.statements.get().adopted and in_review.fine_amount == Decimal("2000")
    services.decide(in_review, actor=leader, on=today - dt.timedelta(days=7))
    case = fc.served(Case.objects.get(pk=in_review.pk), case_team, on=today - dt.timedelta(days=6))
    as_user(approver).post(step(case, "arrangement"), {
        "kind": "instalments", "requested_on": today, "reason": "经营困难",
        "due_1": case.payment_due_on, "amount_1": "1000",
        "due_2": case.payment_due_on + dt.timedelta(days=30), "amount_2": "1000"})
    assert case.arrangements.get().instalments.count() == 2
    officer().post(step(case, "payment"), {"paid_on": today, "amount": "1000", "receipt_number": "44001"})
    officer().post(step(case, "appeal"), {"kind": "reconsideration", "filed_on": today})
    appeal = case.appeals.get()
    officer().post(url("item_step", case.pk, "appeal", appeal.pk, "end-appeal"), {"ended_on": today, "result": "维持"})
    appeal.refresh_from_db()
    assert Payment.objects.filter(case=case).count() == 1 and appeal.result == "维持"


# ---- opening a case from its source ----------------------------------------------------------------------------------

def test_a_case_opened_from_a_finding_takes_its_party_team_and_facts(as_user, finding, inspection_team):
    officer = inspection_team[0][0]
    violation = fc.violation()
    client = as_user(officer)
    page = client.get(url("create_from_finding", finding.pk)).content.decode()
    assert "2名从业人员未取得健康合格证明" in page and "当场处罚" in page
    client.post(url("create_from_finding", finding.pk), {"violation": violation.pk})
    case = Case.objects.get()
    assert case.source_inspection_id == finding.record.inspection_id and case.party_name == "开平市三埠街道悦来宾馆"
    assert "2名从业人员未取得健康合格证明" in case.facts and case.team.count() == 2


def test_the_inspection_record_offers_the_on_the_spot_decision_on_a_finding(as_user, finding, inspection_team):
    page = as_user(inspection_team[0][0]).get(reverse("inspections:record", args=[finding.record.inspection_id]))
    assert f"{url('simple_new')}?check={finding.pk}" in page.content.decode()


def test_a_failed_rectification_becomes_a_case_in_one_step(as_user, finding, inspection_team, today):
    from fazhi.inspections import rectification

    officer = inspection_team[0][0]
    visit = finding.record.inspection
    opinion = rectification.issue_opinion(visit, actor=officer, issued_on=today - dt.timedelta(days=20), items=[
        rectification.ItemDraft("办理从业人员健康合格证明", "公共场所卫生管理条例第七条", today - dt.timedelta(days=5))])
    client = as_user(officer)
    assert opinion.number in client.get(url("create")).content.decode()
    response = client.post(url("create_from_opinion", opinion.pk), {"reason": "整改期限届满仍未整改合格"})
    case = Case.objects.get()
    assert response["Location"] == url("detail", case.pk)
    assert case.source == "rectification" and case.source_opinion_id == opinion.pk and "办理从业人员健康合格证明" in case.facts
    assert client.get(url("create_from_opinion", opinion.pk)).status_code == 404  # once only


def test_a_case_typed_in_without_an_entity_needs_a_party(as_user, officer, case_team, today):
    client = as_user(officer)
    data = {"source": "referral", "received_on": today, "cause": "无证行医", "domain": "public_place",
            "officers": [o.pk for o in case_team]}
    assert "请填写当事人" in client.post(url("create"), data).content.decode()
    client.post(url("create"), {**data, "party_kind": "person", "party_name": "王某"})
    assert Case.objects.get().party_name == "王某"


def test_the_entity_page_has_a_penalty_tab(as_user, officer, case, hotel):
    page = as_user(officer).get(reverse("entities:detail", args=[hotel.pk]), {"tab": "cases"}).content.decode()
    assert "行政处罚" in page and case.cause in page and f"{url('create')}?entity={hotel.pk}" in page


def test_the_menu_has_the_penalty_group(as_user, officer, legal_reviewer):
    page = as_user(officer).get(reverse("core:home")).content.decode()
    assert "行政处罚" in page and url("mine") in page and url("simple_new") in page and url("queue") not in page
    assert url("queue") in as_user(legal_reviewer).get(reverse("core:home")).content.decode()


# ---- the simple procedure --------------------------------------------------------------------------------------------

def test_an_on_the_spot_decision_from_a_finding_is_made_once_however_often_it_is_sent(as_user, finding,
                                                                                   inspection_team):
    violation = fc.violation()
    client = as_user(inspection_team[0][0])
    address = f"{url('simple_new')}?check={finding.pk}"
    page = client.get(address).content.decode()
    assert "开平市三埠街道悦来宾馆" in page and "2名从业人员未取得健康合格证明" in page and "宾馆前台" in page
    data = {"client_key": str(uuid.uuid4()), "violation": violation.pk, "facts": "现场发现2名从业人员无健康合格证明。",
            "penalty": "fine", "fine_amount": "500", "place": "宾馆前台"}
    first = client.post(address, data)
    again = client.post(address, data)
    case = Case.objects.get()
    assert first["Location"] == again["Location"] == url("simple_decision", case.pk)
    assert case.status == S.ON_SPOT and case.source_inspection_id == finding.record.inspection_id
    decision = client.get(url("simple_decision", case.pk)).content.decode()
    assert case.decision_number in decision and "500" in decision and "打印" in decision


def test_an_on_the_spot_fine_above_the_limit_is_refused_with_its_article(as_user, officer, case_team, today):
    violation = fc.violation()
    page = as_user(case_team[0]).post(url("simple_new"), {
        "client_key": str(uuid.uuid4()), "party_kind": "person", "party_name": "张三", "companion": case_team[1].pk,
        "violation": violation.pk, "facts": "现场吸烟。", "penalty": "fine", "fine_amount": "201", "place": "候车室",
    }).content.decode()
    assert "不得超过200.00元（行政处罚法第五十一条）" in page
    assert not Case.objects.exists()


def test_the_on_the_spot_form_is_for_officers(as_user, legal_reviewer):
    assert as_user(legal_reviewer).get(url("simple_new")).status_code == 403


# ---- the heavier path: deliberation, hearing, the review after it, and the leaders' queues ---------------------------

@pytest.fixture
def large_fine(hotel, case_team, approver, section_head, legal_reviewer, today):
    """A fine of 50,000 yuan on an organisation: legal review, collective deliberation and hearing rights."""
    start = today - dt.timedelta(days=40)
    violation = fc.violation(fine_min="10000", fine_max="100000")
    case = fc.registered(hotel, case_team, received_on=start, violation_=violation)
    fc.investigated(case, case_team, approver, on=start, fine="50000")
    services.update_case(case, actor=case_team[0], band_level="general")
    return fc.reviewed(Case.objects.get(pk=case.pk), case_team, head=section_head, legal=legal_reviewer,
                       on=start + dt.timedelta(days=1))


def test_a_large_fine_goes_through_deliberation_and_a_hearing_from_the_pages(
        as_user, large_fine, case_team, approver, legal_reviewer, leader, chief, bureaus, today):
    case = large_fine
    third = f.staff(bureaus["kaiping"], Role.LEADER, full_name="孙副局长")
    page = as_user(leader).get(url("approvals"), {"tab": "deliberation"}).content.decode()
    assert "待集体讨论" in page and case.party_name in page
    as_user(leader).post(step(case, "deliberation"), {
        "held_on": today - dt.timedelta(days=35), "place": "局会议室", "chair": chief.pk,
        "attendees": [leader.pk, third.pk], "minutes": "一致同意拟处罚意见。", "conclusion": "agree",
        "conclusion_text": "同意罚款五万元。"})
    assert case.deliberations.get().conclusion == "agree"
    assert case.party_name not in as_user(leader).get(url("approvals"), {"tab": "deliberation"}).content.decode()

    notice_on = today - dt.timedelta(days=30)
    notice = services.issue_notice(case, actor=case_team[0], served_on=notice_on, on=notice_on)
    assert notice.hearing_rights
    as_user(case_team[0]).post(step(case, "hearing-request"), {"requested_on": notice_on + dt.timedelta(days=1)})
    as_user(approver).post(step(case, "hearing-schedule"), {
        "notified_on": notice_on + dt.timedelta(days=2), "scheduled_for": notice_on + dt.timedelta(days=10),
        "place": "听证室", "chair": legal_reviewer.pk, "is_public": "on"})
    as_user(legal_reviewer).post(step(case, "hearing-record"), {
        "held_on": notice_on + dt.timedelta(days=10), "record": "当事人陈述经营困难。", "chair_opinion": "事实清楚。"})
    case.refresh_from_db()
    assert case.status == S.HEARING and case.hearing.held_on == notice_on + dt.timedelta(days=10)

    refused = as_user(leader).post(step(case, "decide")).content.decode()
    assert "经过听证程序" in refused and "第五十八条" in refused
    page = as_user(legal_reviewer).get(url("queue"), {"tab": "after_hearing"}).content.decode()
    assert "听证后审核" in page and case.party_name in page
    as_user(legal_reviewer).post(step(case, "legal-review"), {
        "outcome": "agree", "reasons": "听证后维持", **{f"aspect_{a}": "合法" for a in fc.aspects()}})
    assert case.party_name in as_user(leader).get(url("approvals"), {"tab": "decide"}).content.decode()
    assert as_user(leader).post(step(case, "decide")).status_code == 302
    case.refresh_from_db()
    assert case.status == S.DECIDED


def test_a_leader_sees_cases_nearing_their_limit(as_user, hotel, case_team, approver, leader, today):
    old = fc.registered(hotel, case_team, received_on=today - dt.timedelta(days=70))
    services.file_case(old, actor=approver, on=today - dt.timedelta(days=70))
    page = as_user(leader).get(url("approvals"), {"tab": "extension"}).content.decode()
    assert "临近办案期限" in page and old.party_name in page and "延长办案期限" in page


def test_no_penalty_and_withdrawal_from_the_pages(as_user, in_review, filed, hotel, case_team, approver,
                                                  section_head, leader, today):
    reviews.record_review(in_review, stage=ReviewStage.SECTION, reviewer=section_head, outcome=ReviewOutcome.AGREE,
                          reasons="事实清楚", aspects=fc.aspects())
    refused = as_user(leader).post(step(in_review, "no-penalty"), {"reason": "首违不罚", "education_record": ""})
    assert "这个字段是必填项" in refused.content.decode() or "必填" in refused.content.decode()
    as_user(leader).post(step(in_review, "no-penalty"), {"reason": "初次违法且危害后果轻微并及时改正",
                                                         "education_record": "当面宣讲公共场所卫生管理条例"})
    in_review.refresh_from_db()
    assert in_review.status == S.NO_PENALTY and in_review.decision_number
    other = fc.registered(hotel, case_team, received_on=today)
    services.file_case(other, actor=approver, on=today)
    as_user(leader).post(step(other, "withdraw"), {"reason": "违法事实不能成立"})
    other.refresh_from_db()
    assert other.status == S.WITHDRAWN


def test_an_on_the_spot_decision_is_filed_with_the_bureau_paid_and_closed_from_its_page(as_user, hotel, case_team,
                                                                                       approver, today):
    case = services.decide_on_the_spot(
        actor=case_team[0], cause="未公示卫生许可证", facts="现场发现未公示。", violation=fc.violation(),
        penalty_kinds="fine", place="宾馆前台", entity=hotel, officers=case_team, fine_amount=Decimal("100"))
    page = as_user(case_team[0]).get(url("detail", case.pk)).content.decode()
    assert "备案期限" in page and "缴纳期限" in page and "报所属行政机关备案" in page
    as_user(case_team[0]).post(step(case, "record-with-bureau"), {"reason": ""})
    as_user(case_team[0]).post(step(case, "payment"), {"paid_on": today, "amount": "100", "receipt_number": "4401"})
    as_user(approver).post(step(case, "close"))
    case.refresh_from_db()
    assert case.status == S.CLOSED


def test_every_step_offered_on_a_case_opens_its_form(as_user, large_fine, filed, case, hotel, case_team, approver,
                                                      section_head, legal_reviewer, leader, today):
    from fazhi.cases.views_steps import available_steps, item_steps, standing

    services.start_measure(filed, actor=case_team[0], kind="seizure", items="过期消毒剂10瓶", started_on=today,
                           approved_by=approver)
    start = today - dt.timedelta(days=30)
    served = fc.investigated(fc.registered(hotel, case_team, received_on=start), case_team, approver, on=start)
    served = fc.reviewed(served, case_team, head=section_head, legal=legal_reviewer, on=start)
    served = fc.decided(served, case_team, leader=leader, notice_on=start + dt.timedelta(days=1),
                        decide_on=start + dt.timedelta(days=10))
    served = fc.served(served, case_team, on=start + dt.timedelta(days=10))
    services.record_appeal(served, actor=case_team[0], kind="reconsideration", filed_on=today)
    opened = set()
    for person in (case_team[0], approver, section_head, legal_reviewer, leader):
        for each in (case, filed, large_fine, served):
            each = Case.objects.prefetch_related("team").get(pk=each.pk)
            where = standing(each, person)
            steps = [(s, s.url(each)) for s in available_steps(each, person, where)]
            for measure in each.measures.all():
                steps += item_steps(each, person, where, measure, "measure")
            for appeal in each.appeals.all():
                steps += item_steps(each, person, where, appeal, "appeal")
            for found, address in steps:
                assert as_user(person).get(address).status_code == 200, address
                opened.add(found.slug)
    assert {"file", "refuse-filing", "transfer", "update", "team", "evidence", "interview", "measure", "report",
            "conclude", "extension", "withdraw", "decide-measure", "extend-measure", "release-measure",
            "section-review", "legal-review", "deliberation", "notify", "no-penalty", "arrangement", "payment",
            "appeal", "end-appeal"} <= opened
