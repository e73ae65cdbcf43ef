"""Joint inspections at scale: 100,000 tasks of five departments over one county, merged into joint visits.

    .venv/bin/python bench/bench_merge.py [--database-url URL] [--tasks 100000] [--keep]

The tasks (`ExternalTask`) are written with COPY over the bench county's entities: five departments (市场监管,
消防救援, 生态环境, 教育, 应急管理), each task a window of one to four weeks in 2026 with two to six checklist
items, some of them the same item as another department's. Then, as the county's section head,
`merge_joint_visits` over the whole of 2026 is timed, with the foreign-key checks its commit would run: it
prints the time, the joint visits made, the tasks merged and the visits saved, then merges again (which must
change nothing). Everything runs in one transaction rolled back at the end, so the benchmark can be repeated on
the same data; --keep commits instead.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time

from province import BENCH_COUNTY_CODE, DEFAULT_DATABASE_URL, bench_user, configure, describe_database

TARGET_SECONDS = 5.0
DEPARTMENTS = ("market", "fire", "environment", "education", "emergency")
ITEMS = {
    "market": ("营业执照公示情况", "食品经营许可证", "计量器具检定", "价格公示", "进货查验记录"),
    "fire": ("消防通道畅通", "灭火器配置", "应急照明", "消防安全责任制", "疏散指示标志"),
    "environment": ("排污许可执行情况", "污水处理设施运行", "危险废物贮存", "环评手续"),
    "education": ("校外培训机构资质", "学生饮用水卫生", "教室采光照明"),
    "emergency": ("安全生产责任制", "应急预案演练", "有限空间作业管理", "消防安全责任制"),
}
YEAR = 2026


def load_tasks(cursor, rng: random.Random, bureau_id: int, entity_ids: list[int], count: int) -> int:
    """COPY `count` tasks: departments in turn, entities at random, windows anywhere in the year."""
    columns = ("organisation_id", "department", "external_id", "entity_id", "title", "items", "window_start",
               "window_end", "created_at")
    now = dt.datetime.now(dt.timezone.utc)
    first_day = dt.date(YEAR, 1, 1)
    with cursor.copy(f"COPY inspections_externaltask ({', '.join(columns)}) FROM STDIN") as copy:
        for n in range(count):
            department = DEPARTMENTS[n % len(DEPARTMENTS)]
            start = first_day + dt.timedelta(days=rng.randint(0, 364 - 28))
            end = start + dt.timedelta(days=rng.choice((6, 13, 20, 27)))
            items = rng.sample(ITEMS[department], rng.randint(2, len(ITEMS[department])))
            copy.write_row((bureau_id, department, f"BENCH-{department}-{n:06d}", rng.choice(entity_ids),
                            f"{YEAR}年度日常检查", json.dumps(items, ensure_ascii=False), start, end, now))
    return count


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="commit the tasks and joint visits instead of rolling back")
    args = parser.parse_args(argv)
    configure(args.database_url)
    from django.db import connection, transaction

    from fazhi.core.bulk import run_deferred_checks
    from fazhi.core.models import AuditEvent, Organisation
    from fazhi.entities.models import Entity
    from fazhi.inspections.joint import merge_joint_visits

    bureau = Organisation.objects.get(region__code=BENCH_COUNTY_CODE)
    user = bench_user("importer")
    entity_ids = list(Entity.objects.filter(organisation=bureau).values_list("pk", flat=True))
    print(f"联合检查合并压测：数据库 {describe_database()}；{bureau.name}，{len(entity_ids):,} 个监管对象")
    window = (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    ok = True
    with transaction.atomic():
        start = time.perf_counter()
        with connection.cursor() as cursor:
            load_tasks(cursor.cursor, random.Random(args.seed), bureau.pk, entity_ids, args.tasks)
            cursor.execute("ANALYZE inspections_externaltask")
        run_deferred_checks()  # the tasks' own checks, not inside the merge's time
        print(f"  写入 {args.tasks:,} 条部门任务（{len(DEPARTMENTS)} 个部门，COPY）：{time.perf_counter() - start:.1f} s")
        events = AuditEvent.objects.count()
        start = time.perf_counter()
        result = merge_joint_visits(bureau, actor=user, window=window)
        run_deferred_checks()
        seconds = time.perf_counter() - start
        written = AuditEvent.objects.count() - events
        met = seconds <= TARGET_SECONDS
        print(f"  合并 {window[0]}–{window[1]}：{seconds:.2f} s（目标 ≤ {TARGET_SECONDS:.0f} s：{'达到' if met else '未达到'}）")
        print(f"  联合检查 {len(result.visits):,} 次，并入任务 {result.tasks_merged:,} 条，"
              f"减少入企 {result.visits_saved:,} 次；审计事件 {written:,} 条")
        start = time.perf_counter()
        again = merge_joint_visits(bureau, actor=user, window=window)
        print(f"  再次合并：{time.perf_counter() - start:.2f} s，新增联合检查 {len(again.visits)} 次"
              f"（应为 0：{'是' if not again.visits else '否'}）")
        ok = met and not again.visits and result.tasks_merged > 0
        transaction.set_rollback(not args.keep)
    if not args.keep:  # the rolled-back rows are dead tuples until vacuumed
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) inspections_externaltask, inspections_jointvisit, core_auditevent")
    print("已提交" if args.keep else "已回滚，数据库未变")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
