"""The random draw of a plan (双随机: entities and inspectors), reproducible and auditable.

`run_draw` is the whole of the picking and touches no database: given the seed, both pools, the ratios and the
team size it always returns the same result. A draw stores the seed, the pools exactly as drawn from, the
SHA-256 of each pool's and of the result's canonical JSON, and the algorithm's version; checking a draw is
recomputing those hashes and running `run_draw` again.

Algorithm fazhi-draw-1, in words (so that it can be re-implemented anywhere):
- every randomness is a SHA-256 of "seed|purpose|ids" written in hex, compared as text;
- key-supervision entities (重点监管) are all taken, besides the sample (优化营商环境条例第五十四条);
- the other entities are grouped by credit grade; in each grade they are ordered by H(seed|entity|id) and the
  first ceil(n × ratio ÷ 100) are taken (at least one when n > 0 and the ratio > 0, never more than n);
- the picked entities are staffed in the order H(seed|order|id): the inspectors certified for all the entity's
  domains in the plan and not recused from it, least loaded in this draw first, ties by H(seed|team|entity|id);
  the first `team_size` of them form the team, the first being the lead.

Algorithm fazhi-draw-risk-1 (a plan set to 按风险加权抽取) is the same except for the choice inside a grade. Each
entity of the pool carries the risk score it had on the day of the draw (`risk`, see fazhi.supervision.risk), so
the scores are part of the hashed pool; each entity weighs w = max(1, risk). Inside a grade of n entities, of
which k = ceil(n × ratio ÷ 100) are to be taken, with W the sum of their weights (integers throughout):
- while some entity has k × w ≥ W it is certain to be taken: take all such, lower k by their number, take them
  out of W, and look again;
- order the rest by H(seed|entity|id); let r = int(H(seed|start|grade), 16) mod W; walking the entities in that
  order with c the sum of the weights so far, an entity is taken when one of r, r + W, …, r + (k−1)·W falls in
  [k × c, k × (c + w)) (systematic sampling with probability proportional to size).
An entity is then taken with probability k × w ÷ W (k and W as left after the certain ones): twice the score,
twice the chance; every grade still gives exactly its ratio. The result rows also carry the entity's `risk`.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import secrets
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from fazhi.core.audit import PendingEvent, record_event, record_events, snapshot
from fazhi.core.bulk import bulk_insert
from fazhi.core.choices import AuditAction
from fazhi.core.models import EnforcementCertificate, Organisation, User
from fazhi.core.workflow import TransitionRefused
from fazhi.entities.choices import EntityStatus
from fazhi.entities.models import Entity

from .caps import NO_VISITS, cap_counts, goes_over
from .choices import ItemStatus, VisitReason
from .items import ensure_own, ensure_planner
from .models import Draw, Inspection, InspectionItem, InspectionOfficer, InspectionPlan, Recusal
from .models.visits import entity_names
from .planning import move_plan, plan_move_refusal

ALGORITHM = "fazhi-draw-1"
RISK_ALGORITHM = "fazhi-draw-risk-1"  # the choice inside a grade weighted by the entities' risk scores
ALGORITHMS = (ALGORITHM, RISK_ALGORITHM)
# What a draw's audit event holds: the pools and the result are on the draw, their hashes are in the chain.
DRAW_AUDIT_FIELDS = ["plan", "seed", "entity_pool_hash", "inspector_pool_hash", "result_hash", "algorithm", "drawn_by"]


# ---- the pure part -----------------------------------------------------------------------------------------

def canonical_json(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(value) -> str:
    """SHA-256 (hex) of the value's canonical JSON: keys sorted, no spaces, UTF-8."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


def _key(seed: str, *parts) -> str:
    return hashlib.sha256("|".join([seed, *map(str, parts)]).encode("utf-8")).hexdigest()


def sample_size(pool_size: int, ratio) -> int:
    """How many of `pool_size` entities a ratio (in %) takes: rounded up, at least one, at most all."""
    ratio = Decimal(str(ratio))
    if pool_size <= 0 or ratio <= 0:
        return 0
    wanted = (Decimal(pool_size) * ratio / 100).to_integral_value(rounding=ROUND_CEILING)
    return min(pool_size, max(1, int(wanted)))


