"""Other departments' inspection tasks from a spreadsheet (.xlsx, or .csv in UTF-8 or GBK), all or nothing.

The file is read within `JOINT_LIMITS` by `fazhi.core.spreadsheets`; each row becomes a `joint.TaskInput`, with a
message on every cell that cannot be read. `check_upload` then checks all rows with the same rules the API
uses (`joint.check_tasks`) and lists every bad row (row, column, message) while nothing is saved. The page
carries the checked file to the confirm step in a signed field; `apply_upload` reads and checks it again
against the data as it is then, and saves every task or none.
"""
from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, field

from django.core import signing

from fazhi.core.spreadsheets import FileProblem, SheetLimits, cell_date, cell_text, read_table, read_upload, sniff

from .choices import Department
from .joint import (
    IMPORTABLE_DEPARTMENTS, JOINT_LIMITS, TaskCheck, TaskInput, TaskProblem, TaskSaveResult, TasksRejected,
    check_tasks, ensure_may_act_for, save_tasks,
)


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    meaning: str
    required: bool = True
    width: int = 16

    @property
    def label(self) -> str:
        return f"{self.header}*" if self.required else self.header


TEMPLATE_COLUMNS: tuple[Column, ...] = (
    Column("部门", "department", "发起检查任务的部门名称，如“市场监管”“消防救援”。", width=14),
    Column("部门任务编号", "external_id", "该部门系统中的任务编号。同一部门的同一编号再次导入时更新原任务，不会重复。", width=20),
    Column("统一社会信用代码", "credit_code", "被检查对象的18位代码，须是本局已登记的监管对象。", width=22),
    Column("监管对象名称", "entity_name", "便于核对，可不填；以统一社会信用代码为准。", required=False, width=28),
    Column("任务名称", "title", "如“2026年食品安全双随机抽查”。", width=28),
    Column("检查内容", "items", "每项一行（单元格内换行），或用分号“；”分隔。相同的内容在联合检查清单中只列一次。", width=40),
    Column("检查日期起", "window_start", "日期，如2026-03-01。", width=13),
    Column("检查日期止", "window_end", "日期，不早于检查日期起。", width=13),
)
COLUMN_OF = {c.key: c.header for c in TEMPLATE_COLUMNS}
ITEM_SEPARATORS = re.compile(r"[\n\r;；]+")
# Common ways of writing a department's name besides its label and code.
DEPARTMENT_ALIASES = {
    "市场监督管理": Department.MARKET, "市场监督管理局": Department.MARKET, "市场监管局": Department.MARKET,
    "消防": Department.FIRE, "消防救援大队": Department.FIRE, "消防救援局": Department.FIRE,
    "环保": Department.ENVIRONMENT, "生态环境局": Department.ENVIRONMENT, "住建": Department.HOUSING,
    "住建局": Department.HOUSING, "教育局": Department.EDUCATION, "应急管理局": Department.EMERGENCY,
    "人社": Department.HUMAN_RESOURCES, "人社局": Department.HUMAN_RESOURCES, "文旅": Department.CULTURE_TOURISM,
    "文广旅体局": Department.CULTURE_TOURISM, "公安局": Department.PUBLIC_SECURITY, "派出所": Department.PUBLIC_SECURITY,
    "卫健": Department.HEALTH, "卫生健康局": Department.HEALTH, "卫生监督所": Department.HEALTH,
}
LIMITS = SheetLimits(max_rows=JOINT_LIMITS.max_rows, max_columns=50, max_cell_chars=JOINT_LIMITS.max_cell_chars,
                     max_expansion=40, max_texts=JOINT_LIMITS.max_rows * len(TEMPLATE_COLUMNS) * 2)
SIGNING_SALT = "inspections.joint.upload"
# The checked file waits this long for its confirmation; after that it is uploaded again.
CONFIRM_MAX_AGE = 2 * 60 * 60


