"""Streamed .xlsx: bytes go out while rows are still being read, so memory stays flat whatever the row count.

A workbook is a zip of XML parts. The zip is written to a sink that cannot seek (each entry's sizes follow
its data in a data descriptor), the sheet XML is produced row by row, and strings are written inline
(no shared-strings table, which would have to be held in memory until the end).

    response = StreamingHttpResponse(stream_xlsx([Sheet("监管对象", rows, header=[...])]), ...)

Values: str, int, float, Decimal, bool, date and datetime (aware ones in the current time zone); None and ""
leave the cell empty; anything else is written as its str(). Characters XML 1.0 forbids are dropped.
"""
from __future__ import annotations

import datetime as dt
import decimal
import math
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Limits of the format (Excel's "specifications and limits"): a reader refuses or cuts anything beyond them.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_CELL_CHARS = 32_767
SHEET_NAME_MAX = 31

# Speed over the last few per cent of size: level 1 deflates a sheet several times faster than the default 6.
COMPRESS_LEVEL = 1
FLUSH_BYTES = 64 * 1024
ROWS_PER_PIECE = 200

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# XML 1.0 §2.2: tab, newline, carriage return and the ranges below; everything else may not appear at all.
_ILLEGAL_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)

# Cell styles (indexes into cellXfs below).
STYLE_BOLD, STYLE_DATE, STYLE_DATETIME = 1, 2, 3
STYLES_XML = (
    XML_HEAD + f'<styleSheet xmlns="{MAIN_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="宋体"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


@dataclass(frozen=True)
class Sheet:
    """One worksheet: its rows are consumed lazily, once, while the workbook streams."""

    name: str
    rows: Iterable[Sequence]
    header: Sequence[str] | None = None
    bold_header: bool = True
    widths: Sequence[float] | None = None  # column widths in characters, from column A


def clean_text(value: str) -> str:
    """The text as a cell can hold it: characters XML forbids dropped, cut at Excel's cell limit."""
    if _ILLEGAL_XML.search(value):
        value = _ILLEGAL_XML.sub("", value)
    return value[:EXCEL_MAX_CELL_CHARS]


def _escape(value: str) -> str:
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    return value


def _attr(value: str) -> str:
    return _escape(clean_text(value)).replace('"', "&quot;")


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    n, letters = index + 1, ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# A to ZZ, computed once; wider rows (rare) name their further columns on the fly.
_LETTERS = tuple(column_letter(i) for i in range(26 * 27))


def excel_serial(value: dt.date | dt.datetime) -> float:
    """Days since Excel's 1900 epoch (with its 1900 leap-day quirk, which the 1899-12-30 origin absorbs)."""
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        delta = value - _EXCEL_EPOCH
        return delta.days + delta.seconds / 86400 + delta.microseconds / 86_400_000_000
    return float((value - _EXCEL_EPOCH.date()).days)


def _cell(ref: str, value, style: int = 0) -> str:
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        text = _escape(clean_text(value))
        space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
        return f'<c r="{ref}" t="inlineStr"{s}><is><t{space}>{text}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{s}><v>{int(value)}</v></c>'
    if isinstance(value, (int, decimal.Decimal)) or (isinstance(value, float) and math.isfinite(value)):
        if isinstance(value, decimal.Decimal) and not value.is_finite():
            return _cell(ref, str(value), style)
        return f'<c r="{ref}"{s}><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        return f'<c r="{ref}" s="{style or STYLE_DATETIME}"><v>{excel_serial(value)!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="{style or STYLE_DATE}"><v>{int(excel_serial(value))}</v></c>'
    return _cell(ref, str(value), style)


def _row(number: int, values: Sequence, style: int = 0) -> str:
    letters = _LETTERS if len(values) <= len(_LETTERS) else [column_letter(i) for i in range(len(values))]
    cells = "".join(
        _cell(f"{letters[i]}{number}", v, style) for i, v in enumerate(values) if v is not None and v != ""
    )
    return f'<row r="{number}">{cells}</row>'


def _sheet_pieces(sheet: Sheet) -> Iterator[bytes]:
    """The worksheet XML, a few hundred rows per piece."""
    head = [XML_HEAD, f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">']
    if sheet.header:
        head.append('<sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews>")
    if sheet.widths:
        cols = "".join(f'<col min="{i}" max="{i}" width="{float(w):g}" customWidth="1"/>'
                       for i, w in enumerate(sheet.widths, 1))
        head.append(f"<cols>{cols}</cols>")
    head.append("<sheetData>")
    number = 0
    if sheet.header:
        number = 1
        head.append(_row(1, [str(h) for h in sheet.header], STYLE_BOLD if sheet.bold_header else 0))
    yield "".join(head).encode()
    pending: list[str] = []
    for values in sheet.rows:
        number += 1
        if number > EXCEL_MAX_ROWS:
            raise ValueError(f"a worksheet holds at most {EXCEL_MAX_ROWS} rows")
        pending.append(_row(number, values))
        if len(pending) >= ROWS_PER_PIECE:
            yield "".join(pending).encode()
            pending = []
    pending.append("</sheetData></worksheet>")
    yield "".join(pending).encode()


def sheet_name(name: str, index: int) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, never empty."""
    cleaned = _SHEET_NAME_FORBIDDEN.sub("_", clean_text(name or "")).strip("'")[:SHEET_NAME_MAX]
    return cleaned or f"Sheet{index}"


def _package_parts(names: list[str]) -> list[tuple[str, str]]:
    count = len(names)
    sheet_overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, count + 1)
    )
    content_types = (
        XML_HEAD + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        f"{sheet_overrides}</Types>"
    )
    root_rels = (
        XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheets = "".join(f'<sheet name="{_attr(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    workbook = (XML_HEAD + f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
                f'<bookViews><workbookView/></bookViews><sheets>{sheets}</sheets></workbook>')
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    workbook_rels = (
        XML_HEAD + f'<Relationships xmlns="{PKG_REL_NS}">{sheet_rels}'
        f'<Relationship Id="rId{count + 1}" Type="{REL_NS}/styles" Target="styles.xml"/></Relationships>'
    )
    return [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", root_rels),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels),
        ("xl/styles.xml", STYLES_XML),
    ]


class _Sink:
    """Where the zip writes: it cannot seek (so zipfile streams), and hands over what has piled up."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts, self.size = [], 0
        return data


def stream_xlsx(sheets: Sheet | Iterable[Sheet]) -> Iterator[bytes]:
    """Yield the bytes of a workbook with these sheets; each sheet's rows are read only when its turn comes."""
    sheets = [sheets] if isinstance(sheets, Sheet) else list(sheets)
    if not sheets:
        raise ValueError("a workbook needs at least one sheet")
    names: list[str] = []
    for index, sheet in enumerate(sheets, 1):
        name = sheet_name(sheet.name, index)
        names.append(name if name not in names else f"{name[:SHEET_NAME_MAX - 3]}_{index}")
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
        for part, xml in _package_parts(names):
            archive.writestr(part, xml)
        for index, sheet in enumerate(sheets, 1):
            with archive.open(f"xl/worksheets/sheet{index}.xml", "w") as entry:
                for piece in _sheet_pieces(sheet):
                    entry.write(piece)
                    if sink.size >= FLUSH_BYTES:
                        yield sink.take()
    tail = sink.take()
    if tail:
        yield tail


def xlsx_bytes(sheets: Sheet | Iterable[Sheet]) -> bytes:
    """The whole workbook at once, for small ones (a template, a test)."""
    return b"".join(stream_xlsx(sheets))
