# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The wizards that ask a workflow step for its input.

Each wizard only collects; the complaint's own method checks the state and
the input and does the work, so every caller gets the same refusals."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Date, Eval, If
from trytond.transaction import without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from . import preview
from .complaint import BASES


def _start(name, label, icon='tryton-ok'):
    return StateView(
        f'klachten.complaint.{name}.start',
        f'klachten_base.complaint_{name}_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button(label, 'confirm', icon, default=True),
            ])


def _feedback_mode():
    pool = Pool()
    Configuration = pool.get('klachten.configuration')
    return Configuration(1).feedback


class ComplaintWizard(Wizard):
    "Run a complaint method on the wizard's records, once authorised"
    confirm = StateTransition()
    _method = None
    _fields = []

    def _values(self):
        return {f: getattr(self.start, f) for f in self._fields}

    review = StateAction('klachten_base.wizard_email_review')

    def transition_confirm(self):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        complaints = list(self.records)
        # The wizard runs as the user: refuse complaints they cannot see
        Complaint.read([c.id for c in complaints], ['id'])
        reviewing = preview.reviewing()
        last_id = preview.last_email_id() if reviewing else None
        with without_check_access():
            getattr(Complaint, self._method)(complaints, **self._values())
        if not reviewing:
            return 'end'
        # the e-mails the step wrote that wait for review open at once
        self._held = [e.id for e in preview.held_since(complaints, last_id)]
        return 'review' if self._held and preview.may_review() else 'end'

    def do_review(self, action):
        return action, {
            'model': 'klachten.email', 'id': self._held[0],
            'ids': self._held}

    def end(self):
        return 'reload'


class TakeNoticeStart(ModelView):
    __name__ = 'klachten.task.take_notice.start'
    __string__ = "Take Notice"
    complaint = fields.Many2One('klachten.complaint', "Complaint",
        readonly=True)
    note = fields.Text("Note", readonly=True)
    comment = fields.Text(
        "Comment",
        help="Optional: it goes to the complaint's conversation.")


class TakeNotice(Wizard):
    "Close a task by hand, offering the comment first"
    __name__ = 'klachten.task.take_notice'
    start = StateView(
        'klachten.task.take_notice.start',
        'klachten_base.task_take_notice_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Done", 'confirm', 'tryton-ok', default=True),
            ])
    confirm = StateTransition()

    def default_start(self, fields):
        return {
            'complaint': self.record.complaint.id,
            'note': self.record.note,
            'comment': self.record.comment,
            }

    def transition_confirm(self):
        Task = Pool().get('klachten.task')
        tasks = list(self.records)
        # As the user: Task.do refuses tasks that are not theirs to close
        if self.start.comment:
            Task.write(tasks, {'comment': self.start.comment})
        Task.do(tasks)
        return 'end'

    def end(self):
        return 'reload'


class ResolveStart(ModelView):
    __name__ = 'klachten.complaint.resolve.start'
    __string__ = "Resolve on the Spot"
    resolution = fields.Text(
        "Resolution", required=True,
        help="How the complaint was solved at once.")


class Resolve(ComplaintWizard):
    __name__ = 'klachten.complaint.resolve'
    start = _start('resolve', "Resolve and Close")
    _method = 'resolve'
    _fields = ['resolution']


# without an e-mail address a third party is written to by post
_address_states = {
    'invisible': Eval('recipient') != 'third_party',
    'required': (Eval('recipient') == 'third_party') & ~Eval('email'),
    }


class RequestInformationStart(ModelView):
    __name__ = 'klachten.complaint.request_information.start'
    __string__ = "Request Information"
    recipient = fields.Selection([
            ('complainant', "The Complainant"),
            ('third_party', "A Third Party"),
            ], "Recipient", required=True)
    name = fields.Char(
        "Name", states={
            'required': Eval('recipient') == 'third_party',
            'invisible': Eval('recipient') != 'third_party',
            })
    email = fields.Char(
        "E-mail", states={
            'invisible': Eval('recipient') != 'third_party',
            })
    street = fields.Char("Street", states=_address_states)
    postal_code = fields.Char("Postal Code", states=_address_states)
    city = fields.Char("City", states=_address_states)
    question = fields.Text("Question", required=True)
    due_date = fields.Date("Answer Expected By",
        domain=[If(Bool(Eval('due_date')), ('due_date', '>=', Date()), ())],
        help="Leave empty for the usual term.")
    complainant_email = fields.Char("Complainant's E-mail", readonly=True,
        states={'invisible': Eval('recipient') != 'complainant'})
    warning = fields.Function(
        fields.Text("Warning", readonly=True,
            states={'invisible': ~Bool(Eval('warning'))}),
        'on_change_with_warning')

    @classmethod
    def default_recipient(cls):
        return 'complainant'

    @fields.depends('recipient', 'email', 'complainant_email')
    def on_change_with_warning(self, name=None):
        if self.recipient == 'complainant' and not self.complainant_email:
            return gettext('klachten_base.msg_information_no_email')
        if self.recipient == 'third_party' and not self.email:
            return gettext('klachten_base.msg_information_no_email_third')


