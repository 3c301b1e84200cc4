# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pages of citizen accounts: register, confirm the address, log in
and out, choose a new password, and "Mijn klachten".

As every portal route, these run as root without access rules: the
session cookie names the account, and every complaint is looked up within
what that account may see (account.WebUser.portal_complaints_domain), so
another number or id is "not found", exactly like one that does not exist.
"""
import logging
import re
import time

from sql import Column
from werkzeug.exceptions import BadRequest, Gone, NotFound
from werkzeug.utils import redirect

import trytond.config as config
from klachten_base.outbox import parse_addresses
from trytond import backend
from trytond.model.exceptions import SQLConstraintError
from trytond.tools import cursor_dict
from trytond.transaction import Transaction

from .. import messages
from ..account import dummy_check
from . import session, status, web
from .forms import Intake, valid_email
from .session import current_user

logger = logging.getLogger(__name__)

NAME_MAX = 100
EMAIL_MAX = 254
PASSWORD_MAX = 200
# where the login may send the citizen next
NEXT = {'account', 'complaint'}
# a portal link in a message shown on the page (it is in the e-mail)
LINK = re.compile(
    r'https?://\S+/portal/(?:information|feedback|status|survey)/'
    r'[A-Za-z0-9_-]+')
# what a complaint number looks like: anything else is not looked up
# (PostgreSQL refuses some strings)
NUMBER = re.compile(r'[\w.-]{1,64}')
# state of the reaction: text
FEEDBACK = {'agree': 'account_feedback_agree',
    'disagree': 'account_feedback_disagree'}
# the least seconds registration and the password request take to answer,
# whatever the address: their time must not tell who has an account
STEADY = 0.5
# the fields of a complaint that Mijn klachten and its page show
SUMMARY = ['number', 'short_description', 'description', 'received_date',
    'state', 'answer_due']


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


def _mail_steadily(request, pool, email, lang, work, ignore=()):
    """Run work(request, pool) in a transaction (retried; its e-mails sent
    after the commit), within the address's limit and answering no sooner
    than STEADY seconds: the answer does not tell whether the address has
    an account.  The exceptions of ignore are passed over.  The limit is
    counted in a transaction of its own: it holds when the work fails."""
    limit_mail(request, email)
    started = time.monotonic()
    try:
        web.in_transaction(request, pool, work, lang=lang)
    except ignore:
        pass
    _steady(started)


def _go(request, pool, path, lang, **params):
    query = '&'.join(
        [f'lang={lang}'] + [f'{k}={v}' for k, v in params.items()])
    return redirect(
        f'{web.root(request, pool.database_name)}/{path}?{query}', code=303)


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
    """The registration form; sending it answers steadily (no
    transaction around the whole: see _mail_steadily)"""
    lang = web.language(request)
    if request.method == 'GET':
        return web.in_transaction(request, pool, _register_form, lang)
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

    def _register(request, pool):
        User = pool.get('web.user')
        User.portal_register(email, password, name, lang)
    # the same form sent twice at once: the first made the account
    _mail_steadily(request, pool, email, lang, _register,
        ignore=(backend.DatabaseIntegrityError, SQLConstraintError))
    return _go(request, pool, 'account/sent/register', lang)


def _register_form(request, pool, lang):
    return render(request, 'register', lang,
        account=current_user(request, pool), form=Intake({}))


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
    """The page of the e-mailed link that confirms the address; its form
    logs in.  The login's limit is counted between a read-only transaction
    (whose address?) and the read-write one, in a transaction of its own:
    it holds when the password is wrong."""
    lang = web.language(request)
    if request.method == 'GET':
        return web.in_transaction(request, pool, _validate_form, token, lang)
    web.check_csrf(request)
    password = _password(request)
    email = web.in_transaction(request, pool, _validating_email, token)
    limit_login(request, email)
    return web.in_transaction(
        request, pool, _validate, token, password, lang, lang=lang)


def _validating(pool, token):
    "The account whose address token confirms, refused (410) when none"
    user = pool.get('web.user').portal_validating(token)
    if not user:
        raise Gone()
    return user


def _validate_form(request, pool, token, lang):
    _validating(pool, token)
    return render(request, 'validate', lang, form=Intake({}),
        token_page=True)


def _validating_email(request, pool, token):
    return _validating(pool, token).email


def _validate(request, pool, token, password, lang):
    User = pool.get('web.user')
    user = _validating(pool, token)
    valid, _hash = User.check_password(password, user.password_hash)
    if not valid:
        form = Intake({})
        form.error('password', _(lang, 'err_login'))
        return render(request, 'validate', lang, form=form, status=400,
            token_page=True)
    User.portal_validate(user)
    forget_login(request, user.email)
    response = _go(request, pool, 'account', lang, welcome=1)
    return session.start(request, response, user.new_session())


# Login and logout
def login(request, pool):
    lang = web.language(request)
    following = request.values.get('next', '')
    if following not in NEXT:
        following = 'account'
    if request.method == 'GET':
        return web.in_transaction(
            request, pool, _login_form, lang, following)
    web.check_csrf(request)
    email = web.form_value(request, 'email', EMAIL_MAX)[:EMAIL_MAX]
    password = _password(request)
    form = Intake({'email': email})
    if not email or not password:
        form.error('email', _(lang, 'err_login'))
        return render(request, 'login', lang, form=form, status=400,
            following=following, notice=None)
    # the limit is counted in a transaction of its own, before the
    # login's: it holds when the password is wrong
    limit_login(request, email)
    key = web.in_transaction(
        request, pool, _log_in, email, password, form, lang, lang=lang)
    if key is None:
        return web.in_transaction(request, pool, _login_failed, lang, form,
            following, readonly=True)
    return session.start(request, _go(request, pool, following, lang), key)


def _login_form(request, pool, lang, following):
    notice = {'out': 'account_logged_out', 'reset': 'account_reset_done',
        }.get(request.args.get('done', ''))
    return render(request, 'login', lang,
        account=current_user(request, pool), form=Intake({}),
        following=following, notice=notice)


def _log_in(request, pool, email, password, form, lang):
    """The key of a new session of the account of email and password, or
    None with the error on form"""
    User = pool.get('web.user')
    user = _authenticate(pool, email, password)
    if user and user.email_valid:
        forget_login(request, email)
        return user.new_session()
    elif user:
        # the right password, an address not yet confirmed
        form.error('email', _(lang, 'err_login_unconfirmed'))
        if may_mail(request, email):
            User.portal_send_validation(user, lang)
    else:
        form.error('email', _(lang, 'err_login'))
    return None


def _login_failed(request, pool, lang, form, following):
    return render(request, 'login', lang, form=form, status=400,
        following=following, notice=None)


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
    "End the session (in the route's transaction)"
    lang = web.language(request)
    web.check_csrf(request)
    key = session.key(request)
    if key:
        pool.get('web.user.session').remove(key)
    return session.end(request, _go(request, pool, 'account/login', lang,
            done='out'))


# Forgotten password
def reset_request(request, pool):
    """The form to ask for a new password; sending it answers steadily (no
    transaction around the whole: see _mail_steadily)"""
    lang = web.language(request)
    if request.method == 'GET':
        return web.in_transaction(request, pool, _reset_request_form, lang)
    web.check_csrf(request)
    email = web.form_value(request, 'email', EMAIL_MAX)
    form = Intake({'email': email})
    _check_email(form, lang, email)
    if form.errors:
        return render(request, 'reset_request', lang, form=form, status=400)

    def _request(request, pool):
        User = pool.get('web.user')
        user = User.portal_find(email)
        if user:
            User.portal_request_reset(user, lang)
    _mail_steadily(request, pool, email, lang, _request)
    return _go(request, pool, 'account/sent/reset', lang)


def _reset_request_form(request, pool, lang):
    return render(request, 'reset_request', lang, form=Intake({}))


def reset(request, pool, token):
    "The page of the e-mailed link to a new password (route's transaction)"
    lang = web.language(request)
    User = pool.get('web.user')
    if request.method == 'GET':
        _resetting(pool, token)
        return render(request, 'reset', lang, form=Intake({}),
            token_page=True)
    web.check_csrf(request)
    password = _password(request)
    repeat = request.form.get('password_repeat', '')
    user = _resetting(pool, token)
    form = Intake({})
    _password_errors(form, lang, password, repeat, user.email)
    if form.errors:
        return render(request, 'reset', lang, form=form, status=400,
            token_page=True)
    with Transaction().set_context(language=lang):
        User.portal_reset(user, password)
    # the e-mailed link proves the address: no client stays locked out
    web.limiter.forget(prefix=('login_address', user.email.lower()))
    return session.end(request, _go(request, pool, 'account/login', lang,
            done='reset'))


def _resetting(pool, token):
    "The account of the new-password link token, refused (410) when unusable"
    user, usable = pool.get('web.user').portal_resetting(token)
    if not usable:
        raise Gone()
    return user


# My complaints
def _require(request, pool, lang):
    "The logged-in account, or a redirection to the login"
    user = current_user(request, pool)
    if user is None:
        return None, _go(request, pool, 'account/login', lang,
            next='account')
    return user, None


def complaints(request, pool):
    "Mijn klachten (in the route's read-only transaction)"
    lang = web.language(request)
    with Transaction().set_context(language=lang):
        user, response = _require(request, pool, lang)
        if response:
            return response
        return render(request, 'complaints', lang, account=user,
            complaints=summaries(pool, user.portal_complaints_domain()),
            welcome=bool(request.args.get('welcome')))


def summaries(pool, domain):
    """The rows of Mijn klachten: the complaints of domain, newest first.

    One statement: the six shown columns of the complaints whose id is in
    the search of domain (a sub-query, with the parties of the account's
    address in it: WebUser.portal_address_parties).  Not search_read: it
    would search, then read the found ids again in a second statement and
    pass every value through its field.  The sub-query is still
    Complaint.search's, with its access check and record rules (none for
    root, the route's user) (bench/my_complaints.py)."""
    cursor = Transaction().connection.cursor()
    cursor.execute(*summaries_query(pool, domain))
    return [_summary(r) for r in cursor_dict(cursor)]


