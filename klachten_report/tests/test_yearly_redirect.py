# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A redirected complaint in the yearly report and the register: not a
complaint, forwarded."""
import datetime as dt
import io

from openpyxl import load_workbook

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import (
    create_complainant, create_complaint, run_wizard, set_user)
from proteus import Model, Report
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..registry import COLUMN


class YearlyRedirectTestCase(MunicipalityTestCase):
    "Redirected complaints are counted as forwarded, not complaints"
    modules = ['klachten_report']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('klachtenadmin')
        target = Model.get('klachten.redirect.target')(kind='question',
            method='link', name="the information desk")
        target.save()
        set_user('coordinator')
        today = dt.date.today()
        cls.redirected = create_complaint(
            create_complainant("Nora Peeters", 'nora@example.org'),
            received_date=today)
        Target = Model.get('klachten.redirect.target')
        cls.redirected = run_wizard('redirect', cls.redirected,
            kind='question', target=Target(target.id), inform=False)
        cls.other = create_complaint(anonymous=True, received_date=today)

    def test_yearly_counts(self):
        "The redirected complaint is not a complaint and forwarded"
        from ..yearly import compute
        today = dt.date.today()
        database = self.config.database_name
        with Transaction().start(database, 0, readonly=True):
            company, = Pool(database).get('company.company').search([])
            volume = compute(company, today.replace(month=1, day=1),
                today)['volume']
        self.assertEqual(
            (volume['received'], volume['not_a_complaint'],
                volume['forwarded']), (2, 1, 1))

    def test_register_column(self):
        "The register says what it was redirected as"
        set_user('coordinator', self.config)
        Complaint = Model.get('klachten.complaint')
        complaints = Complaint.find([])
        _, content, _, _ = Report('klachten.complaint.register').execute(
            complaints, {})
        sheet = load_workbook(io.BytesIO(bytes(content))).worksheets[0]
        column = {row[COLUMN['number']].value:
            row[COLUMN['redirected_as']].value
            for row in sheet.iter_rows(min_row=2)}
        self.assertEqual(sheet.cell(1, COLUMN['redirected_as'] + 1).value,
            "Redirected As")
        self.assertEqual(column, {
                self.redirected.number: "Question",
                self.other.number: None})
