# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers for the portal's tests: a municipality in a database that
threads and processes can open, and a browser-like client."""
import contextlib
import html
import io
import re
from html.parser import HTMLParser

from werkzeug.test import Client

import trytond.config as config
from klachten_base.tests.municipality import load_languages
from klachten_base.tests.tools import setup_municipality, share_database
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction
from trytond.wsgi import app

from ..pages import web

PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'
PNG = b'\x89PNG\r\n\x1a\n' + b'\x00' * 40
HTML = b'<!DOCTYPE html><html><script>alert(1)</script></html>'

SECURITY_HEADERS = {
    'Content-Security-Policy': (
        "default-src 'self'; object-src 'none'; base-uri 'none'; "
        "frame-ancestors 'none'; form-action 'self'"),
    'X-Content-Type-Options': 'nosniff',
    'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    }

VALID = {
    'name': "An Peeters",
    'email': 'an.peeters@example.org',
    'phone': '+32 3 123 45 67',
    'street': "Kerkstraat 1",
    'postal_code': '2980',
    'city': "Zoersel",
    'short_description': "Geen antwoord op mijn e-mail",
    'description': "Ik mailde drie keer naar de dienst burgerzaken.",
    'incident_date': '2026-03-27',
    'remedy_sought': "Een antwoord",
    }


def set_up_portal_database(test_class, languages=(),
        modules=('klachten_portal',)):
    """Activate modules with a municipality (and the translations of
    languages) in a database shared by threads and processes; return its
    name.  Its cleanups are added to test_class."""
    activate_modules(list(modules))
    load_languages(languages)
    setup_municipality()
    return share_database(test_class)


@contextlib.contextmanager
def settings(**values):
    "Set [klachten] portal_<name> options for the block"
    if not config.has_section('klachten'):
        config.add_section('klachten')
    values = {f'portal_{k}': v for k, v in values.items()}
    previous = {k: config.get('klachten', k) for k in values}
    for key, value in values.items():
        config.set('klachten', key, str(value))
    try:
        yield
    finally:
        for key, value in previous.items():
            if value is None:
                config._config.remove_option('klachten', key)
                config._cache_clear()
            else:
                config.set('klachten', key, value)


def configure_portal(test_class, **values):
    """Give the portal its address and switch its POST and link rate limits
    off (values: more portal_<name> options) for the tests of test_class"""
    configured = settings(**{
            'url': 'http://portal.test/',
            'post_rate_limit': 0,
            'token_rate_limit': 0,
            **values})
    configured.__enter__()
    test_class.addClassCleanup(configured.__exit__, None, None, None)


class PortalTestMixin:
    """For the test cases on the portal of cls.db: each test starts with
    no rate limit counted and a new browser, self.portal"""

    def setUp(self):
        super().setUp()
        web.limiter.clear()
        self.portal = Portal(self.db)

    def assert_secure(self, response):
        "The headers of a token page"
        for name, value in SECURITY_HEADERS.items():
            self.assertEqual(response.headers.get(name), value, msg=name)
        self.assertEqual(response.headers['Referrer-Policy'], 'strict-origin')
        self.assertEqual(response.headers['Cache-Control'], 'no-store')

    def file(self, lang='nl', **values):
        "A complaint filed on the portal; return its id"
        response = self.portal.file(lang=lang, **values)
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0, readonly=True):
            complaint, = Pool(self.db).get('klachten.complaint').search(
                [('portal_submission_key', '=', key)])
            return complaint.id

    def declare_inadmissible(self, complaint_id, request_feedback=False,
            inform=True):
        "Declare the complaint inadmissible: closed, or awaiting feedback"
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            Ground = pool.get('klachten.inadmissibility_ground')
            Complaint.declare_inadmissible([Complaint(complaint_id)],
                Ground.search([], limit=1), "Dit is een melding.",
                inform=inform, request_feedback=request_feedback)
            transaction.commit()


class Form(HTMLParser):
    "The inputs, textareas and selects of a page, as a browser sends them"

    def __init__(self, text):
        super().__init__()
        self.fields = []
        self._textarea = None
        self._select = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get('name')
        if tag == 'input' and name:
            kind = attrs.get('type', 'text')
            if kind in {'submit', 'file'}:
                return
            if kind in {'checkbox', 'radio'} and 'checked' not in attrs:
                return
            self.fields.append((name, attrs.get('value', '')))
        elif tag == 'textarea' and name:
            self._textarea = [name, '']
        elif tag == 'select' and name:
            self._select = name
        elif tag == 'option' and self._select and 'selected' in attrs:
            self.fields.append((self._select, attrs.get('value', '')))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == 'textarea' and self._textarea is not None:
            name, value = self._textarea
            self.fields.append((name, value.lstrip('\n')))
            self._textarea = None
        elif tag == 'select':
            self._select = None

    def get(self, name):
        for key, value in self.fields:
            if key == name:
                return value

    def data(self, **values):
        "The fields as a dict of lists, with values replacing them"
        result = {}
        for key, value in self.fields:
            if key not in values:
                result.setdefault(key, []).append(value)
        for key, value in values.items():
            if value is not None:
                result[key] = value
        return result


class Portal:
    "A browser on the portal of database: it keeps its cookies"

    def __init__(self, database):
        self.database = database
        self.client = Client(app, Response)

    def url(self, path):
        return f'/{self.database}/portal/{path}'

    def get(self, path, **kwargs):
        return self.client.get(self.url(path), **kwargs)

    def post(self, path, data, **kwargs):
        return self.client.post(
            self.url(path), data=data, content_type='multipart/form-data',
            **kwargs)

    def form(self, lang='nl'):
        "Open the complaint form; return (response, Form)"
        response = self.get(f'complaint?lang={lang}')
        return response, Form(response.get_data(as_text=True))

    def next(self, form, files=(), **values):
        "Fill form with values and files [(name, bytes)], choose Volgende"
        data = form.data(action='next', **values)
        if files:
            data['attachments'] = [
                (io.BytesIO(content), name) for name, content in files]
        return self.post('complaint', data)

    def file(self, lang='nl', files=(), **values):
        "Fill in and submit a complaint; return the submit response"
        _, form = self.form(lang)
        response = self.next(form, files, **{**VALID, **values})
        assert response.status_code == 200, text(response)
        review = Form(text(response))
        return self.post('complaint', review.data(action='submit'))


def text(response):
    return response.get_data(as_text=True)


def errors(response):
    "The messages of the error summary"
    body = text(response)
    summary = re.search(
        r'class="error-summary".*?</div>', body, re.S)
    if not summary:
        return []
    return [html.unescape(m) for m in re.findall(
            r'<li><a href="#[a-z_]+">(.*?)</a></li>', summary.group(0))]


def count(database, model, domain=None):
    with Transaction().start(database, 0, readonly=True):
        return Pool(database).get(model).search_count(domain or [])
