"""A seeded year reproduces its known figures, last year's beside them, by section and county by county."""
import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.reports.dashboard import build_dashboard
from fazhi.reports.indicators import Scope, computing, fold, indicator, indicators
from fazhi.reports.scopes import columns_of, year_period

from .seed import YEAR

# code: (2025, 2024), with numerator/denominator for rates and ratios.
EXPECTED = {
    "inspections.visits": (5, 3),
    "inspections.coverage": ((Decimal("50.0"), 3, 6), (Decimal("33.3"), 2, 6)),
    "inspections.joint_visits": (1, 0),
    "inspections.joint_share": ((Decimal("20.0"), 1, 5), (Decimal("0.0"), 0, 3)),
    "inspections.visits_per_entity": ((Decimal("1.25"), 5, 4), (Decimal("1.50"), 3, 2)),
    "inspections.opinions": (2, 1),
    "inspections.rectification_rate": ((Decimal("66.7"), 2, 3), (Decimal("100.0"), 1, 1)),
    "inspections.campaigns": (2, 1),
    "inspections.bodycam_rate": ((Decimal("75.0"), 3, 4), (Decimal("100.0"), 1, 1)),
    "cases.general": (5, 3),
    "cases.simple": (2, 1),
    "cases.deliberated": (2, 1),
    "cases.legal_review_rate": ((Decimal("66.7"), 2, 3), (Decimal("100.0"), 1, 1)),
    "cases.fines": (Decimal("155200.00"), Decimal("75100.00")),
    "cases.no_penalty": (1, 0),
    "cases.transferred": (1, 0),
    "core.certified_officers": ((Decimal("60.0"), 3, 5), (Decimal("80.0"), 4, 5)),
}


def scope_of(bureau, section=None) -> Scope:
    start, end = year_period(YEAR)
    return Scope(columns_of(bureau)[0].organisation_ids, start, end, section.pk if section else None)


def as_expected(figure, expected) -> bool:
    if isinstance(expected, tuple):
        return (figure.value, figure.numerator, figure.denominator) == expected
    return figure.value == expected


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_it_reproduces_the_seeded_figure_and_last_years(seeded, code):
    now, before = EXPECTED[code]
    scope = scope_of(seeded.kaiping)
    assert scope.start == dt.date(2025, 1, 1) and scope.end == dt.date(2025, 12, 31)
    ind = indicator(code)
    assert as_expected(ind.compute(scope), now)
    assert as_expected(ind.compute(scope.year_before()), before)


def test_it_registers_a_figure_for_every_expected_code_and_nothing_of_unbuilt_modules(own_indicators):
    assert {i.code for i in own_indicators} == set(EXPECTED)
    unbuilt = ("licensing", "complaints", "legal", "outreach", "training", "integrity")
    from django.apps import apps

    for ind in indicators():
        app = ind.code.split(".")[0]
        assert app not in unbuilt and apps.is_installed(f"fazhi.{app}"), ind.code
        assert ind.definition and ind.label and ind.unit and ind.group
    labels = " ".join(i.label for i in indicators())
    # Words of the modules not built: licensing, petitions, training, law education, integrity, contracts.
    assert not any(word in labels for word in ("行政许可", "办结率", "信访", "培训", "普法", "廉政", "建议提案", "合同"))


def test_a_section_counts_the_records_its_officers_lead(seeded):
    scope = scope_of(seeded.kaiping, seeded.section_one)
    assert indicator("inspections.visits").compute(scope).value == 3
    assert indicator("cases.general").compute(scope).value == 3
    assert indicator("core.certified_officers").compute(scope).value == Decimal("100.0")
    other = scope_of(seeded.kaiping, seeded.section_two)
    assert indicator("inspections.visits").compute(other).value == 2
    # A figure of the bureau as a whole is not broken down by section.
    coverage = indicator("inspections.coverage").compute(scope)
    assert coverage.value is None and coverage.note


def test_a_county_figure_never_counts_another_countys_records(seeded, bureaus):
    assert indicator("inspections.visits").compute(scope_of(seeded.taishan)).value == 2
    assert indicator("inspections.visits").compute(scope_of(bureaus["huancui"])).value == 1
    assert indicator("cases.general").compute(scope_of(seeded.taishan)).value == 1


def test_a_citys_counties_side_by_side_add_up_to_the_city(seeded, bureaus, own_indicators):
    columns = columns_of(bureaus["jiangmen"])
    assert [c.bureau for c in columns] == [bureaus["jiangmen"], seeded.kaiping, seeded.taishan]
    assert bureaus["kaiping_institute"].pk in columns[1].organisation_ids
    start, end = year_period(YEAR)
    board = build_dashboard(columns, start, end, wanted=own_indicators)
    for row in board.rows:
        for column, cell in zip(columns, row.cells):
            alone = row.indicator.compute(Scope(column.organisation_ids, start, end))
            assert (cell.now.value, cell.now.numerator) == (alone.value, alone.numerator), row.indicator.code
        whole = row.indicator.compute(board.scope)
        assert row.cells[-1].now.value == whole.value, row.indicator.code
    visits = next(r for r in board.rows if r.indicator.code == "inspections.visits")
    assert [c.now.value for c in visits.cells] == [0, 5, 2, 7]
    coverage = next(r for r in board.rows if r.indicator.code == "inspections.coverage")
    assert coverage.cells[-1].now == fold("percent", [c.now for c in coverage.cells[:-1]])
    assert coverage.cells[-1].now.value == Decimal("55.6")


def test_a_city_costs_the_same_queries_as_one_county(seeded, bureaus, own_indicators):
    start, end = year_period(YEAR)

    def queries(bureau) -> int:
        with CaptureQueriesContext(connection) as captured:
            build_dashboard(columns_of(bureau), start, end, wanted=own_indicators)
        return len(captured)

    county, city = queries(seeded.kaiping), queries(bureaus["jiangmen"])
    # One grouped query per shared aggregate, both years at once: no query per county, none per indicator twice.
    assert county == city <= 16


def test_shared_aggregates_are_computed_once_per_page(seeded):
    scope = scope_of(seeded.kaiping)
    with computing(), CaptureQueriesContext(connection) as captured:
        for code in ("inspections.visits", "inspections.joint_share", "inspections.visits_per_entity"):
            indicator(code).compute(scope)
            indicator(code).compute(scope.year_before())
    assert len(captured) == 1