def risk_weight(entity: dict) -> int:
    return max(1, int(entity["risk"]))


def _weighted_sample(seed: str, grade: str, pool: list[dict], k: int) -> list[dict]:
    """k of `pool`, each with probability proportional to its weight (fazhi-draw-risk-1, in the docstring)."""
    taken: list[dict] = []
    rest = list(pool)
    while k > 0 and rest:
        total = sum(risk_weight(e) for e in rest)
        certain = [e for e in rest if k * risk_weight(e) >= total]
        if not certain:
            break
        certain = sorted(certain, key=lambda e: _key(seed, "entity", e["id"]))[:k]
        taken += certain
        k -= len(certain)
        certain_ids = {e["id"] for e in certain}
        rest = [e for e in rest if e["id"] not in certain_ids]
    if k <= 0 or not rest:
        return taken
    total = sum(risk_weight(e) for e in rest)
    point, step = int(_key(seed, "start", grade), 16) % total, total
    reached = 0
    for entity in sorted(rest, key=lambda e: _key(seed, "entity", e["id"])):
        reached += risk_weight(entity)
        if point < k * reached:  # the next point falls in this entity's stretch [k × c, k × (c + w))
            taken.append(entity)
            point += step
    return taken


def _picked_entities(seed: str, entity_pool: list[dict], ratios: dict, weighted: bool) -> list[tuple[dict, str]]:
    picks = [(e, VisitReason.KEY_SUPERVISION.value) for e in entity_pool if e["key"]]
    by_grade = defaultdict(list)
    for entity in entity_pool:
        if not entity["key"]:
            by_grade[entity["grade"]].append(entity)
    for grade in sorted(by_grade):
        wanted = sample_size(len(by_grade[grade]), ratios.get(grade, 0))
        if weighted:
            chosen = _weighted_sample(seed, grade, by_grade[grade], wanted)
        else:
            chosen = sorted(by_grade[grade], key=lambda e: _key(seed, "entity", e["id"]))[:wanted]
        picks += [(e, VisitReason.RANDOM_DRAW.value) for e in chosen]
    return sorted(picks, key=lambda pick: _key(seed, "order", pick[0]["id"]))


def run_draw(seed: str, entity_pool: list[dict], inspector_pool: list[dict], ratios: dict,
             team_size: int, *, weighted: bool = False) -> list[dict]:
    """Pick the entities and, for each, its team. Pure: the same arguments always give the same result.

    entity_pool: [{"id", "grade", "key", "domains", "recused"}, plus "risk" when `weighted`];
    inspector_pool: [{"id", "domains"}].
    Returns [{"entity", "reason", "team", "shortfall"}, plus "risk" when `weighted`] by entity id; `shortfall`
    counts the places no eligible inspector was left for.
    """
    load = {inspector["id"]: 0 for inspector in inspector_pool}
    encoded = {inspector: str(inspector).encode("utf-8") for inspector in load}
    certified = {inspector["id"]: set(inspector["domains"]) for inspector in inspector_pool}
    certified_for: dict[frozenset, list] = {}  # the inspectors certified for a set of domains, found once per set
    result = []
    for entity, reason in _picked_entities(seed, entity_pool, ratios, weighted):
        needed, recused = frozenset(entity["domains"]), set(entity["recused"])
        if needed not in certified_for:
            certified_for[needed] = [i for i in load if needed <= certified[i]]
        eligible = [i for i in certified_for[needed] if i not in recused]
        team = _lightest(seed, entity["id"], eligible, load, team_size, encoded)
        for inspector in team:
            load[inspector] += 1
        row = {"entity": entity["id"], "reason": reason, "team": team, "shortfall": team_size - len(team)}
        if weighted:
            row["risk"] = entity["risk"]
        result.append(row)
    return sorted(result, key=lambda row: row["entity"])


