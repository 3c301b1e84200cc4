# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The complaint analysis: sessions that review the complaints of a period
and draw lessons, and the improvement actions that follow, each with an
owner who is reminded before its due date."""
import datetime as dt
import logging

from sql import Null, Union

from klachten_base.claim import claim
from klachten_base.department import users_by_key
from klachten_base.model import PermittedButtonsMixin, ReadonlyGuardMixin
from klachten_base.reminder import DueDateReminderMixin
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access

logger = logging.getLogger(__name__)

# the owner of an action is reminded this many days before its due date
REMINDER_DAYS = 3
ACTION_OPEN_STATES = ['open', 'in_progress']
# the kind of the owner's task of an improvement action in the inbox
IMPROVEMENT_KIND = 'improvement'
# e-mail kinds whose template lives in this module
EMAIL_KINDS = {'improvement_action_reminder'}


def _is_manager():
    "Whether the user is a coordinator or the complaints administrator"
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    return bool(set(User.get_groups()) & {
            ModelData.get_id('klachten_base', 'group_coordinator'),
            ModelData.get_id('klachten_base', 'group_admin'),
            })


class Analysis(PermittedButtonsMixin, ReadonlyGuardMixin, Workflow, ModelSQL,
        ModelView):
    __name__ = 'klachten.analysis'
    __string__ = "Complaint Analysis"

    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    date = fields.Date("Date", required=True, states=_states,
        help="When the session was held.")
    period_start = fields.Date(
        "Period Start", required=True, states=_states,
        domain=[If(Eval('period_end'),
                ('period_start', '<=', Eval('period_end')), ())],
        help="The first day of the period whose complaints are reviewed.")
    period_end = fields.Date(
        "Period End", required=True, states=_states,
        domain=[If(Eval('period_start'),
                ('period_end', '>=', Eval('period_start')), ())])
    participants = fields.Text("Participants", states=_states)
    complaints = fields.Many2Many(
        'klachten.analysis-klachten.complaint', 'analysis', 'complaint',
        "Complaints Reviewed", states=_states,
        domain=[('company', '=', Eval('company', -1))])
    lessons = fields.Text("Lessons", states=_states)
    recommendations = fields.Text(
        "Recommendations to Management", states=_states)
    actions = fields.One2Many(
        'klachten.improvement.action', 'analysis', "Improvement Actions",
        domain=[('company', '=', Eval('company', -1))])
    state = fields.Selection([
            ('draft', "Draft"),
            ('done', "Done"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {('draft', 'done'), ('done', 'draft')}
        cls._buttons.update({
                'done': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'done',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    def get_rec_name(self, name):
        return f'{self.date} ({self.period_start} - {self.period_end})'

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, analyses):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, analyses):
        pass


class AnalysisComplaint(ModelSQL):
    __name__ = 'klachten.analysis-klachten.complaint'
    __string__ = "Complaint Analysis - Complaint"

    analysis = fields.Many2One(
        'klachten.analysis', "Analysis", required=True, ondelete='CASCADE')
    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('analysis')


class ImprovementAction(DueDateReminderMixin, PermittedButtonsMixin,
        ReadonlyGuardMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'klachten.improvement.action'
    __string__ = "Improvement Action"

    _states = {'readonly': ~Eval('state').in_(ACTION_OPEN_STATES)}

    company = fields.Many2One(
        'company.company', "Company", required=True, states=_states)
    analysis = fields.Many2One(
        'klachten.analysis', "Analysis", ondelete='SET NULL',
        domain=[('company', '=', Eval('company', -1))], states=_states,
        help="The analysis session the action came from, if any.")
    description = fields.Text("Description", required=True, states=_states)
    department = fields.Many2One(
        'klachten.department', "Department", states=_states,
        help="The department that carries the action out: without a user, "
        "its members are reminded.")
    user = fields.Many2One(
        'res.user', "Owner", states=_states,
        help="The staff member who carries the action out.")
    owners = fields.Function(
        fields.Many2Many('res.user', None, None, "Owners"),
        'get_owners', searcher='search_owners')
    mine = fields.Function(
        fields.Boolean("Mine"), 'get_mine', searcher='search_mine')
    due_date = fields.Date("Due Date", states=_states)
    complaints = fields.Many2Many(
        'klachten.improvement.action-klachten.complaint', 'action',
        'complaint', "Complaints", states=_states,
        domain=[('company', '=', Eval('company', -1))])
    recommendation = fields.Boolean(
        "Recommendation to Management", states=_states,
        help="The action is a recommendation to the management.")
    result = fields.Text("Result",
        states={'readonly': Eval('state').in_(['done', 'cancelled'])},
        help="What was done and what it brought.")
    state = fields.Selection([
            ('open', "Open"),
            ('in_progress', "In Progress"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('due_date', 'ASC NULLS LAST'), ('id', 'ASC')]
        cls._transitions |= {
            ('open', 'in_progress'),
            ('open', 'done'),
            ('in_progress', 'done'),
            ('open', 'cancelled'),
            ('in_progress', 'cancelled'),
            ('cancelled', 'open'),
            ('done', 'open'),
            }
        cls._buttons.update({
                'start': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'done': {
                    'invisible': ~Eval('state').in_(ACTION_OPEN_STATES),
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(ACTION_OPEN_STATES),
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state').in_(ACTION_OPEN_STATES),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'open'

    @staticmethod
    def default_recommendation():
        return False

    def get_rec_name(self, name):
        text = (self.description or '').strip().splitlines()
        return text[0][:80] if text else str(self.id)

    @classmethod
    def _owner_pairs(cls):
        "SQL (action, user): the owner, else the department's members"
        Member = Pool().get('klachten.department.member')
        table, table2 = cls.__table__(), cls.__table__()
        member = Member.__table__()
        by_user = table.select(
            table.id.as_('action'), table.user.as_('user'),
            where=table.user != Null)
        by_department = table2.join(member,
            condition=member.department == table2.department
            ).select(table2.id.as_('action'), member.user.as_('user'),
                where=table2.user == Null)
        return Union(by_user, by_department, all_=True)

    @classmethod
    def get_owners(cls, actions, name):
        return users_by_key(cls._owner_pairs(), 'action',
            [a.id for a in actions])

    @classmethod
    def search_owners(cls, name, clause):
        _, operator, value = clause[:3]
        query = cls._owner_pairs()
        Operator = fields.SQL_OPERATORS[operator]
        return [('id', 'in', query.select(
                    query.action, where=Operator(query.user, value)))]

    def get_mine(self, name):
        return Transaction().user in {u.id for u in self.owners}

    @classmethod
    def search_mine(cls, name, clause):
        _, operator, value = clause[:3]
        domain = [('owners', '=', Transaction().user)]
        if (operator == '=') != bool(value):
            domain = [('id', 'not in', cls.search(domain, query=True))]
        return domain

    @classmethod
    def copy(cls, actions, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('reminded_at', None)
        default.setdefault('escalated_at', None)
        default.setdefault('result', None)
        return super().copy(actions, default=default)

    @classmethod
    def write(cls, *args):
        transaction = Transaction()
        if (transaction.check_access and transaction.user
                and not _is_manager()):
            # the owner reports the result, the coordinator decides the rest
            for values in args[1::2]:
                if set(values) - {'result'}:
                    raise AccessError(gettext(
                            'klachten_report.msg_improvement_action_owner'))
        rearm = []
        for actions, values in zip(args[::2], args[1::2]):
            if 'due_date' in values:
                rearm.extend(actions)
        super().write(*args)
        # a new due date deserves a new reminder
        claim(cls, rearm, {'reminded_at': None})
        follow = set()
        for actions, values in zip(args[::2], args[1::2]):
            if set(values) & {'state', 'user', 'department', 'due_date'}:
                follow.update(actions)
        cls._follow_tasks(list(follow))

    @classmethod
    def create(cls, vlist):
        actions = super().create(vlist)
        cls._follow_tasks(actions)
        return actions

    @classmethod
    def delete(cls, actions):
        Task = Pool().get('klachten.task')
        tasks = Task.open_tasks_of(actions)
        with without_check_access():
            Task.cancel(tasks)
        super().delete(actions)

    @classmethod
    def _follow_tasks(cls, actions):
        """The owner's task in the inbox follows each action: one open
        task while the action is open and has an owner, for the owner (the
        user, else the department's members), due on its due date; done
        with the action, cancelled with it or without an owner"""
        Task = Pool().get('klachten.task')
        if not actions:
            return
        with without_check_access():
            actions = cls.browse(actions)
            tasks = {t.origin.id: t for t in Task.open_tasks_of(
                    actions, [IMPROVEMENT_KIND])}
            done, cancelled = [], []
            for action in actions:
                task = tasks.get(action.id)
                user = action.user
                department = None if user else action.department
                if (action.state in ACTION_OPEN_STATES
                        and (user or department)):
                    if not task:
                        Task.open(None, IMPROVEMENT_KIND, user=user,
                            department=department,
                            due_date=action.due_date, origin=action)
                    elif (task.user, task.department, task.due_date) != (
                            user, department, action.due_date):
                        Task.write([task], {
                                'user': user.id if user else None,
                                'department': (
                                    department.id if department else None),
                                'due_date': action.due_date,
                                })
                elif task and action.state == 'done':
                    done.append(task)
                elif task:
                    cancelled.append(task)
            if done:
                Task._mark_done(done)
            if cancelled:
                Task.cancel(cancelled)

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, actions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def done(cls, actions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, actions):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, actions):
        pass

    # Reminders: klachten_base.reminder, for both open states
    @classmethod
    def send_reminders(cls):
        "Remind the owners of the actions that fall due soon, once"
        today = cls._today()
        with without_check_access():
            actions = cls.search([
                    ('state', 'in', ACTION_OPEN_STATES),
                    ('reminded_at', '=', None),
                    ('due_date', '>=', today),
                    ('due_date', '<=',
                        today + dt.timedelta(days=REMINDER_DAYS)),
                    ])
            actions = cls.browse(claim(cls, actions,
                    {'reminded_at': dt.datetime.now()},
                    lambda table: (table.reminded_at == Null)
                    & table.state.in_(ACTION_OPEN_STATES)))
            values = [v for a in actions
                for v in a._notify_owners('improvement_action_reminder')]
            if values:
                Pool().get('klachten.email').queue(values)
        logger.info("sent %d improvement action reminders", len(actions))
        return actions

    def _notify_owners(self, kind):
        "The outbox values of kind for each owner with an e-mail address"
        Notification = Pool().get('klachten.notification')
        seen, result = set(), []
        for user in self.owners:
            if not user.email or user.email in seen or not user.active:
                continue
            seen.add(user.email)
            values = Notification.values(kind, self, [user.email],
                language=user.language.code if user.language else None)
            if values:
                result.append(values)
        return result


class ImprovementActionComplaint(ModelSQL):
    __name__ = 'klachten.improvement.action-klachten.complaint'
    __string__ = "Improvement Action - Complaint"

    action = fields.Many2One(
        'klachten.improvement.action', "Action", required=True,
        ondelete='CASCADE')
    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('action')


class Task(metaclass=PoolMeta):
    __name__ = 'klachten.task'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        kind = (IMPROVEMENT_KIND, "Carry Out Improvement Action")
        if kind not in cls.kind.selection:
            cls.kind.selection.append(kind)

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['klachten.improvement.action']

    @classmethod
    def run_deadlines(cls):
        super().run_deadlines()
        Pool().get('klachten.improvement.action').send_reminders()


class Notification(metaclass=PoolMeta):
    __name__ = 'klachten.notification'

    @classmethod
    def template(cls, kind):
        if kind not in EMAIL_KINDS:
            return super().template(kind)
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Template = pool.get('ir.email.template')
        return Template(ModelData.get_id(
                'klachten_report', f'email_template_{kind}'))
