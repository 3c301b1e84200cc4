# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What Agenderen adds to the complaint: its draft decisions, the button
that starts one, and concluding with the decision."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.model.fields.selection import TranslatedSelection
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import AgendaPendingError, AgendaPendingWarning, WorkflowError
from .proposal import PENDING_STATES, STATES


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    proposals = fields.One2Many(
        'klachten.notula.proposal', 'complaint', "Draft Decisions",
        readonly=True,
        help="The draft decisions that put the complaint on the agenda of "
        "a governing body.")
    agenda_state = fields.Function(
        fields.Selection([(None, "")] + STATES, "Agenda",
            help="The state of the complaint's latest draft decision."),
        'get_agenda_state')
    agenda = fields.Function(
        fields.Boolean("Agenderen"), 'get_agenda')
    outcome_string = TranslatedSelection('outcome')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'put_on_agenda': {
                    'invisible': ((Eval('state') != 'conclusion')
                        | ~Eval('agenda', False)),
                    'depends': ['state', 'agenda'],
                    },
                })

    @classmethod
    def get_agenda_state(cls, complaints, name):
        result = {}
        for complaint in complaints:
            latest = complaint.latest_proposal
            result[complaint.id] = latest.state if latest else None
        return result

    @property
    def latest_proposal(self):
        proposals = sorted(self.proposals, key=lambda p: p.id)
        return proposals[-1] if proposals else None

    @classmethod
    def get_agenda(cls, complaints, name):
        agenda = cls._configuration().agenda or False
        return {c.id: agenda for c in complaints}

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('proposals', None)
        return super().copy(complaints, default=default)

    @classmethod
    @ModelView.button_action('klachten_notula.wizard_put_on_agenda')
    def put_on_agenda(cls, complaints):
        cls.check_agenda_state(complaints)

    @classmethod
    def check_agenda_state(cls, complaints):
        """Refuse, with a clear message, complaints not in conclusion, and
        Agenderen while it is switched off"""
        if not cls._configuration().agenda:
            raise WorkflowError(gettext('klachten_notula.msg_agenda_off'))
        for complaint in complaints:
            if complaint.state != 'conclusion':
                raise WorkflowError(gettext(
                        'klachten_base.msg_complaint_wrong_state',
                        complaint=complaint.rec_name,
                        state=complaint.state_string,
                        action=gettext('klachten_notula.msg_action_agenda')))

    # Concluding waits for (or warns about) the pending draft decision
    @classmethod
    def conclude_wizard(cls, complaints):
        cls.check_agenda_pending(complaints)
        return super().conclude_wizard(complaints)

    @classmethod
    def check_agenda_pending(cls, complaints):
        "Warn, or refuse (configuration), while a decision is awaited"
        Warning = Pool().get('res.user.warning')
        pending = [c for c in complaints
            if any(p.state in PENDING_STATES for p in c.proposals)]
        if not pending:
            return
        names = ', '.join(c.rec_name for c in pending)
        if cls._configuration().agenda_pending == 'wait':
            raise AgendaPendingError(gettext(
                    'klachten_notula.msg_agenda_pending_wait',
                    complaints=names))
        key = Warning.format('agenda_pending', pending)
        if Warning.check(key):
            raise AgendaPendingWarning(key, gettext(
                    'klachten_notula.msg_agenda_pending_warn',
                    complaints=names))

    @classmethod
    def conclude(cls, complaints, *args, **kwargs):
        if cls._configuration().agenda_pending == 'wait':
            cls.check_agenda_pending(complaints)
        super().conclude(complaints, *args, **kwargs)
        cls._close_tasks(complaints, ['agenda_conclude'])

    # What the Agenderen wizard proposes
    def agenda_defaults(self):
        "The default values of the Agenderen wizard for this complaint"
        Configuration = Pool().get('klachten.configuration')
        with without_check_access():
            body = Configuration(1).get_multivalue(
                'notula_body', company=self.company.id)
        candidates = self.agenda_attachments()
        return {
            'body': body.id if body else None,
            'title': gettext('klachten_notula.msg_proposal_title',
                number=self.number or '',
                subject=self.short_description or ''),
            'motivation': self.agenda_motivation(),
            'decision_proposal': self.agenda_decision_proposal(),
            'candidates': [a.id for a in candidates],
            'attachments': [a.id for a in self.agenda_default_attachments()
                if a in candidates],
            'personal_data': False,
            }

    def agenda_motivation(self):
        "The motivation: the report, the outcome and the advice"
        parts = []
        if self.report:
            parts.append(self.report.strip())
        if self.outcome:
            outcome = gettext('klachten_notula.msg_motivation_outcome',
                outcome=self.outcome_string)
            motivation = (self.outcome_motivation or '').strip()
            parts.append('\n'.join(filter(None, [outcome, motivation])))
        for advice in self.report_advice():
            if advice.get('answer'):
                parts.append(gettext('klachten_notula.msg_motivation_advice',
                        advisor=advice.get('advisor') or '',
                        advice=advice['answer'].strip()))
        return '\n\n'.join(parts)

    def agenda_decision_proposal(self):
        "The proposed decision: the outcome and the solution"
        parts = []
        if self.outcome:
            parts.append(gettext('klachten_notula.msg_decision_outcome',
                    number=self.number or '',
                    outcome=self.outcome_string.lower()))
        if self.solution:
            parts.append(self.solution.strip())
        return '\n\n'.join(parts)

    def agenda_attachments(self):
        "The complaint's documents that can go with a draft decision"
        Attachment = Pool().get('ir.attachment')
        return Attachment.search([
                ('resource', '=', str(self)),
                ('type', '=', 'data'),
                ], order=[('create_date', 'ASC'), ('id', 'ASC')])

    def agenda_default_attachments(self):
        """The documents chosen by default (document.py: the report's PDF
        where klachten_report made one)"""
        return []

    def agenda_decision(self):
        "The text of the latest decision on the complaint, if any"
        decided = [p for p in self.proposals if p.state == 'decided']
        if decided:
            return max(decided, key=lambda p: p.id).decision_text

    # The complaint's end withdraws its pending draft decisions
    @classmethod
    def mark_cancelled(cls, complaints):
        super().mark_cancelled(complaints)
        Proposal = Pool().get('klachten.notula.proposal')
        with without_check_access():
            complaints = cls.browse([c.id for c in complaints])
            Proposal.mark_withdrawn([p for c in complaints
                    if c.state == 'cancelled'
                    for p in c.proposals if p.state in PENDING_STATES])
