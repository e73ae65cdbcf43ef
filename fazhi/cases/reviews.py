"""Three-level review before a decision (DOMAIN.md: 科室初审 → 法制科复审 → 集体讨论).

A review records an opinion per aspect, an outcome and its reasons. 补充调查 and 不同意 send the case back to
investigation, which starts a new round: only the reviews of the current round count towards a decision.
修改后再审 keeps the case in review; the same stage must review it again.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import lock_audit_chain, record_create
from fazhi.core.choices import Role

from . import major
from .choices import CaseStatus as S
from .choices import ReviewAspect, ReviewOutcome, ReviewStage
from .models import Case, Deliberation, LegalReview
from .rules import CASE_RULES, LEADER_ROLES, LEGAL_ROLES, SECTION_HEAD_ROLES
from .status import GENERAL_MACHINE

RETURNING_OUTCOMES = (ReviewOutcome.SUPPLEMENT, ReviewOutcome.DISAGREE)
STAGE_ROLES = {ReviewStage.SECTION: SECTION_HEAD_ROLES, ReviewStage.LEGAL: LEGAL_ROLES}


def current_round(case) -> int:
    """1 + the reviews that sent the case back: a return opens a new round."""
    return 1 + LegalReview.objects.filter(case=case, outcome__in=RETURNING_OUTCOMES).count()


def current_reviews(case) -> list[LegalReview]:
    round_ = current_round(case)
    return list(LegalReview.objects.filter(case=case, round=round_).order_by("reviewed_on", "id"))


def latest_deliberation(case) -> Deliberation | None:
    """The latest deliberation of the current round (held after its first review)."""
    reviews = current_reviews(case)
    since = reviews[0].reviewed_on if reviews else None
    qs = Deliberation.objects.filter(case=case)
    if since is not None:
        qs = qs.filter(held_on__gte=since)
    return qs.order_by("-held_on", "-id").first()


def _is_case_officer(case, person) -> bool:
    return case.team.filter(officer=person).exists()


def ensure_stage_role(stage: str, reviewer) -> None:
    if not reviewer.has_role(*STAGE_ROLES[stage]):
        raise PermissionDenied(f"您没有{ReviewStage(stage).label}的权限。")


def reviewer_problem(case, stage: str, reviewer) -> str | None:
    """The reviewer is never one of the case's officers, and a first-time legal reviewer holds a legal
    qualification (行政处罚法第五十八条第二款)."""
    if _is_case_officer(case, reviewer):
        return "审核人员不能是本案的承办人员（行政处罚法第五十八条）。"
    if stage == ReviewStage.LEGAL and not reviewer.has_legal_qualification:
        if not LegalReview.objects.filter(reviewer=reviewer, stage=ReviewStage.LEGAL).exists():
            return "初次从事行政处罚决定法制审核的人员，应当通过国家统一法律职业资格考试取得法律职业资格（行政处罚法第五十八条第二款）。"
    return None


def _stage_order_problem(case, stage: str, after_hearing: bool) -> str | None:
    reviews = current_reviews(case)
    if after_hearing:
        if stage != ReviewStage.LEGAL:
            return "听证后只需法制审核。"
        return None
    if case.status != S.IN_REVIEW:
        return f"案件当前为“{case.get_status_display()}”，不在审核阶段。"
    if stage == ReviewStage.LEGAL:
        section = [r for r in reviews if r.stage == ReviewStage.SECTION]
        if not section or not section[-1].passed:
            return "科室初审同意后，方可进行法制科复审。"
    return None


def record_review(case: Case, *, stage: str, reviewer, outcome: str, reasons: str, aspects: dict[str, str],
                  on: dt.date | None = None) -> LegalReview:
    """Record one review; 补充调查 / 不同意 send the case back to investigation in the same transaction."""
    on = on or timezone.localdate()
    reasons = (reasons or "").strip()
    if not reasons:
        raise ValidationError("请填写审核理由。")
    aspects = {k: (v or "").strip() for k, v in (aspects or {}).items() if k in ReviewAspect.values}
    if stage == ReviewStage.LEGAL:
        missing = [ReviewAspect(a).label for a in ReviewAspect.values if not aspects.get(a)]
        if missing:
            raise ValidationError(f"法制审核应当逐项审核，请填写{'、'.join(missing)}的审核意见。")
    ensure_stage_role(stage, reviewer)
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        after_hearing = case.status == S.HEARING and major.hearing_was_held(case)
        problem = reviewer_problem(case, stage, reviewer) or _stage_order_problem(case, stage, after_hearing)
        if problem:
            raise ValidationError(problem)
        review = LegalReview.objects.create(
            case=case, stage=stage, round=current_round(case), reviewer=reviewer, reviewed_on=on, outcome=outcome,
            reasons=reasons, aspects=aspects, after_hearing=after_hearing,
        )
        record_create(review, actor=reviewer)
        if outcome in RETURNING_OUTCOMES and not after_hearing:
            GENERAL_MACHINE.fire(case, "return_for_investigation", actor=reviewer, note=reasons, reason=reasons, on=on)
    return review


def record_deliberation(case: Case, *, actor, held_on: dt.date, place: str, chair, attendees: list, minutes: str,
                        conclusion: str, conclusion_text: str) -> Deliberation:
    """集体讨论 by the bureau's leaders: chaired by a leader, at least the configured number present, none of them
    the case's officers (行政处罚法第五十七条第二款)."""
    if not actor.has_role(*LEADER_ROLES, Role.LEGAL_REVIEWER):
        raise PermissionDenied("您没有登记集体讨论的权限。")
    attendees = list({p.pk: p for p in attendees}.values())
    if chair.pk not in {p.pk for p in attendees}:
        attendees.append(chair)
    if not chair.has_role(*LEADER_ROLES):
        raise ValidationError("集体讨论应当由本机关负责人主持。")
    if len(attendees) < CASE_RULES.deliberation_min_attendees:
        raise ValidationError(f"参加集体讨论的负责人不得少于{CASE_RULES.deliberation_min_attendees}人。")
    if not (minutes or "").strip() or not (conclusion_text or "").strip():
        raise ValidationError("请填写讨论记录和决定意见。")
    with transaction.atomic():
        lock_audit_chain()
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.status not in (S.IN_REVIEW, S.HEARING):
            raise ValidationError(f"案件当前为“{case.get_status_display()}”，不能集体讨论。")
        if any(_is_case_officer(case, p) for p in attendees):
            raise ValidationError("本案承办人员不参加集体讨论的表决，请从参加人员中移除。")
        deliberation = Deliberation.objects.create(
            case=case, held_on=held_on, place=place, chair=chair, minutes=minutes.strip(), conclusion=conclusion,
            conclusion_text=conclusion_text.strip(),
        )
        deliberation.attendees.set(attendees)
        record_create(deliberation, actor=actor, detail={"attendees": [p.pk for p in attendees]})
        if conclusion in RETURNING_OUTCOMES and case.status == S.IN_REVIEW:
            GENERAL_MACHINE.fire(case, "return_for_investigation", actor=actor, note=conclusion_text,
                                 reason=conclusion_text, on=held_on)
    return deliberation
