"""Bulk import of entities from a spreadsheet (.xlsx, or .csv in UTF-8 or GBK), all or nothing.

An upload becomes an ImportBatch (`create_batch`). `check_batch` reads every row and checks it with the
model's own rules, so the import and the entity form never disagree; the person sees every bad row
(row, column, message) before anything is saved. `apply_batch` reads and checks the file again, against the
data as it is then, and writes everything in one transaction: bulk inserts and updates in chunks, one audit
event per created or changed record. Rows are matched by credit code (or, without one, by name and address),
so importing the same file twice changes nothing the second time.
"""
from __future__ import annotations

import csv
import datetime as dt
import gc
import hashlib
import io
import logging
import re
import threading
import time
import uuid
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, router, transaction
from django.utils import timezone, translation

from fazhi.core.audit import PendingEvent, lock_audit_chain, record_create, record_events, record_update, snapshot
from fazhi.core.choices import AuditAction, RegionLevel
from fazhi.core.models import Domain, Organisation, Region
from fazhi.core.xlsx_stream import column_letter

from .choices import (
    CreditGrade, CreditGradeBasis, EntityStatus, ImportStatus, LegalForm, LicenceKind, NoCreditCodeReason,
)
from .credit_code import normalise as normalise_credit_code
from .models import CreditGradeChange, Entity, ImportBatch, Licence
from .naming import name_initials
from .permissions import GRADER_ROLES, IMPORTER_ROLES, can, ensure_role
from .rules import ENTITY_KINDS, ENTITY_RULES, IMPORT_RULES, KIND_CHOICES, SUB_KIND_PARENT, region_prefix
from .services import default_domain_codes, home_bureau
from .status import ENTITY_STATUS_MACHINE, transition_to

logger = logging.getLogger(__name__)

# A list of the first thousand problems is enough to fix a file; beyond that the count says how bad it is.
MAX_STORED_ERRORS = 1000
# The template has 23 columns; a sheet many times wider is not an entity list (and would cost time to read).
MAX_COLUMNS = 200
# A zip may expand; a sheet that expands past this many times the file's size is treated as a zip bomb.
MAX_EXPANSION = 40
# A job reports after every chunk (a second or two at most); this long without a word, it is gone.
STALE_AFTER_SECONDS = 120
# The batch page shows the first rows of a checked file; a big file is not read again just for that.
PREVIEW_ROWS = 10
PREVIEW_MAX_BYTES = 5 * 1024 * 1024
PREVIEW_KEYS = ("name", "credit_code", "kind", "sub_kind", "address", "township")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTIVE_STATUSES = (ImportStatus.CHECKING, ImportStatus.APPLYING)
RECHECKABLE_STATUSES = (ImportStatus.UPLOADED, ImportStatus.CHECKED_OK, ImportStatus.CHECKED_BAD, ImportStatus.FAILED)


