"""Rectification after a visit (DOMAIN.md, "Inspections": 卫生监督意见书 with items and a deadline; re-check when
it falls due).

Two declared procedures, and nothing else writes their status fields:
- OPINION_MACHINE: 整改中 → 整改完成 (every item accepted) | 已转立案 (handed over to a penalty case).
- ITEM_MACHINE: 待整改 → 已提交整改材料 → 整改合格 | 整改不合格. 整改不合格 means "待整改 again, with the officer's
  reason": the entity sees the item among its open ones and sends new evidence, which moves it to 已提交 again.

The entity sends evidence through the portal with its visit's inspection code. An expired code still works for
evidence until the opinion is no longer 整改中 (closed or handed over): the code's display period ends with the
visit, but rectification runs on past it, to the items' deadlines and the officer's decisions.
"""
from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import BooleanField, Case, Count, Exists, Max, OuterRef, Q, When
from django.utils import timezone

from fazhi.core.audit import lock_audit_chain, record_create
from fazhi.core.certificates import may_enforce
from fazhi.core.numbering import next_document_number
from fazhi.core.services import ensure_system_account
from fazhi.core.workdays import add_workdays, next_workday
from fazhi.core.workflow import StateMachine, Transition

from .choices import InspectionStatus, ItemResult, OpinionStatus, RecordStatus, VisitReason
from .choices import RectificationStatus as R
from .codes import normalise as normalise_code
from .models import (
    Inspection, InspectionOfficer, ItemCheck, RectificationEvidence, RectificationItem, SupervisionOpinion,
)
from .permissions import INSPECTOR_ROLES
from .rules import INSPECTION_RULES
from .status import team_problem
from .uploads import received_digest

OPINION_KIND = "supervision_opinion"
# Visits whose on-site record is signed: an opinion rests on the findings that record fixes (see issue_opinion).
OPINION_VISIT_STATUSES = (InspectionStatus.RECORDED, InspectionStatus.CLOSED)
# The pseudo-role of the regulated entity acting on the portal with its code: it holds no staff account.
PORTAL_ENTITY_ROLE = "portal_entity"
OPEN_ITEM_STATUSES = (R.PENDING, R.SUBMITTED, R.REJECTED)


class PortalEntity:
    """The entity as the actor of a portal submission: may fire only the moves meant for the portal."""

    pk = None
    is_authenticated = False

    def has_role(self, *roles: str) -> bool:
        return PORTAL_ENTITY_ROLE in roles

    def __str__(self) -> str:
        return "被检查单位（门户）"


PORTAL_ENTITY = PortalEntity()


# ---- the procedures --------------------------------------------------------------------------------------------

def _opinion_in_progress(item, context) -> str | None:
    opinion = item.opinion
    if opinion.status != OpinionStatus.ISSUED:
        return f"卫生监督意见书{opinion.number}已{opinion.get_status_display()}，整改事项不能再变更。"
    return None


def _note_given(item, context) -> str | None:
    if (context.get("decision_note") or "").strip():
        return None
    return "判定整改不合格须填写理由，写明还需如何整改，被检查单位将据此重新提交材料。"


def _note_decision(item, context) -> None:
    item.decided_by = context["decider"]
    item.decided_at = timezone.now()
    item.decision_note = (context.get("decision_note") or "").strip()[:300]


ITEM_MACHINE = StateMachine(
    name="rectification_item",
    labels=dict(R.choices),
    transitions=[
        Transition("submit", "提交整改材料", (R.PENDING, R.REJECTED), R.SUBMITTED, frozenset({PORTAL_ENTITY_ROLE}),
                   guards=(_opinion_in_progress,)),
        Transition("accept", "整改合格", (R.SUBMITTED,), R.ACCEPTED, frozenset(INSPECTOR_ROLES),
                   guards=(_opinion_in_progress,), effect=_note_decision),
        Transition("reject", "整改不合格", (R.SUBMITTED,), R.REJECTED, frozenset(INSPECTOR_ROLES),
                   guards=(_opinion_in_progress, _note_given), effect=_note_decision),
    ],
)


def _all_accepted(opinion, context) -> str | None:
    if opinion.items.exclude(status=R.ACCEPTED).exists():
        return "尚有整改事项未经审核合格，不能办结。"
    return None


