# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A queue of rows handed to another system (the outbox's e-mails to the
mail server, klachten_notula's draft decisions to Notula), each at least
once and never inside the transaction of the person who queued it.

    class Email(SendQueueMixin, Workflow, ModelSQL, ModelView):
        _queue_state = 'state'            # the column pending/sending/...
        _queue_config = 'email'           # [klachten] email_max_attempts
        max_attempts = 10
        backoff = (1, 2, 5, ...)          # minutes after the nth failure
        sending_timeout = 10              # minutes

Each row is claimed (pending -> sending) in a short transaction of its own
(``_queue_claim``), sent in between outside of any transaction, and its
outcome written in another short transaction (``_queue_mark``), unless it
was claimed again meanwhile.  A row left sending by a stopped process is
pending again after sending_timeout (``_queue_recover``).  The model has
the columns _queue_state, attempts, next_attempt, sending_since and
last_error.  A queue that is a model of its own (the outbox's e-mails, the
redirections' deliveries) takes QueueRecordMixin: those columns but the
state and the last error, its index, order, retry and cancel."""
import datetime as dt

from sql.conditionals import Coalesce
from sql.functions import CurrentTimestamp

import trytond.config as config
from trytond import backend
from trytond.model import Index, fields
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .claim import claim_one


class SendQueueMixin:
    "The queue's claims and marks (see the module's documentation)"
    __slots__ = ()
    _queue_state = 'state'
    _queue_config = None
    max_attempts = 10
    backoff = (1, 2, 5, 10, 30, 60, 120, 240, 480)
    sending_timeout = 10

    @classmethod
    def _now(cls, now=None):
        return (now or dt.datetime.now()).replace(microsecond=0)

    @classmethod
    def _config_int(cls, name):
        return config.getint('klachten', f'{cls._queue_config}_{name}',
            default=getattr(cls, name))

    @classmethod
    def _backoff(cls, attempts):
        "The delay before the next attempt after attempts failed"
        minutes = cls.backoff[min(attempts, len(cls.backoff)) - 1]
        return dt.timedelta(minutes=minutes)

    @classmethod
    def _queue_column(cls, table):
        return getattr(table, cls._queue_state)

    @classmethod
    def _queue_due(cls, now, limit=None):
        "The ids of the rows pending and due at now, read and committed"
        with Transaction().new_transaction() as transaction:
            records = cls.search([
                    (cls._queue_state, '=', 'pending'),
                    ('next_attempt', '<=', now),
                    ], order=[('next_attempt', 'ASC'), ('id', 'ASC')],
                limit=limit)
            ids = list(map(int, records))
            transaction.commit()
        return ids

    @classmethod
    def _queue_recover(cls, now, error):
        """Put back to pending the rows left sending for longer than the
        timeout, with error as their last error: their process stopped.
        Return how many, or None when another process is at it."""
        table = cls.__table__()
        state = cls._queue_column(table)
        timeout = dt.timedelta(minutes=cls._config_int('sending_timeout'))
        with Transaction().new_transaction() as transaction:
            cursor = transaction.connection.cursor()
            try:
                cursor.execute(*table.update(
                        [state, table.next_attempt,
                            table.sending_since, table.last_error,
                            table.write_date, table.write_uid],
                        ['pending', now, None, error,
                            CurrentTimestamp(), transaction.user],
                        where=(state == 'sending')
                        & (table.sending_since < now - timeout)))
                count = cursor.rowcount
                transaction.commit()
            except backend.DatabaseOperationalError:
                # Another process is recovering them
                transaction.rollback()
                return None
        return count

    @classmethod
    def _queue_claim(cls, record_id, now, read):
        """Mark the row sending in a transaction of its own, committed.

        Return read(record) (what to send, read in that transaction), or
        None when the row is no longer pending and due, or another process
        holds it."""
        table = cls.__table__()

        def due(table):
            return ((cls._queue_column(table) == 'pending')
                & (table.next_attempt <= now))
        with Transaction().new_transaction() as transaction:
            database = transaction.database
            cursor = transaction.connection.cursor()
            try:
                if database.has_select_for():
                    For = database.get_select_for_skip_locked()
                    cursor.execute(*table.select(table.id,
                            where=(table.id == record_id) & due(table),
                            for_=For('UPDATE')))
                    if not cursor.fetchone():
                        return None
                if not claim_one(cls, record_id, lambda table: {
                            cls._queue_state: 'sending',
                            'attempts': Coalesce(table.attempts, 0) + 1,
                            'sending_since': now,
                            }, due, touch=True):
                    return None
                values = read(cls(record_id))
                transaction.commit()
            except backend.DatabaseOperationalError:
                # Claimed by another process in the meantime
                transaction.rollback()
                return None
        return values

    @classmethod
    def _queue_retry(cls, attempts, now, permanent):
        """The values after the attempts-th failed attempt: failed when
        permanent or the last attempt, pending again later otherwise"""
        if permanent or attempts >= cls._config_int('max_attempts'):
            return {cls._queue_state: 'failed', 'sending_since': None}
        return {
            cls._queue_state: 'pending',
            'sending_since': None,
            'next_attempt': now + cls._backoff(attempts),
            }

    @classmethod
    def _queue_mark(cls, record_id, attempts, values, then=None):
        """Write the outcome of the attempt in a transaction of its own,
        unless the row was claimed again meanwhile; then(record), if
        given, runs after the write in the same transaction."""
        retry = config.getint('database', 'retry')
        for count in range(retry + 1):
            with Transaction().new_transaction() as transaction:
                try:
                    record = cls(record_id)
                    if (getattr(record, cls._queue_state) == 'sending'
                            and record.attempts == attempts):
                        cls.write([record], values)
                        if then is not None:
                            then(record)
                    transaction.commit()
                    return
                except backend.DatabaseOperationalError:
                    transaction.rollback()
                    if count == retry:
                        raise


class QueueRecordMixin(SendQueueMixin):
    """A row of a queue that is a model of its own (with a Selection
    state pending, sending, failed, cancelled and the rest): its attempts,
    the index the senders read it by, newest first, and the operator's
    retry of a failed row and cancel of a pending or failed one"""
    __slots__ = ()
    attempts = fields.Integer("Attempts", readonly=True, required=True)
    next_attempt = fields.DateTime("Next Attempt", readonly=True,
        states={'invisible': Eval('state') != 'pending'})
    sending_since = fields.DateTime("Sending Since", readonly=True,
        states={'invisible': Eval('state') != 'sending'})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t,
                (t.state, Index.Equality(cardinality='low')),
                (t.next_attempt, Index.Range()),
                where=t.state.in_(['pending', 'sending'])))
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('failed', 'pending'),
            ('pending', 'cancelled'),
            ('failed', 'cancelled'),
            }
        cls._buttons.update({
                'retry': {
                    'invisible': Eval('state') != 'failed',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(['pending', 'failed']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'pending'

    @staticmethod
    def default_attempts():
        return 0

    @classmethod
    def default_next_attempt(cls):
        return dt.datetime.now()
