# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What an attacker on the internet could try on the portal, and what the
portal answers."""
import re
import time
import unittest

from klachten_base.tests.smtp import free_port
from trytond import backend
from trytond.pool import Pool
from trytond.transaction import Transaction

from .tools import (
    Form, Portal, PortalTestMixin, configure_portal, set_up_portal_database,
    settings, text)

LINK = re.compile(r'http://portal\.test/[^/]+/portal/(account/[\w/-]+)\?')
PASSWORD = 'een lang wachtwoord'


class FromAddress(Portal):
    "A browser on the portal from the client address"

    def __init__(self, database, address):
        super().__init__(database)
        self.address = address

    def get(self, path, **kwargs):
        return super().get(path, environ_base={'REMOTE_ADDR': self.address},
            **kwargs)

    def post(self, path, data, **kwargs):
        return super().post(path, data,
            environ_base={'REMOTE_ADDR': self.address}, **kwargs)


class SecurityTestCase(PortalTestMixin, unittest.TestCase):
    "The portal against an attacker"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls)
        configure_portal(cls, account_mail_rate_limit=0)

    def client(self, address):
        "A portal seen from the client address"
        return FromAddress(self.db, address)

    def register(self, portal, email, password=PASSWORD):
        form = Form(text(portal.get('account/register?lang=nl')))
        return portal.post('account/register', form.data(
                name="An Peeters", email=email, password=password,
                password_repeat=password))

    def validated_account(self, email):
        portal = Portal(self.db)
        self.assertEqual(self.register(portal, email).status_code, 303)
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            email_, = Email.search([
                    ('to', '=', email), ('kind', '=', 'account_validation')])
            path = LINK.search(email_.body).group(1)
        form = Form(text(portal.get(path)))
        response = portal.post(path, form.data(password=PASSWORD))
        self.assertEqual(response.status_code, 303, text(response))
        return portal

    def test_rate_limit_ipv6_network(self):
        """A client changing its address within its IPv6 /64 (every
        subscriber has one) is still counted as one"""
        with settings(post_rate_limit=2):
            for address in ['2001:db8:1:2::1', '2001:db8:1:2::2']:
                response = self.client(address).post('complaint', {})
                self.assertEqual(response.status_code, 403)
            response = self.client('2001:db8:1:2:ffff::3').post(
                'complaint', {})
            self.assertEqual(response.status_code, 429)
            self.assertIn("Even geduld", text(response))
            # another subscriber's network, and IPv4 clients, are not
            for address in ['2001:db8:1:3::1', '192.0.2.1', '192.0.2.2']:
                response = self.client(address).post('complaint', {})
                self.assertEqual(response.status_code, 403, address)

    def test_login_rate_limit_ipv6_network(self):
        "Guessing logins from addresses of one IPv6 /64 is held back"
        with settings(login_rate_limit=2, login_address_rate_limit=0):
            for index in range(2):
                portal = self.client(f'2001:db8:5:6::{index + 1}')
                form = Form(text(portal.get('account/login?lang=nl')))
                response = portal.post('account/login', form.data(
                        email=f'who{index}@example.org', password='guess'))
                self.assertEqual(response.status_code, 400)
            portal = self.client('2001:db8:5:6::99')
            form = Form(text(portal.get('account/login?lang=nl')))
            response = portal.post('account/login', form.data(
                    email='who9@example.org', password='guess'))
            self.assertEqual(response.status_code, 429)

    def login(self, portal, email, password):
        form = Form(text(portal.get('account/login?lang=nl')))
        started = time.monotonic()
        response = portal.post('account/login', form.data(
                email=email, password=password))
        return response, time.monotonic() - started

    def test_login_lockout_per_client(self):
        """Five wrong passwords hold back the address that guessed, at
        once and saying for how long, never the citizen at her own; the
        e-mailed reset link lets every address in again"""
        email = 'els.jacobs@example.org'
        self.validated_account(email)
        attacker = self.client('198.51.100.7')
        for _ in range(5):
            response, _seconds = self.login(attacker, email, 'a guess')
            self.assertEqual(response.status_code, 400)
        response, seconds = self.login(attacker, email, PASSWORD)
        self.assertEqual(response.status_code, 429)
        self.assertLess(seconds, 2)
        self.assertIn("Probeer het over 15 minuten opnieuw.", text(response))
        self.assertIn(int(response.headers['Retry-After']), range(880, 901))
        self.assertNotIn('klachten_portal_session',
            response.headers.get('Set-Cookie', ''))

        # the citizen, from her own address, is let in at once
        response, seconds = self.login(
            self.client('203.0.113.20'), email, PASSWORD)
        self.assertEqual(response.status_code, 303, text(response))
        self.assertLess(seconds, 2)

        # the reset link she is e-mailed unlocks every address
        portal = self.client('198.51.100.7')
        form = Form(text(portal.get('account/reset?lang=nl')))
        portal.post('account/reset', form.data(email=email))
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            email_, = Email.search([
                    ('to', '=', email), ('kind', '=', 'account_reset')])
            path = LINK.search(email_.body).group(1)
        form = Form(text(portal.get(path)))
        response = portal.post(path, form.data(
                password='een nieuw wachtwoord',
                password_repeat='een nieuw wachtwoord'))
        self.assertEqual(response.status_code, 303, text(response))
        response, _seconds = self.login(
            attacker, email, 'een nieuw wachtwoord')
        self.assertEqual(response.status_code, 303, text(response))

    def test_cross_origin_post(self):
        """A form posted from another site is refused with 403 and the
        page in the citizen's language, not a 500; nothing is filed"""
        portal = Portal(self.db)
        for path in ['complaint?lang=fr', 'account/login?lang=fr']:
            with self.subTest(path):
                response = portal.client.post(portal.url(path), data={},
                    headers={'Origin': 'https://evil.example'})
                self.assertEqual(response.status_code, 403)
                self.assertIn("Le formulaire a expiré", text(response))
                self.assertEqual(response.headers['X-Frame-Options'], 'DENY')

    def test_token_page_no_referrer(self):
        """A page whose address holds a token tells the browser to send only
        the origin as Referer, and no meta element of the page overrides
        it"""
        portal = Portal(self.db)
        response = portal.file()
        self.assertEqual(response.status_code, 303)
        receipt = portal.client.get(response.headers['Location'])
        self.assertEqual(receipt.status_code, 200)
        self.assertEqual(receipt.headers['Referrer-Policy'], 'strict-origin')
        policies = re.findall(
            r'<meta\s+name="referrer"\s+content="([^"]*)"', text(receipt))
        self.assertEqual(policies, [])

    def test_register_known_address_same_time(self):
        """Registering an address that has an account takes as long as
        registering a new one: the answer's time does not tell who has an
        account (a password hash takes about 0.3 s)"""
        known = 'kim.de.smet@example.org'
        self.validated_account(known)
        portal = Portal(self.db)
        # warm up
        self.register(portal, 'warm.up@example.org')
        new_times, known_times = [], []
        for index in range(3):
            for email, times in [
                    (f'new{index}@example.org', new_times),
                    (known, known_times)]:
                form = Form(text(portal.get('account/register?lang=nl')))
                data = form.data(name="An Peeters", email=email,
                    password=PASSWORD, password_repeat=PASSWORD)
                started = time.monotonic()
                response = portal.post('account/register', data)
                times.append(time.monotonic() - started)
                self.assertEqual(response.status_code, 303)
        # without the hash, a known address answers in a fraction
        self.assertGreater(min(known_times), 0.6 * min(new_times),
            (known_times, new_times))

    def test_reset_request_known_address_same_time(self):
        """Asking a new password for an address that has an account takes
        as long as for one that has none"""
        known = 'lotte.wouters@example.org'
        self.validated_account(known)
        portal = Portal(self.db)
        unknown_times, known_times = [], []
        for index in range(3):
            for email, times in [
                    (f'nobody{index}@example.org', unknown_times),
                    (known, known_times)]:
                form = Form(text(portal.get('account/reset?lang=nl')))
                data = form.data(email=email)
                started = time.monotonic()
                response = portal.post('account/reset', data)
                times.append(time.monotonic() - started)
                self.assertEqual(response.status_code, 303)
        # a known address's e-mail took 4 times as long to make
        self.assertLess(min(known_times), 1.3 * min(unknown_times),
            (known_times, unknown_times))

    def test_conclusion_not_told(self):
        """A conclusion the complainant was not told (concluded without
        informing them) stays in the back office: "Mijn klachten" shows
        only what the complainant was written"""
        secret = "Medewerker J. Peeters kreeg een berisping."
        portal = self.validated_account('noor.claes@example.org')
        response = portal.file()
        self.assertEqual(response.status_code, 303)
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            complaint, = Complaint.search(
                [('portal_submission_key', '=', key)])
            department, = pool.get('klachten.department').search(
                [('code', '=', 'BZ')])
            role, = pool.get('klachten.role').search(
                [('code', '=', 'handler')])
            subject, = pool.get('klachten.subject').search([])
            Complaint.declare_admissible([complaint], department, role,
                subject=subject, basis='treatment', concerns='department',
                concerned_department=department)
            Complaint.write([complaint], {
                    'report': "Gesprek met de medewerker.",
                    'outcome': 'unfounded',
                    'outcome_motivation': secret,
                    })
            Complaint.finalise_report([complaint])
            Complaint.conclude([complaint], secret, inform=False)
            number = complaint.number
            transaction.commit()
        page = portal.get(f'account/complaint/{number}?lang=nl')
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("berisping", text(page))

    def test_error_log_without_token(self):
        """A server error on a link's page is logged without the link's
        token: whoever reads the log cannot use the link"""
        portal = Portal(self.db)
        response = portal.file()
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            complaint, = Complaint.search(
                [('portal_submission_key', '=', key)])
            request, = Complaint.request_information(
                [complaint], "Welke dag was het?")
            # a link to a record its page cannot show: a server error
            token = pool.get('klachten.portal.token').issue(
                request, 'status', pool.get('ir.date').today())
            transaction.commit()
        with self.assertLogs('klachten_portal', 'ERROR') as logs:
            response = portal.get(f'status/{token}')
        self.assertEqual(response.status_code, 500)
        self.assertNotIn(token, '\n'.join(logs.output))
        self.assertIn('/portal/status/<token>', logs.output[0])


