"""The inspection list at province scale: server time of `/inspections/?q=…&<filter>` through Django's test Client.

    .venv/bin/python bench/bench_inspection_list.py [--database-url URL] [--requests 200] [--explain]

Signed in (force_login) as (a) a county officer, who sees his county's visits, and (b) a province leader, who
sees all of them (about a million, from the `监督检查` step of province.py). Each request is an entity-name
search plus a status, reason or date filter (or two), drawn from a fixed set; the whole request is timed
(middleware, session, queries, template). A first pass counts the queries per request; the timed pass then
runs without query capture. With --explain, the slowest request's queries are shown with EXPLAIN ANALYZE.
"""
from __future__ import annotations

import datetime as dt

import list_timing
from province import BENCH_DAY

SEARCHES = ("诊所", "美发", "宾馆", "人民医院", "卫生室", "幼儿园", "酒店", "kp", "有限公司", "理发店", "药店", "游泳")
TARGET_P95_MS = 150


def filters() -> list[dict]:
    """The filters a county office uses with a name search: status, reason, a period, or two of them."""
    quarter_ago = BENCH_DAY - dt.timedelta(days=91)
    year_start, last_year = BENCH_DAY.replace(month=1, day=1), BENCH_DAY.replace(year=BENCH_DAY.year - 1, month=1, day=1)
    return [
        {"status": "planned"},
        {"status": "closed"},
        {"reason": "complaint"},
        {"reason": "random_draw", "status": "closed"},
        {"window_start_after": year_start.isoformat()},
        {"window_start_after": quarter_ago.isoformat(), "status": "registered"},
        {"window_start_after": last_year.isoformat(), "window_start_before": last_year.replace(month=12, day=31).isoformat()},
        {"reason": "routine", "window_start_after": year_start.isoformat()},
    ]


def main(argv: list[str] | None = None) -> None:
    def heading() -> str:
        from fazhi.inspections.models import Inspection, InspectionOfficer

        return (f"监督检查列表压测：共 {Inspection.objects.count():,} 次监督检查、"
                f"{InspectionOfficer.objects.count():,} 条检查人员记录")

    def visible(user) -> str:
        from fazhi.inspections.models import Inspection

        return f"{Inspection.objects.visible_to(user).count():,} 次监督检查"

    list_timing.list_benchmark(
        __doc__.splitlines()[0], argv, heading=heading, visible=visible, target_ms=TARGET_P95_MS,
        urls=lambda count, seed: list_timing.searched_urls("/inspections/", SEARCHES, filters(), count, seed))


if __name__ == "__main__":
    main()
