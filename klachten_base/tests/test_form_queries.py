# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A complaint's form opens in a fixed number of queries, and its lists
of observers and related complaints are those of the complaint whoever
reads it (bench/backoffice.py measures the form at scale)."""
from contextlib import contextmanager

from proteus import Model
from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, read_as_sao, set_user)

# the relations whose rules are the complaint's (their __access__): the
# form reads them without checking the complaint's rules again
RELATIONS = {
    'klachten.complaint-res.user.observer': 'observers',
    'klachten.complaint-klachten.inadmissibility_ground':
        'inadmissibility_grounds',
    'klachten.complaint-klachten.remedy': 'remedies',
    'klachten.complaint.relation': 'related_complaints',
    }
# 49 on SQLite and 58-59 on PostgreSQL when pinned; a form that reads a
# relation or a function field per record again grows past it
FORM_QUERIES = {'sqlite': 53, 'postgresql': 64}


@contextmanager
def capturing_queries():
    "The statements executed through Tryton's cursors"
    if backend.name == 'postgresql':
        from trytond.backend.postgresql.database import LoggingCursor as Cursor
    else:
        from trytond.backend.sqlite.database import SQLiteCursor as Cursor
    queries = []
    execute = Cursor.execute

    def captured(cursor, query, *args, **kwargs):
        queries.append(str(query))
        return execute(cursor, query, *args, **kwargs)
    Cursor.execute = captured
    try:
        yield queries
    finally:
        Cursor.execute = execute


class FormQueriesTestCase(MunicipalityTestCase):
    "A complaint's form"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        User = Model.get('res.user')
        complainant = create_complainant()
        cls.earlier = create_complaint(complainant,
            short_description="The earlier one")
        complaint = create_complaint(complainant)
        complaint.observers.append(User(cls.ns.users['head'].id))
        complaint.related_complaints.append(
            Model.get('klachten.complaint')(cls.earlier.id))
        complaint.save()
        cls.complaint = admit(complaint, cls.ns, user='handler1')

    def form(self, login):
        set_user(login)
        values, = read_as_sao('klachten.complaint', [self.complaint.id])
        return values

    def test_relations_as_handler_and_coordinator(self):
        "The handler sees the observers and related complaints as well"
        for login, others in [
                ('coordinator', [self.earlier.id]),
                # not assigned to the handler: not shown to them
                ('handler1', [])]:
            with self.subTest(login=login):
                values = self.form(login)
                self.assertEqual(list(values['observers']),
                    [self.ns.users['head'].id])
                self.assertEqual(list(values['related_complaints']),
                    [self.earlier.id])
                self.assertEqual(
                    list(values['complainant_complaints']), others)

    def test_form_queries(self):
        """The handler's form opens in a fixed number of queries, and reads
        the relations without the complaint's rules again"""
        self.form('handler1')  # the caches warm
        with capturing_queries() as queries:
            self.form('handler1')
        tables = {r.replace('.', '_') for r in RELATIONS}
        for query in queries:
            if any(f'FROM "{t}" AS' in query for t in tables):
                self.assertNotIn('EXISTS', query)
        self.assertLessEqual(len(queries), FORM_QUERIES[backend.name])

    def test_relations_without_own_rules(self):
        "No rule names the relations the form reads unchecked"
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            RuleGroup = pool.get('ir.rule.group')
            Complaint = pool.get('klachten.complaint')
            self.assertEqual(RuleGroup.search(
                    [('model', 'in', list(RELATIONS))]), [])
            for relation, name in RELATIONS.items():
                field = Complaint._fields[name]
                Relation = pool.get(relation)
                self.assertEqual(field.relation_name, relation)
                self.assertEqual(Relation.__access__, {field.origin})
