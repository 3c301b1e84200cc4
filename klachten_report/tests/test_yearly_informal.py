# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The informal track in klachten_report (issue 16 item 9): the summary of
an informal complaint answered by letter is its reasoned reply letter, and
the yearly report counts informal, formal and converted complaints."""
import datetime as dt

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import (
    create_complainant, create_complaint, run_wizard, set_user)
from proteus import Model, Wizard
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from ..yearly import compute
from .tools import docx_rows, docx_text

TODAY = dt.date.today()


class InformalReportTestCase(MunicipalityTestCase):
    "The informal track in klachten_report: letters and the yearly report"
    modules = ['klachten_report']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('admin')
        Configuration = Model.get('klachten.configuration')
        configuration = Configuration(1)
        configuration.letter_pdf = False
        configuration.save()
        set_user('coordinator')
        cls.complainant = create_complainant(name="Piet Claes", email=None)

    def test_letter_and_yearly_counts(self):
        "Answered by letter on paper; counted informal, formal, converted"
        set_user('coordinator')
        answered, converted = (create_complaint(self.complainant,
                received_date=TODAY, channel='phone', track='informal',
                short_description=d) for d in ["Loket", "Aanslag"])
        answered = run_wizard('answer_informal', answered,
            answer_by='letter', summary="Uw aanslag is herzien.",
            basis='content')
        converted.click('make_formal')
        Document = Model.get('klachten.document')
        letter, = Document.find([('complaint', '=', answered.id),
                ('kind', '=', 'reasoned_reply')])
        self.assertIn("Uw aanslag is herzien.",
            docx_text(letter.docx_file))
        with Transaction().start(DB_NAME, 0, readonly=True):
            company, = Pool().get('company.company').search([])
            tables = compute(company, dt.date(TODAY.year, 1, 1),
                dt.date(TODAY.year, 12, 31))
        self.assertEqual(tables['converted'], 1)
        self.assertEqual(tables['channels'], {
                ('phone', 'formal'): 1, ('phone', 'informal'): 1})
        self.assertEqual(tables['tracks']['informal']['decided'], 1)
        # the Word report (in the company's language, English here) shows
        # the converted ones, hidden under 3
        set_user('coordinator')
        wizard = Wizard('klachten.yearly.report.make')
        wizard.form.period_start = dt.date(TODAY.year, 1, 1)
        wizard.form.period_end = dt.date(TODAY.year, 12, 31)
        wizard.execute('make')
        Report = Model.get('klachten.yearly.report')
        report, = Report.find([], order=[('id', 'DESC')], limit=1)
        self.assertIn(("Informal complaints handled formally at the "
                "complainant's request", "< 3"), docx_rows(report.docx_file))