def department_code(text: str) -> str:
    """A department's code from its name, code or a usual short name; the text itself if it is none of them."""
    text = re.sub(r"\s+", "", text or "")
    for value, label in Department.choices:
        if text in (value, label):
            return value
    return DEPARTMENT_ALIASES.get(text, text)


def _header_key(text) -> str:
    return re.sub(r"[\s*＊]+", "", cell_text(text) if text is not None else "")


def map_header(header: list) -> dict[str, int]:
    """Where each template column is; a file without a required column is not this template."""
    by_name = {c.header: c.key for c in TEMPLATE_COLUMNS}
    positions = {}
    for index, cell in enumerate(header):
        key = by_name.get(_header_key(cell))
        if key and key not in positions:
            positions[key] = index
    missing = [c.header for c in TEMPLATE_COLUMNS if c.required and c.key not in positions]
    if missing:
        raise FileProblem(f"表头缺少“{'”“'.join(missing)}”列，不是部门检查任务的导入模板。请下载模板，按模板填写后再上传。")
    return positions


@dataclass
class ReadRows:
    tasks: list[TaskInput] = field(default_factory=list)
    problems: list[TaskProblem] = field(default_factory=list)


def _cell(cells: list, positions: dict, key: str):
    index = positions.get(key)
    return cells[index] if index is not None and index < len(cells) else None


def _date(number: int, cells, positions, key: str, date1904: bool, read: ReadRows):
    value = _cell(cells, positions, key)
    if value is None or cell_text(value) == "":
        return None
    day = cell_date(value, date1904)
    if day is None:
        read.problems.append(TaskProblem(number, key, f"“{cell_text(value)}”不是日期，请填写如2026-03-01的日期。"))
    return day


def read_tasks(data: bytes) -> ReadRows:
    """Every data row of the file as a TaskInput; raises FileProblem when the file as a whole cannot be read."""
    file_format, encoding = sniff(data)
    table = read_table(data, file_format, encoding, LIMITS)
    positions = map_header(table.header)
    read = ReadRows()
    for number, cells in table.rows:
        text = {key: cell_text(v) if (v := _cell(cells, positions, key)) is not None else ""
                for key in ("department", "external_id", "credit_code", "title", "items")}
        read.tasks.append(TaskInput(
            row=number, department=department_code(text["department"]), external_id=text["external_id"],
            credit_code=text["credit_code"], title=text["title"],
            items=tuple(i.strip() for i in ITEM_SEPARATORS.split(text["items"]) if i.strip()),
            window_start=_date(number, cells, positions, "window_start", table.date1904, read),
            window_end=_date(number, cells, positions, "window_end", table.date1904, read),
        ))
    if not read.tasks:
        raise FileProblem("表格只有表头，没有数据行。请在表头下方逐行填写检查任务后再上传。")
    return read


def problem_rows(problems: list[TaskProblem]) -> list[dict]:
    """Problems as the page lists them: row, column header, message; by row then column."""
    order = {c.key: n for n, c in enumerate(TEMPLATE_COLUMNS)}
    ranked = sorted(problems, key=lambda p: (p.row, order.get(p.field, 99)))
    return [{"row": p.row, "column": COLUMN_OF.get(p.field, ""), "message": p.message} for p in ranked]


def _combined(read: ReadRows, check: TaskCheck) -> list[TaskProblem]:
    """The reader's problems, then the rules', except where the reader already said what is wrong with a cell."""
    unread = {(p.row, p.field) for p in read.problems}
    return [*read.problems, *(p for p in check.problems if (p.row, p.field) not in unread)]


@dataclass
class UploadCheck:
    tasks: list[TaskInput]
    problems: list[dict]
    new_count: int = 0
    changed_count: int = 0
    unchanged_count: int = 0

    @property
    def is_clean(self) -> bool:
        return not self.problems


