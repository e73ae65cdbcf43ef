"""Reviewing a sampled file by hand: marks on every item with reasons, signing that locks the review, the grade by
the thresholds, who may review, and the results per officer and per section."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.cases.tests import factories_documents as fd
from fazhi.core.choices import AuditAction, Role, SectionKind
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.core.workflow import TransitionRefused
from fazhi.reviews import manual, results, sampling
from fazhi.reviews.choices import Grade, ManualReviewStatus, SamplingMethod
from fazhi.reviews.manual import Mark
from fazhi.reviews.models import ManualReview, RubricItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(bureaus, supervision_section):
    people = fd.team(bureaus["kaiping_institute"], "黄一", "梁二")
    people[0].section = supervision_section
    people[0].save(update_fields=["section"])
    return people


@pytest.fixture
def batch(legal_reviewer, officers, bureaus):
    for n in range(2):
        fd.penalty_case(bureaus["kaiping_institute"], officers, decision_number=f"开卫罚〔2025〕{n + 1}号")
    return sampling.create_batch(actor=legal_reviewer, name="2025年度评查", year=2025, method=SamplingMethod.FILTER,
                                 criteria={})


def clean_marks(**changes) -> dict:
    marks = {item.pk: Mark() for item in RubricItem.objects.filter(is_active=True)}
    for code, mark in changes.items():
        marks[RubricItem.objects.get(code=code).pk] = mark
    return marks


def first(batch) -> ManualReview:
    return batch.reviews.order_by("case_id").first()


def test_marks_are_scored_and_audited(batch, legal_reviewer):
    review = manual.save_marks(first(batch), actor=legal_reviewer, comments="文书较规范。",
                               marks=clean_marks(F01=Mark(Decimal("2"), note="告知书未盖章"),
                                                 S04=Mark(Decimal("8"), note="未说明从重理由")))
    assert (review.score, review.vetoed, review.status) == (Decimal("90.00"), False, ManualReviewStatus.DRAFT)
    assert review.category_scores == {"form": "18.00", "substance": "72.00"}
    event = AuditEvent.objects.for_object(review).filter(action=AuditAction.UPDATE).get()
    assert event.after["marks"]["F01"] == ["2.00", False, "告知书未盖章"]


@pytest.mark.parametrize("code, mark, words", [
    ("F01", Mark(Decimal("2")), "须写明理由"),
    ("F01", Mark(Decimal("5"), note="多处"), "扣分应在0至4.00分之间"),
    ("V04", Mark(Decimal("1"), note="x"), "否决项不扣分"),
    ("F01", Mark(vetoed=True, note="x"), "扣分项不能否决"),
])
def test_it_refuses_a_mark_that_does_not_fit_its_item(batch, legal_reviewer, code, mark, words):
    with pytest.raises(ValidationError) as refused:
        manual.save_marks(first(batch), actor=legal_reviewer, marks=clean_marks(**{code: mark}))
    [message] = refused.value.message_dict[f"item_{RubricItem.objects.get(code=code).pk}"]
    assert words in message
    assert not first(batch).scores.exists()


def test_signing_grades_and_locks_the_review(batch, legal_reviewer):
    review = manual.save_marks(first(batch), actor=legal_reviewer, marks=clean_marks())
    review = manual.sign_review(review, actor=legal_reviewer)
    assert (review.status, review.grade, review.score) == (ManualReviewStatus.SIGNED, Grade.EXCELLENT, Decimal("100"))
    assert review.signed_by == legal_reviewer and review.signed_at is not None
    event = AuditEvent.objects.for_object(review).filter(action=AuditAction.TRANSITION).get()
    assert event.after["status"] == ManualReviewStatus.SIGNED and event.after["grade"] == Grade.EXCELLENT
    with pytest.raises(ValidationError, match="已签署"):
        manual.save_marks(review, actor=legal_reviewer, marks=clean_marks(F01=Mark(Decimal("4"), note="x")))
    with pytest.raises(TransitionRefused):
        manual.sign_review(review, actor=legal_reviewer)
    assert ManualReview.objects.get(pk=review.pk).score == Decimal("100.00")


@pytest.mark.parametrize("changes, grade", [
    ({"S04": Mark(Decimal("8"), note="理由不充分"), "S02": Mark(Decimal("12"), note="引用错误"),
      "S03": Mark(Decimal("12"), note="超出阶次")}, Grade.PASS),  # 68
    ({"S01": Mark(Decimal("10"), note="x"), "S02": Mark(Decimal("12"), note="x"), "S03": Mark(Decimal("12"), note="x"),
      "S05": Mark(Decimal("12"), note="x")}, Grade.FAIL),  # 54
    ({"V04": Mark(vetoed=True, note="违法事实不清")}, Grade.FAIL),  # a veto at full marks
])
def test_the_grade_follows_the_thresholds_and_the_veto(batch, legal_reviewer, changes, grade):
    review = manual.save_marks(first(batch), actor=legal_reviewer, marks=clean_marks(**changes))
    assert manual.sign_review(review, actor=legal_reviewer).grade == grade


def test_signing_needs_every_item_marked(batch, legal_reviewer):
    marks = clean_marks()
    marks.pop(RubricItem.objects.get(code="F06").pk)
    review = manual.save_marks(first(batch), actor=legal_reviewer, marks=marks)
    with pytest.raises(TransitionRefused, match="尚有1个评查条目未评查"):
        manual.sign_review(review, actor=legal_reviewer)


def test_a_reviewer_does_not_review_a_file_of_their_own(batch, legal_reviewer):
    review = first(batch)
    review.case.team.create(officer=legal_reviewer)
    with pytest.raises(PermissionDenied, match="本人承办"):
        manual.save_marks(review, actor=legal_reviewer, marks=clean_marks())


def test_another_bureau_may_not_review(batch, bureaus):
    other = f.staff(bureaus["huancui"], Role.LEGAL_REVIEWER)
    with pytest.raises(PermissionDenied):
        manual.save_marks(first(batch), actor=other, marks=clean_marks())
    assert not ManualReview.objects.visible_to(other).exists()


def test_a_signed_city_review_is_seen_by_the_county(bureaus, officers, officer):
    case = fd.penalty_case(bureaus["kaiping_institute"], officers)
    legal = f.section(bureaus["jiangmen"], "法制科", SectionKind.LEGAL)
    city = f.staff(bureaus["jiangmen"], Role.LEGAL_REVIEWER, section=legal)
    batch = sampling.create_batch(actor=city, name="市级评查", year=2025, method=SamplingMethod.FILTER, criteria={})
    review = batch.reviews.get(case=case)
    assert not ManualReview.objects.visible_to(officer).exists()  # a draft of another bureau's legal section
    manual.sign_review(manual.save_marks(review, actor=city, marks=clean_marks()), actor=city)
    assert list(ManualReview.objects.visible_to(officer)) == [review]


def _sign(review, actor, **changes):
    return manual.sign_review(manual.save_marks(review, actor=actor, marks=clean_marks(**changes)), actor=actor)


def test_results_per_officer_and_section(batch, legal_reviewer, officers, supervision_section):
    one, two = batch.reviews.order_by("case_id")
    _sign(one, legal_reviewer)
    _sign(two, legal_reviewer, V05=Mark(vetoed=True, note="证据不足"))
    signed = ManualReview.objects.visible_to(legal_reviewer).signed()
    rows = {row["officer_name"]: row for row in results.by_officer(signed)}
    assert set(rows) == {"黄一", "梁二"}  # each officer on the team of both files
    assert (rows["黄一"]["reviewed"], rows["黄一"]["passed"], rows["黄一"]["vetoed"]) == (2, 1, 1)
    assert rows["黄一"]["section_name"] == "监督一科" and results.pass_rate(rows["黄一"]) == "50.0%"
    assert [r["officer_name"] for r in results.by_officer(signed, "梁")] == ["梁二"]
    [section] = results.by_section(signed)
    assert (section["section_id"], section["reviewed"], section["failed"]) == (supervision_section.pk, 2, 1)
    assert list(results.by_section(signed, "法制")) == []


def test_an_unsigned_review_counts_nowhere(batch, legal_reviewer):
    manual.save_marks(first(batch), actor=legal_reviewer, marks=clean_marks())
    signed = ManualReview.objects.visible_to(legal_reviewer).signed()
    assert list(results.by_officer(signed)) == []
    assert ManualReview.objects.signed_between(dt.date(2000, 1, 1), dt.date(2100, 1, 1)).count() == 0
