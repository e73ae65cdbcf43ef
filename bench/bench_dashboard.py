"""The leaders' dashboard at province scale: server time of `/reports/?year=…` through Django's test Client, for
one county and for the whole province, each against the bare SQL aggregates over the same rows.

    .venv/bin/python bench/bench_dashboard.py [--database-url URL] [--requests 30] [--year 2025]

Signed in (force_login) as (a) the leader of 开平市 (one column) and (b) the province leader (every bureau of
the province side by side, about 140 columns). The whole request is timed (middleware, session, queries, the
table and the charts); a first pass counts its queries. Then the same figures are computed with hand-written
SQL — one statement per aggregate, the year and the year before in each, grouped by organisation — timed alone
over the same organisations and periods. Both are timed over the figures of the inspections, penalty cases and
staff (registered by fazhi.reports); the dashboard with every registered figure is timed too when the database
holds the other modules' tables. Exits non-zero when a target is missed: a county ≤ 300 ms and the province
≤ 3 s at p95, each within 2× of its bare SQL (p50 against p50).
"""
from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

import list_timing
from province import BENCH_DAY, DEFAULT_DATABASE_URL, configure, describe_database

TARGETS_MS = {"county": 300, "province": 3000}
MAX_RATIO = 2.0
OWN_PREFIXES = ("inspections.", "cases.", "core.")

