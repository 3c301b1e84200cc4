# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Notula contract-test server keeps the contract (doc/contract.rst)
and its faults, over real HTTP: what the connector's tests rely on."""
import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import socket
import threading
import time
import unittest
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .notula_server import NotulaServer

KEY = 'the-api-key'
SECRET = 'the-callback-secret'
YEAR = dt.date.today().year


def concept(**values):
    "A valid concept body"
    data = {
        'id': 'a' * 32,
        'title': "Complaint K-0001: the bins",
        'body': 'college',
        'author': 'Secretariaat',
        'motivation': "Motivering",
        'decision': "Besluit",
        'complaint': 'K-0001',
        'oslo': {'@context': 'https://data.vlaanderen.be/doc/'
            'applicatieprofiel/besluit-publicatie/'},
        'attachments': [{'name': 'report.pdf',
                'content_type': 'application/pdf',
                'data': base64.b64encode(b'%PDF-1.7 report').decode()}],
        }
    data.update(values)
    return data


class Receiver:
    "An HTTP server on loopback that records the callbacks it receives"

    def __init__(self):
        self.received = []      # [(headers, body)]
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers['Content-Length']))
                receiver.received.append((self.headers, body))
                answer = json.dumps({'status': 'applied'}).encode()
                self.send_response(receiver.status)
                self.send_header('Content-Type', 'application/json')
                self.send_header('Content-Length', str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

        self.httpd = ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever,
            daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f'http://127.0.0.1:{self.httpd.server_address[1]}/db/notula/' \
            'callback'

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def events(self):
        return [json.loads(body) for _, body in self.received]


def signed(headers, body, secret=SECRET):
    "Whether the callback carries the signature of secret"
    timestamp = headers['X-Notula-Timestamp']
    expected = hmac.new(secret.encode(), timestamp.encode() + b'.' + body,
        hashlib.sha256).hexdigest()
    return hmac.compare_digest(headers['X-Notula-Signature'],
        f'sha256={expected}')


class NotulaServerTestCase(unittest.TestCase):
    "The contract-test server over HTTP"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.receiver = Receiver()
        cls.addClassCleanup(cls.receiver.stop)

    def setUp(self):
        self.notula = NotulaServer(key=KEY, secret=SECRET,
            callback_url=self.receiver.url).start()
        self.addCleanup(self.notula.stop)
        self.receiver.received.clear()
        self.receiver.status = 200

    def call(self, method, path, data=None, key=KEY, idempotency_key=None,
            timeout=10):
        "(status, JSON answer) of method on the server's path"
        headers = {'Content-Type': 'application/json'}
        if key is not None:
            headers['Authorization'] = f'Bearer {key}'
        if idempotency_key is not None:
            headers['Idempotency-Key'] = idempotency_key
        if data is not None and not isinstance(data, bytes):
            data = json.dumps(data).encode()
        request = urllib.request.Request(self.notula.url + path, data=data,
            method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def create(self, key='key-1', **values):
        return self.call('POST', '/concepts', concept(**values),
            idempotency_key=key)

    # The contract
    def test_create(self):
        "A concept is created with a reference from the governing body"
        status, answer = self.create()
        self.assertEqual(status, 201)
        self.assertEqual(answer, {
                'reference': f'{YEAR}_CBS_00001', 'status': 'submitted'})
        received, = self.notula.concepts
        self.assertEqual(received.reference, answer['reference'])
        self.assertEqual(received['title'], "Complaint K-0001: the bins")
        self.assertEqual(received.key, 'key-1')
        attachment, = received.attachments
        self.assertEqual(attachment, ('report.pdf', 'application/pdf',
                b'%PDF-1.7 report'))
        request, = self.notula.requests
        self.assertEqual((request.method, request.path, request.status),
            ('POST', '/api/concepts', 201))
        self.assertEqual(request.headers['authorization'], f'Bearer {KEY}')
        self.assertEqual(request.headers['Idempotency-Key'], 'key-1')
        self.assertEqual(request.json['complaint'], 'K-0001')

    def test_references(self):
        "Each concept has its own reference, numbered per governing body"
        references = [self.create(key=f'key-{i}', body=body)[1]['reference']
            for i, body in enumerate(['college', 'raad', 'college',
                    'college_bw', 'eigen_orgaan'])]
        self.assertEqual(len(set(references)), 5)
        self.assertTrue(references[1].endswith('_GR_00001'), references)
        self.assertEqual(references[2][4:], references[0][4:-1] + '2')
        self.assertTrue(references[3].endswith('_CBW_00001'), references)
        self.assertTrue(references[4].endswith('_EO_00001'), references)
        for reference in references:
            self.assertRegex(reference, rf'^{YEAR}_[A-Z]+_\d{{5}}$')

    def test_idempotency_key(self):
        "The same Idempotency-Key again answers the same reference, 200"
        status, first = self.create()
        status, again = self.create(title="Changed")
        self.assertEqual(status, 200)
        self.assertEqual(again['reference'], first['reference'])
        self.assertEqual(len(self.notula.concepts), 1)
        self.assertEqual(self.notula.concepts[0]['title'],
            "Complaint K-0001: the bins")
        status, other = self.create(key='key-2')
        self.assertEqual(status, 201)
        self.assertNotEqual(other['reference'], first['reference'])

    def test_bad_key(self):
        "A wrong or missing API key is refused with 401, nothing created"
        for key in ['wrong', '', None]:
            with self.subTest(key=key):
                status, answer = self.call('POST', '/concepts', concept(),
                    key=key, idempotency_key='key-1')
                self.assertEqual(status, 401)
                self.assertIn('error', answer)
        self.create()
        reference = self.notula.concepts[0].reference
        status, _ = self.call('GET', f'/concepts/{reference}', key='wrong')
        self.assertEqual(status, 401)
        self.assertEqual(len(self.notula.concepts), 1)

    def test_bad_input(self):
        "Bad input is refused with 400 and an error, nothing created"
        no_title = concept()
        del no_title['title']
        bad = {
            'not JSON': b'{"title": ',
            'not an object': [],
            'no title': no_title,
            'empty motivation': concept(motivation=' '),
            'no governing body': concept(body=''),
            'bad governing body': concept(body='Raad!'),
            'no OSLO object': concept(oslo='besluit'),
            'attachments not a list': concept(attachments={}),
            'attachment without name': concept(attachments=[
                        {'content_type': 'text/plain', 'data': ''}]),
            'attachment not base64': concept(attachments=[{'name': 'a.txt',
                            'content_type': 'text/plain', 'data': '%%%'}]),
            }
        for name, data in bad.items():
            with self.subTest(name):
                status, answer = self.call('POST', '/concepts', data,
                    idempotency_key=f'key-{name}')
                self.assertEqual(status, 400)
                self.assertTrue(answer['error'])
        with self.subTest('no Idempotency-Key'):
            status, answer = self.call('POST', '/concepts', concept())
            self.assertEqual(status, 400)
            self.assertIn('Idempotency-Key', answer['error'])
        self.assertEqual(self.notula.concepts, [])

    def test_status(self):
        "GET answers the concept's status and version; 404 when unknown"
        _, created = self.create()
        reference = created['reference']
        status, answer = self.call('GET', f'/concepts/{reference}')
        self.assertEqual(status, 200)
        self.assertEqual(answer, {'reference': reference,
                'status': 'submitted', 'version': 1, 'meeting_date': None,
                'decision': None})

        self.notula.advance(reference, 'scheduled',
            meeting_date=dt.date(2026, 12, 14))
        self.notula.advance(reference, 'decided', decision={
                'text': "Approved as proposed.",
                'date': dt.date(2026, 12, 14), 'result': 'approved'})
        status, answer = self.call('GET', f'/concepts/{reference}')
        self.assertEqual(answer, {'reference': reference,
                'status': 'decided', 'version': 3,
                'meeting_date': '2026-12-14', 'decision': {
                    'text': "Approved as proposed.", 'date': '2026-12-14',
                    'result': 'approved'}})

        status, answer = self.call('GET', f'/concepts/{YEAR}_CBS_99999')
        self.assertEqual(status, 404)
        self.assertIn('error', answer)

    def test_unknown_path(self):
        "A path outside the contract answers 404"
        for path in ['/other', '/concepts/a/b']:
            with self.subTest(path=path):
                self.assertEqual(self.call('GET', path)[0], 404)
        request = urllib.request.Request(
            f'http://127.0.0.1:{self.notula.port}/concepts', method='POST',
            data=json.dumps(concept()).encode(), headers={
                'Authorization': f'Bearer {KEY}', 'Idempotency-Key': 'k'})
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(request, timeout=10)
        self.assertEqual(cm.exception.code, 404)
        self.assertEqual(self.notula.concepts, [])

    # The callbacks
    def test_callback(self):
        "advance() sends a signed callback with a new event id each time"
        _, created = self.create()
        reference = created['reference']
        callback, = self.notula.advance(reference, 'scheduled',
            meeting_date='2026-12-14')
        self.assertEqual((callback.status, callback.answer),
            (200, {'status': 'applied'}))
        self.notula.advance(reference, 'decided', decision={
                'text': "Yes", 'date': '2026-12-14', 'result': 'amended'})
        (headers, body), (_, body2) = self.receiver.received
        self.assertTrue(signed(headers, body))
        self.assertFalse(signed(headers, body, 'another secret'))
        self.assertEqual(headers['Content-Type'], 'application/json')
        self.assertLessEqual(
            abs(int(headers['X-Notula-Timestamp']) - time.time()), 5)
        first, second = self.receiver.events()
        self.assertEqual(first, {'event_id': first['event_id'],
                'reference': reference, 'status': 'scheduled', 'version': 2,
                'meeting_date': '2026-12-14', 'decision': None})
        self.assertEqual((second['status'], second['version']),
            ('decided', 3))
        self.assertEqual(second['decision'], {'text': "Yes",
                'date': '2026-12-14', 'result': 'amended'})
        self.assertRegex(first['event_id'], r'^[0-9a-f]{32}$')
        self.assertNotEqual(first['event_id'], second['event_id'])
        self.assertEqual(len(self.notula.callbacks), 2)

    def test_callback_answer(self):
        "The answer to a callback is kept for the test"
        _, created = self.create()
        self.receiver.status = 409
        callback, = self.notula.advance(created['reference'], 'withdrawn')
        self.assertEqual(callback.status, 409)
        self.assertEqual(callback.event['status'], 'withdrawn')

    def test_no_callback_configured(self):
        "Without a callback URL the status changes silently (polling)"
        _, created = self.create()
        self.notula.callback_url = None
        self.assertEqual(
            self.notula.advance(created['reference'], 'scheduled'), [])
        self.assertEqual(self.receiver.received, [])
        self.assertEqual(self.notula.concept(created['reference']).status,
            'scheduled')

    def test_bad_advance(self):
        "advance() refuses a status or result outside the contract"
        _, created = self.create()
        with self.assertRaises(ValueError):
            self.notula.advance(created['reference'], 'approved')
        with self.assertRaises(ValueError):
            self.notula.advance(created['reference'], 'decided',
                decision={'text': '', 'date': None, 'result': 'yes'})
        with self.assertRaises(KeyError):
            self.notula.advance(f'{YEAR}_CBS_99999', 'scheduled')

    # The faults
    def test_fail_next(self):
        "fail_next(n) answers the next n requests 5xx, then works again"
        self.notula.fail_next(2)
        self.notula.fail_next(1, status=502)
        statuses = [self.create()[0] for _ in range(4)]
        self.assertEqual(statuses, [503, 503, 502, 201])
        self.assertEqual(len(self.notula.concepts), 1)
        self.assertEqual([r.status for r in self.notula.requests],
            [503, 503, 502, 201])

    def test_delay_next(self):
        "A delayed answer times the client out; the concept exists anyway"
        self.notula.delay_next(1, 3)
        start = time.monotonic()
        with self.assertRaises((socket.timeout, urllib.error.URLError)):
            self.call('POST', '/concepts', concept(),
                idempotency_key='key-1', timeout=0.5)
        self.assertLess(time.monotonic() - start, 2)
        self.assertEqual(len(self.notula.concepts), 1)
        status, answer = self.create()
        self.assertEqual(status, 200)
        self.assertEqual(answer['reference'],
            self.notula.concepts[0].reference)
        self.assertEqual(len(self.notula.concepts), 1)
        self.assertEqual(
            [r.headers['Idempotency-Key'] for r in self.notula.requests],
            ['key-1', 'key-1'])

    def test_delay_answers_late(self):
        "A patient client gets the delayed answer"
        self.notula.delay_next(1, 0.5)
        start = time.monotonic()
        status, _ = self.create()
        self.assertEqual(status, 201)
        self.assertGreaterEqual(time.monotonic() - start, 0.5)

    def test_duplicate_callbacks(self):
        "duplicate_callbacks sends each callback twice, identical"
        _, created = self.create()
        self.notula.duplicate_callbacks = True
        callbacks = self.notula.advance(created['reference'], 'scheduled')
        self.assertEqual(len(callbacks), 2)
        (headers1, body1), (headers2, body2) = self.receiver.received
        self.assertEqual(body1, body2)
        self.assertEqual(headers1['X-Notula-Signature'],
            headers2['X-Notula-Signature'])
        self.assertTrue(signed(headers2, body2))

    def test_out_of_order(self):
        "send_out_of_order() delivers the block's callbacks newest first"
        _, created = self.create()
        reference = created['reference']
        with self.notula.send_out_of_order():
            self.assertEqual(self.notula.advance(reference, 'scheduled',
                    meeting_date='2026-12-14'), [])
            self.notula.advance(reference, 'decided', decision={
                    'text': "Yes", 'date': '2026-12-14',
                    'result': 'approved'})
            self.assertEqual(self.receiver.received, [])
        events = self.receiver.events()
        self.assertEqual([(e['status'], e['version']) for e in events],
            [('decided', 3), ('scheduled', 2)])
        self.assertTrue(all(signed(*r) for r in self.receiver.received))

    def test_lose_callbacks(self):
        "lose_callbacks sends nothing; the status is there to poll"
        _, created = self.create()
        self.notula.lose_callbacks = True
        self.notula.advance(created['reference'], 'scheduled')
        self.assertEqual(self.receiver.received, [])
        status, answer = self.call('GET', f"/concepts/{created['reference']}")
        self.assertEqual((answer['status'], answer['version']),
            ('scheduled', 2))

    def test_bad_signature(self):
        "bad_signature signs the callbacks with another secret"
        _, created = self.create()
        self.notula.bad_signature = True
        self.notula.advance(created['reference'], 'scheduled')
        (headers, body), = self.receiver.received
        self.assertRegex(headers['X-Notula-Signature'],
            '^sha256=[0-9a-f]{64}$')
        self.assertFalse(signed(headers, body))

    def test_stale_timestamp(self):
        "clock_offset sends an old timestamp, correctly signed"
        _, created = self.create()
        self.notula.clock_offset = -600
        self.notula.advance(created['reference'], 'scheduled')
        (headers, body), = self.receiver.received
        self.assertAlmostEqual(int(headers['X-Notula-Timestamp']),
            time.time() - 600, delta=5)
        self.assertTrue(signed(headers, body))

    def test_unknown_reference(self):
        "A signed callback about a reference Notula never gave"
        self.create()
        callback = self.notula.callback_for_unknown_reference()
        (headers, body), = self.receiver.received
        self.assertTrue(signed(headers, body))
        reference = json.loads(body)['reference']
        self.assertEqual(callback.event['reference'], reference)
        with self.assertRaises(KeyError):
            self.notula.concept(reference)

    def test_post_callback(self):
        "post_callback sends any payload, signed or not"
        self.notula.post_callback(b'{"event_id": ', sign=False)
        (headers, body), = self.receiver.received
        self.assertEqual(body, b'{"event_id": ')
        self.assertIsNone(headers['X-Notula-Signature'])

    def test_reset(self):
        "reset() forgets what was received and the faults"
        self.create()
        self.notula.fail_next(1)
        self.notula.reset()
        self.assertEqual(self.notula.concepts, [])
        self.assertEqual(self.notula.requests, [])
        status, answer = self.create()
        self.assertEqual(status, 201)
        self.assertTrue(re.search(r'_00002$', answer['reference']))
