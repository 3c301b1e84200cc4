# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The connectors to the agenda system (Notula), behind one small
interface:

    connector = get_connector(proposal.connector, proposal.company)
    reference = connector.submit(proposal)    # the agenda system's reference
    news = connector.fetch_status(proposal)   # {'status', 'version', ...}

*manual*: the coordinator carries the package (package.py) and the news
by hand; *http*: the JSON contract of doc/contract.rst, over urllib.

The HTTP connector splits each call in two so that the network is never
waited for inside a database transaction: ``submit_request(proposal)``
(in a transaction: reads the proposal) returns a Request that
``send(request)`` (outside: the network) sends.  Errors are ConnectorError:
``permanent`` when repeating cannot help (a 4xx), not otherwise (5xx,
timeout, a broken connection).  The callback's signature is sign() and
verify()."""
import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import trytond.config as config
from trytond.pool import Pool

from . import package

logger = logging.getLogger(__name__)

STATUSES = ['submitted', 'scheduled', 'decided', 'withdrawn', 'rejected']
RESULTS = ['approved', 'amended', 'postponed', 'refused']
# Seconds a callback's timestamp may be away from our clock
SIGNATURE_TOLERANCE = 300
# 4xx answers that are worth repeating
RETRIED = {408, 425, 429}
# An answer larger than this is not the contract's
MAX_ANSWER = 1024 * 1024


class ConnectorError(Exception):
    """A call to the agenda system that failed; permanent when repeating it
    cannot help"""

    def __init__(self, message, status=None, permanent=False):
        super().__init__(message)
        self.status = status
        self.permanent = permanent


class UnknownReference(ConnectorError):
    "The agenda system knows no concept with the reference (404)"

    def __init__(self, message, status=404):
        super().__init__(message, status=status, permanent=True)


# The callback's signature
def sign(secret, timestamp, body):
    """The X-Notula-Signature of body (bytes) sent at timestamp (unix
    seconds) with secret: 'sha256=<hex HMAC-SHA256(secret, timestamp + "."
    + body)>'"""
    message = str(timestamp).encode('ascii') + b'.' + body
    return 'sha256=' + hmac.new(
        secret.encode('utf-8'), message, hashlib.sha256).hexdigest()


def verify(secret, timestamp, body, signature, now=None,
        tolerance=SIGNATURE_TOLERANCE):
    """Whether signature is the signature of body at timestamp (the
    headers' texts) with secret, and timestamp at most tolerance seconds
    away from now"""
    if not secret or not timestamp or not signature:
        return False
    if not str(timestamp).isdigit():
        return False
    seconds = int(timestamp)
    now = time.time() if now is None else now
    if abs(now - seconds) > tolerance:
        return False
    return hmac.compare_digest(
        sign(secret, timestamp, body).encode('ascii'),
        signature.strip().encode('ascii', 'replace'))


# The news of a concept (status answer and callback)
def _date(value, name):
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name}: not a date")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{name}: not a date (YYYY-MM-DD): {value!r}")


def _text(data, name, required=True, size=None):
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise ValueError(f"{name}: text expected")
    if size and len(value) > size:
        raise ValueError(f"{name}: longer than {size} characters")
    return value


def parse_news(data):
    """The status of a concept (the status answer or a callback's body)
    checked and converted: {'reference', 'status', 'version', 'meeting_date'
    (date or None), 'decision' ({'text', 'date', 'result'} or None)}.
    Raise ValueError when it is not the contract's."""
    if not isinstance(data, dict):
        raise ValueError("a JSON object expected")
    status = data.get('status')
    if status not in STATUSES:
        raise ValueError(f"status: one of {', '.join(STATUSES)} expected")
    version = data.get('version')
    if version is not None and (
            isinstance(version, bool) or not isinstance(version, int)):
        raise ValueError("version: an integer expected")
    decision = data.get('decision')
    if decision is not None:
        if not isinstance(decision, dict):
            raise ValueError("decision: an object expected")
        result = decision.get('result')
        if result is not None and result not in RESULTS:
            raise ValueError(
                f"decision.result: one of {', '.join(RESULTS)} expected")
        decision = {
            'text': _text(decision, 'text', required=False),
            'date': _date(decision.get('date'), 'decision.date'),
            'result': result,
            }
    return {
        'reference': _text(data, 'reference', size=100),
        'status': status,
        'version': version,
        'meeting_date': _date(data.get('meeting_date'), 'meeting_date'),
        'decision': decision,
        }


class Connector:
    "The interface of a connector to the agenda system"
    name = None

    def submit(self, proposal):
        """Hand proposal to the agenda system; return its reference (None
        when it is not known yet)"""
        raise NotImplementedError

    def fetch_status(self, proposal):
        """The agenda system's news of proposal as parse_news gives it, or
        None when this connector cannot ask"""
        raise NotImplementedError


class ManualConnector(Connector):
    """The coordinator uploads the package into Notula and records the
    reference, then the news, by hand"""
    name = 'manual'

    def submit(self, proposal):
        # recorded by the coordinator (the Record Reference step)
        return proposal.reference

    def fetch_status(self, proposal):
        return None

    def package(self, proposal):
        "The zip to upload: (file name, bytes)"
        return package.make_package(proposal)


@dataclass
class Request:
    "One HTTP call, ready to be sent outside of any transaction"
    method: str
    url: str
    headers: dict = field(default_factory=dict)
    body: bytes = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would carry the key elsewhere, or turn the POST into a
    # GET: refuse it (a permanent error, the URL is to be corrected)
    def redirect_request(self, *args, **kwargs):
        return None


