"""The risk score evaluated honestly: weights chosen on earlier years, tested on a later one.

    .venv/bin/python bench/eval_risk.py [--database-url URL] [--year 2025] [--draws 1000] [--seed 2026]
                                        [--skip-timing]

For a year T, the entities looked at are those in operation that were visited in T (an inspection code issued in
T, the team went in), and the violations found in T are the penalty cases received in T and decided with a
penalty, plus the items found non-conforming on on-site records signed in T. Each entity is scored as of 31
December of T−1, with `fazhi.supervision.risk` (the same query and rules as the pages and the draw).

1. Training (T = Y−1): each factor's points are scaled by a multiplier from {0, ½, 1, 2, 4}, chosen by
   coordinate search to maximise the violations found in the top-ranked fifth of T's visited entities.
2. Test (T = Y): the top-ranked fifth by the module's own weights and by the trained ones, against random
   fifths (`--draws` of them: mean, standard deviation, 2.5–97.5% range). Ties in score are broken at random;
   the top fifth's figure is the exact expectation over those tie-breaks, so it does not depend on a seed.
3. What each factor looks like in year Y (violations per visited entity, by factor level), so a reader can see
   where a factor carries information and where it does not.
4. Timing (unless `--skip-timing`): one county scored as the ranking page does, and the whole province in the
   batch way (`iter_risk_scores`).

The bench database is synthetic; the script ends by saying how its visits and cases were generated, which
decides whether the score can find anything in it.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import time
from collections import Counter, defaultdict
from itertools import product

from province import BENCH_COUNTY_CODE, DEFAULT_DATABASE_URL, configure, describe_database

MULTIPLIERS = (0.0, 0.5, 1.0, 2.0, 4.0)
SEARCH_ROUNDS = 3
FIFTH = 5


# ---- the data ----------------------------------------------------------------------------------------------

def _year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    from django.utils import timezone

    return (timezone.make_aware(dt.datetime(year, 1, 1)), timezone.make_aware(dt.datetime(year + 1, 1, 1)))


def visited_in(year: int):
    """Entities in operation with a visit in `year` (code issued: the team went in)."""
    from fazhi.entities.choices import EntityStatus
    from fazhi.entities.models import Entity
    from fazhi.inspections.models import Inspection
    from fazhi.supervision.risk import VISITED_STATUSES

    start, end = _year_bounds(year)
    visits = Inspection.objects.filter(status__in=VISITED_STATUSES, code_issued_at__gte=start, code_issued_at__lt=end)
    return Entity.objects.filter(status=EntityStatus.OPERATING, pk__in=visits.values("entity_id"))


def violations_in(year: int) -> tuple[dict[int, int], dict[int, int]]:
    """Violations found in `year` per entity: ({entity: penalty cases}, {entity: non-conforming items})."""
    from django.db.models import Count

    from fazhi.cases.models import Case
    from fazhi.inspections.choices import ItemResult, RecordStatus
    from fazhi.inspections.models import ItemCheck

    start, end = _year_bounds(year)
    cases = (Case.objects.filter(received_on__year=year, decided_on__isnull=False, entity__isnull=False)
             .exclude(penalty_kinds="").order_by().values_list("entity_id").annotate(n=Count("pk")))
    items = (ItemCheck.objects.filter(result=ItemResult.NON_COMPLIANT, record__status=RecordStatus.SIGNED,
                                      record__arrived_at__gte=start, record__arrived_at__lt=end)
             .order_by().values_list("record__inspection__entity_id").annotate(n=Count("pk")))
    return dict(cases), dict(items)


class Population:
    """Entities with their factor points and violations, grouped by identical points so that a search over
    weights is quick."""

    def __init__(self):
        self.groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # points → [entities, violations]
        self.violations: list[int] = []

    def add(self, points: tuple, violations: int) -> None:
        self.groups[points][0] += 1
        self.groups[points][1] += violations
        self.violations.append(violations)

    @property
    def entities(self) -> int:
        return len(self.violations)

    @property
    def total(self) -> int:
        return sum(self.violations)


class Year:
    """The visited entities of one year, scored as of the day before it, with the violations found in it; also
    those of them with a credit code, the only ones the generator ever gives a case to."""

    def __init__(self, year: int):
        from fazhi.supervision.risk import FACTORS, iter_risk_facts, score_facts

        self.year, self.as_of = year, dt.date(year - 1, 12, 31)
        started = time.perf_counter()
        cases, items = violations_in(year)
        population = visited_in(year)
        coded = set(population.exclude(credit_code="").values_list("pk", flat=True))
        self.all, self.coded = Population(), Population()
        self.from_cases = self.from_items = 0
        self.levels: dict[str, Counter] = {f.key: Counter() for f in FACTORS}  # factor level → entities
        self.level_violations: dict[str, Counter] = {f.key: Counter() for f in FACTORS}
        for facts in iter_risk_facts(population, self.as_of):
            points = tuple(r.points for r in score_facts(facts, self.as_of).reasons)
            from_cases, from_items = cases.get(facts.entity_id, 0), items.get(facts.entity_id, 0)
            self.from_cases += from_cases
            self.from_items += from_items
            v = from_cases + from_items
            self.all.add(points, v)
            if facts.entity_id in coded:
                self.coded.add(points, v)
            levels = _levels(facts, self.as_of)
            levels["credit_code"] = "有" if facts.entity_id in coded else "无"
            for key, level in levels.items():
                self.levels.setdefault(key, Counter())[level] += 1
                self.level_violations.setdefault(key, Counter())[level] += v
        self.seconds = time.perf_counter() - started

    @property
    def entities(self) -> int:
        return self.all.entities

    @property
    def total(self) -> int:
        return self.all.total


def _levels(facts, as_of: dt.date) -> dict[str, str]:
    from fazhi.supervision.risk import DOMAIN_LABELS, RISK_RULES, months_between

    def many(n: int) -> str:
        return "0" if n == 0 else "1" if n == 1 else "2+"

    if facts.last_visit is None:
        since = "从未检查"
    else:
        months = months_between(facts.last_visit, as_of)
        since = "0–5个月" if months < 6 else "6–11个月" if months < 12 else "12个月以上"
    top = max(facts.domains, key=lambda code: RISK_RULES.domain_points.get(code, 0)) if facts.domains else ""
    return {"grade": f"{facts.grade}级", "penalties": many(facts.penalties), "findings": many(facts.findings),
            "complaints": "无数据", "last_visit": since, "domain": DOMAIN_LABELS.get(top, "未登记")}


# ---- ranking -----------------------------------------------------------------------------------------------

def top_fifth(year: Population, multipliers: tuple[float, ...]) -> float:
    """Violations in the top-ranked fifth, ties broken at random: exact expectation over the tie-breaks."""
    by_score: dict[float, list[int]] = defaultdict(lambda: [0, 0])
    for points, (n, v) in year.groups.items():
        score = sum(m * p for m, p in zip(multipliers, points))
        by_score[score][0] += n
        by_score[score][1] += v
    room, found = year.entities // FIFTH, 0.0
    for score in sorted(by_score, reverse=True):
        n, v = by_score[score]
        if n <= room:
            room -= n
            found += v
        else:
            found += v * room / n  # part of a tie: each of them is in with probability room / n
            break
    return found


def random_fifths(year: Population, draws: int, rng: random.Random) -> list[int]:
    size = year.entities // FIFTH
    return [sum(rng.sample(year.violations, size)) for _ in range(draws)]


def fit(year: Population, factor_count: int) -> tuple[tuple[float, ...], float]:
    """Coordinate search over the multipliers; a change is kept only when it finds strictly more."""
    best = tuple(1.0 for _ in range(factor_count))
    best_found = top_fifth(year, best)
    for _ in range(SEARCH_ROUNDS):
        improved = False
        for i, m in product(range(factor_count), MULTIPLIERS):
            trial = best[:i] + (m,) + best[i + 1:]
            found = top_fifth(year, trial)
            if found > best_found + 1e-9:
                best, best_found, improved = trial, found, True
        if not improved:
            break
    return best, best_found


def percentile(values: list[int], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# ---- printing ----------------------------------------------------------------------------------------------

def describe_data() -> None:
    from django.db.models import Count, Max, Min

    from fazhi.cases.models import Case
    from fazhi.inspections.models import Inspection, ItemCheck, OnSiteRecord

    visits = Inspection.objects.aggregate(first=Min("window_start"), last=Max("window_start"), n=Count("pk"))
    cases = Case.objects.aggregate(first=Min("received_on"), last=Max("received_on"), n=Count("pk"))
    print(f"监督检查 {visits['n']:,} 次（{visits['first']} 至 {visits['last']}）；现场笔录 {OnSiteRecord.objects.count():,} 份，"
          f"检查事项结果 {ItemCheck.objects.count():,} 条；行政处罚案件 {cases['n']:,} 件（{cases['first']} 至 {cases['last']}）")


def print_year(label: str, year: Year) -> None:
    print(f"{label}：{year.year}年受检的在营对象 {year.entities:,} 个（按{year.as_of}评分，{year.seconds:.1f} s），"
          f"当年对其发现违法 {year.total:,} 起（作出处罚的案件 {year.from_cases:,}，检查不合格项 {year.from_items:,}）")


def print_comparison(label: str, found: float, fifths: list[int], year: Population) -> None:
    mean, spread = statistics.mean(fifths), statistics.pstdev(fifths)
    share = found / year.total * 100 if year.total else 0.0
    print(f"  {label}：前五分之一发现 {found:,.1f} 起（占 {share:.1f}%），随机五分之一 {mean:,.1f} ± {spread:,.1f} 起"
          f"（2.5–97.5%：{percentile(fifths, 0.025):,.0f}–{percentile(fifths, 0.975):,.0f}），"
          f"倍数 {found / mean if mean else 0:.3f}，偏离 {(found - mean) / spread if spread else 0:+.1f} 个标准差")


LEVEL_LABELS = {"credit_code": "统一社会信用代码（生成器只给有代码的对象立案）"}


def print_levels(year: Year) -> None:
    from fazhi.supervision.risk import FACTORS

    labels = {**{f.key: f.label for f in FACTORS}, **LEVEL_LABELS}
    overall = year.total / year.entities if year.entities else 0
    print(f"各因素与{year.year}年违法的关系（每个受检对象的平均违法起数，括号内为对象数；全体 {overall:.3f}）：")
    for key, levels in year.levels.items():
        cells = [f"{level} {year.level_violations[key][level] / n:.3f}（{n:,}）" for level, n in sorted(levels.items())]
        print(f"  {labels[key]}：" + "；".join(cells))


def print_timing() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from fazhi.core.models import Organisation
    from fazhi.entities.choices import EntityStatus
    from fazhi.entities.models import Entity
    from fazhi.supervision.risk import iter_risk_scores, risk_scores

    today = timezone.localdate()
    county = Organisation.objects.get(region__code=BENCH_COUNTY_CODE, kind="bureau")
    entities = Entity.objects.filter(organisation=county, status=EntityStatus.OPERATING)
    risk_scores(entities, today)  # warm the cache
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            scored = risk_scores(entities, today)
        timings.append(time.perf_counter() - started)
    print(f"一个县（{county.name}）：{len(scored):,} 个在营对象评分 {min(timings) * 1000:.0f} ms（三次取最快），"
          f"{len(queries)} 次查询")
    started, n, high = time.perf_counter(), 0, 0
    for _, found in iter_risk_scores(Entity.objects.filter(status=EntityStatus.OPERATING), today):
        n += 1
        high += found.is_high
    seconds = time.perf_counter() - started
    print(f"全省批量：{n:,} 个在营对象评分 {seconds:.1f} s（{n / seconds:,.0f} 个/秒），其中高风险 {high:,} 个")


CAVEAT = """说明：这是合成数据上的评估，不能说明风险分在真实数据上的效果。基准库由 bench/province.py 生成：
- 监督检查：随机选取约40%的对象（与等级、专业、案件无关），每个1–4次，日期在参考日（2026-03-02）前两年至后三个月间
  均匀分布；检查没有检查事项、现场笔录和检查结果，所以“检查不合格”一项在库中恒为0。
