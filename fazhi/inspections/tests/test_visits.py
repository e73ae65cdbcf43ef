"""Visits planned by hand: team and item rules, the annual cap at its boundaries, approval, editing, the pages,
the ratings page for supervisors only, and scoping."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from fazhi.core.choices import AuditAction
from fazhi.core.models import AuditEvent
from fazhi.core.workflow import TransitionRefused
from fazhi.entities.tests.factories import credit_code, register
from fazhi.inspections import visits
from fazhi.inspections.models import Inspection, Recusal, VisitRating

from . import factories as fi

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    """A day ahead in the current year, so that planning is allowed and the cap counts the same year."""
    today = timezone.localdate()
    return min(today + dt.timedelta(days=2), dt.date(today.year, 12, 31))


def plan(actor, entity, team, items, day, reason="routine", **fields):
    return visits.plan_visit(actor=actor, entity=entity, reason=reason, window_start=day, window_end=day,
                             items=items, officers=[o for o, _ in team], **fields)


def earlier_visits(entity, team, items, day, n, *, organisation=None, reason="routine"):
    for _ in range(n):
        visit = fi.visit(entity, team, items, day=day, reason=reason)
        if organisation is not None:
            Inspection.objects.filter(pk=visit.pk).update(organisation=organisation)


def events(obj, action=None):
    found = AuditEvent.objects.for_object(obj)
    return found.filter(action=action) if action else found


# ---- planning ---------------------------------------------------------------------------------------------------

def test_it_plans_a_visit_with_its_team_certificates_and_audit(officer, hotel, team, published_items, day):
    inspection = plan(officer, hotel, team, published_items, day)
    assert inspection.status == "planned" and not inspection.over_cap
    assert inspection.organisation == hotel.organisation and inspection.created_by == officer
    members = list(inspection.team.order_by("officer__full_name"))
    assert {(m.officer_id, m.certificate_id) for m in members} == {(o.pk, c.pk) for o, c in team}
    assert [m.is_lead for m in inspection.team.filter(officer=team[0][0])] == [True]
    assert set(inspection.items.all()) == set(published_items)
    assert events(inspection, AuditAction.CREATE).count() == 1


def test_one_officer_is_too_few(officer, hotel, team, published_items, day):
    with pytest.raises(ValidationError, match="不得少于2人"):
        plan(officer, hotel, team[:1], published_items, day)
    assert not Inspection.objects.exists()


def test_an_officer_without_a_certificate_for_the_domain_is_refused_with_its_reason(
        officer, hotel, team, published_items, bureaus, day):
    radiation_only = fi.certified_officer(bureaus["kaiping_institute"], "radiation", full_name="刘放射")
    with pytest.raises(ValidationError, match="刘放射的执法证不含公共场所"):
        plan(officer, hotel, [team[0], radiation_only], published_items, day)


def test_a_certificate_expiring_before_the_window_is_refused(officer, hotel, team, published_items, bureaus, day):
    from fazhi.core.tests import factories as f

    expiring = f.staff(bureaus["kaiping_institute"], "officer", full_name="何到期")
    f.certificate(expiring, "public_place", valid_to=day - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="何到期的执法证.*到期"):
        plan(officer, hotel, [team[0], (expiring, None)], published_items, day)


def test_a_recused_officer_is_refused(officer, hotel, team, published_items, day):
    Recusal.objects.create(organisation=hotel.organisation, officer=team[1][0], entity=hotel, reason="近亲属任职")
    with pytest.raises(ValidationError, match="回避"):
        plan(officer, hotel, team, published_items, day)


def test_an_officer_of_another_county_may_not_join(officer, hotel, team, published_items, bureaus, day):
    stranger = fi.certified_officer(bureaus["huancui_institute"], "public_place", full_name="孙外援")
    with pytest.raises(ValidationError, match="孙外援不是本局"):
        plan(officer, hotel, [team[0], stranger], published_items, day)


def test_only_published_items_of_the_bureau(officer, hotel, team, kaiping, bureaus, day):
    with pytest.raises(ValidationError, match="草稿事项"):
        plan(officer, hotel, team, [fi.item(kaiping, published=False, title="草稿事项")], day)
    with pytest.raises(ValidationError, match="环翠事项"):
        plan(officer, hotel, team, [fi.item(bureaus["huancui"], title="环翠事项")], day)


def test_a_window_in_the_past_or_reversed_is_refused(officer, hotel, team, published_items):
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="已过"):
        plan(officer, hotel, team, published_items, today - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="不能早于"):
        visits.plan_visit(actor=officer, entity=hotel, reason="routine", window_start=today + dt.timedelta(days=2),
                          window_end=today + dt.timedelta(days=1), items=published_items,
                          officers=[o for o, _ in team])


def test_a_clerk_may_not_plan(clerk, hotel, team, published_items, day):
    with pytest.raises(PermissionDenied):
        plan(clerk, hotel, team, published_items, day)


def test_an_outsider_may_not_plan_a_visit_to_our_entity(outsider, hotel, team, published_items, day):
    with pytest.raises(PermissionDenied):
        plan(outsider, hotel, team, published_items, day)


# ---- the annual cap at its boundaries --------------------------------------------------------------------------

def test_one_earlier_visit_at_this_level_is_under_the_cap(officer, hotel, team, published_items, day):
    earlier_visits(hotel, team, published_items, day, 1)
    assert not plan(officer, hotel, team, published_items, day).over_cap


def test_two_earlier_visits_at_this_level_reach_the_cap(officer, hotel, team, published_items, day):
    earlier_visits(hotel, team, published_items, day, 2)
    inspection = plan(officer, hotel, team, published_items, day)
    assert inspection.over_cap and inspection.cap_approved_at is None
    assert "上限2次" in events(inspection, AuditAction.CREATE).get().detail["cap"]


def test_three_earlier_visits_in_all_are_under_the_total_cap(officer, hotel, team, published_items, bureaus, day):
    earlier_visits(hotel, team, published_items, day, 1)
    earlier_visits(hotel, team, published_items, day, 2, organisation=bureaus["jiangmen"])
    assert not plan(officer, hotel, team, published_items, day).over_cap


def test_four_earlier_visits_in_all_reach_the_total_cap(officer, hotel, team, published_items, bureaus, day):
    earlier_visits(hotel, team, published_items, day, 1)
    earlier_visits(hotel, team, published_items, day, 2, organisation=bureaus["jiangmen"])
    earlier_visits(hotel, team, published_items, day, 1, organisation=bureaus["guangdong"])
    assert plan(officer, hotel, team, published_items, day).over_cap


def test_a_case_driven_visit_is_exempt_from_the_cap(officer, hotel, team, published_items, day):
    earlier_visits(hotel, team, published_items, day, 2)
    assert not plan(officer, hotel, team, published_items, day, reason="complaint").over_cap


def test_case_driven_and_cancelled_visits_do_not_count(officer, hotel, team, published_items, day):
    earlier_visits(hotel, team, published_items, day, 3, reason="hotline")
    fi.visit(hotel, team, published_items, day=day, status="cancelled")
    fi.visit(hotel, team, published_items, day=day)
    assert not plan(officer, hotel, team, published_items, day).over_cap


# ---- approval over the cap, registration, cancelling ----------------------------------------------------------

def test_a_visit_over_the_cap_registers_only_after_a_leaders_approval(
        officer, leader, hotel, team, published_items, day):
    earlier_visits(hotel, team, published_items, day, 2)
    inspection = plan(officer, hotel, team, published_items, day)
    with pytest.raises(TransitionRefused, match="上限"):
        visits.register_visit(inspection, actor=officer)
    with pytest.raises(PermissionDenied):
        visits.approve_over_cap(inspection, officer, "确有必要")
    with pytest.raises(ValidationError, match="批准理由"):
        visits.approve_over_cap(inspection, leader, "  ")
    approved = visits.approve_over_cap(inspection, leader, "群众反映强烈，须加密检查")
    assert approved.cap_approved_by == leader and approved.cap_approval_reason == "群众反映强烈，须加密检查"
    assert events(inspection, AuditAction.UPDATE).filter(after__cap_approved_by=leader.pk).exists()
    registered = visits.register_visit(Inspection.objects.get(pk=inspection.pk), actor=officer)
    assert registered.status == "registered" and registered.code


def test_a_visit_under_the_cap_needs_no_approval(officer, leader, hotel, team, published_items, day):
    inspection = plan(officer, hotel, team, published_items, day)
    with pytest.raises(ValidationError, match="无须批准"):
        visits.approve_over_cap(inspection, leader, "理由")


def test_cancelling_keeps_the_reason_and_audits(officer, hotel, team, published_items, day):
    inspection = plan(officer, hotel, team, published_items, day)
    visits.cancel_visit(inspection, actor=officer, reason="对象已停业")
    inspection.refresh_from_db()
    assert (inspection.status, inspection.cancel_reason) == ("cancelled", "对象已停业")
    assert events(inspection, AuditAction.TRANSITION).filter(after__status="cancelled").exists()


# ---- editing ----------------------------------------------------------------------------------------------------

def test_the_team_and_items_change_while_planned_and_not_after(officer, hotel, team, published_items, bureaus, day):
    inspection = plan(officer, hotel, team, published_items, day)
    third = fi.certified_officer(bureaus["kaiping_institute"], "public_place", full_name="许新人")
    changed = visits.update_visit(inspection, actor=officer, window_start=day, window_end=day,
                                  items=published_items[:1], officers=[team[0][0], third[0]], lead=third[0])
    assert {m.officer_id for m in changed.team.all()} == {team[0][0].pk, third[0].pk}
    assert changed.team.get(is_lead=True).officer == third[0]
    assert list(changed.items.all()) == published_items[:1]
    update = events(inspection, AuditAction.UPDATE).get()
    assert "items" in update.after and update.detail["team"] != update.detail["team_before"]
    visits.register_visit(changed, actor=officer)
    with pytest.raises(ValidationError, match="只有待检查"):
        visits.update_visit(changed, actor=officer, window_start=day, window_end=day, items=published_items,
                            officers=[o for o, _ in team])


def test_an_outsider_may_not_edit_approve_register_or_cancel(outsider, hotel, team, published_items, officer, day):
    inspection = plan(officer, hotel, team, published_items, day)
    with pytest.raises(PermissionDenied):
        visits.update_visit(inspection, actor=outsider, window_start=day, window_end=day, items=published_items,
                            officers=[o for o, _ in team])
    with pytest.raises(PermissionDenied):
        visits.register_visit(inspection, actor=outsider)
    with pytest.raises(PermissionDenied):
        visits.cancel_visit(inspection, actor=outsider, reason="越权")
    inspection.refresh_from_db()
    assert inspection.status == "planned"


# ---- pages ------------------------------------------------------------------------------------------------------

def test_the_list_shows_the_bureaus_visits_only(as_user, officer, outsider, hotel, team, published_items, day):
    fi.visit(hotel, team, published_items, day=day)
    theirs = register(outsider, name="环翠区海滨宾馆", credit_code=credit_code(5, region="371002"),
                      kind="public_place", sub_kind="accommodation", address="威海市环翠区海滨北路3号")
    fi.visit(theirs, [], [], day=day)
    page = as_user(officer).get(reverse("inspections:list")).content.decode()
    assert hotel.name in page and "环翠区海滨宾馆" not in page


def test_the_visit_page_shows_team_items_and_code_not_ratings(as_user, officer, hotel, team, published_items, day):
    inspection = plan(officer, hotel, team, published_items, day)
    visits.register_visit(inspection, actor=officer)
    inspection.refresh_from_db()
    VisitRating.objects.create(inspection=inspection, score=2, comment="态度生硬")
    page = as_user(officer).get(reverse("inspections:detail", args=[inspection.pk])).content.decode()
    assert team[0][1].number in page and published_items[0].legal_basis in page
    assert inspection.code in page and "<svg" in page
    assert "态度生硬" not in page and "2分" not in page


def test_an_outsider_gets_404_on_our_visit_pages(as_user, outsider, hotel, team, published_items, day):
    inspection = fi.visit(hotel, team, published_items, day=day)
    client = as_user(outsider)
    for name in ("detail", "edit", "approve", "register", "cancel"):
        assert client.get(reverse(f"inspections:{name}", args=[inspection.pk])).status_code == 404
    assert client.post(reverse("inspections:cancel", args=[inspection.pk]), {"reason": "x"}).status_code == 404
    assert Inspection.objects.get(pk=inspection.pk).status == "planned"


def test_a_clerk_sees_the_visit_but_gets_403_on_its_forms(as_user, clerk, hotel, team, published_items, day):
    inspection = fi.visit(hotel, team, published_items, day=day)
    client = as_user(clerk)
    assert client.get(reverse("inspections:detail", args=[inspection.pk])).status_code == 200
    for name in ("edit", "approve", "register", "cancel"):
        assert client.get(reverse(f"inspections:{name}", args=[inspection.pk])).status_code == 403


def test_planning_through_the_form(as_user, officer, hotel, team, published_items, day):
    client = as_user(officer)
    assert client.get(reverse("inspections:plan"), {"entity": hotel.pk}).status_code == 200
    data = {"entity": hotel.pk, "reason": "routine", "window_start": day.isoformat(), "window_end": day.isoformat(),
            "items": [i.pk for i in published_items], "officers": [team[0][0].pk]}
    refused = client.post(reverse("inspections:plan"), data)
    assert refused.status_code == 200 and "不得少于2人" in refused.content.decode()
    data["officers"] = [o.pk for o, _ in team]
    response = client.post(reverse("inspections:plan"), data)
    inspection = Inspection.objects.get()
    assert response.status_code == 302 and response.url == reverse("inspections:detail", args=[inspection.pk])


def test_approving_registering_and_cancelling_through_the_forms(
        as_user, officer, leader, hotel, team, published_items, day):
    earlier_visits(hotel, team, published_items, day, 2)
    inspection = plan(officer, hotel, team, published_items, day)
    assert as_user(leader).post(reverse("inspections:approve", args=[inspection.pk]),
                                {"reason": "专项整治需要"}).status_code == 302
    client = as_user(officer)
    assert client.post(reverse("inspections:register", args=[inspection.pk])).status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).status == "registered"
    assert client.post(reverse("inspections:cancel", args=[inspection.pk]), {"reason": "天气原因"}).status_code == 302
    assert Inspection.objects.get(pk=inspection.pk).cancel_reason == "天气原因"


def test_supervisors_read_ratings_without_the_officers(
        as_user, section_head, leader, hotel, team, published_items, day):
    inspection = fi.visit(hotel, team, published_items, day=day, status="registered")
    VisitRating.objects.create(inspection=inspection, score=4, comment="检查规范")
    for reader in (section_head, leader):
        page = as_user(reader).get(reverse("inspections:ratings")).content.decode()
        assert "检查规范" in page and hotel.name in page
        assert all(o.full_name not in page for o, _ in team)


def test_officers_may_not_read_ratings(as_user, officer, hotel, team, published_items, day):
    inspection = fi.visit(hotel, team, published_items, day=day, status="registered")
    VisitRating.objects.create(inspection=inspection, score=1, comment="检查规范")
    response = as_user(officer).get(reverse("inspections:ratings"))
    assert response.status_code == 403 and "检查规范" not in response.content.decode()


def test_an_outsider_reads_none_of_our_ratings(as_user, bureaus, hotel, team, published_items, day):
    from fazhi.core.tests import factories as f

    their_leader = f.staff(bureaus["huancui"], "leader", full_name="环翠领导")
    inspection = fi.visit(hotel, team, published_items, day=day, status="registered")
    VisitRating.objects.create(inspection=inspection, score=5, comment="开平的评价")
    assert "开平的评价" not in as_user(their_leader).get(reverse("inspections:ratings")).content.decode()


def test_the_entity_tab_lists_its_visits(as_user, officer, hotel, team, published_items, day):
    from fazhi.inspections.tabs import register_tab

    register_tab()
    fi.visit(hotel, team, published_items, day=day)
    response = as_user(officer).get(reverse("entities:detail", args=[hotel.pk]), {"tab": "inspections"})
    page = response.content.decode()
    assert response.status_code == 200 and "监督检查" in page and day.strftime("%Y-%m-%d") in page
    assert f"?entity={hotel.pk}" in page


# ---- demo -------------------------------------------------------------------------------------------------------

def test_the_demo_plans_registers_and_cancels_once(bureaus, officer, team):
    from fazhi.core.audit import verify_chain
    from fazhi.inspections.demo_visits import VISIT_PLAN, load_demo_visits

    for n in range(len(VISIT_PLAN)):
        register(officer, name=f"开平市演示宾馆{n}", credit_code=credit_code(40 + n), kind="public_place",
                 sub_kind="accommodation")
    assert "新增监督检查 5 次" in load_demo_visits()
    statuses = sorted(Inspection.objects.values_list("status", flat=True))
    assert statuses == ["cancelled", "planned", "planned", "registered", "registered"]
    assert all(v.code and v.team.count() == 2 for v in Inspection.objects.filter(status="registered"))
    assert "未新增" in load_demo_visits() and Inspection.objects.count() == len(VISIT_PLAN)
    assert verify_chain().intact


def test_the_list_pages_do_not_query_per_row(as_user, section_head, hotel, clinic, team, published_items, day):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = as_user(section_head)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            for name in ("inspections:list", "inspections:ratings"):
                assert client.get(reverse(name)).status_code == 200
        return len(captured)

    for entity in (hotel, clinic):
        VisitRating.objects.create(inspection=fi.visit(entity, team, published_items, day=day), score=3)
    few = queries()
    for entity in (hotel, clinic, hotel):
        VisitRating.objects.create(inspection=fi.visit(entity, team, published_items, day=day), score=4)
    assert queries() == few


def test_visits_of_one_day_keep_their_places_from_page_to_page(as_user, officer, hotel, team, published_items):
    day = dt.date(2026, 6, 1)
    made = {fi.visit(hotel, team, published_items, day=day).pk for _ in range(7)}
    client = as_user(officer)
    seen = []
    for number in (1, 2, 3):
        response = client.get(reverse("inspections:list"), {"per_page": 3, "page": number})
        seen += [row.pk for row in response.context["table"].page.object_list.data]
    assert seen == sorted(made, reverse=True)  # newest first, and by id within the day