def _overdue_or_failed(opinion, context) -> str | None:
    if referable(opinion, context["today"]):
        return None
    return ("尚无逾期未整改合格或经审核整改不合格的事项，不能转立案：整改期限届满后仍未整改合格，"
            "或整改材料经审核不合格的，方可移交立案查处。")


def _reason_given(opinion, context) -> str | None:
    return None if (context.get("reason") or "").strip() else "请填写转立案的原因。"


def _note_hand_over(opinion, context) -> None:
    opinion.handed_over_at = timezone.now()
    opinion.handover_reason = context["reason"].strip()[:200]


OPINION_MACHINE = StateMachine(
    name="supervision_opinion",
    labels=dict(OpinionStatus.choices),
    transitions=[
        Transition("close", "整改完成", (OpinionStatus.ISSUED,), OpinionStatus.CLOSED, frozenset(INSPECTOR_ROLES),
                   guards=(_all_accepted,)),
        Transition("hand_over", "转立案", (OpinionStatus.ISSUED,), OpinionStatus.HANDED_OVER,
                   frozenset(INSPECTOR_ROLES), guards=(_reason_given, _overdue_or_failed), effect=_note_hand_over),
    ],
)


# ---- reads -----------------------------------------------------------------------------------------------------

def unaccepted_overdue(today: dt.date):
    """Items not accepted whose deadline has passed: the deadline day itself still counts as in time."""
    return RectificationItem.objects.exclude(status=R.ACCEPTED).filter(deadline__lt=today)


def referable(opinion, today: dt.date) -> bool:
    """Whether rectification has failed: an item rejected, or not accepted past its deadline."""
    items = opinion.items.all()
    return items.filter(status=R.REJECTED).exists() or items.exclude(status=R.ACCEPTED).filter(
        deadline__lt=today).exists()


def with_progress(opinions, today: dt.date):
    """Opinions with their latest deadline, count of items not yet accepted, and whether they are overdue."""
    overdue = unaccepted_overdue(today).filter(opinion=OuterRef("pk"))
    return opinions.annotate(
        latest_deadline=Max("items__deadline"),
        open_items=Count("items", filter=~Q(items__status=R.ACCEPTED)),
        is_overdue=Case(When(Q(status=OpinionStatus.ISSUED) & Exists(overdue), then=True), default=False,
                        output_field=BooleanField()),
    )


def overdue_opinions(opinions, today: dt.date):
    return opinions.filter(Exists(unaccepted_overdue(today).filter(opinion=OuterRef("pk"))),
                           status=OpinionStatus.ISSUED)


def visits_awaiting_opinion(visits, actor):
    """Signed visits of `actor`'s team without an opinion yet, non-compliant findings first."""
    non_compliant = ItemCheck.objects.filter(record__inspection=OuterRef("pk"), result=ItemResult.NON_COMPLIANT)
    return (visits.filter(status__in=OPINION_VISIT_STATUSES, team__officer=actor, opinions__isnull=True)
            .annotate(has_findings=Exists(non_compliant)).order_by("-has_findings", "-window_start", "-id"))


def find_visit_by_code(code: str) -> Inspection | None:
    """The visit whose inspection code this is, expired or not (the rule is in the module's docstring)."""
    code = normalise_code(code)
    if code is None:
        return None
    return Inspection.objects.filter(code=code).select_related("entity").first()


def open_opinions_for_visit(visit: Inspection):
    """The opinions in progress the entity may answer with this visit's code: the visit's own, and for a
    re-check the opinion it re-checks."""
    return (SupervisionOpinion.objects.filter(Q(inspection=visit) | Q(rechecks=visit), status=OpinionStatus.ISSUED)
            .distinct().order_by("issued_on", "id"))


# ---- issuing an opinion ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemDraft:
    """One rectification item as the officer fills it in, before it is saved."""

    requirement: str
    provision: str = ""
    deadline: dt.date | None = None


def suggested_items(inspection: Inspection) -> list[ItemDraft]:
    """The non-compliant findings of the visit's signed record, as requirements the officer need not retype."""
    checks = (ItemCheck.objects.filter(record__inspection=inspection, record__status=RecordStatus.SIGNED,
                                       result=ItemResult.NON_COMPLIANT).select_related("item"))
    drafts = []
    for check in checks:
        finding = check.finding.strip()
        requirement = f"{check.item.title}：{finding}。请予整改。" if finding else f"{check.item.title}不符合要求，请予整改。"
        provision = check.provision.strip() or check.item.legal_basis[:300]
        drafts.append(ItemDraft(requirement=requirement, provision=provision))
    return drafts


