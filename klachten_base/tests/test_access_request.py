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
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .sao import (
    Chromium, SaoSite, WebClient, click_menu, confirm, dialog, type_in)
from .tools import (
    create_complainant, create_complaint, password, set_user, share_database)

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