class FileProblem(Exception):
    """The file as a whole cannot be read as an entity list; the message says what to do about it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# ---- columns ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    header: str
    key: str
    meaning: str
    required: bool = False
    width: int = 14
    text: bool = False  # kept as text in the template, so Excel does not turn long digit strings into numbers

    @property
    def label(self) -> str:
        return f"{self.header}*" if self.required else self.header


TEMPLATE_COLUMNS: tuple[Column, ...] = (
    Column("名称", "name", "营业执照或登记证书上的名称。", True, 30),
    Column("统一社会信用代码", "credit_code", "18位代码。已登记的对象按此代码更新，不会重复登记。", width=22, text=True),
    Column("无代码原因", "no_credit_code_reason", "没有统一社会信用代码时必填。", width=20),
    Column("主体性质", "legal_form", "留空为“企业”。"),
    Column("类别", "kind", "监管对象类别。", True),
    Column("细分类别", "sub_kind", "须属于所填类别。", True, 18),
    Column("监管专业", "domains", "可填多个，用“、”或“,”分隔；留空则按类别取默认专业。", width=20),
    Column("法定代表人（负责人）", "legal_representative", ""),
    Column("联系人", "contact_person", ""),
    Column("联系电话", "contact_phone", "11位手机号码，或带区号的固定电话（如0750-2212345）。", text=True),
    Column("地址", "address", "经营场所地址。", True, 30),
    Column("乡镇（街道）", "township", "本辖区乡镇（街道）的名称或9位区划代码。"),
    Column("经度", "longitude", "与纬度同时填写，保留至多6位小数。", width=12),
    Column("纬度", "latitude", "与经度同时填写，保留至多6位小数。", width=12),
    Column("经营状态", "status", "新登记的留空为“在营”。已登记对象的状态只能按规定变更（注销、吊销后不能恢复）。"),
    Column("重点监管", "is_key_supervision", "填“是”或“否”；填“是”的须写明原因。", width=10),
    Column("重点监管原因", "key_supervision_reason", "", width=20),
    Column("信用等级", "credit_grade", "新登记的留空为B级。调整已登记对象的等级须有信用评定权限，并记入信用档案。"),
    Column("证照类别", "licence_kind", "每行可登记一个证照；填写证照编号时必填。", width=20),
    Column("证照编号", "licence_number", "本局同一类别的证照编号不能重复。", width=22, text=True),
    Column("发证日期", "licence_issued_on", "日期，如2026-01-31。", width=12),
    Column("有效期至", "licence_valid_to", "日期，不早于发证日期；长期有效可不填。", width=12),
    Column("备注", "note", "", width=30),
)
# The export adds these; an exported file is imported again as it is, so they are known here and not refused.
BUREAU_HEADER, UPDATED_HEADER = "监管机关", "更新时间"

# Where a model error about a field is shown: the column it came from.
FIELD_HEADERS = {
    **{c.key: c.header for c in TEMPLATE_COLUMNS},
    "kind": "类别", "entity": "名称", "organisation": BUREAU_HEADER,
    "number": "证照编号", "issued_on": "发证日期", "valid_to": "有效期至",
}
ENTITY_COMPARED_FIELDS = tuple(
    f for f in Entity._meta.concrete_fields
    if f.editable and f.name not in {"id", "organisation", "status", "credit_grade", "name_initials"}
)
ENTITY_SNAPSHOT_FIELDS = tuple(f.name for f in Entity._meta.concrete_fields)
LICENCE_SNAPSHOT_FIELDS = tuple(f.name for f in Licence._meta.concrete_fields)

_SPACES = re.compile(r"\s+")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def header_key(text) -> str:
    """A header as matched: spaces and a trailing * dropped, half-width brackets read as full-width."""
    return _SPACES.sub("", str(text or "")).rstrip("*＊").translate(_BRACKETS)


def value_key(text) -> str:
    return _SPACES.sub("", str(text)).translate(_BRACKETS).lower()


HEADER_KEYS = {header_key(c.header): c for c in TEMPLATE_COLUMNS}
IGNORED_HEADER_KEYS = {header_key(UPDATED_HEADER)}


# ---- reading a file ----------------------------------------------------------------------------------------------

@dataclass
class Table:
    """A sheet as header + rows; each row is (spreadsheet row number, cell values), blank rows skipped."""

    header: list
    rows: Iterator[tuple[int, list]]
    total_hint: int = 0
    date1904: bool = False  # an .xlsx whose day numbers count from 1904 (old Mac Excel)


def _cell_too_long(row: int, column: int, length: int) -> FileProblem:
    return FileProblem(
        f"第{row}行第{column}列的内容有{length}个字符，超过每格{IMPORT_RULES.max_cell_chars}个字符的上限。"
        "请检查是否把整段文字粘进了一个单元格，改正后重新上传。"
    )


def _too_many_rows() -> FileProblem:
    return FileProblem(f"数据超过{IMPORT_RULES.max_rows}行的上限，请拆分为几个文件分批导入。")


def sniff(data: bytes) -> tuple[str, str]:
    """The file's format ("xlsx" or "csv") and, for CSV, its encoding, from its content rather than its name."""
    if not data.strip():
        raise FileProblem("文件是空的，请选择填好数据的表格文件。")
    if data.startswith(b"PK\x03\x04"):
        _workbook_parts(data)
        return "xlsx", ""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise FileProblem("这是旧版Excel（.xls）文件或加密的工作簿，请在Excel中“另存为”.xlsx格式（不设密码）后再导入。")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileProblem("这是UTF-16编码的“Unicode文本”，请另存为.xlsx或“CSV UTF-8（逗号分隔）”后再导入。")
    if b"\x00" in data:
        raise FileProblem("文件中含有空字符（NUL），不是表格文件。请上传.xlsx工作簿或.csv文本文件。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:65536]):
            break  # control characters: binary data that happens to decode
        return "csv", "utf-8" if encoding == "utf-8-sig" else "gb18030"
    raise FileProblem("无法识别文件内容：它既不是.xlsx工作簿，也不是UTF-8或GBK编码的CSV文本。"
                      "请用Excel或WPS打开模板，填好后保存为.xlsx再上传。")


_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_REL = "/officeDocument"
_WORKSHEET_REL = "/worksheet"
_SHEET_TAGS = {"{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet",
               "{http://purl.oclc.org/ooxml/spreadsheetml/main}sheet"}


def _part_path(base: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    parts = [p for p in base.rsplit("/", 1)[0].split("/") if p] if "/" in base else []
    for piece in target.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _relationships(archive: zipfile.ZipFile, rels_path: str) -> dict[str, tuple[str, str]]:
    root = ET.fromstring(_read_part(archive, rels_path, 1 << 20))
    return {r.get("Id"): (r.get("Type", ""), r.get("Target", "")) for r in root.iter(f"{_RELS_NS}Relationship")}


def _read_part(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    with archive.open(name) as part:
        data = part.read(limit + 1)
    if len(data) > limit:
        raise FileProblem("工作簿结构异常（部件过大），无法读取。请用Excel或WPS重新保存为.xlsx后再上传。")
    return data


def _workbook_parts(data: bytes) -> tuple[str, str | None, bool]:
    """(first sheet, shared strings or None, dates counted from 1904): where a workbook keeps what is read."""
    not_workbook = FileProblem("这个压缩文件不是Excel工作簿（.xlsx），请上传用Excel或WPS保存的.xlsx文件或.csv文件。")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        if "mimetype" in names and b"opendocument" in archive.read("mimetype"):
            raise FileProblem("这是OpenDocument表格（.ods），请在WPS或LibreOffice中另存为.xlsx后再上传。")
        if "_rels/.rels" not in names:
            raise not_workbook
        office = [t for kind, t in _relationships(archive, "_rels/.rels").values() if kind.endswith(_OFFICE_REL)]
        workbook = _part_path("", office[0]) if office else ""
        if workbook not in names or not workbook.endswith(".xml"):
            raise not_workbook
        root = ET.fromstring(_read_part(archive, workbook, 8 << 20))
        rels_path = _part_path(workbook, f"_rels/{workbook.rsplit('/', 1)[-1]}.rels")
        rels = _relationships(archive, rels_path) if rels_path in names else {}
        sheets = [el for el in root.iter() if el.tag in _SHEET_TAGS]
        date1904 = any(el.tag.endswith("}workbookPr") and el.get("date1904") in {"1", "true"} for el in root.iter())
        rel_id = next((v for k, v in sheets[0].attrib.items() if k.endswith("}id")), None) if sheets else None
        kind, target = rels.get(rel_id, ("", ""))
        sheet = _part_path(workbook, target)
        if not kind.endswith(_WORKSHEET_REL) or sheet not in names:
            raise FileProblem("工作簿的第一个工作表不是数据表（可能是图表），请把数据放在第一个工作表中。")
        strings = [_part_path(workbook, t) for k, t in rels.values() if k.endswith("/sharedStrings")]
        return sheet, (strings[0] if strings and strings[0] in names else None), date1904
    except FileProblem:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ET.ParseError, KeyError, ValueError, EOFError,
            NotImplementedError, OSError, RuntimeError):
        raise not_workbook from None


class _Limited(io.RawIOBase):
    """A zip member read with a ceiling on how much it may expand."""

    def __init__(self, raw, limit: int):
        self.raw, self.left = raw, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        self.left -= len(data)
        if self.left < 0:
            raise FileProblem("工作表解压后过大，可能不是正常的表格文件。请用Excel或WPS重新保存后再上传。")
        buffer[: len(data)] = data
        return len(data)


_COLUMN_INDEX = {column_letter(i): i for i in range(MAX_COLUMNS)}
_DIGITS = "0123456789"


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        value = float(text)
        return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _xlsx_table(data: bytes) -> Table:
    sheet, strings_part, date1904 = _workbook_parts(data)
    archive = zipfile.ZipFile(io.BytesIO(data))
    limit = max(len(data), 1 << 20) * MAX_EXPANSION
    try:
        strings = _shared_strings(archive, strings_part, limit) if strings_part else []
    except ET.ParseError:
        raise FileProblem("工作簿的文字表已损坏，无法读取。请用Excel或WPS打开后重新保存为.xlsx再上传。") from None
    with archive.open(sheet) as part:
        head = part.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise FileProblem("工作表中含有不允许的XML声明，无法读取。请用Excel或WPS重新保存为.xlsx后再上传。")
    found = re.search(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    rows = _sheet_rows(archive, sheet, strings, limit)
    header = next(rows, None)
    if header is None:
        raise FileProblem("第一个工作表是空的，请把数据填在模板的第一个工作表中。")
    return Table(header[1], rows, int(found.group(1)) - header[0] if found else 0, date1904)


def _shared_strings(archive: zipfile.ZipFile, name: str, limit: int) -> list:
    """The workbook's table of texts; a text too long for a cell is kept as its length, for the message."""
    strings: list = []
    # No sheet within the limits needs more distinct texts than it has cells.
    most = IMPORT_RULES.max_rows * len(TEMPLATE_COLUMNS) * 2
    with archive.open(name) as raw:
        for _event, element in ET.iterparse(io.BufferedReader(_Limited(raw, limit)), events=("end",)):
            if element.tag.endswith("}si"):
                text = "".join(_text_runs(element))
                strings.append(text if len(text) <= IMPORT_RULES.max_cell_chars else len(text))
                element.clear()
                if len(strings) > most:
                    raise _too_many_rows()
    return strings


def _text_runs(element) -> Iterator[str]:
    """The text of a string item or inline string: its runs, without phonetic guides (rPh)."""
    for child in element:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "t":
            yield child.text or ""
        elif tag == "r":
            for run_text in child:
                if run_text.tag.endswith("}t"):
                    yield run_text.text or ""


def _sheet_rows(archive, sheet: str, strings: list, limit: int) -> Iterator[tuple[int, list]]:
    try:
        with archive.open(sheet) as raw:
            source = io.BufferedReader(_Limited(raw, limit), 1 << 16)
            last_row, row_tag, names = 0, None, {}
            for _event, element in ET.iterparse(source, events=("end",)):
                if row_tag is None:
                    if not element.tag.endswith("}row"):
                        continue
                    row_tag = element.tag
                    ns = row_tag[: -len("row")]
                    names = {"v": ns + "v", "is": ns + "is", "t": ns + "t"}
                if element.tag != row_tag:
                    continue
                last_row = int(element.get("r") or last_row + 1)
                values = _row_values(element, last_row, strings, names)
                element.clear()
                if values:
                    yield last_row, values
    except (ET.ParseError, ValueError, IndexError):  # not XML, or cells pointing at texts that are not there
        raise FileProblem("工作表内容已损坏，无法读取。请用Excel或WPS打开后重新保存为.xlsx再上传。") from None
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, OSError):
        raise FileProblem("工作簿压缩数据已损坏，无法读取。请用Excel或WPS重新保存为.xlsx后再上传。") from None


def _row_values(row, number: int, strings: list, names: dict) -> list:
    values: list = []
    max_chars, inline_tag, value_tag, text_tag = IMPORT_RULES.max_cell_chars, names["is"], names["v"], names["t"]
    for position, cell in enumerate(row):
        ref = cell.get("r")
        index = _COLUMN_INDEX.get(ref.rstrip(_DIGITS)) if ref else position
        if index is None or index >= MAX_COLUMNS:
            raise FileProblem(f"表格超过{MAX_COLUMNS}列，不是监管对象导入表。请使用导入模板。")
        kind = cell.get("t")
        if kind == "inlineStr":
            inline = cell.find(inline_tag)
            if inline is None:
                continue
            # Nearly always one <t>; runs of rich text are the rare case.
            if len(inline) == 1 and inline[0].tag == text_tag:
                value = inline[0].text or ""
            else:
                value = "".join(_text_runs(inline))
        else:
            found = cell.find(value_tag)
            text = found.text if found is not None else None
            if text is None:
                continue
            if kind == "s":
                value = strings[int(text)]
                if type(value) is int:
                    raise _cell_too_long(number, index + 1, value)
            elif kind is None or kind == "n":
                value = _number(text)
            elif kind == "b":
                value = text.strip() in {"1", "true"}
            else:  # str (a formula's text), e (an error such as #N/A), d (an ISO date)
                value = text
        if type(value) is str:
            value = value.strip()
            if not value:
                continue
            if len(value) > max_chars:
                raise _cell_too_long(number, index + 1, len(value))
        if index == len(values):
            values.append(value)
        else:
            values.extend([None] * (index + 1 - len(values)))
            values[index] = value
    return values


def _csv_table(data: bytes, encoding: str) -> Table:
    text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    rows = _csv_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    header = next(rows, None)
    if header is None:
        raise FileProblem("文件中没有任何内容，请按模板填写后再上传。")
    return Table(header[1], rows, max(text.count("\n") - header[0], 0))


def _csv_rows(reader) -> Iterator[tuple[int, list]]:
    number = 0
    try:
        for number, record in enumerate(reader, 1):
            if len(record) > MAX_COLUMNS:
                raise FileProblem(f"表格超过{MAX_COLUMNS}列，不是监管对象导入表。请使用导入模板。")
            values = []
            for index, cell in enumerate(record):
                cell = cell.strip()
                if len(cell) > IMPORT_RULES.max_cell_chars:
                    raise _cell_too_long(number, index + 1, len(cell))
                values.append(cell or None)
            while values and values[-1] is None:
                values.pop()
            if values:
                yield number, values
    except csv.Error:
        # The csv module refuses a field longer than its own limit (128 KiB), far past ours.
        raise FileProblem(f"第{number + 1}行有单元格超过每格{IMPORT_RULES.max_cell_chars}个字符的上限，"
                          "或引号不成对。请在Excel中检查后重新保存。") from None


def open_table(batch: ImportBatch) -> Table:
    with batch.file.open("rb") as handle:
        data = handle.read()
    if batch.file_format == "xlsx":
        return _xlsx_table(data)
    return _csv_table(data, batch.encoding or "utf-8")


# ---- vocabularies ------------------------------------------------------------------------------------------------

def _choice_map(choices) -> dict[str, str]:
    mapping = {}
    for code, label in choices:
        mapping[value_key(code)] = code
        mapping[value_key(label)] = code
    return mapping


def _grade_map() -> dict[str, str]:
    mapping = _choice_map(CreditGrade.choices)
    for code, label in CreditGrade.choices:
        mapping[value_key(label.split("（")[0])] = code  # "A级"
    return mapping


KIND_MAP = _choice_map(KIND_CHOICES)
SUB_KIND_MAP: dict[str, list[str]] = {}
for _kind in ENTITY_KINDS:
    for _sub in _kind.sub_kinds:
        SUB_KIND_MAP.setdefault(value_key(_sub.label), []).append(_sub.code)
        SUB_KIND_MAP.setdefault(value_key(_sub.code), []).append(_sub.code)
CHOICE_MAPS = {
    "kind": (KIND_MAP, [label for _, label in KIND_CHOICES]),
    "no_credit_code_reason": (_choice_map(NoCreditCodeReason.choices), NoCreditCodeReason.labels),
    "legal_form": (_choice_map(LegalForm.choices), LegalForm.labels),
    "status": (_choice_map(EntityStatus.choices), EntityStatus.labels),
    "credit_grade": (_grade_map(), CreditGrade.labels),
    "licence_kind": (_choice_map(LicenceKind.choices), LicenceKind.labels),
}
YES, NO = {"是", "y", "yes", "true", "1", "√"}, {"否", "n", "no", "false", "0", "×"}
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")
_DOMAIN_SEPARATORS = re.compile(r"[、,，;；/\s]+")


class Vocabulary:
    """What cells may say for one bureau: domains, its townships, the bureau itself."""

    def __init__(self, bureau):
        self.bureau = bureau
        self.domains, self.domain_names = {}, {}
        for domain in Domain.objects.all():
            self.domains[value_key(domain.code)] = domain.code
            self.domains[value_key(domain.name)] = domain.code
            self.domain_names[domain.code] = domain.name
        self.domain_labels = _listing(self.domain_names.values())
        prefix = region_prefix(bureau.region.code)
        self.townships = list(Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith=prefix))
        self._regions = {t.code: t for t in self.townships}
        self._regions_by_id = {t.pk: t for t in self.townships}
        self._by_name: dict[str, list[Region]] = {}
        for township in self.townships:
            self._by_name.setdefault(value_key(township.name), []).append(township)
        self.bureau_names = {value_key(bureau.name), value_key(bureau.short_name)} - {""}
        self._looked_up: dict[str, Region | str] = {}

    def attach_township(self, entity: Entity) -> Entity:
        """Give a fetched entity its township from the bureau's list, so the model's rules need no query for it."""
        region = self._regions_by_id.get(entity.township_id)
        if region is not None:
            entity.township = region
        return entity

    def attach_other_townships(self, entities: list[Entity]) -> None:
        """Townships outside the bureau's list (older records), in one query rather than one per entity later."""
        missing = {e.township_id for e in entities if e.township_id and "township" not in e._state.fields_cache}
        if missing:
            regions = Region.objects.in_bulk(missing)
            for entity in entities:
                if entity.township_id in regions:
                    entity.township = regions[entity.township_id]

    def township(self, text: str) -> Region | str:
        """The region the cell names, or what is wrong; a region elsewhere is returned for the model to refuse."""
        if text not in self._looked_up:
            self._looked_up[text] = self._township(text)
        return self._looked_up[text]

    def _township(self, text: str) -> Region | str:
        if text.isdigit():
            region = self._regions.get(text) or Region.objects.filter(code=text).first()
            return region or f"没有代码为“{text}”的乡镇（街道），请填写本辖区乡镇（街道）的9位代码或名称。"
        found = self._by_name.get(value_key(text), [])
        if len(found) > 1:
            return f"辖区内有多个名为“{text}”的乡镇（街道），请改填9位区划代码。"
        if found:
            return found[0]
        elsewhere = Region.objects.filter(name=text, level=RegionLevel.TOWNSHIP).first()
        return elsewhere or f"{self.bureau.region.name}辖区内没有名为“{text}”的乡镇（街道），请核对名称或改填9位代码。"


# ---- one row -----------------------------------------------------------------------------------------------------

@dataclass
class RowInput:
    number: int
    values: dict = field(default_factory=dict)  # entity field → value, for the cells that are filled in
    domains: list[str] | None = None
    licence: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)


