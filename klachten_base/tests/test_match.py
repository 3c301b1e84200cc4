# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The same person recognised (Party.klachten_match) and similar
complaints shown at evaluation (Complaint.find_similar)."""
from proteus import Model, Wizard
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .tools import admit, create_complaint, set_user


def new_party(name, email=None, verified=False, phone=None, street=None,
        postal_code=None):
    Party = Model.get('party.party')
    party = Party(name=name)
    if email:
        mechanism = party.contact_mechanisms.new(type='email', value=email)
        mechanism.klachten_verified = verified
    if phone:
        party.contact_mechanisms.new(type='phone', value=phone)
    if street or postal_code:
        address, = party.addresses
        address.street = street
        address.postal_code = postal_code
    party.save()
    return party


class MatchTestCase(MunicipalityTestCase):
    "The same person recognised"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('admin')
        cls.lotte = new_party("Lotte Vos", 'Lotte.Vos@example.org',
            verified=True, phone='+32 3 123 45 67',
            street="Dorpsstraat 4", postal_code='2980')
        cls.twin = new_party("Lotte Vos", 'lotte.vos@example.org',
            street="Dorpsstraat 4", postal_code='2980')
        cls.unverified = new_party("Piet Smet", 'piet@example.org')
        # a complainant whose only complaint the receiver cannot read
        cls.secret = new_party("Eva Claes", 'eva@example.org',
            verified=True, phone='03 999 88 77')
        set_user('receiver')
        complaint = create_complaint(cls.secret,
            short_description="Rioolgeur aan de rioolput")
        set_user('klachtenadmin')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.confidential = True
        complaint.save()
        admit(complaint, cls.ns, department='OM', user='handler3')
        cls.users = {login: u.id for login, u in cls.ns.users.items()}

        # seed 003: the same smell reported again, by a neighbour and by
        # someone elsewhere; an unrelated complaint
        set_user('admin')
        neighbour = new_party("Noor Jacobs", street="dorpsstraat 4",
            postal_code='2980')
        elsewhere = new_party("Tom Wouters", street="Kerkstraat 9",
            postal_code='2980')
        set_user('receiver')
        cls.complaints = {key: create_complaint(party,
                short_description=short, description=description).id
            for key, party, short, description in [
                ('earlier', neighbour, "Rioolgeur in de Dorpsstraat",
                    "Al weken een rioolgeur aan de rioolput, het stinkt."),
                ('elsewhere', elsewhere, "Stank van de riolering",
                    "Een rioolgeur in onze straat, de rioolput stinkt."),
                ('unrelated', elsewhere, "Geen antwoord op mijn e-mail",
                    "Ik mailde drie keer naar burgerzaken."),
                ('new', cls.lotte, "Weer die rioolgeur",
                    "De rioolgeur aan de rioolput is terug, het stinkt "
                    "weer in de straat."),
                ]}
        cls.complaints['secret'] = complaint.id

    def match(self, login='coordinator', **values):
        user = self.users.get(login, 0)
        with Transaction().start(DB_NAME, user) as transaction:
            with transaction.set_context(company=self.ns.company.id):
                party, candidates = Pool().get(
                    'party.party').klachten_match(**values)
                return (party.id if party else None,
                    [c.id for c in candidates])

    def test_verified_email(self):
        """A verified address finds its party whatever its case; an
        unverified one is only offered to staff"""
        party, candidates = self.match(email='lotte.vos@EXAMPLE.org')
        self.assertEqual(party, self.lotte.id)
        self.assertEqual(candidates, [self.twin.id])
        party, candidates = self.match(email='piet@example.org')
        self.assertIsNone(party)
        self.assertEqual(candidates, [self.unverified.id])
        self.assertEqual(self.match(email='nobody@example.org'),
            (None, []))

    def test_phone_and_name(self):
        """Staff are offered parties by phone (digits only) and by name
        in the same postal code or street"""
        _, candidates = self.match(phone='03/123.45.67')
        self.assertEqual(candidates, [self.lotte.id])
        _, candidates = self.match(name="lotte  vos", postal_code='2980')
        self.assertEqual(sorted(candidates),
            sorted([self.lotte.id, self.twin.id]))
        _, candidates = self.match(name="Lotte Vos", postal_code='9000')
        self.assertEqual(candidates, [])

    def test_candidates_follow_complaint_rules(self):
        """A receiver who may not read a complainant's complaints is not
        offered her party; the coordinator is, and e-mail intake (root)
        matches her verified address"""
        self.assertEqual(self.match(phone='03 999 88 77'),
            (None, [self.secret.id]))
        self.assertEqual(
            self.match('receiver', phone='03 999 88 77'), (None, []))
        party, candidates = self.match('receiver', email='eva@example.org')
        self.assertEqual(candidates, [])
        self.assertEqual(self.match(None, email='eva@example.org')[0],
            self.secret.id)

    def similar(self, login, key):
        with Transaction().start(DB_NAME, self.users.get(login, 0)) as t:
            with t.set_context(company=self.ns.company.id):
                Complaint = Pool().get('klachten.complaint')
                return [c.id for c in Complaint.find_similar(
                        Complaint(self.complaints[key]))]

    def test_similar_complaints(self):
        """The earlier report of the same smell at the same address ranks
        first, the same smell elsewhere next; an unrelated complaint is
        not shown, nor one the user may not read"""
        ids = self.complaints
        self.assertEqual(self.similar('coordinator', 'new'),
            [ids['earlier'], ids['elsewhere'], ids['secret']])
        self.assertEqual(self.similar('receiver', 'new'),
            [ids['earlier'], ids['elsewhere']])
        set_user('coordinator', self.config)
        complaint = Model.get('klachten.complaint')(ids['earlier'])
        self.assertEqual([c.id for c in complaint.similar_complaints][:1],
            [ids['new']])

    def test_only_coordinators_verify(self):
        """A receiver may not mark an address verified (it would file
        the next web complaint from it on the party); a coordinator may"""
        set_user('receiver', self.config)
        party = new_party("Bart Maes", 'bart@example.org')
        mechanism, = party.contact_mechanisms
        mechanism.klachten_verified = True
        with self.assertRaises(AccessError):
            party.save()
        set_user('coordinator', self.config)
        party = Model.get('party.party')(party.id)
        party.contact_mechanisms[0].klachten_verified = True
        party.save()
        self.assertEqual(self.match(email='bart@example.org')[0], party.id)

    def test_merge(self):
        """The coordinator merges a duplicate party: its complaints (as
        complainant and as representative) move to the party kept; a
        handler may not"""
        set_user('admin', self.config)
        kept = new_party("Jan Dubbel", 'jan.dubbel@example.org')
        duplicate = new_party("Jan Dubbel", 'jan@example.org')
        set_user('receiver', self.config)
        filed = create_complaint(duplicate)
        represented = create_complaint(kept, representative=duplicate)
        set_user('handler1', self.config)
        with self.assertRaises(AccessError):
            Wizard('party.replace', [Model.get('party.party')(
                        duplicate.id)])
        set_user('coordinator', self.config)
        Party = Model.get('party.party')
        replace = Wizard('party.replace', [Party(duplicate.id)])
        replace.form.source = Party(duplicate.id)
        replace.form.destination = Party(kept.id)
        replace.execute('replace')
        Complaint = Model.get('klachten.complaint')
        self.assertEqual(Complaint(filed.id).complainant.id, kept.id)
        self.assertEqual(Complaint(represented.id).representative.id,
            kept.id)
        with self.config.set_context(active_test=False):
            self.assertEqual(Party(duplicate.id).replaced_by.id, kept.id)
