"""Export at scale: every entity of the province to .xlsx, streamed, as a province leader.

    .venv/bin/python bench/bench_export.py [--database-url URL]

The export runs in a child process (so that its peak memory is the export's, not this script's): the
queryset is the list's own (filter set, default sort), as the export view builds it, and the bytes of
`stream_entities_xlsx` are consumed and thrown away. It prints rows, bytes, seconds and the peak RSS
(`resource.getrusage`), before and after.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from province import DEFAULT_DATABASE_URL, bench_user, configure, describe_database

TARGET_PEAK_MB = 300


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def export_all(database_url: str) -> dict:
    """In the child: export what the province leader's list holds, unfiltered, and measure it."""
    configure(database_url)
    from django.test import RequestFactory

    from fazhi.entities.exports import stream_entities_xlsx
    from fazhi.entities.filters import EntityFilterSet
    from fazhi.entities.models import Entity
    from fazhi.entities.tables import DEFAULT_SORT, order_fields

    user = bench_user("province")
    request = RequestFactory().get("/entities/export/")
    request.user = user
    filterset = EntityFilterSet({}, queryset=Entity.objects.visible_to(user), request=request)
    queryset = filterset.qs.order_by(*order_fields(DEFAULT_SORT))
    rows = queryset.count()
    before = peak_rss_mb()
    start = time.perf_counter()
    size = 0
    for chunk in stream_entities_xlsx(queryset, viewer=user):
        size += len(chunk)
    return {"rows": rows, "bytes": size, "seconds": time.perf_counter() - start, "rss_before_mb": before,
            "peak_rss_mb": peak_rss_mb(), "database": describe_database()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(export_all(args.database_url)))
        return
    child = subprocess.run([sys.executable, __file__, "--child", "--database-url", args.database_url],
                           capture_output=True, text=True, check=False)
    if child.returncode != 0:
        sys.stderr.write(child.stderr)
        raise SystemExit(child.returncode)
    result = json.loads(child.stdout.strip().splitlines()[-1])
    ok = result["peak_rss_mb"] < TARGET_PEAK_MB
    print(f"导出压测：数据库 {result['database']}")
    print(f"  {result['rows']:,} 行，{result['bytes'] / 1e6:.1f} MB .xlsx，{result['seconds']:.1f} s"
          f"（{result['rows'] / result['seconds']:,.0f} 行/秒）")
    print(f"  峰值内存 {result['peak_rss_mb']:.0f} MB（导出前 {result['rss_before_mb']:.0f} MB；"
          f"目标 < {TARGET_PEAK_MB} MB：{'达到' if ok else '未达到'}）")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
