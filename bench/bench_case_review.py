"""Automatic case-file review at province scale: case files reviewed per second (target ≥ 500).

    .venv/bin/python bench/bench_case_review.py [--database-url URL] [--cases 20000] [--batch-size 500] [--keep]

Cases are drawn at random across the province (so in the states' own proportions: most decided and archived with
their whole record). They are reviewed as the `review_case_files` command reviews them — `fazhi.reviews.automatic`,
a batch at a time: every record read in bulk, every check of the rubric run, the results and findings written —
and the whole is timed. It prints files per second, the queries of one batch, and what was found per rubric item.
The writes run in one transaction rolled back at the end (`--keep` commits them). The reviews app's tables are
migrated first if the database lacks them.
"""
from __future__ import annotations

import argparse
import random
import time
from collections import Counter

from province import DEFAULT_DATABASE_URL, configure, describe_database

TARGET_FILES_PER_SECOND = 500


class Rollback(Exception):
    pass


def sample_ids(count: int, rng: random.Random) -> list[int]:
    from fazhi.cases.models import Case

    ids = list(Case.objects.order_by("pk").values_list("pk", flat=True))
    if len(ids) < count:
        raise SystemExit(f"only {len(ids)} cases: generate the province with its cases first")
    return sorted(rng.sample(ids, count))


def review(ids: list[int], batch_size: int) -> tuple[float, int, object]:
    """Review `ids` batch by batch; (seconds, queries of the first batch, the tally)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fazhi.core.workdays import shared_calendar
    from fazhi.reviews.automatic import Rubric, Tally, review_batch
    from fazhi.reviews.bundle import BundleLoader

    total = Tally()
    started = time.perf_counter()
    with shared_calendar():
        loader, rubric = BundleLoader(), Rubric.current()
        with CaptureQueriesContext(connection) as first:
            total.add(review_batch(loader, rubric, ids[:batch_size]))
        for start in range(batch_size, len(ids), batch_size):
            total.add(review_batch(loader, rubric, ids[start:start + batch_size]))
    return time.perf_counter() - started, len(first), total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="commit the results instead of rolling them back")
    args = parser.parse_args(argv)
    configure(args.database_url)
    from django.core.management import call_command
    from django.db import transaction

    from fazhi.cases.models import Case
    from fazhi.reviews.models import AutomaticFinding

    call_command("migrate", "reviews", verbosity=0, interactive=False)
    print(f"自动评查压测：数据库 {describe_database()}，共 {Case.objects.count():,} 件案件")
    ids = sample_ids(args.cases, random.Random(args.seed))
    try:
        with transaction.atomic():
            seconds, queries, tally = review(ids, args.batch_size)
            by_item = Counter(AutomaticFinding.objects.filter(case_id__in=ids).values_list("item__code", flat=True))
            if not args.keep:
                raise Rollback
    except Rollback:
        pass
    rate = tally.cases / seconds
    print(f"评查 {tally.cases:,} 件案卷（每批 {args.batch_size} 件），用时 {seconds:.1f} 秒：{rate:,.0f} 件/秒"
          f"（目标 ≥ {TARGET_FILES_PER_SECOND} 件/秒）")
    print(f"每批查询 {queries} 次（与批量大小无关）；发现问题的案卷 {tally.flagged:,} 件，触及否决项的 {tally.vetoed:,} 件，"
          f"问题 {tally.findings:,} 个")
    print("按评查条目：" + "、".join(f"{code} {n:,}" for code, n in sorted(by_item.items())))
    print("结果已保存。" if args.keep else "结果已回滚（--keep 保存）。")
    raise SystemExit(0 if rate >= TARGET_FILES_PER_SECOND else 1)


if __name__ == "__main__":
    main()
