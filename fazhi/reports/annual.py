"""The annual 法治政府建设情况报告 of a bureau, in the structure the model reports use:
一、主要举措和成效; 二、存在问题和不足; 三、党政主要负责人履行推进法治建设第一责任人职责情况; 四、下一年度工作安排.

Section 一 states every registered figure the records give for the year, each with last year's beside it where
there is one; sections 二–四 and the introductions are the bureau's own words (AnnualReportDraft). A figure the
records cannot give (nothing to divide by, a module not built) is left out of the text; an appendix lists every
figure stated with its definition and query period, so a reader can trace it.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH

from fazhi.documents.layout import (
    TITLE_FONT, TITLE_SIZE, chinese_ordinal, new_document, page_break, paragraph, seal_area, table, to_bytes,
)
from fazhi.inspections.burden import change_percent

from .dashboard import format_value
from .indicators import AMOUNT, FULL_IS_TARGET, PERCENT, RATIO, Figure, Indicator, Scope, computing, indicators
from .scopes import Column, columns_of, period_text, year_period

TITLE = "法治政府建设情况报告"
LEAD_IN, PROBLEMS, LEADERSHIP, NEXT_YEAR = "lead_in", "problems", "leadership", "next_year"
NARRATIVE_SECTIONS = (
    (PROBLEMS, "二、存在问题和不足"),
    (LEADERSHIP, "三、党政主要负责人履行推进法治建设第一责任人职责情况"),
    (NEXT_YEAR, "四、下一年度工作安排"),
)
MEASURES = "一、主要举措和成效"
HEADING_FONT, SUBHEADING_FONT = "黑体", "楷体"  # GB/T 9704 §7.3.3: 黑体 for the first level, 楷体 for the second
TEN_THOUSAND = Decimal(10000)


def group_key(group: str) -> str:
    return f"group:{group}"


def default_narrative(bureau, year: int) -> dict[str, str]:
    """What a new draft starts from: a lead-in the bureau rewrites; every other part is the bureau's to write."""
    return {LEAD_IN: f"{year}年，{bureau.name}坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻习近平法治思想，"
                     f"全面落实法治政府建设各项任务。现将{year}年法治政府建设情况报告如下。"}


# ---- the figures ------------------------------------------------------------------------------------------------

def value_with_unit(kind: str, value, unit: str) -> str:
    """A value as a sentence states it: amounts of ten thousand yuan and more in 万元; a ratio's "次/户" as "次",
    since its sentence says per what (户均)."""
    if kind == AMOUNT and unit == "元" and Decimal(value) >= TEN_THOUSAND:
        return f"{(Decimal(value) / TEN_THOUSAND):.2f}万元"
    if kind == AMOUNT:
        return f"{Decimal(value):.2f}{unit}"
    if kind == RATIO:
        return f"{value}{unit.split('/')[0]}"
    return f"{value}{unit}"


def _comparison(ind: Indicator, now: Figure, before: Figure | None) -> str:
    if before is None or before.value is None:
        return ""
    kind = ind.figure_kind
    last = value_with_unit(kind, before.value, ind.unit)
    if kind == PERCENT:
        points = Decimal(now.value) - Decimal(before.value)
        if not points:
            return f"，与上年（{last}）持平"
        return f"，较上年（{last}）{'提高' if points > 0 else '降低'}{abs(points)}个百分点"
    change = change_percent(Decimal(now.value), Decimal(before.value))
    if change is None:
        return f"（上年为{last}）"
    if not change:
        return f"，与上年（{last}）持平"
    return f"，较上年（{last}）{'增长' if change > 0 else '下降'}{abs(change)}%"


@dataclass(frozen=True)
class ReportFigure:
    indicator: Indicator
    scope: Scope
    now: Figure
    before: Figure | None

    @property
    def value_text(self) -> str:
        return value_with_unit(self.indicator.figure_kind, self.now.value, self.indicator.unit)

    @property
    def before_text(self) -> str:
        if self.before is None or self.before.value is None:
            return "—"
        return value_with_unit(self.indicator.figure_kind, self.before.value, self.indicator.unit)

    @property
    def clause(self) -> str:
        ind = self.indicator
        phrase = ind.phrase or f"{ind.label}{{value}}"
        text = phrase.format(value=self.value_text, number=format_value(ind.figure_kind, self.now.value),
                             numerator=self.now.numerator, denominator=self.now.denominator)
        return text + _comparison(ind, self.now, self.before)

    @property
    def periods(self) -> str:
        return f"本年：{period_text(self.scope)}；上年：{period_text(self.scope.year_before())}"


