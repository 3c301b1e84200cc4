# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The proof of issue 15: a canary (a unique name, e-mail address, phone
number and file) planted in every place where a complaint carries personal
data, with every module activated; the Flemish retention preset, five
years and a bit later the retention cron: a dump of the whole database
(history tables included) and the file store hold no canary, the yearly
report counts the same, and a complaint under legal hold keeps its own.
The Woo export and the yearly report never carry the canary, even before
the cut."""
import datetime as dt
import io
import json
import unittest
import zipfile

from openpyxl import load_workbook

from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, database_dump,
    file_store_text, found_in, run_wizard, set_user, setup_municipality,
    travel)
from klachten_notula.tests.tools import (
    apply_status, create_proposal, in_conclusion)
from proteus import Model, Report, Wizard
from proteus import config as pconfig
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

MODULES = ['klachten_portal', 'klachten_advies', 'klachten_report',
    'klachten_notula']
NAME = "Zwaluw Kwikfluit"
EMAIL = 'zwaluw.kwikfluit@example.org'
PHONE = '+32 470 73 19 73'
FILE = b'the letter of zwaluw kwikfluit, +32470731973'
# what must not be found (lower case); the hold complaint's canary
CANARIES = ['kwikfluit', '470731973', '470 73 19 73']
HOLD_NAME = "Ijsvogel Holdenaar"
HOLD_CANARY = 'holdenaar'
TODAY = dt.date.today()
# what the modules other than klachten_base add to an access request
MODULE_SECTIONS = ['portal_accounts', 'survey_answers', 'advice_requests',
    'documents', 'structural_measures', 'draft_decisions']
# past the Flemish five years after closing
LATER = 5 * 366 + 40


def text(*parts):
    "A text of the canary"
    return ' '.join(parts + (f"— {NAME}, {EMAIL}, {PHONE}",))


class CanaryTestCase(unittest.TestCase):
    "Retention leaves no trace of the complainant"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules(MODULES)
        cls.addClassCleanup(drop_db)
        cls.config = pconfig.get_config()
        cls.db = cls.config.database_name
        cls.ns = setup_municipality()
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.letter_mode = 'never'
        configuration.feedback = 'on_request'
        configuration.save()

    def in_transaction(self, function):
        "Call function() as root in a transaction of its own, committed"
        with Transaction().start(self.db, 0) as transaction:
            result = function(Pool(self.db))
            transaction.commit()
        return result

    # planting
    def plant(self):
        "The complaint of the canary, closed, with every place filled"
        set_user('coordinator')
        party = create_complainant(NAME, EMAIL)
        party.contact_mechanisms.new(type='phone', value=PHONE)
        address, = party.addresses or [party.addresses.new()]
        address.street = "Kwikfluitstraat 7"
        party.save()
        complaint = create_complaint(party,
            short_description=text("Brief niet beantwoord"),
            description=text("Ik schreef op 3 maart."),
            remedy_sought=text("Een antwoord"))
        Attachment = Model.get('ir.attachment')
        Attachment(resource=complaint, name='kwikfluit.txt', type='data',
            data=FILE).save()
        Note = Model.get('ir.note')
        Note(resource=complaint, message=text("Belde op")).save()
        complaint = run_wizard('request_information', complaint,
            recipient='complainant', question=text("Welke brief?"))
        complaint = admit(complaint, self.ns, user='handler1', inform=True,
            note=text("Ontvankelijk"))
        self.advice(complaint)
        self.sub_investigation(complaint)
        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.report = text("Verslag")
        complaint.outcome = 'founded'
        complaint.solution = text("Oplossing")
        complaint.outcome_motivation = text("Motivering")
        complaint.draft_reply = text("Opzet")
        complaint.save()
        # the hearing's texts: a waiver first, then the hearing held
        complaint = run_wizard('hearing', complaint, action='waive',
            motivation=text("Ziet af"))
        complaint = run_wizard('hearing', complaint, action='report',
            report=text("Hoorverslag"))
        complaint.click('finalise_report')
        self.plain_language_review(complaint)
        set_user('coordinator')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.click('make_report_pdf')
        proposal = create_proposal(complaint, title=text("Klacht"),
            motivation=text("Motivering"),
            decision_proposal=text("Besluit"))
        self.in_transaction(lambda pool: pool.get(
                'klachten.notula.proposal').make_documents([pool.get(
                        'klachten.notula.proposal')(proposal.id)]))
        apply_status(proposal, 'decided', decision={
                'text': text("Het college besluit"),
                'date': TODAY.isoformat(), 'result': 'approved'})
        complaint = run_wizard('conclude', complaint,
            conclusion=text("Besluit"), inform=False,
            request_feedback=False, resolved='yes',
            structural_measure=text("Maatregel"))
        self.assertEqual(complaint.state, 'closed')
        self.in_transaction(lambda pool: self.plant_root(pool, complaint))
        return complaint

    def advice(self, complaint):
        "An internal advice answered with a file, an external one asked"
        set_user('handler1')
        complaint = run_wizard('request_advice',
            Model.get('klachten.complaint')(complaint.id),
            question=text("Stond het bord er?"),
            advisor_department=Model.get('klachten.department')(
                self.ns.departments['OM'].id),
            advisor_role=Model.get('klachten.role')(
                self.ns.roles['handler'].id),
            advisor_user=Model.get('res.user')(self.ns.users['handler3'].id))
        complaint = run_wizard('request_advice', complaint,
            question=text("Was het loket open?"), kind='external',
            advisor_name="Els Kwikfluit",
            advisor_email='els.kwikfluit@example.org')
        internal, = [r for r in complaint.advice_requests
            if r.kind == 'internal']
        set_user('handler3')
        wizard = Wizard('klachten.advice.request.answer',
            [Model.get('klachten.advice.request')(internal.id)])
        wizard.form.answer = text("Het bord stond er")
        wizard.form.files.new(name='advies-kwikfluit.txt', data=FILE)
        wizard.execute('confirm')

    def sub_investigation(self, complaint):
        "Omgeving asked part of the investigation, and its report"
        set_user('handler1')
        run_wizard('sub_investigation',
            Model.get('klachten.complaint')(complaint.id),
            department=Model.get('klachten.department')(
                self.ns.departments['OM'].id),
            user=Model.get('res.user')(self.ns.users['handler3'].id),
            question=text("Kreeg de buurman dezelfde brief?"))
        set_user('handler3')
        sub, = Model.get('klachten.sub_investigation').find([
                ('complaint', '=', complaint.id), ('mine', '=', True)])
        wizard = Wizard('klachten.sub_investigation.report', [sub])
        wizard.form.report = text("Deelverslag")
        wizard.execute('confirm')

    def plain_language_review(self, complaint):
        "Omgeving's handlers review the reply in plain language (B1)"
        set_user('coordinator')
        run_wizard('plain_language_review',
            Model.get('klachten.complaint')(complaint.id),
            department=Model.get('klachten.department')(
                self.ns.departments['OM'].id),
            role=Model.get('klachten.role')(self.ns.roles['handler'].id),
            note=text("Is het antwoord B1?"))
        set_user('handler3')
        Task = Model.get('klachten.task')
        task, = Task.find([('complaint', '=', complaint.id),
                ('kind', '=', 'plain_language_review'),
                ('state', '=', 'open')])
        task.comment = text("Zin 2 is te lang")
        task.save()
        task.click('do')

    def plant_root(self, pool, complaint):
        "What only the portal, the chat and the outbox write"
        Complaint = pool.get('klachten.complaint')
        Channel = pool.get('ir.chat.channel')
        Survey = pool.get('klachten.survey.answer')
        Token = pool.get('klachten.portal.token')
        WebUser = pool.get('web.user')
        complaint = Complaint(complaint.id)
        Channel.post(complaint, text("Bericht"), 'internal')
        Token.issue(complaint, 'survey', TODAY)
        Survey.create([{
                    'complaint': complaint.id, 'score': 2, 'date': TODAY,
                    'comment': text("Traag"),
                    }])
        WebUser.create([{
                    'email': EMAIL, 'party': complaint.complainant.id,
                    'email_valid': True,
                    }])

    def hold(self):
        "A cancelled complaint under legal hold"
        set_user('coordinator')
        complaint = create_complaint(create_complainant(
                HOLD_NAME, 'ijsvogel.holdenaar@example.org'),
            description=f"De klacht van {HOLD_NAME}.")
        complaint = run_wizard('cancel', complaint, reason="Ingetrokken.")
        self.in_transaction(lambda pool: pool.get(
                'klachten.complaint').place_legal_hold(
                [pool.get('klachten.complaint')(complaint.id)],
                "Procedure bij de Vlaamse Ombudsdienst"))
        return complaint

    def cancelled(self):
        """A cancelled complaint of the canary with advice asked and a
        withdrawn draft decision: the preset anonymises it, it keeps
        counting in the yearly report"""
        complaint = in_conclusion(self.ns, create_complainant(
                NAME, 'tweede.kwikfluit@example.org'),
            description=text("Tweede klacht"))
        complaint = run_wizard('request_advice', complaint,
            question=text("Klopt het verslag?"),
            advisor_department=Model.get('klachten.department')(
                self.ns.departments['OM'].id),
            advisor_role=Model.get('klachten.role')(
                self.ns.roles['handler'].id))
        proposal = create_proposal(complaint, title=text("Tweede"))
        # Notula's key of the item: kept with the skeleton, no canary
        apply_status(proposal, 'submitted', reference='R-0002')
        complaint = run_wizard('cancel', complaint,
            reason=text("Ingetrokken"))
        self.assertEqual(complaint.state, 'cancelled')
        return complaint

    # looking
    def dump(self):
        "The whole database as lower-case text"
        return database_dump(self.db)

    def file_store(self):
        "The files of the database's file store, as lower-case text"
        return file_store_text(self.db)

    def found(self, haystack, canaries=CANARIES):
        return found_in(haystack, canaries)

    def tables(self):
        "The yearly report's tables of this year"
        from klachten_report.yearly import compute

        def read(pool):
            company, = pool.get('company.company').search([])
            return compute(company, dt.date(TODAY.year, 1, 1),
                dt.date(TODAY.year, 12, 31))
        return self.in_transaction(read)

    def woo_export(self):
        set_user('coordinator')
        _, content, _, _ = Report('klachten.woo.export').execute([], {
                'period_start': dt.date(TODAY.year, 1, 1).isoformat(),
                'period_end': dt.date(TODAY.year, 12, 31).isoformat()})
        workbook = load_workbook(io.BytesIO(bytes(content)))
        return '\n'.join(str(c.value) for ws in workbook.worksheets
            for row in ws.iter_rows() for c in row).lower()

    def test_canary(self):
        "After the retention cron no canary is left, the counts stay"
        complaint = self.plant()
        held = self.hold()
        # anonymised by the preset's rule: it stays in the counts
        cancelled = self.cancelled()
        self.assertTrue(self.found(self.dump()), "the canary was not planted")
        self.assertTrue(self.found(self.file_store()))
        before = self.tables()
        woo = self.woo_export()
        self.assertIn(complaint.number.lower(), woo)
        self.assertEqual(self.found(woo + repr(before).lower(),
                CANARIES + [HOLD_CANARY]), [])

        self.assertEqual(self.access_request(), ['advice_requests',
                'documents', 'draft_decisions', 'portal_accounts',
                'structural_measures', 'survey_answers'])

        set_user('coordinator')
        Wizard('klachten.retention.preset').execute('apply')
        set_user('admin')
        Cron = Model.get('ir.cron')
        cron, = Cron.find([
                ('method', '=', 'klachten.complaint|run_retention')])
        with travel(LATER, self.db):
            cron.click('run_once')

        dump = self.dump()
        self.assertEqual(self.found(dump), [], "canary in the database:\n"
            + '\n'.join(line[:300] for line in dump.splitlines()
                if self.found(line)))
        self.assertEqual(self.found(self.file_store()), [],
            "canary in the file store")
        self.assertEqual(self.tables(), before)
        self.assertIn(HOLD_CANARY, dump, "the held complaint was cut")
        Complaint = Model.get('klachten.complaint')
        self.assertEqual(Complaint(complaint.id).anonymised,
            TODAY + dt.timedelta(days=LATER))
        self.assertFalse(Complaint(held.id).anonymised)
        self.assertEqual(Complaint(cancelled.id).anonymised,
            TODAY + dt.timedelta(days=LATER))
        with self.assertRaisesRegex(UserError, "nothing to export"):
            self.access_request()

    def access_request(self):
        """The sections of the modules in the coordinator's access request
        of the canary's e-mail address, checked to hold her data"""
        set_user('coordinator')
        wizard = Wizard('klachten.retention.access')
        wizard.form.email = EMAIL
        wizard.execute('check')
        (_, content, _, _), = wizard.actions
        archive = zipfile.ZipFile(io.BytesIO(bytes(content)))
        data = json.loads(archive.read('personal_data.json'))
        sections = sorted(n for n in MODULE_SECTIONS if data.get(n))
        # a document's entry names it; its files come with the complaint's
        for name in set(sections) - {'documents'}:
            self.assertIn('kwikfluit', json.dumps(data[name]).lower(), name)
        files = [archive.read(n) for n in data['files']]
        # the complaint's, the advice's
        self.assertEqual(files.count(FILE), 2)
        return sections
