"""The discretion table (裁量基准表): violations with their provisions and bands, in a file the bureau edits.

A bureau publishes, for each violation it punishes, bands 轻微/一般/较重/严重 that split the statutory fine range
(行政处罚法第三十四条); a proposed fine outside its band needs written reasons. The table is one file: a .xlsx
or UTF-8 .tsv with one row per violation and, for each band, four columns (`table_headers()`).

    check = check_discretion_table(data)              # every row checked, nothing saved: the preview
    check = load_discretion_table(data, actor)        # checked again, then all rows saved or none
    data = export_discretion_table("xlsx")            # the current table, which imports back unchanged
    ok, message = band_check(violation, "general", Decimal("12000"))

Rows are matched by 编号: importing a file again updates those violations and never duplicates them;
violations the file does not list are left as they are. Every citation must resolve in the law library
(`fazhi.laws.citations`); a citation of a law whose loaded text is no longer in force resolves against that
text, and the row must then say so in 核对提示. The seed file (data/discretion_seed.tsv) is generated from the
violations read from the shipped texts by `seed_rows_from_violations`.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from fazhi.core.audit import PendingEvent, record_events, snapshot
from fazhi.core.choices import AuditAction, SupervisionDomain
from fazhi.core.models import Domain
from fazhi.core.spreadsheets import FileProblem, SheetLimits, cell_decimal, cell_text, read_table, read_upload, sniff
from fazhi.core.xlsx_stream import Sheet, xlsx_bytes
from fazhi.laws.citations import chinese_to_int, parse_citation, provision_label, resolve

from .choices import BandLevel, PenaltyKind
from .models import DiscretionBand, Violation
from .rules import LEGAL_ROLES

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED_FILE = DATA_DIR / "discretion_seed.tsv"
VIOLATIONS_FILE = Path(__file__).resolve().parent.parent / "laws" / "data" / "violations.tsv"

# Who may replace the table: the legal section, which answers for it, and the administrator.
EDITOR_ROLES = LEGAL_ROLES | frozenset({"admin"})
LIMITS = SheetLimits(max_rows=2000, max_columns=60, max_cell_chars=1000, max_expansion=40, max_texts=80_000)
MAX_FILE_BYTES = 5 * 1024 * 1024
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # what a DecimalField(max_digits=12, decimal_places=2) holds
FINE = PenaltyKind.FINE.value
LEVELS = tuple(BandLevel.values)  # bottom to top
LEVEL_LABELS = dict(BandLevel.choices)
KIND_ORDER = {code: n for n, code in enumerate(PenaltyKind.values)}
SEPARATOR_RE = re.compile(r"[、，,；;\s]+")


# ---- the file's columns --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    header: str
    key: str
    meaning: str
    max_length: int = 0
    width: int = 16


VIOLATION_COLUMNS: tuple[Column, ...] = (
    Column("编号", "code", "违法行为的编号，如“YL-001”。再次导入时按编号更新，不会重复。", 20, 10),
    Column("专业类别", "domain", "如“医疗服务”“公共场所”。", 0, 12),
    Column("违法行为", "name", "违法行为的名称。", 200, 40),
    Column("违反条款", "provision_broken_cited", "如“医师法第十四条”；引用多条用“、”连接，括号内可加说明。", 200, 26),
    Column("处罚依据", "penalty_provision_cited", "如“医师法第五十七条”，写法同上。", 200, 26),
    Column("处罚种类", "penalty_kinds", "警告、通报批评、罚款、没收违法所得、没收非法财物、暂扣许可证件、吊销许可证件、"
           "限制开展生产经营活动、责令停产停业、责令关闭、限制从业等，用“、”分隔。", 0, 24),
    Column("罚则内容", "penalty_text", "照录罚则所列的处理和处罚及其适用条件，含责令改正等不属于处罚种类的内容。", 300, 36),
    Column("罚款下限（元）", "fine_min", "法定罚款幅度的下限；无下限或无固定金额的不填。", 0, 12),
    Column("罚款上限（元）", "fine_max", "法定罚款幅度的上限；按违法所得倍数计算或无罚款的不填。", 0, 12),
    Column("罚款规则", "fine_rule", "照录条文对罚款数额的规定，如“违法所得二倍以上十倍以下”。", 300, 30),
    Column("实施机关说明", "authority_note", "罚则由疾病预防控制部门、生态环境部门等实施或须会同实施的，在此写明。", 200, 24),
    Column("核对提示", "caveat", "依据的文本可能过时等须核对之处；引用已失效文本的，必须填写。", 300, 30),
    Column("启用", "is_active", "填“是”或“否”；不填为“是”。停用的违法行为不能用于新案件。", 0, 6),
)
BAND_PARTS: tuple[Column, ...] = (
    Column("适用情形", "circumstances", "适用本阶次的情形；填写了本阶次任何一列时必填。", 300, 30),
    Column("罚款下限（元）", "fine_min", "本阶次罚款下限；不填为法定下限。", 0, 12),
    Column("罚款上限（元）", "fine_max", "本阶次罚款上限；法定幅度有上限时必填。", 0, 12),
    Column("其他处罚", "other_penalties", "本阶次并处的其他处罚，如“警告”。", 200, 20),
)


def band_header(level: str, part: Column) -> str:
    return f"{LEVEL_LABELS[level]}·{part.header}"


def table_headers() -> list[str]:
    return [c.header for c in VIOLATION_COLUMNS] + [band_header(lv, p) for lv in LEVELS for p in BAND_PARTS]


def _header_key(value) -> str:
    text = cell_text(value) if value is not None else ""
    return re.sub(r"[-—_・.]", "·", re.sub(r"[\s*＊]+", "", text))


HEADER_KEYS = {_header_key(h): h for h in table_headers()}


# ---- reading a file ------------------------------------------------------------------------------------------

@dataclass
class BandRow:
    level: str
    circumstances: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    other_penalties: str = ""

    def values(self) -> tuple:
        return (self.level, self.circumstances, self.fine_min, self.fine_max, self.other_penalties)


@dataclass
class TableRow:
    """One violation as the file gives it, read but not yet checked against the database."""

    number: int
    code: str = ""
    domain: str = ""
    name: str = ""
    provision_broken_cited: str = ""
    penalty_provision_cited: str = ""
    penalty_kinds: str = ""
    penalty_text: str = ""
    fine_min: Decimal | None = None
    fine_max: Decimal | None = None
    fine_rule: str = ""
    authority_note: str = ""
    caveat: str = ""
    is_active: bool = True
    bands: list[BandRow] = field(default_factory=list)

    @property
    def domain_label(self) -> str:
        return dict(SupervisionDomain.choices).get(self.domain, self.domain)

    def band(self, level: str) -> BandRow | None:
        return next((b for b in self.bands if b.level == level), None)


@dataclass(frozen=True)
class TableProblem:
    row: int
    column: str
    message: str


@dataclass
class ReadTable:
    rows: list[TableRow] = field(default_factory=list)
    problems: list[TableProblem] = field(default_factory=list)


def quantize(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(CENT, rounding=ROUND_HALF_UP)


DOMAIN_ALIASES = {"母婴保健": SupervisionDomain.MATERNAL_FAMILY, "计划生育": SupervisionDomain.MATERNAL_FAMILY,
                  "消毒": SupervisionDomain.DISINFECTION, "饮用水": SupervisionDomain.DRINKING_WATER,
                  "放射": SupervisionDomain.RADIATION, "职业病": SupervisionDomain.OCCUPATIONAL}


def domain_code(text: str) -> str | None:
    """A domain's code from its code, its name or a usual short name; None when it is none of them."""
    text = re.sub(r"\s+", "", text or "")
    for value, label in SupervisionDomain.choices:
        if text in (value, label):
            return value
    alias = DOMAIN_ALIASES.get(text)
    return alias.value if alias else None


