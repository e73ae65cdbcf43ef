"""The rules of inspections, each with its source (DOMAIN.md, "Inspections"). [P] and [M] values are the
defaults a bureau may change in its plans; the code reads them from here and nowhere else."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from fazhi.entities.choices import CreditGrade

from .choices import VisitReason


@dataclass(frozen=True)
class InspectionRules:
    # 行政处罚法 §42: enforcement by at least two officers holding certificates. [L]
    min_officers: int = 2
    # Sampling ratios by credit grade for random draws: raised for poor credit, lowered for good. [L local, values P]
    default_sampling_ratios: dict = field(default_factory=lambda: {
        CreditGrade.A: Decimal("3"), CreditGrade.B: Decimal("5"), CreditGrade.C: Decimal("10"), CreditGrade.D: Decimal("20"),
    })
    # Visits to one enterprise per year: ≤2 per bureau level, ≤4 in all, case-driven visits excepted. [P]
    annual_cap_per_level: int = 2
    annual_cap_total: int = 4
    # An inspection code is shown to the entity from registration until this many hours after the window ends. [M]
    code_valid_hours_after_window: int = 24
    code_length: int = 8
    # Portal guesses at inspection codes: this many misses per client in the window, then a wait. [M]
    code_guesses_allowed: int = 10
    code_guess_window_seconds: int = 600
    # Results published within 20 working days of the end of the check. [P]
    results_publication_workdays: int = 20
    # Rating scale for the entity's anonymous rating of a visit. [M]
    rating_min: int = 1
    rating_max: int = 5
    # Files attached to an on-site record or to rectification evidence. [M]
    max_upload_bytes: int = 20 * 1024 * 1024
    # A re-check is planned from the next workday after the rectification deadline, over this many workdays. [M]
    recheck_window_workdays: int = 5


@dataclass(frozen=True)
class RemedyLimits:
    """The routes a party may take against a written act, stated on it."""

    # 行政复议法（2023）第二十条: apply within 60 days of knowing of the act. [L]
    reconsideration_days: int = 60
    # 行政诉讼法第四十六条: sue within 6 months of knowing of the act. [L]
    litigation_months: int = 6


REMEDY_LIMITS = RemedyLimits()


INSPECTION_RULES = InspectionRules()

# Visits that the annual cap does not count against (DOMAIN.md: complaints, 12345, referrals, re-checks of
# rectification, licence verification, emergencies). [P]
CASE_DRIVEN_REASONS = frozenset({
    VisitReason.COMPLAINT, VisitReason.HOTLINE, VisitReason.REFERRAL, VisitReason.RECHECK,
    VisitReason.LICENCE_VERIFICATION, VisitReason.EMERGENCY,
})


def is_case_driven(reason: str) -> bool:
    return reason in CASE_DRIVEN_REASONS
