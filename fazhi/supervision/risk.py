"""Risk ranking of entities (风险分级): a score per entity from what the bureau's own records hold, with the
reasons, so that plans can weight their random draw towards the entities most likely to be in breach.

The score is the sum of the points of the factors in `FACTORS`, each worked out from the rules table
`RISK_RULES`. Everything is counted as it stood at the end of the day `as_of`: the credit grade of that day,
penalties decided and non-conforming items found in the `history_years` before it, the last visit before it.
Nothing is stored: `risk_scores` reads the facts of any number of entities with one query (one aggregate
subquery per factor) and scores them in Python; `iter_risk_scores` does the same in chunks for a province.

Weights are [M]: set from common practice and checked against the bureau's own history with
`bench/eval_risk.py` (train on earlier years, test on a later one); the administrator changes them here.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count, F, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone

from fazhi.core.choices import SupervisionDomain as D
from fazhi.entities.choices import CreditGrade
from fazhi.entities.querysets import domain_codes_of

DOMAIN_LABELS = dict(D.choices)
GRADE_LABELS = dict(CreditGrade.choices)


@dataclass(frozen=True)
class RiskRules:
    # Credit grade (信用等级). The grade is the bureau's own standing judgement of the entity, and the sampling
    # ratios already rise from A to D (3/5/10/20%); the points rise the same way, D well above C because a D
    # follows a serious or repeated breach. [M]
    grade_points: dict = field(default_factory=lambda: {
        CreditGrade.A: 0, CreditGrade.B: 10, CreditGrade.C: 20, CreditGrade.D: 35,
    })
    # How far back violations and complaints count: three years, the span of a credit record's repair and of
    # most bureaus' "no violation in recent years" test for an A grade. [M]
    history_years: int = 3
    # Each penalty decided against the entity in those years (cases decided with a penalty; not-punished and
    # not-filed cases do not count): past breaches are the best-documented predictor of the next one. Counted
    # up to a cap so that one entity's long record does not swamp every other factor. [M]
    penalty_points: int = 10
    penalty_count_cap: int = 4
    # Each item found non-conforming on a signed on-site record in those years: a breach seen but not (yet)
    # punished, so lighter than a penalty. [M]
    finding_points: int = 4
    finding_count_cap: int = 5
    # Each complaint found true (投诉举报查实) in those years. No complaints module exists yet: the factor is
    # declared with its weight and contributes nothing until one does. [M]
    complaint_points: int = 5
    complaint_count_cap: int = 4
    # Each full month since the last visit (the inspection code issued on entry): what nobody has looked at
    # for long may have drifted. Capped at two years, which is also what an entity never visited gets. [M]
    months_points: int = 1
    months_cap: int = 24
    # The inherent risk of the domain (专业类别), from the harm a breach can do and how many it reaches:
    # ionising radiation and infectious disease (incl. medical waste, disinfection in care) do serious,
    # sometimes irreversible harm; medical services and drinking water reach many people; maternal care and
    # occupational health concern vulnerable groups; school hygiene and disinfection products less so; public
    # places (hotels, barbers, pools) are the most numerous and the least dangerous. An entity under several
    # domains takes the highest. [M]
    domain_points: dict = field(default_factory=lambda: {
        D.RADIATION: 30, D.INFECTIOUS_DISEASE: 30, D.MEDICAL_SERVICE: 25, D.DRINKING_WATER: 25,
        D.MATERNAL_FAMILY: 20, D.OCCUPATIONAL: 20, D.SCHOOL: 15, D.DISINFECTION: 15, D.PUBLIC_PLACE: 10,
    })
    # From this score an entity is shown as high risk (高风险): a D grade with one penalty in a high-risk
    # domain, or a B grade with several breaches, unvisited for a year or more. [M]
    high_risk_score: int = 70
    # The ranking page scores every entity of its scope to sort them; beyond this many it asks to narrow
    # (a bureau, a domain): a province's million belong in the batch, not on a page. [M]
    page_limit: int = 30_000


RISK_RULES = RiskRules()


class Reason(NamedTuple):
    factor: str  # the factor's label
    points: int
    explanation: str  # in Chinese, with the figures it was worked out from


@dataclass(frozen=True)
class EntityFacts:
    """What the score is worked out from, for one entity on one day."""

    entity_id: int
    grade: str
    domains: tuple[str, ...]
    penalties: int
    findings: int
    complaints: int | None  # None: no complaints module to count them from
    last_visit: dt.date | None


@dataclass(frozen=True)
class RiskScore:
    score: int
    reasons: list[Reason]
    facts: EntityFacts
    is_high: bool  # at or above the rules' high-risk score


# ---- the factors ------------------------------------------------------------------------------------------------

def months_between(earlier: dt.date, later: dt.date) -> int:
    """Whole months from `earlier` to `later` (0 when later is earlier)."""
    months = (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)
    return max(months, 0)


def _counted(n: int, cap: int, unit: str = "次") -> tuple[int, str]:
    return min(n, cap), (f"（最多计{cap}{unit}）" if n > cap else "")


def _grade(facts: EntityFacts, rules: RiskRules, as_of: dt.date) -> tuple[int, str]:
    points = rules.grade_points.get(facts.grade, 0)
    return points, f"{as_of:%Y-%m-%d}的信用等级为{GRADE_LABELS.get(facts.grade, facts.grade)}，计{points}分"


def _penalties(facts: EntityFacts, rules: RiskRules, as_of: dt.date) -> tuple[int, str]:
    years = rules.history_years
    if not facts.penalties:
        return 0, f"近{years}年没有受到行政处罚"
    counted, note = _counted(facts.penalties, rules.penalty_count_cap)
    points = counted * rules.penalty_points
    return points, f"近{years}年受到行政处罚{facts.penalties}次{note}，每次{rules.penalty_points}分"


def _findings(facts: EntityFacts, rules: RiskRules, as_of: dt.date) -> tuple[int, str]:
    years = rules.history_years
    if not facts.findings:
        return 0, f"近{years}年现场检查没有不合格项"
    counted, note = _counted(facts.findings, rules.finding_count_cap, "项")
    points = counted * rules.finding_points
    return points, f"近{years}年现场检查不合格{facts.findings}项{note}，每项{rules.finding_points}分"


def _complaints(facts: EntityFacts, rules: RiskRules, as_of: dt.date) -> tuple[int, str]:
    if facts.complaints is None:
        return 0, "投诉举报模块尚未建成，没有可计的投诉记录，本项暂不计分"
    counted, note = _counted(facts.complaints, rules.complaint_count_cap)
    return (counted * rules.complaint_points,
            f"近{rules.history_years}年投诉举报查实{facts.complaints}次{note}，每次{rules.complaint_points}分")


def _last_visit(facts: EntityFacts, rules: RiskRules, as_of: dt.date) -> tuple[int, str]:
    cap = rules.months_cap
    if facts.last_visit is None:
        return cap * rules.months_points, f"没有检查记录，按{cap}个月计，每月{rules.months_points}分"
    months = months_between(facts.last_visit, as_of)
    points = min(months, cap) * rules.months_points
    note = f"（最多计{cap}个月）" if months > cap else ""
    return points, (f"上次检查于{facts.last_visit:%Y-%m-%d}，至评分日{months}个月{note}，"
                    f"每月{rules.months_points}分")


def _domain(facts: EntityFacts, rules: RiskRules, as_of: dt.date) -> tuple[int, str]:
    scored = sorted(((rules.domain_points.get(code, 0), code) for code in facts.domains), reverse=True)
    if not scored:
        return 0, "未登记监管专业"
    points, top = scored[0]
    listed = "、".join(f"{DOMAIN_LABELS.get(code, code)}{p}分" for p, code in scored)
    text = f"监管专业：{listed}" + (f"；取最高的{DOMAIN_LABELS.get(top, top)}" if len(scored) > 1 else "")
    return points, text


@dataclass(frozen=True)
class RiskFactor:
    key: str
    label: str
    basis: str  # what it is counted from, for the page's legend
    points: Callable[[EntityFacts, RiskRules, dt.date], tuple[int, str]]  # (points, explanation)


FACTORS: tuple[RiskFactor, ...] = (
    RiskFactor("grade", "信用等级", "评分当日的信用等级（A–D）", _grade),
    RiskFactor("penalties", "行政处罚", "近几年作出处罚决定的案件（不予处罚、不予立案的不计）", _penalties),
    RiskFactor("findings", "检查不合格", "近几年已签名现场笔录中判为不合格的检查事项", _findings),
    RiskFactor("complaints", "投诉举报", "近几年查实的投诉举报（投诉举报模块建成前不计分）", _complaints),
    RiskFactor("last_visit", "距上次检查", "上次亮码入企检查至今的整月数；从未检查的按上限计", _last_visit),
    RiskFactor("domain", "专业固有风险", "所属监管专业的固有风险，多个专业取最高", _domain),
)


def score_facts(facts: EntityFacts, as_of: dt.date, rules: RiskRules = RISK_RULES) -> RiskScore:
    reasons = [Reason(factor.label, *factor.points(facts, rules, as_of)) for factor in FACTORS]
    score = sum(r.points for r in reasons)
    return RiskScore(score, reasons, facts, score >= rules.high_risk_score)


# ---- the facts, read in bulk ---------------------------------------------------------------------------------

def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _count(queryset, group: str):
    """The number of rows of `queryset` for the outer entity, 0 when there are none."""
    counted = queryset.order_by().values(group).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _grade_on(as_of: dt.date):
    """The grade of the day: today's is on the entity; an earlier day's comes from the credit history (the last
    change in force that day, else what the first later change started from, else the grade now)."""
    if as_of >= timezone.localdate():
        return F("credit_grade")
    from fazhi.entities.models import CreditGradeChange

    changes = CreditGradeChange.objects.filter(entity=OuterRef("pk"))
    in_force = changes.filter(effective_on__lte=as_of).order_by("-effective_on", "-id").values("to_grade")[:1]
    started_from = (changes.filter(effective_on__gt=as_of).exclude(from_grade="").order_by("effective_on", "id")
                    .values("from_grade")[:1])
    return Coalesce(Subquery(in_force), NullIf(Subquery(started_from), Value("")), F("credit_grade"))


VISITED_STATUSES = ("registered", "recorded", "closed")  # InspectionStatus: the team went in


def facts_rows(entities, as_of: dt.date, rules: RiskRules = RISK_RULES):
    """`entities` (a queryset) as rows (id, grade, domain codes, penalties, findings, last visit): one query."""
    from fazhi.cases.models import Case
    from fazhi.inspections.choices import ItemResult, RecordStatus
    from fazhi.inspections.models import Inspection, ItemCheck

    since, until = years_before(as_of, rules.history_years) + dt.timedelta(days=1), as_of
    since_at, until_at = _day_start(since), _day_start(until + dt.timedelta(days=1))
    penalties = (Case.objects.filter(entity=OuterRef("pk"), decided_on__gte=since, decided_on__lte=until)
                 .exclude(penalty_kinds=""))
    findings = ItemCheck.objects.filter(
        record__inspection__entity=OuterRef("pk"), result=ItemResult.NON_COMPLIANT, record__status=RecordStatus.SIGNED,
        record__arrived_at__gte=since_at, record__arrived_at__lt=until_at)
    visits = (Inspection.objects.filter(entity=OuterRef("pk"), status__in=VISITED_STATUSES, code_issued_at__lt=until_at)
              .order_by().values("entity").annotate(last=Max("code_issued_at")).values("last"))
    return (entities.order_by()
            .annotate(risk_grade=_grade_on(as_of), risk_penalties=_count(penalties, "entity"),
                      risk_findings=_count(findings, "record__inspection__entity"), risk_last_visit=Subquery(visits))
            .values_list("pk", "risk_grade", "domain_codes", "risk_penalties", "risk_findings", "risk_last_visit"))


def _facts(row) -> EntityFacts:
    pk, grade, codes, penalties, findings, last_visit = row
    return EntityFacts(
        entity_id=pk, grade=grade, domains=domain_codes_of(codes),
        penalties=penalties, findings=findings, complaints=None,
        last_visit=timezone.localtime(last_visit).date() if last_visit else None,
    )


def risk_facts(entities, as_of: dt.date, rules: RiskRules = RISK_RULES) -> dict[int, EntityFacts]:
    return {row[0]: _facts(row) for row in facts_rows(entities, as_of, rules)}


def risk_scores(entities, as_of: dt.date | None = None, rules: RiskRules = RISK_RULES) -> dict[int, RiskScore]:
    """{entity id: RiskScore} for every entity of the queryset, in one query whatever their number."""
    as_of = as_of or timezone.localdate()
    return {pk: score_facts(facts, as_of, rules) for pk, facts in risk_facts(entities, as_of, rules).items()}


def iter_risk_facts(entities, as_of: dt.date, rules: RiskRules = RISK_RULES, *,
                    chunk: int = 20_000) -> Iterator[EntityFacts]:
    """The facts of every entity of the queryset in id order, one query per `chunk` entities."""
    last = 0
    while True:
        rows = list(facts_rows(entities.filter(pk__gt=last), as_of, rules).order_by("pk")[:chunk])
        yield from map(_facts, rows)
        if len(rows) < chunk:
            return
        last = rows[-1][0]


def iter_risk_scores(entities, as_of: dt.date, rules: RiskRules = RISK_RULES, *,
                     chunk: int = 20_000) -> Iterator[tuple[int, RiskScore]]:
    """(id, RiskScore) in id order, one query per `chunk` entities: for a province's million in a batch."""
    for facts in iter_risk_facts(entities, as_of, rules, chunk=chunk):
        yield facts.entity_id, score_facts(facts, as_of, rules)
