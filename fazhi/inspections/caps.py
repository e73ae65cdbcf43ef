"""The annual cap on visits to one enterprise (DOMAIN.md: e.g. ≤2 per bureau level, ≤4 in all, case-driven
visits excepted [P]). Used when a visit is planned, by hand or by a draw."""
from __future__ import annotations

import datetime as dt
from collections import Counter
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


NO_VISITS = CapCount(at_level=0, in_all=0)


def cap_counts(entity_ids, bureau, year: int, *, exclude_pk=None) -> dict[int, CapCount]:
    """How many visits the cap counts in `year` for each of `entity_ids`, at `bureau`'s level and in all, in one
    query (a draw plans hundreds of visits at once); entities without one are left out."""
    visits = Inspection.objects.filter(entity_id__in=entity_ids).in_year(year).counted_against_cap()
    if exclude_pk is not None:
        visits = visits.exclude(pk=exclude_pk)
    at_level, in_all = Counter(), Counter()
    for entity_id, level in visits.values_list("entity_id", "organisation__region__level"):
        in_all[entity_id] += 1
        at_level[entity_id] += level == bureau.region.level
    return {entity_id: CapCount(at_level=at_level[entity_id], in_all=n) for entity_id, n in in_all.items()}


def cap_count(entity, bureau, year: int, *, exclude_pk=None) -> CapCount:
    """How many visits the cap counts for `entity` in `year`, at `bureau`'s level and in all."""
    return cap_counts([entity.pk], bureau, year, exclude_pk=exclude_pk).get(entity.pk, NO_VISITS)


def goes_over(count: CapCount, reason: str) -> bool:
    """Whether one more visit for `reason` goes over the cap, given the visits counted (case-driven never do)."""
    return not is_case_driven(reason) and count.reached


def over_cap(entity, bureau, day: dt.date, reason: str, *, exclude_pk=None) -> bool:
    """Whether one more visit for `reason` on `day` would go over the cap."""
    if is_case_driven(reason):
        return False
    return goes_over(cap_count(entity, bureau, day.year, exclude_pk=exclude_pk), reason)