# ---- the bare SQL: the same aggregates the registered figures compute, written by hand --------------------------
# %(orgs)s the organisation ids; %(s0)s–%(e0)s the year, %(s1)s–%(e1)s the year before; %(due0)s/%(due1)s the last
# due day of a rectification item in each (today at the latest).
DONE = "('recorded', 'closed')"
CASE_DRIVEN = "('complaint', 'hotline', 'referral', 'recheck', 'licence_verification', 'emergency')"
BARE_SQL = {
    "visits": f"""
        SELECT organisation_id,
          count(*) FILTER (WHERE window_start BETWEEN %(s0)s AND %(e0)s AND status IN {DONE}),
          count(*) FILTER (WHERE window_start BETWEEN %(s0)s AND %(e0)s AND status IN {DONE}
                           AND joint_visit_id IS NOT NULL),
          count(*) FILTER (WHERE window_start BETWEEN %(s0)s AND %(e0)s AND reason NOT IN {CASE_DRIVEN}),
          count(DISTINCT entity_id) FILTER (WHERE window_start BETWEEN %(s0)s AND %(e0)s
                                            AND reason NOT IN {CASE_DRIVEN}),
          count(*) FILTER (WHERE window_start BETWEEN %(s1)s AND %(e1)s AND status IN {DONE}),
          count(*) FILTER (WHERE window_start BETWEEN %(s1)s AND %(e1)s AND status IN {DONE}
                           AND joint_visit_id IS NOT NULL),
          count(*) FILTER (WHERE window_start BETWEEN %(s1)s AND %(e1)s AND reason NOT IN {CASE_DRIVEN}),
          count(DISTINCT entity_id) FILTER (WHERE window_start BETWEEN %(s1)s AND %(e1)s
                                            AND reason NOT IN {CASE_DRIVEN})
        FROM inspections_inspection
        WHERE organisation_id = ANY(%(orgs)s) AND status <> 'cancelled'
          AND (window_start BETWEEN %(s0)s AND %(e0)s OR window_start BETWEEN %(s1)s AND %(e1)s)
        GROUP BY organisation_id""",
    "coverage, visited": f"""
        SELECT i.organisation_id,
          count(DISTINCT i.entity_id) FILTER (WHERE i.window_start BETWEEN %(s0)s AND %(e0)s),
          count(DISTINCT i.entity_id) FILTER (WHERE i.window_start BETWEEN %(s1)s AND %(e1)s)
        FROM inspections_inspection i JOIN entities_entity e ON e.id = i.entity_id
        WHERE i.organisation_id = ANY(%(orgs)s) AND i.status IN {DONE} AND e.status = 'operating'
          AND e.organisation_id = i.organisation_id
          AND (i.window_start BETWEEN %(s0)s AND %(e0)s OR i.window_start BETWEEN %(s1)s AND %(e1)s)
        GROUP BY i.organisation_id""",
    "coverage, entities": """
        SELECT organisation_id, count(*) FROM entities_entity
        WHERE organisation_id = ANY(%(orgs)s) AND status = 'operating' GROUP BY organisation_id""",
    "joint visits": """
        SELECT organisation_id, count(*) FILTER (WHERE window_start BETWEEN %(s0)s AND %(e0)s),
          count(*) FILTER (WHERE window_start BETWEEN %(s1)s AND %(e1)s)
        FROM inspections_jointvisit WHERE organisation_id = ANY(%(orgs)s)
          AND (window_start BETWEEN %(s0)s AND %(e0)s OR window_start BETWEEN %(s1)s AND %(e1)s)
        GROUP BY organisation_id""",
    "opinions": """
        SELECT organisation_id, count(*) FILTER (WHERE issued_on BETWEEN %(s0)s AND %(e0)s),
          count(*) FILTER (WHERE issued_on BETWEEN %(s1)s AND %(e1)s)
        FROM inspections_supervisionopinion WHERE organisation_id = ANY(%(orgs)s)
          AND (issued_on BETWEEN %(s0)s AND %(e0)s OR issued_on BETWEEN %(s1)s AND %(e1)s)
        GROUP BY organisation_id""",
    "rectification": """
        SELECT o.organisation_id,
          count(*) FILTER (WHERE r.deadline BETWEEN %(s0)s AND %(due0)s),
          count(*) FILTER (WHERE r.deadline BETWEEN %(s0)s AND %(due0)s AND r.status = 'accepted'),
          count(*) FILTER (WHERE r.deadline BETWEEN %(s1)s AND %(due1)s),
          count(*) FILTER (WHERE r.deadline BETWEEN %(s1)s AND %(due1)s AND r.status = 'accepted')
        FROM inspections_rectificationitem r JOIN inspections_supervisionopinion o ON o.id = r.opinion_id
        WHERE o.organisation_id = ANY(%(orgs)s)
          AND (r.deadline BETWEEN %(s0)s AND %(due0)s OR r.deadline BETWEEN %(s1)s AND %(due1)s)
        GROUP BY o.organisation_id""",
    "campaigns": """
        SELECT organisation_id, count(*) FILTER (WHERE starts_on <= %(e0)s AND ends_on >= %(s0)s),
          count(*) FILTER (WHERE starts_on <= %(e1)s AND ends_on >= %(s1)s)
        FROM inspections_campaign WHERE organisation_id = ANY(%(orgs)s)
          AND (starts_on <= %(e0)s AND ends_on >= %(s0)s OR starts_on <= %(e1)s AND ends_on >= %(s1)s)
        GROUP BY organisation_id""",
    "on-site records": """
        SELECT organisation_id,
          count(*) FILTER (WHERE arrived_at >= %(t0)s AND arrived_at < %(u0)s),
          count(*) FILTER (WHERE arrived_at >= %(t0)s AND arrived_at < %(u0)s AND bodycam_file_id <> ''),
          count(*) FILTER (WHERE arrived_at >= %(t1)s AND arrived_at < %(u1)s),
          count(*) FILTER (WHERE arrived_at >= %(t1)s AND arrived_at < %(u1)s AND bodycam_file_id <> '')
        FROM inspections_onsiterecord WHERE organisation_id = ANY(%(orgs)s) AND status = 'signed'
          AND (arrived_at >= %(t0)s AND arrived_at < %(u0)s OR arrived_at >= %(t1)s AND arrived_at < %(u1)s)
        GROUP BY organisation_id""",
    "cases": """
        SELECT organisation_id,
          count(*) FILTER (WHERE procedure = 'general' AND filed_on BETWEEN %(s0)s AND %(e0)s),
          count(*) FILTER (WHERE procedure = 'simple' AND decided_on BETWEEN %(s0)s AND %(e0)s),
          sum(fine_amount) FILTER (WHERE decided_on BETWEEN %(s0)s AND %(e0)s AND penalty_kinds <> ''
                                   AND (fine_amount > 0 OR confiscation_amount > 0)),
          sum(confiscation_amount) FILTER (WHERE decided_on BETWEEN %(s0)s AND %(e0)s AND penalty_kinds <> ''
                                           AND (fine_amount > 0 OR confiscation_amount > 0)),
          count(*) FILTER (WHERE procedure = 'general' AND penalty_kinds = '' AND decided_on BETWEEN %(s0)s AND %(e0)s),
          count(*) FILTER (WHERE transferred_to <> '' AND received_on BETWEEN %(s0)s AND %(e0)s),
          count(*) FILTER (WHERE procedure = 'general' AND filed_on BETWEEN %(s1)s AND %(e1)s),
          count(*) FILTER (WHERE procedure = 'simple' AND decided_on BETWEEN %(s1)s AND %(e1)s),
          sum(fine_amount) FILTER (WHERE decided_on BETWEEN %(s1)s AND %(e1)s AND penalty_kinds <> ''
                                   AND (fine_amount > 0 OR confiscation_amount > 0)),
          sum(confiscation_amount) FILTER (WHERE decided_on BETWEEN %(s1)s AND %(e1)s AND penalty_kinds <> ''
                                           AND (fine_amount > 0 OR confiscation_amount > 0)),
          count(*) FILTER (WHERE procedure = 'general' AND penalty_kinds = '' AND decided_on BETWEEN %(s1)s AND %(e1)s),
          count(*) FILTER (WHERE transferred_to <> '' AND received_on BETWEEN %(s1)s AND %(e1)s)
        FROM cases_case WHERE organisation_id = ANY(%(orgs)s)
          AND (filed_on BETWEEN %(s1)s AND %(e0)s OR decided_on BETWEEN %(s1)s AND %(e0)s
               OR received_on BETWEEN %(s1)s AND %(e0)s AND transferred_to <> '')
        GROUP BY organisation_id""",
    "deliberations": """
        SELECT c.organisation_id, count(DISTINCT d.case_id) FILTER (WHERE d.held_on BETWEEN %(s0)s AND %(e0)s),
          count(DISTINCT d.case_id) FILTER (WHERE d.held_on BETWEEN %(s1)s AND %(e1)s)
        FROM cases_deliberation d JOIN cases_case c ON c.id = d.case_id
        WHERE c.organisation_id = ANY(%(orgs)s)
          AND (d.held_on BETWEEN %(s0)s AND %(e0)s OR d.held_on BETWEEN %(s1)s AND %(e1)s)
        GROUP BY c.organisation_id""",
    "legal review": """
        SELECT organisation_id,
          count(*) FILTER (WHERE decided_on BETWEEN %(s0)s AND %(e0)s),
          count(*) FILTER (WHERE decided_on BETWEEN %(s0)s AND %(e0)s AND EXISTS (
            SELECT 1 FROM cases_legalreview r WHERE r.case_id = c.id AND r.stage = 'legal' AND r.outcome = 'agree'
              AND r.reviewed_on <= c.decided_on)),
          count(*) FILTER (WHERE decided_on BETWEEN %(s1)s AND %(e1)s),
          count(*) FILTER (WHERE decided_on BETWEEN %(s1)s AND %(e1)s AND EXISTS (
            SELECT 1 FROM cases_legalreview r WHERE r.case_id = c.id AND r.stage = 'legal' AND r.outcome = 'agree'
              AND r.reviewed_on <= c.decided_on))
        FROM cases_case c WHERE organisation_id = ANY(%(orgs)s) AND procedure = 'general'
          AND decided_on IS NOT NULL AND ({rules})
          AND (decided_on BETWEEN %(s0)s AND %(e0)s OR decided_on BETWEEN %(s1)s AND %(e1)s)
        GROUP BY organisation_id""",
    "officers": """
        SELECT u.organisation_id, count(*),
          count(*) FILTER (WHERE EXISTS (SELECT 1 FROM core_enforcementcertificate c WHERE c.holder_id = u.id
            AND c.valid_from <= %(e0)s AND c.valid_to >= %(e0)s
            AND NOT (c.status IN ('revoked', 'cancelled') AND c.ended_on <= %(e0)s)
            AND NOT EXISTS (SELECT 1 FROM core_certificatesuspension s WHERE s.certificate_id = c.id
              AND s.start <= %(e0)s AND (s."end" IS NULL OR s."end" > %(e0)s)))),
          count(*) FILTER (WHERE EXISTS (SELECT 1 FROM core_enforcementcertificate c WHERE c.holder_id = u.id
            AND c.valid_from <= %(e1)s AND c.valid_to >= %(e1)s
            AND NOT (c.status IN ('revoked', 'cancelled') AND c.ended_on <= %(e1)s)
            AND NOT EXISTS (SELECT 1 FROM core_certificatesuspension s WHERE s.certificate_id = c.id
              AND s.start <= %(e1)s AND (s."end" IS NULL OR s."end" > %(e1)s))))
        FROM core_user u WHERE u.organisation_id = ANY(%(orgs)s) AND u.is_active
          AND EXISTS (SELECT 1 FROM core_roleassignment r WHERE r.user_id = u.id AND r.role = 'officer')
        GROUP BY u.organisation_id""",
}


