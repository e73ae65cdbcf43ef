"""The entity list at province scale: server time of `/entities/?q=…&<two filters>` through Django's test Client.

    .venv/bin/python bench/bench_entity_list.py [--database-url URL] [--requests 200] [--explain]

Signed in (force_login) as (a) a county officer, who sees his county's entities, and (b) a province
leader, who sees all of them. Each request is a name search plus two filters, drawn from a fixed set of
combinations; the whole request is timed (middleware, session, queries, template). A first pass over the
combinations counts the queries per request; the timed pass then runs without query capture. With
--explain, the slowest combination's queries are shown with EXPLAIN (ANALYZE, BUFFERS).
"""
from __future__ import annotations

import argparse
import random
from urllib.parse import urlencode

import list_timing
from province import BENCH_COUNTY_CODE, DEFAULT_DATABASE_URL, bench_user, configure, describe_database

SEARCHES = ("诊所", "美发", "宾馆", "人民医院", "卫生室", "幼儿园", "惠民", "酒店", "kp", "长沙", "有限公司", "理发店")
TARGET_P95_MS = 150


def filter_pairs(township_id: int) -> list[dict]:
    """Two filters per request, in the combinations a county office uses most."""
    return [
        {"kind": "public_place", "status": "operating"},
        {"kind": "medical", "status": "operating"},
        {"status": "suspended", "credit_grade": "C"},
        {"credit_grade": "A", "kind": "public_place"},
        {"township": township_id, "kind": "medical"},
        {"key": "1", "status": "operating"},
        {"domain": "radiation", "status": "operating"},
        {"kind": "water_supply", "credit_grade": "B"},
    ]


def combinations(rng: random.Random, township_id: int, count: int) -> list[str]:
    pairs = filter_pairs(township_id)
    return [f"/entities/?{urlencode({'q': rng.choice(SEARCHES), **rng.choice(pairs)})}" for _ in range(count)]


def run_viewer(label: str, user, urls: list[str], show_plan: bool) -> bool:
    from fazhi.entities.models import Entity

    visible = f"{Entity.objects.visible_to(user).count():,} 个监管对象"
    return list_timing.run_viewer(label, user, urls, show_plan, visible=visible, target_ms=TARGET_P95_MS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    configure(args.database_url)
    from fazhi.core.choices import RegionLevel
    from fazhi.core.models import Region
    from fazhi.entities.models import Entity

    print(f"监管对象列表压测：数据库 {describe_database()}，共 {Entity.objects.count():,} 个监管对象")
    township = Region.objects.filter(parent__code=BENCH_COUNTY_CODE, level=RegionLevel.TOWNSHIP).order_by("code").first()
    urls = combinations(random.Random(args.seed), township.pk, args.requests)
    results = [run_viewer(label, bench_user(key), urls, args.explain)
               for label, key in (("(a) 县级执法人员", "county"), ("(b) 省级领导", "province"))]
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