def summaries_query(pool, domain):
    "The statement of summaries"
    Complaint = pool.get('klachten.complaint')
    table = Complaint.__table__()
    columns = []
    for name in SUMMARY:
        column = Column(table, name).as_(name)
        if backend.name == 'sqlite':
            # its type in the name: sqlite3 converts the dates by it
            column.output_name += (
                ' [%s]' % Complaint._fields[name].sql_type().base)
        columns.append(column)
    return table.select(*columns,
        where=table.id.in_(Complaint.search(domain, order=[], query=True)),
        order_by=[table.received_date.desc, table.id.desc])


def complaint(request, pool, number):
    "One complaint of the account (in the route's read-only transaction)"
    lang = web.language(request)
    with Transaction().set_context(language=lang):
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
            complaint=_summary({f: getattr(record, f) for f in SUMMARY}),
            decisions=_decisions(record),
            emails=_emails(pool, record, user, lang))


def _summary(values):
    "What the pages show of a complaint, from the values of SUMMARY"
    text, phase = status.STATES[values['state']]
    return {
        'number': values['number'],
        'short_description': values['short_description'],
        'description': values['description'],
        'received_date': values['received_date'],
        'state_key': text,
        'phase_key': f'status_phase_{phase}' if phase else None,
        'answer_due': values['answer_due']
        if values['state'] not in {'closed', 'cancelled'} else None,
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
                'text': (complaint.admissible_note
                    if complaint.admissibility == 'admissible'
                    else complaint.admissibility_motivation),
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


def _emails(pool, complaint, user, lang):
    "The e-mails sent to the account's address about complaint"
    Email = pool.get('klachten.email')
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
