# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Filing a complaint from any channel: Complaint.file_, the one method
the portal calls (and the e-mail intake and the register import will)."""
import datetime as dt

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase


class FilingTestCase(MunicipalityTestCase):
    "Complaint.file_"

    def file_(self, complainant, attachments=(), channel='letter', **values):
        pool = Pool()
        Company = pool.get('company.company')
        company, = Company.search([])
        values = {
            'company': company,
            'received_date': dt.date.today(),
            'short_description': "The bin was not emptied",
            'description': "For three weeks nobody came.",
            **values}
        return pool.get('klachten.complaint').file_(
            channel, values, attachments, complainant)

    def test_file_new_complainant(self):
        """A complaint filed with a new complainant is registered (number,
        evaluation), with the party, its address, the files and the
        acknowledgement to the complainant's address"""
        with Transaction().start(DB_NAME, 0) as transaction:
            complaint = self.file_({
                    'name': "Ria Maes", 'lang': 'fr',
                    'email': 'ria.maes@example.org',
                    'phone': '+32 9 123 45 67',
                    'street': "Kerkstraat 1", 'postal_code': '9000',
                    'city': "Gent"},
                attachments=[("photo.png", b'\x89PNG data', "The bin")])
            self.assertEqual(complaint.state, 'evaluation')
            self.assertTrue(complaint.number)
            self.assertEqual(complaint.channel, 'letter')
            party = complaint.complainant
            self.assertEqual(party.name, "Ria Maes")
            self.assertEqual(party.lang.code, 'fr')
            self.assertEqual(party.email, 'ria.maes@example.org')
            self.assertEqual(party.addresses[0].city, "Gent")
            Attachment = Pool().get('ir.attachment')
            files = Attachment.search([('resource', '=', str(complaint))])
            self.assertEqual([(f.name, f.data) for f in files],
                [("photo.png", b'\x89PNG data')])
            Email = Pool().get('klachten.email')
            sent = Email.search([('complaint', '=', complaint.id)])
            self.assertIn('ria.maes@example.org', [e.to for e in sent])
            transaction.rollback()

    def test_file_existing_and_anonymous(self):
        """A known complainant keeps one party, brought up to date; an
        anonymous complaint has none and still gets its number"""
        with Transaction().start(DB_NAME, 0) as transaction:
            Party = Pool().get('party.party')
            first = self.file_({'name': "Jan Peeters",
                    'email': 'jan@example.org'})
            count = Party.search_count([])
            second = self.file_({'party': first.complainant,
                    'name': "Jan Peeters", 'phone': '+32 3 555 55 55'},
                channel='phone')
            self.assertEqual(second.complainant, first.complainant)
            self.assertEqual(Party.search_count([]), count)
            self.assertEqual(second.complainant.phone, '+32 3 555 55 55')
            self.assertNotEqual(second.number, first.number)
            anonymous = self.file_(None, anonymous=True)
            self.assertIsNone(anonymous.complainant)
            self.assertEqual(anonymous.state, 'evaluation')
            self.assertTrue(anonymous.number)
            transaction.rollback()
