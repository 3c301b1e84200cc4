# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every portal form, fed what Hypothesis makes up: text in every script,
control characters, huge values, missing and repeated fields, wrong
types, random files.

Whatever comes in, the portal answers with a page (never a 5xx) in the
language asked for, and stores a whole submission or nothing: the counts
of complaints, parties, attachments, links, e-mails and answers move
together.  The examples are derived from the test's name (derandomize),
so a run repeats the last one; KLACHTEN_FUZZ_EXAMPLES sets how many each
form gets (50)."""
import datetime as dt
import io
import os
import re
import unittest
from urllib.parse import quote

from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st

from trytond.pool import Pool
from trytond.transaction import Transaction

from ..pages import web
from ..pages.complaint import LIMITS
from ..token import digest
from . import tools
from .tools import HTML, PDF, PNG, VALID, Form, set_up_portal_database, text

EXAMPLES = int(os.environ.get('KLACHTEN_FUZZ_EXAMPLES', 50))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck))
STATUSES = {200, 303, 400, 403, 404, 410, 413, 429}
LANGUAGES = ['nl', 'fr', 'en']
JPEG = b'\xff\xd8\xff\xe0' + b'\x00' * 30

# The records a form may create, and must create whole
COUNTED = ['klachten.complaint', 'party.party', 'ir.attachment',
    'klachten.portal.token', 'klachten.email', 'klachten.survey.answer',
    'klachten.information.request', 'web.user']

NASTY = [
    '', ' ', '\x00', 'a\x00b', '\r\n', '\n\n\n', '\t', '\x1b[31m', '\x7f',
    '\u202e', '\u200b', '\ufeff', '\ud7ff', '\U0001f600', '\u0000\u0001',
    '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
    "' OR '1'='1", '%(max)s', '%s%s%s', '${record.number}', '{{ 7*7 }}',
    '../../etc/passwd', 'C:\\boot.ini', 'NUL', 'CON.pdf', 'é' * 3,
    'ﷺ' * 40, 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇', '0', '-1', '1e308', 'NaN',
    '2026-02-30', '31/12/9999', '00/00/0000', 'true', 'null', '[]', '{}',
    ]


def huge(n):
    return 'x' * n


texts = st.one_of(
    st.text(max_size=80),
    st.text(st.characters(codec='utf-8', categories=['Cc', 'Cf', 'Zl',
                'Zp', 'Zs', 'Mn', 'So']), max_size=40),
    st.sampled_from(NASTY),
    st.integers(min_value=0, max_value=60_000).map(huge),
    st.integers().map(str),
    st.floats(allow_nan=True).map(str),
    )
values = st.one_of(texts, st.lists(texts, min_size=2, max_size=3))
languages = st.one_of(st.sampled_from(LANGUAGES), texts)
uploads = st.lists(st.tuples(
        st.one_of(st.sampled_from(['a.pdf', 'b.png', 'c.jpg', 'd.txt',
                    'e.pdf.html', '../../x.pdf', 'CON', '', '.pdf',
                    'a' * 300 + '.pdf', '\u202egpj.exe']), texts),
        st.one_of(st.sampled_from([PDF, PNG, JPEG, HTML, b'', b'\x00' * 10,
                    b'plain text', '<svg/>'.encode()]),
            st.binary(max_size=3000))),
    max_size=4)


def fields(names):
    "Some of names (and strangers) with fuzzed values, some repeated"
    return st.dictionaries(
        st.one_of(st.sampled_from(names), st.sampled_from(
                ['', 'unknown', 'csrf_token', 'lang', 'action'])),
        values, max_size=len(names) + 2)


def expected_language(data, status):
    "The language the page must be in: the form's lang, else Dutch"
    lang = data.get('lang')
    if isinstance(lang, list):
        lang = lang[0] if lang else None
    if status != 413 and lang in LANGUAGES:
        return lang
    return 'nl'


class FuzzTestCase(tools.PortalTestMixin, unittest.TestCase):
    "Fuzzing every form of the portal"
    counted = COUNTED

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls)
        tools.configure_portal(cls, login_rate_limit=0,
            login_address_rate_limit=0, account_mail_rate_limit=0)

    # What is stored
    def counts(self):
        with Transaction().start(self.db, 0, readonly=True):
            pool = Pool(self.db)
            return {m: pool.get(m).search_count([]) for m in self.counted}

    def delta(self, before):
        after = self.counts()
        return {m: after[m] - before[m] for m in self.counted
            if after[m] != before[m]}

    # What the browser sees
    def post(self, path, form, data, files=(), lang=None):
        """Post data over the fields of form (a Form of the page), its
        CSRF token kept unless data replaces it"""
        sent = form.data(**data)
        if lang is not None:
            sent['lang'] = lang
        if files:
            sent['attachments'] = [
                (io.BytesIO(content), name) for name, content in files]
        return sent, self.portal.post(path, sent)

    def assert_page(self, response, sent):
        "A page, never an error of the server, in the language asked"
        status = response.status_code
        event(f'status {status}')
        self.assertIn(status, STATUSES, text(response)[:2000])
        lang = expected_language(sent, status)
        if status == 303:
            self.assertIn(f'lang={lang}', response.headers['Location'])
        else:
            body = text(response)
            self.assertIn(f'<html lang="{lang}">', body)
            self.assertNotIn('Traceback', body)
        self.assertIn('Content-Security-Policy', response.headers)
        return status

    # The complaint form: form, review, submit
    @FUZZ
    @given(data=fields(list(LIMITS) + ['anonymous', 'submission_key',
                'carried_name', 'carried_data', 'remove']),
        valid=st.booleans(), lang=languages, files=uploads,
        action=st.one_of(st.sampled_from(['next', 'submit', 'back', '']),
            texts))
    def test_complaint_form(self, data, valid, lang, files, action):
        "The complaint form files a whole complaint or nothing"
        _, form = self.portal.form()
        if valid:
            data = {**VALID, **data}
        data.setdefault('action', action)
        before = self.counts()
        sent, response = self.post('complaint', form, data, files, lang)
        self.assert_page(response, sent)
        delta = self.delta(before)
        if delta:
            self.assert_filed(response, delta)
        else:
            self.assertNotIn('/complaint/receipt/',
                response.headers.get('Location', ''))

    @FUZZ
    @example(name='name', value="An\nPeeters", files=[], lang='nl')
    @example(name='city', value="Zoer\x00sel", files=[], lang='nl')
    @example(name='description', value="a\x00b\x1b\u202e", files=[],
        lang='fr')
    @example(name='short_description', value="\u2028x\r", files=[],
        lang='en')
    @given(name=st.sampled_from(list(LIMITS) + ['anonymous', 'lang']),
        value=values, files=uploads, lang=st.sampled_from(LANGUAGES))
    def test_complaint_submit(self, name, value, files, lang):
        "A valid complaint with one field made up is filed whole or refused"
        _, form = self.portal.form()
        data = {**VALID, 'action': 'submit', 'lang': lang, name: value}
        before = self.counts()
        sent, response = self.post('complaint', form, data, files)
        status = self.assert_page(response, sent)
        delta = self.delta(before)
        if status == 303:
            self.assert_filed(response, delta)
            self.assert_stored(response, sent)
        else:
            self.assertEqual(delta, {})

    def assert_stored(self, response, sent):
        "The complaint holds what was sent, cleaned of what cannot be kept"
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0, readonly=True):
            complaint, = Pool(self.db).get('klachten.complaint').search(
                [('portal_submission_key', '=', key)])
            for name in ['short_description', 'description']:
                value = sent[name]
                if isinstance(value, list):
                    value = value[0]
                self.assertEqual(getattr(complaint, name),
                    web.clean_text(value).strip())

    def assert_filed(self, response, delta):
        "One complaint, with its own records only"
        self.assertEqual(response.status_code, 303)
        location = response.headers['Location']
        self.assertIn('/complaint/receipt/', location)
        key = location.rsplit('/', 1)[1].split('?')[0]
        self.assertEqual(delta.pop('klachten.complaint'), 1)
        with Transaction().start(self.db, 0, readonly=True):
            pool = Pool(self.db)
            complaint, = pool.get('klachten.complaint').search(
                [('portal_submission_key', '=', key)])
            self.assertEqual(complaint.state, 'evaluation')
            self.assertEqual(complaint.channel, 'web_form')
            self.assertTrue(complaint.number)
            attachments = pool.get('ir.attachment').search_count(
                [('resource', '=', str(complaint))])
            email = complaint.complainant_address_email
        self.assertEqual(delta.pop('ir.attachment', 0), attachments)
        self.assertEqual(delta.pop('party.party', 0),
            0 if complaint.anonymous else 1)
        # the acknowledgement with its status link
        self.assertEqual(delta.pop('klachten.email', 0), 1 if email else 0)
        self.assertEqual(
            delta.pop('klachten.portal.token', 0), 1 if email else 0)
        self.assertEqual(delta, {})

    @FUZZ
    @given(data=fields(['carried_name', 'carried_data', 'remove',
                'submission_key', 'anonymous', 'department']),
        lang=languages,
        action=st.sampled_from(['submit', 'back', 'next']))
    def test_review(self, data, lang, action):
        "The review page's hidden fields, tampered with, file all or nothing"
        _, form = self.portal.form()
        response = self.portal.next(form, [('foto.pdf', PDF)], **VALID)
        self.assertEqual(response.status_code, 200)
        review = Form(text(response))
        data.setdefault('action', action)
        before = self.counts()
        sent, response = self.post('complaint', review, data, lang=lang)
        self.assert_page(response, sent)
        delta = self.delta(before)
        if delta:
            self.assert_filed(response, delta)

    # The e-mailed links
    def complaint(self):
        "A complaint filed on the portal"
        response = self.portal.file()
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0, readonly=True):
            complaint, = Pool(self.db).get('klachten.complaint').search(
                [('portal_submission_key', '=', key)])
            return complaint.id

    def issue(self, record, purpose):
        "The path of a new link of purpose to record"
        with Transaction().start(self.db, 0) as transaction:
            Token = Pool(self.db).get('klachten.portal.token')
            token = Token.issue(record, purpose,
                dt.date.today() + dt.timedelta(days=7))
            transaction.commit()
        return f'{purpose}/{token}'

    def link_used(self, path):
        with Transaction().start(self.db, 0, readonly=True):
            Token = Pool(self.db).get('klachten.portal.token')
            link, = Token.search(
                [('token_hash', '=', digest(path.rsplit('/', 1)[1]))])
            return bool(link.used_at)

    def information_link(self):
        "A link to a new information request: (path, request id)"
        if getattr(self, '_information', None) is None \
                or self.link_used(self._information[0]):
            if getattr(self, '_complaint', None) is None:
                self._complaint = self.complaint()
            with Transaction().start(self.db, 0) as transaction:
                Complaint = Pool(self.db).get('klachten.complaint')
                request, = Complaint.request_information(
                    [Complaint(self._complaint)], "Wanneer was dat?")
                transaction.commit()
            self._information = (
                self.issue(request, 'information'), request.id)
        return self._information

    @FUZZ
    @example(data={}, lang='nl', files=[],
        answer="Op\x00 maandag\r\n\x1b")
    @given(data=fields(['answer', 'carried_name', 'carried_data', 'remove']),
        lang=languages, files=uploads,
        answer=st.one_of(st.just("Op maandag 2 maart."), texts))
    def test_information(self, data, lang, files, answer):
        "An answer is recorded whole, with its files, or not at all"
        path, request_id = self.information_link()
        form = Form(text(self.portal.get(path)))
        data.setdefault('answer', answer)
        before = self.counts()
        sent, response = self.post(path, form, data, files, lang)
        status = self.assert_page(response, sent)
        delta = self.delta(before)
        with Transaction().start(self.db, 0, readonly=True):
            request = Pool(self.db).get('klachten.information.request')(
                request_id)
            state, answer = request.state, request.answer
        if status == 303:
            self.assertEqual(state, 'answered')
            self.assertTrue(answer)
            self.assertTrue(self.link_used(path))
            self.assertEqual(set(delta) - {'ir.attachment'}, set())
        else:
            self.assertEqual((state, answer), ('requested', None))
            self.assertFalse(self.link_used(path))
            self.assertEqual(delta, {})

    def feedback_link(self):
        "A link to agree or disagree with a new decision: (path, id)"
        if getattr(self, '_feedback', None) is None \
                or self.link_used(self._feedback[0]):
            complaint_id = self.complaint()
            with Transaction().start(self.db, 0) as transaction:
                pool = Pool(self.db)
                Complaint = pool.get('klachten.complaint')
                Ground = pool.get('klachten.inadmissibility_ground')
                complaint = Complaint(complaint_id)
                Complaint.declare_inadmissible([complaint],
                    Ground.search([], limit=1), "Dit is een melding.",
                    inform=False, request_feedback=True)
                transaction.commit()
            self._feedback = (self.issue(complaint, 'feedback'), complaint_id)
        return self._feedback

    @FUZZ
    @example(data={'comment': "Niet\x00 akkoord"}, lang='fr',
        choice='disagree')
    @given(data=fields(['choice', 'comment']), lang=languages,
        choice=st.sampled_from(['agree', 'disagree', '', None]))
    def test_feedback(self, data, lang, choice):
        "Agreeing or disagreeing acts once, whole, or not at all"
        path, complaint_id = self.feedback_link()
        form = Form(text(self.portal.get(path)))
        if choice is not None:
            data.setdefault('choice', choice)
        before = self.counts()
        sent, response = self.post(path, form, data, lang=lang)
        status = self.assert_page(response, sent)
        delta = self.delta(before)
        with Transaction().start(self.db, 0, readonly=True):
            complaint = Pool(self.db).get('klachten.complaint')(complaint_id)
            state, feedback = complaint.state, complaint.feedback
        if status == 303:
            self.assertTrue(self.link_used(path))
            self.assertIn((state, feedback),
                {('closed', 'agree'), ('evaluation', 'disagree')})
        else:
            self.assertEqual((state, feedback), ('feedback', None))
            self.assertFalse(self.link_used(path))
            self.assertEqual(delta, {})

    def survey_link(self):
        "A link to the survey of a new closed complaint: (path, id)"
        if getattr(self, '_survey', None) is None \
                or self.link_used(self._survey[0]):
            complaint_id = self.complaint()
            self.declare_inadmissible(complaint_id, inform=False)
            with Transaction().start(self.db, 0, readonly=True):
                body, = [e.body for e in Pool(self.db).get(
                        'klachten.email').search([
                            ('complaint', '=', complaint_id),
                            ('kind', '=', 'survey')])]
            path = re.search(r'/portal/(survey/[\w-]+)', body).group(1)
            self._survey = (path, complaint_id)
        return self._survey

    @FUZZ
    @example(data={'comment': "Traag\x00\x7f"}, lang='en', score='2')
    @given(data=fields(['score', 'comment']), lang=languages,
        score=st.one_of(st.sampled_from(['1', '3', '5']), texts))
    def test_survey(self, data, lang, score):
        "A survey answer is stored once, as sent, or not at all"
        path, complaint_id = self.survey_link()
        form = Form(text(self.portal.get(path)))
        data.setdefault('score', score)
        before = self.counts()
        sent, response = self.post(path, form, data, lang=lang)
        status = self.assert_page(response, sent)
        delta = self.delta(before)
        if status == 303:
            self.assertEqual(delta, {'klachten.survey.answer': 1})
            self.assertTrue(self.link_used(path))
            with Transaction().start(self.db, 0, readonly=True):
                answer, = Pool(self.db).get('klachten.survey.answer').search(
                    [('complaint', '=', complaint_id)])
                self.assertIn(answer.score, range(1, 6))
        else:
            self.assertEqual(delta, {})
            self.assertFalse(self.link_used(path))

    # The account pages
    @FUZZ
    @example(data={'name': "An\x00 Peeters"}, lang='nl', valid=True)
    @given(data=fields(['name', 'email', 'password', 'password_repeat']),
        lang=languages, valid=st.booleans())
    def test_register(self, data, lang, valid):
        "Registering creates an account with its party and e-mail, or not"
        form = Form(text(self.portal.get('account/register')))
        if valid:
            data = {'name': "An Peeters",
                'email': f'an{len(str(data))}@example.org',
                'password': 'Klaverveld-2026-x',
                'password_repeat': 'Klaverveld-2026-x', **data}
        before = self.counts()
        sent, response = self.post('account/register', form, data, lang=lang)
        status = self.assert_page(response, sent)
        delta = self.delta(before)
        if status == 303:
            self.assertIn('/account/sent/register',
                response.headers['Location'])
            # a new account has its party; a known address gets an e-mail
            self.assertIn(delta, [{}, {'klachten.email': 1},
                    {'web.user': 1, 'party.party': 1, 'klachten.email': 1}])
        else:
            self.assertEqual(delta, {})

    @FUZZ
    @given(data=fields(['email', 'password', 'next']), lang=languages)
    def test_login(self, data, lang):
        "A wrong login stores nothing but its attempt"
        form = Form(text(self.portal.get('account/login')))
        before = self.counts()
        sent, response = self.post('account/login', form, data, lang=lang)
        self.assert_page(response, sent)
        self.assertEqual(self.delta(before), {})

    @FUZZ
    @given(data=fields(['email']), lang=languages)
    def test_reset_request(self, data, lang):
        "Asking a new password for an unknown address sends nothing"
        form = Form(text(self.portal.get('account/reset')))
        before = self.counts()
        sent, response = self.post('account/reset', form, data, lang=lang)
        self.assert_page(response, sent)
        self.assertEqual(self.delta(before), {})

    @FUZZ
    @given(data=fields(['password', 'password_repeat']), lang=languages,
        token=st.one_of(st.just('x' * 43), texts.filter(
                lambda t: t and '/' not in t and len(t) < 200)))
    def test_token_pages(self, data, lang, token):
        "Unknown tokens on every link page: a 404 or 410 page"
        _, form = self.portal.form()
        csrf = Form('<input name="csrf_token" value="%s">'
            % form.get('csrf_token'))
        for path in ['information', 'feedback', 'survey',
                'account/reset', 'account/validate']:
            url = f'{path}/{quote(token, safe="")}'
            before = self.counts()
            response = self.portal.get(url)
            self.assertIn(response.status_code, {404, 410})
            sent, response = self.post(url, csrf, data, lang=lang)
            self.assert_page(response, sent)
            self.assertIn(response.status_code, {400, 403, 404, 410, 413})
            self.assertEqual(self.delta(before), {})
