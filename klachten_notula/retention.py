# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What klachten_notula holds about a complainant, for retention and
access requests (klachten_base's retention hooks): the texts of the draft
decisions of the complaint, their Word documents and files (the package
sent to Notula is made from them when it is sent, never stored).  The
callback events keep only an id, a status and a version."""
from klachten_base.retention import REDACTED, delete_files
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

# context key (never from a client: RPC drops keys starting with "_")
# that lets a retention rule delete the draft decisions of its complaints
TEXTS = ['title', 'motivation', 'decision_proposal', 'decision_text',
    'last_error']


def _proposals(complaints):
    Proposal = Pool().get('klachten.notula.proposal')
    with without_check_access():
        return Proposal.search([
                ('complaint', 'in', [c.id for c in complaints]),
                ])


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    @classmethod
    def _anonymise(cls, complaints):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Proposal = pool.get('klachten.notula.proposal')
        Relation = pool.get('klachten.notula.proposal-ir.attachment')
        proposals = _proposals(complaints)
        with without_check_access():
            Relation.delete(Relation.search([
                        ('proposal', 'in', [p.id for p in proposals]),
                        ]))
            delete_files(Attachment, Attachment.search([
                        ('resource', 'in', [str(p) for p in proposals]),
                        ]))
            args = []
            for name in TEXTS:
                filled = [p for p in proposals if getattr(p, name)]
                if filled:
                    args.extend([filled, {name: REDACTED}])
            if args:
                Proposal.write(*args)
        super()._anonymise(complaints)

    @classmethod
    def _personal_data(cls, complaints, data, files):
        super()._personal_data(complaints, data, files)
        Attachment = Pool().get('ir.attachment')
        proposals = _proposals(complaints)
        data['draft_decisions'] = [{
                'complaint': p.complaint.number,
                'body': p.body.rec_name,
                'state': p.state,
                'title': p.title,
                'motivation': p.motivation,
                'decision_proposal': p.decision_proposal,
                'decision_text': p.decision_text,
                'decision_date': (p.decision_date.isoformat()
                    if p.decision_date else None),
                } for p in proposals]
        with without_check_access():
            for attachment in Attachment.search([
                        ('resource', 'in', [str(p) for p in proposals]),
                        ]):
                if attachment.data:
                    files.append((
                            f'draft_decisions/{attachment.resource.id}/'
                            f'{attachment.name}', attachment.data))