def _as_text(value) -> str:
    if type(value) is str:
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return str(value).strip()


def _as_date(value, date1904: bool = False) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2_958_466:  # up to 9999
        epoch = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
        return epoch + dt.timedelta(days=int(value))
    text = _as_text(value)
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _as_decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _listing(labels) -> str:
    return "、".join(str(label) for label in labels)


class RowReader:
    """Turns one row's cells into field values, with a message in Chinese on each cell that cannot be read.

    Each column gets its reading function once, so a row costs a loop over its filled cells.
    """

    def __init__(self, table: Table, vocabulary: Vocabulary):
        self.columns, self.bureau_column = map_header(table.header)
        self.vocabulary, self.date1904 = vocabulary, table.date1904
        self._sub_kinds: dict = {}
        self.readers = [(index, column, self._reader(column)) for index, column in sorted(self.columns.items())]

    def read(self, number: int, cells: list) -> RowInput:
        row = RowInput(number)
        width = len(cells)
        for index, column, reader in self.readers:
            if index < width:
                value = cells[index]
                if value is not None and value != "":
                    problem = reader(row, value)
                    if problem:
                        row.errors.append((column.header, problem))
        if self.bureau_column is not None and self.bureau_column < width and cells[self.bureau_column]:
            named = _as_text(cells[self.bureau_column])
            if value_key(named) not in self.vocabulary.bureau_names:
                row.errors.append((BUREAU_HEADER, f"该行属于“{named}”，只能导入本局（{self.vocabulary.bureau.name}）"
                                                  "的监管对象，请删除其他机关的行。"))
        return row

    def _reader(self, column: Column) -> Callable[[RowInput, object], str | None]:
        key = column.key
        if key in CHOICE_MAPS:
            mapping, labels = CHOICE_MAPS[key]
            target = "licence" if key == "licence_kind" else "values"
            name = "kind" if key == "licence_kind" else key

            seen: dict = {}  # a column of choices holds a handful of distinct spellings

            def read_choice(row, value):
                code = seen.get(value)
                if code is None:
                    code = mapping.get(value_key(_as_text(value)))
                    if code is None:
                        return f"“{_as_text(value)}”不是有效的{column.header}，可填：{_listing(labels)}。"
                    if len(seen) < 1000:
                        seen[value] = code
                getattr(row, target)[name] = code

            return read_choice
        special = getattr(self, f"_read_{key}", None)
        if special is not None:
            return special

        def read_text(row, value):
            row.values[key] = value if type(value) is str else _as_text(value)

        return read_text

    def _read_credit_code(self, row, value):
        text = _as_text(value)
        if isinstance(value, float) or _SCIENTIFIC.match(text):
            return "统一社会信用代码被Excel存成了数字（末几位已丢失），请把该列设为“文本”格式后重新录入。"
        # Plain letters and digits need only upper case; anything else (spaces, full-width) the full rules.
        row.values["credit_code"] = text.upper() if text.isascii() and text.isalnum() else normalise_credit_code(text)

    def _read_sub_kind(self, row, value):
        codes = self._sub_kinds.get(value)
        if codes is None:
            codes = SUB_KIND_MAP.get(value_key(_as_text(value)))
            if not codes:
                return f"“{_as_text(value)}”不是有效的细分类别，请按“填写说明”中所列类别下的细分类别填写。"
            if len(self._sub_kinds) < 1000:
                self._sub_kinds[value] = codes
        kind = row.values.get("kind")
        fitting = [c for c in codes if SUB_KIND_PARENT[c] == kind] if len(codes) > 1 else codes
        row.values["sub_kind"] = (fitting or codes)[0]

    def _read_domains(self, row, value):
        codes, unknown = [], []
        for part in _DOMAIN_SEPARATORS.split(_as_text(value)):
            if part:
                code = self.vocabulary.domains.get(value_key(part))
                codes.append(code) if code else unknown.append(part)
        if unknown:
            return f"监管专业“{'、'.join(unknown)}”不存在，可填：{self.vocabulary.domain_labels}。"
        row.domains = list(dict.fromkeys(codes))

    def _read_township(self, row, value):
        found = self.vocabulary.township(_as_text(value))
        if isinstance(found, str):
            return found
        row.values["township"] = found

    def _read_coordinate(self, row, value, key):
        number = _as_decimal(value)
        if number is None:
            return f"“{_as_text(value)}”不是数字，请填写十进制度数，如113.123456。"
        row.values[key] = number

    def _read_longitude(self, row, value):
        return self._read_coordinate(row, value, "longitude")

    def _read_latitude(self, row, value):
        return self._read_coordinate(row, value, "latitude")

    def _read_is_key_supervision(self, row, value):
        if value is True or value is False:
            row.values["is_key_supervision"] = value
            return None
        text = value_key(_as_text(value))
        if text not in YES | NO:
            return f"“{_as_text(value)}”无法识别，请填“是”或“否”。"
        row.values["is_key_supervision"] = text in YES

    def _read_licence_number(self, row, value):
        row.licence["number"] = _as_text(value)

    def _read_date(self, row, value, key):
        day = _as_date(value, self.date1904)
        if day is None:
            return f"“{_as_text(value)}”不是有效日期，请按2026-01-31的格式填写。"
        row.licence[key] = day

    def _read_licence_issued_on(self, row, value):
        return self._read_date(row, value, "issued_on")

    def _read_licence_valid_to(self, row, value):
        return self._read_date(row, value, "valid_to")


