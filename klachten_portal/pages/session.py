# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The session of a citizen logged in with an account: a cookie naming a
web_user session."""
import datetime as dt
import re

from ..account import session_hours
from . import web

SESSION_COOKIE = 'klachten_portal_session'
# what a session key (web_user's token_hex) looks like: anything else is
# not looked up (PostgreSQL refuses some strings)
SESSION_KEY = re.compile(r'[0-9a-f]{16,128}')


def key(request):
    "The session key of the request's cookie, or None"
    value = request.cookies.get(web.cookie_name(request, SESSION_COOKIE), '')
    return value if SESSION_KEY.fullmatch(value) else None


def current_user(request, pool):
    """The account of the request's session cookie, or None (inside a
    transaction)"""
    session_key = key(request)
    if not session_key:
        return None
    Session = pool.get('web.user.session')
    sessions = Session.search([('key', '=', session_key)], limit=1)
    if not sessions:
        return None
    session, = sessions
    now = dt.datetime.now()
    if (session.expired
            or session.create_date < now - dt.timedelta(
                hours=session_hours())):
        return None
    user = session.user
    if not user.active or not user.email_valid:
        return None
    return user


def start(request, response, session_key):
    "Give response the cookie of the session of session_key"
    web.set_cookie(request, response, SESSION_COOKIE, session_key)
    return response


def end(request, response):
    "Make response drop the session's cookie"
    web.delete_cookie(request, response, SESSION_COOKIE)
    return response
