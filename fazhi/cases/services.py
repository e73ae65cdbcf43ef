"""Writes of a penalty case: each step is one function, in one transaction, audited; status moves only through
the procedure's state machine (status.py), which refuses what the law forbids.

Every service takes the acting person and the day of the act (`on`, default today). Facts are entered once:
the party comes from the entity, the provisions from the violation, numbers from the numbering service, and
every document is filled from what is stored here.
"""
from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from fazhi.core.audit import lock_audit_chain, record_create, record_update, snapshot
from fazhi.core.certificates import may_enforce
from fazhi.core.numbering import next_document_number
from fazhi.core.workflow import TransitionRefused

from . import clocks, major
from .balance import balance
from .choices import CaseSource, CaseStatus as S, MeasureKind, PartyKind, Procedure
from .models import (
    Appeal, Case, CaseExtension, CaseOfficer, EnforcementApplication, Evidence, Hearing, Instalment, Interview,
    InvestigationReport, Measure, Payment, PaymentArrangement, PriorNotice, Reminder, Service, Statement,
)
from .rules import APPROVER_ROLES, CASE_READER_ROLES, CASE_RULES, LEADER_ROLES
from .status import PRE_DECISION_STATES, machine_for

# Fields an officer may still change, by the stage the case is in: facts and the proposed penalty until the
# prior notice; after it only a lighter penalty (guarded by no_heavier_problem at decision).
EDITABLE_FIELDS = (
    "cause", "facts", "violation", "act_ended_on", "harms_life_or_health", "is_complex", "is_major_public_interest",
    "is_first_offence", "harm_minor", "corrected", "newer_law_lighter", "penalty_kinds", "fine_amount",
    "confiscation_amount",
    "other_penalty_detail", "band_level", "discretion_reasons", "party_name", "party_credit_code",
    "party_id_number", "party_representative", "party_address", "party_phone", "education_record",
)
# What an on-the-spot decision records beside the facts (行政处罚法第五十二条、第六十八至七十条).
ON_SPOT_FIELDS = ("on_spot_place", "cash_collected", "cash_receipt_number", "cash_hard_to_collect")
EDITABLE_STATES = (S.REGISTERED, S.INVESTIGATING, S.IN_REVIEW, S.NOTIFIED, S.HEARING)
PENALTY_FIELDS = ("penalty_kinds", "fine_amount", "confiscation_amount", "other_penalty_detail", "band_level",
                  "discretion_reasons")


def _today(on):
    return on or timezone.localdate()


# ---- permissions -----------------------------------------------------------------------------------------------

def ensure_case_staff(actor, what: str) -> None:
    if not (actor is not None and getattr(actor, "is_authenticated", False) and actor.has_role(*CASE_READER_ROLES)):
        raise PermissionDenied(f"您没有{what}的权限。")


def ensure_writable(actor, case: Case, what: str = "办理本案") -> None:
    ensure_case_staff(actor, what)
    if not Case.objects.writable_by(actor).filter(pk=case.pk).exists():
        raise PermissionDenied("该案件不属于本局，只能查看，不能办理。")


def ensure_on_case(actor, case: Case, what: str) -> None:
    ensure_writable(actor, case, what)
    if not actor.is_superuser and not case.team.filter(officer=actor).exists():
        raise PermissionDenied(f"只有本案承办人员可以{what}。")


def fire(case: Case, name: str, *, actor, on: dt.date | None = None, note: str = "", **context) -> Case:
    """Fire a move of the case's own procedure; the machine checks roles and guards and audits."""
    return machine_for(case).fire(case, name, actor=actor, note=note, on=_today(on), **context)


def ensure_allowed(case: Case, name: str, *, actor, **context) -> None:
    """Refuse a move before taking a document number for it, so a refused move never uses up a number."""
    current = Case.objects.get(pk=case.pk)
    machine = machine_for(current)
    refusal = machine.refusal(current, machine[name], actor, dict(context))
    if refusal:
        raise TransitionRefused(refusal)


# ---- opening a case ------------------------------------------------------------------------------------------------

def _party_from_entity(entity) -> dict:
    from fazhi.entities.choices import LegalForm

    # An individual business (个体工商户) answers as a citizen for the simple-procedure and hearing thresholds,
    # as most provinces apply them [M]; the officer may change the party kind.
    person = entity.legal_form == LegalForm.INDIVIDUAL
    return {
        "party_kind": PartyKind.PERSON if person else PartyKind.ORGANISATION,
        "party_name": entity.name,
        "party_credit_code": entity.credit_code or "",
        "party_representative": entity.legal_representative or "",
        "party_address": entity.address or "",
        "party_phone": entity.contact_phone or "",
    }


def _provisions_from_violation(violation) -> dict:
    if violation is None:
        return {}
    return {
        "violation": violation, "domain_id": violation.domain_id,
        "provision_broken_id": violation.provision_broken_id, "penalty_provision_id": violation.penalty_provision_id,
        "provision_broken_cited": violation.provision_broken_cited,
        "penalty_provision_cited": violation.penalty_provision_cited,
    }


def _set_team(case: Case, officers, lead, on: dt.date) -> None:
    officers = list({o.pk: o for o in officers}.values())
    case.team.all().delete()
    lead = lead or (officers[0] if officers else None)
    for officer in officers:
        check = may_enforce(officer, case.domain_id, on)
        CaseOfficer.objects.create(case=case, officer=officer, certificate=check.certificate,
                                   is_lead=lead is not None and officer.pk == lead.pk)


