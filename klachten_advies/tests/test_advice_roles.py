# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16 item 7 as its roles meet it, in Dutch: the handler asks
Omgeving's advice and sends the complaint back while it is open; the
coordinator reads in Dutch, in their Evaluate task and in the admissible
decision, which advice is still open and withdraws it; the adviser's task
goes."""
from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, run_wizard, set_user)
from proteus import Model, Wizard


class AdviceRolesTestCase(MunicipalityTestCase):
    "Open advice at a send back, as the handler, coordinator and adviser"
    modules = ['klachten_advies']
    languages = ['nl']

    def inbox(self, complaint):
        "The current user's open tasks on complaint, as they read them"
        Task = Model.get('klachten.task')
        return sorted(t.rec_name.split(': ')[0] for t in Task.find([
                    ('mine', '=', True), ('state', '=', 'open'),
                    ('complaint', '=', complaint.id)]))

    def test_open_advice_withdrawn_at_the_next_decision(self):
        "The coordinator withdraws, in Dutch, the advice left open"
        set_user('coordinator')
        complaint = admit(create_complaint(create_complainant()), self.ns)
        self.as_dutch('handler1')
        complaint = run_wizard('request_advice',
            Model.get('klachten.complaint')(complaint.id),
            question="Stond het bord er op 3 mei?",
            advisor_department=Model.get('klachten.department')(
                self.ns.departments['OM'].id),
            advisor_role=Model.get('klachten.role')(
                self.ns.roles['handler'].id),
            advisor_user=Model.get('res.user')(
                self.ns.users['handler3'].id))
        self.as_dutch('handler3')
        self.assertEqual(self.inbox(complaint), ["Advies geven"])

        self.as_dutch('handler1')
        run_wizard('send_back', Model.get('klachten.complaint')(
                complaint.id), remarks="Niet voor Burgerzaken.")

        self.as_dutch('coordinator')
        complaint = Model.get('klachten.complaint')(complaint.id)
        self.assertEqual(complaint.state, 'evaluation')
        Task = Model.get('klachten.task')
        task, = Task.find([('mine', '=', True),
                ('complaint', '=', complaint.id), ('kind', '=', 'evaluate'),
                ('state', '=', 'open')])
        self.assertTrue(task.rec_name.startswith("Evalueren: "))
        self.assertIn("Advies dat nog openstond toen de klacht werd "
            "teruggestuurd", task.note)
        self.assertIn("Stond het bord er op 3 mei?", task.note)
        wizard = Wizard('klachten.complaint.admissible', [complaint])
        self.assertIn("verwacht tegen", wizard.form.open_advice_list)
        self.assertIn("Stond het bord er op 3 mei?",
            wizard.form.open_advice_list)
        wizard.execute('end')
        complaint = admit(complaint, self.ns, department='OM',
            user='handler3', open_advice='withdraw')
        self.assertEqual(complaint.state, 'investigation')
        request, = Model.get('klachten.advice.request').find([
                ('complaint', '=', complaint.id)])
        self.assertEqual((request.state, request.withdrawal),
            ('withdrawn', 'complaint_sent_back'))
        self.as_dutch('handler3')
        self.assertNotIn("Advies geven", self.inbox(complaint))
