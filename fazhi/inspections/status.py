"""The procedure of a visit, one declared state machine (ARCHITECTURE.md, "Procedures").

待检查 → 已亮码 (registered before entry: the team and items are checked, a code is issued) → 笔录已签 (the
on-site record is signed and locked) → 已办结. A visit not yet recorded may be cancelled with a reason.
The guards are the legal rules; each refusal says which.
"""
from __future__ import annotations

from fazhi.core.certificates import may_enforce
from fazhi.core.workflow import StateMachine, Transition

from .choices import InspectionStatus as S
from .choices import ItemStatus
from .permissions import INSPECTOR_ROLES, PLANNER_ROLES
from .rules import INSPECTION_RULES


def team_problem(inspection, context) -> str | None:
    """At least two officers, each certified for every domain the visit's items belong to, none recused
    (行政处罚法第四十二条、第四十三条)."""
    from .models import Recusal

    team = list(inspection.team.select_related("officer"))
    if len(team) < INSPECTION_RULES.min_officers:
        return f"检查人员不得少于{INSPECTION_RULES.min_officers}人（行政处罚法第四十二条）。"
    domains = sorted(set(inspection.items.values_list("domain_id", flat=True)))
    for member in team:
        for domain in domains:
            check = may_enforce(member.officer, domain, inspection.window_start)
            if not check:
                return check.reason
    recused = Recusal.objects.filter(entity_id=inspection.entity_id, is_active=True,
                                     officer_id__in=[m.officer_id for m in team]).select_related("officer").first()
    if recused is not None:
        return f"{recused.officer}已对该监管对象登记回避（{recused.reason}），不能参加本次检查（行政处罚法第四十三条）。"
    return None


def items_problem(inspection, context) -> str | None:
    """Only items on the published list may be inspected (国办发〔2024〕54号)."""
    items = list(inspection.items.all())
    if not items:
        return "请至少选择一项检查事项。"
    unpublished = [i for i in items if i.status != ItemStatus.PUBLISHED]
    if unpublished:
        names = "、".join(i.title for i in unpublished[:3])
        return f"检查事项“{names}”不在已公布的检查事项清单内，不能检查（国办发〔2024〕54号）。"
    return None


def cap_problem(inspection, context) -> str | None:
    """A visit over the annual cap needs a leader's approval first (case-driven visits are never over it)."""
    if inspection.over_cap and inspection.cap_approved_at is None:
        return "该对象本年度检查次数已达上限，须经分管领导批准后方可检查。"
    return None


def reason_given(inspection, context) -> str | None:
    return None if (context.get("reason") or "").strip() else "请填写取消原因。"


def _issue_code(inspection, context) -> None:
    from .codes import issue_code

    issue_code(inspection)


def _note_cancel(inspection, context) -> None:
    inspection.cancel_reason = context["reason"].strip()[:200]


def _note_closed(inspection, context) -> None:
    from django.utils import timezone

    inspection.closed_at = timezone.now()


INSPECTION_MACHINE = StateMachine(
    name="inspection",
    labels=dict(S.choices),
    transitions=[
        Transition("register", "亮码登记", (S.PLANNED,), S.REGISTERED, frozenset(INSPECTOR_ROLES),
                   guards=(items_problem, team_problem, cap_problem), effect=_issue_code),
        Transition("record", "签署现场笔录", (S.REGISTERED,), S.RECORDED, frozenset(INSPECTOR_ROLES)),
        Transition("close", "办结", (S.RECORDED,), S.CLOSED, frozenset(INSPECTOR_ROLES), effect=_note_closed),
        Transition("cancel", "取消检查", (S.PLANNED, S.REGISTERED), S.CANCELLED,
                   frozenset({*INSPECTOR_ROLES, *PLANNER_ROLES}), guards=(reason_given,), effect=_note_cancel),
    ],
)
