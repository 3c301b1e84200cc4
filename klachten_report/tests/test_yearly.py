# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The yearly report: every table against a year of complaints computed
by hand (the hard cases among them), the Word document and its PDF read
back with their charts, who may make it, and that no person is named."""
import datetime as dt
import io
import subprocess
import tempfile
import unittest
from contextlib import contextmanager

from docx import Document

from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, run_wizard, set_user,
    setup_municipality, travel, xml_id)
from proteus import Model, Wizard
from proteus import config as pconfig
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

from ..yearly_report import suppress
from .tools import docx_text, pdf_text

YEAR = dt.date.today().year - 1
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
NAMES = ["Jan Janssens", "Griet Vermeulen"]
EMAILS = ["jan.janssens@example.org", "griet.vermeulen@example.org"]
DESCRIPTION = "Klacht van Jan Janssens over de buurman Piet"


def day(month, day_, year=YEAR):
    return dt.date(year, month, day_)


@contextmanager
def on(date):
    "Act on date (the workflow's today)"
    with travel((date - dt.date.today()).days):
        yield


def compute_tables(config, start=START, end=END):
    "The tables of the yearly report, computed in a transaction of its own"
    from ..yearly import compute
    database = config.database_name
    with Transaction().start(database, 0, readonly=True):
        Company = Pool(database).get('company.company')
        company, = Company.search([])
        return compute(company, start, end)


def message(fs_id, language):
    "The text of a message of the module in language"
    Message = Model.get('ir.message')
    with pconfig.get_config().set_context(language=language):
        return Message(xml_id(fs_id, 'klachten_report')).text


def selection_labels(config, model, field, language):
    "{key: label} of a selection field in language"
    database = config.database_name
    with Transaction().start(database, 0, readonly=True), \
            Transaction().set_context(language=language):
        Model = Pool(database).get(model)
        return dict(Model.fields_get([field])[field]['selection'])


def pdf_image_count(data):
    with tempfile.NamedTemporaryFile(suffix='.pdf') as file:
        file.write(bytes(data))
        file.flush()
        listing = subprocess.run(['pdfimages', '-list', file.name],
            check=True, capture_output=True, timeout=60).stdout.decode()
    # an image with transparency has a soft mask (smask) of its own
    return sum(1 for line in listing.splitlines()[2:]
        if line.split()[2] == 'image')


class YearFixture:
    "A municipality with a year of complaints (make_year)"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('klachten_report')
        cls.config = pconfig.get_config()
        Lang = Model.get('ir.lang')
        for code in ['nl', 'fr']:
            lang, = Lang.find([('code', '=', code)])
            lang.translatable = True
            lang.save()
        Lang.find([('code', '=', 'nl')])[0].click('load_translations')
        cls.ns = setup_municipality()
        # the company's language is the report's
        party = Model.get('party.party')(cls.ns.company.party.id)
        party.lang, = Lang.find([('code', '=', 'nl')])
        party.save()
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.letter_mode = 'never'
        configuration.feedback = 'on_request'
        configuration.inhabitants = 10_000
        configuration.save()
        cls.make_year()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    @classmethod
    def complaint(cls, received, register=True, **values):
        party = create_complainant(NAMES[len(values) % 2],
            EMAILS[len(values) % 2])
        with on(received):
            return create_complaint(party, received_date=received,
                register=register, short_description=DESCRIPTION, **values)

    @classmethod
    def investigate(cls, complaint, outcome, date):
        Complaint = Model.get('klachten.complaint')
        with on(date):
            set_user('handler1')
            complaint = Complaint(complaint.id)
            complaint.outcome = outcome
            complaint.solution = "Opgelost."
            complaint.outcome_motivation = "Gemotiveerd."
            complaint.save()
            complaint.click('finalise_report')
            set_user('coordinator')
        return Complaint(complaint.id)

    @classmethod
    def conclude(cls, complaint, date, norms=(), resolved=None,
            feedback=False):
        Norm = Model.get('klachten.norm')
        values = {}
        if resolved:
            values['resolved'] = resolved
        with on(date):
            return run_wizard('conclude', complaint, conclusion="Besluit.",
                inform=False, request_feedback=feedback,
                norms=[Norm(xml_id(f'norm_{n}', 'klachten_report'))
                    for n in norms], **values)

    @classmethod
    def inadmissible(cls, complaint, date, ground, feedback=False):
        Ground = Model.get('klachten.inadmissibility_ground')
        with on(date):
            return run_wizard('inadmissible', complaint,
                grounds=[Ground(xml_id(f'ground_{ground}'))],
                motivation="Niet ontvankelijk.", request_feedback=feedback)

    @classmethod
    def admit(cls, complaint, date, **values):
        with on(date):
            return admit(complaint, cls.ns, **values)

    @classmethod
    def make_year(cls):
        """A year of complaints (doc/yearly.rst's populations):

        c1  email formal, suspended a day, founded, feedback asked and
            agreed (22 days)
        c2  letter, inadmissible, disagreement, admissible, unfounded
        c3  phone, informal, resolved on the spot (0 days, no term)
        c4  counter, about OM, extended, partly founded (70 days)
        c5  email, admitted then cancelled
        c6  web form, inadmissible after the notice term (18 days)
        c7  email, still under investigation at the year's end
        c8  received the year before, founded this year (41 days)
        c9  received and inadmissible the year before
        c10 email, inadmissible within the notice term (2 days)
        c11 a draft, never registered
        c12 email, founded late (80 days), feedback asked, no answer
        """
        set_user('coordinator')
        Department = Model.get('klachten.department')
        om = Department(cls.ns.departments['OM'].id)
        c = {}
        c[1] = cls.complaint(day(1, 10), channel='email')
        # its terms suspended a day while the complainant was asked
        with on(day(1, 10)):
            c[1] = run_wizard('request_information', c[1],
                question="Welke dag?", suspend=True)
        with on(day(1, 11)):
            request = Model.get('klachten.information.request')(
                c[1].information_requests[0].id)
            request.answer = "Maandag."
            request.save()
            request.click('record_answer')
        cls.admit(c[1], day(1, 12), basis='treatment')
        c[1] = cls.investigate(c[1], 'founded', day(1, 25))
        c[1] = cls.conclude(c[1], day(2, 1), norms=['vo01', 'vo02'],
            resolved='yes', feedback=True)
        with on(day(2, 5)):
            c[1].click('agree')

        c[2] = cls.complaint(day(2, 3), channel='letter')
        c[2] = cls.inadmissible(c[2], day(2, 6), 'not_complaint',
            feedback=True)
        with on(day(2, 10)):
            c[2] = run_wizard('disagree', c[2], comment="Wel een klacht.")
        c[2] = cls.admit(c[2], day(2, 11), basis='communication')
        c[2] = cls.investigate(c[2], 'unfounded', day(2, 20))
        c[2] = cls.conclude(c[2], day(3, 1))

        c[3] = cls.complaint(day(3, 3), register=False, channel='phone',
            track='informal')
        with on(day(3, 3)):
            run_wizard('resolve', c[3], resolution="Ter plaatse opgelost.")

        c[4] = cls.complaint(day(4, 1), channel='counter')
        c[4] = cls.admit(c[4], day(4, 3), basis='treatment',
            concerns='department', concerned_department=om)
        with on(day(5, 1)):
            c[4] = run_wizard('extend', c[4], reason="Advies nodig.")
        c[4] = cls.investigate(c[4], 'partly_founded', day(6, 1))
        c[4] = cls.conclude(c[4], day(6, 10), norms=['vo01'],
            resolved='partly')

        c[5] = cls.complaint(day(5, 5), channel='email')
        c[5] = cls.admit(c[5], day(5, 7))
        with on(day(5, 20)):
            run_wizard('cancel', c[5], reason="Dubbel.")

        c[6] = cls.complaint(day(6, 2), channel='web_form')
        cls.inadmissible(c[6], day(6, 20), 'older_than_year')

        c[7] = cls.complaint(day(11, 20), channel='email')
        cls.admit(c[7], day(11, 21))

        c[8] = cls.complaint(day(12, 10, YEAR - 1), channel='letter')
        c[8] = cls.admit(c[8], day(12, 12, YEAR - 1))
        c[8] = cls.investigate(c[8], 'founded', day(1, 10))
        cls.conclude(c[8], day(1, 20), norms=['vo01'], resolved='yes')

        c[9] = cls.complaint(day(6, 1, YEAR - 1), channel='email')
        cls.inadmissible(c[9], day(6, 5, YEAR - 1), 'not_complaint')

        c[10] = cls.complaint(day(7, 1), channel='email')
        cls.inadmissible(c[10], day(7, 3), 'not_complaint')

        cls.complaint(day(8, 1), register=False, channel='email')

        c[12] = cls.complaint(day(9, 1), channel='email')
        c[12] = cls.admit(c[12], day(9, 3))
        c[12] = cls.investigate(c[12], 'founded', day(11, 1))
        cls.conclude(c[12], day(11, 20), norms=['vo03'], resolved='no',
            feedback=True)
        cls.complaints = c
        cls.make_actions()

    @classmethod
    def make_actions(cls):
        Department = Model.get('klachten.department')
        Action = Model.get('klachten.improvement.action')
        User = Model.get('res.user')
        bz = Department(cls.ns.departments['BZ'].id)
        action = Action(description="Wachttijd aan het loket verkorten",
            department=bz, due_date=day(10, 1), recommendation=True)
        action.save()
        for due in [day(3, 1), day(3, 1, YEAR - 1)]:
            action = Action(description="Antwoordsjabloon herschrijven",
                user=User(cls.ns.users['handler1'].id), due_date=due)
            action.save()
            action.click('done')


class YearlyReportTestCase(YearFixture, unittest.TestCase):
    "The yearly report"

    def test_tables(self):
        "Every table equals the hand count"
        tables = compute_tables(self.config)
        self.assertEqual(tables['volume'], {
                'received': 9, 'cancelled': 1, 'carried_over': 1,
                'open_at_end': 2, 'not_a_complaint': 1,
                'forwarded': 0, 'inhabitants': 10_000,
                'per_1000': 0.9, 'per_1000_admissible': 0.6,
                })
        self.assertEqual([r['received'] for r in tables['trend']],
            [0, 0, 0, 2, 9])
        self.assertEqual(tables['trend'][-1]['start'], START)
        self.assertEqual(tables['trend'][0]['start'],
            dt.date(YEAR - 4, 1, 1))
        self.assertEqual(tables['admissibility'], {
                'admissible': 6, 'inadmissible': 2, 'undecided': 1})
        self.assertEqual(tables['channels'], {
                ('email', 'formal'): 5, ('letter', 'formal'): 1,
                ('phone', 'informal'): 1, ('counter', 'formal'): 1,
                ('web_form', 'formal'): 1})
        set_user('admin')
        grounds = {xml_id('ground_older_than_year'): 1,
            xml_id('ground_not_complaint'): 1}
        self.assertEqual(tables['grounds'], grounds)
        self.assertEqual(tables['refusals'], {'total': 2, 'in_time': 1})
        self.assertEqual(tables['outcomes'], {
                'founded': 3, 'unfounded': 1, 'partly_founded': 1,
                'inadmissible': 2, 'resolved': 1})
        self.assertEqual(tables['resolved'], {
                'yes': 2, 'partly': 1, 'no': 1})
        norm = {n: xml_id(f'norm_{n}', 'klachten_report')
            for n in ['vo01', 'vo02', 'vo03']}
        self.assertEqual(tables['norms'], {
                norm['vo01']: 3, norm['vo02']: 1, norm['vo03']: 1})
        self.assertEqual(tables['lead_time'], {
                'decided': 8, 'termed': 7, 'within_term': 6, 'extended': 1,
                'suspended': 1, 'within_target': 2,
                'average': 259 / 8, 'median': 24, 'target': 7})
        self.assertEqual(tables['tracks']['formal'], {
                'decided': 7, 'termed': 7, 'within_term': 6,
                'extended': 1, 'suspended': 1, 'within_target': 1,
                'average': 37, 'median': 26, 'target': 7})
        self.assertEqual(tables['tracks']['informal']['decided'], 1)
        self.assertEqual(tables['tracks']['informal']['median'], 0)
        self.assertEqual(tables['tracks']['informal']['termed'], 0)
        bz, om = (self.ns.departments[k].id for k in ['BZ', 'OM'])
        self.assertEqual(tables['departments'], {
                bz: {'received': 5, 'admissible': 5, 'founded': 2},
                om: {'received': 1, 'admissible': 1, 'founded': 1},
                None: {'received': 3, 'admissible': 0, 'founded': 0},
                })
        self.assertEqual(tables['bases'], {
                # admit() gives every admitted complaint a basis
                'treatment': 5, 'communication': 1, None: 3})
        self.assertEqual(tables['satisfaction'], {
                'requested': 2, 'agree': 1, 'disagree': 0,
                'no_answer': 1})
        self.assertIsNone(tables['referrals'])
        self.assertEqual(tables['actions']['states'], {'open': 1, 'done': 1})
        self.assertEqual(tables['actions']['recommendations'], [{
                    'description': "Wachttijd aan het loket verkorten",
                    'department': bz, 'state': 'open',
                    'due_date': day(10, 1)}])

    def test_other_period(self):
        "A period counts its own complaints: the year before"
        tables = compute_tables(self.config,
            dt.date(YEAR - 1, 1, 1), dt.date(YEAR - 1, 12, 31))
        self.assertEqual(tables['volume']['received'], 2)
        self.assertEqual(tables['volume']['open_at_end'], 1)
        self.assertEqual(tables['volume']['carried_over'], 0)
        self.assertEqual(tables['lead_time']['decided'], 1)
        self.assertEqual(tables['refusals'], {'total': 1, 'in_time': 1})

    def test_suppress(self):
        "Counts under 3 are hidden, and one more when one alone is hidden"
        self.assertEqual(suppress([5, 1, 3, 0]), ['5', '< 3', '*', '0'])
        self.assertEqual(suppress([5, 1, 2]), ['5', '< 3', '< 3'])
        self.assertEqual(suppress([7, 4]), ['7', '4'])
        self.assertEqual(suppress([1]), ['< 3'])

    def make_report(self, login='coordinator', **values):
        set_user(login, self.config)
        wizard = Wizard('klachten.yearly.report.make')
        wizard.form.period_start = START
        wizard.form.period_end = END
        for name, value in values.items():
            setattr(wizard.form, name, value)
        wizard.execute('make')
        Report = Model.get('klachten.yearly.report')
        report, = Report.find([], order=[('id', 'DESC')], limit=1)
        return report

    def test_word_and_pdf(self):
        "The coordinator makes the report: tables, charts, no person"
        report = self.make_report()
        self.assertEqual(report.state, 'made')
        self.assertEqual(report.language, 'nl')
        self.assertEqual(report.variant, 'flemish')
        self.assertTrue(report.docx_name.endswith('.docx'))
        self.assertFalse(report.pdf_error)
        docx = bytes(report.docx_file)
        document = Document(io.BytesIO(docx))
        text = docx_text(docx)
        self.assertIn(f"Jaarverslag klachtenbehandeling {YEAR}", text)
        self.assertIn("Decreet Lokaal Bestuur", text)
        self.assertNotIn("9:12a", text)
        self.assertNotIn("{{", text)
        self.assertNotIn("{%", text)

        rows = {tuple(c.text for c in row.cells)
            for table in document.tables for row in table.rows}
        unclassified = message('msg_yearly_unclassified', 'nl')
        self.assertIn(("Ontvangen klachten", "9"), rows)
        self.assertIn(("Overgedragen uit de vorige periode", "1"), rows)
        self.assertIn(("Klachten per 1.000 inwoners", "0,90"), rows)
        self.assertIn(("Geen klacht (melding, vraag of bezwaar)", "1"),
            rows)
        self.assertIn(("Doorgestuurd naar een andere instantie", "0"), rows)
        self.assertIn((str(YEAR), "9"), rows)
        self.assertIn(("E-mail", "5", "0", "5"), rows)
        self.assertIn(("Brief", "< 3", "0", "< 3"), rows)
        self.assertIn(("Ontvankelijk", "6"), rows)
        self.assertIn(("Gegrond", "3"), rows)
        self.assertIn(("Gemiddelde doorlooptijd (dagen)", "32,4"), rows)
        self.assertIn(("Mediaan (dagen)", "24,0"), rows)
        self.assertIn(("Binnen de termijn", "86%"), rows)
        self.assertIn(("Opgeschort", "< 3"), rows)
        # no informal complaint of the year was made formal
        self.assertIn(("Informele klachten formeel behandeld op verzoek "
                "van de verzoeker", "0"), rows)
        # a count alone under 3 in its column: the smallest other non-zero
        # count is hidden too (received: 5, 3, 1; admissible: 5, 0, 1)
        self.assertIn(("Burgerzaken", "5", "*", "< 3"), rows)
        self.assertIn((unclassified, "*", "0", "0"), rows)
        self.assertIn(("Omgeving", "< 3", "< 3", "< 3"), rows)
        self.assertIn(("Formeel", "7", "86%", "37,0", "26,0"), rows)
        self.assertIn(("Informeel", "1", "–", "–", "–"), rows)
        states = selection_labels(
            self.config, 'klachten.improvement.action', 'state', 'nl')
        self.assertIn((states['open'], "1"), rows)
        self.assertIn((states['done'], "1"), rows)
        self.assertIn((states['cancelled'], "0"), rows)
        self.assertIn("Wachttijd aan het loket verkorten (Burgerzaken, ",
            text)
        # four charts, drawn as images in the document
        self.assertEqual(len(document.inline_shapes), 4)

        pdf = bytes(report.pdf_file)
        self.assertTrue(pdf.startswith(b'%PDF-'))
        text_pdf = pdf_text(pdf)
        self.assertIn("Jaarverslag klachtenbehandeling", text_pdf)
        self.assertIn("Ontvangen klachten", text_pdf)
        self.assertEqual(pdf_image_count(pdf), 4)

        for document_text in [text, text_pdf]:
            for secret in NAMES + EMAILS + [DESCRIPTION, "Janssens",
                    "Handler1", "Coordinator"]:
                self.assertNotIn(secret, document_text)

    def test_dutch_variant_french(self):
        "The Dutch variant (Awb 9:12a) and the report in French"
        report = self.make_report('klachtenadmin', variant='dutch',
            language='fr')
        text = docx_text(bytes(report.docx_file))
        self.assertIn("Aperçu annuel des plaintes", text)
        self.assertIn("9:12a", text)
        self.assertNotIn("302", text)
        self.assertIn("0,90", text)
        self.assertIn("< 3", text)

    def test_access(self):
        "Only coordinators and the complaints administrator"
        self.make_report('klachtenadmin')
        for login in ['handler1', 'head', 'observer', 'receiver']:
            set_user(login, self.config)
            Report = Model.get('klachten.yearly.report')
            with self.assertRaises(AccessError):
                Report.find([])
            with self.assertRaises((AccessError, UserError)):
                Wizard('klachten.yearly.report.make')

    def test_own_template(self):
        "An own template replaces the default"
        set_user('klachtenadmin', self.config)
        Template = Model.get('klachten.document.template')
        template, = Template.find([
                ('kind', '=', 'yearly_report'), ('language', '=', 'nl')])
        default = Document(io.BytesIO(bytes(template.default_template)))
        default.add_paragraph("Eigen sjabloon: {{ volume.received }}")
        output = io.BytesIO()
        default.save(output)
        template.template = output.getvalue()
        template.template_name = 'eigen.docx'
        template.save()
        try:
            report = self.make_report()
            self.assertIn("Eigen sjabloon: 9",
                docx_text(bytes(report.docx_file)))
        finally:
            set_user('klachtenadmin', self.config)
            template.template = None
            template.save()
