# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Review before sending (issue 16 item 8): when the configuration asks for
it, the e-mails a workflow step writes to the complainant (or a third
party, or the staff member complained about) wait in the outbox as *To
Review*; whoever took the step sees the e-mail at once, may edit it, insert
a standard text (Signalen's standaardteksten) and send it. A text still
holding a placeholder ``[[...]]`` does not leave."""
import datetime as dt
import re

from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .exceptions import MissingInputError

PLACEHOLDER = re.compile(r'\[\[[^\]]*\]\]')


def placeholders(*texts):
    "The placeholders [[...]] left in texts, in order, once each"
    found = []
    for text in texts:
        for match in PLACEHOLDER.findall(text or ''):
            if match not in found:
                found.append(match)
    return found


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    review_emails = fields.Boolean(
        "Review E-mails Before They Leave",
        help="The e-mails a workflow step writes to the complainant, a "
        "third party or the staff member complained about wait in the "
        "outbox as To Review until the one who took the step (or a "
        "coordinator) has read, possibly edited, and sent them.")


class StandardText(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.standard_text'
    __string__ = "Standard Text"

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    name = fields.Char("Name", required=True, translate=True)
    text = fields.Text(
        "Text", required=True, translate=True,
        help="Inserted into an e-mail under review; replace every "
        "[[placeholder]] before sending.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')


class Email(metaclass=PoolMeta):
    __name__ = 'klachten.email'

    # the kinds a workflow step writes to the complainant, a third party
    # or the staff member complained about (a module adds its own)
    _reviewed_kinds = {
        'admissible', 'inadmissible', 'information', 'conclusion',
        'cancel', 'extension', 'feedback', 'concerned_copy',
        'hearing_invitation', 'informal_answer',
        }

    @classmethod
    def __setup__(cls):
        super().__setup__()
        selection = list(cls.state.selection)
        if ('held', "To Review") not in selection:
            selection.insert(0, ('held', "To Review"))
            cls.state.selection = selection
        cls._transitions |= {
            ('held', 'pending'),
            ('held', 'cancelled'),
            }
        cls._buttons['cancel']['invisible'] = ~Eval('state').in_(
            ['held', 'pending', 'failed'])
        cls._buttons.update({
                'review': {
                    'invisible': Eval('state') != 'held',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def _held(cls, values):
        return super()._held(values) or bool(
            values.get('kind') in cls._reviewed_kinds
            and values.get('complaint') is not None and reviewing())

    @classmethod
    @ModelView.button_action('klachten_base.wizard_email_review')
    def review(cls, emails):
        pass

    @classmethod
    def release(cls, emails, subject=None, body=None):
        """Send the held emails, with subject and body when given; refused
        while a placeholder is left"""
        for email in emails:
            if email.state != 'held':
                raise MissingInputError(gettext(
                        'klachten_base.msg_email_not_held',
                        email=email.rec_name))
            left = placeholders(subject or email.subject, body or email.body)
            if left:
                raise MissingInputError(gettext(
                        'klachten_base.msg_email_placeholders',
                        placeholders=', '.join(left)))
        values = {
            'state': 'pending',
            'attempts': 0,
            'next_attempt': dt.datetime.now(),
            }
        if subject is not None:
            values['subject'] = subject
        if body is not None:
            values['body'] = body
        with without_check_access():
            cls.write(emails, values)
        cls._enqueue(emails)


def reviewing():
    "Whether the configuration holds e-mails for review"
    Configuration = Pool().get('klachten.configuration')
    return bool(Configuration.policy()['review_emails'])


def may_review():
    "Whether the user is in the groups of the outbox's Review button"
    pool = Pool()
    Button = pool.get('ir.model.button')
    User = pool.get('res.user')
    if not Transaction().user:
        return True
    groups = Button.get_groups('klachten.email', 'review')
    return not groups or bool(groups & set(User.get_groups()))


def check_review_access():
    if not may_review():
        raise MissingInputError(
            gettext('klachten_base.msg_email_review_access'))


def held_since(complaints, last_id):
    "The e-mails about complaints held after the e-mail last_id"
    Email = Pool().get('klachten.email')
    with without_check_access():
        return Email.search([
                ('complaint', 'in', [c.id for c in complaints]),
                ('state', '=', 'held'),
                ('id', '>', last_id or 0),
                ], order=[('id', 'ASC')])


def last_email_id():
    Email = Pool().get('klachten.email')
    with without_check_access():
        emails = Email.search([], order=[('id', 'DESC')], limit=1)
    return emails[0].id if emails else 0


class EmailReviewStart(ModelView):
    __name__ = 'klachten.email.review.start'
    __string__ = "Review the E-mail"

    email = fields.Many2One('klachten.email', "E-mail", readonly=True)
    to = fields.Char("To", readonly=True)
    language = fields.Char("Language", readonly=True)
    subject = fields.Char("Subject", required=True)
    body = fields.Text("Body", required=True)
    standard_text = fields.Many2One(
        'klachten.standard_text', "Insert a Standard Text",
        help="Its text is added at the end of the body; replace its "
        "[[placeholders]].")
    placeholders = fields.Char(
        "Placeholders Left", readonly=True,
        states={'invisible': ~Eval('placeholders')})

    @fields.depends('standard_text', 'subject', 'body', 'language')
    def on_change_standard_text(self):
        StandardText = Pool().get('klachten.standard_text')
        if self.standard_text:
            with Transaction().set_context(language=self.language):
                text = StandardText(self.standard_text.id).text
            self.body = '\n\n'.join(filter(None, [self.body, text]))
            self.standard_text = None
            self.placeholders = self.on_change_with_placeholders()

    @fields.depends('subject', 'body')
    def on_change_with_placeholders(self):
        return ', '.join(placeholders(self.subject, self.body))


class EmailReview(Wizard):
    "Read, edit and send an e-mail held for review"
    __name__ = 'klachten.email.review'
    start = StateView(
        'klachten.email.review.start',
        'klachten_base.email_review_start_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Do Not Send", 'discard', 'tryton-cancel'),
            Button("Send", 'send', 'tryton-ok', default=True),
            ])
    send = StateTransition()
    discard = StateTransition()
    next_ = StateAction('klachten_base.wizard_email_review')

    def _held(self):
        Email = Pool().get('klachten.email')
        # as the user: the e-mails they may read
        emails = Email.search([
                ('id', 'in', [r.id for r in self.records]),
                ('state', '=', 'held'),
                ], order=[('id', 'ASC')])
        return emails

    def default_start(self, fields):
        emails = self._held()
        if not emails:
            raise MissingInputError(gettext(
                    'klachten_base.msg_email_not_held',
                    email=', '.join(r.rec_name for r in self.records)))
        email = emails[0]
        return {
            'email': email.id,
            'to': email.to,
            'language': email.language,
            'subject': email.subject,
            'body': email.body,
            'placeholders': ', '.join(
                placeholders(email.subject, email.body)),
            }

    def _check(self):
        Email = Pool().get('klachten.email')
        Email.read([self.start.email.id], ['id'])
        check_review_access()
        return Email(self.start.email.id)

    def transition_send(self):
        Email = Pool().get('klachten.email')
        email = self._check()
        Email.release([email], subject=self.start.subject,
            body=self.start.body)
        return self._following()

    def transition_discard(self):
        Email = Pool().get('klachten.email')
        email = self._check()
        with without_check_access():
            Email.cancel([email])
        return self._following()

    def _following(self):
        "The next e-mail of the selection still held, if any"
        return 'next_' if len(self._held()) > 1 else 'end'

    def do_next_(self, action):
        ids = [e.id for e in self._held() if e.id != self.start.email.id]
        return action, {'model': 'klachten.email', 'id': ids[0],
            'ids': ids}

    def end(self):
        return 'reload'
