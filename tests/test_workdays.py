"""Working-day deadlines across holidays, make-up workdays and the end of the known calendar."""
import datetime as dt

import pytest

import models
import workdays

OFFICIAL = workdays.Calendar.official()


@pytest.mark.parametrize("start, count, due", [
    (dt.date(2026, 9, 30), 1, dt.date(2026, 10, 8)),    # 国庆 1–7 Oct 2026; 8 Oct is back to work
    (dt.date(2026, 10, 9), 1, dt.date(2026, 10, 10)),   # Saturday 10 Oct 2026 is a make-up workday
    (dt.date(2026, 2, 13), 1, dt.date(2026, 2, 14)),    # 14 Feb 2026 is a make-up Saturday
    (dt.date(2026, 11, 20), 5, dt.date(2026, 11, 27)),  # an ordinary week
    (dt.date(2026, 12, 30), 3, dt.date(2027, 1, 4)),    # across 元旦 into the year not yet known
])
def test_add_workdays(start, count, due):
    assert OFFICIAL.add_workdays(start, count) == due


def test_unknown_year_counts_weekends_only_and_says_so():
    assert OFFICIAL.known(2026) and not OFFICIAL.known(2027)
    assert OFFICIAL.is_workday(dt.date(2027, 1, 1)) is True   # a Friday: weekends only, never a crash
    assert OFFICIAL.is_workday(dt.date(2027, 1, 2)) is False


def test_workdays_between_is_signed():
    assert OFFICIAL.workdays_between(dt.date(2026, 11, 20), dt.date(2026, 11, 27)) == 5
    assert OFFICIAL.workdays_between(dt.date(2026, 11, 27), dt.date(2026, 11, 20)) == -5


def test_holiday_table_is_seeded_from_chinesecalendar_and_edits_take_effect(app):
    with models.db.connection_context():
        assert models.Holiday.select().count() == len(list(workdays.official_schedule()))
        assert models.Holiday.get(models.Holiday.day == dt.date(2026, 10, 1)).name == "国庆节"
        calendar = models.Holiday.calendar()
        assert calendar.known(2026) and not calendar.known(2027)
        assert calendar.add_workdays(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 1)
        # The admin enters 2027's 元旦 (1–3 January, a Friday to a Sunday): the day counts at once, but
        # the year is known only once marked complete (春节 and the rest are still to come).
        models.Holiday.create(day=dt.date(2027, 1, 1), name="元旦")
        calendar = models.Holiday.calendar()
        assert not calendar.known(2027)
        assert calendar.add_workdays(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)
        models.HolidayYear.create(year=2027)
        assert models.Holiday.calendar().known(2027)
        assert models.Holiday.seed() == 0  # seeding again adds nothing and keeps the edits
        models.HolidayYear.seed()
        assert models.HolidayYear.select().count() == len({day.year for day, _, _ in workdays.official_schedule()}) + 1