@transaction.atomic
def open_case(*, actor, source: str, received_on: dt.date, cause: str, domain: str | None = None, entity=None,
              party: dict | None = None, officers=(), lead=None, violation=None, procedure: str = Procedure.GENERAL,
              source_inspection=None, source_opinion=None, source_detail: str = "", client_key=None,
              organisation=None, **facts) -> Case:
    """Register a case from its source (待立案审批); the 7-day filing clock starts at `received_on`."""
    ensure_case_staff(actor, "登记案件")
    if client_key:
        existing = Case.objects.filter(client_key=client_key).first()
        if existing is not None:
            return existing
    if source not in CaseSource.values:
        raise ValidationError("请选择案件来源。")
    if not (cause or "").strip():
        raise ValidationError("请填写案由。")
    organisation = organisation or actor.organisation
    if organisation is None:
        raise PermissionDenied("您不属于任何执法机构，不能登记案件。")
    values = {}
    if entity is not None:
        values.update(_party_from_entity(entity))
    values.update({k: v for k, v in (party or {}).items() if v not in (None, "")})
    if not values.get("party_name"):
        raise ValidationError("请填写当事人。")
    values.setdefault("party_kind", PartyKind.ORGANISATION)
    values.update(_provisions_from_violation(violation))
    if domain:
        values["domain_id"] = domain
    if "domain_id" not in values:
        raise ValidationError("请选择专业类别。")
    unknown = set(facts) - set(EDITABLE_FIELDS) - set(ON_SPOT_FIELDS if procedure == Procedure.SIMPLE else ())
    if unknown:
        raise ValueError(f"open_case: unknown fields {sorted(unknown)}")
    values.update(facts)
    lock_audit_chain()
    case = Case(
        organisation=organisation, procedure=procedure, status=S.REGISTERED, source=source, cause=cause.strip(),
        received_on=received_on, entity=entity, source_inspection=source_inspection, source_opinion=source_opinion,
        source_detail=source_detail, created_by=actor, client_key=client_key, **values,
    )
    case.full_clean(exclude=["client_key", "status", "organisation", "created_by"])
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        if client_key:
            return Case.objects.get(client_key=client_key)
        raise
    _set_team(case, officers, lead, received_on)
    record_create(case, actor=actor, detail={"officers": [o.pk for o in officers]})
    return case


def open_case_from_referral(referral, *, actor, officers=None, cause: str = "") -> Case:
    """A case from a failed rectification (inspections.rectification.CaseReferral): party, source visit and
    findings taken over, nothing typed again."""
    from fazhi.entities.models import Entity
    from fazhi.inspections.models import Inspection, SupervisionOpinion

    inspection = Inspection.objects.select_related("entity").get(pk=referral.inspection_id)
    opinion = SupervisionOpinion.objects.get(pk=referral.opinion_id)
    entity = Entity.objects.get(pk=referral.entity_id)
    findings = "\n".join(f"{n}. {item.requirement}（{item.provision}），整改期限{item.deadline:%Y年%m月%d日}，"
                         f"{item.decision_note or '未按期整改'}" for n, item in enumerate(referral.items, 1))
    team = officers if officers is not None else [m.officer for m in inspection.team.select_related("officer")]
    domain = inspection.items.values_list("domain_id", flat=True).first()
    return open_case(
        actor=actor, source=CaseSource.RECTIFICATION, received_on=referral.handed_over_at.date(),
        cause=cause or f"{entity.name}未按卫生监督意见书{referral.opinion_number}要求整改",
        domain=domain, entity=entity, officers=team, source_inspection=inspection, source_opinion=opinion,
        source_detail=f"卫生监督意见书{referral.opinion_number}；现场笔录{referral.onsite_record_number}；"
                      f"转立案理由：{referral.reason}",
        facts=findings,
    )


def refer_rectification(opinion, *, actor, reason: str, officers=None, today: dt.date | None = None) -> Case:
    """One call from a failed rectification to a registered case: hand the opinion over and open the case."""
    from fazhi.inspections.rectification import hand_over_to_case

    with transaction.atomic():
        referral = hand_over_to_case(opinion, actor=actor, reason=reason, today=today)
        return open_case_from_referral(referral, actor=actor, officers=officers)


def open_case_from_finding(check, *, actor, violation=None, officers=None, procedure: str = Procedure.GENERAL,
                           **facts) -> Case:
    """A case from one non-conforming item of a signed on-site record: the visit's entity, team and finding."""
    record = check.record
    inspection = record.inspection
    team = officers if officers is not None else [m.officer for m in inspection.team.select_related("officer")]
    facts.setdefault("facts", f"{timezone.localtime(record.arrived_at):%Y年%m月%d日}现场检查发现：{check.finding}"
                               f"（现场笔录{record.number}）")
    return open_case(
        actor=actor, source=CaseSource.INSPECTION, received_on=timezone.localtime(record.arrived_at).date(),
        cause=facts.pop("cause", None) or (violation.name if violation else check.item.title),
        domain=check.item.domain_id, entity=inspection.entity, officers=team, violation=violation,
        source_inspection=inspection, source_detail=f"现场笔录{record.number}：{check.item.title}",
        procedure=procedure, **facts,
    )


def update_case(case: Case, *, actor, **fields) -> Case:
    """Change facts or the proposed penalty while the case is open before its decision."""
    ensure_on_case(actor, case, "修改案件信息")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"update_case: fields not editable {sorted(unknown)}")
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in EDITABLE_STATES:
            raise ValidationError(f"案件已“{case.get_status_display()}”，不能再修改案件信息。")
        if case.status in (S.NOTIFIED, S.HEARING) and set(fields) - set(PENALTY_FIELDS) - {"education_record"}:
            raise ValidationError("已事先告知的案件不能再修改事实和当事人，如需变更，应当重新告知。")
        before = snapshot(case)
        if "violation" in fields:
            fields.update(_provisions_from_violation(fields["violation"]))
        for name, value in fields.items():
            setattr(case, name, value)
        case.full_clean(exclude=["client_key", "status", "organisation", "created_by"])
        case.save()
        record_update(case, before, actor=actor)
    return case


