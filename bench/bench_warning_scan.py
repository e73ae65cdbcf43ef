"""The early-warning scan over the province: every rule over every record, as the nightly cron runs it.

    .venv/bin/python bench/bench_warning_scan.py [--database-url URL] [--today YYYY-MM-DD] [--organisation ID] [--keep]

Three scans of `fazhi.supervision.scan.scan` on the province `province.py` made, on its reference day (the day its
records were played up to) unless --today says otherwise:

1. the first scan, with no warnings yet: it raises every warning the records call for;
2. the same day again: every finding is compared with its warning and nothing changes (the steady state);
3. the next day: the nightly run, raising, updating and resolving what one day changes.

Each prints, per rule, what it found, raised, changed and resolved and its seconds, then the total against the
target. All of it runs in one transaction rolled back at the end (the audit table refuses deletes), so it can be
repeated; --keep commits. The supervision app's tables are created first if the database has not got them.
"""
from __future__ import annotations

import argparse
import datetime as dt
import time

from province import BENCH_DAY, DEFAULT_DATABASE_URL, configure, describe_database

TARGET_SECONDS = 60


class Rollback(Exception):
    pass


def print_scan(title: str, report) -> None:
    print(f"\n{title}（{report.today:%Y-%m-%d}）")
    print(f"{'规则':<20}{'发现':>10}{'新增':>10}{'更新':>8}{'消除':>8}{'秒':>9}")
    for run in report.runs:
        print(f"{run.code:<20}{run.found:>10,}{run.raised:>10,}{run.changed:>8,}{run.resolved:>8,}{run.seconds:>9.2f}")
    verdict = "达标" if report.seconds <= TARGET_SECONDS else "未达标"
    print(f"{'合计':<20}{report.total('found'):>10,}{report.total('raised'):>10,}{report.total('changed'):>8,}"
          f"{report.total('resolved'):>8,}{report.seconds:>9.2f}  目标 ≤ {TARGET_SECONDS} 秒：{verdict}")


def records_summary() -> str:
    from fazhi.cases.models import Case
    from fazhi.core.models import EnforcementCertificate
    from fazhi.entities.models import Entity
    from fazhi.inspections.models import Inspection, OnSiteRecord, SupervisionOpinion

    counts = {"监管对象": Entity.objects.count(), "检查": Inspection.objects.count(), "案件": Case.objects.count(),
              "现场笔录": OnSiteRecord.objects.count(), "监督意见书": SupervisionOpinion.objects.count(),
              "执法证": EnforcementCertificate.objects.count()}
    return "，".join(f"{name} {n:,}" for name, n in counts.items())


def run(today: dt.date, scope) -> list:
    from django.db import connection

    from fazhi.core.models import AuditEvent
    from fazhi.supervision.scan import scan

    reports = []
    for title, day in (("第一次扫描：尚无预警", today), ("再次扫描：同一日，无变化", today),
                       ("次日扫描：每日定时任务", today + dt.timedelta(days=1))):
        events = AuditEvent.objects.count()
        started = time.perf_counter()
        report = scan(scope, day)
        report.seconds = time.perf_counter() - started
        print_scan(title, report)
        print(f"写入审计事件 {AuditEvent.objects.count() - events:,} 条")
        reports.append(report)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('supervision_earlywarning'))")
        print(f"\n预警表大小（含索引）：{cursor.fetchone()[0]}")
    return reports


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=BENCH_DAY)
    parser.add_argument("--organisation", type=int, help="only the records of this bureau and those below it")
    parser.add_argument("--keep", action="store_true", help="commit the warnings instead of rolling back")
    args = parser.parse_args(argv)
    configure(args.database_url)
    from django.core.management import call_command
    from django.db import transaction

    from fazhi.core.models import Organisation
    from fazhi.supervision.engine import ScanScope

    call_command("migrate", "supervision", verbosity=0)
    print(f"预警扫描压测：数据库 {describe_database()}")
    print(records_summary())
    scope = None
    if args.organisation:
        root = Organisation.objects.get(pk=args.organisation)
        scope = ScanScope.of_organisations(Organisation.objects.filter(path__startswith=root.path)
                                           .values_list("pk", flat=True))
        print(f"范围：{root}及其下级机构")
    reports = []
    try:
        with transaction.atomic():
            reports = run(args.today, scope)
            if not args.keep:
                raise Rollback
    except Rollback:
        print("已回滚：预警和审计事件未保存（--keep 保存）。")
    raise SystemExit(0 if all(r.seconds <= TARGET_SECONDS for r in reports) else 1)


if __name__ == "__main__":
    main()
