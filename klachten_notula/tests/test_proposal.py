# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The draft decision's life through Proposal.apply_status: the news of
Notula (or of the coordinator) applied once, in order, never on a closed
complaint or a final draft decision."""
import datetime as dt
import io
import zipfile

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import run_wizard, set_user
from proteus import Model
from trytond.exceptions import UserError, UserWarning
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError

from ..exceptions import ProposalClosedError
from .tools import apply_status, create_proposal, in_conclusion

DECISION = {
    'text': "The college declares the complaint founded.",
    'date': '2026-03-02',
    'result': 'approved',
    }


class ProposalTestCase(MunicipalityTestCase):
    "Draft decisions"
    modules = ['klachten_notula']

    def setUp(self):
        super().setUp()
        self.complaint = in_conclusion(self.ns)
        self.proposal = create_proposal(self.complaint)

    def reloaded(self):
        return Model.get('klachten.notula.proposal')(self.proposal.id)

    def configure(self, **values):
        "Set the complaints configuration as its administrator"
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        for name, value in values.items():
            setattr(configuration, name, value)
        configuration.save()
        set_user('coordinator')

    def open_tasks(self):
        set_user('coordinator')
        return sorted(t.kind for t in Model.get('klachten.task').find([
                    ('complaint', '=', self.complaint.id),
                    ('state', '=', 'open')]))

    def test_life(self):
        "Submitted, on the agenda, decided: each news applied once"
        proposal = self.proposal
        self.assertEqual(proposal.state, 'draft')
        self.assertEqual(len(proposal.uuid), 32)
        self.assertEqual(proposal.company, self.complaint.company)
        self.assertTrue(apply_status(
                proposal, 'submitted', reference='2026_CBS_00123'))
        self.assertFalse(apply_status(
                proposal, 'submitted', reference='2026_CBS_00123'))
        self.assertTrue(apply_status(
                proposal, 'scheduled', meeting_date='2026-02-24'))
        proposal = self.reloaded()
        self.assertEqual(
            (proposal.state, proposal.reference, proposal.meeting_date),
            ('scheduled', '2026_CBS_00123', dt.date(2026, 2, 24)))
        self.assertTrue(apply_status(proposal, 'decided', decision=DECISION))
        self.assertFalse(apply_status(proposal, 'decided', decision=DECISION))
        proposal = self.reloaded()
        self.assertEqual(
            (proposal.state, proposal.decision_text, proposal.decision_date,
                proposal.result),
            ('decided', DECISION['text'], dt.date(2026, 3, 2), 'approved'))

    def test_skipped_steps(self):
        "News of a decision on a draft passes through submitted"
        self.assertTrue(apply_status(self.proposal, 'decided',
                reference='2026_CBS_00124', decision=DECISION))
        proposal = self.reloaded()
        self.assertEqual((proposal.state, proposal.reference),
            ('decided', '2026_CBS_00124'))

    def test_out_of_order(self):
        "News with a lower version than the applied one is ignored"
        proposal = self.proposal
        self.assertTrue(apply_status(proposal, 'scheduled',
                reference='R1', meeting_date='2026-02-24', version=3))
        self.assertFalse(apply_status(proposal, 'submitted',
                reference='R1', version=2))
        self.assertFalse(apply_status(proposal, 'scheduled',
                reference='R1', meeting_date='2026-02-10', version=2))
        proposal = self.reloaded()
        self.assertEqual(
            (proposal.state, proposal.meeting_date, proposal.version),
            ('scheduled', dt.date(2026, 2, 24), 3))

    def test_final(self):
        "A decided draft decision takes no other news; nothing changes"
        proposal = self.proposal
        apply_status(proposal, 'decided', reference='R2', decision=DECISION)
        for status in ['withdrawn', 'rejected', 'scheduled']:
            with self.subTest(status=status):
                with self.assertRaises(ProposalClosedError) as caught:
                    apply_status(proposal, status, reference='R2',
                        meeting_date='2026-05-05')
                self.assertIn('already', str(caught.exception))
        proposal = self.reloaded()
        self.assertEqual((proposal.state, proposal.meeting_date),
            ('decided', None))

    def test_cancelled_complaint(self):
        "A decision for a cancelled complaint is refused, nothing changed"
        proposal = self.proposal
        apply_status(proposal, 'submitted', reference='R3')
        set_user('coordinator')
        run_wizard('cancel', Model.get('klachten.complaint')(
                self.complaint.id), reason="Withdrawn by the complainant")
        with self.assertRaises(ProposalClosedError) as caught:
            apply_status(proposal, 'decided', decision=DECISION)
        self.assertIn(self.complaint.number, str(caught.exception))
        proposal = self.reloaded()
        self.assertIsNone(proposal.decision_text)
        self.assertNotEqual(proposal.state, 'decided')

    # Who may do what
    def test_handler_reads_only(self):
        "The handler reads the draft decision but cannot make or change it"
        set_user('handler1')
        Proposal = Model.get('klachten.notula.proposal')
        proposal, = Proposal.find([('complaint', '=', self.complaint.id)])
        self.assertEqual(proposal.state, 'draft')
        proposal.title = "Changed by the handler"
        with self.assertRaises(AccessError):
            proposal.save()
        with self.assertRaises(AccessError):
            create_proposal(self.complaint)
        with self.assertRaises(AccessButtonError):
            Proposal(self.proposal.id).click('withdraw')
        set_user('handler3')
        self.assertEqual(Model.get('klachten.notula.proposal').find(
                [('complaint', '=', self.complaint.id)]), [])
        set_user('coordinator')
        self.assertEqual(self.reloaded().state, 'draft')

    def test_coordinator_changes(self):
        "The coordinator changes the draft and withdraws it"
        proposal = self.reloaded()
        proposal.title = "Complaint about the unanswered e-mail"
        proposal.save()
        proposal.click('withdraw')
        proposal = self.reloaded()
        self.assertEqual((proposal.title, proposal.state),
            ("Complaint about the unanswered e-mail", 'withdrawn'))
        # a withdrawn draft decision is no longer changed
        proposal.title = "Again"
        with self.assertRaises(AccessError):
            proposal.save()

    # Concluding while the decision is awaited
    def test_conclude_warns(self):
        "Warn: the coordinator is warned, and may go on"
        self.configure(agenda_pending='warn')
        complaint = Model.get('klachten.complaint')(self.complaint.id)
        with self.assertRaises(UserWarning) as caught:
            complaint.click('conclude_wizard')
        self.assertIn(self.complaint.number, str(caught.exception))
        # the coordinator answers yes
        Model.get('res.user.warning').skip(
            caught.exception.name, False, self.config.context)
        wizard = complaint.click('conclude_wizard')
        wizard.form.conclusion = "Founded"
        wizard.form.inform = False
        wizard.execute('confirm')
        complaint.reload()
        self.assertNotEqual(complaint.state, 'conclusion')

    def test_conclude_waits(self):
        "Wait: the complaint cannot be concluded until the decision is known"
        self.configure(agenda_pending='wait')
        self.addCleanup(self.configure, agenda_pending='warn')
        complaint = Model.get('klachten.complaint')(self.complaint.id)
        for conclude in [lambda: complaint.click('conclude_wizard'),
                lambda: run_wizard('conclude', complaint,
                    conclusion="Founded", inform=False)]:
            with self.assertRaises(UserError) as caught:
                conclude()
            self.assertNotIsInstance(caught.exception, UserWarning)
            self.assertIn('wait', str(caught.exception))
        complaint.reload()
        self.assertEqual(complaint.state, 'conclusion')
        apply_status(self.proposal, 'decided', reference='R9',
            decision=DECISION)
        self.assertIn('agenda_conclude', self.open_tasks())
        wizard = complaint.click('conclude_wizard')
        self.assertEqual(wizard.form.reply, DECISION['text'])
        wizard.form.inform = False
        wizard.execute('confirm')
        complaint.reload()
        self.assertNotEqual(complaint.state, 'conclusion')
        self.assertNotIn('agenda_conclude', self.open_tasks())

    def test_button_needs_agenda(self):
        "The button shows only where Agenderen is switched on"
        complaint = Model.get('klachten.complaint')(self.complaint.id)
        self.assertFalse(complaint.agenda)
        self.configure(agenda=True)
        self.addCleanup(self.configure, agenda=False)
        complaint = Model.get('klachten.complaint')(self.complaint.id)
        self.assertTrue(complaint.agenda)
        wizard = complaint.click('put_on_agenda')
        self.assertEqual(wizard.form.personal_data, False)
        # not for a handler, even where it is switched on
        set_user('handler1')
        with self.assertRaises(AccessButtonError):
            Model.get('klachten.complaint')(
                self.complaint.id).click('put_on_agenda')

    def test_cancel_withdraws(self):
        "Cancelling the complaint withdraws its pending draft decision"
        apply_status(self.proposal, 'submitted', reference='R5')
        self.assertIn('agenda_decision', self.open_tasks())
        run_wizard('cancel', Model.get('klachten.complaint')(
                self.complaint.id), reason="Withdrawn by the complainant")
        proposal = self.reloaded()
        self.assertEqual(proposal.state, 'withdrawn')
        self.assertEqual(self.open_tasks(), [])
        self.assertEqual(
            Model.get('klachten.complaint')(self.complaint.id).agenda_state,
            'withdrawn')

    def test_manual_package(self):
        "Without klachten_report the package holds the decision as text"
        wizard = self.reloaded().click('download')
        with zipfile.ZipFile(io.BytesIO(wizard.form.file)) as package:
            names = package.namelist()
        self.assertIn('besluit.json', names)
        self.assertTrue(any(n.endswith('.txt') for n in names), names)


class DocumentTestCase(MunicipalityTestCase):
    "The Word document of the draft decision (klachten_report)"
    modules = ['klachten_notula', 'klachten_report']

    def test_document(self):
        "The Agenderen wizard makes the Word document; the report goes with"
        import docx
        complaint = in_conclusion(self.ns)
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.agenda = True
        configuration.save()
        set_user('coordinator')
        complaint = Model.get('klachten.complaint')(complaint.id)
        wizard = complaint.click('put_on_agenda')
        self.assertEqual(len(wizard.form.attachments), 1)
        report, = wizard.form.attachments
        self.assertTrue(report.name.endswith('.pdf'), report.name)
        wizard.form.body, = Model.get('klachten.notula.body').find(
            [('code', '=', 'raad')])
        wizard.execute('create_')
        complaint.reload()
        proposal, = complaint.proposals
        self.assertEqual([a.name for a in proposal.attachments],
            [report.name])
        self.assertTrue(proposal.document.name.endswith('.docx'))
        text = '\n'.join(p.text for p in docx.Document(io.BytesIO(
                    proposal.document.data)).paragraphs)
        self.assertIn(proposal.title, text)
        self.assertIn("The e-mail of 3 March was not answered.", text)
        self.assertIn("Gemeenteraad", ''.join(
                c.text for t in docx.Document(io.BytesIO(
                        proposal.document.data)).tables
                for r in t.rows for c in r.cells))
        # the complainant is left out unless ticked
        self.assertNotIn("An Peeters", text)
