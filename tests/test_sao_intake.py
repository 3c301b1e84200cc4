# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 17's "Done when", clicked in the web client: the old register
comes in with a progress bar, an e-mail to the mailbox becomes a draft
complaint of a known citizen, and her earlier and similar complaints are
shown when the coordinator evaluates it.

A real trytond serves sao (8.0) with a queue worker configured
([queue] worker): the import's batches wait in ir.queue and the test runs
them one at a time as trytond-worker does, reloading the form in between
to read the progress bar.  The register is the demo's
(scripts/demo_register.py: 500 rows, 6 of them bad, 3 empty lines); the
e-mail is the demo's (scripts/demo_mail.py), posted to Tryton's
inbound_email route as a mail server does.  Debian's Chromium plays the
coordinator and a receiver, in Dutch.

Access: the access matrix (klachten_base/tests/test_access_matrix.py) and
klachten_report's test_register_import_access pin who may read and write
imports (coordinators and receivers, a receiver their own imports; a
handler who is not a receiver is refused); here the receiver finds
Registerimport in the menu and opens its list and a new import.

Screenshots in var/test-results/sao-intake/NN-<step>.png."""
import contextlib
import datetime as dt
import importlib.util
import shutil
import time
import unittest
from pathlib import Path

from playwright.sync_api import expect

from klachten_base.tests.sao import (
    MARK_MENU, Chromium, SaoSite, WebClient, click_menu, open_row, pane, pick,
    press, results_dir, save, shown, wait_for_view, widget)
from klachten_base.tests.tools import password
from klachten_portal.tests.browser import set_up_database
from trytond.pool import Pool
from trytond.transaction import Transaction
from trytond.worker import run_task

MODULES = ['klachten_base', 'klachten_portal', 'klachten_advies',
    'klachten_report', 'klachten_notula', 'inbound_email']
TOP = Path(__file__).resolve().parent.parent
RESULTS = results_dir('sao-intake')
IDENTIFIER = 'mailbox-test'


def script(name):
    "The module of scripts/<name>.py"
    spec = importlib.util.spec_from_file_location(
        name, TOP / 'scripts' / f'{name}.py')
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


demo_register = script('demo_register')
demo_mail = script('demo_mail')
CITIZEN_NAME, CITIZEN_EMAIL = demo_mail.SENDER
# her earlier complaints, and one of a neighbour much like the e-mail's
EARLIER = [
    ("Gele zakken niet opgehaald in de Tuinstraat",
        "De gele zakken in de Tuinstraat zijn niet opgehaald; het afval "
        "ligt op het voetpad.", 120),
    ("Bewonerskaart niet verlengd", "Mijn bewonerskaart voor de "
        "Tuinstraat werd niet verlengd.", 60),
    ]
# the subject the coordinator gives the e-mail at evaluation, the
# neighbour's
SUBJECT = "Afvalophaling"
NEIGHBOUR = ("Afval van gele zakken op het voetpad aan de school",
    "Opnieuw zijn de gele zakken niet opgehaald; kraaien pikken ze open en "
    "het afval ligt tot aan de school.", 20)


class SaoIntakeTestCase(unittest.TestCase):
    "The register import and the mailbox, as the coordinator sees them"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start = time.monotonic()
        cls.db = set_up_database(cls, MODULES, languages=['nl'])
        cls.set_up_municipality()
        cls.site = SaoSite(cls.db, {'TRYTOND_QUEUE__WORKER': 'True'}).start()
        cls.addClassCleanup(cls.site.stop)
        cls.chromium = Chromium().start()
        cls.addClassCleanup(cls.chromium.stop)
        cls.setup_seconds = time.monotonic() - start
        shutil.rmtree(RESULTS, ignore_errors=True)
        RESULTS.mkdir(parents=True, exist_ok=True)

    @classmethod
    def set_up_municipality(cls):
        """Dutch staff; the departments and subjects of the demo's
        register and its saved mapping; the mailbox; the citizen with her
        verified address and earlier complaints, and a neighbour's"""
        with Transaction().start(cls.db, 0) as transaction:
            pool = Pool(cls.db)
            Lang = pool.get('ir.lang')
            User = pool.get('res.user')
            Company = pool.get('company.company')
            Department = pool.get('klachten.department')
            Subject = pool.get('klachten.subject')
            Mapping = pool.get('klachten.register.import.mapping')
            Inbox = pool.get('inbound.email.inbox')
            ModelData = pool.get('ir.model.data')
            nl, = Lang.search([('code', '=', 'nl')])
            User.write(User.search([('login', '!=', 'admin')]),
                {'language': nl.id})
            company, = Company.search([])
            cls.company = company.id
            known = {d.name for d in Department.search([])}
            Department.create([{'name': n}
                    for n in demo_register.DEPARTMENTS if n not in known])
            known = {s.name for s in Subject.search([])}
            Subject.create([{'name': n}
                    for n in demo_register.SUBJECTS if n not in known])
            Mapping.create([{
                        'company': company.id,
                        'name': demo_register.MAPPING_NAME,
                        'lines': [('create', [
                                    {'column': c, 'field': f}
                                    for c, f in demo_register.COLUMNS])],
                        }])
            Inbox.create([{
                        'name': "Klachten",
                        'identifier': IDENTIFIER,
                        'rules': [('create', [{
                                        'action': 'klachten.inbound.message'
                                        '|receive_inbound_email',
                                        }])],
                        }])
            with Transaction().set_context(company=company.id):
                cls.citizen = cls.create_citizen(nl)
                cls.file_complaints()

            def menu(module, *names):
                return [ModelData.get_id(module, n) for n in names]
            cls.menus = {
                'klachten': menu('klachten_base', 'menu_klachten'),
                'complaints': menu(
                    'klachten_base', 'menu_klachten', 'menu_complaint_form'),
                'import': menu('klachten_base', 'menu_klachten')
                + menu('klachten_report', 'menu_register_import_form'),
                }
            transaction.commit()

    @classmethod
    def create_citizen(cls, lang):
        "Lotte Vos, her address verified (a portal account proved it)"
        Party = Pool().get('party.party')
        party, = Party.create([{
                    'name': CITIZEN_NAME,
                    'lang': lang.id,
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': CITIZEN_EMAIL,
                                    'klachten_verified': True,
                                    }])],
                    }])
        return party.id

    @classmethod
    def file_complaints(cls):
        "Her earlier complaints and the neighbour's, filed on the web"
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        Party = pool.get('party.party')
        Subject = pool.get('klachten.subject')
        today = dt.date.today()
        for short, text, ago in EARLIER:
            Complaint.file_('web_form', {
                    'company': cls.company,
                    'received_date': today - dt.timedelta(days=ago),
                    'short_description': short,
                    'description': text,
                    }, complainant={'party': Party(cls.citizen)})
        short, text, ago = NEIGHBOUR
        subject, = Subject.search([('name', '=', SUBJECT)])
        Complaint.file_('web_form', {
                'company': cls.company,
                'subject': subject.id,
                'received_date': today - dt.timedelta(days=ago),
                'short_description': short,
                'description': text,
                }, complainant={'name': "Wim Aerts",
                'email': 'wim.aerts@example.org'})

    def setUp(self):
        super().setUp()
        start = self.site.log_size()
        self.addCleanup(lambda: print(
                "trytond:\n" + self.site.log(size=20000, start=start)))
        self.steps = []
        self.coordinator = self.site.back_office('coordinator')

    def client(self, login):
        "The staff member login in sao, logged in"
        client = WebClient(
            self.chromium.browser, self.site, login, password(login))
        self.addCleanup(client.close)
        client.login()
        client.page.wait_for_timeout(500)
        client.wait()
        return client

    @contextlib.contextmanager
    def step(self, name, client):
        """A step: its screenshot when it ends; its name and a screenshot
        when it fails; no error in the page"""
        slug = f'{len(self.steps) + 1:02d}-{name}'
        self.steps.append(slug)
        try:
            yield
            self.assertEqual(client.take_errors(), [],
                msg=f"errors in sao at {slug}")
        except BaseException as error:
            path = RESULTS / f'{slug}-FAILED.png'
            with contextlib.suppress(Exception):
                client.page.screenshot(path=str(path))
            raise AssertionError(
                f"step {slug} failed ({path}): "
                f"{type(error).__name__}: {error}") from error
        client.page.screenshot(path=str(RESULTS / f'{slug}.png'))

    def rows(self, client, name):
        """The widget of the form's One2Many or Many2Many name, its rows
        drawn: sao draws them on its More button, as a person presses it"""
        rows = widget(client, name)
        more = rows.locator('tr.more-row button')
        if more.count():
            more.first.dispatch_event('click')
            client.wait()
        return rows

    def progress(self, client):
        "What the form's progress bar shows: (percent, its text)"
        bar = widget(client, 'progress').locator('.progress-bar')
        return float(bar.get_attribute('aria-valuenow')), bar.inner_text()

    def run_worker(self):
        "Run the oldest queued task as trytond-worker does; whether any"
        with Transaction().start(self.db, 0):
            Queue = Pool(self.db).get('ir.queue')
            tasks = Queue.search([('dequeued_at', '=', None)],
                order=[('id', 'ASC')], limit=1)
            ids = [t.id for t in tasks]
        for task_id in ids:
            run_task(self.db, task_id)
        return bool(ids)

    # 1. The register import with its progress bar
    def test_register_import(self):
        "The coordinator imports the demo's 500-row register in sao"
        start = time.monotonic()
        data, bad = demo_register.register()
        complaints = len(self.coordinator.search_read(
                'klachten.complaint', [], ['id']))
        coordinator = self.client('coordinator')
        with self.step('import-upload', coordinator):
            click_menu(coordinator, self.menus['import'])
            wait_for_view(coordinator, 'tree')
            pane(coordinator).locator('.toolbar button#new_').click()
            coordinator.wait()
            wait_for_view(coordinator, 'form')
            widget(coordinator, 'file').locator('input[type=file]') \
                .set_input_files(files=[{
                        'name': 'klachtenregister-klaverveld.xlsx',
                        'mimeType': 'application/vnd.openxmlformats-'
                        'officedocument.spreadsheetml.sheet',
                        'buffer': data,
                        }])
            coordinator.wait()
            save(coordinator)
            tab = coordinator.tab()
            self.assertEqual(tab['state'], 'draft')
            import_id = tab['record']
            self.assertGreater(import_id, 0)
            imp = self.read_import(import_id)
            self.assertEqual(imp['file_name'],
                'klachtenregister-klaverveld.xlsx')

        # the dry run: every bad row by number, nothing filed
        with self.step('import-dry-run', coordinator):
            press(coordinator, 'check', timeout=60)
            self.assertEqual(coordinator.tab()['state'], 'checked')
            imp = self.read_import(import_id)
            self.assertEqual((imp['rows_total'], imp['failed']),
                (500, len(bad)))
            self.assertEqual(shown(coordinator, 'mapping'),
                demo_register.MAPPING_NAME)
            errors = self.rows(coordinator, 'errors')
            for row in sorted(bad):
                expect(errors.locator('tbody tr', has_text=str(row))
                    ).not_to_have_count(0)
            for text in ["Feestcomité", "31/02/2025", "In behandeling"]:
                expect(errors).to_contain_text(text)
            self.assertEqual(len(self.coordinator.search_read(
                        'klachten.complaint', [], ['id'])), complaints)

        # the start: queued at 0 %, each batch of the worker moves the bar
        with self.step('import-queued', coordinator):
            press(coordinator, 'start')
            self.assertIn(coordinator.tab()['state'], {'queued', 'running'})
            self.assertEqual(self.progress(coordinator)[0], 0)
        seen = []
        while self.run_worker():
            coordinator.reload()
            seen.append(self.progress(coordinator))
        with self.step('import-done', coordinator):
            coordinator.reload()
            self.assertEqual(coordinator.tab()['state'], 'done')
            value, text = self.progress(coordinator)
            self.assertEqual(value, 100)
            self.assertIn('100', text)
            values = [v for v, _ in seen]
            self.assertEqual(values, sorted(values), msg=seen)
            self.assertEqual(values[-1], 100, msg=seen)
            imp = self.read_import(import_id)
            self.assertEqual(imp['created'], 500 - len(bad))
            self.assertEqual(shown(coordinator, 'created'),
                str(500 - len(bad)))

        # the complaints are there, closed, with their old number
        with self.step('import-complaints', coordinator):
            imported = self.coordinator.call('klachten.complaint',
                'search_read', [('register_import', '=', import_id)], 0, 1,
                [('number', 'DESC')], ['number', 'state'])
            self.assertEqual(len(self.coordinator.search_read(
                        'klachten.complaint', [], ['id'])),
                complaints + 500 - len(bad))
            number = imported[0]['number']
            self.assertTrue(number.startswith('KV-'), number)
            self.assertEqual(imported[0]['state'], 'closed')
            coordinator.close_tabs()
            click_menu(coordinator, self.menus['complaints'])
            tab = wait_for_view(coordinator, 'tree')
            coordinator.switch_tab_domain(tab['tabs'][-1]['index'])
            open_row(coordinator, number)
            wait_for_view(coordinator, 'form')
            self.assertEqual(shown(coordinator, 'number'), number)
            self.assertEqual(coordinator.tab()['state'], 'closed')
        print(f"set-up {self.setup_seconds:.1f} s, import "
            f"{time.monotonic() - start:.1f} s, progress seen: {seen}")

    def read_import(self, import_id):
        return self.coordinator.read('klachten.register.import', import_id,
            ['state', 'file_name', 'rows_total', 'rows_done', 'failed',
                'created', 'progress'])

    def test_receiver_imports(self):
        "A receiver's Klachten menu has Registerimport; its list opens"
        receiver = self.client('receiver')
        with self.step('receiver-menu', receiver):
            click_menu(receiver, self.menus['klachten'])
            register_import = self.menus['import'][-1]
            deadline = time.monotonic() + 30
            while not receiver.page.evaluate(MARK_MENU, register_import):
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.1)
            expect(receiver.page.locator(
                    f'#menu tr[data-story-menu="{register_import}"]')
                ).to_contain_text("Registerimport")
        with self.step('receiver-import-list', receiver):
            click_menu(receiver, self.menus['import'])
            tab = wait_for_view(receiver, 'tree')
            self.assertEqual(tab['model'], 'klachten.register.import')
            self.assertIn("Registerimport", tab['name'])
            # the receiver starts one: the form with its dry run button
            pane(receiver).locator('.toolbar button#new_').click()
            receiver.wait()
            wait_for_view(receiver, 'form')
            buttons = {b['name']: b for b in receiver.tab()['buttons']}
            self.assertIn('check', buttons)

    # 2. The mailbox: an e-mail of a known citizen, evaluated
    def test_mailbox(self):
        "Lotte Vos's e-mail is her draft complaint; evaluation shows more"
        url = (f'{self.site.base_url}/{self.db}/inbound_email/inbox/'
            f'{IDENTIFIER}')
        self.assertEqual(demo_mail.post(url, bytes(demo_mail.message())),
            204)
        complaint, = self.coordinator.search_read('klachten.complaint',
            [('short_description', '=', demo_mail.SUBJECT)],
            ['state', 'channel', 'complainant', 'description'])
        self.assertEqual(complaint['state'], 'draft')
        self.assertEqual(complaint['channel'], 'email')
        self.assertEqual(complaint['complainant'], self.citizen)
        self.assertIn("gele zakken", complaint['description'])

        coordinator = self.client('coordinator')
        with self.step('mail-draft', coordinator):
            click_menu(coordinator, self.menus['complaints'])
            tab = wait_for_view(coordinator, 'tree')
            coordinator.switch_tab_domain(tab['tabs'][-1]['index'])
            open_row(coordinator, demo_mail.SUBJECT)
            tab = wait_for_view(coordinator, 'form')
            self.assertEqual(tab['record'], complaint['id'])
            self.assertEqual(tab['state'], 'draft')
            self.assertEqual(shown(coordinator, 'complainant'),
                CITIZEN_NAME)
        with self.step('mail-registered', coordinator):
            press(coordinator, 'register')
            # press returns when sao is idle, which it may be for a moment
            # between saving the record and calling the button
            deadline = time.monotonic() + 10
            while (coordinator.tab()['state'] != 'evaluation'
                    and time.monotonic() < deadline):
                time.sleep(0.1)
            self.assertEqual(coordinator.tab()['state'], 'evaluation')
        with self.step('mail-earlier-complaints', coordinator):
            earlier = self.rows(coordinator, 'complainant_complaints')
            for short, _, _ in EARLIER:
                expect(earlier).to_contain_text(short)
            expect(earlier).not_to_contain_text(NEIGHBOUR[0])
        # her own complaints are alike by their complainant, the
        # neighbour's once the e-mail has its subject
        with self.step('mail-similar-complaints', coordinator):
            similar = self.rows(coordinator, 'similar_complaints')
            expect(similar).to_contain_text(EARLIER[0][0])
            expect(similar).not_to_contain_text(NEIGHBOUR[0])
        with self.step('mail-subject-similar-complaints', coordinator):
            pick(coordinator, pane(coordinator), 'subject', SUBJECT)
            save(coordinator)
            similar = self.rows(coordinator, 'similar_complaints')
            expect(similar).to_contain_text(NEIGHBOUR[0])
            expect(similar).to_contain_text(EARLIER[0][0])
            row = similar.locator('tbody tr', has_text=NEIGHBOUR[0])
            row.scroll_into_view_if_needed()
            expect(row).to_be_visible()
