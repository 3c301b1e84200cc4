# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The outbox against a real SMTP server on loopback (tests/smtp.py).

Sending runs in threads and in a subprocess, so the database must be one
they can open: PostgreSQL's test database, or on SQLite a file copy of the
in-memory one."""
import datetime as dt
import os
import shutil
import signal
import smtplib
import subprocess
import sys
import threading
import time
import unittest
from contextlib import contextmanager
from types import SimpleNamespace
from unittest import mock

from sql import Column

import trytond.config as config
from proteus import Model
from trytond import backend
from trytond.exceptions import UserError
from trytond.model import fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction
from trytond.worker import run_task

from ..exceptions import EmailAddressError
from ..outbox import is_permanent, parse_addresses
from .smtp import SMTPServer
from .tools import (
    admit, create_complainant, create_complaint, set_user, setup_municipality,
    shared_database)

TIMEOUT = 3  # seconds, the SMTP timeout of [email] uri
MINUTE = dt.timedelta(minutes=1)
FIELDS = ['state', 'attempts', 'next_attempt', 'last_error', 'message_id']

# What a killed cron or worker runs
SEND_PENDING = '''
import sys
from trytond.pool import Pool
from trytond.transaction import Transaction
database = sys.argv[1]
pool = Pool(database)
with Transaction().start(database, 0, readonly=True):
    pool.init()
with Transaction().start(database, 0):
    pool.get('klachten.email').send_pending()
'''


@contextmanager
def worker():
    "As with [queue] worker = True"
    previous = config.get('queue', 'worker')
    config.set('queue', 'worker', 'True')
    try:
        yield
    finally:
        config.set('queue', 'worker', previous)


def in_thread(func, *args):
    "Start func in a thread and return the thread"
    thread = threading.Thread(target=func, args=args)
    thread.start()
    return thread


class OutboxTestCase(unittest.TestCase):
    "The outbox sends every e-mail once, whatever the SMTP server does"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('klachten_base')
        ns = setup_municipality()
        set_user('receiver')
        complainant = create_complainant()
        assigned = create_complaint(complainant)
        about_coordinator = create_complaint(complainant)
        set_user('klachtenadmin')
        Complaint = Model.get('klachten.complaint')
        admit(Complaint(assigned.id), ns, user='handler1')
        admit(Complaint(about_coordinator.id), ns, department='OM',
            user='handler3', concerns='staff',
            concerned_user=Model.get('res.user')(
                ns.users['coordinator'].id))
        cls.complaints = {
            'assigned': assigned.id,
            'about_coordinator': about_coordinator.id,
            }
        cls.users = {login: u.id for login, u in ns.users.items()}

        cls.addClassCleanup(drop_db)
        database_path = config.get('database', 'path')
        cls.db, cls.folder = shared_database()
        if cls.folder:
            cls.addClassCleanup(shutil.rmtree, cls.folder)
            cls.addClassCleanup(
                config.set, 'database', 'path', database_path)
            cls.addClassCleanup(backend.Database(cls.db).close)
            cls.addClassCleanup(Pool.stop, cls.db)
        cls.smtp = SMTPServer().start()
        cls.addClassCleanup(cls.smtp.stop)
        configured = cls.smtp.configured(timeout=TIMEOUT)
        configured.__enter__()
        cls.addClassCleanup(configured.__exit__, None, None, None)

    def setUp(self):
        self.smtp.accept()
        self.smtp.clear()
        with self.transaction():
            Email = Pool().get('klachten.email')
            Email.delete(Email.search([]))

    # Helpers
    def transaction(self, login=None):
        "A transaction as root, or as login with its access rights"
        if login is None:
            return Transaction().start(self.db, 0)
        return Transaction().start(
            self.db, self.users[login], context={'_check_access': True})

    def queue(self, count=1, **values):
        "Queue count e-mails in a committed transaction; return their ids"
        with self.transaction():
            Email = Pool().get('klachten.email')
            emails = Email.queue([{
                        'to': f'burger{i}@example.org',
                        'subject': f"Your complaint {i}",
                        'body': f"Dear citizen {i},\n\nWe received it.",
                        'kind': 'acknowledgement',
                        **values,
                        } for i in range(count)])
            return [e.id for e in emails]

    def send_pending(self, now=None, **kwargs):
        with self.transaction():
            Pool().get('klachten.email').send_pending(now=now, **kwargs)

    def read(self, ids):
        "The e-mails of ids as they are in the database now"
        with self.transaction():
            Email = Pool().get('klachten.email')
            return {v['id']: SimpleNamespace(**v)
                for v in Email.read(ids, FIELDS)}

    def message_ids(self, ids):
        return {e.message_id for e in self.read(ids).values()}

    # Tests
    def test_rows_as_create(self):
        """queue writes its e-mails in one INSERT: the rows are those
        Email.create writes of the same values (the outbox reads and sends
        them alike)"""
        with self.transaction() as transaction:
            pool = Pool()
            Email = pool.get('klachten.email')
            Party = pool.get('party.party')
            party, = Party.search([], limit=1)
            values = {
                'to': "An Peeters <an@example.org>",
                'cc': 'clerk@example.org',
                'subject': "Uw klacht\r\nBcc: x",
                'body': "Beste,\n\nOntvangen.",
                'kind': 'acknowledgement',
                'language': 'nl',
                'complaint': self.complaints['assigned'],
                'resource': str(party),
                }
            queued, = Email.queue([values])
            made, = Email.create([{**values, 'state': 'pending',
                            'attempts': 0,
                            'next_attempt': queued.next_attempt}])
            table = Email.__table__()
            cursor = transaction.connection.cursor()
            columns = [n for n, f in Email._fields.items()
                if not isinstance(f, fields.Function)
                and n not in {'id', 'message_id'}]
            rows = []
            for email in [queued, made]:
                cursor.execute(*table.select(
                        *[Column(table, c) for c in columns],
                        where=table.id == email.id))
                rows.append(dict(zip(columns, cursor.fetchone())))
            self.assertEqual(rows[0], rows[1])
            self.assertEqual(rows[0]['subject'], "Uw klacht Bcc: x")
            self.assertEqual(rows[0]['to'], "An Peeters <an@example.org>")
            self.assertNotEqual(queued.message_id, made.message_id)
            self.assertTrue(queued.message_id.endswith('@example.org>'))
            transaction.rollback()

    def test_smtp_down_while_queueing(self):
        "SMTP down: the steps commit, the e-mails wait, then leave once"
        self.smtp.stop()
        started = time.monotonic()
        ids = []
        with mock.patch.object(smtplib.SMTP, 'connect',
                side_effect=AssertionError("SMTP contacted while queueing")):
            for i in range(20):
                with self.transaction():
                    Party = Pool().get('party.party')
                    Email = Pool().get('klachten.email')
                    party, = Party.create([{'name': f"Burger {i}"}])
                    email, = Email.queue([{
                                'to': f'burger{i}@example.org',
                                'subject': f"Complaint {i}",
                                'body': "Received.",
                                'resource': str(party),
                                }])
                    ids.append(email.id)
            with self.transaction() as transaction:
                Email = Pool().get('klachten.email')
                Email.queue([{'to': 'nobody@example.org',
                            'subject': "Rolled back"}])
                transaction.rollback()
        self.assertLess(time.monotonic() - started, 10)

        with self.transaction():
            Party = Pool().get('party.party')
            self.assertEqual(Party.search_count([
                        ('name', 'like', 'Burger %')]), 20)
        emails = self.read(ids)
        self.assertEqual(len(emails), 20)
        self.assertEqual({e.state for e in emails.values()}, {'pending'})
        self.assertEqual(len(self.message_ids(ids)), 20)

        before = dt.datetime.now().replace(microsecond=0)
        self.send_pending()
        for email in self.read(ids).values():
            self.assertEqual(email.state, 'pending')
            self.assertEqual(email.attempts, 1)
            self.assertIn('Connection refused', email.last_error)
            self.assertGreater(email.next_attempt, before)

        # Not due yet: nothing is tried
        self.smtp.start()
        self.send_pending()
        self.assertEqual(self.smtp.messages, [])

        self.send_pending(now=dt.datetime.now() + 2 * MINUTE)
        self.assertEqual(
            dict(self.smtp.message_ids()),
            {m: 1 for m in self.message_ids(ids)})
        self.assertEqual(
            {e.state for e in self.read(ids).values()}, {'sent'})
        self.assertNotIn(
            "Rolled back", [m['Subject'] for m in self.smtp.messages])

        self.send_pending(now=dt.datetime.now() + dt.timedelta(days=2))
        self.assertEqual(len(self.smtp.messages), 20)

    def test_temporary_refusal(self):
        "451: retried later and later, then delivered once"
        email_id, = self.queue()
        self.smtp.refuse(451)
        now = dt.datetime.now().replace(microsecond=0)
        self.send_pending(now=now)
        email = self.read([email_id])[email_id]
        self.assertEqual(
            (email.state, email.attempts, email.next_attempt),
            ('pending', 1, now + MINUTE))
        self.assertTrue(
            email.last_error.startswith('burger0@example.org: 451'),
            email.last_error)

        now += MINUTE
        self.send_pending(now=now)
        email = self.read([email_id])[email_id]
        self.assertEqual(
            (email.state, email.attempts, email.next_attempt),
            ('pending', 2, now + 2 * MINUTE))

        self.smtp.accept()
        self.send_pending(now=now + MINUTE)
        self.assertEqual(self.smtp.messages, [])
        self.send_pending(now=now + 2 * MINUTE)
        email = self.read([email_id])[email_id]
        self.assertEqual((email.state, email.attempts), ('sent', 3))
        self.assertEqual(self.smtp.count(email.message_id), 1)

    def test_temporary_failures_end(self):
        "After the last attempt a temporary failure fails too"
        email_id, = self.queue()
        self.smtp.refuse(421, 'Service not available')
        now = dt.datetime.now()
        with mock.patch.object(
                Pool(self.db).get('klachten.email'), 'max_attempts', 3):
            for attempt in range(3):
                now += dt.timedelta(hours=1)
                self.send_pending(now=now)
        email = self.read([email_id])[email_id]
        self.assertEqual((email.state, email.attempts), ('failed', 3))

    def test_permanent_refusal(self):
        "550: failed after one attempt, with the reason; retry sends it"
        email_id, = self.queue(to='An Peeters <gone@example.org>')
        self.smtp.refuse(550)
        self.send_pending()
        email = self.read([email_id])[email_id]
        self.assertEqual((email.state, email.attempts), ('failed', 1))
        self.assertEqual(email.last_error,
            'gone@example.org: 550 5.1.1 Mailbox unavailable')
        self.send_pending(now=dt.datetime.now() + dt.timedelta(days=1))
        self.assertEqual(self.read([email_id])[email_id].attempts, 1)

        # The coordinator sees it among the failed ones and retries
        self.smtp.accept()
        with self.transaction('coordinator'):
            Email = Pool().get('klachten.email')
            failed = Email.search([('state', '=', 'failed')])
            self.assertEqual([e.id for e in failed], [email_id])
            Email.retry(failed)
        email = self.read([email_id])[email_id]
        self.assertEqual((email.state, email.attempts), ('pending', 0))
        self.send_pending()
        email = self.read([email_id])[email_id]
        self.assertEqual(email.state, 'sent')
        self.assertEqual(self.smtp.count(email.message_id), 1)

    def test_hanging_server(self):
        "A silent server times out; the others go on meanwhile"
        first, = self.queue()
        self.smtp.hang()
        started = time.monotonic()
        thread = in_thread(self.send_pending)
        self.assertTrue(self.smtp.hanging.wait(10))
        self.smtp.accept()

        # The database is not locked while a process waits on SMTP
        others = self.queue(2)
        self.send_pending()
        self.assertLess(time.monotonic() - started, TIMEOUT)
        self.assertEqual(
            sorted(self.smtp.message_ids()), sorted(self.message_ids(others)))
        self.assertEqual(self.read([first])[first].state, 'sending')

        thread.join(TIMEOUT + 10)
        elapsed = time.monotonic() - started
        self.assertGreaterEqual(elapsed, TIMEOUT)
        self.assertLess(elapsed, TIMEOUT + 5)
        email = self.read([first])[first]
        self.assertEqual((email.state, email.attempts), ('pending', 1))
        self.assertIn('timed out', email.last_error)
        self.smtp.release()

        self.send_pending(now=dt.datetime.now() + 2 * MINUTE)
        self.assertEqual(self.read([first])[first].state, 'sent')
        self.assertEqual(self.smtp.count(email.message_id), 1)

    def test_header_injection(self):
        "A name or subject with CR LF adds no header and no recipient"
        injection = "\r\nBcc: evil@example.org"
        for bad in [f'an@example.org{injection}',
                f'An Peeters{injection} <an@example.org>',
                'an@example.org\nevil@example.org',
                'an@example.org, undisclosed: evil@example.org;',
                'an@example.org@evil.org',
                'An Peeters']:
            with self.subTest(to=bad), self.transaction() as transaction:
                Email = Pool().get('klachten.email')
                try:
                    with self.assertRaises(EmailAddressError):
                        Email.queue([{'to': bad, 'subject': "Test"}])
                finally:
                    transaction.rollback()
        with self.transaction():
            to = Pool().get('klachten.email').format_address(
                f"An Peeters{injection}", 'an@example.org')
        email_id, = self.queue(
            to=to, cc='clerk@example.org',
            subject=f"Your complaint{injection}", language='nl')
        self.send_pending()

        received, = self.smtp.received
        message = received.message
        self.assertEqual(received.rcpt_tos,
            ['an@example.org', 'clerk@example.org'])
        self.assertEqual(sorted(message.keys()), sorted([
                    'From', 'To', 'Cc', 'Subject', 'Message-ID', 'Date',
                    'Auto-Submitted', 'Content-Language', 'Content-Type',
                    'Content-Transfer-Encoding', 'MIME-Version']))
        self.assertEqual(
            [a.addr_spec for a in message['To'].addresses],
            ['an@example.org'])
        self.assertEqual(
            message['To'].addresses[0].display_name,
            "An Peeters Bcc: evil@example.org")
        self.assertEqual(
            message['Subject'], "Your complaint Bcc: evil@example.org")
        self.assertEqual(message['Auto-Submitted'], 'auto-generated')
        self.assertEqual(message['Message-ID'],
            self.read([email_id])[email_id].message_id)
        self.assertTrue(
            message['Message-ID'].endswith('@example.org>'))
        self.assertEqual(message.get_content_type(), 'text/plain')
        self.assertEqual(message.get_content_charset(), 'utf-8')
        self.assertEqual(message.get_content().replace('\r\n', '\n'),
            "Dear citizen 0,\n\nWe received it.\n")

    def test_invalid_address_at_sending(self):
        "An address spoilt in the database fails; nobody else gets it"
        email_id, = self.queue()
        with self.transaction():
            Email = Pool().get('klachten.email')
            table = Email.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update([table.to],
                    ['an@example.org Bcc: evil@example.org'],
                    where=table.id == email_id))
        self.send_pending()
        email = self.read([email_id])[email_id]
        self.assertEqual((email.state, email.attempts), ('failed', 1))
        self.assertEqual(self.smtp.received, [])

    def test_concurrent_runs(self):
        "Two runs at the same time send each e-mail once"
        ids = self.queue(20)
        self.smtp.accept(delay=0.05)
        barrier = threading.Barrier(2)

        def run():
            barrier.wait()
            self.send_pending()
        threads = [in_thread(run) for _ in range(2)]
        for thread in threads:
            thread.join(30)
        self.assertEqual(
            dict(self.smtp.message_ids()),
            {m: 1 for m in self.message_ids(ids)})
        # both runs sent, each over its own connection
        self.assertEqual(len({r.peer for r in self.smtp.received}), 2)
        self.assertEqual(
            {e.state for e in self.read(ids).values()}, {'sent'})

    def test_killed_while_sending(self):
        "A sender killed during DATA loses nothing; a resend keeps the ID"
        email_id, = self.queue()
        self.smtp.hang(deliver=True)
        environ = {**os.environ, **self.smtp.environ(timeout=30)}
        if self.folder:
            environ['TRYTOND_DATABASE__PATH'] = self.folder
        process = subprocess.Popen(
            [sys.executable, '-c', SEND_PENDING, self.db], env=environ)
        try:
            self.assertTrue(self.smtp.hanging.wait(30))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(10)
        self.assertEqual(process.returncode, -signal.SIGKILL)
        email = self.read([email_id])[email_id]
        self.assertEqual((email.state, email.attempts), ('sending', 1))

        # The server delivers what it got before the client died
        self.smtp.release()
        self.smtp.accept()
        self.send_pending()
        self.assertEqual(self.read([email_id])[email_id].state, 'sending')

        self.send_pending(now=dt.datetime.now() + 11 * MINUTE)
        email = self.read([email_id])[email_id]
        self.assertEqual((email.state, email.attempts), ('sent', 2))
        self.assertEqual(self.smtp.count(email.message_id), 2)
        self.assertEqual(len(self.smtp.messages), 2)

    def test_cron(self):
        "The cron sends what is due every minute"
        email_id, = self.queue()
        with self.transaction():
            Cron = Pool().get('ir.cron')
            cron, = Cron.search([
                    ('method', '=', 'klachten.email|send_pending')])
            self.assertEqual(
                (cron.interval_number, cron.interval_type), (1, 'minutes'))
            Cron.run_once([cron])
        email = self.read([email_id])[email_id]
        self.assertEqual(email.state, 'sent')
        self.assertEqual(self.smtp.count(email.message_id), 1)

    def test_worker(self):
        "With a worker, the e-mails leave right after the commit"
        with worker():
            email_id, = self.queue()
        with self.transaction():
            Queue = Pool().get('ir.queue')
            tasks = Queue.search([('dequeued_at', '=', None)])
            task_ids = [t.id for t in tasks if t.data['method'] == 'send']
        self.assertEqual(len(task_ids), 1)
        run_task(self.db, task_ids[0])
        email = self.read([email_id])[email_id]
        self.assertEqual(email.state, 'sent')
        self.assertEqual(self.smtp.count(email.message_id), 1)

    def test_access(self):
        """Coordinators see all but what is about themselves, handlers
        what is about their complaints, no one writes but through buttons"""
        on_complaint, = self.queue(complaint=self.complaints['assigned'])
        about_coordinator, = self.queue(
            complaint=self.complaints['about_coordinator'])
        loose, = self.queue()
        visible = {
            'coordinator': {on_complaint, loose},
            'klachtenadmin': {on_complaint, about_coordinator, loose},
            'handler1': {on_complaint},
            'handler2': set(),
            'handler3': {about_coordinator},
            }
        for login, expected in visible.items():
            with self.subTest(login=login), self.transaction(login):
                Email = Pool().get('klachten.email')
                self.assertEqual({e.id for e in Email.search([])}, expected)
        for login in ['observer', 'receiver', 'head']:
            with self.subTest(login=login), self.transaction(login):
                Email = Pool().get('klachten.email')
                with self.assertRaises(AccessError):
                    Email.read([on_complaint], ['subject'])
        with self.transaction('coordinator'):
            Email = Pool().get('klachten.email')
            with self.assertRaises(AccessError):
                Email.write([Email(loose)], {'to': 'me@example.org'})
            with self.assertRaises(AccessError):
                Email.read([about_coordinator], ['subject'])
            Email.cancel([Email(loose)])
        self.assertEqual(self.read([loose])[loose].state, 'cancelled')
        with self.transaction('handler1'):
            Email = Pool().get('klachten.email')
            with self.assertRaises(UserError):
                Email.cancel([Email(on_complaint)])
        self.send_pending()
        self.assertEqual(len(self.smtp.messages), 2)


class AddressTestCase(unittest.TestCase):
    "Which addresses the outbox takes, and which answers end an e-mail"

    def test_valid(self):
        for value, expected in [
                ('an@example.org', ['an@example.org']),
                ('An Peeters <an@example.org>', ['an@example.org']),
                ('"Peeters, An" <an@example.org>, bo@example.org',
                    ['an@example.org', 'bo@example.org']),
                ('An <an@example.org>,', ['an@example.org']),
                ('Jérôme <jerome@exämple.be>', ['jerome@exämple.be']),
                ('', []),
                (None, []),
                ]:
            with self.subTest(value=value):
                self.assertEqual(
                    [a.addr_spec for a in parse_addresses(value)], expected)

    def test_refused(self):
        for value in [
                'an', '@example.org', 'an@', '<>', 'an@example.org@evil.org',
                'an@example.org Bcc: evil@example.org',
                'An Bcc: evil@example.org <an@example.org>',
                'friends: an@example.org, evil@example.org;',
                'an@example.org,, <evil@example.org',
                ]:
            with self.subTest(value=value):
                with self.assertRaises(ValueError):
                    parse_addresses(value)

    def test_permanent(self):
        refused = smtplib.SMTPRecipientsRefused
        for exception, permanent in [
                (refused({'a@b.c': (550, b'No such user')}), True),
                (refused({'a@b.c': (451, b'Later')}), False),
                (refused({'a@b.c': (550, b'No'), 'd@b.c': (452, b'Full')}),
                    False),
                (smtplib.SMTPDataError(554, b'Rejected'), True),
                (smtplib.SMTPDataError(451, b'Later'), False),
                (smtplib.SMTPSenderRefused(553, b'Relay denied', 'x'), False),
                (smtplib.SMTPAuthenticationError(535, b'Bad login'), False),
                (smtplib.SMTPServerDisconnected(), False),
                (ConnectionRefusedError(111, 'Connection refused'), False),
                (TimeoutError('timed out'), False),
                ]:
            with self.subTest(exception=exception):
                self.assertEqual(is_permanent(exception), permanent)