def rule_table_sql() -> str:
    """The active legal-review rows of the case rule table as one SQL condition (cases.querysets.rule_condition),
    to be run with parameters (so a literal percent sign is doubled)."""
    from fazhi.cases.models import CaseRule

    parts = []
    for rule in CaseRule.objects.filter(effect="legal_review", is_active=True):
        party = f"party_kind = '{rule.party_kind}' AND " if rule.party_kind else ""
        condition = {
            "fine_at_least": f"fine_amount >= {rule.amount}",
            "confiscation_at_least": f"confiscation_amount >= {rule.amount}",
            "penalty_kind": f"(' ' || penalty_kinds || ' ') LIKE '%% {rule.penalty_kind} %%'",  # %% : a placeholder
            "after_hearing": "EXISTS (SELECT 1 FROM cases_hearing h WHERE h.case_id = c.id AND h.held_on IS NOT NULL)",
            "complex": "is_complex", "public_interest": "is_major_public_interest",
        }[rule.condition]
        parts.append(f"({party}{condition})")
    return " OR ".join(parts) or "false"


def parameters(orgs: list[int], year: int) -> dict:
    from django.utils import timezone

    zone = timezone.get_current_timezone()
    today = timezone.localdate()
    params = {"orgs": orgs}
    for n, y in enumerate((year, year - 1)):
        start, end = dt.date(y, 1, 1), dt.date(y, 12, 31)
        params.update({f"s{n}": start, f"e{n}": min(end, today), f"due{n}": min(end, today),
                       f"t{n}": dt.datetime.combine(start, dt.time.min, tzinfo=zone),
                       f"u{n}": dt.datetime.combine(min(end, today) + dt.timedelta(days=1), dt.time.min, tzinfo=zone)})
    return params


