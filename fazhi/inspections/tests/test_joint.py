"""Joint inspections: grouping by overlapping windows, the lead rule, the checklist, our own visits as health
tasks, merging once only, the savings report, and the pages with their scoping."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fazhi.core.audit import verify_chain
from fazhi.core.choices import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.entities.tests.factories import credit_code, register
from fazhi.inspections import joint
from fazhi.inspections.choices import Department, InspectionStatus
from fazhi.inspections.demo_joint import load_demo_joint
from fazhi.inspections.models import ExternalTask, Inspection, JointVisit

from . import factories as fi

pytestmark = pytest.mark.django_db

D = dt.date
WINDOW = (D(2026, 3, 1), D(2026, 6, 30))


def task(entity, department, start, end, items=("检查一",), external_id=None, **fields) -> ExternalTask:
    return ExternalTask.objects.create(
        organisation=entity.organisation, entity=entity, department=department,
        external_id=external_id or f"{department}-{entity.pk}-{start:%m%d}-{end:%m%d}-{len(items)}",
        title=f"{department}任务", items=list(items), window_start=start, window_end=end, **fields)


def merge(actor, bureau, window=WINDOW):
    return joint.merge_joint_visits(bureau, actor=actor, window=window)


# ---- grouping ----------------------------------------------------------------------------------------------------

def test_windows_touching_on_one_day_overlap_and_a_day_apart_do_not(section_head, hotel, clinic, kaiping):
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10))
    task(hotel, Department.FIRE, D(2026, 3, 10), D(2026, 3, 20))
    task(clinic, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10))
    task(clinic, Department.FIRE, D(2026, 3, 11), D(2026, 3, 20))
    result = merge(section_head, kaiping)
    assert [v.entity for v in result.visits] == [hotel]
    visit = result.visits[0]
    assert (visit.window_start, visit.window_end) == (D(2026, 3, 10), D(2026, 3, 10))
    assert not ExternalTask.objects.filter(entity=clinic, joint_visit__isnull=False).exists()


def test_it_needs_two_departments(section_head, hotel, kaiping):
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10), external_id="A")
    task(hotel, Department.MARKET, D(2026, 3, 5), D(2026, 3, 15), external_id="B")
    assert merge(section_head, kaiping).visits == []
    task(hotel, Department.FIRE, D(2026, 3, 8), D(2026, 3, 9))
    result = merge(section_head, kaiping)
    assert len(result.visits) == 1 and result.tasks_merged == 3
    assert (result.visits[0].window_start, result.visits[0].window_end) == (D(2026, 3, 8), D(2026, 3, 9))


def test_a_task_without_partner_on_its_last_day_does_not_stop_a_later_group():
    first = ExternalTask(department=Department.MARKET, external_id="1", items=["x"],
                         window_start=D(2026, 3, 1), window_end=D(2026, 3, 3))
    second = ExternalTask(department=Department.MARKET, external_id="2", items=["x"],
                          window_start=D(2026, 3, 2), window_end=D(2026, 3, 20))
    third = ExternalTask(department=Department.FIRE, external_id="3", items=["x"],
                         window_start=D(2026, 3, 10), window_end=D(2026, 3, 12))
    assert joint.group_tasks([first, second, third]) == [[third, second]]


def test_only_tasks_of_the_period_are_merged(section_head, hotel, kaiping):
    task(hotel, Department.MARKET, D(2026, 8, 1), D(2026, 8, 10))
    task(hotel, Department.FIRE, D(2026, 8, 1), D(2026, 8, 10))
    assert merge(section_head, kaiping).visits == []
    assert len(merge(section_head, kaiping, (D(2026, 8, 10), D(2026, 8, 31))).visits) == 1


# ---- lead and checklist -----------------------------------------------------------------------------------------

def test_the_lead_is_the_department_with_most_items(section_head, hotel, kaiping):
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10), items=("一", "二"))
    task(hotel, Department.FIRE, D(2026, 3, 1), D(2026, 3, 10), items=("三", "四", "五"))
    assert merge(section_head, kaiping).visits[0].lead_department == Department.FIRE


def test_a_tie_goes_to_the_department_first_in_the_fixed_order(section_head, hotel, kaiping):
    task(hotel, Department.ENVIRONMENT, D(2026, 3, 1), D(2026, 3, 10), items=("一", "二"))
    task(hotel, Department.FIRE, D(2026, 3, 1), D(2026, 3, 10), items=("三", "四"))
    order = joint.LEAD_DEPARTMENT_ORDER
    assert order.index(Department.FIRE) < order.index(Department.ENVIRONMENT)
    assert merge(section_head, kaiping).visits[0].lead_department == Department.FIRE


def test_the_checklist_lists_each_item_once_with_its_departments(section_head, hotel, kaiping):
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10), items=("营业执照公示", "明码标价"))
    task(hotel, Department.FIRE, D(2026, 3, 1), D(2026, 3, 10), items=("营业执照 公示", "消防通道"))
    visit = merge(section_head, kaiping).visits[0]
    assert visit.checklist == [
        {"text": "营业执照公示", "departments": ["market", "fire"]},
        {"text": "明码标价", "departments": ["market"]},
        {"text": "消防通道", "departments": ["fire"]},
    ]
    assert joint.checklist_rows(visit)[0]["departments"] == "市场监管、消防救援"


# ---- our own visits ---------------------------------------------------------------------------------------------

def test_a_planned_visit_takes_part_as_a_health_task(section_head, hotel, kaiping, team, published_items):
    visit = fi.visit(hotel, team, published_items, day=D(2026, 3, 5))
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10), items=("一",))
    result = merge(section_head, kaiping)
    joint_visit = result.visits[0]
    visit.refresh_from_db()
    assert visit.joint_visit == joint_visit
    own = ExternalTask.objects.get(department=Department.HEALTH)
    assert (own.inspection, own.joint_visit, own.external_id) == (visit, joint_visit, f"JC{visit.pk}")
    assert own.items == [i.title for i in published_items]
    # Two published items against one: health leads.
    assert joint_visit.lead_department == Department.HEALTH
    assert AuditEvent.objects.filter(object_type="inspections.inspection", object_id=str(visit.pk),
                                     action=AuditAction.UPDATE, after={"joint_visit": joint_visit.pk}).exists()


def test_a_cancelled_visit_or_our_visit_alone_is_not_merged(section_head, hotel, clinic, kaiping, team,
                                                            published_items):
    fi.visit(hotel, team, published_items, day=D(2026, 3, 5), status=InspectionStatus.CANCELLED)
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10))
    fi.visit(clinic, team, published_items, day=D(2026, 3, 5))
    assert merge(section_head, kaiping).visits == []
    assert not ExternalTask.objects.filter(department=Department.HEALTH).exists()


# ---- merging once -----------------------------------------------------------------------------------------------

def test_merging_twice_changes_nothing(section_head, hotel, kaiping, team, published_items):
    fi.visit(hotel, team, published_items, day=D(2026, 3, 5))
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10))
    task(hotel, Department.FIRE, D(2026, 3, 4), D(2026, 3, 6))
    merge(section_head, kaiping)
    events = AuditEvent.objects.count()
    again = merge(section_head, kaiping)
    assert again.visits == [] and again.tasks_merged == 0
    assert JointVisit.objects.count() == 1 and ExternalTask.objects.count() == 3
    assert AuditEvent.objects.count() == events


def test_the_merge_is_audited(section_head, hotel, kaiping):
    market = task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10))
    fire = task(hotel, Department.FIRE, D(2026, 3, 1), D(2026, 3, 10))
    visit = merge(section_head, kaiping).visits[0]
    created = AuditEvent.objects.get(object_type="inspections.jointvisit", object_id=str(visit.pk),
                                     action=AuditAction.CREATE, actor=section_head)
    # The visit's creation event is the record of each task it took.
    assert sorted(created.detail["task_ids"]) == sorted([market.pk, fire.pk])
    assert sorted(created.detail["tasks"]) == sorted([f"市场监管 {market.external_id}", f"消防救援 {fire.external_id}"])
    assert created.after["checklist"] == visit.checklist and created.after["entity"] == hotel.pk
    assert ExternalTask.objects.filter(pk__in=[market.pk, fire.pk], joint_visit=visit).count() == 2
    assert verify_chain().intact


def test_the_preview_saves_nothing(section_head, hotel, kaiping, team, published_items):
    fi.visit(hotel, team, published_items, day=D(2026, 3, 5))
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10))
    planned = joint.plan_joint_visits(kaiping, window=WINDOW)
    assert [p.departments for p in planned] == [["health", "market"]]
    assert not JointVisit.objects.exists() and not ExternalTask.objects.filter(department=Department.HEALTH).exists()


def test_only_joint_roles_of_the_bureau_may_merge(officer, outsider, city_admin, hotel, kaiping):
    for person in (officer, outsider, city_admin):
        with pytest.raises(PermissionDenied):
            merge(person, kaiping)


def test_a_merge_period_over_a_year_is_refused(section_head, kaiping):
    with pytest.raises(ValidationError):
        merge(section_head, kaiping, (D(2026, 1, 1), D(2027, 1, 2)))


# ---- savings ----------------------------------------------------------------------------------------------------

def test_savings_on_a_known_set(section_head, hotel, clinic, kaiping, city_admin, outsider):
    # 宾馆: market ×2 + fire (3 tasks, 1 visit, market leads with 3 items); 诊所: market + fire + environment
    # (3 tasks, 1 visit, fire leads); an unmerged task does not count.
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10), items=("一", "二"), external_id="M1")
    task(hotel, Department.MARKET, D(2026, 3, 2), D(2026, 3, 10), items=("三",), external_id="M2")
    task(hotel, Department.FIRE, D(2026, 3, 5), D(2026, 3, 20), items=("四",), external_id="F1")
    task(clinic, Department.MARKET, D(2026, 4, 1), D(2026, 4, 10), items=("一",), external_id="M3")
    task(clinic, Department.FIRE, D(2026, 4, 1), D(2026, 4, 10), items=("二", "三"), external_id="F2")
    task(clinic, Department.ENVIRONMENT, D(2026, 4, 5), D(2026, 4, 10), items=("四",), external_id="E1")
    task(clinic, Department.ENVIRONMENT, D(2026, 5, 5), D(2026, 5, 10), items=("四",), external_id="E2")
    merge(section_head, kaiping)
    savings = joint.joint_savings(section_head, D(2026, 1, 1), D(2026, 12, 31))
    assert (savings.tasks, savings.joint_visits, savings.saved) == (6, 2, 4)
    rows = {d.department: (d.tasks, d.visits, d.led, d.saved) for d in savings.departments}
    assert rows == {"market": (3, 2, 1, 2), "fire": (2, 2, 1, 1), "environment": (1, 1, 0, 1)}
    assert sum(d.saved for d in savings.departments) == savings.saved
    assert joint.joint_savings(section_head, D(2026, 4, 1), D(2026, 12, 31)).saved == 2
    assert joint.joint_savings(city_admin, D(2026, 1, 1), D(2026, 12, 31)).saved == 4
    assert joint.joint_savings(outsider, D(2026, 1, 1), D(2026, 12, 31)).tasks == 0


# ---- pages ------------------------------------------------------------------------------------------------------

@pytest.fixture
def merged(section_head, hotel, kaiping):
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10), items=("营业执照公示",))
    task(hotel, Department.FIRE, D(2026, 3, 1), D(2026, 3, 10), items=("消防通道",))
    return merge(section_head, kaiping).visits[0]


def test_the_task_list_filters_by_department_and_merged(as_user, officer, merged, hotel, clinic):
    task(clinic, Department.EDUCATION, D(2026, 3, 1), D(2026, 3, 10), external_id="EDU-1")
    client = as_user(officer)
    url = reverse("inspections:joint_tasks")
    assert "EDU-1" in client.get(url).content.decode()
    body = client.get(url, {"merged": "1"}).content.decode()
    assert "EDU-1" not in body and "已合并" in body
    assert "EDU-1" in client.get(url, {"department": "education", "q": clinic.name[:4]}).content.decode()
    assert "EDU-1" not in client.get(url, {"department": "market"}).content.decode()


def test_the_joint_visit_page_shows_lead_window_checklist_and_tasks(as_user, officer, merged):
    body = as_user(officer).get(reverse("inspections:joint_visit", args=[merged.pk])).content.decode()
    assert merged.entity.name in body and "2026-03-01 至 2026-03-10" in body
    assert "营业执照公示" in body and "消防通道" in body and "市场监管" in body


def test_outsiders_see_no_task_no_joint_visit_and_no_savings(as_user, outsider, merged):
    client = as_user(outsider)
    assert client.get(reverse("inspections:joint_visit", args=[merged.pk])).status_code == 404
    assert merged.entity.name not in client.get(reverse("inspections:joint_tasks")).content.decode()
    assert merged.entity.name not in client.get(reverse("inspections:joint_visits")).content.decode()
    body = client.get(reverse("inspections:joint_report"), {"start": "2026-01-01", "end": "2026-12-31"})
    assert body.context["savings"].tasks == 0


def test_the_city_sees_the_countys_joint_visit(as_user, city_admin, merged):
    assert as_user(city_admin).get(reverse("inspections:joint_visit", args=[merged.pk])).status_code == 200


def test_the_merge_page_previews_then_merges(as_user, section_head, hotel):
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10))
    task(hotel, Department.FIRE, D(2026, 3, 5), D(2026, 3, 12))
    client = as_user(section_head)
    url = reverse("inspections:joint_merge")
    preview = client.get(url, {"start": "2026-03-01", "end": "2026-03-31"})
    assert "确认合并" in preview.content.decode() and not JointVisit.objects.exists()
    response = client.post(url, {"start": "2026-03-01", "end": "2026-03-31"})
    assert response.status_code == 302 and JointVisit.objects.count() == 1
    assert ExternalTask.objects.filter(joint_visit__isnull=True).count() == 0


def test_the_merge_page_is_for_joint_roles_only(as_user, officer, outsider, hotel):
    task(hotel, Department.MARKET, D(2026, 3, 1), D(2026, 3, 10))
    task(hotel, Department.FIRE, D(2026, 3, 5), D(2026, 3, 12))
    url = reverse("inspections:joint_merge")
    assert as_user(officer).post(url, {"start": "2026-03-01", "end": "2026-03-31"}).status_code == 403
    # The outsider may merge, but only its own county's tasks: 开平's are left alone.
    as_user(outsider).post(url, {"start": "2026-03-01", "end": "2026-03-31"})
    assert not JointVisit.objects.exists()


def test_the_merge_page_refuses_a_reversed_period(as_user, section_head):
    url = reverse("inspections:joint_merge")
    response = as_user(section_head).get(url, {"start": "2026-03-31", "end": "2026-03-01"})
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_the_report_page_shows_the_figures(as_user, leader, merged):
    response = as_user(leader).get(reverse("inspections:joint_report"), {"start": "2026-01-01", "end": "2026-12-31"})
    savings = response.context["savings"]
    assert (savings.tasks, savings.joint_visits, savings.saved) == (2, 1, 1)
    assert "少进门" in response.content.decode()


def test_lists_run_a_fixed_number_of_queries(as_user, officer, merged, hotel, django_assert_max_num_queries):
    for n in range(5):
        task(hotel, Department.EDUCATION, D(2026, 4, 1), D(2026, 4, 2), external_id=f"E{n}")
    client = as_user(officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("inspections:joint_tasks")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("inspections:joint_visits")).status_code == 200


def test_pages_refuse_wrong_methods(as_user, section_head, merged):
    client = as_user(section_head)
    assert client.post(reverse("inspections:joint_visit", args=[merged.pk])).status_code == 405
    assert client.get(reverse("inspections:joint_upload_confirm")).status_code == 405


# ---- demo -------------------------------------------------------------------------------------------------------

def test_the_demo_merges_tasks_and_runs_again_without_change(officer, kaiping):
    for n in range(3):
        register(officer, name=f"开平市演示宾馆{n}", credit_code=credit_code(200 + n), kind="public_place",
                 sub_kind="accommodation", address=f"开平市长沙街道{n}号")
    load_demo_joint(today=D(2026, 3, 1))
    assert JointVisit.objects.filter(organisation=kaiping).count() == 3
    load_demo_joint(today=D(2026, 3, 1))
    assert JointVisit.objects.count() == 3 and ExternalTask.objects.count() == 6


def test_the_demo_puts_tasks_only_on_planned_visits_of_entities_with_a_credit_code(
        officer, hotel, kaiping, team, published_items):
    # Other departments name an entity by its credit code; an individual business may have none.
    barber = register(officer, name="开平市长沙街道阿明理发店", credit_code="", no_credit_code_reason="individual",
                      kind="public_place", sub_kind="accommodation", address="开平市长沙街道9号")
    unnamed = fi.visit(barber, team, published_items, day=D(2026, 3, 4))
    visit = fi.visit(hotel, team, published_items, day=D(2026, 3, 5))
    load_demo_joint(today=D(2026, 3, 1))
    assert set(ExternalTask.objects.exclude(department=Department.HEALTH).values_list("entity", flat=True)) == {hotel.pk}
    assert Inspection.objects.get(pk=visit.pk).joint_visit is not None
    assert Inspection.objects.get(pk=unnamed.pk).joint_visit is None


def test_the_demo_joins_planned_visits(officer, hotel, kaiping, team, published_items):
    visit = fi.visit(hotel, team, published_items, day=D(2026, 3, 5))
    load_demo_joint(today=D(2026, 3, 1))
    visit.refresh_from_db()
    assert visit.joint_visit is not None
    assert sorted(visit.joint_visit.tasks.values_list("department", flat=True)) == ["fire", "health", "market"]
    assert Inspection.objects.get(pk=visit.pk).joint_visit.window_start == D(2026, 3, 5)