class RequestInformation(ComplaintWizard):
    __name__ = 'klachten.complaint.request_information'
    start = _start('request_information', "Request", 'tryton-email')
    _method = 'request_information'
    _fields = ['recipient', 'name', 'email', 'question', 'due_date',
        'street', 'postal_code', 'city']

    def default_start(self, fields):
        addresses = {c.complainant_address_email for c in self.records}
        return {
            'recipient': 'complainant',
            'complainant_email': (
                addresses.pop() if len(addresses) == 1 else None),
            }


class AdmissibleStart(ModelView):
    __name__ = 'klachten.complaint.admissible.start'
    __string__ = "Declare Admissible"
    subject = fields.Many2One('klachten.subject', "Subject", required=True)
    basis = fields.Selection(BASES, "Basis",
        states={'required': Bool(Eval('basis_required'))})
    basis_required = fields.Boolean("Basis Required", readonly=True)
    concerns = fields.Selection([
            ('department', "A Department"),
            ('staff', "A Staff Member"),
            ], "Concerns", required=True)
    concerned_department = fields.Many2One(
        'klachten.department', "Concerned Department",
        states={'required': Eval('concerns') == 'department'})
    concerned_user = fields.Many2One(
        'res.user', "Concerned Staff Member",
        states={
            'required': Eval('concerns') == 'staff',
            'invisible': Eval('concerns') != 'staff',
            })
    handler_department = fields.Many2One(
        'klachten.department', "Handling Department", required=True)
    handler_role = fields.Many2One(
        'klachten.role', "Handler Role", required=True)
    handler_user = fields.Many2One(
        'res.user', "Handler",
        domain=[
            ('id', 'in', Eval('handler_candidates', [])),
            ],
        help="Leave empty to give the complaint to everyone with the role.")
    handler_candidates = fields.Function(
        fields.Many2Many('res.user', None, None, "Handler Candidates"),
        'on_change_with_handler_candidates')
    inform = fields.Boolean("Inform the Complainant by E-mail")
    note = fields.Text(
        "Note to the Complainant",
        states={'invisible': ~Bool(Eval('inform'))})

    @fields.depends('handler_department', 'handler_role')
    def on_change_with_handler_candidates(self, name=None):
        if not self.handler_department or not self.handler_role:
            return []
        return [u.id for u in self.handler_department.members_with_role(
                self.handler_role)]

    @fields.depends('handler_department', 'handler_role', 'handler_user',
        methods=['on_change_with_handler_candidates'])
    def on_change_handler_role(self):
        if (self.handler_user and self.handler_user.id
                not in self.on_change_with_handler_candidates()):
            self.handler_user = None

    @fields.depends('concerned_department', methods=['on_change_handler_role'])
    def on_change_handler_department(self):
        self.on_change_handler_role()
        if not self.concerned_department:
            self.concerned_department = self.handler_department

    @fields.depends('concerns', 'concerned_user')
    def on_change_concerns(self):
        if self.concerns != 'staff':
            self.concerned_user = None


class Admissible(ComplaintWizard):
    __name__ = 'klachten.complaint.admissible'
    start = _start('admissible', "Declare Admissible")
    _method = 'declare_admissible'
    _fields = ['subject', 'basis', 'concerns', 'concerned_department',
        'concerned_user', 'handler_department', 'handler_role',
        'handler_user', 'inform', 'note']

    def default_start(self, fields):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        complaint = self.record
        department = (complaint.handler_department
            or complaint.concerned_department)
        Configuration = pool.get('klachten.configuration')
        return {
            'subject': _id(complaint.subject),
            'basis': complaint.basis,
            'basis_required': (complaint.track == 'formal'
                and Configuration(1).require_basis),
            'concerns': complaint.concerns or 'department',
            'concerned_department': _id(complaint.concerned_department),
            'concerned_user': _id(complaint.concerned_user),
            'handler_department': _id(department),
            'handler_role': (_id(complaint.handler_role)
                or ModelData.get_id('klachten_base', 'role_handler')),
            'handler_user': _id(complaint.handler_user),
            'inform': bool(complaint.complainant_email),
            }


class InadmissibleStart(ModelView):
    __name__ = 'klachten.complaint.inadmissible.start'
    __string__ = "Declare Inadmissible"
    grounds = fields.Many2Many(
        'klachten.inadmissibility_ground', None, None, "Grounds",
        required=True)
    motivation = fields.Text("Motivation", required=True)
    inform = fields.Boolean("Inform the Complainant")
    feedback_mode = fields.Char("Feedback Mode", readonly=True)
    request_feedback = fields.Boolean(
        "Ask the Complainant for Feedback",
        states={'invisible': Eval('feedback_mode') != 'on_request'})


