"""Spreadsheets for the import and export tests, built the way Excel, WPS and our own exporter write them."""
import csv
import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile

from fazhi.core.xlsx_stream import Sheet, xlsx_bytes
from fazhi.entities import imports
from fazhi.entities.choices import ImportStatus
from fazhi.entities.import_template import header_key
from fazhi.entities.models import ImportBatch
from fazhi.entities.tests.factories import credit_code

HEADER = [c.label for c in imports.TEMPLATE_COLUMNS]


def entity_row(n: int = 1, cells: dict | None = None) -> dict:
    """One row by column header (without the *): a clinic in 长沙街道 with a licence."""
    return {
        "名称": f"开平市惠民诊所{n}", "统一社会信用代码": credit_code(n), "类别": "医疗机构", "细分类别": "诊所",
        "地址": f"开平市长沙街道幕沙路{n}号", "联系电话": "13812345678", "乡镇（街道）": "长沙街道",
        "证照类别": "医疗机构执业许可证", "证照编号": f"PDY{n:05d}", "发证日期": "2025-03-01", "有效期至": "2030-02-28",
        **(cells or {}),
    }


def cells_in_order(row: dict, header: list[str]) -> list:
    return [row.get(header_key(h)) for h in header]


def xlsx_file(rows: list[dict], header: list[str] = HEADER) -> bytes:
    """An .xlsx as Excel writes it (shared strings, typed cells), through openpyxl."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(cells_in_order(row, header))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def inline_xlsx_file(rows: list[dict], header: list[str] = HEADER) -> bytes:
    """An .xlsx with inline strings, as streaming writers (ours included) produce."""
    return xlsx_bytes(Sheet("监管对象", [cells_in_order(r, header) for r in rows], header=header))


def csv_file(rows: list[dict], header: list[str] = HEADER, encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in cells_in_order(row, header)])
    return buffer.getvalue().encode(encoding)


def upload(data: bytes, name: str = "监管对象.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def run_import(actor, data: bytes, name: str = "监管对象.xlsx", *, apply: bool = True) -> ImportBatch:
    batch = imports.check_batch(imports.create_batch(actor=actor, uploaded_file=upload(data, name)))
    if apply and batch.status == ImportStatus.CHECKED_OK:
        batch = imports.apply_batch(batch, actor=actor)
    return batch