def penalty_kind_codes(text: str) -> tuple[list[str], list[str]]:
    """(codes in PenaltyKind order, words that are no kind) from codes or Chinese labels separated by 、 or ；."""
    by_word = {v: v for v in PenaltyKind.values} | {label: v for v, label in PenaltyKind.choices}
    codes, unknown = set(), []
    for word in SEPARATOR_RE.split(text or ""):
        if word:
            (codes.add(by_word[word]) if word in by_word else unknown.append(word))
    return sorted(codes, key=KIND_ORDER.get), unknown


def kind_labels(codes: str) -> str:
    labels = dict(PenaltyKind.choices)
    return "、".join(labels.get(code, code) for code in codes.split())


class _RowReader:
    """Reads one data row's cells into a TableRow, with a problem for every cell that cannot be read."""

    def __init__(self, positions: dict[str, int], problems: list[TableProblem]):
        self.positions, self.problems = positions, problems

    def text(self, cells, header: str, number: int, max_length: int = 0) -> str:
        index = self.positions[header]
        value = cell_text(cells[index]) if index < len(cells) and cells[index] is not None else ""
        if max_length and len(value) > max_length:
            self.problems.append(TableProblem(number, header, f"内容有{len(value)}个字，超过{max_length}字的上限。"))
        return value

    def amount(self, cells, header: str, number: int) -> Decimal | None:
        raw = self.text(cells, header, number)
        if not raw:
            return None
        value = cell_decimal(re.sub(r"[,，\s]|元$", "", raw))
        problem = None
        if value is None:
            problem = f"“{raw}”不是金额，请填写以元为单位的数字，如5000。"
        elif value < 0:
            problem = "金额不能为负数。"
        elif value > MAX_AMOUNT:
            problem = "金额过大，请核对。"
        elif value != value.quantize(CENT):
            problem = "金额最多保留两位小数（分）。"
        if problem:
            self.problems.append(TableProblem(number, header, problem))
            return None
        return quantize(value)

    def read(self, number: int, cells: list) -> TableRow:
        row = TableRow(number)
        for column in VIOLATION_COLUMNS:
            if column.key in ("fine_min", "fine_max"):
                setattr(row, column.key, self.amount(cells, column.header, number))
            elif column.key not in ("domain", "penalty_kinds", "is_active"):
                setattr(row, column.key, self.text(cells, column.header, number, column.max_length))
        self._read_choices(row, cells, number)
        for level in LEVELS:
            band = BandRow(level)
            for part in BAND_PARTS:
                header = band_header(level, part)
                value = (self.amount(cells, header, number) if part.key in ("fine_min", "fine_max")
                         else self.text(cells, header, number, part.max_length))
                setattr(band, part.key, value)
            if any(value not in ("", None) for value in band.values()[1:]):
                row.bands.append(band)
        return row

    def _read_choices(self, row: TableRow, cells, number: int) -> None:
        domain = self.text(cells, "专业类别", number)
        row.domain = domain_code(domain) or ""
        if domain and not row.domain:
            names = "、".join(SupervisionDomain.labels)
            self.problems.append(TableProblem(number, "专业类别", f"无法识别的专业类别“{domain}”，可填：{names}。"))
        kinds, unknown = penalty_kind_codes(self.text(cells, "处罚种类", number))
        row.penalty_kinds = " ".join(kinds)
        if unknown:
            self.problems.append(TableProblem(
                number, "处罚种类", f"“{'”“'.join(unknown)}”不是处罚种类（行政处罚法第九条）；"
                                   "责令改正等其他处理请写在“罚则内容”列。"))
        active = self.text(cells, "启用", number)
        row.is_active = active not in ("否", "停用", "0", "false", "False")
        if active not in ("", "是", "否", "启用", "停用", "1", "0", "true", "false", "True", "False"):
            self.problems.append(TableProblem(number, "启用", f"“{active}”无法识别，请填“是”或“否”。"))


def map_header(header: list) -> dict[str, int]:
    """Where each column is; a file missing a column, repeating one or adding an unknown one is refused."""
    positions: dict[str, int] = {}
    unknown, repeated = [], []
    for index, cell in enumerate(header):
        key = _header_key(cell)
        if not key:
            continue
        name = HEADER_KEYS.get(key)
        if name is None:
            unknown.append(cell_text(cell))
        elif name in positions:
            repeated.append(name)
        else:
            positions[name] = index
    missing = [h for h in table_headers() if h not in positions]
    problems = []
    if missing:
        problems.append(f"表头缺少“{'”“'.join(missing)}”列")
    if repeated:
        problems.append(f"“{'”“'.join(repeated)}”列重复出现")
    if unknown:
        problems.append(f"有无法识别的列“{'”“'.join(unknown)}”")
    if problems:
        raise FileProblem("；".join(problems) + "。这不是裁量基准表的格式，请先下载现行裁量基准表，在其上修改后再上传。")
    return positions


