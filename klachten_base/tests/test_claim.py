# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The shared mechanisms of klachten_base: claim once (claim.py), the
due-date reminders (reminder.py) and the e-mail address rule (outbox.py)."""
import datetime as dt
import unittest
import unittest.mock

from sql import Null

from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.tools.email_ import EmailNotValidError
from trytond.transaction import Transaction

from .. import outbox
from ..claim import claim, claim_one
from ..outbox import valid_email
from .municipality import MunicipalityTestCase
from .tools import create_complainant, create_complaint, set_user


def _read(record, name):
    "The column of record as stored (claim writes below the ORM's cache)"
    table = record.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(
            getattr(table, name), where=table.id == record.id))
    return cursor.fetchone()[0]


class ClaimTestCase(MunicipalityTestCase):
    "Claim once by a conditional update"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('receiver')
        for i in range(3):
            # each opens an evaluation task
            create_complaint(create_complainant(
                    f"Claimer {i}", f'claimer{i}@example.org'))

    def test_claim_once(self):
        "Each row is won once, in the order asked, never against the rule"
        with Transaction().start(DB_NAME, 0) as transaction:
            Task = Pool().get('klachten.task')
            tasks = Task.search([('state', '=', 'open')], order=[
                    ('id', 'DESC')])
            self.assertEqual(len(tasks), 3)
            now = dt.datetime(2026, 12, 1, 9, 30)

            def empty(table):
                return (table.reminded_at == Null) & (table.state == 'open')
            done = tasks[1]
            self.assertTrue(claim_one(Task, done, {'state': 'done'}))
            won = claim(Task, tasks, {'reminded_at': now}, empty)
            self.assertEqual(won, [tasks[0].id, tasks[2].id])
            self.assertEqual(claim(Task, tasks, {'reminded_at': now}, empty),
                [])
            self.assertEqual(
                [_read(t, 'reminded_at') for t in tasks], [now, None, now])
            self.assertEqual(claim(Task, [], {'reminded_at': now}), [])
            transaction.rollback()

    def test_claim_one_touch(self):
        "claim_one says whether it won; touch records who and when"
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Task = pool.get('klachten.task')
            User = pool.get('res.user')
            task = Task.search([('state', '=', 'open')], limit=1)[0]
            receiver, = User.search([('login', '=', 'receiver')])
            with transaction.set_user(receiver.id):
                self.assertTrue(claim_one(Task, task.id,
                        lambda table: {'escalated_at': table.due_date},
                        lambda table: table.escalated_at == Null,
                        touch=True))
                self.assertFalse(claim_one(Task, task,
                        {'escalated_at': dt.datetime.now()},
                        lambda table: table.escalated_at == Null,
                        touch=True))
            self.assertEqual(_read(task, 'write_uid'), receiver.id)
            self.assertEqual(_read(task, 'escalated_at'),
                dt.datetime.combine(task.due_date, dt.time()))
            transaction.rollback()


class EmailRuleTestCase(unittest.TestCase):
    "One rule for an address a person types (portal, advisory bodies)"

    def test_valid_email(self):
        for value in [
                'an.peeters@example.org', 'a+b@sub.example.be']:
            with self.subTest(value=value):
                self.assertTrue(valid_email(value))
        for value in [
                None, '', 'an.peeters', 'an@localhost', '@example.org',
                'an@example.org, bob@example.org', 'An <an@example.org>',
                'an@example.org\r\nBcc: x@example.org', ' an@example.org',
                'an@@example.org', 'group: an@example.org;']:
            with self.subTest(value=value):
                self.assertFalse(valid_email(value))

    def test_tryton_rule_applies(self):
        "An address that Tryton's rule refuses is refused"
        def refuse(email):
            raise EmailNotValidError("The domain does not accept email.")
        with unittest.mock.patch.object(outbox, 'validate_email', refuse):
            self.assertFalse(valid_email('an.peeters@example.org'))
        self.assertTrue(valid_email('an.peeters@example.org'))
