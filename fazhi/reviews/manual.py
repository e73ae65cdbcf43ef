"""Manual review of a sampled file (案卷评查表): the legal section marks every rubric item — points off a scored
item, or the veto — with the reason, beside the automatic findings, and signs; signing locks the review.

The review's status moves only through `REVIEW_MACHINE` (core.workflow): 评查中 → 已签署. A reviewer never reviews
a case they worked on.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.audit import lock_audit_chain, record_event
from fazhi.core.choices import AuditAction
from fazhi.core.workflow import StateMachine, Transition

from .choices import ManualReviewStatus as R
from .models import ManualReview, ManualScore, RubricCategory, RubricItem
from .rules import REVIEWER_ROLES
from .scoring import ScoreSheet, score_sheet


@dataclass(frozen=True)
class Mark:
    """What the reviewer gives one item: points taken off (scored items), the veto (veto items), and why."""

    deducted: Decimal = Decimal("0")
    vetoed: bool = False
    note: str = ""


def on_case(review: ManualReview, person) -> bool:
    return review.case.team.filter(officer=person).exists()


# ---- guards of signing ------------------------------------------------------------------------------------------

def not_on_case(review, context) -> str | None:
    actor = context.get("actor")
    if actor is not None and on_case(review, actor):
        return "评查人员不能评查本人承办的案卷。"
    return None


def every_item_marked(review, context) -> str | None:
    marked = set(review.scores.values_list("item_id", flat=True))
    missing = RubricItem.objects.filter(is_active=True).exclude(pk__in=marked).order_by("sort_order", "code")
    if missing.exists():
        return f"尚有{missing.count()}个评查条目未评查（如“{missing.first()}”），请逐项评查并保存后再签署。"
    return None


def reasons_given(review, context) -> str | None:
    unexplained = [s for s in review.scores.select_related("item") if (s.deducted or s.vetoed) and not s.note.strip()]
    if unexplained:
        return f"“{unexplained[0].item}”扣分或否决，须写明理由。"
    return None


REVIEW_MACHINE = StateMachine(
    name="案卷评查",
    labels=dict(R.choices),
    transitions=[Transition("sign", "签署", (R.DRAFT,), R.SIGNED, frozenset(REVIEWER_ROLES),
                            (not_on_case, every_item_marked, reasons_given))],
)


# ---- services ------------------------------------------------------------------------------------------------------

def may_score(actor, review: ManualReview) -> bool:
    return (actor is not None and actor.has_role(*REVIEWER_ROLES) and not review.is_signed
            and review.is_writable_by(actor))


def ensure_may_score(actor, review: ManualReview) -> None:
    if actor is None or not actor.has_role(*REVIEWER_ROLES) or not review.is_writable_by(actor):
        raise PermissionDenied("只有组织本批次评查的机关的法制审核人员可以评查。")
    if on_case(review, actor):
        raise PermissionDenied("评查人员不能评查本人承办的案卷。")


def _mark_problem(item: RubricItem, mark: Mark) -> str | None:
    try:
        deducted = Decimal(mark.deducted or 0)
    except (InvalidOperation, TypeError):
        return "请填写数字。"
    if item.is_veto and deducted:
        return "否决项不扣分，存在问题请勾选“否决”。"
    if not item.is_veto and mark.vetoed:
        return "扣分项不能否决。"
    if deducted < 0 or deducted > item.points:
        return f"扣分应在0至{item.points}分之间。"
    if (deducted or mark.vetoed) and not (mark.note or "").strip():
        return "扣分或否决须写明理由。"
    return None


def sheet_of(review: ManualReview) -> ScoreSheet:
    """The review's score from its stored marks."""
    scores = list(review.scores.select_related("item"))
    return score_sheet(RubricCategory.objects.all(), [s.item for s in scores],
                       {s.item_id: s.deducted for s in scores}, {s.item_id for s in scores if s.vetoed})


def _marks_snapshot(review: ManualReview) -> dict:
    return {s.item.code: [str(s.deducted), s.vetoed, s.note] for s in review.scores.select_related("item")}


def save_marks(review: ManualReview, *, actor, marks: dict[int, Mark], comments: str = "") -> ManualReview:
    """Store the reviewer's marks on the active items (an item not given keeps no mark) and the comments."""
    ensure_may_score(actor, review)
    items = {i.pk: i for i in RubricItem.objects.filter(is_active=True, pk__in=list(marks))}
    errors = {f"item_{pk}": "没有这个评查条目，或该条目已停用。" for pk in marks if pk not in items}
    errors.update({f"item_{pk}": problem for pk, mark in marks.items() if pk in items
                   for problem in [_mark_problem(items[pk], mark)] if problem})
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        lock_audit_chain()
        review = ManualReview.objects.select_for_update().get(pk=review.pk)
        if review.is_signed:
            raise ValidationError("本案卷的评查已签署，不能再修改。")
        before = {"marks": _marks_snapshot(review), "comments": review.comments}
        review.scores.filter(item_id__in=list(items)).delete()
        ManualScore.objects.bulk_create([
            ManualScore(review=review, item=items[pk], deducted=Decimal(m.deducted or 0), vetoed=m.vetoed,
                        note=(m.note or "").strip()[:300]) for pk, m in marks.items()])
        sheet = sheet_of(review)
        review.score, review.vetoed = sheet.score, sheet.vetoed
        review.category_scores = {k: str(v) for k, v in sheet.by_category.items()}
        review.comments, review.reviewer = (comments or "").strip(), actor
        review.save()
        after = {"marks": _marks_snapshot(review), "comments": review.comments}
        if after != before:
            record_event(actor=actor, action=AuditAction.UPDATE, obj=review, before=before,
                         after={**after, "score": str(sheet.score), "vetoed": sheet.vetoed})
    return review


def sign_review(review: ManualReview, *, actor) -> ManualReview:
    """Sign the review: its score and grade (优秀/合格/不合格) are fixed with the signature and nothing changes after."""
    ensure_may_score(actor, review)
    with transaction.atomic():
        lock_audit_chain()
        sheet = sheet_of(review)
        return REVIEW_MACHINE.fire(review, "sign", actor=actor, changes={
            "score": sheet.score, "vetoed": sheet.vetoed, "grade": sheet.grade,
            "category_scores": {k: str(v) for k, v in sheet.by_category.items()},
            "signed_at": timezone.now(), "signed_by": actor})