def read_discretion_table(data: bytes) -> ReadTable:
    """Every data row of the file, read and checked on its own (no database); FileProblem for a bad file."""
    file_format, encoding = sniff(data)
    table = read_table(data, file_format, encoding, LIMITS)
    read = ReadTable()
    reader = _RowReader(map_header(table.header), read.problems)
    for number, cells in table.rows:
        start = len(read.problems)
        row = reader.read(number, cells)
        read.rows.append(row)
        read.problems.extend(row_problems(row, {p.column for p in read.problems[start:]}))
    if not read.rows:
        raise FileProblem("表格只有表头，没有数据行。请逐行填写违法行为后再上传。")
    seen: dict[str, int] = {}
    for row in read.rows:
        if row.code in seen:
            read.problems.append(TableProblem(row.number, "编号", f"与第{seen[row.code]}行的编号相同，每个违法行为只能占一行。"))
        elif row.code:
            seen[row.code] = row.number
    return read


def _yuan(amount: Decimal) -> str:
    return f"{amount_text(amount)}元"


def amount_text(amount: Decimal | None) -> str:
    """10000.00 → 10000, 2500.50 → 2500.5: as a person writes an amount."""
    if amount is None:
        return ""
    text = f"{quantize(amount):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def range_text(low: Decimal | None, high: Decimal | None) -> str:
    low = low or Decimal(0)
    if high is None:
        return f"{_yuan(low)}以上"
    return f"{_yuan(high)}以下" if not low else f"{_yuan(low)}至{_yuan(high)}"


def row_problems(row: TableRow, unread: set[str] = frozenset()) -> list[TableProblem]:
    """What is wrong with one row on its own: required cells, citations as text, the fine range and the bands.
    `unread` are the columns whose cells could not be read (already reported, so not reported as empty)."""
    found: list[TableProblem] = []

    def problem(column: str, message: str) -> None:
        found.append(TableProblem(row.number, column, message))

    for header, value in (("编号", row.code), ("专业类别", row.domain), ("违法行为", row.name),
                          ("处罚种类", row.penalty_kinds)):
        if not value and header not in unread:
            problem(header, f"“{header}”必须填写。")
    for header, value in (("违反条款", row.provision_broken_cited), ("处罚依据", row.penalty_provision_cited)):
        if not value:
            problem(header, f"“{header}”必须填写，如“医师法第五十七条”。")
            continue
        try:
            parse_citation(value)
        except ValueError as error:
            problem(header, str(error))
    if row.fine_min is not None and row.fine_max is not None and row.fine_min > row.fine_max:
        problem("罚款下限（元）", f"罚款下限{_yuan(row.fine_min)}高于上限{_yuan(row.fine_max)}。")
    if (row.fine_min is not None or row.fine_max is not None) and FINE not in row.penalty_kinds.split():
        problem("处罚种类", "填写了罚款幅度，处罚种类却没有“罚款”。")
    if not row.bands:
        problem(band_header(LEVELS[0], BAND_PARTS[0]), "至少填写一个裁量阶次。")
    found.extend(TableProblem(row.number, column, message) for column, message in band_problems(row))
    return found


def band_problems(row: TableRow) -> list[tuple[str, str]]:
    """The bands in order, apart from each other and inside the statutory range (or without amounts if it has none)."""
    found = []
    low, high = row.fine_min or Decimal(0), row.fine_max
    previous = None
    for band in row.bands:
        label = LEVEL_LABELS[band.level]
        head = {p.key: band_header(band.level, p) for p in BAND_PARTS}
        if not band.circumstances:
            found.append((head["circumstances"], f"填写了“{label}”阶次，须写明其适用情形。"))
        has_amount = band.fine_min is not None or band.fine_max is not None
        if has_amount and high is None:
            found.append((head["fine_max"], f"法定罚款幅度未填写上限，“{label}”阶次不能填写金额；"
                                            "按违法所得倍数等计算的，请把计算方法写在适用情形中。"))
            continue
        if high is None:
            continue
        if band.fine_max is None:
            found.append((head["fine_max"], f"法定罚款幅度为{range_text(low, high)}，须填写“{label}”阶次的罚款上限。"))
            continue
        band_low = band.fine_min if band.fine_min is not None else low
        if band_low > band.fine_max:
            found.append((head["fine_min"], f"“{label}”阶次的下限{_yuan(band_low)}高于上限{_yuan(band.fine_max)}。"))
        if band_low < low or band.fine_max > high:
            found.append((head["fine_max"], f"“{label}”阶次（{range_text(band_low, band.fine_max)}）超出法定罚款幅度"
                                            f"（{range_text(low, high)}）。"))
        if previous is not None and band_low < previous.fine_max:
            found.append((head["fine_min"], f"“{label}”阶次的下限{_yuan(band_low)}低于“{LEVEL_LABELS[previous.level]}”"
                                            f"阶次的上限{_yuan(previous.fine_max)}：阶次须由轻到重排列，不得重叠。"))
        previous = band
    return found


# ---- checking against the library and the table as it is ------------------------------------------------------

@dataclass
class Cited:
    """The provisions a citation names; `stale` names the loaded text used when none is in force today."""

    provisions: list
    stale: str = ""


def resolve_cited(text: str, on=None) -> Cited:
    """The provisions `text` cites, in the version in force on `on` (today); when the library holds no version
    in force (a text superseded by one not yet loaded), in the latest loaded version, which is then named."""
    try:
        return Cited(resolve(text, on))
    except ValidationError as error:
        if getattr(error, "code", None) != "version_missing":
            raise
    provisions = resolve(text, latest=True)
    versions = {f"《{p.version.law.short_title}》（{p.version.version_label}）": None for p in provisions}
    labels = "、".join(provision_label(p) for p in provisions)
    return Cited(provisions, f"{labels}所在的{'、'.join(versions)}现已不在施行期内")


# Model fields set from a row, and the column each is shown under when it changes.
FIELD_COLUMNS = {
    "domain": "专业类别", "name": "违法行为", "provision_broken": "违反条款", "provision_broken_cited": "违反条款",
    "penalty_provision": "处罚依据", "penalty_provision_cited": "处罚依据", "penalty_kinds": "处罚种类",
    "penalty_text": "罚则内容", "fine_min": "罚款下限（元）", "fine_max": "罚款上限（元）", "fine_rule": "罚款规则",
    "authority_note": "实施机关说明", "caveat": "核对提示", "is_active": "启用",
}
VIOLATION_FIELDS = tuple(FIELD_COLUMNS)


