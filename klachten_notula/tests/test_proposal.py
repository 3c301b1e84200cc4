# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The draft decision's life through Proposal.apply_status: the news of
Notula (or of the coordinator) applied once, in order, never on a closed
complaint or a final draft decision."""
import datetime as dt

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import run_wizard, set_user
from proteus import Model

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
