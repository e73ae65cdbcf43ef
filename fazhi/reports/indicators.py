"""The indicators the dashboard and the annual report show: each one a definition, a computation over a scope
and the address of the records behind it. Every app registers its own in its `ready()`, so a module not built
contributes nothing, and nothing here knows a module's tables.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal


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


_REGISTRY: dict[str, Indicator] = {}


def register_indicator(indicator: Indicator) -> None:
    """Called from an app's ready(); registering the same code twice replaces it (autoreload)."""
    _REGISTRY[indicator.code] = indicator


def indicators() -> list[Indicator]:
    return sorted(_REGISTRY.values(), key=lambda i: (i.order, i.code))


def indicator(code: str) -> Indicator:
    return _REGISTRY[code]
