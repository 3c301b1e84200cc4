# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The classification at the conclusion: the norms of the configured set,
whether a founded complaint was resolved, the structural measure."""
from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.test_form_queries import capturing_queries
from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, read_as_sao, run_wizard,
    set_user)
from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction


class NormTestCase(MunicipalityTestCase):
    "Classify a complaint by the norms it touches when concluding it"
    modules = ['klachten_report']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.letter_mode = 'never'
        configuration.save()
        set_user('coordinator')
        cls.party = create_complainant("Norm Test", None)

    def concluding(self, outcome):
        "A complaint investigated with outcome, awaiting its conclusion"
        Complaint = Model.get('klachten.complaint')
        set_user('coordinator')
        complaint = admit(create_complaint(self.party), self.ns)
        set_user('handler1')
        complaint = Complaint(complaint.id)
        complaint.outcome = outcome
        if outcome in {'founded', 'partly_founded'}:
            complaint.solution = "Hersteld."
        complaint.save()
        complaint.click('finalise_report')
        set_user('coordinator')
        return Complaint(complaint.id)

    def norms(self, norm_set):
        return Model.get('klachten.norm').find(
            [('norm_set', '=', norm_set)])

    def test_norm_sets(self):
        "The 14 ombudsnormen and the 22 behoorlijkheidsnormen"
        set_user('handler1')
        flemish, dutch = (
            self.norms('ombudsnormen'), self.norms('behoorlijkheid'))
        self.assertEqual(len(flemish), 14)
        self.assertEqual(len(dutch), 22)
        self.assertEqual(flemish[0].name, "Conformity with the Law")
        self.assertEqual(flemish[5].name, "Correct Treatment")
        self.assertEqual(dutch[-1].name, "Professionalism")
        self.assertEqual(len({n.code for n in flemish + dutch}), 36)

    def test_norm_access(self):
        "Every staff member reads the norms, the administrator edits them"
        Norm = Model.get('klachten.norm')
        for login in ['coordinator', 'handler1', 'observer', 'receiver']:
            with self.subTest(login=login):
                set_user(login)
                norm = self.norms('ombudsnormen')[0]
                norm.description = "Anders."
                with self.assertRaises(AccessError):
                    norm.save()
        set_user('klachtenadmin')
        norm = Norm(code='X1', name="Own Norm", norm_set='ombudsnormen')
        norm.save()
        norm.active = False
        norm.save()

    def test_preset(self):
        "The term presets choose the set of norms"
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        self.assertEqual(configuration.norm_set, 'ombudsnormen')
        try:
            configuration.click('apply_awb_preset')
            configuration.reload()
            self.assertEqual(configuration.norm_set, 'behoorlijkheid')
        finally:
            configuration.click('apply_flemish_preset')
            configuration.reload()
        self.assertEqual(configuration.norm_set, 'ombudsnormen')

    def test_conclude_founded(self):
        "A founded complaint: resolved asked, norms and measure recorded"
        complaint = self.concluding('founded')
        flemish = self.norms('ombudsnormen')
        wizard = Wizard('klachten.complaint.conclude', [complaint])
        # the handler's solution offers "resolved"; the coordinator may
        # change it
        self.assertEqual(wizard.form.outcome, 'founded')
        self.assertEqual(wizard.form.resolved, 'yes')
        self.assertEqual(wizard.form.norm_set, 'ombudsnormen')
        wizard.form.conclusion = "Gegrond."
        wizard.form.inform = False
        wizard.form.resolved = None
        with self.assertRaises(UserError) as raised:
            wizard.execute('confirm')
        self.assertIn("was resolved", str(raised.exception))
        complaint.reload()
        self.assertEqual(complaint.state, 'conclusion')

        complaint = run_wizard('conclude', complaint, conclusion="Gegrond.",
            inform=False, resolved='partly',
            norms=[flemish[1], flemish[5]],
            structural_measure="De werkinstructie is aangepast.")
        self.assertEqual(complaint.state, 'closed')
        self.assertEqual(complaint.resolved, 'partly')
        self.assertEqual(
            sorted(n.code for n in complaint.norms), ['VO02', 'VO06'])
        self.assertEqual(
            complaint.structural_measure, "De werkinstructie is aangepast.")

    def test_conclude_unfounded(self):
        "An unfounded complaint is concluded without saying resolved"
        complaint = self.concluding('unfounded')
        complaint = run_wizard('conclude', complaint, conclusion="Ongegrond.",
            inform=False)
        self.assertEqual(complaint.state, 'closed')
        self.assertIsNone(complaint.resolved)
        self.assertEqual(len(complaint.norms), 0)

    def test_other_set_refused(self):
        "A norm of the set the municipality does not use is refused"
        complaint = self.concluding('unfounded')
        dutch = self.norms('behoorlijkheid')
        with self.assertRaises(UserError):
            run_wizard('conclude', complaint, conclusion="Ongegrond.",
                inform=False, norms=[dutch[0]])
        complaint.reload()
        self.assertEqual(complaint.state, 'conclusion')
        self.assertEqual(len(complaint.norms), 0)

    def test_coordinator_corrects_classification(self):
        "In the conclusion phase the coordinator edits it on the complaint"
        complaint = self.concluding('partly_founded')
        flemish = self.norms('ombudsnormen')
        complaint.norms.append(flemish[12])
        complaint.resolved = 'no'
        complaint.save()
        complaint.reload()
        self.assertEqual([n.code for n in complaint.norms], ['VO13'])
        self.assertEqual(complaint.resolved, 'no')
        # what Conclude then offers is what she recorded
        wizard = Wizard('klachten.complaint.conclude', [complaint])
        self.assertEqual(wizard.form.resolved, 'no')
        self.assertEqual([n.code for n in wizard.form.norms], ['VO13'])

    def test_handler_form_reads_norms(self):
        """The handler's form shows the norms recorded, read without the
        complaint's rules again (which PostgreSQL compiled with JIT for
        seconds: bench/README.md)"""
        complaint = self.concluding('partly_founded')
        flemish = self.norms('ombudsnormen')
        complaint.norms.append(flemish[12])
        complaint.save()
        set_user('handler1')
        with capturing_queries() as queries:
            values, = read_as_sao('klachten.complaint', [complaint.id])
        self.assertEqual(list(values['norms']), [flemish[12].id])
        relation = [q for q in queries
            if 'FROM "klachten_complaint-klachten_norm" AS' in q]
        self.assertTrue(relation)
        for query in relation:
            self.assertNotIn('EXISTS', query)
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            # so no rule of its own is skipped
            self.assertEqual(pool.get('ir.rule.group').search(
                    [('model', '=', 'klachten.complaint-klachten.norm')]),
                [])
            self.assertEqual(pool.get(
                    'klachten.complaint-klachten.norm').__access__,
                {'complaint'})
