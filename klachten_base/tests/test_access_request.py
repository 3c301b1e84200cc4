# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The access request (GDPR art. 15): the coordinator gives a party or an
e-mail address and downloads a zip of everything held about the person,
through the wizard's report as sao runs it."""
import io
import json
import zipfile

from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .sao import (
    Chromium, SaoSite, WebClient, click_menu, confirm, dialog, type_in)
from .tools import (
    admit, create_complainant, create_complaint, password, run_wizard,
    set_user, share_database)

NAME = "Roos Verhaegen"
EMAIL = 'Roos.Verhaegen@example.org'
OTHER = "Jef Aerts"


class AccessRequestTestCase(MunicipalityTestCase):
    "The access request"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        cls.party = create_complainant(NAME, EMAIL.lower())
        cls.complaint = create_complaint(cls.party,
            short_description="De brief van Roos kwam nooit aan",
            description="Roos schreef op 3 maart en kreeg geen antwoord.")
        Attachment = Model.get('ir.attachment')
        Attachment(resource=cls.complaint, name='brief roos.txt',
            type='data', data=b'brief van Roos Verhaegen').save()
        cls.other = create_complaint(create_complainant(
                OTHER, 'jef.aerts@example.org'),
            short_description="Over Jef")

    def request(self, party=None, email=None):
        "The zip the wizard hands over, read"
        wizard = Wizard('klachten.retention.access')
        if party:
            wizard.form.party = Model.get('party.party')(party.id)
        wizard.form.email = email
        wizard.execute('check')
        (extension, content, _, name), = wizard.actions
        self.assertEqual(extension, 'zip')
        archive = zipfile.ZipFile(io.BytesIO(bytes(content)))
        data = json.loads(archive.read('personal_data.json'))
        return data, archive, name

    def test_party(self):
        "By party: her complaint, its texts and its files, no one else's"
        set_user('coordinator')
        data, archive, name = self.request(party=self.party)
        self.assertTrue(name.startswith("Personal Data"))
        self.assertEqual(data['person']['parties'][0]['name'], NAME)
        text = json.dumps(data, ensure_ascii=False)
        self.assertIn(self.complaint.number, text)
        self.assertIn("Roos schreef op 3 maart", text)
        self.assertNotIn(OTHER, text)
        self.assertNotIn(self.other.number, text)
        files = [n for n in archive.namelist() if n.startswith('files/')]
        self.assertEqual(data['files'], files)
        self.assertEqual([archive.read(n) for n in files],
            [b'brief van Roos Verhaegen'])

    def test_email(self):
        "By e-mail address, whatever its case"
        set_user('coordinator')
        data, _, _ = self.request(email=EMAIL.upper())
        self.assertEqual(data['person']['email'], EMAIL.upper())
        self.assertIn(self.complaint.number, json.dumps(data))

    def test_nothing_held(self):
        "A person with no complaint is told so, and nothing is downloaded"
        set_user('coordinator')
        with self.assertRaisesRegex(UserError, "nothing to export"):
            self.request(email='niemand@example.org')
        with self.assertRaisesRegex(UserError, "e-mail address"):
            self.request()

    def test_coordinator_only(self):
        "Handlers and the complaints administrator cannot export"
        for login in ['handler1', 'klachtenadmin']:
            with self.subTest(login=login):
                set_user(login)
                with self.assertRaises(AccessError):
                    self.request(email=EMAIL)


class AccessRequestSaoTestCase(MunicipalityTestCase):
    "The access request in the web client (sao)"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('admin')
        coordinator = Model.get('res.user')(cls.ns.users['coordinator'].id)
        coordinator.language, = Model.get('ir.lang').find(
            [('code', '=', 'nl')])
        coordinator.save()
        set_user('coordinator')
        create_complaint(create_complainant(NAME, EMAIL.lower()),
            description="Roos schreef op 3 maart en kreeg geen antwoord.")
        cls.db = share_database(cls)
        cls.site = SaoSite(cls.db).start()
        cls.addClassCleanup(cls.site.stop)
        cls.chromium = Chromium().start()
        cls.addClassCleanup(cls.chromium.stop)
        with Transaction().start(cls.db, 0, readonly=True):
            ModelData = Pool(cls.db).get('ir.model.data')
            cls.menu = [ModelData.get_id('klachten_base', n)
                for n in ['menu_klachten', 'menu_retention_access']]

    @classmethod
    def tearDownClass(cls):
        # not yet: share_database's cleanup drops it once the site stopped
        super(MunicipalityTestCase, cls).tearDownClass()

    def test_download(self):
        "The coordinator downloads the zip of an e-mail address"
        client = WebClient(self.chromium.browser, self.site, 'coordinator',
            password('coordinator'))
        self.addCleanup(client.close)
        client.login()
        click_menu(client, self.menu)
        wizard = dialog(client)
        wizard.locator('.modal-footer').wait_for()
        type_in(client, wizard, 'email', EMAIL)
        with client.page.expect_download() as download:
            confirm(client)
        self.assertTrue(download.value.suggested_filename.endswith('.zip'))
        archive = zipfile.ZipFile(download.value.path())
        data = json.loads(archive.read('personal_data.json'))
        self.assertEqual(data['person']['email'], EMAIL)
        self.assertIn("Roos schreef op 3 maart",
            json.dumps(data, ensure_ascii=False))
        self.assertEqual(client.take_errors(), [])


