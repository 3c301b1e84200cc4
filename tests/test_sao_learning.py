# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Learning from complaints, in the web client (sao), on the demo.

The database has every module and the demo municipality of
scripts/demo_data.py: tests/test_sao_crawl.py's, cached once for both.
The demo coordinator, in Dutch, by clicking in sao:

1. makes the yearly report of the demo year with the menu's wizard (Make
   the Yearly Report): the report opens, its PDF is downloaded from the
   form's Save As button and read as a council member would (pdftotext,
   pdfimages): the tables and charts are there, no complainant's name;
2. records a complaint analysis with two improvement actions (added in the
   form's One2Many): their owners find them in their task inbox (My
   Improvement Actions) and the deadline cron's reminders reach them by
   e-mail (the site's SMTP server);
3. opens the Key Figures: each graph draws its chart.

A handler does not see the Yearly Reports menu.  One trytond and one
Chromium for the class; screenshots in var/test-results/sao-learning/.
"""
import datetime as dt
import functools
import hashlib
import shutil
import subprocess
import tempfile
import time
import unittest
from pathlib import Path

import demo_data
from playwright.sync_api import expect

from klachten_base.tests.sao import (
    MARK_MENU, Chromium, SaoSite, WebClient, click_menu, confirm, dialog,
    new_record, pane, pick, results_dir, save, type_in, wait_for_view, widget)
from klachten_portal.tests.browser import BackOffice, body
from klachten_portal.tests.tools import share_database
from trytond.pool import Pool
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction, TransactionError

# the modules and demo of tests/test_sao_crawl.py: one cached database
MODULES = ['klachten_base', 'klachten_portal', 'klachten_advies',
    'klachten_report', 'klachten_notula']
TOP = Path(__file__).resolve().parent.parent
RESULTS = results_dir('sao-learning')
PASSWORDS = {u[0]: u[1] for u in demo_data.USERS}
MAKE_TIMEOUT = 180  # seconds: the report's PDF is made by LibreOffice
GRAPH_TIMEOUT = 10  # seconds a graph may take to draw
# the test's improvement actions: owned by a department (its member is
# reminded) and by a user, other owners than the demo's own actions
ACTIONS = [
    dict(description="Betalingsherinneringen voortaan pas versturen na "
        "controle van de rekeninguittreksels.", department='Financiën',
        reminded='handler3'),
    dict(description="Snoeiwerken langs opritten vooraf melden aan de "
        "bewoners.", user="Koen Goossens", reminded='handler5'),
    ]


def demo_digest():
    "A digest of scripts/demo_data.py: the cached database follows it"
    return hashlib.sha256(
        Path(demo_data.__file__).read_bytes()).hexdigest()[:16]


def load_demo(digest, config):
    "The demo municipality, played through the real workflow"
    demo_data.install_clock()
    demo_data.Demo(config, verbose=False).load()


def run(command, data):
    "The output of a poppler command on the PDF data"
    with tempfile.NamedTemporaryFile(suffix='.pdf') as file:
        file.write(data)
        file.flush()
        return subprocess.run([*command, file.name, *(
                    ['-'] if command[0] == 'pdftotext' else [])],
            check=True, capture_output=True, timeout=60).stdout.decode()


class SaoLearningTestCase(unittest.TestCase):
    "The coordinator learns from the demo's complaints in sao"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules(MODULES, functools.partial(
                load_demo, demo_digest()))
        cls.db = share_database(cls)
        cls.site = SaoSite(cls.db).start()
        cls.addClassCleanup(cls.site.stop)
        cls.rpc_url = f'{cls.site.base_url}/{cls.db}/rpc/'
        cls.chromium = Chromium().start()
        cls.addClassCleanup(cls.chromium.stop)
        shutil.rmtree(RESULTS, ignore_errors=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        with Transaction().start(cls.db, 0, readonly=True):
            ModelData = Pool(cls.db).get('ir.model.data')

            def menu(*names):
                return [ModelData.get_id(*n.split('.')) for n in names]
            cls.menus = {
                'make_yearly_report': menu('klachten_base.menu_klachten',
                    'klachten_report.menu_yearly_report_form',
                    'klachten_report.menu_yearly_report_make'),
                'analyses': menu('klachten_base.menu_klachten',
                    'klachten_report.menu_analysis_form'),
                'kpi': menu('klachten_base.menu_klachten',
                    'klachten_report.menu_kpi'),
                }
            cls.kpi_menus = [ModelData.get_id('klachten_report', n)
                for n in ['menu_kpi_month', 'menu_kpi_lead_time',
                    'menu_kpi_term', 'menu_kpi_outcome',
                    'menu_kpi_department']]
            cls.yearly_menu = ModelData.get_id(
                'klachten_report', 'menu_yearly_report_form')
            cls.complaints_menu = ModelData.get_id(
                'klachten_base', 'menu_complaint_form')
        cls.coordinator = cls.office('coordinator')
        cls.today = dt.date.today()
        # the demo's complaints were received in the last four months
        cls.year = (cls.today - dt.timedelta(days=60)).year
        cls.date_format, = [lang['date'] for lang in cls.coordinator.
            search_read('ir.lang', [('code', '=', 'nl')], ['date'])]

    @classmethod
    def office(cls, login):
        "A JSON-RPC session of the demo user login"
        return BackOffice(cls.rpc_url, login, PASSWORDS[login])

    def client(self, login):
        "The demo user login in sao, logged in"
        client = WebClient(self.chromium.browser, self.site, login,
            PASSWORDS[login])
        self.addCleanup(client.close)
        # before it closes: the screen the test ended on, no error in sao
        self.addCleanup(self.screenshot, client)
        client.login()
        # the login actions (the task inbox, the key figures) open tabs
        client.page.wait_for_timeout(500)
        client.wait()
        return client

    def setUp(self):
        super().setUp()
        start = self.site.log_size()
        self.addCleanup(lambda: print(
                "trytond:\n" + self.site.log(size=20000, start=start)))

    def screenshot(self, client):
        client.page.screenshot(
            path=str(RESULTS / f'{self._testMethodName}.png'))
        self.assertEqual(client.take_errors(), [], msg="errors in sao")

    def run_cron(self, method):
        """Run the cron of method once, as trytond's cron does: again with
        the records it must lock when it asks to"""
        extras = {}
        for _ in range(10):
            try:
                with Transaction().start(self.db, 0,
                        context={'_skip_warnings': True}, **extras):
                    Cron = Pool(self.db).get('ir.cron')
                    cron, = Cron.search([('method', '=', method)])
                    Cron.run_once([cron])
                return
            except TransactionError as error:
                error.fix(extras)
        raise AssertionError(f"the cron {method} keeps asking for locks")

    def date(self, value):
        "value as the Dutch date widgets show it"
        return value.strftime(self.date_format)

    def test_yearly_report(self):
        "The coordinator makes the yearly report and reads its PDF"
        coordinator = self.client('coordinator')
        click_menu(coordinator, self.menus['make_yearly_report'])
        wizard = dialog(coordinator)
        wizard.locator('.modal-footer').wait_for()
        type_in(coordinator, wizard, 'period_start',
            self.date(dt.date(self.year, 1, 1)))
        type_in(coordinator, wizard, 'period_end',
            self.date(dt.date(self.year, 12, 31)))
        confirm(coordinator, timeout=MAKE_TIMEOUT)
        tab = wait_for_view(coordinator, 'form')
        self.assertEqual(tab['model'], 'klachten.yearly.report')
        report = self.coordinator.read('klachten.yearly.report',
            tab['record'], ['state', 'period_start', 'pdf_name',
                'pdf_error'])
        self.assertEqual(report['state'], 'made')
        self.assertFalse(report['pdf_error'])
        # the PDF from the form's Save As button, as sao hands it over
        pdf = widget(coordinator, 'pdf_file')
        save_as = coordinator.page.evaluate(
            "() => Sao.i18n.gettext('Save As')")
        with coordinator.page.expect_download() as download:
            pdf.locator(f'button[aria-label="{save_as}"]').click()
        self.assertEqual(download.value.suggested_filename,
            report['pdf_name'])
        data = Path(download.value.path()).read_bytes()
        self.assertTrue(data.startswith(b'%PDF-'))
        text = run(['pdftotext', '-enc', 'UTF-8'], data)
        (RESULTS / 'yearly-report.txt').write_text(text)
        self.assertIn("Jaarverslag klachtenbehandeling", text)
        self.assertIn("Ontvangen klachten", text)
        # the demo's departments and the norms its complaints touched
        self.assertIn("Burgerzaken", text)
        self.assertIn("VO13", text)
        images = run(['pdfimages', '-list'], data).splitlines()[2:]
        self.assertGreater(
            sum(1 for line in images if line.split()[2] == 'image'), 0,
            "the report has no chart")
        for name, *_ in demo_data.PARTIES.values():
            self.assertNotIn(name, text)
            self.assertNotIn(name.split()[-1], text.split())

    def test_analysis(self):
        "The coordinator records an analysis; its owners are reminded"
        coordinator = self.client('coordinator')
        click_menu(coordinator, self.menus['analyses'])
        wait_for_view(coordinator, 'tree')
        new_record(coordinator)
        wait_for_view(coordinator, 'form')
        form = pane(coordinator)
        type_in(coordinator, form, 'period_start',
            self.date(dt.date(self.year, 1, 1)))
        type_in(coordinator, form, 'period_end', self.date(self.today))
        lessons = ("Klachten over betalingen en snoeiwerken kwamen van "
            "een gebrek aan aankondiging.")
        type_in(coordinator, form, 'lessons', lessons)
        due = self.today + dt.timedelta(days=2)
        for values in ACTIONS:
            actions = widget(coordinator, 'actions')
            new = coordinator.page.evaluate("() => Sao.i18n.gettext('New')")
            actions.locator(
                f'.form-one2many-toolbar button[aria-label="{new}"]'
                ).first.click()
            coordinator.wait()
            action = dialog(coordinator)
            action.locator('.modal-footer').wait_for()
            # the new record, not the one added before (sao shows it first)
            expect(action.locator('textarea[name="description"]')
                ).to_have_value('')
            coordinator.wait()
            type_in(coordinator, action, 'description',
                values['description'])
            if values.get('department'):
                pick(coordinator, action, 'department', values['department'])
            else:
                pick(coordinator, action, 'user', values['user'])
            type_in(coordinator, action, 'due_date', self.date(due))
            coordinator.page.screenshot(path=str(
                    RESULTS / f'action-{values["reminded"]}.png'))
            confirm(coordinator)
        expect(widget(coordinator, 'actions').locator(
                'table tbody tr:visible')).to_have_count(len(ACTIONS))
        save(coordinator)
        tab = coordinator.tab()
        self.assertEqual(tab['modified'], [])
        analysis = self.coordinator.read('klachten.analysis', tab['record'],
            ['lessons', 'period_start'])
        self.assertEqual(analysis['lessons'], lessons)
        self.assertEqual(analysis['period_start'],
            dt.date(self.year, 1, 1))
        actions = self.coordinator.call('klachten.improvement.action',
            'search_read', [('analysis', '=', analysis['id'])], 0, None,
            [('id', 'ASC')],
            ['description', 'department.name', 'user.name', 'due_date'])
        self.assertEqual([(a['description'],
                    (a['department.'] or {}).get('name'),
                    (a['user.'] or {}).get('name'), a['due_date'])
                for a in actions],
            [(v['description'], v.get('department'), v.get('user'), due)
                for v in ACTIONS])

        # each owner finds their action in their task inbox
        for values in ACTIONS:
            owner = self.office(values['reminded'])
            mine = owner.search_read('klachten.improvement.action',
                [('mine', '=', True)], ['description', 'due_date'])
            self.assertIn((values['description'], due),
                [(a['description'], a['due_date']) for a in mine],
                msg=values['reminded'])

        # the deadline cron reminds them by e-mail
        self.site.send_mail()
        self.run_cron('klachten.task|run_deadlines')
        messages = self.site.send_mail()
        for values in ACTIONS:
            email = self.coordinator.search_read('res.user',
                [('login', '=', values['reminded'])], ['email'])[0]['email']
            texts = [body(m) for m in messages if email in m['To']]
            self.assertTrue(any(values['description'][:40] in t
                    for t in texts), msg=f"{email}: {texts}")

        # the owner has its task in Taken > Mijn taken (the inbox), and
        # opens the action from the task's origin
        with Transaction().start(self.db, 0, readonly=True):
            ModelData = Pool(self.db).get('ir.model.data')
            my_tasks = [ModelData.get_id('klachten_base', n) for n in [
                    'menu_klachten', 'menu_tasks', 'menu_task_mine']]
        values = ACTIONS[1]
        owner = self.client(values['reminded'])
        click_menu(owner, my_tasks)
        wait_for_view(owner, 'tree')
        row = pane(owner).locator('table tbody tr:visible',
            has_text=values['description'])
        expect(row).to_have_count(1)
        expect(row).to_contain_text("Verbeteractie uitvoeren")
        expect(row).to_contain_text(self.date(due))
        row.locator('td[data-title]').first.dblclick()
        owner.wait()
        wait_for_view(owner, 'form')
        origin = widget(owner, 'origin')
        expect(origin.locator('input[name="origin"]')).to_have_value(
            values['description'])
        origin.locator('.icon-primary button').click()
        owner.wait()
        action = dialog(owner)
        expect(action.locator('textarea[name="description"]')).to_have_value(
            values['description'])
        owner.page.screenshot(path=str(RESULTS / 'task-origin-action.png'))

    def test_key_figures(self):
        "The coordinator sees the key figures drawn"
        coordinator = self.client('coordinator')
        click_menu(coordinator, self.menus['kpi'])
        for menu_id in self.kpi_menus:
            coordinator.close_tabs()
            click_menu(coordinator, [menu_id])
            tab = wait_for_view(coordinator, 'graph')
            deadline = time.monotonic() + GRAPH_TIMEOUT
            while not tab['points'] and time.monotonic() < deadline:
                time.sleep(0.2)
                coordinator.wait()
                tab = coordinator.tab()
            coordinator.page.screenshot(
                path=str(RESULTS / f'kpi-{menu_id}.png'))
            self.assertTrue(tab['records'], msg=tab['name'])
            self.assertTrue(tab['points'], msg=f"{tab['name']}: no chart")

    def test_handler_without_yearly_reports(self):
        "A handler sees the complaints but not the yearly reports"
        handler = self.client('handler1')
        click_menu(handler, self.menus['kpi'][:1])
        self.assertTrue(handler.page.evaluate(MARK_MENU,
                self.complaints_menu))
        self.assertFalse(handler.page.evaluate(MARK_MENU, self.yearly_menu))
        self.assertFalse(handler.page.evaluate(MARK_MENU,
                self.menus['kpi'][-1]))
