# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reminders, escalations and the feedback term, run as the cron runs them.

The cron selects by state ("due and not yet reminded"), so one that was
down for days catches up, sends each message once, and two crons at the
same time send nothing twice."""
import datetime as dt
import shutil
import threading
from collections import Counter

from proteus import Model
from trytond.pool import Pool
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, give_staff_emails, run_wizard,
    set_user, shared_database, travel)


class DeadlineTestCase(MunicipalityTestCase):
    "The deadline cron"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ns = cls.ns
        give_staff_emails(ns)
        set_user('coordinator')
        today = dt.date.today()
        complainant = create_complainant()
        # report due in 30 days, answer in 45
        cls.investigated = admit(create_complaint(
                complainant, received_date=today,
                short_description="Investigated"), ns, user='handler1')
        cls.waiting = create_complaint(
            complainant, received_date=today, short_description="Waiting")

    def run_cron(self):
        set_user('admin', self.config)
        Cron = Model.get('ir.cron')
        ModelData = Model.get('ir.model.data')
        cron = Cron(ModelData.get_id('klachten_base', 'cron_deadlines', {}))
        cron.click('run_once')

    def emails(self, complaint=None):
        set_user('admin', self.config)
        Email = Model.get('klachten.email')
        domain = [('kind', 'in', ['reminder', 'escalation'])]
        if complaint:
            domain.append(('complaint', '=', complaint.id))
        return Counter((e.kind, e.to) for e in Email.find(domain))

    @staticmethod
    def race(target):
        "Run target in two threads at once"
        threads = [threading.Thread(target=target) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)

    @staticmethod
    def reminders(database, complaints):
        "Who got how many reminders, per complaint"
        with Transaction().start(database, 0):
            Email = Pool().get('klachten.email')
            return [Counter(e.to for e in Email.search([
                            ('complaint', '=', c.id),
                            ('kind', '=', 'reminder'),
                            ])) for c in complaints]

    def test_1_catch_up_once(self):
        "A cron down for days sends each due reminder once, then nothing"
        self.run_cron()
        self.assertEqual(self.emails(), Counter())
        # report due in 30 days, reminder 5 days before: we are 3 days
        # past the reminder day
        with travel(28):
            self.run_cron()
            self.run_cron()
        self.assertEqual(self.emails(self.investigated), Counter({
                    ('reminder', 'handler1@klaverveld.be'): 1,
                    }))
        # the evaluation of the other one (10 days) is late by now: no
        # stale reminder, the coordinators are told it is late, once
        self.assertEqual(self.emails(self.waiting), Counter({
                    ('escalation', 'coordinator@klaverveld.be'): 1,
                    }))

    def test_2_escalation_once(self):
        "A late task is escalated to the coordinator and the head, once"
        with travel(33):
            self.run_cron()
            self.run_cron()
            self.assertEqual(self.emails(self.investigated), Counter({
                        ('reminder', 'handler1@klaverveld.be'): 1,
                        ('escalation', 'coordinator@klaverveld.be'): 1,
                        ('escalation', 'head@klaverveld.be'): 1,
                        }))
            set_user('handler1', self.config)
            Task = Model.get('klachten.task')
            late, = Task.find([('overdue', '=', True)])
            self.assertEqual(late.complaint.id, self.investigated.id)

    def test_3_feedback_term(self):
        "Silence past the feedback term closes the complaint"
        set_user('coordinator', self.config)
        Complaint = Model.get('klachten.complaint')
        complaint = create_complaint(create_complainant("Jan Claes",
                'jan@example.org'), short_description="Feedback")
        complaint = run_wizard('inadmissible', complaint,
            grounds=[Model.get('klachten.inadmissibility_ground')(
                    Model.get('ir.model.data').get_id(
                        'klachten_base', 'ground_policy', {}))],
            motivation="Policy.", request_feedback=True)
        self.assertEqual(complaint.state, 'feedback')
        with travel(13):
            self.run_cron()
        self.assertEqual(Complaint(complaint.id).state, 'feedback')
        with travel(20):
            self.run_cron()
        set_user('coordinator', self.config)
        complaint = Model.get('klachten.complaint')(complaint.id)
        self.assertEqual(complaint.state, 'closed')
        self.assertIsNone(complaint.feedback)

    def test_4_concurrent_crons(self):
        "Two crons at the same moment send no reminder twice"
        set_user('coordinator', self.config)
        complaints = [create_complaint(create_complainant(
                    f"Person {i}", f'p{i}@example.org'),
                short_description=f"Concurrent {i}") for i in range(5)]
        database, folder = shared_database()
        barrier = threading.Barrier(2)
        errors = []

        with Transaction().start(database, 0) as transaction:
            Cron = Pool().get('ir.cron')
            ModelData = Pool().get('ir.model.data')
            cron = Cron(ModelData.get_id('klachten_base', 'cron_deadlines'))
            cron.next_call = None
            cron.save()
            transaction.commit()

        def cron():
            # what each trytond-cron process does for the database
            try:
                barrier.wait(timeout=10)
                Pool(database).get('ir.cron').run(database)
            except Exception as exception:
                errors.append(exception)

        with travel(8, database):
            self.race(cron)
        self.assertEqual(errors, [])
        self.assertEqual(self.reminders(database, complaints),
            [Counter({'coordinator@klaverveld.be': 1})] * 5)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)

    def test_5_concurrent_claims(self):
        "Two reminder runs racing in one instant claim each task once"
        set_user('coordinator', self.config)
        complaints = [create_complaint(create_complainant(
                    f"Racer {i}", f'r{i}@example.org'),
                short_description=f"Race {i}") for i in range(5)]
        database, folder = shared_database()
        barrier = threading.Barrier(2)
        errors = []

        def remind():
            try:
                with Transaction().start(database, 0, context={
                            'company': self.ns.company.id}) as transaction:
                    Task = Pool().get('klachten.task')
                    barrier.wait(timeout=10)
                    Task.send_reminders()
                    transaction.commit()
            except Exception as exception:
                # PostgreSQL refuses the loser's update (serialization):
                # its transaction, e-mails included, is undone
                errors.append(exception)

        with travel(8, database):
            self.race(remind)
        self.assertLessEqual(len(errors), 1, msg=errors)
        self.assertEqual(self.reminders(database, complaints),
            [Counter({'coordinator@klaverveld.be': 1})] * 5)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
