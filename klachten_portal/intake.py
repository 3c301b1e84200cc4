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
from dataclasses import dataclass, field

from werkzeug.exceptions import BadRequest, NotFound, ServiceUnavailable
from werkzeug.utils import redirect

import trytond.config as config
from klachten_base.model import take_write_lock
from klachten_base.outbox import parse_addresses
from trytond import backend
from trytond.model.exceptions import SQLConstraintError
from trytond.transaction import Transaction
from trytond.worker import run_task

from . import messages, uploads, web

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


def limits():
    return {
        'count': web.setting('max_files', 3),
        'size': web.setting('max_file_size', 3 * 1024 * 1024),
        'total': web.setting('max_total_size', 6 * 1024 * 1024),
        }


@dataclass
class Intake:
    "What the citizen entered, as typed, and what is wrong with it"
    values: dict
    uploads: list = field(default_factory=list)
    errors: list = field(default_factory=list)    # [(field, message)]

    @property
    def anonymous(self):
        return self.values.get('anonymous') == '1'

    def error(self, name, message):
        self.errors.append((name, message))

    def errors_of(self, name):
        return [m for n, m in self.errors if n == name]


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
    read_uploads(intake, request, lang)
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


def valid_email(value):
    try:
        addresses = parse_addresses(value)
    except ValueError:
        return False
    return (len(addresses) == 1 and addresses[0].addr_spec == value
        and '.' in addresses[0].domain and not addresses[0].display_name)


def parse_date(value):
    match = DMY.match(value)
    try:
        if match:
            day, month, year = map(int, match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def read_uploads(intake, request, lang):
    """Add to intake the files carried from the previous page (less those
    removed) and the new ones; refuse what is not allowed"""
    def _(key, **kw):
        return messages.gettext(lang, key, **kw)
    limit = limits()
    size = messages.format_size(lang, limit['size'])
    removed = set(request.form.getlist('remove'))
    candidates = []
    names = request.form.getlist('carried_name')
    datas = request.form.getlist('carried_data')
    if len(names) != len(datas) or len(names) > limit['count']:
        raise BadRequest()
    for index, (name, data) in enumerate(zip(names, datas)):
        upload = uploads.Upload.decode(name, data)
        if upload is None:
            raise BadRequest()
        if str(index) not in removed:
            candidates.append(upload)
    for file in request.files.getlist('attachments'):
        data = file.stream.read(limit['size'] + 1)
        if not file.filename and not data:
            continue
        candidates.append(
            uploads.Upload(uploads.safe_name(file.filename), data))
    total = 0
    for upload in candidates:
        checked = uploads.check(upload)
        if not upload.data:
            intake.error('attachments', _('err_file_empty', name=upload.name))
        elif len(upload.data) > limit['size']:
            intake.error('attachments',
                _('err_file_size', name=upload.name, size=size))
        elif checked is None and uploads.is_active(upload):
            intake.error('attachments',
                _('err_file_active', name=upload.name))
        elif checked is None:
            intake.error('attachments',
                _('err_file_type', name=upload.name))
        elif len(intake.uploads) >= limit['count']:
            intake.error('attachments',
                _('err_file_count', count=limit['count']))
        elif total + len(checked.data) > limit['total']:
            intake.error('attachments', _('err_file_total',
                    size=messages.format_size(lang, limit['total'])))
        else:
            total += len(checked.data)
            intake.uploads.append(checked)


# The pages
def handle(request, pool):
    from .account_pages import current_user
    lang = web.language(request)
    database = pool.database_name
    if request.method == 'GET':
        with Transaction().start(database, 0, readonly=True):
            departments = _departments(pool)
            account = current_user(request, pool)
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
    with Transaction().start(database, 0, readonly=True):
        departments = _departments(pool)
        today = pool.get('ir.date').today()
        account = current_user(request, pool)
        intake = read(request, lang, departments, today, account)
        action = request.form.get('action')
        if switch:
            action = 'next' if request.form.get('step') == 'review' \
                and not intake.errors else None
        if action == 'submit' and not intake.errors:
            found = _find(pool, key)
            if found:
                return _to_receipt(request, database, key, lang)
        elif action == 'next' and not intake.errors:
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
        party = account.party.id if account and account.party else None
    submit(pool, intake, key, lang, party=party)
    return _to_receipt(request, database, key, lang)


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
        limits=limits(), format_size=lambda s: messages.format_size(lang, s),
        limit_fields=LIMITS, account=account, language_form='complaint-form')


def review_page(request, lang, intake, departments, key, account=None):
    names = {str(d.id): d.name for d in departments}
    return web.render(request, 'review.html', lang, personal=True,
        intake=intake, key=key, account=account,
        language_form='complaint-form',
        department=names.get(intake.values['department']),
        incident_date=parse_date(intake.values['incident_date']))


