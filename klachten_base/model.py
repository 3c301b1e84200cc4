# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Behaviour shared by the models of every klachten module."""
from trytond import backend
from trytond.i18n import gettext
from trytond.model.modelview import _record_eval_pyson
from trytond.pyson import PYSONEncoder
from trytond.transaction import Transaction

from .exceptions import ReadonlyFieldError


class ReadonlyGuardMixin:
    """Refuse, for every caller with access checks, writing a field that is
    read-only for the record (``readonly`` or its ``states``).

    Tryton enforces field states only in the client; workflow methods write
    after their own checks with access checks off."""
    __slots__ = ()

    @classmethod
    def write(cls, *args):
        transaction = Transaction()
        if transaction.check_access and transaction.user:
            actions = iter(args)
            for records, values in zip(actions, actions):
                cls._check_writable(records, values)
        super().write(*args)

    @classmethod
    def _check_writable(cls, records, values):
        encoder = PYSONEncoder()
        for name in values:
            field = cls._fields[name]
            readonly = True if field.readonly else (
                field.states or {}).get('readonly')
            if readonly is None or readonly is False:
                continue
            for record in records:
                if readonly is True or _record_eval_pyson(
                        record, encoder.encode(readonly), encoded=True):
                    raise ReadonlyFieldError(gettext(
                            'klachten_base.msg_field_readonly',
                            field=field.string,
                            record=record.rec_name,
                            model=cls.__names__()['model']))


def take_write_lock(Model):
    """On SQLite, take the database's write lock now: what the transaction
    reads next cannot be changed by another process before it writes.

    (PostgreSQL locks rows instead; see ModelSQL.lock.)"""
    if backend.name == 'sqlite':
        table = Model.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.id], [table.id], where=table.id == -1))
