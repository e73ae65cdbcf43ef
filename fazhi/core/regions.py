"""The region table (GB/T 2260 six-digit codes, nine-digit township codes): loading it and reading chains.

A region file is a UTF-8 CSV with the header `code,name,level,parent_code`. Loading is all-or-nothing:
every row is checked first, and if any row is bad nothing is written and each bad row is reported with its
line number. A good file is upserted by code, parents before children, in a handful of bulk queries, and
one audit event records what the load changed. Regions are never deleted here: organisations point at
them, and an abolished code stays so that old records keep their place.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .audit import record_event
from .choices import AuditAction, RegionLevel
from .models import Region

SHIPPED_REGIONS = Path(__file__).resolve().parent / "data" / "regions.csv"
COLUMNS = ("code", "name", "level", "parent_code")
# A child's code starts with the part of its parent's code that names the parent.
PREFIX_LENGTH = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.COUNTY: 6}
# Townships sit under a county, or directly under a city that has no counties (东莞市, 中山市, 儋州市, 嘉峪关市).
PARENT_LEVELS = {
    RegionLevel.CITY: (RegionLevel.PROVINCE,),
    RegionLevel.COUNTY: (RegionLevel.CITY,),
    RegionLevel.TOWNSHIP: (RegionLevel.COUNTY, RegionLevel.CITY),
}
NAME_MAX_LENGTH = Region._meta.get_field("name").max_length
FIRST_DATA_LINE = 2  # line 1 is the header, so row numbers match what a spreadsheet shows
BATCH_SIZE = 500
# A yearly change touches a few dozen codes and is listed code by code; a first load of the whole table is not.
AUDIT_CODE_LIMIT = 500


@dataclass(frozen=True)
class RowError:
    """One bad row: its line in the file (the header is line 1), its code as written, what to fix."""

    row_number: int
    code: str
    message: str

    def __str__(self) -> str:
        shown = f"（{self.code}）" if self.code else ""
        return f"第 {self.row_number} 行{shown}：{self.message}"


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        return f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}"


@dataclass(frozen=True)
class RegionRow:
    row_number: int
    code: str
    name: str
    level: int
    parent_code: str


def expected_level(code: str) -> int | None:
    """The level a code's shape implies, or None when the code is neither 6 nor 9 digits."""
    if re.fullmatch(r"\d{9}", code):
        return RegionLevel.TOWNSHIP
    if not re.fullmatch(r"\d{6}", code):
        return None
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    return RegionLevel.CITY if code.endswith("00") else RegionLevel.COUNTY


def region_chain(code: str) -> list[Region]:
    """The region and its ancestors from the province down, in one query; empty for an unknown code."""
    region = Region.objects.select_related("parent__parent__parent").filter(code=code).first()
    chain: list[Region] = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return list(reversed(chain))


