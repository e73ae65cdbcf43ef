"""The annual cap on visits to one enterprise (DOMAIN.md: e.g. ≤2 per bureau level, ≤4 in all, case-driven
visits excepted [P]). Used when a visit is planned, by hand or by a draw."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .models import Inspection
from .rules import INSPECTION_RULES, is_case_driven


@dataclass(frozen=True)
class CapCount:
    at_level: int  # visits this year by bureaus of the same level as the one planning
    in_all: int  # visits this year by bureaus of every level

    @property
    def reached(self) -> bool:
        return (self.at_level >= INSPECTION_RULES.annual_cap_per_level
                or self.in_all >= INSPECTION_RULES.annual_cap_total)

    def describe(self) -> str:
        return (f"本年度本级已检查{self.at_level}次（上限{INSPECTION_RULES.annual_cap_per_level}次），"
                f"各级合计{self.in_all}次（上限{INSPECTION_RULES.annual_cap_total}次）")


def cap_count(entity, bureau, year: int, *, exclude_pk=None) -> CapCount:
    """How many visits the cap counts for `entity` in `year`, at `bureau`'s level and in all."""
    visits = Inspection.objects.filter(entity=entity).in_year(year).counted_against_cap()
    if exclude_pk is not None:
        visits = visits.exclude(pk=exclude_pk)
    levels = list(visits.values_list("organisation__region__level", flat=True))
    return CapCount(at_level=sum(1 for level in levels if level == bureau.region.level), in_all=len(levels))


def over_cap(entity, bureau, day: dt.date, reason: str, *, exclude_pk=None) -> bool:
    """Whether one more visit for `reason` on `day` would go over the cap (case-driven visits never do)."""
    if is_case_driven(reason):
        return False
    return cap_count(entity, bureau, day.year, exclude_pk=exclude_pk).reached
