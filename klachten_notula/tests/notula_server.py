# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A Notula contract-test server on 127.0.0.1: the HTTP contract of
doc/contract.rst (no one here can run Notula itself), with faults.

    from klachten_notula.tests.notula_server import NotulaServer

    callback = 'http://127.0.0.1:8000/db/notula/callback'
    with NotulaServer(key='key', secret='s', callback_url=callback) \\
            as notula:
        notula.url                 # the base URL (notula_url), with a path
        ...                        # the client POSTs concepts, GETs them
        notula.concepts            # [Concept] created, in order
        notula.concept(reference)  # .data (the JSON), .attachments
                                   # [Attachment(name, content_type, data)]
        notula.requests            # [Request] every request received:
                                   # method, path, headers, body, status
        notula.advance(reference, 'scheduled', meeting_date=date(...))
        notula.advance(reference, 'decided', decision={
                'text': ..., 'date': date(...), 'result': 'approved'})
        notula.callbacks           # [Callback(event, status, answer)] sent

The test drives the concepts' life: advance() bumps the version and, when
callback_url and secret are set (attributes, at any time), POSTs the signed
callback (one new event_id per change) and waits for its answer.

Faults, switched at any time from the test:

    notula.fail_next(2, status=503)   the next 2 requests answer 503
    notula.delay_next(1, 3)           the next request is handled (a POST
                                      creates its concept) and answered 3 s
                                      later: a client that gave up before
                                      must get the same reference again
                                      with the same Idempotency-Key
    notula.duplicate_callbacks = True every callback is sent twice (the same
                                      event_id, timestamp and signature)
    with notula.send_out_of_order():  the callbacks of the block are held
        ...                           and sent newest first at its end
    notula.lose_callbacks = True      callbacks are never sent (polling)
    notula.bad_signature = True       callbacks are signed with another
                                      secret
    notula.clock_offset = -600        callbacks carry a timestamp 600 s old
    notula.callback_for_unknown_reference()   a signed callback about a
                                      reference Notula never gave
    notula.post_callback(payload)     any payload, signed (sign=False: not)
    notula.reset()                    forget concepts, requests, callbacks
                                      and faults (references keep counting)
