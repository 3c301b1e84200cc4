# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Woo export (Wet open overheid art. 3.3a) read back with openpyxl:
the judgements of the period, anonymised, for coordinators and the
complaints administrator only."""
import datetime as dt
import io
import unittest

from openpyxl import load_workbook

from klachten_base.tests.tools import set_user, xml_id
from proteus import Model, Report, Wizard
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError

from .test_yearly import (
    DESCRIPTION, EMAILS, END, NAMES, START, YEAR, YearFixture)


class WooExportTestCase(YearFixture, unittest.TestCase):
    "The Woo export"

    def export(self, start=START, end=END):
        extension, content, _, name = Report('klachten.woo.export').execute(
            [], {'period_start': start.isoformat(),
                'period_end': end.isoformat()})
        self.assertEqual(extension, 'xlsx')
        return load_workbook(io.BytesIO(bytes(content))), name

    def test_export(self):
        "One anonymised row per judgement of the period, in decision order"
        set_user('coordinator', self.config)
        workbook, name = self.export()
        self.assertIn(START.isoformat(), name)
        sheet, totals = workbook.worksheets
        rows = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(rows[0], ["Number", "Received On", "Subject",
                "Concerned Department", "Outcome", "Norms", "Resolved",
                rows[0][7]])
        rows = rows[1:]
        c = self.complaints
        numbers = [c[i].number for i in [8, 1, 2, 3, 4, 6, 10, 12]]
        self.assertEqual([r[0] for r in rows], numbers)
        by_number = {r[0]: r for r in rows}
        norm = Model.get('klachten.norm')
        vo01, vo02 = (norm(xml_id(f'norm_{n}', 'klachten_report'))
            for n in ['vo01', 'vo02'])
        self.assertEqual(by_number[c[1].number][1:], [
                # the subject admit() gives every admitted complaint
                dt.datetime(YEAR, 1, 10), "Dienstverlening", "Burgerzaken",
                "Founded",
                f"{vo01.code} {vo01.name}; {vo02.code} {vo02.name}",
                "Resolved", 22])
        self.assertEqual(by_number[c[4].number][3:5],
            ["Omgeving", "Partly Founded"])
        self.assertEqual(by_number[c[4].number][6:], ["Partly Resolved", 70])
        self.assertEqual(by_number[c[6].number][4], "Inadmissible")
        self.assertEqual(by_number[c[6].number][7], 18)
        self.assertEqual(by_number[c[3].number][4], "Resolution on the Spot")
        self.assertEqual(by_number[c[3].number][7], 0)
        # reopened after a disagreement: its last judgement only
        self.assertEqual(by_number[c[2].number][4], "Unfounded")
        self.assertEqual(by_number[c[2].number][7], 26)

        total = [[c.value for c in row] for row in totals.iter_rows()]
        self.assertIn(["Complaints", 8], total)
        self.assertIn(["Founded", 3], total)

        cells = [str(cell.value) for ws in workbook.worksheets
            for row in ws.iter_rows() for cell in row if cell.value]
        for secret in NAMES + EMAILS + [DESCRIPTION, "Janssens",
                "Handler1", "Coordinator", "Opgelost", "Besluit",
                "Gemotiveerd"]:
            self.assertFalse([v for v in cells if secret in v], secret)

    def test_other_period(self):
        "Only the judgements of the period"
        set_user('klachtenadmin', self.config)
        workbook, _ = self.export(
            dt.date(YEAR - 1, 1, 1), dt.date(YEAR - 1, 12, 31))
        rows = list(workbook.worksheets[0].iter_rows(min_row=2))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0][4].value, "Inadmissible")

    def test_wizard(self):
        "The coordinator runs the wizard over the period she chooses"
        set_user('coordinator', self.config)
        wizard = Wizard('klachten.woo.export.wizard')
        self.assertEqual(wizard.form.period_start, START)
        self.assertEqual(wizard.form.period_end, END)
        wizard.execute('export')
        (extension, content, _, _), = wizard.actions
        self.assertEqual(extension, 'xlsx')
        workbook = load_workbook(io.BytesIO(bytes(content)))
        self.assertEqual(workbook.worksheets[0].max_row, 9)

    def test_access(self):
        "Refused to everyone but coordinators and the administrator"
        for login in ['handler1', 'head', 'observer', 'receiver']:
            set_user(login, self.config)
            with self.assertRaises(AccessError):
                self.export()
            with self.assertRaises((AccessError, UserError)):
                Wizard('klachten.woo.export.wizard')
