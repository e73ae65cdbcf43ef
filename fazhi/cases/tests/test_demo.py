"""The demo's penalty cases: a year of each model county's cases in every state, played through the services.

The demo is loaded once for the whole module (regions, both counties' staff, a few hundred entities each, the
inspection steps that give the cases their findings, then the cases), inside a transaction rolled back at the
end, so that each test reads the same loaded counties without paying for the load again.
"""
import datetime as dt
from collections import Counter

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from fazhi.cases.choices import CaseSource, CaseStatus as S, Procedure
from fazhi.cases.demo import GENERAL_PLANS, SIMPLE_PLANS, load_demo_cases
from fazhi.cases.discretion import requires_reasons
from fazhi.cases.documents import decision_missing_elements
from fazhi.cases.models import Case, Deliberation, Violation
from fazhi.core.audit import verify_chain
from fazhi.core.choices import AuditAction
from fazhi.core.demo import demo_steps, load_demo
from fazhi.core.models import AuditEvent
from fazhi.core.regions import load_shipped_regions
from fazhi.entities.demo import demo_bureaus, load_demo_entities
from fazhi.inspections.demo_records import load_demo_records
from fazhi.inspections.demo_rectification import load_demo_rectification
from fazhi.inspections.demo_visits import load_demo_visits

ENTITIES_PER_COUNTY = 400
# What each county holds once the demo has run: 44 general-procedure cases in every state, 6 simple ones.
EXPECTED = Counter({
    (Procedure.GENERAL, S.REGISTERED): 2, (Procedure.GENERAL, S.NOT_FILED): 1, (Procedure.GENERAL, S.TRANSFERRED): 1,
    (Procedure.GENERAL, S.WITHDRAWN): 1, (Procedure.GENERAL, S.INVESTIGATING): 6, (Procedure.GENERAL, S.IN_REVIEW): 3,
    (Procedure.GENERAL, S.NOTIFIED): 2, (Procedure.GENERAL, S.HEARING): 1, (Procedure.GENERAL, S.DECIDED): 1,
    (Procedure.GENERAL, S.SERVED): 3, (Procedure.GENERAL, S.FULFILLED): 2, (Procedure.GENERAL, S.REMINDED): 2,
    (Procedure.GENERAL, S.ENFORCEMENT): 1, (Procedure.GENERAL, S.NO_PENALTY): 1, (Procedure.GENERAL, S.CLOSED): 8,
    (Procedure.GENERAL, S.ARCHIVED): 9, (Procedure.SIMPLE, S.ON_SPOT): 1, (Procedure.SIMPLE, S.RECORDED): 1,
    (Procedure.SIMPLE, S.CLOSED): 2, (Procedure.SIMPLE, S.ARCHIVED): 2,
})


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        load_shipped_regions()
        load_demo()
        load_demo_entities(count=ENTITIES_PER_COUNTY)
        load_demo_visits()
        load_demo_records()
        load_demo_rectification()
        summary = load_demo_cases()
        yield {"summary": summary, "bureaus": demo_bureaus(), "today": timezone.localdate()}
        transaction.set_rollback(True)


def cases_of(bureau):
    return Case.objects.filter(organisation__bureau=bureau)


def test_every_planned_case_is_made_and_none_refused(loaded, db):
    assert "未能生成" not in loaded["summary"], loaded["summary"]
    for bureau in loaded["bureaus"]:
        assert f"{bureau.name}新增行政处罚案件 50 件（一般程序 44 件，其中集体讨论 5 件；简易程序 6 件）" in loaded["summary"]
    assert sum(EXPECTED.values()) == len(GENERAL_PLANS) + len(SIMPLE_PLANS)


def test_each_county_has_cases_in_every_state_of_both_procedures(loaded, db):
    for bureau in loaded["bureaus"]:
        found = Counter(cases_of(bureau).values_list("procedure", "status"))
        assert found == EXPECTED, bureau


def test_the_cases_span_the_past_year(loaded, db):
    today = loaded["today"]
    for bureau in loaded["bureaus"]:
        received = sorted(cases_of(bureau).values_list("received_on", flat=True))
        assert today - dt.timedelta(days=400) <= received[0] <= today - dt.timedelta(days=300)
        assert received[-1] == today
        for case in cases_of(bureau).exclude(filed_on=None):
            assert case.received_on <= case.filed_on <= today
            assert (case.decided_on or case.filed_on) <= case.deadline_on


