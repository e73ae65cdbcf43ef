"""The dashboard's table: every registered indicator, for each bureau column (and their total), this period and
the same period a year before, each figure with the address of its records.

A figure of several bureaus comes from one grouped query per indicator (`compute_by_organisation`) folded per
column; an indicator without one is asked once per column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from fazhi.inspections.burden import change_percent

from .indicators import AMOUNT, PERCENT, RATIO, Figure, Indicator, Scope, computing, fold, indicators
from .scopes import Column, all_ids, records_url_for

BUREAU_WIDE = "不分科室"  # shown for a figure of the whole bureau under a section filter


def format_value(kind: str, value) -> str:
    """A figure's value as the dashboard shows it (without the unit)."""
    if value is None:
        return "—"
    if kind == AMOUNT:
        return f"{Decimal(value):,.2f}"
    if kind in (PERCENT, RATIO):
        return str(value)
    return f"{int(value):,}"


def change_text(kind: str, now: Figure | None, before: Figure | None) -> str:
    """Against the same period a year before: a rate in percentage points, anything else in percent."""
    if now is None or before is None or now.value is None or before.value is None:
        return ""
    if kind == PERCENT:
        points = Decimal(now.value) - Decimal(before.value)
        return "持平" if not points else f"{'+' if points > 0 else ''}{points}个百分点"
    change = change_percent(Decimal(now.value), Decimal(before.value))
    if change is None:
        return ""
    return "持平" if not change else f"{'+' if change > 0 else ''}{change}%"


@dataclass
class Cell:
    """One indicator for one column: this period, the year before, and where their records are listed."""

    indicator: Indicator
    scope: Scope
    now: Figure | None  # None: the figure does not apply (a bureau-wide figure under a section filter)
    before: Figure | None

    @property
    def kind(self) -> str:
        return self.indicator.figure_kind

    @property
    def text(self) -> str:
        return BUREAU_WIDE if self.now is None else format_value(self.kind, self.now.value)

    @property
    def before_text(self) -> str:
        return "" if self.before is None else format_value(self.kind, self.before.value)

    @property
    def change(self) -> str:
        return change_text(self.kind, self.now, self.before)

    def _url(self, scope: Scope, part: str = "") -> str | None:
        if self.now is None:
            return None
        if part:
            return records_url_for(self.indicator.code)(scope, part) if self.indicator.numerator_records else None
        return self.indicator.records_url(scope) if self.indicator.records_url else None

    @property
    def url(self) -> str | None:
        return self._url(self.scope)

    @property
    def numerator_url(self) -> str | None:
        return self._url(self.scope, "numerator")

    @property
    def before_url(self) -> str | None:
        return self._url(self.scope.year_before())

    @property
    def shows_parts(self) -> bool:
        return self.now is not None and self.now.denominator is not None

    # A province's table has thousands of cells: they are written here rather than through a template each.
    def value_html(self, *, with_unit: bool = True) -> SafeString:
        if self.now is None:
            return format_html('<span class="na">{}</span>', self.text)
        unit = format_html("<small>{}</small>", self.indicator.unit) if with_unit and self.now.value is not None else ""
        url = self.url
        if url:
            return format_html('<a href="{}" data-figure="{}">{}</a>{}', url, self.indicator.code, self.text, unit)
        return format_html("{}{}", self.text, unit)

    def parts_html(self) -> SafeString:
        if not self.shows_parts:
            return mark_safe("")
        numerator, denominator = self.now.numerator, self.now.denominator
        url, part_url = self.url, self.numerator_url
        top = format_html('<a href="{}">{}</a>', part_url, numerator) if part_url else str(numerator)
        bottom = format_html('<a href="{}">{}</a>', url, denominator) if url else str(denominator)
        return format_html('<span class="parts">{}/{}</span>', top, bottom)

    def before_html(self) -> SafeString:
        if self.before is None:
            return mark_safe("—")
        url = self.before_url
        text = format_html('<a href="{}">{}</a>', url, self.before_text) if url else self.before_text
        unit = format_html("<small>{}</small>", self.indicator.unit) if self.before.value is not None else ""
        return format_html("{}{}", text, unit)

    def compact_html(self) -> SafeString:
        """A side-by-side cell (the unit is in the row's head): the figure linked to its records, last year and
        the change beneath it."""
        change = f"（{self.change}）" if self.change else ""
        before = format_html('<span class="before">上年 {}{}</span>', self.before_text, change) \
            if self.before is not None else ""
        return format_html("{}{}", self.value_html(with_unit=False), before)

    def full_html(self) -> SafeString:
        return format_html("{}{}", self.value_html(), self.parts_html())


@dataclass
class Row:
    indicator: Indicator
    cells: list[Cell]


@dataclass
class Dashboard:
    scope: Scope  # all the columns together
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)

    @property
    def side_by_side(self) -> bool:
        return len(self.columns) > 1

    @property
    def groups(self) -> list[tuple[str, list[Row]]]:
        found: dict[str, list[Row]] = {}
        for row in self.rows:
            found.setdefault(row.indicator.group, []).append(row)
        return list(found.items())


def column_scopes(columns: list[Column], total: Scope) -> list[Scope]:
    return [Scope(column.organisation_ids, total.start, total.end, total.section_id) for column in columns]


def _side_by_side(ind: Indicator, scopes: list[Scope], total: Scope) -> tuple[list[Figure], list[Figure]]:
    """Each column's figure and the total's, this period and the year before."""
    if ind.compute_by_organisation is None:
        now = [ind.compute(s) for s in [*scopes, total]]
        return now, [ind.compute(s.year_before()) for s in [*scopes, total]]
    result = []
    for asked in (total, total.year_before()):
        by_org = ind.compute_by_organisation(asked)
        kind = ind.figure_kind
        figures = [fold(kind, [by_org[pk] for pk in s.organisation_ids if pk in by_org]) for s in scopes]
        result.append([*figures, fold(kind, by_org.values())])
    return result[0], result[1]


def build_dashboard(columns: list[Column], start, end, section_id: int | None = None,
                    wanted: list[Indicator] | None = None) -> Dashboard:
    total = Scope(all_ids(columns), start, end, section_id)
    board = Dashboard(scope=total, columns=columns)
    scopes = column_scopes(columns, total) if len(columns) > 1 else []
    with computing():
        for ind in (indicators() if wanted is None else wanted):
            if section_id and not ind.by_section:
                cells = [Cell(ind, s, None, None) for s in [*scopes, total]]
            elif len(columns) == 1:
                cells = [Cell(ind, total, ind.compute(total), ind.compute(total.year_before()))]
            else:
                now, before = _side_by_side(ind, scopes, total)
                cells = [Cell(ind, s, n, b) for s, n, b in zip([*scopes, total], now, before)]
            board.rows.append(Row(ind, cells))
    return board