class HttpConnector(Connector):
    "The JSON contract of doc/contract.rst"
    name = 'http'
    # seconds; [klachten] notula_timeout overrides it
    timeout = 30

    def __init__(self, url, key, author=None, timeout=None):
        self.url = (url or '').rstrip('/')
        self.key = key or ''
        self.author = author
        if timeout is None:
            timeout = config.getfloat(
                'klachten', 'notula_timeout', default=self.timeout)
        self.timeout = timeout

    @classmethod
    def from_company(cls, company):
        "The connector with the settings of company's configuration"
        Configuration = Pool().get('klachten.configuration')
        configuration = Configuration(1)
        company_id = company.id if company else None

        def get(name):
            return configuration.get_multivalue(name, company=company_id)
        return cls(get('notula_url'), get('notula_key'),
            author=get('notula_author'))

    def _headers(self):
        return {
            'Authorization': f'Bearer {self.key}',
            'Accept': 'application/json',
            'User-Agent': 'Klachten (klachten_notula)',
            }

    def concept(self, proposal):
        "The body of the concept of proposal"
        document = [package.main_document(proposal)]
        return {
            'id': proposal.uuid,
            'title': proposal.title,
            'body': proposal.body.code,
            'author': self.author or None,
            'motivation': proposal.motivation,
            'decision': proposal.decision_proposal,
            # a yearly report's draft decision: the report's name
            'complaint': (proposal.complaint.number
                if proposal.complaint else proposal.origin_number),
            'oslo': package.oslo(proposal),
            'attachments': [{
                    'name': name,
                    'content_type': content_type,
                    'data': base64.b64encode(data).decode('ascii'),
                    } for name, content_type, data in (
                    document + package.attachments(proposal))],
            }

    def submit_request(self, proposal):
        "The creation of the concept of proposal (in a transaction)"
        body = json.dumps(self.concept(proposal), ensure_ascii=False)
        return Request('POST', f'{self.url}/concepts', {
                **self._headers(),
                'Content-Type': 'application/json; charset=utf-8',
                'Idempotency-Key': proposal.uuid,
                }, body.encode('utf-8'))

    def status_request(self, reference):
        "The status call of the concept of reference"
        quoted = urllib.parse.quote(reference, safe='')
        return Request('GET', f'{self.url}/concepts/{quoted}',
            self._headers())

    def send(self, request):
        """Send request (outside of any transaction); return the JSON
        object of a 2xx answer, or raise ConnectorError"""
        if not self.url.startswith(('http://', 'https://')):
            raise ConnectorError(
                f"No valid Notula URL: {self.url!r}", permanent=True)
        opener = urllib.request.build_opener(_NoRedirect)
        http_request = urllib.request.Request(request.url,
            data=request.body, headers=request.headers,
            method=request.method)
        try:
            with opener.open(http_request, timeout=self.timeout) as response:
                status = response.status
                content = response.read(MAX_ANSWER + 1)
        except urllib.error.HTTPError as error:
            raise self._error(error.code, self._read(error))
        except (TimeoutError, socket.timeout):
            raise ConnectorError(
                f"No answer within {self.timeout:g} seconds")
        except (urllib.error.URLError, http.client.HTTPException,
                OSError) as error:
            reason = getattr(error, 'reason', error)
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise ConnectorError(
                    f"No answer within {self.timeout:g} seconds")
            raise ConnectorError(
                f"{error.__class__.__name__}: {reason}".rstrip(': '))
        try:
            if len(content) > MAX_ANSWER:
                raise ValueError("too large")
            data = json.loads(content.decode('utf-8'))
            if not isinstance(data, dict):
                raise ValueError("not an object")
        except ValueError as error:
            raise ConnectorError(
                f"{status}: an answer that is not the contract's JSON "
                f"({error})", status=status)
        return data

    @staticmethod
    def _read(error):
        "The error text of an HTTP error answer"
        try:
            content = error.read(MAX_ANSWER)
        except Exception:
            content = b''
        try:
            data = json.loads(content.decode('utf-8'))
            message = data.get('error') if isinstance(data, dict) else None
        except ValueError:
            message = None
        if not message:
            message = content.decode('utf-8', 'replace').strip()[:500]
        return message or error.reason

    @staticmethod
    def _error(status, message):
        text = f"{status} {message}".strip()
        if status == 404:
            return UnknownReference(text, status=status)
        permanent = 300 <= status < 500 and status not in RETRIED
        return ConnectorError(text, status=status, permanent=permanent)

    @staticmethod
    def reference(data):
        "The reference of the answer to a concept's creation"
        reference = data.get('reference')
        if not isinstance(reference, str) or not reference.strip():
            raise ConnectorError(
                "The answer holds no reference", permanent=False)
        return reference.strip()

    def submit(self, proposal):
        return self.reference(self.send(self.submit_request(proposal)))

    def fetch_status(self, proposal):
        return self.news(self.send(self.status_request(proposal.reference)))

    @staticmethod
    def news(data):
        "The status answer checked (ConnectorError when it is not)"
        try:
            return parse_news(data)
        except ValueError as error:
            raise ConnectorError(f"Not the contract's status: {error}")


CONNECTORS = {c.name: c for c in [ManualConnector, HttpConnector]}


def get_connector(name, company=None):
    """The connector named name (manual or http), with company's settings
    (in a transaction)"""
    if name == 'http':
        return HttpConnector.from_company(company)
    if name not in CONNECTORS:
        raise KeyError(name)
    return CONNECTORS[name]()
