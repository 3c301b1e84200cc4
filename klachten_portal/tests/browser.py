# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A real portal for browser tests: trytond serving the routes on
loopback, a real SMTP server, Debian's Chromium through playwright, and
axe-core for accessibility.  Nothing is mocked.

    from klachten_portal.tests.browser import BrowserTestCase

    class AdviceTestCase(BrowserTestCase):
        modules = ['klachten_portal', 'klachten_advies']

        def test_answer(self):
            office = self.site.back_office('coordinator')
            ...                              # act as staff over JSON-RPC
            self.site.send_mail()            # run the outbox: e-mails leave
            url, = self.site.links('advice', to='expert@example.org')
            # Chromium, in Dutch; accessibility lets axe-core in
            page = self.new_page(accessibility=True)
            page.goto(url)
            self.assert_accessible(page)     # axe-core: WCAG 2.1 A and AA
            ...

Once per test class (setUpClass), slow parts first:

- the test database (both backends: TRYTOND_DATABASE__URI sqlite:// or
  postgresql://, DB_CACHE as for every test) with ``modules`` activated
  and a municipality (company, departments and staff of
  klachten_base/tests/tools.py, passwords ``password(login)``);
  on SQLite a copy in a file that the server process opens too;
- ``Site``: an SMTP server (klachten_base/tests/smtp.py) and a ``trytond``
  process on 127.0.0.1 and a free port, serving that database, with
  [klachten] portal_url pointing at itself and the portal's rate limits
  off (``server_environ`` adds to its environment);
- ``Chromium``: /usr/bin/chromium through playwright, headless.

Each test gets new browser contexts from ``new_page()`` (no cookies
shared between tests), closed after it; a page records the
Content-Security-Policy errors of the console, which
``assert_no_csp_errors`` checks.  What the web server wrote during a test
is printed after it: pytest shows it when the test fails.

Never run ``playwright install``: the browser is Debian's (see
scripts/system_deps.sh); axe-core comes from npm (package.json).
"""
import base64
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

import trytond.config as config
from klachten_base.tests.smtp import SMTPServer, free_port
from klachten_base.tests.tools import password
from trytond.pool import Pool
from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
from trytond.transaction import Transaction

from .tools import set_up_portal_database

TOP = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get('KLACHTEN_CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic']
AXE = Path(os.environ.get('KLACHTEN_AXE',
        TOP / 'node_modules' / 'axe-core' / 'axe.min.js'))
WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']
# the links of the e-mails: database, kind (the path), token
LINK = re.compile(r'https?://[^/\s]+/([^/\s]+)/portal/([a-z_/]+)/([\w-]+)')


def set_up_database(test_class, modules=('klachten_portal',),
        languages=()):
    """Activate modules with a municipality (and the translations of
    languages) in a database that other processes can open; return its
    name.  Its cleanups are added to test_class."""
    return set_up_portal_database(test_class, languages, modules=modules)


class Site:
    """trytond serving database on 127.0.0.1, and the SMTP server it (and
    the outbox run by send_mail) sends to"""

    def __init__(self, database, environ=None):
        self.database = database
        self.environ = dict(environ or {})
        self.smtp = SMTPServer()
        self.port = None
        self.process = None
        self._log = None
        self._seen = 0

    def start(self):
        self.smtp.start()
        self.port = free_port()
        self._log = tempfile.NamedTemporaryFile(
            prefix='klachten-site-', suffix='.log', delete=False)
        env = dict(os.environ,
            TRYTOND_WEB__LISTEN=f'127.0.0.1:{self.port}',
            TRYTOND_DATABASE__PATH=config.get('database', 'path') or '',
            TRYTOND_KLACHTEN__PORTAL_URL=self.base_url,
            TRYTOND_KLACHTEN__PORTAL_POST_RATE_LIMIT='0',
            TRYTOND_KLACHTEN__PORTAL_TOKEN_RATE_LIMIT='0',
            **self.smtp.environ())
        env.update(self.environ)
        # A configuration file would override the environment
        env.pop('TRYTOND_CONFIG', None)
        trytond = Path(sys.executable).with_name('trytond')
        self.process = subprocess.Popen([str(trytond)], env=env,
            stdin=subprocess.DEVNULL, stdout=self._log,
            stderr=subprocess.STDOUT)
        self._wait()
        return self

    def ready(self):
        """Whether the server serves the complaint form.  That request also
        loads the database's pool: trytond 8.0 answers a JSON-RPC login
        that is the first request of a new process with KeyError
        'res.user' (the pool is registered before it is loaded)."""
        try:
            with urllib.request.urlopen(
                    self.url('complaint'), timeout=30) as response:
                return response.status == 200
        except OSError:
            return False

    def _wait(self, timeout=60):
        "Until the server is ready"
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.process.poll() is not None:
                break
            if self.ready():
                return
            time.sleep(0.1)
        log = self.log()
        self.stop()
        raise RuntimeError("trytond did not get ready:\n" + log)

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        self.smtp.stop()
        if self._log is not None:
            self._log.close()
            os.unlink(self._log.name)
            self._log = None

    def log(self, size=8000, start=0):
        "The end of the server's output (from the offset start)"
        if self._log is None:
            return ''
        with open(self._log.name, 'rb') as log:
            log.seek(start)
            return log.read().decode(errors='replace')[-size:]

    def log_size(self):
        return os.path.getsize(self._log.name) if self._log else 0

    @property
    def base_url(self):
        return f'http://127.0.0.1:{self.port}'

    def url(self, path=''):
        "The URL of the portal page path (e.g. 'complaint?lang=nl')"
        return f'{self.base_url}/{self.database}/portal/{path}'

    # E-mail
    def send_mail(self):
        """Run the outbox as its cron does (klachten.email.send_pending);
        return the messages the SMTP server received since the last call"""
        with self.smtp.configured():
            with Transaction().start(self.database, 0):
                Pool(self.database).get('klachten.email').send_pending()
        messages = self.smtp.messages[self._seen:]
        self._seen += len(messages)
        return messages

    def links(self, kind=None, to=None, messages=None):
        """The portal links (URLs) of the e-mails received, of kind
        ('information', 'feedback', 'status', 'account/validate', ...)
        and to an address, in the order they arrived"""
        found = []
        if messages is None:
            messages = self.smtp.messages
        for message in messages:
            if to and to not in message['To']:
                continue
            for match in LINK.finditer(body(message)):
                if match.group(1) != self.database:
                    continue
                if kind is None or match.group(2) == kind:
                    found.append(match.group(0))
        return found

    # Staff
    def back_office(self, login, language='nl'):
        "A JSON-RPC session of the staff member login (the web client's way)"
        return BackOffice(f'{self.base_url}/{self.database}/rpc/', login,
            password(login), language)


def body(message):
    "The text of an e-mail (its plain text part)"
    part = message.get_body(preferencelist=('plain', 'html'))
    return part.get_content() if part is not None else ''


class RPCError(Exception):
    pass


class BackOffice:
    """Tryton's JSON-RPC as the web client (sao) speaks it: log in with a
    password, then call with the session; access rules and groups apply
    as for the user"""

    def __init__(self, url, login, password, language='nl'):
        self.url = url
        self.login = login
        self.authorization = None
        user_id, session, *_ = self._post(
            'common.db.login', [login, {'password': password}, language])
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        self.authorization = f'Session {token}'
        self.user_id = user_id
        self.context = self._post(
            'model.res.user.get_preferences', [True, {}])

    def _post(self, method, params):
        data = json.dumps({'id': 1, 'method': method, 'params': params},
            cls=JSONEncoder).encode()
        request = urllib.request.Request(self.url, data=data, headers={
                'Content-Type': 'application/json'})
        if self.authorization:
            request.add_header('Authorization', self.authorization)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                answer = json.loads(response.read(), object_hook=JSONDecoder())
        except urllib.error.HTTPError as error:
            raise RPCError(f'{method}: HTTP {error.code}') from error
        if answer.get('error'):
            raise RPCError(method, answer['error'])
        return answer['result']

    def call(self, model, method, *args, context=None):
        "Call method of model (model.<model>.<method>) with args"
        return self._post(f'model.{model}.{method}',
            [*args, {**self.context, **(context or {})}])

    def search_read(self, model, domain, fields, **kwargs):
        return self.call(model, 'search_read', domain, 0, None, None, fields,
            **kwargs)

    def read(self, model, record_id, fields):
        record, = self.call(model, 'read', [record_id], fields)
        return record

    def run_wizard(self, wizard, model, ids, values, button='confirm'):
        """Run wizard on the records ids of model as the client does: open
        its first form, fill values in over its defaults, click button"""
        context = {**self.context, 'active_model': model,
            'active_id': ids[0], 'active_ids': list(ids)}
        session, start, _ = self._post(f'wizard.{wizard}.create', [context])
        try:
            view = self._post(f'wizard.{wizard}.execute',
                [session, {}, start, context])['view']
            data = {k: v for k, v in {
                    **view['defaults'], **view['values']}.items()
                if '.' not in k}
            data.update(values)
            return self._post(f'wizard.{wizard}.execute',
                [session, {view['state']: data}, button, context])
        finally:
            self._post(f'wizard.{wizard}.delete', [session, context])

    def id(self, model, domain):
        "The id of the only record of model in domain"
        record_id, = self.call(model, 'search', domain, 0, None, None)
        return record_id


class Chromium:
    "Debian's Chromium through playwright, headless"

    def __init__(self):
        self._playwright = None
        self.browser = None

    def start(self):
        if not os.access(CHROMIUM, os.X_OK):
            raise RuntimeError(f"{CHROMIUM} is missing: run "
                "scripts/system_deps.sh (never `playwright install`)")
        self._playwright = sync_playwright().start()
        try:
            self.browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except BaseException:
            self._playwright.stop()
            raise
        return self

    def stop(self):
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None


def axe(page, tags=WCAG_TAGS):
    """Run axe-core in page with the rules of tags; return its violations
    [{'id', 'impact', 'help', 'nodes': [html, ...]}].  The page's context
    must be made with bypass_csp=True: the portal's CSP refuses inline
    scripts, and axe is injected as one."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(content=AXE.read_text())
    if not page.evaluate("() => typeof window.axe === 'object'"):
        raise RuntimeError(
            "axe-core did not load (a context without bypass_csp?)")
    result = page.evaluate("""async (tags) => {
        const result = await axe.run(document, {
            runOnly: {type: 'tag', values: tags},
            resultTypes: ['violations'],
        });
        return {
            passes: result.passes.length,
            violations: result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.html + ' ' + n.failureSummary),
            })),
        };
    }""", tags)
    if not result['passes']:
        raise RuntimeError("axe-core checked nothing")
    return result['violations']


