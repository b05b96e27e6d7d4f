"""Working days (工作日) for review deadlines: Chinese public holidays and make-up workdays.

The schedule lives in the editable holiday table (models.Holiday), seeded from
chinesecalendar, whose data ends with its last published year (2026 in the
pinned release). A year counts as known only once its whole schedule is in:
the years chinesecalendar publishes, and each later year an administrator
confirms after entering it (models.HolidayYear). Until then `known(year)` is
false and pages warn; the days entered so far count, and weekends otherwise.
"""
import datetime

import chinese_calendar
from chinese_calendar import constants


# Deadlines only ever fall after a recent submission: older years are not worth seeding.
FIRST_SEEDED_YEAR = 2020


def official_schedule():
    """(day, is_workday, name) for each exception chinesecalendar knows since FIRST_SEEDED_YEAR."""
    chinese = {holiday.value: holiday.chinese for holiday in constants.Holiday}
    for table, is_workday in ((constants.holidays, False), (constants.workdays, True)):
        for day, name in sorted(table.items()):
            if day.year >= FIRST_SEEDED_YEAR:
                yield day, is_workday, chinese.get(name, name)


class Calendar:
    """Days that differ from Monday–Friday work: holidays off, make-up Saturdays on."""

    def __init__(self, exceptions=(), complete_years=()):
        self.exceptions = {day: is_workday for day, is_workday in exceptions}
        self.complete_years = set(complete_years)

    @classmethod
    def official(cls):
        """The calendar as chinesecalendar publishes it (tests and seeding)."""
        schedule = [(day, is_workday) for day, is_workday, _ in official_schedule()]
        return cls(schedule, {day.year for day, _ in schedule})

    def known(self, year):
        """True when the whole holiday schedule of that year is in (one entered day is not enough)."""
        return year in self.complete_years

    def is_workday(self, day):
        """A working day by the schedule, or Monday–Friday where none is entered."""
        return self.exceptions.get(day, day.weekday() < 5)

    def add_workdays(self, start, count):
        """The date that is count working days after start (start itself not counted)."""
        day = start
        while count > 0:
            day += datetime.timedelta(days=1)
            if self.is_workday(day):
                count -= 1
        return day

    def workdays_between(self, start, end):
        """Working days after start up to and including end (negative when end is earlier)."""
        if end < start:
            return -self.workdays_between(end, start)
        days, day = 0, start
        while day < end:
            day += datetime.timedelta(days=1)
            days += self.is_workday(day)
        return days


def last_official_year():
    """The last year chinesecalendar publishes (the admin page says what comes next)."""
    return max(chinese_calendar.constants.holidays).year
