"""The dashboard's charts, drawn on the server as SVG with pygal and put in the page itself: nothing is loaded
from anywhere, and every bar links to the records behind it."""
from __future__ import annotations

from dataclasses import dataclass

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

from .dashboard import Cell, Dashboard, Row
from .indicators import COUNT, PERCENT

LABEL_SIZE = 13
FONTS = ('"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", '
         '"WenQuanYi Micro Hei", sans-serif')
STYLE = Style(background="transparent", plot_background="transparent", foreground="#1f2933",
              foreground_strong="#1f2933", foreground_subtle="#616e7c", colors=("#9b1c1c", "#9aa5b1"),
              font_family=FONTS, label_font_size=LABEL_SIZE, major_label_font_size=LABEL_SIZE,
              legend_font_size=13, value_font_size=12, tooltip_font_size=13, title_font_size=15)
NOW, BEFORE = "本期", "上年同期"


@dataclass(frozen=True)
class Chart:
    title: str
    svg: SafeString


# pygal sizes label space as if every character were 0.6 em wide; a Chinese character is a full em.
CJK_EXTRA_EM = 0.4


def _config(title: str, labels: list[str], **options) -> pygal.HorizontalBar:
    height = 110 + 30 * max(1, len(labels))
    widest = max((len(label) for label in labels), default=0)
    # js=[]: pygal's tooltips would load a script from the internet; the page must not.
    chart = pygal.HorizontalBar(style=STYLE, js=[], disable_xml_declaration=True, width=900, height=height,
                                legend_at_bottom=True, print_values=True, print_zeroes=True, title=title,
                                show_y_guides=False, truncate_label=-1,
                                margin_left=10 + int(widest * LABEL_SIZE * CJK_EXTRA_EM), **options)
    chart.x_labels = labels
    return chart


def _point(value, url: str | None) -> dict:
    point = {"value": float(value) if value is not None else None}
    if url:
        point["xlink"] = {"href": url, "target": "_self"}
    return point


def _render(chart) -> SafeString:
    # pygal writes the SVG itself, escaping the labels and values it is given.
    return mark_safe(chart.render(is_unicode=True))


def _series(chart, cells: list[Cell]) -> None:
    chart.add(NOW, [_point(c.now.value if c.now else None, c.url) for c in cells])
    chart.add(BEFORE, [_point(c.before.value if c.before else None, c.before_url) for c in cells])


def _shows_something(cell: Cell) -> bool:
    return any(f is not None and f.value for f in (cell.now, cell.before))


def _rows_chart(title: str, rows: list[Row], **options) -> Chart | None:
    """A chart of the rows' figures, or none when they are all empty or zero (bars of nothing tell nothing)."""
    rows = [r for r in rows if r.cells[-1].now is not None]
    if not any(_shows_something(r.cells[-1]) for r in rows):
        return None
    chart = _config(title, [f"{r.indicator.label}（{r.indicator.unit}）" for r in rows], **options)
    _series(chart, [r.cells[-1] for r in rows])
    return Chart(title, _render(chart))


def bureau_charts(board: Dashboard) -> list[Chart]:
    """One bureau: per group, its counts this period against the year before; then every rate."""
    charts = []
    for group, rows in board.groups:
        found = _rows_chart(f"{group}：{NOW}与{BEFORE}", [r for r in rows if r.indicator.figure_kind == COUNT])
        if found:
            charts.append(found)
    rates = [r for r in board.rows if r.indicator.figure_kind == PERCENT]
    found = _rows_chart(f"比率（%）：{NOW}与{BEFORE}", rates, range=(0, 100))
    if found:
        charts.append(found)
    return charts


def comparison_chart(board: Dashboard, code: str | None) -> Chart | None:
    """Several bureaus: one indicator across the columns (the total left out, it would dwarf them)."""
    row = next((r for r in board.rows if r.indicator.code == code), board.rows[0] if board.rows else None)
    if row is None or not any(_shows_something(c) for c in row.cells[:-1]):
        return None
    ind = row.indicator
    title = f"{ind.label}（{ind.unit}）：各单位{NOW}与{BEFORE}"
    options = {"range": (0, 100)} if ind.figure_kind == PERCENT else {}
    chart = _config(title, [c.label for c in board.columns], **options)
    _series(chart, row.cells[:-1])
    return Chart(title, _render(chart))

