"""Reads of decision publication: what the portal shows, and which decisions still wait to be published.

`Publication.objects` is a `PublicationQuerySet`. Its `due_unpublished` and `late` answer with cases (the decisions
that have no publication yet), for the legal section's queue and the early warnings; pass `cases=` a scoped
queryset (`Case.objects.visible_to(user)`) to keep to what a person may see.

This module imports no model at load time: the model module imports it for its manager.
"""
from __future__ import annotations

import datetime as dt

from django.db.models import F

from fazhi.core.querysets import ScopedQuerySet
from fazhi.core.workdays import WorkdayCalendar

from .choices import CaseStatus, Procedure, PublicationStatus
from .rules import CASE_RULES

# A penalty has been decided in these states (不予处罚 clears the penalty kinds, so its closed case is not one).
PUBLISHABLE_STATES = (
    CaseStatus.DECIDED, CaseStatus.SERVED, CaseStatus.REMINDED, CaseStatus.ENFORCEMENT, CaseStatus.FULFILLED,
    CaseStatus.CLOSED, CaseStatus.ARCHIVED,
)


def late_cutoff(today: dt.date, calendar: WorkdayCalendar | None = None) -> dt.date:
    """A decision made before this day is past its publication limit on `today`.

    The limit of a decision made on d is the n-th workday after d (n = publication_workdays); it has passed by
    `today` when (d, today) holds n workdays, that is when d is before the n-th workday counted back from yesterday.
    """
    calendar = calendar or WorkdayCalendar()
    day, found = today, 0
    while found < CASE_RULES.publication_workdays:
        day -= dt.timedelta(days=1)
        found += calendar.is_workday(day)
    return day


def decided_penalties(cases=None):
    """Cases with a penalty decision of the general procedure: the decisions that are published."""
    from .models import Case

    cases = Case.objects.all() if cases is None else cases
    return (cases.filter(procedure=Procedure.GENERAL, status__in=PUBLISHABLE_STATES, decided_on__isnull=False)
            .exclude(decision_number="").exclude(penalty_kinds=""))


class PublicationQuerySet(ScopedQuerySet):
    def published(self):
        return self.filter(status=PublicationStatus.PUBLISHED)

    def on_portal(self, today: dt.date):
        """Published, not withdrawn, and within the display period on `today` (whether or not the daily take-down
        has run yet)."""
        return self.published().filter(published_on__lte=today, takedown_on__gt=today)

    def expired(self, today: dt.date):
        """Still marked published though the display period ended: what the daily take-down takes down."""
        return self.published().filter(takedown_on__lte=today)

    def published_late(self):
        """Published after the 7-working-day limit."""
        return self.filter(published_on__gt=F("due_by"))

    def due_unpublished(self, today: dt.date, cases=None):
        """Cases decided by `today` whose decision is not yet published, the oldest first."""
        return (decided_penalties(cases).filter(decided_on__lte=today, publication__isnull=True)
                .order_by("decided_on", "id"))

    def late(self, today: dt.date, cases=None):
        """Of those, the ones past their publication limit on `today`."""
        return self.due_unpublished(today, cases).filter(decided_on__lt=late_cutoff(today))
