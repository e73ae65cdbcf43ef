"""The random draw (双随机) at scale: `run_draw` over 100,000 entities and 500 inspectors, with ratios and recusals.

    .venv/bin/python bench/bench_draw.py [--database-url URL] [--entities 100000] [--inspectors 500] [--repeat 3]

The entity pool is read from the benchmark province, in the shape `draws.build_entity_pool` gives (id, grade,
key, the plan's domains the entity has, recused officers), from the bureaus of one city and as many of its
neighbours as it takes to reach the size: no single county has 100,000 entities, and `run_draw` does not care
whose they are. The pool's reading is timed apart, as the same three queries `build_entity_pool` runs. The
inspector pool is synthetic (500 officers, each certified for some of the plan's domains), and about 2% of
them are recused from a few entities each. Then `run_draw` is timed, and its result checked: teams full,
no recused officer on a team, no one twice on a team, the same result for the same seed.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time
from collections import defaultdict

from province import DEFAULT_DATABASE_URL, configure, describe_database

TARGET_SECONDS = 1.0
RATIOS = {"A": 3, "B": 5, "C": 20, "D": 50}
TEAM_SIZE = 2


def read_entity_pool(size: int) -> tuple[list[dict], float, int]:
    """Entities of whole bureaus (largest first) until `size`, as build_entity_pool reads them; and the seconds."""
    from django.db.models import Count

    from fazhi.entities.choices import EntityStatus
    from fazhi.entities.models import Domain, Entity
    from fazhi.inspections.draws import entity_pool

    plan_domains = set(Domain.objects.values_list("pk", flat=True))  # a plan over every domain
    bureaus, total = [], 0
    for row in (Entity.objects.filter(status=EntityStatus.OPERATING, domains__isnull=False).order_by()
                .values("organisation_id").annotate(n=Count("pk", distinct=True)).order_by("-n")):
        bureaus.append(row["organisation_id"])
        total += row["n"]
        if total >= size:
            break
    start = time.perf_counter()
    scope = Entity.objects.filter(organisation_id__in=bureaus, status=EntityStatus.OPERATING,
                                  domains__in=plan_domains).distinct()
    pool = entity_pool(scope, plan_domains, limit=size)
    seconds = time.perf_counter() - start
    return pool, seconds, len(bureaus)


def synthetic_inspectors(rng: random.Random, count: int, domains: list[str]) -> list[dict]:
    """Officers certified for two to all of the domains (public health ones most often), by id."""
    pool = []
    for n in range(count):
        held = set(rng.sample(domains, rng.randint(2, len(domains))))
        pool.append({"id": 100_000 + n, "domains": sorted(held)})
    return pool


def add_recusals(rng: random.Random, entity_pool: list[dict], inspectors: list[dict], share: float) -> int:
    """About `share` of the inspectors recused from 1–20 entities each (kin, former employers)."""
    recused = rng.sample(inspectors, max(1, round(len(inspectors) * share)))
    pairs = 0
    for inspector in recused:
        for entity in rng.sample(entity_pool, rng.randint(1, 20)):
            if inspector["id"] not in entity["recused"]:
                entity["recused"] = sorted([*entity["recused"], inspector["id"]])
                pairs += 1
    return pairs


def check_result(result: list[dict], entity_pool: list[dict], inspectors: list[dict]) -> list[str]:
    by_id = {e["id"]: e for e in entity_pool}
    certified = {i["id"]: set(i["domains"]) for i in inspectors}
    problems = []
    for row in result:
        entity, team = by_id[row["entity"]], row["team"]
        if len(team) + row["shortfall"] != TEAM_SIZE or len(set(team)) != len(team):
            problems.append(f"对象 {row['entity']} 的检查组人数不对：{team}")
        if set(team) & set(entity["recused"]):
            problems.append(f"对象 {row['entity']} 的检查组有应回避人员：{set(team) & set(entity['recused'])}")
        if any(not set(entity["domains"]) <= certified[i] for i in team):
            problems.append(f"对象 {row['entity']} 的检查组有无相应执法证的人员")
    return problems


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--entities", type=int, default=100_000)
    parser.add_argument("--inspectors", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    configure(args.database_url)
    from fazhi.inspections.draws import digest, run_draw

    print(f"随机抽取压测：数据库 {describe_database()}")
    entity_pool, read_seconds, bureaus = read_entity_pool(args.entities)
    rng = random.Random(args.seed)
    domains = sorted({d for e in entity_pool for d in e["domains"]})
    inspectors = synthetic_inspectors(rng, args.inspectors, domains)
    pairs = add_recusals(rng, entity_pool, inspectors, 0.02)
    grades = defaultdict(int)
    for e in entity_pool:
        grades["重点" if e["key"] else e["grade"]] += 1
    print(f"  检查对象库：{len(entity_pool):,} 个（{bureaus} 个县级单位；"
          + "，".join(f"{g} {n:,}" for g, n in sorted(grades.items())) + f"），读取 {read_seconds:.2f} s")
    print(f"  执法人员库：{len(inspectors)} 人，专业 {len(domains)} 个；回避 {pairs} 对"
          f"（{round(len(inspectors) * 0.02)} 人）；抽查比例 {RATIOS}，每组 {TEAM_SIZE} 人")
    times, result = [], None
    for n in range(args.repeat):
        seed = f"bench{args.seed}"
        start = time.perf_counter()
        result = run_draw(seed, entity_pool, inspectors, RATIOS, TEAM_SIZE)
        times.append(time.perf_counter() - start)
        if n == 0:
            first = digest(result)
    problems = check_result(result, entity_pool, inspectors)
    reproduced = digest(result) == first
    shortfall = sum(row["shortfall"] for row in result)
    print(f"  run_draw：{' / '.join(f'{t:.2f}' for t in times)} s（中位 {statistics.median(times):.2f} s）；"
          f"抽中 {len(result):,} 个，缺员 {shortfall} 个位置")
    print(f"  结果核对：{'检查组齐全、无回避人员、专业相符' if not problems else '；'.join(problems[:5])}；"
          f"同一种子结果{'相同' if reproduced else '不同'}")
    median = statistics.median(times)
    print(f"  目标 ≤ {TARGET_SECONDS:.0f} s（抽取本身，中位）：{'达到' if median <= TARGET_SECONDS else '未达到'}；"
          f"连同读取对象库 {median + read_seconds:.2f} s")
    raise SystemExit(0 if median <= TARGET_SECONDS and not problems and reproduced else 1)


if __name__ == "__main__":
    main()
