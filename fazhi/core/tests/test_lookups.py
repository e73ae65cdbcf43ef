"""`field__any`: the rows `field__in` finds, sent as one array parameter on PostgreSQL."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from fazhi.core.models import Organisation, Region
from fazhi.core.tests.factories import bureau, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def regions():
    province = region("449900", "测试省", 1)
    cities = [region(f"4499{n:02d}", f"测试市{n}", 2, province) for n in range(1, 6)]
    for city in cities:
        bureau(f"{city.name}卫生健康局", city)
    return cities


def test_it_finds_what_in_finds_on_a_field_and_on_a_foreign_key(regions):
    codes = [r.code for r in regions[:3]] + ["000000"]
    assert set(Region.objects.filter(code__any=codes)) == set(Region.objects.filter(code__in=codes)) == set(regions[:3])
    ids = [r.pk for r in regions[1:4]]
    assert set(Organisation.objects.filter(region__any=ids)) == set(Organisation.objects.filter(region__in=ids))
    assert Organisation.objects.filter(region_id__any=ids).count() == 3


def test_an_empty_list_finds_nothing_without_a_query(regions):
    with CaptureQueriesContext(connection) as queries:
        assert list(Region.objects.filter(code__any=[])) == []
    assert len(queries) == 0


def test_a_subquery_is_still_in(regions):
    cities = Region.objects.filter(level=2).values("pk")
    assert Organisation.objects.filter(region__any=cities).count() == 5


def test_on_postgresql_the_list_is_one_parameter(regions):
    codes = [r.code for r in regions]
    sql, params = Region.objects.filter(code__any=codes).query.sql_with_params()
    if connection.vendor == "postgresql":
        assert "= ANY(%s)" in sql and list(params) == [codes]
    else:
        assert sql.count("%s") == len(codes)
