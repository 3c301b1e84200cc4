# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""When a term ends: tables a coordinator can check with a calendar."""
import datetime as dt
import unittest

from klachten_base.term import (
    add_working_days, days_between, is_working_day, local_today, term_end)

D = dt.date


class TermTableTestCase(unittest.TestCase):
    "Term ends against a calendar of 2026"

    def check(self, table):
        for start, number, unit, country, expected in table:
            with self.subTest(start=start, number=number, unit=unit,
                    country=country):
                self.assertEqual(
                    term_end(start, number, unit, country), expected)

    def test_calendar_days(self):
        "Flemish terms: 10 days for the acknowledgement, 45 for the answer"
        self.check([
                (D(2026, 3, 20), 10, 'day', 'BE', D(2026, 3, 30)),
                # ends on Saturday 4 April: Easter Sunday and Monday are
                # holidays, so Tuesday 7 April
                (D(2026, 3, 25), 10, 'day', 'BE', D(2026, 4, 7)),
                (D(2026, 3, 25), 10, 'day', 'NL', D(2026, 4, 7)),
                # 45 days from 1 October: Sunday 15 November -> Monday
                (D(2026, 10, 1), 45, 'day', 'BE', D(2026, 11, 16)),
                # 11 November is a holiday in Belgium, not in the
                # Netherlands
                (D(2026, 10, 28), 14, 'day', 'BE', D(2026, 11, 12)),
                (D(2026, 10, 28), 14, 'day', 'NL', D(2026, 11, 11)),
                # across the end of daylight saving time (25 October)
                (D(2026, 10, 20), 10, 'day', 'BE', D(2026, 10, 30)),
                # across its start (29 March)
                (D(2026, 3, 27), 3, 'day', 'BE', D(2026, 3, 30)),
                ])

    def test_working_days(self):
        "Working days skip weekends and the country's holidays"
        self.check([
                # Good Friday is a holiday in the Netherlands only
                (D(2026, 3, 27), 10, 'working_day', 'BE', D(2026, 4, 13)),
                (D(2026, 3, 27), 10, 'working_day', 'NL', D(2026, 4, 14)),
                (D(2025, 12, 23), 3, 'working_day', 'BE', D(2025, 12, 29)),
                (D(2025, 12, 23), 3, 'working_day', 'NL', D(2025, 12, 30)),
                (D(2026, 5, 22), 1, 'working_day', 'BE', D(2026, 5, 26)),
                ])

    def test_weeks_awb(self):
        "Dutch Awb: six weeks, extended once by four"
        self.check([
                (D(2026, 3, 17), 6, 'week', 'NL', D(2026, 4, 28)),
                # ends on King's Day, Monday 27 April
                (D(2026, 3, 16), 6, 'week', 'NL', D(2026, 4, 28)),
                (D(2026, 3, 16), 6, 'week', 'BE', D(2026, 4, 27)),
                # the extension counts from the first end; Pentecost
                # Monday 25 May
                (D(2026, 4, 27), 4, 'week', 'NL', D(2026, 5, 26)),
                # ten weeks with an advisory committee
                (D(2026, 3, 16), 10, 'week', 'NL', D(2026, 5, 26)),
                ])

    def test_months(self):
        "One month: month ends are clamped, weekends moved on"
        self.check([
                (D(2026, 1, 31), 1, 'month', 'BE', D(2026, 3, 2)),
                (D(2026, 3, 31), 1, 'month', 'BE', D(2026, 4, 30)),
                (D(2026, 1, 15), 1, 'month', 'BE', D(2026, 2, 16)),
                (D(2028, 1, 31), 1, 'month', 'NL', D(2028, 2, 29)),
                (D(2026, 11, 30), 1, 'month', 'BE', D(2026, 12, 30)),
                ])

    def test_no_country(self):
        "Without a country only weekends are days off"
        self.assertEqual(
            term_end(D(2026, 4, 1), 5, 'day', None), D(2026, 4, 6))
        self.assertEqual(
            term_end(D(2026, 4, 1), 5, 'day', None, to_working_day=False),
            D(2026, 4, 6))
        self.assertEqual(
            term_end(D(2026, 4, 1), 3, 'day', None, to_working_day=False),
            D(2026, 4, 4))

    def test_days_between(self):
        "Days left, negative when overdue"
        self.assertEqual(days_between(D(2026, 4, 1), D(2026, 4, 11)), 10)
        self.assertEqual(days_between(D(2026, 4, 11), D(2026, 4, 1)), -10)
        self.assertEqual(days_between(
                D(2026, 4, 1), D(2026, 4, 10), 'working_day', 'BE'), 6)
        self.assertEqual(days_between(
                D(2026, 4, 10), D(2026, 4, 1), 'working_day', 'BE'), -6)

    def test_local_today(self):
        "Today is the municipality's date, also on the nights of DST"
        utc = dt.timezone.utc
        cases = [
            (dt.datetime(2026, 3, 28, 23, 30, tzinfo=utc),
                'Europe/Brussels', D(2026, 3, 29)),
            (dt.datetime(2026, 3, 29, 22, 30, tzinfo=utc),
                'Europe/Amsterdam', D(2026, 3, 30)),
            (dt.datetime(2026, 3, 29, 21, 59, tzinfo=utc),
                'Europe/Amsterdam', D(2026, 3, 29)),
            (dt.datetime(2026, 10, 24, 22, 30, tzinfo=utc),
                'Europe/Brussels', D(2026, 10, 25)),
            (dt.datetime(2026, 10, 25, 22, 30, tzinfo=utc),
                'Europe/Brussels', D(2026, 10, 25)),
            (dt.datetime(2026, 10, 25, 23, 0, tzinfo=utc),
                'Europe/Brussels', D(2026, 10, 26)),
            ]
        for now, timezone, expected in cases:
            with self.subTest(now=now, timezone=timezone):
                self.assertEqual(local_today(timezone, now), expected)


class TermReferenceTestCase(unittest.TestCase):
    "Every start day of 2026 and 2027 against a day-by-day reference"

    @staticmethod
    def reference_working(start, number, country):
        day, counted = start, 0
        while counted < number:
            day += dt.timedelta(days=1)
            if day.weekday() < 5 and is_working_day(day, country):
                counted += 1
        return day

    def test_against_reference(self):
        start = D(2026, 1, 1)
        for offset in range(730):
            day = start + dt.timedelta(days=offset)
            for country in ['BE', 'NL']:
                for number in [1, 5, 10, 30, 45]:
                    end = term_end(day, number, 'day', country)
                    self.assertTrue(is_working_day(end, country))
                    self.assertGreaterEqual(
                        end, day + dt.timedelta(days=number))
                    self.assertLess(
                        end, day + dt.timedelta(days=number + 6))
                    self.assertEqual(
                        add_working_days(day, number, country),
                        self.reference_working(day, number, country))
                for number in [1, 6, 10]:
                    end = term_end(day, number, 'week', country)
                    self.assertTrue(is_working_day(end, country))
                    self.assertGreaterEqual(end, day + dt.timedelta(
                            weeks=number))
