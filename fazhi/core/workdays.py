"""Working days (工作日) for deadlines, and the services that keep the bureau's holiday table.

A deadline counted in 工作日 skips weekends and official holidays and counts make-up workdays (调休) as
workdays. For each date the first source that knows it decides:

1. the bureau's own table (`CalendarDay`), so an administrator can enter a year the package does not know
   yet, or correct the package;
2. the `chinesecalendar` package, for the years it ships (2004 up to its last year);
3. plain weekends. A year that neither the package nor the table covers is "unknown": deadlines in it
   are still computed, and `unknown_years_between` lets the page say so.

`WorkdayCalendar` reads each year's table entries once, on first use, so one computation costs one query
per year it touches, not one per day. The module-level functions each use a fresh calendar and so always
see the latest table; keep one `WorkdayCalendar` for a batch of computations.
"""
from __future__ import annotations

import datetime as dt
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import chinese_calendar
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear

from .audit import record_create, record_event, record_update, snapshot
from .choices import AuditAction, CalendarDayKind, Role
from .models import CalendarDay
from .rules import CALENDAR_RULES

ONE_DAY = dt.timedelta(days=1)
# The package ships holidays and make-up days as dicts of dates; it covers the years from its first to its last.
PACKAGE_FIRST_YEAR = min(chinese_calendar.holidays).year
PACKAGE_LAST_YEAR = max(chinese_calendar.holidays).year
UNKNOWN_YEAR_NOTICE = "{years}年度节假日安排尚未录入，期限暂按周末推算；请系统管理员录入当年放假安排后再核对期限。"


def package_knows_year(year: int) -> bool:
    return PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR


class YearCoverage(models.TextChoices):
    """Where a year's holidays come from."""

    PACKAGE = "package", "节假日程序包已收录"
    TABLE = "table", "已在本表录入"
    UNKNOWN = "unknown", "该年度节假日安排尚未录入"


