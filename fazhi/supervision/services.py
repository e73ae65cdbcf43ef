"""Writes by people: acknowledging a warning, and the legal section's settings of a rule. Both audited.

The scan (scan.py) writes the rest: raising, updating and resolving warnings.
"""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.core.audit import lock_audit_chain, record_update, snapshot
from fazhi.core.permissions import may_edit_shared_tables

from .choices import Severity
from .models import EarlyWarning, WarningRule
from .status import WARNING_MACHINE
from .warning_rules import RULES_BY_CODE

MAX_LEAD_DAYS = 365


def may_acknowledge(actor, warning: EarlyWarning) -> bool:
    """Whoever sees the warning, in the bureau it belongs to, may acknowledge it while it is open."""
    return bool(
        actor is not None and getattr(actor, "is_authenticated", False)
        and WARNING_MACHINE.offered(warning, actor)
        and EarlyWarning.objects.for_viewer(actor).writable_by(actor).filter(pk=warning.pk).exists())


def acknowledge_warning(warning: EarlyWarning, *, actor, note: str) -> EarlyWarning:
    """待处置 → 已知悉, with what is being done about it. The warning stays until its condition clears."""
    if not EarlyWarning.objects.for_viewer(actor).writable_by(actor).filter(pk=warning.pk).exists():
        raise PermissionDenied("该预警不属于您或本局，不能处置。")
    with transaction.atomic():
        lock_audit_chain()
        note = (note or "").strip()
        return WARNING_MACHINE.fire(warning, "acknowledge", actor=actor, note=note, acknowledgement=note)


# ---- the rule table's settings ---------------------------------------------------------------------------------

def may_edit_rules(actor) -> bool:
    return may_edit_shared_tables(actor)


def ensure_may_edit_rules(actor) -> None:
    if not may_edit_rules(actor):
        raise PermissionDenied("预警规则由本系统最上级机关的法制审核员或系统管理员设置。")


def update_rule(row: WarningRule, *, actor, is_active: bool, severity: str, lead_days: int | None) -> WarningRule:
    """Switch a rule on or off, set its severity and (for a deadline rule) its lead days; audited. The next scan
    applies it: a rule switched off has its unresolved warnings resolved."""
    ensure_may_edit_rules(actor)
    spec = RULES_BY_CODE.get(row.code)
    errors = {}
    if spec is None:
        raise ValidationError("该规则已不在规则表中，不能修改。")
    if severity not in Severity.values:
        errors["severity"] = "请选择预警级别。"
    if spec.lead_days is None and lead_days is not None:
        errors["lead_days"] = "该规则不按期限提前预警，请清空提前天数。"
    elif spec.lead_days is not None and (lead_days is None or not 0 <= lead_days <= MAX_LEAD_DAYS):
        errors["lead_days"] = f"请填写0至{MAX_LEAD_DAYS}之间的天数（0表示届满当日预警）。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_audit_chain()
        row = WarningRule.objects.select_for_update().get(pk=row.pk)
        before = snapshot(row, ("is_active", "severity", "lead_days"))
        row.is_active, row.severity, row.lead_days, row.updated_by = is_active, severity, lead_days, actor
        row.save(update_fields=["is_active", "severity", "lead_days", "updated_by", "updated_at"])
        record_update(row, before, actor=actor, detail={"rule": spec.name})
    return row
