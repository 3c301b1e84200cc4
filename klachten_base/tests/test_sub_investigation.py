# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16 item 15, sub-investigations: one complaint, several
departments. The handler asks another department; its investigators read
the complaint (never change it, never talk to the complainant), report,
and their task closes; the staff member the complaint is about never reads
it, even as one of them."""
from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .tools import admit, create_complainant, create_complaint, set_user


class SubInvestigationTestCase(MunicipalityTestCase):
    "Sub-investigations of a complaint by other departments"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        cls.complainant = create_complainant()

    def investigated(self, complaint_values=None, **values):
        "A complaint in investigation at handler1 (Burgerzaken)"
        set_user('coordinator')
        complaint = create_complaint(Model.get('party.party')(
                self.complainant.id), **(complaint_values or {}))
        return admit(complaint, self.ns, **values)

    def request(self, complaint, department='OM', user=None,
            question="Was the permit sent on time?"):
        "Run Request Sub-Investigation on complaint as the current user"
        wizard = Wizard('klachten.complaint.sub_investigation', [complaint])
        self.assertTrue(wizard.form.due_date)
        wizard.form.department = Model.get('klachten.department')(
            self.ns.departments[department].id)
        wizard.form.role = Model.get('klachten.role')(
            self.ns.roles['handler'].id)
        if user:
            wizard.form.user = Model.get('res.user')(self.ns.users[user].id)
        wizard.form.question = question
        wizard.execute('confirm')
        complaint.reload()
        return max(complaint.sub_investigations, key=lambda s: s.id)

    def readable(self, login, complaint):
        set_user(login)
        return bool(Model.get('klachten.complaint').find(
                [('id', '=', complaint.id)]))

    def post(self, complaint, audience):
        Channel = Model.get('ir.chat.channel')
        return Channel._proxy.post(f'klachten.complaint,{complaint.id}',
            "Hello", audience, Channel._config.context)

    def test_assignee_reads_but_does_not_handle(self):
        """Omgeving's handler reads the complaint once asked, cannot change,
        conclude or talk to the complainant; strangers read nothing"""
        complaint = self.investigated()
        self.assertFalse(self.readable('handler3', complaint))
        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        sub = self.request(complaint)
        self.assertEqual(sub.state, 'open')
        self.assertEqual(sub.due_date, complaint.report_due)
        self.assertEqual([u.login for u in sub.assignees], ['handler3'])

        self.assertTrue(self.readable('handler3', complaint))
        for login in ['handler2', 'observer', 'receiver']:
            with self.subTest(stranger=login):
                self.assertFalse(self.readable(login, complaint))

        set_user('handler3')
        Complaint = Model.get('klachten.complaint')
        mine = Complaint(complaint.id)
        task, = Model.get('klachten.task').find([
                ('mine', '=', True), ('kind', '=', 'sub_investigate'),
                ('complaint', '=', complaint.id)])
        self.assertEqual(task.complaint.id, complaint.id)
        mine.short_description = "Changed by the sub-investigator"
        with self.assertRaises(UserError):
            mine.save()
        for button in ['finalise_report', 'send_back_wizard',
                'sub_investigation_wizard', 'request_information_wizard']:
            with self.subTest(button=button):
                with self.assertRaises(UserError):
                    Complaint(complaint.id).click(button)
        with self.assertRaises(UserError):
            self.post(mine, 'public')
        self.assertTrue(self.post(mine, 'internal'))
        # they ask no other department themselves
        with self.assertRaises(UserError):
            self.request(Complaint(complaint.id), department='BZ')

        # the complaint's handler still talks in public
        set_user('handler1')
        self.assertTrue(self.post(complaint, 'public'))

    def test_report_closes_task(self):
        """The investigator reports; their task closes, the main handler
        reads the report on the complaint, the reading ends with it
        cancelled or the complaint sent back"""
        complaint = self.investigated()
        set_user('handler1')
        sub = self.request(complaint, user='handler3')
        # the main handler is no investigator of it
        with self.assertRaises(UserError):
            Wizard('klachten.sub_investigation.report', [sub]).execute(
                'confirm')

        set_user('handler3')
        Sub = Model.get('klachten.sub_investigation')
        sub, = Sub.find([('mine', '=', True), ('state', '=', 'open'),
                ('complaint', '=', complaint.id)])
        wizard = Wizard('klachten.sub_investigation.report', [sub])
        self.assertEqual(wizard.form.question, "Was the permit sent on time?")
        wizard.form.report = "Sent two weeks late: the file was lost."
        wizard.execute('confirm')
        sub.reload()
        self.assertEqual(sub.state, 'reported')
        self.assertEqual(sub.reported_by.login, 'handler3')
        self.assertFalse(Model.get('klachten.task').find([
                    ('mine', '=', True), ('state', '=', 'open'),
                    ('kind', '=', 'sub_investigate'),
                    ('complaint', '=', complaint.id)]))
        # a reported one stays readable to its investigator
        self.assertTrue(self.readable('handler3', complaint))

        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        sub, = complaint.sub_investigations
        self.assertEqual(sub.report, "Sent two weeks late: the file was lost.")

        # an open one is cancelled when the complaint goes back
        second = self.request(complaint, department='BZ', user='handler2')
        self.assertTrue(self.readable('handler2', complaint))
        set_user('handler1')
        wizard = Wizard('klachten.complaint.send_back', [complaint])
        wizard.form.remarks = "Not ours alone"
        wizard.execute('confirm')
        second.reload()
        self.assertEqual(second.state, 'cancelled')
        self.assertFalse(self.readable('handler2', complaint))
        set_user('admin')
        task, = Model.get('klachten.task').find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'sub_investigate'), ('user.login', '=',
                    'handler2')])
        self.assertEqual(task.state, 'cancelled')

    def test_coordinator_cancels(self):
        "The coordinator withdraws a question; the handler cannot"
        complaint = self.investigated()
        set_user('handler1')
        sub = self.request(complaint)
        with self.assertRaises(UserError):
            sub.click('cancel')
        set_user('coordinator')
        sub = Model.get('klachten.sub_investigation')(sub.id)
        sub.click('cancel')
        self.assertEqual(sub.state, 'cancelled')
        self.assertFalse(self.readable('handler3', complaint))

    def test_concerned_and_confidential(self):
        """The staff member the complaint is about is never asked by name,
        and never reads it through a role shared with others; a
        confidential complaint gets no sub-investigation"""
        User = Model.get('res.user')
        complaint = self.investigated(concerns='staff',
            concerned_user=User(self.ns.users['handler2'].id))
        set_user('handler1')
        with self.assertRaises(UserError):
            self.request(complaint, department='BZ', user='handler2')
        # Burgerzaken's handlers: the main handler and the one it is about
        sub = self.request(complaint, department='BZ')
        self.assertEqual(
            sorted(u.login for u in sub.assignees), ['handler1', 'handler2'])
        self.assertTrue(self.readable('handler1', complaint))
        self.assertFalse(self.readable('handler2', complaint))
        set_user('admin')
        self.assertEqual(
            [u.login for u in Model.get('klachten.complaint')(
                    complaint.id).sub_investigators],
            ['handler1', 'handler2'])

        secret = self.investigated(complaint_values={'confidential': True})
        set_user('handler1')
        with self.assertRaises(UserError):
            self.request(Model.get('klachten.complaint')(secret.id))

    def test_retention_cuts_texts(self):
        "Retention cuts the question and the report with the complaint"
        complaint = self.investigated()
        set_user('handler1')
        sub = self.request(complaint, user='handler3',
            question="Did Mr Peeters call on 3 May?")
        with Transaction().start(DB_NAME, 0):
            Complaint = Pool().get('klachten.complaint')
            Complaint._anonymise(Complaint.browse([complaint.id]))
        set_user('admin')
        sub = Model.get('klachten.sub_investigation')(sub.id)
        self.assertNotIn("Peeters", sub.question)
        task, = Model.get('klachten.task').find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'sub_investigate')])
        self.assertNotIn("Peeters", task.note)
