# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The informal track (seed 004 steps 1-7): an informal complaint is
registered, acknowledged and handled by the coordinators within its own
term (7 days), answered by phone, in a meeting or by letter with a written
summary, or made formal on the complainant's request, keeping its number
and history.

It has no state of its own: it waits in the evaluation phase, where the
coordinators' task is Handle Informal Complaint instead of Evaluate."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .complaint import BASES
from .exceptions import WorkflowError
from .wizard import ComplaintWizard, _start

INFORMAL_TERM = 'informal'
ANSWER_BY = [
    (None, ""),
    ('phone', "By Phone"),
    ('meeting', "In a Meeting"),
    ('letter', "By Letter"),
    ]
# the template that replaces a kind's for an informal complaint
INFORMAL_TEMPLATES = {
    'acknowledgement': 'acknowledgement_informal',
    'conclusion': 'informal_answer',
    }


def _informal_buttons():
    return {
        'invisible': ((Eval('state') != 'evaluation')
            | (Eval('track') != 'informal')),
        'depends': ['state', 'track'],
        }


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    informal_answer_by = fields.Selection(
        ANSWER_BY, "Informal Answer By", readonly=True,
        states={'invisible': ~Eval('informal_answer_by')},
        help="How the informal complaint was answered; the reply holds the "
        "written summary.")
    converted_date = fields.Date(
        "Made Formal On", readonly=True,
        states={'invisible': ~Eval('converted_date')},
        help="When the informal complaint became a formal one, on the "
        "complainant's request; its terms started again that day.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # once registered, only Make Formal changes the track (and its
        # terms with it)
        cls.track.states = {
            **(cls.track.states or {}),
            'readonly': Eval('state') != 'draft',
            }
        cls._buttons.update({
                'answer_informal_wizard': _informal_buttons(),
                'make_formal': _informal_buttons(),
                })

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('informal_answer_by', None)
        default.setdefault('converted_date', None)
        return super().copy(complaints, default=default)

    def _answer_term_kind(self):
        if (self.track == 'informal'
                and self._configuration().get_term(INFORMAL_TERM)):
            return INFORMAL_TERM
        return super()._answer_term_kind()

    @classmethod
    def _open_task(cls, complaints, kind, due=None, note=None, **assignment):
        "An informal complaint's coordinators handle it, not evaluate it"
        if kind != 'evaluate':
            return super()._open_task(
                complaints, kind, due=due, note=note, **assignment)
        for complaint in complaints:
            if complaint.track == 'informal':
                super()._open_task([complaint], 'handle_informal',
                    due=due or complaint.answer_due, note=note, **assignment)
            else:
                super()._open_task([complaint], kind, due=due, note=note,
                    **assignment)

    @classmethod
    def _close_tasks(cls, complaints, kinds=None, state='done'):
        if kinds is not None and 'evaluate' in kinds:
            kinds = list(kinds) + ['handle_informal']
        super()._close_tasks(complaints, kinds, state=state)

    @classmethod
    def _check_informal(cls, complaints, action):
        cls._check_state(complaints, {'evaluation'}, action)
        for complaint in complaints:
            if complaint.track != 'informal':
                raise WorkflowError(gettext(
                        'klachten_base.msg_complaint_not_informal',
                        complaint=complaint.rec_name,
                        action=gettext(f'klachten_base.msg_action_{action}')))

    @classmethod
    @ModelView.button_action('klachten_base.wizard_answer_informal')
    def answer_informal_wizard(cls, complaints):
        cls._check_informal(complaints, 'answer_informal')

    @classmethod
    def answer_informal(cls, complaints, answer_by, summary, basis,
            inform=True):
        """Close informal complaints answered by phone, in a meeting or by
        letter, with the written summary sent to the complainant"""
        cls._check_informal(complaints, 'answer_informal')
        cls._require(complaints, answer_by, 'informal_answer_by')
        cls._require(complaints, summary, 'informal_summary')
        cls._require(complaints, basis, 'basis')
        cls._write_workflow(complaints, {
                'informal_answer_by': answer_by,
                'reply': summary,
                'basis': basis,
                'decision_date': cls._today(),
                })
        cls._close_tasks(complaints, ['handle_informal'])
        if inform:
            cls._notify(complaints, 'conclusion', summary)
        cls.close(complaints)

    @classmethod
    @ModelView.button
    def make_formal(cls, complaints):
        """The complainant asks for the formal procedure: the complaint
        keeps its number and history, its terms start again today and the
        coordinators evaluate it"""
        cls._check_informal(complaints, 'make_formal')
        today = cls._today()
        cls._write_workflow(complaints, {
                'track': 'formal',
                'converted_date': today,
                })
        for complaint in cls.browse([c.id for c in complaints]):
            cls._write_workflow([complaint], {
                    'acknowledgement_due': cls._term_end(
                        'acknowledgement', today),
                    'report_due': cls._term_end('report', today),
                    'answer_due': cls._term_end(
                        complaint._answer_term_kind(), today),
                    })
        cls._close_tasks(complaints, ['handle_informal'])
        complaints = cls.browse([c.id for c in complaints])
        cls._open_task(complaints, 'evaluate')
        for complaint in complaints:
            complaint._post_comment(gettext(
                    'klachten_base.msg_complaint_made_formal',
                    date=Pool().get('ir.lang').get().strftime(today)))
        cls._notify(complaints, 'acknowledgement')


class Notification(metaclass=PoolMeta):
    __name__ = 'klachten.notification'

    @classmethod
    def render(cls, kind, record, language=None):
        """An informal complaint's acknowledgement and answer read as
        such; they keep their kind (letters, portal links)"""
        informal = INFORMAL_TEMPLATES.get(kind)
        if (informal and getattr(record, '__name__', None)
                == 'klachten.complaint' and record.track == 'informal'
                and cls.template(informal)):
            kind = informal
        return super().render(kind, record, language)


class AnswerInformalStart(ModelView):
    __name__ = 'klachten.complaint.answer_informal.start'
    __string__ = "Answer the Informal Complaint"
    answer_by = fields.Selection(
        [a for a in ANSWER_BY if a[0]], "Answered", required=True)
    summary = fields.Text(
        "Written Summary", required=True,
        help="The summary of the conversation and of the solution or "
        "answer; it is sent to the complainant.")
    basis = fields.Selection(
        [b for b in BASES if b[0]], "Basis", required=True)
    inform = fields.Boolean(
        "Send the Summary to the Complainant",
        help="By e-mail, or by letter as the configuration says.")


class AnswerInformal(ComplaintWizard):
    __name__ = 'klachten.complaint.answer_informal'
    start = _start('answer_informal', "Answer and Close")
    _method = 'answer_informal'
    _fields = ['answer_by', 'summary', 'basis', 'inform']

    def default_start(self, fields):
        complaint = self.record
        return {
            'answer_by': 'phone',
            'basis': complaint.basis,
            'inform': not complaint.anonymous,
            }
