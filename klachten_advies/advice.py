# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Advice on a complaint: asked of a colleague (a task in their inbox) or
of an outside advisor (an e-mailed link to the portal)."""
import datetime as dt
import logging

import trytond.config as config
from klachten_base.claim import claim
from klachten_base.department import assignment_pairs, users_by_key
from klachten_base.model import PermittedButtonsMixin, ReadonlyGuardMixin
from klachten_base.outbox import valid_email
from klachten_base.reminder import DueDateReminderMixin
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import (
    AdviceClosedError, AdviceNotAllowedError, MissingInputError)

logger = logging.getLogger(__name__)

STATES = [
    ('requested', "Requested"),
    ('answered', "Answered"),
    ('withdrawn', "Withdrawn"),
    ('expired', "Expired"),
    ]
KINDS = [
    ('internal', "Internal"),
    ('external', "External"),
    ]
WITHDRAWALS = [
    (None, ""),
    ('requester', "By the Requester"),
    ('complaint_cancelled', "The Complaint Was Cancelled"),
    ('complaint_closed', "The Complaint Was Closed"),
    ('complaint_sent_back', "The Complaint Was Sent Back"),
    ]
# days a request stays open (and its link works) after its due date
GRACE = 7


def grace_days():
    return config.getint('klachten', 'advice_grace', default=GRACE)


class AdvisoryBody(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.advisory.body'
    __string__ = "Advisory Body"

    name = fields.Char("Name", required=True)
    contact_name = fields.Char(
        "Contact Person", help="Who the e-mail is addressed to.")
    email = fields.Char("E-mail", required=True)
    phone = fields.Char("Phone")
    language = fields.Many2One(
        'ir.lang', "Language", domain=[('translatable', '=', True)],
        help="The language of the e-mails to the body.")
    committee = fields.Boolean(
        "Advisory Committee",
        help="A complaint on which this body advises gets the answer term "
        "of a complaint with an advisory committee (Awb 9:11: ten weeks "
        "instead of six).")
    note = fields.Text("Note")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))

    @classmethod
    def default_committee(cls):
        return False

    @classmethod
    def validate_fields(cls, bodies, field_names):
        super().validate_fields(bodies, field_names)
        if 'email' in field_names:
            for body in bodies:
                if not valid_email(body.email):
                    raise MissingInputError(gettext(
                            'klachten_advies.msg_advisory_body_email',
                            email=body.email or '', body=body.name))


def _visible_in(*states):
    return {
        'invisible': ~Eval('state').in_(list(states)),
        'depends': ['state'],
        }


class AdviceRequest(DueDateReminderMixin, PermittedButtonsMixin,
        ReadonlyGuardMixin, Workflow, ModelSQL, ModelView):
    __name__ = 'klachten.advice.request'
    __string__ = "Advice Request"

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True, readonly=True,
        ondelete='CASCADE')
    phase = fields.Selection([
            ('investigation', "Investigation"),
            ('conclusion', "Conclusion"),
            ], "Phase", readonly=True,
        help="The phase of the complaint when the advice was asked.")
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    requester = fields.Many2One('res.user', "Requested By", readonly=True)
    question = fields.Text("Question", required=True, readonly=True)
    due_date = fields.Date("Due Date", readonly=True)

    # internal: the inbox of a department's role, or of one user
    advisor_department = fields.Many2One(
        'klachten.department', "Advisor Department", readonly=True,
        states={'invisible': Eval('kind') != 'internal'})
    advisor_role = fields.Many2One(
        'klachten.role', "Advisor Role", readonly=True,
        states={'invisible': Eval('kind') != 'internal'})
    advisor_user = fields.Many2One(
        'res.user', "Advisor", readonly=True,
        states={'invisible': Eval('kind') != 'internal'})
    advisors = fields.Function(
        fields.Many2Many('res.user', None, None, "Advisors",
            help="The staff members who may give the internal advice."),
        'get_advisors', searcher='search_advisors')
    task = fields.Many2One('klachten.task', "Task", readonly=True,
        states={'invisible': Eval('kind') != 'internal'})

    # external: a person or an advisory body, by e-mail
    advisory_body = fields.Many2One(
        'klachten.advisory.body', "Advisory Body", readonly=True,
        states={'invisible': Eval('kind') != 'external'})
    advisor_name = fields.Char(
        "Advisor Name", readonly=True,
        states={'invisible': Eval('kind') != 'external'})
    advisor_email = fields.Char(
        "Advisor E-mail", readonly=True,
        states={'invisible': Eval('kind') != 'external'})
    advisor_language = fields.Many2One(
        'ir.lang', "Advisor Language", readonly=True,
        states={'invisible': Eval('kind') != 'external'})
    committee = fields.Boolean(
        "Advisory Committee", readonly=True,
        help="The advice of an advisory committee lengthens the answer "
        "term of the complaint.")
    share_description = fields.Boolean(
        "Share the Description", readonly=True,
        states={'invisible': Eval('kind') != 'external'},
        help="The external advisor sees the complaint's short description, "
        "description and incident date.")
    share_report = fields.Boolean(
        "Share the Investigation Report", readonly=True,
        states={'invisible': Eval('kind') != 'external'})
    share_contact = fields.Boolean(
        "Share the Complainant's Contact Details", readonly=True,
        states={'invisible': Eval('kind') != 'external'},
        help="The external advisor sees the complainant's name, e-mail, "
        "phone and address. Off unless chosen explicitly.")
    advisor = fields.Function(fields.Char("Advisor"), 'get_advisor')

    answer = fields.Text("Advice", readonly=True)
    answered_by = fields.Many2One('res.user', "Answered By", readonly=True,
        help="Empty when the external advisor answered on the portal.")
    answered_at = fields.DateTime("Answered At", readonly=True)
    answered_via = fields.Selection([
            (None, ""),
            ('back_office', "Back Office"),
            ('portal', "Portal"),
            ], "Answered Via", readonly=True)
    answer_attachments = fields.Function(
        fields.Many2Many('ir.attachment', None, None, "Attachments",
            help="The files sent with the advice."),
        'get_answer_attachments')
    state = fields.Selection(
        STATES, "State", required=True, readonly=True, sort=False)
    withdrawal = fields.Selection(
        WITHDRAWALS, "Withdrawal", readonly=True,
        states={'invisible': Eval('state') != 'withdrawn'})
    closed_at = fields.DateTime(
        "Closed At", readonly=True,
        states={'invisible': ~Eval('state').in_(['withdrawn', 'expired'])})
    # reminded_at and escalated_at: DueDateReminderMixin
    _due_open_state = 'requested'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('complaint')
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._sql_indexes.add(Index(t, (t.complaint, Index.Range())))
        cls._transitions |= {
            ('requested', 'answered'),
            ('requested', 'withdrawn'),
            ('requested', 'expired'),
            }
        cls._buttons.update({
                'answer_wizard': _visible_in('requested'),
                'withdraw': _visible_in('requested'),
                })

    @staticmethod
    def default_state():
        return 'requested'

    @staticmethod
    def default_kind():
        return 'internal'

    @staticmethod
    def default_share_description():
        return True

    @staticmethod
    def default_share_report():
        return False

    @staticmethod
    def default_share_contact():
        return False

    @staticmethod
    def default_committee():
        return False

    def get_rec_name(self, name):
        return f'{self.complaint.rec_name}: {self.question[:40]}'

    def get_advisor(self, name):
        if self.kind == 'external':
            if self.advisory_body:
                return self.advisory_body.name
            return self.advisor_name
        if self.advisor_user:
            return self.advisor_user.rec_name
        return ' / '.join(r.rec_name for r in [
                self.advisor_department, self.advisor_role] if r)

    @classmethod
    def get_answer_attachments(cls, requests, name):
        Attachment = Pool().get('ir.attachment')
        result = {r.id: [] for r in requests}
        with without_check_access():
            for attachment in Attachment.search([
                        ('resource', 'in', [str(r) for r in requests]),
                        ]):
                result[attachment.resource.id].append(attachment.id)
        return result

    @property
    def portal_url(self):
        "The advisor's web page in the e-mail being rendered (the portal's)"
        return Transaction().context.get('portal_urls', {}).get(str(self))

    @property
    def link_expiry(self):
        "The last day the advisor's link works and the request stays open"
        due = self.due_date or Pool().get('ir.date').today()
        return due + dt.timedelta(days=grace_days())

    # Who advises: the user when set, else every member with the role
    @classmethod
    def _advisor_pairs(cls):
        "SQL query of (request, user) of the internal advisors"
        return assignment_pairs(cls, 'request',
            'advisor_user', 'advisor_department', 'advisor_role')

    @classmethod
    def open_advisor_pairs(cls):
        """SQL query of (complaint, user) for every advisor of an internal
        request that is still open: they may read the complaint"""
        request = cls.__table__()
        pairs = cls._advisor_pairs()
        return pairs.join(request, condition=pairs.request == request.id
            ).select(request.complaint.as_('complaint'),
                pairs.user.as_('user'),
                where=(request.state == 'requested')
                & (request.kind == 'internal'))

    @classmethod
    def get_advisors(cls, requests, name):
        return users_by_key(
            cls._advisor_pairs(), 'request', [r.id for r in requests])

    @classmethod
    def search_advisors(cls, name, clause):
        _, operator, value = clause[:3]
        if operator not in {'=', '!=', 'in', 'not in'}:
            value = -1
            operator = '='
        if operator in {'=', '!='} and not isinstance(value, int):
            value = -1
        query = cls._advisor_pairs()
        Operator = fields.SQL_OPERATORS[operator]
        return [('id', 'in', query.select(
                    query.request, where=Operator(query.user, value)))]

    # Creation, by Complaint.request_advice
    @classmethod
    def check_values(cls, values):
        "Refuse a request without what it needs, with a clear message"
        complaint = values['complaint']
        _require(complaint, values.get('question'), 'question')
        if values.get('kind') == 'internal':
            _require(complaint, values.get('advisor_department'),
                'advisor_department')
            if not values.get('advisor_user'):
                _require(complaint, values.get('advisor_role'),
                    'advisor_role')
                department = values['advisor_department']
                role = values['advisor_role']
                if not department.members_with_role(role):
                    raise MissingInputError(gettext(
                            'klachten_advies.msg_advice_nobody',
                            department=department.rec_name,
                            role=role.rec_name))
            if complaint.confidential:
                raise AdviceNotAllowedError(gettext(
                        'klachten_advies.msg_advice_confidential',
                        complaint=complaint.rec_name))
            user = values.get('advisor_user')
            if user and user == complaint.concerned_user:
                raise AdviceNotAllowedError(gettext(
                        'klachten_advies.msg_advice_concerned',
                        complaint=complaint.rec_name))
        else:
            if not values.get('advisory_body'):
                _require(complaint, values.get('advisor_name'),
                    'advisor_name')
            email = values.get('advisor_email')
            if not email and values.get('advisory_body'):
                email = values['advisory_body'].email
            if not valid_email(email):
                raise MissingInputError(gettext(
                        'klachten_advies.msg_advice_email',
                        email=email or ''))

    @classmethod
    def create_request(cls, values):
        "Create the request of values; open its task or send its e-mail"
        cls.check_values(values)
        body = values.get('advisory_body')
        if values['kind'] == 'external' and body:
            values.setdefault('advisor_name', None)
            values['advisor_name'] = (values['advisor_name']
                or body.contact_name or body.name)
            values['advisor_email'] = values.get('advisor_email') or body.email
            values['advisor_language'] = (values.get('advisor_language')
                or body.language)
            values['committee'] = body.committee
        request = cls(**values)
        with without_check_access():
            request.save()
        if request.kind == 'internal':
            request._open_task()
        else:
            request._send('advice_request')
        return request

    def _open_task(self):
        Task = Pool().get('klachten.task')
        task = Task(
            complaint=self.complaint, kind='advice', due_date=self.due_date,
            note=self.question,
            user=self.advisor_user, department=self.advisor_department,
            role=self.advisor_role if not self.advisor_user else None)
        with without_check_access():
            task.save()
            self.task = task
            self.save()

    def _send(self, kind, to=None, language=None):
        "Queue the e-mail of kind about this request"
        Notification = Pool().get('klachten.notification')
        if to is None:
            to = [self.advisor_email]
            language = self.advisor_language
        # rendered as root: the template checks the reader's access, and
        # an advisor no longer reads a request they have closed
        with Transaction().set_user(0):
            return Notification.queue(kind, self, to,
                language=language.code if language else None,
                complaint=self.complaint)

    def _notify_requester(self, kind):
        user = self.requester
        if user and user.email and user.active:
            self._send(kind, [user.email], user.language)

    # The state changes: each claimed by a conditional update, so that two
    # answers (or an answer and a withdrawal) at once end in one of them
    @classmethod
    def _claim(cls, requests, state, values=None):
        """Move the requests still 'requested' to state; return those this
        call moved, reloaded"""
        claimed = cls.browse(claim(cls, requests, {'state': state},
                lambda table: table.state == 'requested', touch=True))
        if claimed and values:
            with without_check_access():
                cls.write(claimed, values)
        return claimed

    @classmethod
    def _refuse_closed(cls, request):
        request = cls(request.id)
        if request.state == 'requested':
            # another transaction closed it after this one began
            raise AdviceClosedError(gettext(
                    'klachten_advies.msg_advice_changed',
                    request=request.rec_name))
        raise AdviceClosedError(gettext(
                'klachten_advies.msg_advice_closed',
                request=request.rec_name,
                state=request.state_string))

    state_string = state.translated('state')

    @classmethod
    def give_answer(cls, request, answer, files=(), via='back_office'):
        """Record the advice of request with files [(name, data)], once;
        refuse a request that is no longer open"""
        Attachment = Pool().get('ir.attachment')
        _require(request.complaint, answer, 'answer')
        user = Transaction().user if via == 'back_office' else None
        claimed = cls._claim([request], 'answered', {
                'answer': answer.strip(),
                'answered_by': user or None,
                'answered_at': dt.datetime.now(),
                'answered_via': via,
                })
        if not claimed:
            cls._refuse_closed(request)
        request, = claimed
        if files:
            with without_check_access():
                Attachment.create([{
                            'resource': str(request),
                            'name': name,
                            'type': 'data',
                            'data': data,
                            } for name, data in files])
        cls._after_close([request], 'done')
        request._notify_requester('advice_answered')
        return request

    @classmethod
    @ModelView.button_action('klachten_advies.wizard_answer')
    def answer_wizard(cls, requests):
        for request in requests:
            if request.state != 'requested':
                cls._refuse_closed(request)

    def check_may_answer(self):
        """Refuse the current user unless they are an advisor of this
        request, or (for an answer received otherwise) its requester or a
        coordinator"""
        user = Transaction().user
        if (not user or user in {u.id for u in self.advisors}
                or (self.requester and self.requester.id == user)
                or _is_coordinator()):
            return
        raise AdviceNotAllowedError(gettext(
                'klachten_advies.msg_advice_not_advisor',
                request=self.rec_name))

    @classmethod
    @ModelView.button
    def withdraw(cls, requests):
        "The requester no longer needs the advice"
        for request in requests:
            if request.state != 'requested':
                cls._refuse_closed(request)
            request.check_may_withdraw()
        claimed = cls.withdraw_requests(requests, 'requester')
        for request in requests:
            if request not in claimed:
                # answered or withdrawn by another transaction meanwhile
                cls._refuse_closed(request)
        return claimed

    def check_may_withdraw(self):
        "Refuse the current user unless they asked or handle the complaint"
        user = Transaction().user
        if (not user or (self.requester and self.requester.id == user)
                or user in {u.id for u in self.complaint.handlers}
                or _is_coordinator()):
            return
        raise AdviceNotAllowedError(gettext(
                'klachten_advies.msg_advice_not_requester',
                request=self.rec_name))

    @classmethod
    def withdraw_requests(cls, requests, reason):
        """Withdraw the open requests: their link stops working, their task
        is cancelled and the external advisor is told"""
        claimed = cls._claim(requests, 'withdrawn', {
                'withdrawal': reason,
                'closed_at': dt.datetime.now(),
                })
        cls._after_close(claimed, 'cancelled')
        for request in claimed:
            if request.kind == 'external':
                request._send('advice_withdrawn')
        return claimed

    @classmethod
    def _after_close(cls, requests, task_state):
        "Close the tasks of closed requests (and revoke their links: link.py)"
        Task = Pool().get('klachten.task')
        tasks = [r.task for r in requests
            if r.task and r.task.state == 'open']
        with without_check_access():
            if task_state == 'done':
                Task._mark_done(tasks)
            else:
                Task.cancel(tasks)

    # The deadline cron (klachten.task|run_deadlines)
    @classmethod
    def run_deadlines(cls):
        "Expire, remind and escalate; each at most once per request"
        with without_check_access():
            cls.expire()
            cls.send_reminders()
            cls.escalate()

    @classmethod
    def expire(cls):
        "Close the requests whose grace after the due date passed"
        today = cls._today()
        requests = cls.search([
                ('state', '=', 'requested'),
                ('due_date', '<', today - dt.timedelta(days=grace_days())),
                ])
        claimed = cls._claim(requests, 'expired',
            {'closed_at': dt.datetime.now()})
        cls._after_close(claimed, 'cancelled')
        logger.info("expired %d advice requests", len(claimed))
        return claimed

    @classmethod
    def send_reminders(cls):
        """Remind the external advisors whose advice falls due soon (the
        task reminds internal advisors), with a new link"""
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        days = Configuration(1).reminder_days('advice')
        if days is None:
            return []
        today = cls._today()
        requests = cls._claim_reminders(today, [
                ('kind', '=', 'external'),
                ('due_date', '<=', today + dt.timedelta(days=days)),
                ])
        for request in requests:
            request._send('advice_reminder')
        logger.info("reminded %d external advisors", len(requests))
        return requests

    @classmethod
    def escalate(cls):
        "Tell the requester of advice that is overdue, once"
        today = cls._today()
        requests = cls._claim_escalations(today)
        for request in requests:
            request._notify_requester('advice_overdue')
        logger.info("escalated %d overdue advice requests", len(requests))
        return requests

    @classmethod
    def copy(cls, requests, default=None):
        if not requests:
            return []
        raise AdviceNotAllowedError(gettext(
                'klachten_advies.msg_advice_no_copy'))

    @classmethod
    def delete(cls, requests):
        # the register keeps every request, unless the retention rule
        # deletes its complaint
        if Transaction().context.get('_klachten_retention') == 'delete':
            return super().delete(requests)
        if not requests:
            return
        raise AdviceNotAllowedError(gettext(
                'klachten_advies.msg_advice_no_delete'))


def _require(complaint, value, field):
    "Refuse an empty value of field, naming it"
    if not value or (isinstance(value, str) and not value.strip()):
        raise MissingInputError(gettext(
                'klachten_base.msg_complaint_missing_input',
                complaints=complaint.rec_name,
                field=gettext(f'klachten_advies.msg_field_{field}')))


def _is_coordinator():
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    groups = set(User.get_groups())
    return bool(groups & {
            ModelData.get_id('klachten_base', 'group_coordinator'),
            ModelData.get_id('klachten_base', 'group_admin'),
            })
