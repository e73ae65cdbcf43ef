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
import statistics
import time
from urllib.parse import urlencode

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


def count_queries(client, urls: list[str]) -> dict[str, tuple[int, float]]:
    """Queries per distinct URL and the time of its slowest query (ms), in one pass with query capture."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    found = {}
    for url in dict.fromkeys(urls):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        found[url] = (len(captured), max(float(q["time"]) for q in captured.captured_queries) * 1000)
    return found


def timed_requests(client, urls: list[str]) -> list[tuple[float, str]]:
    times = []
    for url in urls:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        times.append((elapsed, url))
    return times


def explain(client, url: str) -> None:
    """EXPLAIN ANALYZE every query of `url` that took over 10 ms."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            if float(query["time"]) * 1000 < 10:
                continue
            print(f"\n  -- {float(query['time']) * 1000:.0f} ms: {query['sql'][:300]}")
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
            print("\n".join("     " + row[0] for row in cursor.fetchall()))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_viewer(label: str, user, urls: list[str], show_plan: bool) -> bool:
    from django.test import Client

    from fazhi.entities.models import Entity

    client = Client()
    client.force_login(user)
    visible = Entity.objects.visible_to(user).count()
    queries = count_queries(client, urls)
    times = timed_requests(client, urls)
    ms = [t for t, _ in times]
    p95 = percentile(ms, 0.95)
    counts = [queries[url][0] for url in urls]
    print(f"\n{label}（可见 {visible:,} 个监管对象）：{len(ms)} 次请求")
    print(f"  p50 {statistics.median(ms):.0f} ms，p95 {p95:.0f} ms，max {max(ms):.0f} ms"
          f"（目标 p95 ≤ {TARGET_P95_MS} ms：{'达到' if p95 <= TARGET_P95_MS else '未达到'}）")
    print(f"  每次请求查询数：{min(counts)}–{max(counts)}")
    slowest = sorted({url: t for t, url in times}.items(), key=lambda item: -item[1])[:3]
    for url, t in slowest:
        print(f"  最慢：{t:.0f} ms  {url}  （最慢的一条查询 {queries[url][1]:.0f} ms）")
    if show_plan:
        explain(client, slowest[0][0])
    return p95 <= TARGET_P95_MS


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
