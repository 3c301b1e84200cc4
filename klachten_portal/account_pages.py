# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pages of citizen accounts: register, confirm the address, log in
and out, choose a new password, and "Mijn klachten".

As every portal route, these run as root without access rules: the
session cookie names the account, and every complaint is looked up within
what that account may see (account.WebUser.portal_complaints_domain), so
another number or id is "not found", exactly like one that does not exist.
"""
import datetime as dt
import logging
import re
import time

from werkzeug.exceptions import BadRequest, Gone, NotFound
from werkzeug.utils import redirect

import trytond.config as config
from klachten_base.outbox import parse_addresses
from trytond import backend
from trytond.model.exceptions import SQLConstraintError
from trytond.pool import Pool
from trytond.protocols.wrappers import with_pool
from trytond.transaction import Transaction
from trytond.worker import run_task
from trytond.wsgi import app

from . import messages, status, web
from .account import dummy_check, session_hours
from .intake import Intake, valid_email

logger = logging.getLogger(__name__)

SESSION_COOKIE = 'klachten_portal_session'
NAME_MAX = 100
EMAIL_MAX = 254
PASSWORD_MAX = 200
# where the login may send the citizen next
NEXT = {'account', 'complaint'}
# a portal link in a message shown on the page (it is in the e-mail)
LINK = re.compile(
    r'https?://\S+/portal/(?:information|feedback|status|survey)/'
    r'[A-Za-z0-9_-]+')
# what a session key (web_user's token_hex) and a complaint number look
# like: anything else is not looked up (PostgreSQL refuses some strings)
SESSION_KEY = re.compile(r'[0-9a-f]{16,128}')
NUMBER = re.compile(r'[\w.-]{1,64}')
# state of the reaction: text
FEEDBACK = {'agree': 'account_feedback_agree',
    'disagree': 'account_feedback_disagree'}
# the least seconds registration and the password request take to answer,
# whatever the address: their time must not tell who has an account
STEADY = 0.5


def _(lang, key, **values):
    return messages.gettext(lang, key, **values)


def _steady(started):
    "Wait until STEADY seconds have passed since started"
    time.sleep(max(0, STEADY - (time.monotonic() - started)))


def password_length():
    return max(8, config.getint('password', 'length', default=8))


# Rate limits, besides the POST limit of every page; counted in the
# database (web.RateLimiter), they never make a request wait
def _limit(request, bucket, key, limit, window):
    "Refuse (429) the request when key sent too many of bucket"
    limit = web.setting(f'{bucket}_rate_limit', limit)
    window = web.setting(f'{bucket}_rate_window', window)
    try:
        web.limiter.check(request.view_args['database_name'],
            (bucket, *key), limit, window)
    except web.Throttled:
        logger.warning("portal: rate limit %s reached by %s", bucket,
            request.remote_addr)
        raise


def _login_key(request, email):
    "Whom the login limit of an account counts: the account and the client"
    return (email.lower(), web.client(request))


def limit_login(request, email):
    """Per client address, and per account and client address: guesses
    from elsewhere never lock the citizen out of her account"""
    _limit(request, 'login', (web.client(request),), 20, 600)
    _limit(request, 'login_address', _login_key(request, email), 5, 900)


def forget_login(request, email):
    "The client logged in to the account of email: forget its guesses"
    web.limiter.forget(('login_address', *_login_key(request, email)))


def limit_mail(request, email):
    "The account e-mails one address may be sent"
    _limit(request, 'account_mail', (email.lower(),), 3, 3600)


def may_mail(request, email):
    "Whether an account e-mail may be sent to email, counting it"
    try:
        limit_mail(request, email)
    except web.Throttled:
        return False
    return True


def _check_email(form, lang, email):
    "Put the e-mail error on form unless email is a valid address"
    if not email or len(email) > EMAIL_MAX or not valid_email(email):
        form.error('email', _(lang, 'err_email'))


def _mail_steadily(request, pool, email, work, ignore=()):
    """Run work (retried), which may e-mail the address, within the
    address's limit and answering no sooner than STEADY seconds: the answer
    does not tell whether the address has an account.  The exceptions of
    ignore are passed over."""
    limit_mail(request, email)
    started = time.monotonic()
    try:
        web.retrying(pool.database_name, work)
    except ignore:
        pass
    _steady(started)


# Sessions
def _context(request, lang):
    return {'_request': request.context, 'language': lang}


def current_user(request, pool):
    """The account of the request's session cookie, or None (inside a
    transaction)"""
    key = request.cookies.get(web.cookie_name(request, SESSION_COOKIE), '')
    if not SESSION_KEY.fullmatch(key):
        return None
    Session = pool.get('web.user.session')
    sessions = Session.search([('key', '=', key)], limit=1)
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


def _set_session(request, response, key):
    web.set_cookie(request, response, SESSION_COOKIE, key)
    return response


def _drop_session(request, response):
    web.delete_cookie(request, response, SESSION_COOKIE)
    return response


def _go(request, pool, path, lang, **params):
    query = '&'.join(
        [f'lang={lang}'] + [f'{k}={v}' for k, v in params.items()])
    return redirect(
        f'{web.root(request, pool.database_name)}/{path}?{query}', code=303)


def _run_tasks(pool, transaction):
    while transaction.tasks:
        run_task(pool, transaction.tasks.pop())


def render(request, template, lang, account=None, **values):
    return web.render(request, f'account/{template}.html', lang,
        personal=True, account=account, **values)


def _password_errors(form, lang, password, repeat, email):
    if len(password) < password_length():
        form.error('password', _(lang, 'err_password_short',
                length=password_length()))
    elif len(password) > PASSWORD_MAX:
        form.error('password', _(lang, 'err_too_long', max=PASSWORD_MAX))
    elif password.lower() == email.lower():
        form.error('password', _(lang, 'err_password_email'))
    elif password != repeat:
        form.error('password_repeat', _(lang, 'err_password_repeat'))


def _password(request):
    value = request.form.get('password', '')
    if len(value) > PASSWORD_MAX * 4:
        raise BadRequest()
    return value


# Registration
def register(request, pool):
    lang = web.language(request)
    if request.method == 'GET':
        with Transaction().start(pool.database_name, 0, readonly=True):
            return render(request, 'register', lang,
                account=current_user(request, pool), form=Intake({}))
    web.check_csrf(request)
    name = web.form_value(request, 'name', NAME_MAX)
    email = web.form_value(request, 'email', EMAIL_MAX)
    password = _password(request)
    repeat = request.form.get('password_repeat', '')
    form = Intake({'name': name, 'email': email})
    if not name:
        form.error('name', _(lang, 'err_name_account'))
    elif len(name) > NAME_MAX:
        form.error('name', _(lang, 'err_too_long', max=NAME_MAX))
    _check_email(form, lang, email)
    _password_errors(form, lang, password, repeat, email)
    if form.errors:
        return render(request, 'register', lang, form=form, status=400)

    def _register():
        with Transaction().start(pool.database_name, 0,
                context=_context(request, lang)) as transaction:
            User = pool.get('web.user')
            User.portal_register(email, password, name, lang)
            transaction.commit()
        _run_tasks(pool, transaction)
    # the same form sent twice at once: the first made the account
    _mail_steadily(request, pool, email, _register,
        ignore=(backend.DatabaseIntegrityError, SQLConstraintError))
    return _go(request, pool, 'account/sent/register', lang)


SENT = {
    'register': ('account_sent_register_title', 'account_sent_register'),
    'reset': ('account_sent_reset_title', 'account_sent_reset'),
    }


def sent(request, kind):
    if kind not in SENT:
        raise NotFound()
    lang = web.language(request)
    title, text = SENT[kind]
    return render(request, 'sent', lang, title_key=title, text_key=text)


# Confirming the address
def validate(request, pool, token):
    lang = web.language(request)
    User = pool.get('web.user')
    if request.method == 'GET':
        with Transaction().start(pool.database_name, 0, readonly=True):
            if not User.portal_validating(token):
                raise Gone()
            return render(request, 'validate', lang, form=Intake({}),
                token_page=True)
    web.check_csrf(request)
    password = _password(request)
    with Transaction().start(pool.database_name, 0, readonly=True):
        user = User.portal_validating(token)
        if not user:
            raise Gone()
        email = user.email
    limit_login(request, email)
    with Transaction().start(pool.database_name, 0,
            context=_context(request, lang)) as transaction:
        user = User.portal_validating(token)
        if not user:
            raise Gone()
        valid, _hash = User.check_password(password, user.password_hash)
        if not valid:
            form = Intake({})
            form.error('password', _(lang, 'err_login'))
            return render(request, 'validate', lang, form=form, status=400,
                token_page=True)
        User.portal_validate(user)
        forget_login(request, user.email)
        key = user.new_session()
        transaction.commit()
    response = _go(request, pool, 'account', lang, welcome=1)
    return _set_session(request, response, key)


# Login and logout
def login(request, pool):
    lang = web.language(request)
    following = request.values.get('next', '')
    if following not in NEXT:
        following = 'account'
    if request.method == 'GET':
        notice = {'out': 'account_logged_out', 'reset': 'account_reset_done',
            }.get(request.args.get('done', ''))
        with Transaction().start(pool.database_name, 0, readonly=True):
            return render(request, 'login', lang,
                account=current_user(request, pool), form=Intake({}),
                following=following, notice=notice)
    web.check_csrf(request)
    email = web.form_value(request, 'email', EMAIL_MAX)[:EMAIL_MAX]
    password = _password(request)
    form = Intake({'email': email})
    if not email or not password:
        form.error('email', _(lang, 'err_login'))
        return render(request, 'login', lang, form=form, status=400,
            following=following, notice=None)
    limit_login(request, email)
    User = pool.get('web.user')
    with Transaction().start(pool.database_name, 0,
            context=_context(request, lang)) as transaction:
        user = _authenticate(pool, email, password)
        key = None
        if user and user.email_valid:
            forget_login(request, email)
            key = user.new_session()
        elif user:
            # the right password, an address not yet confirmed
            form.error('email', _(lang, 'err_login_unconfirmed'))
            if may_mail(request, email):
                User.portal_send_validation(user, lang)
        else:
            form.error('email', _(lang, 'err_login'))
        transaction.commit()
    _run_tasks(pool, transaction)
    if key is None:
        with Transaction().start(pool.database_name, 0, readonly=True):
            return render(request, 'login', lang, form=form, status=400,
                following=following, notice=None)
    return _set_session(request, _go(request, pool, following, lang), key)


def _authenticate(pool, email, password):
    """The active account of email when password is its own, else None.
    Not web_user's authenticate: it makes the request sleep up to a minute
    and locks the account for every client (the portal's limits count per
    client instead)."""
    User = pool.get('web.user')
    user = User.portal_find(email)
    if not user:
        dummy_check(password)
        return None
    valid, new_hash = User.check_password(password, user.password_hash)
    if not valid:
        return None
    if new_hash:
        User.write([user], {'password_hash': new_hash})
    return user


def logout(request, pool):
    lang = web.language(request)
    web.check_csrf(request)
    key = request.cookies.get(web.cookie_name(request, SESSION_COOKIE), '')
    if SESSION_KEY.fullmatch(key):
        with Transaction().start(pool.database_name, 0) as transaction:
            pool.get('web.user.session').remove(key)
            transaction.commit()
    return _drop_session(request, _go(request, pool, 'account/login', lang,
            done='out'))


# Forgotten password
def reset_request(request, pool):
    lang = web.language(request)
    if request.method == 'GET':
        with Transaction().start(pool.database_name, 0, readonly=True):
            return render(request, 'reset_request', lang, form=Intake({}))
    web.check_csrf(request)
    email = web.form_value(request, 'email', EMAIL_MAX)
    form = Intake({'email': email})
    _check_email(form, lang, email)
    if form.errors:
        return render(request, 'reset_request', lang, form=form, status=400)

    def _request():
        with Transaction().start(pool.database_name, 0,
                context=_context(request, lang)) as transaction:
            User = pool.get('web.user')
            user = User.portal_find(email)
            if user:
                User.portal_request_reset(user, lang)
            transaction.commit()
        _run_tasks(pool, transaction)
    _mail_steadily(request, pool, email, _request)
    return _go(request, pool, 'account/sent/reset', lang)


def reset(request, pool, token):
    lang = web.language(request)
    User = pool.get('web.user')
    if request.method == 'GET':
        with Transaction().start(pool.database_name, 0, readonly=True):
            user, usable = User.portal_resetting(token)
            if not usable:
                raise Gone()
            return render(request, 'reset', lang, form=Intake({}),
                token_page=True)
    web.check_csrf(request)
    password = _password(request)
    repeat = request.form.get('password_repeat', '')
    with Transaction().start(pool.database_name, 0,
            context=_context(request, lang)) as transaction:
        user, usable = User.portal_resetting(token)
        if not usable:
            raise Gone()
        form = Intake({})
        _password_errors(form, lang, password, repeat, user.email)
        if form.errors:
            return render(request, 'reset', lang, form=form, status=400,
                token_page=True)
        User.portal_reset(user, password)
        # the e-mailed link proves the address: no client stays locked out
        web.limiter.forget(prefix=('login_address', user.email.lower()))
        transaction.commit()
    return _drop_session(request, _go(request, pool, 'account/login', lang,
            done='reset'))


# My complaints
def _require(request, pool, lang):
    "The logged-in account, or a redirection to the login"
    user = current_user(request, pool)
    if user is None:
        return None, _go(request, pool, 'account/login', lang,
            next='account')
    return user, None


def complaints(request, pool):
    lang = web.language(request)
    with Transaction().start(pool.database_name, 0, readonly=True,
            context={'language': lang}):
        user, response = _require(request, pool, lang)
        if response:
            return response
        Complaint = pool.get('klachten.complaint')
        records = Complaint.search(user.portal_complaints_domain(),
            order=[('received_date', 'DESC'), ('id', 'DESC')])
        return render(request, 'complaints', lang, account=user,
            complaints=[_summary(c) for c in records],
            welcome=bool(request.args.get('welcome')))


def complaint(request, pool, number):
    lang = web.language(request)
    with Transaction().start(pool.database_name, 0, readonly=True,
            context={'language': lang}):
        user, response = _require(request, pool, lang)
        if response:
            return response
        if not NUMBER.fullmatch(number):
            raise NotFound()
        Complaint = pool.get('klachten.complaint')
        records = Complaint.search(user.portal_complaints_domain()
            + [('number', '=', number)], limit=1)
        if not records:
            raise NotFound()
        record, = records
        return render(request, 'complaint', lang, account=user,
            complaint=_summary(record), decisions=_decisions(record),
            emails=_emails(record, user, lang))


def _summary(complaint):
    text, phase = status.STATES[complaint.state]
    return {
        'number': complaint.number,
        'short_description': complaint.short_description,
        'description': complaint.description,
        'received_date': complaint.received_date,
        'state_key': text,
        'phase_key': f'status_phase_{phase}' if phase else None,
        'answer_due': complaint.answer_due
        if complaint.state not in {'closed', 'cancelled'} else None,
        }


def _decisions(complaint):
    "What was decided, as the e-mails told the complainant"
    decisions = []
    if complaint.admissibility:
        decisions.append({
                'title_key': f'account_{complaint.admissibility}',
                'date': complaint.admissibility_date,
                'grounds': [g.name for g in complaint.inadmissibility_grounds]
                if complaint.admissibility == 'inadmissible' else [],
                'text': complaint.admissibility_motivation,
                })
    # the reply is what the complainant was written; the conclusion is the
    # back office's, and stays there when the complainant was not informed
    answer = complaint.reply
    if (complaint.decision_date and answer
            and complaint.admissibility != 'inadmissible'):
        decisions.append({
                'title_key': 'account_answer',
                'date': complaint.decision_date,
                'grounds': [],
                'text': answer,
                })
    if complaint.feedback in FEEDBACK:
        decisions.append({
                'title_key': FEEDBACK[complaint.feedback],
                'date': complaint.feedback_date,
                'grounds': [],
                'text': complaint.feedback_comment,
                })
    cancelled = status.cancellation(complaint)
    if cancelled:
        decisions.append(cancelled)
    return decisions


def _emails(complaint, user, lang):
    "The e-mails sent to the account's address about complaint"
    Email = Pool().get('klachten.email')
    address = user.email.lower()
    result = []
    for email in Email.search([
                ('complaint', '=', complaint.id),
                ('state', '=', 'sent'),
                ], order=[('sent_at', 'ASC'), ('id', 'ASC')]):
        try:
            recipients = parse_addresses(email.to) + parse_addresses(
                email.cc)
        except ValueError:
            continue
        if address not in {a.addr_spec.lower() for a in recipients}:
            continue
        result.append({
                'date': (email.sent_at or email.create_date).date(),
                'subject': email.subject,
                'body': LINK.sub(_(lang, 'account_link_removed'),
                    email.body or ''),
                })
    return result


# The routes (here rather than in routes.py, which they would only crowd)
def _route(path, methods=('GET',), token_page=False):
    def decorator(func):
        return app.route(f'/<database_name>/portal/account{path}',
            methods=list(methods))(web.page(token_page=token_page)(
                with_pool(func)))
    return decorator


@_route('')
def route_complaints(request, pool):
    return complaints(request, pool)


@_route('/complaint/<number>')
def route_complaint(request, pool, number):
    return complaint(request, pool, number)


@_route('/register', methods=['GET', 'POST'])
def route_register(request, pool):
    return register(request, pool)


@_route('/sent/<kind>')
def route_sent(request, pool, kind):
    return sent(request, kind)


@_route('/validate/<token>', methods=['GET', 'POST'], token_page=True)
def route_validate(request, pool, token):
    return validate(request, pool, token)


@_route('/login', methods=['GET', 'POST'])
def route_login(request, pool):
    return login(request, pool)


@_route('/logout', methods=['POST'])
def route_logout(request, pool):
    return logout(request, pool)


@_route('/reset', methods=['GET', 'POST'])
def route_reset_request(request, pool):
    return reset_request(request, pool)


@_route('/reset/<token>', methods=['GET', 'POST'], token_page=True)
def route_reset(request, pool, token):
    return reset(request, pool, token)
