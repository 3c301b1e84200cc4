# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Whom an access or erasure request is about: the complaints the person
filed, those in which she only represents the complainant, what else is
held about her (the person hook), and the erasure request itself.  Both
requests see the person's complaints under the user's record rules: a
coordinator never handles a complaint about herself or of another
company."""
from email.utils import getaddresses

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import escape_wildcard
from trytond.transaction import Transaction, check_access, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .retention import RetentionError, _as_dict, cut


def addresses(parties, email, complaints=()):
    """The e-mail addresses of the person, in lower case: the one asked
    for, her parties' and those she gave on her complaints"""
    result = set()
    if email and email.strip():
        result.add(email.strip().lower())
    for party in parties or []:
        for mechanism in party.contact_mechanisms:
            if mechanism.type == 'email' and mechanism.value:
                result.add(mechanism.value.strip().lower())
    for complaint in complaints:
        if complaint.complainant_email:
            result.add(complaint.complainant_email.strip().lower())
    return result


def address_domain(name, emails):
    "The domain of records whose name holds one of emails"
    return ['OR', *((name, 'ilike', '%' + escape_wildcard(e) + '%')
            for e in sorted(emails))]


def sent_to(value, emails):
    "Whether the recipients value (To or Cc) holds one of emails"
    return any(a.strip().lower() in emails
        for _, a in getaddresses([value or '']))


def _person(parties, email):
    return ' / '.join(
        [p.rec_name for p in parties or []] + [email or '']).strip(' /')


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    @classmethod
    def complaints_of(cls, parties=None, email=None):
        """The complaints filed by parties or by the e-mail address (she is
        the complainant; not those she represents)"""
        return cls._complaints_by('complainant', parties, email)

    @classmethod
    def complaints_represented(cls, parties=None, email=None):
        "The complaints in which parties or the address are representative"
        return cls._complaints_by('representative', parties, email)

    @classmethod
    def _complaints_by(cls, field, parties, email):
        "The complaints whose party field is one of parties or has email"
        domain = ['OR']
        if parties:
            domain.append((field, 'in', [p.id for p in parties]))
        if email and email.strip():
            domain.append((f'{field}.contact_mechanisms', 'where', [
                        ('type', '=', 'email'),
                        # an address, not a pattern: % and _ are letters
                        ('value', 'ilike', escape_wildcard(email.strip())),
                        ]))
        if len(domain) == 1:
            return []
        with without_check_access(), Transaction().set_context(
                active_test=False):
            return cls.search(domain)

    @classmethod
    def request_complaints(cls, parties=None, email=None):
        """(complaints, represented): the complaints the person filed and
        those she represents, as the user's record rules and companies
        let her see them; refused when the user may not see one that
        still holds personal data"""
        with without_check_access(), Transaction().set_context(
                active_test=False):
            complaints = cls.complaints_of(parties=parties, email=email)
            known = set(complaints)
            represented = [c for c in cls.complaints_represented(
                    parties=parties, email=email) if c not in known]
        everything = list(complaints) + represented
        if not everything or not Transaction().user:
            return list(complaints), represented
        with check_access(), Transaction().set_context(active_test=False):
            visible = set(cls.search([
                        ('id', 'in', [c.id for c in everything]),
                        ]))
        if any(c not in visible and not c.anonymised for c in everything):
            raise RetentionError(gettext(
                    'klachten_base.msg_request_hidden',
                    person=_person(parties, email)))
        return ([c for c in complaints if c in visible],
            [c for c in represented if c in visible])

    @classmethod
    def _person_data(cls, parties, emails, complaints, represented, data):
        """THE PERSON HOOK: add to data ({section: [dict]}) what this module
        holds about the person besides the complaints she filed: as
        representative, as recipient of an e-mail or a request, as
        follower of a conversation.  emails: her addresses in lower
        case."""
        pool = Pool()
        Email = pool.get('klachten.email')
        Request = pool.get('klachten.information.request')
        Follower = pool.get('ir.chat.follower')
        data['represented_complaints'] = [
            _as_dict(c, ['number', 'state', 'received_date', 'channel',
                    'closing_date', 'representative'])
            for c in represented]
        if not emails:
            return
        data['emails'] = [
            _as_dict(e, ['to', 'cc', 'subject', 'body', 'sent_at'],
                complaint=e.complaint.number if e.complaint else None)
            for e in Email.search(['OR',
                    address_domain('to', emails),
                    address_domain('cc', emails),
                    ], order=[('id', 'ASC')])
            if sent_to(e.to, emails) or sent_to(e.cc, emails)]
        own = {c.id for c in complaints}
        data['information_requests_received'] = [
            _as_dict(r, ['name', 'email', 'question', 'answer',
                    'answer_date'], complaint=r.complaint.number)
            for r in Request.search([
                    address_domain('email', emails),
                    ], order=[('id', 'ASC')])
            if (r.email or '').strip().lower() in emails
            and not (r.recipient == 'complainant'
                and r.complaint.id in own)]
        data['conversations_followed'] = [{
                'email': f.email,
                'conversation': (f.channel.resource.rec_name
                    if f.channel.resource else None),
                } for f in Follower.search([
                    address_domain('email', emails),
                    ])
            if (f.email or '').strip().lower() in emails]

    @classmethod
    def remove_representative(cls, complaints):
        """Cut the representative of complaints (an erasure request of the
        representative) and anonymise her party when nothing else uses
        it; the complainant's complaint stays"""
        parties = list({c.representative for c in complaints
                if c.representative})
        if not parties:
            return
        with without_check_access():
            cut(cls, [c.id for c in complaints], {'representative': None})
            cls._anonymise_parties(parties, [])


