# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reading a complaint is not enough to move it through the workflow.

handler1 received the complaint (so reads it) but it is handled by handler3
of another department: handler1 may press handler buttons on his own
complaints, not on this one, neither through its button nor by starting the
wizard directly."""

from proteus import Model
from proteus import config as pconfig
from trytond.exceptions import UserError

from .municipality import MunicipalityTestCase
from .tools import admit, create_complainant, create_complaint, set_user


class ButtonAccessTestCase(MunicipalityTestCase):
    "Buttons and wizards require write access to their records"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ns = cls.ns
        set_user('handler1')
        complaint = create_complaint(create_complainant())
        set_user('klachtenadmin')
        complaint = Model.get('klachten.complaint')(complaint.id)
        admit(complaint, ns, department='OM', user='handler3')
        cls.id = complaint.id

    def setUp(self):
        set_user('handler1', self.config)
        self.Complaint = Model.get('klachten.complaint')
        self.context = self.config.context

    def test_reads_but_may_not_write(self):
        "The receiver reads the complaint, and may not change it"
        complaint, = self.Complaint._proxy.read(
            [self.id], ['state', '_write'], self.context)
        self.assertEqual(complaint['state'], 'investigation')
        self.assertFalse(complaint['_write'])

    def test_button_refused(self):
        "Send Back and Finalise Report are refused"
        for button in ['send_back_wizard', 'finalise_report',
                'extend_wizard', 'cancel_wizard']:
            with self.subTest(button=button):
                with self.assertRaises(UserError):
                    getattr(self.Complaint._proxy, button)(
                        [self.id], self.context)
        self.assertEqual(
            self.Complaint(self.id).state, 'investigation')

    def test_wizard_refused(self):
        "Starting the Send Back wizard directly is refused"
        Wizard = pconfig.get_config().get_proxy(
            'klachten.complaint.send_back', type='wizard')
        context = dict(self.context, active_model='klachten.complaint',
            active_id=self.id, active_ids=[self.id])
        with self.assertRaises(UserError):
            session_id, start, _ = Wizard.create(context)
            Wizard.execute(session_id, {}, start, context)
            Wizard.execute(session_id, {start: {
                        'remarks': "Not ours"}}, 'confirm', context)
        set_user('klachtenadmin', self.config)
        self.assertEqual(
            Model.get('klachten.complaint')(self.id).state, 'investigation')
