"""The registry across the scoping line: a county sees its own, a city its counties, a province all of its own;
nobody reads another county's entities, and only the entity's own bureau changes them — pages and API alike."""
import pytest
from django.urls import reverse

from fazhi.core.choices import Role
from fazhi.core.models import AuditEvent
from fazhi.core.tests import factories as f
from fazhi.entities import services
from fazhi.entities.choices import LicenceKind
from fazhi.entities.models import Entity, Licence
from fazhi.entities.tests.factories import credit_code, register, township

pytestmark = pytest.mark.django_db

API = "/api/v1/entities"


@pytest.fixture
def kaiping_entity(officer):
    entity = register(officer, name="开平市金沙湾游泳馆", kind="public_place", sub_kind="swimming")
    services.add_licence(entity, actor=officer, kind=LicenceKind.PUBLIC_PLACE, number="粤卫公证字〔2024〕第0101号")
    return entity


@pytest.fixture
def huancui_entity(outsider):
    return register(outsider, name="环翠区海滨宾馆", credit_code=credit_code(5, region="371002"),
                    kind="public_place", sub_kind="accommodation", address="威海市环翠区海滨北路3号")


@pytest.fixture
def jiangmen_officer(bureaus):
    """An officer of the city bureau itself: the city registers entities it supervises directly."""
    return f.staff(bureaus["jiangmen"], Role.OFFICER, username="jm-officer", full_name="江门执法")


def names(client, user, **params) -> set[str]:
    client.force_login(user)
    response = client.get(reverse("entities:list"), params)
    assert response.status_code == 200
    return {row.record.name for row in response.context["table"].page.object_list}


def api_names(client, user) -> set[str]:
    client.force_login(user)
    return {item["name"] for item in client.get(f"{API}/").json()["items"]}


def read_urls(entity) -> list[str]:
    licence = entity.licences.first()
    return [
        reverse("entities:detail", args=[entity.pk]),
        reverse("core:history", args=["entities.entity", entity.pk]),
        reverse("entities:edit", args=[entity.pk]),
        reverse("entities:grade", args=[entity.pk]),
        reverse("entities:status", args=[entity.pk]),
        reverse("entities:licence_create", args=[entity.pk]),
        reverse("entities:licence_edit", args=[licence.pk]),
        reverse("entities:licence_delete", args=[licence.pk]),
        f"{API}/{entity.pk}",
    ]


def write_requests(entity) -> list[tuple[str, dict]]:
    licence = entity.licences.first()
    return [
        (reverse("entities:edit", args=[entity.pk]), {"name": "被改名", "kind": "public_place",
                                                       "sub_kind": "swimming", "address": "x"}),
        (reverse("entities:grade", args=[entity.pk]), {"grade": "D", "basis": "penalty", "reason": "越权",
                                                        "effective_on": "2026-01-01"}),
        (reverse("entities:status", args=[entity.pk]), {"target": "revoked", "reason": "越权"}),
        (reverse("entities:licence_create", args=[entity.pk]), {"kind": LicenceKind.OTHER, "number": "越权1"}),
        (reverse("entities:licence_edit", args=[licence.pk]), {"kind": LicenceKind.OTHER, "number": "越权2"}),
        (reverse("entities:licence_delete", args=[licence.pk]), {"reason": "越权"}),
    ]


def registry_events() -> int:
    return AuditEvent.objects.filter(object_type__startswith="entities.").count()


def assert_unchanged(entity, events_before: int) -> None:
    entity.refresh_from_db()
    assert (entity.name, entity.credit_grade, entity.status) == ("开平市金沙湾游泳馆", "B", "operating")
    assert Licence.objects.filter(entity=entity).count() == 1
    assert Licence.objects.get(entity=entity).number == "粤卫公证字〔2024〕第0101号"
    assert registry_events() == events_before


def test_it_shows_a_county_its_own_entities_only(client, officer, kaiping_entity, huancui_entity):
    assert names(client, officer) == {"开平市金沙湾游泳馆"}
    assert api_names(client, officer) == {"开平市金沙湾游泳馆"}


