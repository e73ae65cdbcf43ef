"""Drawing a batch: reproducible (the same seed and criteria give the same files), by filter, within the reviewing
bureau's files (a city's reach includes its counties'), audited, and checkable by drawing again."""
import datetime as dt
import hashlib
from dataclasses import replace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fazhi.cases.choices import Procedure
from fazhi.cases.models import Case
from fazhi.cases.tests import factories_documents as fd
from fazhi.core.choices import AuditAction, Role, SectionKind
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.reviews import sampling
from fazhi.reviews.choices import SamplingMethod
from fazhi.reviews.models import ManualReview, ReviewBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def kaiping_files(bureaus, supervision_section):
    officers = fd.team(bureaus["kaiping_institute"], "黄一", "梁二")
    officers[0].section = supervision_section
    officers[0].save(update_fields=["section"])
    cases = [fd.penalty_case(bureaus["kaiping_institute"], officers, decision_number=f"开卫罚〔2025〕{n + 1}号",
                             decided_on=dt.date(2025, 1, 1) + dt.timedelta(days=n)) for n in range(12)]
    Case.objects.filter(pk__in=[c.pk for c in cases[:3]]).update(procedure=Procedure.SIMPLE)
    return cases


@pytest.fixture
def huancui_files(bureaus):
    officers = fd.team(bureaus["huancui_institute"], "孙一", "周二")
    return [fd.penalty_case(bureaus["huancui_institute"], officers) for _ in range(3)]


def ids(batch) -> list[int]:
    return sorted(batch.reviews.values_list("case_id", flat=True))


def random_batch(actor, seed="2026-评查", size=5, **criteria):
    return sampling.create_batch(actor=actor, name="2025年度案卷评查", year=2025, method=SamplingMethod.RANDOM,
                                 sample_size=size, seed=seed, criteria=criteria)


def test_the_same_seed_draws_the_same_files(legal_reviewer, kaiping_files, huancui_files):
    first, second = random_batch(legal_reviewer), random_batch(legal_reviewer)
    assert ids(first) == ids(second) and len(ids(first)) == 5
    assert first.selection_hash == second.selection_hash
    assert set(ids(first)) <= {c.pk for c in kaiping_files}  # never another county's files
    other = random_batch(legal_reviewer, seed="另一个种子")
    assert other.candidate_hash == first.candidate_hash


def test_the_draw_is_the_published_algorithm():
    pool = list(range(1, 21))
    expected = sorted(sorted(pool, key=lambda pk: hashlib.sha256(f"s|{pk}".encode()).hexdigest())[:4])
    assert sampling.draw("s", pool, 4) == expected
    assert sampling.draw("s", pool, 40) == pool


def test_a_generated_seed_is_recorded(legal_reviewer, kaiping_files):
    batch = sampling.create_batch(actor=legal_reviewer, name="抽查", year=2025, method=SamplingMethod.RANDOM,
                                  sample_size=3, criteria={})
    assert len(batch.seed) == 16
    assert ids(batch) == sampling.draw(batch.seed, [c.pk for c in kaiping_files], 3)


def test_a_filter_takes_every_match(legal_reviewer, kaiping_files, supervision_section):
    batch = sampling.create_batch(actor=legal_reviewer, name="简易程序", year=2025, method=SamplingMethod.FILTER,
                                  criteria={"procedure": Procedure.SIMPLE})
    assert ids(batch) == sorted(c.pk for c in kaiping_files[:3]) and batch.seed == ""
    by_date = sampling.create_batch(actor=legal_reviewer, name="一月上旬", year=2025, method=SamplingMethod.FILTER,
                                    criteria={"decided_from": dt.date(2025, 1, 3), "decided_to": dt.date(2025, 1, 5)})
    assert ids(by_date) == sorted(c.pk for c in kaiping_files[2:5])
    assert by_date.criteria == {"decided_from": "2025-01-03", "decided_to": "2025-01-05"}
    by_section = sampling.create_batch(actor=legal_reviewer, name="监督一科", year=2025, method=SamplingMethod.FILTER,
                                       criteria={"section": supervision_section})
    assert len(ids(by_section)) == 12


def test_a_city_draws_from_its_counties(bureaus, kaiping_files, huancui_files):
    legal = f.section(bureaus["jiangmen"], "法制科", SectionKind.LEGAL)
    city = f.staff(bureaus["jiangmen"], Role.LEGAL_REVIEWER, section=legal)
    batch = random_batch(city, size=100)
    assert ids(batch) == sorted(c.pk for c in kaiping_files)
    assert batch.organisation == bureaus["jiangmen"]


def test_the_batch_and_its_files_are_audited(legal_reviewer, kaiping_files):
    batch = random_batch(legal_reviewer, size=2)
    event = AuditEvent.objects.for_object(batch).get()
    assert event.action == AuditAction.CREATE and event.detail == {"cases": ids(batch)}
    for review in batch.reviews.all():
        assert AuditEvent.objects.for_object(review).exists()


def test_drawing_again_confirms_the_batch(legal_reviewer, kaiping_files, bureaus):
    batch = random_batch(legal_reviewer)
    again = sampling.redraw(batch)
    assert again.same_candidates and again.same_selection
    assert "完全一致" in again.message
    fd.penalty_case(bureaus["kaiping_institute"], kaiping_files[0].officers.all())
    changed = sampling.redraw(batch)
    assert not changed.same_candidates and changed.candidate_count == 13
    assert set(changed.added) | set(ids(batch)) - set(changed.missing) == set(sampling.draw(
        batch.seed, sampling.candidates(batch.organisation, batch.criteria), 5))


@pytest.mark.parametrize("kwargs, field", [
    ({"method": SamplingMethod.RANDOM, "sample_size": None}, "sample_size"),
    ({"method": SamplingMethod.RANDOM, "sample_size": 3, "name": " "}, "name"),
    ({"method": SamplingMethod.FILTER, "criteria": {"decided_from": "2025-02-01", "decided_to": "2025-01-01"}},
     "decided_to"),
])
def test_it_refuses_incomplete_parameters(legal_reviewer, kaiping_files, kwargs, field):
    values = {"name": "评查", "year": 2025, "criteria": {}, **kwargs}
    with pytest.raises(ValidationError) as refused:
        sampling.create_batch(actor=legal_reviewer, **values)
    assert field in refused.value.message_dict
    assert not ReviewBatch.objects.exists()


def test_it_refuses_a_filter_matching_nothing_or_too_much(legal_reviewer, kaiping_files, monkeypatch):
    with pytest.raises(ValidationError, match="没有符合条件的案卷"):
        sampling.create_batch(actor=legal_reviewer, name="无", year=2025, method=SamplingMethod.FILTER,
                              criteria={"status": "hearing"})
    monkeypatch.setattr(sampling, "REVIEW_RULES", replace(sampling.REVIEW_RULES, max_batch_cases=5))
    with pytest.raises(ValidationError, match="超过一个批次最多5件"):
        sampling.create_batch(actor=legal_reviewer, name="全部", year=2025, method=SamplingMethod.FILTER, criteria={})
    assert not ManualReview.objects.exists()


def test_only_the_legal_section_draws(officer, kaiping_files):
    with pytest.raises(PermissionDenied):
        random_batch(officer)
