"""Case-file review in the demo: every demo case reviewed automatically, and in each demo county a batch of decided
files drawn with a fixed seed, half of them scored (the automatic findings confirmed, nothing else marked) and
signed by the county's legal reviewer — so the findings, the review sheets and the results have something to show.
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.core.choices import Role
from fazhi.core.demo import DemoStep, register_demo_step
from fazhi.core.models import User
from fazhi.entities.demo import demo_bureaus

from . import manual, sampling
from .automatic import Rubric, review_file, run_automatic_review
from .bundle import BundleLoader
from .choices import RunMode, SamplingMethod
from .models import ReviewBatch, RubricItem

SAMPLE_SIZE = 10
BATCH_NAME = "演示：案卷评查"


def _legal_reviewer(bureau) -> User | None:
    return (User.objects.filter(organisation__bureau=bureau, is_active=True, is_superuser=False,
                                role_assignments__role=Role.LEGAL_REVIEWER).order_by("username").first())


def _confirmed_marks(review) -> dict[int, manual.Mark]:
    """Every active item marked: what the automatic review found is confirmed, the rest left clean."""
    found = {}
    for item, finding in review_file(BundleLoader().load([review.case_id])[0], Rubric.current()).findings:
        found.setdefault(item.pk, []).append(finding.message)
    marks = {}
    for item in RubricItem.objects.filter(is_active=True):
        reasons = "；".join(found.get(item.pk, ()))[:300]
        if not reasons:
            marks[item.pk] = manual.Mark()
        elif item.is_veto:
            marks[item.pk] = manual.Mark(vetoed=True, note=reasons)
        else:
            marks[item.pk] = manual.Mark(deducted=item.points, note=reasons)
    return marks


def _county_batch(bureau, reviewer, year: int) -> str:
    if ReviewBatch.objects.filter(organisation=bureau, name=BATCH_NAME).exists():
        return f"{bureau.name}的演示评查批次已有"
    with transaction.atomic():
        batch = sampling.create_batch(actor=reviewer, name=BATCH_NAME, year=year, method=SamplingMethod.RANDOM,
                                      sample_size=SAMPLE_SIZE, seed=f"demo-{bureau.region.code}",
                                      criteria={"decided_from": dt.date(2000, 1, 1)})
        reviews = list(batch.reviews.order_by("case_id"))
        signed = 0
        for review in reviews[: len(reviews) // 2]:
            if manual.on_case(review, reviewer):
                continue
            manual.sign_review(manual.save_marks(review, actor=reviewer, marks=_confirmed_marks(review)),
                               actor=reviewer)
            signed += 1
    return f"{bureau.name}抽取评查案卷 {len(reviews)} 件，签署 {signed} 件"


def load_demo_reviews() -> str:
    run = run_automatic_review(RunMode.ALL)
    lines = [f"自动评查案卷 {run.case_count} 件，发现问题的 {run.flagged_count} 件"]
    for bureau in demo_bureaus():
        reviewer = _legal_reviewer(bureau)
        if reviewer is None:
            lines.append(f"{bureau.name}没有法制审核员的演示账号，未生成评查批次")
            continue
        try:
            lines.append(_county_batch(bureau, reviewer, timezone.localdate().year))
        except ValidationError as refusal:
            lines.append(f"{bureau.name}未生成评查批次：{'；'.join(refusal.messages)}")
    return "；".join(lines)


register_demo_step(DemoStep(order=110, label="案卷评查", run=load_demo_reviews))