@dataclass
class RowPlan:
    """What saving one good row does: a new violation, or changes to one (or none)."""

    row: TableRow
    violation: object
    is_new: bool
    before: dict = field(default_factory=dict)
    changed: list[str] = field(default_factory=list)
    old_bands: list = field(default_factory=list)
    bands_changed: bool = False

    @property
    def status(self) -> str:
        return "新增" if self.is_new else "更新" if self.changed or self.bands_changed else "无变化"

    @property
    def changed_columns(self) -> list[str]:
        columns = list(dict.fromkeys(FIELD_COLUMNS[name] for name in self.changed))
        return columns + (["裁量阶次"] if self.bands_changed and not self.is_new else [])


@dataclass
class TableCheck:
    """A checked file: its rows, every problem (row, column, message), and what saving would do."""

    rows: list[TableRow]
    problems: list[dict]
    plans: list[RowPlan] = field(default_factory=list)
    untouched: int = 0

    @property
    def is_clean(self) -> bool:
        return not self.problems

    def _count(self, status: str) -> int:
        return sum(1 for plan in self.plans if plan.status == status)

    new_count = property(lambda self: self._count("新增"))
    changed_count = property(lambda self: self._count("更新"))
    unchanged_count = property(lambda self: self._count("无变化"))

    @property
    def changes(self) -> list[RowPlan]:
        return [plan for plan in self.plans if plan.status != "无变化"]


class DiscretionTableRejected(Exception):
    """The file has problems; nothing was saved. `check.problems` lists them all."""

    def __init__(self, check: TableCheck):
        super().__init__(f"{len(check.problems)} problems")
        self.check = check


def band_values(bands) -> list[tuple]:
    """Bands as comparable tuples, bottom to top."""
    rows = [(b.level, b.circumstances, quantize(b.fine_min), quantize(b.fine_max), b.other_penalties) for b in bands]
    return sorted(rows, key=lambda r: LEVELS.index(r[0]))


def _bands_snapshot(values: list[tuple]) -> list[list]:
    return [[LEVEL_LABELS[level], text, amount_text(low), amount_text(high), other]
            for level, text, low, high, other in values]


class _Planner:
    def __init__(self, rows: list[TableRow], problems: list[TableProblem], *, on, lock: bool):
        self.problems, self.on = problems, on
        self.bad = {(p.row, p.column) for p in problems}
        self.bad_rows = {p.row for p in problems}
        codes = [r.code for r in rows if r.code]
        existing = Violation.objects.filter(code__in=codes).prefetch_related("bands").order_by()
        if lock:
            existing = existing.select_for_update()
        self.existing = {v.code: v for v in existing}
        self.domains = set(Domain.objects.values_list("code", flat=True))
        self.cache: dict[str, Cited | ValidationError] = {}

    def problem(self, row: TableRow, column: str, message: str) -> None:
        self.problems.append(TableProblem(row.number, column, message))
        self.bad.add((row.number, column))
        self.bad_rows.add(row.number)

    def cited(self, row: TableRow, column: str, text: str):
        """The first provision `text` cites; None (with a problem) when it does not resolve."""
        if text not in self.cache:
            try:
                self.cache[text] = resolve_cited(text, self.on)
            except ValidationError as error:
                self.cache[text] = error
        found = self.cache[text]
        if isinstance(found, ValidationError):
            self.problem(row, column, "；".join(found.messages) + "请核对引用，或先在法律法规库中导入该文本。")
            return None
        if found.stale and not row.caveat:
            self.problem(row, "核对提示", f"{column}“{text}”：{found.stale}，新文本尚未载入法律法规库；"
                                         "请在“核对提示”列写明适用时须核对的事项。")
        return found.provisions[0]

    def plan(self, row: TableRow) -> RowPlan | None:
        if row.domain and row.domain not in self.domains:
            self.problem(row, "专业类别", f"系统中没有专业类别“{row.domain_label}”，请联系系统管理员。")
        provisions = {}
        for name, column in (("provision_broken", "违反条款"), ("penalty_provision", "处罚依据")):
            text = getattr(row, f"{name}_cited")
            if text and (row.number, column) not in self.bad:
                provisions[name] = self.cited(row, column, text)
        if row.number in self.bad_rows:
            return None
        values = {name: getattr(row, name) for name in VIOLATION_FIELDS if name not in provisions}
        values.update(domain_id=values.pop("domain"), **provisions)
        violation = self.existing.get(row.code)
        if violation is None:
            return RowPlan(row, Violation(code=row.code, **values), is_new=True, bands_changed=True)
        before = snapshot(violation, VIOLATION_FIELDS)
        old_bands = band_values(violation.bands.all())
        for name, value in values.items():
            setattr(violation, name, value)
        after = snapshot(violation, VIOLATION_FIELDS)
        changed = [name for name in VIOLATION_FIELDS if before[name] != after[name]]
        return RowPlan(row, violation, False, before, changed, old_bands, old_bands != band_values(row.bands))


def problem_rows(problems: list[TableProblem]) -> list[dict]:
    """Problems as the page lists them, by row then by column order."""
    order = {h: n for n, h in enumerate(table_headers())}
    ranked = sorted(dict.fromkeys(problems), key=lambda p: (p.row, order.get(p.column, 99)))
    return [{"row": p.row, "column": p.column, "message": p.message} for p in ranked]


def check_discretion_table(data: bytes, *, on=None, lock: bool = False) -> TableCheck:
    """Read and check every row against the law library and the table; nothing is saved (the preview)."""
    read = read_discretion_table(data)
    planner = _Planner(read.rows, read.problems, on=on or timezone.localdate(), lock=lock)
    plans = [plan for row in read.rows if (plan := planner.plan(row)) is not None]
    problems = problem_rows(read.problems)
    if problems:
        return TableCheck(read.rows, problems)
    untouched = Violation.objects.exclude(code__in=[r.code for r in read.rows]).count()
    return TableCheck(read.rows, [], plans, untouched)


def file_bytes(file) -> bytes:
    """The bytes of a path, an uploaded file or bytes themselves (an upload is read within MAX_FILE_BYTES)."""
    if isinstance(file, (bytes, bytearray)):
        return bytes(file)
    if isinstance(file, (str, Path)):
        return Path(file).read_bytes()
    return read_upload(file, MAX_FILE_BYTES)


