"""The holiday table's pages: administrators only, every change audited, a year's announcement all or nothing."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fazhi.core.choices import AuditAction, CalendarDayKind
from fazhi.core.models import AuditEvent, CalendarDay
from fazhi.core.workdays import create_calendar_day, is_workday

D = dt.date
HOLIDAY, WORKDAY = CalendarDayKind.HOLIDAY, CalendarDayKind.WORKDAY
ANNOUNCEMENT_2027 = "2027-01-01 holiday 元旦\n2027-02-06~2027-02-08 放假 春节\n2027-02-14 workday 春节"


@pytest.fixture
def new_years_day(db):
    return CalendarDay.objects.create(date=D(2027, 1, 1), kind=HOLIDAY, name="元旦")


def events(action):
    return AuditEvent.objects.filter(object_type="core.calendarday", action=action)


def test_it_lists_a_years_entries_for_an_administrator(client, admin, new_years_day):
    client.force_login(admin)
    response = client.get(reverse("core:calendar_list"), {"year": 2027})
    assert response.status_code == 200
    page = response.content.decode()
    assert "元旦" in page and "2027-01-01" in page
    assert response.context["notice"] == ""
    overview = {o.year: o for o in response.context["overview"]}
    assert overview[2027].table_entries == 1 and not overview[2027].package_knows
    assert overview[2026].package_knows


def test_it_warns_about_a_year_nobody_has_entered(client, admin):
    client.force_login(admin)
    response = client.get(reverse("core:calendar_list"), {"year": 2027})
    assert "2027年度节假日安排尚未录入" in response.context["notice"]


def test_it_paginates_a_long_year(client, admin):
    CalendarDay.objects.bulk_create(CalendarDay(date=D(2027, 1, 1) + dt.timedelta(days=i), kind=HOLIDAY)
                                    for i in range(30))
    client.force_login(admin)
    response = client.get(reverse("core:calendar_list"), {"year": 2027, "page": 2})
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"].object_list) == 5


def _list_queries(client, rows, admin) -> int:
    CalendarDay.objects.all().delete()
    CalendarDay.objects.bulk_create(CalendarDay(date=D(2027, 3, 1) + dt.timedelta(days=i), kind=HOLIDAY,
                                                updated_by=admin) for i in range(rows))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("core:calendar_list"), {"year": 2027}).status_code == 200
    return len(queries)


def test_it_lists_with_a_fixed_number_of_queries(client, admin):
    client.force_login(admin)
    assert _list_queries(client, 2, admin) == _list_queries(client, 25, admin)


def test_it_lets_a_superuser_in(client, kaiping, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="Fazhi#2026test", full_name="超级管理员",
                                                      must_change_password=False, organisation=kaiping)
    client.force_login(root)
    assert client.get(reverse("core:calendar_list")).status_code == 200


@pytest.mark.parametrize("name,args", [
    ("core:calendar_list", []), ("core:calendar_create", []), ("core:calendar_bulk", []),
])
def test_it_forbids_an_officer(client, officer, name, args):
    client.force_login(officer)
    assert client.get(reverse(name, args=args)).status_code == 403


def test_it_forbids_an_officer_to_edit_or_delete(client, officer, new_years_day):
    client.force_login(officer)
    assert client.get(reverse("core:calendar_edit", args=[new_years_day.pk])).status_code == 403
    assert client.post(reverse("core:calendar_delete", args=[new_years_day.pk])).status_code == 403
    assert CalendarDay.objects.filter(pk=new_years_day.pk).exists()


def test_it_refuses_the_service_to_an_officer(officer):
    with pytest.raises(PermissionDenied, match="只有系统管理员"):
        create_calendar_day(actor=officer, date=D(2027, 1, 1), kind=HOLIDAY)


def test_it_sends_anonymous_visitors_to_sign_in(client, db):
    response = client.get(reverse("core:calendar_list"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_it_refuses_to_delete_by_get(client, admin, new_years_day):
    client.force_login(admin)
    assert client.get(reverse("core:calendar_delete", args=[new_years_day.pk])).status_code == 405
    assert CalendarDay.objects.filter(pk=new_years_day.pk).exists()


def test_it_adds_an_entry_and_audits_it(client, admin):
    client.force_login(admin)
    data = {"date": "2027-02-06", "kind": WORKDAY, "name": "春节", "source": "国办发明电〔2026〕1号"}
    response = client.post(reverse("core:calendar_create"), data)
    assert response.status_code == 302 and response["Location"].endswith("?year=2027")
    day = CalendarDay.objects.get(date=D(2027, 2, 6))
    assert (day.kind, day.updated_by) == (WORKDAY, admin)
    event = events(AuditAction.CREATE).get()
    assert event.actor == admin and event.after["date"] == "2027-02-06"
    assert is_workday(D(2027, 2, 6))


def test_it_refuses_a_second_entry_for_the_same_date(client, admin, new_years_day):
    client.force_login(admin)
    response = client.post(reverse("core:calendar_create"), {"date": "2027-01-01", "kind": WORKDAY})
    assert response.status_code == 200
    assert "2027-01-01 已有安排" in response.context["form"].errors["date"][0]
    assert CalendarDay.objects.count() == 1


def test_it_edits_an_entry_and_audits_the_change(client, admin, new_years_day):
    client.force_login(admin)
    assert client.get(reverse("core:calendar_edit", args=[new_years_day.pk])).status_code == 200
    data = {"date": "2027-01-01", "kind": HOLIDAY, "name": "元旦节", "source": ""}
    response = client.post(reverse("core:calendar_edit", args=[new_years_day.pk]), data)
    assert response.status_code == 302
    new_years_day.refresh_from_db()
    assert (new_years_day.name, new_years_day.updated_by) == ("元旦节", admin)
    event = events(AuditAction.UPDATE).get()
    assert (event.before, event.after) == ({"name": "元旦"}, {"name": "元旦节"})


def test_it_deletes_an_entry_and_keeps_its_snapshot(client, admin, new_years_day):
    client.force_login(admin)
    response = client.post(reverse("core:calendar_delete", args=[new_years_day.pk]))
    assert response.status_code == 302
    assert not CalendarDay.objects.exists()
    event = events(AuditAction.DELETE).get()
    assert event.object_id == str(new_years_day.pk)
    assert event.before["date"] == "2027-01-01" and event.before["name"] == "元旦"


def test_it_adds_a_years_announcement_in_bulk(client, admin):
    client.force_login(admin)
    response = client.post(reverse("core:calendar_bulk"), {"text": ANNOUNCEMENT_2027, "source": "国办通知"})
    assert response.status_code == 302
    assert list(CalendarDay.objects.values_list("date", "kind", "source")) == [
        (D(2027, 1, 1), HOLIDAY, "国办通知"), (D(2027, 2, 6), HOLIDAY, "国办通知"),
        (D(2027, 2, 7), HOLIDAY, "国办通知"), (D(2027, 2, 8), HOLIDAY, "国办通知"),
        (D(2027, 2, 14), WORKDAY, "国办通知"),
    ]
    assert events(AuditAction.CREATE).count() == 5


def test_it_saves_nothing_when_one_line_is_wrong(client, admin):
    client.force_login(admin)
    text = ANNOUNCEMENT_2027 + "\n2027-13-01 holiday 错误\n2027-04-05 qingming"
    response = client.post(reverse("core:calendar_bulk"), {"text": text})
    assert response.status_code == 200
    errors = response.context["form"].errors["text"]
    assert errors[0].startswith("第4行：“2027-13-01”不是有效日期")
    assert errors[1].startswith("第5行：日期后应写类别")
    assert not CalendarDay.objects.exists()
    assert not events(AuditAction.CREATE).exists()


def test_it_saves_nothing_when_a_date_is_already_entered(client, admin, new_years_day):
    client.force_login(admin)
    response = client.post(reverse("core:calendar_bulk"), {"text": ANNOUNCEMENT_2027})
    assert response.status_code == 200
    assert response.context["form"].errors["text"][0].startswith("第1行：2027-01-01 已有安排")
    assert CalendarDay.objects.count() == 1
