# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Behaviour shared by the models of every klachten module."""
import copy
import functools

from lxml import etree

from trytond import backend
from trytond.i18n import gettext
from trytond.model import fields
from trytond.model.modelview import _record_eval_pyson
from trytond.pool import Pool
from trytond.pyson import Eval, Or, PYSONEncoder
from trytond.transaction import Transaction, check_access, without_check_access

from .exceptions import ReadonlyFieldError


class CorrelatedFunction(fields.Function):
    """A Function field whose searcher may return an SQL condition on the
    searched table itself instead of a domain: searcher(name, clause,
    table), where table is the table being searched (the history table
    when reading as of a date) or None when ModelSQL looks at the
    searchers first (keep the clause then: ``return [tuple(clause)]``).
    PostgreSQL then tests the condition on the rows it reads, with the
    indexes of their own columns, instead of building a set of ids."""

    def __copy__(self):
        return self._again(copy.copy(self._field))

    def __deepcopy__(self, memo):
        return self._again(copy.deepcopy(self._field, memo))

    def _again(self, field):
        # Function's copies are Functions: Tryton copies the fields of
        # every class of the pool
        return type(self)(field, self.getter,
            setter=self.setter, searcher=self.searcher,
            getter_with_context=self.getter_with_context,
            loading=self.loading)

    def convert_domain(self, domain, tables, Model):
        table, _ = tables[None]
        return getattr(Model, self.searcher)(self.name, domain, table)


def _user_clause(clause):
    "The user id of a rule's clause (field, '=', user id), else None"
    _, operator, value = clause[:3]
    if (operator == '=' and isinstance(value, int)
            and not isinstance(value, bool) and value > 0):
        return value
    return None


def rule_searcher(fallback):
    """Decorate the searcher of a CorrelatedFunction that tells who is
    meant by a record: condition(cls, table, user_id) is the SQL condition
    on the searched table's own columns for a rule's clause (field, '=',
    user id); any other clause, and a search as of a date (who is meant
    now: the current table), is fallback(cls, clause)'s domain"""
    def decorator(condition):
        @functools.wraps(condition)
        def searcher(cls, name, clause, table=None):
            user_id = _user_clause(clause)
            if user_id is None or (
                    cls._history and Transaction().context.get('_datetime')):
                return fallback(cls, clause)
            if table is None:
                # ModelSQL looks at the searchers first: keep the clause
                return [tuple(clause)]
            return condition(cls, table, user_id)
        return searcher
    return decorator


class ClearsCachesMixin:
    """Created, written or deleted, a record empties the caches its class
    names in _clears (functions that empty one, in every process once the
    transaction commits: Tryton's Cache.clear)"""
    __slots__ = ()
    _clears = ()

    @classmethod
    def create(cls, vlist):
        cls._clear_caches()
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._clear_caches()
        super().write(*args)

    @classmethod
    def delete(cls, records):
        cls._clear_caches()
        super().delete(records)

    @classmethod
    def _clear_caches(cls):
        for clear in cls._clears:
            clear()


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


def check_write_access(Model, ids, model_access=True):
    """Refuse, for a user with access checks, changing the records ids of
    Model against its record rules in write mode (and, with model_access,
    without the model's write access)"""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Rule = pool.get('ir.rule')
    transaction = Transaction()
    if not transaction.user or not transaction.check_access:
        return
    if model_access:
        ModelAccess.check(Model.__name__, 'write')
    ids = [i for i in ids if i is not None and i >= 0]
    if ids:
        Rule.check(Model.__name__, ids, mode='write')


class WriteAccessButtonsMixin:
    """Every button of the model requires write access to its records: the
    record rules in write mode, and the model's write access unless the
    button's groups grant it (as core does).

    Core checks only the read rules on the records: one who may read a
    complaint but not change it could move it through the workflow."""
    __slots__ = ()

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        for name in cls._buttons:
            method = getattr(cls, name, None)
            if (not hasattr(method, '__func__')
                    or getattr(method, '_write_access_checked', False)):
                continue
            setattr(cls, name, classmethod(_write_checked(method.__func__)))


def _write_checked(func):
    @functools.wraps(func)
    def wrapper(cls, records, *args, **kwargs):
        transaction = Transaction()
        if transaction.user and transaction.check_access:
            Button = Pool().get('ir.model.button')
            groups = Button.get_groups(cls.__name__, func.__name__)
            check_write_access(cls, [r.id for r in records],
                model_access=not groups)
        return func(cls, records, *args, **kwargs)
    wrapper._write_access_checked = True
    return wrapper


class PermittedButtonsMixin(WriteAccessButtonsMixin):
    """Leave out of the views the buttons the user may not press (their
    groups, or the model's write access without groups) instead of showing
    them greyed out, and hide every button on a record the user may read
    but not change (the record rules in write mode, which the server
    checks when a button is pressed): a screen shows what this user can
    do"""
    __slots__ = ()

    may_change = fields.Function(
        fields.Boolean("May Change",
            help="The user may change this record (its write rules)."),
        'get_may_change')

    @classmethod
    def __post_setup__(cls):
        super().__post_setup__()
        hidden = ~Eval('may_change', True)
        for name, states in list(cls._buttons.items()):
            states = dict(states)
            invisible = states.get('invisible', False)
            if invisible is not True:
                states['invisible'] = (
                    Or(invisible, hidden) if invisible else hidden)
            states['depends'] = sorted(
                set(states.get('depends', [])) | {'may_change'})
            cls._buttons[name] = states

    @staticmethod
    def default_may_change():
        return True

    @classmethod
    def get_may_change(cls, records, name):
        "Whether the user's write rules allow changing each record"
        pool = Pool()
        Rule = pool.get('ir.rule')
        result = {r.id: True for r in records}
        if not Transaction().user:
            return result
        with check_access():
            domain = Rule.domain_get(cls.__name__, mode='write')
        if domain:
            with without_check_access(), Transaction().set_context(
                    active_test=False):
                allowed = {r.id for r in cls.search([
                            ('id', 'in', list(result)),
                            domain,
                            ])}
            result = {i: i in allowed for i in result}
        return result

    @classmethod
    def fields_view_get(cls, view_id=None, view_type='form', level=None):
        result = super().fields_view_get(
            view_id=view_id, view_type=view_type, level=level)
        forbidden = cls._forbidden_buttons()
        if not forbidden or '<button' not in result.get('arch', ''):
            return result
        tree = etree.fromstring(result['arch'])
        for button in list(tree.iter('button')):
            if button.get('name') in forbidden:
                button.getparent().remove(button)
        return dict(result, arch=etree.tostring(tree, encoding='unicode'))

    @classmethod
    def _forbidden_buttons(cls):
        "The names of the buttons the user may not press"
        pool = Pool()
        Button = pool.get('ir.model.button')
        ModelAccess = pool.get('ir.model.access')
        User = pool.get('res.user')
        if not Transaction().user:
            return set()
        groups = set(User.get_groups())
        write = ModelAccess.get_access([cls.__name__])[cls.__name__]['write']
        forbidden = set()
        for name in cls._buttons:
            button_groups = Button.get_groups(cls.__name__, name)
            if ((button_groups and not groups & button_groups)
                    or (not button_groups and not write)):
                forbidden.add(name)
        return forbidden


def take_write_lock(Model):
    """On SQLite, take the database's write lock now: what the transaction
    reads next cannot be changed by another process before it writes.

    (PostgreSQL locks rows instead; see ModelSQL.lock.)"""
    if backend.name == 'sqlite':
        table = Model.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.id], [table.id], where=table.id == -1))