def ensure_editor(actor) -> None:
    """Only the legal section and the administrator replace the table; `None` is the system (the seed command)."""
    if actor is not None and not (getattr(actor, "is_authenticated", False) and actor.has_role(*EDITOR_ROLES)):
        raise PermissionDenied("只有法制审核员和系统管理员可以导入裁量基准表。")


def load_discretion_table(file, actor, *, on=None) -> TableCheck:
    """Check the file again and save every row or none. Raises DiscretionTableRejected (with every problem),
    FileProblem for a file that cannot be read, PermissionDenied for someone who may not edit the table."""
    ensure_editor(actor)
    data = file_bytes(file)
    try:
        with transaction.atomic():
            check = check_discretion_table(data, on=on, lock=True)
            if not check.is_clean:
                raise DiscretionTableRejected(check)
            _save(check.plans, actor)
    except IntegrityError:  # another import created one of these codes between the check and the insert
        raise DiscretionTableRejected(TableCheck([], [{"row": 0, "column": "编号", "message":
                                                       "导入时编号与他人同时导入的记录冲突，请重新上传。"}])) from None
    return check


def _save(plans: list[RowPlan], actor) -> None:
    new = [p for p in plans if p.is_new]
    changed = [p for p in plans if not p.is_new and p.changed]
    rebanded = [p for p in plans if p.bands_changed]
    start = Violation.objects.aggregate(last=Max("sort_order"))["last"] or 0
    for offset, plan in enumerate(new, 1):
        plan.violation.sort_order = start + offset
    Violation.objects.bulk_create([p.violation for p in new])
    if changed:
        names = sorted({name for p in changed for name in p.changed})
        Violation.objects.bulk_update([p.violation for p in changed], names)
    DiscretionBand.objects.filter(violation__in=[p.violation for p in rebanded if not p.is_new]).delete()
    DiscretionBand.objects.bulk_create([
        DiscretionBand(violation=p.violation, level=b.level, circumstances=b.circumstances, fine_min=b.fine_min,
                       fine_max=b.fine_max, other_penalties=b.other_penalties)
        for p in rebanded for b in p.row.bands
    ])
    events = []
    for plan in plans:
        bands = _bands_snapshot(band_values(plan.row.bands))
        if plan.is_new:
            after = snapshot(plan.violation) | {"bands": bands}
            events.append(PendingEvent(AuditAction.CREATE, plan.violation, after=after,
                                       detail={"source": "裁量基准表导入"}))
        elif plan.changed or plan.bands_changed:
            after = snapshot(plan.violation, plan.changed)
            before = {name: plan.before[name] for name in plan.changed}
            if plan.bands_changed:
                before["bands"], after["bands"] = _bands_snapshot(plan.old_bands), bands
            events.append(PendingEvent(AuditAction.UPDATE, plan.violation, before=before, after=after,
                                       detail={"source": "裁量基准表导入"}))
    record_events(events, actor=actor)


# ---- writing the table ---------------------------------------------------------------------------------------

def row_cells(row: TableRow, *, as_text: bool) -> list:
    """A row's cells in the column order; amounts as text for a .tsv, as numbers for a workbook."""
    def amount(value):
        return amount_text(value) if as_text or value is None else value

    cells = [row.code, row.domain_label, row.name, row.provision_broken_cited, row.penalty_provision_cited,
             kind_labels(row.penalty_kinds), row.penalty_text, amount(row.fine_min), amount(row.fine_max),
             row.fine_rule, row.authority_note, row.caveat, "是" if row.is_active else "否"]
    for level in LEVELS:
        band = row.band(level) or BandRow(level)
        cells += [band.circumstances, amount(band.fine_min), amount(band.fine_max), band.other_penalties]
    return cells


def violation_row(violation) -> TableRow:
    bands = [BandRow(*values) for values in band_values(violation.bands.all())]
    return TableRow(0, violation.code, violation.domain_id, violation.name, violation.provision_broken_cited,
                    violation.penalty_provision_cited, violation.penalty_kinds, violation.penalty_text,
                    quantize(violation.fine_min), quantize(violation.fine_max), violation.fine_rule,
                    violation.authority_note, violation.caveat, violation.is_active, bands)


