# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Not a complaint: a report (melding), question, suggestion or objection
(bezwaar) filed as a complaint is sent on to the right place.

The coordinator redirects it at evaluation to a target configured per
kind (Klachten > Configuration > Redirections): the target receives the
description and the files by e-mail through the outbox, the citizen is
told where it went, and the complaint is closed with its decision date.
It is counted in the yearly report as not a complaint, forwarded."""
import mimetypes

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateView

from .exceptions import EmailAddressError
from .wizard import ComplaintWizard

KINDS = [
    ('report', "Report"),
    ('question', "Question"),
    ('suggestion', "Suggestion"),
    ('objection', "Objection"),
    ]
METHODS = [
    ('email', "E-mail"),
    ('link', "Link Only"),
    ]
FORWARD = 'redirect_forward'


class RedirectTarget(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.redirect.target'
    __string__ = "Redirection"

    company = fields.Many2One('company.company', "Company", required=True)
    kind = fields.Selection(KINDS, "Kind", required=True,
        help="What the citizen's message is instead of a complaint.")
    name = fields.Char("Name", required=True, translate=True,
        help="Where it goes, as the citizen is told: "
        "\"the reporting point of the technical department\".")
    method = fields.Selection(METHODS, "Method", required=True,
        help="E-mail: the message and its files are forwarded to the "
        "address; Link Only: the citizen is told where to go.")
    email = fields.Char("E-mail", states={
            'required': Eval('method') == 'email',
            'invisible': Eval('method') != 'email',
            })
    url = fields.Char("Link",
        help="The page where the citizen can file it themselves.")
    portal_text = fields.Text("Text for the Citizen", translate=True,
        help="What the portal and the e-mail to the citizen say about "
        "where this kind of message goes.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_method():
        return 'email'

    @classmethod
    def validate_fields(cls, targets, field_names):
        from .outbox import valid_email
        super().validate_fields(targets, field_names)
        for target in targets:
            if target.email and not valid_email(target.email):
                raise EmailAddressError(gettext(
                        'klachten_base.msg_redirect_target_email',
                        target=target.rec_name, email=target.email))


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    redirected_as = fields.Selection([(None, "")] + KINDS,
        "Redirected As", readonly=True,
        help="Not a complaint: what it was, and sent on as.")
    redirect_target = fields.Many2One('klachten.redirect.target',
        "Redirected To", readonly=True, ondelete='RESTRICT')
    redirected_on = fields.Date("Redirected On", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'redirect_wizard': {
                    'invisible': Eval('state') != 'evaluation',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        for name in ['redirected_as', 'redirect_target', 'redirected_on']:
            default.setdefault(name, None)
        return super().copy(complaints, default=default)

    @classmethod
    @ModelView.button_action('klachten_base.wizard_redirect')
    def redirect_wizard(cls, complaints):
        cls._check_state(complaints, {'evaluation'}, 'redirect')

    @classmethod
    def redirect(cls, complaints, target, note=None, inform=True):
        """Send the complaints on to target as not a complaint, tell the
        complainants where they went (inform) and close them"""
        cls._check_state(complaints, {'evaluation'}, 'redirect')
        cls._require(complaints, target, 'redirect_target')
        target = Pool().get('klachten.redirect.target')(int(target))
        today = cls._today()
        cls._write_workflow(complaints, {
                'redirected_as': target.kind,
                'redirect_target': target.id,
                'redirected_on': today,
                'decision_date': today,
                'feedback_requested': False,
                })
        complaints = cls.browse([c.id for c in complaints])
        if target.method == 'email':
            cls._forward(complaints, target, note)
        cls._close_tasks(complaints, ['evaluate'])
        if inform:
            cls._notify(complaints, 'redirected')
        cls.close(complaints)

    @classmethod
    def _forward(cls, complaints, target, note):
        "Put the e-mail to target of each complaint in the outbox"
        pool = Pool()
        Email = pool.get('klachten.email')
        Notification = pool.get('klachten.notification')
        values = []
        for complaint in complaints:
            value = Notification.values(FORWARD, complaint, [target.email],
                complaint=complaint)
            if value and note:
                value['body'] = f"{note}\n\n{value['body']}"
            if value:
                values.append(value)
        Email.queue(values)


class Email(metaclass=PoolMeta):
    __name__ = 'klachten.email'

    @classmethod
    def _claim(cls, email_id, now):
        values = super()._claim(email_id, now)
        if values is not None:
            with without_check_access():
                email = cls(email_id)
                if email.kind == FORWARD and email.complaint:
                    values['files'] = cls._forward_files(email.complaint)
        return values

    @classmethod
    def _forward_files(cls, complaint):
        "[(name, data)] of the files of complaint, forwarded with it"
        Attachment = Pool().get('ir.attachment')
        attachments = Attachment.search([
                ('resource', '=', str(complaint)),
                ('type', '=', 'data'),
                ], order=[('id', 'ASC')])
        return [(a.name, a.data) for a in attachments if a.data]

    @classmethod
    def _message(cls, values):
        message = super()._message(values)
        for name, data in values.get('files') or []:
            ctype = mimetypes.guess_type(name)[0] or (
                'application/octet-stream')
            maintype, subtype = ctype.split('/', 1)
            message.add_attachment(bytes(data), maintype=maintype,
                subtype=subtype, filename=name)
        return message


class RedirectStart(ModelView):
    __name__ = 'klachten.complaint.redirect.start'
    __string__ = "Redirect"
    company = fields.Many2One('company.company', "Company", readonly=True)
    kind = fields.Selection(KINDS, "Not a Complaint but a", required=True)
    target = fields.Many2One('klachten.redirect.target', "Send To",
        required=True, domain=[
            ('kind', '=', Eval('kind', -1)),
            ('company', '=', Eval('company', -1)),
            ],
        help="Configured in Klachten > Configuration > Redirections.")
    note = fields.Text("Note for the Recipient",
        help="Put above the message forwarded by e-mail.")
    inform = fields.Boolean("Tell the Complainant",
        help="E-mail the complainant where their message went.")

    @fields.depends('kind', 'target')
    def on_change_kind(self):
        if self.target and self.target.kind != self.kind:
            self.target = None


class Redirect(ComplaintWizard):
    "Send a complaint that is not one on to where it belongs"
    __name__ = 'klachten.complaint.redirect'
    start = StateView(
        'klachten.complaint.redirect.start',
        'klachten_base.complaint_redirect_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Redirect", 'confirm', 'tryton-forward', default=True),
            ])
    _method = 'redirect'
    _fields = ['target', 'note', 'inform']

    def default_start(self, fields):
        return {
            'company': self.record.company.id,
            'inform': bool(self.record.complainant_address_email),
            }
