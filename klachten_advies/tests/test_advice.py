# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Advice requests in the back office: who reads and does what, bad
input, a complaint that ends while advice is pending, the deadline cron
with time travel, and the advisory committee's answer term."""
import datetime as dt
import unittest
from collections import Counter

from klachten_base.configuration import PRESETS
from klachten_base.term import term_end
from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, give_staff_emails,
    read_as_sao, run_wizard, set_user, setup_municipality, travel)
from klachten_portal.tests.tools import settings
from proteus import Model, Wizard
from proteus import config as pconfig
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules

from ..configuration import PRESETS as ADVICE_PRESETS

QUESTION = "Was the parking sign visible that day?"


class AdviceTestCase(unittest.TestCase):
    "Advice requests"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        configured = settings(url='http://portal.test/')
        configured.__enter__()
        cls.addClassCleanup(configured.__exit__, None, None, None)
        # the external advisor's links are the portal's
        activate_modules(['klachten_advies', 'klachten_portal'])
        cls.config = pconfig.get_config()
        cls.ns = ns = setup_municipality()
        give_staff_emails(ns)
        set_user('coordinator')
        cls.complainant = create_complainant()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    # Helpers
    def investigated(self, **values):
        "A complaint that handler1 investigates"
        set_user('coordinator')
        complaint = create_complaint(self.complainant, **values)
        return admit(complaint, self.ns, user='handler1')

    def department(self, code):
        return Model.get('klachten.department')(self.ns.departments[code].id)

    def role(self, code):
        return Model.get('klachten.role')(self.ns.roles[code].id)

    def user(self, login):
        return Model.get('res.user')(self.ns.users[login].id)

    def ask(self, complaint, login='handler1', **values):
        "Ask advice on complaint as login; return the new request"
        set_user(login)
        complaint = Model.get('klachten.complaint')(complaint.id)
        before = {r.id for r in complaint.advice_requests}
        values.setdefault('question', QUESTION)
        complaint = run_wizard('request_advice', complaint, **values)
        request, = [r for r in complaint.advice_requests
            if r.id not in before]
        return request

    def ask_internal(self, complaint, login='handler1', user='handler3'):
        return self.ask(complaint, login,
            advisor_department=self.department('OM'),
            advisor_role=self.role('handler'),
            advisor_user=self.user(user) if user else None)

    def ask_external(self, complaint, login='handler1', **values):
        values.setdefault('kind', 'external')
        if 'advisory_body' not in values:
            values.setdefault('advisor_name', "Ir. Els Wouters")
            values.setdefault('advisor_email', 'els.wouters@example.org')
        return self.ask(complaint, login, **values)

    def answer(self, request, login, text="Yes, it was."):
        set_user(login)
        request = Model.get('klachten.advice.request')(request.id)
        wizard = Wizard('klachten.advice.request.answer', [request])
        wizard.form.answer = text
        wizard.execute('confirm')

    def reads(self, login, complaint):
        set_user(login)
        return bool(Model.get('klachten.complaint').find(
                [('id', '=', complaint.id)]))

    def request(self, request):
        set_user('admin')
        return Model.get('klachten.advice.request')(request.id)

    def emails(self, kinds, complaint):
        set_user('admin')
        Email = Model.get('klachten.email')
        return Counter((e.kind, e.to) for e in Email.find(
                [('kind', 'in', kinds), ('complaint', '=', complaint.id)]))

    def tokens(self, request):
        set_user('admin')
        return Model.get('klachten.portal.token').find([
                ('resource', '=', f'klachten.advice.request,{request.id}')])

    def run_cron(self):
        set_user('admin')
        Cron = Model.get('ir.cron')
        ModelData = Model.get('ir.model.data')
        Cron(ModelData.get_id('klachten_base', 'cron_deadlines', {})).click(
            'run_once')

    # Access
    def test_role_advisor_reads_only_while_open(self):
        "Everyone with the role reads the complaint, read-only, until closed"
        complaint = self.investigated(short_description="Role advice")
        self.assertFalse(self.reads('handler3', complaint))
        request = self.ask_internal(complaint, user=None)
        self.assertEqual([u.login for u in self.request(request).advisors],
            ['handler3'])
        self.assertTrue(self.reads('handler3', complaint))
        self.assertFalse(self.reads('observer', complaint))
        set_user('handler3')
        Complaint = Model.get('klachten.complaint')
        with self.assertRaises(AccessError):
            Complaint.write([complaint.id], {'report': "Mine"},
                self.config.context)
        Task = Model.get('klachten.task')
        task, = Task.find([('mine', '=', True), ('state', '=', 'open')])
        self.assertEqual(task.kind, 'advice')

        # the advisor may not withdraw; the requester may
        with self.assertRaises(UserError) as context:
            Model.get('klachten.advice.request')(request.id).click(
                'withdraw')
        self.assertIn("can withdraw it", context.exception.message)
        set_user('handler1')
        Model.get('klachten.advice.request')(request.id).click('withdraw')
        request = self.request(request)
        self.assertEqual(
            (request.state, request.withdrawal, request.task.state),
            ('withdrawn', 'requester', 'cancelled'))
        self.assertFalse(self.reads('handler3', complaint))

        # a withdrawn request takes no answer, with a clear message
        set_user('admin')
        with self.assertRaises(UserError) as context:
            self.answer(request, 'admin')
        self.assertIn('is "Withdrawn"', context.exception.message)
        self.assertEqual(self.request(request).answer, None)

    def test_advisor_reads_request_after_answer(self):
        "After Give Advice the advisor's screen reloads the request: no error"
        complaint = self.investigated(short_description="Reload after advice")
        request = self.ask_internal(complaint, user=None)
        self.answer(request, 'handler3')
        # what sao reads right after the wizard, as the advisor
        set_user('handler3')
        record, = read_as_sao('klachten.advice.request', [request.id], 'tree')
        self.assertEqual(record['state'], 'answered')
        record, = read_as_sao('klachten.advice.request', [request.id])
        self.assertEqual(record['answer'], "Yes, it was.")
        # and the complaint the advice was given on, read-only
        set_user('handler3')
        record, = read_as_sao('klachten.complaint', [complaint.id])
        self.assertEqual(record['state'], 'investigation')
        with self.assertRaises(AccessError):
            Model.get('klachten.complaint').write(
                [complaint.id], {'report': "Mine"}, self.config.context)

    def test_other_advisors_see_nothing(self):
        "An advisor of one complaint does not read another"
        asked = self.investigated(short_description="Asked")
        other = self.investigated(short_description="Not asked")
        self.ask_internal(asked)
        self.assertTrue(self.reads('handler3', asked))
        self.assertFalse(self.reads('handler3', other))
        set_user('handler3')
        self.assertEqual(Model.get('klachten.advice.request').find(
                [('complaint', '=', other.id)]), [])

    def test_confidential_and_concerned(self):
        "No internal advice on a confidential complaint or from its subject"
        complaint = self.investigated(short_description="Confidential")
        set_user('coordinator')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.confidential = True
        complaint.save()
        with self.assertRaises(UserError) as context:
            self.ask_internal(complaint)
        self.assertIn("is confidential", context.exception.message)
        # external advice remains possible
        self.ask_external(complaint)

        set_user('coordinator')
        complaint = create_complaint(self.complainant)
        complaint = admit(complaint, self.ns, user='handler1',
            concerns='staff', concerned_user=self.user('handler3'))
        with self.assertRaises(UserError) as context:
            self.ask_internal(complaint)
        self.assertIn("is about this staff member", context.exception.message)
        # nor from a role of which they are the only member
        with self.assertRaises(UserError) as context:
            self.ask_internal(complaint, user=None)
        self.assertIn("the only", context.exception.message)

    def test_bad_input(self):
        "Wrong phase, wrong person, missing or wrong input: clear refusals"
        set_user('coordinator')
        evaluated = create_complaint(self.complainant)
        with self.assertRaises(UserError) as context:
            self.ask_external(evaluated, login='coordinator')
        self.assertIn('is in state "Evaluation"', context.exception.message)

        complaint = self.investigated()
        with self.assertRaises(AccessError):
            self.ask_external(complaint, login='observer')
        with self.assertRaises(UserError) as context:
            self.ask_external(complaint, advisor_email='els@')
        self.assertIn('"els@" of the advisor is not valid',
            context.exception.message)
        with self.assertRaises(UserError) as context:
            self.ask_external(complaint, advisor_name='  ')
        self.assertIn("Advisor Name", context.exception.message)
        with self.assertRaises(UserError):
            # neither a role nor a user
            self.ask(complaint, advisor_department=self.department('OM'))
        with self.assertRaises(UserError) as context:
            self.ask(complaint, advisor_department=self.department('OM'),
                advisor_role=self.role('head'))
        self.assertIn('Nobody has the role "Department Head" in the '
            'department "Omgeving"', context.exception.message)
        set_user('admin')
        self.assertEqual(
            Model.get('klachten.complaint')(complaint.id).advice_requests,
            [])

    # The complaint ends while advice is pending
    def test_cancelled_withdraws(self):
        "Cancelling the complaint withdraws its advice and tells the advisor"
        complaint = self.investigated(short_description="Cancelled")
        internal = self.ask_internal(complaint)
        external = self.ask_external(complaint)
        self.assertEqual(len(self.tokens(external)), 1)
        set_user('coordinator')
        run_wizard('cancel', Model.get('klachten.complaint')(complaint.id),
            reason="Withdrawn by phone")
        for request in [internal, external]:
            request = self.request(request)
            self.assertEqual((request.state, request.withdrawal),
                ('withdrawn', 'complaint_cancelled'))
        self.assertEqual(self.request(internal).task.state, 'cancelled')
        self.assertTrue(all(t.revoked for t in self.tokens(external)))
        self.assertEqual(self.emails(['advice_withdrawn'], complaint),
            Counter({('advice_withdrawn', 'els.wouters@example.org'): 1}))
        self.assertFalse(self.reads('handler3', complaint))

    def test_closed_withdraws(self):
        "Concluding the complaint withdraws advice asked in conclusion"
        complaint = self.investigated(short_description="Closed")
        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.outcome = 'unfounded'
        complaint.save()
        complaint.click('finalise_report')
        request = self.ask_external(complaint, login='coordinator')
        self.assertEqual(request.phase, 'conclusion')
        run_wizard('conclude', Model.get('klachten.complaint')(complaint.id),
            conclusion="Unfounded", inform=False)
        request = self.request(request)
        self.assertEqual((request.state, request.withdrawal),
            ('withdrawn', 'complaint_closed'))

    # Sent back while advice is open: the coordinator keeps or withdraws it
    def sent_back(self, short_description):
        "A complaint sent back by handler1 with internal and external advice"
        complaint = self.investigated(short_description=short_description)
        requests = [self.ask_internal(complaint), self.ask_external(complaint)]
        set_user('handler1')
        run_wizard('send_back', Model.get('klachten.complaint')(complaint.id),
            remarks="Not for Burgerzaken")
        set_user('coordinator')
        return Model.get('klachten.complaint')(complaint.id), requests

    def test_send_back_keeps_or_withdraws_advice(self):
        "The Evaluate task lists the open advice; the decision keeps it or not"
        complaint, requests = self.sent_back("Sent back, advice kept")
        self.assertEqual(complaint.state, 'evaluation')
        self.assertEqual({self.request(r).state for r in requests},
            {'requested'})
        set_user('coordinator')
        Task = Model.get('klachten.task')
        task, = Task.find([('complaint', '=', complaint.id),
                ('kind', '=', 'evaluate'), ('state', '=', 'open')])
        self.assertIn("Not for Burgerzaken", task.note)
        self.assertIn("Advice still open", task.note)
        self.assertIn("Ir. Els Wouters", task.note)
        self.assertIn(QUESTION, task.note)
        wizard = Wizard('klachten.complaint.admissible', [complaint])
        self.assertIn("Ir. Els Wouters", wizard.form.open_advice_list)
        self.assertEqual(wizard.form.open_advice, None)
        wizard.execute('end')

        complaint = admit(complaint, self.ns, user='handler2',
            open_advice='keep')
        self.assertEqual(complaint.state, 'investigation')
        for request in requests:
            request = self.request(request)
            self.assertEqual(request.state, 'requested')
        self.assertEqual(self.request(requests[0]).task.state, 'open')
        self.assertTrue(self.reads('handler3', complaint))
        self.assertEqual(self.emails(['advice_withdrawn'], complaint),
            Counter())

        complaint, requests = self.sent_back("Sent back, advice withdrawn")
        complaint = admit(complaint, self.ns, open_advice='withdraw')
        for request in requests:
            request = self.request(request)
            self.assertEqual((request.state, request.withdrawal),
                ('withdrawn', 'complaint_sent_back'))
        self.assertEqual(self.request(requests[0]).task.state, 'cancelled')
        self.assertTrue(all(t.revoked for t in self.tokens(requests[1])))
        self.assertEqual(self.emails(['advice_withdrawn'], complaint),
            Counter({('advice_withdrawn', 'els.wouters@example.org'): 1}))
        self.assertFalse(self.reads('handler3', complaint))

    def test_answer_with_several_files(self):
        "The advisor answers in the back office with several files"
        complaint = self.investigated(short_description="Several files")
        request = self.ask_internal(complaint)
        set_user('handler3')
        wizard = Wizard('klachten.advice.request.answer',
            [Model.get('klachten.advice.request')(request.id)])
        wizard.form.answer = "See the photos."
        for data in [b'first', b'second']:
            wizard.form.files.new(name='photo.jpg', data=data)
        wizard.form.files.new(name='plan.pdf', data=b'%PDF plan')
        wizard.execute('confirm')
        request = self.request(request)
        self.assertEqual(request.state, 'answered')
        self.assertEqual(
            sorted((a.name, a.data) for a in request.answer_attachments), [
                ('photo (2).jpg', b'second'),
                ('photo.jpg', b'first'),
                ('plan.pdf', b'%PDF plan'),
                ])

    # The deadline cron
    def test_reminders_escalation_expiry(self):
        "Remind before the due date, escalate after, expire after the grace"
        complaint = self.investigated(short_description="Deadlines")
        internal = self.ask_internal(complaint)
        external = self.ask_external(complaint)
        days = (external.due_date - dt.date.today()).days
        kinds = ['advice_reminder', 'reminder', 'advice_overdue']

        with travel(days - 4):
            self.run_cron()
        self.assertEqual(self.emails(kinds, complaint), Counter())
        for _ in range(2):
            with travel(days - 2):
                self.run_cron()
            self.assertEqual(self.emails(kinds, complaint), Counter({
                        ('advice_reminder', 'els.wouters@example.org'): 1,
                        ('reminder', 'handler3@klaverveld.be'): 1,
                        }))
        # the reminder carries a new link; the first one still works
        tokens = self.tokens(external)
        self.assertEqual(len(tokens), 2)
        self.assertFalse(any(t.revoked or t.used_at for t in tokens))

        for _ in range(2):
            with travel(days + 1):
                self.run_cron()
            self.assertEqual(self.emails(['advice_overdue'], complaint),
                Counter({('advice_overdue', 'handler1@klaverveld.be'): 2}))
        self.assertEqual(self.request(external).state, 'requested')

        with travel(days + 8):
            self.run_cron()
        for request in [internal, external]:
            request = self.request(request)
            self.assertEqual(request.state, 'expired')
        self.assertEqual(self.request(internal).task.state, 'cancelled')
        self.assertTrue(all(t.revoked for t in self.tokens(external)))
        # the advisor no longer sees it; the coordinator is refused clearly
        with self.assertRaises(AccessError):
            self.answer(internal, 'handler3')
        with self.assertRaises(UserError) as context:
            self.answer(internal, 'coordinator')
        self.assertIn('is "Expired"', context.exception.message)


