"""Choosing the files of a manual review batch, reproducibly: at random with a recorded seed, or every file a
filter selects, from the files of the reviewing bureau (for a city or province, also of the bureaus below it).

Algorithm fazhi-review-sample-1, in words (so that a draw can be made again anywhere):
- the candidates are the cases of the bureau and the organisations below it that meet the criteria (status,
  procedure, the lead officer's section, an officer on the team, a range of decision dates), as their ids in
  ascending order;
- at random: each candidate is ranked by the SHA-256 of "seed|case id" written in hex, compared as text, and the
  first `sample_size` by rank are drawn (all of them when there are fewer); by filter: all candidates are taken;
- the batch lists the drawn cases by id; `candidate_hash` and `selection_hash` are the SHA-256 of the canonical
  JSON of the two id lists, so a later draw with the same seed and criteria can be compared with the first.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

from fazhi.cases.models import Case, CaseOfficer
from fazhi.core.audit import PendingEvent, lock_audit_chain, record_create, record_events, snapshot
from fazhi.core.choices import AuditAction
from fazhi.core.models import Organisation
from fazhi.core.permissions import acting_bureau

from .choices import SamplingMethod
from .models import ManualReview, ReviewBatch
from .rules import REVIEW_RULES, REVIEWER_ROLES, SAMPLING_ALGORITHM

CRITERIA_KEYS = ("status", "procedure", "section", "officer", "decided_from", "decided_to")


def digest(ids: list[int]) -> str:
    return hashlib.sha256(json.dumps(ids, separators=(",", ":")).encode("utf-8")).hexdigest()


def rank_key(seed: str, case_id: int) -> str:
    return hashlib.sha256(f"{seed}|{case_id}".encode("utf-8")).hexdigest()


def draw(seed: str, candidates: list[int], size: int) -> list[int]:
    """The pure part: `size` of `candidates` by the seed's ranking, listed by id."""
    return sorted(sorted(candidates, key=lambda pk: rank_key(seed, pk))[:size])


def _date(value) -> dt.date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def stored_criteria(**values) -> dict:
    """The criteria as the batch stores them (JSON): ids as numbers, dates as ISO text, empty ones left out."""
    out = {}
    for key in CRITERIA_KEYS:
        value = values.get(key)
        if value in (None, ""):
            continue
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value
    return out


def candidates(bureau: Organisation, criteria: dict) -> list[int]:
    """The ids of the cases of `bureau` and the organisations below it that meet `criteria`, ascending."""
    below = Organisation.objects.filter(path__startswith=bureau.bureau_path).values("pk")
    cases = Case.objects.filter(organisation__in=below)
    if criteria.get("status"):
        cases = cases.filter(status=criteria["status"])
    if criteria.get("procedure"):
        cases = cases.filter(procedure=criteria["procedure"])
    if criteria.get("section"):
        cases = cases.filter(Exists(CaseOfficer.objects.filter(case=OuterRef("pk"), is_lead=True,
                                                               officer__section_id=criteria["section"])))
    if criteria.get("officer"):
        cases = cases.filter(Exists(CaseOfficer.objects.filter(case=OuterRef("pk"), officer_id=criteria["officer"])))
    if criteria.get("decided_from"):
        cases = cases.filter(decided_on__gte=_date(criteria["decided_from"]))
    if criteria.get("decided_to"):
        cases = cases.filter(decided_on__lte=_date(criteria["decided_to"]))
    return list(cases.order_by("pk").values_list("pk", flat=True))


def select(method: str, seed: str, pool: list[int], size: int | None) -> list[int]:
    return draw(seed, pool, size or 0) if method == SamplingMethod.RANDOM else list(pool)


