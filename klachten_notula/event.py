# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The callbacks received from Notula, by their event id: a callback sent
again (a replay) is recognised, also by another process, and changes
nothing."""
import datetime as dt

from trytond.model import Index, ModelSQL, Unique, fields


class Event(ModelSQL):
    __name__ = 'klachten.notula.event'
    __string__ = "Notula Event"
    _rec_name = 'event_id'

    event_id = fields.Char("Event", required=True, readonly=True)
    proposal = fields.Many2One(
        'klachten.notula.proposal', "Draft Decision", required=True,
        readonly=True, ondelete='CASCADE')
    received_at = fields.DateTime("Received At", required=True, readonly=True)
    status = fields.Char("Status", readonly=True)
    version = fields.Integer("Version", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('event_id_unique', Unique(t, t.event_id),
                'klachten_notula.msg_event_id_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.proposal, Index.Range())))
        cls._order = [('received_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def seen(cls, event_id):
        "Whether the event was received before"
        return bool(cls.search([('event_id', '=', event_id)], limit=1))

    @classmethod
    def record(cls, event_id, proposal, news):
        """Record the event of proposal with its news in the current
        transaction; the caller holds the lock of the proposal's row, so
        that a replay received meanwhile waits and then finds it seen"""
        cls.create([{
                    'event_id': event_id,
                    'proposal': proposal.id,
                    'received_at': dt.datetime.now(),
                    'status': news.get('status'),
                    'version': news.get('version'),
                    }])
