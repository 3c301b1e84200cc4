# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Records written in SQL with exactly the rows ModelSQL.create writes, for
the callers that checked their values as the ORM would: the register import
(klachten_report) and the complainants filed on the portal, by e-mail or at
the desk (party.party klachten_insert_complainants).  Their tests compare
the rows column by column with the ORM's."""
import datetime as dt
from decimal import Decimal

from sql import Column
from sql.functions import CurrentTimestamp

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelStorage, fields
from trytond.model.exceptions import RequiredValidationError
from trytond.transaction import Transaction

MAGIC = {'id', 'create_uid', 'create_date', 'write_uid', 'write_date'}
# fewer rows go in one INSERT ... RETURNING id, as ModelSQL.create inserts
# a record (PostgreSQL): a statement, not nextid's and COPY's two
COPY_MIN = 20


# the values whose sql_format is kept by value (hashable, compared by type)
PLAIN = {str, int, bool, float, Decimal, dt.date, dt.datetime}
STRIPS = {True: str.strip, 'leading': str.lstrip, 'trailing': str.rstrip}


def formatter(field):
    """field.sql_format as a function of a value, without its calls where
    the result is known: a str of a Char (stripped as it strips), an int of
    a Many2One, a value of a field's own type where the database stores it
    as it is; other values are formatted once a distinct value (the dates,
    states and selections of an old register repeat)"""
    sql_format = field.sql_format
    method = type(field).sql_format
    if method is fields.Char.sql_format:
        strip = STRIPS.get(field.strip, lambda v: v)
        return lambda v: strip(v) if type(v) is str else sql_format(v)
    if method is fields.Many2One.sql_format:
        return lambda v: v if type(v) is int else sql_format(v)
    if (method is fields.Field.sql_format and field._py_type
            and field._sql_type != 'BLOB'):
        py_type = field._py_type
        return lambda v: v if type(v) is py_type else sql_format(v)
    formatted = {}

    def format_(value):
        if type(value) not in PLAIN:
            return sql_format(value)
        key = type(value), value
        if key not in formatted:
            formatted[key] = sql_format(value)
        return formatted[key]
    return format_


def transaction_start():
    """CURRENT_TIMESTAMP, the start of the transaction, as the ORM writes it
    (PostgreSQL; None elsewhere, where the rows are INSERTed with it)"""
    if backend.name != 'postgresql':
        return None
    cursor = Transaction().connection.cursor()
    cursor.execute('SELECT CAST(CURRENT_TIMESTAMP AS TIMESTAMP)')
    now, = cursor.fetchone()
    return now


