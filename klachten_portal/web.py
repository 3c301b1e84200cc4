# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What every page of the portal shares: language, templates, security
headers, the CSRF token, rate limits and the error pages."""
import collections
import hmac
import ipaddress
import logging
import random
import re
import secrets
import threading
import time
from functools import wraps
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from werkzeug.exceptions import (
    BadRequest, Forbidden, HTTPException, TooManyRequests)

import trytond.config as config
from trytond import backend
from trytond.protocols.wrappers import Response

from . import messages

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
CSRF_COOKIE = 'klachten_portal_csrf'
CSRF_FIELD = 'csrf_token'
ERROR_CODES = {400, 403, 404, 410, 413, 429, 500, 503}

# control characters a text cannot keep: PostgreSQL refuses NUL, and
# spreadsheets (the register's export) the others; tab and newline stay
CONTROLS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')

CSP = ("default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'")

_environment = Environment(
    loader=FileSystemLoader(str(HERE / 'templates')),
    autoescape=True, undefined=StrictUndefined,
    trim_blocks=True, lstrip_blocks=True)


def setting(name, default):
    "An integer of [klachten] portal_<name>"
    return config.getint('klachten', f'portal_{name}', default=default)


def language(request):
    "The language of the page: ?lang=, then the browser's, then Dutch"
    lang = request.values.get('lang') if _form_readable(request) \
        else request.args.get('lang')
    if lang in messages.LANGUAGES:
        return lang
    return request.accept_languages.best_match(
        messages.LANGUAGES, default=messages.DEFAULT)


def _form_readable(request):
    "Whether reading the body cannot raise (too large)"
    try:
        request.form
    except HTTPException:
        return False
    return True


def root(request, database):
    return f'{request.script_root}/{database}/portal'


def render(request, template, lang, status=200, token_page=False,
        personal=False, cookie=None, **values):
    "Render template as the response of request"
    def _(key, **kw):
        return messages.gettext(lang, key, **kw)
    database = (request.view_args or {}).get('database_name', '')
    csrf = csrf_token(request)
    html = _environment.get_template(template).render(
        _=_, lang=lang, languages=messages.LANGUAGES,
        language_names=messages.LANGUAGE_NAMES,
        format_date=lambda d: messages.format_date(lang, d),
        root=root(request, database), path=request.path,
        csrf_field=CSRF_FIELD, csrf_token=csrf, **values)
    response = Response(html, status=status, mimetype='text/html')
    set_csrf_cookie(request, response, csrf)
    secure(response, request, token_page=token_page, personal=personal)
    return response


def secure(response, request, token_page=False, personal=False):
    "Add the security headers to response"
    headers = response.headers
    headers['Content-Security-Policy'] = CSP
    headers['Strict-Transport-Security'] = (
        'max-age=31536000; includeSubDomains')
    headers['X-Content-Type-Options'] = 'nosniff'
    headers['X-Frame-Options'] = 'DENY'
    headers['Cross-Origin-Opener-Policy'] = 'same-origin'
    # strict-origin: a page whose address holds a token sends only the
    # site's origin as Referer, never the path.  Not no-referrer: with it
    # Chromium posts the page's forms with "Origin: null", which trytond
    # refuses (403) before the route runs.
    headers['Referrer-Policy'] = (
        'strict-origin' if token_page else 'same-origin')
    if token_page or personal or response.status_code >= 400:
        headers['Cache-Control'] = 'no-store'
    return response


# CSRF: a random token in a cookie that the form must repeat
def csrf_token(request):
    token = getattr(request, '_portal_csrf', None)
    if token is None:
        token = request.cookies.get(CSRF_COOKIE, '')
        if not _valid_token_format(token):
            token = secrets.token_urlsafe(32)
        request._portal_csrf = token
    return token


def _valid_token_format(token):
    return 40 <= len(token) <= 64 and token.replace('-', '').replace(
        '_', '').isalnum()


def set_csrf_cookie(request, response, token):
    if request.cookies.get(CSRF_COOKIE) != token:
        database = (request.view_args or {}).get('database_name', '')
        response.set_cookie(
            CSRF_COOKIE, token, path=root(request, database),
            secure=request.is_secure, httponly=True, samesite='Lax')


def check_csrf(request):
    "Refuse (403) a POST whose form does not repeat the cookie's token"
    cookie = request.cookies.get(CSRF_COOKIE, '')
    sent = request.form.get(CSRF_FIELD, '')
    if not (cookie and sent and _valid_token_format(cookie)
            and hmac.compare_digest(cookie.encode(), sent.encode())):
        raise Forbidden()


# Rate limits: per client address, in this process's memory
class RateLimiter:

    def __init__(self):
        self._hits = collections.defaultdict(collections.deque)
        self._lock = threading.Lock()

    def hit(self, key, limit, window):
        "Count a request of key; return whether it is within limit"
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - window:
                hits.popleft()
            if len(hits) >= limit:
                return False
            hits.append(now)
            if len(self._hits) > 100_000:
                self._forget(now - window)
            return True

    def _forget(self, before):
        for key in [k for k, v in self._hits.items()
                if not v or v[-1] <= before]:
            del self._hits[key]

    def clear(self):
        with self._lock:
            self._hits.clear()


limiter = RateLimiter()


def client(request):
    """Whom the rate limits count: the client's address, or for IPv6 its
    /64 network, since every subscriber has one of its own"""
    address = request.remote_addr or ''
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip.packed[:8] + bytes(8), 64)))
    return str(ip)


def check_rate(request, bucket):
    "Refuse (429) the request when its client sent too many of bucket"
    defaults = {'post': (20, 600), 'token': (60, 600)}
    limit, window = defaults[bucket]
    limit = setting(f'{bucket}_rate_limit', limit)
    window = setting(f'{bucket}_rate_window', window)
    if limit > 0 and not limiter.hit(
            (bucket, client(request)), limit, window):
        logger.warning(
            "portal: rate limit %s reached by %s", bucket,
            request.remote_addr)
        raise TooManyRequests()


def max_request_size():
    "The largest body a portal form may send: its files, twice, in base64"
    total = setting('max_total_size', 6 * 1024 * 1024)
    return 3 * total + 1024 * 1024


def page(token_page=False):
    """Decorate a portal route (outside with_pool): its errors become
    pages in the citizen's language, every response gets the headers"""
    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            size = max_request_size()
            request.max_content_length = size
            request.max_form_memory_size = size
            try:
                if request.method == 'POST':
                    check_rate(request, 'post')
                elif token_page:
                    check_rate(request, 'token')
                response = func(request, *args, **kwargs)
            except HTTPException as exception:
                if (exception.code or 500) >= 500:
                    # with_pool turns errors into 500: keep their trace
                    logger.error("portal: error on %s", _logged(request),
                        exc_info=exception)
                response = error_page(request, exception.code,
                    token_page=token_page)
            except Exception:
                logger.exception("portal: error on %s", _logged(request))
                response = error_page(request, 500, token_page=token_page)
            return secure(response, request, token_page=token_page)
        return wrapper
    return decorator


def _logged(request):
    "The request's path without the token or key of a link's page"
    path = request.path
    for name in ['token', 'key']:
        value = (request.view_args or {}).get(name)
        if value:
            path = path.replace(value, f'<{name}>')
    return path


def error_page(request, code, token_page=False):
    if code not in ERROR_CODES:
        code = 500 if code is None or code >= 500 else 400
    lang = language(request)
    return render(request, 'error.html', lang, status=code,
        token_page=token_page,
        title_key=f'e{code}_title', text_key=f'e{code}_text')


def retrying(database, func):
    """Call func, which runs its own transaction, again when the database
    refuses it for a concurrent change"""
    retry = config.getint('database', 'retry')
    for count in range(retry + 1):
        try:
            return func()
        except backend.DatabaseOperationalError:
            if count == retry:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (count + 1))


def form_value(request, name, max_length=None):
    """The stripped text of field name, without control characters,
    refused when absurdly long"""
    value = request.form.get(name, '')
    if max_length and len(value) > max_length * 4:
        raise BadRequest()
    return clean_text(value).strip()


def clean_text(value):
    "value with Unix newlines and without the control characters"
    value = value.replace('\r\n', '\n').replace('\r', '\n')
    return CONTROLS.sub('', value)
