# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal's web toolkit, what every page shares: language, templates,
security headers, cookies, the CSRF token, rate limits, the error pages,
form values and transactions.

Other modules' pages (the adviser's page of klachten_advies) use this
module and pages.forms, pages.links and pages.uploads: they are the portal's
public surface for pages."""
import hmac
import ipaddress
import logging
import math
import random
import re
import secrets
import time
from functools import wraps
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from werkzeug.exceptions import (
    BadRequest, Forbidden, HTTPException, NotFound, ServiceUnavailable,
    TooManyRequests)

import trytond.config as config
from trytond import backend
from trytond.pool import Pool
from trytond.protocols.wrappers import Request, Response, with_transaction
from trytond.transaction import Transaction

from .. import messages, ratelimit

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent.parent
MODULE = 'klachten_portal'
CSRF_COOKIE = 'klachten_portal_csrf'
CSRF_FIELD = 'csrf_token'
ERROR_CODES = {400, 403, 404, 410, 413, 429, 500, 503}

# control characters a text cannot keep: PostgreSQL refuses NUL, and
# spreadsheets (the register's export) the others; tab and newline stay
CONTROLS = re.compile('[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]')

CSP = ("default-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'")

_environment = Environment(
    loader=ChoiceLoader([FileSystemLoader(str(HERE / 'templates'))]),
    autoescape=True, undefined=StrictUndefined,
    trim_blocks=True, lstrip_blocks=True)


def add_templates(folder):
    "Serve the templates of folder too (another module's pages)"
    loaders = _environment.loader.loaders
    if not any(str(folder) in getattr(l, 'searchpath', ()) for l in loaders):
        loaders.append(FileSystemLoader(str(folder)))


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


# Cookies: over HTTPS (the request's scheme, which trytond takes from the
# proxy's X-Forwarded-Proto with [web] num_proxies, or an https portal_url)
# they are Secure with the __Host- prefix (path /, no domain), else they
# keep their plain name, limited to the portal's path
def https(request):
    "Whether the portal is served over HTTPS"
    url = config.get('klachten', 'portal_url', default='') or ''
    return request.is_secure or url.startswith('https://')


def cookie_name(request, name):
    return f'__Host-{name}' if https(request) else name


def set_cookie(request, response, name, value):
    "Set the portal's cookie name to value"
    response.set_cookie(cookie_name(request, name), value,
        **_cookie_options(request))


def delete_cookie(request, response, name):
    response.delete_cookie(cookie_name(request, name),
        **_cookie_options(request))


def _cookie_options(request):
    secure = https(request)
    database = (request.view_args or {}).get('database_name', '')
    return {
        'path': '/' if secure else root(request, database),
        'secure': secure, 'httponly': True, 'samesite': 'Lax',
        }


# CSRF: a random token in a cookie that the form must repeat
def csrf_token(request):
    token = getattr(request, '_portal_csrf', None)
    if token is None:
        token = request.cookies.get(cookie_name(request, CSRF_COOKIE), '')
        if not _valid_token_format(token):
            token = secrets.token_urlsafe(32)
        request._portal_csrf = token
    return token


def _valid_token_format(token):
    return 40 <= len(token) <= 64 and token.replace('-', '').replace(
        '_', '').isalnum()


def set_csrf_cookie(request, response, token):
    if request.cookies.get(cookie_name(request, CSRF_COOKIE)) != token:
        set_cookie(request, response, CSRF_COOKIE, token)


def check_csrf(request):
    "Refuse (403) a POST whose form does not repeat the cookie's token"
    cookie = request.cookies.get(cookie_name(request, CSRF_COOKIE), '')
    sent = request.form.get(CSRF_FIELD, '')
    if not (cookie and sent and _valid_token_format(cookie)
            and hmac.compare_digest(cookie.encode(), sent.encode())):
        raise Forbidden()


class Throttled(TooManyRequests):
    "Too many requests: the client may retry after retry_after seconds"

    def __init__(self, retry_after):
        super().__init__(retry_after=max(1, math.ceil(retry_after)))
        self.seconds = max(1, math.ceil(retry_after))


# Rate limits: per client address, counted in the database (ratelimit.py)
# so that they hold across every process and machine
class RateLimiter:

    def hit(self, database, key, limit, window):
        """Count a request of key (a tuple of texts) in database; return
        None when it is within limit, else the seconds until its window
        ends"""
        key = ' '.join(key)

        def _hit():
            # a transaction of its own (by hand: with_transaction cannot
            # nest), committed at once: the hit counts even when the
            # request's transaction fails or is rolled back
            with Transaction(new=True).start(database, 0) as transaction:
                result = ratelimit.hit(key, window)
                transaction.commit()
            return result
        hits, left = retrying(database, _hit)
        return None if hits <= limit else left

    def check(self, database, key, limit, window):
        "Raise Throttled when key sent more than limit in its window"
        if limit > 0:
            left = self.hit(database, key, limit, window)
            if left is not None:
                raise Throttled(left)

    def forget(self, key=(), prefix=None):
        """Forget the hits of key (in the current transaction), or of the
        keys starting with prefix"""
        if prefix is not None:
            ratelimit.forget_prefix(' '.join(prefix) + ' ')
        else:
            ratelimit.forget(' '.join(key))

    def clear(self):
        "Forget every hit, in every database loaded (tests)"
        for database in Pool.database_list():
            with Transaction(new=True).start(database, 0) as transaction:
                ratelimit.clear()
                transaction.commit()


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
    database = request.view_args['database_name']
    if database not in Pool.database_list():
        # not a database of this server (with_pool answers 404), or its
        # first request: with_pool loads it, the route counts
        return
    try:
        limiter.check(database, (bucket, client(request)), limit, window)
    except Throttled:
        logger.warning(
            "portal: rate limit %s reached by %s", bucket,
            request.remote_addr)
        raise


def check_database(request):
    """Answer 503 at once when PostgreSQL gives no connection within
    [klachten] portal_database_timeout seconds (3), instead of letting the
    request wait on trytond's connection pool (30 s a try, retried)"""
    database = (request.view_args or {}).get('database_name')
    if backend.name != 'postgresql' or database not in Pool.database_list():
        return
    # trytond's pool of connections: getconn takes no timeout through
    # trytond's API
    connections = backend.Database(database)._connpool
    try:
        connection = connections.getconn(
            timeout=setting('database_timeout', 3))
    except Exception:
        logger.warning("portal: no database connection for %s",
            _logged(request))
        raise ServiceUnavailable()
    connections.putconn(connection)


