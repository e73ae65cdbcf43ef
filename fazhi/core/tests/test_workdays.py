"""Workday deadlines: the bureau's table over the holiday package over plain weekends, at the boundary days."""
import datetime as dt

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.core.choices import CalendarDayKind
from fazhi.core.models import CalendarDay
from fazhi.core.workdays import (
    WorkdayCalendar,
    YearCoverage,
    add_workdays,
    calendar_coverage,
    count_workdays,
    is_workday,
    parse_announcement,
    plain_day_deadline,
    unknown_year_notice,
    unknown_years_between,
)

D = dt.date
HOLIDAY, WORKDAY = CalendarDayKind.HOLIDAY, CalendarDayKind.WORKDAY


def enter(day: dt.date, kind: str, name: str = "") -> CalendarDay:
    return CalendarDay.objects.create(date=day, kind=kind, name=name)


@pytest.fixture
def table_2027(db):
    """Part of an announcement for 2027, a year the package does not know."""
    enter(D(2027, 1, 1), HOLIDAY, "元旦")
    enter(D(2027, 2, 6), WORKDAY, "春节")  # a Saturday
    return D(2027, 1, 1)


# ---- Boundary days ----------------------------------------------------------------------------------


def test_it_skips_the_national_day_break_of_2025(db):
    assert chinese_calendar.is_holiday(D(2025, 10, 8))
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)


def test_it_counts_the_make_up_saturday_after_national_day_2025(db):
    assert D(2025, 10, 11).weekday() == 5
    assert is_workday(D(2025, 10, 11))
    assert add_workdays(D(2025, 10, 8), 3) == D(2025, 10, 11)
    assert add_workdays(D(2025, 10, 10), 1) == D(2025, 10, 11)


def test_it_counts_the_make_up_sunday_before_national_day_2025(db):
    assert D(2025, 9, 28).weekday() == 6
    assert add_workdays(D(2025, 9, 26), 1) == D(2025, 9, 28)


def test_it_skips_the_spring_festival_of_2026(db):
    assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)  # the make-up Saturday before the break
    assert add_workdays(D(2026, 2, 14), 1) == D(2026, 2, 24)  # 15–23 February off
    assert count_workdays(D(2026, 2, 14), D(2026, 2, 23)) == 0


def test_it_keeps_an_ordinary_weekend_off(db):
    assert not is_workday(D(2025, 11, 15))
    assert add_workdays(D(2025, 11, 14), 1) == D(2025, 11, 17)


def test_it_returns_the_start_itself_for_zero_workdays(db):
    assert add_workdays(D(2025, 10, 1), 0) == D(2025, 10, 1)


def test_it_refuses_a_negative_number_of_workdays(db):
    with pytest.raises(ValueError, match="n >= 0"):
        add_workdays(D(2025, 10, 1), -1)


def test_it_refuses_a_datetime(db):
    with pytest.raises(TypeError, match="localdate"):
        is_workday(dt.datetime(2025, 10, 1, 9, 0))


def test_it_moves_a_plain_day_deadline_off_a_holiday(db):
    assert D(2025, 9, 24) + dt.timedelta(days=7) == D(2025, 10, 1)
    assert plain_day_deadline(D(2025, 9, 24), 7) == D(2025, 10, 9)


def test_it_moves_a_plain_day_deadline_off_a_weekend(db):
    assert plain_day_deadline(D(2025, 11, 8), 7) == D(2025, 11, 17)


def test_it_keeps_a_plain_day_deadline_that_ends_on_a_workday(db):
    assert plain_day_deadline(D(2025, 9, 29), 12) == D(2025, 10, 11)  # the make-up Saturday
    assert plain_day_deadline(D(2025, 11, 3), 7) == D(2025, 11, 10)


def test_it_counts_overdue_workdays_as_negative(db):
    assert count_workdays(D(2025, 10, 13), D(2025, 10, 10)) == -2


def test_it_agrees_with_the_package_on_every_day_the_package_knows(db):
    calendar, day = WorkdayCalendar(), D(2004, 1, 1)
    disagreements = []
    while day <= D(2026, 12, 31):
        if calendar.is_workday(day) != chinese_calendar.is_workday(day):
            disagreements.append(day)
        day += dt.timedelta(days=1)
    assert disagreements == []


# ---- Years the package does not know ----------------------------------------------------------------


def test_it_flags_a_year_nobody_has_entered(db):
    assert calendar_coverage(2027) == YearCoverage.UNKNOWN
    assert is_workday(D(2027, 1, 1))  # a Friday, by plain weekends
    deadline = add_workdays(D(2026, 12, 25), 10)
    assert unknown_years_between(D(2026, 12, 25), deadline) == [2027]
    assert "2027年度节假日安排尚未录入" in unknown_year_notice(D(2026, 12, 25), deadline)


def test_it_uses_the_table_for_a_year_the_package_does_not_know(table_2027):
    assert calendar_coverage(2027) == YearCoverage.TABLE
    assert add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)
    assert is_workday(D(2027, 2, 6))
    assert unknown_years_between(D(2026, 12, 25), D(2027, 3, 1)) == []
    assert unknown_year_notice(D(2026, 12, 25), D(2027, 3, 1)) == ""


def test_it_knows_the_package_years(db):
    assert calendar_coverage(2004) == YearCoverage.PACKAGE
    assert calendar_coverage(2026) == YearCoverage.PACKAGE
    assert calendar_coverage(2003) == YearCoverage.UNKNOWN