def check_upload(bureau, *, actor, data: bytes) -> UploadCheck:
    """Read and check every row; nothing is saved. Raises FileProblem for a file that cannot be read at all."""
    ensure_may_act_for(actor, bureau, "导入部门检查任务")
    read = read_tasks(data)
    check = check_tasks(bureau, read.tasks)
    problems = problem_rows(_combined(read, check))
    if problems:
        return UploadCheck(read.tasks, problems)
    return UploadCheck(read.tasks, [], check.new_count, check.changed_count, check.unchanged_count)


def apply_upload(bureau, *, actor, data: bytes) -> TaskSaveResult:
    """Read and check the file again, then save all of its tasks or none (TasksRejected lists every bad row)."""
    read = read_tasks(data)
    if read.problems:
        raise TasksRejected(read.problems)
    try:
        return save_tasks(bureau, actor=actor, tasks=read.tasks)
    except TasksRejected as rejected:
        raise TasksRejected(_combined(read, TaskCheck(problems=rejected.problems))) from None


def uploaded_bytes(uploaded_file) -> bytes:
    return read_upload(uploaded_file, JOINT_LIMITS.max_file_bytes)


# ---- carrying a checked file to its confirmation ----------------------------------------------------------------

def sign_upload(data: bytes, *, actor, name: str) -> str:
    payload = {"user": actor.pk, "name": name[:200], "data": base64.b64encode(data).decode("ascii")}
    return signing.dumps(payload, salt=SIGNING_SALT, compress=True)


def unsign_upload(token: str, *, actor) -> tuple[bytes, str]:
    """The file a person checked; refused when it was signed for someone else, altered or left too long."""
    try:
        payload = signing.loads(token, salt=SIGNING_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.SignatureExpired:
        raise FileProblem(f"检查结果已超过{CONFIRM_MAX_AGE // 3600}小时，请重新上传文件。") from None
    except signing.BadSignature:
        raise FileProblem("确认信息无效，请重新上传文件。") from None
    if payload.get("user") != actor.pk:
        raise FileProblem("确认信息无效，请重新上传文件。")
    return base64.b64decode(payload["data"]), payload.get("name", "")


# ---- the template ----------------------------------------------------------------------------------------------

def build_template() -> bytes:
    """The downloadable workbook: the header, a department dropdown, one example row, and a sheet of notes."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "检查任务"
    sheet.append([c.label for c in TEMPLATE_COLUMNS])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(TEMPLATE_COLUMNS, 1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True, color="9B1C1C" if column.required else None)
        sheet.column_dimensions[letter].width = column.width
        if column.key in ("external_id", "credit_code"):
            sheet.column_dimensions[letter].number_format = "@"
    names = [Department(d).label for d in IMPORTABLE_DEPARTMENTS]
    # A dropdown to help, not a lock: codes and the usual short names are accepted too.
    validation = DataValidation(type="list", formula1=f'"{",".join(names)}"', allow_blank=True, showErrorMessage=False)
    validation.add(f"A2:A{JOINT_LIMITS.max_rows + 1}")
    sheet.add_data_validation(validation)
    guide = workbook.create_sheet("填写说明")
    for note in (
        "每行填写一个部门的一项检查任务。带*的列必填。",
        "系统逐行检查，列出全部有问题的行和列；有任何错误时不导入任何任务，改正后重新上传。",
        f"一次最多{JOINT_LIMITS.max_rows}行，文件不超过{JOINT_LIMITS.max_file_bytes // (1024 * 1024)} MB；"
        "可保存为.xlsx，或UTF-8、GBK编码的.csv。",
        "卫生健康部门的任务来自本局的检查计划，不需导入。",
        f"可填的部门：{'、'.join(names)}。",
    ):
        guide.append([note])
    guide.append([])
    guide.append(["列名", "是否必填", "说明"])
    for cell in guide[guide.max_row]:
        cell.font = Font(bold=True)
    for column in TEMPLATE_COLUMNS:
        guide.append([column.header, "必填" if column.required else "", column.meaning])
    for letter, width in zip("ABC", (20, 10, 80)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
