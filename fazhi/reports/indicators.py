"""The indicators the dashboard and the annual report show: each one a definition, a computation over a scope
and the address of the records behind it. Every app registers its own in its `ready()`, so a module not built
contributes nothing, and nothing here knows a module's tables.

Beyond `compute`, an indicator may give (all optional):
- `compute_by_organisation(scope)`: the figure of each organisation of the scope, from one grouped query, so a
  city's dashboard shows its counties side by side without a query per county. The figures of several
  organisations add up as `kind` says (`fold`), so a rate's figure must keep its numerator and denominator.
- `kind`: COUNT, AMOUNT, PERCENT or RATIO — how figures add up and compare with last year's.
- `records(scope)` (and `numerator_records(scope)` for a rate): the rows behind the figure, as a queryset; the
  reports app then lists them at `records_url`.
- `phrase`: the clause of the annual report, with `{value}` (the value and its unit), `{number}` (the value
  alone) and, for a rate, `{numerator}` and `{denominator}`.
- tag SECTIONLESS: the figure belongs to the bureau as a whole and is not broken down by section.
- tag FULL_IS_TARGET: a rate the law expects at 100% (legal review of major decisions, body-cam use); the
  annual report's page points out where it falls short.

Inside `computing()` (one per request), aggregates that several figures share are computed once
(`remembered`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

COUNT, AMOUNT, PERCENT, RATIO = "count", "amount", "percent", "ratio"
SECTIONLESS = "sectionless"
FULL_IS_TARGET = "full_is_target"
PERCENT_PLACES, RATIO_PLACES = Decimal("0.1"), Decimal("0.01")


@dataclass(frozen=True)
class Scope:
    """What a figure is computed over: the organisations (a county, or a city's or province's counties), the
    period [start, end] inclusive, and optionally one section of them."""

    organisation_ids: tuple[int, ...]
    start: dt.date
    end: dt.date
    section_id: int | None = None

    def year_before(self) -> Scope:
        def back(day: dt.date) -> dt.date:
            try:
                return day.replace(year=day.year - 1)
            except ValueError:  # 29 February
                return day.replace(year=day.year - 1, day=28)

        return replace(self, start=back(self.start), end=back(self.end))


@dataclass(frozen=True)
class Figure:
    """A computed value; a rate also keeps its numerator and denominator so a reader can check it."""

    value: int | Decimal | None
    numerator: int | None = None
    denominator: int | None = None
    note: str = ""


@dataclass(frozen=True)
class Indicator:
    code: str  # "inspections.visits": app, then the figure
    label: str  # 监督检查户次
    definition: str  # what is counted, from which records, over which dates
    unit: str  # 户次, 件, %
    group: str  # where it sits on the dashboard and in the report (监督检查, 行政处罚, ...)
    compute: Callable[[Scope], Figure]
    records_url: Callable[[Scope], str] | None = None  # the list of the records behind the figure
    order: int = 0
    tags: frozenset = field(default_factory=frozenset)
    kind: str = ""  # COUNT, AMOUNT, PERCENT, RATIO; empty: PERCENT when the unit is %, else COUNT
    compute_by_organisation: Callable[[Scope], dict[int, Figure]] | None = None
    records: Callable | None = None  # (scope) -> QuerySet of the rows counted (a rate: its denominator)
    numerator_records: Callable | None = None  # (scope) -> QuerySet of a rate's numerator rows
    phrase: str = ""  # the annual report's clause: "开展监督检查{value}"

    @property
    def figure_kind(self) -> str:
        return self.kind or (PERCENT if self.unit == "%" else COUNT)

    @property
    def by_section(self) -> bool:
        return SECTIONLESS not in self.tags


_REGISTRY: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    """Called from an app's ready(); registering the same code twice replaces it (autoreload)."""
    _REGISTRY[indicator.code] = indicator


def indicators() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.code))


def indicator(code: str) -> Indicator:
    return _REGISTRY[code]


# ---- figures ------------------------------------------------------------------------------------------------

def percent(numerator: int, denominator: int, note: str = "") -> Figure:
    """numerator / denominator in percent, one decimal; no value when there is nothing to divide by."""
    if not denominator:
        return Figure(None, numerator, denominator, note or "分母为0，无法计算")
    value = (Decimal(numerator) * 100 / Decimal(denominator)).quantize(PERCENT_PLACES, rounding=ROUND_HALF_UP)
    return Figure(value, numerator, denominator, note)


def ratio(numerator: int, denominator: int, note: str = "") -> Figure:
    """numerator / denominator, two decimals (visits per entity)."""
    if not denominator:
        return Figure(None, numerator, denominator, note or "分母为0，无法计算")
    value = (Decimal(numerator) / Decimal(denominator)).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)
    return Figure(value, numerator, denominator, note)


def fold(kind: str, figures: Iterable[Figure]) -> Figure:
    """The figure of several organisations together: counts and amounts add up, a rate or ratio is recomputed
    from the summed numerators and denominators."""
    figures = list(figures)
    if kind in (PERCENT, RATIO):
        numerator = sum(f.numerator or 0 for f in figures)
        denominator = sum(f.denominator or 0 for f in figures)
        return (percent if kind == PERCENT else ratio)(numerator, denominator)
    if kind == AMOUNT:
        return Figure(sum((Decimal(f.value or 0) for f in figures), Decimal("0.00")))
    return Figure(sum(int(f.value or 0) for f in figures))


# ---- aggregates shared by several figures, once per request ----------------------------------------------------

_memo: ContextVar[dict | None] = ContextVar("fazhi_indicator_memo", default=None)


@contextmanager
def computing() -> Iterator[None]:
    """Within this block, `remembered` keeps what it computed: a page computes each shared aggregate once."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key, compute_several: Callable[[], dict]):
    """The value for `key`. `compute_several()` returns {key: value, ...} and may answer other keys at the same
    time (this period and the year before from one query); inside `computing()` they are all kept."""
    memo = _memo.get()
    if memo is not None and key in memo:
        return memo[key]
    found = compute_several()
    if memo is not None:
        memo.update(found)
    return found[key]