def set_team(case: Case, *, actor, officers, lead=None, on: dt.date | None = None) -> Case:
    ensure_writable(actor, case, "调整承办人员")
    if not actor.has_role(*APPROVER_ROLES):
        raise PermissionDenied("承办人员由科室负责人或分管领导指定。")
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in EDITABLE_STATES:
            raise ValidationError("案件已作出决定，不能再调整承办人员。")
        before = snapshot(case, ["officers"])
        _set_team(case, officers, lead, _today(on))
        record_update(case, before, actor=actor)
    return case


# ---- filing ---------------------------------------------------------------------------------------------------------

def file_case(case: Case, *, actor, on: dt.date | None = None, delay_reason: str = "") -> Case:
    """立案: limitation checked (§36), ≥2 certified officers (§42), late filing explained; the 90-day clock starts."""
    ensure_writable(actor, case, "批准立案")
    on = _today(on)
    with transaction.atomic():
        lock_audit_chain()
        ensure_allowed(case, "file", actor=actor, on=on, delay_reason=delay_reason)
        number = next_document_number(case.organisation, "case_filing", year=on.year, actor=actor)
        return fire(case, "file", actor=actor, on=on, delay_reason=delay_reason, note=delay_reason, changes={
            "filed_on": on, "filing_number": number.text, "deadline_on": clocks.decision_deadline(on),
            "filing_delay_reason": delay_reason.strip(),
        })


def refuse_filing(case: Case, *, actor, reason: str, on: dt.date | None = None) -> Case:
    ensure_writable(actor, case, "不予立案")
    with transaction.atomic():
        lock_audit_chain()
        return fire(case, "refuse_filing", actor=actor, on=on, reason=reason, note=reason,
                    changes={"outcome_reason": (reason or "").strip(), "closed_on": _today(on)})


def transfer_case(case: Case, *, actor, transferred_to: str, reason: str, on: dt.date | None = None) -> Case:
    """移送: to public security when a crime is suspected (§27), or to the competent authority."""
    ensure_writable(actor, case, "移送案件")
    with transaction.atomic():
        lock_audit_chain()
        return fire(case, "transfer", actor=actor, on=on, reason=reason, transferred_to=transferred_to, note=reason,
                    changes={"outcome_reason": (reason or "").strip(),
                             "transferred_to": (transferred_to or "").strip()})


def withdraw_case(case: Case, *, actor, reason: str, on: dt.date | None = None) -> Case:
    ensure_writable(actor, case, "撤销立案")
    with transaction.atomic():
        lock_audit_chain()
        return fire(case, "withdraw", actor=actor, on=on, reason=reason, note=reason,
                    changes={"outcome_reason": (reason or "").strip(), "closed_on": _today(on)})


def extended_days(case: Case) -> int:
    return sum(case.extensions.values_list("days", flat=True))


def extend_deadline(case: Case, *, actor, days: int, reason: str, on: dt.date | None = None) -> CaseExtension:
    """An approved extension of the 90-day limit, recorded before the limit passes (§60)."""
    ensure_writable(actor, case, "批准延长办案期限")
    on = _today(on)
    if not actor.has_role(*LEADER_ROLES):
        raise PermissionDenied("延长办案期限须经行政机关负责人批准。")
    if not (reason or "").strip():
        raise ValidationError("请填写延期理由。")
    if not 0 < days <= CASE_RULES.extension_max_days:
        raise ValidationError(f"每次延长不得超过{CASE_RULES.extension_max_days}日。")
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in PRE_DECISION_STATES or case.deadline_on is None:
            raise ValidationError("只有已立案、尚未作出决定的案件可以延长办案期限。")
        if on > case.deadline_on:
            raise ValidationError(f"办案期限已于{case.deadline_on:%Y年%m月%d日}届满，应当在期限届满前报批延期（行政处罚法第六十条）。")
        before = snapshot(case, ["deadline_on"])
        extension = CaseExtension.objects.create(
            case=case, days=days, reason=reason.strip(), approved_by=actor, approved_on=on,
            previous_deadline=case.deadline_on,
            new_deadline=clocks.decision_deadline(case.filed_on, extended_days(case) + days),
        )
        case.deadline_on = extension.new_deadline
        case.save(update_fields=["deadline_on", "updated_at"])
        record_create(extension, actor=actor)
        record_update(case, before, actor=actor)
    return extension


# ---- investigation -----------------------------------------------------------------------------------------------

def _ensure_investigating(case: Case) -> None:
    if case.status not in (S.INVESTIGATING, S.REGISTERED):
        raise ValidationError(f"案件当前为“{case.get_status_display()}”，不能再调查取证。")


