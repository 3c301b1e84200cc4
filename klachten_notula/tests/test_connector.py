# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The HTTP connector against real HTTP servers on loopback: what it sends,
and how each answer or fault is read (permanent or worth repeating)."""
import json
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from ..connector import (
    ConnectorError, HttpConnector, Request, UnknownReference, parse_news, sign,
    verify)


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
