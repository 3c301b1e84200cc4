# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The coordinator's tasks of a draft decision."""
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access

# kind, label; each due with the complaint's answer
KINDS = [
    ('agenda_submit', "Submit the Draft Decision"),
    ('agenda_decision', "Record the Decision"),
    ('agenda_conclude', "Conclude with the Decision"),
    ('agenda_failed', "Delivery to Notula Failed"),
    ]


class Task(metaclass=PoolMeta):
    __name__ = 'klachten.task'

    proposal = fields.Function(
        fields.Many2One('klachten.notula.proposal', "Draft Decision"),
        'get_proposal')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for kind in KINDS:
            if kind not in cls.kind.selection:
                cls.kind.selection.append(kind)

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + ['klachten.notula.proposal']

    @classmethod
    def _kind_terms(cls):
        return {**super()._kind_terms(), **{k: 'answer' for k, _ in KINDS}}

    @classmethod
    def get_proposal(cls, tasks, name):
        "The complaint's latest draft decision, for the agenda tasks"
        Proposal = Pool().get('klachten.notula.proposal')
        kinds = {k for k, _ in KINDS}
        result = {t.id: None for t in tasks}
        complaints = {
            t.complaint.id for t in tasks if t.kind in kinds and t.complaint}
        latest = {}
        with without_check_access():
            for proposal in Proposal.search(
                    [('complaint', 'in', list(complaints))],
                    order=[('create_date', 'ASC'), ('id', 'ASC')]):
                latest[proposal.complaint.id] = proposal.id
        for task in tasks:
            if task.kind not in kinds:
                continue
            if task.complaint:
                result[task.id] = latest.get(task.complaint.id)
            elif task.origin and task.origin.__name__ == Proposal.__name__:
                # a draft decision without complaint (a yearly report's)
                result[task.id] = task.origin.id
        return result