def map_header(header: list) -> tuple[dict[int, Column], int | None]:
    """Which column is which; a file-level problem names the required columns missing and the unknown ones."""
    columns: dict[int, Column] = {}
    bureau_column, unknown, seen = None, [], set()
    for index, cell in enumerate(header):
        key = header_key(cell) if cell is not None else ""
        if not key:
            continue
        if key in seen:
            raise FileProblem(f"表头中“{_as_text(cell)}”出现了不止一次，请删除重复的列。")
        seen.add(key)
        if key in HEADER_KEYS:
            columns[index] = HEADER_KEYS[key]
        elif key == header_key(BUREAU_HEADER):
            bureau_column = index
        elif key not in IGNORED_HEADER_KEYS:
            unknown.append(_as_text(cell))
    present = {c.key for c in columns.values()}
    missing = [c.label for c in TEMPLATE_COLUMNS if c.required and c.key not in present]
    problems = []
    if missing:
        problems.append(f"缺少必填列：{'、'.join(missing)}")
    if unknown:
        problems.append(f"有无法识别的列：{'、'.join(unknown)}")
    if problems:
        raise FileProblem("；".join(problems) + "。请使用导入模板的表头（第一行），不要改动列名。")
    return columns, bureau_column


# ---- planning a chunk of rows ------------------------------------------------------------------------------------

LICENCE_PERIOD_MESSAGE = next(
    str(c.violation_error_message) for c in Licence._meta.constraints if c.name == "licence_valid_after_issue"
)


# What full_clean need not check field by field: fields the row leaves alone (they keep a default or a stored
# value), the township (resolved from the bureau's own list), and choices the reader could only map to a valid
# code. The cross-field rules (Entity.clean) always run.
ENTITY_FIELD_NAMES = frozenset(f.name for f in Entity._meta.concrete_fields)
ENTITY_ALWAYS_CHECKED = frozenset(f.name for f in Entity._meta.concrete_fields if not f.blank and f.editable
                                  and not f.has_default() and f.name != "organisation")
ENTITY_NEVER_CHECKED = frozenset({"organisation", "township"})
ENTITY_CHOICE_FIELDS = frozenset({"no_credit_code_reason", "legal_form", "kind", "sub_kind", "status", "credit_grade",
                                  "is_key_supervision"})
LICENCE_UNCHECKED = frozenset({"id", "organisation", "entity", "kind", "issuer", "created_at", "updated_at"})


def _unfilled(row: RowInput) -> set[str]:
    filled = row.values.keys()
    unfilled = ENTITY_FIELD_NAMES - ENTITY_ALWAYS_CHECKED - filled
    return unfilled | ENTITY_NEVER_CHECKED | (ENTITY_CHOICE_FIELDS & filled)


@dataclass
class RowPlan:
    """What one good row does: create or change an entity, perhaps its status, grade, domains and a licence."""

    number: int
    entity: Entity
    is_new: bool
    changed: tuple[str, ...] = ()
    before: dict = field(default_factory=dict)
    domains: list[str] | None = None
    old_domains: list[str] = field(default_factory=list)
    transition: object = None
    old_status: str = ""
    old_grade: str = ""
    licence: Licence | None = None
    licence_is_new: bool = False
    licence_before: dict = field(default_factory=dict)

    @property
    def entity_changed(self) -> bool:
        return self.is_new or bool(self.changed or self.domains is not None or self.transition or self.old_grade)

    @property
    def touches_anything(self) -> bool:
        return self.entity_changed or self.licence is not None


@dataclass
class Existing:
    """The bureau's records a chunk of rows may refer to, fetched in a few queries."""

    by_code: dict = field(default_factory=dict)
    codeless: dict = field(default_factory=dict)
    domains: dict = field(default_factory=dict)
    licences: dict = field(default_factory=dict)