def time_bare_sql(orgs: list[int], year: int, rounds: int) -> tuple[list[float], dict[str, float]]:
    from django.db import connection

    statements = {name: sql.replace("{rules}", rule_table_sql()) for name, sql in BARE_SQL.items()}
    params = parameters(orgs, year)
    totals, each = [], {name: [] for name in statements}
    with connection.cursor() as cursor:
        for _ in range(rounds):
            started = time.perf_counter()
            for name, sql in statements.items():
                began = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                each[name].append((time.perf_counter() - began) * 1000)
            totals.append((time.perf_counter() - started) * 1000)
    return totals, {name: statistics.median(ms) for name, ms in each.items()}


def own_figures_only():
    """Keep the figures this benchmark has bare SQL for; returns a function that puts the others back."""
    from fazhi.reports import indicators as registry

    everything = dict(registry._REGISTRY)
    registry._REGISTRY.clear()
    registry._REGISTRY.update({code: ind for code, ind in everything.items() if code.startswith(OWN_PREFIXES)})

    def restore():
        registry._REGISTRY.clear()
        registry._REGISTRY.update(everything)

    return restore


def summary(ms: list[float]) -> str:
    return f"p50 {statistics.median(ms):.0f} ms，p95 {list_timing.percentile(ms, 0.95):.0f} ms，max {max(ms):.0f} ms"


