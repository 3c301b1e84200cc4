# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The access request (GDPR art. 15): for a person, given as a party or an
e-mail address, the coordinator downloads everything held about her as a
zip: personal_data.json and the files under files/.  Each module adds
what it holds through the complaint's hooks: _personal_data for the
complaints she filed, _person_data for the rest (as representative, as
recipient of an e-mail or a request, her portal account, ...)."""
import datetime as dt
import io
import json
import re
import zipfile

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateReport, StateTransition, StateView, Wizard)

from .erasure import addresses


class AccessRequestError(UserError):
    pass


def _json(value):
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _file_name(name, taken):
    "A safe, unique path under files/ for name"
    parts = [re.sub(r'[^\w.\- ]+', '_', p).strip(' .') or '_'
        for p in str(name).split('/')]
    path = 'files/' + '/'.join(parts)
    stem, dot, extension = path.rpartition('.')
    candidate, n = path, 1
    while candidate in taken:
        n += 1
        candidate = (f'{stem}-{n}.{extension}' if dot and '/' not in extension
            else f'{path}-{n}')
    taken.add(candidate)
    return candidate


def person(parties, email):
    "The person as the request names her"
    return {
        'parties': [{
                'name': p.name,
                'contact_mechanisms': [
                    {'type': m.type, 'value': m.value}
                    for m in p.contact_mechanisms],
                'addresses': [a.full_address for a in p.addresses
                    if a.full_address],
                } for p in parties],
        'email': email or None,
        }


def export(parties, email):
    """The zip of what is held about parties or email; None when nothing
    is held about them.  Refused when the user may not see one of the
    person's complaints."""
    Complaint = Pool().get('klachten.complaint')
    complaints, represented = Complaint.request_complaints(
        parties=parties, email=email)
    data = {'person': person(parties, email)}
    files = []
    with without_check_access(), Transaction().set_context(
            active_test=False):
        if complaints:
            Complaint._personal_data(complaints, data, files)
        Complaint._person_data(parties, addresses(parties, email, complaints),
            complaints, represented, data)
    if not files and not any(v for k, v in data.items() if k != 'person'):
        return None
    data['exported_at'] = dt.datetime.now().isoformat(timespec='seconds')
    buffer = io.BytesIO()
    taken = set()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        names = []
        for name, content in files:
            path = _file_name(name, taken)
            archive.writestr(path, bytes(content))
            names.append(path)
        data['files'] = names
        archive.writestr('personal_data.json', json.dumps(
                data, default=_json, ensure_ascii=False, indent=2))
    return buffer.getvalue()


class AccessRequestStart(ModelView):
    __name__ = 'klachten.retention.access.start'
    __string__ = "Access Request"

    party = fields.Many2One('party.party', "Party",
        context={'active_test': False},
        help="The person who asks what is held about her.")
    email = fields.Char("E-mail",
        help="Or her e-mail address: the complaints whose complainant "
        "has it, and where the portal is activated those of her "
        "account.")


class AccessRequest(Wizard):
    __name__ = 'klachten.retention.access'
    __string__ = "Access Request"

    start = StateView('klachten.retention.access.start',
        'klachten_base.retention_access_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'check', 'tryton-save', default=True),
            ])
    check = StateTransition()
    export = StateReport('klachten.retention.access.report')

    def _request(self):
        parties = [self.start.party] if self.start.party else []
        email = (self.start.email or '').strip() or None
        return parties, email

    def transition_check(self):
        Pool().get('klachten.retention.access.report',
            type='report').check_allowed()
        parties, email = self._request()
        if not parties and not email:
            raise AccessRequestError(gettext(
                    'klachten_base.msg_access_request_who'))
        with without_check_access():
            held = export(parties, email)
        if held is None:
            raise AccessRequestError(gettext(
                    'klachten_base.msg_access_request_nothing',
                    person=' / '.join(
                        [p.rec_name for p in parties] + [email or ''])
                    .strip(' /')))
        return 'export'

    def do_export(self, action):
        parties, email = self._request()
        return action, {
            'parties': [p.id for p in parties],
            'email': email,
            }


class AccessRequestReport(Report):
    "The zip of an access request"
    __name__ = 'klachten.retention.access.report'

    @classmethod
    def check_allowed(cls):
        """Refuse a user outside the groups of the report's action
        (coordinators); return the action"""
        ActionReport = Pool().get('ir.action.report')
        with without_check_access():
            action, = ActionReport.search([
                    ('report_name', '=', cls.__name__),
                    ], limit=1)
        cls.check_access(action, None, [])
        return action

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        Party = pool.get('party.party')
        action = cls.check_allowed()
        with without_check_access():
            parties = Party.browse(data.get('parties') or [])
            content = export(parties, data.get('email'))
        if content is None:
            raise AccessRequestError(gettext(
                    'klachten_base.msg_access_request_nothing',
                    person=data.get('email') or ', '.join(
                        p.rec_name for p in parties)))
        today = pool.get('ir.date').today().isoformat()
        return ('zip', content, False, f'{action.name}-{today}')