# A chunk's rows, entities and plans live until the chunk is saved, so the collector promotes them to its
# oldest generation, and each full collection then rescans every object of the process: a third of an
# import's time. While imports run, full collections wait longer (the younger generations are collected as ever).
FULL_COLLECTION_THRESHOLD = 1000
_gc_lock = threading.Lock()
_gc_state: dict = {"imports": 0, "saved": None}


@contextmanager
def fewer_full_collections():
    with _gc_lock:
        if _gc_state["imports"] == 0:
            _gc_state["saved"] = young, middle, old = gc.get_threshold()
            gc.set_threshold(young, middle, max(old, FULL_COLLECTION_THRESHOLD))
        _gc_state["imports"] += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_state["imports"] -= 1
            if _gc_state["imports"] == 0:
                gc.set_threshold(*_gc_state["saved"])


class _Importer:
    """Reads, checks and (when `write`) saves the rows of one batch, chunk by chunk."""

    def __init__(self, batch: ImportBatch, actor, *, write: bool, report: Callable[[int, int], None]):
        self.batch, self.actor, self.write, self.report = batch, actor, write, report
        self.bureau = Organisation.objects.select_related("region").get(pk=batch.organisation_id)
        self.vocabulary = Vocabulary(self.bureau)
        self.can_grade = can(actor, GRADER_ROLES)
        self.seen_entities: dict[tuple, int] = {}
        self.seen_licences: dict[tuple, int] = {}
        self.claimed: dict[int, int] = {}
        self.errors: list[dict] = []
        self.error_count = self.processed = self.created = self.updated = self.unchanged = 0
        self.unread_columns: set[str] = set()
        self.now, self.today = timezone.now(), timezone.localdate()

    def error(self, row: int, column: str, message) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_STORED_ERRORS:
            self.errors.append({"row": row, "column": column, "message": str(message)})

    def reason(self, row: int) -> str:
        return f"批量导入（{self.batch.original_name} 第{row}行）"[:500]

    def run(self, table: Table) -> None:
        with fewer_full_collections():
            self._run(table)

    def _run(self, table: Table) -> None:
        reader = RowReader(table, self.vocabulary)
        while chunk := list(islice(table.rows, IMPORT_RULES.batch_size)):
            if self.processed + len(chunk) > IMPORT_RULES.max_rows:
                raise _too_many_rows()
            rows = [reader.read(number, cells) for number, cells in chunk]
            existing = self._existing(rows)
            plans = [plan for row in rows if (plan := self._plan(row, existing)) is not None]
            if self.write and not self.error_count:
                self._write(plans)
            for plan in plans:
                if plan.is_new:
                    self.created += 1
                elif plan.touches_anything:
                    self.updated += 1
                else:
                    self.unchanged += 1
            self.processed += len(chunk)
            self.report(self.processed, max(self.batch.total_rows or table.total_hint, self.processed))
        if not self.processed:
            raise FileProblem("表格只有表头，没有数据行。请在表头下方逐行填写监管对象后再上传。")

    # -- what the rows refer to

    def _existing(self, rows: list[RowInput]) -> Existing:
        found = Existing()
        codes = {r.values.get("credit_code") for r in rows} - {None, ""}
        names = {r.values["name"] for r in rows if r.values.get("name")}
        entities = Entity.objects.filter(organisation=self.bureau).order_by()
        licences = Licence.objects.filter(organisation=self.bureau).order_by()
        if self.write:
            entities, licences = entities.select_for_update(), licences.select_for_update()
        for entity in entities.filter(credit_code__in=codes) if codes else ():
            found.by_code[entity.credit_code] = self.vocabulary.attach_township(entity)
        for entity in entities.filter(credit_code="", name__in=names) if names else ():
            self.vocabulary.attach_township(entity)
            found.codeless.setdefault((entity.name, value_key(entity.address)), []).append(entity)
        matched = [*found.by_code.values(), *(e for group in found.codeless.values() for e in group)]
        self.vocabulary.attach_other_townships(matched)
        ids = [e.pk for e in matched]
        through = Entity.domains.through.objects.filter(entity_id__in=ids).values_list("entity_id", "domain_id")
        for entity_id, domain_id in through if ids else ():
            found.domains.setdefault(entity_id, set()).add(domain_id)
        numbers = {r.licence["number"] for r in rows if r.licence.get("number")}
        for licence in licences.filter(number__in=numbers) if numbers else ():
            found.licences[(licence.kind, licence.number)] = licence
        return found

    def _identify(self, row: RowInput, found: Existing):
        """The bureau's entity this row is about, None for a new one, or False when the row cannot be placed."""
        code = row.values.get("credit_code") or ""
        name, address = row.values.get("name", ""), row.values.get("address", "")
        if not (code or name):
            return None
        key = ("code", code) if code else ("place", value_key(name), value_key(address))
        earlier = self.seen_entities.get(key)
        if earlier:
            if code:
                self.error(row.number, "统一社会信用代码", f"与第{earlier}行的统一社会信用代码相同，同一监管对象只能占一行。")
            else:
                self.error(row.number, "名称", f"与第{earlier}行的名称、地址相同且都没有信用代码，同一监管对象只能占一行。")
            return False
        self.seen_entities[key] = row.number
        entity = found.by_code.get(code) if code else None
        if entity is None:
            candidates = found.codeless.get((name, value_key(address)), [])
            if len(candidates) > 1:
                self.error(row.number, "名称", "本局有多个名称、地址都相同且没有信用代码的监管对象，无法确定更新哪一个；"
                                             "请填写统一社会信用代码，或先在系统中核对这些记录。")
                return False
            entity = candidates[0] if candidates else None
        if entity is not None:
            earlier = self.claimed.get(entity.pk)
            if earlier:
                self.error(row.number, "名称", f"与第{earlier}行对应系统中同一个监管对象“{entity.name}”。")
                return False
            self.claimed[entity.pk] = row.number
        return entity

    # -- one row

    def _plan(self, row: RowInput, found: Existing) -> RowPlan | None:
        errors_before = self.error_count
        for column, message in row.errors:
            self.error(row.number, column, message)
        entity = self._identify(row, found)
        if entity is False:
            return None
        # A cell that could not be read is reported once: the model's "required" on it would only repeat it.
        self.unread_columns = {column for column, _ in row.errors}
        if "统一社会信用代码" in self.unread_columns:
            self.unread_columns.add("无代码原因")
        plan = self._plan_new(row) if entity is None else self._plan_update(row, entity, found)
        self._plan_licence(row, plan, found)
        return plan if self.error_count == errors_before else None

    def _clean(self, obj, row: int, exclude: list[str]) -> None:
        # Unique and check constraints are checked in bulk (matching, licence numbers), not one query per row.
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                column = "" if name == NON_FIELD_ERRORS else FIELD_HEADERS.get(name, "")
                if column in self.unread_columns:
                    continue
                for message in messages:
                    self.error(row, column, message)

    def _plan_new(self, row: RowInput) -> RowPlan:
        entity = Entity(organisation=self.bureau, **row.values)
        self._clean(entity, row.number, _unfilled(row))
        domains = row.domains or default_domain_codes(entity.kind)
        if not domains and entity.kind:
            self.error(row.number, "监管专业", f"类别“{entity.get_kind_display()}”没有默认的监管专业，请填写监管专业。")
        return RowPlan(row.number, entity, True, domains=domains)

    def _plan_update(self, row: RowInput, entity: Entity, found: Existing) -> RowPlan:
        before = {f.name: getattr(entity, f.attname) for f in ENTITY_COMPARED_FIELDS}
        values = dict(row.values)
        status, grade = values.pop("status", None), values.pop("credit_grade", None)
        # A value as stored was checked when it was stored: only what the row changes is checked again.
        unchanged = {name for name, value in values.items()
                     if (value.pk if name == "township" else value) == before.get(name)}
        for name, value in values.items():
            setattr(entity, name, value)
        entity.organisation = self.bureau
        self._clean(entity, row.number, _unfilled(row) | unchanged)
        plan = RowPlan(row.number, entity, False)
        if status and status != entity.status:
            self._plan_status(plan, status)
        if grade and grade != entity.credit_grade:
            if self.can_grade:
                plan.old_grade, entity.credit_grade = entity.credit_grade, grade
            else:
                self.error(row.number, "信用等级", f"系统中为{entity.get_credit_grade_display()}，调整信用等级须有信用评定权限；"
                                               f"如不调整，请清空此格或填写“{entity.credit_grade}”。")
        current = found.domains.get(entity.pk, set())
        if row.domains is not None and set(row.domains) != current:
            plan.domains, plan.old_domains = row.domains, sorted(current)
        plan.changed = tuple(f.name for f in ENTITY_COMPARED_FIELDS if getattr(entity, f.attname) != before[f.name])
        plan.before = {name: before[name] for name in plan.changed}
        return plan

    def _plan_status(self, plan: RowPlan, target: str) -> None:
        entity = plan.entity
        transition = transition_to(entity.status, target)
        if transition is None:
            refusal = (f"经营状态不能从“{ENTITY_STATUS_MACHINE.state_label(entity.status)}”改为"
                       f"“{ENTITY_STATUS_MACHINE.state_label(target)}”（注销、吊销后不能恢复，须重新登记）。")
        else:
            context = {"reason": self.reason(plan.number)}
            refusal = ENTITY_STATUS_MACHINE.refusal(entity, transition, self.actor, context)
        if refusal:
            self.error(plan.number, "经营状态", refusal)
            return
        plan.transition, plan.old_status, entity.status = transition, entity.status, target

    def _plan_licence(self, row: RowInput, plan: RowPlan, found: Existing) -> None:
        data = row.licence
        number, kind = data.get("number"), data.get("kind")
        if not number:
            if data:
                self.error(row.number, "证照编号", "填写了证照类别或日期的，请同时填写证照编号。")
            return
        if not kind:
            self.error(row.number, "证照类别", "填写证照编号的，请同时填写证照类别。")
            return
        earlier = self.seen_licences.get((kind, number))
        if earlier:
            self.error(row.number, "证照编号", f"与第{earlier}行的证照类别、编号都相同。")
            return
        self.seen_licences[(kind, number)] = row.number
        held = found.licences.get((kind, number))
        if held is not None and (plan.is_new or held.entity_id != plan.entity.pk):
            holder = Entity.objects.filter(pk=held.entity_id).values_list("name", flat=True).first()
            self.error(row.number, "证照编号", f"该证照已登记在“{holder}”名下，不能再登记给本行的监管对象，请核对编号。")
            return
        licence = held or Licence(organisation=self.bureau, entity=plan.entity, kind=kind, number=number)
        before = {"issued_on": licence.issued_on, "valid_to": licence.valid_to}
        for name in ("issued_on", "valid_to"):
            if name in data:
                setattr(licence, name, data[name])
        changed = {k: v for k, v in before.items() if getattr(licence, k) != v}
        if held is not None and not changed:
            return  # as stored: nothing to check or save
        self._clean(licence, row.number, LICENCE_UNCHECKED)
        if licence.issued_on and licence.valid_to and licence.valid_to < licence.issued_on:
            self.error(row.number, "有效期至", LICENCE_PERIOD_MESSAGE)
        if held is None or changed:
            plan.licence, plan.licence_is_new, plan.licence_before = licence, held is None, changed

    # -- saving a chunk

    def _write(self, plans: list[RowPlan]) -> None:
        new = [p for p in plans if p.is_new]
        for plan in new:
            plan.entity.name_initials = name_initials(plan.entity.name)
        bulk_insert(Entity, [p.entity for p in new], with_ids=True)
        self._update_entities([p for p in plans if not p.is_new and p.entity_changed])
        self._write_domains([p for p in plans if p.domains is not None])
        bulk_insert_values(CreditGradeChange, GRADE_CHANGE_COLUMNS,
                           [self._grade_change(p) for p in plans if p.is_new or p.old_grade])
        licences = [p for p in plans if p.licence is not None and p.licence_is_new]
        for plan in licences:
            plan.licence.entity_id = plan.entity.pk  # known only now, for a new entity
        bulk_insert(Licence, [p.licence for p in licences], with_ids=True)
        changed_licences = [p.licence for p in plans if p.licence is not None and not p.licence_is_new]
        for licence in changed_licences:
            licence.updated_at = self.now
        Licence.objects.bulk_update(changed_licences, ["issued_on", "valid_to", "updated_at"],
                                    batch_size=IMPORT_RULES.batch_size)
        record_events((event for plan in plans for event in self._events(plan)), actor=self.actor,
                      batch_size=IMPORT_RULES.batch_size)

    def _update_entities(self, plans: list[RowPlan]) -> None:
        groups: dict[tuple, list[Entity]] = {}
        for plan in plans:
            fields = set(plan.changed) | {"updated_at"}
            if "name" in fields:
                plan.entity.name_initials = name_initials(plan.entity.name)
                fields.add("name_initials")
            if plan.transition:
                fields.add("status")
            if plan.old_grade:
                fields.add("credit_grade")
            plan.entity.updated_at = self.now
            groups.setdefault(tuple(sorted(fields)), []).append(plan.entity)
        for fields, entities in groups.items():
            Entity.objects.bulk_update(entities, fields, batch_size=IMPORT_RULES.batch_size)

    def _write_domains(self, plans: list[RowPlan]) -> None:
        through = Entity.domains.through
        replaced = [p.entity.pk for p in plans if not p.is_new]
        if replaced:
            through.objects.filter(entity_id__in=replaced).delete()
        rows = [(p.entity.pk, code) for p in plans for code in p.domains]
        bulk_insert_values(through, ("entity_id", "domain_id"), rows)

    def _grade_change(self, plan: RowPlan) -> tuple:
        entity = plan.entity
        return (entity.pk, entity.organisation_id, plan.old_grade, entity.credit_grade,
                CreditGradeBasis.INITIAL if plan.is_new else CreditGradeBasis.IMPORT, self.reason(plan.number),
                self.today, self.actor.pk, self.now)

    def _events(self, plan: RowPlan) -> Iterator[PendingEvent]:
        source = {"import_batch": self.batch.pk, "file": self.batch.original_name, "row": plan.number}
        entity = plan.entity
        if plan.is_new:
            after = snapshot(entity, ENTITY_SNAPSHOT_FIELDS)
            after["domains"] = sorted(plan.domains)
            yield PendingEvent(AuditAction.CREATE, entity, after=after, detail=source)
        else:
            before = _plain(plan.before)
            after = _plain({name: getattr(entity, Entity._meta.get_field(name).attname) for name in plan.changed})
            detail = dict(source)
            if plan.old_grade:
                before["credit_grade"], after["credit_grade"] = plan.old_grade, entity.credit_grade
                detail.update(basis=CreditGradeBasis.IMPORT.label, reason=self.reason(plan.number))
            if plan.domains is not None:
                before["domains"], after["domains"] = plan.old_domains, sorted(plan.domains)
            if after:
                yield PendingEvent(AuditAction.UPDATE, entity, before=before, after=after, detail=detail)
            if plan.transition:
                transition = plan.transition
                yield PendingEvent(AuditAction.TRANSITION, entity, before={"status": plan.old_status},
                                   after={"status": entity.status},
                                   detail={**source, "procedure": ENTITY_STATUS_MACHINE.name,
                                           "transition": transition.name, "label": transition.label,
                                           "note": self.reason(plan.number)})
        if plan.licence is not None:
            licence = plan.licence
            if plan.licence_is_new:
                yield PendingEvent(AuditAction.CREATE, licence, after=snapshot(licence, LICENCE_SNAPSHOT_FIELDS),
                                   detail={**source, "entity": entity.name})
            else:
                after = _plain({name: getattr(licence, name) for name in plan.licence_before})
                yield PendingEvent(AuditAction.UPDATE, licence, before=_plain(plan.licence_before), after=after,
                                   detail={**source, "entity": entity.name})


