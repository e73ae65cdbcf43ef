"""The list's entity search reads each visit's own copy of its entity's name, initials and credit code: it finds
exactly the visits that searching the entities finds, on either database; every way of making a visit fills the
copy, and renaming the entity brings its visits' copies up to date in one statement."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fazhi.core.models import AuditEvent
from fazhi.entities import services as entity_services
from fazhi.entities.models import Entity
from fazhi.entities.tests.factories import credit_code, register
from fazhi.inspections import visits
from fazhi.inspections.models import Inspection

from . import factories as fi

pytestmark = pytest.mark.django_db

# Two clinics of 开平 (initials kp…), a hotel, a clinic named with Latin letters, a hospital.
PLACES = (("开平市三埠街道惠民诊所", 1), ("开平市长沙街道康平诊所", 2), ("水口镇悦来宾馆", 3), ("KP口腔诊所", 4),
          ("赤坎镇人民医院", 5))
# Name substrings of two characters and more, pinyin initials, whole credit codes, and searches finding nothing.
SEARCHES = ("诊所", "惠民诊所", "宾馆", "kp", "KP", "kpss", "Kp口腔", "人民医院", "药店", "pk", credit_code(3),
            credit_code(3).lower(), credit_code(99))
FINDS_NOTHING = {"药店", "pk", credit_code(99)}
DAY = dt.date(2026, 3, 2)


def entity_search(text) -> list[int]:
    """The visits the list found before it kept names on the visits: through the entities' own search."""
    found = Inspection.objects.filter(entity__in=Entity.objects.search(text).values("pk"))
    return list(found.order_by("-window_start", "-id").values_list("pk", flat=True))


@pytest.fixture
def places(officer):
    entities = [register(officer, name=name, credit_code=credit_code(serial)) for name, serial in PLACES]
    for n, entity in enumerate(entities):
        for days in (n, n + 3, 30):  # the third on one day for all, so that the id breaks ties
            fi.visit(entity, [], [], day=DAY - dt.timedelta(days=days))
    return entities


@pytest.mark.parametrize("text", SEARCHES)
def test_it_finds_the_visits_the_entity_search_finds(places, text):
    expected = entity_search(text)
    assert bool(expected) == (text not in FINDS_NOTHING)
    assert sorted(Inspection.objects.search_entity(text).values_list("pk", flat=True)) == sorted(expected)


@pytest.mark.parametrize("text", ["诊所", "kp", credit_code(3)])
def test_the_list_pages_through_them_newest_first(places, as_user, officer, text):
    client = as_user(officer)
    seen, number, pages = [], 1, 1
    while number <= pages:
        table = client.get(reverse("inspections:list"), {"q": text, "per_page": 3, "page": number}).context["table"]
        seen += [row.pk for row in table.page.object_list.data]
        number, pages = number + 1, table.paginator.num_pages
    assert pages > 1 or text == credit_code(3)
    assert seen == entity_search(text)


def test_the_list_shows_the_name_the_visit_keeps(places, as_user, officer):
    page = as_user(officer).get(reverse("inspections:list"), {"q": "悦来"}).content.decode()
    assert "水口镇悦来宾馆" in page and "惠民诊所" not in page


# ---- keeping the copy --------------------------------------------------------------------------------------------

def same_as_entity(queryset):
    return not queryset.exclude(entity_name=F("entity__name"), entity_name_initials=F("entity__name_initials"),
                                entity_credit_code=F("entity__credit_code")).exists()


def test_a_visit_planned_through_the_service_copies_its_entity(places, officer, team, published_items):
    clinic, day = places[0], timezone.localdate() + dt.timedelta(days=1)
    visit = visits.plan_visit(actor=officer, entity=clinic, reason="routine", window_start=day, window_end=day,
                              items=published_items, officers=[o for o, _ in team])
    visit.refresh_from_db()
    assert (visit.entity_name, visit.entity_name_initials, visit.entity_credit_code) == (
        clinic.name, clinic.name_initials, clinic.credit_code)
    assert visit.entity_name_initials.startswith("kp")


def test_a_visit_made_from_the_entity_id_alone_copies_it(places):
    hotel = places[2]  # as a re-check is planned from its opinion's visit
    visit = Inspection.objects.create(organisation=hotel.organisation, entity_id=hotel.pk, reason="recheck",
                                      window_start=DAY, window_end=DAY)
    assert (visit.entity_name, visit.entity_credit_code) == ("水口镇悦来宾馆", credit_code(3))


