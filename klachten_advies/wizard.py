# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Ask advice on a complaint, and give it in the back office.

The wizards collect and authorise; the models' own methods check the
state and the input and do the work."""
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .advice import KINDS

_INTERNAL = Eval('kind') != 'internal'
_EXTERNAL = Eval('kind') != 'external'


class RequestAdviceStart(ModelView):
    __name__ = 'klachten.complaint.request_advice.start'
    __string__ = "Request Advice"

    kind = fields.Selection(KINDS, "Advice", required=True)
    question = fields.Text("Question", required=True)
    due_date = fields.Date(
        "Advice Expected By", required=True,
        help="From the advice term of the policy; reminders and the "
        "escalation follow it.")
    advisor_department = fields.Many2One(
        'klachten.department', "Department",
        states={'required': ~_INTERNAL, 'invisible': _INTERNAL})
    advisor_role = fields.Many2One(
        'klachten.role', "Role",
        states={
            'required': ~_INTERNAL & ~Eval('advisor_user'),
            'invisible': _INTERNAL,
            })
    advisor_user = fields.Many2One(
        'res.user', "User",
        domain=[('id', 'in', Eval('advisor_candidates', []))],
        states={'invisible': _INTERNAL},
        help="Leave empty to give the task to everyone with the role.")
    advisor_candidates = fields.Function(
        fields.Many2Many('res.user', None, None, "Advisor Candidates"),
        'on_change_with_advisor_candidates')
    advisory_body = fields.Many2One(
        'klachten.advisory.body', "Advisory Body",
        states={'invisible': _EXTERNAL},
        help="Pick a body of the list, or type a name and an e-mail.")
    advisor_name = fields.Char(
        "Name", states={
            'required': ~_EXTERNAL & ~Eval('advisory_body'),
            'invisible': _EXTERNAL,
            })
    advisor_email = fields.Char(
        "E-mail", states={
            'required': ~_EXTERNAL & ~Eval('advisory_body'),
            'invisible': _EXTERNAL,
            })
    advisor_language = fields.Many2One(
        'ir.lang', "Language", domain=[('translatable', '=', True)],
        states={'invisible': _EXTERNAL})
    committee = fields.Boolean(
        "Advisory Committee", readonly=True,
        states={'invisible': _EXTERNAL | ~Bool(Eval('committee'))},
        help="The complaint gets the answer term of a complaint with an "
        "advisory committee.")
    share_description = fields.Boolean(
        "Share the Description", states={'invisible': _EXTERNAL},
        help="The advisor sees the complaint's short description, "
        "description and incident date.")
    share_report = fields.Boolean(
        "Share the Investigation Report", states={'invisible': _EXTERNAL})
    share_contact = fields.Boolean(
        "Share the Complainant's Contact Details",
        states={'invisible': _EXTERNAL},
        help="Only when the advice needs them: name, e-mail, phone and "
        "address of the complainant.")

    @fields.depends('advisor_department', 'advisor_role')
    def on_change_with_advisor_candidates(self, name=None):
        if not self.advisor_department:
            return []
        members = self.advisor_department.members
        return list({m.user.id for m in members if m.user.active and (
                    not self.advisor_role or m.role == self.advisor_role)})

    @fields.depends('advisor_user',
        methods=['on_change_with_advisor_candidates'])
    def on_change_advisor_department(self):
        if (self.advisor_user and self.advisor_user.id
                not in self.on_change_with_advisor_candidates()):
            self.advisor_user = None

    on_change_advisor_role = on_change_advisor_department

    @fields.depends('advisory_body')
    def on_change_advisory_body(self):
        body = self.advisory_body
        if body:
            self.advisor_name = body.contact_name or body.name
            self.advisor_email = body.email
            self.advisor_language = body.language
        self.committee = bool(body and body.committee)


class RequestAdvice(Wizard):
    "Ask advice on a complaint"
    __name__ = 'klachten.complaint.request_advice'
    start = StateView(
        'klachten.complaint.request_advice.start',
        'klachten_advies.complaint_request_advice_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Request Advice", 'confirm', 'tryton-email',
                default=True),
            ])
    confirm = StateTransition()

    def default_start(self, fields):
        Complaint = Pool().get('klachten.complaint')
        return {
            'kind': 'internal',
            'due_date': Complaint._term_end('advice', Complaint._today()),
            'share_description': True,
            'share_report': False,
            'share_contact': False,
            }

    def _values(self):
        start = self.start
        values = {
            'kind': start.kind,
            'question': start.question,
            'due_date': start.due_date,
            }
        if start.kind == 'internal':
            names = ['advisor_department', 'advisor_role', 'advisor_user']
        else:
            names = ['advisory_body', 'advisor_name', 'advisor_email',
                'advisor_language', 'share_description', 'share_report',
                'share_contact']
        values.update({n: getattr(start, n) for n in names})
        return values

    def transition_confirm(self):
        Complaint = Pool().get('klachten.complaint')
        complaints = list(self.records)
        # The wizard runs as the user: refuse complaints they cannot see
        Complaint.read([c.id for c in complaints], ['id'])
        Complaint.check_advice_requester(complaints)
        with without_check_access():
            Complaint.request_advice(complaints, **self._values())
        return 'end'

    def end(self):
        return 'reload'


class AnswerStart(ModelView):
    __name__ = 'klachten.advice.request.answer.start'
    __string__ = "Give Advice"

    question = fields.Text("Question", readonly=True)
    answer = fields.Text("Advice", required=True)
    files = fields.One2Many(
        'klachten.advice.request.answer.file', 'start', "Files",
        help="The files that go with the advice (optional): add a line "
        "for each file.")


class AnswerFile(ModelView):
    __name__ = 'klachten.advice.request.answer.file'
    __string__ = "Advice File"

    start = fields.Many2One('klachten.advice.request.answer.start', "Start")
    data = fields.Binary("File", filename='name', required=True)
    name = fields.Char("File Name", required=True)


class Answer(Wizard):
    "Give the advice of a request in the back office"
    __name__ = 'klachten.advice.request.answer'
    start = StateView(
        'klachten.advice.request.answer.start',
        'klachten_advies.advice_request_answer_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Give Advice", 'confirm', 'tryton-ok', default=True),
            ])
    confirm = StateTransition()

    def default_start(self, fields):
        return {'question': self.record.question}

    def _files(self):
        "(name, data) of each file, numbered where names repeat"
        files, seen = [], set()
        for file in self.start.files:
            if not file.data:
                continue
            base = (file.name or '').strip() or 'advice'
            name, number = base, 1
            while name.lower() in seen:
                number += 1
                stem, dot, ext = base.rpartition('.')
                name = (f'{stem} ({number}).{ext}' if dot
                    else f'{ext} ({number})')
            seen.add(name.lower())
            files.append((name, file.data))
        return files

    def transition_confirm(self):
        Request = Pool().get('klachten.advice.request')
        request = self.record
        # As the user: refuse requests they cannot see or do not advise on
        Request.read([request.id], ['id'])
        request.check_may_answer()
        with without_check_access():
            Request.give_answer(request, self.start.answer, self._files())
        return 'end'

    def end(self):
        return 'reload'


_NO_OPEN_ADVICE = ~Eval('open_advice_list')
OPEN_ADVICE = [
    (None, ""),
    ('keep', "Keep It"),
    ('withdraw', "Withdraw It"),
    ]


class DecisionStartMixin:
    "The choice for the advice still open after a send back"
    __slots__ = ()
    open_advice = fields.Selection(
        OPEN_ADVICE, "Open Advice",
        states={
            'invisible': _NO_OPEN_ADVICE,
            'required': ~_NO_OPEN_ADVICE,
            },
        help="The complaint was sent back while this advice was still "
        "open: keep it for the next handling, or withdraw it (the advisor "
        "is told and need not answer).")
    open_advice_list = fields.Text(
        "Open Advice Requests", readonly=True,
        states={'invisible': _NO_OPEN_ADVICE})


class DecisionMixin:
    "Offer the choice on the open advice; pass it to the decision"
    __slots__ = ()

    def default_start(self, fields):
        values = super().default_start(fields)
        values['open_advice_list'] = self.record.open_advice_text() or None
        return values

    def _values(self):
        return {**super()._values(), 'open_advice': self.start.open_advice}


class AdmissibleStart(DecisionStartMixin, metaclass=PoolMeta):
    __name__ = 'klachten.complaint.admissible.start'


class InadmissibleStart(DecisionStartMixin, metaclass=PoolMeta):
    __name__ = 'klachten.complaint.inadmissible.start'


class Admissible(DecisionMixin, metaclass=PoolMeta):
    __name__ = 'klachten.complaint.admissible'


class Inadmissible(DecisionMixin, metaclass=PoolMeta):
    __name__ = 'klachten.complaint.inadmissible'