def _problems(name: str, year: int, method: str, sample_size: int | None, criteria: dict) -> dict[str, str]:
    errors = {}
    if not (name or "").strip():
        errors["name"] = "请填写批次名称。"
    if not 2000 <= int(year or 0) <= 2100:
        errors["year"] = "请填写正确的年度。"
    if method not in SamplingMethod.values:
        errors["method"] = "请选择选取方式。"
    if method == SamplingMethod.RANDOM and not (sample_size and sample_size > 0):
        errors["sample_size"] = "随机抽取须填写抽取数量。"
    if method == SamplingMethod.RANDOM and sample_size and sample_size > REVIEW_RULES.max_batch_cases:
        errors["sample_size"] = f"一个批次最多{REVIEW_RULES.max_batch_cases}件案卷。"
    start, end = _date(criteria.get("decided_from")), _date(criteria.get("decided_to"))
    if start and end and end < start:
        errors["decided_to"] = "决定日期止不能早于起。"
    return errors


def ensure_reviewer(actor) -> Organisation:
    if actor is None or not actor.has_role(*REVIEWER_ROLES):
        raise PermissionDenied("只有法制审核人员可以组织案卷评查。")
    return acting_bureau(actor, "组织案卷评查")


def create_batch(*, actor, name: str, year: int, method: str, criteria: dict, sample_size: int | None = None,
                 seed: str = "") -> ReviewBatch:
    """Draw (or select) the files and open a review of each; the parameters, hashes and files are audited."""
    bureau = ensure_reviewer(actor)
    criteria = stored_criteria(**criteria)
    errors = _problems(name, year, method, sample_size, criteria)
    if errors:
        raise ValidationError(errors)
    seed = (seed or "").strip() or secrets.token_hex(8)
    with transaction.atomic():
        lock_audit_chain()
        pool = candidates(bureau, criteria)
        chosen = select(method, seed, pool, sample_size)
        if not chosen:
            raise ValidationError("没有符合条件的案卷，请调整筛选条件。")
        if len(chosen) > REVIEW_RULES.max_batch_cases:
            raise ValidationError(f"符合条件的案卷有{len(chosen)}件，超过一个批次最多{REVIEW_RULES.max_batch_cases}件，"
                                  "请缩小范围或改用随机抽取。")
        batch = ReviewBatch.objects.create(
            organisation=bureau, name=name.strip(), year=year, method=method,
            seed=seed if method == SamplingMethod.RANDOM else "",
            sample_size=sample_size if method == SamplingMethod.RANDOM else None, criteria=criteria,
            candidate_count=len(pool), candidate_hash=digest(pool), selection_hash=digest(chosen),
            algorithm=SAMPLING_ALGORITHM, created_by=actor)
        reviews = ManualReview.objects.bulk_create(
            [ManualReview(batch=batch, case_id=pk, organisation=bureau) for pk in chosen])
        record_create(batch, actor=actor, detail={"cases": chosen})
        record_events((PendingEvent(AuditAction.CREATE, r, after=snapshot(r)) for r in reviews), actor=actor)
    return batch


@dataclass(frozen=True)
class Redraw:
    """The draw made again now, beside the batch as it was made."""

    candidate_count: int
    same_candidates: bool
    same_selection: bool
    added: list[int]  # drawn now, not in the batch
    missing: list[int]  # in the batch, not drawn now

    @property
    def message(self) -> str:
        if self.same_selection and self.same_candidates:
            return "按原种子和条件重新抽取，候选案卷和抽取结果与本批次完全一致。"
        if self.same_selection:
            return (f"候选案卷已有变化（现为{self.candidate_count}件），但按原种子和条件抽取的结果与本批次一致。")
        return (f"候选案卷已有变化（现为{self.candidate_count}件），重新抽取的结果与本批次不同："
                f"新增{len(self.added)}件，缺少{len(self.missing)}件。")


def redraw(batch: ReviewBatch) -> Redraw:
    """Make the batch's draw again with its seed and criteria over today's files and compare."""
    pool = candidates(batch.organisation, batch.criteria)
    chosen = select(batch.method, batch.seed, pool, batch.sample_size)
    held = sorted(batch.reviews.values_list("case_id", flat=True))
    return Redraw(len(pool), digest(pool) == batch.candidate_hash, digest(chosen) == batch.selection_hash,
                  sorted(set(chosen) - set(held)), sorted(set(held) - set(chosen)))
