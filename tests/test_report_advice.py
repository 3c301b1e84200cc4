# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The advice given on a complaint is in its investigation report
(klachten_report), which reads it through the complaint's report_advice
hook and knows nothing of advice itself."""
import unittest

from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, run_wizard, set_user,
    setup_municipality)
from klachten_report.tests.tools import pdf_text
from proteus import Model, Wizard
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules


class ReportAdviceTestCase(unittest.TestCase):
    "Advice in the investigation report"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules(['klachten_advies', 'klachten_report'])
        cls.ns = setup_municipality()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def test_answered_advice_in_report(self):
        "The answered advice shows with its advisor; pending advice does not"
        set_user('coordinator')
        complaint = admit(create_complaint(create_complainant()), self.ns)
        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        ns = self.ns
        complaint = run_wizard('request_advice', complaint,
            question="Stond het bord er?",
            advisor_department=Model.get('klachten.department')(
                ns.departments['OM'].id),
            advisor_role=Model.get('klachten.role')(ns.roles['handler'].id),
            advisor_user=Model.get('res.user')(ns.users['handler3'].id))
        complaint = run_wizard('request_advice', complaint,
            question="Was het loket open?", kind='external',
            advisor_name="Ir. Els Wouters",
            advisor_email='els.wouters@example.org')
        answered, = [r for r in complaint.advice_requests
            if r.kind == 'internal']
        set_user('handler3')
        wizard = Wizard('klachten.advice.request.answer',
            [Model.get('klachten.advice.request')(answered.id)])
        wizard.form.answer = "Het bord stond er sinds maart."
        wizard.execute('confirm')

        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.report = "Onderzocht."
        complaint.outcome = 'unfounded'
        complaint.outcome_motivation = "Geen fout gevonden."
        complaint.save()
        complaint.click('finalise_report')
        Document = Model.get('klachten.document')
        report, = Document.find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'investigation_report'),
                ])
        text = ' '.join(pdf_text(report.pdf_file).split())
        self.assertIn("Het bord stond er sinds maart.", text)
        self.assertIn(Model.get('res.user')(ns.users['handler3'].id).name,
            text)
        self.assertNotIn("Els Wouters", text)
