# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The informal track (issue 16 item 9, seed 004 steps 1-7): its own term
of 7 days with a reminder and an escalation, the coordinators' Handle
Informal Complaint task, its acknowledgement, the answer by phone, meeting
or letter with a written summary, and the conversion into a formal
complaint; as the coordinator, in Dutch."""
import datetime as dt

from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from ..term import term_end
from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, give_staff_emails, set_user,
    travel)


def today():
    "Today, asked each time: a suite may run past midnight"
    return dt.date.today()


def days_term(start, days):
    "The end of a term of days calendar days (Belgian working day)"
    return term_end(start, days, 'day', 'BE', True)


class InformalTestCase(MunicipalityTestCase):
    "The informal track"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        give_staff_emails(cls.ns)
        set_user('admin')
        Lang = Model.get('ir.lang')
        nl, = Lang.find([('code', '=', 'nl')])
        cls.complainant = create_complainant()
        cls.complainant.lang = nl
        cls.complainant.save()
        User = Model.get('res.user')
        coordinator = User(cls.ns.users['coordinator'].id)
        coordinator.language = nl
        coordinator.save()

    def informal(self, description):
        set_user('coordinator')
        return create_complaint(self.complainant, received_date=today(),
            channel='phone', track='informal',
            short_description=description)

    def tasks(self, complaint):
        set_user('admin')
        return sorted((t.kind, t.state) for t in Model.get(
                'klachten.task').find([('complaint', '=', complaint.id)]))

    def task(self, complaint, kind):
        set_user('admin')
        task, = Model.get('klachten.task').find([
                ('complaint', '=', complaint.id), ('kind', '=', kind)])
        return task

    def mails(self, complaint, kind):
        set_user('admin')
        return Model.get('klachten.email').find([
                ('complaint', '=', complaint.id), ('kind', '=', kind)])

    def run_cron(self):
        set_user('admin')
        Cron = Model.get('ir.cron')
        ModelData = Model.get('ir.model.data')
        Cron(ModelData.get_id('klachten_base', 'cron_deadlines', {})
            ).click('run_once')

    def test_term_task_reminder_escalation(self):
        "7 days to handle it, reminded 2 days before, escalated after"
        complaint = self.informal("Onvriendelijk aan de telefoon")
        due = days_term(today(), 7)
        self.assertEqual(complaint.answer_due, due)
        task = self.task(complaint, 'handle_informal')
        self.assertEqual((task.state, task.due_date), ('open', due))
        set_user('coordinator')
        self.assertTrue(Model.get('klachten.task')(task.id).rec_name
            .startswith("Informele klacht afhandelen: "))
        self.assertEqual(self.tasks(complaint),
            [('handle_informal', 'open')])
        mail, = self.mails(complaint, 'acknowledgement')
        self.assertIn("informeel", mail.body)
        self.assertIn(complaint.number, mail.subject)
        with travel((due - today()).days - 3):
            self.run_cron()
        self.assertFalse(self.task(complaint, 'handle_informal').reminded_at)
        with travel((due - today()).days - 2):
            self.run_cron()
        self.assertTrue(self.task(complaint, 'handle_informal').reminded_at)
        self.assertIn('coordinator@klaverveld.be',
            [m.to for m in self.mails(complaint, 'reminder')])
        with travel((due - today()).days + 1):
            self.run_cron()
        self.assertTrue(self.task(complaint, 'handle_informal').escalated_at)
        self.assertTrue(self.mails(complaint, 'escalation'))

    def test_answer_by_phone_with_summary(self):
        "The summary of the phone call goes to the complainant; it closes"
        complaint = self.informal("Wachttijd aan het loket")
        with travel(2):
            set_user('coordinator')
            wizard = Wizard('klachten.complaint.answer_informal', [complaint])
            self.assertEqual(wizard.form.answer_by, 'phone')
            self.assertTrue(wizard.form.inform)
            wizard.form.summary = "Telefonisch besproken: excuses gemaakt."
            wizard.form.basis = 'treatment'
            wizard.execute('confirm')
        complaint.reload()
        self.assertEqual(complaint.state, 'closed')
        self.assertEqual(complaint.track, 'informal')
        self.assertEqual(complaint.informal_answer_by, 'phone')
        self.assertEqual(complaint.reply,
            "Telefonisch besproken: excuses gemaakt.")
        self.assertEqual(complaint.decision_date,
            today() + dt.timedelta(days=2))
        self.assertEqual(self.tasks(complaint),
            [('handle_informal', 'done')])
        mail, = self.mails(complaint, 'conclusion')
        self.assertEqual(mail.to, self.complainant.email)
        self.assertIn("excuses gemaakt", mail.body)
        self.assertIn("formeel", mail.body)

    def test_answer_requires_summary_and_informal(self):
        "No answer without a summary; a formal complaint has none"
        complaint = self.informal("Geen antwoord op mijn brief")
        formal = create_complaint(self.complainant, received_date=today(),
            short_description="Formeel")
        with Transaction().start(DB_NAME, 0, context={'language': 'nl'}):
            Complaint = Pool().get('klachten.complaint')
            with self.assertRaises(UserError) as cm:
                Complaint.answer_informal([Complaint(complaint.id)],
                    'letter', ' ', 'content')
            self.assertIn("samenvatting", str(cm.exception))
            with self.assertRaises(UserError) as cm:
                Complaint.answer_informal([Complaint(formal.id)],
                    'letter', "Brief", 'content')
            self.assertIn("formele klacht", str(cm.exception))
            with self.assertRaises(UserError):
                Complaint.make_formal([Complaint(formal.id)])
        complaint.reload()
        self.assertEqual(complaint.state, 'evaluation')

    def test_track_fixed_once_registered(self):
        "Only Make Formal changes the track of a registered complaint"
        complaint = self.informal("Straatverlichting")
        user = self.ns.users['coordinator'].id
        with Transaction().start(DB_NAME, user, context={
                    'language': 'nl', '_check_access': True}):
            Complaint = Pool().get('klachten.complaint')
            with self.assertRaises(UserError):
                Complaint.write([Complaint(complaint.id)], {'track': 'formal'})
        complaint.reload()
        self.assertEqual(complaint.track, 'informal')

    def test_make_formal(self):
        "On request it becomes formal: same number, terms from that day"
        complaint = self.informal("Verkeerde aanslag")
        number = complaint.number
        with travel(3):
            set_user('coordinator')
            complaint.click('make_formal')
            complaint.reload()
            day = today() + dt.timedelta(days=3)
            self.assertEqual(
                (complaint.number, complaint.track, complaint.state),
                (number, 'formal', 'evaluation'))
            self.assertEqual(complaint.converted_date, day)
            self.assertEqual(complaint.answer_due, days_term(day, 45))
            self.assertEqual(self.tasks(complaint),
                [('evaluate', 'open'), ('handle_informal', 'done')])
            self.assertEqual(len(self.mails(complaint, 'acknowledgement')),
                2)
            set_user('coordinator')
            complaint = admit(complaint, self.ns)
        self.assertEqual(complaint.state, 'investigation')
        self.assertEqual(complaint.basis, 'treatment')
