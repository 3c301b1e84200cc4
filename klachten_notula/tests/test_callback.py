# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The callback route POST /<database>/notula/callback (doc/contract.rst):
signed news applied once, in order; everything else answered clearly
without changing anything."""
import datetime as dt
import json
import threading
import time
import unittest
import uuid
from unittest import mock

from werkzeug.test import Client

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import run_wizard, set_user, share_database
from proteus import Model
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction
from trytond.wsgi import app

from .. import routes
from ..connector import sign
from .tools import apply_status, create_proposal, in_conclusion

SECRET = 'callback-s3cret'
REFERENCE = '2026_CBS_00042'
URL = f'/{DB_NAME}/notula/callback'
DECISION = {'text': "Het college verklaart de klacht gegrond.",
    'date': '2026-05-12', 'result': 'approved'}


def configure_http(secret=SECRET, url='http://127.0.0.1:9/api', key='key'):
    "Switch the company to the HTTP connector (as the admin)"
    set_user('admin')
    Configuration = Model.get('klachten.configuration')
    configuration = Configuration(1)
    configuration.agenda = True
    configuration.notula_connector = 'http'
    configuration.notula_url = url
    configuration.notula_key = key
    configuration.notula_secret = secret
    configuration.save()
    set_user('coordinator')


def event(status, version, reference=REFERENCE, **values):
    "A callback's body"
    return {
        'event_id': values.pop('event_id', uuid.uuid4().hex),
        'reference': reference, 'status': status, 'version': version,
        'meeting_date': values.pop('meeting_date', None),
        'decision': values.pop('decision', None), **values}


def post(payload, secret=SECRET, timestamp=None, headers=None, url=URL):
    """POST payload (an object, or bytes as they are) signed with secret
    (None: not signed) to url; return (status code, JSON answer)"""
    body = payload if isinstance(payload, bytes) else json.dumps(
        payload).encode()
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = {}
    if secret is not None:
        signed = {
            'X-Notula-Timestamp': str(timestamp),
            'X-Notula-Signature': sign(secret, timestamp, body),
            }
    response = Client(app, Response).post(url, data=body, headers={
            'Content-Type': 'application/json', **signed,
            **(headers or {})})
    text = response.get_data(as_text=True)
    try:
        return response.status_code, json.loads(text)
    except json.JSONDecodeError:
        # an error page of trytond (not our answer): keep it to be read
        return response.status_code, {'status': 'error', 'error': text}


def events(database=DB_NAME):
    "The event ids received, read on the server"
    with Transaction().start(database, 0, readonly=True):
        Event = Pool(database).get('klachten.notula.event')
        return [e.event_id for e in Event.search([])]


class CallbackTestCase(MunicipalityTestCase):
    "A submitted draft decision of the HTTP connector gets news"
    modules = ['klachten_notula']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        configure_http()

    def setUp(self):
        super().setUp()
        self.complaint = in_conclusion(self.ns)
        self.proposal = create_proposal(self.complaint)
        self.assertEqual(self.proposal.connector, 'http')
        apply_status(self.proposal, 'submitted', reference=REFERENCE)
        self.addCleanup(self.forget_reference)
        self.before = self.snapshot()

    def forget_reference(self):
        # one draft decision with REFERENCE at a time
        with Transaction().start(DB_NAME, 0) as transaction:
            Proposal = Pool(DB_NAME).get('klachten.notula.proposal')
            Proposal.write([Proposal(self.proposal.id)], {'reference': None})
            transaction.commit()

    def snapshot(self):
        proposal = Model.get('klachten.notula.proposal')(self.proposal.id)
        return (proposal.state, proposal.version, proposal.meeting_date,
            proposal.decision_text, proposal.result, events())

    def assertUnchanged(self):
        self.assertEqual(self.snapshot(), self.before)

    def test_applied_once(self):
        "A good signature: applied; the same event again changes nothing"
        news = event('scheduled', 2, meeting_date='2026-05-12')
        self.assertEqual(post(news), (200, {'status': 'applied'}))
        proposal = Model.get('klachten.notula.proposal')(self.proposal.id)
        self.assertEqual((proposal.state, proposal.meeting_date,
                proposal.version), ('scheduled', dt.date(2026, 5, 12), 2))
        after = self.snapshot()
        self.assertEqual(after[-1], [news['event_id']])
        self.assertEqual(post(news), (200, {'status': 'known'}))
        self.assertEqual(self.snapshot(), after)

    def test_decision(self):
        "The decision: decided, with its text, date and result"
        news = event('decided', 3, meeting_date='2026-05-12',
            decision=DECISION)
        self.assertEqual(post(news), (200, {'status': 'applied'}))
        proposal = Model.get('klachten.notula.proposal')(self.proposal.id)
        self.assertEqual((proposal.state, proposal.decision_text,
                proposal.decision_date, proposal.result), (
                'decided', DECISION['text'], dt.date(2026, 5, 12),
                'approved'))

    def test_out_of_order(self):
        "A lower version than the one applied is ignored"
        decided = event('decided', 3, meeting_date='2026-05-12',
            decision=DECISION)
        scheduled = event('scheduled', 2, meeting_date='2026-05-05')
        self.assertEqual(post(decided), (200, {'status': 'applied'}))
        after = self.snapshot()
        self.assertEqual(post(scheduled), (200, {'status': 'known'}))
        proposal = Model.get('klachten.notula.proposal')(self.proposal.id)
        self.assertEqual((proposal.state, proposal.meeting_date,
                proposal.version), ('decided', dt.date(2026, 5, 12), 3))
        self.assertEqual(self.snapshot()[:-1], after[:-1])

    def test_bad_signature(self):
        "Signed with another secret, or not at all: 401, nothing changed"
        news = event('decided', 3, decision=DECISION)
        for secret in ['another-secret', '', None]:
            with self.subTest(secret=secret):
                code, answer = post(news, secret=secret)
                self.assertEqual(code, 401)
                self.assertEqual(answer['status'], 'error')
                self.assertIn('signature', answer['error'])
        code, _ = post(news, headers={'X-Notula-Signature': 'sha256=00'})
        self.assertEqual(code, 401)
        self.assertUnchanged()

    def test_old_timestamp(self):
        "A timestamp more than 300 seconds old: 401, nothing changed"
        news = event('decided', 3, decision=DECISION)
        code, _ = post(news, timestamp=int(time.time()) - 301)
        self.assertEqual(code, 401)
        self.assertUnchanged()
        # 290 seconds is fine (clocks differ a little)
        code, _ = post(news, timestamp=int(time.time()) - 290)
        self.assertEqual(code, 200)

    def test_unknown_reference(self):
        "A reference no draft decision has: 404, nothing changed"
        code, answer = post(event('decided', 3, reference='2026_CBS_99999',
                decision=DECISION))
        self.assertEqual(code, 404)
        self.assertIn('2026_CBS_99999', answer['error'])
        self.assertUnchanged()

    def test_cancelled_complaint(self):
        "A decision for a cancelled complaint: 409, nothing changed"
        run_wizard('cancel', self.complaint, reason="Withdrawn")
        self.before = self.snapshot()
        self.assertEqual(self.before[0], 'withdrawn')
        code, answer = post(event('decided', 3, decision=DECISION))
        self.assertEqual(code, 409)
        self.assertEqual(answer['status'], 'error')
        self.assertTrue(answer['error'])
        self.assertUnchanged()

    def test_final_proposal(self):
        "Other news for a decided draft decision: 409, nothing changed"
        self.assertEqual(post(event('decided', 3, decision=DECISION))[0],
            200)
        self.before = self.snapshot()
        code, _ = post(event('withdrawn', 4))
        self.assertEqual(code, 409)
        self.assertUnchanged()

    def test_internal_error(self):
        "A failure while applying: a JSON 500, nothing changed, sent again"
        news = event('decided', 3, decision=DECISION)
        with mock.patch.object(routes, '_apply',
                side_effect=RuntimeError("disk full")):
            code, answer = post(news)
        self.assertEqual(code, 500)
        self.assertEqual(answer['status'], 'error')
        self.assertIn('send it again', answer['error'])
        self.assertUnchanged()
        self.assertEqual(post(news), (200, {'status': 'applied'}))

    def test_malformed(self):
        "Signed, but not the contract's JSON: 400, nothing changed"
        for body in [
                b'{"event_id": "e1", "reference": ',
                b'\xff\xfe not UTF-8',
                b'["a list"]',
                json.dumps(event('archived', 2)).encode(),
                json.dumps(event('scheduled', 2,
                        meeting_date='12/05/2026')).encode(),
                json.dumps(event('scheduled', '2')).encode(),
                json.dumps(event('scheduled', 2, event_id='')).encode(),
                json.dumps(event('scheduled', 2, event_id=7)).encode(),
                json.dumps(event('scheduled', 2, reference=None)).encode(),
                ]:
            with self.subTest(body=body):
                code, answer = post(body)
                self.assertEqual(code, 400)
                self.assertEqual(answer['status'], 'error')
        self.assertUnchanged()


class ConcurrentCallbackTestCase(MunicipalityTestCase):
    "The same callback received twice at the same time (two processes)"
    modules = ['klachten_notula']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        configure_http()
        proposal = create_proposal(in_conclusion(cls.ns))
        apply_status(proposal, 'submitted', reference=REFERENCE)
        cls.proposal = proposal.id
        cls.db = share_database(cls)

    def test_replay_at_once(self):
        "Applied by one, known to the other: one event, one change"
        news = event('decided', 3, decision=DECISION)
        barrier = threading.Barrier(2)
        answers = []

        def send():
            barrier.wait()
            # as Notula does (doc/contract.rst), a 5xx is sent again: two
            # writers at once may find the database busy (SQLite)
            for _ in range(10):
                code, answer = post(news, url=f'/{self.db}/notula/callback')
                if code < 500:
                    break
                time.sleep(0.5)
            answers.append((code, answer))
        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(sorted((c, a['status']) for c, a in answers),
            [(200, 'applied'), (200, 'known')],
            msg='; '.join(a.get('error', '')[:500] for _, a in answers))
        self.assertEqual(events(self.db), [news['event_id']])
        with Transaction().start(self.db, 0, readonly=True):
            Proposal = Pool(self.db).get('klachten.notula.proposal')
            self.assertEqual(Proposal(self.proposal).state, 'decided')


class NotActivatedTestCase(unittest.TestCase):
    "A database without klachten_notula"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules(['klachten_base'])

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def test_not_found(self):
        "The callback is not there: 404"
        code, _ = post(event('decided', 3, decision=DECISION))
        self.assertEqual(code, 404)
