"""The burden report (迎检频次): visits per entity this year against last year, counted the cap's way and in all."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from fazhi.entities.models import Entity
from fazhi.inspections.burden import burden_totals, change_percent, with_burden

from . import factories as fi

pytestmark = pytest.mark.django_db


@pytest.fixture
def visited(hotel, clinic, team, published_items, officer):
    """The hotel: 2 counted visits this year, a complaint visit and a cancelled one, 1 last year.
    The clinic: 2 counted visits last year, none this year. A third entity was never visited."""
    year = timezone.localdate().year
    now, before = dt.date(year, 3, 2), dt.date(year - 1, 6, 1)
    for _ in range(2):
        fi.visit(hotel, team, published_items, day=now)
    fi.visit(hotel, team, published_items, day=now, reason="complaint")
    fi.visit(hotel, team, published_items, day=now, status="cancelled")
    fi.visit(hotel, team, published_items, day=before)
    for _ in range(2):
        fi.visit(clinic, team, published_items, day=before, reason="random_draw")
    from fazhi.entities.tests.factories import credit_code, register

    register(officer, name="开平市从未检查的诊所", credit_code=credit_code(55))
    return year


@pytest.mark.parametrize(("now", "before", "expected"), [
    (2, 3, Decimal("-33.3")), (3, 3, Decimal("0.0")), (2, 1, Decimal("100.0")), (0, 2, Decimal("-100.0")), (5, 0, None),
])
def test_the_change_is_in_percent_and_none_without_last_year(now, before, expected):
    assert change_percent(now, before) == expected


def test_it_counts_per_entity_and_in_total(visited, hotel, clinic):
    rows = {e.pk: e for e in with_burden(Entity.objects.all(), visited)}
    assert set(rows) == {hotel.pk, clinic.pk}  # the entity never visited is left out
    h, c = rows[hotel.pk], rows[clinic.pk]
    assert (h.capped_now, h.capped_before, h.all_now, h.all_before) == (2, 1, 3, 1)
    assert (c.capped_now, c.capped_before, c.all_now, c.all_before) == (0, 2, 0, 2)
    totals = burden_totals(with_burden(Entity.objects.all(), visited), visited)
    assert (totals.capped_now, totals.capped_before, totals.all_now, totals.all_before) == (2, 3, 3, 3)
    assert (totals.capped_change, totals.all_change) == (Decimal("-33.3"), Decimal("0.0"))


def test_the_page_lists_searches_and_totals(visited, officer, as_user):
    client = as_user(officer)
    page = client.get(reverse("inspections:burden")).content.decode()
    assert "开平市三埠街道悦来宾馆" in page and "开平市三埠街道惠民诊所" in page
    assert "从未检查" not in page and "-33.3%" in page and "+100.0%" in page
    searched = client.get(reverse("inspections:burden") + "?q=悦来").content.decode()
    assert "悦来宾馆" in searched and "惠民诊所" not in searched
    last_year = client.get(reverse("inspections:burden") + f"?year={visited - 1}").content.decode()
    assert f"{visited - 2}年" in last_year
    part = client.get(reverse("inspections:burden"), headers={"HX-Request": "true"}).content.decode()
    assert "<h1>" not in part and "合计" in part


def test_the_page_reads_in_a_bounded_number_of_queries(visited, officer, as_user, django_assert_max_num_queries):
    client = as_user(officer)
    client.get(reverse("inspections:burden"))
    with django_assert_max_num_queries(12):
        client.get(reverse("inspections:burden"))


def test_an_outsider_sees_none_of_it(visited, outsider, as_user):
    page = as_user(outsider).get(reverse("inspections:burden")).content.decode()
    assert "悦来宾馆" not in page and "惠民诊所" not in page


def test_a_visitor_must_sign_in(client):
    assert client.get(reverse("inspections:burden")).status_code == 302
