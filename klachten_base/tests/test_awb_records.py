# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16 items 1 and 11: the standing observers take notice of every new
complaint that matches (seed 000: "laat het systeem de ingestelde
kennisnemer automatisch kennisnemen"), never the staff member it is about;
and the copy of the complaint to the person complained about (Awb 9:9)."""
import datetime as dt

from proteus import Model
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .smtp import SMTPServer
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
        cls.smtp = SMTPServer().start()
        cls.addClassCleanup(cls.smtp.stop)

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

    def send(self):
        "Run the outbox cron as trytond-cron would"
        set_user('admin')
        Cron = Model.get('ir.cron')
        ModelData = Model.get('ir.model.data')
        with self.smtp.configured():
            Cron(ModelData.get_id(
                    'klachten_base', 'cron_email_send_pending', {})
                ).click('run_once')

    def about_staff(self, login, language=None, **values):
        "A complaint about the staff member login, admitted for OM"
        set_user('coordinator')
        if language:
            self.config._context = dict(self.config._context,
                language=language)
        User = Model.get('res.user')
        Department = Model.get('klachten.department')
        staff = User(self.ns.users[login].id)
        complaint = create_complaint(self.complainant,
            concerns='staff', concerned_user=staff,
            description="Hij was onbeleefd aan het loket.")
        return admit(complaint, self.ns, department='OM', user='handler3',
            concerns='staff', concerned_user=staff,
            concerned_department=Department(self.ns.departments['OM'].id),
            **values)

    def test_concerned_copy(self):
        "The staff member complained about gets a copy, recorded (Awb 9:9)"
        set_user('admin')
        User = Model.get('res.user')
        Lang = Model.get('ir.lang')
        handler2 = User(self.ns.users['handler2'].id)
        handler2.language, = Lang.find([('code', '=', 'nl')])
        handler2.save()
        # the Awb preset sends the copy by default
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.click('apply_awb_preset')
        configuration.reload()
        self.assertTrue(configuration.concerned_copy)
        self.addCleanup(self.configure, concerned_copy=False)
        complaint = self.about_staff('handler2')
        self.assertEqual(complaint.concerned_copy_date, dt.date.today())
        self.assertEqual(complaint.concerned_copy_by, 'email')
        self.send()
        to_staff = [m for m in self.smtp.messages
            if 'handler2@klaverveld.be' in m['To']
            and complaint.number in m['Subject']]
        # the copy and nothing else: not the tasks, not the complainant's
        message, = to_staff
        self.assertEqual(message['To'], 'handler2@klaverveld.be')
        self.assertIn(complaint.number, message['Subject'])
        self.assertIn("een klacht over u", message['Subject'])
        body = message.get_content()
        self.assertIn("Hij was onbeleefd aan het loket.", body)
        self.assertIn("An Peeters", body)
        # unticked in the wizard: no copy, nothing recorded
        complaint = self.about_staff('handler2', send_concerned_copy=False)
        self.assertIsNone(complaint.concerned_copy_date)

    def test_concerned_copy_without_email_refused(self):
        "A staff member without e-mail: the coordinator reads what to do"
        set_user('admin')
        User = Model.get('res.user')
        head = User(self.ns.users['head'].id)
        head.email = None
        head.save()
        self.configure(concerned_copy=True)
        self.addCleanup(self.configure, concerned_copy=False)
        with self.assertRaisesRegex(UserError, "geen e-mailadres"):
            self.about_staff('head', language='nl')

    def test_outbox_allows_concerned_for_the_copy_only(self):
        "allow_concerned lets only the copy through to the staff member"
        complaint = self.about_staff('handler2', send_concerned_copy=False)
        with Transaction().start(self.config.database_name, 0):
            Email = Pool(self.config.database_name).get('klachten.email')
            for kind, queued in [('admissible', 0), ('concerned_copy', 1)]:
                with self.subTest(kind=kind):
                    emails = Email.queue([{
                                'kind': kind,
                                'complaint': complaint.id,
                                'to': 'handler2@klaverveld.be',
                                'subject': "Klacht",
                                'body': "Tekst",
                                'allow_concerned': True,
                                }])
                    self.assertEqual(len(emails), queued)
            Transaction().rollback()

    def configure(self, **values):
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        for name, value in values.items():
            setattr(configuration, name, value)
        configuration.save()

    def test_presets_set_the_awb_settings(self):
        "Every preset sets the hearing and the copy: on for the Awb only"
        set_user('klachtenadmin')
        Configuration = Model.get('klachten.configuration')
        configuration = Configuration(1)
        self.addCleanup(self.configure, concerned_copy=False,
            hearing_required=False, draft_reply_required=False)
        for preset, on in [
                ('apply_awb_preset', True),
                ('apply_flemish_preset', False),
                ('apply_awb_preset', True),
                ('apply_one_month_preset', False),
                ]:
            with self.subTest(preset=preset):
                configuration.click(preset)
                configuration.reload()
                self.assertEqual(configuration.hearing_required, on)
                self.assertEqual(configuration.concerned_copy, on)
                # the seeds' draft reply: Flemish and Awb, not one month
                self.assertEqual(configuration.draft_reply_required,
                    preset != 'apply_one_month_preset')
                self.assertTrue(configuration.require_basis)
        # the terms follow the preset as before
        configuration.click('apply_flemish_preset')
        configuration.reload()
        answer, = [t for t in configuration.terms if t.kind == 'answer']
        self.assertEqual((answer.number, answer.unit), (45, 'day'))
