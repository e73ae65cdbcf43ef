"""The clocks of a case as pure arithmetic over dates (DOMAIN.md, "Penalty cases"; CASE_RULES).

No database here: each function takes the dates it needs, so tests can walk every boundary day by day.
Plain-day deadlines ("日") move past a holiday that is their last day (core.workdays.plain_day_deadline);
working-day deadlines ("工作日") skip weekends and holidays.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from fazhi.core.workdays import add_workdays, plain_day_deadline

from .rules import CASE_RULES

CENT = Decimal("0.01")


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the last day of the month when that month is shorter (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


# ---- filing and limitation --------------------------------------------------------------------------------

def filing_due(received_on: dt.date) -> dt.date:
    """The last day to decide on filing (立案), counted from receipt."""
    return plain_day_deadline(received_on, CASE_RULES.filing_decision_days)


def limitation_end(act_ended_on: dt.date, harms_life_or_health: bool) -> dt.date:
    """The last day on which the act may still be discovered and punished (行政处罚法第三十六条)."""
    years = CASE_RULES.limitation_years_life_health if harms_life_or_health else CASE_RULES.limitation_years
    return add_years(act_ended_on, years)


def decision_deadline(filed_on: dt.date, extension_days: int = 0) -> dt.date:
    """The last day to decide: 90 days from filing (第六十条), plus approved extensions."""
    return plain_day_deadline(filed_on, CASE_RULES.decision_limit_days + extension_days)


# ---- measures -------------------------------------------------------------------------------------------

def preservation_due(started_on: dt.date) -> dt.date:
    """先行登记保存: the decision on what was preserved is due within 7 days (第五十六条)."""
    return plain_day_deadline(started_on, CASE_RULES.preservation_decision_days)


def seizure_end(started_on: dt.date, extended_days: int = 0) -> dt.date:
    """查封扣押 lasts at most 30 days, +30 on approval (行政强制法第二十五条)."""
    return plain_day_deadline(started_on, CASE_RULES.seizure_days + extended_days)


# ---- notice and hearing -----------------------------------------------------------------------------------

def statement_until(notice_served_on: dt.date) -> dt.date:
    return add_workdays(notice_served_on, CASE_RULES.statement_window_workdays)


def hearing_request_until(notice_served_on: dt.date) -> dt.date:
    """The party may ask for a hearing within 5 days of the notice (第六十四条第（一）项)."""
    return plain_day_deadline(notice_served_on, CASE_RULES.hearing_request_days)


def hearing_notice_days(notified_on: dt.date, scheduled_for: dt.date) -> int:
    return (scheduled_for - notified_on).days


# ---- service, payment and the surcharge -------------------------------------------------------------------

def service_due(decided_on: dt.date) -> dt.date:
    """A decision not handed over on the spot is served within 7 days (第六十一条)."""
    return plain_day_deadline(decided_on, CASE_RULES.service_days)


def payment_due(served_on: dt.date) -> dt.date:
    """The fine is paid within 15 days of service (第六十七条)."""
    return plain_day_deadline(served_on, CASE_RULES.payment_days)


@dataclass(frozen=True)
class Pause:
    """A reconsideration or lawsuit during which the surcharge does not run (第七十三条); `end` None = still running."""

    start: dt.date
    end: dt.date | None


def surcharge_days(due_on: dt.date, on: dt.date, pauses: tuple[Pause, ...] = ()) -> int:
    """Days of surcharge from the day after `due_on` through `on`, leaving out the days an appeal ran."""
    if on <= due_on:
        return 0
    paused = set()
    for pause in pauses:
        last = min(pause.end or on, on)
        day = max(pause.start, due_on + dt.timedelta(days=1))
        while day <= last:
            paused.add(day)
            day += dt.timedelta(days=1)
    return (on - due_on).days - len(paused)


def late_surcharge(amount: Decimal, due_on: dt.date, on: dt.date, pauses: tuple[Pause, ...] = ()) -> Decimal:
    """加处罚款 (第七十二条第一款第（一）项): 3% of the overdue fine a day, never more than the fine itself."""
    days = surcharge_days(due_on, on, pauses)
    raw = (Decimal(amount) * CASE_RULES.surcharge_daily_rate * days).quantize(CENT, ROUND_HALF_UP)
    return min(raw, Decimal(amount).quantize(CENT, ROUND_HALF_UP))


# ---- enforcement -----------------------------------------------------------------------------------------

def appeal_limits_end(served_on: dt.date) -> dt.date:
    """The last day the party may still appeal: 60 days for reconsideration, 6 months to sue; the later governs."""
    return max(served_on + dt.timedelta(days=CASE_RULES.reconsideration_days),
               add_months(served_on, CASE_RULES.litigation_months))


@dataclass(frozen=True)
class EnforcementWindow:
    opens_on: dt.date
    closes_on: dt.date


def enforcement_window(served_on: dt.date, reminder_served_on: dt.date) -> EnforcementWindow:
    """When the bureau may ask the court to enforce: after the appeal limits pass and at least 10 days after the
    reminder is served (行政强制法第五十四条), within 3 months of the limits passing (第五十三条)."""
    limits_end = appeal_limits_end(served_on)
    opens = max(limits_end + dt.timedelta(days=1),
                reminder_served_on + dt.timedelta(days=CASE_RULES.reminder_wait_days + 1))
    return EnforcementWindow(opens, add_months(limits_end, CASE_RULES.enforcement_window_months))


# ---- publication -----------------------------------------------------------------------------------------

def publication_due(decided_on: dt.date) -> dt.date:
    return add_workdays(decided_on, CASE_RULES.publication_workdays)


def simple_filing_due(decided_on: dt.date) -> dt.date:
    return plain_day_deadline(decided_on, CASE_RULES.simple_filing_days)
