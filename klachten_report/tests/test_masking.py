# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The publishable copy of a letter or report: the personal data of the
complaint masked, read back from its Word file and its PDF."""
import unittest

from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, set_user, setup_municipality)
from proteus import Model
from proteus import config as pconfig
from trytond.model.exceptions import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

from ..masking import Scrubber
from .tools import docx_text, pdf_text

NAME = "Zefanja Quibbelaar"
EMAIL = 'zq.kanarie7@example.org'
PHONE = "0499 87 65 43"
STREET = "Kanariestraat 77"
AGENT = "Wubbo Ockelsland"
AGENT_EMAIL = 'wubbo.ock@example.net'
AGENT_STREET = "Vinkenlaan 313"
STAFF = "Xandrijn Plomperdijk"
THIRD = "Bakkerij Vanwelkenhuyzen"
THIRD_EMAIL = 'info@vanwelkenhuyzen.example'
STRAY_EMAIL = 'iemand.anders@voorbeeld.be'
STRAY_PHONE = "+32 471 23 45 67"
PLANTED = [NAME, "Zefanja", "Quibbelaar", EMAIL, PHONE, STREET, AGENT,
    "Ockelsland", AGENT_EMAIL, AGENT_STREET, STAFF, "Plomperdijk", THIRD,
    "Vanwelkenhuyzen", THIRD_EMAIL, STRAY_EMAIL, STRAY_PHONE]
# everything planted, in a free text
STORY = (f"Mevrouw {NAME} ({EMAIL}, {PHONE}, {STREET}) klaagt over "
    f"{STAFF}. Haar raadsman {AGENT} ({AGENT_EMAIL}, {AGENT_STREET}) "
    f"en {THIRD} ({THIRD_EMAIL}) zagen het; bel {STRAY_PHONE} of mail "
    f"{STRAY_EMAIL}.")
# the mask in the document's language: the letters to the complainant in
# hers, the report in the user's
MASKS = {'nl': "[afgeschermd]", 'en': "[masked]"}


class ScrubberTestCase(unittest.TestCase):
    "The mask in a text"

    def test_patterns(self):
        "E-mail addresses and phone numbers go, dates, amounts, numbers stay"
        scrub = Scrubber({NAME, "Quibbelaar"}, "[x]", keep={'011 22 33 44'})
        self.assertEqual(
            scrub(f"quibbelaar, {NAME}: 0470/12.34.56, +32 (0)3 123 45 67, "
                "a.b@c.be"),
            "[x], [x]: [x], [x], [x]")
        kept = ("Op 06-12-2026 om 14.30 uur, 1.250,00 euro, dossier "
            "2026-00012, bel 011 22 33 44, 2980 Zoersel, Quibbelaarstraat")
        self.assertEqual(scrub(kept), kept)


class MaskingTestCase(unittest.TestCase):
    "A publishable copy of the letters and the report of a complaint"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('klachten_report')
        cls.config = pconfig.get_config()
        Lang = Model.get('ir.lang')
        lang, = Lang.find([('code', '=', 'nl')])
        lang.translatable = True
        lang.save()
        lang.click('load_translations')
        cls.ns = setup_municipality()
        set_user('admin')
        User = Model.get('res.user')
        staff = User(cls.ns.users['handler2'].id)
        staff.name = STAFF
        staff.save()
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

    def party(self, name, email, street, phone=None):
        party = create_complainant(name, email)
        party.lang, = Model.get('ir.lang').find([('code', '=', 'nl')])
        if phone:
            mechanism = party.contact_mechanisms.new()
            mechanism.type = 'phone'
            mechanism.value = phone
        address, = party.addresses
        address.street = street
        address.postal_code = "2980"
        address.city = "Zoersel"
        party.save()
        return party

    def request_information(self, complaint, question, **values):
        config = self.config
        with Transaction().start(config.database_name, config.user,
                context=config.context) as transaction:
            Complaint = Pool().get('klachten.complaint')
            Complaint.request_information(
                [Complaint(complaint.id)], question, **values)
            transaction.commit()

    def documents(self, complaint, **domain):
        Document = Model.get('klachten.document')
        return Document.find([('complaint', '=', complaint.id)]
            + [(k, '=', v) for k, v in domain.items()],
            order=[('version', 'ASC')])

    def assert_masked(self, copy, original):
        texts = {
            'docx': docx_text(copy.docx_file),
            'pdf': pdf_text(copy.pdf_file),
            }
        for kind, text in texts.items():
            with self.subTest(document=original.kind, file=kind):
                self.assertEqual(
                    [p for p in PLANTED if p.lower() in text.lower()], [])
                self.assertIn(MASKS[copy.language], text)
                self.assertIn(original.complaint.number, text)

    def test_publishable_copy(self):
        "Letters and the report: every planted personal value masked"
        set_user('coordinator')
        complainant = self.party(NAME, EMAIL, STREET, PHONE)
        agent = self.party(AGENT, AGENT_EMAIL, AGENT_STREET)
        complaint = create_complaint(complainant, channel='letter',
            representative=agent, short_description=STORY,
            description=STORY)
        self.request_information(complaint, f"Zag u {NAME}?",
            recipient='third_party', name=THIRD, email=THIRD_EMAIL)
        self.request_information(complaint, f"Wat zag {THIRD}? {STORY}")
        User = Model.get('res.user')
        complaint = admit(complaint, self.ns, concerns='staff',
            concerned_user=User(self.ns.users['handler2'].id), inform=False)

        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.report = STORY
        complaint.outcome = 'founded'
        complaint.outcome_motivation = STORY
        complaint.solution = f"Excuses aan {NAME}."
        complaint.save()
        complaint.click('finalise_report')
        acknowledgement, = self.documents(complaint, kind='acknowledgement')
        letter, = self.documents(complaint, kind='information_request')
        report, = self.documents(complaint, kind='investigation_report')
        # what is masked is there to begin with
        self.assertIn(STREET, docx_text(acknowledgement.docx_file))
        self.assertIn(THIRD, docx_text(letter.docx_file))
        self.assertIn(NAME, pdf_text(report.pdf_file))
        # a handler cannot publish
        with self.assertRaises(AccessButtonError):
            acknowledgement.click('make_masked')

        set_user('coordinator')
        Document = Model.get('klachten.document')
        originals = [Document(d.id) for d in [acknowledgement, letter, report]]
        before = {d.id: (d.state, bytes(d.docx_file or b''),
                bytes(d.pdf_file or b'')) for d in originals}
        for original in originals:
            original.click('make_masked')
        for original in originals:
            original.reload()
            copy, = self.documents(complaint, original=original.id)
            self.assertTrue(copy.masked)
            self.assertEqual(copy.state, 'made')
            self.assertEqual(copy.kind, original.kind)
            self.assertFalse(original.masked)
            self.assertEqual((original.state, bytes(original.docx_file or b''),
                    bytes(original.pdf_file or b'')), before[original.id])
            self.assertEqual(copy.name, original.name + '-'
                + MASKS[copy.language].strip('[]'))
            self.assert_masked(copy, original)
        # the copy is not posted: the acknowledgement waits alone
        self.assertEqual(
            [d.id for d in self.documents(complaint, state='to_print')],
            [acknowledgement.id])