def read_region_file(path: str | Path) -> tuple[list[dict], list[RowError]]:
    """The rows of a region CSV as dicts, or an error on line 1 when the file cannot be read as one."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:  # -sig: files saved by Excel carry a BOM
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            rows = list(reader)
    except UnicodeDecodeError:
        return [], [RowError(1, "", "文件不是 UTF-8 编码，请在表格软件中另存为“CSV UTF-8”后重新导入。")]
    if missing:
        message = f"表头应为 {','.join(COLUMNS)}，缺少：{','.join(missing)}。请改正表头后重新导入。"
        return [], [RowError(1, "", message)]
    return rows, []


def load_shipped_regions(*, actor=None) -> LoadResult:
    return load_regions(SHIPPED_REGIONS, actor=actor)


def load_regions(rows_or_path: str | Path | Iterable[Mapping], *, actor=None) -> LoadResult:
    """Upsert regions by code. If any row is bad, nothing is saved and the result lists every bad row."""
    if actor is not None and not actor.is_superuser:
        raise PermissionDenied("只有超级管理员可以导入行政区划，请联系超级管理员。")
    raw, header_errors = (
        read_region_file(rows_or_path) if isinstance(rows_or_path, (str, Path)) else (list(rows_or_path), [])
    )
    if header_errors:
        return LoadResult(errors=header_errors)
    with transaction.atomic():
        existing = {r.code: r for r in Region.objects.all()}
        rows, errors = _validated_rows(raw, existing)
        if errors:
            return LoadResult(errors=errors)
        result, created_codes, updated_codes = _write(rows, existing)
        if created_codes or updated_codes:
            _record_load(result, created_codes, updated_codes, actor=actor)
    return result


def _parse_row(row_number: int, raw: Mapping) -> tuple[RegionRow | None, list[RowError]]:
    code = str(raw.get("code") or "").strip()
    name = str(raw.get("name") or "").strip()
    parent_code = str(raw.get("parent_code") or "").strip()
    level_text = str(raw.get("level") or "").strip()
    errors = []
    if expected_level(code) is None:
        errors.append(f"区划代码“{code}”应为 6 位（省、地、县级）或 9 位（乡级）数字，请改正。")
    if not name:
        errors.append("名称为空，请填写区划名称。")
    elif len(name) > NAME_MAX_LENGTH:
        errors.append(f"名称超过 {NAME_MAX_LENGTH} 个字，请缩短。")
    level = int(level_text) if level_text.isdigit() else None
    if level not in RegionLevel.values:
        errors.append(f"级别“{level_text}”无效，应为 1（省级）、2（地级）、3（县级）或 4（乡级）。")
    elif expected_level(code) not in (None, level):
        wanted = RegionLevel(expected_level(code))
        errors.append(f"级别与代码不符：代码“{code}”应为{wanted.label}（级别 {wanted.value}），请改正级别或代码。")
    if errors:
        return None, [RowError(row_number, code, message) for message in errors]
    return RegionRow(row_number, code, name, level, parent_code), []


def _validated_rows(raw: list[Mapping], existing: dict[str, Region]) -> tuple[list[RegionRow], list[RowError]]:
    rows: dict[str, RegionRow] = {}
    errors: list[RowError] = []
    bad_codes: set[str] = set()
    for row_number, item in enumerate(raw, start=FIRST_DATA_LINE):
        row, row_errors = _parse_row(row_number, item)
        if row is None:
            bad_codes.add(str(item.get("code") or "").strip())
        if row is not None and row.code in rows:
            first = rows[row.code].row_number
            row_errors.append(RowError(row_number, row.code, f"区划代码在文件中重复出现（第 {first} 行已有），请删除重复行。"))
        elif row is not None:
            rows[row.code] = row
        errors.extend(row_errors)
    levels = {code: r.level for code, r in existing.items()} | {code: r.level for code, r in rows.items()}
    for row in rows.values():
        message = _parent_problem(row, levels)
        if message and row.parent_code not in bad_codes:  # the parent's own row already says what is wrong
            errors.append(RowError(row.row_number, row.code, message))
    return sorted(rows.values(), key=lambda r: (r.level, r.code)), sorted(errors, key=lambda e: e.row_number)


def _parent_problem(row: RegionRow, levels: dict[str, int]) -> str:
    """What is wrong with the row's parent, or "" when nothing is."""
    if row.level == RegionLevel.PROVINCE:
        return "省级区划不应有上级区划，请清空 parent_code。" if row.parent_code else ""
    if not row.parent_code:
        return "缺少上级区划代码，请在 parent_code 填写上级区划的代码。"
    parent_level = levels.get(row.parent_code)
    if parent_level is None:
        return f"上级区划“{row.parent_code}”既不在本文件中，也不在系统中，请先加入该上级区划。"
    if parent_level not in PARENT_LEVELS[row.level]:
        allowed = "或".join(RegionLevel(level).label for level in PARENT_LEVELS[row.level])
        return (f"上级区划“{row.parent_code}”是{RegionLevel(parent_level).label}，"
                f"而{RegionLevel(row.level).label}区划的上级应为{allowed}，请改正 parent_code。")
    prefix = row.parent_code[: PREFIX_LENGTH[parent_level]]
    if not row.code.startswith(prefix):
        return f"区划代码不在上级区划“{row.parent_code}”的代码范围内（应以“{prefix}”开头），请改正代码或上级区划。"
    return ""


def _write(rows: list[RegionRow], existing: dict[str, Region]) -> tuple[LoadResult, list[str], list[str]]:
    """Create and update level by level, so every parent has its id before its children are written."""
    ids = {code: region.pk for code, region in existing.items()}
    result, created_codes, updated_codes = LoadResult(), [], []
    for level in RegionLevel.values:
        batch = [row for row in rows if row.level == level]
        new, changed = [], []
        for row in batch:
            parent_id = ids.get(row.parent_code) if row.parent_code else None
            region = existing.get(row.code)
            if region is None:
                new.append(Region(code=row.code, name=row.name, level=row.level, parent_id=parent_id))
            elif (region.name, region.level, region.parent_id) != (row.name, row.level, parent_id):
                region.name, region.level, region.parent_id = row.name, row.level, parent_id
                changed.append(region)
        Region.objects.bulk_create(new, batch_size=BATCH_SIZE)
        Region.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=BATCH_SIZE)
        if new:  # not every backend hands back ids from bulk_create, so read them
            ids.update(Region.objects.filter(level=level).values_list("code", "pk"))
        created_codes += [r.code for r in new]
        updated_codes += [r.code for r in changed]
        result.unchanged += len(batch) - len(new) - len(changed)
    result.created, result.updated = len(created_codes), len(updated_codes)
    return result, created_codes, updated_codes


def _record_load(result: LoadResult, created_codes: list[str], updated_codes: list[str], *, actor) -> None:
    """One event for the whole load: a row per region would drown the audit trail in reference data."""
    listed = len(created_codes) + len(updated_codes) <= AUDIT_CODE_LIMIT
    detail = {
        "summary": result.summary,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "codes_listed": listed,
        "created_codes": created_codes if listed else [],
        "updated_codes": updated_codes if listed else [],
    }
    action = AuditAction.CREATE if result.created and not result.updated else AuditAction.UPDATE
    record_event(actor=actor, action=action, detail=detail, object_repr=f"行政区划表（{result.summary}）")
