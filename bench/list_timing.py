"""Timing a list page through Django's test Client, for the list benchmarks: query counts in a first pass, then
the whole request timed without query capture, the percentiles, the slowest requests and, on request, their
plans with EXPLAIN (ANALYZE, BUFFERS)."""
from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable


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


def run_viewer(label: str, user, urls: list[str], show_plan: bool, *, visible: str, target_ms: float) -> bool:
    """Time `urls` as `user` and print the figures; `visible` says what the user sees (e.g. "8,635 个监管对象")."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    queries = count_queries(client, urls)
    times = timed_requests(client, urls)
    ms = [t for t, _ in times]
    p95 = percentile(ms, 0.95)
    counts = [queries[url][0] for url in urls]
    print(f"\n{label}（可见 {visible}）：{len(ms)} 次请求")
    print(f"  p50 {statistics.median(ms):.0f} ms，p95 {p95:.0f} ms，max {max(ms):.0f} ms"
          f"（目标 p95 ≤ {target_ms} ms：{'达到' if p95 <= target_ms else '未达到'}）")
    print(f"  每次请求查询数：{min(counts)}–{max(counts)}")
    slowest = sorted({url: t for t, url in times}.items(), key=lambda item: -item[1])[:3]
    for url, t in slowest:
        print(f"  最慢：{t:.0f} ms  {url}  （最慢的一条查询 {queries[url][1]:.0f} ms）")
    if show_plan:
        explain(client, slowest[0][0])
    return p95 <= target_ms


def searched_urls(path: str, searches, filter_pairs, count: int, seed: int) -> list[str]:
    """`count` list addresses, each a search term and one combination of filters, drawn reproducibly."""
    from urllib.parse import urlencode

    rng = random.Random(seed)
    return [f"{path}?{urlencode({'q': rng.choice(searches), **rng.choice(filter_pairs)})}" for _ in range(count)]


def list_benchmark(description: str, argv, *, heading: Callable[[], str], urls: Callable[[int, int], list[str]],
                   visible: Callable[[object], str], target_ms: float) -> None:
    """The command line every list benchmark shares: time the same `urls(requests, seed)` as a county officer
    and as a province leader, and exit non-zero when either misses `target_ms`."""
    import argparse

    from province import DEFAULT_DATABASE_URL, bench_user, configure, describe_database

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    configure(args.database_url)
    print(f"{heading()}（数据库 {describe_database()}）")
    addresses = urls(args.requests, args.seed)
    results = []
    for label, key in (("(a) 县级执法人员", "county"), ("(b) 省级领导", "province")):
        user = bench_user(key)
        results.append(run_viewer(label, user, addresses, args.explain, visible=visible(user), target_ms=target_ms))
    raise SystemExit(0 if all(results) else 1)