class CommitteeTestCase(unittest.TestCase):
    "The answer term with an advisory committee (Awb 9:11)"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('klachten_advies')
        cls.ns = setup_municipality()
        # The Awb preset's terms, written line by line: the preset button
        # leaves no terms at all when clicked (klachten_base, reported)
        set_user('klachtenadmin')
        Configuration = Model.get('klachten.configuration')
        configuration = Configuration(1)
        terms = {t.kind: t for t in configuration.terms}
        for kind, number, unit, reminder in (
                PRESETS['awb'] + ADVICE_PRESETS['awb']):
            term = terms.get(kind) or configuration.terms.new(kind=kind)
            term.number, term.unit = number, unit
            term.reminder_days = reminder
        configuration.holiday_country = 'NL'
        configuration.save()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def test_committee_lengthens_answer_term(self):
        "Six weeks become ten when an advisory committee advises"
        set_user('klachtenadmin')
        Body = Model.get('klachten.advisory.body')
        with self.assertRaises(UserError) as context:
            Body(name="Typo", email='commissie@').save()
        self.assertIn('"commissie@" of advisory body "Typo" is not valid',
            context.exception.message)
        committee = Body(name="Klachtenadviescommissie",
            contact_name="Mr. J. de Vries", email='commissie@example.nl',
            committee=True)
        committee.save()
        expert = Body(name="Verkeerskundig bureau", email='info@example.nl')
        expert.save()

        set_user('coordinator')
        received = dt.date.today() - dt.timedelta(days=3)
        complaint = create_complaint(create_complainant(),
            received_date=received)
        self.assertEqual(complaint.answer_due,
            term_end(received, 6, 'week', 'NL'))
        complaint = admit(complaint, self.ns, user='handler1')

        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        run_wizard('request_advice', complaint, kind='external',
            question="Is the tone acceptable?",
            advisory_body=Body(expert.id))
        self.assertEqual(complaint.answer_due,
            term_end(received, 6, 'week', 'NL'))
        complaint = run_wizard('request_advice', complaint, kind='external',
            question="What do you advise?",
            advisory_body=Body(committee.id))
        self.assertEqual(complaint.answer_due,
            term_end(received, 10, 'week', 'NL'))
        request, = [r for r in complaint.advice_requests if r.committee]
        self.assertEqual(request.advisor_name, "Mr. J. de Vries")
        self.assertEqual(request.advisor_email, 'commissie@example.nl')

        # the conclusion task is due at the committee's term too
        complaint.outcome = 'unfounded'
        complaint.save()
        complaint.click('finalise_report')
        conclude, = [t for t in complaint.tasks if t.kind == 'conclude']
        self.assertEqual(conclude.due_date,
            term_end(received, 10, 'week', 'NL'))
