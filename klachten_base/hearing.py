# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The hearing of the complainant (Awb 9:10): the invitation, the hearing
held and its report, the complainant's waiver, or the recorded reason not
to hear (9:10 lid 2).

When the configuration requires it (the Dutch preset), the handler's
report is final only once the complainant was heard, waived the hearing or
the reason not to hear is recorded."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import MissingInputError

HEARING_STATES = [
    (None, ""),
    ('invited', "Invited"),
    ('held', "Held"),
    ('waived', "Waived by the Complainant"),
    ('skipped', "Not Heard"),
    ]
SKIP_REASONS = [
    (None, ""),
    ('manifestly_unfounded',
        "The complaint is manifestly unfounded (Awb 9:10 lid 2a)"),
    ('waived',
        "The complainant does not wish to be heard (Awb 9:10 lid 2b)"),
    ('no_reply',
        "The complainant did not say in time to wish to be heard "
        "(Awb 9:10 lid 2c)"),
    ]
# the hearing is done with: the report may be finalised
HEARING_DONE = {'held', 'waived', 'skipped'}
ACTIONS = [
    ('invite', "Invite the Complainant"),
    ('report', "Record the Hearing Held"),
    ('waive', "Record the Complainant's Waiver"),
    ('skip', "Do Not Hear"),
    ]
