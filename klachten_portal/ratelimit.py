# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal's rate limits, counted in the database.

Every process and every machine serving the portal counts in the same
table: one row per key (bucket and client, or bucket and account) with the
number of hits of its window and when the window ends.  A hit is one atomic
statement (INSERT ... ON CONFLICT DO UPDATE ... RETURNING, on PostgreSQL and
SQLite alike), committed in a transaction of its own: a request that is
refused, or fails later, has still been counted.  Expired rows are deleted
by the cron (Clean Portal Rate Limits)."""
import re
import time

from sql import Flavor, Table
from sql.operators import Like

from trytond import backend
from trytond.model import ModelSQL, fields
from trytond.pool import PoolMeta
from trytond.transaction import Transaction

KEY_MAX = 200
# the table of klachten.portal.rate_limit, used before the pool is loaded
TABLE = 'klachten_portal_rate_limit'
# one hit: a new window, or one more hit in the window not yet ended
UPSERT = (
    'INSERT INTO "{table}" ("key", "hits", "expires") '
    'VALUES ({param}, 1, {param}) '
    'ON CONFLICT ("key") DO UPDATE SET '
    '"hits" = CASE WHEN "{table}"."expires" <= {param} THEN 1 '
    'ELSE "{table}"."hits" + 1 END, '
    '"expires" = CASE WHEN "{table}"."expires" <= {param} '
    'THEN excluded."expires" ELSE "{table}"."expires" END '
    'RETURNING "hits", "expires"')


class RateLimit(ModelSQL):
    __name__ = 'klachten.portal.rate_limit'
    __string__ = "Portal Rate Limit"

    key = fields.Char("Key", required=True, readonly=True)
    hits = fields.Integer("Hits", required=True, readonly=True)
    expires = fields.Float("Expires", required=True, readonly=True,
        help="When the window ends, in seconds since 1970 (UTC).")

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # ON CONFLICT needs a unique index on the key (Tryton's Unique
        # constraint is not one on SQLite)
        cursor = Transaction().connection.cursor()
        cursor.execute(
            f'CREATE UNIQUE INDEX IF NOT EXISTS "{cls._table}_key_unique" '
            f'ON "{cls._table}" ("key")')

    @classmethod
    def clean(cls):
        "Delete the windows that have ended (the cron)"
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.delete(where=table.expires <= time.time()))


def _table():
    return Table(TABLE)


def hit(key, window):
    """Count a hit of key in the current transaction, which has run no
    statement yet; return the hits of its window, with this one, and the
    seconds until the window ends"""
    transaction = Transaction()
    cursor = transaction.connection.cursor()
    if backend.name == 'postgresql':
        # an update of the row by a concurrent request waits for it
        # instead of failing as repeatable read would
        cursor.execute('SET TRANSACTION ISOLATION LEVEL READ COMMITTED')
    now = time.time()
    param = Flavor.get().param
    cursor.execute(UPSERT.format(table=TABLE, param=param),
        (key[:KEY_MAX], now + window, now, now))
    hits, expires = cursor.fetchone()
    return hits, max(0, expires - now)


def forget(key):
    "Forget the hits of key"
    table = _table()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.delete(where=table.key == key[:KEY_MAX]))


def forget_prefix(prefix):
    "Forget the hits of every key that starts with prefix"
    table = _table()
    cursor = Transaction().connection.cursor()
    pattern = re.sub(r'([\\%_])', r'\\\1', prefix[:KEY_MAX]) + '%'
    cursor.execute(*table.delete(
            where=Like(table.key, pattern, escape='\\')))


def clear():
    "Forget every hit (tests)"
    table = _table()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.delete())


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('klachten.portal.rate_limit|clean',
                "Clean Portal Rate Limits"))
