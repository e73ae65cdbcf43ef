"""Reads of inspections. Records hanging off a visit are scoped through it."""
from __future__ import annotations

from django.db.models import Q

from fazhi.core.querysets import ScopedQuerySet

from .choices import InspectionStatus
from .permissions import RATING_READER_ROLES
from .rules import CASE_DRIVEN_REASONS


class InspectionQuerySet(ScopedQuerySet):
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