def test_every_visit_of_the_demo_copies_its_entity(db):
    from fazhi.core.demo import load_demo
    from fazhi.entities.demo import load_demo_entities
    from fazhi.inspections.demo_joint import load_demo_joint
    from fazhi.inspections.demo_plans import load_demo_plans
    from fazhi.inspections.demo_records import load_demo_records
    from fazhi.inspections.demo_rectification import load_demo_rectification
    from fazhi.inspections.demo_visits import load_demo_visits

    load_demo()
    load_demo_entities(count=150)
    for step in (load_demo_plans, load_demo_visits, load_demo_records, load_demo_rectification, load_demo_joint):
        step()
    assert Inspection.objects.filter(draw__isnull=False).exists()  # drawn: written in bulk
    assert Inspection.objects.filter(draw__isnull=True).exists()  # planned one by one
    assert same_as_entity(Inspection.objects.all())


def test_a_renamed_entity_renames_its_visits(places, officer):
    clinic, other = places[0], places[1]
    entity_services.update_entity(clinic, actor=officer, name="开平市三埠街道仁爱诊所", credit_code=credit_code(9))
    clinic.refresh_from_db()
    assert clinic.name_initials.startswith("kpssbjdra")
    assert same_as_entity(Inspection.objects.all())
    assert Inspection.objects.filter(entity=clinic, entity_name="开平市三埠街道仁爱诊所",
                                     entity_credit_code=credit_code(9)).count() == 3
    assert set(Inspection.objects.search_entity("仁爱").values_list("entity", flat=True)) == {clinic.pk}
    assert not Inspection.objects.search_entity("惠民").exists()
    assert Inspection.objects.filter(entity=other, entity_name=other.name).count() == 3
    # The entity's audited change records the rename; the copies on its visits are not events of their own.
    assert AuditEvent.objects.for_object(clinic).filter(action="update").exists()
    assert not AuditEvent.objects.filter(object_type="inspections.inspection").exists()


def test_the_copies_follow_in_one_statement(places):
    clinic = places[0]
    Entity.objects.filter(pk=clinic.pk).update(name="开平市三埠街道仁爱诊所", name_initials="kpssbjdrazs")
    with CaptureQueriesContext(connection) as captured:
        assert visits.copy_entity_names([clinic.pk]) == 3
    assert len(captured) == 1
    assert same_as_entity(Inspection.objects.all())


def test_an_edit_that_keeps_the_names_leaves_the_visits_alone(places, officer):
    with CaptureQueriesContext(connection) as captured:
        entity_services.update_entity(places[0], actor=officer, address="开平市三埠街道幕沙路2号")
    assert not [q for q in captured if q["sql"].startswith("UPDATE") and "inspections_inspection" in q["sql"]]


def test_the_entities_know_nothing_of_inspections():
    import ast
    from pathlib import Path

    import fazhi.entities

    for path in Path(fazhi.entities.__file__).parent.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                assert not node.module.startswith("fazhi.inspections"), path
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith("fazhi.inspections") for alias in node.names), path


def test_a_refused_rename_changes_no_visit(places, outsider):
    with pytest.raises(PermissionDenied):
        entity_services.update_entity(places[0], actor=outsider, name="环翠区某诊所")
    assert same_as_entity(Inspection.objects.all()) and not Inspection.objects.filter(entity_name="环翠区某诊所").exists()


def test_a_rename_by_import_renames_the_visits(places, section_head, settings, tmp_path):
    from fazhi.entities.choices import ImportStatus
    from fazhi.entities.tests.import_files import csv_file, run_import

    settings.MEDIA_ROOT, settings.FAZHI_JOBS_INLINE = tmp_path, True
    clinic = places[0]
    header = ["名称*", "统一社会信用代码", "类别*", "细分类别*", "地址*"]
    row = {"名称": "开平市三埠街道仁爱诊所", "统一社会信用代码": clinic.credit_code, "类别": "医疗机构", "细分类别": "诊所",
           "地址": clinic.address}
    batch = run_import(section_head, csv_file([row], header=header), "改名.csv")
    assert batch.status == ImportStatus.APPLIED and batch.updated_count == 1, batch.errors
    assert same_as_entity(Inspection.objects.all())
    assert set(Inspection.objects.search_entity("仁爱").values_list("entity", flat=True)) == {clinic.pk}
    assert not Inspection.objects.search_entity("惠民").exists()