def tsv_text(rows: list[TableRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(table_headers())
    writer.writerows(row_cells(row, as_text=True) for row in rows)
    return buffer.getvalue()


GUIDE = (
    "每行一个违法行为，含其四个裁量阶次（轻微、一般、较重、严重），每个阶次四列。",
    "编号是违法行为的标识：再次导入时按编号更新，不会重复；文件中没有的违法行为保持原样，不再使用的请把“启用”改为“否”。",
    "违反条款、处罚依据须能在法律法规库中找到，如“医师法第五十七条”“传染病防治法第三十条、第三十七条”。",
    "阶次须由轻到重排列、互不重叠，且在法定罚款幅度之内；法定幅度未写明金额（如按违法所得倍数计算）的，阶次不填金额。",
    "拟处罚款超出所选阶次或法定幅度的，须在案件中写明裁量理由（行政处罚法第三十四条）。",
    "系统逐行检查并列出全部问题；有任何问题时不保存任何一行，改正后重新上传。",
)


def export_discretion_table(file_format: str = "xlsx") -> bytes:
    """The current table as a file that imports back without change: .xlsx (with notes) or UTF-8 .tsv."""
    violations = Violation.objects.prefetch_related("bands").order_by("sort_order", "code")
    rows = [violation_row(v) for v in violations]
    if file_format == "tsv":
        return ("\ufeff" + tsv_text(rows)).encode("utf-8")
    widths = [c.width for c in VIOLATION_COLUMNS] + [p.width for _ in LEVELS for p in BAND_PARTS]
    notes = [[text] for text in GUIDE] + [[], ["列名", "说明"]]
    notes += [[c.header, c.meaning] for c in VIOLATION_COLUMNS]
    notes += [[f"（各阶次）{p.header}", p.meaning] for p in BAND_PARTS]
    return xlsx_bytes([
        Sheet("裁量基准", (row_cells(r, as_text=False) for r in rows), header=table_headers(), widths=widths),
        Sheet("填写说明", notes, widths=[30, 90]),
    ])


# ---- deriving bands from a statutory range -------------------------------------------------------------------

# The circumstances each band stands for, bottom to top; a bureau rewrites them for its own published table.
BAND_CIRCUMSTANCES = {
    BandLevel.MINOR: "初次违法且危害后果轻微并及时改正的，可以不予行政处罚（行政处罚法第三十三条第一款）；"
                     "应予处罚但违法行为轻微、主动消除或者减轻危害后果的",
    BandLevel.GENERAL: "违法情节一般，危害后果较轻，配合调查并按要求改正的",
    BandLevel.SERIOUS: "违法情节较重，造成一定危害后果或者社会影响，或者不配合调查、改正不及时的",
    BandLevel.SEVERE: "违法情节严重，造成严重危害后果或者恶劣社会影响，或者多次违法、拒不改正、妨碍执法的",
}
_CN_NUMBER = "[零〇一二两三四五六七八九十百千]+"
_AMOUNT = rf"(?:\d+(?:\.\d+)?|{_CN_NUMBER})万?元"
_RANGE_RE = re.compile(rf"(?:(?P<low>{_AMOUNT})以上)?(?P<high>{_AMOUNT})以下")
_LEADING_CONDITION_RE = re.compile(r"^(?P<condition>[^，,；;]+?的)[，,]")
_TRAILING_CONDITION_RE = re.compile(r"[（(](?P<condition>[^（）()]+)[）)]$")


@dataclass(frozen=True)
class FineTier:
    """One clause of a fine rule: a fixed range and the condition it applies under (“逾期不改正的”)."""

    low: Decimal
    high: Decimal
    condition: str = ""


def parse_amount(text: str) -> Decimal:
    """5000元 → 5000, 1万元 → 10000, 一百万元 → 1000000."""
    match = re.fullmatch(r"(?P<number>.+?)(?P<wan>万)?元", text)
    number = match["number"]
    value = Decimal(number) if re.fullmatch(r"\d+(?:\.\d+)?", number) else Decimal(chinese_to_int(number))
    return value * 10000 if match["wan"] else value


def fine_tiers(fine_rule: str) -> list[FineTier]:
    """The fixed ranges a fine rule states, clause by clause; none when it counts in multiples (倍)."""
    tiers = []
    for clause in re.split(r"[；;]", fine_rule or ""):
        clause = clause.strip()
        if "倍" in clause:
            return []
        match = _RANGE_RE.search(clause)
        if not match:
            continue
        condition = _LEADING_CONDITION_RE.match(clause) or _TRAILING_CONDITION_RE.search(clause)
        low = parse_amount(match["low"]) if match["low"] else Decimal(0)
        tiers.append(FineTier(low, parse_amount(match["high"]), condition["condition"] if condition else ""))
    return tiers


def _split(low: Decimal, high: Decimal, parts: int) -> list[tuple[Decimal, Decimal]]:
    step = (high - low) / parts
    points = [quantize(low + step * n) for n in range(parts)] + [quantize(high)]
    return list(zip(points, points[1:]))


def _circumstances(level: str, note: str) -> str:
    return f"{BAND_CIRCUMSTANCES[level]}。{note}" if note else BAND_CIRCUMSTANCES[level]


def derive_bands(fine_min: Decimal | None, fine_max: Decimal | None, fine_rule: str = "") -> list[BandRow]:
    """Four bands, 轻微 at the bottom to 严重 at the top, from a statutory fine range.

    - A fixed range [fine_min (0 if none), fine_max] is split into four equal, contiguous parts: 轻微 takes the
      lowest quarter, 一般 the second, 较重 the third, 严重 the top one. Neighbours share their boundary, so a fine
      on it belongs to either band; amounts are rounded to the fen (0.01 yuan).
    - A rule of two fixed clauses that spans the same range, such as “可以并处5000元以下；逾期不改正的，处5000元
      以上3万元以下”, splits each clause in half instead: 轻微 and 一般 share the first, 较重 and 严重 the second,
      which carry the second clause's condition. Bands then keep the gap the law leaves between clauses.
    - A single clause with a condition (“逾期不改正的，处……”) puts that condition in every band's circumstances.
    - Without a fixed maximum (a multiple of illegal gains, or no amount stated) the bands get no amounts and
      the rule's own words are added to each band's circumstances.
    """
    if fine_max is None:
        note = f"罚款：{fine_rule}" if fine_rule else ""
        return [BandRow(level, _circumstances(level, note)) for level in LEVELS]
    low, high = quantize(fine_min or Decimal(0)), quantize(fine_max)
    tiers = fine_tiers(fine_rule)
    if len(tiers) == 2 and tiers[0].low == low and tiers[1].high == high and tiers[0].high <= tiers[1].low:
        parts = [(*bounds, tier.condition) for tier in tiers for bounds in _split(tier.low, tier.high, 2)]
    else:
        condition = tiers[0].condition if len(tiers) == 1 else ""
        parts = [(*bounds, condition) for bounds in _split(low, high, 4)]
    return [BandRow(level, _circumstances(level, f"罚款适用条件：{condition}" if condition else ""), start, end)
            for level, (start, end, condition) in zip(LEVELS, parts)]


# ---- checking a proposed fine --------------------------------------------------------------------------------

@dataclass(frozen=True)
class FineAssessment:
    ok: bool
    message: str
    lawful: bool = True  # False: beyond what the penalty provision allows, which no reasons can cure


def assess_fine(violation, level: str | None, fine_amount) -> FineAssessment:
    """Where a proposed fine stands against the violation's statutory range and the chosen band."""
    if fine_amount is None or Decimal(fine_amount) == 0:
        return FineAssessment(True, "未拟处罚款。")
    amount = quantize(Decimal(fine_amount))
    basis = violation.penalty_provision_cited or str(violation.penalty_provision)
    if FINE not in violation.penalty_kinds.split():
        return FineAssessment(False, f"“{violation.name}”的处罚依据（{basis}）没有规定罚款，不能处以罚款。", False)
    low, high = violation.fine_min or Decimal(0), violation.fine_max
    if high is not None and amount > high:
        return FineAssessment(False, f"拟罚款{_yuan(amount)}超过法定最高数额{_yuan(high)}（{basis}）。", False)
    if amount < low:
        return FineAssessment(False, f"拟罚款{_yuan(amount)}低于法定最低数额{_yuan(low)}（{basis}），"
                                     "减轻处罚须符合行政处罚法第三十二条。")
    if not level:
        return FineAssessment(True, "未选择裁量阶次，拟罚款在法定幅度内。")
    label = LEVEL_LABELS.get(level, level)
    band = next((b for b in violation.bands.all() if b.level == level), None)
    if band is None:
        return FineAssessment(False, f"裁量基准中“{violation.name}”没有“{label}”阶次。")
    if band.fine_min is None and band.fine_max is None:
        return FineAssessment(True, f"“{label}”阶次不设固定金额，罚款按“{violation.fine_rule or basis}”计算，"
                                    "请在裁量理由中写明计算过程。")
    band_low = band.fine_min if band.fine_min is not None else low
    span = range_text(band_low, band.fine_max)
    if amount < band_low or (band.fine_max is not None and amount > band.fine_max):
        return FineAssessment(False, f"拟罚款{_yuan(amount)}不在“{label}”阶次（{span}）之内。")
    return FineAssessment(True, f"拟罚款{_yuan(amount)}在“{label}”阶次（{span}）之内。")


def band_check(violation, level: str | None, fine_amount) -> tuple[bool, str]:
    """(whether the fine lies in the band — and in the statutory range —, a Chinese message saying where it lies).

    A fine exactly on a band's bounds is inside it; one fen more is outside. Without a level only the
    statutory range is checked; a band without amounts (multiples of illegal gains) accepts any lawful fine.
    """
    assessment = assess_fine(violation, level, fine_amount)
    return assessment.ok, assessment.message


def requires_reasons(case) -> str | None:
    """Why the case needs written discretion reasons it lacks (行政处罚法第三十四条), or None.

    The proposed fine lies outside its band, or outside the violation's statutory range, and
    `discretion_reasons` is blank. None when the case has no violation or no fine, when the fine fits, or when
    reasons are written. (A fine the penalty provision does not allow at all is `fine_beyond_law`'s concern.)
    """
    if not case.violation_id or case.fine_amount is None:
        return None
    assessment = assess_fine(case.violation, case.band_level, case.fine_amount)
    if assessment.ok or (case.discretion_reasons or "").strip():
        return None
    return f"{assessment.message}拟处罚超出裁量基准的，须在“裁量理由”中写明理由（行政处罚法第三十四条）。"


def fine_beyond_law(case) -> str | None:
    """A proposed fine above the penalty provision's maximum, or a fine where it provides none: no reasons can
    give it a legal basis (行政处罚法第三十八条). None otherwise."""
    if not case.violation_id or case.fine_amount is None:
        return None
    assessment = assess_fine(case.violation, case.band_level, case.fine_amount)
    if assessment.lawful:
        return None
    return f"{assessment.message}裁量只能在罚则规定的种类和幅度之内进行，请改正拟处罚内容（行政处罚法第三十八条）。"


# ---- the seed file, from the violations read from the shipped texts ---------------------------------------------

# Each penalty term of violations.tsv (without its condition) → the kinds of penalty it is (行政处罚法第九条).
# Orders to correct or stop (行政处罚法第二十八条), bans of illegal activity, sanctions on staff and proposals
# to another authority are no kind of penalty: they stay in 罚则内容 only.
SEED_TERM_KINDS: dict[str, tuple[str, ...]] = {
    "警告": ("warning",), "通报批评": ("criticism",), "罚款": ("fine",),
    "没收违法所得": ("confiscate_gains",), "没收药品、医疗器械": ("confiscate_property",),
    "没收违法所得和违法持有的疫苗": ("confiscate_gains", "confiscate_property"),
    "没收不符合国家有关卫生标准的物品": ("confiscate_property",),
    "暂扣或者吊销许可证": ("licence_suspension", "licence_revocation"),
    "暂扣或者吊销执业许可证件": ("licence_suspension", "licence_revocation"),
    "吊销医疗机构执业许可证": ("licence_revocation",), "吊销医师执业证书": ("licence_revocation",),
    "吊销护士执业证书": ("licence_revocation",), "吊销执业证书": ("licence_revocation",),
    "吊销有关责任人员执业证书": ("licence_revocation",), "吊销“卫生许可证”": ("licence_revocation",),
    "停业整顿": ("order_suspension",), "责令停业整顿": ("order_suspension",),
    "责令停止执业活动": ("order_suspension",), "责令停止相应执业活动": ("order_suspension",),
    "责令停止产生职业病危害的作业": ("order_suspension",),
    "核减诊疗科目或暂停6个月以上1年以下执业活动": ("restrict_activity", "order_suspension"),
    # A practitioner barred from practice for a time: 限制从业, which carries hearing rights (第六十三条).
    "暂停六个月以上一年以下执业活动": ("restrict_practice",), "暂停6个月以上1年以下执业活动": ("restrict_practice",),
    "暂停一年以上十八个月以下执业活动": ("restrict_practice",),
    "对医务人员暂停1个月以上6个月以下执业活动": ("restrict_practice",),
    "对医务人员暂停6个月以上1年以下执业活动": ("restrict_practice",),
    # The bureau's own part of “建议教育行政部门给予行政处分或者处以二百元以下的罚款” (学校卫生工作条例第三十六条).
    "建议教育行政部门给予行政处分或者罚款": ("fine",),
    "责令改正": (), "责令限期改正": (), "责令限期改进": (), "责令限期治理": (), "责令限期改建": (),
    "责令停止施工": (), "责令停止非法执业活动": (), "取缔": (), "制止": (), "向社会公告": (),
    "对责任人员处分": (), "对责任人员依法给予处分": (), "建议教育行政部门给予行政处分": (),
    "提请责令关闭": (), "提请责令停建、关闭": (),
}
SEED_DOMAIN_PREFIXES = {
    "medical_service": "YL", "infectious_disease": "CR", "public_place": "GG", "drinking_water": "YS",
    "occupational": "ZY", "radiation": "FS", "maternal_family": "MY", "school": "XX", "disinfection": "XD",
}
_SERIOUS_CONDITION_RE = re.compile(r"严重|事故")

INFECTIOUS_2013_CAVEAT = (
    "依据传染病防治法2013年修正文本（法律法规库所载版本）。该法2025年4月30日修订、2025年9月1日起施行，条文序号和罚则"
    "均已变化：违法行为终了于2025年9月1日以后的，须按新法核对违反条款、处罚依据和罚款幅度（行政处罚法第三十七条）。")
# What must be said of the rows read from each text: (实施机关说明, 核对提示), by file.
SEED_FILE_NOTES: dict[str, tuple[str, str]] = {
    "传染病防治法.md": (
        "2025年修订的传染病防治法将部分处罚权交由疾病预防控制部门行使；适用新法的案件须核对实施机关。",
        INFECTIOUS_2013_CAVEAT),
    "医疗废物管理条例.md": (
        "由卫生健康主管部门或者生态环境主管部门（条例原文为“环境保护行政主管部门”）按照各自的职责实施；"
        "暂扣或者吊销许可证件由原发证部门实施。", ""),
    "公共场所卫生管理条例.md": (
        "条例原文的处罚机关为“卫生防疫机构”，现由县级以上卫生健康主管部门实施。",
        "条例未规定罚款数额：罚款幅度见《公共场所卫生管理条例实施细则》，该规章尚未载入法律法规库，"
        "载入并核对后再补充罚款幅度和各阶次金额。"),
    "母婴保健法.md": ("", "法律未规定罚款数额：须依照行政法规或者地方性法规的规定确定，补充前各阶次不设金额。"),
}
# Notes of single penalty provisions whose text names another authority, by the provision as cited.
SEED_PROVISION_NOTES: dict[str, tuple[str, str]] = {
    "职业病防治法第七十四条": ("由有关主管部门依据职责分工实施（职业病防治法第七十四条）。", ""),
    "学校卫生工作条例第三十五条": ("情节严重时没收物品并处罚款，须会同市场监督管理部门（条例原文为“工商行政部门”）实施。", ""),
    "学校卫生工作条例第三十六条": ("行政处分由教育行政部门给予，卫生健康主管部门只能提出建议。", ""),
}


# Penalty terms checked against the text they were read from and corrected: the 2013 传染病防治法 makes these
# sanctions conditional (第六十九条: on 造成传染病传播、流行或者其他严重后果; 第七十三条: on a licence held).
SEED_TERM_CORRECTIONS: dict[str, str] = {
    "传染病防治法第六十九条": "责令改正;通报批评;警告;对责任人员处分(造成传染病传播、流行或者其他严重后果);"
                           "吊销有关责任人员执业证书(造成传染病传播、流行或者其他严重后果)",
    "传染病防治法第七十三条": "责令限期改正;没收违法所得;罚款;暂扣或者吊销许可证(已取得许可证的，由原发证部门)",
}


def _seed_terms(text: str) -> list[tuple[str, str]]:
    """“警告;罚款(逾期不改正)” → [("警告", ""), ("罚款", "逾期不改正")]."""
    terms = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = re.fullmatch(r"(?P<base>[^()（）]+)(?:[(（](?P<condition>.+)[)）])?", part)
        if match is None or match["base"] not in SEED_TERM_KINDS:
            raise ValueError(f"violations.tsv: penalty term {part!r} has no entry in SEED_TERM_KINDS")
        terms.append((match["base"], match["condition"] or ""))
    return terms


def _seed_other_penalties(terms: list[tuple[str, str]]) -> dict[str, str]:
    """Each band's other penalties: the unconditional ones in every band, those for serious circumstances
    (情节严重, 严重后果, 事故) in 严重 only, those on other conditions (逾期不改正) in 较重 and 严重."""
    bands: dict[str, list[str]] = {level: [] for level in LEVELS}
    for base, condition in terms:
        if SEED_TERM_KINDS[base] in ((), (FINE,)):
            continue
        if not condition:
            levels = LEVELS
        elif _SERIOUS_CONDITION_RE.search(condition):
            levels = (BandLevel.SEVERE,)
        else:
            levels = (BandLevel.SERIOUS, BandLevel.SEVERE)
        for level in levels:
            bands[level].append(f"{base}（{condition}）" if condition else base)
    return {level: "；".join(words) for level, words in bands.items()}


def seed_row(number: int, code: str, record: dict) -> TableRow:
    """One row of the seed table from one record of violations.tsv."""
    penalty_basis = re.sub(r"第[（(].+?[)）]项$|第.+?款$", "", record["penalty_provision"].strip())
    terms = _seed_terms(SEED_TERM_CORRECTIONS.get(penalty_basis, record["penalty_kinds"]))
    kinds = sorted({k for base, _ in terms for k in SEED_TERM_KINDS[base]}, key=KIND_ORDER.get)
    fine_min = quantize(Decimal(record["fine_min_yuan"])) if record["fine_min_yuan"].strip() else None
    fine_max = quantize(Decimal(record["fine_max_yuan"])) if record["fine_max_yuan"].strip() else None
    rule = record["fine_rule"].strip()
    authority, caveat = SEED_FILE_NOTES.get(record["file"], ("", ""))
    authority, caveat = SEED_PROVISION_NOTES.get(penalty_basis, (authority, caveat))
    bands = derive_bands(fine_min, fine_max, rule if FINE in kinds else "")
    others = _seed_other_penalties(terms)
    for band in bands:
        band.other_penalties = others[band.level]
    return TableRow(
        number, code, domain_code(record["domain"]) or "", record["violation"].strip(),
        record["provision_broken"].strip(), record["penalty_provision"].strip(), " ".join(kinds),
        "；".join(f"{base}（{condition}）" if condition else base for base, condition in terms),
        fine_min, fine_max, rule, authority, caveat, True, bands)


def seed_rows_from_violations(path: Path = VIOLATIONS_FILE) -> list[TableRow]:
    """The seed table: one row per violation of violations.tsv, numbered by domain (YL-001, CR-001, …)."""
    rows: list[TableRow] = []
    counters: dict[str, int] = {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for number, record in enumerate(csv.DictReader(handle, delimiter="\t"), 2):
            domain = domain_code(record["domain"])
            if domain is None:
                raise ValueError(f"violations.tsv line {number}: unknown domain {record['domain']!r}")
            counters[domain] = counters.get(domain, 0) + 1
            code = f"{SEED_DOMAIN_PREFIXES[domain]}-{counters[domain]:03d}"
            rows.append(seed_row(number, code, record))
    return rows


def write_seed_file(source: Path = VIOLATIONS_FILE, target: Path = SEED_FILE) -> list[TableRow]:
    """Generate the seed file; every row must pass the same checks as an upload (no database needed)."""
    rows = seed_rows_from_violations(source)
    text = tsv_text(rows)
    read = read_discretion_table(text.encode("utf-8"))
    if read.problems:
        raise ValueError("; ".join(f"row {p.row} {p.column}: {p.message}" for p in read.problems))
    Path(target).write_text(text, encoding="utf-8")
    return rows