def test_it_shows_the_city_its_counties_and_its_own(client, city_admin, jiangmen_officer, kaiping_entity,
                                                    huancui_entity):
    register(jiangmen_officer, name="江门市中心医院", sub_kind="hospital", credit_code=credit_code(9, "440700"))
    assert names(client, city_admin) == {"开平市金沙湾游泳馆", "江门市中心医院"}
    assert api_names(client, city_admin) == {"开平市金沙湾游泳馆", "江门市中心医院"}


def test_it_shows_the_province_everything_in_it_and_nothing_of_another(client, province_leader, kaiping_entity,
                                                                       huancui_entity):
    assert names(client, province_leader) == {"开平市金沙湾游泳馆"}
    shandong = f.staff(huancui_entity.organisation.parent.parent, Role.LEADER, username="sd-leader")
    assert names(client, shandong) == {"环翠区海滨宾馆"}


def test_it_lets_the_city_and_province_open_a_countys_entity(client, city_admin, province_leader, kaiping_entity):
    for viewer in (city_admin, province_leader):
        client.force_login(viewer)
        assert client.get(reverse("entities:detail", args=[kaiping_entity.pk])).status_code == 200
        assert client.get(f"{API}/{kaiping_entity.pk}").status_code == 200


def test_it_answers_404_to_another_county_on_every_page_and_endpoint(client, outsider, kaiping_entity):
    client.force_login(outsider)
    for url in read_urls(kaiping_entity):
        assert client.get(url).status_code == 404, url


def test_it_refuses_another_county_every_write(client, outsider, kaiping_entity):
    before = registry_events()
    client.force_login(outsider)
    for url, data in write_requests(kaiping_entity):
        assert client.post(url, data).status_code == 404, url
    response = client.patch(f"{API}/{kaiping_entity.pk}", {"name": "被改名"}, content_type="application/json")
    assert response.status_code == 404
    assert response.json() == {"detail": "记录不存在，或不在您的查看范围内。"}
    assert_unchanged(kaiping_entity, before)


def test_it_lets_the_city_read_but_not_change_a_countys_entity(client, city_admin, kaiping_entity):
    before = registry_events()
    client.force_login(city_admin)
    for url, data in write_requests(kaiping_entity):
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    response = client.patch(f"{API}/{kaiping_entity.pk}", {"name": "被改名"}, content_type="application/json")
    assert response.status_code == 403
    assert response.json() == {"detail": "该监管对象不属于本局，只能查看，不能修改。"}
    assert_unchanged(kaiping_entity, before)


def test_it_registers_what_the_city_creates_in_the_city_not_a_county(client, city_admin):
    client.force_login(city_admin)
    response = client.post(f"{API}/", {"name": "江门市第二人民医院", "kind": "medical", "sub_kind": "hospital",
                                       "address": "江门市蓬江区", "no_credit_code_reason": "other"},
                           content_type="application/json")
    assert response.status_code == 201
    assert Entity.objects.get().organisation.name == "江门市卫生健康局"


def test_it_offers_filters_only_within_the_viewers_reach(client, outsider, city_admin, kaiping_entity, huancui_entity):
    township("440783001", "三埠街道")
    township("371002001", "环翠楼街道")
    client.force_login(outsider)
    form = client.get(reverse("entities:list")).context["filter"].form
    assert [str(t) for t in form.fields["township"].queryset] == ["环翠楼街道"]
    assert {o.name for o in form.fields["organisation"].queryset} == {"威海市环翠区卫生健康局"}
    client.force_login(city_admin)
    form = client.get(reverse("entities:list")).context["filter"].form
    assert {o.name for o in form.fields["organisation"].queryset} == {"江门市卫生健康局", "开平市卫生健康局"}
    assert names(client, outsider, organisation=kaiping_entity.organisation_id) == set()


def test_it_finds_nothing_of_another_county_by_its_exact_code_or_licence(client, outsider, kaiping_entity):
    assert names(client, outsider, q=kaiping_entity.credit_code) == set()
    assert names(client, outsider, licence="0101") == set()
