"""A file's score against the rubric, for the automatic and the manual review alike.

Each part (形式, 实体) starts at its weight; a defective scored item takes its deduction off its part, never below
zero; the file's score is the sum of its parts. Any veto makes the file 不合格 whatever it scores (DOMAIN.md,
"Supervision of enforcement"). No database here: callers pass the categories and items they read.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .choices import Grade
from .rules import REVIEW_RULES

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class ScoreSheet:
    score: Decimal
    vetoed: bool
    by_category: dict[str, Decimal]  # category code → points kept

    @property
    def grade(self) -> str:
        return grade_for(self.score, self.vetoed)


def grade_for(score: Decimal, vetoed: bool) -> str:
    if vetoed:
        return Grade.FAIL
    if score >= REVIEW_RULES.excellent_min:
        return Grade.EXCELLENT
    if score >= REVIEW_RULES.pass_min:
        return Grade.PASS
    return Grade.FAIL


def score_sheet(categories: Iterable, items: Iterable, deductions: Mapping[int, Decimal],
                vetoes: Iterable[int]) -> ScoreSheet:
    """`deductions` maps a scored item's id to the points it takes off; `vetoes` are the ids of veto items marked."""
    items = list(items)
    by_category_id: dict[int, Decimal] = {}
    for item in items:
        taken = Decimal(deductions.get(item.pk, ZERO))
        if taken and not item.is_veto:
            by_category_id[item.category_id] = by_category_id.get(item.category_id, ZERO) + taken
    kept = {c.code: max(Decimal(c.weight) - by_category_id.get(c.pk, ZERO), ZERO).quantize(CENT)
            for c in categories}
    veto_ids = set(vetoes)
    vetoed = any(item.is_veto and item.pk in veto_ids for item in items)
    return ScoreSheet(sum(kept.values(), ZERO).quantize(CENT), vetoed, kept)


def full_marks(categories: Iterable) -> Decimal:
    return sum((Decimal(c.weight) for c in categories), ZERO).quantize(CENT)
