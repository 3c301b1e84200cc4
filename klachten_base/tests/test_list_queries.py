# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The lists of complaints and tasks stay fast with many rows: the columns
the record rules and the default orders use are indexed
(bench/backoffice.py measures it at scale)."""
from trytond import backend
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase


class ListQueriesTestCase(MunicipalityTestCase):
    "The lists of complaints and tasks"

    def indexed(self, table):
        "The first column of each index of table"
        with Transaction().start(DB_NAME, 0) as transaction:
            cursor = transaction.connection.cursor()
            if backend.name == 'postgresql':
                cursor.execute('SELECT indexdef FROM pg_indexes '
                    'WHERE tablename = %s', (table,))
            else:
                cursor.execute("SELECT sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = ?", (table,))
            definitions = [d for d, in cursor if d]
        return {d.split('(', 1)[1].split(')')[0].split(',')[0].split()[0]
            .strip('"') for d in definitions}

    def test_rule_and_order_columns_indexed(self):
        "The handler's rules and the lists' orders are served by indexes"
        self.assertLessEqual({'handler_user', 'handler_department',
                'received_date', 'concerned_department', 'received_by'},
            self.indexed('klachten_complaint'))
        self.assertLessEqual({'user', 'department', 'group', 'due_date'},
            self.indexed('klachten_task'))
