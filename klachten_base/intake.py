# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The quick intake: a phone or desk complaint registered in one screen,
the caller's details inline and the known parties offered, filed through
Complaint.file_() like every other channel (doc/index.rst, "Quick
intake")."""
from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, check_access, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from .complaint import CHANNELS

_caller = {'invisible': Bool(Eval('anonymous'))}


class IntakeError(UserError):
    "The quick intake cannot file the complaint as asked"


class IntakeStart(ModelView):
    __name__ = 'klachten.complaint.intake.start'
    __string__ = "Register a Complaint"

    channel = fields.Selection(
        [c for c in CHANNELS if c[0] != 'web_form'], "Channel",
        required=True, sort=False)
    received_date = fields.Date("Received On", required=True)
    anonymous = fields.Boolean("Anonymous")
    name = fields.Char(
        "Name", states={
            'invisible': Bool(Eval('anonymous')),
            'required': ~Eval('anonymous') & ~Eval('party'),
            })
    phone = fields.Char("Phone", states=_caller)
    email = fields.Char("E-mail", states=_caller)
    street = fields.Char("Street", states=_caller)
    postal_code = fields.Char("Postal Code", states=_caller)
    city = fields.Char("City", states=_caller)
    lang = fields.Many2One(
        'ir.lang', "Language", states=_caller,
        domain=[('translatable', '=', True)])
    candidates = fields.Function(fields.Many2Many(
            'party.party', None, None, "Known Parties", readonly=True,
            states=_caller,
            help="Parties with this e-mail address, phone number, or name "
            "and address."),
        'on_change_with_candidates')
    party = fields.Many2One(
        'party.party', "Known Party", states=_caller,
        domain=[('id', 'in', Eval('candidates', []))],
        help="The caller among the known parties; "
        "leave empty to add the caller as a new party.")
    short_description = fields.Char("Short Description", required=True)
    description = fields.Text("Description")
    concerned_department = fields.Many2One(
        'klachten.department', "Concerned Department")
    track = fields.Selection([
            ('formal', "Formal"),
            ('informal', "Informal"),
            ], "Track", required=True)
    resolve_now = fields.Boolean(
        "Resolved on the Spot",
        help="Close the complaint at once with its resolution.")
    resolution = fields.Text(
        "Resolution", states={
            'invisible': ~Eval('resolve_now'),
            'required': Bool(Eval('resolve_now')),
            })
    register = fields.Boolean(
        "Register", states={'invisible': Bool(Eval('resolve_now'))},
        help="Number the complaint and acknowledge it now; "
        "otherwise it stays a draft.")

    @classmethod
    def default_channel(cls):
        return 'phone'

    @classmethod
    def default_received_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_anonymous(cls):
        return False

    @classmethod
    def default_lang(cls):
        return Pool().get('party.party').default_lang()

    @classmethod
    def default_track(cls):
        return 'formal'

    @classmethod
    def default_resolve_now(cls):
        return False

    @classmethod
    def default_register(cls):
        return True

    def _match(self):
        "(party or None, candidates) of the caller's details"
        Party = Pool().get('party.party')
        party, candidates = Party.klachten_match(
            email=self.email, phone=self.phone, name=self.name,
            street=self.street, postal_code=self.postal_code)
        if party is not None:
            # the verified owner of the address, if the user may see them
            with check_access():
                if not Party.search([('id', '=', party.id)]):
                    party = None
        return party, candidates

    @fields.depends('email', 'phone', 'name', 'street', 'postal_code')
    def on_change_with_candidates(self, name=None):
        party, candidates = self._match()
        return [p.id for p in ([party] if party else []) + candidates]

    @fields.depends('party', 'name', 'phone', 'email', 'street',
        'postal_code', 'city', 'lang')
    def on_change_party(self):
        "The chosen party's name, and its details where none were typed"
        if not self.party:
            return
        party = self.party
        self.name = party.name
        address = party.addresses[0] if party.addresses else None
        for field, value in [
                ('phone', party.phone),
                ('email', party.email),
                ('street', address.street if address else None),
                ('postal_code', address.postal_code if address else None),
                ('city', address.city if address else None),
                ('lang', party.lang)]:
            if value and not getattr(self, field):
                setattr(self, field, value)

    def complainant(self):
        "The complainant as Complaint.file_() takes it"
        if self.anonymous:
            return None
        values = {
            'name': self.name,
            'phone': self.phone,
            'email': self.email,
            'street': self.street,
            'postal_code': self.postal_code,
            'city': self.city,
            'lang': self.lang.code if self.lang else None,
            }
        party, candidates = self._match()
        if self.party:
            # only a party offered to this user, never one sent by hand
            if self.party not in ([party] if party else []) + candidates:
                raise IntakeError(gettext(
                        'klachten_base.msg_intake_party_not_offered'))
            party = self.party
        if party:
            values['party'] = party
        return values


class Intake(Wizard):
    "File a phone or desk complaint and open it"
    __name__ = 'klachten.complaint.intake'
    start = StateView(
        'klachten.complaint.intake.start',
        'klachten_base.complaint_intake_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Register", 'file_', 'tryton-ok', default=True),
            ])
    file_ = StateAction('klachten_base.act_complaint_form')

    def do_file_(self, action):
        complaint = self.file_complaint()
        action['res_id'] = [complaint.id]
        action['views'].reverse()
        return action, {}

    def file_complaint(self):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        start = self.start
        transaction = Transaction()
        company = transaction.context.get('company')
        if company is None or company < 0:
            raise IntakeError(gettext('klachten_base.msg_intake_no_company'))
        values = {
            'company': company,
            'received_by': transaction.user,
            'received_date': start.received_date,
            'anonymous': start.anonymous,
            'short_description': start.short_description,
            'description': start.description,
            'concerned_department': start.concerned_department,
            'track': start.track,
            }
        complainant = start.complainant()
        draft = start.resolve_now or not start.register
        with without_check_access(), transaction.set_context(
                _klachten_file_draft=draft):
            complaint = Complaint.file_(
                start.channel, values, complainant=complainant)
        if start.resolve_now:
            with without_check_access():
                Complaint.resolve([complaint], start.resolution)
        return complaint
