# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The quick intake: a phone or desk complaint in one screen, the known
parties offered, only for receivers, coordinators and the complaints
administrator."""
from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError

from .municipality import MunicipalityTestCase
from .tools import (
    create_complainant, create_complaint, create_handler_only, set_user,
    xml_id)


class IntakeTestCase(MunicipalityTestCase):
    "Klachten > Register a Complaint"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        create_handler_only(cls.ns, 'only_handler', "Only Handler")
        caller = create_complainant(name="Marc Claes", email=None)
        phone = caller.contact_mechanisms.new()
        phone.type = 'phone'
        phone.value = '+32 470 12 34 56'
        caller.save()
        cls.caller = caller

    def intake(self, **values):
        wizard = Wizard('klachten.complaint.intake')
        for name, value in values.items():
            setattr(wizard.form, name, value)
        return wizard

    def file_(self, wizard):
        wizard.execute('file_')
        # the action opens the complaint just filed
        (complaint,), = wizard.actions
        return complaint

    def test_receiver_files(self):
        """A receiver registers a phone complaint of a new caller in one
        screen: registered, received by them, the caller a new party;
        resolved on the spot it is closed at once"""
        user = set_user('receiver')
        Party = Model.get('party.party')
        wizard = self.intake(
            name="Els Wouters", phone='09 222 33 44',
            email='els.wouters@example.org', street="Dorpsstraat 3",
            postal_code='9999', city="Klaverveld",
            short_description="Het containerpark was dicht",
            description="Zaterdag om tien uur stond ik voor een gesloten "
            "poort.")
        self.assertEqual(wizard.form.channel, 'phone')
        self.assertEqual(wizard.form.candidates, [])
        complaint = self.file_(wizard)
        self.assertEqual(complaint.state, 'evaluation')
        self.assertTrue(complaint.number)
        self.assertEqual(complaint.channel, 'phone')
        self.assertEqual(complaint.received_by.id, user)
        party = complaint.complainant
        self.assertEqual(party.name, "Els Wouters")
        self.assertEqual(party.phone, '09 222 33 44')
        self.assertEqual(party.email, 'els.wouters@example.org')
        self.assertEqual(party.addresses[0].city, "Klaverveld")
        count = len(Party.find([]))

        resolved = self.file_(self.intake(
                channel='counter', anonymous=True,
                short_description="Geen wachtnummers meer",
                resolve_now=True, resolution="Rol bijgevuld."))
        self.assertEqual(resolved.state, 'closed')
        self.assertEqual(resolved.resolution, "Rol bijgevuld.")
        self.assertIsNone(resolved.complainant)
        self.assertEqual(len(Party.find([])), count)

        draft = self.file_(self.intake(
                name="Els Wouters", short_description="Nog een klacht",
                register=False))
        self.assertEqual(draft.state, 'draft')
        self.assertEqual(draft.received_by.id, user)

    def test_known_caller_offered(self):
        """A caller already known by phone number is offered and chosen:
        the complaint is theirs, no second party; a party not offered is
        refused"""
        set_user('receiver')
        Party = Model.get('party.party')
        count = len(Party.find([]))
        wizard = self.intake(name="M. Claes", phone='0470/12.34.56',
            short_description="Riool loopt over")
        self.assertEqual(
            [p.id for p in wizard.form.candidates], [self.caller.id])
        wizard.form.party = Party(self.caller.id)
        # the known name replaces what was typed, the typed phone stays
        self.assertEqual(wizard.form.name, "Marc Claes")
        self.assertEqual(wizard.form.phone, '0470/12.34.56')
        complaint = self.file_(wizard)
        self.assertEqual(complaint.complainant.id, self.caller.id)
        self.assertEqual(complaint.complainant.name, "Marc Claes")
        self.assertEqual(len(Party.find([])), count)

        wizard = self.intake(name="Iemand", short_description="Lawaai")
        wizard.form.party = Party(self.ns.company.party.id)
        with self.assertRaises(UserError):
            wizard.execute('file_')

    def test_verified_owner(self):
        """The person who proved an e-mail address is hers gets the
        complaint filed on her address, offered and without choosing; a
        receiver who may not read her complaints is not offered her and
        files on a new party"""
        set_user('coordinator')
        lotte = create_complainant(
            name="Lotte Vos", email='lotte.vos@example.org')
        lotte.contact_mechanisms[0].klachten_verified = True
        lotte.save()
        create_complaint(lotte)
        wizard = self.intake(email='Lotte.Vos@example.org',
            short_description="Stoep kapot")
        self.assertEqual([p.id for p in wizard.form.candidates], [lotte.id])
        self.assertEqual(self.file_(wizard).complainant.id, lotte.id)

        set_user('receiver')
        wizard = self.intake(name="Lotte Vos", email='lotte.vos@example.org',
            short_description="Stoep nog altijd kapot")
        self.assertEqual(wizard.form.candidates, [])
        self.assertNotEqual(self.file_(wizard).complainant.id, lotte.id)

    def test_handler_refused(self):
        "A handler has no menu and the server refuses them the wizard"
        set_user('only_handler')
        Menu = Model.get('ir.ui.menu')
        self.assertEqual(Menu.find([
                    ('id', '=', xml_id('menu_intake'))]), [])
        with self.assertRaises(AccessError):
            self.intake(name="Iemand", short_description="Lawaai")
