# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Complaints that a mail server posts to Tryton's inbound_email route."""
from email.message import EmailMessage
from email.utils import make_msgid

from trytond.modules.company.tests import create_company
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, RouteTestCase
from trytond.transaction import Transaction


class InboundRouteTestCase(RouteTestCase):
    "A message posted by the mail server becomes one draft complaint"
    module = 'klachten_base'
    extras = ['inbound_email']

    @classmethod
    def setUpDatabase(cls):
        pool = Pool()
        Inbox = pool.get('inbound.email.inbox')
        create_company("Gemeente Klaverveld")
        inbox, = Inbox.create([{
                    'name': "Klachten",
                    'rules': [('create', [{
                                    'action': 'klachten.inbound.message'
                                    '|receive_inbound_email',
                                    }])],
                    }])
        Inbox.new_identifier([inbox])
        cls.identifier = inbox.identifier

    def test_post_twice(self):
        "The same message posted twice (a retry) files one draft complaint"
        msg = EmailMessage()
        msg['From'] = 'Mia Janssens <mia@example.net>'
        msg['To'] = 'klachten@example.org'
        msg['Subject'] = "Afval niet opgehaald"
        msg['Message-ID'] = make_msgid(domain='example.net')
        msg.set_content("De gele zak staat er nog.")
        url = f'/{DB_NAME}/inbound_email/inbox/{self.identifier}'
        client = self.client()

        for _ in range(2):
            response = client.post(url, data=bytes(msg))
            self.assertEqual(response.status_code, 204)

        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Complaint = pool.get('klachten.complaint')
            Message = pool.get('klachten.inbound.message')
            complaint, = Complaint.search([])
            self.assertEqual(complaint.state, 'draft')
            self.assertEqual(complaint.channel, 'email')
            self.assertEqual(complaint.short_description,
                "Afval niet opgehaald")
            self.assertEqual(complaint.complainant.email, 'mia@example.net')
            message, = Message.search([])
            self.assertEqual(
                (message.via, message.state, message.complaint),
                ('route', 'filed', complaint))
