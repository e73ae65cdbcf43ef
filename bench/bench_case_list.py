"""The case list at province scale: server time of `/cases/?q=…&<two filters>` through Django's test Client.

    .venv/bin/python bench/bench_case_list.py [--database-url URL] [--requests 200] [--explain]

Signed in (force_login) as (a) a county officer, who sees his county's cases, and (b) a province leader, who
sees all of them (about 500,000, from the `行政处罚案件` step of province.py). Each request is a search (party,
number or cause) plus two filters — status, procedure, source, domain or a period of receipt — drawn from a
fixed set; the whole request is timed (middleware, session, queries, template). A first pass counts the
queries per request; the timed pass then runs without query capture. With --explain, the slowest request's
queries are shown with EXPLAIN ANALYZE.
"""
from __future__ import annotations

import datetime as dt

import list_timing
from province import BENCH_DAY

# Party names, causes and numbers as an office searches them: 罚〔2025〕 finds the year's decisions.
SEARCHES = ("诊所", "医院", "宾馆", "卫生院", "幼儿园", "门诊部", "医疗废物", "健康合格证", "病历", "职业病",
            "罚〔2025〕", "立〔2026〕", "有限公司", "卫生室")
TARGET_P95_MS = 150
URL_NAME = "cases:list"


def filter_pairs() -> list[dict]:
    """Two filters per request, in the combinations a county office uses most."""
    year_start = BENCH_DAY.replace(month=1, day=1)
    last_year = year_start.replace(year=year_start.year - 1)
    quarter_ago = BENCH_DAY - dt.timedelta(days=91)
    return [
        {"status": "investigating", "procedure": "general"},
        {"status": "archived", "domain": "medical_service"},
        {"status": "served", "source": "inspection"},
        {"procedure": "simple", "domain": "public_place"},
        {"domain": "infectious_disease", "received_on_after": year_start.isoformat()},
        {"source": "complaint", "received_on_after": last_year.isoformat(),
         "received_on_before": last_year.replace(month=12, day=31).isoformat()},
        {"status": "closed", "received_on_after": quarter_ago.isoformat()},
        {"procedure": "general", "source": "referral"},
    ]


def main(argv: list[str] | None = None) -> None:
    from django.urls import reverse

    def heading() -> str:
        from fazhi.cases.models import Case, CaseOfficer

        return f"案件列表压测：共 {Case.objects.count():,} 件案件、{CaseOfficer.objects.count():,} 条承办人员记录"

    def visible(user) -> str:
        from fazhi.cases.models import Case

        return f"{Case.objects.visible_to(user).count():,} 件案件"

    list_timing.list_benchmark(
        __doc__.splitlines()[0], argv, heading=heading, visible=visible, target_ms=TARGET_P95_MS,
        urls=lambda count, seed: list_timing.searched_urls(reverse(URL_NAME), SEARCHES, filter_pairs(), count, seed))


if __name__ == "__main__":
    main()