def add_evidence(case: Case, *, actor, kind: str, title: str, collected_on: dt.date, file=None,
                 description: str = "", bodycam_device: str = "", bodycam_file_id: str = "",
                 bodycam_seconds: int | None = None, onsite_record=None) -> Evidence:
    """Store one piece of evidence with the SHA-256 of what the server received, and who added it when."""
    from fazhi.inspections.uploads import received_digest

    ensure_on_case(actor, case, "添加证据")
    if not (title or "").strip():
        raise ValidationError("请填写证据名称。")
    if file is None and not bodycam_file_id and onsite_record is None:
        raise ValidationError("请上传证据文件，或填写执法记录仪视音频文件编号。")
    if bodycam_file_id and not bodycam_device:
        raise ValidationError("请填写执法记录仪编号。")
    digest, size = received_digest(file) if file is not None else ("", None)
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        _ensure_investigating(case)
        evidence = Evidence(case=case, kind=kind, title=title.strip(), description=description, collected_on=collected_on,
                            bodycam_device=bodycam_device, bodycam_file_id=bodycam_file_id,
                            bodycam_seconds=bodycam_seconds, onsite_record=onsite_record, added_by=actor,
                            sha256=digest, size=size, original_name=getattr(file, "name", "") or "")
        if file is not None:
            evidence.file.save(f"{uuid.uuid4().hex}{_suffix(file)}", file, save=False)
        evidence.full_clean(exclude=["file", "added_by", "case"])
        evidence.save()
        record_create(evidence, actor=actor)
    return evidence


def _suffix(upload) -> str:
    from pathlib import PurePath

    return PurePath(getattr(upload, "name", "") or "").suffix.lower()[:10]


def record_interview(case: Case, *, actor, interviewee: str, place: str, started_at, ended_at, transcript: str,
                     officers, recorder=None, interviewee_id_number: str = "", interviewee_role: str = "",
                     bodycam_file_id: str = "", signed: bool = False) -> Interview:
    """询问笔录: at least two officers ask (§42, §55), the record is signed by the person asked."""
    ensure_on_case(actor, case, "制作询问笔录")
    officers = list({o.pk: o for o in officers}.values())
    if len(officers) < CASE_RULES.min_officers:
        raise ValidationError(f"询问应当由{CASE_RULES.min_officers}名以上执法人员进行（行政处罚法第四十二条、第五十五条）。")
    team = set(case.team.values_list("officer_id", flat=True))
    if any(o.pk not in team for o in officers):
        raise ValidationError("询问人应当是本案承办人员。")
    if ended_at <= started_at:
        raise ValidationError("询问结束时间应当晚于开始时间。")
    if not (transcript or "").strip() or not (interviewee or "").strip():
        raise ValidationError("请填写被询问人和询问内容。")
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        _ensure_investigating(case)
        interview = Interview.objects.create(
            case=case, interviewee=interviewee.strip(), interviewee_id_number=interviewee_id_number,
            interviewee_role=interviewee_role, place=place, started_at=started_at, ended_at=ended_at,
            transcript=transcript.strip(), recorder=recorder or actor, bodycam_file_id=bodycam_file_id, signed=signed,
        )
        interview.officers.set(officers)
        record_create(interview, actor=actor)
    return interview


MEASURE_DOCUMENT_KINDS = {MeasureKind.PRESERVATION: "evidence_preservation", MeasureKind.SEIZURE: "seizure"}


def start_measure(case: Case, *, actor, kind: str, items: str, started_on: dt.date, approved_by) -> Measure:
    """证据先行登记保存 or 查封扣押, approved by the bureau's responsible person (§56; 行政强制法第十八条)."""
    ensure_on_case(actor, case, "采取证据保全措施")
    if approved_by is None or not approved_by.has_role(*APPROVER_ROLES):
        raise ValidationError("证据先行登记保存和查封扣押须经行政机关负责人批准，请选择批准人。")
    if not (items or "").strip():
        raise ValidationError("请填写物品清单。")
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        _ensure_investigating(case)
        number = next_document_number(case.organisation, MEASURE_DOCUMENT_KINDS[kind], year=started_on.year,
                                      actor=actor)
        measure = Measure.objects.create(case=case, kind=kind, number=number.text, items=items.strip(),
                                         started_on=started_on, created_by=actor,
                                         extension_reason="", extension_approved_by=None)
        record_create(measure, actor=actor, detail={"approved_by": approved_by.pk})
    return measure


def measure_ends_on(measure: Measure) -> dt.date:
    if measure.kind == MeasureKind.PRESERVATION:
        return clocks.preservation_due(measure.started_on)
    return clocks.seizure_end(measure.started_on, measure.extended_days)


def decide_measure(measure: Measure, *, actor, decision: str, on: dt.date | None = None) -> Measure:
    """The decision on what was preserved (within 7 days, §56) or seized (within the seizure period, 行政强制法
    第二十七条). After that the measure has lapsed and is released."""
    ensure_on_case(actor, measure.case, "作出处理决定")
    on = _today(on)
    if not (decision or "").strip():
        raise ValidationError("请填写处理决定。")
    with transaction.atomic():
        lock_audit_chain()
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        if measure.decided_on or measure.released_on:
            raise ValidationError("该措施已作出处理决定或已解除。")
        end = measure_ends_on(measure)
        if on > end:
            article = "行政处罚法第五十六条" if measure.kind == MeasureKind.PRESERVATION else "行政强制法第二十五条、第二十七条"
            raise ValidationError(f"{measure.get_kind_display()}的期限已于{end:%Y年%m月%d日}届满，不能再作出处理决定，"
                                  f"应当解除（{article}）。")
        before = snapshot(measure)
        measure.decided_on, measure.decision = on, decision.strip()
        measure.save(update_fields=["decided_on", "decision"])
        record_update(measure, before, actor=actor)
    return measure


