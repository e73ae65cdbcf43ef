"""The demo's case-file review: every demo case reviewed automatically, a batch per county drawn and half signed.

The demo is loaded once for the module inside a transaction rolled back at the end (as the cases' demo test does).
"""
import pytest
from django.db import transaction
from django.test import override_settings

from fazhi.cases.demo import load_demo_cases
from fazhi.cases.models import Case
from fazhi.core.audit import verify_chain
from fazhi.core.demo import load_demo
from fazhi.core.regions import load_shipped_regions
from fazhi.entities.demo import demo_bureaus, load_demo_entities
from fazhi.inspections.demo_records import load_demo_records
from fazhi.inspections.demo_rectification import load_demo_rectification
from fazhi.inspections.demo_visits import load_demo_visits
from fazhi.reviews.choices import ManualReviewStatus
from fazhi.reviews.demo import BATCH_NAME, SAMPLE_SIZE, load_demo_reviews
from fazhi.reviews.models import AutomaticReview, ReviewBatch

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    ), transaction.atomic():
        load_shipped_regions()
        load_demo()
        load_demo_entities(count=200)
        load_demo_visits()
        load_demo_records()
        load_demo_rectification()
        load_demo_cases()
        summary = load_demo_reviews()
        yield {"summary": summary, "again": load_demo_reviews()}
        transaction.set_rollback(True)


def test_every_demo_case_is_reviewed_automatically(loaded):
    assert Case.objects.count() > 0
    assert AutomaticReview.objects.count() == Case.objects.count()
    assert "自动评查案卷" in loaded["summary"]


def test_each_county_has_a_batch_half_signed(loaded):
    for bureau in demo_bureaus():
        batch = ReviewBatch.objects.get(organisation=bureau, name=BATCH_NAME)
        reviews = batch.reviews.all()
        assert reviews.count() == SAMPLE_SIZE
        assert reviews.filter(status=ManualReviewStatus.SIGNED).count() == SAMPLE_SIZE // 2
        assert all(r.case.decided_on for r in reviews.select_related("case"))


def test_the_demo_runs_again_without_new_batches(loaded):
    assert ReviewBatch.objects.count() == len(demo_bureaus())
    assert "演示评查批次已有" in loaded["again"]


def test_the_audit_chain_holds(loaded):
    assert verify_chain().intact
