# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the complainant receives, read back from a real SMTP server."""
import datetime as dt

from proteus import Model

from .municipality import MunicipalityTestCase
from .smtp import SMTPServer
from .tools import admit, create_complainant, create_complaint, set_user

HOSTILE = "Lamp ${record.id} #if 1 {% x %}"


class NotificationTestCase(MunicipalityTestCase):
    "E-mails to the complainant and to staff"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.coordinator_contact = "Katrien Vermeulen, 011 22 33 44"
        configuration.save()
        cls.smtp = SMTPServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.smtp.stop()
        super().tearDownClass()

    def send(self):
        "Run the outbox cron as trytond-cron would"
        set_user('admin', self.config)
        Cron = Model.get('ir.cron')
        ModelData = Model.get('ir.model.data')
        with self.smtp.configured():
            Cron(ModelData.get_id(
                    'klachten_base', 'cron_email_send_pending', {})
                ).click('run_once')

    def received(self, number):
        return [m for m in self.smtp.messages if number in m['Subject']]

    def test_acknowledgement(self):
        "The acknowledgement gives the number, the answer date and contact"
        set_user('receiver', self.config)
        complaint = create_complaint(
            create_complainant("Els Peeters", 'els@example.org'),
            received_date=dt.date(2026, 10, 1), short_description=HOSTILE)
        self.assertEqual(complaint.answer_due, dt.date(2026, 11, 16))
        self.send()
        message, = self.received(complaint.number)
        self.assertEqual(message['To'], 'els@example.org')
        self.assertIsNone(message['Bcc'])
        body = message.get_content()
        self.assertIn('16', body)
        self.assertIn('2026', body)
        self.assertIn("Katrien Vermeulen, 011 22 33 44", body)
        # complaint text is text, never template code
        self.assertIn("Lamp ${record.id} #if 1 {% x %}", body)
        self.assertNotIn(str(complaint.id) + ' #if', body)
        # and each message leaves once
        self.send()
        self.assertEqual(len(self.received(complaint.number)), 1)

    def test_in_the_complainants_language(self):
        "A complainant whose language is Dutch is written to in Dutch"
        set_user('admin', self.config)
        Lang = Model.get('ir.lang')
        Party = Model.get('party.party')
        set_user('receiver', self.config)
        party = create_complainant("Jan Wouters", 'jan@example.org')
        set_user('admin', self.config)
        party = Party(party.id)
        party.lang, = Lang.find([('code', '=', 'nl')])
        party.save()
        set_user('receiver', self.config)
        complaint = create_complaint(Party(party.id))
        self.send()
        message, = self.received(complaint.number)
        self.assertIn("Klacht", message['Subject'])
        self.assertIn("Beste", message.get_content())

    def test_reminder_to_staff(self):
        "Staff get the task's reminder in their own language"
        set_user('admin', self.config)
        User = Model.get('res.user')
        handler = User(self.ns.users['handler1'].id)
        handler.email = 'pieter@klaverveld.be'
        handler.save()
        set_user('coordinator', self.config)
        complaint = admit(create_complaint(create_complainant(
                    "Mia Claes", 'mia@example.org')), self.ns,
            user='handler1')
        set_user('admin', self.config)
        Task = Model.get('klachten.task')
        task, = Task.find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'investigate')])
        Notification = Model.get('klachten.email')
        self.assertTrue(Notification.find([('complaint', '=', complaint.id)]))
        self.assertEqual([u.login for u in task.assignees], ['handler1'])