@dataclass
class AnnualReport:
    bureau: object
    year: int
    scope: Scope
    figures: list[ReportFigure]
    left_out: list[tuple[Indicator, str]]  # figures the records cannot give, with the reason
    narrative: dict[str, str]

    @property
    def title(self) -> str:
        return f"{self.bureau.name}{self.year}年{TITLE}"

    @property
    def whole_year(self) -> bool:
        return self.scope.end == dt.date(self.year, 12, 31)

    @property
    def span(self) -> str:
        """How the sentences name the period: 全年, or up to today while the year runs."""
        return "全年" if self.whole_year else f"1月1日至{self.scope.end.month}月{self.scope.end.day}日"

    @property
    def groups(self) -> list[tuple[str, list[ReportFigure]]]:
        found: dict[str, list[ReportFigure]] = {}
        for figure in self.figures:
            found.setdefault(figure.indicator.group, []).append(figure)
        return list(found.items())

    def group_paragraph(self, group: str, figures: list[ReportFigure]) -> str:
        intro = (self.narrative.get(group_key(group)) or "").strip()
        facts = f"{self.span}" + "；".join(f.clause for f in figures) + "。"
        return f"{intro}{facts}" if intro else facts

    def text(self, key: str) -> str:
        return (self.narrative.get(key) or "").strip()

    def lines(self, key: str) -> list[str]:
        return [line.strip() for line in self.text(key).splitlines() if line.strip()]

    @property
    def lead_in_lines(self) -> list[str]:
        return self.lines(LEAD_IN)

    @property
    def measures(self) -> list[tuple[str, str, str]]:
        """Section 一: each group's heading, name and paragraph."""
        return [(f"（{chinese_ordinal(n)}）{group}", group, self.group_paragraph(group, figures))
                for n, (group, figures) in enumerate(self.groups, 1)]

    @property
    def narrative_sections(self) -> list[tuple[str, list[str]]]:
        return [(title, self.lines(key)) for key, title in NARRATIVE_SECTIONS]

    @property
    def missing_sections(self) -> list[str]:
        return [title for key, title in NARRATIVE_SECTIONS if not self.text(key)]

    @property
    def hints(self) -> list[str]:
        """What the figures suggest for 存在问题和不足: the rates the law expects at 100% that fell short. Shown
        beside the text box, never written into the report by themselves."""
        return [f"{f.indicator.label}为{f.value_text}（{f.now.numerator}/{f.now.denominator}），未达到100%。"
                for f in self.figures
                if FULL_IS_TARGET in f.indicator.tags and f.now.denominator and f.now.value < 100]


def report_columns(bureau) -> list[Column]:
    """The bureau's own records, with its supervision institutes' (not those of the bureaus below it)."""
    return columns_of(bureau)[:1]


def annual_report(bureau, year: int, narrative: dict[str, str]) -> AnnualReport:
    column = report_columns(bureau)[0]
    start, end = year_period(year)
    scope = Scope(column.organisation_ids, start, end)
    figures, left_out = [], []
    with computing():
        for ind in indicators():
            now = ind.compute(scope)
            if now.value is None:
                left_out.append((ind, now.note or "记录不足，无法计算"))
                continue
            figures.append(ReportFigure(ind, scope, now, ind.compute(scope.year_before())))
    return AnnualReport(bureau, year, scope, figures, left_out, narrative)


# ---- the document -------------------------------------------------------------------------------------------

def _paragraphs(document, lines: list[str]) -> None:
    for line in lines:
        paragraph(document, line, indent=True)


def _heading(document, text: str, font: str) -> None:
    paragraph(document, text, indent=True, font=font)


def annual_docx(report: AnnualReport, *, on: dt.date | None = None) -> bytes:
    document = new_document()
    paragraph(document, report.bureau.name, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE)
    paragraph(document, f"{report.year}年{TITLE}", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE)
    paragraph(document)
    _paragraphs(document, report.lead_in_lines)
    _heading(document, MEASURES, HEADING_FONT)
    for heading, _group, text in report.measures:
        _heading(document, heading, SUBHEADING_FONT)
        paragraph(document, text, indent=True)
    for title, lines in report.narrative_sections:
        _heading(document, title, HEADING_FONT)
        _paragraphs(document, lines)
    seal_area(document, report.bureau.name, on or timezone.localdate())
    _appendix(document, report)
    return to_bytes(document)


def appendix_rows(report: AnnualReport) -> list[list[str]]:
    return [[str(n), f.indicator.label, f.value_text, f.before_text, f.indicator.definition, f.periods]
            for n, f in enumerate(report.figures, 1)]


def _appendix(document, report: AnnualReport) -> None:
    page_break(document)
    paragraph(document, "附件", font=HEADING_FONT)
    paragraph(document, f"{report.year}年主要数据及统计口径", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT,
              size=TITLE_SIZE)
    paragraph(document, f"数据均由本机关业务记录实时统计（统计范围：{report.bureau.name}及其所属卫生监督机构），"
                        "可按下表口径复核。", indent=True)
    table(document, ["序号", "指标", "本年", "上年", "口径", "统计期间"], appendix_rows(report))
    if report.left_out:
        paragraph(document)
        left = "；".join(f"{ind.label}（{reason}）" for ind, reason in report.left_out)
        paragraph(document, f"以下指标本年度记录不足以计算，未写入报告：{left}。", indent=True)