def ensure_inspector(actor, what: str) -> None:
    if not (actor is not None and getattr(actor, "is_authenticated", False) and actor.has_role(*INSPECTOR_ROLES)):
        raise PermissionDenied(f"您没有{what}的权限。")


def ensure_may_issue(actor, inspection: Inspection) -> None:
    """Only a member of the visit's team, of the visit's own bureau, issues its opinion."""
    ensure_inspector(actor, "出具卫生监督意见书")
    if not Inspection.objects.writable_by(actor).filter(pk=inspection.pk).exists():
        raise PermissionDenied("该检查不属于本局，不能出具卫生监督意见书。")
    if not inspection.team.filter(officer=actor).exists():
        raise PermissionDenied("只有参加本次检查的执法人员才能出具卫生监督意见书。")


def _draft_errors(items: list[ItemDraft], issued_on: dt.date) -> list[str]:
    if not items:
        return ["请至少填写一项整改要求。"]
    errors = []
    for n, item in enumerate(items, start=1):
        if not item.requirement.strip():
            errors.append(f"第{n}项：请填写整改要求。")
        if not item.provision.strip():
            errors.append(f"第{n}项：请填写依据条款。")
        if item.deadline is None:
            errors.append(f"第{n}项：请填写整改期限。")
        elif item.deadline < issued_on:
            errors.append(f"第{n}项：整改期限不能早于出具日期（{issued_on:%Y-%m-%d}）。")
    return errors


def _check_opinion(inspection: Inspection, issued_on: dt.date, items: list[ItemDraft]) -> None:
    if inspection.status not in OPINION_VISIT_STATUSES:
        raise ValidationError(f"该检查当前为“{inspection.get_status_display()}”，现场笔录签名后才能出具卫生监督意见书。")
    existing = inspection.opinions.first()
    if existing is not None:
        raise ValidationError(f"本次检查已出具卫生监督意见书{existing.number}。")
    errors = {}
    if issued_on > timezone.localdate():
        errors["issued_on"] = "出具日期不能晚于今天。"
    elif issued_on < inspection.window_start:
        errors["issued_on"] = f"出具日期不能早于检查日期（{inspection.window_start:%Y-%m-%d}）。"
    item_errors = _draft_errors(items, issued_on)
    if item_errors:
        errors["items"] = item_errors
    if errors:
        raise ValidationError(errors)


def issue_opinion(inspection: Inspection, *, actor, issued_on: dt.date, items: list[ItemDraft]) -> SupervisionOpinion:
    """Issue a 卫生监督意见书 for a visit, numbered in the bureau's sequence, with its rectification items.

    The visit's on-site record must be signed (笔录已签, or the visit 已办结): the opinion orders what the record
    found, and the record is what the entity signed as true. A visit only registered has no fixed facts yet.
    """
    ensure_may_issue(actor, inspection)
    items = list(items)
    with transaction.atomic():
        lock_audit_chain()
        inspection = Inspection.objects.select_for_update().get(pk=inspection.pk)
        _check_opinion(inspection, issued_on, items)
        number = next_document_number(inspection.organisation, OPINION_KIND, actor=actor)
        opinion = SupervisionOpinion.objects.create(
            organisation=inspection.organisation, inspection=inspection, number=number.text, issued_on=issued_on,
            created_by=actor,
        )
        record_create(opinion, actor=actor, detail={"inspection": inspection.pk, "items": len(items)})
        for draft in items:
            item = RectificationItem.objects.create(opinion=opinion, requirement=draft.requirement.strip(),
                                                    provision=draft.provision.strip(), deadline=draft.deadline)
            item.audit_organisation_id = opinion.organisation_id
            record_create(item, actor=actor, detail={"opinion": opinion.number})
    return opinion


# ---- evidence through the portal -------------------------------------------------------------------------------

def _stored_name(original: str) -> str:
    # The entity's own file name stays in `original_name`; on disk a random name avoids clashes and odd characters.
    suffix = PurePath(original).suffix.lower()
    suffix = suffix if suffix[1:].isalnum() and len(suffix) <= 10 else ""
    return f"{uuid.uuid4().hex}{suffix}"


