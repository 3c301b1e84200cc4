# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the portal holds about a complainant, for retention and access
requests (klachten_base's retention hooks): the citizen's account, the
links e-mailed about the complaint and the survey's comment."""
from klachten_base.retention import REDACTED
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

from .account import escape_like


def _resources(complaints):
    "The records of complaints that portal links point at"
    return [str(c) for c in complaints] + [
        str(r) for c in complaints for r in c.information_requests]


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    @classmethod
    def _anonymise(cls, complaints):
        pool = Pool()
        Survey = pool.get('klachten.survey.answer')
        Token = pool.get('klachten.portal.token')
        with without_check_access():
            # first: the complainant's party is cut only when no account
            # refers to it any more
            cls._portal_remove_accounts(complaints)
            Token.delete(Token.search([
                        ('resource', 'in', _resources(complaints)),
                        ]))
            answers = Survey.search([
                    ('complaint', 'in', [c.id for c in complaints]),
                    ('comment', '!=', None),
                    ])
            Survey.write(answers, {'comment': REDACTED})
        super()._anonymise(complaints)

    @classmethod
    def _portal_accounts(cls, complaints):
        "The portal accounts of the complainants of complaints"
        WebUser = Pool().get('web.user')
        parties = {c.complainant.id for c in complaints if c.complainant}
        emails = {c.complainant_email.strip().lower() for c in complaints
            if c.complainant_email}
        if not parties and not emails:
            return []
        with without_check_access():
            return WebUser.search(['OR',
                    ('party', 'in', list(parties)),
                    ('email', 'in', list(emails)),
                    ])

    @classmethod
    def _portal_remove_accounts(cls, complaints):
        """Delete the accounts of the complainants that no other complaint
        kept uses, with their e-mails"""
        pool = Pool()
        Attempt = pool.get('web.user.authenticate.attempt')
        Email = pool.get('klachten.email')
        WebUser = pool.get('web.user')
        ids = [c.id for c in complaints]
        unused = [u for u in cls._portal_accounts(complaints)
            if not cls.search(cls._portal_account_domain(u) + [
                    ('id', 'not in', ids),
                    ('anonymised', '=', None),
                    ], limit=1)]
        if not unused:
            return
        Email.delete(Email.search([
                    ('resource', 'in', [str(u) for u in unused]),
                    ]))
        for user in unused:
            Attempt.remove(user.email)
        WebUser.delete(unused)

    @classmethod
    def _portal_account_domain(cls, user):
        "The complaints of the person of account user"
        alternatives = [('complainant.contact_mechanisms', 'where', [
                    ('type', '=', 'email'),
                    ('value', 'ilike', escape_like(user.email or '')),
                    ])]
        if user.party:
            alternatives.append(('complainant', '=', user.party.id))
        return [['OR', *alternatives]]

    @classmethod
    def complaints_of(cls, parties=None, email=None):
        "Also the complaints filed with the account of email"
        WebUser = Pool().get('web.user')
        complaints = list(super().complaints_of(parties=parties, email=email))
        if email:
            with without_check_access():
                users = WebUser.search([
                        ('email', '=', email.strip().lower()),
                        ('party', '!=', None),
                        ])
                if users:
                    known = set(complaints)
                    complaints += [c for c in cls.search([
                                ('complainant', 'in',
                                    [u.party.id for u in users]),
                                ]) if c not in known]
        return complaints

    @classmethod
    def _personal_data(cls, complaints, data, files):
        pool = Pool()
        Survey = pool.get('klachten.survey.answer')
        super()._personal_data(complaints, data, files)
        with without_check_access():
            data['survey_answers'] = [{
                    'complaint': a.complaint.number,
                    'score': a.score,
                    'comment': a.comment,
                    'date': a.date.isoformat(),
                    } for a in Survey.search([
                        ('complaint', 'in', [c.id for c in complaints]),
                        ])]

    @classmethod
    def _person_data(cls, parties, emails, complaints, represented, data):
        "Her portal accounts, also one without any complaint"
        WebUser = Pool().get('web.user')
        super()._person_data(parties, emails, complaints, represented, data)
        parties = {p.id for p in parties or []} | {
            c.complainant.id for c in complaints if c.complainant}
        if not parties and not emails:
            return
        with without_check_access():
            users = WebUser.search(['OR',
                    ('party', 'in', list(parties)),
                    ('email', 'in', list(emails)),
                    ], order=[('id', 'ASC')])
        data['portal_accounts'] = [{
                'email': u.email,
                'email_valid': bool(u.email_valid),
                'party': u.party.rec_name if u.party else None,
                'created': u.create_date.isoformat(),
                } for u in users]
