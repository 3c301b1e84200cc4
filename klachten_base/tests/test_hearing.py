# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16 item 10, the hearing (Awb 9:10) as the handler and the
coordinator meet it: the invitation e-mailed in the complainant's
language, the hearing held and its report, the waiver, the reasons of lid 2
not to hear, and the report that is final only once one of them is
recorded when the configuration requires it."""
import datetime as dt

from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .tools import admit, create_complainant, create_complaint, set_user

TODAY = dt.date.today()
NEXT_WEEK = TODAY + dt.timedelta(days=7)


class HearingTestCase(MunicipalityTestCase):
    "The hearing of the complainant"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        complainant = create_complainant(
            "Jan Jansen", 'jan.jansen@example.org')
        Lang = Model.get('ir.lang')
        complainant.lang, = Lang.find([('code', '=', 'nl')])
        complainant.save()
        cls.complainant = complainant

    def investigated(self):
        "A complaint in investigation at handler1, its outcome filled"
        set_user('coordinator')
        complaint = admit(create_complaint(Model.get('party.party')(
                    self.complainant.id)), self.ns)
        self.as_dutch('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.outcome = 'unfounded'
        complaint.save()
        return complaint

    def hearing(self, complaint, **values):
        "Run the hearing wizard on complaint as the current user"
        wizard = Wizard('klachten.complaint.hearing', [complaint])
        for name, value in values.items():
            setattr(wizard.form, name, value)
        wizard.execute('confirm')
        complaint.reload()
        return complaint

    def test_invite_then_report(self):
        "The handler invites by e-mail in Dutch, then records the hearing"
        complaint = self.investigated()
        wizard = Wizard('klachten.complaint.hearing', [complaint])
        self.assertEqual(wizard.form.action, 'invite')
        self.assertTrue(wizard.form.inform)
        wizard.form.date = NEXT_WEEK
        wizard.form.time = dt.time(10, 30)
        wizard.form.place = "Stadhuis, zaal 2"
        wizard.execute('confirm')
        complaint.reload()
        self.assertEqual(complaint.hearing_state, 'invited')
        self.assertEqual(complaint.hearing_date, NEXT_WEEK)
        set_user('admin')
        email, = Model.get('klachten.email').find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'hearing_invitation')])
        self.assertEqual(email.to, 'jan.jansen@example.org')
        self.assertIn("uitnodiging", email.subject.lower())
        self.assertIn("Stadhuis, zaal 2", email.body)
        self.assertIn("10:30", email.body)
        self.assertIn(str(NEXT_WEEK.year), email.body)
        self.assertIn("gehoord", email.body)

        # the wizard offers the report next; a hearing to come is not held
        self.as_dutch('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        wizard = Wizard('klachten.complaint.hearing', [complaint])
        self.assertEqual(wizard.form.action, 'report')
        self.assertEqual(wizard.form.date, NEXT_WEEK)
        wizard.form.report = "De klager lichtte zijn klacht toe."
        with self.assertRaisesRegex(UserError, "nog moet komen"):
            wizard.execute('confirm')
        complaint = self.hearing(complaint, action='report', date=TODAY,
            report="De klager lichtte zijn klacht toe.")
        self.assertEqual(complaint.hearing_state, 'held')
        self.assertEqual(complaint.hearing_date, TODAY)
        self.assertEqual(complaint.hearing_report,
            "De klager lichtte zijn klacht toe.")

    def test_skip_needs_reason_of_lid_2_and_motivation(self):
        "Not hearing is recorded with a reason of 9:10 lid 2, motivated"
        complaint = self.investigated()
        # the server refuses a caller that skips the wizard's checks too
        with Transaction().start(self.config.database_name, 0), \
                Transaction().set_context(language='nl'):
            Complaint = Pool(self.config.database_name).get(
                'klachten.complaint')
            record = Complaint(complaint.id)
            with self.assertRaisesRegex(UserError,
                    "motivering om de klager niet te horen"):
                Complaint.skip_hearing([record], 'manifestly_unfounded')
            with self.assertRaisesRegex(UserError, "niet uitgenodigd"):
                Complaint.skip_hearing([record], 'no_reply', "Geen reactie")
            with self.assertRaisesRegex(UserError, "Awb 9:10 lid 2"):
                Complaint.skip_hearing([record], 'other', "Geen zin")
        complaint = self.hearing(complaint, action='skip',
            reason='manifestly_unfounded',
            motivation="De klacht gaat over een gebeurtenis in een andere "
            "gemeente.")
        self.assertEqual(complaint.hearing_state, 'skipped')
        self.assertEqual(complaint.hearing_skip_reason,
            'manifestly_unfounded')
        self.assertIn("andere gemeente", complaint.hearing_motivation)

        # after an invitation left unanswered, no_reply is a reason
        complaint = self.hearing(complaint, action='invite', date=NEXT_WEEK,
            place="Stadhuis", inform=False)
        self.assertIsNone(complaint.hearing_skip_reason)
        complaint = self.hearing(complaint, action='skip', reason='no_reply',
            motivation="Geen antwoord binnen twee weken.")
        self.assertEqual(complaint.hearing_skip_reason, 'no_reply')

    def test_required_hearing_holds_the_report(self):
        "When required, the report is final only after the hearing step"
        complaint = self.investigated()
        # not required by default: nothing changes for the Flemish
        complaint.click('finalise_report')
        self.assertEqual(complaint.state, 'conclusion')

        set_user('admin')
        Configuration = Model.get('klachten.configuration')
        configuration = Configuration(1)
        try:
            configuration.click('apply_awb_preset')
            self.assertTrue(Configuration(1).hearing_required)
            # the preset asks the draft reply too: not this test's subject
            self.configure(draft_reply_required=False)
            complaint = self.investigated()
            with self.assertRaisesRegex(UserError, "moet gehoord zijn"):
                complaint.click('finalise_report')
            complaint = self.hearing(complaint, action='invite',
                date=NEXT_WEEK, place="Stadhuis", inform=False)
            with self.assertRaisesRegex(UserError, "moet gehoord zijn"):
                complaint.click('finalise_report')
            # the coordinator records the complainant's waiver
            set_user('coordinator')
            complaint = self.hearing(
                Model.get('klachten.complaint')(complaint.id),
                action='waive', motivation="Belde op 3 maart: ziet af.")
            self.assertEqual(complaint.hearing_state, 'waived')
            self.assertEqual(complaint.hearing_skip_reason, 'waived')
            set_user('handler1')
            complaint = Model.get('klachten.complaint')(complaint.id)
            complaint.click('finalise_report')
            self.assertEqual(complaint.state, 'conclusion')
        finally:
            self.configure(hearing_required=False,
                draft_reply_required=False)

    def test_other_department_handler_refused(self):
        "A handler of another department cannot record the hearing"
        complaint = self.investigated()
        set_user('handler3')
        with self.assertRaises(UserError):
            self.hearing(Model.get('klachten.complaint')(complaint.id),
                action='waive')
        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        self.assertIsNone(complaint.hearing_state)

    def test_retention_cuts_hearing_texts(self):
        "An access request exports the hearing's texts, retention cuts them"
        from ..retention import REDACTED
        complaint = self.investigated()
        complaint = self.hearing(complaint, action='report', date=TODAY,
            report="Jan Jansen vertelde over zijn buurman.")
        with Transaction().start(self.config.database_name, 0) as \
                transaction:
            Complaint = Pool(self.config.database_name).get(
                'klachten.complaint')
            record = Complaint(complaint.id)
            data, files = {}, []
            Complaint._personal_data([record], data, files)
            exported, = data['complaints']
            self.assertEqual(exported['hearing_report'],
                "Jan Jansen vertelde over zijn buurman.")
            Complaint._anonymise([record])
            table = Complaint.__table__()
            cursor = transaction.connection.cursor()
            cursor.execute(*table.select(table.hearing_report,
                    where=table.id == complaint.id))
            self.assertEqual(cursor.fetchone(), (REDACTED,))
            transaction.rollback()