class Inadmissible(ComplaintWizard):
    __name__ = 'klachten.complaint.inadmissible'
    start = _start('inadmissible', "Declare Inadmissible")
    _method = 'declare_inadmissible'
    _fields = ['grounds', 'motivation', 'inform', 'request_feedback']

    def default_start(self, fields):
        return {
            'inform': not self.record.anonymous,
            'feedback_mode': _feedback_mode(),
            }


class SendBackStart(ModelView):
    __name__ = 'klachten.complaint.send_back.start'
    __string__ = "Send Back"
    remarks = fields.Text(
        "Remarks for the Coordinator", required=True,
        help="Why you send it back: not the right handler, "
        "information that is not correct, ...")


class SendBack(ComplaintWizard):
    __name__ = 'klachten.complaint.send_back'
    start = _start('send_back', "Send Back", 'tryton-back')
    _method = 'send_back'
    _fields = ['remarks']


class NotNeutralStart(ModelView):
    __name__ = 'klachten.complaint.not_neutral.start'
    __string__ = "Not Neutral"
    reason = fields.Text(
        "Reason", required=True,
        help="Why the investigation was not neutral; the handler redoes it.")


class NotNeutral(ComplaintWizard):
    __name__ = 'klachten.complaint.not_neutral'
    start = _start('not_neutral', "Return for a New Investigation",
        'tryton-back')
    _method = 'not_neutral'
    _fields = ['reason']


class ConcludeStart(ModelView):
    __name__ = 'klachten.complaint.conclude.start'
    __string__ = "Conclude"
    conclusion = fields.Text("Conclusion", required=True)
    inform = fields.Boolean("Inform the Complainant")
    reply = fields.Text(
        "Reply to the Complainant",
        states={
            'required': Bool(Eval('inform')),
            'invisible': ~Eval('inform'),
            })
    feedback_mode = fields.Char("Feedback Mode", readonly=True)
    request_feedback = fields.Boolean(
        "Ask the Complainant for Feedback",
        states={'invisible': Eval('feedback_mode') != 'on_request'})


class Conclude(ComplaintWizard):
    __name__ = 'klachten.complaint.conclude'
    start = _start('conclude', "Conclude")
    _method = 'conclude'
    _fields = ['conclusion', 'inform', 'reply', 'request_feedback']

    def default_start(self, fields):
        complaint = self.record
        return {
            'inform': not complaint.anonymous,
            'conclusion': complaint.outcome_motivation,
            # the coordinator reviews and edits the handler's draft
            'reply': complaint.draft_reply,
            'feedback_mode': _feedback_mode(),
            }


class DisagreeStart(ModelView):
    __name__ = 'klachten.complaint.disagree.start'
    __string__ = "Complainant Disagrees"
    comment = fields.Text(
        "Comment of the Complainant", required=True,
        help="Why the complainant disagrees; the complaint goes back to "
        "the evaluation phase.")


class Disagree(ComplaintWizard):
    __name__ = 'klachten.complaint.disagree'
    start = _start('disagree', "Record Disagreement", 'tryton-back')
    _method = 'disagree'
    _fields = ['comment']


class CancelStart(ModelView):
    __name__ = 'klachten.complaint.cancel.start'
    __string__ = "Cancel Complaint"
    reason = fields.Text("Explanation", required=True)
    inform = fields.Boolean("Inform the Complainant")


class Cancel(ComplaintWizard):
    __name__ = 'klachten.complaint.cancel'
    start = _start('cancel', "Cancel the Complaint", 'tryton-cancel')
    _method = 'cancel'
    _fields = ['reason', 'inform']


def _id(record):
    return record.id if record else None


class ExtendStart(ModelView):
    __name__ = 'klachten.complaint.extend.start'
    __string__ = "Extend the Answer Term"
    extension_count = fields.Integer("Extensions So Far", readonly=True)
    answer_due = fields.Date("Answer Due Now", readonly=True)
    reason = fields.Text(
        "Motivation", required=True,
        help="Why more time is needed; the complainant is told.")
    consent = fields.Text(
        "Complainant's Consent",
        states={
            'invisible': ~Eval('extension_count', 0),
            'required': Bool(Eval('extension_count', 0)),
            },
        help="A further extension needs the complainant's consent: record "
        "how and when they gave it.")
    inform = fields.Boolean("Inform the Complainant")


class Extend(ComplaintWizard):
    __name__ = 'klachten.complaint.extend'
    start = _start('extend', "Extend", 'tryton-forward')
    _method = 'extend'
    _fields = ['reason', 'consent', 'inform']

    def default_start(self, fields):
        complaint = self.record
        return {
            'extension_count': complaint.extension_count or 0,
            'answer_due': complaint.answer_due,
            'inform': not complaint.anonymous,
            }
