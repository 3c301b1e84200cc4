# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The complaint form: form -> "Volgende" -> review -> "Indienen" ->
receipt.  Nothing is stored before "Indienen": the review page carries
what was entered (files included) in hidden fields, and every step checks
it all again."""
import datetime as dt
import logging
import random
import re
import secrets
import time

from werkzeug.exceptions import BadRequest, NotFound, ServiceUnavailable
from werkzeug.utils import redirect

import trytond.config as config
from klachten_base.model import take_write_lock
from trytond import backend
from trytond.model.exceptions import SQLConstraintError
from trytond.transaction import TransactionError

from .. import messages
from . import forms, web
from .forms import Intake, valid_email
from .session import current_user

logger = logging.getLogger(__name__)

# field: the longest text accepted
LIMITS = {
    'name': 100,
    'email': 254,
    'phone': 30,
    'street': 150,
    'postal_code': 10,
    'city': 80,
    'short_description': 100,
    'description': 5000,
    'incident_date': 10,
    'department': 12,
    'remedy_sought': 2000,
    }
PERSONAL = ['name', 'email', 'phone', 'street', 'postal_code', 'city']
KEY = re.compile(r'^[A-Za-z0-9_-]{32,64}$')
PHONE = re.compile(r'^\+?[0-9 ()./-]{6,30}$')
DMY = re.compile(r'^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$')


def read(request, lang, departments, today, account=None):
    "The Intake of the form of request, checked"
    values = {n: web.form_value(request, n, m) for n, m in LIMITS.items()}
    values['anonymous'] = '1' if request.form.get('anonymous') else ''
    if account and not values['anonymous']:
        # the complainant is the account's party, written to its address
        values['email'] = account.email
    if values['anonymous']:
        for name in PERSONAL:
            values[name] = ''
    intake = Intake(values)
    check_values(intake, lang, departments, today)
    forms.read_uploads(intake, request, lang)
    return intake


def check_values(intake, lang, departments, today):
    def _(key, **kw):
        return messages.gettext(lang, key, **kw)
    values = intake.values
    for name, maximum in LIMITS.items():
        if len(values[name]) > maximum:
            intake.error(name, _('err_too_long', max=maximum))
    if not intake.anonymous:
        if not values['name']:
            intake.error('name', _('err_name'))
        postal = all(values[n] for n in ['street', 'postal_code', 'city'])
        if values['email']:
            if not valid_email(values['email']):
                intake.error('email', _('err_email'))
        elif not postal:
            intake.error('email', _('err_contact'))
        if values['phone'] and not PHONE.match(values['phone']):
            intake.error('phone', _('err_phone'))
    if not values['short_description']:
        intake.error('short_description', _('err_short_description'))
    if not values['description']:
        intake.error('description', _('err_description'))
    if values['incident_date']:
        date = parse_date(values['incident_date'])
        if date is None:
            intake.error('incident_date', _('err_date'))
        elif date > today:
            intake.error('incident_date', _('err_date_future'))
    if values['department'] and values['department'] not in {
            str(d.id) for d in departments}:
        intake.error('department', _('err_department'))


def parse_date(value):
    match = DMY.match(value)
    try:
        if match:
            day, month, year = map(int, match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


# The pages
def handle(request, pool):
    """The form, its review and its submission, in the route's transaction
    (with_transaction: read-only for a GET)"""
    lang = web.language(request)
    account = current_user(request, pool)
    departments = _departments(pool)
    if request.method == 'GET':
        return form_page(request, lang, Intake(prefill(account)),
            departments, new_key(), account=account)
    web.check_csrf(request)
    key = request.form.get('submission_key', '')
    if not KEY.match(key):
        raise BadRequest()
    switch = request.form.get('switch_lang')
    if switch in messages.LANGUAGES:
        # the language switch of the header submits the form
        lang = switch
    today = pool.get('ir.date').today()
    intake = read(request, lang, departments, today, account)
    action = request.form.get('action')
    if switch:
        action = 'next' if request.form.get('step') == 'review' \
            and not intake.errors else None
    if action == 'next' and not intake.errors:
        return review_page(request, lang, intake, departments, key,
            account=account)
    if action in {'next', 'submit'} and intake.errors:
        return form_page(request, lang, intake, departments, key,
            status=400, account=account)
    if action != 'submit':
        # "Vorige" and the removal of a file: the form, as it was
        intake.errors = []
        return form_page(request, lang, intake, departments, key,
            account=account)
    party = account.party if account and account.party else None
    submit(request, pool, intake, key, lang, party=party)
    return _to_receipt(request, pool.database_name, key, lang)


def prefill(account):
    "The form's values from the account's party"
    if not account:
        return {}
    party = account.party
    values = {'email': account.email}
    if party:
        address = party.addresses[0] if party.addresses else None
        values.update({
                'name': party.name or '',
                'phone': party.phone or '',
                'street': (address.street or '') if address else '',
                'postal_code': (address.postal_code or '') if address else '',
                'city': (address.city or '') if address else '',
                })
    return values


def new_key():
    return secrets.token_urlsafe(24)


def _departments(pool):
    Department = pool.get('klachten.department')
    return Department.search([], order=[('name', 'ASC')])


def _find(pool, key):
    Complaint = pool.get('klachten.complaint')
    complaints = Complaint.search(
        [('portal_submission_key', '=', key)], limit=1)
    return complaints[0] if complaints else None


def _to_receipt(request, database, key, lang):
    response = redirect(
        f'{web.root(request, database)}/complaint/receipt/{key}?lang={lang}',
        code=303)
    return response


def form_page(request, lang, intake, departments, key, status=200,
        account=None):
    return web.render(request, 'form.html', lang, status=status,
        personal=True, intake=intake, departments=departments, key=key,
        limits=forms.limits(),
        format_size=lambda s: messages.format_size(lang, s),
        limit_fields=LIMITS, account=account, language_form='complaint-form')


def review_page(request, lang, intake, departments, key, account=None):
    names = {str(d.id): d.name for d in departments}
    return web.render(request, 'review.html', lang, personal=True,
        intake=intake, key=key, account=account,
        language_form='complaint-form',
        department=names.get(intake.values['department']),
        incident_date=parse_date(intake.values['incident_date']))


def receipt(request, pool, key):
    lang = web.language(request)
    if not KEY.match(key):
        raise NotFound()
    complaint = _find(pool, key)
    if not complaint:
        raise NotFound()
    # the header of the pages before: the account's links
    return web.render(request, 'receipt.html', lang, token_page=True,
        number=complaint.number, answer_due=complaint.answer_due,
        email=bool(complaint.complainant_address_email),
        account=current_user(request, pool))


# Filing the complaint
class Refile(TransactionError):
    """The filing met a concurrent one: with_transaction rolls back and
    runs the request again, which finds the complaint of the first"""


def submit(request, pool, intake, key, lang, party=None):
    """File the complaint of intake once for key, in the request's
    transaction with its attachments and its acknowledgement (e-mailed
    after the commit); a concurrent or repeated submission of key finds the
    complaint of the first.  party is the complainant of a citizen logged
    in with an account."""
    tries = getattr(request, '_portal_filing_tries', 0)
    request._portal_filing_tries = tries + 1
    try:
        # On SQLite, serialise submissions before reading the key
        take_write_lock(pool.get('klachten.complaint'))
        if not _find(pool, key):
            file(pool, intake, key, lang, party=party)
    except (backend.DatabaseIntegrityError, SQLConstraintError):
        # a concurrent submission of key committed first: the request
        # runs again and finds it
        if tries:
            raise ServiceUnavailable()
        raise Refile()
    except backend.DatabaseOperationalError:
        # more tries than with_transaction's: filings of one key meet
        if tries >= max(config.getint('database', 'retry'), 10):
            raise
        time.sleep(random.uniform(0.01, 0.05) * (tries + 1))
        raise Refile()


def file(pool, intake, key, lang, party=None):
    """File and register the complaint of intake with its attachments
    (klachten.complaint's file_); party is the account's, kept up to date
    with what was typed"""
    Complaint = pool.get('klachten.complaint')
    values = intake.values
    complaint = Complaint.file_('web_form', {
            'company': portal_company(pool),
            'received_date': pool.get('ir.date').today(),
            'anonymous': intake.anonymous,
            'short_description': values['short_description'],
            'description': values['description'],
            'incident_date': parse_date(values['incident_date'])
            if values['incident_date'] else None,
            'remedy_sought': values['remedy_sought'] or None,
            'concerned_department': int(values['department'])
            if values['department'] else None,
            'portal_submission_key': key,
            }, intake.attachments("Sent with the web form"),
        complainant=None if intake.anonymous else _complainant(
            pool, values, lang, party))
    logger.info("portal: complaint %s filed", complaint.number)
    return complaint


def _complainant(pool, values, lang, party=None):
    "The complainant as Complaint.file_ takes it"
    complainant = {k: values[k] for k in PERSONAL}
    if party:
        complainant['party'] = party
        return complainant
    # not logged in: the party of the address if it is a verified one
    # (the details typed by whoever knows the address do not overwrite
    # hers); else a new party
    party, _ = pool.get('party.party').klachten_match(
        email=values.get('email'))
    if party:
        return {'party': party}
    complainant['lang'] = lang
    return complainant


def portal_company(pool):
    """The company complaints are filed for: [klachten] portal_company,
    or the only one"""
    Company = pool.get('company.company')
    company_id = config.getint('klachten', 'portal_company', default=0)
    if company_id:
        return Company(company_id)
    companies = Company.search([], limit=2)
    if len(companies) != 1:
        logger.error(
            "portal: set [klachten] portal_company, %d companies",
            len(companies))
        raise ServiceUnavailable()
    return companies[0]