def max_request_size():
    "The largest body a portal form may send: its files, twice, in base64"
    total = setting('max_total_size', 6 * 1024 * 1024)
    return 3 * total + 1024 * 1024


def activated(pool, modules):
    "Whether every module of modules is activated in the pool's database"
    # trytond keeps the modules of a loaded pool in _modules, with no
    # public accessor
    return set(modules) <= set(pool._modules)


def require(pool, modules):
    "Refuse (404) a page of a module not activated in pool's database"
    if not activated(pool, modules):
        raise NotFound()


def requires(*modules):
    """Decorate a route inside with_pool: it answers 404 in a database
    where one of modules (by default the portal) is not activated"""
    modules = modules or (MODULE,)

    def decorator(func):
        @wraps(func)
        def wrapper(request, pool, *args, **kwargs):
            require(pool, modules)
            return func(request, pool, *args, **kwargs)
        return wrapper
    return decorator


def in_transaction(request, pool, func, *args, readonly=None, lang=None):
    """Call func(request, pool, *args) in a transaction of core's
    with_transaction (read-only for GET unless readonly says, retried when
    the database asks to, its tasks run after the commit); lang: the
    transaction's language"""
    context = {'language': lang} if lang else None
    return with_transaction(readonly=readonly, context=context)(func)(
        request, pool, *args)


def page(token_page=False, modules=(MODULE,)):
    """Decorate a portal route (outside with_pool): its errors become
    pages in the citizen's language, every response gets the headers; it
    answers 404 in a database where one of modules is not activated"""
    def decorator(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            size = max_request_size()
            request.max_content_length = size
            request.max_form_memory_size = size
            database = (request.view_args or {}).get('database_name')
            try:
                if database in Pool.database_list():
                    # before the rate limits: their table is the portal's
                    require(Pool(database), modules)
                check_database(request)
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
                    token_page=token_page,
                    wait=getattr(exception, 'seconds', None))
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


def error_page(request, code, token_page=False, wait=None):
    """The page of error code in the citizen's language; wait: the seconds
    after which a refused client may retry"""
    if code not in ERROR_CODES:
        code = 500 if code is None or code >= 500 else 400
    lang = language(request)
    wait_key, minutes = 'e429_wait' if code == 429 else None, None
    if code == 429 and wait:
        minutes = math.ceil(wait / 60)
        wait_key = 'e429_wait_minute' if minutes == 1 else 'e429_wait_minutes'
    response = render(request, 'error.html', lang, status=code,
        token_page=token_page,
        title_key=f'e{code}_title', text_key=f'e{code}_text',
        wait_key=wait_key, minutes=minutes)
    if wait:
        response.headers['Retry-After'] = str(math.ceil(wait))
    return response


PORTAL_PATH = re.compile(r'^/([^/]+)/portal(/|$)')


def refusal_middleware(wsgi_app):
    """Wrap trytond's WSGI application: a request it refuses before any
    route runs (a foreign Origin: 403) gets, on the portal, the page of its
    refusal in the citizen's language instead of a 500"""
    def middleware(environ, start_response):
        try:
            return wsgi_app(environ, start_response)
        except HTTPException as exception:
            match = PORTAL_PATH.match(environ.get('PATH_INFO', ''))
            if not match:
                return exception(environ, start_response)
            request = Request(environ)
            request.view_args = {'database_name': match.group(1)}
            logger.warning("portal: %s refused before its route: %s",
                _logged(request), exception)
            response = secure(error_page(request, exception.code), request)
            return response(environ, start_response)
    return middleware


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
