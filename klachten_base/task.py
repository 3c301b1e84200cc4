# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The task inbox: what each staff member must do, and by when."""
import datetime as dt
import logging
from contextlib import contextmanager
from contextvars import ContextVar

from sql import Null, Union

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If, PYSONDecoder
from trytond.transaction import Transaction, without_check_access

from .department import (
    assigned_to, assignment_pairs, memberships, users_by_key)
from .exceptions import WorkflowError
from .model import (
    CorrelatedFunction, PermittedButtonsMixin, ReadonlyGuardMixin,
    rule_searcher)
from .notification import BatchTranslatedSelection
from .reminder import DueDateReminderMixin

logger = logging.getLogger(__name__)
# the e-mails of a deadline cron's run waiting for its one create
_outbox = ContextVar('klachten_task_outbox', default=None)


KINDS = [
    ('evaluate', "Evaluate"),
    ('take_notice', "Take Notice"),
    ('information', "Await Information"),
    ('investigate', "Investigate"),
    ('redo', "Redo the Investigation"),
    ('conclude', "Conclude"),
    ('feedback', "Await Feedback"),
    ('handle_informal', "Handle Informal Complaint"),
    ]
# the term of the policy that gives each kind its due date
KIND_TERMS = {
    'evaluate': 'evaluation',
    'take_notice': 'take_notice',
    'information': 'information',
    'investigate': 'report',
    'redo': 'redo',
    'conclude': 'answer',
    'feedback': 'feedback',
    'handle_informal': 'informal',
    }


