# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Several processes on one PostgreSQL, as production runs them.

The recipe of docs/deployment.md, on one machine: two trytond application
servers (gunicorn, trytond.application:app), trytond-worker and trytond-cron
(and a second cron, as during a fail-over) on the test's PostgreSQL, the
e-mails to a real SMTP server.  The test plays the load balancer: it sends
its requests to the two servers in turn.  It proves that the portal's rate
limits and lockouts hold across the servers, that a session made on one
works on the other, that each reminder is sent once and that the outbox
sends each e-mail once.

PostgreSQL only: SQLite serves one machine, where none of this is shared
(the test is not collected on SQLite)."""
import datetime as dt
import http.cookiejar
import itertools
import os
import secrets
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import trytond.config as config
from klachten_base.tests.harness import free_port, start, stop, wait_for_port
from klachten_base.tests.smtp import SMTPServer
from klachten_base.tests.tools import (
    create_complainant, create_complaint, set_user)
from klachten_portal.tests.tools import Form, set_up_portal_database
from proteus import Model
from trytond.pool import Pool
from trytond.transaction import Transaction

BIN = Path(sys.executable).parent
POSTGRESQL = os.environ.get(
    'TRYTOND_DATABASE__URI', '').startswith('postgresql')
PASSWORD = 'een lang wachtwoord'
TOKEN_LIMIT = 10
LOGIN_LIMIT = 3
# what the trytond.conf of docs/deployment.md sets; {placeholders} filled
# in by the test
CONFIGURATION = """\
[database]
uri = {uri}
[web]
num_proxies = 0
[queue]
worker = True
[email]
uri = {smtp}
from = Klachten <klachten@example.org>
[klachten]
portal_url = {portal}
portal_token_rate_limit = {token_limit}
portal_login_address_rate_limit = {login_limit}
"""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    "A browser whose requests the load balancer (the test) spreads"

    def __init__(self, ports, database):
        self.ports = itertools.cycle(ports)
        self.database = database
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(
                http.cookiejar.CookieJar()), NoRedirect())

    def open(self, path, data=None, port=None):
        "(status, body, port) of path on the next server (or port)"
        port = port or next(self.ports)
        url = f'http://127.0.0.1:{port}/{self.database}/portal/{path}'
        if data is not None:
            data = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(url, data=data)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode(), port
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), port

    def login(self, email, password, port=None):
        "Open the login form and send it, on port or the next servers"
        status, body, _ = self.open('account/login?lang=nl', port=port)
        assert status == 200, body
        form = Form(body)
        return self.open('account/login', form.data(
                email=email, password=password), port=port)


if POSTGRESQL:
    class MultiProcessTestCase(unittest.TestCase):
        "Two app servers, a worker and the cron on one PostgreSQL"

        @classmethod
        def setUpClass(cls):
            super().setUpClass()
            cls.db = set_up_portal_database(cls)
            cls.prepare_data()
            cls.smtp = SMTPServer().start()
            cls.addClassCleanup(cls.smtp.stop)
            cls.folder = Path(tempfile.mkdtemp(prefix='klachten-mp-'))
            cls.ports = [free_port(), free_port()]
            conf = cls.folder / 'trytond.conf'
            conf.write_text(CONFIGURATION.format(
                    uri=config.get('database', 'uri'),
                    smtp=cls.smtp.uri(),
                    portal=f'http://127.0.0.1:{cls.ports[0]}',
                    token_limit=TOKEN_LIMIT, login_limit=LOGIN_LIMIT))
            env = {k: v for k, v in os.environ.items()
                if not k.startswith(('TRYTOND_', 'DB_'))}
            env.update(TRYTOND_CONFIG=str(conf),
                TRYTOND_DATABASE_NAMES=cls.db)
            cls.processes = []
            cls.addClassCleanup(cls.stop_all)
            for port in cls.ports:
                process = cls.start('gunicorn', [
                        BIN / 'gunicorn', '--bind', f'127.0.0.1:{port}',
                        '--workers', '1', '--timeout', '30',
                        'trytond.application:app'], env)
            for process, port in zip(cls.processes, cls.ports):
                wait_for_port(process, port, process.log)
            cls.start('worker', [
                    BIN / 'trytond-worker', '-c', conf, '-d', cls.db,
                    '-n', '1'], env)
            # the cron, and a second one as during a fail-over: each
            # reminder is still claimed once
            cls.start('cron', [
                    BIN / 'trytond-cron', '-c', conf, '-d', cls.db,
                    '-n', '1'], env)
            cls.start('cron-once', [
                    BIN / 'trytond-cron', '-c', conf, '-d', cls.db,
                    '-n', '1', '-1'], env)

        @classmethod
        def start(cls, name, args, env):
            log = open(cls.folder / f'{name}-{len(cls.processes)}.log', 'w')
            process = start(args, env, log)
            process.log = log
            cls.processes.append(process)
            return process

        @classmethod
        def stop_all(cls):
            for process in cls.processes:
                stop(process)
                process.log.close()

        @classmethod
        def logs(cls):
            return '\n'.join(
                f'--- {p.log.name}\n'
                + Path(p.log.name).read_text(errors='replace')[-3000:]
                for p in cls.processes)

        @classmethod
        def prepare_data(cls):
            """A citizen's account, and a task due today (a reminder to
            its handler) on a complaint, with the crons due"""
            set_user('admin')
            User = Model.get('res.user')
            for login in ['handler1', 'coordinator']:
                user, = User.find([('login', '=', login)])
                user.email = f'{login}@klaverveld.example'
                user.save()
            set_user('receiver')
            complaint = create_complaint(create_complainant(
                    "Mia Claes", 'mia@example.org'))
            cls.complaint = complaint.id
            with Transaction().start(cls.db, 0) as transaction:
                pool = Pool(cls.db)
                User = pool.get('res.user')
                handler, = User.search([('login', '=', 'handler1')])
                Task = pool.get('klachten.task')
                Task.create([{
                            'complaint': cls.complaint,
                            'kind': 'investigate',
                            'user': handler.id,
                            }])
                WebUser = pool.get('web.user')
                WebUser.create([{
                            'email': 'citizen@example.org',
                            'password': PASSWORD,
                            'email_valid': True,
                            }])
                tasks = Task.search([
                        ('complaint', '=', cls.complaint),
                        ('state', '=', 'open')])
                assert tasks
                Task.write(tasks, {'due_date': dt.date.today()})
                Cron = pool.get('ir.cron')
                Cron.write(Cron.search([]), {'next_call': None})
                transaction.commit()

        def browser(self):
            return Browser(self.ports, self.db)

        def test_session_on_both_servers(self):
            "A login on one server is a session on the other"
            browser = self.browser()
            status, body, port = browser.login(
                'citizen@example.org', PASSWORD, port=self.ports[0])
            self.assertEqual(status, 303, body)
            status, body, _ = browser.open('account?lang=nl',
                port=self.ports[1])
            self.assertEqual(status, 200, self.logs())
            self.assertIn("Mijn klachten", body)
            # logged out on the second, it ends on the first too
            form = Form(body)
            status, _, _ = browser.open('account/logout', form.data(),
                port=self.ports[1])
            self.assertEqual(status, 303)
            status, _, _ = browser.open('account?lang=nl',
                port=self.ports[0])
            self.assertEqual(status, 303)

        def test_token_limit_across_servers(self):
            "Link guesses spread over both servers count together"
            browser = self.browser()
            statuses = []
            for _ in range(TOKEN_LIMIT + 6):
                status, _, _ = browser.open(
                    f'status/{secrets.token_urlsafe(32)}?lang=nl')
                statuses.append(status)
            self.assertEqual(statuses.count(404), TOKEN_LIMIT, statuses)
            self.assertEqual(statuses.count(429), 6, statuses)

        def test_login_lockout_across_servers(self):
            "Wrong passwords spread over both servers lock out together"
            with Transaction().start(self.db, 0) as transaction:
                Pool(self.db).get('web.user').create([{
                            'email': 'guessed@example.org',
                            'password': PASSWORD,
                            'email_valid': True,
                            }])
                transaction.commit()
            browser = self.browser()
            for _ in range(LOGIN_LIMIT):
                status, body, _ = browser.login(
                    'guessed@example.org', 'a guess')
                self.assertEqual(status, 400, body)
            for port in self.ports:
                started = time.monotonic()
                status, body, _ = browser.login(
                    'guessed@example.org', PASSWORD, port=port)
                self.assertEqual(status, 429, body)
                self.assertLess(time.monotonic() - started, 5)
                self.assertIn("minuten opnieuw", body)

        def test_reminder_and_outbox_once(self):
            """The task's reminder is claimed once by the two crons, and
            each e-mail of the outbox reaches the SMTP server once"""
            end = time.monotonic() + 70
            while time.monotonic() < end:
                if self.reminders() and not self.pending():
                    break
                time.sleep(1)
            self.assertTrue(self.reminders(), self.logs())
            self.assertEqual(self.pending(), [], self.logs())
            # give a duplicate the time to show up
            time.sleep(3)
            reminders = self.reminders()
            self.assertIn('handler1@klaverveld.example',
                [to for _, to in reminders])
            self.assertEqual(len(reminders), len(set(reminders)), reminders)
            with Transaction().start(self.db, 0, readonly=True):
                Email = Pool(self.db).get('klachten.email')
                sent = [e.message_id for e in Email.search(
                        [('state', '=', 'sent')])]
            received = self.smtp.message_ids()
            self.assertEqual(sorted(received), sorted(sent))
            self.assertEqual(set(received.values()), {1}, received)

        def reminders(self):
            "(task, to) of the reminders in the outbox"
            with Transaction().start(self.db, 0, readonly=True):
                Email = Pool(self.db).get('klachten.email')
                return [(str(e.resource), e.to)
                    for e in Email.search([('kind', '=', 'reminder')])]

        def pending(self):
            with Transaction().start(self.db, 0, readonly=True):
                Email = Pool(self.db).get('klachten.email')
                return Email.search([('state', '=', 'pending')])