def _lightest(seed: str, entity_id, eligible: list, load: dict, size: int, encoded: dict) -> list:
    """The first `size` of `eligible` ordered by (load, H(seed|team|entity|id)), hashing only the load levels the
    team is taken from: the same team as sorting them all, for a fraction of the hashes. `encoded`: each
    inspector id as the bytes hashed. Digests order as their hex forms do, so comparing them is the same order."""
    levels = defaultdict(list)
    for inspector in eligible:
        levels[load[inspector]].append(inspector)
    prefix = f"{seed}|team|{entity_id}|".encode("utf-8")
    sha256 = hashlib.sha256
    team: list = []
    for level in sorted(levels):
        if len(team) >= size:
            break
        keyed = [(sha256(prefix + encoded[inspector]).digest(), inspector) for inspector in levels[level]]
        team += [inspector for _, inspector in heapq.nsmallest(size - len(team), keyed)]
    return team


# ---- the pools, read from the database -----------------------------------------------------------------------

def scope_entities(plan: InspectionPlan):
    """The plan's entities: of its bureau, in operation, in its domains and (if it names any) its townships."""
    entities = Entity.objects.filter(organisation_id=plan.organisation_id, status=EntityStatus.OPERATING,
                                     domains__in=plan.domains.all())
    if plan.townships.exists():
        entities = entities.filter(township__in=plan.townships.all())
    return entities.distinct()


def entity_pool(scope, plan_domains: set[str], *, limit: int | None = None, risk: dict | None = None) -> list[dict]:
    """The pool `run_draw` takes, for the entities of `scope` (ordered by id, the first `limit` if given): each
    with its grade, key flag, the plan's domains it falls under (read from `domain_codes`) and its recusals, and,
    when `risk` ({id: score}) is given, its risk score."""
    rows = scope.values_list("pk", "credit_grade", "is_key_supervision", "domain_codes").order_by("pk")
    rows = list(rows[:limit] if limit is not None else rows)
    recused = defaultdict(set)
    for entity_id, officer_id in Recusal.objects.filter(is_active=True, entity__in=scope.values("pk")).values_list(
            "entity_id", "officer_id"):
        recused[entity_id].add(officer_id)
    pool = [{"id": pk, "grade": grade, "key": key, "domains": sorted(set(codes.split()) & plan_domains),
             "recused": sorted(recused[pk])}
            for pk, grade, key, codes in rows]
    if risk is not None:
        for entity in pool:
            entity["risk"] = risk[entity["id"]]
    return pool


# The risk score reads inspections' own records, so the module that computes it builds on this one and hands
# its scorer over when it starts (register_risk_scorer); without one, no plan can be drawn by risk.
_risk_scorer = None


def register_risk_scorer(scorer) -> None:
    """`scorer(entities_queryset) -> {entity_id: score}`, today's risk score of each entity."""
    global _risk_scorer
    _risk_scorer = scorer


def pool_risk(scope) -> dict[int, int]:
    """The risk score of each entity of the scope today."""
    if _risk_scorer is None:
        raise ValidationError("未启用风险评分模块，不能按风险加权抽取。")
    return _risk_scorer(Entity.objects.filter(pk__in=scope.values("pk")))


def build_entity_pool(plan: InspectionPlan) -> list[dict]:
    scope = scope_entities(plan)
    return entity_pool(scope, set(plan.domains.values_list("pk", flat=True)),
                       risk=pool_risk(scope) if plan.risk_weighted else None)


def staff_organisations(bureau: Organisation):
    """The bureau and its supervision institute: whose officers a plan of the bureau may send."""
    return Organisation.objects.filter(Q(bureau_id=bureau.pk) | Q(pk=bureau.pk))


def build_inspector_pool(plan: InspectionPlan) -> list[dict]:
    """Officers of the bureau's staff with a certificate valid on the plan's first day, per domain of the plan."""
    plan_domains = set(plan.domains.values_list("pk", flat=True))
    held = (EnforcementCertificate.objects.valid_on(plan.starts_on)
            .filter(holder__organisation__in=staff_organisations(plan.organisation), holder__is_active=True)
            .values_list("holder_id", "domains__code"))
    domains = defaultdict(set)
    for holder_id, domain in held:
        if domain in plan_domains:
            domains[holder_id].add(domain)
    return [{"id": pk, "domains": sorted(domains[pk])} for pk in sorted(domains)]


# ---- the draw ------------------------------------------------------------------------------------------------

