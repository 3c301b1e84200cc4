# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The draft decision (ontwerpbesluit) of a complaint, put on the agenda of
a governing body through Notula, and its life until the decision."""
import datetime as dt
import uuid

from sql import Null

from klachten_base.model import (
    PermittedButtonsMixin, ReadonlyGuardMixin, check_write_access,
    take_write_lock)
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    ProposalClosedError, ProposalNotAllowedError, ProposalOriginError)

STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('scheduled', "On the Agenda"),
    ('decided', "Decided"),
    ('withdrawn', "Withdrawn"),
    ('rejected', "Rejected"),
    ]
PENDING_STATES = ['draft', 'submitted', 'scheduled']
FINAL_STATES = ['decided', 'withdrawn', 'rejected']
RESULTS = [
    (None, ""),
    ('approved', "Approved"),
    ('amended', "Approved with Amendments"),
    ('postponed', "Postponed"),
    ('refused', "Refused"),
    ]
CONNECTORS = [
    ('manual', "Manual"),
    ('http', "HTTP"),
    ]
DELIVERIES = [
    (None, ""),
    ('pending', "Pending"),
    ('sending', "Sending"),
    ('delivered', "Delivered"),
    ('failed', "Failed"),
    ]
# the complaint states in which no news changes a draft decision
CLOSED_COMPLAINT_STATES = {'cancelled', 'closed'}
# the transitions that lead from a state towards a status, in order
_PATHS = {
    'submitted': {'draft': ['submit']},
    'scheduled': {
        'draft': ['submit', 'schedule'],
        'submitted': ['schedule'],
        },
    'decided': {
        'draft': ['submit', 'decide'],
        'submitted': ['decide'],
        'scheduled': ['decide'],
        },
    'withdrawn': {s: ['mark_withdrawn'] for s in PENDING_STATES},
    'rejected': {
        'draft': ['submit', 'mark_rejected'],
        'submitted': ['mark_rejected'],
        'scheduled': ['mark_rejected'],
        },
    }


class GoverningBody(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.notula.body'
    __string__ = "Governing Body"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char(
        "Code", required=True,
        help="The body's code in Notula, such as college or raad.")
    oslo_uri = fields.Char(
        "OSLO URI",
        help="The URI of the body (bestuursorgaan) in OSLO Besluit.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._order.insert(0, ('name', 'ASC'))
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'klachten_notula.msg_body_code_unique'),
            ]


def _visible_in(*states, connector=None):
    invisible = ~Eval('state').in_(list(states))
    depends = ['state']
    if connector:
        invisible |= Eval('connector') != connector
        depends.append('connector')
    return {'invisible': invisible, 'depends': depends}


class CoordinatorsWriteMixin:
    """Only the coordinators (and the complaints administrators) make,
    change and delete the records: through __access__ the complaint's
    write access would grant it to its handlers too, while its read rules
    rightly let them read"""
    __slots__ = ()

    @classmethod
    def create(cls, vlist):
        cls._check_coordinator()
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._check_coordinator()
        super().write(*args)

    @classmethod
    def delete(cls, records):
        cls._check_coordinator()
        super().delete(records)

    @classmethod
    def _check_coordinator(cls):
        transaction = Transaction()
        if (not transaction.user or not transaction.check_access
                or is_coordinator()):
            return
        raise AccessError(gettext(
                'klachten_notula.msg_proposal_coordinators',
                **cls.__names__()))


def is_coordinator():
    "Whether the current user is a coordinator or a complaints administrator"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    return bool(set(User.get_groups()) & {
            ModelData.get_id('klachten_base', 'group_coordinator'),
            ModelData.get_id('klachten_base', 'group_admin'),
            })


# the coordinator's tasks of each step (klachten.task kinds of task.py)
TASK_KINDS = ['agenda_submit', 'agenda_decision', 'agenda_conclude',
    'agenda_failed']


class Proposal(CoordinatorsWriteMixin, PermittedButtonsMixin,
        ReadonlyGuardMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'klachten.notula.proposal'
    __string__ = "Draft Decision"

    _draft = {'readonly': Eval('state') != 'draft'}

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True,
        ondelete='CASCADE', states=_draft,
        help="The complaint the draft decision is about (unless it comes "
        "from another record, such as the yearly report).")
    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    body = fields.Many2One(
        'klachten.notula.body', "Governing Body", required=True,
        states=_draft)
    title = fields.Char("Title", required=True, states=_draft)
    motivation = fields.Text(
        "Motivation", required=True, states=_draft,
        help="Motivering – Argumentatie: why the body should decide so.")
    decision_proposal = fields.Text(
        "Proposed Decision", required=True, states=_draft,
        help="The text of the decision proposed to the body.")
    personal_data = fields.Boolean(
        "Include the Complainant's Personal Data", states=_draft,
        help="Off unless chosen: the draft decision leaves out the "
        "complainant's name and contact details.")
    attachments = fields.Many2Many(
        'klachten.notula.proposal-ir.attachment', 'proposal', 'attachment',
        "Attachments", states=_draft,
        domain=[('resource', '=', Eval('complaint_resource', ''))],
        help="The complaint's documents sent with the draft decision.")
    complaint_resource = fields.Function(
        fields.Char("Complaint Resource"), 'on_change_with_complaint_resource')
    document = fields.Many2One(
        'ir.attachment', "Document", readonly=True, ondelete='SET NULL',
        help="The Word document of the draft decision.")
    connector = fields.Selection(
        CONNECTORS, "Connector", required=True, readonly=True,
        help="How the draft decision reaches Notula.")
    uuid = fields.Char(
        "UUID", required=True, readonly=True, strip=False,
        help="The identifier of the draft decision in Notula and OSLO.")
    reference = fields.Char(
        "Reference", readonly=True,
        help="The reference of the item in Notula.")
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    meeting_date = fields.Date(
        "Meeting Date", readonly=True,
        help="The date of the meeting that has the item on its agenda.")
    decision_text = fields.Text("Decision", readonly=True)
    decision_date = fields.Date("Decided On", readonly=True)
    result = fields.Selection(RESULTS, "Result", readonly=True, sort=False)

    # the queue of the HTTP connector (see delivery.py)
    delivery = fields.Selection(
        DELIVERIES, "Delivery", readonly=True, sort=False,
        states={'invisible': Eval('connector') != 'http'})
    attempts = fields.Integer(
        "Attempts", readonly=True,
        states={'invisible': Eval('connector') != 'http'})
    next_attempt = fields.DateTime(
        "Next Attempt", readonly=True,
        states={'invisible': Eval('connector') != 'http'})
    last_error = fields.Text(
        "Last Error", readonly=True,
        states={'invisible': Eval('connector') != 'http'})
    version = fields.Integer(
        "Version", readonly=True,
        help="The highest version of the status received from Notula.")

    del _draft

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('complaint')
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._sql_constraints += [
            ('uuid_unique', Unique(t, t.uuid),
                'klachten_notula.msg_proposal_uuid_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.complaint, Index.Range())),
                Index(t, (t.reference, Index.Equality()),
                    where=t.reference != Null),
                Index(t, (t.state, Index.Equality()),
                    where=t.state.in_(['submitted', 'scheduled'])),
                })
        cls._transitions |= {
            ('draft', 'submitted'),
            ('submitted', 'scheduled'),
            ('submitted', 'decided'),
            ('scheduled', 'decided'),
            ('draft', 'withdrawn'),
            ('submitted', 'withdrawn'),
            ('scheduled', 'withdrawn'),
            ('submitted', 'rejected'),
            ('scheduled', 'rejected'),
            }
        cls._buttons.update({
                'record_reference': _visible_in('draft', connector='manual'),
                'send': {
                    'invisible': ((Eval('state') != 'draft')
                        | (Eval('connector') != 'http')
                        | Eval('delivery').in_(['pending', 'sending'])),
                    'depends': ['state', 'connector', 'delivery'],
                    },
                'schedule_wizard': _visible_in(
                    'submitted', 'scheduled', connector='manual'),
                'decide_wizard': _visible_in(
                    'submitted', 'scheduled', connector='manual'),
                'withdraw': _visible_in(*PENDING_STATES),
                'reject': _visible_in(
                    'submitted', 'scheduled', connector='manual'),
                'download': {
                    'invisible': Eval('connector') != 'manual',
                    'depends': ['connector'],
                    },
                })

    @classmethod
    def _origin_fields(cls):
        """The fields a draft decision comes from: the complaint first,
        then the other origins that modules add (exactly one is set)"""
        return ['complaint']

    @property
    def origin(self):
        "The record the draft decision comes from"
        for name in self._origin_fields():
            if getattr(self, name, None):
                return getattr(self, name)

    @property
    def origin_number(self):
        "The number of its origin, for file names and Notula"
        if self.complaint:
            return self.complaint.number or str(self.complaint.id)
        return self.uuid

    def oslo_dossier(self):
        "The file of the draft decision in OSLO Besluit (besluit.json)"
        return {
            '@type': 'Klacht',
            'identifier': self.complaint.number if self.complaint else None,
            }

    @classmethod
    def validate_fields(cls, proposals, field_names):
        super().validate_fields(proposals, field_names)
        origins = cls._origin_fields()
        if field_names and not (set(field_names) & set(origins)):
            return
        for proposal in proposals:
            if len([n for n in origins if getattr(proposal, n, None)]) != 1:
                raise ProposalOriginError(gettext(
                        'klachten_notula.msg_proposal_origin',
                        proposal=proposal.rec_name))

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_connector(cls):
        return cls._configured_connector(Transaction().context.get('company'))

    @classmethod
    def _configured_connector(cls, company_id):
        "The connector that the configuration gives the company"
        Configuration = Pool().get('klachten.configuration')
        with without_check_access():
            return Configuration(1).get_multivalue(
                'notula_connector', company=company_id) or 'manual'

    @staticmethod
    def default_uuid():
        return uuid.uuid4().hex

    @staticmethod
    def default_personal_data():
        return False

    @staticmethod
    def default_attempts():
        return 0

    @fields.depends('complaint')
    def on_change_with_complaint_resource(self, name=None):
        return str(self.complaint) if self.complaint else ''

    @fields.depends('complaint', 'company')
    def on_change_complaint(self):
        if self.complaint:
            self.company = self.complaint.company

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('//page[@id="delivery"]', 'states', {
                    'invisible': Eval('connector') != 'http',
                    }),
            ]

    def get_rec_name(self, name):
        return self.reference or self.title

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith('!') else 'OR'
        return [bool_op,
            ('reference', operator, value),
            ('title', operator, value),
            ]

    state_string = state.translated('state')

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('complaint') is not None:
            Complaint = Pool().get('klachten.complaint')
            with without_check_access():
                complaint = Complaint(values['complaint'])
                values['company'] = complaint.company.id
            values.setdefault('connector',
                cls._configured_connector(values['company']))
        return values

    # Made by the Agenderen wizard (Complaint.put_on_agenda)
    @classmethod
    def create_proposal(cls, values):
        """Make the draft decision of values on a complaint in conclusion;
        open the coordinator's task and make its document"""
        if values.get('complaint'):
            values['complaint'].check_agenda_state([values['complaint']])
        proposal = cls(**values)
        with without_check_access():
            proposal.save()
            if proposal.connector == 'manual':
                cls._open_task([proposal], 'agenda_submit')
            cls.make_documents([proposal])
        return proposal

    @classmethod
    def make_documents(cls, proposals):
        """Make the Word document of each draft proposal (document.py,
        where klachten_report is activated)"""
        pass

    # The coordinator's tasks (one of each kind per complaint)
    @classmethod
    def _open_task(cls, proposals, kind):
        pool = Pool()
        Task = pool.get('klachten.task')
        Complaint = pool.get('klachten.complaint')
        for proposal in proposals:
            complaint = proposal.complaint
            if not complaint:
                # the tasks hang on a complaint: none for other origins
                continue
            Task.open(complaint, kind, group=Complaint._coordinators(),
                due_date=complaint.answer_due, note=proposal.title)

    @classmethod
    def _close_tasks(cls, proposals, kinds, state='done'):
        Task = Pool().get('klachten.task')
        Task.close([p.complaint for p in proposals if p.complaint], kinds,
            state=state)

    @classmethod
    def copy(cls, proposals, default=None):
        default = default.copy() if default is not None else {}
        for name in ['uuid', 'reference', 'document', 'meeting_date',
                'decision_text', 'decision_date', 'result', 'delivery',
                'attempts', 'next_attempt', 'last_error', 'version']:
            default.setdefault(name, None)
        default['state'] = 'draft'
        new = []
        for proposal in proposals:
            values = dict(default, uuid=cls.default_uuid())
            new.extend(super().copy([proposal], default=values))
        return new

    # The transitions: each a hook for the tasks and the complaint
    @classmethod
    @Workflow.transition('submitted')
    def submit(cls, proposals):
        cls._close_tasks(proposals, ['agenda_submit', 'agenda_failed'])
        cls._open_task(
            [p for p in proposals if p.connector == 'manual'],
            'agenda_decision')

    @classmethod
    @Workflow.transition('scheduled')
    def schedule(cls, proposals):
        pass

    @classmethod
    @Workflow.transition('decided')
    def decide(cls, proposals):
        cls._close_tasks(proposals, ['agenda_submit', 'agenda_decision',
                'agenda_failed'])
        for proposal in proposals:
            proposal._post_decision()
        cls._open_task([p for p in proposals
                if p.complaint and p.complaint.state == 'conclusion'],
            'agenda_conclude')

    def _post_decision(self):
        "Put the decision in the complaint's conversation"
        if not self.complaint:
            return
        lines = [gettext('klachten_notula.msg_decision_comment',
                proposal=self.rec_name,
                body=self.body.rec_name,
                result=self.result_string or '',
                date=self.decision_date or '')]
        if self.decision_text:
            lines.append(self.decision_text)
        self.complaint._post_comment('\n\n'.join(lines))

    result_string = result.translated('result')

    @classmethod
    @ModelView.button
    def withdraw(cls, proposals):
        "The coordinator takes the draft decision back"
        cls._check_button(proposals, set(PENDING_STATES))
        with without_check_access():
            cls.mark_withdrawn(proposals)

    @classmethod
    @Workflow.transition('withdrawn')
    def mark_withdrawn(cls, proposals):
        cls._close_tasks(proposals, TASK_KINDS, state='cancelled')

    @classmethod
    @ModelView.button
    def reject(cls, proposals):
        "The body did not take the draft decision on its agenda"
        cls._check_button(proposals, {'submitted', 'scheduled'})
        with without_check_access():
            cls.mark_rejected(proposals)

    @classmethod
    @Workflow.transition('rejected')
    def mark_rejected(cls, proposals):
        cls._close_tasks(proposals, TASK_KINDS, state='cancelled')

    # The coordinator's buttons (the manual connector)
    @classmethod
    @ModelView.button_action('klachten_notula.wizard_record_reference')
    def record_reference(cls, proposals):
        cls._check_button(proposals, {'draft'})

    @classmethod
    @ModelView.button_action('klachten_notula.wizard_schedule')
    def schedule_wizard(cls, proposals):
        cls._check_button(proposals, {'submitted', 'scheduled'})

    @classmethod
    @ModelView.button_action('klachten_notula.wizard_decide')
    def decide_wizard(cls, proposals):
        cls._check_button(proposals, {'submitted', 'scheduled'})

    @classmethod
    @ModelView.button_action('klachten_notula.wizard_download')
    def download(cls, proposals):
        pass

    @classmethod
    @ModelView.button
    def send(cls, proposals):
        """Queue the draft decisions for the HTTP connector: the delivery
        cron sends them (never inside this transaction)"""
        cls._check_button(proposals, {'draft'})
        proposals = [p for p in proposals if p.connector == 'http'
            and p.delivery not in {'pending', 'sending'}]
        with without_check_access():
            cls.write(proposals, {
                    'delivery': 'pending',
                    'attempts': 0,
                    'next_attempt': dt.datetime.now(),
                    'last_error': None,
                    })

    @classmethod
    def _check_button(cls, proposals, states):
        "Refuse a step on a draft decision that does not allow it"
        for proposal in proposals:
            proposal.check_open()
            if proposal.state not in states:
                raise ProposalClosedError(gettext(
                        'klachten_notula.msg_proposal_final',
                        proposal=proposal.rec_name,
                        state=proposal.state_string))

    @classmethod
    def record(cls, proposals, status, **news):
        """Apply the news of status that the current user records (the
        manual connector's wizards): refused without write access"""
        check_write_access(cls, [p.id for p in proposals],
            model_access=False)
        for proposal in proposals:
            cls.apply_status(proposal, status, **news)

    # The news from Notula (the connectors, the callback, the wizards)
    @classmethod
    def apply_status(cls, proposal, status, reference=None,
            meeting_date=None, decision=None, version=None):
        """Apply the news status of proposal (a state of STATES) with its
        reference, meeting_date and decision ({'text', 'date', 'result'})
        through the transitions; return whether something changed.

        The same news again changes nothing; news with a lower version than
        the one applied is ignored. News that would change a final draft
        decision, or one of a cancelled or closed complaint, is refused
        with ProposalClosedError."""
        if status not in dict(STATES):
            raise ValueError(f"unknown status {status!r}")
        cls._lock_row(proposal)
        with without_check_access():
            proposal = cls(proposal.id)
            if (version is not None and proposal.version is not None
                    and version < proposal.version):
                return False
            values = proposal._status_values(
                reference, meeting_date, decision)
            steps = _PATHS.get(status, {}).get(proposal.state, [])
            if not values and not steps:
                if version is not None and version != proposal.version:
                    cls.write([proposal], {'version': version})
                return False
            proposal.check_open(status)
            if version is not None:
                values['version'] = version
            if values:
                cls.write([proposal], values)
            for step in steps:
                getattr(cls, step)([proposal])
        return True

    @classmethod
    def _lock_row(cls, proposal):
        """Lock the row of proposal until the transaction ends (a no-op
        update): news from two processes at once apply one after the other
        (ModelSQL.lock needs a transaction that can be retried)"""
        table = cls.__table__()
        take_write_lock(cls)
        Transaction().connection.cursor().execute(*table.update(
                [table.id], [table.id], where=table.id == proposal.id))

    def _status_values(self, reference, meeting_date, decision):
        "The values of the news that differ from the draft decision's"
        news = {
            'reference': reference or None,
            'meeting_date': _date(meeting_date),
            }
        if decision:
            news.update({
                    'decision_text': decision.get('text') or None,
                    'decision_date': _date(decision.get('date')),
                    'result': decision.get('result') or None,
                    })
        return {name: value for name, value in news.items()
            if value is not None and getattr(self, name) != value}

    def check_open(self, status=None):
        "Refuse a change of a final draft decision or of a closed complaint"
        if (self.complaint
                and self.complaint.state in CLOSED_COMPLAINT_STATES):
            raise ProposalClosedError(gettext(
                    'klachten_notula.msg_proposal_complaint_closed',
                    proposal=self.rec_name,
                    complaint=self.complaint.rec_name,
                    state=self.complaint.state_string))
        if self.state in FINAL_STATES:
            raise ProposalClosedError(gettext(
                    'klachten_notula.msg_proposal_final',
                    proposal=self.rec_name,
                    state=self.state_string))

    @classmethod
    def delete(cls, proposals):
        # unless the retention rule deletes their complaint
        removing = (
            Transaction().context.get('_klachten_retention') == 'delete')
        for proposal in proposals:
            if proposal.state != 'draft' and not removing:
                raise ProposalNotAllowedError(gettext(
                        'klachten_notula.msg_proposal_no_delete',
                        proposal=proposal.rec_name,
                        state=proposal.state_string))
        # no task left in an inbox for a decision that is gone
        Pool().get('klachten.task').close_origins(
            proposals, state='cancelled')
        super().delete(proposals)


def _date(value):
    "A date of value (a date or an ISO string), or None"
    if not value or isinstance(value, dt.date):
        return value or None
    return dt.date.fromisoformat(value)


class ProposalAttachment(CoordinatorsWriteMixin, ModelSQL):
    __name__ = 'klachten.notula.proposal-ir.attachment'
    __string__ = "Draft Decision - Attachment"

    proposal = fields.Many2One(
        'klachten.notula.proposal', "Draft Decision", required=True,
        ondelete='CASCADE')
    attachment = fields.Many2One(
        'ir.attachment', "Attachment", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('proposal')