if backend.name == 'postgresql':
    class DatabaseDownTestCase(PortalTestMixin, unittest.TestCase):
        "The portal while PostgreSQL does not answer (PostgreSQL only)"

        @classmethod
        def setUpClass(cls):
            super().setUpClass()
            cls.db = set_up_portal_database(cls)
            configure_portal(cls)

        def test_database_down(self):
            """Every page answers within seconds with the 503 page in the
            citizen's language instead of waiting on the database"""
            from psycopg_pool import ConnectionPool
            self.assertEqual(
                self.portal.get('complaint?lang=nl').status_code, 200)
            database = backend.Database(self.db)
            working = database._connpool
            # the database's server gone: nothing listens on its port
            down = ConnectionPool(
                f'postgresql://127.0.0.1:{free_port()}/{self.db}'
                '?connect_timeout=1', min_size=0, max_size=1, open=True)
            self.addCleanup(down.close, timeout=0)
            database._connpool = down
            try:
                for method, path in [('get', 'complaint?lang=fr'),
                        ('get', 'account?lang=fr'),
                        ('post', 'complaint?lang=fr')]:
                    started = time.monotonic()
                    if method == 'get':
                        response = self.portal.get(path)
                    else:
                        response = self.portal.post(path, {})
                    self.assertEqual(response.status_code, 503, path)
                    self.assertLess(time.monotonic() - started, 8)
                    self.assertIn("Momentanément indisponible",
                        text(response))
            finally:
                database._connpool = working
            self.assertEqual(
                self.portal.get('complaint?lang=nl').status_code, 200)