class WorkdayCalendar:
    """The calendar as one computation sees it: the bureau's table over the package over plain weekends."""

    def __init__(self) -> None:
        self._table: dict[int, dict[dt.date, bool]] = {}

    def _table_year(self, year: int) -> dict[dt.date, bool]:
        """The table's entries of `year` as {date: is a workday}, read once per calendar."""
        if year not in self._table:
            rows = CalendarDay.objects.filter(date__year=year).values_list("date", "kind")
            self._table[year] = {day: kind == CalendarDayKind.WORKDAY for day, kind in rows}
        return self._table[year]

    def coverage(self, year: int) -> YearCoverage:
        if package_knows_year(year):
            return YearCoverage.PACKAGE
        return YearCoverage.TABLE if self._table_year(year) else YearCoverage.UNKNOWN

    def is_workday(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            raise TypeError("expected a date, got a datetime; convert it with timezone.localdate(value) first")
        entries = self._table_year(day.year)
        if day in entries:
            return entries[day]
        if package_knows_year(day.year):
            # The package's own is_workday re-derives its year range on every call; its dicts answer directly.
            return day in chinese_calendar.workdays or (day.weekday() < 5 and day not in chinese_calendar.holidays)
        return day.weekday() < 5

    def next_workday(self, day: dt.date) -> dt.date:
        """The first workday strictly after `day`."""
        day += ONE_DAY
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th workday after `start`, `start` itself not counted.

        n = 0 returns `start` unchanged, whatever kind of day it is: no workday has passed yet, which keeps
        `count_workdays(start, add_workdays(start, n)) == n` true for every n.
        """
        if n < 0:
            raise ValueError(f"add_workdays expects n >= 0, got {n}")
        day = start
        for _ in range(n):
            day = self.next_workday(day)
        return day

    def count_workdays(self, start: dt.date, end: dt.date) -> int:
        """Workdays in (start, end]; negative when `end` is before `start` (e.g. days overdue)."""
        if end < start:
            return -self.count_workdays(end, start)
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            count += self.is_workday(day)
        return count

    def plain_day_deadline(self, start: dt.date, days: int) -> dt.date:
        """A deadline of `days` calendar days (日) after `start`, moved past a closing non-workday per the rules."""
        if days < 0:
            raise ValueError(f"plain_day_deadline expects days >= 0, got {days}")
        last = start + dt.timedelta(days=days)
        if CALENDAR_RULES.plain_day_deadline_moves_past_holidays and not self.is_workday(last):
            return self.next_workday(last)
        return last

    def unknown_years_between(self, start: dt.date, end: dt.date) -> list[int]:
        """Years touched by [start, end] whose holidays neither the package nor the table knows."""
        low, high = sorted((start.year, end.year))
        return [year for year in range(low, high + 1) if self.coverage(year) == YearCoverage.UNKNOWN]


_shared: ContextVar[WorkdayCalendar | None] = ContextVar("fazhi_workday_calendar", default=None)


@contextmanager
def shared_calendar():
    """Within the block every deadline reads the bureau's table once per year: a page listing fifty cases with
    their clocks asks the database once, not once per clock. Each request runs in one (the middleware)."""
    token = _shared.set(WorkdayCalendar())
    try:
        yield
    finally:
        _shared.reset(token)


def _calendar() -> WorkdayCalendar:
    return _shared.get() or WorkdayCalendar()


def _forget_shared_table() -> None:
    """A change to the table is seen by the rest of the request that made it."""
    calendar = _shared.get()
    if calendar is not None:
        calendar._table.clear()


class SharedCalendarMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with shared_calendar():
            return self.get_response(request)


def is_workday(day: dt.date) -> bool:
    return _calendar().is_workday(day)


def next_workday(day: dt.date) -> dt.date:
    return _calendar().next_workday(day)


def add_workdays(start: dt.date, n: int) -> dt.date:
    return _calendar().add_workdays(start, n)


def count_workdays(start: dt.date, end: dt.date) -> int:
    return _calendar().count_workdays(start, end)


def plain_day_deadline(start: dt.date, days: int) -> dt.date:
    return _calendar().plain_day_deadline(start, days)


def calendar_coverage(year: int) -> YearCoverage:
    return _calendar().coverage(year)


def unknown_years_between(start: dt.date, end: dt.date) -> list[int]:
    return _calendar().unknown_years_between(start, end)


def unknown_year_notice(start: dt.date, end: dt.date) -> str:
    """The warning a page shows next to a deadline in an unknown year; "" when every year is known."""
    years = unknown_years_between(start, end)
    return UNKNOWN_YEAR_NOTICE.format(years="、".join(str(y) for y in years)) if years else ""


# ---- Reads for the administrator's pages ---------------------------------------------------------------


@dataclass(frozen=True)
class YearOverview:
    year: int
    table_entries: int

    @property
    def package_knows(self) -> bool:
        return package_knows_year(self.year)

    @property
    def coverage(self) -> YearCoverage:
        if self.package_knows:
            return YearCoverage.PACKAGE
        return YearCoverage.TABLE if self.table_entries else YearCoverage.UNKNOWN

    @property
    def badge_class(self) -> str:
        return "badge-bad" if self.coverage == YearCoverage.UNKNOWN else "badge-ok"


def calendar_days_in_year(year: int):
    return CalendarDay.objects.filter(date__year=year).select_related("updated_by").order_by("date")


def calendar_year_overview(*extra_years: int) -> list[YearOverview]:
    """Each year the table has entries for, plus `extra_years`, with its count of entries (one query)."""
    counts = dict(
        CalendarDay.objects.annotate(year=ExtractYear("date")).values("year").annotate(n=Count("id"))
        .values_list("year", "n")
    )
    years = sorted(set(counts) | set(extra_years))
    return [YearOverview(year, counts.get(year, 0)) for year in years]


# ---- Parsing a year's announcement ---------------------------------------------------------------------

# The longest official break so far is nine days (春节 2026); a longer range is almost surely a typing slip.
MAX_ANNOUNCED_RANGE_DAYS = 31
KIND_WORDS = {
    "holiday": CalendarDayKind.HOLIDAY, "放假": CalendarDayKind.HOLIDAY, "休": CalendarDayKind.HOLIDAY,
    "休息": CalendarDayKind.HOLIDAY, "workday": CalendarDayKind.WORKDAY, "上班": CalendarDayKind.WORKDAY,
    "班": CalendarDayKind.WORKDAY, "调休上班": CalendarDayKind.WORKDAY,
}
FORMAT_HINT = "请按“2027-01-01 holiday 元旦”或“2027-02-06~2027-02-13 放假 春节”的格式填写"
_RANGE_SEPARATOR = re.compile(r"(?<=\d)\s*[~～至]\s*(?=\d)")


@dataclass(frozen=True)
class AnnouncedDay:
    """One date of an announcement, with the line it came from (for error messages)."""

    line: int
    date: dt.date
    kind: str
    name: str


def _parse_date(text: str, line: int) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"第{line}行：“{text}”不是有效日期，{FORMAT_HINT}。") from None


def _parse_dates(token: str, line: int) -> list[dt.date]:
    first, _, last = token.partition("~")
    start = _parse_date(first, line)
    end = _parse_date(last, line) if last else start
    if end < start:
        raise ValidationError(f"第{line}行：结束日期早于开始日期，请对调两个日期。")
    if (end - start).days >= MAX_ANNOUNCED_RANGE_DAYS:
        raise ValidationError(f"第{line}行：日期范围超过{MAX_ANNOUNCED_RANGE_DAYS}天，请检查是否输错，或分成几行填写。")
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _parse_line(text: str, line: int) -> list[AnnouncedDay]:
    tokens = _RANGE_SEPARATOR.sub("~", text.strip(), count=1).split()
    dates = _parse_dates(tokens[0], line)
    kind = KIND_WORDS.get(tokens[1].lower()) if len(tokens) > 1 else None
    if kind is None:
        raise ValidationError(f"第{line}行：日期后应写类别 holiday（放假）或 workday（调休上班），{FORMAT_HINT}。")
    name, limit = " ".join(tokens[2:]), CalendarDay._meta.get_field("name").max_length
    if len(name) > limit:
        raise ValidationError(f"第{line}行：节日名称太长，请不超过{limit}个字。")
    return [AnnouncedDay(line, day, kind, name) for day in dates]


def parse_announcement(text: str) -> list[AnnouncedDay]:
    """Lines like "2027-01-01 holiday 元旦" or date ranges; every faulty line is reported at once."""
    errors: list[str] = []
    seen: dict[dt.date, int] = {}
    result: list[AnnouncedDay] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.strip().startswith("#"):
            continue
        try:
            days = _parse_line(raw, number)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        for day in days:
            if day.date in seen:
                errors.append(f"第{number}行：{day.date} 在第{seen[day.date]}行已经填写，请删去重复的日期。")
            seen.setdefault(day.date, number)
        result.extend(days)
    if errors:
        raise ValidationError(errors)
    if not result:
        raise ValidationError(f"没有可录入的日期，{FORMAT_HINT}，每行一条。")
    return result


# ---- Services: the table's writes ----------------------------------------------------------------------

EDITABLE_FIELDS = ("date", "kind", "name", "source")


def ensure_can_manage_calendar(actor) -> None:
    if not actor.has_role(Role.ADMIN):  # a superuser holds every role
        raise PermissionDenied("只有系统管理员可以维护节假日安排。")


def _ensure_date_free(date: dt.date, exclude_pk=None) -> None:
    taken = CalendarDay.objects.filter(date=date).exclude(pk=exclude_pk).first()
    if taken is not None:
        raise ValidationError({"date": f"{date} 已有安排（{taken}），请修改已有条目，不要重复添加。"})


@transaction.atomic
def create_calendar_day(*, actor, date: dt.date, kind: str, name: str = "", source: str = "") -> CalendarDay:
    ensure_can_manage_calendar(actor)
    _ensure_date_free(date)
    day = CalendarDay(date=date, kind=kind, name=name, source=source, updated_by=actor)
    day.full_clean(validate_unique=False)
    day.save()
    record_create(day, actor=actor)
    _forget_shared_table()
    return day


@transaction.atomic
def update_calendar_day(day: CalendarDay, *, actor, **fields) -> CalendarDay:
    ensure_can_manage_calendar(actor)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"update_calendar_day accepts {EDITABLE_FIELDS}, not {sorted(unknown)}")
    if "date" in fields:
        _ensure_date_free(fields["date"], exclude_pk=day.pk)
    before = snapshot(day, EDITABLE_FIELDS)
    for name, value in fields.items():
        setattr(day, name, value)
    day.updated_by = actor
    day.full_clean(validate_unique=False)
    day.save()
    record_update(day, before, actor=actor)
    _forget_shared_table()
    return day


@transaction.atomic
def delete_calendar_day(day: CalendarDay, *, actor) -> None:
    ensure_can_manage_calendar(actor)
    # Recorded before the row goes, so the event still names its id; the snapshot keeps what was removed.
    record_event(actor=actor, action=AuditAction.DELETE, obj=day, before=snapshot(day))
    day.delete()
    _forget_shared_table()


@transaction.atomic
def add_announced_days(*, actor, days: list[AnnouncedDay], source: str = "") -> list[CalendarDay]:
    """Save a whole announcement or nothing: any date already in the table stops the lot."""
    ensure_can_manage_calendar(actor)
    existing = {c.date: c for c in CalendarDay.objects.filter(date__in=[d.date for d in days])}
    clashes = [
        f"第{d.line}行：{d.date} 已有安排（{existing[d.date]}），请先在列表中修改或删除该条，再批量录入。"
        for d in days if d.date in existing
    ]
    if clashes:
        raise ValidationError(clashes)
    created = []
    for announced in days:
        day = CalendarDay(date=announced.date, kind=announced.kind, name=announced.name, source=source,
                          updated_by=actor)
        day.full_clean(validate_unique=False)
        day.save()
        record_create(day, actor=actor, detail={"bulk": True})
        created.append(day)
    _forget_shared_table()
    return created
