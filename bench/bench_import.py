"""Bulk import at scale: a 100k-row .xlsx for one county, checked and applied, then the same file again.

    .venv/bin/python bench/bench_import.py [--database-url URL] [--rows 100000] [--keep]

The file is built with openpyxl in write-only mode from the synthetic generator (new entities of the bench
county, named and numbered so that none matches one already there), with the import template's header.
Then, as the county's importer: `create_batch`, `check_batch`, `apply_batch` (with the foreign-key checks its
commit runs), each timed; then the same file once more (every row matches, nothing changes). Everything runs
in one transaction that is rolled back at the end, so the benchmark can be repeated on the same data; --keep
commits instead. Uploaded files go to a temporary directory.
"""
from __future__ import annotations

import argparse
import io
import os
import random
import resource
import tempfile
import time

from province import BENCH_COUNTY_CODE, BENCH_DAY, DEFAULT_DATABASE_URL, bench_user, configure, describe_database

TARGET_SECONDS = 30
# Licence serials of the imported entities start here, far above those the province generator gave the county.
SERIAL_OFFSET = 500_000


def build_workbook(rows: int, seed: int) -> bytes:
    """The import file: the template's header, then one row per generated entity (its first licence, if any)."""
    from openpyxl import Workbook

    from fazhi.core.models import Domain, Organisation
    from fazhi.entities.choices import CreditGrade, EntityStatus, LegalForm, LicenceKind, NoCreditCodeReason
    from fazhi.entities.demo import DemoCounty, demo_county
    from fazhi.entities.imports import TEMPLATE_COLUMNS
    from fazhi.entities.models import Entity
    from fazhi.entities.rules import KIND_CHOICES, SUB_KIND_LABELS
    from fazhi.entities.synthetic import CountyGenerator

    bureau = Organisation.objects.select_related("region__parent__parent").get(region__code=BENCH_COUNTY_CODE)
    county = demo_county(bureau, DemoCounty(BENCH_COUNTY_CODE, (112.698, 22.376), "0750", ("关", "司徒", "谢")))
    serials = dict.fromkeys(LicenceKind.values, SERIAL_OFFSET)
    generator = CountyGenerator(county, random.Random(seed), BENCH_DAY, serials=serials)
    generator.names.update(Entity.objects.filter(organisation=bureau).values_list("name", flat=True))
    labels = {"legal_form": dict(LegalForm.choices), "kind": dict(KIND_CHOICES), "status": dict(EntityStatus.choices),
              "credit_grade": dict(CreditGrade.choices), "licence_kind": dict(LicenceKind.choices),
              "reason": dict(NoCreditCodeReason.choices), "domain": dict(Domain.objects.values_list("code", "name"))}
    townships = {t.code: t.name for t in county.townships}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("监管对象")
    sheet.append([c.label for c in TEMPLATE_COLUMNS])
    for e in generator.entities(rows):
        licence = e.licences[0] if e.licences else None
        sheet.append([
            e.name, e.credit_code, labels["reason"].get(e.no_credit_code_reason, ""), labels["legal_form"][e.legal_form],
            labels["kind"][e.kind], SUB_KIND_LABELS[e.sub_kind], "、".join(labels["domain"][d] for d in e.domains),
            e.legal_representative, e.contact_person, e.contact_phone, e.address, townships[e.township_code],
            e.longitude, e.latitude, labels["status"][e.status], "是" if e.is_key_supervision else "否",
            e.key_supervision_reason, labels["credit_grade"][e.credit_grade],
            labels["licence_kind"][licence.kind] if licence else "", licence.number if licence else "",
            licence.issued_on if licence else None, licence.valid_to if licence else None, "",
        ])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run_import(user, name: str, data: bytes) -> tuple[object, dict[str, float]]:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from fazhi.core.bulk import run_deferred_checks
    from fazhi.entities.imports import apply_batch, check_batch, create_batch

    times = {}
    start = time.perf_counter()
    batch = create_batch(actor=user, uploaded_file=SimpleUploadedFile(name, data))
    times["create_batch"] = time.perf_counter() - start
    start = time.perf_counter()
    batch = check_batch(batch)
    times["check_batch"] = time.perf_counter() - start
    if batch.error_count or batch.status != "checked_ok":
        print(f"  检查未通过（{batch.get_status_display()}，{batch.error_count} 处错误；{batch.message}）：{batch.errors[:5]}")
        return batch, times
    start = time.perf_counter()
    batch = apply_batch(batch, actor=user)
    run_deferred_checks()
    times["apply_batch"] = time.perf_counter() - start
    return batch, times


def report(label: str, batch, times: dict[str, float]) -> float:
    total = sum(times.values())
    phases = "，".join(f"{k} {v:.1f} s" for k, v in times.items())
    verdict = ("达到" if total <= TARGET_SECONDS else "未达到") if batch.status == "applied" else "未导入，不计"
    print(f"{label}：{phases}；合计 {total:.1f} s（目标 ≤ {TARGET_SECONDS} s：{verdict}）")
    print(f"  结果：{batch.get_status_display()}，新增 {batch.created_count:,}，更新 {batch.updated_count:,}，"
          f"无变化 {batch.unchanged_count:,}，共 {batch.total_rows:,} 行")
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=4242)
    parser.add_argument("--keep", action="store_true", help="commit the imported entities instead of rolling back")
    args = parser.parse_args(argv)
    os.environ["FAZHI_VAR_DIR"] = tempfile.mkdtemp(prefix="fazhi-bench-")
    os.environ.setdefault("FAZHI_JOBS_INLINE", "1")
    configure(args.database_url)
    from django.db import connection, transaction

    from fazhi.entities.models import Entity

    print(f"导入压测：数据库 {describe_database()}，现有 {Entity.objects.count():,} 个监管对象")
    start = time.perf_counter()
    data = build_workbook(args.rows, args.seed)
    print(f"生成 {args.rows:,} 行 .xlsx：{len(data) / 1e6:.1f} MB，{time.perf_counter() - start:.1f} s")
    user = bench_user("importer")
    with transaction.atomic():
        first, times = run_import(user, "监管对象导入压测.xlsx", data)
        totals = [report("首次导入", first, times)]
        if first.status == "applied":
            again, times = run_import(user, "监管对象导入压测（重复）.xlsx", data)
            totals.append(report("重复导入同一文件", again, times))
        transaction.set_rollback(not args.keep)
    if not args.keep:  # the rolled-back rows are dead tuples until vacuumed; leave the data as the next run needs it
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) entities_entity, entities_entity_domains, entities_licence, "
                           "entities_creditgradechange, entities_importbatch, core_auditevent")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"进程峰值内存 {peak:.0f} MB；{'已提交' if args.keep else '已回滚，数据库未变'}")
    raise SystemExit(0 if first.status == "applied" and all(t <= TARGET_SECONDS for t in totals) else 1)


if __name__ == "__main__":
    main()
