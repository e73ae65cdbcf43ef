"""Reading a spreadsheet in a child process gives what reading it here gives: the same rows, the same problems."""
import datetime as dt
import io
import json
import zipfile

import openpyxl
import pytest

from fazhi.core import spreadsheets
from fazhi.core.spreadsheets import FileProblem, SheetLimits, read_table, read_table_aside

LIMITS = SheetLimits(max_rows=5000, max_columns=30, max_cell_chars=2000, max_expansion=100, max_texts=100_000)


@pytest.fixture(autouse=True)
def every_file_aside(monkeypatch):
    monkeypatch.setattr(spreadsheets, "READ_ASIDE_FROM_BYTES", 0)


def workbook(rows: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "数量", "日期", "是否"])
    for n in range(1, rows + 1):
        sheet.append([f"开平市惠民诊所{n}", n * 1.5, dt.date(2025, 1, 1) + dt.timedelta(days=n), n % 2 == 0])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_text(rows: int) -> bytes:
    lines = ["名称,地址"] + [f"诊所{n},长沙街道{n}号" for n in range(1, rows + 1)]
    return "\n".join(lines).encode("gbk")


def both(data: bytes, file_format: str, encoding: str = "") -> tuple:
    here, aside = (reader(data, file_format, encoding, LIMITS) for reader in (read_table, read_table_aside))
    return (here.header, list(here.rows), here.total_hint, here.date1904), \
        (aside.header, list(aside.rows), aside.total_hint, aside.date1904)


@pytest.mark.parametrize("data, file_format, encoding, rows", [
    (workbook(1200), "xlsx", "", 1200), (csv_text(1200), "csv", "gbk", 1200), (workbook(0), "xlsx", "", 0),
], ids=["xlsx", "csv gbk", "header only"])
def test_the_child_reads_the_same_rows(data, file_format, encoding, rows):
    here, aside = both(data, file_format, encoding)
    assert aside == here
    assert len(here[1]) == rows


def problem(reader, data: bytes, file_format: str) -> str:
    with pytest.raises(FileProblem) as raised:
        list(reader(data, file_format, "", LIMITS).rows)
    return raised.value.message


@pytest.mark.parametrize("data", [
    b"PK\x03\x04" + b"\x00\x01" * 200,  # refused when the sheet is opened
    workbook(6000),  # refused part of the way through: too many rows
], ids=["broken zip", "too many rows"])
def test_the_child_refuses_a_file_with_the_same_message(data):
    assert problem(read_table_aside, data, "xlsx") == problem(read_table, data, "xlsx")


def test_a_row_refused_late_comes_after_the_rows_before_it():
    rows = []
    with pytest.raises(FileProblem):
        for row in read_table_aside(workbook(6000), "xlsx", "", LIMITS).rows:
            rows.append(row)
    assert len(rows) == LIMITS.max_rows


def test_stopping_early_stops_the_child(monkeypatch):
    started = []
    popen = spreadsheets.subprocess.Popen

    def recording_popen(*args, **kwargs):
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(spreadsheets.subprocess, "Popen", recording_popen)
    rows = read_table_aside(workbook(3000), "xlsx", "", LIMITS).rows
    assert next(rows)[0] == 2
    rows.close()
    assert started and started[0].poll() is not None


def test_a_child_that_cannot_start_leaves_the_reading_to_this_process(monkeypatch):
    monkeypatch.setattr(spreadsheets.sys, "executable", "/nonexistent/python")
    table = read_table_aside(workbook(10), "xlsx", "", LIMITS)
    assert len(list(table.rows)) == 10


def test_small_files_are_read_here(monkeypatch):
    monkeypatch.setattr(spreadsheets, "READ_ASIDE_FROM_BYTES", 1 << 20)

    def no_child(*args, **kwargs):
        raise AssertionError("a child process was started for a small file")

    monkeypatch.setattr(spreadsheets.subprocess, "Popen", no_child)
    assert len(list(read_table_aside(csv_text(5), "csv", "gbk", LIMITS).rows)) == 5


def test_a_zip_bomb_is_refused_in_the_child_too():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook(1))) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.endswith("sheet1.xml"):
                content = content.replace(b"</sheetData>", b" " * (3 << 20) + b"</sheetData>")
            target.writestr(item.filename, content)
    limits = SheetLimits(max_rows=10, max_columns=30, max_cell_chars=2000, max_expansion=1, max_texts=100)
    messages = []
    for reader in (read_table, read_table_aside):
        with pytest.raises(FileProblem) as raised:
            list(reader(buffer.getvalue(), "xlsx", "", limits).rows)
        messages.append(raised.value.message)
    assert messages[0] == messages[1] and "解压后过大" in messages[0]


@pytest.mark.parametrize("aside_from", [0, 1 << 40], ids=["in the child", "here (a small file)"])
def test_the_rows_read_are_kept_as_json_lines_before_the_caller_gets_them(monkeypatch, aside_from):
    monkeypatch.setattr(spreadsheets, "READ_ASIDE_FROM_BYTES", aside_from)
    kept = io.BytesIO()
    table = read_table_aside(workbook(1200), "xlsx", "", LIMITS, keep_lines=kept.write)
    read = []
    for row in table.rows:
        read.append(row)
        assert kept.getvalue().count(b"\n") >= len(read)  # a row is kept by the time the caller has it
    assert kept.getvalue() == spreadsheets.rows_as_lines(read)
    assert [tuple(json.loads(line)) for line in kept.getvalue().splitlines()] == [
        (number, list(cells)) for number, cells in read]