def run(label: str, key: str, user, year: int, requests: int) -> bool:
    from django.test import Client

    from fazhi.reports.scopes import all_ids, columns_of, home_bureau

    bureau = home_bureau(user)
    columns = columns_of(bureau)
    url = f"/reports/?year={year}"
    client = Client()
    client.force_login(user)
    print(f"\n{label}：{bureau.name}，{len(columns)} 列，{year}年与{year - 1}年")
    restore = own_figures_only()
    try:
        queries = list_timing.count_queries(client, [url])[url]
        page = list_timing.timed_requests(client, [url] * requests)
    finally:
        restore()
    page_ms = [t for t, _ in page]
    bare_ms, each = time_bare_sql(list(all_ids(columns)), year, requests)
    p95, target = list_timing.percentile(page_ms, 0.95), TARGETS_MS[key]
    ratio = statistics.median(page_ms) / statistics.median(bare_ms)
    print(f"  驾驶舱（本应用登记的指标，{queries[0]} 条查询）：{summary(page_ms)}"
          f"（目标 p95 ≤ {target} ms：{'达到' if p95 <= target else '未达到'}）")
    print(f"  同样行上的裸 SQL 聚合（{len(BARE_SQL)} 条语句）：{summary(bare_ms)}")
    print(f"  驾驶舱 / 裸 SQL（p50）：{ratio:.2f}×（目标 ≤ {MAX_RATIO}×：{'达到' if ratio <= MAX_RATIO else '未达到'}）")
    print("  各条裸 SQL（p50）：" + "，".join(f"{name} {ms:.0f} ms" for name, ms in each.items()))
    _time_everything(client, url, requests)
    return p95 <= target and ratio <= MAX_RATIO


def _time_everything(client, url: str, requests: int) -> None:
    """The dashboard with every registered figure, as it ships (informative: other modules' figures have no
    bare SQL here)."""
    from django.db import DatabaseError

    from fazhi.reports.indicators import indicators

    try:
        times = list_timing.timed_requests(client, [url] * max(3, requests // 3))
    except (DatabaseError, SystemExit) as error:
        print(f"  全部已登记指标（{len(indicators())} 项）：未计时（{str(error).splitlines()[0]}）")
        return
    print(f"  全部已登记指标（{len(indicators())} 项）：{summary([t for t, _ in times])}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--year", type=int, default=BENCH_DAY.year - 1)
    args = parser.parse_args(argv)
    configure(args.database_url)
    from fazhi.core.models import User

    print(f"领导驾驶舱压测：数据库 {describe_database()}")
    county = User.objects.select_related("organisation__bureau").get(username="bench_leader_440783")
    province = User.objects.select_related("organisation__bureau").get(username="bench_province_leader")
    results = [run("(a) 县级领导（开平市）", "county", county, args.year, args.requests),
               run("(b) 省级领导（全省各单位并列）", "province", province, args.year, args.requests)]
    raise SystemExit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
