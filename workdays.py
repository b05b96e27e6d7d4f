"""Working days (工作日) for review deadlines: Chinese public holidays and make-up workdays.

chinesecalendar knows the official schedule up to its last published year
(2026 in the pinned release). Past that, until an administrator enters the
new year's schedule, weekends alone are counted and `known(year)` says so, so
pages can warn instead of failing.
"""
import datetime

import chinese_calendar


def known(year):
    """True when the official holiday schedule of that year is available."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day):
    """A working day by the official schedule, or Monday–Friday past its end."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_workdays(start, count):
    """The date that is count working days after start (start itself not counted)."""
    day = start
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_workday(day):
            count -= 1
    return day


def workdays_between(start, end):
    """Working days after start up to and including end (negative when end is earlier)."""
    if end < start:
        return -workdays_between(end, start)
    days, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        days += is_workday(day)
    return days
