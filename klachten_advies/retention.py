# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What advice holds about a complainant, for retention and access
requests (klachten_base's retention hooks): the questions and answers of
the advice requests, the external advisors' names and addresses and the
files sent with the advice."""
from klachten_base.retention import REDACTED, delete_files
from trytond.pool import Pool, PoolMeta
from trytond.tools import escape_wildcard
from trytond.transaction import without_check_access

# context key (never from a client: RPC drops keys starting with "_")
# that lets a retention rule delete the advice requests of its complaints


def _requests(complaints):
    return [r for c in complaints for r in c.advice_requests]


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    @classmethod
    def _anonymise(cls, complaints):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Request = pool.get('klachten.advice.request')
        requests = _requests(complaints)
        with without_check_access():
            delete_files(Attachment, Attachment.search([
                        ('resource', 'in', [str(r) for r in requests]),
                        ]))
            answered = [r for r in requests if r.answer]
            named = [r for r in requests if r.advisor_name]
            if requests:
                Request.write(requests, {
                        'question': REDACTED,
                        'advisor_email': None,
                        })
            if answered:
                Request.write(answered, {'answer': REDACTED})
            if named:
                Request.write(named, {'advisor_name': REDACTED})
        super()._anonymise(complaints)

    @classmethod
    def _personal_data(cls, complaints, data, files):
        super()._personal_data(complaints, data, files)
        Attachment = Pool().get('ir.attachment')
        requests = _requests(complaints)
        data['advice_requests'] = [{
                'complaint': r.complaint.number,
                'kind': r.kind,
                'question': r.question,
                'advisor': r.advisor,
                'state': r.state,
                'answer': r.answer,
                'answered_at': (r.answered_at.isoformat()
                    if r.answered_at else None),
                } for r in requests]
        with without_check_access():
            for attachment in Attachment.search([
                        ('resource', 'in', [str(r) for r in requests]),
                        ]):
                if attachment.data:
                    files.append((
                            f'advice/{attachment.resource.id}/'
                            f'{attachment.name}', attachment.data))

    @classmethod
    def _person_data(cls, parties, emails, complaints, represented, data):
        "The advice she gave as external advisor"
        Request = Pool().get('klachten.advice.request')
        super()._person_data(parties, emails, complaints, represented, data)
        if not emails:
            return
        with without_check_access():
            # the address as stored, in any case
            requests = Request.search(['OR', *(
                        ('advisor_email', 'ilike', escape_wildcard(e))
                        for e in sorted(emails))], order=[('id', 'ASC')])
        data['advice_given'] = [{
                'complaint': r.complaint.number,
                'kind': r.kind,
                'advisor': r.advisor,
                'advisor_email': r.advisor_email,
                'question': r.question,
                'answer': r.answer,
                'answered_at': (r.answered_at.isoformat()
                    if r.answered_at else None),
                } for r in requests]


class ComplaintPortal(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    @classmethod
    def _anonymise(cls, complaints):
        "The advisors' links go too"
        Token = Pool().get('klachten.portal.token')
        with without_check_access():
            Token.delete(Token.search([
                        ('resource', 'in',
                            [str(r) for r in _requests(complaints)]),
                        ]))
        super()._anonymise(complaints)
