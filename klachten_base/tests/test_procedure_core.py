# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16, the core steps as the coordinator and the handler meet them:
what an admissible decision requires, a new decision after a disagreement
starting clean, the note sent with an admissible decision in its own
field, information requests in the conclusion phase and the handler's
draft reply."""
from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .tools import admit, create_complainant, create_complaint, set_user


class ProcedureCoreTestCase(MunicipalityTestCase):
    "The core steps of the procedure"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        cls.complainant = create_complainant()

    def department(self, code='BZ'):
        return Model.get('klachten.department')(self.ns.departments[code].id)

    # Item 2: admissible requires what the manual requires
    def test_admissible_requires_subject_concerns_department_basis(self):
        "Admissible is refused, in Dutch, without what the manual asks"
        self.as_dutch('coordinator')
        complaint = create_complaint(self.complainant)
        for values, missing in [
                ({'subject': None}, "het onderwerp van de klacht"),
                ({'basis': None}, "de grondslag van de klacht"),
                ]:
            with self.subTest(missing=missing):
                self.as_dutch('coordinator')
                Complaint = Model.get('klachten.complaint')
                with self.assertRaisesRegex(UserError, missing):
                    admit(Complaint(complaint.id), self.ns, **values)
        # the server refuses a caller that skips the wizard too
        Complaint = Model.get('klachten.complaint')
        self.assertEqual(Complaint(complaint.id).state, 'evaluation')
        with Transaction().start(self.config.database_name, 0):
            pool = Pool(self.config.database_name)
            PoolComplaint = pool.get('klachten.complaint')
            Department = pool.get('klachten.department')
            Role = pool.get('klachten.role')
            department = Department(self.ns.departments['BZ'].id)
            for values, missing in [
                    ({}, "of de klacht gaat over een dienst"),
                    ({'concerns': 'department'},
                        "de dienst waarover de klacht gaat"),
                    ]:
                with self.subTest(missing=missing), \
                        Transaction().set_context(language='nl'), \
                        self.assertRaisesRegex(UserError, missing):
                    PoolComplaint.declare_admissible(
                        [PoolComplaint(complaint.id)], department,
                        Role(self.ns.roles['handler'].id),
                        subject=self.ns.subjects['service'].id,
                        basis='treatment', **values)
        complaint = admit(Complaint(complaint.id), self.ns)
        self.assertEqual(complaint.state, 'investigation')
        self.assertEqual(complaint.subject.id, self.ns.subjects['service'].id)
        self.assertEqual(complaint.concerned_department.code, 'BZ')
        self.assertEqual(complaint.basis, 'treatment')

    def test_basis_not_required_when_configured(self):
        "Without Require the Basis, a formal complaint is admitted without"
        self.configure(require_basis=False)
        try:
            set_user('coordinator')
            complaint = admit(create_complaint(self.complainant), self.ns,
                basis=None)
            self.assertEqual(complaint.state, 'investigation')
            self.assertIsNone(complaint.basis)
        finally:
            self.configure(require_basis=True)

    def test_wizard_fills_concerned_department(self):
        "Choosing the handling department fills an empty concerned one"
        set_user('coordinator')
        complaint = create_complaint(self.complainant)
        wizard = Wizard('klachten.complaint.admissible', [complaint])
        self.assertIsNone(wizard.form.concerned_department)
        self.assertTrue(wizard.form.basis_required)
        wizard.form.handler_department = self.department('OM')
        self.assertEqual(wizard.form.concerned_department.code, 'OM')

    # Item 6: after a disagreement the next decision starts clean
    def test_new_decision_after_disagreement_starts_clean(self):
        "Inadmissible, disagree, inadmissible again: only the new grounds"
        set_user('coordinator')
        Complaint = Model.get('klachten.complaint')
        complaint = create_complaint(self.complainant)
        grounds = Model.get('klachten.inadmissibility_ground').find([])
        first, second = grounds[:2]
        wizard = Wizard('klachten.complaint.inadmissible', [complaint])
        wizard.form.grounds.append(first)
        wizard.form.motivation = "Eerste motivering"
        wizard.form.request_feedback = True
        wizard.execute('confirm')
        complaint = Complaint(complaint.id)
        self.assertEqual(complaint.state, 'feedback')
        self.assertIsNotNone(complaint.admissibility_date)

        wizard = Wizard('klachten.complaint.disagree', [complaint])
        wizard.form.comment = "Ik ben het niet eens"
        wizard.execute('confirm')
        complaint = Complaint(complaint.id)
        self.assertEqual(complaint.state, 'evaluation')
        self.assertIsNone(complaint.admissibility)
        self.assertIsNone(complaint.admissibility_date)
        self.assertIsNone(complaint.admissibility_motivation)
        self.assertEqual(list(complaint.inadmissibility_grounds), [])

        wizard = Wizard('klachten.complaint.inadmissible', [complaint])
        self.assertEqual(list(wizard.form.grounds), [])
        wizard.form.grounds.append(second)
        wizard.form.motivation = "Tweede motivering"
        wizard.execute('confirm')
        complaint = Complaint(complaint.id)
        self.assertEqual(
            [g.id for g in complaint.inadmissibility_grounds], [second.id])
        self.assertEqual(complaint.admissibility_motivation,
            "Tweede motivering")

    def test_admissible_note_own_field(self):
        "The note sent with an admissible decision is not a motivation"
        set_user('coordinator')
        complaint = admit(create_complaint(self.complainant), self.ns,
            inform=True, note="Wij onderzoeken uw klacht grondig.")
        self.assertEqual(complaint.admissible_note,
            "Wij onderzoeken uw klacht grondig.")
        self.assertIsNone(complaint.admissibility_motivation)
        set_user('admin')
        email, = Model.get('klachten.email').find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'admissible')])
        self.assertIn("Wij onderzoeken uw klacht grondig.", email.body)

    def test_migrate_admissible_note(self):
        "An old admissible note moves out of the motivation"
        set_user('coordinator')
        complaint = admit(create_complaint(self.complainant), self.ns,
            inform=True, note="Oude notitie")
        database = self.config.database_name
        with Transaction().start(database, 0) as transaction:
            Complaint = Pool(database).get('klachten.complaint')
            table = Complaint.__table__()
            cursor = transaction.connection.cursor()
            # the shape of a database before the note had its own field
            cursor.execute(*table.update(
                    [table.admissibility_motivation, table.admissible_note],
                    ["Oude notitie", None], where=table.id == complaint.id))
            Complaint._migrate_admissible_note()
            cursor.execute(*table.select(
                    table.admissibility_motivation, table.admissible_note,
                    where=table.id == complaint.id))
            self.assertEqual(cursor.fetchone(), (None, "Oude notitie"))
            transaction.rollback()

    # Item 3: information requests in the conclusion phase too
    def in_conclusion(self, **values):
        "A complaint whose report handler1 finalised"
        self.as_dutch('coordinator')
        complaint = admit(create_complaint(self.complainant), self.ns)
        self.as_dutch('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.report = "Gesprek met de loketbediende."
        complaint.outcome = 'unfounded'
        complaint.outcome_motivation = "Het loket was gesloten."
        for name, value in values.items():
            setattr(complaint, name, value)
        complaint.save()
        complaint.click('finalise_report')
        self.assertEqual(complaint.state, 'conclusion')
        return complaint

    def test_information_request_in_conclusion(self):
        "The coordinator asks information while concluding"
        complaint = self.in_conclusion()
        set_user('coordinator')
        complaint = Model.get('klachten.complaint')(complaint.id)
        wizard = Wizard('klachten.complaint.request_information', [complaint])
        wizard.form.question = "Welk loket bedoelt u?"
        wizard.execute('confirm')
        complaint.reload()
        self.assertEqual(complaint.state, 'conclusion')
        request, = complaint.information_requests
        self.assertEqual(request.state, 'requested')
        self.assertEqual(request.delivery, 'email')
        set_user('admin')
        task, = Model.get('klachten.task').find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'information'), ('state', '=', 'open')])

    def test_third_party_needs_email_or_address(self):
        "A third party is asked with an e-mail or a postal address"
        self.as_dutch('coordinator')
        complaint = create_complaint(self.complainant)
        wizard = Wizard('klachten.complaint.request_information', [complaint])
        wizard.form.recipient = 'third_party'
        wizard.form.name = "Garage Peeters"
        wizard.form.question = "Stond de wagen er op 3 mei?"
        wizard.form.street = "Kerkstraat 1"
        with self.assertRaisesRegex(UserError,
                "e-mailadres of .*postadres"):
            wizard.execute('confirm')
        wizard = Wizard('klachten.complaint.request_information', [complaint])
        wizard.form.recipient = 'third_party'
        wizard.form.name = "Garage Peeters"
        wizard.form.question = "Stond de wagen er op 3 mei?"
        wizard.form.street = "Kerkstraat 1"
        wizard.form.postal_code = "2000"
        wizard.form.city = "Antwerpen"
        wizard.execute('confirm')
        complaint.reload()
        request, = complaint.information_requests
        self.assertEqual(
            (request.street, request.postal_code, request.city),
            ("Kerkstraat 1", "2000", "Antwerpen"))
        self.assertEqual(request.delivery, 'not_sent')

    # Item 5: the handler drafts the reply, the coordinator edits it
    def test_draft_reply(self):
        "Required when configured, prefilled in Conclude, edited there"
        self.configure(draft_reply_required=True)
        try:
            with self.assertRaisesRegex(UserError,
                    "(opzet|ontwerp).* aan de klager"):
                self.in_conclusion()
            set_user('admin')
            complaint, = Model.get('klachten.complaint').find(
                [('state', '=', 'investigation')], order=[('id', 'DESC')],
                limit=1)
            set_user('handler1')
            complaint = Model.get('klachten.complaint')(complaint.id)
            complaint.draft_reply = "Geachte, het loket was gesloten."
            complaint.save()
            complaint.click('finalise_report')
        finally:
            self.configure(draft_reply_required=False)
        set_user('coordinator')
        complaint = Model.get('klachten.complaint')(complaint.id)
        wizard = Wizard('klachten.complaint.conclude', [complaint])
        self.assertEqual(wizard.form.reply,
            "Geachte, het loket was gesloten.")
        wizard.form.reply = "Geachte, het loket was die dag gesloten."
        wizard.execute('confirm')
        complaint.reload()
        self.assertEqual(complaint.reply,
            "Geachte, het loket was die dag gesloten.")
        self.assertEqual(complaint.draft_reply,
            "Geachte, het loket was gesloten.")

    def test_presets_require_draft_reply(self):
        "The Flemish preset asks the handler's draft reply"
        set_user('admin')
        Configuration = Model.get('klachten.configuration')
        configuration = Configuration(1)
        try:
            configuration.click('apply_flemish_preset')
            configuration = Configuration(1)
            self.assertTrue(configuration.draft_reply_required)
            self.assertTrue(configuration.require_basis)
        finally:
            self.configure(draft_reply_required=False)

    # Item 12: the ombudsman named in the reply, as data
    def conclusion_email(self, reply):
        complaint = self.in_conclusion()
        set_user('coordinator')
        complaint = Model.get('klachten.complaint')(complaint.id)
        wizard = Wizard('klachten.complaint.conclude', [complaint])
        wizard.form.conclusion = "Ongegrond."
        wizard.form.inform = True
        wizard.form.reply = reply
        wizard.execute('confirm')
        set_user('admin')
        email, = Model.get('klachten.email').find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'conclusion')])
        return email.body

    def test_ombudsman_in_reply(self):
        "The reply's e-mail names the ombudsman the presets configure"
        with Transaction().start(self.config.database_name, 0) as transaction:
            Configuration = Pool(self.config.database_name).get(
                'klachten.configuration')
            Configuration.apply_awb_preset([Configuration(1)])
            awb = Configuration(1).ombudsman
            Configuration.apply_flemish_preset([Configuration(1)])
            flemish = Configuration(1).ombudsman
            transaction.rollback()
        self.assertIn("Nationale ombudsman, Postbus 93122", awb)
        self.assertIn("Vlaamse Ombudsdienst", flemish)
        try:
            self.configure(ombudsman=awb)
            body = self.conclusion_email("Het loket was gesloten.")
            self.assertIn("Het loket was gesloten.", body)
            self.assertIn("Nationale ombudsman, Postbus 93122", body)
            self.assertNotIn("turn to the ombudsman", body)
            # none configured: the general sentence
            self.configure(ombudsman=None)
            body = self.conclusion_email("Het loket was dicht.")
            self.assertIn("turn to the ombudsman", body)
            self.assertNotIn("Postbus", body)
        finally:
            self.configure(ombudsman=flemish)

    # Item 14: plain language before the reply leaves
    def test_readability_of_the_reply(self):
        "Handler and coordinator see how readable the reply is, in Dutch"
        draft = (
            "Het ontvankelijkheidsonderzoek werd gevoerd door de "
            "klachtencoördinator, die nagaat of er geen jurisdictioneel "
            "beroep aanhangig is en of de klacht niet kennelijk ongegrond "
            "is of betrekking heeft op feiten die eerder behandeld werden.")
        complaint = self.in_conclusion(draft_reply=draft)
        self.as_dutch('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        self.assertRegex(complaint.draft_reply_readability,
            r"^Leesbaarheid: \d+ van 100, moeilijk")
        self.assertIn("jurisdictioneel", complaint.draft_reply_readability)
        self.assertIn("1 zin(nen) van meer dan 20 woorden",
            complaint.draft_reply_readability)
        self.as_dutch('coordinator')
        complaint = Model.get('klachten.complaint')(complaint.id)
        wizard = Wizard('klachten.complaint.conclude', [complaint])
        self.assertEqual(wizard.form.readability,
            complaint.draft_reply_readability)
        # rewritten plainly: the measure follows the text
        wizard.form.reply = (
            "Beste meneer, u vroeg ons waarom het loket dicht was. "
            "Het loket was die dag dicht door ziekte. Onze excuses.")
        self.assertRegex(wizard.form.readability,
            r"^Leesbaarheid: \d+ van 100, eenvoudig")
        self.assertNotIn("Zeldzame woorden", wizard.form.readability)

    # Item 8: review an e-mail before it leaves, with standard texts
    def test_review_email_before_sending(self):
        "The coordinator reads, completes and sends the decision's e-mail"
        self.configure(review_emails=True)
        try:
            set_user('coordinator')
            StandardText = Model.get('klachten.standard_text')
            text = StandardText(name="Excuses",
                text="Onze excuses voor [[wat er misliep]].")
            text.save()
            self.as_dutch('coordinator')
            complaint = create_complaint(self.complainant)
            wizard = Wizard('klachten.complaint.inadmissible', [complaint])
            wizard.form.grounds.append(
                Model.get('klachten.inadmissibility_ground').find([])[0])
            wizard.form.motivation = "Dit is een vraag om informatie."
            wizard.form.inform = True
            wizard.execute('confirm')
            # the step is taken, its e-mail waits and opens at once
            complaint.reload()
            self.assertEqual(complaint.state, 'closed')
            review, = wizard.actions
            self.assertEqual(review.name, 'klachten.email.review')
            Email = Model.get('klachten.email')
            email = Email(review.form.email.id)
            self.assertEqual(
                (email.state, email.kind), ('held', 'inadmissible'))
            self.assertEqual(review.form.body, email.body)
            self.assertIn("Dit is een vraag om informatie.", email.body)
            review.form.standard_text = StandardText(text.id)
            self.assertTrue(review.form.body.endswith(
                    "Onze excuses voor [[wat er misliep]]."))
            self.assertEqual(review.form.placeholders, "[[wat er misliep]]")
            with self.assertRaisesRegex(UserError,
                    "Vervang .*: \\[\\[wat er misliep\\]\\]"):
                review.execute('send')
            self.assertEqual(Email(email.id).state, 'held')
            review.form.body = review.form.body.replace(
                "[[wat er misliep]]", "het lange wachten")
            review.form.subject = "Uw vraag " + complaint.number
            review.execute('send')
            email = Email(email.id)
            self.assertEqual(email.state, 'pending')
            self.assertEqual(email.subject, "Uw vraag " + complaint.number)
            self.assertTrue(email.body.endswith(
                    "Onze excuses voor het lange wachten."))
            # sent: it is no longer under review
            with self.assertRaisesRegex(UserError, "niet meer"):
                Wizard('klachten.email.review', [email])
        finally:
            self.configure(review_emails=False)

    def test_review_only_coordinators(self):
        "A handler neither reviews nor sends a held e-mail"
        self.configure(review_emails=True)
        try:
            self.as_dutch('coordinator')
            complaint = admit(create_complaint(self.complainant), self.ns,
                inform=True)
            set_user('admin')
            email, = Model.get('klachten.email').find([
                    ('complaint', '=', complaint.id),
                    ('kind', '=', 'admissible')])
            self.assertEqual(email.state, 'held')
            self.as_dutch('handler1')
            with self.assertRaises(Exception):
                Wizard('klachten.email.review',
                    [Model.get('klachten.email')(email.id)]).execute('send')
            set_user('coordinator')
            review = Wizard('klachten.email.review',
                [Model.get('klachten.email')(email.id)])
            review.execute('discard')
            set_user('admin')
            self.assertEqual(
                Model.get('klachten.email')(email.id).state, 'cancelled')
        finally:
            self.configure(review_emails=False)