class ErasureStart(ModelView):
    __name__ = 'klachten.retention.erasure.start'
    __string__ = "Erasure Request"

    party = fields.Many2One('party.party', "Person",
        context={'company': Eval('company', -1)}, depends={'company'},
        help="The person who asks to be forgotten.")
    email = fields.Char("E-mail",
        help="Or the e-mail address of the person.")
    company = fields.Many2One('company.company', "Company",
        domain=[('id', 'in', Eval('context', {}).get('companies', []))])

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_party(cls):
        context = Transaction().context
        if context.get('active_model') == 'party.party':
            return context.get('active_id')


class ErasureShow(ModelView):
    __name__ = 'klachten.retention.erasure.show'
    __string__ = "Erasure Request"

    complaints = fields.Many2Many('klachten.complaint', None, None,
        "Complaints to Anonymise", readonly=True)
    represented = fields.Many2Many('klachten.complaint', None, None,
        "Complaints Losing Their Representative", readonly=True,
        help="The person only represents the complainant of these "
        "complaints: she is removed from them, the complaints stay.")
    refused = fields.Text("Refused", readonly=True,
        help="The complaints that are kept, and why.")


class Erasure(Wizard):
    __name__ = 'klachten.retention.erasure'
    start = StateView('klachten.retention.erasure.start',
        'klachten_base.retention_erasure_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Search", 'search', 'tryton-search', default=True),
            ])
    search = StateTransition()
    show = StateView('klachten.retention.erasure.show',
        'klachten_base.retention_erasure_show_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Erase", 'erase', 'tryton-clear', default=True),
            ])
    erase = StateTransition()

    def _complaints(self):
        """(erasable, represented, refusals), computed again at each step:
        the list shown is never trusted"""
        Complaint = Pool().get('klachten.complaint')
        parties = [self.start.party] if self.start.party else None
        complaints, represented = Complaint.request_complaints(
            parties=parties, email=self.start.email)
        complaints = [c for c in complaints if not c.anonymised]
        represented = [c for c in represented
            if not c.anonymised and c.representative]
        erasable, kept, refusals = [], [], []
        for complaint in complaints + represented:
            refusal = complaint.retention_refusal()
            if refusal:
                refusals.append(refusal)
            elif complaint in represented:
                kept.append(complaint)
            else:
                erasable.append(complaint)
        return erasable, kept, refusals

    def transition_search(self):
        if not self.start.party and not (self.start.email or '').strip():
            raise RetentionError(gettext(
                    'klachten_base.msg_erasure_who'))
        self._complaints()
        return 'show'

    def default_show(self, fields):
        erasable, represented, refusals = self._complaints()
        return {
            'complaints': [c.id for c in erasable],
            'represented': [c.id for c in represented],
            'refused': '\n'.join(refusals),
            }

    def transition_erase(self):
        Complaint = Pool().get('klachten.complaint')
        erasable, represented, refusals = self._complaints()
        if not erasable and not represented:
            raise RetentionError(gettext(
                    'klachten_base.msg_erasure_nothing',
                    reasons='\n'.join(refusals) or '-'))
        Complaint.remove_representative(represented)
        if erasable:
            Complaint.anonymise(erasable, origin='request',
                action='erasure')
        return 'end'
