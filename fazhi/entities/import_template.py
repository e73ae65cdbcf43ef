"""The entity import file's layout: the template's columns, what each cell may say, and how a row is read.

`RowReader` turns one row of cells into field values, with a message in Chinese on each cell it cannot read;
checking those values against the model's rules and the registry is `imports`' work. `build_template` gives
the downloadable workbook, whose guide lists every column's meaning and the values its cells may take.
"""
from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from fazhi.core.choices import RegionLevel
from fazhi.core.models import Domain, Region
from fazhi.core.spreadsheets import FileProblem, Table, cell_date, cell_decimal, cell_text, size_label

from .choices import CreditGrade, EntityStatus, LegalForm, LicenceKind, NoCreditCodeReason
from .credit_code import normalise as normalise_credit_code
from .models import Entity
from .querysets import townships_in
from .rules import ENTITY_KINDS, ENTITY_RULES, IMPORT_RULES, KIND_CHOICES, SUB_KIND_PARENT

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

_SPACES = re.compile(r"\s+")
_BRACKETS = str.maketrans({"(": "（", ")": "）"})


def header_key(text) -> str:
    """A header as matched: spaces and a trailing * dropped, half-width brackets read as full-width."""
    return _SPACES.sub("", str(text or "")).rstrip("*＊").translate(_BRACKETS)


def value_key(text) -> str:
    return _SPACES.sub("", str(text)).translate(_BRACKETS).lower()


HEADER_KEYS = {header_key(c.header): c for c in TEMPLATE_COLUMNS}
IGNORED_HEADER_KEYS = {header_key(UPDATED_HEADER)}


def map_header(header: list) -> tuple[dict[int, Column], int | None]:
    """Which column is which; a file-level problem names the required columns missing and the unknown ones."""
    columns: dict[int, Column] = {}
    bureau_column, unknown, seen = None, [], set()
    for index, cell in enumerate(header):
        key = header_key(cell) if cell is not None else ""
        if not key:
            continue
        if key in seen:
            raise FileProblem(f"表头中“{cell_text(cell)}”出现了不止一次，请删除重复的列。")
        seen.add(key)
        if key in HEADER_KEYS:
            columns[index] = HEADER_KEYS[key]
        elif key == header_key(BUREAU_HEADER):
            bureau_column = index
        elif key not in IGNORED_HEADER_KEYS:
            unknown.append(cell_text(cell))
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


# ---- vocabularies ------------------------------------------------------------------------------------------------

def listing(labels) -> str:
    return "、".join(str(label) for label in labels)


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


SUB_KIND_MAP: dict[str, list[str]] = {}
for _kind in ENTITY_KINDS:
    for _sub in _kind.sub_kinds:
        SUB_KIND_MAP.setdefault(value_key(_sub.label), []).append(_sub.code)
        SUB_KIND_MAP.setdefault(value_key(_sub.code), []).append(_sub.code)
# Columns of choices: how each spelling maps to its code, and the labels a message lists.
CHOICE_MAPS = {
    "kind": (_choice_map(KIND_CHOICES), [label for _, label in KIND_CHOICES]),
    "no_credit_code_reason": (_choice_map(NoCreditCodeReason.choices), NoCreditCodeReason.labels),
    "legal_form": (_choice_map(LegalForm.choices), LegalForm.labels),
    "status": (_choice_map(EntityStatus.choices), EntityStatus.labels),
    "credit_grade": (_grade_map(), CreditGrade.labels),
    "licence_kind": (_choice_map(LicenceKind.choices), LicenceKind.labels),
}
YES, NO = {"是", "y", "yes", "true", "1", "√"}, {"否", "n", "no", "false", "0", "×"}
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
        self.domain_labels = listing(self.domain_names.values())
        self.townships = list(townships_in(bureau.region))
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