def extend_seizure(measure: Measure, *, actor, days: int, reason: str, on: dt.date | None = None) -> Measure:
    """查封扣押 may be extended once, by ≤30 days, with the responsible person's approval (行政强制法第二十五条)."""
    ensure_writable(actor, measure.case, "批准延长查封扣押期限")
    on = _today(on)
    if not actor.has_role(*APPROVER_ROLES):
        raise PermissionDenied("延长查封扣押期限须经行政机关负责人批准。")
    if measure.kind != MeasureKind.SEIZURE:
        raise ValidationError("证据先行登记保存不能延长，应当在七日内作出处理决定（行政处罚法第五十六条）。")
    if not 0 < days <= CASE_RULES.seizure_extension_days:
        raise ValidationError(f"延长期限不得超过{CASE_RULES.seizure_extension_days}日（行政强制法第二十五条）。")
    if not (reason or "").strip():
        raise ValidationError("请填写延长理由（情况复杂）。")
    with transaction.atomic():
        lock_audit_chain()
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        if measure.extended_days:
            raise ValidationError("查封扣押期限只能延长一次（行政强制法第二十五条）。")
        if measure.decided_on or measure.released_on or on > measure_ends_on(measure):
            raise ValidationError("查封扣押已结束或期限已届满，不能延长。")
        before = snapshot(measure)
        measure.extended_days, measure.extension_reason, measure.extension_approved_by = days, reason.strip(), actor
        measure.save(update_fields=["extended_days", "extension_reason", "extension_approved_by"])
        record_update(measure, before, actor=actor)
    return measure


def release_measure(measure: Measure, *, actor, on: dt.date | None = None) -> Measure:
    ensure_on_case(actor, measure.case, "解除措施")
    with transaction.atomic():
        lock_audit_chain()
        measure = Measure.objects.select_for_update().get(pk=measure.pk)
        if measure.released_on:
            raise ValidationError("该措施已解除。")
        before = snapshot(measure)
        measure.released_on = _today(on)
        measure.save(update_fields=["released_on"])
        record_update(measure, before, actor=actor)
    return measure


def write_investigation_report(case: Case, *, actor, concluded_on: dt.date, evidence_summary: str, analysis: str,
                               proposal: str) -> InvestigationReport:
    ensure_on_case(actor, case, "撰写调查终结报告")
    if not all((text or "").strip() for text in (evidence_summary, analysis, proposal)):
        raise ValidationError("请填写证据、定性与法律适用和处理意见。")
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status != S.INVESTIGATING:
            raise ValidationError("只有调查取证中的案件可以撰写调查终结报告。")
        if case.filed_on and concluded_on < case.filed_on:
            raise ValidationError("调查终结日期不能早于立案日期。")
        report = InvestigationReport.objects.filter(case=case).first()
        before = snapshot(report) if report else None
        report = report or InvestigationReport(case=case)
        report.concluded_on, report.evidence_summary = concluded_on, evidence_summary.strip()
        report.analysis, report.proposal, report.written_by = analysis.strip(), proposal.strip(), actor
        report.save()
        if before is None:
            record_create(report, actor=actor)
        else:
            record_update(report, before, actor=actor)
    return report


def conclude_investigation(case: Case, *, actor, on: dt.date | None = None) -> Case:
    ensure_on_case(actor, case, "提交审核")
    with transaction.atomic():
        lock_audit_chain()
        return fire(case, "conclude", actor=actor, on=on)


# ---- notice, statement, hearing --------------------------------------------------------------------------------

def issue_notice(case: Case, *, actor, served_on: dt.date, on: dt.date | None = None) -> PriorNotice:
    """事先告知 (§44): the proposed penalty is fixed as notified; hearing rights when the rule table says so (§63);
    the statement and hearing-request windows start at service."""
    ensure_on_case(actor, case, "事先告知")
    on = _today(on)
    if served_on < on:
        raise ValidationError("告知书送达日期不能早于告知日期。")
    with transaction.atomic():
        lock_audit_chain()
        current = Case.objects.get(pk=case.pk)
        rights = bool(major.hearing_rights(current))
        ensure_allowed(case, "notify", actor=actor, on=on)
        number = next_document_number(case.organisation, "prior_notice", year=on.year, actor=actor)
        hearing_number = (next_document_number(case.organisation, "hearing_notice", year=on.year, actor=actor).text
                          if rights else "")
        case = fire(case, "notify", actor=actor, on=on, changes={
            "notified_fine": current.fine_amount, "notified_penalty_kinds": current.penalty_kinds,
        })
        notice = PriorNotice.objects.create(
            case=case, number=number.text, hearing_number=hearing_number, issued_on=on, served_on=served_on,
            hearing_rights=rights, statement_until=clocks.statement_until(served_on),
            hearing_request_until=clocks.hearing_request_until(served_on) if rights else None,
        )
        record_create(notice, actor=actor)
    return notice


def record_waiver(case: Case, *, actor, waived_on: dt.date) -> PriorNotice:
    """The party gives up its statement (and hearing) rights in writing: the windows need not run out."""
    ensure_on_case(actor, case, "登记放弃陈述申辩")
    with transaction.atomic():
        lock_audit_chain()
        notice = PriorNotice.objects.select_for_update().get(case=case)
        if case.status != S.NOTIFIED:
            raise ValidationError("只有已告知、尚未听证或决定的案件可以登记放弃。")
        if waived_on < notice.served_on:
            raise ValidationError("放弃日期不能早于告知书送达日期。")
        before = snapshot(notice)
        notice.rights_waived_on = waived_on
        notice.save(update_fields=["rights_waived_on"])
        record_update(notice, before, actor=actor)
    return notice


def record_statement(case: Case, *, actor, received_on: dt.date, content: str, adopted: bool,
                     response: str) -> Statement:
    """陈述申辩 and the bureau's answer (复核); adopting it may lighten the penalty, never raise it (§45)."""
    ensure_on_case(actor, case, "登记陈述申辩")
    if not (content or "").strip() or not (response or "").strip():
        raise ValidationError("请填写陈述申辩内容和复核意见。")
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in (S.NOTIFIED, S.HEARING):
            raise ValidationError("只有已事先告知的案件可以登记陈述申辩。")
        statement = Statement.objects.create(case=case, received_on=received_on, content=content.strip(),
                                             adopted=adopted, response=response.strip(), recorded_by=actor)
        record_create(statement, actor=actor)
    return statement


