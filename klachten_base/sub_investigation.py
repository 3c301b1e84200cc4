# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Sub-investigations (deelonderzoeken): one complaint, several departments.

The coordinator or the complaint's handler asks another department a
question; its members with the role (or the one user named) get a task
Sub-Investigation, read the complaint while the sub-investigation is open
or reported, write their report and press Report. They never change the
complaint, post a public message, request information or conclude: the
coordinator alone talks to the complainant.

Leaving the investigation phase (the report finalised, the complaint sent
back, closed or cancelled) cancels the sub-investigations still open: their
question is no longer the investigation's."""
from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .department import assigned_to, assignment_pairs, users_by_key
from .exceptions import MissingInputError, WorkflowError
from .model import (
    CorrelatedFunction, PermittedButtonsMixin, check_write_access,
    rule_searcher)
from .retention import REDACTED, cut
from .term import term_end

KIND = 'sub_investigate'
# the sub-investigations whose assignees read the complaint
READING_STATES = ['open', 'reported']


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    sub_investigation_days = fields.Integer(
        "Sub-Investigation Days",
        domain=['OR',
            ('sub_investigation_days', '=', None),
            ('sub_investigation_days', '>', 0),
            ],
        help="The days another department gets to report on a "
        "sub-investigation, from the day it is asked (a term ending on a "
        "weekend or public holiday moves as the other terms do). Leave "
        "empty to give it until the complaint's report is due.")

    def sub_investigation_due(self, complaint, start):
        "When a sub-investigation on complaint asked on start is due"
        if self.sub_investigation_days:
            return term_end(start, self.sub_investigation_days, 'day',
                self.holiday_country, self.to_working_day)
        return complaint.report_due or self.term_end('report', start)


def _is_coordinator():
    "Whether the user is a coordinator or the complaints administrator"
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    User = pool.get('res.user')
    if not Transaction().user:
        return True
    groups = set(User.get_groups())
    return bool(groups & {
            ModelData.get_id('klachten_base', 'group_coordinator'),
            ModelData.get_id('klachten_base', 'group_admin'),
            })


