"""The automatic review as a whole: scoring (veto vs score), stored results, runs of all or changed files, the
command, the on-demand refresh, and its reads in bulk (a bounded number of queries whatever the batch size)."""
import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.cases.choices import CaseStatus
from fazhi.cases.documents import case_file_order
from fazhi.cases.models import Case, CaseOfficer
from fazhi.cases.tests import factories_documents as fd
from fazhi.core.certificates import may_enforce
from fazhi.core.choices import AuditAction, Role
from fazhi.core.models import AuditEvent, CertificateSuspension, EnforcementCertificate
from fazhi.core.tests import factories as f
from fazhi.reviews import automatic
from fazhi.reviews.bundle import BundleLoader
from fazhi.reviews.checks import file_entries
from fazhi.reviews.choices import Grade, RunMode
from fazhi.reviews.models import AutomaticFinding, AutomaticReview, AutomaticReviewRun, RubricItem

from . import factories as fr

pytestmark = pytest.mark.django_db


def test_it_scores_a_correct_file_full_marks(good_case):
    [review] = fr.review_now(good_case)
    assert (review.score, review.vetoed, review.finding_count) == (Decimal("100.00"), False, 0)
    assert review.category_scores == {"form": "20.00", "substance": "80.00"}
    assert review.organisation_id == good_case.organisation_id


def test_it_takes_a_scored_items_points_off_its_part(good_case):
    Case.objects.filter(pk=good_case.pk).update(party_address="")
    [review] = fr.review_now(good_case)
    assert (review.score, review.vetoed) == (Decimal("96.00"), False)
    assert review.category_scores["form"] == "16.00"
    [finding] = review.findings.all()
    assert (finding.item.code, finding.is_veto, finding.document) == ("F02", False, "行政处罚决定书")


def test_it_takes_an_items_points_once_however_many_defects_it_has(good_case, team):
    interview = good_case.interviews.get()
    Case.objects.filter(pk=good_case.pk).update(party_address="", facts="")
    [review] = fr.review_now(good_case)
    assert review.finding_count == 1  # one finding naming both elements
    interview.officers.remove(team[1])
    [review] = fr.review_now(good_case)
    assert review.findings.filter(item__code="V03").count() == 1


def test_a_veto_fails_the_file_whatever_it_scores(good_case, team):
    CaseOfficer.objects.filter(case=good_case, officer=team[1]).delete()
    [review] = fr.review_now(good_case)
    assert review.vetoed is True
    assert review.score == Decimal("100.00")  # a veto takes no points: it fails the file outright
    assert review.findings.get().item.code == "V03"
    from fazhi.reviews.scoring import grade_for

    assert grade_for(review.score, review.vetoed) == Grade.FAIL


def test_a_part_never_goes_below_zero(good_case):
    RubricItem.objects.filter(code="F02").update(points=Decimal("20"))
    RubricItem.objects.filter(code="F03").update(points=Decimal("15"))
    Case.objects.filter(pk=good_case.pk).update(party_address="")
    good_case.services.update(receiver_signature="")
    [review] = fr.review_now(good_case)
    assert review.category_scores["form"] == "0.00"
    assert review.score == Decimal("80.00")


def test_an_inactive_item_is_not_checked(good_case):
    RubricItem.objects.filter(code="F02").update(is_active=False)
    Case.objects.filter(pk=good_case.pk).update(party_address="")
    [review] = fr.review_now(good_case)
    assert review.finding_count == 0


def test_reviewing_again_replaces_the_findings(good_case):
    Case.objects.filter(pk=good_case.pk).update(party_address="")
    [first] = fr.review_now(good_case)
    Case.objects.filter(pk=good_case.pk).update(party_address="开平市三埠街道东河路8号")
    [second] = fr.review_now(good_case)
    assert second.pk == first.pk and second.finding_count == 0
    assert not AutomaticFinding.objects.filter(case=good_case).exists()


def _archived_cases(bureaus, n):
    officers = fd.team(bureaus["kaiping_institute"], "黄一", "梁二")
    head = f.staff(bureaus["kaiping_institute"], Role.SECTION_HEAD)
    legal = f.staff(bureaus["kaiping"], Role.LEGAL_REVIEWER)
    leader = f.staff(bureaus["kaiping"], Role.LEADER)
    return [fd.archived_case(bureaus["kaiping_institute"], officers, head, legal, leader) for _ in range(n)]


def _queries(ids) -> int:
    rubric = automatic.Rubric.current()
    with CaptureQueriesContext(connection) as captured:
        automatic.review_batch(BundleLoader(), rubric, ids)
    return len(captured)


def test_a_batch_costs_the_same_queries_whatever_its_size(bureaus):
    cases = _archived_cases(bureaus, 6)
    few, many = _queries([c.pk for c in cases[:2]]), _queries([c.pk for c in cases])
    assert few == many
    assert many <= 30
    assert AutomaticReview.objects.filter(case__in=cases).count() == 6


