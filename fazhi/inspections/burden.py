"""The inspection burden report (迎检频次): visits per entity this year against last year.

Counted twice: the visits the annual cap counts (querysets.counted_against_cap: not cancelled, not case-driven)
and every visit not cancelled. An entity's burden is what every bureau's visits put on it, so the counts take
all visits to an entity the viewer may see, whichever bureau made them.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from .choices import InspectionStatus
from .models import Inspection
from .rules import CASE_DRIVEN_REASONS

FIELDS = ("capped_now", "capped_before", "all_now", "all_before")


def _conditions(prefix: str, year: int) -> dict[str, Q]:
    def visit(y):
        return Q(**{f"{prefix}window_start__year": y}) & ~Q(**{f"{prefix}status": InspectionStatus.CANCELLED})

    case_driven = Q(**{f"{prefix}reason__in": CASE_DRIVEN_REASONS})
    return {
        "capped_now": visit(year) & ~case_driven, "capped_before": visit(year - 1) & ~case_driven,
        "all_now": visit(year), "all_before": visit(year - 1),
    }


def with_burden(entities, year: int):
    """Entities annotated with their four counts, keeping those visited in either year."""
    conditions = _conditions("inspections__", year)
    counts = {name: Count("inspections", filter=condition) for name, condition in conditions.items()}
    return entities.annotate(**counts).filter(Q(all_now__gt=0) | Q(all_before__gt=0))


def change_percent(now: int, before: int) -> Decimal | None:
    """The change from last year in percent, one decimal; none when last year had no visits."""
    if not before:
        return None
    return (Decimal(now - before) * 100 / Decimal(before)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BurdenTotals:
    capped_now: int
    capped_before: int
    all_now: int
    all_before: int

    @property
    def capped_change(self) -> Decimal | None:
        return change_percent(self.capped_now, self.capped_before)

    @property
    def all_change(self) -> Decimal | None:
        return change_percent(self.all_now, self.all_before)


def burden_totals(entities, year: int) -> BurdenTotals:
    """The four counts over all of `entities` (the filtered list, every page of it), in one query."""
    visits = Inspection.objects.filter(entity__in=entities.order_by().values("pk"))
    counts = visits.aggregate(**{name: Count("pk", filter=c) for name, c in _conditions("", year).items()})
    return BurdenTotals(**{name: counts[name] or 0 for name in FIELDS})