def draw_plan(plan: InspectionPlan, *, actor) -> Draw:
    """Draw a published plan once: store the draw, plan one visit per picked entity, move the plan to 已抽取."""
    ensure_planner(actor, "随机抽取")
    ensure_own(actor, plan, "抽取")
    with transaction.atomic():
        plan = InspectionPlan.objects.select_for_update().select_related("organisation__region").get(pk=plan.pk)
        refusal = plan_move_refusal(plan, "draw")
        if refusal:
            raise TransitionRefused(refusal)
        entity_pool, inspector_pool = build_entity_pool(plan), build_inspector_pool(plan)
        if not entity_pool:
            raise ValidationError("计划范围内没有在营的监管对象，无法抽取。请核对计划的监管专业和乡镇（街道）。")
        seed = secrets.token_hex(16)
        result = run_draw(seed, entity_pool, inspector_pool, plan.sampling_ratios, plan.team_size,
                          weighted=plan.risk_weighted)
        draw = Draw.objects.create(
            organisation_id=plan.organisation_id, plan=plan, seed=seed, drawn_by=actor,
            algorithm=RISK_ALGORITHM if plan.risk_weighted else ALGORITHM,
            entity_pool=entity_pool, inspector_pool=inspector_pool, result=result,
            entity_pool_hash=digest(entity_pool), inspector_pool_hash=digest(inspector_pool),
            result_hash=digest(result),
        )
        record_event(actor=actor, action=AuditAction.CREATE, obj=draw, after=snapshot(draw, DRAW_AUDIT_FIELDS),
                     detail={"entities_in_pool": len(entity_pool), "inspectors_in_pool": len(inspector_pool),
                             "picked": len(result), "sampling_ratios": plan.sampling_ratios,
                             "team_size": plan.team_size, "risk_weighted": plan.risk_weighted})
        _plan_visits(plan, draw, {e["id"]: e["domains"] for e in entity_pool}, actor)
        move_plan(plan, "draw", actor=actor, detail={"draw": draw.pk})
    return draw


def _items_by_domain(items) -> dict[str, list[InspectionItem]]:
    grouped = defaultdict(list)
    for item in items:
        grouped[item.domain_id].append(item)
    return grouped


def _team_certificates(officer_ids, day) -> dict[tuple, int]:
    """(officer, domain) → the certificate `may_enforce` would name on `day`, for all of them in one query."""
    found: dict[tuple, int] = {}
    valid = EnforcementCertificate.objects.filter(holder_id__in=officer_ids).valid_on(day)
    for holder_id, domain, certificate_id in valid.values_list("holder_id", "domains__code", "pk"):
        found.setdefault((holder_id, domain), certificate_id)  # the first in the certificates' own order
    return found


def _plan_visits(plan: InspectionPlan, draw: Draw, domains_of: dict, actor) -> None:
    """One planned visit per picked entity, with its items and team, each audited; in a fixed number of
    queries however many entities were picked."""
    published = InspectionItem.objects.filter(status=ItemStatus.PUBLISHED)
    listed = _items_by_domain(published.filter(pk__in=plan.item_list.all()))
    whole_list = _items_by_domain(published.filter(organisation_id=plan.organisation_id))
    entities = Entity.objects.in_bulk([row["entity"] for row in draw.result])  # each visit's name says its entity
    counted = cap_counts(list(entities), plan.organisation, plan.starts_on.year)
    certificates = _team_certificates({pk for row in draw.result for pk in row["team"]}, plan.starts_on)
    visits = [
        Inspection(organisation_id=plan.organisation_id, entity=entities[row["entity"]], reason=row["reason"],
                   plan=plan, draw=draw, campaign_id=plan.campaign_id, window_start=plan.starts_on,
                   window_end=plan.ends_on, created_by=actor,
                   over_cap=goes_over(counted.get(row["entity"], NO_VISITS), row["reason"]),
                   **entity_names(entities[row["entity"]]))  # bulk: save() does not run
        for row in draw.result
    ]
    bulk_insert(Inspection, visits, with_ids=True)
    items_of, team_of, links, members = {}, {}, [], []
    for inspection, row in zip(visits, draw.result):
        domains = domains_of[row["entity"]]
        items = [i for d in domains for i in listed.get(d, [])] or [i for d in domains for i in whole_list.get(d, [])]
        items_of[inspection.pk], team_of[inspection.pk] = items, row["team"]
        links += [Inspection.items.through(inspection_id=inspection.pk, inspectionitem_id=i.pk) for i in items]
        members += [InspectionOfficer(inspection=inspection, officer_id=pk, is_lead=n == 0,
                                      certificate_id=certificates.get((pk, domains[0])))
                    for n, pk in enumerate(row["team"])]
    Inspection.items.through.objects.bulk_create(links)
    InspectionOfficer.objects.bulk_create(members)
    record_events((PendingEvent(AuditAction.CREATE, inspection, after=_created(inspection, items_of, team_of),
                                detail={"draw": draw.pk, "team": row["team"]})
                   for inspection, row in zip(visits, draw.result)), actor=actor)


