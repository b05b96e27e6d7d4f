"""Working-day deadlines across holidays, make-up workdays and the end of the known calendar."""
import datetime as dt

import pytest

import workdays


@pytest.mark.parametrize("start, count, due", [
    (dt.date(2026, 9, 30), 1, dt.date(2026, 10, 8)),    # 国庆 1–7 Oct 2026; 8 Oct is back to work
    (dt.date(2026, 10, 9), 1, dt.date(2026, 10, 10)),   # Saturday 10 Oct 2026 is a make-up workday
    (dt.date(2026, 2, 13), 1, dt.date(2026, 2, 14)),    # 14 Feb 2026 is a make-up Saturday
    (dt.date(2026, 11, 20), 5, dt.date(2026, 11, 27)),  # an ordinary week
    (dt.date(2026, 12, 30), 3, dt.date(2027, 1, 4)),    # across 元旦 into the year not yet known
])
def test_add_workdays(start, count, due):
    assert workdays.add_workdays(start, count) == due


def test_unknown_year_counts_weekends_only_and_says_so():
    assert workdays.known(2026) and not workdays.known(2027)
    assert workdays.is_workday(dt.date(2027, 1, 1)) is True   # a Friday: weekends only, never a crash
    assert workdays.is_workday(dt.date(2027, 1, 2)) is False


def test_workdays_between_is_signed():
    assert workdays.workdays_between(dt.date(2026, 11, 20), dt.date(2026, 11, 27)) == 5
    assert workdays.workdays_between(dt.date(2026, 11, 27), dt.date(2026, 11, 20)) == -5