def describe_violations(violations):
    return '\n'.join(f"{v['id']} ({v['impact']}): {v['help']}\n    "
        + '\n    '.join(v['nodes'][:5]) for v in violations)


class BrowserTestCase(unittest.TestCase):
    """A test class with a database, a Site and Chromium (see the module's
    documentation)"""
    modules = ['klachten_portal']
    languages = []
    locale = 'nl-BE'
    # added to the web server's environment (TRYTOND_...)
    server_environ = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_database(cls, cls.modules, cls.languages)
        cls.site = Site(cls.db, cls.server_environ)
        cls.site.start()
        cls.addClassCleanup(cls.site.stop)
        cls.chromium = Chromium().start()
        cls.addClassCleanup(cls.chromium.stop)

    def setUp(self):
        super().setUp()
        start = self.site.log_size()
        self.addCleanup(lambda: print(
                "trytond:\n" + self.site.log(size=20000, start=start)))

    def new_page(self, accessibility=False, **options):
        """A page in a new browser context (Dutch unless locale is given);
        with accessibility the context lets axe in (bypass_csp)"""
        options.setdefault('locale', self.locale)
        if accessibility:
            options['bypass_csp'] = True
        context = self.chromium.browser.new_context(**options)
        self.addCleanup(context.close)
        context.set_default_timeout(20000)
        page = context.new_page()
        page.csp_errors = []

        def console(message):
            if (message.type == 'error'
                    and 'Content Security Policy' in message.text):
                page.csp_errors.append(message.text)
        page.on('console', console)
        return page

    def assert_accessible(self, page, tags=WCAG_TAGS):
        "axe-core finds no violation of tags on page"
        violations = axe(page, tags)
        self.assertFalse(violations, msg=f"{page.url}:\n"
            + describe_violations(violations))

    def assert_no_csp_errors(self, page):
        self.assertEqual(page.csp_errors, [])
