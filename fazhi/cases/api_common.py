"""What every endpoint of the case API shares: loading a case within the caller's scope, turning the
procedure's refusals into answers, resolving people by id, and describing one case in full.

A move the procedure refuses (`TransitionRefused`: a guard citing its article) answers 409 Conflict: the
request was well formed, the case's state or the law does not allow it now. A caller without the right answers
403, a case outside the caller's scope 404, bad input 422 — each as {"detail": "<中文说明>"}.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from ninja.errors import HttpError

from fazhi.core.api import WRITE_ERRORS
from fazhi.core.models import User
from fazhi.core.permissions import visible_or_404
from fazhi.core.schemas import ErrorOut
from fazhi.core.workflow import TransitionRefused

from . import clocks, services
from .balance import balance
from .choices import CaseStatus
from .models import Case, CaseOfficer, Deliberation, Interview, LegalReview, PaymentArrangement
from .schemas import money
from .status import PRE_DECISION_STATES, machine_for

STEP_ERRORS = {**WRITE_ERRORS, 409: ErrorOut}
# Moves that happen through a record rather than a step of their own: the endpoint that brings them about.
MOVES_BY_RECORD = {"return_for_investigation": "reviews", "fulfil": "payments"}


@contextmanager
def refusals_as_conflict():
    try:
        yield
    except TransitionRefused as refused:
        raise HttpError(409, refused.message) from None


def act_day(on: dt.date | None, field: str = "on") -> dt.date | None:
    """The day of an act as the caller gives it: never in the future (a step is recorded once done)."""
    if on is not None and on > timezone.localdate():
        raise ValidationError({field: "办理日期不能晚于今天。"})
    return on


def visible_case(request, id: int) -> Case:
    return visible_or_404(Case.objects.all(), request.auth, id)


def writable_case(request, id: int, what: str = "办理本案") -> Case:
    """A case the caller may see (else 404) and act on (else 403: a city sees its counties' cases, but only the
    case's own bureau handles it)."""
    case = visible_case(request, id)
    services.ensure_writable(request.auth, case, what)
    return case


def colleague(request, pk: int | None, field: str) -> User | None:
    """An active member of the caller's own bureau, by id; anyone else is a field error, never a leak."""
    if pk is None:
        return None
    person = User.objects.writable_by(request.auth).filter(pk=pk, is_active=True).first()
    if person is None:
        raise ValidationError({field: "人员不存在，或不属于本局，请核对人员编号。"})
    return person


def colleagues(request, pks: list[int], field: str) -> list[User]:
    wanted = list(dict.fromkeys(pks))
    found = {p.pk: p for p in User.objects.writable_by(request.auth).filter(pk__in=wanted, is_active=True)}
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({field: f"人员{'、'.join(missing)}不存在，或不属于本局，请核对人员编号。"})
    return [found[pk] for pk in wanted]


def detail_queryset():
    """Everything the detail shows, in a fixed number of queries whatever the case holds."""
    return Case.objects.select_related(
        "organisation", "domain", "violation", "provision_broken__version__law", "penalty_provision__version__law",
        "notice", "hearing__chair", "investigation_report", "reminder", "enforcement",
    ).prefetch_related(
        Prefetch("team", CaseOfficer.objects.select_related("officer", "certificate")),
        Prefetch("interviews", Interview.objects.prefetch_related("officers")),
        Prefetch("reviews", LegalReview.objects.select_related("reviewer")),
        Prefetch("deliberations", Deliberation.objects.prefetch_related("attendees")),
        Prefetch("arrangements", PaymentArrangement.objects.prefetch_related("instalments")),
        "services", "documents", "evidence", "measures", "statements", "payments", "appeals", "extensions",
    )


def move_endpoint(case: Case, name: str) -> str:
    if name == "decide_on_spot":
        return reverse("api:cases_simple")
    if name in MOVES_BY_RECORD:
        return reverse(f"api:cases_{MOVES_BY_RECORD[name]}", kwargs={"id": case.pk})
    return reverse(f"api:cases_step_{name}", kwargs={"id": case.pk})


def _clock(case: Case, today: dt.date) -> dict:
    running = case.status in PRE_DECISION_STATES and case.deadline_on is not None
    filing_due = clocks.filing_due(case.received_on) if case.status == CaseStatus.REGISTERED else None
    due = case.deadline_on if running else filing_due
    return {"filing_due_on": filing_due, "deadline_on": case.deadline_on if running else None,
            "days_left": (due - today).days if due else None,
            "extended_days": sum(e.days for e in case.extensions.all())}


def _balance(case: Case, today: dt.date) -> dict | None:
    if case.decided_on is None:
        return None
    owed = balance(case, today)
    return {"on": today, "principal": money(owed.principal), "surcharge": money(owed.surcharge),
            "paid": money(owed.paid), "outstanding": money(owed.outstanding), "settled": owed.settled,
            "overdue_since": owed.overdue_since}


def _moves(case: Case, user) -> list[dict]:
    if not case.is_writable_by(user):
        return []
    return [{"name": t.name, "label": t.label, "endpoint": move_endpoint(case, t.name)}
            for t in machine_for(case).offered(case, user)]


def case_detail(request, id: int) -> Case:
    """The case as CaseDetailOut shows it to the caller, today."""
    case = visible_or_404(detail_queryset(), request.auth, id)
    today = timezone.localdate()
    case.clock = _clock(case, today)
    case.balance = _balance(case, today)
    case.moves = _moves(case, request.auth)
    return case
