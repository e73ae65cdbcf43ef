"""Random-inspection plans (双随机抽查计划): writes and the plan's moves.

A plan is drafted and edited, then published (its parameters are fixed from then on, so a draw can always be
re-run against them), then drawn once. The moves are the small table `PLAN_MOVES`; `move_plan` is the only code
that writes a plan's status.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import record_create, record_event, record_update, snapshot
from fazhi.core.choices import AuditAction
from fazhi.core.permissions import acting_bureau
from fazhi.core.workflow import TransitionRefused
from fazhi.entities.choices import CreditGrade
from fazhi.entities.querysets import townships_in

from .choices import ItemStatus, PlanStatus
from .items import ensure_own, ensure_planner
from .models import Campaign, InspectionItem, InspectionPlan
from .rules import INSPECTION_RULES

PLAN_FIELDS = ("name", "year", "starts_on", "ends_on", "sampling_ratios", "team_size", "risk_weighted", "campaign")
PLAN_RELATIONS = ("domains", "townships", "item_list")


@dataclass(frozen=True)
class PlanMove:
    name: str
    label: str
    source: str
    target: str
    refusal: str


PLAN_MOVES = {
    "publish": PlanMove("publish", "公布计划", PlanStatus.DRAFT, PlanStatus.PUBLISHED,
                        "只有草稿状态的抽查计划可以公布。"),
    "draw": PlanMove("draw", "随机抽取", PlanStatus.PUBLISHED, PlanStatus.DRAWN,
                     "只有已公布的抽查计划才能抽取，且每个计划只能抽取一次。"),
}


def plan_move_refusal(plan: InspectionPlan, move: str) -> str | None:
    step = PLAN_MOVES[move]
    return None if plan.status == step.source else step.refusal


def move_plan(plan: InspectionPlan, move: str, *, actor, detail: dict | None = None) -> InspectionPlan:
    """Move a plan (already locked by the caller's transaction) along `PLAN_MOVES`, and audit the move."""
    refusal = plan_move_refusal(plan, move)
    if refusal:
        raise TransitionRefused(refusal)
    step = PLAN_MOVES[move]
    before = plan.status
    plan.status = step.target
    if move == "publish":
        plan.published_at = timezone.now()
    plan.save(update_fields=["status", "published_at"])
    record_event(actor=actor, action=AuditAction.TRANSITION, obj=plan, before={"status": before},
                 after={"status": step.target},
                 detail={"procedure": "inspection_plan", "transition": move, "label": step.label, **(detail or {})})
    return plan


def default_ratios() -> dict[str, str]:
    return {str(grade): str(ratio) for grade, ratio in INSPECTION_RULES.default_sampling_ratios.items()}


def clean_ratios(ratios: dict) -> dict[str, str]:
    """Sampling ratios per credit grade as text, each a percentage from 0 to 100."""
    cleaned, errors = {}, []
    for grade in CreditGrade.values:
        raw = (ratios or {}).get(grade, INSPECTION_RULES.default_sampling_ratios[grade])
        try:
            value = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            errors.append(f"{grade}级的抽查比例“{raw}”不是数字。")
            continue
        if not value.is_finite() or value < 0 or value > 100:
            errors.append(f"{grade}级的抽查比例须在0到100之间（单位：%）。")
            continue
        cleaned[grade] = format(value.normalize(), "f")
    if errors:
        raise ValidationError({"sampling_ratios": errors})
    return cleaned


def _check_plan(plan: InspectionPlan, domains, townships, items) -> None:
    errors: dict[str, list[str]] = {}
    if not domains:
        errors.setdefault("domains", []).append("请至少选择一个监管专业。")
    if plan.team_size is None or plan.team_size < INSPECTION_RULES.min_officers:
        errors.setdefault("team_size", []).append(
            f"每组检查人员不得少于{INSPECTION_RULES.min_officers}人（行政处罚法第四十二条）。")
    if plan.starts_on and plan.ends_on:
        if plan.ends_on < plan.starts_on:
            errors.setdefault("ends_on", []).append("检查结束日期不能早于开始日期。")
        if plan.year and (plan.starts_on.year != plan.year or plan.ends_on.year != plan.year):
            errors.setdefault("ends_on", []).append(f"检查期间须在{plan.year}年度内。")
    own_townships = set(townships_in(plan.organisation.region).values_list("pk", flat=True))
    if any(t.pk not in own_townships for t in townships):
        errors.setdefault("townships", []).append("只能选择本机关辖区内的乡镇（街道）。")
    domain_codes = {d.pk for d in domains}
    for item in items:
        if item.organisation_id != plan.organisation_id or item.status != ItemStatus.PUBLISHED:
            errors.setdefault("item_list", []).append(
                f"“{item.title}”不是本机关已公布的检查事项，不能列入计划（国办发〔2024〕54号）。")
        elif item.domain_id not in domain_codes:
            errors.setdefault("item_list", []).append(f"“{item.title}”不属于计划所选的监管专业。")
    if plan.campaign_id and plan.campaign.organisation_id != plan.organisation_id:
        errors.setdefault("campaign", []).append("只能选择本机关的专项执法。")
    if errors:
        raise ValidationError(errors)


def _assign(plan: InspectionPlan, fields: dict) -> None:
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    plan.sampling_ratios = clean_ratios(plan.sampling_ratios or default_ratios())


def _relations(plan: InspectionPlan, fields: dict) -> tuple[list, list, list]:
    def current(name):
        return list(getattr(plan, name).all()) if plan.pk else []

    return tuple(list(fields[name]) if fields.get(name) is not None else current(name) for name in PLAN_RELATIONS)


def _save_plan(plan: InspectionPlan, fields: dict) -> None:
    """Check the plan's fields and relations together, then save them."""
    _assign(plan, fields)
    domains, townships, items = _relations(plan, fields)
    _check_plan(plan, domains, townships, items)
    plan.save()
    plan.domains.set(domains)
    plan.townships.set(townships)
    plan.item_list.set(items)


@transaction.atomic
def create_plan(*, actor, **fields) -> InspectionPlan:
    """Draft a plan in the actor's bureau."""
    ensure_planner(actor, "制定抽查计划")
    plan = InspectionPlan(organisation=acting_bureau(actor), created_by=actor)
    _save_plan(plan, fields)
    record_create(plan, actor=actor)
    return plan


@transaction.atomic
def update_plan(plan: InspectionPlan, *, actor, **fields) -> InspectionPlan:
    ensure_planner(actor, "修改抽查计划")
    ensure_own(actor, plan, "修改")
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.DRAFT:
        raise ValidationError("抽查计划公布后不能修改：抽取须能按公布的参数复核。")
    before = snapshot(plan, [*PLAN_FIELDS, *PLAN_RELATIONS])
    _save_plan(plan, fields)
    record_update(plan, before, actor=actor)
    return plan


@transaction.atomic
def publish_plan(plan: InspectionPlan, *, actor) -> InspectionPlan:
    ensure_planner(actor, "公布抽查计划")
    ensure_own(actor, plan, "公布")
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    _check_plan(plan, list(plan.domains.all()), list(plan.townships.all()), list(plan.item_list.all()))
    return move_plan(plan, "publish", actor=actor)


# ---- what the plan's form offers -----------------------------------------------------------------------------

def township_choices(bureau):
    return townships_in(bureau.region)


def item_choices(bureau):
    return InspectionItem.objects.filter(organisation=bureau, status=ItemStatus.PUBLISHED).select_related("domain")


def campaign_choices(bureau):
    return Campaign.objects.filter(organisation=bureau)


def plan_townships_label(plan: InspectionPlan) -> str:
    names = [t.name for t in plan.townships.all()]
    return "、".join(names) if names else "本机关全部辖区"