def test_numbers_follow_the_days_as_a_bureau_issues_them(loaded, db):
    for bureau in loaded["bureaus"]:
        filed = cases_of(bureau).exclude(filed_on=None)
        for year in {c.filed_on.year for c in filed}:
            by_number = sorted((int(c.filing_number.split("〕")[1].rstrip("号")), c.filed_on)
                               for c in filed if c.filed_on.year == year)
            assert [n for n, _ in by_number] == list(range(1, len(by_number) + 1))
            assert [day for _, day in by_number] == sorted(day for _, day in by_number)


def test_five_cases_are_deliberated_by_the_leaders_and_one_is_in_a_hearing(loaded, db):
    for bureau in loaded["bureaus"]:
        deliberations = Deliberation.objects.filter(case__organisation__bureau=bureau)
        assert deliberations.values("case").distinct().count() == 5
        for deliberation in deliberations:
            assert deliberation.attendees.count() >= 3 and deliberation.chair.has_role("chief", "leader")
        hearing = cases_of(bureau).get(status=S.HEARING).hearing
        assert hearing.case.notice.hearing_rights and hearing.held_on is None
        assert hearing.scheduled_for > loaded["today"]
        assert cases_of(bureau).filter(status=S.ARCHIVED, hearing__held_on__isnull=False).exists()


def test_decisions_are_complete_and_within_their_bands(loaded, db):
    decided = Case.objects.exclude(decision_number="").filter(procedure=Procedure.GENERAL).exclude(penalty_kinds="")
    assert decided.count() == 2 * 24  # per county: decided to archived, less the three not punished
    for case in decided:
        assert decision_missing_elements(case) == []
        assert requires_reasons(case) is None
        assert case.served_on is None or case.served_on >= case.decided_on


def test_the_endings_carry_their_reasons(loaded, db):
    for bureau in loaded["bureaus"]:
        cases = cases_of(bureau)
        lenient = cases.filter(decision_number__contains="不罚")
        assert lenient.count() == 3
        assert all(c.education_record and c.outcome_reason and c.fine_amount is None for c in lenient)
        transferred = cases.get(status=S.TRANSFERRED)
        assert transferred.transferred_to.endswith(("公安局", "分局"))
        assert "第三十六条" in cases.get(status=S.NOT_FILED).outcome_reason
        assert cases.get(status=S.WITHDRAWN).outcome_reason
        assert cases.filter(extensions__isnull=False).exists()
        assert cases.get(status=S.ENFORCEMENT).enforcement.court.endswith("人民法院")


def test_the_simple_cases_are_decided_on_the_spot_and_five_are_filed(loaded, db):
    for bureau in loaded["bureaus"]:
        simple = cases_of(bureau).filter(procedure=Procedure.SIMPLE)
        assert simple.count() == 6
        filed = AuditEvent.objects.filter(action=AuditAction.TRANSITION, object_type="cases.case",
                                          object_id__in=[str(c.pk) for c in simple],
                                          detail__transition="record_with_bureau")
        assert filed.count() == 5
        assert all(c.fine_amount is None or c.fine_amount <= 3000 for c in simple)


def test_a_case_comes_from_the_demo_visits_finding(loaded, db):
    for bureau in loaded["bureaus"]:
        case = cases_of(bureau).get(source_inspection__isnull=False, status=S.REGISTERED)
        assert case.source == CaseSource.INSPECTION and case.source_inspection.record.number in case.source_detail


def test_every_step_is_audited_and_the_chain_holds(loaded, db):
    cases = Case.objects.all()
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="cases.case")
    assert created.count() == cases.count()
    moved = set(AuditEvent.objects.filter(action=AuditAction.TRANSITION, object_type="cases.case")
                .values_list("object_id", flat=True))
    assert {str(c.pk) for c in cases.exclude(status=S.REGISTERED)} <= moved
    assert verify_chain().intact


def test_a_second_run_adds_nothing(loaded, db):
    counts = (Case.objects.count(), AuditEvent.objects.count())
    summary = load_demo_cases()
    assert "未新增" in summary and "新增行政处罚案件" not in summary
    assert (Case.objects.count(), AuditEvent.objects.count()) == counts


def test_without_active_violations_no_case_is_made(loaded, db):
    Violation.objects.update(is_active=False)
    counts = (Case.objects.count(), AuditEvent.objects.count())
    assert "未生成" in load_demo_cases()
    assert (Case.objects.count(), AuditEvent.objects.count()) == counts


def test_it_is_a_step_of_the_demo():
    assert "行政处罚案件" in [step.label for step in demo_steps()]
