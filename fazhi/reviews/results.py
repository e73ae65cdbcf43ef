"""Results of the signed manual reviews per officer (each officer on a reviewed file's team) and per section (the
section of the file's lead officer): files reviewed, average score, 优秀/合格/不合格, vetoes — each one grouped query."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery

from fazhi.cases.models import CaseOfficer

from .choices import Grade

FIGURES = {
    "reviewed": Count("pk"),
    "average": Avg("score"),
    "excellent": Count("pk", filter=Q(grade=Grade.EXCELLENT)),
    "passed": Count("pk", filter=Q(grade__in=(Grade.EXCELLENT, Grade.PASS))),
    "failed": Count("pk", filter=Q(grade=Grade.FAIL)),
    "vetoed": Count("pk", filter=Q(vetoed=True)),
}


def pass_rate(row: dict) -> str:
    if not row["reviewed"]:
        return "—"
    rate = Decimal(row["passed"] * 100) / row["reviewed"]
    return f"{rate.quantize(Decimal('0.1'), ROUND_HALF_UP)}%"


def by_officer(reviews, name: str = ""):
    """One row per officer on the team of a reviewed file (a file counts once for each of its officers)."""
    rows = reviews.values(
        officer_id=F("case__team__officer"), officer_name=F("case__team__officer__full_name"),
        organisation_name=F("case__team__officer__organisation__name"),
        section_name=F("case__team__officer__section__name"),
    ).annotate(**FIGURES)
    if name.strip():
        rows = rows.filter(officer_name__icontains=name.strip())
    return rows.order_by("-reviewed", "officer_name", "officer_id")


def by_section(reviews, name: str = ""):
    """One row per section of the files' lead officers; files whose lead has no section form one row."""
    lead = CaseOfficer.objects.filter(case=OuterRef("case"), is_lead=True)
    if name.strip():
        reviews = reviews.filter(Exists(lead.filter(officer__section__name__icontains=name.strip())))
    rows = reviews.values(
        section_id=Subquery(lead.values("officer__section")[:1]),
        section_name=Subquery(lead.values("officer__section__name")[:1]),
        organisation_name=Subquery(lead.values("officer__section__organisation__name")[:1]),
    ).annotate(**FIGURES)
    return rows.order_by("-reviewed", "section_name", "section_id")