def request_hearing(case: Case, *, actor, requested_on: dt.date) -> Hearing:
    ensure_writable(actor, case, "受理听证申请")
    with transaction.atomic():
        lock_audit_chain()
        case = fire(case, "request_hearing", actor=actor, on=requested_on, requested_on=requested_on)
        hearing = Hearing.objects.create(case=case, requested_on=requested_on)
        record_create(hearing, actor=actor)
    return hearing


def schedule_hearing(case: Case, *, actor, notified_on: dt.date, scheduled_for: dt.date, place: str, chair,
                     is_public: bool = True) -> Hearing:
    """Notice ≥7 days before the hearing; chaired by someone who did not investigate (§64(2), (4))."""
    ensure_writable(actor, case, "安排听证")
    days = clocks.hearing_notice_days(notified_on, scheduled_for)
    if days < CASE_RULES.hearing_notice_min_days:
        raise ValidationError(f"应当在举行听证的{CASE_RULES.hearing_notice_min_days}日前通知当事人，"
                              f"现仅提前{days}日（行政处罚法第六十四条第（二）项）。")
    if chair is None or case.team.filter(officer=chair).exists():
        raise ValidationError("听证由行政机关指定的非本案调查人员主持（行政处罚法第六十四条第（四）项）。")
    if not (place or "").strip():
        raise ValidationError("请填写听证地点。")
    with transaction.atomic():
        lock_audit_chain()
        hearing = Hearing.objects.select_for_update().get(case=case)
        if case.status != S.HEARING or hearing.held_on:
            raise ValidationError("该听证已举行或案件不在听证程序中。")
        if notified_on < hearing.requested_on:
            raise ValidationError("听证通知日期不能早于听证申请日期。")
        before = snapshot(hearing)
        hearing.notified_on, hearing.scheduled_for, hearing.place = notified_on, scheduled_for, place.strip()
        hearing.chair, hearing.is_public = chair, is_public
        hearing.save()
        record_update(hearing, before, actor=actor)
    return hearing


def record_hearing(case: Case, *, actor, held_on: dt.date, record: str, chair_opinion: str) -> Hearing:
    ensure_writable(actor, case, "登记听证笔录")
    if not (record or "").strip():
        raise ValidationError("请填写听证笔录。")
    with transaction.atomic():
        lock_audit_chain()
        hearing = Hearing.objects.select_for_update().get(case=case)
        if hearing.scheduled_for is None:
            raise ValidationError("请先安排听证并通知当事人。")
        if held_on < hearing.scheduled_for:
            raise ValidationError(f"听证不得早于通知的日期{hearing.scheduled_for:%Y年%m月%d日}举行。")
        if actor.pk != hearing.chair_id and not actor.has_role(*LEADER_ROLES):
            raise PermissionDenied("听证笔录由听证主持人登记。")
        before = snapshot(hearing)
        hearing.held_on, hearing.record, hearing.chair_opinion = held_on, record.strip(), chair_opinion.strip()
        hearing.save()
        record_update(hearing, before, actor=actor)
    return hearing


# ---- decision --------------------------------------------------------------------------------------------------------

def _judged_changes(case: Case, on: dt.date) -> dict:
    """The provisions of the versions §37 selects, fixed on the case with the explanation when it is decided."""
    from .applicable_law import judged_provisions

    judged = judged_provisions(Case.objects.select_related("provision_broken__version__law",
                                                           "penalty_provision__version__law").get(pk=case.pk), on)
    return {"provision_broken": judged.provision_broken, "penalty_provision": judged.penalty_provision,
            "applicable_law_note": judged.explanation}


def decide(case: Case, *, actor, on: dt.date | None = None) -> Case:
    """作出行政处罚决定 by the responsible person, once every guard holds; the decision takes its number."""
    ensure_writable(actor, case, "作出处罚决定")
    on = _today(on)
    with transaction.atomic():
        lock_audit_chain()
        ensure_allowed(case, "decide", actor=actor, on=on)
        number = next_document_number(case.organisation, "penalty_decision", year=on.year, actor=actor)
        return fire(case, "decide", actor=actor, on=on, changes={
            "decision_number": number.text, "decided_on": on, **_judged_changes(case, on)})


def decide_no_penalty(case: Case, *, actor, reason: str, education_record: str, on: dt.date | None = None) -> Case:
    """不予处罚 (§33): minor and corrected, first offence, or no fault — always with education."""
    ensure_writable(actor, case, "作出不予处罚决定")
    on = _today(on)
    with transaction.atomic():
        lock_audit_chain()
        context = {"on": on, "reason": reason, "education_record": education_record}
        ensure_allowed(case, "decide_no_penalty", actor=actor, **context)
        number = next_document_number(case.organisation, "no_penalty_decision", year=on.year, actor=actor)
        return fire(case, "decide_no_penalty", actor=actor, note=reason, **context, changes={
            "decision_number": number.text, "decided_on": on, "outcome_reason": reason.strip(),
            "education_record": education_record.strip(), "penalty_kinds": "", "fine_amount": None,
            "confiscation_amount": None,
        })


def first_offence_waiver_possible(case: Case) -> bool:
    """首违不罚 (§33第一款): a first offence with minor harm, corrected in time, may go unpunished — a suggestion
    the page shows; the decision stays the bureau's."""
    return case.is_first_offence and case.harm_minor and case.corrected


