# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Not a complaint: sent on to where it belongs, the citizen told, the
complaint closed; read back from a real SMTP server, and from a real HTTP
hook on loopback (up, answering 500, down)."""
import base64
import datetime as dt
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from proteus import Model
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .smtp import SMTPServer
from .tools import create_complainant, create_complaint, run_wizard, set_user


class Hook:
    """An HTTP hook on loopback: it keeps every POST (headers, JSON body)
    and answers status"""

    def __init__(self):
        self.received = []
        self.status = 201
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers['Content-Length']))
                hook.received.append((dict(self.headers), json.loads(body)))
                self.send_response(hook.status)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.url = f'http://127.0.0.1:{self.server.server_port}/meldingen'
        threading.Thread(target=self.server.serve_forever, daemon=True
            ).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def closed_port():
    "A loopback port nothing listens on: a hook that is down"
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


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
        cls.hook = Hook()
        cls.suggestions = Target(kind='suggestion', method='http',
            name="the suggestion box", hook_url=cls.hook.url,
            share_contact=True)
        cls.suggestions.save()

    @classmethod
    def tearDownClass(cls):
        cls.smtp.stop()
        cls.hook.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.hook.received.clear()
        self.hook.status = 201

    def deliver(self, now=None):
        "Run the hook's cron at now (a datetime, by default now)"
        with Transaction().start(DB_NAME, 0):
            Pool().get('klachten.redirect.delivery').deliver(now=now)

    def delivery(self, complaint):
        "The (only) delivery of complaint, read again"
        Delivery = Model.get('klachten.redirect.delivery')
        delivery, = Delivery.find([('complaint', '=', complaint.id)])
        return delivery

    def set_hook(self, **values):
        "Change the hook's redirection as its administrator"
        set_user('klachtenadmin', self.config)
        Target = Model.get('klachten.redirect.target')
        target = Target(self.suggestions.id)
        for name, value in values.items():
            setattr(target, name, value)
        target.save()

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
        self.assertIn(self.report_point.id, [t.id for t in Target.find([])])
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

    def redirect_to_hook(self):
        "The lamp, redirected as a suggestion to the HTTP hook"
        complaint = self.lamp()
        Target = Model.get('klachten.redirect.target')
        return run_wizard('redirect', complaint, kind='suggestion',
            target=Target(self.suggestions.id), note="For the box.",
            inform=False)

    def test_redirect_by_hook(self):
        """The suggestion is posted once after the commit, with its photo
        and the contact the target shares, and its idempotency key"""
        complaint = self.redirect_to_hook()
        self.assertEqual(complaint.state, 'closed')
        self.assertEqual(self.hook.received, [])
        set_user('coordinator', self.config)
        self.assertEqual(self.delivery(complaint).state, 'pending')
        self.deliver()
        (headers, body), = self.hook.received
        self.assertEqual(headers['Idempotency-Key'],
            f'{complaint.number}:{self.suggestions.id}')
        self.assertEqual(headers['Content-Type'], 'application/json')
        self.assertEqual(body['key'], headers['Idempotency-Key'])
        self.assertEqual(body['kind'], 'suggestion')
        self.assertEqual(body['number'], complaint.number)
        self.assertEqual(body['description'], "It has been dark for a week.")
        self.assertEqual(body['note'], "For the box.")
        self.assertEqual(body['contact']['name'], "Mia Claes")
        self.assertEqual(body['contact']['email'], 'mia@example.org')
        photo, = body['files']
        self.assertEqual(photo['name'], 'lamp.jpg')
        self.assertEqual(photo['content_type'], 'image/jpeg')
        self.assertEqual(base64.b64decode(photo['data']),
            b'\xff\xd8\xff\xe0 a photo')
        delivery = self.delivery(complaint)
        self.assertEqual(delivery.state, 'delivered')
        self.assertEqual(delivery.attempts, 1)
        self.assertTrue(delivery.delivered_at)
        self.deliver(dt.datetime.now() + dt.timedelta(days=1))
        self.assertEqual(len(self.hook.received), 1)

    def test_hook_contact_not_shared(self):
        "Without Share the Contact, the hook gets no personal data"
        self.set_hook(share_contact=False)
        try:
            complaint = self.redirect_to_hook()
            self.deliver()
        finally:
            self.set_hook(share_contact=True)
        (_, body), = self.hook.received
        self.assertIsNone(body['contact'])
        self.assertNotIn("Mia", json.dumps(body))
        self.assertEqual(body['number'], complaint.number)

    def test_hook_error_retried(self):
        "A 500 is tried again later with the same key, then delivered"
        complaint = self.redirect_to_hook()
        self.hook.status = 500
        now = dt.datetime.now()
        self.deliver(now)
        set_user('coordinator', self.config)
        delivery = self.delivery(complaint)
        self.assertEqual(delivery.state, 'pending')
        self.assertEqual(delivery.attempts, 1)
        self.assertIn("HTTP 500", delivery.last_error)
        self.assertGreater(delivery.next_attempt, now)
        self.deliver(now)
        self.assertEqual(len(self.hook.received), 1)
        self.hook.status = 200
        self.deliver(now + dt.timedelta(minutes=2))
        first, second = self.hook.received
        self.assertEqual(first[0]['Idempotency-Key'],
            second[0]['Idempotency-Key'])
        delivery.reload()
        self.assertEqual(delivery.state, 'delivered')
        self.assertEqual(delivery.attempts, 2)

    def test_hook_down(self):
        """A hook that stays down: tried 8 times, then failed with a task
        for the coordinators, who retry it once the hook is back"""
        self.set_hook(
            hook_url=f'http://127.0.0.1:{closed_port()}/meldingen')
        try:
            complaint = self.redirect_to_hook()
            now = dt.datetime.now()
            for day in range(10):
                self.deliver(now + dt.timedelta(days=day))
        finally:
            self.set_hook(hook_url=self.hook.url)
        set_user('coordinator', self.config)
        delivery = self.delivery(complaint)
        self.assertEqual(delivery.state, 'failed')
        self.assertEqual(delivery.attempts, 8)
        self.assertIn("Connection refused", delivery.last_error)
        Task = Model.get('klachten.task')
        task, = Task.find([
                ('kind', '=', 'redirect_failed'),
                ('origin', '=', str(delivery)),
                ])
        self.assertEqual(task.state, 'open')
        delivery.click('retry')
        self.assertEqual(delivery.state, 'pending')
        self.deliver()
        self.assertEqual(len(self.hook.received), 1)
        delivery.reload()
        self.assertEqual(delivery.state, 'delivered')
        task.reload()
        self.assertEqual(task.state, 'done')

    def test_hook_refused_for_good(self):
        "A 4xx refusal is not tried again: failed at once, a task"
        complaint = self.redirect_to_hook()
        self.hook.status = 422
        self.deliver()
        self.deliver(dt.datetime.now() + dt.timedelta(days=1))
        self.assertEqual(len(self.hook.received), 1)
        set_user('coordinator', self.config)
        delivery = self.delivery(complaint)
        self.assertEqual(delivery.state, 'failed')
        self.assertIn("HTTP 422", delivery.last_error)

    def test_target_hook_url_checked(self):
        "A hook is https, or http on this machine only"
        set_user('klachtenadmin', self.config)
        Target = Model.get('klachten.redirect.target')
        for url in ['http://meldingen.klaverveld.be/hook', 'ftp://x/y',
                'https://user:pw@klaverveld.be/hook', 'hook', 'http://[::1']:
            with self.subTest(url=url), self.assertRaises(ValidationError):
                Target(kind='report', method='http', name="Hook",
                    hook_url=url).save()
        for url in ['https://meldingen.klaverveld.be/hook',
                'http://127.0.0.1:8080/', 'http://localhost/hook',
                'http://[::1]:8000/']:
            target = Target(kind='report', method='http', name="Hook",
                hook_url=url, active=False)
            target.save()
            target.delete()

    def test_hook_anonymised(self):
        "Retention cuts the note and stops a delivery not made yet"
        complaint = self.redirect_to_hook()
        with Transaction().start(DB_NAME, 0) as transaction:
            Complaint = Pool().get('klachten.complaint')
            Complaint.anonymise([Complaint(complaint.id)])
            transaction.commit()
        self.deliver()
        self.assertEqual(self.hook.received, [])
        set_user('coordinator', self.config)
        delivery = self.delivery(complaint)
        self.assertEqual(delivery.state, 'cancelled')
        self.assertNotIn("For the box.", delivery.note)
