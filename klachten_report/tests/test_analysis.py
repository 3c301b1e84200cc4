# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The complaint analysis and its improvement actions: who records them,
who sees which action, and the reminder that reaches the owner."""
import datetime as dt

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import (
    create_complainant, create_complaint, give_staff_emails, set_user, travel)
from proteus import Model
from trytond.model.exceptions import AccessError


class AnalysisTestCase(MunicipalityTestCase):
    "A session of the complaint analysis with two improvement actions"
    modules = ['klachten_report']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        give_staff_emails(cls.ns)
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.letter_mode = 'never'
        configuration.save()
        set_user('coordinator')
        party = create_complainant("Analysis Test", None)
        cls.complaints = [create_complaint(party) for _ in range(2)]
        cls.today = dt.date.today()
        Analysis = Model.get('klachten.analysis')
        User = Model.get('res.user')
        Department = Model.get('klachten.department')
        Complaint = Model.get('klachten.complaint')
        analysis = Analysis()
        analysis.period_start = cls.today.replace(month=1, day=1)
        analysis.period_end = cls.today
        analysis.participants = "Coördinator, diensthoofden"
        analysis.complaints.extend(
            [Complaint(c.id) for c in cls.complaints])
        analysis.lessons = "Openingsuren zijn onduidelijk."
        analysis.recommendations = "Eén pagina met alle openingsuren."
        action = analysis.actions.new()
        action.description = "Openingsuren op de website nakijken"
        action.user = User(cls.ns.users['handler1'].id)
        action.due_date = cls.today + dt.timedelta(days=20)
        action.complaints.append(Complaint(cls.complaints[0].id))
        action = analysis.actions.new()
        action.description = "Wachtrij aan het loket herbekijken"
        action.department = Department(cls.ns.departments['OM'].id)
        action.due_date = cls.today + dt.timedelta(days=30)
        action.recommendation = True
        analysis.save()
        analysis.click('done')
        cls.analysis = analysis
        cls.website, cls.queue = analysis.actions

    def actions(self, login):
        "The descriptions of the actions under My Improvement Actions"
        set_user(login)
        Action = Model.get('klachten.improvement.action')
        return sorted(
            a.description for a in Action.find([('mine', '=', True)]))

    def test_recorded(self):
        "The session and its actions as recorded"
        set_user('coordinator')
        analysis = Model.get('klachten.analysis')(self.analysis.id)
        self.assertEqual(analysis.state, 'done')
        self.assertEqual(len(analysis.complaints), 2)
        self.assertEqual([a.state for a in analysis.actions],
            ['open', 'open'])
        self.assertEqual([a.recommendation for a in analysis.actions],
            [False, True])

    def test_handler_cannot_record_an_analysis(self):
        "Only coordinators and the administrator keep the analysis"
        for login in ['handler1', 'head', 'observer', 'receiver']:
            with self.subTest(login=login):
                set_user(login)
                Analysis = Model.get('klachten.analysis')
                analysis = Analysis(period_start=self.today,
                    period_end=self.today)
                with self.assertRaises(AccessError):
                    analysis.save()
                with self.assertRaises(AccessError):
                    Analysis.find([])
        set_user('klachtenadmin')
        self.assertTrue(Model.get('klachten.analysis').find([]))

    def test_owner_sees_own_action(self):
        "The owner, or the owning department's members, see the action"
        self.assertEqual(self.actions('handler1'),
            ["Openingsuren op de website nakijken"])
        # handler3 is a member of OM, which owns the other one
        self.assertEqual(self.actions('handler3'),
            ["Wachtrij aan het loket herbekijken"])
        self.assertEqual(self.actions('observer'), [])
        # outside "mine", still only their own
        set_user('handler1')
        Action = Model.get('klachten.improvement.action')
        self.assertEqual([a.id for a in Action.find([])], [self.website.id])
        with self.assertRaises(AccessError):
            Action(self.queue.id).description
        set_user('coordinator')
        self.assertLessEqual({self.website.id, self.queue.id},
            {a.id for a in Action.find([])})

    def test_owner_reports_result(self):
        "The owner writes the result and closes the action, not cancels it"
        set_user('handler3')
        Action = Model.get('klachten.improvement.action')
        action = Action(self.queue.id)
        action.click('start')
        action.result = "Een nummertjessysteem is besteld."
        action.save()
        with self.assertRaises(AccessError):
            action.description = "Iets anders"
            action.save()
        action.reload()
        with self.assertRaises(Exception):
            action.click('cancel')
        action.click('done')
        self.assertEqual(action.state, 'done')
        set_user('coordinator')
        action = Action(self.queue.id)
        action.click('reopen')
        self.assertEqual(action.state, 'open')

    def test_reminder_reaches_owner(self):
        "The deadline cron reminds the owners before the due date, once"
        def run_cron():
            set_user('admin')
            Cron = Model.get('ir.cron')
            ModelData = Model.get('ir.model.data')
            Cron(ModelData.get_id(
                    'klachten_base', 'cron_deadlines', {})).click('run_once')

        def reminders():
            set_user('admin')
            Email = Model.get('klachten.email')
            return sorted((e.to, e.subject) for e in Email.find([
                        ('kind', '=', 'improvement_action_reminder'),
                        ('to', 'in', ['handler1@klaverveld.be',
                                'handler3@klaverveld.be']),
                        ]))
        run_cron()
        self.assertEqual(reminders(), [])
        # three days before the first action's due date
        with travel(17):
            run_cron()
        first = reminders()
        self.assertEqual([to for to, _ in first], ['handler1@klaverveld.be'])
        self.assertIn("improvement action", first[0][1])
        with travel(18):
            run_cron()
        self.assertEqual(reminders(), first)
        # the department's members for the other one
        with travel(28):
            run_cron()
        self.assertEqual([to for to, _ in reminders()], [
                'handler1@klaverveld.be', 'handler3@klaverveld.be'])

    def test_new_due_date_new_reminder(self):
        "A postponed action is reminded again before its new due date"
        set_user('coordinator')
        Action = Model.get('klachten.improvement.action')
        action = Action(description="Folder herdrukken",
            user=Model.get('res.user')(self.ns.users['handler2'].id),
            due_date=self.today + dt.timedelta(days=2))
        action.save()
        set_user('admin')
        Cron = Model.get('ir.cron')
        ModelData = Model.get('ir.model.data')
        cron = Cron(ModelData.get_id('klachten_base', 'cron_deadlines', {}))
        Email = Model.get('klachten.email')

        def count():
            set_user('admin')
            return len(Email.find([
                        ('kind', '=', 'improvement_action_reminder'),
                        ('to', '=', 'handler2@klaverveld.be')]))
        cron.click('run_once')
        self.assertEqual(count(), 1)
        set_user('coordinator')
        action = Action(action.id)
        action.due_date = self.today + dt.timedelta(days=40)
        action.save()
        with travel(38):
            set_user('admin')
            cron.click('run_once')
        self.assertEqual(count(), 2)
        # a done action is not reminded
        set_user('coordinator')
        action = Action(action.id)
        action.due_date = self.today + dt.timedelta(days=60)
        action.save()
        action.click('done')
        with travel(58):
            set_user('admin')
            cron.click('run_once')
        self.assertEqual(count(), 2)