def serve_decision(case: Case, *, actor, served_on: dt.date, method: str, recipient: str, place: str = "",
                   receiver_signature: str = "", electronic_consent: bool = False, late_reason: str = "",
                   refusal_witness: str = "") -> Service:
    """送达 (§61): on the spot or within 7 days; electronic only with signed consent. Payment is due 15 days on."""
    ensure_on_case(actor, case, "送达决定书")
    if not (recipient or "").strip():
        raise ValidationError("请填写受送达人。")
    with transaction.atomic():
        lock_audit_chain()
        current = Case.objects.get(pk=case.pk)
        owes = bool(current.fine_amount or current.confiscation_amount)
        case = fire(case, "serve", actor=actor, on=served_on, served_on=served_on, method=method,
                    electronic_consent=electronic_consent, late_reason=late_reason, changes={
                        "served_on": served_on, "payment_due_on": clocks.payment_due(served_on) if owes else None,
                    })
        service = Service.objects.create(
            case=case, document_kind="penalty_decision", document_number=case.decision_number, method=method,
            served_on=served_on, place=place, recipient=recipient.strip(), receiver_signature=receiver_signature,
            electronic_consent=electronic_consent, late_reason=late_reason.strip(), refusal_witness=refusal_witness,
            served_by=actor,
        )
        record_create(service, actor=actor)
        if not owes:
            fire(case, "fulfil", actor=actor, on=served_on, note="无罚没款项，送达即履行完毕")
    return service


# ---- payment and enforcement ---------------------------------------------------------------------------------

def arrange_payment(case: Case, *, actor, kind: str, requested_on: dt.date, reason: str,
                    instalments: list[tuple[dt.date, Decimal]], on: dt.date | None = None) -> PaymentArrangement:
    """暂缓或分期缴纳 on the party's request, approved by the bureau (§66); the dues add up to the fine."""
    from .choices import ArrangementKind

    ensure_writable(actor, case, "批准暂缓或分期缴纳")
    on = _today(on)
    if not actor.has_role(*APPROVER_ROLES):
        raise PermissionDenied("暂缓或分期缴纳罚款须经行政机关批准。")
    if not (reason or "").strip():
        raise ValidationError("请填写当事人确有经济困难的理由。")
    if not instalments:
        raise ValidationError("请填写缴纳期限。")
    if kind == ArrangementKind.DEFERRAL and len(instalments) != 1:
        raise ValidationError("暂缓缴纳只有一个缴纳期限。")
    if kind == ArrangementKind.INSTALMENTS and len(instalments) < 2:
        raise ValidationError("分期缴纳至少分两期。")
    total = sum((Decimal(amount) for _, amount in instalments), Decimal("0"))
    if total != Decimal(case.fine_amount or 0):
        raise ValidationError(f"各期金额合计{total:,.2f}元，应当等于罚款{Decimal(case.fine_amount or 0):,.2f}元。")
    dues = sorted(d for d, _ in instalments)
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in (S.SERVED, S.REMINDED):
            raise ValidationError("只有已送达、尚未履行的决定可以批准暂缓或分期缴纳。")
        if dues[0] < case.payment_due_on:
            raise ValidationError("缴纳期限不能早于原定期限。")
        arrangement = PaymentArrangement.objects.create(case=case, kind=kind, requested_on=requested_on,
                                                        reason=reason.strip(), approved_by=actor, approved_on=on)
        Instalment.objects.bulk_create(Instalment(arrangement=arrangement, due_on=d, amount=Decimal(a))
                                       for d, a in sorted(instalments))
        record_create(arrangement, actor=actor, detail={"instalments": [[d.isoformat(), str(a)]
                                                                          for d, a in sorted(instalments)]})
    return arrangement


def record_payment(case: Case, *, actor, paid_on: dt.date, amount: Decimal, receipt_number: str) -> Payment:
    """A payment through the bank or e-payment (§67); when the balance reaches zero the decision is fulfilled."""
    ensure_writable(actor, case, "登记缴款")
    amount = Decimal(amount)
    if amount <= 0:
        raise ValidationError("缴款金额应当大于零。")
    if not (receipt_number or "").strip():
        raise ValidationError("请填写缴款凭证号。")
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in (S.SERVED, S.REMINDED, S.ENFORCEMENT, S.ON_SPOT, S.RECORDED):
            raise ValidationError("该案件不在待履行阶段。")
        owed = balance(case, paid_on)
        if amount > owed.outstanding:
            raise ValidationError(f"缴款{amount:,.2f}元超过应缴{owed.outstanding:,.2f}元。")
        payment = Payment.objects.create(case=case, paid_on=paid_on, amount=amount, receipt_number=receipt_number.strip(),
                                         surcharge=max(amount - max(owed.principal - owed.paid, Decimal(0)), Decimal(0)),
                                         recorded_by=actor)
        record_create(payment, actor=actor)
        if balance(case, paid_on).settled and case.status in (S.SERVED, S.REMINDED, S.ENFORCEMENT):
            fire(case, "fulfil", actor=actor, on=paid_on, note=f"缴款凭证{payment.receipt_number}")
    return payment


def record_appeal(case: Case, *, actor, kind: str, filed_on: dt.date) -> Appeal:
    """A reconsideration or lawsuit: the surcharge pauses while it runs (§73第三款)."""
    ensure_writable(actor, case, "登记复议或诉讼")
    with transaction.atomic():
        lock_audit_chain()
        if case.served_on is None or filed_on < case.served_on:
            raise ValidationError("复议或诉讼应当在决定送达之后提起。")
        appeal = Appeal.objects.create(case=case, kind=kind, filed_on=filed_on)
        record_create(appeal, actor=actor)
    return appeal