def test_the_file_order_follows_the_case_documents_registry(bureaus):
    """The check lays the file out without rendering it; it places the same kinds as `case_file_order`."""
    [case] = _archived_cases(bureaus, 1)
    bundle = BundleLoader().load([case.pk])[0]
    laid_out = [e.kind for e in case_file_order(Case.objects.get(pk=case.pk)) if e.kind != "source"]
    assert sorted(set(e.kind for e in file_entries(bundle))) == sorted(set(laid_out))
    places = [e.place for e in file_entries(bundle)]
    assert places == sorted(places)


@pytest.mark.parametrize("day", [dt.date(2025, 1, 9), dt.date(2025, 1, 10), dt.date(2025, 1, 20),
                                 dt.date(2025, 1, 21), dt.date(2027, 12, 31), dt.date(2028, 1, 1)])
def test_the_bulk_certificate_answer_is_may_enforces(bureaus, day):
    person = f.staff(bureaus["kaiping_institute"], Role.OFFICER)
    cert = f.certificate(person, "public_place", valid_from=dt.date(2025, 1, 10), valid_to=dt.date(2027, 12, 31))
    CertificateSuspension.objects.create(certificate=cert, start=dt.date(2025, 1, 15), end=dt.date(2025, 1, 21),
                                         reason="调查")
    loader = BundleLoader()
    loader._read_officers({person.pk})
    record = loader.officers[person.pk]
    for domain in ("public_place", "medical_service"):
        assert record.certified_on(day, domain) == bool(may_enforce(person, domain, day))


def test_a_revoked_certificate_stops_on_its_end_date(bureaus):
    person = f.staff(bureaus["kaiping_institute"], Role.OFFICER)
    f.certificate(person, "public_place", valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2029, 1, 1))
    EnforcementCertificate.objects.filter(holder=person).update(status="revoked", ended_on=dt.date(2025, 6, 1))
    loader = BundleLoader()
    loader._read_officers({person.pk})
    for day in (dt.date(2025, 5, 31), dt.date(2025, 6, 1)):
        assert loader.officers[person.pk].certified_on(day, "public_place") == bool(
            may_enforce(person, "public_place", day))


def test_a_run_reviews_every_file_and_is_audited(good_case, admin):
    run = automatic.run_automatic_review(RunMode.ALL, actor=admin)
    assert (run.case_count, run.flagged_count, run.finding_count) == (1, 0, 0)
    assert run.finished_at is not None
    event = AuditEvent.objects.for_object(run).get()
    assert event.action == AuditAction.CREATE and event.actor == admin
    assert "legal_review" in event.detail["checks"]


def test_a_run_of_changed_files_passes_settled_unchanged_ones_by(good_case, bureaus):
    [archived] = _archived_cases(bureaus, 1)
    automatic.run_automatic_review(RunMode.ALL)
    # good_case is served and owes its fine: still open, so it is reviewed again; the archived file is not.
    assert automatic.cases_to_review(RunMode.CHANGED) == [good_case.pk]
    Case.objects.filter(pk=archived.pk).update(updated_at=dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc))
    assert automatic.cases_to_review(RunMode.CHANGED) == sorted([good_case.pk, archived.pk])


def test_a_rubric_change_makes_every_file_changed(good_case, bureaus, rubric_keeper):
    [archived] = _archived_cases(bureaus, 1)
    automatic.run_automatic_review(RunMode.ALL)
    from fazhi.reviews.rubric import update_item

    update_item(RubricItem.objects.get(code="S07"), actor=rubric_keeper, points=Decimal("5"))
    assert automatic.cases_to_review(RunMode.CHANGED) == sorted([good_case.pk, archived.pk])


def test_a_file_never_reviewed_is_changed(good_case):
    AutomaticReviewRun.objects.create(mode=RunMode.ALL, started_at=dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc),
                                      finished_at=dt.datetime(2099, 1, 1, tzinfo=dt.timezone.utc))
    Case.objects.filter(pk=good_case.pk).update(status=CaseStatus.ARCHIVED)
    assert automatic.cases_to_review(RunMode.CHANGED) == [good_case.pk]


def test_the_command_prints_its_progress(good_case):
    out = StringIO()
    call_command("review_case_files", stdout=out)
    text = out.getvalue()
    assert "已评查 1/1 件" in text and "自动评查完成（全部案卷）：1 件案卷" in text
    assert AutomaticReview.objects.filter(case=good_case).exists()
    call_command("review_case_files", "--changed", stdout=out)
    assert AutomaticReviewRun.objects.filter(mode=RunMode.CHANGED).count() == 1


def test_an_on_demand_refresh_is_audited(good_case, legal_reviewer):
    review = automatic.refresh_case_review(good_case, actor=legal_reviewer)
    assert AuditEvent.objects.for_object(review).get().detail == {"trigger": "on_demand"}


def test_an_outsider_cannot_refresh_a_file(good_case, outsider):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        automatic.refresh_case_review(good_case, actor=outsider)
    assert not AutomaticReview.objects.exists()
