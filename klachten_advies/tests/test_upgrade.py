# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Upgrading a database from the time klachten_base held the advice terms
keeps them, with the values the municipality gave them."""
import unittest

from sql import Literal

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
from trytond.transaction import Transaction

from ..configuration import _MOVED


def upgrade(modules):
    "Upgrade modules as trytond-admin -u does"
    with Transaction().start(DB_NAME, 0, close=True) as transaction:
        pool = Pool()
        Module = pool.get('ir.module')
        Module.upgrade(Module.search([('name', 'in', modules)]))
        transaction.commit()
        ActivateUpgrade = pool.get(
            'ir.module.activate_upgrade', type='wizard')
        instance_id, _, _ = ActivateUpgrade.create()
        transaction.commit()
        ActivateUpgrade(instance_id).transition_upgrade()
        ActivateUpgrade.delete(instance_id)
        transaction.commit()


class UpgradeTestCase(unittest.TestCase):
    "Upgrade from klachten_base 8.0.0"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_module('klachten_advies')

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def terms(self):
        "{kind: (number, unit, module of its XML id)} of the advice terms"
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Term = pool.get('klachten.term')
            ModelData = pool.get('ir.model.data')
            modules = {d.db_id: d.module for d in ModelData.search([
                        ('model', '=', 'klachten.term'),
                        ('fs_id', 'in', _MOVED),
                        ])}
            return {t.kind: (t.number, t.unit, modules.get(t.id))
                for t in Term.search([
                        ('kind', 'in', ['advice', 'committee_answer'])])}

    def test_advice_terms_kept(self):
        "The advice terms and their values outlive the upgrade"
        # The database as klachten_base 8.0.0 left it, with the terms
        # changed by the municipality
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Term = pool.get('klachten.term')
            table = pool.get('ir.model.data').__table__()
            transaction.connection.cursor().execute(*table.update(
                    [table.module], [Literal('klachten_base')],
                    where=(table.module == 'klachten_advies')
                    & table.fs_id.in_(_MOVED)))
            Term.write(Term.search([('kind', '=', 'advice')]), {
                    'number': 3, 'unit': 'week'})
            Term.write(Term.search([('kind', '=', 'committee_answer')]), {
                    'number': 10, 'unit': 'week'})
            transaction.commit()

        upgrade(['klachten_base', 'klachten_advies'])

        self.assertEqual(self.terms(), {
                'advice': (3, 'week', 'klachten_advies'),
                'committee_answer': (10, 'week', 'klachten_advies'),
                })
