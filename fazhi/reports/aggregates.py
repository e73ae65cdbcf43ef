"""Grouped aggregate queries the registered figures are built on.

One query answers a scope's period and the same period a year before (the dashboard shows both), grouped by
organisation, so a city's counties side by side cost the same queries as one county.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import reduce
from operator import or_

from django.db.models import Aggregate, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .indicators import SECTIONLESS, Figure, Indicator, Scope, fold, percent, ratio, remembered
from .scopes import records_url_for

NOT_BY_SECTION = "该指标按整个机关统计，不分科室"
Measures = dict[str, Callable[[Scope], Aggregate]]
Totals = dict[int, dict[str, object]]


def periods(scope: Scope) -> list[Scope]:
    return [scope, scope.year_before()]


def totals_by_organisation(name: str, scope: Scope, rows: QuerySet, measures: Measures, *,
                           within: Callable[[Scope], Q] | None = None, by: str = "organisation_id") -> Totals:
    """{organisation id: {measure: value}} over `rows` of the scope's organisations, for the scope's period.

    `measures` gives each aggregate for a period; `within(period)` narrows the rows read to those the periods
    can count, so an index on the deciding date does the work. The year before comes from the same query and is
    remembered for when it is asked.
    """
    def compute() -> dict:
        asked = periods(scope)
        found = rows.filter(**{f"{by}__in": scope.organisation_ids})
        if within is not None:
            found = found.filter(reduce(or_, (within(p) for p in asked)))
        annotations = {f"{measure}__{n}": aggregate(p) for n, p in enumerate(asked)
                       for measure, aggregate in measures.items()}
        grouped = list(found.order_by().values(by).annotate(**annotations))
        return {(name, p): {row[by]: {m: row[f"{m}__{n}"] for m in measures} for row in grouped}
                for n, p in enumerate(asked)}

    return remembered((name, scope), compute)


def counts(totals: Totals, measure: str) -> dict[int, Figure]:
    return {org: Figure(int(values[measure] or 0)) for org, values in totals.items()}


def rates(totals: Totals, numerator: str, denominator: str) -> dict[int, Figure]:
    return {org: percent(int(v[numerator] or 0), int(v[denominator] or 0)) for org, v in totals.items()}


def ratios(totals: Totals, numerator: str, denominator: str) -> dict[int, Figure]:
    return {org: ratio(int(v[numerator] or 0), int(v[denominator] or 0)) for org, v in totals.items()}


def whole(kind: str, grouped: Callable[[Scope], dict[int, Figure]]) -> Callable[[Scope], Figure]:
    """The scope's figure as the fold of its organisations' figures."""
    return lambda scope: fold(kind, grouped(scope).values())


def day_range(field: str, scope: Scope) -> Q:
    return Q(**{f"{field}__gte": scope.start, f"{field}__lte": scope.end})


def moment_range(field: str, scope: Scope) -> Q:
    """A timestamp within the period's days, in local time, as bounds an index on the timestamp can use."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(scope.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(scope.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def lead_in_section(through_model, link: str, section_id: int, outer: str = "pk") -> Q:
    """The record's lead officer (主办人) works in the section: how a figure is broken down by section.
    `through_model` is the team table (InspectionOfficer, CaseOfficer), `link` its field to the visit or case,
    `outer` the path from the counted row to that visit or case."""
    return Q(Exists(through_model.objects.filter(**{link: OuterRef(outer)}, is_lead=True,
                                                 officer__section_id=section_id)))


def grouped_indicator(*, code: str, kind: str, grouped, records=None, numerator_records=None, **fields):
    """An Indicator computed from its per-organisation figures, its rows listed by the reports app."""
    compute = whole(kind, grouped)
    if SECTIONLESS in fields.get("tags", ()):
        bureau_wide = compute

        def compute(scope):
            return Figure(None, note=NOT_BY_SECTION) if scope.section_id else bureau_wide(scope)

    return Indicator(code=code, kind=kind, compute=compute, compute_by_organisation=grouped,
                     records=records, numerator_records=numerator_records,
                     records_url=records_url_for(code) if records is not None else None, **fields)
