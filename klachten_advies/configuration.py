# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The advice terms of the complaints policy."""
from sql import Literal

from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# kind, label, the base kind it follows in the list
TERM_KINDS = [
    ('committee_answer', "Answer with an Advisory Committee", 'answer'),
    ('advice', "Advice Answer", 'information'),
    ]
# the advice terms of each preset: kind, number, unit, days of reminder
# before the end (Awb 9:11: ten weeks with a committee)
PRESETS = {
    'flemish': [
        ('committee_answer', 45, 'day', 5),
        ('advice', 14, 'day', 3),
        ],
    'awb': [
        ('committee_answer', 10, 'week', 5),
        ('advice', 14, 'day', 3),
        ],
    'one_month': [
        ('committee_answer', 2, 'month', 5),
        ('advice', 14, 'day', 3),
        ],
    }
# the terms that klachten_base defined before klachten_advies held them
_MOVED = ('term_committee_answer', 'term_advice')


def _insert_after(items, item, after):
    "Insert item into the list items after the entry whose key is after"
    keys = [i[0] for i in items]
    position = keys.index(after) + 1 if after in keys else len(items)
    items.insert(position, item)


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    @classmethod
    def _preset(cls, name):
        preset = super()._preset(name)
        after = {k: a for k, _, a in TERM_KINDS}
        for term in PRESETS.get(name, []):
            _insert_after(preset, term, after[term[0]])
        return preset


class Term(metaclass=PoolMeta):
    __name__ = 'klachten.term'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        keys = {k for k, _ in cls.kind.selection}
        for kind, label, after in TERM_KINDS:
            if kind not in keys:
                _insert_after(cls.kind.selection, (kind, label), after)

    @classmethod
    def __register__(cls, module):
        # Migration from 8.0.0: the advice terms were klachten_base's
        # records; keep them (and their values) as this module's
        table = Pool().get('ir.model.data').__table__()
        super().__register__(module)
        Transaction().connection.cursor().execute(*table.update(
                [table.module], [Literal(module)],
                where=(table.module == 'klachten_base')
                & table.fs_id.in_(_MOVED)))
