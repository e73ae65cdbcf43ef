"""Editing the case rule table (CaseRule): which cases need legal review, collective deliberation or hearing
rights. The table is shared by every bureau of the installation, so it is edited at the top of it: by an
administrator or legal reviewer of an organisation with no parent (a province, or a county running alone)."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.core.audit import lock_audit_chain, record_update, snapshot
from fazhi.core.permissions import may_edit_shared_tables

from .choices import ConditionKind
from .models import CaseRule

EDITABLE_RULE_FIELDS = ("name", "party_kind", "amount", "penalty_kind", "basis", "is_active")


def may_edit_rules(actor) -> bool:
    return may_edit_shared_tables(actor)


def ensure_may_edit_rules(actor) -> None:
    if not may_edit_rules(actor):
        raise PermissionDenied("案件规则表由本系统最上级机关的系统管理员或法制审核员维护。")


def _check(rule: CaseRule) -> None:
    errors = {}
    if rule.condition in (ConditionKind.FINE_AT_LEAST, ConditionKind.CONFISCATION_AT_LEAST):
        if rule.amount is None or rule.amount <= 0:
            errors["amount"] = "按数额判断的规则须填写大于零的数额。"
    elif rule.amount is not None:
        errors["amount"] = "该条件不按数额判断，请清空数额。"
    if rule.condition == ConditionKind.PENALTY_KIND and not rule.penalty_kind:
        errors["penalty_kind"] = "按处罚种类判断的规则须选择处罚种类。"
    if not (rule.basis or "").strip():
        errors["basis"] = "请写明依据。"
    if errors:
        raise ValidationError(errors)


def update_rule(rule: CaseRule, *, actor, **fields) -> CaseRule:
    """Change a rule's name, threshold, party, penalty kind, basis or whether it applies; audited."""
    ensure_may_edit_rules(actor)
    unknown = set(fields) - set(EDITABLE_RULE_FIELDS)
    if unknown:
        raise ValueError(f"update_rule: fields not editable {sorted(unknown)}")
    with transaction.atomic():
        lock_audit_chain()
        rule = CaseRule.objects.select_for_update().get(pk=rule.pk)
        before = snapshot(rule)
        for name, value in fields.items():
            setattr(rule, name, value)
        rule.full_clean()
        _check(rule)
        rule.save()
        record_update(rule, before, actor=actor)
    return rule
