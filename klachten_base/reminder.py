# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reminders and escalations of records with a due date: tasks (the
information requests' among them) and advice requests.

Chosen by state, "due and not yet done", so that a cron that was down
catches up; each claimed once by a conditional update (klachten_base.claim),
so that two crons (or a cron and a fail-over) never send the same one
twice.

    class Request(DueDateReminderMixin, ModelSQL):
        due_date = fields.Date(...)
        state = fields.Selection(...)
        # reminded_at and escalated_at come with the mixin
        _due_open_state = 'requested'        # 'open' by default

        @classmethod
        def send_reminders(cls):
            today = cls._today()
            for request in cls._claim_reminders(today, [
                        ('due_date', '<=', today + dt.timedelta(days=3))]):
                ...                          # queue its e-mail

        @classmethod
        def escalate(cls):
            for request in cls._claim_escalations(cls._today()):
                ...
"""
import datetime as dt

from sql import Null

from trytond.model import Index, fields
from trytond.pool import Pool

from .claim import claim


class DueDateReminderMixin:
    "Claim the reminders and escalations of open records once"
    __slots__ = ()
    # the state of the records still waiting to be done
    _due_open_state = 'open'
    reminded_at = fields.DateTime("Reminded At", readonly=True)
    escalated_at = fields.DateTime("Escalated At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.due_date, Index.Range()),
                where=t.state == cls._due_open_state))

    @classmethod
    def _today(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def _claim_due(cls, records, field):
        """Set field to now on the records still open where it is empty;
        return the records this call set"""
        state = cls._due_open_state
        return cls.browse(claim(cls, records, {field: dt.datetime.now()},
                lambda table: (getattr(table, field) == Null)
                & (table.state == state)))

    @classmethod
    def _claim_reminders(cls, today, domain):
        """Claim the reminder of the open records of domain not yet
        reminded and not yet due"""
        return cls._claim_due(cls.search([
                    ('state', '=', cls._due_open_state),
                    ('reminded_at', '=', None),
                    ('due_date', '>=', today),
                    ] + list(domain)), 'reminded_at')

    @classmethod
    def _claim_escalations(cls, today, domain=()):
        """Claim the escalation of the open records of domain past their
        due date and not yet escalated"""
        return cls._claim_due(cls.search([
                    ('state', '=', cls._due_open_state),
                    ('escalated_at', '=', None),
                    ('due_date', '<', today),
                    ] + list(domain)), 'escalated_at')
