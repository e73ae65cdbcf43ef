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

import argparse
import datetime as dt
import random
from urllib.parse import urlencode

import list_timing
from province import BENCH_DAY, DEFAULT_DATABASE_URL, bench_user, configure, describe_database

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


def combinations(rng: random.Random, count: int) -> list[str]:
    from django.urls import reverse

    path, pairs = reverse(URL_NAME), filter_pairs()
    return [f"{path}?{urlencode({'q': rng.choice(SEARCHES), **rng.choice(pairs)})}" for _ in range(count)]


def run_viewer(label: str, user, urls: list[str], show_plan: bool) -> bool:
    from fazhi.cases.models import Case

    visible = f"{Case.objects.visible_to(user).count():,} 件案件"
    return list_timing.run_viewer(label, user, urls, show_plan, visible=visible, target_ms=TARGET_P95_MS)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    configure(args.database_url)
    from fazhi.cases.models import Case, CaseOfficer

    print(f"案件列表压测：数据库 {describe_database()}，共 {Case.objects.count():,} 件案件、"
          f"{CaseOfficer.objects.count():,} 条承办人员记录")
    urls = combinations(random.Random(args.seed), args.requests)
    results = [run_viewer(label, bench_user(key), urls, args.explain)
               for label, key in (("(a) 县级执法人员", "county"), ("(b) 省级领导", "province"))]
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