class Task(DueDateReminderMixin, PermittedButtonsMixin, ReadonlyGuardMixin,
        Workflow, ModelSQL, ModelView):
    __name__ = 'klachten.task'
    __string__ = "Task"

    # a task hangs on a complaint or, without one, on another record (an
    # improvement action, a draft decision): its origin
    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", readonly=True, ondelete='CASCADE',
        states={
            'required': ~Eval('origin'),
            'invisible': ~Eval('complaint') & Bool(Eval('origin')),
            })
    origin = fields.Reference(
        "Origin", selection='get_origins', readonly=True,
        states={'invisible': Bool(Eval('complaint'))},
        help="What the task is about when it is not a complaint.")
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    department = fields.Many2One(
        'klachten.department', "Department", readonly=True)
    role = fields.Many2One('klachten.role', "Role", readonly=True)
    group = fields.Many2One('res.group', "Group", readonly=True,
        help="Every member of the group may do the task.")
    assignees = CorrelatedFunction(
        fields.Many2Many('res.user', None, None, "Assignees"),
        'get_assignees', searcher='search_assignees')
    mine = fields.Function(
        fields.Boolean("Mine"), 'get_mine', searcher='search_mine')
    my_department = fields.Function(
        fields.Boolean("My Department"),
        'get_my_department', searcher='search_my_department')
    due_date = fields.Date("Due Date", readonly=True)
    days_left = fields.Function(
        fields.Integer("Days Left"), 'get_deadline')
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_deadline', searcher='search_overdue')
    note = fields.Text("Note", readonly=True,
        help="What the person who opened the task said.")
    comment = fields.Text(
        "Comment", states={'readonly': Eval('state') != 'open'},
        help="Your comment when you close the task (optional).")
    state = fields.Selection([
            ('open', "Open"),
            ('done', "Done"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    done_by = fields.Many2One('res.user', "Done By", readonly=True)
    done_at = fields.DateTime("Done At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('complaint')
        cls._order = [('due_date', 'ASC NULLS LAST'), ('id', 'ASC')]
        cls._sql_indexes.update({
                Index(t, (t.complaint, Index.Range())),
                Index(t, (t.origin, Index.Equality()),
                    where=t.origin != Null),
                # the assignees (rules and inboxes) and the default order
                Index(t, (t.user, Index.Range())),
                Index(t,
                    (t.department, Index.Range()),
                    (t.role, Index.Range())),
                Index(t, (t.group, Index.Range())),
                # the rules' branches: unnamed tasks of a department and
                # role, of a group and open, a user's open tasks; without
                # them PostgreSQL plans against the millions of done tasks
                # without user (and compiles the plan with JIT)
                Index(t,
                    (t.department, Index.Range()),
                    (t.role, Index.Range()),
                    where=t.user == Null),
                Index(t, (t.group, Index.Range()),
                    where=(t.state == 'open') & (t.user == Null)),
                Index(t, (t.user, Index.Range()), where=t.state == 'open'),
                Index(t, (t.due_date, Index.Range()), (t.id, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'open'),
                })
        cls._transitions |= {('open', 'done'), ('open', 'cancelled')}
        cls._buttons.update({
                'do': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'take_notice_wizard': {
                    'invisible': ((Eval('state') != 'open')
                        | ~Eval('kind').in_(list(cls._manual_kinds()))),
                    'depends': ['state', 'kind'],
                    },
                })

    @staticmethod
    def default_state():
        return 'open'

    @classmethod
    def view_attributes(cls):
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('overdue', False), 'danger', '')),
            ]

    def get_rec_name(self, name):
        about = self.complaint or self.origin
        return f'{self.kind_string}: {about.rec_name if about else ""}'

    @classmethod
    def _get_origins(cls):
        "The models a task may hang on instead of a complaint (modules add)"
        return []

    @classmethod
    def get_origins(cls):
        pool = Pool()
        IrModel = pool.get('ir.model')
        ModelAccess = pool.get('ir.model.access')
        # only the models the user may read: core takes a Reference field
        # out of every view of a user who cannot read one model of its
        # selection (a handler lost the origin column when the mailbox
        # became an origin); records are validated without access checks
        return [(None, '')] + [
            (m, IrModel.get_name(m)) for m in cls._get_origins()
            if ModelAccess.check(m, 'read', raise_exception=False)]

    # its label read once per language within a batch of e-mails
    kind_string = BatchTranslatedSelection('kind')

    # Who may do the task: one SQL definition for rules, menus and mails
    @classmethod
    def _assignee_pairs(cls):
        pool = Pool()
        UserGroup = pool.get('res.user-res.group')
        task = cls.__table__()
        user_group = UserGroup.__table__()
        by_group = task.join(user_group, condition=(
                user_group.group == task.group)
            ).select(task.id.as_('task'), user_group.user.as_('user'),
                where=(task.user == Null) & (task.group != Null))
        # a task without complaint for a department without role (an
        # improvement action's): every member of the department
        Member = pool.get('klachten.department.member')
        task2 = cls.__table__()
        member = Member.__table__()
        by_department = task2.join(member, condition=(
                member.department == task2.department)
            ).select(task2.id.as_('task'), member.user.as_('user'),
                where=(task2.complaint == Null) & (task2.user == Null)
                & (task2.role == Null))
        return Union(
            Union(
                assignment_pairs(cls, 'task', 'user', 'department', 'role'),
                by_group, all_=True),
            by_department, all_=True)

    @classmethod
    def _search_assignee_pairs(cls, clause):
        _, operator, value = clause[:3]
        query = cls._assignee_pairs()
        Operator = fields.SQL_OPERATORS[operator]
        return [('id', 'in', query.select(
                    query.task, where=Operator(query.user, value)))]

    @classmethod
    @rule_searcher(lambda cls, clause: cls._search_assignee_pairs(clause))
    def search_assignees(cls, table, user_id):
        """The tasks of user_id, as _assignee_pairs: a condition on the
        task's own columns, which the database combines with the open
        state"""
        members, groups = memberships(user_id)
        condition = assigned_to(table, user_id, 'user', 'department', 'role')
        if groups:
            condition |= ((table.user == Null) & (table.group != Null)
                & table.group.in_(groups))
        departments = sorted({d for d, _, _ in members})
        if departments:
            condition |= ((table.complaint == Null) & (table.user == Null)
                & (table.role == Null) & table.department.in_(departments))
        return condition

    @classmethod
    def get_assignees(cls, tasks, name):
        return users_by_key(
            cls._assignee_pairs(), 'task', [t.id for t in tasks])

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
    def _my_departments(cls):
        pool = Pool()
        Member = pool.get('klachten.department.member')
        with without_check_access():
            members = Member.search([('user', '=', Transaction().user)])
        return list({m.department.id for m in members})

    def get_my_department(self, name):
        departments = self._my_departments()
        return bool(
            (self.department and self.department.id in departments)
            or (self.complaint and self.complaint.handler_department
                and self.complaint.handler_department.id in departments))

    @classmethod
    def search_my_department(cls, name, clause):
        departments = cls._my_departments() or [-1]
        domain = ['OR',
            ('department', 'in', departments),
            ('complaint.handler_department', 'in', departments),
            ]
        _, operator, value = clause[:3]
        if (operator == '=') != bool(value):
            domain = [('id', 'not in', cls.search(domain, query=True))]
        return domain

    @classmethod
    def get_deadline(cls, tasks, names):
        "The days left and whether late, of a page of tasks at once"
        today = cls._today()
        result = {n: {} for n in names}
        for task in tasks:
            due = task.due_date if task.state == 'open' else None
            if 'days_left' in result:
                result['days_left'][task.id] = (
                    (due - today).days if due else None)
            if 'overdue' in result:
                result['overdue'][task.id] = bool(due and due < today)
        return result

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        domain = [
            ('state', '=', 'open'),
            ('due_date', '<', cls._today()),
            ]
        if (operator == '=') != bool(value):
            domain = [('id', 'not in', cls.search(domain, query=True))]
        return domain

    @classmethod
    def validate_fields(cls, tasks, field_names):
        super().validate_fields(tasks, field_names)
        if field_names & {'complaint', 'user', 'department', 'role'}:
            for task in tasks:
                if not task.complaint:
                    continue
                # never a task for the staff member the complaint is about
                task.complaint.check_assignment(user=task.user,
                    department=task.department, role=task.role)

    # Opened and closed by the complaint's workflow (or the origin's)
    @classmethod
    def open(cls, complaint, kind, user=None, department=None, role=None,
            group=None, due_date=None, note=None, origin=None):
        """Open a task of kind on complaint (or, with complaint None, on
        origin), unless the same one is open"""
        if complaint:
            tasks = complaint.tasks
        else:
            with without_check_access():
                tasks = cls.search([
                        ('complaint', '=', None),
                        ('origin', '=', str(origin)),
                        ('state', '=', 'open'),
                        ])
        for task in tasks:
            if (task.state == 'open' and task.kind == kind
                    and task.user == user and task.group == group
                    and task.department == department):
                return task
        task = cls(
            complaint=complaint, origin=origin, kind=kind, user=user,
            department=department, role=role, group=group,
            due_date=due_date, note=note)
        with without_check_access():
            task.save()
        return task

    @classmethod
    def close(cls, complaints, kinds=None, state='done'):
        "Close the open tasks of kinds (all when None) of complaints"
        domain = [
            ('complaint', 'in', [c.id for c in complaints]),
            ('state', '=', 'open'),
            ]
        if kinds is not None:
            domain.append(('kind', 'in', list(kinds)))
        with without_check_access():
            tasks = cls.search(domain)
            if state == 'done':
                cls._mark_done(tasks)
            else:
                cls.cancel(tasks)

    @classmethod
    def open_tasks_of(cls, origins, kinds=None):
        "The open tasks of kinds (all when None) hanging on origins"
        domain = [
            ('origin', 'in', [str(o) for o in origins]),
            ('state', '=', 'open'),
            ]
        if kinds is not None:
            domain.append(('kind', 'in', list(kinds)))
        with without_check_access():
            return cls.search(domain)

    @classmethod
    def close_origins(cls, origins, kinds=None, state='done'):
        "Close the open tasks of kinds (all when None) of origins"
        tasks = cls.open_tasks_of(origins, kinds)
        with without_check_access():
            if state == 'done':
                cls._mark_done(tasks)
            else:
                cls.cancel(tasks)

    @classmethod
    def _mark_done(cls, tasks):
        cls.write(tasks, {
                'done_by': Transaction().user or None,
                'done_at': dt.datetime.now(),
                })
        cls.done(tasks)

    @classmethod
    @Workflow.transition('done')
    def done(cls, tasks):
        pass

    @classmethod
    @Workflow.transition('cancelled')
    def cancel(cls, tasks):
        pass

    @classmethod
    @ModelView.button
    def do(cls, tasks):
        "Close a task by hand: taking notice, with an optional comment"
        for task in tasks:
            if task.state != 'open':
                raise WorkflowError(gettext(
                        'klachten_base.msg_task_closed', task=task.rec_name))
            if (task.kind not in cls._manual_kinds()
                    or Transaction().user not in {
                        u.id for u in task.assignees}):
                raise WorkflowError(gettext(
                        'klachten_base.msg_task_not_manual',
                        task=task.rec_name))
        cls._mark_done(tasks)
        for task in tasks:
            if task.comment and task.complaint:
                task.complaint._post_comment(task.comment)

    @classmethod
    @ModelView.button_action('klachten_base.wizard_task_take_notice')
    def take_notice_wizard(cls, tasks):
        "Done, with the comment offered first"

    @classmethod
    def _kind_terms(cls):
        "The term of the policy that gives each kind its due date"
        return dict(KIND_TERMS)

    @classmethod
    def _manual_kinds(cls):
        "Kinds a person closes by hand; the workflow closes the others"
        return {'take_notice'}

    # Reminders and escalation: klachten_base.reminder
    @classmethod
    def _reminder_domain(cls, today):
        "The clause of the tasks in the reminder window of their kind"
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        config = Configuration(1)
        kinds = ['OR']
        for kind, term in cls._kind_terms().items():
            days = config.reminder_days(term)
            if days is not None:
                kinds.append([
                        ('kind', '=', kind),
                        ('due_date', '<=', today + dt.timedelta(days=days)),
                        ])
        if len(kinds) == 1:
            return None
        return kinds

    @classmethod
    def send_reminders(cls):
        "Cron: remind the assignees of tasks that fall due soon, once"
        today = cls._today()
        domain = cls._reminder_domain(today)
        if domain is None:
            return []
        with without_check_access():
            tasks = cls._claim_reminders(today, [domain])
            cls._queue(cls._notify_tasks('reminder', tasks,
                    {t.id: t.assignees for t in tasks}))
        logger.info("sent %d task reminders", len(tasks))
        return tasks

    @classmethod
    def _queue(cls, values_list):
        """Put the e-mails of one phase in the outbox at once (within
        _one_outbox: at its end, with those of the other phases)"""
        pending = _outbox.get()
        if pending is not None:
            pending.extend(values_list)
        elif values_list:
            Pool().get('klachten.email').queue(values_list)

    @classmethod
    @contextmanager
    def _one_outbox(cls):
        """Within it the phases' e-mails wait, and go in the outbox in one
        create at its end, in the order they were queued"""
        if _outbox.get() is not None:
            yield
            return
        pending = []
        token = _outbox.set(pending)
        try:
            yield
        finally:
            _outbox.reset(token)
        if pending:
            Pool().get('klachten.email').queue(pending)

    @classmethod
    def escalate(cls):
        "Cron: tell the coordinators (and department heads) of late tasks"
        today = cls._today()
        with without_check_access():
            # those of another origin: its module reminds and escalates
            tasks = cls._claim_escalations(today, [
                    ('kind', 'not in', ['take_notice', 'feedback']),
                    ('complaint', '!=', None),
                    ])
            cls._queue(cls._notify_tasks('escalation', tasks,
                    cls._escalation_users(tasks)))
        logger.info("escalated %d late tasks", len(tasks))
        return tasks

    @classmethod
    def _escalation_users(cls, tasks):
        "The users to tell of each late task, by task id"
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        Complaint = pool.get('klachten.complaint')
        if not tasks:
            return {}
        coordinators = list(Complaint._coordinators().users)
        to_head = Configuration(1).escalate_to_head
        return {t.id: coordinators + (
                list(t.complaint.department_heads) if to_head else [])
            for t in tasks}

    @classmethod
    def _notify_tasks(cls, kind, tasks, users):
        """The outbox values of kind for each task and each of its users
        (users: task id -> users) with an e-mail address, in the order of
        tasks; each template read once per language, the tasks read in
        one batch per language"""
        pool = Pool()
        Notification = pool.get('klachten.notification')
        wanted = {}  # language -> [(position, task, address)]
        position = 0
        for task in tasks:
            seen = set()
            for user in users.get(task.id, []):
                if not user.email or user.email in seen or not user.active:
                    continue
                seen.add(user.email)
                language = user.language.code if user.language else None
                wanted.setdefault(language, []).append(
                    (position, task, user.email))
                position += 1
        result = []
        with Notification.batch():
            for language, items in wanted.items():
                context = {'language': language} if language else {}
                with Transaction().set_context(**context):
                    records = {r.id: r for r in cls.browse(
                            list({t.id: None for _, t, _ in items}))}
                    for position, task, address in items:
                        values = Notification.values(
                            kind, records[task.id], [address],
                            language=language, complaint=task.complaint)
                        if values:
                            result.append((position, values))
        return [v for _, v in sorted(result, key=lambda r: r[0])]

    @classmethod
    def run_deadlines(cls):
        "Cron: the feedback term, reminders and escalations"
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        # first: its lock may restart the transaction, which then repeats
        # nothing else
        Complaint.close_expired_feedback()
        # the reminders' and escalations' e-mails created at once
        with cls._one_outbox():
            cls.send_reminders()
            cls.escalate()


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def domain_get(cls, model_name, mode='read'):
        """A task reaches its complaint through __access__: the complaint's
        rules decide, as core does. A task without complaint (an
        improvement action's, a draft decision's) would be hidden from
        everyone by them: it is read under the task's own rules only (the
        assignees; coordinators and the complaints administrator all)."""
        domain = super().domain_get(model_name, mode=mode)
        if model_name != 'klachten.task' or not domain:
            return domain
        return ['OR',
            [('complaint', '!=', None), domain],
            [('complaint', '=', None), cls._task_own_domain(mode)],
            ]

    @classmethod
    def _task_own_domain(cls, mode):
        """The rules of klachten.task itself, without the complaint's, for
        the user's groups: its rule groups are ORed (one without rules
        allows all), the global ones ANDed; none of them allows nothing"""
        pool = Pool()
        RuleGroup = pool.get('ir.rule.group')
        User = pool.get('res.user')
        key = ('klachten.task', mode, 'own') + cls._get_cache_key(
            {'klachten.task'})
        domain = cls._domain_get_cache.get(key, False)
        if domain is not False:
            return domain
        decoder = PYSONDecoder(cls._get_context('klachten.task'))
        own, own_global = [], []
        with without_check_access():
            for group in RuleGroup.search([
                        ('model', '=', 'klachten.task'),
                        (f'perm_{mode}', '=', True),
                        ['OR',
                            ('groups', 'in', list(User.get_groups())),
                            ('default_p', '=', True),
                            ('global_p', '=', True),
                            ],
                        ]):
                clause = ['OR'] + [
                    decoder.decode(r.domain) for r in group.rules]
                if group.global_p:
                    own_global.append(clause)
                elif not group.rules:
                    own.append([])
                else:
                    own.append(clause)
        domain = ['OR'] + own if own else [('id', '=', -1)]
        if own_global:
            domain = ['AND', domain] + own_global
        return cls._domain_get_cache.set(key, domain)
