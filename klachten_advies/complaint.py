# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What advice adds to the complaint, its tasks and its e-mails."""
from klachten_base.department import assigned_to
from klachten_base.model import CorrelatedFunction, rule_searcher
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .advice import _is_coordinator
from .exceptions import AdviceNotAllowedError, WorkflowError

ADVICE_STATES = ['investigation', 'conclusion']
# e-mail kinds whose template lives in this module
EMAIL_KINDS = {'advice_request', 'advice_reminder', 'advice_withdrawn',
    'advice_overdue', 'advice_answered'}


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    advice_requests = fields.One2Many(
        'klachten.advice.request', 'complaint', "Advice Requests",
        readonly=True,
        help="Internal and external advice asked on the complaint; the "
        "answered ones are in state \"Answered\" with their advice.")
    advisors = CorrelatedFunction(
        fields.Many2Many('res.user', None, None, "Advisors",
            help="The staff members asked for advice that they have not "
            "given yet: they may read the complaint."),
        'get_advisors', searcher='search_advisors')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'request_advice_wizard': {
                    'invisible': ~Eval('state').in_(ADVICE_STATES),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def _advisor_pairs(cls):
        return Pool().get('klachten.advice.request').open_advisor_pairs()

    @classmethod
    def get_advisors(cls, complaints, name):
        return cls._get_pairs(complaints, cls._advisor_pairs())

    @classmethod
    @rule_searcher(lambda cls, clause: cls._search_pairs(
            clause, cls._advisor_pairs()))
    def search_advisors(cls, table, user_id):
        Request = Pool().get('klachten.advice.request')
        request = Request.__table__()
        return table.id.in_(request.select(request.complaint,
                where=(request.state == 'requested')
                & (request.kind == 'internal')
                & assigned_to(request, user_id, 'advisor_user',
                    'advisor_department', 'advisor_role')))

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('advice_requests', None)
        return super().copy(complaints, default=default)

    @classmethod
    @ModelView.button_action('klachten_advies.wizard_request_advice')
    def request_advice_wizard(cls, complaints):
        cls._check_advice_state(complaints)

    @classmethod
    def _check_advice_state(cls, complaints):
        for complaint in complaints:
            if complaint.state not in ADVICE_STATES:
                raise WorkflowError(gettext(
                        'klachten_base.msg_complaint_wrong_state',
                        complaint=complaint.rec_name,
                        state=complaint.state_string,
                        action=gettext(
                            'klachten_advies.msg_action_request_advice')))

    @classmethod
    def check_advice_requester(cls, complaints):
        """Refuse the current user unless they may ask advice: the handler
        while investigating, the coordinator while concluding"""
        user = Transaction().user
        if not user or _is_coordinator():
            return
        for complaint in complaints:
            if (complaint.state != 'investigation'
                    or user not in {u.id for u in complaint.handlers}):
                raise AdviceNotAllowedError(gettext(
                        'klachten_advies.msg_advice_requester',
                        complaint=complaint.rec_name))

    @classmethod
    def request_advice(cls, complaints, kind, question, due_date=None,
            **values):
        """Ask advice on each complaint; return the requests.

        values are the advice request's: advisor_department, advisor_role
        and advisor_user (internal); advisory_body, advisor_name,
        advisor_email, advisor_language and share_* (external)."""
        Request = Pool().get('klachten.advice.request')
        cls._check_advice_state(complaints)
        due_date = due_date or cls._term_end('advice', cls._today())
        requests = []
        for complaint in complaints:
            requests.append(Request.create_request({
                        'complaint': complaint,
                        'phase': complaint.state,
                        'kind': kind,
                        'question': question,
                        'due_date': due_date,
                        'requester': Transaction().user or None,
                        **values,
                        }))
        cls._apply_committee_term(
            [r.complaint for r in requests if r.committee])
        return requests

    def report_advice(self):
        return super().report_advice() + [{
                'advisor': r.advisor or '',
                'question': r.question,
                'answer': r.answer,
                'date': r.answered_at.date() if r.answered_at else None,
                } for r in self.advice_requests if r.state == 'answered']

    def _answer_term_kind(self):
        if any(r.committee for r in self.advice_requests
                if r.state != 'withdrawn'):
            return 'committee_answer'
        return super()._answer_term_kind()

    @classmethod
    def _apply_committee_term(cls, complaints):
        """The answer term of a complaint with an advisory committee: the
        committee term of the policy counted from receipt, never shorter
        than the term it had"""
        Task = Pool().get('klachten.task')
        for complaint in cls.browse(complaints):
            committee_due = cls._term_end(
                complaint._answer_term_kind(), complaint.received_date)
            if not committee_due or (complaint.answer_due
                    and committee_due <= complaint.answer_due):
                continue
            cls._write_workflow([complaint], {'answer_due': committee_due})
            with without_check_access():
                Task.write([t for t in complaint.tasks
                        if t.state == 'open' and t.kind == 'conclude'], {
                        'due_date': committee_due,
                        'reminded_at': None,
                        'escalated_at': None,
                        })

    @classmethod
    def _withdraw_advice(cls, complaints, state, reason):
        "Withdraw the pending advice of the complaints that reached state"
        Request = Pool().get('klachten.advice.request')
        complaints = cls.browse([c.id for c in complaints])
        Request.withdraw_requests([r for c in complaints if c.state == state
                for r in c.advice_requests if r.state == 'requested'],
            reason)

    def open_advice(self):
        "The advice requests of the complaint that still wait for an answer"
        return [r for r in self.advice_requests if r.state == 'requested']

    def open_advice_text(self):
        "The open advice requests, one a line (empty when there are none)"
        Lang = Pool().get('ir.lang')
        lang = Lang.get()
        lines = [gettext('klachten_advies.msg_open_advice_line',
                advisor=r.advisor or '', question=r.question,
                due_date=lang.strftime(r.due_date) if r.due_date else '')
            for r in self.open_advice()]
        return '\n'.join(lines)

    @classmethod
    def send_back(cls, complaints, remarks):
        super().send_back(complaints, remarks)
        cls._note_open_advice(complaints)

    @classmethod
    def _note_open_advice(cls, complaints):
        """Name the advice still open in the note of the coordinators'
        Evaluate task: they keep or withdraw it at their next decision"""
        Task = Pool().get('klachten.task')
        tasks = []
        for complaint in cls.browse([c.id for c in complaints]):
            listed = complaint.open_advice_text()
            if not listed:
                continue
            text = gettext('klachten_advies.msg_open_advice_note',
                requests=listed)
            for task in complaint.tasks:
                if task.kind == 'evaluate' and task.state == 'open':
                    task.note = '\n\n'.join(filter(None, [task.note, text]))
                    tasks.append(task)
        with without_check_access():
            Task.save(tasks)

    @classmethod
    def declare_admissible(cls, complaints, *args, open_advice=None,
            **kwargs):
        super().declare_admissible(complaints, *args, **kwargs)
        cls._decide_open_advice(complaints, open_advice)

    @classmethod
    def declare_inadmissible(cls, complaints, *args, open_advice=None,
            **kwargs):
        super().declare_inadmissible(complaints, *args, **kwargs)
        cls._decide_open_advice(complaints, open_advice)

    @classmethod
    def _decide_open_advice(cls, complaints, open_advice):
        """The coordinator's choice for the advice still open after a send
        back: 'withdraw' withdraws it, 'keep' (or None) keeps it"""
        if open_advice != 'withdraw':
            return
        Request = Pool().get('klachten.advice.request')
        complaints = cls.browse([c.id for c in complaints])
        Request.withdraw_requests(
            [r for c in complaints for r in c.open_advice()],
            'complaint_sent_back')

    @classmethod
    def close(cls, complaints):
        super().close(complaints)
        cls._withdraw_advice(complaints, 'closed', 'complaint_closed')

    @classmethod
    def mark_cancelled(cls, complaints):
        super().mark_cancelled(complaints)
        cls._withdraw_advice(complaints, 'cancelled', 'complaint_cancelled')


class Task(metaclass=PoolMeta):
    __name__ = 'klachten.task'

    advice_request = fields.Function(
        fields.Many2One('klachten.advice.request', "Advice Request",
            states={'invisible': Eval('kind') != 'advice'}),
        'get_advice_request')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        kind = ('advice', "Give Advice")
        if kind not in cls.kind.selection:
            cls.kind.selection.append(kind)

    @classmethod
    def _kind_terms(cls):
        return {**super()._kind_terms(), 'advice': 'advice'}

    @classmethod
    def get_advice_request(cls, tasks, name):
        Request = Pool().get('klachten.advice.request')
        result = {t.id: None for t in tasks}
        with without_check_access():
            for request in Request.search([
                        ('task', 'in', [t.id for t in tasks])]):
                result[request.task.id] = request.id
        return result

    @classmethod
    def run_deadlines(cls):
        super().run_deadlines()
        Pool().get('klachten.advice.request').run_deadlines()


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
                'klachten_advies', f'email_template_{kind}'))