def _locked_open_item(item_pk: int) -> RectificationItem:
    item = RectificationItem.objects.select_for_update().select_related("opinion").get(pk=item_pk)
    opinion = SupervisionOpinion.objects.select_for_update().get(pk=item.opinion_id)
    if opinion.status != OpinionStatus.ISSUED:
        raise ValidationError(f"卫生监督意见书{opinion.number}已{opinion.get_status_display()}，不再接收整改材料。")
    if item.status == R.ACCEPTED:
        raise ValidationError("该事项已整改合格，无需再提交材料。")
    return item


def submit_evidence(item: RectificationItem, *, note: str = "", upload=None) -> RectificationEvidence:
    """The entity's evidence for one item: a note and/or a file, stored with the SHA-256 the server computed.

    The first evidence for an item waiting for it (待整改 or 整改不合格) moves it to 已提交; more evidence on an
    item already submitted is added to it.
    """
    note = (note or "").strip()
    if not note and upload is None:
        raise ValidationError("请填写整改情况说明或上传整改材料，至少一项。")
    with transaction.atomic():
        lock_audit_chain()
        item = _locked_open_item(item.pk)
        evidence = RectificationEvidence(item=item, note=note)
        if upload is not None:
            evidence.sha256, evidence.size = received_digest(upload)
            evidence.original_name = PurePath(upload.name or "").name[:200]
            evidence.file.save(_stored_name(evidence.original_name), upload, save=False)
        evidence.save()
        evidence.audit_organisation_id = item.opinion.organisation_id
        record_create(evidence, actor=PORTAL_ENTITY, detail={"channel": "portal", "opinion": item.opinion.number})
        if item.status != R.SUBMITTED:
            ITEM_MACHINE.fire(item, "submit", actor=PORTAL_ENTITY, note="被检查单位凭检查码在门户提交整改材料")
    return evidence


# ---- the officer's decision ------------------------------------------------------------------------------------

def ensure_may_decide(actor, opinion: SupervisionOpinion, what: str = "审核整改情况") -> None:
    ensure_inspector(actor, what)
    if not SupervisionOpinion.objects.writable_by(actor).filter(pk=opinion.pk).exists():
        raise PermissionDenied("该卫生监督意见书不属于本局，只能查看，不能处理。")


def decide_item(item: RectificationItem, *, actor, accepted: bool, note: str = "") -> RectificationItem:
    """Accept or reject the evidence of one item; when every item is accepted the opinion is closed."""
    ensure_may_decide(actor, item.opinion)
    with transaction.atomic():
        lock_audit_chain()
        opinion = SupervisionOpinion.objects.select_for_update().get(pk=item.opinion_id)
        note = (note or "").strip()
        ITEM_MACHINE.fire(item, "accept" if accepted else "reject", actor=actor, note=note, decider=actor,
                          decision_note=note)
        if accepted and not opinion.items.exclude(status=R.ACCEPTED).exists():
            OPINION_MACHINE.fire(opinion, "close", actor=actor, note="各整改事项均已审核合格")
    return item


# ---- re-checks when due ----------------------------------------------------------------------------------------

def due_for_recheck(today: dt.date):
    """Opinions in progress whose latest deadline has passed, with no re-check planned or done yet.

    A re-check cancelled does not count, so another is planned; one carried out does, since what follows it is
    the officer's decision or a hand-over, not yet another visit.
    """
    taken = Inspection.objects.filter(opinion__isnull=False).exclude(status=InspectionStatus.CANCELLED)
    return (SupervisionOpinion.objects.filter(status=OpinionStatus.ISSUED)
            .annotate(latest_deadline=Max("items__deadline")).filter(latest_deadline__lt=today)
            .exclude(pk__in=taken.values("opinion_id")).order_by("pk"))


def _recheck_certificate(member: InspectionOfficer, domains: list[str], on_date: dt.date):
    """The certificate that covers the re-check's domains on its first day, or the old one and why it fails."""
    certificate = None
    for domain in domains:
        check = may_enforce(member.officer, domain, on_date)
        if not check:
            return member.certificate, check.reason
        certificate = certificate or check.certificate
    return certificate or member.certificate, None


