"""The streamed .xlsx writer: what it writes opens in openpyxl as written, and it writes while rows still come."""
import datetime as dt
import io
import tracemalloc
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from fazhi.core import xlsx_stream
from fazhi.core.xlsx_stream import Sheet, column_letter, stream_xlsx, xlsx_bytes


def open_workbook(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data))


def test_it_writes_values_that_openpyxl_reads_back_as_written():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    row = ["开平市惠民诊所", 42, 2.5, Decimal("112.123456"), True, dt.date(2026, 1, 31),
           dt.datetime(2026, 1, 31, 9, 30, tzinfo=shanghai), None, "", "a & <b> \"c\""]
    with timezone.override("Asia/Shanghai"):
        sheet = open_workbook(xlsx_bytes(Sheet("监管对象", [row], header=["名称", "数"]))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][:2] == ("名称", "数")
    assert values[1] == ("开平市惠民诊所", 42, 2.5, 112.123456, True, dt.datetime(2026, 1, 31),
                         dt.datetime(2026, 1, 31, 9, 30), None, None, "a & <b> \"c\"")
    assert sheet["F2"].number_format == "yyyy-mm-dd"


def test_it_makes_the_header_bold_and_keeps_it_in_view():
    sheet = open_workbook(xlsx_bytes(Sheet("表", [["x"]], header=["名称"], widths=[30]))).active
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == 30
    plain = open_workbook(xlsx_bytes(Sheet("表", [["x"]], header=["名称"], bold_header=False))).active
    assert not plain["A1"].font.b


def test_it_drops_characters_xml_forbids_and_keeps_edge_spaces():
    text = "  前\x00后\x1f\ufffe，代理\ud800字 "
    sheet = open_workbook(xlsx_bytes(Sheet("表", [[text]]))).active
    assert sheet["A1"].value == "  前后，代理字 "


def test_it_cuts_a_cell_at_excels_limit():
    sheet = open_workbook(xlsx_bytes(Sheet("表", [["字" * (xlsx_stream.EXCEL_MAX_CELL_CHARS + 5)]]))).active
    assert len(sheet["A1"].value) == xlsx_stream.EXCEL_MAX_CELL_CHARS


def test_it_writes_several_sheets_with_names_excel_accepts():
    data = xlsx_bytes([Sheet("监管/对象[1]", [[1]]), Sheet("监管/对象[1]", [[2]]), Sheet("", [[3]])])
    workbook = open_workbook(data)
    assert workbook.sheetnames == ["监管_对象_1_", "监管_对象_1__2", "Sheet3"]
    assert [ws["A1"].value for ws in workbook.worksheets] == [1, 2, 3]


def test_it_names_columns_past_z():
    assert [column_letter(i) for i in (0, 25, 26, 701, 702)] == ["A", "Z", "AA", "ZZ", "AAA"]
    row = list(range(30))
    sheet = open_workbook(xlsx_bytes(Sheet("表", [row]))).active
    assert sheet["AD1"].value == 29


def test_it_writes_the_zip_with_data_descriptors_as_to_a_stream_that_cannot_seek():
    archive = zipfile.ZipFile(io.BytesIO(xlsx_bytes(Sheet("表", [["x"]]))))
    assert archive.testzip() is None
    sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    assert sheet.flag_bits & 0x08  # sizes follow the data
    assert b"sharedStrings" not in archive.read("[Content_Types].xml")


def test_it_yields_bytes_before_the_rows_run_out():
    consumed = []

    def rows():
        for i in range(20_000):
            consumed.append(i)
            yield [f"第{i}行的名称，足够长以便很快填满一个输出块", i]

    stream = stream_xlsx(Sheet("表", rows()))
    received = 0
    while received < 3 * xlsx_stream.FLUSH_BYTES:
        received += len(next(stream))
    assert len(consumed) < 20_000
    assert sum(len(chunk) for chunk in stream) > 0 and len(consumed) == 20_000


def test_its_memory_does_not_grow_with_the_row_count():
    def peak(count: int) -> int:
        rows = ([f"开平市第{i}号单位", "91440783MA0000000X", i, dt.date(2026, 1, 1)] for i in range(count))
        tracemalloc.start()
        for _chunk in stream_xlsx(Sheet("表", rows, header=["名称", "代码", "序号", "日期"])):
            pass
        result = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return result

    small, large = peak(1_000), peak(20_000)
    assert large < small + 256 * 1024


def test_it_refuses_more_rows_than_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(xlsx_stream, "EXCEL_MAX_ROWS", 3)
    with pytest.raises(ValueError):
        xlsx_bytes(Sheet("表", [[1], [2], [3]], header=["序号"]))
    assert open_workbook(xlsx_bytes(Sheet("表", [[1], [2]], header=["序号"]))).active.max_row == 3
