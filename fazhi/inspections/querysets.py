"""Reads of inspections. Records hanging off a visit are scoped through it."""
from __future__ import annotations

from django.db import connections
from django.db.models import Q, Value
from django.db.models.functions import NullIf, StrIndex
from django.db.models.lookups import IsNull

from fazhi.core.querysets import ScopedQuerySet
from fazhi.entities.querysets import has_bigram, initials_or_code, upper_text

from .choices import InspectionStatus
from .permissions import RATING_READER_ROLES
from .rules import CASE_DRIVEN_REASONS


def name_has_bigram(text: str) -> Q:
    """The visit's entity name contains the two characters `text` (PostgreSQL; migration 0004's bigram index).

    When the planner walks a date index for a broad term it tests row after row, and computing a name's bigrams
    costs some twenty times a substring test; so the substring test goes first, written as
    `NULLIF(STRPOS(…), 0) IS NOT NULL`, which the planner takes as true for nearly every row: its estimate stays
    the bigram index's own instead of being counted twice."""
    substring = IsNull(NullIf(StrIndex(upper_text("entity_name"), Value(text.upper())), Value(0)), False)
    return Q(substring) & Q(has_bigram(text, "entity_name"))


class InspectionQuerySet(ScopedQuerySet):
    def search_entity(self, text: str) -> InspectionQuerySet:
        """The visits of the entities `Entity.objects.search(text)` finds — a name substring, a prefix of the
        pinyin initials or a whole credit code — read from the visit's own copy of them (`entity_names`). On
        PostgreSQL each of the three has an index that also holds status and reason (migration 0004)."""
        text = (text or "").strip()
        if not text:
            return self
        condition = initials_or_code(text, initials="entity_name_initials", credit_code="entity_credit_code")
        # The name last: PostgreSQL tests the alternatives in order, and the name is the dearest to test.
        if len(text) == 2 and connections[self.db].vendor == "postgresql":
            condition |= name_has_bigram(text)  # too short for the trigram index
        else:
            condition |= Q(entity_name__icontains=text)
        return self.filter(condition)

    def in_year(self, year: int) -> InspectionQuerySet:
        return self.filter(window_start__year=year)

    def not_cancelled(self) -> InspectionQuerySet:
        return self.exclude(status=InspectionStatus.CANCELLED)

    def counted_against_cap(self) -> InspectionQuerySet:
        """Visits the annual cap counts: not cancelled, not case-driven (rules.CASE_DRIVEN_REASONS)."""
        return self.not_cancelled().exclude(reason__in=CASE_DRIVEN_REASONS)

    def assigned_to(self, officer) -> InspectionQuerySet:
        return self.filter(team__officer=officer).distinct()

    def open(self) -> InspectionQuerySet:
        return self.filter(Q(status=InspectionStatus.PLANNED) | Q(status=InspectionStatus.REGISTERED))


class ThroughInspectionQuerySet(ScopedQuerySet):
    """For records that belong to a visit: scoped by the visit's bureau."""

    scope_field = "inspection__organisation"


class RatingQuerySet(ThroughInspectionQuerySet):
    """Ratings reach supervisors, never the inspecting officers as such (亮码入企): only the rating readers
    of the visit's scope see them, on any page, the audit history included."""

    def visible_to(self, user) -> RatingQuerySet:
        if not (getattr(user, "is_authenticated", False) and user.is_active):
            return self.none()
        if not (user.is_superuser or user.has_role(*RATING_READER_ROLES)):
            return self.none()
        return super().visible_to(user)


class ThroughOpinionQuerySet(ScopedQuerySet):
    scope_field = "opinion__organisation"


class ThroughRecordQuerySet(ScopedQuerySet):
    scope_field = "record__organisation"


class ThroughRectificationItemQuerySet(ScopedQuerySet):
    scope_field = "item__opinion__organisation"