"""
import base64
import binascii
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATUSES = ('submitted', 'scheduled', 'decided', 'withdrawn', 'rejected')
RESULTS = ('approved', 'amended', 'postponed', 'refused')
# The Notula abbreviation of a governing body's code, in the references
PREFIXES = {
    'college': 'CBS',
    'college_bw': 'CBW',
    'raad': 'GR',
    'vast_bureau': 'VB',
    'burgemeester': 'BM',
    }
REQUIRED = ('id', 'title', 'body', 'motivation', 'decision', 'complaint')

Attachment = namedtuple('Attachment', ['name', 'content_type', 'data'])
Callback = namedtuple('Callback', ['event', 'status', 'answer'])


@dataclass
class Request:
    "A request received: its answer's status once answered"
    method: str
    path: str
    headers: object        # http.client.HTTPMessage: case-insensitive
    body: bytes
    status: int = None

    @property
    def json(self):
        return json.loads(self.body)


@dataclass
class Concept:
    "An external concept Notula made of a POST /concepts"
    reference: str
    key: str               # the Idempotency-Key
    data: dict             # the JSON received
    attachments: list      # [Attachment] decoded
    status: str = 'submitted'
    version: int = 1
    meeting_date: str = None
    decision: dict = None
    created: float = field(default_factory=time.time)

    def __getitem__(self, name):
        return self.data[name]

    def state(self):
        "What GET /concepts/<reference> answers"
        return {
            'reference': self.reference,
            'status': self.status,
            'version': self.version,
            'meeting_date': self.meeting_date,
            'decision': self.decision,
            }


class BadRequest(Exception):
    pass


def _iso(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


def sign(secret, timestamp, body):
    "The X-Notula-Signature of body sent at timestamp"
    message = str(timestamp).encode() + b'.' + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f'sha256={digest}'


def validate(data):
    "Raise BadRequest unless data is a concept the contract accepts"
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    for name in REQUIRED:
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise BadRequest(f"{name} is missing or empty")
    if not re.fullmatch(r'[a-z0-9_]+', data['body']):
        raise BadRequest(f"unknown governing body {data['body']!r}")
    if not isinstance(data.get('author'), (str, type(None))):
        raise BadRequest("author must be a string")
    if not isinstance(data.get('oslo'), dict):
        raise BadRequest("oslo must be the OSLO Besluit object")
    attachments = data.get('attachments', [])
    if not isinstance(attachments, list):
        raise BadRequest("attachments must be a list")
    return [_attachment(a) for a in attachments]


def _attachment(attachment):
    if not isinstance(attachment, dict):
        raise BadRequest("an attachment must be an object")
    name = attachment.get('name')
    if not isinstance(name, str) or not name.strip():
        raise BadRequest("an attachment has no name")
    content_type = attachment.get('content_type')
    if not isinstance(content_type, str) or '/' not in content_type:
        raise BadRequest(f"attachment {name}: no content_type")
    try:
        data = base64.b64decode(attachment.get('data') or '', validate=True)
    except (binascii.Error, TypeError, ValueError):
        raise BadRequest(f"attachment {name}: data is not base64")
    return Attachment(name, content_type, data)


class NotulaServer:
    "The contract on 127.0.0.1 and a free port (see the module doc)"

    def __init__(self, key='notula-test-key', secret=None,
            callback_url=None, prefix='/api', year=None):
        self.key = key
        self.secret = secret
        self.callback_url = callback_url
        self.prefix = prefix.rstrip('/')
        self.year = year or dt.date.today().year
        self.concepts = []
        self.requests = []
        self.callbacks = []
        self._counters = defaultdict(int)
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._httpd = None
        self._thread = None
        self._held = None
        self._clear_faults()

    def _clear_faults(self):
        self._failures = []         # [status] of the next requests
        self._delays = []           # [seconds] of the next requests
        self.duplicate_callbacks = False
        self.lose_callbacks = False
        self.bad_signature = False
        self.clock_offset = 0

    # The server
    def start(self):
        if self._httpd is None:
            self._stopping.clear()
            self._httpd = _HTTPServer(('127.0.0.1', 0), _Handler)
            self._httpd.notula = self
            self._thread = threading.Thread(target=self._httpd.serve_forever,
                kwargs={'poll_interval': 0.05}, daemon=True,
                name='notula-server')
            self._thread.start()
        return self

    def stop(self):
        if self._httpd is not None:
            self._stopping.set()    # wakes the delayed answers
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(10)
            self._httpd = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._httpd.server_address[1]

    @property
    def url(self):
        "The base URL of the contract (the company's notula_url)"
        return f'http://127.0.0.1:{self.port}{self.prefix}'

    def reset(self):
        "Forget concepts, requests, callbacks and faults"
        with self._lock:
            self.concepts.clear()
            self.requests.clear()
            self.callbacks.clear()
            self._held = None
            self._clear_faults()

    # What was received
    def concept(self, reference):
        "The concept of reference (KeyError when unknown)"
        with self._lock:
            for concept in self.concepts:
                if concept.reference == reference:
                    return concept
        raise KeyError(reference)

    def requests_to(self, method, path=''):
        "The requests of method whose path (after the prefix) starts so"
        return [r for r in list(self.requests) if r.method == method
            and r.path.startswith(self.prefix + path)]

    # Faults
    def fail_next(self, n, status=503):
        "Answer the next n requests status (without handling them)"
        with self._lock:
            self._failures.extend([status] * n)

    def delay_next(self, n, seconds):
        "Handle the next n requests, answer each seconds later"
        with self._lock:
            self._delays.extend([seconds] * n)

    @contextlib.contextmanager
    def send_out_of_order(self):
        "Hold the block's callbacks, then send them newest first"
        with self._lock:
            self._held = []
        try:
            yield
        finally:
            with self._lock:
                held, self._held = self._held or [], None
            for event in reversed(held):
                self._deliver(event)

    # The test drives the concepts
    def advance(self, reference, status, meeting_date=None, decision=None):
        """Change the concept of reference (a new version) and send its
        callback; return the Callbacks sent ([] when held or lost)"""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        if decision is not None:
            decision = dict(decision, date=_iso(decision.get('date')))
            if decision.get('result') not in RESULTS:
                raise ValueError(f"unknown result {decision.get('result')}")
        with self._lock:
            concept = self.concept(reference)
            concept.status = status
            concept.version += 1
            if meeting_date is not None:
                concept.meeting_date = _iso(meeting_date)
            if decision is not None:
                concept.decision = decision
            event = dict(event_id=uuid.uuid4().hex, **concept.state())
            if self._held is not None:
                self._held.append(event)
                return []
        return self._deliver(event)

    def callback_for_unknown_reference(self, reference=None):
        "Send a signed callback about a reference Notula never gave"
        reference = reference or f'{self.year}_XXX_99999'
        return self.post_callback({
                'event_id': uuid.uuid4().hex,
                'reference': reference,
                'status': 'decided',
                'version': 2,
                'meeting_date': None,
                'decision': {'text': "Unknown", 'date': None,
                    'result': 'approved'},
                })

    def _deliver(self, event):
        if self.lose_callbacks or not (self.callback_url and self.secret):
            return []
        body = json.dumps(event).encode()
        headers = self._signed(body)
        times = 2 if self.duplicate_callbacks else 1
        return [self._post(event, body, headers) for _ in range(times)]

    def post_callback(self, payload, sign=True):
        """POST payload (an object, or bytes as they are) to callback_url,
        signed unless told not; return its Callback"""
        body = payload if isinstance(payload, bytes) else json.dumps(
            payload).encode()
        headers = self._signed(body) if sign else {}
        event = payload if not isinstance(payload, bytes) else None
        return self._post(event, body, headers)

    def _signed(self, body):
        if not self.callback_url or not self.secret:
            raise RuntimeError("no callback_url and secret to call back")
        timestamp = int(time.time()) + self.clock_offset
        secret = self.secret + '-wrong' if self.bad_signature else self.secret
        return {
            'X-Notula-Timestamp': str(timestamp),
            'X-Notula-Signature': sign(secret, timestamp, body),
            }

    def _post(self, event, body, headers):
        request = urllib.request.Request(self.callback_url, data=body,
            method='POST', headers={
                'Content-Type': 'application/json', **headers})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, answer = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, answer = error.code, error.read()
        try:
            answer = json.loads(answer)
        except ValueError:
            answer = answer.decode(errors='replace')
        callback = Callback(event, status, answer)
        with self._lock:
            self.callbacks.append(callback)
        return callback

    # Handling the requests (in the server's threads)
    def _handle(self, request):
        "(status, answer) of request, after its faults"
        with self._lock:
            self.requests.append(request)
            if self._failures:
                status = self._failures.pop(0)
                return status, {'error': f"Simulated failure ({status})"}, 0
            delay = self._delays.pop(0) if self._delays else 0
        status, answer = self._answer(request)
        return status, answer, delay

    def _answer(self, request):
        path = urllib.parse.urlsplit(request.path).path
        if not hmac.compare_digest(
                request.headers.get('Authorization', ''),
                f'Bearer {self.key}'):
            return 401, {'error': "Bad or missing API key"}
        if path == f'{self.prefix}/concepts' and request.method == 'POST':
            return self._create(request)
        match = re.fullmatch(re.escape(self.prefix) + r'/concepts/([^/]+)',
            path)
        if match and request.method == 'GET':
            reference = urllib.parse.unquote(match.group(1))
            try:
                return 200, self.concept(reference).state()
            except KeyError:
                return 404, {'error': f"Unknown reference {reference}"}
        return 404, {'error': f"No such resource: {request.method} {path}"}

    def _create(self, request):
        key = request.headers.get('Idempotency-Key', '').strip()
        if not key:
            return 400, {'error': "The Idempotency-Key header is missing"}
        try:
            data = json.loads(request.body.decode('utf-8'))
        except ValueError:
            return 400, {'error': "The body is not JSON (UTF-8)"}
        try:
            attachments = validate(data)
        except BadRequest as error:
            return 400, {'error': str(error)}
        with self._lock:
            for concept in self.concepts:
                if concept.key == key:
                    return 200, {'reference': concept.reference,
                        'status': concept.status}
            concept = Concept(self._reference(data['body']), key, data,
                attachments)
            self.concepts.append(concept)
        return 201, {'reference': concept.reference, 'status': 'submitted'}

    def _reference(self, body):
        prefix = PREFIXES.get(body) or ''.join(
            w[0] for w in body.split('_') if w).upper()
        self._counters[prefix] += 1
        return f'{self.year}_{prefix}_{self._counters[prefix]:05d}'


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that gave up on a delayed answer is no error
        pass


class _Handler(BaseHTTPRequestHandler):
    server_version = 'NotulaTest/1.0'

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self._serve()

    def do_POST(self):
        self._serve()

    def _serve(self):
        notula = self.server.notula
        length = int(self.headers.get('Content-Length') or 0)
        request = Request(self.command, self.path, self.headers,
            self.rfile.read(length))
        status, answer, delay = notula._handle(request)
        request.status = status
        if delay:
            notula._stopping.wait(delay)
        body = json.dumps(answer).encode()
        try:
            self.send_response(status)
            self.send_header('Content-Type', 'application/json')
            self.send_header('Content-Length', str(len(body)))
            if status == 401:
                self.send_header('WWW-Authenticate', 'Bearer')
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            pass    # the client gave up