def insert_records(Model, vlist, instances=None, now=None):
    """Insert vlist as ModelSQL.create inserts it (the defaults, the values
    compute_fields derives, create_uid and create_date, the history rows)
    but in one COPY of the ids taken in one step (PostgreSQL; fewer than
    COPY_MIN rows in one INSERT; one INSERT a row on SQLite, as the ORM
    does), without the per-record validation, setters, triggers or access
    checks: the caller checked the values.  Return (ids, {field: [value a
    row]}) where field is a field with a setter (MultiValue, One2Many, ...)
    that has a default: it is not written, the caller writes it (or refuses
    a value it does not know).

    instances: a dict a row of the values the record that computes the
    fields is made with instead (e.g. its party as an instance, not an id
    compute_fields would read).
    now: transaction_start(), if the caller read it already."""
    if not vlist:
        return [], {}
    transaction = Transaction()
    database = transaction.database
    cursor = transaction.connection.cursor()
    table = Model.__table__()
    given = set().union(*vlist)
    missing = [n for n, f in Model._fields.items()
        if n not in given and n not in MAGIC
        and not (isinstance(f, fields.Function) and not f.setter)]
    defaults = Model._clean_defaults(
        Model.default_get(missing, with_rec_name=False)) if missing else {}
    setters = {n for n, f in Model._fields.items() if hasattr(f, 'set')}
    set_values = {n: [] for n in setters if defaults.get(n)}
    # a record is made for its compute_fields only where a class overrides
    # it (parties, their identifiers, contact mechanisms): the complaints,
    # addresses and languages compute none
    computes = any('compute_fields' in c.__dict__
        for c in Model.__mro__ if c is not ModelStorage)
    rows = []
    for i, values in enumerate(vlist):
        values = {**defaults, **values}
        for name in setters & values.keys():
            value = values.pop(name)
            if name in set_values:
                set_values[name].append(value)
            elif value:
                raise ValueError(f"{Model.__name__}.{name} is not a column")
        computed = computes and Model(**{
                **{k: v for k, v in values.items() if k not in MAGIC},
                **(instances[i] if instances else {})}).compute_fields()
        if computed:
            # the ORM writes them after the INSERT
            values.update(computed, write_uid=transaction.user,
                write_date=CurrentTimestamp())
        rows.append(values)
    names = sorted(set().union(*rows) - {'id', 'create_uid', 'create_date'})
    for name in names:
        if getattr(Model._fields[name], 'translate', False):
            raise ValueError(f"{Model.__name__}.{name} is translated")
    few = backend.name == 'postgresql' and len(rows) < COPY_MIN
    ids = None if few else database.nextid(
        transaction.connection, Model._table, count=len(rows))
    if few:
        stamp = CurrentTimestamp()
    elif ids is not None:
        # PostgreSQL's COPY: CURRENT_TIMESTAMP as its value, the
        # transaction's start, as the ORM writes it
        ids = list(ids) if len(rows) > 1 else [ids]
        stamp = transaction_start() if now is None else now
    else:
        stamp = CurrentTimestamp()

    def magic(value):
        return stamp if isinstance(value, CurrentTimestamp) else value
    formats = [magic if n in MAGIC else formatter(Model._fields[n])
        for n in names]
    columns = [table.create_uid, table.create_date] + [
        Column(table, n) for n in names]
    # a field's sql_format of None is None: most of a complaint's columns
    # are empty in an old register
    data = [[transaction.user, stamp]
        + [None if (v := r.get(n)) is None else f(v)
            for n, f in zip(names, formats)] for r in rows]
    if few:
        # the ids of the table's sequence, given in the order of the rows
        cursor.execute(*table.insert(columns, data, [table.id]))
        ids = sorted(id_ for id_, in cursor)
    elif ids is not None:
        for row, id_ in zip(data, ids):
            row.append(id_)
        columns.append(table.id)
        # the rows streamed in one statement, as a bulk load does (no
        # statement to parse and plan a row)
        names = ', '.join('"%s"' % c.name for c in columns)
        with cursor.copy(
                f'COPY "{Model._table}" ({names}) FROM STDIN') as copy:
            for row in data:
                copy.write_row(row)
    else:
        ids = []
        for row in data:
            cursor.execute(*table.insert(columns, [row]))
            ids.append(database.lastid(cursor))
    Model._insert_history(ids)
    transaction.counter += 1
    Model._count_cache.set(Model.__name__, None)
    transaction.create_records[Model.__name__].extend(ids)
    return ids, set_values


def check_records(Model, records, names):
    """Refuse records not saved yet as create refuses them once saved: a
    field of names required and empty (as stored: the records hold their
    values as stored, a Char stripped), then pre_validate and
    validate_fields.  Not what is searched on the saved records: the
    domains of the fields and ModelSQL.validate's SQL constraints where the
    database has none (SQLite's unique codes); the caller gives values that
    meet them."""
    for record in records:
        try:
            # the name its errors give it once saved
            record.rec_name = record.get_rec_name('rec_name')
        except (AttributeError, TypeError):
            pass
        for name in names:
            value = getattr(record, name, None)
            if (Model._fields[name].required and isinstance(value,
                        (type(None), bool, list, tuple, str, dict))
                    and not value):
                raise RequiredValidationError(gettext(
                        'ir.msg_required_validation_record',
                        **Model.__names__(name, record)))
    for record in records:
        record.pre_validate()
    Model.validate_fields(records, None)
