"""The warning rules on inspections and certificates: each fires on its boundary day (or condition) and not the
day before, and resolves itself once the cause is fixed."""
from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from fazhi.core.models import EnforcementCertificate
from fazhi.core.tests import factories as f
from fazhi.core.workdays import add_workdays
from fazhi.inspections.choices import InspectionStatus, ItemStatus, RecordStatus, VisitReason
from fazhi.inspections.models import InspectionItem, OnSiteRecord, RectificationItem, SupervisionOpinion
from fazhi.inspections.tests import factories as fi
from fazhi.supervision.choices import Severity, WarningStatus

from .conftest import MONDAY
from .checks import fires, scan_on, warnings_of

D = dt.date


@pytest.fixture
def visit_team(team):
    return [(person, person.certificates.get()) for person in team]


@pytest.fixture
def item(kaiping):
    return fi.item(kaiping, "public_place", title="卫生许可证公示")


def _opinion(visit, deadline: dt.date) -> SupervisionOpinion:
    opinion = SupervisionOpinion.objects.create(organisation=visit.organisation, inspection=visit,
                                                number="开卫监意〔2025〕3号", issued_on=MONDAY)
    RectificationItem.objects.create(opinion=opinion, requirement="公示卫生许可证", deadline=deadline)
    return opinion


def test_rectification_due_without_a_recheck_warns_from_the_day_after_the_deadline(hotel, visit_team, item):
    visit = fi.visit(hotel, visit_team, [item], status=InspectionStatus.RECORDED, day=MONDAY)
    opinion = _opinion(visit, D(2025, 3, 14))
    assert not fires("W-INSP-RECHECK", D(2025, 3, 14))
    warning = scan_on("W-INSP-RECHECK", D(2025, 3, 15))
    assert (warning.record_id, warning.due_on) == (opinion.pk, add_workdays(D(2025, 3, 14), 5))
    assert warning.officer == visit_team[0][0]
    fi.visit(hotel, visit_team, [item], reason=VisitReason.RECHECK, day=D(2025, 3, 17), opinion=opinion)
    assert not fires("W-INSP-RECHECK", D(2025, 3, 15))
    warning.refresh_from_db()
    assert warning.status == WarningStatus.RESOLVED


def test_a_visit_over_the_cap_warns_until_a_leader_approves_it(hotel, visit_team, item, leader):
    visit = fi.visit(hotel, visit_team, [item], day=MONDAY, over_cap=True)
    assert scan_on("W-INSP-CAP", MONDAY).record_id == visit.pk
    visit.cap_approved_by = leader
    visit.save(update_fields=["cap_approved_by"])
    assert not fires("W-INSP-CAP", MONDAY)


def test_repeated_visits_by_separate_teams_warn_within_the_window(hotel, bureaus, visit_team, item):
    other = [fi.certified_officer(bureaus["kaiping_institute"], "public_place") for _ in range(2)]
    planned = fi.visit(hotel, visit_team, [item], day=D(2025, 4, 1))
    fi.visit(hotel, other, [item], day=D(2025, 4, 11))
    # Both visits lie within 30 days either side of the scan's day from 12 March on.
    assert not fires("W-INSP-REPEAT", D(2025, 3, 11))
    warning = scan_on("W-INSP-REPEAT", D(2025, 3, 12))
    assert (warning.record_id, warning.due_on) == (hotel.pk, planned.window_start)
    assert set(warning.officers.all()) == {visit_team[0][0], other[0][0]}


def test_visits_of_one_joint_visit_are_not_repeated(hotel, bureaus, visit_team, item):
    from fazhi.inspections.models import JointVisit

    joint = JointVisit.objects.create(organisation=hotel.organisation, entity=hotel, lead_department="health",
                                      window_start=D(2025, 4, 1), window_end=D(2025, 4, 1))
    fi.visit(hotel, visit_team, [item], day=D(2025, 4, 1), joint_visit=joint)
    fi.visit(hotel, visit_team, [item], day=D(2025, 4, 1), joint_visit=joint)
    assert not fires("W-INSP-REPEAT", D(2025, 3, 20))


def test_an_item_not_on_the_published_list_warns(hotel, visit_team, item, kaiping):
    draft = fi.item(kaiping, "public_place", published=False, title="未公布事项")
    visit = fi.visit(hotel, visit_team, [item, draft], day=MONDAY)
    warning = scan_on("W-INSP-ITEM", MONDAY)
    assert warning.record_id == visit.pk and "未公布事项" in warning.message
    InspectionItem.objects.filter(pk=draft.pk).update(status=ItemStatus.PUBLISHED)
    assert not fires("W-INSP-ITEM", MONDAY)


def test_a_draft_record_without_body_cam_warns_from_the_day_after_the_visit(hotel, visit_team, item):
    visit = fi.visit(hotel, visit_team, [item], status=InspectionStatus.REGISTERED, day=MONDAY)
    arrived = timezone.make_aware(dt.datetime.combine(MONDAY, dt.time(9, 30)))
    record = OnSiteRecord.objects.create(organisation=visit.organisation, inspection=visit, place="前台",
                                         arrived_at=arrived, status=RecordStatus.DRAFT)
    assert not fires("W-INSP-BODYCAM", MONDAY)
    assert scan_on("W-INSP-BODYCAM", MONDAY + dt.timedelta(days=1)).record_id == visit.pk
    OnSiteRecord.objects.filter(pk=record.pk).update(bodycam_absent_reason="记录仪故障，已拍照补充")
    assert not fires("W-INSP-BODYCAM", MONDAY + dt.timedelta(days=1))


def test_a_certificate_warns_thirty_days_before_it_expires_unless_renewed(officer):
    certificate = f.certificate(officer, "public_place", valid_from=D(2022, 1, 1), valid_to=D(2025, 4, 30))
    EnforcementCertificate.objects.exclude(pk=certificate.pk).filter(holder=officer).delete()
    assert not fires("W-CERT-EXPIRY", D(2025, 3, 30))
    warning = scan_on("W-CERT-EXPIRY", D(2025, 3, 31))
    assert (warning.record_id, warning.officer, warning.due_on) == (certificate.pk, officer, D(2025, 4, 30))
    assert warning.severity == Severity.NOTICE
    f.certificate(officer, "public_place", valid_from=D(2025, 4, 1), valid_to=D(2029, 4, 30))
    assert not fires("W-CERT-EXPIRY", D(2025, 3, 31))
    assert warnings_of("W-CERT-EXPIRY").count() == 0
