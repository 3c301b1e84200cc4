# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Letters and the investigation report, read back as the complainant and
the coordinator would: Word with python-docx, PDF with pdftotext.
LibreOffice is the real one; it is broken on purpose only through a
wrapper or a PATH without it."""
import datetime as dt
import io
import re
import unittest
import zipfile

from docx import Document as DocxDocument

from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, run_wizard, set_user,
    setup_municipality, xml_id)
from proteus import Model, Wizard
from proteus import config as pconfig
from trytond.exceptions import UserError, UserWarning
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

from .. import convert
from .tools import (
    CRASH, docx_text, fake_soffice, pdf_page_sizes, pdf_text, soffice)

HOSTILE = "<script>alert('x')</script> {{ number }} ${ record.id } {% if %}"
ACCENTS = "Één café in Liège, coördinator, naïef, garçon"
LEFTOVER = re.compile(r'\{\{|\}\}|\{%|%\}')
A4 = (595, 842)
NEXT_WEEK = dt.date.today() + dt.timedelta(days=7)
DUTCH_MONTHS = [None, "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december"]


def leftover(text):
    "Placeholders left in text, apart from the hostile one we typed"
    return LEFTOVER.findall(text.replace(HOSTILE, ''))


class DocumentsTestCase(unittest.TestCase):
    "Letters and the investigation report"

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
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.coordinator_contact = "Katrien Vermeulen, 011 22 33 44"
        configuration.letter_mode = 'beside'
        configuration.letter_pdf = False
        configuration.save()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def configure(self, **values):
        set_user('klachtenadmin', self.config)
        configuration = Model.get('klachten.configuration')(1)
        for name, value in values.items():
            setattr(configuration, name, value)
        configuration.save()

    def complainant(self, name, language=None, email=None):
        set_user('coordinator', self.config)
        party = create_complainant(name, email)
        if language:
            Lang = Model.get('ir.lang')
            party.lang, = Lang.find([('code', '=', language)])
        address, = party.addresses or [party.addresses.new()]
        address.street = "Kerkstraat 1"
        address.postal_code = "2980"
        address.city = "Zoersel"
        party.save()
        return party

    def documents(self, complaint, kind):
        Document = Model.get('klachten.document')
        return Document.find([
                ('complaint', '=', complaint.id),
                ('kind', '=', kind),
                ], order=[('version', 'ASC')])

    def test_letters_per_language(self):
        "Each letter in the complainant's language, filled in completely"
        cases = [
            ('nl', "Wij hebben uw klacht"),
            ('fr', "Nous avons bien reçu votre plainte"),
            ('en', "We have received your complaint"),
            ]
        # fr is not loaded: its labels are the English ones
        slug = {'nl': 'ontvangstbevestiging', 'fr': 'acknowledgement',
            'en': 'acknowledgement'}
        for language, greeting in cases:
            with self.subTest(language=language):
                party = self.complainant(f"Jan {language}", language)
                set_user('coordinator', self.config)
                complaint = create_complaint(
                    party, channel='letter',
                    short_description=f"{ACCENTS} {HOSTILE}")
                letter, = self.documents(complaint, 'acknowledgement')
                self.assertEqual(letter.state, 'to_print')
                self.assertEqual(letter.language, language)
                self.assertIsNone(letter.pdf)
                text = docx_text(letter.docx_file)
                self.assertIn(greeting, text)
                self.assertIn(complaint.number, text)
                self.assertIn(ACCENTS, text)
                self.assertIn(HOSTILE, text)
                self.assertIn("Katrien Vermeulen, 011 22 33 44", text)
                self.assertIn("Zoersel", text)
                self.assertIn(str(complaint.answer_due.year), text)
                self.assertIn("Dunder Mifflin", text)  # the letterhead
                self.assertEqual(leftover(text), [])
                # attached to the complaint under a versioned name
                Attachment = Model.get('ir.attachment')
                attachment, = Attachment.find([
                        ('resource', '=', str(complaint)),
                        ])
                self.assertEqual(attachment.name,
                    f'{complaint.number.lower()}-{slug[language]}-v1.docx')
                # nothing acknowledged until the letter is posted
                self.assertIsNone(complaint.acknowledged_on)
                letter.click('mark_sent')
                complaint.reload()
                self.assertEqual(
                    complaint.acknowledged_on, letter.sent_date)

    def test_no_letter_by_email(self):
        "Who complained by e-mail gets the e-mail and no letter"
        party = self.complainant("Mail Only", 'nl', 'mail@example.org')
        set_user('coordinator', self.config)
        complaint = create_complaint(party, channel='email')
        self.assertEqual(self.documents(complaint, 'acknowledgement'), [])
        self.assertEqual(len(complaint.emails), 1)
        self.assertEqual(
            complaint.acknowledged_on, complaint.registration_date)

    def test_letter_instead_of_email(self):
        "Configured so, a letter complainant gets the letter only"
        self.configure(letter_mode='instead')
        try:
            party = self.complainant("Per Post", 'nl', 'post@example.org')
            set_user('coordinator', self.config)
            complaint = create_complaint(party, channel='letter')
            letter, = self.documents(complaint, 'acknowledgement')
            self.assertEqual(len(complaint.emails), 0)
            # registered, but acknowledged when the letter is posted (the
            # registration writes it only when an e-mail acknowledges)
            self.assertEqual(complaint.state, 'evaluation')
            self.assertIsNone(complaint.acknowledged_on)
            letter.click('mark_sent')
            complaint.reload()
            self.assertEqual(complaint.acknowledged_on, letter.sent_date)
        finally:
            self.configure(letter_mode='beside')

    def test_decisions(self):
        "Inadmissible, reasoned reply and cancellation letters, in Dutch"
        Ground = Model.get('klachten.inadmissibility_ground')
        Remedy = Model.get('klachten.remedy')
        party = self.complainant("Mia Janssens", 'nl')
        set_user('coordinator', self.config)

        complaint = create_complaint(party, channel='phone')
        ground = Ground(xml_id('ground_older_than_year'))
        run_wizard('inadmissible', complaint, grounds=[ground],
            motivation="Feiten van 2019.", inform=True)
        letter, = self.documents(complaint, 'inadmissible')
        text = docx_text(letter.docx_file)
        with pconfig.get_config().set_context(language='nl'):
            ground_name = Ground(ground.id).rec_name
        self.assertIn(ground_name, text)
        self.assertIn("Feiten van 2019.", text)
        self.assertIn("niet als klacht behandelen", text)
        self.assertEqual(leftover(text), [])

        complaint = create_complaint(party, channel='counter')
        self.assertEqual(
            self.documents(complaint, 'acknowledgement')[0].state,
            'to_print')
        run_wizard('cancel', complaint, reason="Dubbel ingediend.",
            inform=True)
        letter, = self.documents(complaint, 'cancellation')
        text = docx_text(letter.docx_file)
        self.assertIn("Dubbel ingediend.", text)
        self.assertIn("stopgezet", text)

        complaint = create_complaint(party, channel='letter')
        admit(complaint, self.ns)
        letter, = self.documents(complaint, 'admissible')
        self.assertIn("ontvankelijk", docx_text(letter.docx_file))
        set_user('handler1', self.config)
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.report = "Het loket was gesloten."
        complaint.outcome = 'founded'
        complaint.outcome_motivation = "De openingsuren stonden fout online."
        complaint.solution = "De website is aangepast."
        complaint.remedies.append(Remedy(xml_id('remedy_repair')))
        complaint.save()
        complaint.click('finalise_report')
        set_user('coordinator', self.config)
        complaint = Model.get('klachten.complaint')(complaint.id)
        run_wizard('conclude', complaint, conclusion="Gegrond.",
            inform=True, reply="Wij bieden u onze excuses aan.")
        letter, = self.documents(complaint, 'reasoned_reply')
        text = docx_text(letter.docx_file)
        for expected in ["Gegrond", "Wij bieden u onze excuses aan.",
                "De openingsuren stonden fout online.",
                "De website is aangepast.", "Vlaamse Ombudsdienst"]:
            self.assertIn(expected, text)
        self.assertEqual(leftover(text), [])
        # the report PDF of the finalise step is on the complaint too
        report, = self.documents(complaint, 'investigation_report')
        self.assertIn("Het loket was gesloten.", pdf_text(report.pdf_file))

    def test_report_pdf(self):
        "The report (in the user's language) holds its text literally"
        party = self.complainant("Ruth Claes", 'nl', 'ruth@example.org')
        set_user('coordinator', self.config)
        complaint = create_complaint(
            party, description=f"{ACCENTS}\nTweede regel.")
        admit(complaint, self.ns)
        set_user('handler1', self.config)
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.report = f"Onderzoek: {HOSTILE}\n{ACCENTS}"
        complaint.outcome = 'unfounded'
        complaint.outcome_motivation = "Geen fout gevonden."
        complaint.save()

        # LibreOffice crashes: the step is undone and can be retried
        with soffice(fake_soffice(CRASH)):
            with self.assertRaises(UserError) as cm:
                complaint.click('finalise_report')
        self.assertIn("LibreOffice", cm.exception.message)
        complaint.reload()
        self.assertEqual(complaint.state, 'investigation')
        self.assertEqual(self.documents(complaint, 'investigation_report'),
            [])
        # LibreOffice missing: the same
        with soffice('missing'):
            with self.assertRaises(UserError) as cm:
                complaint.click('finalise_report')
        self.assertIn("soffice", cm.exception.message)
        complaint.reload()
        self.assertEqual(complaint.state, 'investigation')

        complaint.click('finalise_report')
        complaint.reload()
        self.assertEqual(complaint.state, 'conclusion')
        report, = self.documents(complaint, 'investigation_report')
        self.assertTrue(report.pdf_name.endswith('-v1.pdf'))
        self.assertEqual(set(pdf_page_sizes(report.pdf_file)), {A4})
        text = pdf_text(report.pdf_file)
        for expected in [HOSTILE, ACCENTS, "Geen fout gevonden.",
                "Tweede regel.", complaint.number, "Unfounded"]:
            self.assertIn(expected, re.sub(r'\s+', ' ', text))

        # on demand: a second version, the first one kept
        complaint.click('make_report_pdf')
        first, second = self.documents(complaint, 'investigation_report')
        self.assertEqual((first.version, second.version), (1, 2))
        self.assertTrue(first.pdf_file)
        self.assertTrue(second.pdf_name.endswith('-v2.pdf'))

    def test_letter_pdf_failure(self):
        "A letter whose PDF fails: the user decides, the PDF comes later"
        self.configure(letter_pdf=True)
        try:
            party = self.complainant("Bart Wouters", 'nl')
            set_user('coordinator', self.config)
            Complaint = Model.get('klachten.complaint')
            complaint = create_complaint(party, channel='letter',
                register=False)
            with soffice(fake_soffice(CRASH)):
                with self.assertRaises(UserWarning) as cm:
                    complaint.click('register')
                complaint.reload()
                self.assertEqual(complaint.state, 'draft')
                self.assertIn("LibreOffice", cm.exception.message)
                Warning = Model.get('res.user.warning')
                Warning.skip(cm.exception.name, False, self.config.context)
                complaint.click('register')
            complaint = Complaint(complaint.id)
            self.assertEqual(complaint.state, 'evaluation')
            letter, = self.documents(complaint, 'acknowledgement')
            self.assertIsNone(letter.pdf)
            self.assertIn("LibreOffice", letter.pdf_error)
            self.assertIn("Wij hebben uw klacht", docx_text(letter.docx_file))
            letter.click('make_pdf')
            letter.reload()
            self.assertIsNone(letter.pdf_error)
            text = pdf_text(letter.pdf_file)
            self.assertIn("Wij hebben uw klacht", text)
            self.assertIn(complaint.number, text)

            # a new version supersedes the unsent one; a sent one stays
            letter.click('mark_sent')
            run_wizard('cancel', complaint, reason="Ingetrokken.",
                inform=True)
            first, = self.documents(complaint, 'cancellation')
            self.assertEqual(first.state, 'to_print')
            self.assertTrue(first.pdf)
            self.assertEqual(
                self.documents(complaint, 'acknowledgement')[0].state,
                'sent')
        finally:
            self.configure(letter_pdf=False)

    def test_templates(self):
        "An own template replaces the default; a bad one is refused"
        Template = Model.get('klachten.document.template')
        set_user('klachtenadmin', self.config)
        template, = Template.find([
                ('kind', '=', 'cancellation'), ('language', '=', 'en')])
        default = bytes(template.default_template)
        self.assertEqual(template.default_template_name,
            'cancellation.en.docx')
        # no template refers to anything outside itself
        for record in Template.find([]):
            with zipfile.ZipFile(io.BytesIO(
                        bytes(record.default_template))) as package:
                for name in package.namelist():
                    if name.endswith('.rels'):
                        self.assertNotIn(b'External', package.read(name))
        self.assertTrue(convert.network_prefix(),
            "LibreOffice must run without a network here")

        linked = self.with_external_image(default)
        template.template = linked
        template.template_name = 'linked.docx'
        with self.assertRaises(UserError) as cm:
            template.save()
        self.assertIn("internet", cm.exception.message)
        template.reload()
        template.template = b'not a word file'
        with self.assertRaises(UserError):
            template.save()
        template.reload()

        own = self.edited(default, 'We have stopped handling',
            'Our own letterhead: we stopped')
        template.template = own
        template.template_name = 'own.docx'
        template.save()
        try:
            party = self.complainant("Own Template", 'en')
            set_user('coordinator', self.config)
            complaint = create_complaint(party, channel='letter',
                received_date=dt.date.today())
            run_wizard('cancel', complaint, reason="Test.", inform=True)
            letter, = self.documents(complaint, 'cancellation')
            self.assertIn("Our own letterhead: we stopped",
                docx_text(letter.docx_file))
        finally:
            set_user('klachtenadmin', self.config)
            template.template = None
            template.save()

    def request_information(self, complaint, question, **values):
        "Ask for information as the current user, as the wizard does"
        config = self.config
        with Transaction().start(config.database_name, config.user,
                context=config.context) as transaction:
            Complaint = Pool().get('klachten.complaint')
            request, = Complaint.request_information(
                [Complaint(complaint.id)], question, **values)
            transaction.commit()
        complaint.reload()

    def test_information_request_letter(self):
        "A complainant or third party without e-mail is asked by letter"
        due = dt.date.today() + dt.timedelta(days=14)
        party = self.complainant("Lies Maes", 'nl')
        set_user('coordinator', self.config)
        complaint = create_complaint(party, channel='phone')
        self.request_information(complaint, "Welk loket was gesloten?",
            due_date=due)
        letter, = self.documents(complaint, 'information_request')
        self.assertEqual(letter.state, 'to_print')
        self.assertEqual(letter.language, 'nl')
        request, = complaint.information_requests
        self.assertEqual(letter.information_request, request)
        self.assertEqual(request.delivery, 'letter')
        text = docx_text(letter.docx_file)
        for expected in ["Welk loket was gesloten?", "Lies Maes", "Zoersel",
                "uw klacht", f"uiterlijk op {due.day} ", complaint.number,
                "Vraag om informatie"]:
            self.assertIn(expected, text)
        self.assertEqual(leftover(text), [])
        # the acknowledgement still waits for the post beside it
        self.assertEqual(
            self.documents(complaint, 'acknowledgement')[0].state, 'to_print')

        # a third party without e-mail: a letter to them, not about the
        # complainant; a second request keeps the first letter
        self.request_information(complaint, "Was het loket open?",
            recipient='third_party', name="Bakkerij Peeters", due_date=due,
            street="Kerkplein 7", postal_code="2390", city="Halle-Kempen")
        first, second = self.documents(complaint, 'information_request')
        self.assertEqual((first.state, second.state),
            ('to_print', 'to_print'))
        text = docx_text(second.docx_file)
        self.assertIn("Bakkerij Peeters", text)
        # the envelope's address: theirs
        self.assertIn("Kerkplein 7", text)
        self.assertIn("2390 Halle-Kempen", text)
        self.assertIn("Was het loket open?", text)
        self.assertNotIn("Lies Maes", text)
        self.assertNotIn("Zoersel", text)
        self.assertNotIn("uw klacht", text)

        # the request cancelled, or lapsed when the complaint moves on
        # without a letter: its letter is not posted
        second.information_request.click('cancel')
        second.reload()
        self.assertEqual(second.state, 'superseded')
        admit(complaint, self.ns, inform=False)
        first.reload()
        self.assertEqual(first.state, 'superseded')
        self.assertEqual(
            self.documents(complaint, 'acknowledgement')[0].state, 'to_print')

        # with an e-mail address, by e-mail only
        complaint = create_complaint(party, channel='phone')
        self.request_information(complaint, "Wanneer precies?",
            recipient='third_party', name="Jan", email='jan@example.org')
        self.assertEqual(self.documents(complaint, 'information_request'), [])
        request, = complaint.information_requests
        self.assertEqual(request.delivery, 'email')
        party = self.complainant("Mail Only Too", 'nl', 'mail2@example.org')
        set_user('coordinator', self.config)
        complaint = create_complaint(party, channel='email')
        self.request_information(complaint, "Welk loket?")
        self.assertEqual(self.documents(complaint, 'information_request'), [])
        self.assertEqual(
            [e.kind for e in complaint.emails if e.kind == 'information'],
            ['information'])
        # a phone complainant with an e-mail address: both (beside)
        complaint = create_complaint(party, channel='phone')
        self.request_information(complaint, "Welk loket?")
        request, = complaint.information_requests
        self.assertEqual(request.delivery, 'email_letter')
        self.assertEqual(
            len(self.documents(complaint, 'information_request')), 1)

    def test_information_request_warning(self):
        "The wizard says a letter is made when there is no e-mail address"
        party = self.complainant("Zonder Mail", 'nl')
        set_user('coordinator', self.config)
        complaint = create_complaint(party, channel='phone')
        with pconfig.get_config().set_context(language='en'):
            wizard = Wizard('klachten.complaint.request_information',
                [complaint])
            self.assertIn("Letters to Print", wizard.form.warning)
            wizard.form.recipient = 'third_party'
            wizard.form.name = "Bakkerij Peeters"
            self.assertIn("envelope", wizard.form.warning)
            wizard.form.email = 'bakkerij@example.org'
            self.assertFalse(wizard.form.warning)

    def test_information_request_letter_never(self):
        "Letters never made: no letter for an information request either"
        self.configure(letter_mode='never')
        try:
            party = self.complainant("Geen Brief", 'nl')
            set_user('coordinator', self.config)
            complaint = create_complaint(party, channel='phone')
            self.request_information(complaint, "Welk loket?")
            self.request_information(complaint, "Welk loket?",
                recipient='third_party', name="Bakkerij Peeters",
                street="Kerkplein 7", postal_code="2390",
                city="Halle-Kempen")
            self.assertEqual(
                self.documents(complaint, 'information_request'), [])
        finally:
            self.configure(letter_mode='beside')

    def test_hearing_invitation_letter(self):
        "A complainant without e-mail is invited to the hearing by letter"
        self.configure(letter_pdf=True)
        self.addCleanup(self.configure, letter_pdf=False)
        party = self.complainant("Hanne Hoorzitting", 'nl')
        set_user('coordinator', self.config)
        complaint = admit(create_complaint(party, channel='letter'), self.ns)
        set_user('handler1', self.config)
        complaint = Model.get('klachten.complaint')(complaint.id)
        wizard = Wizard('klachten.complaint.hearing', [complaint])
        # offered to send, by letter
        self.assertTrue(wizard.form.inform)
        wizard.form.date = NEXT_WEEK
        wizard.form.time = dt.time(10, 30)
        wizard.form.place = "Gemeentehuis, zaal 2"
        self.assertIn("Letters to Print", wizard.form.warning)
        wizard.execute('confirm')
        set_user('coordinator', self.config)
        letter, = self.documents(complaint, 'hearing_invitation')
        self.assertEqual(letter.state, 'to_print')
        self.assertEqual(letter.language, 'nl')
        date = (f"{NEXT_WEEK.day} {DUTCH_MONTHS[NEXT_WEEK.month]} "
            f"{NEXT_WEEK.year}")
        for text in [docx_text(letter.docx_file), pdf_text(letter.pdf_file)]:
            self.assertIn("Uitnodiging om gehoord te worden", text)
            self.assertIn("Hanne Hoorzitting", text)
            self.assertIn("Kerkstraat 1", text)
            self.assertIn(f"Datum: {date}", text)
            self.assertIn("Uur: 10:30", text)
            self.assertIn("Plaats: Gemeentehuis, zaal 2", text)
            self.assertIn(complaint.number, text)
            self.assertEqual(leftover(text), [])
        # the letter of the admissibility stays to print beside it
        admissible, = self.documents(complaint, 'admissible')
        self.assertEqual(admissible.state, 'to_print')

    def test_concerned_copy_letter(self):
        "A staff member without e-mail gets the copy of the complaint by post"
        set_user('admin', self.config)
        User = Model.get('res.user')
        Lang = Model.get('ir.lang')
        staff = User(self.ns.users['handler2'].id)
        staff.email = None
        staff.language, = Lang.find([('code', '=', 'en')])
        staff.save()
        party = self.complainant("Karel Kopie", 'nl')
        set_user('coordinator', self.config)
        staff = User(staff.id)
        department = Model.get('klachten.department')(
            self.ns.departments['OM'].id)
        complaint = create_complaint(party, channel='letter',
            concerns='staff', concerned_user=staff,
            description="Hij was onbeleefd aan het loket.")
        complaint = admit(complaint, self.ns, department='OM',
            user='handler3', concerns='staff', concerned_user=staff,
            concerned_department=department, send_concerned_copy=True)
        self.assertEqual(complaint.concerned_copy_by, 'letter')
        self.assertEqual(complaint.concerned_copy_date, dt.date.today())
        letter, = self.documents(complaint, 'concerned_copy')
        self.assertEqual(letter.state, 'to_print')
        # in the staff member's language, to them at their department
        self.assertEqual(letter.language, 'en')
        text = docx_text(letter.docx_file)
        self.assertIn("A complaint about you", text)
        self.assertIn(staff.rec_name, text)
        self.assertIn("Omgeving", text)
        self.assertIn("Filed by: Karel Kopie", text)
        self.assertIn("Hij was onbeleefd aan het loket.", text)
        self.assertNotIn("Kerkstraat", text)
        self.assertEqual(leftover(text), [])
        # the complainant's letter is not withdrawn by it
        admissible, = self.documents(complaint, 'admissible')
        self.assertEqual(admissible.state, 'to_print')

    def test_reassigned(self):
        "A letter of a decision undone is no longer to print"
        party = self.complainant("Tom Peeters", 'nl')
        set_user('coordinator', self.config)
        complaint = create_complaint(party, channel='phone')
        admit(complaint, self.ns)
        first, = self.documents(complaint, 'admissible')
        self.assertEqual(first.state, 'to_print')
        self.assertIn("Burgerzaken onderzoekt ze nu",
            docx_text(first.docx_file))
        set_user('handler1', self.config)
        complaint = Model.get('klachten.complaint')(complaint.id)
        run_wizard('send_back', complaint, remarks="Niet voor ons.")
        first.reload()
        self.assertEqual(first.state, 'superseded')
        # the acknowledgement still holds
        acknowledgement, = self.documents(complaint, 'acknowledgement')
        self.assertEqual(acknowledgement.state, 'to_print')

        set_user('coordinator', self.config)
        complaint = Model.get('klachten.complaint')(complaint.id)
        admit(complaint, self.ns, department='OM', user='handler3',
            inform=False)
        Document = Model.get('klachten.document')
        self.assertEqual(Document.find([
                    ('complaint', '=', complaint.id),
                    ('state', '=', 'to_print'),
                    ]), [acknowledgement])

        # a letter of a later phase supersedes the unsent ones of before,
        # but the acknowledgement
        set_user('handler3', self.config)
        complaint = Model.get('klachten.complaint')(complaint.id)
        run_wizard('send_back', complaint, remarks="Toch niet.")
        set_user('coordinator', self.config)
        complaint = Model.get('klachten.complaint')(complaint.id)
        self.request_information(complaint, "Welk loket?")
        question, = self.documents(complaint, 'information_request')
        self.assertEqual(question.state, 'to_print')
        admit(complaint, self.ns, department='OM', user='handler3',
            inform=True)
        question.reload()
        self.assertEqual(question.state, 'superseded')
        letter, = self.documents(complaint, 'admissible')[-1:]
        self.assertEqual(Document.find([
                    ('complaint', '=', complaint.id),
                    ('state', '=', 'to_print'),
                    ], order=[('id', 'ASC')]), [acknowledgement, letter])
        self.assertEqual(letter.version, 2)
        self.assertIn("Omgeving onderzoekt ze nu",
            docx_text(letter.docx_file))
        # posting the admissibility letter acknowledges the complaint
        letter.click('mark_sent')
        complaint.reload()
        self.assertEqual(complaint.acknowledged_on, letter.sent_date)

        # cancelled: nothing of before goes out
        complaint = create_complaint(party, channel='phone')
        run_wizard('cancel', complaint, reason="Dubbel.", inform=False)
        acknowledgement, = self.documents(complaint, 'acknowledgement')
        self.assertEqual(acknowledgement.state, 'superseded')

    def test_a4_and_dates(self):
        "Letters are A4 with dates written as in the letter's language"
        self.configure(letter_pdf=True)
        try:
            for language, month in [('en', "%B"), ('nl', None)]:
                with self.subTest(language=language):
                    party = self.complainant(f"Page {language}", language)
                    set_user('coordinator', self.config)
                    complaint = create_complaint(party, channel='letter')
                    letter, = self.documents(complaint, 'acknowledgement')
                    self.assertEqual(set(pdf_page_sizes(letter.pdf_file)),
                        {A4})
                    text = docx_text(letter.docx_file)
                    due = complaint.answer_due
                    self.assertNotIn(due.strftime('%m/%d/%Y'), text)
                    if month:
                        self.assertIn(
                            f"{due.day} {due.strftime(month)} {due.year}",
                            text)
                    else:
                        self.assertIn(f"{due.day} {DUTCH_MONTHS[due.month]} "
                            f"{due.year}", text)
        finally:
            self.configure(letter_pdf=False)

    def test_no_contact(self):
        "Without a coordinator contact, no sentence leads to nothing"
        self.configure(coordinator_contact=None)
        try:
            for language, sentence in [('nl', "Vragen?"),
                    ('fr', "Des questions ?"), ('en', "Questions?")]:
                with self.subTest(language=language):
                    party = self.complainant(
                        f"No Contact {language}", language)
                    set_user('coordinator', self.config)
                    complaint = create_complaint(party, channel='letter')
                    letter, = self.documents(complaint, 'acknowledgement')
                    text = docx_text(letter.docx_file)
                    self.assertIn(complaint.number, text)
                    self.assertNotIn(sentence, text)
        finally:
            self.configure(
                coordinator_contact="Katrien Vermeulen, 011 22 33 44")

    @staticmethod
    def edited(data, old, new):
        "data with old replaced by new, as edited in Word"
        document = DocxDocument(io.BytesIO(data))
        for paragraph in document.paragraphs:
            if old in paragraph.text:
                paragraph.text = paragraph.text.replace(old, new)
        output = io.BytesIO()
        document.save(output)
        return output.getvalue()

    @staticmethod
    def with_external_image(data):
        "data with a relationship to an image on the internet"
        source = zipfile.ZipFile(io.BytesIO(data))
        output = io.BytesIO()
        with zipfile.ZipFile(output, 'w') as target:
            for item in source.infolist():
                content = source.read(item)
                if item.filename == 'word/_rels/document.xml.rels':
                    content = content.replace(b'</Relationships>',
                        b'<Relationship Id="rIdX" Type="http://schemas.'
                        b'openxmlformats.org/officeDocument/2006/'
                        b'relationships/image" Target="http://example.com/'
                        b'logo.png" TargetMode="External"/>'
                        b'</Relationships>')
                target.writestr(item, content)
        return output.getvalue()
