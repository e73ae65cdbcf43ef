"""Visits planned by hand: plan, edit while 待检查, approve over the annual cap, register, cancel.

Each service checks role and bureau on the server, validates, writes and audits in one transaction. Status
moves go through `status.INSPECTION_MACHINE`; the cap itself is counted by `caps`.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from fazhi.core.audit import record_create, record_event, record_update, snapshot
from fazhi.core.certificates import may_enforce
from fazhi.core.choices import AuditAction
from fazhi.core.models import User
from fazhi.core.permissions import acting_bureau
from fazhi.entities.models import Entity
from fazhi.entities.permissions import ensure_role

from .caps import cap_count, over_cap
from .choices import InspectionStatus, ItemStatus
from .models import Campaign, Inspection, InspectionItem, InspectionOfficer, Recusal, VisitRating
from .models.visits import ENTITY_NAME_FIELDS
from .permissions import CAP_APPROVER_ROLES, INSPECTOR_ROLES
from .rules import INSPECTION_RULES
from .status import INSPECTION_MACHINE

# The fields of a visit an audit event shows when it is planned or edited.
AUDITED_FIELDS = ("entity", "reason", "window_start", "window_end", "items", "campaign", "over_cap")


@dataclass(frozen=True)
class TeamMember:
    officer: User
    certificate: object  # EnforcementCertificate valid for every domain of the visit on its first day
    is_lead: bool


# ---- reads the forms and services share --------------------------------------------------------------------

def published_items(bureau):
    """The bureau's published inspection items: only these may be inspected (国办发〔2024〕54号)."""
    return (InspectionItem.objects.filter(organisation=bureau, status=ItemStatus.PUBLISHED)
            .select_related("domain"))


def eligible_officers(bureau):
    """Active enforcement staff of the bureau or of its supervision institute."""
    return (User.objects.filter(organisation__bureau=bureau, is_active=True,
                                role_assignments__role__in=INSPECTOR_ROLES)
            .select_related("organisation").distinct().order_by("organisation__path", "full_name", "id"))


def bureau_campaigns(bureau):
    return Campaign.objects.filter(organisation=bureau)


# ---- checks ---------------------------------------------------------------------------------------------------

def ensure_writable(actor, inspection: Inspection) -> None:
    if not Inspection.objects.writable_by(actor).filter(pk=inspection.pk).exists():
        raise PermissionDenied("该监督检查不属于本局，只能查看，不能修改。")


def _ensure_planned(inspection: Inspection) -> None:
    if inspection.status != InspectionStatus.PLANNED:
        raise ValidationError(f"该检查已{inspection.get_status_display()}，只有待检查的检查可以修改。")


def _check_entity(actor, entity: Entity, bureau) -> None:
    if not Entity.objects.writable_by(actor).filter(pk=entity.pk, organisation=bureau).exists():
        raise PermissionDenied("该监管对象不属于本局，不能安排检查。")


