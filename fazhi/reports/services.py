"""Writes of the reports app: saving the annual report's draft narrative, audited."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.core.audit import record_create, record_update, snapshot
from fazhi.core.permissions import acting_bureau

from .annual import default_narrative
from .models import AnnualReportDraft
from .nav import REPORT_EDITOR_ROLES

MAX_PART_LENGTH = 20_000
FIRST_REPORT_YEAR = 2000


def ensure_report_editor(actor) -> None:
    if not actor.has_role(*REPORT_EDITOR_ROLES):
        raise PermissionDenied("只有法制审核员、分管领导、主要领导或系统管理员可以编写年度报告。")


def draft_narrative(bureau, year: int) -> dict[str, str]:
    """The draft's narrative, or what a new draft starts from."""
    found = AnnualReportDraft.objects.filter(organisation=bureau, year=year).first()
    return {**default_narrative(bureau, year), **(found.narrative if found else {})}


def _clean(narrative: dict[str, str], year: int) -> dict[str, str]:
    if year < FIRST_REPORT_YEAR:
        raise ValidationError({"year": "年度不正确。"})
    cleaned = {str(k): (v or "").strip() for k, v in narrative.items()}
    too_long = [k for k, v in cleaned.items() if len(v) > MAX_PART_LENGTH]
    if too_long:
        raise ValidationError(f"每部分文字不能超过{MAX_PART_LENGTH}字，请精简。")
    return cleaned


@transaction.atomic
def save_annual_draft(*, actor, year: int, narrative: dict[str, str]) -> AnnualReportDraft:
    """Keep the edited narrative of the actor's bureau's report for `year`; the first save creates the draft."""
    ensure_report_editor(actor)
    bureau = acting_bureau(actor, "编写年度报告")
    narrative = _clean(narrative, year)
    draft = AnnualReportDraft.objects.select_for_update().filter(organisation=bureau, year=year).first()
    if draft is None:
        draft = AnnualReportDraft.objects.create(organisation=bureau, year=year, narrative=narrative, updated_by=actor)
        record_create(draft, actor=actor)
        return draft
    before = snapshot(draft, ["narrative"])
    draft.narrative, draft.updated_by = narrative, actor
    draft.save(update_fields=["narrative", "updated_by", "updated_at"])
    record_update(draft, before, actor=actor)
    return draft
