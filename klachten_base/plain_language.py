# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Plain language (seed 004 step 14, the "B1 team"): how readable a reply is
before it leaves, for Dutch and French, with the long sentences and the
difficult words named. (English is not measured: textstat counts English
syllables with nltk's cmudict, which it would download at run time.)

The score is Flesch reading ease in the language's own formula, as textstat
computes it (Flesch-Douma for Dutch, Kandel-Moles for French; syllables by
pyphen's hyphenation dictionaries); a word is difficult when it is rare in
the language according to wordfreq's frequency lists (Zipf below 3: fewer
than once per million words). Both are maintained libraries; the figures
they give on the seeds and the demo are in doc/plain_language.rst."""
import re
from collections import namedtuple

from sql import Null

from trytond.i18n import gettext
from trytond.model import Index, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .department import assigned_to, assignment_pairs
from .exceptions import WorkflowError
from .model import CorrelatedFunction, check_write_access, rule_searcher

LANGUAGES = {'nl', 'fr'}
LONG_SENTENCE = 20  # words
RARE = 3.0  # Zipf frequency
PLAIN = 60  # Flesch: B1 level starts about here
DIFFICULT = 45
MAX_SHOWN = 10
# the task of a "B1 team" asked to review the reply (seed 004 step 14)
REVIEW = 'plain_language_review'

Readability = namedtuple('Readability',
    ['score', 'level', 'long_sentences', 'difficult_words'])

SENTENCE_END = re.compile(r'(?<=[.!?])\s+|\n\s*\n')
WORD = re.compile(r'[^\W\d_]+(?:-[^\W\d_]+)*')


def _lang(language):
    "The language measured: nl when unknown, None when not measurable"
    language = (language or '').split('_')[0].split('-')[0].lower()
    if not language:
        return 'nl'
    return language if language in LANGUAGES else None


def sentences(text):
    return [s.strip() for s in SENTENCE_END.split(text or '') if s.strip()]


def readability(text, language):
    """The Readability of text in language (nl or fr; none is read as
    Dutch), or None for an empty text or another language"""
    import textstat
    from wordfreq import zipf_frequency
    lang = _lang(language)
    if not text or not WORD.search(text) or not lang:
        return None
    textstat.set_lang(lang)
    score = max(0, min(100, round(textstat.flesch_reading_ease(text))))
    level = ('plain' if score >= PLAIN
        else 'fair' if score >= DIFFICULT else 'difficult')
    long_sentences = [s for s in sentences(text)
        if len(WORD.findall(s)) > LONG_SENTENCE]
    difficult, seen = [], set()
    for sentence in sentences(text):
        for i, word in enumerate(WORD.findall(sentence)):
            key = word.lower()
            if (len(word) < 4 or key in seen
                    # a capital inside a sentence is a name
                    or (i and word[0].isupper())):
                continue
            seen.add(key)
            if zipf_frequency(key, lang) < RARE:
                difficult.append(word)
    return Readability(score, level, long_sentences, difficult)


def describe(text, language):
    "What readability(text, language) says, for the user reading it"
    result = readability(text, language)
    if result is None:
        return ''
    lines = [gettext('klachten_base.msg_readability_score',
            score=result.score,
            level=gettext(f'klachten_base.msg_readability_{result.level}'),
            plain=PLAIN)]
    if result.long_sentences:
        lines.append(gettext('klachten_base.msg_readability_long',
                count=len(result.long_sentences), words=LONG_SENTENCE))
        for sentence in result.long_sentences[:MAX_SHOWN]:
            lines.append(f'- {_cut(sentence)}')
    if result.difficult_words:
        lines.append(gettext('klachten_base.msg_readability_words',
                words=', '.join(result.difficult_words[:MAX_SHOWN])))
    return '\n'.join(lines)


def _cut(sentence, size=80):
    return sentence if len(sentence) <= size else sentence[:size - 1] + '…'


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    draft_reply_readability = fields.Function(fields.Text(
            "Readability of the Draft Reply",
            help="Flesch reading ease in the complainant's language (60 or "
            "more reads at B1 level), the sentences of more than 20 words "
            "and the rare words."),
        'on_change_with_draft_reply_readability')

    plain_language_reviewers = CorrelatedFunction(
        fields.Many2Many('res.user', None, None, "Plain Language Reviewers",
            help="The members of the team asked for a B1 review: they "
            "read the complaint until it is concluded."),
        'get_plain_language_reviewers',
        searcher='search_plain_language_reviewers')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'plain_language_review_wizard': {
                    'invisible': Eval('state') != 'conclusion',
                    'depends': ['state'],
                    },
                })

    @fields.depends('draft_reply', 'complainant', 'representative')
    def on_change_with_draft_reply_readability(self, name=None):
        return describe(self.draft_reply, _language_of(self))

    @classmethod
    def _plain_language_reviewer_pairs(cls):
        """SQL query of (complaint, user) of the B1 reviews asked (open or
        done, not cancelled) of a complaint still in conclusion"""
        Task = Pool().get('klachten.task')
        task = Task.__table__()
        complaint = cls.__table__()
        pairs = assignment_pairs(Task, 'task', 'user', 'department', 'role')
        return pairs.join(task, condition=task.id == pairs.task
            ).join(complaint, condition=complaint.id == task.complaint
            ).select(task.complaint.as_('complaint'), pairs.user.as_('user'),
                where=(task.kind == REVIEW) & (task.state != 'cancelled')
                & (complaint.state == 'conclusion')
                & (pairs.user != Null))

    @classmethod
    def get_plain_language_reviewers(cls, complaints, name):
        return cls._get_pairs(
            complaints, cls._plain_language_reviewer_pairs())

    @classmethod
    @rule_searcher(lambda cls, clause: cls._search_pairs(
            clause, cls._plain_language_reviewer_pairs()))
    def search_plain_language_reviewers(cls, table, user_id):
        # the complaint in conclusion, and a review task of the user
        Task = Pool().get('klachten.task')
        task = Task.__table__()
        return (table.state == 'conclusion') & table.id.in_(task.select(
                task.complaint,
                where=(task.kind == REVIEW) & (task.state != 'cancelled')
                & assigned_to(task, user_id, 'user', 'department', 'role')))

    @classmethod
    @ModelView.button_action('klachten_base.wizard_plain_language_review')
    def plain_language_review_wizard(cls, complaints):
        cls._check_state(
            complaints, {'conclusion'}, 'request_plain_language_review')

    @classmethod
    def request_plain_language_review(cls, complaints, department, role,
            note):
        """Ask the members with role in department (a "B1 team") to review
        the reply of each complaint: a task for them, due on the take
        notice term; they read the complaint until it is concluded"""
        cls._check_state(
            complaints, {'conclusion'}, 'request_plain_language_review')
        cls._require(complaints, note, 'plain_language_review_note')
        for complaint in complaints:
            if complaint.confidential:
                raise WorkflowError(gettext(
                        'klachten_base.msg_plain_language_review_confidential',
                        complaint=complaint.rec_name))
            # never the staff member the complaint is about
            complaint.check_assignment(department=department, role=role)
        with without_check_access():
            cls._open_task(complaints, REVIEW, note=note,
                department=department, role=role)

    # the reply is decided or the investigation redone: no review left
    @classmethod
    def conclude(cls, complaints, *args, **kwargs):
        super().conclude(complaints, *args, **kwargs)
        cls._close_tasks(complaints, [REVIEW], state='cancelled')

    @classmethod
    def not_neutral(cls, complaints, reason):
        super().not_neutral(complaints, reason)
        cls._close_tasks(complaints, [REVIEW], state='cancelled')


def _language_of(complaint):
    """The complainant's language, else the user's if it is measured, else
    None (read as Dutch)"""
    if complaint:
        party = complaint.representative or complaint.complainant
        if party and party.lang:
            return party.lang.code
    if _lang(Transaction().language) in LANGUAGES:
        return Transaction().language


class ConcludeStart(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.conclude.start'

    language = fields.Char("Language", readonly=True)
    readability = fields.Text(
        "Readability", readonly=True,
        states={'invisible': ~Eval('inform')},
        help="Flesch reading ease of the reply in the complainant's "
        "language (60 or more reads at B1 level), the sentences of more "
        "than 20 words and the rare words.")

    @fields.depends('reply', 'language')
    def on_change_with_readability(self):
        return describe(self.reply, self.language)


class Conclude(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.conclude'

    def default_start(self, fields):
        values = super().default_start(fields)
        values['language'] = _language_of(self.record)
        values['readability'] = describe(
            values.get('reply'), values['language'])
        return values


class Task(metaclass=PoolMeta):
    __name__ = 'klachten.task'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        kind = (REVIEW, "Plain Language Review")
        if kind not in cls.kind.selection:
            cls.kind.selection.append(kind)
        # the B1 reviewers' rule branch looks for the user's review tasks
        # among the few review tasks, not among all of the user's tasks
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.user, Index.Range()),
                (t.department, Index.Range()),
                (t.role, Index.Range()),
                where=t.kind == REVIEW))

    @classmethod
    def _kind_terms(cls):
        return {**super()._kind_terms(), REVIEW: 'take_notice'}

    @classmethod
    def _manual_kinds(cls):
        "The team closes the review by hand, its remarks as the comment"
        return super()._manual_kinds() | {REVIEW}


class PlainLanguageReviewStart(ModelView):
    __name__ = 'klachten.complaint.plain_language_review.start'
    __string__ = "Ask a Plain Language Review"
    department = fields.Many2One(
        'klachten.department', "Department", required=True)
    role = fields.Many2One('klachten.role', "Role", required=True,
        help="Every member with this role in the department (the \"B1 "
        "team\") gets the task.")
    note = fields.Text("What to Review", required=True,
        help="Shown in their task: the reply, a letter, a passage.")


class PlainLanguageReview(Wizard):
    "Ask a team to review the reply in plain language (B1)"
    __name__ = 'klachten.complaint.plain_language_review'
    start = StateView(
        'klachten.complaint.plain_language_review.start',
        'klachten_base.plain_language_review_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Ask", 'confirm', 'tryton-ok', default=True),
            ])
    confirm = StateTransition()

    def transition_confirm(self):
        Complaint = Pool().get('klachten.complaint')
        complaints = list(self.records)
        # the wizard runs as the user: those who may change the complaint
        Complaint.read([c.id for c in complaints], ['id'])
        check_write_access(Complaint, [c.id for c in complaints],
            model_access=False)
        with without_check_access():
            Complaint.request_plain_language_review(
                Complaint.browse(complaints), self.start.department,
                self.start.role, self.start.note)
        return 'end'

    def end(self):
        return 'reload'