ROOS_TEXT = "Roos wacht op een antwoord over haar paspoort"
REPRESENTATIVE = "Vera Vertegenwoordiger"
REPRESENTATIVE_EMAIL = 'vera.vertegenwoordiger@example.org'
STAFF_TEXT = "herinnering voor de behandelaar"


class PersonRequestTestCase(MunicipalityTestCase):
    """Access and erasure requests: whose data it is (complainant,
    representative, recipient) and who may handle the request"""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        Party = Model.get('party.party')
        cls.roos = create_complainant(NAME, EMAIL.lower())
        cls.vera = create_complainant(REPRESENTATIVE, REPRESENTATIVE_EMAIL)
        complaint = create_complaint(cls.roos, description=ROOS_TEXT,
            representative=Party(cls.vera.id))
        wizard = Wizard('klachten.complaint.request_information',
            [complaint])
        wizard.form.recipient = 'third_party'
        wizard.form.name = "Gert Getuige"
        wizard.form.email = 'gert.getuige@example.org'
        wizard.form.question = "Wat zag u aan het loket?"
        wizard.execute('confirm')
        complaint.reload()
        complaint = admit(complaint, cls.ns, user='handler1')
        Model.get('ir.note')(resource=complaint,
            message="Interne notitie over de zaak").save()
        cls.complaint = complaint
        # about the coordinator herself: she may not handle its requests
        cls.piet = create_complainant("Piet Peeters", 'piet@example.org')
        cls.about_me = create_complaint(cls.piet)
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Channel = pool.get('ir.chat.channel')
            Email = pool.get('klachten.email')
            Complaint = pool.get('klachten.complaint')
            record = Complaint(complaint.id)
            Channel.post(record, "Publiek bericht aan Roos", 'public')
            Channel.post(record, "Intern bericht tussen collega's",
                'internal')
            Channel.subscribe_email(record, 'vince.volger@example.org')
            Complaint.write([Complaint(cls.about_me.id)], {
                    'concerned_user': cls.ns.users['coordinator'].id})
            Email.create([{
                        'complaint': complaint.id,
                        'to': f"Roos <{EMAIL}>",
                        'subject': "Ontvangstbevestiging",
                        'body': "Beste Roos, we ontvingen uw klacht.",
                        }, {
                        'complaint': complaint.id,
                        'to': 'handler1@klaverveld.be',
                        'subject': "Herinnering",
                        'body': STAFF_TEXT,
                        }, {
                        'to': 'losse.lezer@example.org',
                        'subject': "Uw vraag",
                        'body': "Een e-mail zonder klacht",
                        }])

    def request(self, party=None, email=None):
        "personal_data.json of the coordinator's access request"
        wizard = Wizard('klachten.retention.access')
        if party:
            wizard.form.party = Model.get('party.party')(party.id)
        wizard.form.email = email
        wizard.execute('check')
        (_, content, _, _), = wizard.actions
        return json.loads(zipfile.ZipFile(io.BytesIO(bytes(content))).read(
                'personal_data.json'))

    def erase(self, party=None, email=None):
        "Run the erasure request; the list shown"
        wizard = Wizard('klachten.retention.erasure')
        if party:
            wizard.form.party = Model.get('party.party')(party.id)
        wizard.form.email = email
        wizard.execute('search')
        shown = [c.id for c in wizard.form.complaints], [
            c.id for c in wizard.form.represented]
        wizard.execute('erase')
        return shown

    def cancelled(self, complainant, **values):
        "A cancelled complaint of complainant, erasable at once"
        set_user('coordinator')
        return run_wizard('cancel', create_complaint(complainant, **values),
            reason="Ingetrokken")

    def test_export_leaves_staff_out(self):
        "The complainant gets what she sent and received, not staff's notes"
        set_user('coordinator')
        data = self.request(party=self.roos)
        text = json.dumps(data, ensure_ascii=False)
        self.assertIn(ROOS_TEXT, text)
        self.assertIn("we ontvingen uw klacht", text)
        self.assertIn("Publiek bericht aan Roos", text)
        # the task of the request to Gert: its note is his question
        self.assertFalse(data.get('tasks'))
        for staff in [STAFF_TEXT, 'handler1@klaverveld.be',
                "Interne notitie", "Intern bericht",
                "Gert Getuige", 'gert.getuige@example.org',
                "Wat zag u aan het loket?"]:
            with self.subTest(staff=staff):
                self.assertNotIn(staff, text)

    def test_representative_is_no_complainant(self):
        "The representative gets her part of the complaint, not Roos's file"
        set_user('coordinator')
        data = self.request(party=self.vera)
        self.assertEqual(
            [c['number'] for c in data['represented_complaints']],
            [self.complaint.number])
        self.assertFalse(data.get('complaints'))
        text = json.dumps(data, ensure_ascii=False)
        self.assertIn(REPRESENTATIVE, text)
        # the letters sent to her name Roos: she received them
        for roos in [ROOS_TEXT, EMAIL.lower()]:
            with self.subTest(roos=roos):
                self.assertNotIn(roos, text)

    def test_held_without_complaint(self):
        "An address held only outside complaints is not told 'nothing'"
        set_user('coordinator')
        for email, section in [
                ('gert.getuige@example.org', 'information_requests_received'),
                ('losse.lezer@example.org', 'emails'),
                ('vince.volger@example.org', 'conversations_followed'),
                ]:
            with self.subTest(email=email):
                data = self.request(email=email.upper())
                self.assertIn(email, json.dumps(data[section]))
                self.assertFalse(data.get('complaints'))
        with self.assertRaisesRegex(UserError, "nothing to export"):
            self.request(email='niemand@example.org')

    def test_not_about_me(self):
        "A complaint about the coordinator refuses her access and erasure"
        set_user('coordinator')
        with self.assertRaisesRegex(UserError, "may not see"):
            self.request(party=self.piet)
        with self.assertRaisesRegex(UserError, "may not see"):
            self.erase(party=self.piet)
        set_user('admin')
        self.assertFalse(
            Model.get('klachten.complaint')(self.about_me.id).anonymised)

    def test_erase_checks_again(self):
        "What became hidden after the list was shown is not erased"
        anna = create_complainant("Anna Smet", 'anna.smet@example.org')
        complaint = self.cancelled(anna)
        wizard = Wizard('klachten.retention.erasure')
        wizard.form.party = Model.get('party.party')(anna.id)
        wizard.execute('search')
        self.assertEqual([c.id for c in wizard.form.complaints],
            [complaint.id])
        with Transaction().start(DB_NAME, 0):
            Complaint = Pool().get('klachten.complaint')
            Complaint.write([Complaint(complaint.id)], {
                    'concerned_user': self.ns.users['coordinator'].id})
        with self.assertRaisesRegex(UserError, "may not see"):
            wizard.execute('erase')
        set_user('admin')
        complaint = Model.get('klachten.complaint')(complaint.id)
        self.assertFalse(complaint.anonymised)
        self.assertEqual(complaint.complainant.name, "Anna Smet")

    def test_erase_representative(self):
        "Erasing the representative cuts her, not the complaint"
        karel = create_complainant("Karel Claes", 'karel.claes@example.org')
        wim = create_complainant("Wim Woordvoerder", 'wim@example.org')
        complaint = self.cancelled(karel, description="Karels klacht",
            representative=Model.get('party.party')(wim.id))
        self.assertEqual(self.erase(party=wim), ([], [complaint.id]))
        set_user('admin')
        complaint = Model.get('klachten.complaint')(complaint.id)
        self.assertFalse(complaint.anonymised)
        self.assertIsNone(complaint.representative)
        self.assertEqual(complaint.description, "Karels klacht")
        self.assertEqual(complaint.complainant.name, "Karel Claes")
        self.assertEqual(Model.get('party.party')(wim.id).name, "[removed]")
