# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the web client opens at login: the task inbox of coordinators and
handlers (res.user.get_preferences, the RPC call that sao runs at login and
whose "actions" it executes)."""
import datetime as dt

from proteus import Model

from .municipality import MunicipalityTestCase
from .tools import (
    create_complainant, create_complaint, set_user, travel, xml_id)


def action_id(fs_id, module='klachten_base'):
    "The ir.action id of an act_window"
    ActWindow = Model.get('ir.action.act_window')
    return ActWindow(xml_id(fs_id, module)).action.id


class LoginActionsTestCase(MunicipalityTestCase):
    "Coordinators and handlers start on their task inbox"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.inbox = action_id('act_task_mine')

    def login_actions(self, login):
        "The actions sao runs when login logs in"
        set_user(login)
        User = Model.get('res.user')
        return User.get_preferences(False, {})['actions']

    def test_coordinator_starts_on_inbox(self):
        self.assertEqual(self.login_actions('coordinator'), [self.inbox])

    def test_handler_starts_on_inbox(self):
        for login in ['handler1', 'handler3']:
            with self.subTest(login=login):
                self.assertEqual(self.login_actions(login), [self.inbox])

    def test_other_roles_start_empty(self):
        for login in ['receiver', 'observer', 'head', 'klachtenadmin']:
            with self.subTest(login=login):
                self.assertEqual(self.login_actions(login), [])

    def test_own_actions_are_kept(self):
        "A user with login actions of their own keeps only those"
        set_user('admin')
        User = Model.get('res.user')
        Action = Model.get('ir.action')
        Group = Model.get('res.group')
        complaints = action_id('act_complaint_form')
        for login in ['admin', 'handler2']:
            with self.subTest(login=login):
                set_user('admin')
                user, = User.find([('login', '=', login)])
                user.groups.append(Group(xml_id('group_coordinator')))
                user.actions.append(Action(complaints))
                user.save()
                actions = self.login_actions(login)
                self.assertIn(complaints, actions)
                self.assertNotIn(self.inbox, actions)

                # without actions of their own, the inbox again
                set_user('admin')
                User.write([user.id], {
                        'actions': [('remove', [complaints])],
                        }, {})
                self.assertEqual(self.login_actions(login)[-1:], [self.inbox])

    def test_inbox_shows_overdue_first(self):
        "The inbox's first tab lists the overdue tasks first"
        set_user('receiver')
        complainant = create_complainant()
        recent = create_complaint(complainant)
        with travel(-90):
            late = create_complaint(
                complainant, received_date=dt.date.today() - dt.timedelta(
                    days=92))

        set_user('coordinator')
        ActWindow = Model.get('ir.action.act_window')
        inbox = ActWindow(xml_id('act_task_mine'))
        self.assertFalse(inbox.order)
        tab = inbox.act_window_domains[0]
        Task = Model.get('klachten.task')
        self.assertIn('"mine"', inbox.domain)
        domain = [('mine', '=', True), ('state', '=', 'open'),
            ('complaint', 'in', [recent.id, late.id])]
        self.assertEqual(tab.name, "Open")
        tasks = Task.find(domain)
        self.assertTrue(tasks)
        self.assertTrue(tasks[0].overdue)
        self.assertEqual(tasks[0].complaint.id, late.id)
        self.assertFalse(tasks[-1].overdue)
        self.assertEqual(tasks[-1].complaint.id, recent.id)