class SubInvestigation(PermittedButtonsMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'klachten.sub_investigation'
    __string__ = "Sub-Investigation"

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True, readonly=True,
        ondelete='CASCADE')
    department = fields.Many2One(
        'klachten.department', "Department", required=True, readonly=True)
    role = fields.Many2One('klachten.role', "Role", readonly=True,
        states={'required': ~Eval('user')},
        help="Every member with this role in the department investigates, "
        "unless a user is named.")
    user = fields.Many2One('res.user', "User", readonly=True)
    assignees = fields.Function(
        fields.Many2Many('res.user', None, None, "Assignees"),
        'get_assignees', searcher='search_assignees')
    mine = fields.Function(
        fields.Boolean("Mine"), 'get_mine', searcher='search_mine')
    question = fields.Text("Question", required=True, readonly=True)
    report = fields.Text("Report", readonly=True,
        states={'invisible': ~Bool(Eval('report'))})
    due_date = fields.Date("Due Date", readonly=True)
    requested_by = fields.Many2One('res.user', "Requested By", readonly=True)
    requested_date = fields.Date("Requested On", readonly=True)
    reported_by = fields.Many2One('res.user', "Reported By", readonly=True,
        states={'invisible': ~Eval('reported_by')})
    reported_date = fields.Date("Reported On", readonly=True,
        states={'invisible': ~Eval('reported_date')})
    state = fields.Selection([
            ('open', "Open"),
            ('reported', "Reported"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('complaint')
        cls._order = [('requested_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('open', 'reported'), ('open', 'cancelled')}
        cls._buttons.update({
                'report_wizard': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    def get_rec_name(self, name):
        return f'{self.department.rec_name}: {self.complaint.rec_name}'

    @classmethod
    def _assignee_pairs(cls):
        "SQL query of (sub_investigation, user) of every assignee"
        return assignment_pairs(
            cls, 'sub_investigation', 'user', 'department', 'role')

    @classmethod
    def get_assignees(cls, records, name):
        return users_by_key(
            cls._assignee_pairs(), 'sub_investigation',
            [r.id for r in records])

    @classmethod
    def search_assignees(cls, name, clause):
        _, operator, value = clause[:3]
        query = cls._assignee_pairs()
        Operator = fields.SQL_OPERATORS[operator]
        return [('id', 'in', query.select(
                    query.sub_investigation,
                    where=Operator(query.user, value)))]

    def get_mine(self, name):
        return Transaction().user in {u.id for u in self.assignees}

    @classmethod
    def search_mine(cls, name, clause):
        _, operator, value = clause[:3]
        domain = [('assignees', '=', Transaction().user)]
        if (operator == '=') != bool(value):
            domain = [('id', 'not in', cls.search(domain, query=True))]
        return domain

    @classmethod
    def validate_fields(cls, records, field_names):
        super().validate_fields(records, field_names)
        if field_names & {'complaint', 'user', 'department', 'role'}:
            for record in records:
                # never the staff member the complaint is about
                record.complaint.check_assignment(user=record.user,
                    department=record.department, role=record.role)

    @classmethod
    def request(cls, complaint, question, department, role=None, user=None,
            due_date=None):
        """Ask department (its members with role, or user) question on
        complaint; open their task. Returns the sub-investigation."""
        pool = Pool()
        Date = pool.get('ir.date')
        Task = pool.get('klachten.task')
        complaint._check_state(
            [complaint], {'investigation'}, 'request_sub_investigation')
        if complaint.confidential:
            raise WorkflowError(gettext(
                    'klachten_base.msg_sub_investigation_confidential',
                    complaint=complaint.rec_name))
        for value, name in [(question, 'question'),
                (department, 'department'), (role or user, 'role')]:
            if not value:
                raise MissingInputError(gettext(
                        f'klachten_base.msg_sub_investigation_{name}',
                        complaint=complaint.rec_name))
        today = Date.today()
        due_date = due_date or complaint._configuration(
            ).sub_investigation_due(complaint, today)
        record = cls(complaint=complaint, question=question,
            department=department, role=None if user else role, user=user,
            due_date=due_date, requested_by=Transaction().user or None,
            requested_date=today)
        with without_check_access():
            record.save()
            Task(complaint=complaint, origin=record, kind=KIND,
                user=record.user, department=record.department,
                role=record.role, due_date=due_date,
                note=question).save()
        return record

    @classmethod
    def submit_report(cls, records, report):
        "Record the report of open sub-investigations and close their tasks"
        pool = Pool()
        Date = pool.get('ir.date')
        Task = pool.get('klachten.task')
        user = Transaction().user
        coordinator = _is_coordinator()
        for record in records:
            if record.state != 'open':
                raise WorkflowError(gettext(
                        'klachten_base.msg_sub_investigation_closed',
                        sub_investigation=record.rec_name))
            if not coordinator and user not in {
                    u.id for u in record.assignees}:
                raise AccessError(gettext(
                        'klachten_base.msg_sub_investigation_not_assignee',
                        sub_investigation=record.rec_name))
        if not report:
            raise MissingInputError(gettext(
                    'klachten_base.msg_sub_investigation_report'))
        with without_check_access():
            cls.write(list(records), {
                    'report': report,
                    'reported_by': user or None,
                    'reported_date': Date.today(),
                    })
            cls.mark_reported(records)
            Task.close_origins(records)

    @classmethod
    @Workflow.transition('reported')
    def mark_reported(cls, records):
        pass

    @classmethod
    @ModelView.button_action('klachten_base.wizard_sub_investigation_report')
    def report_wizard(cls, records):
        pass

    @classmethod
    @ModelView.button
    def cancel(cls, records):
        "The coordinator withdraws the question"
        cls.cancel_open(records)

    @classmethod
    def cancel_open(cls, records):
        "Cancel those of records still open, and their tasks"
        Task = Pool().get('klachten.task')
        records = [r for r in records if r.state == 'open']
        if not records:
            return
        with without_check_access():
            cls.mark_cancelled(records)
            Task.close_origins(records, state='cancelled')

    @classmethod
    @Workflow.transition('cancelled')
    def mark_cancelled(cls, records):
        pass

    @classmethod
    def copy(cls, records, default=None):
        if not records:
            return []
        raise WorkflowError(gettext(
                'klachten_base.msg_sub_investigation_no_copy'))


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    sub_investigations = fields.One2Many(
        'klachten.sub_investigation', 'complaint', "Sub-Investigations",
        readonly=True,
        help="The questions asked to other departments, and their reports.")
    sub_investigators = CorrelatedFunction(
        fields.Many2Many('res.user', None, None, "Sub-Investigators",
            help="Who investigates part of the complaint for another "
            "department: they read it while their sub-investigation is "
            "open or reported."),
        'get_sub_investigators', searcher='search_sub_investigators')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'sub_investigation_wizard': {
                    'invisible': Eval('state') != 'investigation',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def _sub_investigator_pairs(cls):
        "SQL query of (complaint, user) of the reading sub-investigators"
        SubInvestigation = Pool().get('klachten.sub_investigation')
        table = SubInvestigation.__table__()
        pairs = SubInvestigation._assignee_pairs()
        return pairs.join(table,
            condition=table.id == pairs.sub_investigation
            ).select(table.complaint.as_('complaint'), pairs.user.as_('user'),
                where=table.state.in_(READING_STATES)
                & (pairs.user != Null))

    @classmethod
    def get_sub_investigators(cls, complaints, name):
        return cls._get_pairs(complaints, cls._sub_investigator_pairs())

    @classmethod
    @rule_searcher(lambda cls, clause: cls._search_pairs(
            clause, cls._sub_investigator_pairs()))
    def search_sub_investigators(cls, table, user_id):
        SubInvestigation = Pool().get('klachten.sub_investigation')
        sub = SubInvestigation.__table__()
        return table.id.in_(sub.select(sub.complaint,
                where=sub.state.in_(READING_STATES)
                & assigned_to(sub, user_id, 'user', 'department', 'role')))

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('sub_investigations', None)
        return super().copy(complaints, default=default)

    @classmethod
    def _anonymise(cls, complaints):
        "Retention cuts the questions and reports too"
        super()._anonymise(complaints)
        SubInvestigation = Pool().get('klachten.sub_investigation')
        cut(SubInvestigation, [s.id for c in complaints
                for s in c.sub_investigations],
            {'question': REDACTED, 'report': REDACTED})

    @classmethod
    @ModelView.button_action('klachten_base.wizard_sub_investigation')
    def sub_investigation_wizard(cls, complaints):
        cls._check_state(
            complaints, {'investigation'}, 'request_sub_investigation')

    # leaving the investigation: the open questions are no longer asked
    @classmethod
    def _cancel_sub_investigations(cls, complaints):
        SubInvestigation = Pool().get('klachten.sub_investigation')
        with without_check_access():
            SubInvestigation.cancel_open([s
                    for c in cls.browse([c.id for c in complaints])
                    for s in c.sub_investigations])

    @classmethod
    def send_back(cls, complaints, remarks):
        super().send_back(complaints, remarks)
        cls._cancel_sub_investigations(complaints)

    @classmethod
    def finalise_report(cls, complaints):
        super().finalise_report(complaints)
        cls._cancel_sub_investigations(complaints)

    @classmethod
    def mark_cancelled(cls, complaints):
        super().mark_cancelled(complaints)
        cls._cancel_sub_investigations(complaints)

    @classmethod
    def close(cls, complaints):
        super().close(complaints)
        cls._cancel_sub_investigations(complaints)


class Task(metaclass=PoolMeta):
    __name__ = 'klachten.task'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        kind = (KIND, "Sub-Investigation")
        if kind not in cls.kind.selection:
            cls.kind.selection.append(kind)

    @classmethod
    def _kind_terms(cls):
        return {**super()._kind_terms(), KIND: 'report'}

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['klachten.sub_investigation']


class ChatChannel(metaclass=PoolMeta):
    __name__ = 'ir.chat.channel'

    @classmethod
    def post(cls, resource, content, audience='internal'):
        "A sub-investigator writes internal messages only"
        if audience != 'internal':
            cls._check_public_post(resource)
        return super().post(resource, content, audience=audience)

    @classmethod
    def _check_public_post(cls, resource):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        model, _, id_ = str(resource).partition(',')
        user = Transaction().user
        if (model != 'klachten.complaint' or not user
                or _is_coordinator()):
            return
        with without_check_access():
            complaint = Complaint(int(id_))
            handlers = {u.id for u in complaint.handlers}
            sub_investigators = {u.id for u in complaint.sub_investigators}
        if user in sub_investigators and user not in handlers:
            raise AccessError(gettext(
                    'klachten_base.msg_sub_investigation_public_post',
                    complaint=complaint.rec_name))


class RequestStart(ModelView):
    __name__ = 'klachten.complaint.sub_investigation.start'
    __string__ = "Request Sub-Investigation"
    department = fields.Many2One(
        'klachten.department', "Department", required=True)
    role = fields.Many2One('klachten.role', "Role",
        states={'required': ~Eval('user')},
        help="Every member with this role in the department investigates, "
        "unless a user is named.")
    user = fields.Many2One('res.user', "User",
        help="Leave empty to ask every member with the role.")
    question = fields.Text("Question", required=True)
    due_date = fields.Date("Due Date", required=True)


class Request(Wizard):
    "Ask another department to investigate part of the complaint"
    __name__ = 'klachten.complaint.sub_investigation'
    start = StateView(
        'klachten.complaint.sub_investigation.start',
        'klachten_base.complaint_sub_investigation_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Request", 'confirm', 'tryton-ok', default=True),
            ])
    confirm = StateTransition()

    def default_start(self, fields):
        pool = Pool()
        Date = pool.get('ir.date')
        Role = pool.get('klachten.role')
        complaint = self.record
        roles = Role.search([('code', '=', 'handler')], limit=1)
        return {
            'due_date': complaint._configuration().sub_investigation_due(
                complaint, Date.today()),
            'role': roles[0].id if roles else None,
            }

    def transition_confirm(self):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        SubInvestigation = pool.get('klachten.sub_investigation')
        complaints = list(self.records)
        # the wizard runs as the user: only the complaint's handlers and
        # the coordinators may change it, and so ask
        Complaint.read([c.id for c in complaints], ['id'])
        check_write_access(Complaint, [c.id for c in complaints],
            model_access=False)
        start = self.start
        with without_check_access():
            for complaint in Complaint.browse(complaints):
                SubInvestigation.request(complaint, start.question,
                    start.department, role=start.role, user=start.user,
                    due_date=start.due_date)
        return 'end'

    def end(self):
        return 'reload'


class ReportStart(ModelView):
    __name__ = 'klachten.sub_investigation.report.start'
    __string__ = "Sub-Investigation Report"
    question = fields.Text("Question", readonly=True)
    report = fields.Text("Report", required=True)


class Report(Wizard):
    "Record the report of a sub-investigation"
    __name__ = 'klachten.sub_investigation.report'
    start = StateView(
        'klachten.sub_investigation.report.start',
        'klachten_base.sub_investigation_report_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Report", 'confirm', 'tryton-ok', default=True),
            ])
    confirm = StateTransition()

    def default_start(self, fields):
        return {
            'question': self.record.question,
            'report': self.record.report,
            }

    def transition_confirm(self):
        SubInvestigation = Pool().get('klachten.sub_investigation')
        records = list(self.records)
        # read as the user: refuses those they may not see
        SubInvestigation.read([r.id for r in records], ['id'])
        SubInvestigation.submit_report(
            SubInvestigation.browse(records), self.start.report)
        return 'end'

    def end(self):
        return 'reload'