HEARING_FIELDS = ['hearing_state', 'hearing_date', 'hearing_time',
    'hearing_place', 'hearing_report', 'hearing_skip_reason',
    'hearing_motivation']


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    hearing_required = fields.Boolean(
        "Require the Hearing",
        help="The handler's report is final only once the complainant was "
        "heard, waived the hearing or the reason not to hear is recorded "
        "(Awb 9:10).")

    @classmethod
    def default_hearing_required(cls):
        return False


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    hearing_state = fields.Selection(
        HEARING_STATES, "Hearing", readonly=True,
        help="Whether the complainant is heard on the complaint (Awb 9:10).")
    hearing_date = fields.Date("Hearing Date", readonly=True)
    hearing_time = fields.Time("Hearing Time", readonly=True)
    hearing_place = fields.Char("Hearing Place", readonly=True)
    hearing_report = fields.Text(
        "Hearing Report", readonly=True,
        help="What the complainant said at the hearing.")
    hearing_skip_reason = fields.Selection(
        SKIP_REASONS, "Reason Not to Hear", readonly=True)
    hearing_motivation = fields.Text(
        "Motivation Not to Hear", readonly=True,
        help="Why the complainant is not heard, or how they waived it.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'hearing_wizard': {
                    'invisible': Eval('state') != 'investigation',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        for name in HEARING_FIELDS:
            default.setdefault(name, None)
        return super().copy(complaints, default=default)

    @classmethod
    @ModelView.button_action('klachten_base.wizard_hearing')
    def hearing_wizard(cls, complaints):
        cls._check_state(complaints, {'investigation'}, 'hearing')

    @classmethod
    def invite_to_hearing(cls, complaints, date, place, time=None,
            inform=True):
        "Invite the complainants to be heard on date at place"
        cls._check_state(complaints, {'investigation'}, 'hearing')
        cls._require(complaints, date, 'hearing_date')
        cls._require(complaints, place, 'hearing_place')
        if date < cls._today():
            raise MissingInputError(gettext(
                    'klachten_base.msg_hearing_date_past'))
        cls._write_workflow(complaints, {
                'hearing_state': 'invited',
                'hearing_date': date,
                'hearing_time': time,
                'hearing_place': place,
                'hearing_skip_reason': None,
                'hearing_motivation': None,
                })
        if inform:
            cls._notify(cls.browse([c.id for c in complaints]),
                'hearing_invitation')

    @classmethod
    def record_hearing(cls, complaints, report, date=None):
        "Record the hearing held and what the complainant said"
        cls._check_state(complaints, {'investigation'}, 'hearing')
        cls._require(complaints, report, 'hearing_report')
        today = cls._today()
        for complaint in complaints:
            held = date or complaint.hearing_date or today
            if held > today:
                raise MissingInputError(gettext(
                        'klachten_base.msg_hearing_date_future'))
            cls._write_workflow([complaint], {
                    'hearing_state': 'held',
                    'hearing_date': held,
                    'hearing_report': report,
                    'hearing_skip_reason': None,
                    'hearing_motivation': None,
                    })

    @classmethod
    def waive_hearing(cls, complaints, motivation=None):
        "Record that the complainants do not wish to be heard (9:10.2b)"
        cls.skip_hearing(complaints, 'waived', motivation)

    @classmethod
    def skip_hearing(cls, complaints, reason, motivation=None):
        "Record the reason of Awb 9:10 lid 2 not to hear the complainants"
        cls._check_state(complaints, {'investigation'}, 'hearing')
        cls._require(complaints, reason, 'hearing_skip_reason')
        if reason not in dict(SKIP_REASONS):
            raise MissingInputError(gettext(
                    'klachten_base.msg_hearing_skip_reason_unknown'))
        if reason != 'waived':
            cls._require(complaints, motivation, 'hearing_motivation')
        for complaint in complaints:
            if reason == 'no_reply' and complaint.hearing_state != 'invited':
                raise MissingInputError(gettext(
                        'klachten_base.msg_hearing_no_reply_uninvited',
                        complaint=complaint.rec_name))
        cls._write_workflow(complaints, {
                'hearing_state': 'waived' if reason == 'waived' else 'skipped',
                'hearing_skip_reason': reason,
                'hearing_motivation': motivation,
                'hearing_report': None,
                })

    def _check_report(self):
        super()._check_report()
        Configuration = Pool().get('klachten.configuration')
        if (Configuration(1).hearing_required
                and self.track == 'formal' and not self.anonymous
                and self.hearing_state not in HEARING_DONE):
            raise MissingInputError(gettext(
                    'klachten_base.msg_hearing_required',
                    complaint=self.rec_name))


class HearingStart(ModelView):
    __name__ = 'klachten.complaint.hearing.start'
    __string__ = "Hearing"
    action = fields.Selection(ACTIONS, "Action", required=True)
    hearing_state = fields.Selection(
        HEARING_STATES, "Hearing", readonly=True)
    date = fields.Date("Date", states={
            'required': Eval('action') == 'invite',
            'invisible': ~Eval('action').in_(['invite', 'report']),
            })
    time = fields.Time("Time", states={
            'invisible': Eval('action') != 'invite',
            })
    place = fields.Char("Place", states={
            'required': Eval('action') == 'invite',
            'invisible': Eval('action') != 'invite',
            })
    inform = fields.Boolean("Send the Invitation", states={
            'invisible': Eval('action') != 'invite',
            },
        help="By e-mail; to a complainant without an e-mail address as a "
        "letter to print (with the letters module).")
    report = fields.Text("Hearing Report", states={
            'required': Eval('action') == 'report',
            'invisible': Eval('action') != 'report',
            })
    reason = fields.Selection([
            r for r in SKIP_REASONS if r[0] != 'waived'],
        "Reason Not to Hear", states={
            'required': Eval('action') == 'skip',
            'invisible': Eval('action') != 'skip',
            })
    motivation = fields.Text("Motivation", states={
            'required': Eval('action') == 'skip',
            'invisible': ~Eval('action').in_(['waive', 'skip']),
            },
        help="Why the complainant is not heard, or how and when they said "
        "they do not wish to be.")
    complainant_email = fields.Char("Complainant's E-mail", readonly=True)
    warning = fields.Function(
        fields.Text("Warning", readonly=True,
            states={'invisible': ~Bool(Eval('warning'))}),
        'on_change_with_warning')

    @fields.depends('action', 'inform', 'complainant_email')
    def on_change_with_warning(self, name=None):
        if (self.action == 'invite' and self.inform
                and not self.complainant_email):
            return gettext('klachten_base.msg_hearing_no_email')


class Hearing(Wizard):
    "Invite, report, record the waiver of or skip the hearing"
    __name__ = 'klachten.complaint.hearing'
    start = StateView(
        'klachten.complaint.hearing.start',
        'klachten_base.complaint_hearing_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Record", 'confirm', 'tryton-ok', default=True),
            ])
    confirm = StateTransition()

    def default_start(self, fields):
        complaint = self.record
        return {
            'action': ('report' if complaint.hearing_state == 'invited'
                else 'invite'),
            'hearing_state': complaint.hearing_state,
            'date': complaint.hearing_date,
            'time': complaint.hearing_time,
            'place': complaint.hearing_place,
            'inform': bool(complaint.complainant_address_email),
            'report': complaint.hearing_report,
            'complainant_email': complaint.complainant_address_email,
            }

    def transition_confirm(self):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        complaints = list(self.records)
        # The wizard runs as the user: refuse complaints they cannot see
        Complaint.read([c.id for c in complaints], ['id'])
        start = self.start
        with without_check_access():
            if start.action == 'invite':
                Complaint.invite_to_hearing(complaints, start.date,
                    start.place, time=start.time, inform=start.inform)
            elif start.action == 'report':
                Complaint.record_hearing(complaints, start.report,
                    date=start.date)
            elif start.action == 'waive':
                Complaint.waive_hearing(complaints, start.motivation)
            elif start.action == 'skip':
                Complaint.skip_hearing(complaints, start.reason,
                    start.motivation)
        return 'end'

    def end(self):
        return 'reload'
