"""Keeping the rubric (评查标准): its items and the weights of its parts, edited on a page and audited.

The rubric is shared by every bureau of the installation, so that files reviewed anywhere in it are judged the
same way; it is kept at the top: by a legal reviewer or administrator of an organisation with no parent (a
province, or a county running alone).
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from fazhi.core.audit import lock_audit_chain, record_create, record_update, snapshot
from fazhi.core.permissions import may_edit_shared_tables

from .checks import CHECKS
from .choices import RubricKind
from .models import RubricCategory, RubricItem

ITEM_FIELDS = ("name", "category", "kind", "points", "check_code", "basis", "sort_order", "is_active")
CATEGORY_FIELDS = ("name", "weight", "sort_order")


def may_edit_rubric(actor) -> bool:
    return may_edit_shared_tables(actor)


def ensure_may_edit_rubric(actor) -> None:
    if not may_edit_rubric(actor):
        raise PermissionDenied("评查标准由本系统最上级机关的法制审核员或系统管理员维护。")


def _item_problems(item: RubricItem) -> dict[str, str]:
    errors = {}
    points = Decimal(item.points or 0)
    if item.kind == RubricKind.SCORE and points <= 0:
        errors["points"] = "扣分项须填写大于零的扣分分值。"
    elif item.kind == RubricKind.VETO and points != 0:
        errors["points"] = "否决项直接判定不合格，不计扣分，请将扣分分值填为0。"
    elif item.category_id and points > item.category.weight:
        errors["points"] = f"扣分分值不能超过“{item.category.name}”的分值{item.category.weight}。"
    if item.check_code:
        if item.check_code not in CHECKS:
            errors["check_code"] = "没有这项自动检查，请从列表中选择，或留空表示人工评查。"
        elif item.is_active:
            other = (RubricItem.objects.filter(check_code=item.check_code, is_active=True).exclude(pk=item.pk)
                     .first())
            if other is not None:
                errors["check_code"] = f"该自动检查已用于条目“{other}”，一项检查只对应一个评查条目。"
    if not (item.basis or "").strip():
        errors["basis"] = "请写明依据。"
    return errors


def _save_item(item: RubricItem, before: dict | None, actor) -> RubricItem:
    item.full_clean()
    problems = _item_problems(item)
    if problems:
        raise ValidationError(problems)
    item.save()
    if before is None:
        record_create(item, actor=actor)
    else:
        record_update(item, before, actor=actor)
    return item


def create_item(*, actor, code: str, **fields) -> RubricItem:
    ensure_may_edit_rubric(actor)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"create_item: fields not editable {sorted(unknown)}")
    with transaction.atomic():
        lock_audit_chain()
        if RubricItem.objects.filter(code=(code or "").strip()).exists():
            raise ValidationError({"code": "已有该编号的评查条目，请换一个编号。"})
        return _save_item(RubricItem(code=(code or "").strip(), **fields), None, actor)


def update_item(item: RubricItem, *, actor, **fields) -> RubricItem:
    """Change an item's wording, part, veto or score, points, check, basis, order or whether it applies; audited."""
    ensure_may_edit_rubric(actor)
    unknown = set(fields) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"update_item: fields not editable {sorted(unknown)}")
    with transaction.atomic():
        lock_audit_chain()
        item = RubricItem.objects.select_for_update().get(pk=item.pk)
        before = snapshot(item, [f for f in ITEM_FIELDS])
        for name, value in fields.items():
            setattr(item, name, value)
        return _save_item(item, before, actor)


def update_category(category: RubricCategory, *, actor, **fields) -> RubricCategory:
    """Change a part's name or weight (e.g. 形式 20 + 实体 80); the weights are what a file scores at most."""
    ensure_may_edit_rubric(actor)
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise ValueError(f"update_category: fields not editable {sorted(unknown)}")
    with transaction.atomic():
        lock_audit_chain()
        category = RubricCategory.objects.select_for_update().get(pk=category.pk)
        before = snapshot(category, CATEGORY_FIELDS)
        for name, value in fields.items():
            setattr(category, name, value)
        category.full_clean()
        if category.weight <= 0:
            raise ValidationError({"weight": "分值须大于零。"})
        heaviest = max((i.points for i in category.items.filter(is_active=True)), default=Decimal(0))
        if heaviest > category.weight:
            raise ValidationError({"weight": f"本分类有条目扣分分值为{heaviest}，分值不能低于它。"})
        category.save()
        record_update(category, before, actor=actor)
    return category