def bulk_insert(model, objects: list, *, with_ids: bool = False) -> None:
    """Insert new rows in bulk; `with_ids` gives each object its primary key, as bulk_create does.

    On PostgreSQL through COPY, with keys drawn from the table's sequence first: for a large import it costs a
    fraction of bulk_create, whose arrays of parameters psycopg builds value by value.
    """
    if not objects:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=IMPORT_RULES.batch_size)
        return
    meta, now = model._meta, timezone.now()
    fields = [f for f in meta.concrete_fields if with_ids or not f.primary_key]
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    attnames = [f.attname for f in fields]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if with_ids:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [meta.db_table, meta.pk.column, len(objects)])
            for obj, (pk,) in zip(objects, cursor.fetchall()):
                obj.pk = pk
        columns = ", ".join(quote(f.column) for f in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                for attname in stamped:
                    setattr(obj, attname, now)
                obj._state.adding = False
                copy.write_row([getattr(obj, attname) for attname in attnames])


GRADE_CHANGE_COLUMNS = ("entity_id", "organisation_id", "from_grade", "to_grade", "basis", "reason", "effective_on",
                        "changed_by_id", "changed_at")


def bulk_insert_values(model, attnames: tuple[str, ...], rows: list[tuple]) -> None:
    """Insert rows given as tuples of `attnames` (no keys wanted back): on PostgreSQL straight into COPY."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**dict(zip(attnames, row))) for row in rows],
                                  batch_size=IMPORT_RULES.batch_size)
        return
    columns = {f.attname: f.column for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(columns[a]) for a in attnames)}) FROM STDIN"
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)


def _plain(values: dict) -> dict:
    """Field values as the audit chain stores them (as `snapshot` gives them): dates in ISO, decimals as text."""
    return {k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else str(v) if isinstance(v, Decimal) else v
            for k, v in values.items()}


# ---- progress ----------------------------------------------------------------------------------------------------

def progress_key(batch_id: int) -> str:
    return f"entities:import:{batch_id}:progress"


def publish_progress(batch_id: int, phase: str, processed: int, total: int) -> None:
    """Progress every worker can read, even while the apply's transaction is still open."""
    cache.set(progress_key(batch_id), {"phase": phase, "processed": processed, "total": total, "at": time.time()},
              timeout=24 * 3600)


def read_progress(batch_id: int) -> dict | None:
    return cache.get(progress_key(batch_id))


def is_interrupted(batch: ImportBatch) -> bool:
    """Marked as checking or applying, but its job has not reported for a while: it died with its process."""
    if batch.status not in ACTIVE_STATUSES:
        return False
    progress = read_progress(batch.pk)
    return progress is None or time.time() - progress.get("at", 0) > STALE_AFTER_SECONDS


def preview_rows(batch: ImportBatch) -> dict | None:
    """The first rows of a checked file as written, so the person recognises it before confirming."""
    if batch.file_size > PREVIEW_MAX_BYTES:
        return None
    try:
        table = open_table(batch)
        columns, _ = map_header(table.header)
    except (FileProblem, OSError):
        return None
    wanted = [(index, column) for index, column in sorted(columns.items()) if column.key in PREVIEW_KEYS]
    rows = [(number, [_as_text(cells[i]) if i < len(cells) and cells[i] is not None else "" for i, _ in wanted])
            for number, cells in islice(table.rows, PREVIEW_ROWS)]
    return {"headers": [column.header for _, column in wanted], "rows": rows}


# ---- the public API ----------------------------------------------------------------------------------------------

def ensure_own_batch(actor, batch: ImportBatch) -> None:
    if not ImportBatch.objects.writable_by(actor).filter(pk=batch.pk).exists():
        raise PermissionDenied("该导入批次不属于本局，不能操作。")


def _size_label(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def create_batch(*, actor, uploaded_file) -> ImportBatch:
    """Store an upload as a batch of the actor's bureau; refuse at once what is plainly not an entity list."""
    ensure_role(actor, IMPORTER_ROLES, "批量导入监管对象")
    bureau = home_bureau(actor)
    size = uploaded_file.size or 0
    if size > IMPORT_RULES.max_file_bytes:
        raise ValidationError({"file": f"文件大小为{_size_label(size)}，超过{_size_label(IMPORT_RULES.max_file_bytes)}"
                                       "的上限，请拆分为几个文件分批导入。"})
    uploaded_file.seek(0)
    data = uploaded_file.read(IMPORT_RULES.max_file_bytes + 1)
    if len(data) > IMPORT_RULES.max_file_bytes:
        raise ValidationError({"file": f"文件超过{_size_label(IMPORT_RULES.max_file_bytes)}的上限，请拆分为几个文件分批导入。"})
    try:
        file_format, encoding = sniff(data)
    except FileProblem as problem:
        raise ValidationError({"file": problem.message}) from None
    name = (getattr(uploaded_file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1] or f"导入文件.{file_format}"
    batch = ImportBatch(
        organisation=bureau, created_by=actor, original_name=name[:200], file_size=len(data),
        file_sha256=hashlib.sha256(data).hexdigest(), file_format=file_format, encoding=encoding,
    )
    # The stored name is ours: the person's file name may hold anything, and is kept in original_name.
    batch.file.save(f"{uuid.uuid4().hex}.{file_format}", ContentFile(data), save=False)
    with transaction.atomic():
        batch.save()
        record_create(batch, actor=actor)
    return batch


def _finish(batch: ImportBatch, status: str, *, importer: _Importer | None = None, message: str = "",
            total: int | None = None, expect: tuple[str, ...] = ()) -> ImportBatch:
    fields = {"status": status, "message": message[:500], "finished_at": timezone.now()}
    if importer is not None:
        # What the rows would do is told only when they can be applied; with errors nothing would happen.
        good = status == ImportStatus.CHECKED_OK
        fields.update(errors=importer.errors, error_count=importer.error_count,
                      created_count=importer.created if good else 0, updated_count=importer.updated if good else 0,
                      unchanged_count=importer.unchanged if good else 0,
                      processed_rows=importer.processed, total_rows=importer.processed if total is None else total)
    queryset = ImportBatch.objects.filter(pk=batch.pk)
    (queryset.filter(status__in=expect) if expect else queryset).update(**fields)
    batch.refresh_from_db()
    return batch


def _problem_counts(importer: _Importer) -> str:
    shown = f"，下面列出前{len(importer.errors)}处" if importer.error_count > len(importer.errors) else ""
    return f"共{importer.processed}行，发现{importer.error_count}处错误{shown}"


def check_batch(batch: ImportBatch, *, on_progress: Callable[[int, int], None] | None = None) -> ImportBatch:
    """Read and check every row; nothing is saved but the batch's findings. Checked as its uploader."""
    if batch.status not in (*RECHECKABLE_STATUSES, ImportStatus.CHECKING):
        raise ValidationError(f"该批次{batch.get_status_display()}，不能再检查。")
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.CHECKING, processed_rows=0, total_rows=0, errors=[], error_count=0, created_count=0,
        updated_count=0, unchanged_count=0, message="", finished_at=None,
    )
    publish_progress(batch.pk, "check", 0, 0)

    def report(processed: int, total: int) -> None:
        ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=processed, total_rows=total)
        publish_progress(batch.pk, "check", processed, total)
        if on_progress:
            on_progress(processed, total)

    with translation.override(settings.LANGUAGE_CODE):
        try:
            importer = _Importer(batch, batch.created_by, write=False, report=report)
            importer.run(open_table(batch))
        except FileProblem as problem:
            return _finish(batch, ImportStatus.FAILED, message=problem.message)
        except Exception:
            logger.exception("entity import %s: check failed", batch.pk)
            return _finish(batch, ImportStatus.FAILED, message="检查时发生意外错误，未导入任何记录。请重新检查，仍不行请联系系统管理员。")
    if importer.error_count:
        return _finish(batch, ImportStatus.CHECKED_BAD, importer=importer,
                       message=f"{_problem_counts(importer)}。请改正后重新上传，本次未导入任何记录。")
    return _finish(batch, ImportStatus.CHECKED_OK, importer=importer,
                   message=f"检查通过：共{importer.processed}行，将新增{importer.created}个、更新{importer.updated}个监管对象，"
                           f"{importer.unchanged}个无变化。确认后导入。")


class _Rejected(Exception):
    def __init__(self, importer: _Importer):
        super().__init__("rows rejected")
        self.importer = importer


def apply_batch(batch: ImportBatch, *, actor, on_progress: Callable[[int, int], None] | None = None) -> ImportBatch:
    """Check the file again against the data as it is now, then write all of it in one transaction, or none."""
    ensure_role(actor, IMPORTER_ROLES, "批量导入监管对象")
    ensure_own_batch(actor, batch)
    batch.refresh_from_db()
    if batch.status not in (ImportStatus.CHECKED_OK, ImportStatus.APPLYING):
        raise ValidationError(f"只有检查通过的批次才能导入，该批次{batch.get_status_display()}。")
    ImportBatch.objects.filter(pk=batch.pk, status=ImportStatus.CHECKED_OK).update(status=ImportStatus.APPLYING)
    publish_progress(batch.pk, "apply", 0, batch.total_rows)

    def report(processed: int, total: int) -> None:
        publish_progress(batch.pk, "apply", processed, total)
        if on_progress:
            on_progress(processed, total)

    failed = {"expect": (ImportStatus.APPLYING,)}
    with translation.override(settings.LANGUAGE_CODE):
        try:
            with transaction.atomic():
                # The batch row stays locked to the end, so two applies of one batch run one after the other.
                locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
                if locked.status != ImportStatus.APPLYING:
                    batch.refresh_from_db()
                    return batch
                # Rows are locked chunk by chunk after events are recorded: take the chain first (lock order).
                lock_audit_chain()
                importer = _Importer(locked, actor, write=True, report=report)
                importer.run(open_table(locked))
                if importer.error_count:
                    raise _Rejected(importer)
                _record_applied(locked, importer, actor)
        except _Rejected as rejected:
            return _finish(batch, ImportStatus.CHECKED_BAD, importer=rejected.importer, **failed,
                           message=f"导入前复查时{_problem_counts(rejected.importer)}（系统中的数据在检查后有变化），"
                                   "未导入任何记录。请改正后重新上传。")
        except FileProblem as problem:
            return _finish(batch, ImportStatus.FAILED, message=problem.message, **failed)
        except IntegrityError:
            logger.warning("entity import %s: conflicting concurrent change", batch.pk, exc_info=True)
            return _finish(batch, ImportStatus.FAILED, **failed,
                           message="导入时与他人同时进行的修改冲突，未导入任何记录。请重新上传并检查后再导入。")
        except Exception:
            logger.exception("entity import %s: apply failed", batch.pk)
            return _finish(batch, ImportStatus.FAILED, **failed,
                           message="导入时发生意外错误，未导入任何记录。请稍后重新上传，仍不行请联系系统管理员。")
    batch.refresh_from_db()
    return batch


def _record_applied(batch: ImportBatch, importer: _Importer, actor) -> None:
    before = snapshot(batch)
    batch.status = ImportStatus.APPLIED
    batch.errors, batch.error_count = [], 0
    batch.created_count, batch.updated_count = importer.created, importer.updated
    batch.unchanged_count = importer.unchanged
    batch.processed_rows = batch.total_rows = importer.processed
    batch.finished_at = timezone.now()
    batch.message = (f"已导入：共{importer.processed}行，新增{importer.created}个、更新{importer.updated}个监管对象，"
                     f"{importer.unchanged}个无变化。")
    batch.save()
    record_update(batch, before, actor=actor)


def cancel_batch(batch: ImportBatch, *, actor) -> ImportBatch:
    """Drop a batch that has not been applied; nothing of it was ever saved to the registry."""
    ensure_role(actor, IMPORTER_ROLES, "取消导入")
    ensure_own_batch(actor, batch)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.status not in RECHECKABLE_STATUSES and not is_interrupted(locked):
            raise ValidationError(f"该批次{locked.get_status_display()}，不能取消。")
        before = snapshot(locked)
        locked.status, locked.finished_at = ImportStatus.CANCELLED, timezone.now()
        locked.save(update_fields=["status", "finished_at"])
        record_update(locked, before, actor=actor)
    return locked


# ---- the template ------------------------------------------------------------------------------------------------

def _allowed_values(column: Column, vocabulary: Vocabulary) -> str:
    if column.key in CHOICE_MAPS:
        return _listing(CHOICE_MAPS[column.key][1])
    if column.key == "is_key_supervision":
        return "是、否"
    if column.key == "sub_kind":
        return "\n".join(f"{k.label}：{_listing(s.label for s in k.sub_kinds)}" for k in ENTITY_KINDS)
    if column.key == "domains":
        defaults = "；".join(f"{k.label}→{_listing(vocabulary.domain_names[d] for d in k.default_domains) or '无'}"
                             for k in ENTITY_KINDS)
        return f"{vocabulary.domain_labels}\n留空时按类别默认：{defaults}"
    if column.key == "township":
        listed = _listing(f"{t.name}（{t.code}）" for t in vocabulary.townships)
        return listed or f"{vocabulary.bureau.region.name}辖区内的乡镇（街道）名称或9位代码"
    if column.key in {"longitude", "latitude"}:
        low, high = ENTITY_RULES.longitude_range if column.key == "longitude" else ENTITY_RULES.latitude_range
        return f"{low:g}～{high:g}之间的十进制度数"
    if column.key in {"licence_issued_on", "licence_valid_to"}:
        return "如2026-01-31，也可用Excel的日期格式"
    return ""


def _template_notes(organisation) -> list[str]:
    return [
        f"本模板用于向{organisation.name}批量登记或更新监管对象。",
        "第一个工作表“监管对象”的第一行是表头，请勿改动列名；带*的列必填。从第二行起，每行填写一个监管对象。",
        "已登记的监管对象按统一社会信用代码匹配并更新；没有代码的，按名称和地址匹配；匹配不到的新登记。同一文件重复导入不会重复登记。",
        "已登记的监管对象：空白单元格表示保持系统中的原值不变，导入不会清空已有信息。",
        "上传后系统先逐行检查并列出全部错误；全部无误并经确认后才导入——要么全部导入，要么一条也不导入。",
        f"每个文件最多{IMPORT_RULES.max_rows}行、{_size_label(IMPORT_RULES.max_file_bytes)}，每格最多"
        f"{IMPORT_RULES.max_cell_chars}个字符。也可上传CSV文件（UTF-8或GBK编码，表头相同）。",
        "选项类的列可填下表所列的名称；从系统导出的表格可修改后直接导入（“监管机关”“更新时间”两列会被忽略，只能导入本局的行）。",
    ]


def build_template(organisation) -> bytes:
    """The downloadable template: the header row, dropdowns, and a sheet 填写说明 with each column's values."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    vocabulary = Vocabulary(organisation)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "监管对象"
    sheet.append([c.label for c in TEMPLATE_COLUMNS])
    sheet.freeze_panes = "A2"
    lists = workbook.create_sheet("可选值")
    lists.sheet_state = "hidden"
    option_lists = {
        **{key: labels for key, (_, labels) in CHOICE_MAPS.items()},
        "sub_kind": [s.label for k in ENTITY_KINDS for s in k.sub_kinds],
        "is_key_supervision": ["是", "否"],
        "township": [t.name for t in vocabulary.townships],
    }
    list_count = 0
    for index, column in enumerate(TEMPLATE_COLUMNS, 1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True, color="9B1C1C" if column.required else None)
        sheet.column_dimensions[letter].width = column.width
        if column.text:
            sheet.column_dimensions[letter].number_format = "@"
        options = option_lists.get(column.key)
        if options:
            list_count += 1
            list_column = get_column_letter(list_count)
            lists[f"{list_column}1"] = column.header
            for row, option in enumerate(options, 2):
                lists[f"{list_column}{row}"] = str(option)
            # A dropdown to help, not a lock: codes and other spellings the import accepts stay allowed.
            source = f"'可选值'!${list_column}$2:${list_column}${len(options) + 1}"
            validation = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=False)
            validation.add(f"{letter}2:{letter}{IMPORT_RULES.max_rows + 1}")
            sheet.add_data_validation(validation)
    guide = workbook.create_sheet("填写说明", 1)
    for note in _template_notes(organisation):
        guide.append([note])
    guide.append([])
    guide.append(["列名", "是否必填", "说明", "可填的值"])
    header_row = guide.max_row
    for column in TEMPLATE_COLUMNS:
        required = "必填" if column.required else ""
        guide.append([column.header, required, column.meaning, _allowed_values(column, vocabulary)])
    for cell in guide[header_row]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (22, 10, 50, 70)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=header_row + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
