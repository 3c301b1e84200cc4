# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Term arithmetic: when a statutory term ends.

Pure functions on dates, so they are tested on their own against tables:
calendar days, working days (no weekend, no public holiday of the
country), weeks and months, with the end moved to the next working day
when it falls on a day off (as the Dutch Algemene termijnenwet and the
Belgian practice do)."""
import datetime as dt
from functools import lru_cache

from dateutil.relativedelta import relativedelta

UNITS = [
    ('day', "Calendar Days"),
    ('working_day', "Working Days"),
    ('week', "Weeks"),
    ('month', "Months"),
    ]
COUNTRIES = [
    (None, ""),
    ('BE', "Belgium"),
    ('NL', "The Netherlands"),
    ]


@lru_cache(maxsize=64)
def _holidays(country, year):
    import holidays
    if not country:
        return frozenset()
    return frozenset(holidays.country_holidays(country, years=year))


def is_working_day(date, country):
    "Whether date is neither a weekend day nor a public holiday"
    return date.weekday() < 5 and date not in _holidays(country, date.year)


def next_working_day(date, country):
    "date itself when it is a working day, else the first one after it"
    while not is_working_day(date, country):
        date += dt.timedelta(days=1)
    return date


def add_working_days(date, number, country):
    "The date number working days after date (the start day not counted)"
    step = 1 if number >= 0 else -1
    remaining = abs(number)
    while remaining:
        date += dt.timedelta(days=step)
        if is_working_day(date, country):
            remaining -= 1
    return date


def term_end(start, number, unit, country=None, to_working_day=True):
    """Return the last day of a term of number units that starts on start.

    A term counted in calendar days, weeks or months that ends on a
    weekend day or a public holiday ends on the next working day when
    to_working_day is set."""
    if number is None or start is None:
        return None
    if unit == 'working_day':
        return add_working_days(start, number, country)
    if unit == 'day':
        end = start + dt.timedelta(days=number)
    elif unit == 'week':
        end = start + dt.timedelta(weeks=number)
    elif unit == 'month':
        end = start + relativedelta(months=number)
    else:
        raise ValueError(f"Unknown term unit: {unit}")
    if to_working_day:
        end = next_working_day(end, country)
    return end


def days_between(start, end, unit='day', country=None):
    "How many days (or working days) from start to end; negative if past"
    if start is None or end is None:
        return None
    if unit != 'working_day':
        return (end - start).days
    sign = 1 if end >= start else -1
    low, high = sorted([start, end])
    count = 0
    day = low
    while day < high:
        day += dt.timedelta(days=1)
        if is_working_day(day, country):
            count += 1
    return sign * count


def local_today(timezone=None, now=None):
    "Today's date in the municipality's time zone"
    from zoneinfo import ZoneInfo
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=dt.timezone.utc)
    if timezone:
        now = now.astimezone(ZoneInfo(timezone))
    return now.date()
