# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Claim once: a conditional UPDATE that tells which rows this transaction
won.

    from klachten_base.claim import claim, claim_one

    # set reminded_at on the open tasks where it is still empty; the ids
    # this call set (another transaction or process got the others)
    ids = claim(Task, tasks, {'reminded_at': dt.datetime.now()},
        lambda table: (table.reminded_at == Null) & (table.state == 'open'))
    # one row: did this call win?
    if claim_one(Token, link, {'used_at': dt.datetime.now()},
            lambda table: table.used_at == Null):
        ...

``UPDATE table SET values WHERE id IN ids AND condition``: the database
runs it atomically, so of two transactions (or two processes, e.g. two
crons) claiming the same row exactly one wins, and the other waits for the
first to end and then finds the condition false.  On PostgreSQL one
UPDATE ... RETURNING per slice of ids; on SQLite the database's write lock
is taken first (python-sql's RETURNING is refused there), then the rows
that qualify are read and updated.

It writes below the ORM: no access check, no validation, no history
(callers that want write_date and write_uid give them in values, e.g.
``touch=True``)."""
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.model import fields
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .model import take_write_lock


def _ids(records):
    return [r if isinstance(r, int) else r.id for r in records]


def _has_returning():
    # SQLite refuses python-sql's aliased RETURNING
    return backend.name != 'sqlite' and Transaction().database.has_returning()


def claim(Model, records, values, condition=None, touch=False):
    """Set values on the records (or ids) of Model for which
    condition(table) holds, in one conditional update per slice; return the
    ids this call updated, in the order given.

    values is a {column name: value or SQL expression}, or a function of
    the table that returns one (for expressions of the row's columns).
    With touch, write_date and write_uid are set too."""
    ids = _ids(records)
    if not ids:
        return []
    table = Model.__table__()
    values = dict(values(table) if callable(values) else values)
    if touch:
        values.update({
                'write_date': CurrentTimestamp(),
                'write_uid': Transaction().user,
                })
    columns = [getattr(table, name) for name in values]
    values = list(values.values())
    cursor = Transaction().connection.cursor()
    in_ = fields.SQL_OPERATORS['in']
    claimed = []
    take_write_lock(Model)
    for sub_ids in grouped_slice(ids, backend.MAX_QUERY_PARAMS):
        where = in_(table.id, list(sub_ids))
        if condition is not None:
            where &= condition(table)
        if _has_returning():
            cursor.execute(*table.update(columns, values,
                    where=where, returning=[table.id]))
            claimed.extend(i for i, in cursor)
        else:
            cursor.execute(*table.select(table.id, where=where))
            sub_claimed = [i for i, in cursor]
            if sub_claimed:
                cursor.execute(*table.update(columns, values,
                        where=in_(table.id, sub_claimed)))
            claimed.extend(sub_claimed)
    # in the order of records, whatever order the database answered in
    won = set(claimed)
    return [i for i in ids if i in won]


def claim_one(Model, record, values, condition=None, touch=False):
    "Claim one record (or id): whether this call won it"
    return bool(claim(Model, [record], values, condition, touch=touch))
