"""The decision .docx at province scale: time to generate 行政处罚决定书 for 200 decided cases.

    .venv/bin/python bench/bench_case_docx.py [--database-url URL] [--cases 200]

Cases with a penalty decision are drawn at random across the province. Each is read afresh (as the download
view reads it) and its decision built and written to bytes with `fazhi.cases.documents.document_bytes`; the
whole is timed. It prints the median and p95, the queries per document and the size, and exits non-zero when
the p95 misses the target.
"""
from __future__ import annotations

import argparse
import random
import statistics
import time

import list_timing
from province import DEFAULT_DATABASE_URL, configure, describe_database

TARGET_P95_MS = 200
KIND = "penalty_decision"


def decided_cases(count: int, rng: random.Random) -> list[int]:
    from fazhi.cases.models import Case

    ids = list(Case.objects.filter(procedure="general").exclude(decision_number="").exclude(penalty_kinds="")
               .order_by("pk").values_list("pk", flat=True))
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} decided cases: generate the province with its cases first")
    return rng.sample(ids, count)


def generate(pk: int) -> int:
    from fazhi.cases.documents import document_bytes
    from fazhi.cases.models import Case

    return len(document_bytes(Case.objects.get(pk=pk), KIND))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    configure(args.database_url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.cases.models import Case

    print(f"处罚决定书生成压测：数据库 {describe_database()}，共 {Case.objects.count():,} 件案件")
    ids = decided_cases(args.cases, random.Random(args.seed))
    generate(ids[0])  # the first document loads python-docx's template and the fonts' tables
    with CaptureQueriesContext(connection) as captured:
        generate(ids[0])
    times, sizes = [], []
    for pk in ids:
        start = time.perf_counter()
        sizes.append(generate(pk))
        times.append((time.perf_counter() - start) * 1000)
    p95 = list_timing.percentile(times, 0.95)
    print(f"\n{len(ids)} 份行政处罚决定书（.docx，平均 {statistics.mean(sizes) / 1024:.0f} KB，每份 {len(captured)} 次查询）")
    print(f"  中位数 {statistics.median(times):.0f} ms，p95 {p95:.0f} ms，max {max(times):.0f} ms"
          f"（目标 p95 ≤ {TARGET_P95_MS} ms：{'达到' if p95 <= TARGET_P95_MS else '未达到'}）")
    raise SystemExit(0 if p95 <= TARGET_P95_MS else 1)


if __name__ == "__main__":
    main()
