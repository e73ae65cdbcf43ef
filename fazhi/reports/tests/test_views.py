"""The dashboard and the records behind each figure: who may see what, and that a figure's records are exactly
the records it counts."""
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.core.choices import Role
from fazhi.core.tests import factories as f
from fazhi.reports import indicators as registry
from fazhi.reports.dashboard import format_value
from fazhi.reports.indicators import AMOUNT, COUNT, RATIO, Scope
from fazhi.reports.scopes import columns_of, records_url_for, year_period

from .seed import YEAR

DASHBOARD = "/reports/"


def figure_links(html: str) -> dict[str, list[str]]:
    """The figures of a dashboard page, by indicator code, in column order."""
    found: dict[str, list[str]] = {}
    for code, text in re.findall(r'data-figure="([^"]+)">([^<]+)</a>', html):
        found.setdefault(code, []).append(text)
    return found


def record_count(response) -> int:
    return int(re.search(r'data-record-count="(\d+)"', response.content.decode()).group(1))


def kaiping_scope(seeded) -> Scope:
    start, end = year_period(YEAR)
    return Scope(columns_of(seeded.kaiping)[0].organisation_ids, start, end)


def test_it_shows_a_leader_each_figure_with_last_year_its_change_and_definition(seeded, leader, as_user):
    response = as_user(leader).get(DASHBOARD, {"year": YEAR})
    assert response.status_code == 200
    html = response.content.decode()
    figures = figure_links(html)
    assert figures["inspections.visits"] == ["5"]
    assert figures["cases.fines"] == ["155,200.00"]
    assert figures["inspections.coverage"] == ["50.0"]
    assert "+66.7%" in html and "+16.7个百分点" in html  # visits 5 against 3; coverage 50.0 against 33.3
    assert "已取消、尚未检查的不计" in html  # the definition, shown on hover or click
    assert "台山" not in html and "环翠" not in html
    assert "<svg" in html and "kozea.github.io" not in html  # charts drawn here, nothing fetched from outside


@pytest.mark.parametrize("params, visits", [
    ({"year": YEAR, "quarter": 1}, "1"), ({"year": YEAR, "quarter": 4}, "0"),
    ({"start": "2025-03-10", "end": "2025-05-20"}, "3"), ({"year": 2024}, "3"),
])
def test_the_period_filter_narrows_the_figures(seeded, leader, as_user, params, visits):
    html = as_user(leader).get(DASHBOARD, params).content.decode()
    assert figure_links(html)["inspections.visits"] == [visits]


def test_the_section_filter_counts_what_its_officers_lead(seeded, leader, as_user):
    html = as_user(leader).get(DASHBOARD, {"year": YEAR, "section": seeded.section_one.pk}).content.decode()
    assert figure_links(html)["inspections.visits"] == ["3"]
    assert "inspections.coverage" not in figure_links(html) and "不分科室" in html


def test_a_wrong_period_is_refused_on_its_field(seeded, leader, as_user):
    html = as_user(leader).get(DASHBOARD, {"start": "2025-05-01", "end": "2025-04-01"}).content.decode()
    assert "截止日期不能早于起始日期" in html


def test_a_city_sees_its_counties_side_by_side(seeded, city_admin, as_user):
    html = as_user(city_admin).get(DASHBOARD, {"year": YEAR}).content.decode()
    assert figure_links(html)["inspections.visits"] == ["0", "5", "2", "7"]  # 本级, 开平, 台山, 合计
    assert "开平市卫健局" in html and "台山市卫健局" in html and "合计" in html
    assert "环翠" not in html
    one_county = as_user(city_admin).get(DASHBOARD, {"year": YEAR, "org": seeded.taishan.pk}).content.decode()
    assert figure_links(one_county)["inspections.visits"] == ["2"]


def test_a_county_cannot_look_at_another_county(seeded, leader, outsider, as_user):
    html = as_user(leader).get(DASHBOARD, {"year": YEAR, "org": seeded.taishan.pk}).content.decode()
    assert figure_links(html)["inspections.visits"] == ["5"]  # not a bureau it may view: its own figures
    kaiping_records = records_url_for("inspections.visits")(kaiping_scope(seeded))
    assert as_user(outsider).get(kaiping_records).status_code == 404
    own = as_user(outsider).get(DASHBOARD, {"year": YEAR}).content.decode()
    assert figure_links(own)["inspections.visits"] == ["1"]


def test_the_dashboard_is_for_leaders_section_heads_and_the_legal_section(seeded, bureaus, as_user, client):
    officer = f.staff(bureaus["kaiping_institute"], Role.OFFICER)
    assert as_user(officer).get(DASHBOARD).status_code == 403
    for role in (Role.LEADER, Role.CHIEF, Role.SECTION_HEAD, Role.LEGAL_REVIEWER, Role.ADMIN):
        assert as_user(f.staff(bureaus["kaiping"], role)).get(DASHBOARD).status_code == 200
    assert as_user(officer).post(DASHBOARD).status_code in (403, 405)
    client.logout()
    assert client.get(DASHBOARD).status_code == 302


def test_it_takes_a_bounded_number_of_queries(seeded, leader, city_admin, as_user, own_indicators, monkeypatch):
    # This app's figures only: a figure another app registers without `compute_by_organisation` is asked once per
    # county, and its bound is that app's to test.
    monkeypatch.setattr(registry, "_REGISTRY", {i.code: i for i in own_indicators})

    def queries(user, **params) -> int:
        client = as_user(user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(DASHBOARD, {"year": YEAR, **params}).status_code == 200
        return len(captured)

    county, city = queries(leader), queries(city_admin)
    f.bureau("恩平市卫生健康局", f.region("440785", "恩平市", 3, seeded.kaiping.region.parent),
             city_admin.organisation)
    # A further county adds no query: figures are grouped by organisation in SQL.
    assert queries(city_admin) == city
    assert county <= 60 and city <= 60


def _expected_rows(ind, figure) -> int:
    kind = ind.figure_kind
    if kind == COUNT:
        return figure.value
    if kind == RATIO:
        return figure.numerator
    return figure.denominator


def test_each_figure_clicks_through_to_exactly_the_records_it_counts(seeded, leader, as_user, own_indicators):
    client, scope = as_user(leader), kaiping_scope(seeded)
    for ind in own_indicators:
        for asked in (scope, scope.year_before()):
            figure = ind.compute(asked)
            response = client.get(ind.records_url(asked))
            assert response.status_code == 200, ind.code
            if ind.figure_kind == AMOUNT:
                rows = ind.records(asked)
                total = sum((r.fine_amount or 0) + (r.confiscation_amount or 0) for r in rows)
                assert Decimal(total) == figure.value and record_count(response) == rows.count()
                continue
            assert record_count(response) == _expected_rows(ind, figure), ind.code
            if ind.numerator_records is not None:
                part = client.get(records_url_for(ind.code)(asked, "numerator"))
                assert record_count(part) == figure.numerator, ind.code
    fines = client.get(records_url_for("cases.fines")(scope))
    assert record_count(fines) == 5 and format_value(AMOUNT, Decimal("155200")) in fines.content.decode()


def test_the_records_page_refuses_what_it_cannot_show(seeded, leader, as_user):
    client = as_user(leader)
    url = records_url_for("inspections.visits")(kaiping_scope(seeded))
    assert client.get(url.replace("inspections.visits", "licensing.approved")).status_code == 404
    assert client.get(url.replace("orgs=", "orgs=99999.")).status_code == 404
    assert client.get(url.replace("start=2025-01-01", "start=yesterday")).status_code == 404
