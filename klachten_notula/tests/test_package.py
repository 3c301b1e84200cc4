# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The package of the manual connector: the zip the coordinator uploads
into Notula (the document, bijlagen/, besluit.json in OSLO Besluit), with
the complainant's personal data only when the proposal says so."""
import io
import json
import zipfile

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import create_complainant, set_user
from proteus import Model
from proteus import config as pconfig
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..package import OSLO_CONTEXT, make_package
from .tools import create_proposal, in_conclusion

NAME = "Lotte Vermeulen"
EMAIL = 'lotte.vermeulen@example.org'
STREET = "Bremstraat 17"
CITY = "Klaverveld"
PERSONAL = [NAME, EMAIL, STREET, CITY, 'Vermeulen', 'lotte.vermeulen']
DOCX = b'PK\x03\x04 a Word document'


def server_package(proposal):
    "make_package of proposal, run on the server as root"
    database = pconfig.get_config().database_name
    with Transaction().start(database, 0, readonly=True):
        Proposal = Pool(database).get('klachten.notula.proposal')
        return make_package(Proposal(proposal.id))


def unpacked(content):
    "{name: bytes} of the zip content"
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


class PackageTestCase(MunicipalityTestCase):
    "The manual connector's package"
    modules = ['klachten_notula']

    def setUp(self):
        super().setUp()
        set_user('admin')
        complainant = create_complainant(name=NAME, email=EMAIL)
        address = (complainant.addresses[0] if complainant.addresses
            else complainant.addresses.new())
        address.street = STREET
        address.postal_code = '2980'
        address.city = CITY
        complainant.save()
        self.complaint = in_conclusion(self.ns, complainant=complainant)
        self.attachments = [self.attach(name, data) for name, data in [
                ('verslag.pdf', b'%PDF-1.4 report'),
                ('verslag.pdf', b'%PDF-1.4 another report'),
                ('../../etc/passwd', b'not a path'),
                ]]
        set_user('coordinator')

    def attach(self, name, data):
        set_user('admin')
        Attachment = Model.get('ir.attachment')
        attachment = Attachment(name=name, resource=self.complaint, data=data)
        attachment.save()
        set_user('coordinator')
        return attachment

    def proposal(self, **values):
        Attachment = Model.get('ir.attachment')
        proposal = create_proposal(self.complaint, **values)
        proposal.attachments.extend(
            [Attachment(a.id) for a in self.attachments])
        proposal.save()
        return proposal

    def test_files(self):
        "The plain-text document, the attachments, besluit.json"
        proposal = self.proposal()
        name, content = server_package(proposal)
        self.assertEqual(name, f'ontwerpbesluit-{self.complaint.number}.zip')
        files = unpacked(content)
        self.assertEqual(sorted(files), sorted([
                    'ontwerpbesluit.txt', 'bijlagen/verslag.pdf',
                    'bijlagen/verslag (2).pdf', 'bijlagen/_.._etc_passwd',
                    'besluit.json']))
        self.assertEqual(files['bijlagen/verslag.pdf'], b'%PDF-1.4 report')
        self.assertEqual(
            files['bijlagen/verslag (2).pdf'], b'%PDF-1.4 another report')
        text = files['ontwerpbesluit.txt'].decode('utf-8')
        for value in [proposal.title, proposal.motivation,
                proposal.decision_proposal, proposal.body.name]:
            self.assertIn(value, text)

    def test_oslo(self):
        "besluit.json: OSLO Besluit with the proposal's texts and ids"
        proposal = self.proposal()
        data = json.loads(unpacked(server_package(proposal)[1])[
                'besluit.json'])
        self.assertEqual(data['@context'], OSLO_CONTEXT)
        self.assertEqual(data['@type'], 'BehandelingVanAgendapunt')
        self.assertEqual(data['identifier'], proposal.uuid)
        self.assertEqual(data['onderwerp']['@type'], 'Agendapunt')
        self.assertEqual(data['onderwerp']['titel'], proposal.title)
        self.assertEqual(
            data['onderwerp']['beschrijving'], proposal.motivation)
        besluit = data['heeftAlsGevolg']
        self.assertEqual(besluit['@type'], 'Besluit')
        self.assertEqual(besluit['citeeropschrift'], proposal.title)
        self.assertEqual(besluit['motivering'], proposal.motivation)
        self.assertEqual(besluit['beschrijving'], proposal.decision_proposal)
        self.assertEqual(besluit['bestuursorgaan']['code'], 'college')
        self.assertEqual(data['dossier']['identifier'], self.complaint.number)
        self.assertNotIn('verzoeker', data['dossier'])

    def test_no_personal_data(self):
        "Not ticked: the complainant's name, address, e-mail are nowhere"
        _, content = server_package(self.proposal())
        for name, data in unpacked(content).items():
            for value in PERSONAL:
                with self.subTest(file=name, value=value):
                    self.assertNotIn(value.encode('utf-8'), data)

    def test_personal_data(self):
        "Ticked: the complainant's name, address, e-mail are included"
        files = unpacked(server_package(self.proposal(personal_data=True))[1])
        data = json.loads(files['besluit.json'])
        person = data['dossier']['verzoeker']
        self.assertEqual(person['naam'], NAME)
        self.assertEqual(person['email'], EMAIL)
        self.assertIn(STREET, person['adres'])
        text = files['ontwerpbesluit.txt'].decode('utf-8')
        for value in [NAME, EMAIL, STREET]:
            self.assertIn(value, text)

    def test_word_document(self):
        "With a Word document: it is the package's document"
        proposal = self.proposal()
        database = pconfig.get_config().database_name
        with Transaction().start(database, 0) as transaction:
            pool = Pool(database)
            Attachment = pool.get('ir.attachment')
            Proposal = pool.get('klachten.notula.proposal')
            document, = Attachment.create([{
                        'name': 'Ontwerpbesluit.docx',
                        'resource': str(Proposal(proposal.id)),
                        'data': DOCX,
                        }])
            Proposal.write([Proposal(proposal.id)], {'document': document.id})
            transaction.commit()
        files = unpacked(server_package(proposal)[1])
        self.assertEqual(files['ontwerpbesluit.docx'], DOCX)
        self.assertNotIn('ontwerpbesluit.txt', files)
