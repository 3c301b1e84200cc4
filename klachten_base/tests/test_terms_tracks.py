# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The terms of issue 16: the suspension of the terms while the
complainant is asked for information."""
import datetime as dt

from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from ..term import term_end
from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, give_staff_emails, run_wizard,
    set_user, travel)

TODAY = dt.date.today()


def days_term(start, days):
    "The end of a term of days calendar days (Belgian working day)"
    return term_end(start, days, 'day', 'BE', True)


class TermsTestCase(MunicipalityTestCase):
    "The suspension of the terms"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        give_staff_emails(cls.ns)
        set_user('coordinator')
        cls.complainant = create_complainant()

    def tasks(self, complaint, kind):
        set_user('admin')
        return Model.get('klachten.task').find([
                ('complaint', '=', complaint.id), ('kind', '=', kind)])

    def mails(self, complaint, kind):
        set_user('admin')
        return sorted(e.to for e in Model.get('klachten.email').find([
                    ('complaint', '=', complaint.id), ('kind', '=', kind)]))

    def run_cron(self):
        set_user('admin')
        Cron = Model.get('ir.cron')
        ModelData = Model.get('ir.model.data')
        Cron(ModelData.get_id('klachten_base', 'cron_deadlines', {})
            ).click('run_once')

    def ground(self):
        return Model.get('klachten.inadmissibility_ground')(
            Model.get('ir.model.data').get_id(
                'klachten_base', 'ground_policy', {}))

    # Suspension
    def suspended(self, description):
        "An admitted complaint with a suspending request to the complainant"
        set_user('coordinator')
        complaint = create_complaint(self.complainant,
            received_date=TODAY, short_description=description)
        complaint = run_wizard('request_information', complaint,
            question="Which day was it?", suspend=True)
        self.assertEqual(complaint.suspended_since, TODAY)
        request, = complaint.information_requests
        self.assertTrue(request.suspends)
        return complaint, request

    def test_suspension_resumed_by_answer(self):
        "The answer 5 days later adds 5 days to the terms and the tasks"
        complaint, request = self.suspended("Waiting")
        answer_due, report_due = complaint.answer_due, complaint.report_due
        with travel(5):
            set_user('coordinator')
            Request = Model.get('klachten.information.request')
            request = Request(request.id)
            request.answer = "The 3rd of May."
            request.save()
            request.click('record_answer')
        set_user('coordinator')
        complaint.reload()
        self.assertIsNone(complaint.suspended_since)
        self.assertEqual(complaint.suspended_days, 5)
        self.assertEqual(complaint.answer_due,
            answer_due + dt.timedelta(days=5))
        self.assertEqual(complaint.report_due,
            report_due + dt.timedelta(days=5))
        # admitted after the suspension: the handler's task follows
        complaint = admit(complaint, self.ns)
        investigate, = self.tasks(complaint, 'investigate')
        self.assertEqual(investigate.due_date,
            report_due + dt.timedelta(days=5))

    def test_suspension_moves_open_tasks(self):
        "Resumed in the investigation: the handler's task moves too"
        set_user('coordinator')
        complaint = admit(create_complaint(self.complainant,
                received_date=TODAY, short_description="Investigated"),
            self.ns)
        report_due = complaint.report_due
        with Transaction().start(DB_NAME, 0) as transaction:
            Complaint = Pool().get('klachten.complaint')
            record = Complaint(complaint.id)
            Complaint._write_workflow([record], {
                    'suspended_since': TODAY - dt.timedelta(days=4)})
            Complaint._resume([record], TODAY)
            transaction.commit()
        task, = self.tasks(complaint, 'investigate')
        self.assertEqual(task.due_date, report_due + dt.timedelta(days=4))
        set_user('coordinator')
        complaint.reload()
        self.assertEqual(complaint.report_due,
            report_due + dt.timedelta(days=4))
        self.assertEqual(complaint.suspended_days, 4)

    def test_suspension_lapse_resumes(self):
        "A suspending request that is cancelled resumes the terms"
        complaint, request = self.suspended("Cancelled request")
        answer_due = complaint.answer_due
        with travel(3):
            set_user('coordinator')
            Request = Model.get('klachten.information.request')
            Request(request.id).click('cancel')
        set_user('coordinator')
        complaint.reload()
        self.assertEqual(complaint.suspended_days, 3)
        self.assertEqual(complaint.answer_due,
            answer_due + dt.timedelta(days=3))

    def test_suspension_complainant_only(self):
        "A request to a third party does not suspend the terms"
        set_user('coordinator')
        complaint = create_complaint(self.complainant,
            short_description="Third party")
        wizard = Wizard('klachten.complaint.request_information',
            [complaint])
        wizard.form.recipient = 'third_party'
        wizard.form.name = "Jan Janssens"
        wizard.form.email = 'jan@example.org'
        wizard.form.question = "What did you see?"
        wizard.form.suspend = True
        wizard.execute('confirm')
        complaint.reload()
        self.assertIsNone(complaint.suspended_since)
        with Transaction().start(DB_NAME, 0):
            Complaint = Pool().get('klachten.complaint')
            with self.assertRaises(UserError) as cm:
                Complaint.request_information([Complaint(complaint.id)],
                    "Where?", 'third_party', name="Jan",
                    email='jan@example.org', suspend=True)
        self.assertIn('complainant', str(cm.exception))

    # The admissibility notice term
    def test_notice_term_brings_evaluation_forward(self):
        "Received 9 days before registration: Evaluate is due with the "
        "notice (10 days after receipt), not 10 days after registration"
        set_user('coordinator')
        received = TODAY - dt.timedelta(days=9)
        complaint = create_complaint(self.complainant,
            received_date=received, short_description="Late letter")
        notice = days_term(received, 10)
        self.assertEqual(complaint.admissibility_notice_due, notice)
        task, = self.tasks(complaint, 'evaluate')
        self.assertEqual((task.state, task.due_date), ('open', notice))
        # one decision, one task: no second task for the notice
        set_user('admin')
        self.assertEqual([t.kind for t in Model.get('klachten.task').find(
                    [('complaint', '=', complaint.id)])], ['evaluate'])
        recent = create_complaint(self.complainant, received_date=TODAY,
            short_description="Fresh letter")
        task, = self.tasks(recent, 'evaluate')
        self.assertEqual(task.due_date, days_term(TODAY, 10))

    def test_notice_term_restarts_after_disagreement(self):
        "The complainant disagrees: a new notice term from that day"
        set_user('coordinator')
        complaint = run_wizard('inadmissible', create_complaint(
                self.complainant, received_date=TODAY - dt.timedelta(days=9),
                short_description="Disagrees"),
            grounds=[self.ground()], motivation="Policy.",
            request_feedback=True)
        self.assertEqual(complaint.state, 'feedback')
        with travel(2):
            set_user('coordinator')
            complaint = run_wizard('disagree', complaint,
                comment="I do not agree.")
        due = days_term(TODAY + dt.timedelta(days=2), 10)
        self.assertEqual(complaint.admissibility_notice_due, due)
        tasks = self.tasks(complaint, 'evaluate')
        self.assertEqual(sorted((t.state, t.due_date) for t in tasks), [
                ('done', days_term(TODAY - dt.timedelta(days=9), 10)),
                ('open', due)])
