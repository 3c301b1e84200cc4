# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Not a complaint: a report (melding), question, suggestion or objection
(bezwaar) filed as a complaint is sent on to the right place.

The coordinator redirects it at evaluation to a target configured per
kind (Klachten > Configuration > Redirections): the target receives the
description and the files by e-mail through the outbox, the citizen is
told where it went, and the complaint is closed with its decision date.
It is counted in the yearly report as not a complaint, forwarded.

A target may instead be an HTTP hook (the municipality's reporting system):
the forward is a delivery (klachten.redirect.delivery) that the cron POSTs
as JSON after the commit, retried like the outbox's e-mails, with the
idempotency key complaint number + target so that a retry is not filed
twice; a delivery that fails for good opens a task for the coordinators.
doc/redirect.rst describes the body."""
import base64
import datetime as dt
import ipaddress
import json
import logging
import mimetypes
import urllib.error
import urllib.parse
import urllib.request

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateView

from .exceptions import EmailAddressError
from .queue import QueueRecordMixin
from .retention import REDACTED, cut
from .wizard import ComplaintWizard

logger = logging.getLogger(__name__)

KINDS = [
    ('report', "Report"),
    ('question', "Question"),
    ('suggestion', "Suggestion"),
    ('objection', "Objection"),
    ]
METHODS = [
    ('email', "E-mail"),
    ('link', "Link Only"),
    ('http', "HTTP Hook"),
    ]
FORWARD = 'redirect_forward'
TASK_FAILED = 'redirect_failed'
DELIVERY_STATES = [
    ('pending', "Pending"),
    ('sending', "Sending"),
    ('delivered', "Delivered"),
    ('failed', "Failed"),
    ('cancelled', "Cancelled"),
    ]
INTERRUPTED = "Interrupted while sending: sent again"


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
        "address; Link Only: the citizen is told where to go; HTTP Hook: "
        "the message and its files are posted to the hook's address.")
    email = fields.Char("E-mail", states={
            'required': Eval('method') == 'email',
            'invisible': Eval('method') != 'email',
            })
    url = fields.Char("Link",
        help="The page where the citizen can file it themselves.")
    hook_url = fields.Char("Hook Address", states={
            'required': Eval('method') == 'http',
            'invisible': Eval('method') != 'http',
            },
        help="Where the message is posted as JSON: an https:// address "
        "(http:// only on this machine).")
    share_contact = fields.Boolean("Share the Contact", states={
            'invisible': Eval('method') != 'http',
            },
        help="Post the complainant's name, e-mail, phone and address "
        "with the message (never for an anonymous one).")
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
            if target.hook_url and not valid_hook_url(target.hook_url):
                raise ValidationError(gettext(
                        'klachten_base.msg_redirect_target_hook_url',
                        target=target.rec_name, url=target.hook_url))


def valid_hook_url(url):
    """Whether url may receive the messages: https, or http to this
    machine only (a hook on the same host or in the tests)"""
    try:
        parts = urllib.parse.urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    if not host or parts.username or parts.password:
        return False
    if parts.scheme == 'https':
        return True
    if parts.scheme != 'http':
        return False
    if host == 'localhost':
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    redirected_as = fields.Selection([(None, "")] + KINDS,
        "Redirected As", readonly=True,
        help="Not a complaint: what it was, and sent on as.")
    redirect_target = fields.Many2One('klachten.redirect.target',
        "Redirected To", readonly=True, ondelete='RESTRICT')
    redirected_on = fields.Date("Redirected On", readonly=True)
    redirect_deliveries = fields.One2Many('klachten.redirect.delivery',
        'complaint', "Deliveries", readonly=True,
        states={'invisible': ~Eval('redirect_deliveries')},
        help="The posts to the HTTP hook of the redirection.")

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
    def _anonymise(cls, complaints):
        """Retention cuts the coordinator's note and the hook's answers of
        the deliveries, and stops those not delivered yet"""
        super()._anonymise(complaints)
        Delivery = Pool().get('klachten.redirect.delivery')
        deliveries = [d for c in complaints for d in c.redirect_deliveries]
        cut(Delivery, [d.id for d in deliveries], {
                'note': REDACTED, 'last_error': None})
        cut(Delivery, [d.id for d in deliveries
                if d.state in {'pending', 'failed'}], {'state': 'cancelled'})

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
        elif target.method == 'http':
            Pool().get('klachten.redirect.delivery').queue(
                complaints, target, note)
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


class HookError(Exception):
    "The hook did not take the message; permanent: retrying cannot help"

    def __init__(self, message, permanent=False):
        super().__init__(message)
        self.permanent = permanent


class Delivery(QueueRecordMixin, Workflow, ModelSQL, ModelView):
    "A message not a complaint, posted to the HTTP hook of its redirection"
    __name__ = 'klachten.redirect.delivery'
    __string__ = "Redirection Delivery"
    __access__ = {'complaint'}

    complaint = fields.Many2One('klachten.complaint', "Complaint",
        required=True, readonly=True, ondelete='CASCADE')
    target = fields.Many2One('klachten.redirect.target', "Redirected To",
        required=True, readonly=True, ondelete='RESTRICT')
    note = fields.Text("Note for the Recipient", readonly=True)
    state = fields.Selection(DELIVERY_STATES, "State", readonly=True,
        required=True, sort=False)
    delivered_at = fields.DateTime("Delivered At", readonly=True)
    last_error = fields.Text("Last Error", readonly=True,
        help="What the hook answered to the last attempt.")

    # The queue (klachten_base/queue.py); [klachten] redirect_max_attempts,
    # redirect_sending_timeout (minutes) and redirect_timeout (seconds of
    # one POST) override them
    _queue_state = 'state'
    _queue_config = 'redirect'
    max_attempts = 8
    backoff = (1, 5, 15, 60, 120, 240, 480)
    sending_timeout = 10
    timeout = 30

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('complaint_target_unique', Unique(t, t.complaint, t.target),
                'klachten_base.msg_redirect_delivery_unique'),
            ]

    def get_rec_name(self, name):
        return f'{self.complaint.rec_name} > {self.target.rec_name}'

    @property
    def key(self):
        "The idempotency key: the hook files one message per key"
        return f'{self.complaint.number}:{self.target.id}'

    @classmethod
    def queue(cls, complaints, target, note=None):
        "Queue the delivery of each complaint to the hook of target"
        return cls.create([{
                    'complaint': c.id, 'target': target.id, 'note': note,
                    } for c in complaints])

    @classmethod
    @ModelView.button
    @Workflow.transition('pending')
    def retry(cls, deliveries):
        cls.write(deliveries, {
                'attempts': 0, 'next_attempt': dt.datetime.now()})

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, deliveries):
        Pool().get('klachten.task').close_origins(deliveries, [TASK_FAILED])

    # The cron
    @classmethod
    def deliver(cls, limit=None, now=None):
        """Post every delivery that is due, after recovering those left
        sending by a stopped process; the cron's method.  Each is claimed
        and marked in transactions of its own."""
        now = cls._now(now)
        if cls._queue_recover(now, INTERRUPTED):
            logger.warning("redirection deliveries left sending: sent again")
        for delivery_id in cls._queue_due(now, limit):
            claimed = cls._queue_claim(delivery_id, now, cls._to_send)
            if claimed is not None:
                cls._send(delivery_id, *claimed, now=now)

    @classmethod
    def _to_send(cls, delivery):
        "(attempts, url, headers, body) read in the claim's transaction"
        with without_check_access():
            return (delivery.attempts, delivery.target.hook_url, {
                    'Content-Type': 'application/json',
                    'Idempotency-Key': delivery.key,
                    }, json.dumps(delivery.payload()).encode())

    def payload(self):
        "The JSON body posted to the hook (doc/redirect.rst)"
        complaint, target = self.complaint, self.target
        body = {
            'key': self.key,
            'kind': target.kind,
            'number': complaint.number,
            'received_date': complaint.received_date.isoformat()
            if complaint.received_date else None,
            'incident_date': complaint.incident_date.isoformat()
            if complaint.incident_date else None,
            'short_description': complaint.short_description,
            'description': complaint.description,
            'note': self.note,
            'contact': None,
            'files': [{
                    'name': name,
                    'content_type': mimetypes.guess_type(name)[0]
                    or 'application/octet-stream',
                    'data': base64.b64encode(bytes(data)).decode(),
                    } for name, data in Pool().get(
                    'klachten.email')._forward_files(complaint)],
            }
        if target.share_contact and not complaint.anonymous:
            body['contact'] = self._contact(complaint)
        return body

    @classmethod
    def _contact(cls, complaint):
        party = complaint.complainant
        address = party.addresses[0] if party and party.addresses else None
        return {
            'name': party.name if party else None,
            'email': complaint.complainant_address_email,
            'phone': complaint.complainant_phone,
            'street': address.street if address else None,
            'postal_code': address.postal_code if address else None,
            'city': address.city if address else None,
            }

    @classmethod
    def _send(cls, delivery_id, attempts, url, headers, body, now):
        "Post the claimed delivery (outside of any transaction), mark it"
        try:
            cls._post(url, headers, body)
        except HookError as error:
            cls._not_delivered(delivery_id, attempts, error, now)
        else:
            logger.info("redirection delivery %d delivered", delivery_id)
            cls._queue_mark(delivery_id, attempts, {
                    'state': 'delivered',
                    'sending_since': None,
                    'delivered_at': dt.datetime.now(),
                    'last_error': None,
                    }, then=lambda d: Pool().get(
                    'klachten.task').close_origins([d], [TASK_FAILED]))

    @classmethod
    def _post(cls, url, headers, body):
        "POST body to url; raise HookError unless the hook answers 2xx"
        timeout = config.getfloat('klachten', 'redirect_timeout',
            default=cls.timeout)
        # no proxy of the environment: the hook is the municipality's
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        request = urllib.request.Request(url, data=body, headers=headers,
            method='POST')
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read(1024 * 1024)
        except urllib.error.HTTPError as error:
            # a refusal is final, but for a timeout, a conflict of the key
            # being filed and too many requests
            raise HookError(f'HTTP {error.code} {error.reason}',
                permanent=400 <= error.code < 500
                and error.code not in {408, 409, 425, 429})
        except (OSError, ValueError) as error:
            raise HookError(f'{error.__class__.__name__}: {error}')

    @classmethod
    def _not_delivered(cls, delivery_id, attempts, error, now):
        values = cls._queue_retry(attempts, now, error.permanent)
        values['last_error'] = str(error)
        then = None
        if values['state'] == 'failed':
            logger.error("redirection delivery %d failed after %d "
                "attempt(s): %s", delivery_id, attempts, error)
            then = cls._failed
        else:
            logger.warning("redirection delivery %d not delivered (attempt "
                "%d), next attempt at %s: %s", delivery_id, attempts,
                values['next_attempt'], error)
        cls._queue_mark(delivery_id, attempts, values, then=then)

    @classmethod
    def _failed(cls, delivery):
        "Failed for good: a task for the coordinators"
        pool = Pool()
        Task = pool.get('klachten.task')
        Complaint = pool.get('klachten.complaint')
        delivery = cls(delivery.id)
        with without_check_access():
            Task.open(None, TASK_FAILED, group=Complaint._coordinators(),
                due_date=Complaint._today(), origin=delivery,
                note=delivery.last_error)


class Task(metaclass=PoolMeta):
    __name__ = 'klachten.task'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        kind = (TASK_FAILED, "Redirection Not Delivered")
        if kind not in cls.kind.selection:
            cls.kind.selection.append(kind)

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['klachten.redirect.delivery']

    @classmethod
    def _kind_terms(cls):
        return {**super()._kind_terms(), TASK_FAILED: 'take_notice'}

    @classmethod
    def _manual_kinds(cls):
        "Closed by a delivery at last, or by hand"
        return super()._manual_kinds() | {TASK_FAILED}


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('klachten.redirect.delivery|deliver',
                "Complaints: Post the Redirections to their HTTP Hooks"))
