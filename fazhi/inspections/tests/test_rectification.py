"""Rectification: issuing an opinion, deciding items, re-checks when due, hand-over to a case, and the pages."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from fazhi.core.choices import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.core.workdays import add_workdays, next_workday
from fazhi.core.workflow import TransitionRefused
from fazhi.inspections import rectification as services
from fazhi.inspections.choices import InspectionStatus, ItemResult, OpinionStatus, RecordStatus, VisitReason
from fazhi.inspections.choices import RectificationStatus as R
from fazhi.inspections.models import Inspection, ItemCheck, OnSiteRecord, SupervisionOpinion
from fazhi.inspections.rules import INSPECTION_RULES

from . import factories as fi

pytestmark = pytest.mark.django_db


# ---- helpers shared with test_portal_evidence ------------------------------------------------------------------

def signed_visit(entity, team, items, *, day=None, findings=1) -> Inspection:
    """A visit whose on-site record is signed, with `findings` non-compliant items and the rest compliant."""
    day = day or timezone.localdate() - dt.timedelta(days=10)
    visit = fi.visit(entity, team, items, day=day, status=InspectionStatus.RECORDED)
    record = OnSiteRecord.objects.create(
        organisation=visit.organisation, inspection=visit, number="开卫现〔2026〕1号", place="现场",
        arrived_at=timezone.now() - dt.timedelta(days=10), status=RecordStatus.SIGNED, signed_at=timezone.now(),
    )
    for n, item in enumerate(items):
        bad = n < findings
        ItemCheck.objects.create(record=record, item=item,
                                 result=ItemResult.NON_COMPLIANT if bad else ItemResult.COMPLIANT,
                                 finding="从业人员健康合格证明过期" if bad else "",
                                 provision="《公共场所卫生管理条例实施细则》第十条" if bad else "")
    return visit


def issue(visit, actor, *deadlines: dt.date, issued_on=None) -> SupervisionOpinion:
    issued_on = issued_on or timezone.localdate()
    drafts = [services.ItemDraft(f"整改要求{n}", "《公共场所卫生管理条例》第八条", d) for n, d in enumerate(deadlines, 1)]
    return services.issue_opinion(visit, actor=actor, issued_on=issued_on, items=drafts)


def events_for(obj, action=None):
    events = AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return events.filter(action=action) if action else events


@pytest.fixture
def visit(hotel, team, published_items):
    return signed_visit(hotel, team, published_items)


@pytest.fixture
def lead(team):
    return team[0][0]


@pytest.fixture
def today():
    return timezone.localdate()


# ---- issuing ---------------------------------------------------------------------------------------------------

def test_it_offers_the_records_non_compliant_findings_as_requirements(visit, published_items):
    [draft] = services.suggested_items(visit)
    assert "从业人员健康合格证明过期" in draft.requirement and published_items[0].title in draft.requirement
    assert draft.provision == "《公共场所卫生管理条例实施细则》第十条"


def test_it_issues_a_numbered_audited_opinion(visit, lead, today):
    opinion = issue(visit, lead, today + dt.timedelta(days=7), today + dt.timedelta(days=14))
    assert opinion.number == f"开卫监意〔{today.year}〕1号"
    assert (opinion.status, opinion.organisation_id) == (OpinionStatus.ISSUED, visit.organisation_id)
    assert opinion.created_by == lead
    assert list(opinion.items.values_list("status", flat=True)) == [R.PENDING, R.PENDING]
    assert events_for(opinion, AuditAction.CREATE).count() == 1
    for item in opinion.items.all():
        assert events_for(item, AuditAction.CREATE).get().organisation_id == opinion.organisation_id


def test_a_deadline_on_the_issue_date_is_allowed_the_day_before_is_not(hotel, team, published_items, lead, today):
    with pytest.raises(ValidationError) as refused:
        issue(signed_visit(hotel, team, published_items), lead, today - dt.timedelta(days=1))
    assert "整改期限不能早于出具日期" in str(refused.value.message_dict["items"])
    assert not SupervisionOpinion.objects.exists()
    assert issue(signed_visit(hotel, team, published_items), lead, today).items.get().deadline == today


def test_a_visit_whose_record_is_not_signed_gets_no_opinion(hotel, team, published_items, lead, today):
    registered = fi.visit(hotel, team, published_items, status=InspectionStatus.REGISTERED)
    with pytest.raises(ValidationError, match="现场笔录签名后"):
        issue(registered, lead, today)


def test_only_a_member_of_the_visits_team_may_issue(visit, officer, today):
    with pytest.raises(PermissionDenied, match="参加本次检查"):
        issue(visit, officer, today)


def test_a_visit_gets_one_opinion(visit, lead, today):
    first = issue(visit, lead, today)
    with pytest.raises(ValidationError, match=first.number):
        issue(visit, lead, today)


# ---- decisions -------------------------------------------------------------------------------------------------

def test_rejecting_needs_a_note_and_sends_the_item_back_for_new_evidence(visit, lead, today):
    item = issue(visit, lead, today).items.get()
    services.submit_evidence(item, note="已更换健康证")
    with pytest.raises(TransitionRefused, match="须填写理由"):
        services.decide_item(item, actor=lead, accepted=False, note="  ")
    item.refresh_from_db()
    assert item.status == R.SUBMITTED
    services.decide_item(item, actor=lead, accepted=False, note="健康证仍缺两人")
    assert (item.status, item.decision_note, item.decided_by) == (R.REJECTED, "健康证仍缺两人", lead)
    services.submit_evidence(item, note="补齐")
    item.refresh_from_db()
    assert item.status == R.SUBMITTED
    assert events_for(item, AuditAction.TRANSITION).count() == 3


def test_accepting_every_item_closes_the_opinion(visit, lead, today):
    opinion = issue(visit, lead, today, today)
    first, second = opinion.items.all()
    for item in (first, second):
        services.submit_evidence(item, note="已整改")
    services.decide_item(first, actor=lead, accepted=True)
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ISSUED
    services.decide_item(second, actor=lead, accepted=True)
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.CLOSED
    assert events_for(opinion, AuditAction.TRANSITION).get().after == {"status": OpinionStatus.CLOSED}


def test_an_item_without_evidence_cannot_be_accepted(visit, lead, today):
    item = issue(visit, lead, today).items.get()
    with pytest.raises(TransitionRefused, match="待整改"):
        services.decide_item(item, actor=lead, accepted=True)


def test_a_section_head_of_the_bureau_may_decide_a_clerk_may_not(visit, lead, section_head, clerk, today):
    item = issue(visit, lead, today).items.get()
    services.submit_evidence(item, note="已整改")
    with pytest.raises(PermissionDenied):
        services.decide_item(item, actor=clerk, accepted=True)
    services.decide_item(item, actor=section_head, accepted=True)
    assert item.status == R.ACCEPTED


# ---- re-checks -------------------------------------------------------------------------------------------------

def test_a_recheck_is_scheduled_the_day_after_the_latest_deadline_not_on_it(visit, lead, today):
    deadline = today + dt.timedelta(days=3)
    opinion = issue(visit, lead, today + dt.timedelta(days=1), deadline)
    assert services.schedule_due_rechecks(deadline) == []
    [recheck] = services.schedule_due_rechecks(deadline + dt.timedelta(days=1))
    assert (recheck.reason, recheck.opinion, recheck.status) == (VisitReason.RECHECK, opinion, InspectionStatus.PLANNED)
    start = next_workday(deadline + dt.timedelta(days=1))
    assert (recheck.window_start, recheck.window_end) == (start, add_workdays(start, INSPECTION_RULES.recheck_window_workdays))


def test_scheduling_is_idempotent(visit, lead, today):
    deadline = today + dt.timedelta(days=3)
    issue(visit, lead, deadline)
    day_after = deadline + dt.timedelta(days=1)
    assert len(services.schedule_due_rechecks(day_after)) == 1
    assert services.schedule_due_rechecks(day_after) == []
    call_command("schedule_rechecks", "--date", (day_after + dt.timedelta(days=1)).isoformat())
    assert Inspection.objects.filter(reason=VisitReason.RECHECK).count() == 1


def test_a_cancelled_recheck_is_planned_again(visit, lead, today):
    deadline = today + dt.timedelta(days=3)
    issue(visit, lead, deadline)
    [recheck] = services.schedule_due_rechecks(deadline + dt.timedelta(days=1))
    Inspection.objects.filter(pk=recheck.pk).update(status=InspectionStatus.CANCELLED)
    assert len(services.schedule_due_rechecks(deadline + dt.timedelta(days=2))) == 1


def test_closed_or_handed_over_opinions_get_no_recheck(visit, lead, today):
    opinion = issue(visit, lead, today)
    item = opinion.items.get()
    services.submit_evidence(item, note="已整改")
    services.decide_item(item, actor=lead, accepted=True)
    assert services.schedule_due_rechecks(today + dt.timedelta(days=1)) == []


def test_a_recheck_copies_items_and_team_and_is_never_counted_against_the_cap(visit, lead, team, today, hotel):
    issue(visit, lead, today)
    [recheck] = services.schedule_due_rechecks(today + dt.timedelta(days=1))
    assert set(recheck.items.all()) == set(visit.items.all())
    assert {(m.officer, m.certificate, m.is_lead) for m in recheck.team.all()} == {
        (o, c, n == 0) for n, (o, c) in enumerate(team)}
    assert not recheck.over_cap
    assert not Inspection.objects.filter(entity=hotel).counted_against_cap().filter(pk=recheck.pk).exists()
    assert "team_note" not in events_for(recheck, AuditAction.CREATE).get().detail


def test_a_team_no_longer_valid_is_still_planned_with_a_note(visit, lead, team, today):
    issue(visit, lead, today)
    lapsed_officer, lapsed_cert = team[1]
    lapsed_cert.valid_to = today
    lapsed_cert.save(update_fields=["valid_to"])
    [recheck] = services.schedule_due_rechecks(today + dt.timedelta(days=1))
    assert recheck.team.count() == 2
    note = events_for(recheck, AuditAction.CREATE).get().detail["team_note"]
    assert "须调整检查人员" in note and lapsed_officer.full_name in note


# ---- hand-over -------------------------------------------------------------------------------------------------

def test_hand_over_is_refused_until_the_deadline_has_passed(visit, lead, today):
    deadline = today + dt.timedelta(days=5)
    opinion = issue(visit, lead, deadline)
    with pytest.raises(TransitionRefused, match="不能转立案"):
        services.hand_over_to_case(opinion, actor=lead, reason="逾期未改", today=deadline)
    referral = services.hand_over_to_case(opinion, actor=lead, reason="逾期未改", today=deadline + dt.timedelta(days=1))
    opinion.refresh_from_db()
    assert (opinion.status, opinion.handover_reason) == (OpinionStatus.HANDED_OVER, "逾期未改")
    assert opinion.handed_over_at is not None
    record = OnSiteRecord.objects.get(inspection=visit)
    assert (referral.entity_id, referral.inspection_id) == (visit.entity_id, visit.pk)
    assert referral.onsite_record_id == record.pk
    assert (referral.opinion_number, referral.bureau_id) == (opinion.number, visit.organisation.bureau_id)
    assert [i.provision for i in referral.items] == ["《公共场所卫生管理条例》第八条"]
    assert events_for(opinion, AuditAction.TRANSITION).get().detail["note"] == "逾期未改"


def test_hand_over_is_allowed_before_the_deadline_when_an_item_failed(visit, lead, today):
    opinion = issue(visit, lead, today + dt.timedelta(days=30))
    item = opinion.items.get()
    services.submit_evidence(item, note="已整改")
    services.decide_item(item, actor=lead, accepted=False, note="照片与现场不符")
    referral = services.hand_over_to_case(opinion, actor=lead, reason="整改不合格", today=today)
    assert referral.items[0].decision_note == "照片与现场不符"
    with pytest.raises(ValidationError, match="已转立案"):
        services.submit_evidence(item, note="再交一次")


def test_hand_over_needs_a_reason(visit, lead, today):
    opinion = issue(visit, lead, today)
    with pytest.raises(TransitionRefused, match="原因"):
        services.hand_over_to_case(opinion, actor=lead, reason=" ", today=today + dt.timedelta(days=1))


# ---- scoping ---------------------------------------------------------------------------------------------------

def test_another_county_can_neither_read_nor_change_an_opinion(visit, lead, outsider, as_user, today):
    opinion = issue(visit, lead, today)
    item = opinion.items.get()
    services.submit_evidence(item, note="已整改")
    assert not SupervisionOpinion.objects.visible_to(outsider).exists()
    client = as_user(outsider)
    assert client.get(reverse("inspections:opinion_detail", args=[opinion.pk])).status_code == 404
    assert opinion.number not in client.get(reverse("inspections:opinion_list")).content.decode()
    assert client.post(reverse("inspections:opinion_item_accept", args=[opinion.pk, item.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        services.decide_item(item, actor=outsider, accepted=True)
    with pytest.raises(PermissionDenied):
        services.hand_over_to_case(opinion, actor=outsider, reason="x", today=today + dt.timedelta(days=1))
    item.refresh_from_db()
    assert item.status == R.SUBMITTED


def test_the_city_sees_the_opinion_but_may_not_decide(visit, lead, city_admin, as_user, today):
    opinion = issue(visit, lead, today)
    item = opinion.items.get()
    services.submit_evidence(item, note="已整改")
    client = as_user(city_admin)
    assert client.get(reverse("inspections:opinion_detail", args=[opinion.pk])).status_code == 200
    assert client.post(reverse("inspections:opinion_item_accept", args=[opinion.pk, item.pk])).status_code == 403


# ---- pages -----------------------------------------------------------------------------------------------------

def test_the_create_page_is_prefilled_and_issues_the_opinion(visit, lead, as_user, today):
    client = as_user(lead)
    url = reverse("inspections:opinion_create", args=[visit.pk])
    page = client.get(url).content.decode()
    assert "从业人员健康合格证明过期" in page
    data = {
        "issued_on": today.isoformat(), "items-TOTAL_FORMS": "2", "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "1000",
        "items-0-requirement": "更换健康证", "items-0-provision": "第十条", "items-0-deadline": today.isoformat(),
        "items-1-requirement": "", "items-1-provision": "", "items-1-deadline": "",
    }
    response = client.post(url, data)
    opinion = SupervisionOpinion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("inspections:opinion_detail", args=[opinion.pk])
    assert list(opinion.items.values_list("requirement", flat=True)) == ["更换健康证"]


def test_the_create_page_shows_a_deadline_error_on_the_field(visit, lead, as_user, today):
    data = {
        "issued_on": today.isoformat(), "items-TOTAL_FORMS": "1", "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "1", "items-MAX_NUM_FORMS": "1000",
        "items-0-requirement": "更换健康证", "items-0-provision": "第十条",
        "items-0-deadline": (today - dt.timedelta(days=1)).isoformat(),
    }
    response = as_user(lead).post(reverse("inspections:opinion_create", args=[visit.pk]), data)
    assert response.status_code == 200 and "整改期限不能早于出具日期" in response.content.decode()
    assert not SupervisionOpinion.objects.exists()


def test_the_pages_accept_and_reject_items(visit, lead, as_user, today):
    opinion = issue(visit, lead, today, today)
    first, second = opinion.items.all()
    for item in (first, second):
        services.submit_evidence(item, note="已整改")
    client = as_user(lead)
    detail = client.get(reverse("inspections:opinion_detail", args=[opinion.pk])).content.decode()
    assert "整改合格" in detail and reverse("inspections:opinion_item_reject", args=[opinion.pk, first.pk]) in detail
    assert client.get(reverse("inspections:opinion_item_accept", args=[opinion.pk, first.pk])).status_code == 405
    client.post(reverse("inspections:opinion_item_accept", args=[opinion.pk, first.pk]))
    reject_url = reverse("inspections:opinion_item_reject", args=[opinion.pk, second.pk])
    assert "field-error" in client.post(reject_url, {"note": ""}).content.decode()
    assert client.post(reject_url, {"note": "缺照片"}).status_code == 302
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.status, second.status) == (R.ACCEPTED, R.REJECTED)


def test_the_hand_over_page_refuses_in_chinese_when_not_overdue(visit, lead, as_user, today):
    opinion = issue(visit, lead, today + dt.timedelta(days=3))
    response = as_user(lead).post(reverse("inspections:opinion_hand_over", args=[opinion.pk]), {"reason": "逾期"})
    assert response.status_code == 200 and "不能转立案" in response.content.decode()
    opinion.refresh_from_db()
    assert opinion.status == OpinionStatus.ISSUED


def test_the_list_filters_overdue_opinions_in_few_queries(hotel, team, published_items, lead, as_user, today,
                                                           django_assert_max_num_queries):
    overdue = issue(signed_visit(hotel, team, published_items), lead, today - dt.timedelta(days=1),
                    issued_on=today - dt.timedelta(days=5))
    in_time = issue(signed_visit(hotel, team, published_items), lead, today)
    client = as_user(lead)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("inspections:opinion_list"), {"overdue": "1"}).content.decode()
    assert overdue.number in page and in_time.number not in page
    assert in_time.number in client.get(reverse("inspections:opinion_list")).content.decode()


def test_the_visits_awaiting_an_opinion_are_listed_for_their_team(visit, lead, officer, as_user):
    url = reverse("inspections:opinion_visits")
    assert reverse("inspections:opinion_create", args=[visit.pk]) in as_user(lead).get(url).content.decode()
    assert reverse("inspections:opinion_create", args=[visit.pk]) not in as_user(officer).get(url).content.decode()


# ---- demo ------------------------------------------------------------------------------------------------------

def test_the_demo_skips_quietly_without_signed_visits_and_runs_once(hotel, team, published_items, settings, tmp_path):
    from fazhi.inspections.demo_rectification import OPINIONS_PER_BUREAU, load_demo_rectification

    settings.MEDIA_ROOT = tmp_path
    assert "未生成" in load_demo_rectification()
    for n in range(OPINIONS_PER_BUREAU + 1):
        signed_visit(hotel, team, published_items, day=timezone.localdate() - dt.timedelta(days=20 + n))
    load_demo_rectification()
    assert SupervisionOpinion.objects.count() == OPINIONS_PER_BUREAU
    statuses = set(SupervisionOpinion.objects.values_list("status", flat=True))
    assert statuses == {OpinionStatus.ISSUED, OpinionStatus.CLOSED}
    assert services.overdue_opinions(SupervisionOpinion.objects.all(), timezone.localdate()).exists()
    load_demo_rectification()
    assert SupervisionOpinion.objects.count() == OPINIONS_PER_BUREAU
