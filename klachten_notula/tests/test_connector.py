# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The HTTP connector against real HTTP servers on loopback: what it sends,
and how each answer or fault is read (permanent or worth repeating)."""
import datetime as dt
import json
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from unittest import mock

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import share_database
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..connector import (
    ConnectorError, HttpConnector, Request, UnknownReference, parse_news, sign,
    verify)
from .notula_server import NotulaServer
from .test_callback import DECISION, SECRET, configure_http
from .tools import create_proposal, in_conclusion

KEY = 'notula-api-key'


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def _serve(self):
        server = self.server
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        server.received.append((self.command, self.path,
                dict(self.headers), body))
        status, headers, content, delay = server.answers.pop(0)
        if delay:
            time.sleep(delay)
        try:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header('Content-Length', str(len(content)))
            self.end_headers()
            self.wfile.write(content)
        except OSError:
            pass  # the client gave up


class AnswerServer:
    """An HTTP server on 127.0.0.1 that gives the answers queued with
    answer(), one per request, and records what it received"""

    def __init__(self):
        self.server = ThreadingHTTPServer(('127.0.0.1', 0), _Handler)
        self.server.daemon_threads = True
        self.server.received = []
        self.server.answers = []
        self.thread = threading.Thread(
            target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    @property
    def url(self):
        return f'http://127.0.0.1:{self.server.server_address[1]}/api/v1'

    @property
    def received(self):
        return self.server.received

    def answer(self, status, data=None, headers=None, content=None,
            delay=0):
        if content is None:
            content = json.dumps(data).encode() if data is not None else b''
        headers = dict(headers or {})
        if data is not None:
            headers.setdefault('Content-Type', 'application/json')
        self.server.answers.append((status, headers, content, delay))


CONCEPT = {'id': 'a' * 32, 'title': "Complaint K-2026-0001"}


class HttpConnectorTestCase(unittest.TestCase):
    "HttpConnector.send and the status call against AnswerServer"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.notula = AnswerServer().__enter__()
        cls.addClassCleanup(cls.notula.__exit__, None, None, None)

    def setUp(self):
        super().setUp()
        self.notula.received.clear()
        self.notula.server.answers.clear()
        self.connector = HttpConnector(
            self.notula.url + '/', 'the-key', timeout=1)

    def post(self):
        return self.connector.send(Request('POST',
                f'{self.connector.url}/concepts', {
                    **self.connector._headers(),
                    'Content-Type': 'application/json; charset=utf-8',
                    'Idempotency-Key': 'a' * 32,
                    }, json.dumps(CONCEPT).encode()))

    def assertFails(self, permanent, status=None):
        with self.assertRaises(ConnectorError) as context:
            self.post()
        self.assertEqual(context.exception.permanent, permanent)
        self.assertEqual(context.exception.status, status)
        return str(context.exception)

    def test_created(self):
        "201: the reference, sent with the key as bearer token"
        self.notula.answer(201, {
                'reference': '2026_CBS_00001', 'status': 'submitted'})
        data = self.post()
        self.assertEqual(
            HttpConnector.reference(data), '2026_CBS_00001')
        (method, path, headers, body), = self.notula.received
        self.assertEqual((method, path), ('POST', '/api/v1/concepts'))
        self.assertEqual(headers['Authorization'], 'Bearer the-key')
        self.assertEqual(headers['Idempotency-Key'], 'a' * 32)
        self.assertEqual(
            headers['Content-Type'], 'application/json; charset=utf-8')
        self.assertEqual(json.loads(body), CONCEPT)

    def test_bad_request_permanent(self):
        "400: a permanent failure that says the server's error"
        self.notula.answer(400, {'error': "Unknown governing body: raad2"})
        error = self.assertFails(True, 400)
        self.assertEqual(error, "400 Unknown governing body: raad2")

    def test_unauthorized_permanent(self):
        "401 and 403: a wrong key is a permanent failure"
        for status in [401, 403]:
            with self.subTest(status=status):
                self.notula.answer(status, {'error': "Bad key"})
                self.assertFails(True, status)

    def test_server_error_retried(self):
        "500, 502, 503: worth repeating, with the answer's text"
        for status in [500, 502, 503]:
            with self.subTest(status=status):
                self.notula.answer(
                    status, content=b'Service Unavailable',
                    headers={'Content-Type': 'text/plain'})
                error = self.assertFails(False, status)
                self.assertIn('Service Unavailable', error)

    def test_too_many_requests_retried(self):
        "429 and 408 are repeated, not failed"
        for status in [429, 408]:
            with self.subTest(status=status):
                self.notula.answer(status, {'error': "Slow down"})
                self.assertFails(False, status)

    def test_timeout_retried(self):
        "An answer later than the timeout: worth repeating"
        self.connector.timeout = 0.3
        self.notula.answer(201, {'reference': 'late'}, delay=1.5)
        start = time.monotonic()
        error = self.assertFails(False)
        self.assertLess(time.monotonic() - start, 1.4)
        self.assertIn('0.3 seconds', error)

    def test_connection_refused_retried(self):
        "Nobody listening: worth repeating"
        with AnswerServer() as other:
            url = other.url
        self.connector.url = url
        self.assertFails(False)

    def test_not_json_retried(self):
        "A 2xx that is not the contract's JSON: repeated, not believed"
        for content in [b'<html>maintenance</html>', b'[1, 2]']:
            with self.subTest(content=content):
                self.notula.answer(200, content=content)
                self.assertFails(False, 200)

    def test_no_reference(self):
        "A created concept without reference is not a success"
        self.notula.answer(201, {'status': 'submitted'})
        data = self.post()
        with self.assertRaises(ConnectorError) as context:
            HttpConnector.reference(data)
        self.assertFalse(context.exception.permanent)

    def test_redirect_refused(self):
        "A redirect is not followed (the key would go along): permanent"
        self.notula.answer(
            302, content=b'', headers={'Location': 'http://example.org/'})
        self.assertFails(True, 302)
        self.assertEqual(len(self.notula.received), 1)

    def test_invalid_url(self):
        "No URL configured: a permanent failure, nothing sent"
        self.connector.url = ''
        self.assertFails(True)

    def test_status(self):
        "GET concepts/<reference>: the news, its dates as dates"
        self.notula.answer(200, {
                'reference': '2026/CBS 7', 'status': 'decided',
                'version': 4, 'meeting_date': '2026-05-12',
                'decision': {'text': "Approved as proposed.",
                    'date': '2026-05-12', 'result': 'approved'}})
        news = self.connector.news(self.connector.send(
                self.connector.status_request('2026/CBS 7')))
        (method, path, headers, _), = self.notula.received
        self.assertEqual(
            (method, path), ('GET', '/api/v1/concepts/2026%2FCBS%207'))
        self.assertEqual(headers['Authorization'], 'Bearer the-key')
        self.assertEqual(news['status'], 'decided')
        self.assertEqual(news['version'], 4)
        self.assertEqual(str(news['meeting_date']), '2026-05-12')
        self.assertEqual(news['decision']['result'], 'approved')

    def test_status_unknown_reference(self):
        "404 on the status call: UnknownReference"
        self.notula.answer(404, {'error': "Unknown reference"})
        with self.assertRaises(UnknownReference):
            self.connector.send(self.connector.status_request('nope'))

    def test_status_not_contract(self):
        "A status answer that is not the contract's: a ConnectorError"
        self.notula.answer(200, {'reference': 'x', 'status': 'lost'})
        with self.assertRaises(ConnectorError):
            self.connector.news(self.connector.send(
                    self.connector.status_request('x')))


class NewsTestCase(unittest.TestCase):
    "parse_news: what the status call and the callback may carry"

    def test_minimal(self):
        news = parse_news({'reference': 'R1', 'status': 'submitted'})
        self.assertEqual(news, {
                'reference': 'R1', 'status': 'submitted', 'version': None,
                'meeting_date': None, 'decision': None})

    def test_malformed(self):
        good = {'reference': 'R1', 'status': 'scheduled', 'version': 2,
            'meeting_date': '2026-05-12', 'decision': None}
        for change in [
                {'status': 'archived'}, {'status': None},
                {'reference': ''}, {'reference': 7}, {'version': '2'},
                {'version': True}, {'meeting_date': '12/05/2026'},
                {'meeting_date': 20260512}, {'decision': 'yes'},
                {'decision': {'text': 'x', 'date': '2026-13-01'}},
                {'decision': {'text': 'x', 'result': 'maybe'}},
                ]:
            with self.subTest(change=change):
                with self.assertRaises(ValueError):
                    parse_news({**good, **change})
        with self.assertRaises(ValueError):
            parse_news(['not', 'an', 'object'])


class SignatureTestCase(unittest.TestCase):
    "The callback's HMAC signature"

    body = b'{"event_id": "e1"}'

    def test_known_value(self):
        "The documented formula: HMAC-SHA256(secret, timestamp.body)"
        self.assertEqual(sign('s3cret', 1778580000, b'{}'),
            # printf '1778580000.{}' | openssl dgst -sha256 -hmac s3cret
            'sha256=3dbfad0474048c11a5da3e065ee3d51f'
            '4e7133fdb3821eea6aea3d6ef1bd4052')

    def test_verify(self):
        now = 1778580000
        signature = sign('s3cret', now, self.body)
        self.assertTrue(verify('s3cret', str(now), self.body, signature,
                now=now + 299))
        for secret, timestamp, body, signature_, at in [
                ('other', now, self.body, signature, now),
                ('s3cret', now, self.body + b' ', signature, now),
                ('s3cret', now + 1, self.body, signature, now),
                ('s3cret', now, self.body, signature, now + 301),
                ('s3cret', now, self.body, signature, now - 301),
                ('s3cret', now, self.body, '', now),
                ('s3cret', now, self.body, signature.upper(), now),
                ('s3cret', '', self.body, signature, now),
                ('s3cret', f'{now}.0', self.body, signature, now),
                ('', now, self.body, sign('', now, self.body), now),
                ('s3cret', now, self.body, 'sha256=é', now),
                ]:
            with self.subTest(secret=secret, timestamp=timestamp,
                    signature=signature_, at=at):
                self.assertFalse(verify(
                        secret, str(timestamp), body, signature_, now=at))


class DeliveryTestCase(MunicipalityTestCase):
    """The delivery queue and the crons against the contract-test server
    (notula_server.py): every fault of the contract's calls (the
    callbacks' faults: test_callback.py, and end to end
    test_http_scenario.py)"""
    modules = ['klachten_notula']
    names = ['queue', 'timeout', 'retry', 'bad_request', 'bad_key',
        'attempts', 'poll']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.notula = NotulaServer(key=KEY, secret=SECRET).start()
        cls.addClassCleanup(cls.notula.stop)
        configure_http(url=cls.notula.url, key=KEY)
        # one complaint in conclusion with a draft decision per test
        cls.proposals = {}
        for name in cls.names:
            complaint = in_conclusion(cls.ns)
            cls.proposals[name] = create_proposal(
                complaint, title=f"Complaint {complaint.number}").id
        cls.coordinator = cls.ns.users['coordinator'].id
        # the crons work in transactions of their own
        cls.db = share_database(cls)

    def setUp(self):
        super().setUp()
        self.notula.reset()
        self.proposal = self.proposals[
            self._testMethodName.split('_', 2)[2]]

    # Helpers
    def transaction(self, user=0):
        context = {'_check_access': True} if user else None
        return Transaction().start(self.db, user, context=context)

    def send(self):
        "The coordinator presses Send (it only queues)"
        with self.transaction(self.coordinator):
            Proposal = Pool().get('klachten.notula.proposal')
            Proposal.send([Proposal(self.proposal)])

    def deliver(self, minutes=0):
        "Run the delivery cron, minutes from now"
        now = dt.datetime.now() + dt.timedelta(minutes=minutes, seconds=1)
        with self.transaction():
            Pool().get('klachten.notula.proposal').deliver(now=now)

    def poll(self):
        with self.transaction():
            Pool().get('klachten.notula.proposal').poll()

    def read(self):
        "The draft decision now, and its complaint's open tasks' kinds"
        with self.transaction():
            pool = Pool()
            Proposal = pool.get('klachten.notula.proposal')
            Task = pool.get('klachten.task')
            values, = Proposal.read([self.proposal], [
                    'state', 'delivery', 'attempts', 'next_attempt',
                    'last_error', 'reference', 'meeting_date', 'result',
                    'version', 'complaint'])
            tasks = Task.search([
                    ('complaint', '=', values['complaint']),
                    ('state', '=', 'open'),
                    ])
            values['tasks'] = sorted(t.kind for t in tasks)
        return SimpleNamespace(**values)

    def posts(self):
        return self.notula.requests_to('POST', '/concepts')

    # Tests
    def test_deliver_queue(self):
        "Send only queues; the cron delivers: submitted with the reference"
        self.send()
        proposal = self.read()
        self.assertEqual((proposal.state, proposal.delivery),
            ('draft', 'pending'))
        self.assertEqual(self.notula.requests, [])
        self.deliver()
        proposal = self.read()
        concept, = self.notula.concepts
        self.assertEqual(
            (proposal.state, proposal.delivery, proposal.reference),
            ('submitted', 'delivered', concept.reference))
        self.assertEqual(concept['id'], concept.key)
        self.assertEqual(concept['body'], 'college')
        self.assertEqual(concept['oslo']['identifier'], concept.key)
        self.assertEqual([a.name for a in concept.attachments],
            ['ontwerpbesluit.txt'])
        self.assertNotIn('agenda_failed', proposal.tasks)
        # nothing more to send
        self.deliver(minutes=60)
        self.assertEqual(len(self.posts()), 1)

    def test_deliver_timeout(self):
        """No answer in time: tried again later with the same key; the
        server made the concept the first time: one concept"""
        patch = mock.patch.object(HttpConnector, 'timeout', 1)
        patch.start()
        self.addCleanup(patch.stop)
        self.send()
        self.notula.delay_next(1, 3)
        self.deliver()
        proposal = self.read()
        self.assertEqual(
            (proposal.state, proposal.delivery, proposal.attempts),
            ('draft', 'pending', 1))
        self.assertIn('No answer within 1 seconds', proposal.last_error)
        self.deliver()   # not due yet
        self.assertEqual(len(self.posts()), 1)
        self.deliver(minutes=2)
        proposal = self.read()
        concept, = self.notula.concepts
        self.assertEqual((proposal.state, proposal.reference),
            ('submitted', concept.reference))
        self.assertEqual(
            {r.headers['Idempotency-Key'] for r in self.posts()},
            {concept.key})
        self.assertEqual(len(self.posts()), 2)

    def test_deliver_retry(self):
        "5xx, 5xx, then created: backed off, one concept only"
        self.send()
        self.notula.fail_next(2, status=503)
        before = dt.datetime.now()
        self.deliver()
        proposal = self.read()
        self.assertEqual((proposal.delivery, proposal.attempts),
            ('pending', 1))
        self.assertIn('503', proposal.last_error)
        self.assertGreater(
            proposal.next_attempt, before + dt.timedelta(seconds=50))
        self.deliver(minutes=2)
        proposal = self.read()
        self.assertEqual((proposal.delivery, proposal.attempts),
            ('pending', 2))
        self.assertGreater(
            proposal.next_attempt, before + dt.timedelta(minutes=6))
        self.deliver(minutes=10)
        proposal = self.read()
        concept, = self.notula.concepts
        self.assertEqual(
            (proposal.state, proposal.delivery, proposal.reference),
            ('submitted', 'delivered', concept.reference))
        self.assertEqual(len(self.posts()), 3)

    def test_deliver_bad_request(self):
        "400: failed at once, the error kept, a task for the coordinator"
        self.send()
        self.notula.fail_next(1, status=400)
        self.deliver()
        proposal = self.read()
        self.assertEqual(
            (proposal.state, proposal.delivery, proposal.attempts),
            ('draft', 'failed', 1))
        self.assertIn('400', proposal.last_error)
        self.assertIn('agenda_failed', proposal.tasks)
        self.deliver(minutes=600)
        self.assertEqual(len(self.posts()), 1)
        # sent again once the coordinator sorted it out: the task closes
        self.send()
        self.deliver()
        proposal = self.read()
        self.assertEqual((proposal.state, proposal.delivery),
            ('submitted', 'delivered'))
        self.assertNotIn('agenda_failed', proposal.tasks)

    def test_deliver_bad_key(self):
        "401 (a wrong key): failed at once, a task for the coordinator"
        self.notula.key = 'another-key'
        self.addCleanup(setattr, self.notula, 'key', KEY)
        self.send()
        self.deliver()
        proposal = self.read()
        self.assertEqual((proposal.delivery, proposal.attempts),
            ('failed', 1))
        self.assertIn('401', proposal.last_error)
        self.assertIn('agenda_failed', proposal.tasks)
        self.assertEqual(self.notula.concepts, [])

    def test_deliver_attempts(self):
        "5xx every time: failed after the last attempt, with a task"
        with self.transaction():
            Proposal = Pool().get('klachten.notula.proposal')
        patch = mock.patch.object(Proposal, 'max_attempts', 3)
        patch.start()
        self.addCleanup(patch.stop)
        self.send()
        self.notula.fail_next(5, status=500)
        for minutes in [0, 2, 10]:
            self.assertNotIn('agenda_failed', self.read().tasks)
            self.deliver(minutes=minutes)
        proposal = self.read()
        self.assertEqual((proposal.delivery, proposal.attempts),
            ('failed', 3))
        self.assertIn('agenda_failed', proposal.tasks)
        self.deliver(minutes=600)
        self.assertEqual(len(self.posts()), 3)

    def test_deliver_poll(self):
        "Callbacks lost: the poll cron brings the news, in order"
        self.notula.lose_callbacks = True
        self.send()
        self.deliver()
        reference = self.read().reference
        self.notula.advance(reference, 'scheduled',
            meeting_date=dt.date(2026, 5, 12))
        with self.transaction():
            # the other tests' draft decisions are polled too
            polled = Pool().get('klachten.notula.proposal').search_count([
                    ('state', 'in', ['submitted', 'scheduled']),
                    ])
        self.notula.fail_next(polled, status=503)
        self.poll()   # no news: nothing changes, tried at the next run
        self.assertEqual(self.read().state, 'submitted')
        self.poll()
        proposal = self.read()
        self.assertEqual((proposal.state, proposal.meeting_date),
            ('scheduled', dt.date(2026, 5, 12)))
        self.notula.advance(reference, 'decided', decision=DECISION)
        self.poll()
        proposal = self.read()
        self.assertEqual((proposal.state, proposal.result),
            ('decided', 'approved'))
        asked = self.notula.requests_to('GET', f'/concepts/{reference}')
        self.assertEqual(len(asked), 3)
        self.poll()   # decided: no longer asked
        self.assertEqual(len(
                self.notula.requests_to('GET', f'/concepts/{reference}')), 3)