def receipt(request, pool, key):
    from .account_pages import current_user
    lang = web.language(request)
    if not KEY.match(key):
        raise NotFound()
    with Transaction().start(pool.database_name, 0, readonly=True):
        complaint = _find(pool, key)
        if not complaint:
            raise NotFound()
        # the header of the pages before: the account's links
        return web.render(request, 'receipt.html', lang, token_page=True,
            number=complaint.number, answer_due=complaint.answer_due,
            email=bool(complaint.complainant_address_email),
            account=current_user(request, pool))


# Filing the complaint
def submit(pool, intake, key, lang, party=None):
    """File the complaint of intake once for key, in one transaction with
    its attachments and its acknowledgement; a concurrent or repeated
    submission of key finds the complaint of the first.  party is the
    complainant of a citizen logged in with an account."""
    database = pool.database_name
    retry = max(config.getint('database', 'retry'), 10)
    for count in range(retry + 1):
        if count:
            time.sleep(random.uniform(0.01, 0.05) * count)
        try:
            with Transaction().start(database, 0) as transaction:
                if backend.name == 'sqlite':
                    _take_write_lock(pool)
                if not _find(pool, key):
                    create(pool, intake, key, lang, party=party)
                transaction.commit()
            while transaction.tasks:
                run_task(pool, transaction.tasks.pop())
            return
        except (backend.DatabaseIntegrityError, SQLConstraintError):
            # a concurrent submission of key committed first
            break
        except backend.DatabaseOperationalError:
            if count == retry:
                raise
    with Transaction().start(database, 0, readonly=True):
        if not _find(pool, key):
            raise ServiceUnavailable()


def _take_write_lock(pool):
    "On SQLite, serialise submissions before reading the key"
    take_write_lock(pool.get('klachten.complaint'))


def create(pool, intake, key, lang, party=None):
    """Create and register the complaint of intake with its attachments;
    party is the account's, kept up to date with what was typed"""
    Complaint = pool.get('klachten.complaint')
    Attachment = pool.get('ir.attachment')
    company = portal_company(pool)
    values = intake.values
    department = int(values['department']) if values['department'] else None
    with Transaction().set_context(company=company.id):
        if intake.anonymous:
            party = None
        elif party:
            party = update_party(pool, party, values)
        else:
            party = create_party(pool, values, lang)
        complaint = Complaint(
            company=company,
            channel='web_form',
            received_date=pool.get('ir.date').today(),
            received_by=None,
            anonymous=intake.anonymous,
            complainant=party,
            short_description=values['short_description'],
            description=values['description'],
            incident_date=parse_date(values['incident_date'])
            if values['incident_date'] else None,
            remedy_sought=values['remedy_sought'] or None,
            concerned_department=department,
            portal_submission_key=key)
        complaint.save()
        Attachment.create([{
                    'resource': str(complaint),
                    'name': name,
                    'type': 'data',
                    'data': upload.data,
                    'description': "Sent with the web form",
                    } for name, upload in _unique_names(intake.uploads)])
        Complaint.register([complaint])
    logger.info("portal: complaint %s filed", complaint.number)
    return complaint


def _unique_names(uploads_):
    seen = set()
    for upload in uploads_:
        name, number = upload.name, 1
        while name.lower() in seen:
            number += 1
            stem, dot, ext = upload.name.rpartition('.')
            name = f'{stem} ({number}).{ext}' if dot else f'{ext} ({number})'
        seen.add(name.lower())
        yield name, upload


def create_party(pool, values, lang):
    Party = pool.get('party.party')
    Lang = pool.get('ir.lang')
    mechanisms = [{'type': t, 'value': values[t]}
        for t in ['email', 'phone'] if values[t]]
    addresses = []
    if values['street'] or values['city']:
        addresses.append({
                'street': values['street'] or None,
                'postal_code': values['postal_code'] or None,
                'city': values['city'] or None,
                })
    langs = Lang.search([('code', '=', lang)], limit=1)
    party, = Party.create([{
                'name': values['name'],
                'lang': langs[0].id if langs else None,
                'contact_mechanisms': [('create', mechanisms)],
                'addresses': [('create', addresses)],
                }])
    return party


def update_party(pool, party_id, values):
    """The account's party with the name, phone and address typed in the
    form (its e-mail address is the account's)"""
    Party = pool.get('party.party')
    Mechanism = pool.get('party.contact_mechanism')
    Address = pool.get('party.address')
    party = Party(party_id)
    if values['name'] and values['name'] != party.name:
        Party.write([party], {'name': values['name']})
    if values['phone'] and values['phone'] != party.phone:
        phones = [m for m in party.contact_mechanisms if m.type == 'phone']
        if phones:
            Mechanism.write(phones[:1], {'value': values['phone']})
        else:
            Mechanism.create([{'party': party.id, 'type': 'phone',
                        'value': values['phone']}])
    address = {
        'street': values['street'] or None,
        'postal_code': values['postal_code'] or None,
        'city': values['city'] or None,
        }
    if any(address.values()):
        if party.addresses:
            first = party.addresses[0]
            if any(getattr(first, k) != v for k, v in address.items()):
                Address.write([first], address)
        else:
            Address.create([{'party': party.id, **address}])
    return Party(party_id)


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