def end_appeal(appeal: Appeal, *, actor, ended_on: dt.date, result: str) -> Appeal:
    ensure_writable(actor, appeal.case, "登记复议或诉讼结果")
    with transaction.atomic():
        lock_audit_chain()
        appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
        if ended_on < appeal.filed_on:
            raise ValidationError("结束日期不能早于提起日期。")
        before = snapshot(appeal)
        appeal.ended_on, appeal.result = ended_on, (result or "").strip()
        appeal.save()
        record_update(appeal, before, actor=actor)
    return appeal


def remind(case: Case, *, actor, served_on: dt.date, on: dt.date | None = None) -> Reminder:
    """催告 (行政强制法第五十四条): the amount owed, surcharge included, on the day."""
    ensure_on_case(actor, case, "催告")
    on = _today(on)
    with transaction.atomic():
        lock_audit_chain()
        ensure_allowed(case, "remind", actor=actor, on=on)
        number = next_document_number(case.organisation, "payment_reminder", year=on.year, actor=actor)
        case = fire(case, "remind", actor=actor, on=on)
        reminder = Reminder.objects.create(case=case, number=number.text, issued_on=on, served_on=served_on,
                                           amount_due=balance(case, on).outstanding)
        record_create(reminder, actor=actor)
    return reminder


def apply_enforcement(case: Case, *, actor, court: str, on: dt.date | None = None) -> EnforcementApplication:
    ensure_writable(actor, case, "申请强制执行")
    on = _today(on)
    if not (court or "").strip():
        raise ValidationError("请填写受理法院。")
    with transaction.atomic():
        lock_audit_chain()
        case = fire(case, "apply_enforcement", actor=actor, on=on)
        application = EnforcementApplication.objects.create(case=case, applied_on=on, court=court.strip())
        record_create(application, actor=actor)
    return application


def record_enforcement_result(case: Case, *, actor, concluded_on: dt.date, result: str) -> EnforcementApplication:
    ensure_writable(actor, case, "登记强制执行结果")
    with transaction.atomic():
        lock_audit_chain()
        application = EnforcementApplication.objects.select_for_update().get(case=case)
        before = snapshot(application)
        application.concluded_on, application.result = concluded_on, (result or "").strip()
        application.save()
        record_update(application, before, actor=actor)
    return application


def close_case(case: Case, *, actor, on: dt.date | None = None) -> Case:
    ensure_writable(actor, case, "结案")
    with transaction.atomic():
        lock_audit_chain()
        return fire(case, "close", actor=actor, on=on, changes={"closed_on": _today(on)})


def archive_case(case: Case, *, actor, on: dt.date | None = None) -> Case:
    ensure_writable(actor, case, "归档")
    with transaction.atomic():
        lock_audit_chain()
        return fire(case, "archive", actor=actor, on=on, changes={"archived_on": _today(on)})


# ---- the simple procedure ---------------------------------------------------------------------------------------

@transaction.atomic
def decide_on_the_spot(*, actor, cause: str, facts: str, violation, penalty_kinds: str, place: str,
                       on: dt.date | None = None, entity=None, party: dict | None = None, officers=(),
                       fine_amount: Decimal | None = None, cash_collected: bool = False,
                       cash_receipt_number: str = "", cash_hard_to_collect: bool = False, check=None,
                       client_key=None) -> Case:
    """简易程序 (§51, §52): a warning or a small fine decided on the spot on a numbered form, handed over at once.
    Called again with the same `client_key` (a phone re-sending after a dropped connection) it returns the same
    case instead of a second."""
    on = _today(on)
    if client_key:
        existing = Case.objects.filter(client_key=client_key).first()
        if existing is not None:
            return existing
    source_inspection = check.record.inspection if check is not None else None
    if check is not None and entity is None:
        entity = source_inspection.entity
    if check is not None and not officers:
        officers = [m.officer for m in source_inspection.team.select_related("officer")]
    case = open_case(
        actor=actor, source=CaseSource.INSPECTION if check is not None else CaseSource.DIRECT, received_on=on,
        cause=cause, entity=entity, party=party, officers=officers, violation=violation,
        procedure=Procedure.SIMPLE, source_inspection=source_inspection,
        source_detail=f"现场笔录{check.record.number}：{check.item.title}" if check is not None else "",
        client_key=client_key, facts=facts, penalty_kinds=penalty_kinds, fine_amount=fine_amount, act_ended_on=on,
        on_spot_place=place, cash_collected=cash_collected, cash_receipt_number=cash_receipt_number.strip(),
        cash_hard_to_collect=cash_hard_to_collect,
    )
    ensure_allowed(case, "decide_on_spot", actor=actor, on=on)
    number = next_document_number(case.organisation, "simple_penalty", year=on.year, actor=actor)
    owes = bool(fine_amount) and not cash_collected
    case = fire(case, "decide_on_spot", actor=actor, on=on, changes={
        "decision_number": number.text, "decided_on": on, "served_on": on, **_judged_changes(case, on),
        "payment_due_on": clocks.payment_due(on) if owes else None,
    })
    if cash_collected:
        payment = Payment.objects.create(case=case, paid_on=on, amount=fine_amount,
                                         receipt_number=case.cash_receipt_number, recorded_by=actor)
        record_create(payment, actor=actor, detail={"on_the_spot": True})
    return case


def record_with_bureau(case: Case, *, actor, on: dt.date | None = None, reason: str = "") -> Case:
    """备案: an on-the-spot decision is filed with the bureau (§52) within the configured days."""
    ensure_writable(actor, case, "备案")
    with transaction.atomic():
        lock_audit_chain()
        return fire(case, "record_with_bureau", actor=actor, on=on, reason=reason, note=reason)
