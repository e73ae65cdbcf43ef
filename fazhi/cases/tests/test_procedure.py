"""The general procedure end to end, and each guard refused at its boundary (DOMAIN.md, "Penalty cases")."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.cases import reviews, services
from fazhi.cases.choices import CaseStatus as S
from fazhi.cases.choices import MeasureKind, ReviewOutcome, ReviewStage, ServiceMethod
from fazhi.cases.models import Case
from fazhi.core.choices import Role
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.core.workflow import TransitionRefused

from . import factories as fc

# 2025-03-05 is a Wednesday; day 90 (2025-06-03) is a Tuesday and a workday, day 91 a Wednesday.
FILED = dt.date(2025, 3, 5)
DAY_90 = FILED + dt.timedelta(days=90)
NOTICE = dt.date(2025, 3, 10)  # Monday: the 3-workday statement window runs to Thursday 03-13.

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(hotel, case_team):
    return fc.registered(hotel, case_team, received_on=FILED)


@pytest.fixture
def in_review(case, case_team, approver, section_head, legal_reviewer):
    fc.investigated(case, case_team, approver, on=FILED)
    return fc.reviewed(case, case_team, head=section_head, legal=legal_reviewer, on=FILED)


def test_a_general_case_runs_from_filing_to_archiving(case, case_team, approver, section_head, legal_reviewer,
                                                      leader):
    assert case.status == S.REGISTERED and case.party_name == "开平市三埠街道悦来宾馆"
    fc.investigated(case, case_team, approver, on=FILED)
    case.refresh_from_db()
    assert case.status == S.INVESTIGATING and case.filing_number == "开卫立〔2025〕1号"
    assert case.deadline_on == DAY_90
    fc.reviewed(case, case_team, head=section_head, legal=legal_reviewer, on=FILED)
    case = fc.decided(Case.objects.get(pk=case.pk), case_team, leader=leader, notice_on=NOTICE,
                      decide_on=dt.date(2025, 3, 14))
    assert case.status == S.DECIDED and case.decision_number == "开卫罚〔2025〕1号"
    assert case.notice.number == "开卫罚告〔2025〕1号" and not case.notice.hearing_rights
    case = fc.served(case, case_team, on=dt.date(2025, 3, 14))
    assert case.status == S.SERVED and case.payment_due_on == dt.date(2025, 3, 31)  # 03-29 is a Saturday
    services.record_payment(case, actor=case_team[0], paid_on=dt.date(2025, 3, 20), amount=Decimal("3000"),
                            receipt_number="4400123")
    case.refresh_from_db()
    assert case.status == S.FULFILLED
    services.close_case(case, actor=approver, on=dt.date(2025, 3, 21))
    services.archive_case(case, actor=legal_reviewer, on=dt.date(2025, 3, 24))
    case.refresh_from_db()
    assert case.status == S.ARCHIVED and case.closed_on == dt.date(2025, 3, 21)
    moves = [e.detail["transition"] for e in AuditEvent.objects.filter(object_id=str(case.pk),
                                                                       action="transition").order_by("seq")]
    assert moves == ["file", "conclude", "notify", "decide", "serve", "fulfil", "close", "archive"]


def test_the_decision_is_refused_on_day_91_but_not_day_90(in_review, case_team, leader):
    services.issue_notice(in_review, actor=case_team[0], served_on=dt.date(2025, 5, 26), on=dt.date(2025, 5, 26))
    with pytest.raises(TransitionRefused, match="第六十条"):
        services.decide(in_review, actor=leader, on=DAY_90 + dt.timedelta(days=1))
    services.decide(in_review, actor=leader, on=DAY_90)
    assert Case.objects.get(pk=in_review.pk).status == S.DECIDED


def test_an_extension_approved_in_time_moves_the_limit(in_review, case_team, leader):
    with pytest.raises(PermissionDenied):
        services.extend_deadline(in_review, actor=case_team[0], days=30, reason="案情复杂", on=DAY_90)
    with pytest.raises(ValidationError, match="届满"):
        services.extend_deadline(in_review, actor=leader, days=30, reason="案情复杂", on=DAY_90 + dt.timedelta(days=1))
    extension = services.extend_deadline(in_review, actor=leader, days=30, reason="需补充检验报告", on=DAY_90)
    assert extension.new_deadline == dt.date(2025, 7, 3) and extension.previous_deadline == DAY_90
    services.issue_notice(in_review, actor=case_team[0], served_on=dt.date(2025, 6, 23), on=dt.date(2025, 6, 23))
    services.decide(in_review, actor=leader, on=dt.date(2025, 7, 3))


def test_no_decision_before_the_statement_window_closes(in_review, case_team, leader):
    services.issue_notice(in_review, actor=case_team[0], served_on=NOTICE, on=NOTICE)
    with pytest.raises(TransitionRefused, match="陈述、申辩期限"):
        services.decide(in_review, actor=leader, on=dt.date(2025, 3, 13))
    services.decide(in_review, actor=leader, on=dt.date(2025, 3, 14))


def test_a_written_waiver_lets_the_decision_come_at_once(in_review, case_team, leader):
    services.issue_notice(in_review, actor=case_team[0], served_on=NOTICE, on=NOTICE)
    services.record_waiver(in_review, actor=case_team[0], waived_on=NOTICE)
    services.decide(in_review, actor=leader, on=NOTICE)


def test_no_decision_without_prior_notice(in_review, leader):
    with pytest.raises(TransitionRefused):
        services.decide(in_review, actor=leader, on=NOTICE)


def test_a_reviewer_who_is_also_an_officer_of_the_case_is_refused(case, case_team, approver, bureaus):
    fc.investigated(case, case_team, approver, on=FILED)
    services.conclude_investigation(case, actor=case_team[0], on=FILED)
    reviewing_officer = case_team[1]
    from fazhi.core.models import RoleAssignment

    RoleAssignment.objects.create(user=reviewing_officer, role=Role.SECTION_HEAD)
    reviewing_officer.forget_roles()
    with pytest.raises(ValidationError, match="承办人员"):
        reviews.record_review(case, stage=ReviewStage.SECTION, reviewer=reviewing_officer,
                              outcome=ReviewOutcome.AGREE, reasons="同意", aspects=fc.aspects(), on=FILED)


def test_a_first_time_legal_reviewer_needs_a_legal_qualification(case, case_team, approver, section_head, bureaus):
    unqualified = f.staff(bureaus["kaiping"], Role.LEGAL_REVIEWER, has_legal_qualification=False)
    fc.investigated(case, case_team, approver, on=FILED)
    services.conclude_investigation(case, actor=case_team[0], on=FILED)
    reviews.record_review(case, stage=ReviewStage.SECTION, reviewer=section_head, outcome=ReviewOutcome.AGREE,
                          reasons="同意", aspects=fc.aspects(), on=FILED)
    with pytest.raises(ValidationError, match="第五十八条第二款"):
        reviews.record_review(case, stage=ReviewStage.LEGAL, reviewer=unqualified, outcome=ReviewOutcome.AGREE,
                              reasons="同意", aspects=fc.aspects(), on=FILED)


def test_a_review_asking_for_more_investigation_sends_the_case_back_and_opens_a_new_round(
        case, case_team, approver, section_head, legal_reviewer, leader):
    fc.investigated(case, case_team, approver, on=FILED)
    services.conclude_investigation(case, actor=case_team[0], on=FILED)
    reviews.record_review(case, stage=ReviewStage.SECTION, reviewer=section_head, outcome=ReviewOutcome.AGREE,
                          reasons="同意", aspects=fc.aspects(), on=FILED)
    reviews.record_review(case, stage=ReviewStage.LEGAL, reviewer=legal_reviewer, outcome=ReviewOutcome.SUPPLEMENT,
                          reasons="需补充询问笔录", aspects=fc.aspects(), on=FILED)
    case.refresh_from_db()
    assert case.status == S.INVESTIGATING and reviews.current_round(case) == 2
    services.conclude_investigation(case, actor=case_team[0], on=FILED)
    # the first round's section approval no longer counts
    with pytest.raises(TransitionRefused, match="科室初审"):
        services.issue_notice(case, actor=case_team[0], served_on=NOTICE, on=NOTICE)


def test_a_large_fine_needs_collective_deliberation(case, case_team, approver, section_head, legal_reviewer,
                                                    leader, chief, bureaus):
    services.update_case(case, actor=case_team[0], violation=fc.violation(fine_min="5000", fine_max="100000"))
    fc.investigated(case, case_team, approver, on=FILED, fine="50000")
    services.update_case(case, actor=case_team[0], discretion_reasons="情节严重，多次违法")
    services.update_case(case, actor=case_team[0], fine_amount=Decimal("100000.01"))
    with pytest.raises(TransitionRefused, match="第三十八条"):
        services.conclude_investigation(case, actor=case_team[0], on=FILED)
    services.update_case(case, actor=case_team[0], fine_amount=Decimal("50000"))
    fc.reviewed(Case.objects.get(pk=case.pk), case_team, head=section_head, legal=legal_reviewer, on=FILED)
    with pytest.raises(TransitionRefused, match="集体讨论"):
        services.issue_notice(case, actor=case_team[0], served_on=NOTICE, on=NOTICE)
    third = f.staff(bureaus["kaiping"], Role.LEADER)
    reviews.record_deliberation(case, actor=leader, held_on=dt.date(2025, 3, 7), place="局会议室", chair=chief,
                                attendees=[leader, third], minutes="一致同意", conclusion=ReviewOutcome.AGREE,
                                conclusion_text="同意拟处罚意见")
    notice = services.issue_notice(case, actor=case_team[0], served_on=NOTICE, on=NOTICE)
    assert notice.hearing_rights and notice.hearing_request_until == dt.date(2025, 3, 17)  # 03-15 is a Saturday


def test_a_hearing_notice_six_days_ahead_is_refused_and_seven_accepted(case, case_team, approver, section_head,
                                                                       legal_reviewer, leader, chief, bureaus):
    services.update_case(case, actor=case_team[0], violation=fc.violation(fine_min="5000", fine_max="100000"))
    fc.investigated(case, case_team, approver, on=FILED, fine="50000")
    services.update_case(case, actor=case_team[0], discretion_reasons="情节严重")
    fc.reviewed(Case.objects.get(pk=case.pk), case_team, head=section_head, legal=legal_reviewer, on=FILED)
    reviews.record_deliberation(case, actor=leader, held_on=FILED, place="局会议室", chair=chief,
                                attendees=[leader, f.staff(bureaus["kaiping"], Role.LEADER)], minutes="同意",
                                conclusion=ReviewOutcome.AGREE, conclusion_text="同意")
    services.issue_notice(case, actor=case_team[0], served_on=NOTICE, on=NOTICE)
    with pytest.raises(TransitionRefused, match="五日内"):
        services.request_hearing(case, actor=case_team[0], requested_on=dt.date(2025, 3, 18))
    services.request_hearing(case, actor=case_team[0], requested_on=dt.date(2025, 3, 17))
    with pytest.raises(ValidationError, match="第六十四条第（四）项"):
        services.schedule_hearing(case, actor=approver, notified_on=dt.date(2025, 3, 18),
                                  scheduled_for=dt.date(2025, 3, 25), place="听证室", chair=case_team[0])
    with pytest.raises(ValidationError, match="仅提前6日"):
        services.schedule_hearing(case, actor=approver, notified_on=dt.date(2025, 3, 18),
                                  scheduled_for=dt.date(2025, 3, 24), place="听证室", chair=legal_reviewer)
    services.schedule_hearing(case, actor=approver, notified_on=dt.date(2025, 3, 18),
                              scheduled_for=dt.date(2025, 3, 25), place="听证室", chair=legal_reviewer)
    with pytest.raises(TransitionRefused, match="听证结束前"):
        services.decide(case, actor=leader, on=dt.date(2025, 3, 24))
    services.record_hearing(case, actor=legal_reviewer, held_on=dt.date(2025, 3, 25), record="当事人陈述……",
                            chair_opinion="事实清楚")
    with pytest.raises(TransitionRefused, match="经过听证程序"):
        services.decide(case, actor=leader, on=dt.date(2025, 3, 27))
    reviews.record_review(case, stage=ReviewStage.LEGAL, reviewer=legal_reviewer, outcome=ReviewOutcome.AGREE,
                          reasons="听证后维持", aspects=fc.aspects(), on=dt.date(2025, 3, 26))
    services.decide(case, actor=leader, on=dt.date(2025, 3, 27))


def test_the_decision_is_never_heavier_than_the_notice(in_review, case_team, leader):
    services.issue_notice(in_review, actor=case_team[0], served_on=NOTICE, on=NOTICE)
    services.update_case(in_review, actor=case_team[0], fine_amount=Decimal("3000.01"))
    with pytest.raises(TransitionRefused, match="第四十五条"):
        services.decide(in_review, actor=leader, on=dt.date(2025, 3, 14))
    services.update_case(in_review, actor=case_team[0], fine_amount=Decimal("2800"))
    services.decide(in_review, actor=leader, on=dt.date(2025, 3, 14))


def test_filing_is_refused_once_the_limitation_period_has_run(hotel, case_team, approver):
    received = dt.date(2025, 3, 5)
    within = fc.registered(hotel, case_team, received_on=received, act_ended_on=dt.date(2023, 3, 5))
    services.file_case(within, actor=approver, on=received)
    late = fc.registered(hotel, case_team, received_on=received, act_ended_on=dt.date(2023, 3, 4))
    with pytest.raises(TransitionRefused, match="第三十六条"):
        services.file_case(late, actor=approver, on=received)
    harmed = fc.registered(hotel, case_team, received_on=received, act_ended_on=dt.date(2023, 3, 4),
                           harms_life_or_health=True)
    services.file_case(harmed, actor=approver, on=received)


def test_filing_after_seven_days_needs_a_reason(case, approver):
    with pytest.raises(TransitionRefused, match="逾期立案"):
        services.file_case(case, actor=approver, on=FILED + dt.timedelta(days=8))
    services.file_case(case, actor=approver, on=FILED + dt.timedelta(days=8), delay_reason="等待检验结果")
    case.refresh_from_db()
    assert case.filing_delay_reason == "等待检验结果"


def test_filing_needs_two_certified_officers(hotel, bureaus, approver):
    lone = fc.officers(bureaus["kaiping_institute"], n=1)
    case = fc.registered(hotel, lone, received_on=FILED)
    with pytest.raises(TransitionRefused, match="不得少于2人"):
        services.file_case(case, actor=approver, on=FILED)


def test_preservation_is_decided_within_seven_days(case, case_team, approver):
    services.file_case(case, actor=approver, on=FILED)
    late = services.start_measure(case, actor=case_team[0], kind=MeasureKind.PRESERVATION, items="消毒记录本1册",
                                  started_on=FILED, approved_by=approver)
    in_time = services.start_measure(case, actor=case_team[0], kind=MeasureKind.PRESERVATION, items="毛巾20条",
                                     started_on=FILED, approved_by=approver)
    assert late.number == "开卫保〔2025〕1号"
    with pytest.raises(ValidationError, match="第五十六条"):
        services.decide_measure(late, actor=case_team[0], decision="退还", on=FILED + dt.timedelta(days=8))
    services.decide_measure(in_time, actor=case_team[0], decision="作为证据留存", on=FILED + dt.timedelta(days=7))


def test_seizure_lasts_thirty_days_and_may_be_extended_once_by_thirty(case, case_team, approver):
    services.file_case(case, actor=approver, on=FILED)
    seizure = services.start_measure(case, actor=case_team[0], kind=MeasureKind.SEIZURE, items="过期消毒剂10瓶",
                                     started_on=FILED, approved_by=approver)
    assert services.measure_ends_on(seizure) == dt.date(2025, 4, 7)  # 04-04 Qingming holiday through 04-06
    with pytest.raises(ValidationError, match="不得超过30日"):
        services.extend_seizure(seizure, actor=approver, days=31, reason="情况复杂", on=FILED)
    services.extend_seizure(seizure, actor=approver, days=30, reason="需送检", on=dt.date(2025, 4, 1))
    with pytest.raises(ValidationError, match="只能延长一次"):
        services.extend_seizure(seizure, actor=approver, days=1, reason="再延", on=dt.date(2025, 4, 2))


def test_service_is_late_after_seven_days_without_a_reason(in_review, case_team, leader):
    services.issue_notice(in_review, actor=case_team[0], served_on=NOTICE, on=NOTICE)
    services.decide(in_review, actor=leader, on=dt.date(2025, 3, 14))
    with pytest.raises(TransitionRefused, match="第六十一条"):
        services.serve_decision(in_review, actor=case_team[0], served_on=dt.date(2025, 3, 24),
                                method=ServiceMethod.POST, recipient="张经理")
    with pytest.raises(TransitionRefused, match="电子送达"):
        services.serve_decision(in_review, actor=case_team[0], served_on=dt.date(2025, 3, 14),
                                method=ServiceMethod.ELECTRONIC, recipient="张经理")
    services.serve_decision(in_review, actor=case_team[0], served_on=dt.date(2025, 3, 21),
                            method=ServiceMethod.POST, recipient="张经理")


def test_reminder_then_court_only_in_its_window(in_review, case_team, leader, approver):
    services.issue_notice(in_review, actor=case_team[0], served_on=NOTICE, on=NOTICE)
    services.decide(in_review, actor=leader, on=dt.date(2025, 3, 14))
    case = fc.served(in_review, case_team, on=dt.date(2025, 3, 14))
    with pytest.raises(TransitionRefused, match="尚未届满"):
        services.remind(case, actor=case_team[0], served_on=dt.date(2025, 3, 31), on=dt.date(2025, 3, 31))
    reminder = services.remind(case, actor=case_team[0], served_on=dt.date(2025, 9, 1), on=dt.date(2025, 9, 1))
    assert reminder.amount_due == Decimal("6000.00")  # the fine and a surcharge capped at the fine
    # appeal limits end 6 months after service (2025-09-14); the court may be asked from 09-15 to 12-14
    with pytest.raises(TransitionRefused, match="最早2025年09月15日"):
        services.apply_enforcement(case, actor=approver, court="开平市人民法院", on=dt.date(2025, 9, 14))
    with pytest.raises(TransitionRefused, match="已于2025年12月14日届满"):
        services.apply_enforcement(case, actor=approver, court="开平市人民法院", on=dt.date(2025, 12, 15))
    services.apply_enforcement(case, actor=approver, court="开平市人民法院", on=dt.date(2025, 12, 14))
    with pytest.raises(TransitionRefused, match="尚未终结"):
        services.close_case(case, actor=approver, on=dt.date(2025, 12, 20))
    services.record_enforcement_result(case, actor=approver, concluded_on=dt.date(2026, 2, 1), result="执行完毕")
    services.close_case(case, actor=approver, on=dt.date(2026, 2, 2))


def test_no_penalty_needs_an_education_record(in_review, leader):
    with pytest.raises(TransitionRefused, match="第三十三条"):
        services.decide_no_penalty(in_review, actor=leader, reason="首违不罚", education_record="", on=FILED)
    services.decide_no_penalty(in_review, actor=leader, reason="初次违法且危害后果轻微并及时改正",
                               education_record="当面宣讲公共场所卫生管理条例", on=FILED)
    case = Case.objects.get(pk=in_review.pk)
    assert case.status == S.NO_PENALTY and case.decision_number == "开卫不罚〔2025〕1号" and case.fine_amount is None


def test_a_case_of_another_county_cannot_be_touched(case, outsider):
    with pytest.raises(PermissionDenied):
        services.file_case(case, actor=outsider, on=FILED)


def _revise_test_law(effective_from):
    """A newer version of the test regulation with the same articles, in force from `effective_from`."""
    from fazhi.laws.models import LawVersion, Provision

    fc.provision(8), fc.provision(14, 1, 4)
    old = LawVersion.objects.get(law__title=fc.TEST_LAW)
    new = LawVersion.objects.create(law=old.law, version_label="2025年修订", effective_from=effective_from,
                                    body="正文", body_sha256="1" * 64)
    old.effective_to = effective_from
    old.save()
    Provision.objects.bulk_create(Provision(version=new, article=p.article, paragraph=p.paragraph, item=p.item,
                                            text=p.text, sort_order=p.sort_order) for p in old.provisions.all())
    return old, new


def test_the_decision_cites_the_text_in_force_when_the_act_ended_unless_the_newer_is_lighter(
        hotel, case_team, approver, section_head, legal_reviewer, leader):
    old, new = _revise_test_law(dt.date(2025, 3, 1))
    judged = {}
    for lighter in (False, True):
        case = fc.registered(hotel, case_team, received_on=FILED, act_ended_on=dt.date(2025, 2, 28),
                             newer_law_lighter=lighter)
        fc.investigated(case, case_team, approver, on=FILED)
        fc.reviewed(Case.objects.get(pk=case.pk), case_team, head=section_head, legal=legal_reviewer, on=FILED)
        fc.decided(Case.objects.get(pk=case.pk), case_team, leader=leader, notice_on=NOTICE,
                   decide_on=dt.date(2025, 3, 14))
        judged[lighter] = Case.objects.select_related("penalty_provision").get(pk=case.pk)
    assert judged[False].penalty_provision.version_id == old.pk and "适用违法行为发生时的规定" in judged[False].applicable_law_note
    assert judged[True].penalty_provision.version_id == new.pk and "适用新的规定" in judged[True].applicable_law_note


def test_no_decision_when_the_text_in_force_at_decision_is_not_in_the_library(in_review, case_team, leader):
    from fazhi.laws.models import LawVersion

    LawVersion.objects.filter(law__title=fc.TEST_LAW).update(effective_to=dt.date(2025, 3, 12))
    services.issue_notice(in_review, actor=case_team[0], served_on=NOTICE, on=NOTICE)
    with pytest.raises(TransitionRefused, match="第三十七条"):
        services.decide(in_review, actor=leader, on=dt.date(2025, 3, 14))


def test_the_search_finds_a_case_by_two_characters_of_the_party_its_cause_or_its_number(case, approver, hotel,
                                                                                         case_team):
    other = fc.registered(hotel, case_team, received_on=FILED, party={"party_name": "开平市长沙街道惠民诊所"})
    services.file_case(case, actor=approver, on=FILED)
    found = {text: set(Case.objects.search(text).values_list("pk", flat=True))
             for text in ("悦来", "悦来宾馆", "卫生许可证", "开卫立〔2025〕1号", "惠民", "kp")}
    assert found["悦来"] == found["悦来宾馆"] == {case.pk}
    assert found["卫生许可证"] == {case.pk, other.pk}
    assert found["开卫立〔2025〕1号"] == {case.pk} and found["惠民"] == {other.pk} and found["kp"] == set()
