"""The arithmetic of the clocks: the surcharge (行政处罚法第七十二、七十三条) and the date helpers."""
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from fazhi.cases import clocks
from fazhi.cases.clocks import Pause, late_surcharge

fines = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("10000000"), places=2)
days = st.integers(min_value=0, max_value=400)
DUE = dt.date(2025, 3, 31)


@given(fines, days)
def test_the_surcharge_is_three_percent_a_day_and_never_above_the_fine(fine, n):
    owed = late_surcharge(fine, DUE, DUE + dt.timedelta(days=n))
    assert owed <= fine
    exact = (fine * Decimal("0.03") * n).quantize(Decimal("0.01"), ROUND_HALF_UP)  # money rounds half up
    assert owed == min(exact, fine)


@given(fines, days, days)
def test_the_surcharge_never_falls_as_days_pass(fine, a, b):
    early, late = sorted((a, b))
    assert late_surcharge(fine, DUE, DUE + dt.timedelta(days=early)) <= late_surcharge(fine, DUE, DUE + dt.timedelta(days=late))


@given(fines, st.integers(min_value=1, max_value=60), st.integers(min_value=0, max_value=30),
       st.integers(min_value=0, max_value=60))
def test_days_under_appeal_do_not_count(fine, before, paused, after):
    start = DUE + dt.timedelta(days=before)
    end = start + dt.timedelta(days=paused)
    on = end + dt.timedelta(days=after)
    with_pause = late_surcharge(fine, DUE, on, (Pause(start + dt.timedelta(days=1), end),))
    assert with_pause == late_surcharge(fine, DUE, on - dt.timedelta(days=paused))


def test_nothing_is_owed_on_the_due_date_and_one_day_later_three_percent():
    assert late_surcharge(Decimal("1000"), DUE, DUE) == 0
    assert late_surcharge(Decimal("1000"), DUE, DUE + dt.timedelta(days=1)) == Decimal("30.00")
    assert late_surcharge(Decimal("1000"), DUE, DUE + dt.timedelta(days=34)) == Decimal("1000.00")


def test_an_appeal_still_running_pauses_to_the_day_asked():
    assert clocks.surcharge_days(DUE, DUE + dt.timedelta(days=10), (Pause(DUE + dt.timedelta(days=4), None),)) == 3


def test_months_end_on_the_last_day_of_a_shorter_month():
    assert clocks.add_months(dt.date(2025, 8, 31), 6) == dt.date(2026, 2, 28)
    assert clocks.add_years(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)


def test_the_limitation_period_is_two_years_or_five_when_health_was_harmed():
    assert clocks.limitation_end(dt.date(2023, 3, 5), False) == dt.date(2025, 3, 5)
    assert clocks.limitation_end(dt.date(2023, 3, 5), True) == dt.date(2028, 3, 5)
