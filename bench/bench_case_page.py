"""A case's page at province scale: server time of `/cases/<pk>/` for 200 different cases, through Django's
test Client.

    .venv/bin/python bench/bench_case_page.py [--database-url URL] [--cases 200] [--explain]

Signed in (force_login) as the county officer, over cases of his county drawn at random (so in the states'
own proportions, most of them decided and archived with their whole record: team, evidence, interview,
reviews, notice, service, payments). The whole request is timed (middleware, session, queries, template);
a first pass counts the queries of each page, the timed pass runs without query capture. With --explain,
the slowest page's queries are shown with EXPLAIN ANALYZE.
"""
from __future__ import annotations

import argparse
import random

import list_timing
from province import DEFAULT_DATABASE_URL, bench_user, configure, describe_database

TARGET_P95_MS = 150
URL_NAME = "cases:detail"


def case_urls(user, count: int, rng: random.Random) -> tuple[list[str], str]:
    from collections import Counter

    from django.urls import reverse

    from fazhi.cases.models import Case

    visible = list(Case.objects.visible_to(user).order_by("pk").values_list("pk", "status"))
    if len(visible) < count:
        raise SystemExit(f"only {len(visible)} cases visible to {user}: generate the province with its cases first")
    chosen = rng.sample(visible, count)
    states = Counter(status for _, status in chosen)
    summary = f"{len(visible):,} 件中随机 {count} 件（" + "、".join(f"{s} {n}" for s, n in states.most_common()) + "）"
    return [reverse(URL_NAME, args=[pk]) for pk, _ in chosen], summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args(argv)
    configure(args.database_url)
    from fazhi.cases.models import Case

    print(f"案件页面压测：数据库 {describe_database()}，共 {Case.objects.count():,} 件案件")
    user = bench_user("county")
    urls, summary = case_urls(user, args.cases, random.Random(args.seed))
    ok = list_timing.run_viewer("县级执法人员", user, urls, args.explain, visible=summary, target_ms=TARGET_P95_MS)
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
