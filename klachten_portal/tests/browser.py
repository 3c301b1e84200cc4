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
import unittest
import urllib.error
import urllib.request
from pathlib import Path

from klachten_base.tests.harness import AppServer, Chromium, free_port, serves
from klachten_base.tests.smtp import SMTPServer
from klachten_base.tests.tools import password
from trytond.pool import Pool
from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
from trytond.transaction import Transaction

from .tools import set_up_portal_database

TOP = Path(__file__).resolve().parents[2]
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


class Site(AppServer):
    """trytond serving database on 127.0.0.1 (klachten_base's AppServer),
    and the SMTP server it (and the outbox run by send_mail) sends to"""
    prefix = 'klachten-site-'

    def __init__(self, database, environ=None):
        super().__init__(database, environ)
        self.smtp = SMTPServer()
        self._seen = 0

    def start(self):
        self.smtp.start()
        self.port = free_port()
        return super().start()

    def defaults(self):
        return dict(
            TRYTOND_KLACHTEN__PORTAL_URL=self.base_url,
            TRYTOND_KLACHTEN__PORTAL_POST_RATE_LIMIT='0',
            TRYTOND_KLACHTEN__PORTAL_TOKEN_RATE_LIMIT='0',
            **self.smtp.environ())

    def ready(self):
        """Whether the server serves the complaint form.  That request also
        loads the database's pool: trytond 8.0 answers a JSON-RPC login
        that is the first request of a new process with KeyError
        'res.user' (the pool is registered before it is loaded)."""
        return serves(self.url('complaint'))

    def stop(self):
        super().stop()
        self.smtp.stop()

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