Reader = Callable[[RowInput, object], "str | None"]
# Columns that fill the row's licence rather than its entity: column key → licence field.
LICENCE_DATE_FIELDS = {"licence_issued_on": "issued_on", "licence_valid_to": "valid_to"}
# A column of choices holds a handful of distinct spellings; a reader remembers at most this many.
REMEMBERED_SPELLINGS = 1000


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
            named = cell_text(cells[self.bureau_column])
            if value_key(named) not in self.vocabulary.bureau_names:
                row.errors.append((BUREAU_HEADER, f"该行属于“{named}”，只能导入本局（{self.vocabulary.bureau.name}）"
                                                  "的监管对象，请删除其他机关的行。"))
        return row

    def _reader(self, column: Column) -> Reader:
        key = column.key
        if key in CHOICE_MAPS:
            return self._choice_reader(column)
        if key in ("longitude", "latitude"):
            return self._coordinate_reader(key)
        if key in LICENCE_DATE_FIELDS:
            return self._date_reader(LICENCE_DATE_FIELDS[key])
        special = {
            "credit_code": self._read_credit_code, "sub_kind": self._read_sub_kind, "domains": self._read_domains,
            "township": self._read_township, "is_key_supervision": self._read_is_key_supervision,
            "licence_number": self._read_licence_number,
        }.get(key)
        if special is not None:
            return special

        def read_text(row, value):
            row.values[key] = value if type(value) is str else cell_text(value)

        return read_text

    @staticmethod
    def _choice_reader(column: Column) -> Reader:
        mapping, labels = CHOICE_MAPS[column.key]
        target, name = ("licence", "kind") if column.key == "licence_kind" else ("values", column.key)
        seen: dict = {}

        def read_choice(row, value):
            code = seen.get(value)
            if code is None:
                code = mapping.get(value_key(cell_text(value)))
                if code is None:
                    return f"“{cell_text(value)}”不是有效的{column.header}，可填：{listing(labels)}。"
                if len(seen) < REMEMBERED_SPELLINGS:
                    seen[value] = code
            getattr(row, target)[name] = code

        return read_choice

    @staticmethod
    def _coordinate_reader(key: str) -> Reader:
        def read_coordinate(row, value):
            number = cell_decimal(value)
            if number is None:
                return f"“{cell_text(value)}”不是数字，请填写十进制度数，如113.123456。"
            row.values[key] = number

        return read_coordinate

    def _date_reader(self, key: str) -> Reader:
        def read_date(row, value):
            day = cell_date(value, self.date1904)
            if day is None:
                return f"“{cell_text(value)}”不是有效日期，请按2026-01-31的格式填写。"
            row.licence[key] = day

        return read_date

    def _read_credit_code(self, row, value):
        text = cell_text(value)
        if isinstance(value, float) or _SCIENTIFIC.match(text):
            return "统一社会信用代码被Excel存成了数字（末几位已丢失），请把该列设为“文本”格式后重新录入。"
        # Plain letters and digits need only upper case; anything else (spaces, full-width) the full rules.
        row.values["credit_code"] = text.upper() if text.isascii() and text.isalnum() else normalise_credit_code(text)

    def _read_sub_kind(self, row, value):
        codes = self._sub_kinds.get(value)
        if codes is None:
            codes = SUB_KIND_MAP.get(value_key(cell_text(value)))
            if not codes:
                return f"“{cell_text(value)}”不是有效的细分类别，请按“填写说明”中所列类别下的细分类别填写。"
            if len(self._sub_kinds) < REMEMBERED_SPELLINGS:
                self._sub_kinds[value] = codes
        kind = row.values.get("kind")
        fitting = [c for c in codes if SUB_KIND_PARENT[c] == kind] if len(codes) > 1 else codes
        row.values["sub_kind"] = (fitting or codes)[0]

    def _read_domains(self, row, value):
        codes, unknown = [], []
        for part in _DOMAIN_SEPARATORS.split(cell_text(value)):
            if part:
                code = self.vocabulary.domains.get(value_key(part))
                codes.append(code) if code else unknown.append(part)
        if unknown:
            return f"监管专业“{'、'.join(unknown)}”不存在，可填：{self.vocabulary.domain_labels}。"
        row.domains = list(dict.fromkeys(codes))

    def _read_township(self, row, value):
        found = self.vocabulary.township(cell_text(value))
        if isinstance(found, str):
            return found
        row.values["township"] = found

    def _read_is_key_supervision(self, row, value):
        if value is True or value is False:
            row.values["is_key_supervision"] = value
            return None
        text = value_key(cell_text(value))
        if text not in YES | NO:
            return f"“{cell_text(value)}”无法识别，请填“是”或“否”。"
        row.values["is_key_supervision"] = text in YES

    def _read_licence_number(self, row, value):
        row.licence["number"] = cell_text(value)


# ---- the template workbook ---------------------------------------------------------------------------------------

def _allowed_values(column: Column, vocabulary: Vocabulary) -> str:
    if column.key in CHOICE_MAPS:
        return listing(CHOICE_MAPS[column.key][1])
    if column.key == "is_key_supervision":
        return "是、否"
    if column.key == "sub_kind":
        return "\n".join(f"{k.label}：{listing(s.label for s in k.sub_kinds)}" for k in ENTITY_KINDS)
    if column.key == "domains":
        defaults = "；".join(f"{k.label}→{listing(vocabulary.domain_names[d] for d in k.default_domains) or '无'}"
                             for k in ENTITY_KINDS)
        return f"{vocabulary.domain_labels}\n留空时按类别默认：{defaults}"
    if column.key == "township":
        listed = listing(f"{t.name}（{t.code}）" for t in vocabulary.townships)
        return listed or f"{vocabulary.bureau.region.name}辖区内的乡镇（街道）名称或9位代码"
    if column.key in {"longitude", "latitude"}:
        low, high = ENTITY_RULES.longitude_range if column.key == "longitude" else ENTITY_RULES.latitude_range
        return f"{low:g}～{high:g}之间的十进制度数"
    if column.key in LICENCE_DATE_FIELDS:
        return "如2026-01-31，也可用Excel的日期格式"
    return ""


def _template_notes(organisation) -> list[str]:
    return [
        f"本模板用于向{organisation.name}批量登记或更新监管对象。",
        "第一个工作表“监管对象”的第一行是表头，请勿改动列名；带*的列必填。从第二行起，每行填写一个监管对象。",
        "已登记的监管对象按统一社会信用代码匹配并更新；没有代码的，按名称和地址匹配；匹配不到的新登记。同一文件重复导入不会重复登记。",
        "已登记的监管对象：空白单元格表示保持系统中的原值不变，导入不会清空已有信息。",
        "上传后系统先逐行检查并列出全部错误；全部无误并经确认后才导入——要么全部导入，要么一条也不导入。",
        f"每个文件最多{IMPORT_RULES.max_rows}行、{size_label(IMPORT_RULES.max_file_bytes)}，每格最多"
        f"{IMPORT_RULES.max_cell_chars}个字符。也可上传CSV文件（UTF-8或GBK编码，表头相同）。",
        "选项类的列可填下表所列的名称；从系统导出的表格可修改后直接导入（“监管机关”“更新时间”两列会被忽略，只能导入本局的行）。",
    ]


def build_template(organisation) -> bytes:
    """The downloadable template: the header row, dropdowns, and a sheet 填写说明 with each column's values."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
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
    _write_guide(workbook.create_sheet("填写说明", 1), organisation, vocabulary)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_guide(guide, organisation, vocabulary: Vocabulary) -> None:
    from openpyxl.styles import Alignment, Font

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