def test_it_lets_the_table_override_the_package(db):
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    enter(D(2025, 10, 8), WORKDAY, "更正")
    enter(D(2025, 10, 9), HOLIDAY, "更正")
    assert is_workday(D(2025, 10, 8))
    assert not is_workday(D(2025, 10, 9))
    assert add_workdays(D(2025, 9, 30), 2) == D(2025, 10, 10)


def test_it_reads_the_table_once_per_year_not_once_per_day(db, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert add_workdays(D(2025, 9, 30), 90) > D(2026, 1, 1)


def test_it_sees_table_edits_in_the_next_call(db):
    assert is_workday(D(2025, 11, 17))
    enter(D(2025, 11, 17), HOLIDAY, "更正")
    assert not is_workday(D(2025, 11, 17))


# ---- Properties -------------------------------------------------------------------------------------

dates = st.dates(min_value=D(2003, 6, 1), max_value=D(2028, 6, 30))
counts = st.integers(min_value=0, max_value=60)
PROPERTY_SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY_SETTINGS
@given(start=dates, n=counts)
def test_it_counts_back_what_it_added(table_2027, start, n):
    assert count_workdays(start, add_workdays(start, n)) == n


@PROPERTY_SETTINGS
@given(start=dates, n=st.integers(min_value=1, max_value=60))
def test_it_always_lands_on_a_workday(table_2027, start, n):
    assert is_workday(add_workdays(start, n))


@PROPERTY_SETTINGS
@given(start=dates, n=counts, more=st.integers(min_value=1, max_value=20), later=st.integers(min_value=0, max_value=40))
def test_it_moves_forward_monotonically(table_2027, start, n, more, later):
    calendar = WorkdayCalendar()
    assert calendar.add_workdays(start, n) < calendar.add_workdays(start, n + more)
    assert calendar.add_workdays(start, n) <= calendar.add_workdays(start + dt.timedelta(days=later), n)


@PROPERTY_SETTINGS
@given(a=dates, b=dates, c=dates)
def test_it_counts_additively_and_antisymmetrically(table_2027, a, b, c):
    calendar = WorkdayCalendar()
    assert calendar.count_workdays(a, b) == -calendar.count_workdays(b, a)
    assert calendar.count_workdays(a, b) + calendar.count_workdays(b, c) == calendar.count_workdays(a, c)


@PROPERTY_SETTINGS
@given(start=dates, n=st.integers(min_value=1, max_value=60))
def test_it_never_counts_a_weekend_unless_it_is_a_make_up_day(table_2027, start, n):
    make_up = set(chinese_calendar.workdays) | set(
        CalendarDay.objects.filter(kind=WORKDAY).values_list("date", flat=True)
    )
    calendar, day = WorkdayCalendar(), start
    end = calendar.add_workdays(start, n)
    while day < end:
        day += dt.timedelta(days=1)
        if day.weekday() >= 5 and calendar.is_workday(day):
            assert day in make_up


@PROPERTY_SETTINGS
@given(start=dates, days=st.integers(min_value=0, max_value=90))
def test_it_ends_plain_day_deadlines_on_the_first_workday_from_the_last_day(table_2027, start, days):
    calendar = WorkdayCalendar()
    deadline = calendar.plain_day_deadline(start, days)
    last = start + dt.timedelta(days=days)
    assert calendar.is_workday(deadline)
    assert calendar.count_workdays(last, deadline) == (0 if deadline == last else 1)


# ---- Parsing an announcement ------------------------------------------------------------------------


def test_it_parses_single_days_and_ranges():
    days = parse_announcement("2027-01-01 holiday 元旦\n\n2027-02-06 workday 春节\n2027-02-07 至 2027-02-09 放假 春节")
    assert [(d.date, d.kind, d.name, d.line) for d in days] == [
        (D(2027, 1, 1), HOLIDAY, "元旦", 1),
        (D(2027, 2, 6), WORKDAY, "春节", 3),
        (D(2027, 2, 7), HOLIDAY, "春节", 4),
        (D(2027, 2, 8), HOLIDAY, "春节", 4),
        (D(2027, 2, 9), HOLIDAY, "春节", 4),
    ]


def test_it_reports_every_faulty_line_in_chinese():
    text = "2027-02-30 holiday 春节\n2027-01-01 holiday 元旦\n2027-01-02\n2027-01-01 休\n2027-03-05~2027-03-01 休"
    with pytest.raises(ValidationError) as caught:
        parse_announcement(text)
    messages = caught.value.messages
    assert len(messages) == 4
    assert messages[0].startswith("第1行：“2027-02-30”不是有效日期")
    assert messages[1].startswith("第3行：日期后应写类别")
    assert messages[2].startswith("第4行：2027-01-01 在第2行已经填写")
    assert messages[3].startswith("第5行：结束日期早于开始日期")


def test_it_refuses_an_implausibly_long_range():
    with pytest.raises(ValidationError, match="第1行：日期范围超过31天"):
        parse_announcement("2027-01-01~2027-03-01 holiday 春节")


def test_it_refuses_an_empty_announcement():
    with pytest.raises(ValidationError, match="没有可录入的日期"):
        parse_announcement("\n  \n# 注释\n")


@pytest.mark.django_db
def test_within_a_shared_calendar_the_table_is_read_once_per_year_and_a_change_is_seen(django_assert_num_queries, admin):
    from fazhi.core.workdays import create_calendar_day, is_workday, plain_day_deadline, shared_calendar

    day = dt.date(2031, 5, 1)
    with shared_calendar():
        with django_assert_num_queries(1):
            for n in range(20):
                plain_day_deadline(dt.date(2031, 3, 1), n)
        assert is_workday(day)
        create_calendar_day(actor=admin, date=day, kind="holiday", name="劳动节")
        assert not is_workday(day)
