"""Reading an uploaded spreadsheet (.xlsx, or .csv in UTF-8 or GBK) as a header row and data rows, within limits.

The format is told by the content, not by the file's name. Whatever a file holds, reading it costs bounded
memory and time: the upload, each cell, the columns and the rows have their ceilings, a zip member may expand
only so far (a zip bomb stops early), and a sheet with XML declarations is refused. A file that cannot be read
raises `FileProblem`, whose message tells the person, in Chinese, what to do about it.

    data = read_upload(uploaded_file, max_bytes)
    file_format, encoding = sniff(data)
    table = read_table(data, file_format, encoding, limits)
    for number, cells in table.rows: ...
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import pickle
import queue
import re
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .xlsx_stream import column_letter

logger = logging.getLogger(__name__)


class FileProblem(Exception):
    """The file as a whole cannot be read; the message says what to do about it."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class SheetLimits:
    """How much of a file is read before it is refused."""

    max_rows: int  # data rows under the header
    max_columns: int
    max_cell_chars: int
    max_expansion: int  # how many times the file's size (at least 1 MB) one zip member may expand to
    max_texts: int  # distinct texts a workbook may list in its shared-strings table


@dataclass
class Table:
    """A sheet as header + rows; each row is (spreadsheet row number, cell values), blank rows skipped."""

    header: list
    rows: Iterator[tuple[int, list]]
    total_hint: int = 0
    date1904: bool = False  # an .xlsx whose day numbers count from 1904 (old Mac Excel)