def _copy_team(origin: Inspection, recheck: Inspection) -> list[str]:
    domains = sorted(set(origin.items.values_list("domain_id", flat=True)))
    rows, problems = [], []
    for member in origin.team.select_related("officer", "certificate"):
        certificate, problem = _recheck_certificate(member, domains, recheck.window_start)
        if problem:
            problems.append(problem)
        rows.append(InspectionOfficer(inspection=recheck, officer=member.officer, certificate=certificate,
                                      is_lead=member.is_lead))
    InspectionOfficer.objects.bulk_create(rows)
    summary = team_problem(recheck, {})
    if summary and summary not in problems:
        problems.append(summary)
    return problems


def _plan_recheck(opinion: SupervisionOpinion, today: dt.date, actor) -> Inspection:
    origin = opinion.inspection
    start = next_workday(today)
    recheck = Inspection.objects.create(
        organisation=opinion.organisation, entity_id=origin.entity_id, reason=VisitReason.RECHECK, opinion=opinion,
        window_start=start, window_end=add_workdays(start, INSPECTION_RULES.recheck_window_workdays), created_by=actor,
    )
    recheck.items.set(origin.items.all())
    problems = _copy_team(origin, recheck)
    detail = {"opinion": opinion.number, "from_inspection": origin.pk, "case_driven": True}
    if problems:
        detail["team_note"] = "原检查组已不符合执法条件，复查前须调整检查人员：" + "；".join(problems)
    record_create(recheck, actor=actor, detail=detail)
    return recheck


def schedule_due_rechecks(today: dt.date | None = None, *, actor=None) -> list[Inspection]:
    """Plan a re-check (reason 整改复查, case-driven so never counted against the cap) for each opinion due one.

    Idempotent: each opinion is locked and checked again before its re-check is made, so a second run, or two
    runs at once, plan nothing twice.
    """
    today = today or timezone.localdate()
    actor = actor or ensure_system_account()
    planned = []
    for pk in list(due_for_recheck(today).values_list("pk", flat=True)):
        with transaction.atomic():
            lock_audit_chain()
            SupervisionOpinion.objects.select_for_update().filter(pk=pk).first()
            opinion = due_for_recheck(today).filter(pk=pk).select_related("inspection").first()
            if opinion is not None:
                planned.append(_plan_recheck(opinion, today, actor))
    return planned


# ---- hand-over to a penalty case -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ReferredItem:
    item_id: int
    requirement: str
    provision: str
    deadline: dt.date
    status: str
    decision_note: str


@dataclass(frozen=True)
class CaseReferral:
    """What a penalty case takes over from a failed rectification: who, by whom, on what findings."""

    opinion_id: int
    opinion_number: str
    entity_id: int
    bureau_id: int
    organisation_id: int
    inspection_id: int
    onsite_record_id: int | None
    onsite_record_number: str
    issued_on: dt.date
    handed_over_at: dt.datetime
    reason: str
    items: tuple[ReferredItem, ...]


def case_referral(opinion: SupervisionOpinion) -> CaseReferral:
    from .models import OnSiteRecord

    inspection = opinion.inspection
    record = OnSiteRecord.objects.filter(inspection=inspection).only("pk", "number").first()
    items = tuple(ReferredItem(i.pk, i.requirement, i.provision, i.deadline, i.status, i.decision_note)
                  for i in opinion.items.exclude(status=R.ACCEPTED).order_by("deadline", "id"))
    return CaseReferral(
        opinion_id=opinion.pk, opinion_number=opinion.number, entity_id=inspection.entity_id,
        bureau_id=opinion.organisation.bureau_id or opinion.organisation_id, organisation_id=opinion.organisation_id,
        inspection_id=inspection.pk, onsite_record_id=record.pk if record else None,
        onsite_record_number=record.number if record else "", issued_on=opinion.issued_on,
        handed_over_at=opinion.handed_over_at, reason=opinion.handover_reason, items=items,
    )


def hand_over_to_case(opinion: SupervisionOpinion, *, actor, reason: str, today: dt.date | None = None) -> CaseReferral:
    """Hand a failed rectification (an item rejected, or not accepted past its deadline) over to a penalty case."""
    ensure_may_decide(actor, opinion, "转立案")
    today = today or timezone.localdate()
    with transaction.atomic():
        lock_audit_chain()
        OPINION_MACHINE.fire(opinion, "hand_over", actor=actor, note=(reason or "").strip(), reason=reason or "",
                             today=today)
    return case_referral(SupervisionOpinion.objects.select_related("inspection", "organisation").get(pk=opinion.pk))
