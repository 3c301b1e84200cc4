# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Nothing about a complaint reaches the staff member it is about, and
what the back office accepts: assignments, followers, texts and dates."""
import datetime as dt

from proteus import Model
from trytond.model.exceptions import AccessError, ValidationError

from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, give_staff_emails, set_user,
    travel)


class ConcernedTestCase(MunicipalityTestCase):
    "The staff member a complaint is about"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ns = cls.ns
        give_staff_emails(ns)
        set_user('coordinator')
        cls.complainant = create_complainant()

    def about(self, login, **values):
        "A registered complaint about the staff member login"
        set_user('coordinator', self.config)
        complaint = create_complaint(self.complainant,
            received_date=dt.date.today(), **values)
        complaint.concerns = 'staff'
        complaint.concerned_user = Model.get('res.user')(
            self.ns.users[login].id)
        complaint.save()
        return complaint

    def emails(self, complaint):
        set_user('admin', self.config)
        Email = Model.get('klachten.email')
        return {(e.kind, e.to) for e in Email.find(
                [('complaint', '=', complaint.id)])}

    def run_cron(self):
        set_user('admin', self.config)
        Cron = Model.get('ir.cron')
        ModelData = Model.get('ir.model.data')
        Cron(ModelData.get_id('klachten_base', 'cron_deadlines', {})
            ).click('run_once')

    def test_reminders_escalations_skip_concerned(self):
        "Reminders and escalations never reach the staff member concerned"
        # the head of BZ is told of late tasks of BZ; handler2 is one of
        # the two handlers of BZ
        about_head = admit(self.about('head'), self.ns, user='handler1')
        about_handler = admit(self.about('handler2'), self.ns, user=None)
        # the report is due in 30 days: reminded 5 days before, late after
        with travel(28):
            self.run_cron()
        with travel(33):
            self.run_cron()
        self.assertIn(('escalation', 'coordinator@klaverveld.be'),
            self.emails(about_head))
        self.assertNotIn(('escalation', 'head@klaverveld.be'),
            self.emails(about_head))
        self.assertIn(('escalation', 'head@klaverveld.be'),
            self.emails(about_handler))
        self.assertIn(('reminder', 'handler1@klaverveld.be'),
            self.emails(about_handler))
        self.assertNotIn(('reminder', 'handler2@klaverveld.be'),
            self.emails(about_handler))

    def test_assignments_refused(self):
        "No handler, role, observer or task reaches the staff member"
        complaint = self.about('handler3')
        # handler3 is the only handler of OM
        with self.assertRaises(ValidationError) as raised:
            admit(complaint, self.ns, department='OM', user=None)
        self.assertIn('the only', str(raised.exception))
        with self.assertRaises(ValidationError):
            admit(complaint, self.ns, department='OM', user='handler3')
        complaint.reload()
        self.assertEqual(complaint.state, 'evaluation')
        complaint.observers.append(
            Model.get('res.user')(self.ns.users['handler3'].id))
        with self.assertRaises(ValidationError):
            complaint.save()
        complaint.reload()
        self.assertEqual(len(complaint.observers), 0)
        # a role with someone else: allowed
        complaint = admit(complaint, self.ns, department='BZ', user=None)
        self.assertEqual(complaint.state, 'investigation')

    def channel(self, login):
        set_user(login, self.config)
        Channel = Model.get('ir.chat.channel')
        return Channel._proxy, self.config.context

    def test_followers(self):
        "Only handlers add followers; public messages go through the outbox"
        complaint = self.about('handler2')
        resource = f'klachten.complaint,{complaint.id}'
        for login in ['observer', 'receiver']:
            proxy, context = self.channel(login)
            if login == 'observer':
                set_user('coordinator', self.config)
                complaint.observers.append(
                    Model.get('res.user')(self.ns.users['observer'].id))
                complaint.save()
                proxy, context = self.channel(login)
                # the observer reads the complaint
                Model.get('klachten.complaint')(complaint.id).number
            with self.assertRaises(AccessError):
                proxy.subscribe_email(
                    resource, 'outside@example.org', context)
        proxy, context = self.channel('coordinator')
        with self.assertRaises(AccessError):
            proxy.subscribe_email(resource, 'handler2@klaverveld.be', context)
        with self.assertRaises(AccessError):
            proxy.subscribe(resource, 'handler2', context)
        proxy.subscribe_email(resource, 'outside@example.org', context)
        proxy.post(resource, "Public news", 'public', context)
        self.assertIn((None, 'outside@example.org'), self.emails(complaint))

    def test_limits(self):
        "Too long texts and implausible dates are refused"
        set_user('coordinator', self.config)
        today = dt.date.today()
        cases = [
            {'description': 'x' * 100_001},
            {'short_description': 'x' * 1_001},
            {'received_date': dt.date(1, 1, 1)},
            {'received_date': dt.date(9999, 12, 31)},
            {'received_date': today + dt.timedelta(days=1)},
            {'incident_date': dt.date(1, 1, 1)},
            {'incident_date': today},
            ]
        for values in cases:
            values.setdefault('received_date', today - dt.timedelta(days=1))
            with self.subTest(values=list(values)):
                with self.assertRaises(ValidationError):
                    create_complaint(self.complainant, register=False,
                        **values)

    def test_personal_data(self):
        "A complainant is visible to who may see one of their complaints"
        set_user('coordinator', self.config)
        Party = Model.get('party.party')
        carla = create_complainant("Carla Confidential", 'carla@example.org')
        hanna = create_complainant("Hanna Head", 'hanna@example.org')
        loose = Party(name="Loose Party")
        loose.save()
        secret = create_complaint(carla, confidential=True)
        admit(secret, self.ns, user='handler1')
        about_head = self.about('head')
        about_head.complainant = hanna
        about_head.save()
        names = {carla.name, hanna.name, loose.name}
        for login in ['coordinator', 'klachtenadmin', 'handler1',
                'handler2', 'head', 'observer', 'receiver']:
            set_user(login, self.config)
            Party = Model.get('party.party')
            Mechanism = Model.get('party.contact_mechanism')
            Complaint = Model.get('klachten.complaint')
            # the complainants of the complaints they read, and parties on
            # no complaint
            expected = {loose.name} | {c.complainant.name
                for c in Complaint.find([
                        ('complainant.name', 'in', list(names))])}
            with self.subTest(login=login):
                found = {p.name for p in Party.find(
                        [('name', 'in', list(names))])}
                self.assertEqual(found, expected)
                self.assertEqual(
                    {m.value for m in Mechanism.find([
                                ('party.name', 'in', list(names))])},
                    {f'{n.split()[0].lower()}@example.org'
                        for n in expected if n != loose.name})
                for party in [carla, hanna]:
                    if party.name not in expected:
                        with self.assertRaises(AccessError):
                            Party._proxy.read([party.id], ['name'],
                                self.config.context)
                if login == 'coordinator':
                    self.assertEqual(found, names)
                elif login == 'handler1':
                    self.assertIn(carla.name, found)
                elif login == 'handler2':
                    self.assertNotIn(carla.name, found)
                elif login == 'head':
                    self.assertNotIn(hanna.name, found)

    def test_related_and_other_complaints(self):
        "Unseen complaints are neither listed nor related"
        set_user('coordinator', self.config)
        dora = create_complainant("Dora Double", 'dora@example.org')
        secret = admit(create_complaint(dora, confidential=True),
            self.ns, user='handler1')
        open_ = admit(create_complaint(dora), self.ns, user='handler2')
        set_user('handler2', self.config)
        Complaint = Model.get('klachten.complaint')
        context = self.config.context
        values, = Complaint._proxy.read(
            [open_.id], ['complainant_complaints'], context)
        self.assertEqual(values['complainant_complaints'], [])
        errors = []
        for other in [secret.id, 10 ** 8]:
            with self.assertRaises(AccessError) as raised:
                Complaint._proxy.write([open_.id], {
                        'related_complaints': [('add', [other])],
                        }, context)
            errors.append(str(raised.exception).replace(str(other), 'ID'))
        self.assertEqual(errors[0], errors[1])
