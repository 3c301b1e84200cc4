# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16 items 1 and 11: the standing observers take notice of every new
complaint that matches (seed 000: "laat het systeem de ingestelde
kennisnemer automatisch kennisnemen"), never the staff member it is about;
and the copy of the complaint to the person complained about (Awb 9:9)."""
from proteus import Model

from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, give_staff_emails, set_user)


class AwbRecordsTestCase(MunicipalityTestCase):
    "Standing observers and the copy to the person complained about"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        give_staff_emails(cls.ns)
        set_user('klachtenadmin')
        Observer = Model.get('klachten.standing_observer')
        Subject = Model.get('klachten.subject')
        Department = Model.get('klachten.department')
        User = Model.get('res.user')
        for login, subject, department, active in [
                ('observer', Subject(cls.ns.subjects['service'].id), None,
                    True),
                ('receiver', None, Department(cls.ns.departments['OM'].id),
                    True),
                ('handler2', None, None, True),
                ('head', None, None, False),
                ]:
            Observer(user=User(cls.ns.users[login].id), subject=subject,
                department=department, active=active).save()
        set_user('coordinator')
        cls.complainant = create_complainant()

    def noticing(self, complaint):
        "The logins with a Take Notice task on complaint"
        set_user('admin')
        Task = Model.get('klachten.task')
        return sorted(t.user.login for t in Task.find([
                    ('complaint', '=', complaint.id),
                    ('kind', '=', 'take_notice'),
                    ]))

    def test_standing_observers_by_subject_and_department(self):
        "Standing observers take notice once the complaint matches them"
        set_user('receiver')
        complaint = create_complaint(self.complainant)
        # registered: only who observes every complaint; subject and
        # department are not known yet
        self.assertEqual(self.noticing(complaint), ['handler2'])
        set_user('coordinator')
        Complaint = Model.get('klachten.complaint')
        complaint = admit(Complaint(complaint.id), self.ns)
        # about the service subject, for BZ: not OM's observer
        self.assertEqual(self.noticing(complaint), ['handler2', 'observer'])
        self.assertEqual(
            sorted(u.login for u in complaint.observers),
            ['handler2', 'observer'])

    def test_standing_observer_never_the_staff_member(self):
        "The staff member complained about is skipped, without an error"
        set_user('coordinator')
        User = Model.get('res.user')
        Department = Model.get('klachten.department')
        complaint = create_complaint(self.complainant,
            concerns='staff',
            concerned_user=User(self.ns.users['handler2'].id))
        self.assertEqual(self.noticing(complaint), [])
        complaint = admit(complaint, self.ns, department='OM',
            user='handler3', concerns='staff',
            concerned_user=User(self.ns.users['handler2'].id),
            concerned_department=Department(self.ns.departments['OM'].id))
        self.assertEqual(complaint.state, 'investigation')
        self.assertEqual(self.noticing(complaint), ['observer', 'receiver'])
        # the observer reads the complaint it was told of
        set_user('observer')
        Complaint = Model.get('klachten.complaint')
        self.assertEqual(Complaint(complaint.id).number, complaint.number)