def _check_window(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationError({"window_end": "计划检查日期止不能早于日期起。"})
    if end < timezone.localdate():
        raise ValidationError({"window_end": "计划检查日期已过，请填写今天或以后的日期。"})


def _check_items(items, bureau) -> list[InspectionItem]:
    items = list(dict.fromkeys(items))
    if not items:
        raise ValidationError({"items": "请至少选择一项检查事项。"})
    allowed = set(published_items(bureau).filter(pk__in=[i.pk for i in items]).values_list("pk", flat=True))
    outside = [i for i in items if i.pk not in allowed]
    if outside:
        names = "、".join(i.title for i in outside[:3])
        raise ValidationError({"items": f"检查事项“{names}”不在本局已公布的检查事项清单内，不能检查（国办发〔2024〕54号）。"})
    return items


def _certificate_for(officer, domains: list[str], day: dt.date):
    """The certificate that lets `officer` enforce in every one of `domains` on `day`, or a ValidationError."""
    certificates = []
    for domain in domains:
        check = may_enforce(officer, domain, day)
        if not check:
            raise ValidationError({"officers": check.reason})
        certificates.append(check.certificate)
    # Prefer one certificate that covers every domain; otherwise the one of the first domain.
    common = [c for c in certificates if all(c.pk == other.pk for other in certificates)]
    return (common or certificates)[0]


def _build_team(officers, lead, *, bureau, entity, domains, day) -> list[TeamMember]:
    officers = list(dict.fromkeys(officers))
    if len(officers) < INSPECTION_RULES.min_officers:
        raise ValidationError({"officers": f"检查人员不得少于{INSPECTION_RULES.min_officers}人（行政处罚法第四十二条）。"})
    eligible = set(eligible_officers(bureau).filter(pk__in=[o.pk for o in officers]).values_list("pk", flat=True))
    strangers = [o for o in officers if o.pk not in eligible]
    if strangers:
        raise ValidationError({"officers": f"{strangers[0]}不是本局或本局卫生监督所的执法人员，不能参加本次检查。"})
    recused = (Recusal.objects.filter(entity=entity, is_active=True, officer__in=officers)
               .select_related("officer").first())
    if recused is not None:
        raise ValidationError({"officers": f"{recused.officer}已对该监管对象登记回避（{recused.reason}），"
                                          "不能参加本次检查（行政处罚法第四十三条）。"})
    lead = lead if lead is not None else officers[0]
    if lead not in officers:
        raise ValidationError({"lead": "主办人须是检查人员之一。"})
    return [TeamMember(o, _certificate_for(o, domains, day), o == lead) for o in officers]


def _check_campaign(campaign, bureau) -> None:
    if campaign is not None and campaign.organisation_id != bureau.pk:
        raise ValidationError({"campaign": "所选专项执法不属于本局。"})


def _save_team(inspection: Inspection, team: list[TeamMember]) -> None:
    inspection.team.all().delete()
    InspectionOfficer.objects.bulk_create(
        InspectionOfficer(inspection=inspection, officer=m.officer, certificate=m.certificate, is_lead=m.is_lead)
        for m in team
    )


def team_snapshot(inspection: Inspection) -> list[dict]:
    return [{"officer": m.officer_id, "certificate": m.certificate_id, "is_lead": m.is_lead}
            for m in inspection.team.order_by("officer_id")]


# ---- services -------------------------------------------------------------------------------------------------

def plan_visit(*, actor, entity: Entity, reason: str, window_start: dt.date, window_end: dt.date, items, officers,
               lead=None, campaign=None) -> Inspection:
    """Plan a visit to an entity of the actor's bureau. A visit over the annual cap that is not case-driven is
    saved marked `over_cap` and waits for a leader's approval before it can be registered."""
    ensure_role(actor, INSPECTOR_ROLES, "安排监督检查")
    bureau = acting_bureau(actor)
    _check_entity(actor, entity, bureau)
    _check_window(window_start, window_end)
    items = _check_items(items, bureau)
    _check_campaign(campaign, bureau)
    domains = sorted({i.domain_id for i in items})
    team = _build_team(officers, lead, bureau=bureau, entity=entity, domains=domains, day=window_start)
    with transaction.atomic():
        # Lock the entity so two visits planned at once cannot both slip under the cap.
        Entity.objects.select_for_update().filter(pk=entity.pk).first()
        inspection = Inspection(
            organisation=bureau, entity=entity, reason=reason, window_start=window_start, window_end=window_end,
            campaign=campaign, created_by=actor, over_cap=over_cap(entity, bureau, window_start, reason),
        )
        inspection.full_clean(exclude=["organisation", "entity", "created_by"])
        inspection.save()
        inspection.items.set(items)
        _save_team(inspection, team)
        detail = {"team": team_snapshot(inspection)}
        if inspection.over_cap:
            detail["cap"] = cap_count(entity, bureau, window_start.year, exclude_pk=inspection.pk).describe()
        record_create(inspection, actor=actor, detail=detail)
    return inspection


def update_visit(inspection: Inspection, *, actor, window_start: dt.date, window_end: dt.date, items, officers,
                 lead=None, campaign=None) -> Inspection:
    """Change the window, items or team of a visit still 待检查. Moving it over the cap asks for approval anew."""
    ensure_role(actor, INSPECTOR_ROLES, "修改监督检查")
    ensure_writable(actor, inspection)
    _ensure_planned(inspection)
    bureau = inspection.organisation
    _check_window(window_start, window_end)
    items = _check_items(items, bureau)
    _check_campaign(campaign, bureau)
    domains = sorted({i.domain_id for i in items})
    team = _build_team(officers, lead, bureau=bureau, entity=inspection.entity, domains=domains, day=window_start)
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        _ensure_planned(locked)
        before, team_before = snapshot(locked, AUDITED_FIELDS), team_snapshot(locked)
        is_over = over_cap(locked.entity, bureau, window_start, locked.reason, exclude_pk=locked.pk)
        if is_over and (not locked.over_cap or window_start.year != locked.window_start.year):
            locked.cap_approved_by, locked.cap_approved_at, locked.cap_approval_reason = None, None, ""
        locked.over_cap = is_over
        locked.window_start, locked.window_end, locked.campaign = window_start, window_end, campaign
        locked.full_clean(exclude=["organisation", "entity", "created_by"])
        locked.save()
        locked.items.set(items)
        _save_team(locked, team)
        record_update(locked, before, actor=actor, detail={"team_before": team_before, "team": team_snapshot(locked)})
    return locked


def approve_over_cap(inspection: Inspection, actor, reason: str) -> Inspection:
    """A leader's approval of a visit over the annual cap, with the reason for it."""
    ensure_role(actor, CAP_APPROVER_ROLES, "批准超频次检查")
    ensure_writable(actor, inspection)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写批准理由。"})
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        _ensure_planned(locked)
        if not locked.over_cap:
            raise ValidationError("该检查未超出年度频次上限，无须批准。")
        if locked.cap_approved_at is not None:
            raise ValidationError("该检查已批准，无须再次批准。")
        before = snapshot(locked, ["cap_approved_by", "cap_approved_at", "cap_approval_reason"])
        locked.cap_approved_by, locked.cap_approved_at = actor, timezone.now()
        locked.cap_approval_reason = reason[:200]
        locked.save(update_fields=["cap_approved_by", "cap_approved_at", "cap_approval_reason", "updated_at"])
        record_event(actor=actor, action=AuditAction.UPDATE, obj=locked, before=before,
                     after=snapshot(locked, before.keys()), detail={"action": "批准超频次检查"})
    return locked


def register_visit(inspection: Inspection, *, actor) -> Inspection:
    """亮码登记 before entry: the machine checks items, team and cap, and issues the code."""
    ensure_writable(actor, inspection)
    with transaction.atomic():
        return INSPECTION_MACHINE.fire(inspection, "register", actor=actor)


def cancel_visit(inspection: Inspection, *, actor, reason: str) -> Inspection:
    ensure_writable(actor, inspection)
    with transaction.atomic():
        return INSPECTION_MACHINE.fire(inspection, "cancel", actor=actor, note=(reason or "").strip()[:200],
                                       reason=reason or "")


# ---- what a page may offer ------------------------------------------------------------------------------------

def may_edit(actor, inspection: Inspection) -> bool:
    return (inspection.status == InspectionStatus.PLANNED and actor.has_role(*INSPECTOR_ROLES)
            and inspection.is_writable_by(actor))


def may_approve(actor, inspection: Inspection) -> bool:
    return (inspection.status == InspectionStatus.PLANNED and inspection.over_cap
            and inspection.cap_approved_at is None and actor.has_role(*CAP_APPROVER_ROLES)
            and inspection.is_writable_by(actor))


# ---- the entity's rating, from the portal ---------------------------------------------------------------------

def rate_visit(inspection: Inspection, *, score: int, comment: str = ""):
    """The entity confirms the visit and rates it, once. Nothing about who rated is kept: the portal has no
    sign-in, and the rating goes to the supervisors, never to the officers (亮码入企)."""
    if not INSPECTION_RULES.rating_min <= score <= INSPECTION_RULES.rating_max:
        raise ValidationError({"score": f"评分须在{INSPECTION_RULES.rating_min}至{INSPECTION_RULES.rating_max}分之间。"})
    with transaction.atomic():
        locked = Inspection.objects.select_for_update().get(pk=inspection.pk)
        if VisitRating.objects.filter(inspection=locked).exists():
            raise ValidationError("本次检查已经确认并评价过，每次检查只能评价一次。")
        rating = VisitRating(inspection=locked, score=score, comment=(comment or "").strip())
        rating.full_clean()
        rating.save()
        # The audit trail records that a rating came in, not its content: a rating's history is readable by
        # anyone who can see the visit, officers included, and the score is for the supervisors.
        record_event(actor=None, action=AuditAction.CREATE, obj=rating, organisation_id=locked.organisation_id,
                     object_repr=f"检查评价（{locked.entity}）", after={"inspection": locked.pk},
                     detail={"channel": "门户匿名评价"})
    return rating


# ---- the entity's names, kept on its visits ---------------------------------------------------------------------

def copy_entity_names(entity_ids: list[int]) -> int:
    """Bring the visits' copy of their entities' names up to date after a rename, in one statement; registered
    with the entity services (`register_name_copy`), which call it inside the rename's transaction. The
    entity's own audited change records the rename: the copies get no events of their own."""
    entity = Entity.objects.filter(pk=OuterRef("entity_id"))
    return Inspection.objects.filter(entity_id__any=entity_ids).update(
        **{field: Subquery(entity.values(source)[:1]) for field, source in ENTITY_NAME_FIELDS.items()})