def size_label(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(size // 1024, 1)} KB"


def too_many_rows(limit: int) -> FileProblem:
    return FileProblem(f"数据超过{limit}行的上限，请拆分为几个文件分批导入。")


def _too_many_columns(limit: int) -> FileProblem:
    return FileProblem(f"表格超过{limit}列，不是导入模板的格式。请使用导入模板。")


def _cell_too_long(row: int, column: int, length: int, limit: int) -> FileProblem:
    return FileProblem(
        f"第{row}行第{column}列的内容有{length}个字符，超过每格{limit}个字符的上限。"
        "请检查是否把整段文字粘进了一个单元格，改正后重新上传。"
    )


def read_upload(uploaded_file, max_bytes: int) -> bytes:
    """The uploaded file's bytes; a file larger than `max_bytes` is refused with the limit stated."""
    size = uploaded_file.size or 0
    if size > max_bytes:
        raise FileProblem(f"文件大小为{size_label(size)}，超过{size_label(max_bytes)}的上限，请拆分为几个文件分批导入。")
    uploaded_file.seek(0)
    data = uploaded_file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise FileProblem(f"文件超过{size_label(max_bytes)}的上限，请拆分为几个文件分批导入。")
    return data


def sniff(data: bytes) -> tuple[str, str]:
    """The file's format ("xlsx" or "csv") and, for CSV, its encoding, from its content rather than its name."""
    if not data.strip():
        raise FileProblem("文件是空的，请选择填好数据的表格文件。")
    if data.startswith(b"PK\x03\x04"):
        _open_workbook(data)
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


def read_table(data: bytes, file_format: str, encoding: str, limits: SheetLimits) -> Table:
    """The first sheet of a workbook, or a CSV text, as `sniff` told it; rows are read as they are iterated."""
    table = _xlsx_table(data, limits) if file_format == "xlsx" else _csv_table(data, encoding or "utf-8", limits)
    table.rows = _at_most(table.rows, limits.max_rows)
    return table


# Below this size a file parses in less time than a child process takes to start.
READ_ASIDE_FROM_BYTES = 1 << 20


def rows_as_lines(rows: list[tuple[int, list]]) -> bytes:
    """Rows as JSON lines, `[number, cells]` each: how a read's rows are kept to be read again without parsing."""
    return b"".join(json.dumps(row, ensure_ascii=False).encode() + b"\n" for row in rows)


def read_table_aside(data: bytes, file_format: str, encoding: str, limits: SheetLimits, *,
                     keep_lines: Callable[[bytes], None] | None = None) -> Table:
    """`read_table`, parsed in a child process while the caller works through the rows: the same rows, and the
    same `FileProblem` at the same point. A small file, or one the child could not start on, is read here.

    `keep_lines` is given the rows as `rows_as_lines` writes them before the caller gets them; the child writes
    them too, so the caller's process does not spend its time on them."""
    if len(data) < READ_ASIDE_FROM_BYTES:
        return _kept_here(read_table(data, file_format, encoding, limits), keep_lines)
    from . import spreadsheet_worker as worker

    child = None
    try:
        child = subprocess.Popen([sys.executable, "-m", worker.__name__], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        with child.stdin:
            request = (data, file_format, encoding, limits, keep_lines is not None)
            pickle.dump(request, child.stdin, protocol=pickle.HIGHEST_PROTOCOL)
        first = worker.receive(child.stdout)
    except OSError:
        first = None
    if first is None or first[0] == "error":
        _stop(child)
        logger.warning("spreadsheet reader process failed, reading in this process: %s", first and first[1])
        return _kept_here(read_table(data, file_format, encoding, limits), keep_lines)
    if first[0] == "problem":
        _stop(child)
        raise FileProblem(first[1])
    _kind, header, total_hint, date1904 = first
    return Table(header, _rows_from(child, worker, keep_lines), total_hint, date1904)


def _kept_here(table: Table, keep_lines: Callable[[bytes], None] | None) -> Table:
    if keep_lines is None:
        return table

    def kept(rows):
        for row in rows:
            keep_lines(rows_as_lines([row]))
            yield row

    return Table(table.header, kept(table.rows), table.total_hint, table.date1904)


# Frames read ahead of the caller: the child keeps parsing while the caller checks a chunk of several frames.
READ_AHEAD_FRAMES = 16


def _rows_from(child: subprocess.Popen, worker, keep_lines=None) -> Iterator[tuple[int, list]]:
    frames: queue.Queue = queue.Queue(READ_AHEAD_FRAMES)
    done = threading.Event()

    def read_ahead() -> None:
        frame: tuple | None = ("rows", [])
        while frame is not None and frame[0] == "rows" and not done.is_set():
            try:
                frame = worker.receive(child.stdout)
            except (OSError, ValueError, EOFError, pickle.UnpicklingError) as error:
                frame = ("error", repr(error))
            while not done.is_set():
                try:
                    frames.put(frame, timeout=0.5)
                    break
                except queue.Full:
                    continue

    reader = threading.Thread(target=read_ahead, name="spreadsheet-read-ahead", daemon=True)
    reader.start()
    try:
        while True:
            frame = frames.get()
            if frame is None:
                raise RuntimeError(f"spreadsheet reader process ended early (exit status {child.wait()})")
            if frame[0] == "rows":
                if keep_lines is not None:
                    keep_lines(frame[2])
                yield from frame[1]
            elif frame[0] == "end":
                return
            elif frame[0] == "problem":
                raise FileProblem(frame[1])
            else:
                raise RuntimeError(f"spreadsheet reader process failed: {frame[1]}")
    finally:  # also when the caller stops early: the child is not left parsing
        done.set()
        _stop(child, reader)


def _stop(child: subprocess.Popen | None, reader: threading.Thread | None = None) -> None:
    """End the child, and the thread reading from it (which the end of its output lets go) before closing that."""
    if child is None:
        return
    if child.poll() is None:
        child.kill()
    if reader is not None:
        reader.join()
    child.wait()
    if child.stdout:
        child.stdout.close()


def _at_most(rows: Iterator[tuple[int, list]], limit: int) -> Iterator[tuple[int, list]]:
    for count, row in enumerate(rows, 1):
        if count > limit:
            raise too_many_rows(limit)
        yield row


# ---- cells -------------------------------------------------------------------------------------------------------

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d")


def cell_text(value) -> str:
    """A cell as the text a person typed: whole numbers without ".0", booleans as 是/否."""
    if type(value) is str:
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    return str(value).strip()


def cell_date(value, date1904: bool = False) -> dt.date | None:
    """A date from an Excel day number, a date or datetime, or text in one of the usual forms; None if it is none."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2_958_466:  # up to 9999
        epoch = dt.date(1904, 1, 1) if date1904 else dt.date(1899, 12, 30)
        return epoch + dt.timedelta(days=int(value))
    text = cell_text(value)
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def cell_decimal(value) -> Decimal | None:
    try:
        number = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


# ---- .xlsx -------------------------------------------------------------------------------------------------------

_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_REL = "/officeDocument"
_WORKSHEET_REL = "/worksheet"
_SHEET_TAGS = {"{http://schemas.openxmlformats.org/spreadsheetml/2006/main}sheet",
               "{http://purl.oclc.org/ooxml/spreadsheetml/main}sheet"}
_DIGITS = "0123456789"


@dataclass
class _Workbook:
    archive: zipfile.ZipFile
    sheet: str  # the first sheet's part
    strings: str | None  # the shared-strings part, if any
    date1904: bool


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


def _open_workbook(data: bytes) -> _Workbook:
    """Where a workbook keeps what is read: its first sheet, its shared strings, and how it counts dates."""
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
        return _Workbook(archive, sheet, strings[0] if strings and strings[0] in names else None, date1904)
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


@lru_cache(maxsize=4)
def _column_indexes(max_columns: int) -> dict[str, int]:
    """Column letters → index, for the columns a sheet may have."""
    return {column_letter(i): i for i in range(max_columns)}


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        value = float(text)
        return int(value) if value.is_integer() and abs(value) < 1e15 else value


def _xlsx_table(data: bytes, limits: SheetLimits) -> Table:
    book = _open_workbook(data)
    expansion = max(len(data), 1 << 20) * limits.max_expansion
    try:
        strings = _shared_strings(book.archive, book.strings, expansion, limits) if book.strings else []
    except ET.ParseError:
        raise FileProblem("工作簿的文字表已损坏，无法读取。请用Excel或WPS打开后重新保存为.xlsx再上传。") from None
    with book.archive.open(book.sheet) as part:
        head = part.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise FileProblem("工作表中含有不允许的XML声明，无法读取。请用Excel或WPS重新保存为.xlsx后再上传。")
    found = re.search(rb'<(?:\w+:)?dimension\s+ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
    rows = _sheet_rows(book.archive, book.sheet, strings, expansion, limits)
    header = next(rows, None)
    if header is None:
        raise FileProblem("第一个工作表是空的，请把数据填在模板的第一个工作表中。")
    return Table(header[1], rows, int(found.group(1)) - header[0] if found else 0, book.date1904)


def _shared_strings(archive: zipfile.ZipFile, name: str, expansion: int, limits: SheetLimits) -> list:
    """The workbook's table of texts; a text too long for a cell is kept as its length, for the message."""
    strings: list = []
    with archive.open(name) as raw:
        for _event, element in ET.iterparse(io.BufferedReader(_Limited(raw, expansion)), events=("end",)):
            if element.tag.endswith("}si"):
                text = "".join(_text_runs(element))
                strings.append(text if len(text) <= limits.max_cell_chars else len(text))
                element.clear()
                if len(strings) > limits.max_texts:
                    raise too_many_rows(limits.max_rows)
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


def _sheet_rows(archive, sheet: str, strings: list, expansion: int, limits: SheetLimits) -> Iterator[tuple[int, list]]:
    try:
        with archive.open(sheet) as raw:
            source = io.BufferedReader(_Limited(raw, expansion), 1 << 16)
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
                values = _row_values(element, last_row, strings, names, limits)
                element.clear()
                if values:
                    yield last_row, values
    except (ET.ParseError, ValueError, IndexError):  # not XML, or cells pointing at texts that are not there
        raise FileProblem("工作表内容已损坏，无法读取。请用Excel或WPS打开后重新保存为.xlsx再上传。") from None
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, OSError):
        raise FileProblem("工作簿压缩数据已损坏，无法读取。请用Excel或WPS重新保存为.xlsx后再上传。") from None


def _row_values(row, number: int, strings: list, names: dict, limits: SheetLimits) -> list:
    values: list = []
    max_chars, max_columns = limits.max_cell_chars, limits.max_columns
    indexes = _column_indexes(max_columns)
    inline_tag, value_tag, text_tag = names["is"], names["v"], names["t"]
    for position, cell in enumerate(row):
        ref = cell.get("r")
        index = indexes.get(ref.rstrip(_DIGITS)) if ref else position
        if index is None or index >= max_columns:
            raise _too_many_columns(max_columns)
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
                    raise _cell_too_long(number, index + 1, value, max_chars)
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
                raise _cell_too_long(number, index + 1, len(value), max_chars)
        if index == len(values):
            values.append(value)
        else:
            values.extend([None] * (index + 1 - len(values)))
            values[index] = value
    return values


# ---- .csv --------------------------------------------------------------------------------------------------------

def _csv_table(data: bytes, encoding: str, limits: SheetLimits) -> Table:
    text = data.decode("utf-8-sig" if encoding == "utf-8" else encoding)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    rows = _csv_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), limits)
    header = next(rows, None)
    if header is None:
        raise FileProblem("文件中没有任何内容，请按模板填写后再上传。")
    return Table(header[1], rows, max(text.count("\n") - header[0], 0))


def _csv_rows(reader, limits: SheetLimits) -> Iterator[tuple[int, list]]:
    number, max_chars = 0, limits.max_cell_chars
    try:
        for number, record in enumerate(reader, 1):
            if len(record) > limits.max_columns:
                raise _too_many_columns(limits.max_columns)
            values = []
            for index, cell in enumerate(record):
                cell = cell.strip()
                if len(cell) > max_chars:
                    raise _cell_too_long(number, index + 1, len(cell), max_chars)
                values.append(cell or None)
            while values and values[-1] is None:
                values.pop()
            if values:
                yield number, values
    except csv.Error:
        # The csv module refuses a field longer than its own limit (128 KiB), far past ours.
        raise FileProblem(f"第{number + 1}行有单元格超过每格{max_chars}个字符的上限，"
                          "或引号不成对。请在Excel中检查后重新保存。") from None
