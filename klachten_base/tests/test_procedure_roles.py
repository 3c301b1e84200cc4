# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16 as each role meets it, in Dutch: the receiver, the observer,
the coordinator, the handler, the sub-investigator and the B1 team each act
as themselves with the Dutch language, and read in Dutch what the step
tells them (their task in their inbox, the refusal when something is
missing) and what it writes to the complainant or the staff member
complained about (the e-mail in the complainant's language).

The items tested elsewhere as the role in Dutch are named in the report of
issue 16; this file walks the others on one complaint per story."""
import datetime as dt

from proteus import Model, Wizard
from trytond.exceptions import UserError

from ..term import term_end
from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, give_staff_emails, set_user)


def today():
    return dt.date.today()


class ProcedureRolesTestCase(MunicipalityTestCase):
    "Every step of issue 16 as its role's own user, in Dutch"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        give_staff_emails(cls.ns)
        set_user('admin')
        nl, = Model.get('ir.lang').find([('code', '=', 'nl')])
        User = Model.get('res.user')
        for login in ['handler2']:
            user = User(cls.ns.users[login].id)
            user.language = nl
            user.save()
        set_user('coordinator')
        cls.complainant = create_complainant(
            "Jan Jansen", 'jan.jansen@example.org')
        cls.complainant.lang = nl
        cls.complainant.save()
        # seed 000: the observer takes notice of every complaint about
        # the service subject
        set_user('klachtenadmin')
        Model.get('klachten.standing_observer')(
            user=User(cls.ns.users['observer'].id),
            subject=Model.get('klachten.subject')(
                cls.ns.subjects['service'].id)).save()

    def complainant_(self):
        return Model.get('party.party')(self.complainant.id)

    def inbox(self, complaint):
        "The current user's open tasks on complaint, as they read them"
        Task = Model.get('klachten.task')
        return sorted(t.rec_name.split(': ')[0] for t in Task.find([
                    ('mine', '=', True), ('state', '=', 'open'),
                    ('complaint', '=', complaint.id)]))

    def email(self, complaint, kind):
        "The e-mail of kind queued on complaint"
        set_user('admin')
        email, = Model.get('klachten.email').find([
                ('complaint', '=', complaint.id), ('kind', '=', kind)])
        return email

    def test_receiver_observer_coordinator(self):
        """Items 1, 2, 4, 6, 9, 12a: registered by the receiver, noticed by
        the standing observer, evaluated by the coordinator"""
        # item 9: any staff member receives an informal complaint; the
        # complainant is told in Dutch that it is handled informally
        self.as_dutch('receiver')
        informal = create_complaint(self.complainant_(),
            received_date=today(), channel='phone', track='informal',
            short_description="Onvriendelijk aan de telefoon")
        email = self.email(informal, 'acknowledgement')
        self.assertIn("we hebben uw klacht goed ontvangen", email.subject)
        self.assertIn("We behandelen uw klacht informeel", email.body)
        self.as_dutch('coordinator')
        self.assertIn("Informele klacht afhandelen", self.inbox(informal))

        self.as_dutch('receiver')
        complaint = create_complaint(self.complainant_(),
            received_date=today(),
            short_description="Niemand beantwoordde mijn e-mail")
        email = self.email(complaint, 'acknowledgement')
        self.assertIn("we hebben uw klacht goed ontvangen", email.subject)

        # item 4: the coordinator's task falls due on the admissibility
        # notice term when that comes first
        self.as_dutch('coordinator')
        Complaint = Model.get('klachten.complaint')
        complaint = Complaint(complaint.id)
        self.assertEqual(self.inbox(complaint), ["Evalueren"])
        Task = Model.get('klachten.task')
        evaluate, = Task.find([('mine', '=', True),
                ('complaint', '=', complaint.id), ('kind', '=', 'evaluate')])
        # the default terms: 10 days for the notice, before the evaluation
        self.assertEqual(evaluate.due_date,
            complaint.admissibility_notice_due)
        self.assertEqual(complaint.admissibility_notice_due,
            term_end(today(), 10, 'day', 'BE', True))

        # item 2: admissible refused in Dutch without the subject
        with self.assertRaisesRegex(UserError, "het onderwerp van de klacht"):
            admit(complaint, self.ns, subject=None)
        self.assertEqual(Complaint(complaint.id).state, 'evaluation')
        complaint = admit(Complaint(complaint.id), self.ns)
        self.assertEqual(complaint.state, 'investigation')

        # item 1: the standing observer takes notice, in their own inbox
        self.as_dutch('observer')
        self.assertEqual(self.inbox(complaint), ["Kennisnemen"])

        # item 6: sent back, the next decision starts clean; the handler
        # reads the remarks in Dutch in the coordinator's task
        self.as_dutch('handler1')
        run = Wizard('klachten.complaint.send_back',
            [Complaint(complaint.id)])
        run.form.remarks = "Dit is voor Omgeving."
        run.execute('confirm')
        self.as_dutch('coordinator')
        complaint = Complaint(complaint.id)
        self.assertEqual(complaint.state, 'evaluation')
        self.assertIn("Evalueren", self.inbox(complaint))
        self.assertFalse(complaint.admissible_note)

        # items 4 and 12a: not handled (Awb 9:8): the complainant is told
        # in Dutch, with the grounds and the motivation
        run = Wizard('klachten.complaint.inadmissible', [complaint])
        run.form.grounds.append(
            Model.get('klachten.inadmissibility_ground').find([])[0])
        run.form.motivation = "Dit is een vraag om informatie."
        run.form.inform = True
        run.execute('confirm')
        email = self.email(complaint, 'inadmissible')
        self.assertIn("we kunnen dit niet als klacht behandelen",
            email.subject)
        self.assertIn("We kunnen ze niet als klacht behandelen", email.body)
        self.assertIn("Dit is een vraag om informatie.", email.body)
        self.as_dutch('coordinator')
        self.assertNotIn("Evalueren", self.inbox(complaint))

    def test_copy_to_the_staff_member_complained_about(self):
        "Item 11: handler2 reads the copy in Dutch (Awb 9:9)"
        self.configure(concerned_copy=True)
        self.addCleanup(self.configure, concerned_copy=False)
        self.as_dutch('coordinator')
        complaint = create_complaint(self.complainant_(),
            received_date=today(),
            short_description="Onbeleefd aan het loket",
            description="Hij was onbeleefd aan het loket.")
        complaint = admit(complaint, self.ns, department='OM',
            user='handler3', concerns='staff',
            concerned_user=Model.get('res.user')(
                self.ns.users['handler2'].id),
            concerned_department=Model.get('klachten.department')(
                self.ns.departments['OM'].id),
            send_concerned_copy=True)
        self.assertEqual(complaint.concerned_copy_date, today())
        email = self.email(complaint, 'concerned_copy')
        self.assertEqual(email.to, 'handler2@klaverveld.be')
        self.assertIn("een klacht over u", email.subject)
        self.assertIn("Er is een klacht ingediend over uw gedrag",
            email.body)
        self.assertIn("Hij was onbeleefd aan het loket.", email.body)

    def test_handler_sub_investigator_b1_team(self):
        """Items 5, 12b, 13, 14, 15 and the sub-investigation's days: the
        handler, the other department, the B1 team and the coordinator"""
        self.as_dutch('receiver')
        complaint = create_complaint(self.complainant_(),
            received_date=today(),
            short_description="Niemand beantwoordde mijn e-mail")
        Complaint = Model.get('klachten.complaint')

        # item 13: the coordinator asks the complainant, the term waits;
        # the question goes out in Dutch
        self.as_dutch('coordinator')
        run = Wizard('klachten.complaint.request_information',
            [Complaint(complaint.id)])
        run.form.question = "Op welke dag stuurde u de e-mail?"
        run.form.suspend = True
        run.execute('confirm')
        complaint = Complaint(complaint.id)
        self.assertEqual(complaint.suspended_since, today())
        email = self.email(complaint, 'information')
        self.assertIn("we hebben meer informatie nodig", email.subject)
        self.assertIn("Op welke dag stuurde u de e-mail?", email.body)
        self.as_dutch('coordinator')
        request, = Complaint(complaint.id).information_requests
        request.answer = "Op 3 mei."
        request.save()
        request.click('record_answer')
        self.assertIsNone(Complaint(complaint.id).suspended_since)
        complaint = admit(Complaint(complaint.id), self.ns)

        # item 15: the handler asks Omgeving, ten days to report when
        # configured; the investigator finds it in Dutch in their inbox
        self.configure(sub_investigation_days=10)
        self.addCleanup(self.configure, sub_investigation_days=None)
        self.as_dutch('handler1')
        self.assertEqual(self.inbox(complaint), ["Onderzoeken"])
        run = Wizard('klachten.complaint.sub_investigation',
            [Complaint(complaint.id)])
        due = term_end(today(), 10, 'day', 'BE', True)
        self.assertEqual(run.form.due_date, due)
        run.form.department = Model.get('klachten.department')(
            self.ns.departments['OM'].id)
        run.form.role = Model.get('klachten.role')(
            self.ns.roles['handler'].id)
        run.form.question = "Kreeg Omgeving de e-mail?"
        run.execute('confirm')
        self.as_dutch('handler3')
        self.assertEqual(self.inbox(complaint), ["Deelonderzoek"])
        sub, = Model.get('klachten.sub_investigation').find([
                ('mine', '=', True), ('complaint', '=', complaint.id)])
        self.assertEqual(sub.due_date, due)
        run = Wizard('klachten.sub_investigation.report', [sub])
        run.form.report = "De e-mail kwam aan op 4 mei."
        run.execute('confirm')
        self.assertEqual(self.inbox(complaint), [])

        # item 5: the handler drafts the reply with the report
        self.as_dutch('handler1')
        complaint = Complaint(complaint.id)
        complaint.report = "De e-mail bleef in een gedeelde mailbox."
        complaint.outcome = 'unfounded'
        complaint.outcome_motivation = "De e-mail kwam pas na de termijn."
        complaint.draft_reply = (
            "Beste meneer, uw e-mail bleef liggen. Onze excuses.")
        complaint.save()
        complaint.click('finalise_report')
        self.assertEqual(complaint.state, 'conclusion')

        # item 14: the coordinator asks the B1 team; they read their task
        # in Dutch and close it with their remarks
        self.as_dutch('coordinator')
        run = Wizard('klachten.complaint.plain_language_review',
            [Complaint(complaint.id)])
        run.form.department = Model.get('klachten.department')(
            self.ns.departments['OM'].id)
        run.form.role = Model.get('klachten.role')(
            self.ns.roles['handler'].id)
        run.form.note = "Is het antwoord B1?"
        run.execute('confirm')
        self.as_dutch('handler3')
        self.assertEqual(self.inbox(complaint), ["B1-controle"])
        task, = Model.get('klachten.task').find([('mine', '=', True),
                ('complaint', '=', complaint.id), ('state', '=', 'open')])
        self.assertTrue(task.rec_name.startswith("B1-controle: "))
        task.comment = "Duidelijk genoeg."
        task.save()
        task.click('do')

        # items 5 and 12b: the coordinator sends the drafted reply; the
        # Dutch e-mail names the Flemish ombudsman
        self.as_dutch('coordinator')
        self.assertIn("Afhandelen", self.inbox(complaint))
        run = Wizard('klachten.complaint.conclude', [Complaint(complaint.id)])
        self.assertEqual(run.form.reply,
            "Beste meneer, uw e-mail bleef liggen. Onze excuses.")
        run.form.conclusion = "Ongegrond."
        run.form.inform = True
        run.execute('confirm')
        email = self.email(complaint, 'conclusion')
        self.assertIn("ons antwoord", email.subject)
        self.assertIn("uw e-mail bleef liggen", email.body)
        self.assertIn("Vlaamse Ombudsdienst", email.body)
        self.assertIn("Met vriendelijke groeten", email.body)

    def test_information_while_concluding(self):
        """Item 3: concluding, the coordinator asks the complainant (the
        question goes out in Dutch, the complaint stays in conclusion) and
        is told in Dutch that a third party needs an address"""
        self.as_dutch('receiver')
        complaint = create_complaint(self.complainant_(),
            received_date=today(), short_description="Het loket was dicht")
        Complaint = Model.get('klachten.complaint')
        self.as_dutch('coordinator')
        complaint = admit(Complaint(complaint.id), self.ns)
        self.as_dutch('handler1')
        complaint = Complaint(complaint.id)
        complaint.report = "Het loket sluit om twaalf uur."
        complaint.outcome = 'unfounded'
        complaint.outcome_motivation = "Het loket was gesloten."
        complaint.draft_reply = "Beste meneer, het loket sluit om twaalf."
        complaint.save()
        complaint.click('finalise_report')

        self.as_dutch('coordinator')
        run = Wizard('klachten.complaint.request_information',
            [Complaint(complaint.id)])
        run.form.question = "Welk loket bedoelt u?"
        run.execute('confirm')
        self.assertEqual(Complaint(complaint.id).state, 'conclusion')
        email = self.email(complaint, 'information')
        self.assertIn("we hebben meer informatie nodig", email.subject)
        self.assertIn("Welk loket bedoelt u?", email.body)

        self.as_dutch('coordinator')
        run = Wizard('klachten.complaint.request_information',
            [Complaint(complaint.id)])
        run.form.recipient = 'third_party'
        run.form.name = "Garage Peeters"
        run.form.question = "Stond de wagen er op 3 mei?"
        with self.assertRaisesRegex(UserError, "e-mailadres of .*postadres"):
            run.execute('confirm')
        request, = Complaint(complaint.id).information_requests
        self.assertEqual(request.delivery, 'email')