- 行政处罚案件：50万件按各局在营对象数分配，受理日期在参考日前三年内均匀分布；每件案件的当事人在本局在营、
  有统一社会信用代码、且其专业在裁量基准中有合适违法行为的对象中均匀随机抽取（rng.choice），与该对象的信用等级、
  此前的案件、检查和专业固有风险都无关。
- 信用等级由 fazhi/entities/synthetic.py 按固定比例随机给定（B 70%、A 17%、C 10%、D 3%；被吊销的多为D），也与案件无关。
因此，在这份数据里没有任何因素能预示下一年的违法：前五分之一与随机五分之一应当相当，出现的差别来自抽样波动，
或来自生成器的资格条件（没有信用代码的对象、没有适用违法行为的专业永远不会有案件），而不是风险本身。
要判断风险分是否有用，应在真实的历史数据上运行本脚本。"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--year", type=int, default=2025, help="the test year Y; weights are chosen on Y−1")
    parser.add_argument("--draws", type=int, default=1000, help="random fifths to average")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args(argv)
    configure(args.database_url)
    from fazhi.supervision.risk import FACTORS

    rng = random.Random(args.seed)
    print(f"数据库 {describe_database()}")
    describe_data()
    train, test = Year(args.year - 1), Year(args.year)
    print_year("训练年", train)
    print_year("检验年", test)
    module = tuple(1.0 for _ in FACTORS)
    fitted, fitted_found = fit(train.all, len(FACTORS))
    print("训练所得的各因素倍数（相对模块中的分值）：" + "，".join(f"{f.label}×{m:g}" for f, m in zip(FACTORS, fitted)))
    print(f"训练年（样本内）：模块分值前五分之一 {top_fifth(train.all, module):,.1f} 起，训练分值 {fitted_found:,.1f} 起，"
          f"随机期望 {train.total / FIFTH:,.1f} 起")
    for label, population in (("全部受检对象", test.all), ("其中有统一社会信用代码的", test.coded)):
        fifths = random_fifths(population, args.draws, rng)
        print(f"检验年 {test.year}，{label} {population.entities:,} 个，违法 {population.total:,} 起"
              f"（前五分之一 = {population.entities // FIFTH:,} 个对象；随机五分之一 {args.draws} 次）：")
        print_comparison("模块分值", top_fifth(population, module), fifths, population)
        print_comparison("训练分值", top_fifth(population, fitted), fifths, population)
    print_levels(test)
    if not args.skip_timing:
        print_timing()
    print(CAVEAT)


if __name__ == "__main__":
    main()
