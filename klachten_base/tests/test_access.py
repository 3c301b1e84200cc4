# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Who sees and does what: each role against each kind of complaint.

The tables below are the documented allow cells; every other cell must be
refused. The complaints are set up once, through the real workflow."""

from proteus import Model
from trytond.exceptions import ConcurrencyException, UserError
from trytond.model.exceptions import AccessError

from .municipality import MunicipalityTestCase
from .tools import admit, create_complainant, create_complaint, set_user

ROLES = ['coordinator', 'klachtenadmin', 'handler1', 'handler2', 'handler3',
    'head', 'observer', 'receiver']

# complaint: the logins that may read it
READERS = {
    # assigned to handler1 in Burgerzaken, observed by observer
    'assigned': {'coordinator', 'klachtenadmin', 'handler1', 'head',
        'observer', 'receiver'},
    # confidential, assigned to handler3 (Omgeving), observed by observer
    'confidential': {'coordinator', 'klachtenadmin', 'handler3'},
    # about handler2, assigned to the handler role of Burgerzaken
    'about_handler2': {'coordinator', 'klachtenadmin', 'handler1', 'head',
        'receiver'},
    # about the coordinator, assigned to handler3
    'about_coordinator': {'klachtenadmin', 'handler3', 'receiver'},
    }
# who may change the investigation report of the 'assigned' complaint
WRITERS = {'coordinator', 'klachtenadmin', 'handler1'}
# who may press "send back" on the 'assigned' complaint
SENDERS_BACK = {'klachtenadmin', 'handler1'}


class AccessTestCase(MunicipalityTestCase):
    "Access matrix of the complaint"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ns = cls.ns
        set_user('receiver')
        complainant = create_complainant()
        complaints = {
            'assigned': create_complaint(complainant),
            'confidential': create_complaint(complainant),
            'about_handler2': create_complaint(complainant),
            'about_coordinator': create_complaint(complainant),
            }
        set_user('klachtenadmin')
        User = Model.get('res.user')
        Complaint = Model.get('klachten.complaint')
        user = {login: User(u.id) for login, u in ns.users.items()}
        for key, complaint in complaints.items():
            complaint = Complaint(complaint.id)
            if key == 'assigned':
                complaint.observers.append(User(ns.users['observer'].id))
                complaint.save()
                admit(complaint, ns, user='handler1',
                    concerned_department=Model.get('klachten.department')(
                        ns.departments['BZ'].id))
            elif key == 'confidential':
                complaint.confidential = True
                complaint.observers.append(User(ns.users['observer'].id))
                complaint.save()
                admit(complaint, ns, department='OM', user='handler3')
            elif key == 'about_handler2':
                admit(complaint, ns, user=None, concerns='staff',
                    concerned_user=user['handler2'])
            else:
                admit(complaint, ns, department='OM', user='handler3',
                    concerns='staff', concerned_user=user['coordinator'])
        cls.ids = {k: c.id for k, c in complaints.items()}

    def as_user(self, login):
        set_user(login, self.config)
        return Model.get('klachten.complaint')

    def test_read_search_count(self):
        "Each role reads, searches and counts exactly its complaints"
        for login in ROLES:
            Complaint = self.as_user(login)
            context = self.config.context
            expected = {k for k, readers in READERS.items()
                if login in readers}
            expected_ids = {self.ids[k] for k in expected}
            with self.subTest(login=login):
                found = {c.id for c in Complaint.find([])}
                self.assertEqual(found, expected_ids)
                self.assertEqual(
                    Complaint._proxy.search_count([], 0, None, context),
                    len(expected_ids))
                for key, id_ in self.ids.items():
                    if key in expected:
                        self.assertEqual(Complaint._proxy.read(
                                [id_], ['short_description'], context
                                )[0]['id'], id_)
                    else:
                        with self.assertRaises(AccessError):
                            Complaint._proxy.read(
                                [id_], ['short_description'], context)

    def test_search_on_hidden_values(self):
        "A domain cannot reveal a complaint one may not read"
        for login in ['handler2', 'observer']:
            Complaint = self.as_user(login)
            with self.subTest(login=login):
                self.assertEqual(Complaint.find([
                            ('id', '=', self.ids['confidential']),
                            ('confidential', '=', True),
                            ]), [])
                self.assertEqual(Complaint.find([
                            ('concerned_user.login', '=', 'handler2'),
                            ]), [])

    def test_export(self):
        "Export obeys the same rules as read"
        for login in ['handler2', 'coordinator']:
            Complaint = self.as_user(login)
            id_ = self.ids['about_handler2' if login == 'handler2'
                else 'about_coordinator']
            with self.subTest(login=login):
                with self.assertRaises(AccessError):
                    Complaint._proxy.export_data(
                        [id_], ['short_description'], {},
                        self.config.context)

    def test_write(self):
        "Only those allowed change the report of an assigned complaint"
        id_ = self.ids['assigned']
        for login in ROLES:
            Complaint = self.as_user(login)
            with self.subTest(login=login):
                if login in WRITERS:
                    Complaint._proxy.write(
                        [id_], {'report': f"Written by {login}"},
                        self.config.context)
                    self.assertEqual(
                        Complaint(id_).report, f"Written by {login}")
                else:
                    with self.assertRaises(AccessError):
                        Complaint._proxy.write(
                            [id_], {'report': f"Written by {login}"},
                            self.config.context)

    def test_readonly_state_enforced_on_server(self):
        "A field read-only in the state stays so through any client"
        Complaint = self.as_user('coordinator')
        with self.assertRaises(AccessError):
            Complaint._proxy.write(
                [self.ids['assigned']], {'state': 'closed'},
                self.config.context)
        with self.assertRaises(AccessError):
            Complaint._proxy.write(
                [self.ids['assigned']], {'short_description': "Changed"},
                self.config.context)
        self.assertEqual(Complaint(self.ids['assigned']).state,
            'investigation')

    def test_button(self):
        "Only the assigned handler (and the administrator) sends back"
        id_ = self.ids['assigned']
        for login in ROLES:
            Complaint = self.as_user(login)
            with self.subTest(login=login):
                if login in SENDERS_BACK:
                    action = Complaint._proxy.send_back_wizard(
                        [id_], self.config.context)
                    self.assertTrue(action)
                else:
                    with self.assertRaises(UserError):
                        Complaint._proxy.send_back_wizard(
                            [id_], self.config.context)

    def test_handlers_of_one_group_are_isolated(self):
        """Two handlers of the same group and department see only their own.

        This fails when the rule cache key lacks the user: the first
        handler's domain would be served to the second."""
        results = []
        for login in ['handler1', 'handler2', 'handler1', 'handler2']:
            Complaint = self.as_user(login)
            results.append(sorted(c.id for c in Complaint.find([
                            ('state', '=', 'investigation')])))
        self.assertEqual(results[0], results[2])
        self.assertEqual(results[1], results[3])
        self.assertNotEqual(results[0], results[1])
        self.assertIn(self.ids['assigned'], results[0])
        self.assertNotIn(self.ids['assigned'], results[1])

    def test_attachment_and_note_follow_the_complaint(self):
        "Attachments and notes of a hidden complaint stay hidden"
        self.as_user('coordinator')
        Attachment = Model.get('ir.attachment')
        Note = Model.get('ir.note')
        Complaint = Model.get('klachten.complaint')
        complaint = Complaint(self.ids['about_handler2'])
        resource = f"klachten.complaint,{complaint.id}"
        attachment = Attachment(
            resource=complaint, name="letter.txt", data=b"Dear ...")
        attachment.save()
        note = Note(resource=Complaint(complaint.id),
            message="Talked to the department")
        note.save()
        set_user('handler2', self.config)
        Attachment = Model.get('ir.attachment')
        Note = Model.get('ir.note')
        self.assertEqual(Attachment.find([('resource', '=', resource)]), [])
        self.assertEqual(Note.find([('resource', '=', resource)]), [])
        with self.assertRaises(AccessError):
            Attachment._proxy.read(
                [attachment.id], ['data'], self.config.context)
        with self.assertRaises(AccessError):
            Note._proxy.read([note.id], ['message'], self.config.context)
        set_user('handler1', self.config)
        Attachment = Model.get('ir.attachment')
        self.assertEqual(
            [a.name for a in Attachment.find([('resource', '=', resource)])],
            ["letter.txt"])

    def test_chat_follows_the_complaint(self):
        "A hidden complaint's conversation can be neither read nor added to"
        self.as_user('coordinator')
        Channel = Model.get('ir.chat.channel')
        resource = f"klachten.complaint,{self.ids['confidential']}"
        Channel._proxy.post(
            resource, "Internal: the department admits the error",
            'internal', self.config.context)
        messages = Channel._proxy.get(resource, self.config.context)
        self.assertEqual(len(messages), 1)
        for login in ['receiver', 'observer', 'handler1']:
            set_user(login, self.config)
            with self.subTest(login=login):
                with self.assertRaises(AccessError):
                    Channel._proxy.get(resource, self.config.context)
                with self.assertRaises(AccessError):
                    Channel._proxy.post(
                        resource, "probe", 'internal', self.config.context)
        set_user('handler3', self.config)
        self.assertEqual(
            len(Channel._proxy.get(resource, self.config.context)), 1)

    def test_history_follows_the_complaint(self):
        "The record's history is no way around the rules"
        Complaint = self.as_user('handler2')
        context = dict(self.config.context, _datetime=None)
        with self.assertRaises(AccessError):
            Complaint._proxy.read(
                [self.ids['about_handler2']], ['short_description'], context)

    def test_concurrent_edit(self):
        "The second of two stale saves is refused, the first one kept"
        Complaint = self.as_user('handler1')
        first = Complaint(self.ids['assigned'])
        second = Complaint(self.ids['assigned'])
        first.report = "First version"
        second.report = "Second version"
        first.save()
        with self.assertRaises(ConcurrencyException) as cm:
            second.save()
        self.assertIn('modified', str(cm.exception))
        self.assertEqual(Complaint(self.ids['assigned']).report,
            "First version")