def _created(inspection: Inspection, items_of: dict, team_of: dict) -> dict:
    """The visit's snapshot as `snapshot()` takes it, its many-to-many ids from what was just written."""
    after = snapshot(inspection, [f.name for f in Inspection._meta.concrete_fields])
    after["items"] = sorted(str(i.pk) for i in items_of[inspection.pk])
    after["officers"] = sorted(str(pk) for pk in team_of[inspection.pk])
    return after


# ---- checking a draw ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DrawCheck:
    """A draw checked again: each stored hash beside the one recomputed now."""

    seed: str
    algorithm: str
    entity_pool_hash: str
    entity_pool_hash_now: str
    inspector_pool_hash: str
    inspector_pool_hash_now: str
    result_hash: str
    result_hash_now: str  # of the stored result
    rerun_hash: str  # of the result the stored seed and pools give when drawn again
    known_algorithm: bool

    @property
    def pools_intact(self) -> bool:
        return (self.entity_pool_hash, self.inspector_pool_hash) == (self.entity_pool_hash_now,
                                                                     self.inspector_pool_hash_now)

    @property
    def result_intact(self) -> bool:
        return self.result_hash == self.result_hash_now

    @property
    def result_reproduced(self) -> bool:
        return self.known_algorithm and self.rerun_hash == self.result_hash

    @property
    def ok(self) -> bool:
        return self.pools_intact and self.result_intact and self.result_reproduced

    def lines(self) -> list[tuple[str, str, str]]:
        """(what, stored, recomputed) for a page or a terminal."""
        return [
            ("检查对象库哈希", self.entity_pool_hash, self.entity_pool_hash_now),
            ("执法人员库哈希", self.inspector_pool_hash, self.inspector_pool_hash_now),
            ("抽取结果哈希", self.result_hash, self.result_hash_now),
            ("按种子重新抽取的结果哈希", self.result_hash, self.rerun_hash),
        ]


def verify_draw(draw: Draw) -> DrawCheck:
    plan = draw.plan
    known = draw.algorithm in ALGORITHMS
    rerun = run_draw(draw.seed, draw.entity_pool, draw.inspector_pool, plan.sampling_ratios, plan.team_size,
                     weighted=draw.algorithm == RISK_ALGORITHM) if known else None
    return DrawCheck(
        seed=draw.seed, algorithm=draw.algorithm,
        entity_pool_hash=draw.entity_pool_hash, entity_pool_hash_now=digest(draw.entity_pool),
        inspector_pool_hash=draw.inspector_pool_hash, inspector_pool_hash_now=digest(draw.inspector_pool),
        result_hash=draw.result_hash, result_hash_now=digest(draw.result),
        rerun_hash=digest(rerun) if known else "", known_algorithm=known,
    )


# ---- reading a draw ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DrawRow:
    entity: Entity
    reason_label: str
    team: list
    shortfall: int
    risk: int | None = None  # the risk score the entity was drawn with (weighted draws)


def draw_rows(result: list[dict]) -> list[DrawRow]:
    """Rows of a draw's result (or a page of them) with names, in two queries whatever their number."""
    entities = Entity.objects.in_bulk([row["entity"] for row in result])
    people = User.objects.in_bulk([pk for row in result for pk in row["team"]])
    reasons = dict(VisitReason.choices)
    return [DrawRow(entities.get(row["entity"]), reasons.get(row["reason"], row["reason"]),
                    [people.get(pk) for pk in row["team"]], row.get("shortfall", 0), row.get("risk"))
            for row in result]
