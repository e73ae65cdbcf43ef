"""Scoping: a county sees its own bureau, a city its counties, a province all; writes stay in one's bureau."""
from fazhi.core.models import Organisation, Section, User


def test_it_shows_a_county_only_its_own_bureau(bureaus, officer):
    visible = set(Organisation.objects.visible_to(officer).values_list("name", flat=True))
    assert visible == {"开平市卫生健康局", "开平市卫生监督所"}


def test_it_shows_a_city_its_counties(bureaus, city_admin):
    visible = set(Organisation.objects.visible_to(city_admin).values_list("name", flat=True))
    assert visible == {"江门市卫生健康局", "开平市卫生健康局", "开平市卫生监督所"}


def test_it_shows_a_province_all_below_it(bureaus, province_leader):
    visible = Organisation.objects.visible_to(province_leader)
    assert visible.count() == 4
    assert not visible.filter(name__startswith="山东").exists()


def test_it_lets_a_city_see_but_not_write_county_records(bureaus, city_admin, officer):
    assert User.objects.visible_to(city_admin).filter(pk=officer.pk).exists()
    assert not User.objects.writable_by(city_admin).filter(pk=officer.pk).exists()


def test_it_lets_the_bureau_write_its_institutes_records(bureaus, admin, supervision_section):
    assert Section.objects.writable_by(admin).filter(pk=supervision_section.pk).exists()


def test_it_hides_everything_from_another_county(bureaus, outsider, officer, supervision_section):
    assert not User.objects.visible_to(outsider).filter(pk=officer.pk).exists()
    assert not Section.objects.visible_to(outsider).filter(pk=supervision_section.pk).exists()
