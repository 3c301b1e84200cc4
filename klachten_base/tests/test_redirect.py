# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Not a complaint: sent on to where it belongs, the citizen told, the
complaint closed; read back from a real SMTP server."""
import datetime as dt

from proteus import Model
from trytond.model.exceptions import AccessError, ValidationError

from .municipality import MunicipalityTestCase
from .smtp import SMTPServer
from .tools import create_complainant, create_complaint, run_wizard, set_user


class RedirectTestCase(MunicipalityTestCase):
    "Redirect a report, question, suggestion or objection"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.smtp = SMTPServer().start()
        set_user('klachtenadmin')
        Target = Model.get('klachten.redirect.target')
        cls.report_point = Target(kind='report', method='email',
            name="the reporting point of the technical department",
            email='meldingen@klaverveld.be',
            url='https://www.klaverveld.be/melden',
            portal_text="Report a broken street lamp on our website.")
        cls.report_point.save()
        cls.objection = Target(kind='objection', method='link',
            name="the objections committee",
            url='https://www.klaverveld.be/bezwaar')
        cls.objection.save()

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

    def received(self, number, to, about=''):
        "The messages of complaint number to the address to, about what"
        return [m for m in self.smtp.messages
            if number in m['Subject'] and about in m['Subject']
            and m['To'] == to]

    def lamp(self):
        "A registered 'complaint' that is a report, with a photo"
        set_user('receiver', self.config)
        complaint = create_complaint(
            create_complainant("Mia Claes", 'mia@example.org'),
            short_description="The street lamp in Kerkstraat is broken",
            description="It has been dark for a week.")
        set_user('coordinator', self.config)
        Attachment = Model.get('ir.attachment')
        Attachment(resource=complaint, name='lamp.jpg', type='data',
            data=b'\xff\xd8\xff\xe0 a photo').save()
        return Model.get('klachten.complaint')(complaint.id)

    def test_redirect_by_email(self):
        "The report is forwarded with its photo, Mia told, it is closed"
        complaint = self.lamp()
        set_user('coordinator', self.config)
        Target = Model.get('klachten.redirect.target')
        complaint = run_wizard('redirect', complaint, kind='report',
            target=Target(self.report_point.id),
            note="Please repair it.", inform=True)
        self.assertEqual(complaint.state, 'closed')
        self.assertEqual(complaint.redirected_as, 'report')
        self.assertEqual(complaint.redirect_target.id, self.report_point.id)
        self.assertEqual(complaint.decision_date, dt.date.today())
        self.assertEqual(complaint.redirected_on, dt.date.today())
        self.send()
        forward, = self.received(complaint.number, 'meldingen@klaverveld.be')
        body = forward.get_body(('plain',)).get_content()
        self.assertIn("Please repair it.", body)
        self.assertIn("It has been dark for a week.", body)
        self.assertIn("Mia Claes", body)
        photo, = list(forward.iter_attachments())
        self.assertEqual(photo.get_filename(), 'lamp.jpg')
        self.assertEqual(photo.get_content(), b'\xff\xd8\xff\xe0 a photo')
        told, = self.received(complaint.number, 'mia@example.org',
            "reporting point")
        body = told.get_content()
        self.assertIn("the reporting point of the technical department",
            told['Subject'])
        self.assertIn("Report a broken street lamp on our website.", body)
        self.assertIn("https://www.klaverveld.be/melden", body)
        self.assertEqual(list(told.iter_attachments()), [])

    def test_redirect_link_only(self):
        "An objection is not forwarded; the citizen learns where to go"
        set_user('coordinator', self.config)
        complaint = create_complaint(
            create_complainant("Jef Maes", 'jef@example.org'),
            short_description="I object to my tax assessment")
        Target = Model.get('klachten.redirect.target')
        complaint = run_wizard('redirect', complaint, kind='objection',
            target=Target(self.objection.id), inform=True)
        self.assertEqual(complaint.state, 'closed')
        self.assertEqual(complaint.redirected_as, 'objection')
        self.send()
        # nothing is forwarded: the acknowledgement, then where to go
        self.assertEqual(
            {m['To'] for m in self.smtp.messages
                if complaint.number in m['Subject']}, {'jef@example.org'})
        told, = self.received(complaint.number, 'jef@example.org',
            "objections committee")
        self.assertIn("https://www.klaverveld.be/bezwaar", told.get_content())

    def test_only_coordinator_redirects(self):
        "A handler cannot redirect, and the targets are the admin's"
        complaint = self.lamp()
        Complaint = Model.get('klachten.complaint')
        set_user('handler1', self.config)
        with self.assertRaises(AccessError):
            Complaint._proxy.redirect_wizard(
                [complaint.id], self.config.context)
        set_user('coordinator', self.config)
        Target = Model.get('klachten.redirect.target')
        self.assertEqual(len(Target.find([])), 2)
        with self.assertRaises(AccessError):
            Target(kind='question', method='link', name="Desk").save()
        complaint.reload()
        self.assertEqual(complaint.state, 'evaluation')

    def test_target_email_checked(self):
        "A forwarding address must be one e-mail address"
        set_user('klachtenadmin', self.config)
        Target = Model.get('klachten.redirect.target')
        with self.assertRaises(ValidationError):
            Target(kind='question', method='email', name="Desk",
                email='desk at klaverveld').save()
