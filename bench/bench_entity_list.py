"""The entity list at province scale: server time of `/entities/?q=…&<two filters>` through Django's test Client.

    .venv/bin/python bench/bench_entity_list.py [--database-url URL] [--requests 200] [--explain]

Signed in (force_login) as (a) a county officer, who sees his county's entities, and (b) a province
leader, who sees all of them. Each request is a name search plus two filters, drawn from a fixed set of
combinations; the whole request is timed (middleware, session, queries, template). A first pass over the
combinations counts the queries per request; the timed pass then runs without query capture. With
--explain, the slowest combination's queries are shown with EXPLAIN (ANALYZE, BUFFERS).
"""
from __future__ import annotations


import list_timing
from province import BENCH_COUNTY_CODE

SEARCHES = ("诊所", "美发", "宾馆", "人民医院", "卫生室", "幼儿园", "惠民", "酒店", "kp", "长沙", "有限公司", "理发店")
TARGET_P95_MS = 150


def filter_pairs(township_id: int) -> list[dict]:
    """Two filters per request, in the combinations a county office uses most."""
    return [
        {"kind": "public_place", "status": "operating"},
        {"kind": "medical", "status": "operating"},
        {"status": "suspended", "credit_grade": "C"},
        {"credit_grade": "A", "kind": "public_place"},
        {"township": township_id, "kind": "medical"},
        {"key": "1", "status": "operating"},
        {"domain": "radiation", "status": "operating"},
        {"kind": "water_supply", "credit_grade": "B"},
    ]


def main(argv: list[str] | None = None) -> None:
    def heading() -> str:
        from fazhi.entities.models import Entity

        return f"监管对象列表压测：共 {Entity.objects.count():,} 个监管对象"

    def visible(user) -> str:
        from fazhi.entities.models import Entity

        return f"{Entity.objects.visible_to(user).count():,} 个监管对象"

    def urls(count: int, seed: int) -> list[str]:
        from fazhi.core.choices import RegionLevel
        from fazhi.core.models import Region

        township = (Region.objects.filter(parent__code=BENCH_COUNTY_CODE, level=RegionLevel.TOWNSHIP)
                    .order_by("code").first())
        return list_timing.searched_urls("/entities/", SEARCHES, filter_pairs(township.pk), count, seed)

    list_timing.list_benchmark(__doc__.splitlines()[0], argv, heading=heading, visible=visible, urls=urls,
                               target_ms=TARGET_P95_MS)


if __name__ == "__main__":
    main()
