"""The automatic review of case files: every file, open or closed, checked against the rubric's checked items.

    run = run_automatic_review(RunMode.CHANGED, progress=print_progress)   # the cron command
    review = refresh_case_review(case, actor=request.user)                # a case's review page, on demand

Files are read and written a batch at a time (bundle.BundleLoader): one set of queries per batch whatever its
size, none per case. A run is audited as one event (what it covered and found); an on-demand refresh as an
event on the case's result. Results are replaced, never edited.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from fazhi.cases.choices import CaseStatus as S
from fazhi.cases.models import Case
from fazhi.core.audit import record_event, snapshot
from fazhi.core.bulk import bulk_insert_values
from fazhi.core.choices import AuditAction
from fazhi.core.workdays import shared_calendar

from .bundle import BundleLoader, CaseBundle
from .checks import CHECKS, Finding
from .choices import RunMode
from .models import AutomaticFinding, AutomaticReview, AutomaticReviewRun, RubricCategory, RubricItem
from .rules import READER_ROLES, REVIEW_RULES
from .scoring import ScoreSheet, score_sheet

# Files that no longer change: a run of changed files passes them by unless their row changed.
SETTLED_STATES = (S.CLOSED, S.ARCHIVED, S.NOT_FILED, S.WITHDRAWN)
FINDING_COLUMNS = ("review_id", "case_id", "organisation_id", "item_id", "check_code", "document", "message",
                   "basis", "is_veto")
REVIEW_FIELDS = ["organisation", "checked_at", "score", "vetoed", "finding_count", "category_scores", "run"]


@dataclass
class Rubric:
    """The active rubric as one run applies it."""

    categories: list
    items: list
    by_check: dict[str, RubricItem]

    @classmethod
    def current(cls) -> Rubric:
        items = list(RubricItem.objects.filter(is_active=True).select_related("category"))
        return cls(list(RubricCategory.objects.all()), items,
                   {i.check_code: i for i in items if i.check_code and i.check_code in CHECKS})


@dataclass
class FileResult:
    bundle: CaseBundle
    sheet: ScoreSheet
    findings: list[tuple[RubricItem, Finding]]


def review_file(bundle: CaseBundle, rubric: Rubric) -> FileResult:
    """Run the checks the rubric uses on one file and score it."""
    found = [(item, finding) for code, item in rubric.by_check.items() for finding in CHECKS[code](bundle)]
    flagged = {item.pk: item for item, _ in found}
    deductions = {pk: item.points for pk, item in flagged.items() if not item.is_veto}
    vetoes = {pk for pk, item in flagged.items() if item.is_veto}
    return FileResult(bundle, score_sheet(rubric.categories, rubric.items, deductions, vetoes), found)


@dataclass
class Tally:
    cases: int = 0
    flagged: int = 0
    vetoed: int = 0
    findings: int = 0
    reviews: list = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.cases += other.cases
        self.flagged += other.flagged
        self.vetoed += other.vetoed
        self.findings += other.findings


def review_batch(loader: BundleLoader, rubric: Rubric, case_ids: Iterable[int], *,
                 run: AutomaticReviewRun | None = None) -> Tally:
    """Review the files `case_ids` and store their results: one read per kind of record, one write per table."""
    results = [review_file(bundle, rubric) for bundle in loader.load(case_ids)]
    now = timezone.now()
    reviews = [AutomaticReview(case_id=r.bundle.case.pk, organisation_id=r.bundle.case.organisation_id,
                               checked_at=now, score=r.sheet.score, vetoed=r.sheet.vetoed,
                               finding_count=len(r.findings), run=run,
                               category_scores={k: str(v) for k, v in r.sheet.by_category.items()})
               for r in results]
    tally = Tally(cases=len(results), reviews=reviews)
    with transaction.atomic():
        AutomaticReview.objects.bulk_create(reviews, update_conflicts=True, unique_fields=["case"],
                                            update_fields=REVIEW_FIELDS)
        AutomaticFinding.objects.filter(review_id__in=[r.pk for r in reviews]).delete()
        rows = []
        for review, result in zip(reviews, results):
            tally.flagged += bool(result.findings)
            tally.vetoed += result.sheet.vetoed
            rows += [(review.pk, review.case_id, review.organisation_id, item.pk, finding.check,
                      finding.document[:60], finding.message[:500], finding.basis[:300], item.is_veto)
                     for item, finding in result.findings]
        tally.findings = len(rows)
        bulk_insert_values(AutomaticFinding, FINDING_COLUMNS, rows)
    return tally


# ---- which files a run covers --------------------------------------------------------------------------------------

def last_run() -> AutomaticReviewRun | None:
    return AutomaticReviewRun.objects.filter(finished_at__isnull=False).order_by("-started_at", "-id").first()


def rubric_changed_since(moment) -> bool:
    latest = max(filter(None, (RubricItem.objects.aggregate(m=Max("updated_at"))["m"],
                               RubricCategory.objects.aggregate(m=Max("updated_at"))["m"])), default=None)
    return latest is not None and latest > moment


def cases_to_review(mode: str) -> list[int]:
    """All files; or, since the last run, the files never reviewed, those whose case row changed after their review,
    and the open ones (their records grow without touching the case row) — all of them again if the rubric changed.
    Edits to the case rule table, the discretion bands or certificates are picked up by the next run of all files."""
    cases = Case.objects.all()
    if mode == RunMode.CHANGED:
        previous = last_run()
        if previous is not None and not rubric_changed_since(previous.started_at):
            cases = cases.filter(Q(automatic_review__isnull=True) | ~Q(status__in=SETTLED_STATES)
                                 | Q(updated_at__gt=F("automatic_review__checked_at")))
    return list(cases.order_by("pk").values_list("pk", flat=True))


# ---- running it -------------------------------------------------------------------------------------------------

Progress = Callable[[int, int, float], None]  # (done, total, seconds so far)


def run_automatic_review(mode: str = RunMode.ALL, *, actor=None, progress: Progress | None = None,
                         case_ids: list[int] | None = None, batch_size: int | None = None) -> AutomaticReviewRun:
    """Review the files the mode selects (or exactly `case_ids`), batch by batch; record the run."""
    batch_size = batch_size or REVIEW_RULES.automatic_batch_size
    started, clock = timezone.now(), time.perf_counter()
    ids = case_ids if case_ids is not None else cases_to_review(mode)
    run = AutomaticReviewRun.objects.create(mode=mode, started_at=started, started_by=actor)
    total = Tally()
    with shared_calendar():
        loader, rubric = BundleLoader(), Rubric.current()
        for start in range(0, len(ids), batch_size):
            total.add(review_batch(loader, rubric, ids[start:start + batch_size], run=run))
            if progress is not None:
                progress(total.cases, len(ids), time.perf_counter() - clock)
    with transaction.atomic():
        run.finished_at = timezone.now()
        run.case_count, run.flagged_count = total.cases, total.flagged
        run.vetoed_count, run.finding_count = total.vetoed, total.findings
        run.save()
        record_event(actor=actor, action=AuditAction.CREATE, obj=run, after=snapshot(run),
                     detail={"rubric_items": len(rubric.items), "checks": sorted(rubric.by_check)})
    return run


def refresh_case_review(case: Case, *, actor) -> AutomaticReview:
    """Review one file now, for its review page; audited as a change of the case's result."""
    if not actor.has_role(*READER_ROLES) or not Case.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise PermissionDenied("您不能评查该案卷。")
    before = AutomaticReview.objects.filter(case=case).first()
    old = snapshot(before, ["score", "vetoed", "finding_count"]) if before else None
    with shared_calendar():
        review_batch(BundleLoader(), Rubric.current(), [case.pk])
    review = AutomaticReview.objects.get(case=case)
    record_event(actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=review, before=old,
                 after=snapshot(review, ["score", "vetoed", "finding_count"]), detail={"trigger": "on_demand"})
    return review
