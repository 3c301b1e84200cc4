# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""An improvement action's task in the owner's inbox: a task without
complaint, read by its assignees (and the coordinators) only, that follows
the action; and the tasks of complaints stay as closed as their complaint."""
import datetime as dt

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, set_user)
from proteus import Model
from trytond.model.exceptions import AccessError


def read(Model, ids, context):
    "Read through RPC as the current user, with context"
    return Model._proxy.read(
        ids, ['rec_name'], {**Model._config.context, **(context or {})})


def search(Model, domain, context):
    "The ids that match domain through RPC as the current user, with context"
    return Model._proxy.search(
        domain, 0, None, None, {**Model._config.context, **(context or {})})


class ImprovementTaskTestCase(MunicipalityTestCase):
    "Improvement actions in the task inbox"
    modules = ['klachten_report']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('receiver')
        party = create_complainant("Inbox Test", None)
        secret = create_complaint(party)
        set_user('klachtenadmin')
        Complaint = Model.get('klachten.complaint')
        secret = Complaint(secret.id)
        secret.confidential = True
        secret.save()
        # handler3's task (investigate) on a complaint handler1 may not read
        admit(secret, cls.ns, department='OM', user='handler3')
        cls.secret = secret
        set_user('coordinator')
        cls.today = dt.date.today()
        Action = Model.get('klachten.improvement.action')
        User = Model.get('res.user')
        Department = Model.get('klachten.department')
        cls.website = Action(description="Openingsuren nakijken",
            user=User(cls.ns.users['handler1'].id),
            due_date=cls.today + dt.timedelta(days=20))
        cls.website.save()
        cls.queue = Action(description="Wachtrij herbekijken",
            department=Department(cls.ns.departments['OM'].id),
            due_date=cls.today + dt.timedelta(days=30))
        cls.queue.save()

    def inbox(self, login, context=None):
        "The names of the open tasks under My Tasks, as login"
        set_user(login)
        Task = Model.get('klachten.task')
        ids = search(Task, [('mine', '=', True), ('state', '=', 'open')],
            context)
        return sorted(r['rec_name'] for r in read(Task, ids, context))

    def improvement_tasks(self, action):
        set_user('coordinator')
        Task = Model.get('klachten.task')
        return Task.find([
                ('origin', '=', f'klachten.improvement.action,{action.id}'),
                ('kind', '=', 'improvement'),
                ])

    def test_owner_inbox(self):
        "The owner (the user, else the department's members) has the task"
        name = "Carry Out Improvement Action: Openingsuren nakijken"
        for context in [None, {'_datetime': dt.datetime.now()}]:
            with self.subTest(context=context):
                self.assertIn(name, self.inbox('handler1', context))
                self.assertNotIn(name, self.inbox('handler3', context))
                self.assertIn(
                    "Carry Out Improvement Action: Wachtrij herbekijken",
                    self.inbox('handler3', context))
                self.assertEqual(self.inbox('observer', context), [])
        task, = self.improvement_tasks(self.website)
        self.assertEqual(task.due_date, self.website.due_date)
        self.assertIsNone(task.complaint)
        # the owner opens the action from the task
        set_user('handler1')
        task = Model.get('klachten.task')(task.id)
        self.assertEqual(task.origin.description, "Openingsuren nakijken")
        # another staff member cannot read it, with or without _datetime
        for login in ['handler2', 'observer', 'receiver']:
            set_user(login)
            Task = Model.get('klachten.task')
            for context in [{}, {'_datetime': dt.datetime.now()}]:
                with self.subTest(login=login, context=context):
                    self.assertEqual(search(
                            Task, [('id', '=', task.id)], context), [])
                    with self.assertRaises(AccessError):
                        read(Task, [task.id], context)

    def test_complaint_tasks_stay_closed(self):
        "A handler reads no task of a complaint he may not read"
        set_user('coordinator')
        Task = Model.get('klachten.task')
        tasks = Task.find([('complaint', '=', self.secret.id)])
        self.assertTrue(tasks)
        ids = [t.id for t in tasks]
        for login in ['handler1', 'observer', 'head']:
            set_user(login)
            Task = Model.get('klachten.task')
            for context in [{}, {'_datetime': dt.datetime.now()}]:
                with self.subTest(login=login, context=context):
                    self.assertEqual(search(
                            Task, [('id', 'in', ids)], context), [])
                    with self.assertRaises(AccessError):
                        read(Task, ids, context)
        set_user('handler3')
        Task = Model.get('klachten.task')
        self.assertEqual(
            {t.id for t in Task.find([('id', 'in', ids)])}, set(ids))

    def test_task_follows_action(self):
        "Reassigned, new due date, done, cancelled, reopened with the action"
        set_user('coordinator')
        Action = Model.get('klachten.improvement.action')
        User = Model.get('res.user')
        action = Action(description="Brieven herschrijven",
            user=User(self.ns.users['handler1'].id),
            due_date=self.today + dt.timedelta(days=10))
        action.save()
        task, = self.improvement_tasks(action)
        action.user = User(self.ns.users['handler2'].id)
        action.due_date = self.today + dt.timedelta(days=40)
        action.save()
        name = "Carry Out Improvement Action: Brieven herschrijven"
        self.assertNotIn(name, self.inbox('handler1'))
        self.assertIn(name, self.inbox('handler2'))
        again, = self.improvement_tasks(action)
        self.assertEqual(again.id, task.id)
        self.assertEqual(again.due_date, self.today + dt.timedelta(days=40))
        set_user('handler2')
        Action = Model.get('klachten.improvement.action')
        Action(action.id).click('done')
        self.assertNotIn(name, self.inbox('handler2'))
        self.assertEqual(
            [t.state for t in self.improvement_tasks(action)], ['done'])
        set_user('coordinator')
        Action = Model.get('klachten.improvement.action')
        action = Action(action.id)
        action.click('reopen')
        self.assertIn(name, self.inbox('handler2'))
        set_user('coordinator')
        Action = Model.get('klachten.improvement.action')
        Action(action.id).click('cancel')
        self.assertEqual(
            sorted(t.state for t in self.improvement_tasks(action)),
            ['cancelled', 'done'])
        self.assertNotIn(name, self.inbox('handler2'))
