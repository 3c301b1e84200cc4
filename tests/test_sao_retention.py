# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Retention and the access request in the web client (sao), on the demo:
the proof of issue 15.

The database has every module and the demo municipality of
scripts/demo_data.py: tests/test_sao_crawl.py's, cached once for the sao
tests.  The demo coordinator, in Dutch, by clicking in sao:

1. downloads the access request of the demo citizen (Lotte Vos): the zip
   holds her complaints, her name and e-mail address;
2. changes a retention rule and applies the Flemish preset with its
   wizard: the preset's four rules are back;
3. the retention cron runs on a day (time travel) past the period of some
   but not all of the demo's closed complaints: the retention log lists
   the cut ones, an anonymised complaint's form shows no name nor
   description;
4. the names, e-mail addresses and phone numbers of the complainants of
   the cut complaints are nowhere in a dump of the database nor in the
   file store, unless the person still has a kept complaint.

A handler sees neither the access request nor the retention menus.  One
trytond and one Chromium for the class; screenshots in
var/test-results/sao-retention/.
"""
import datetime as dt
import functools
import json
import shutil
import unittest
import zipfile
from pathlib import Path

import demo_data
from dateutil.relativedelta import relativedelta
from playwright.sync_api import expect
# the modules and demo of tests/test_sao_crawl.py: one cached database
from test_sao_learning import MODULES, demo_digest, load_demo

from klachten_base.tests.sao import (
    MARK_MENU, Chromium, SaoSite, WebClient, click_menu, confirm, dialog,
    open_row, pane, pick, results_dir, save, shown, wait_for_view, widget)
from klachten_base.tests.tools import (
    database_dump, file_store_text, found_in, travel)
from klachten_portal.tests.browser import BackOffice
from klachten_portal.tests.tools import share_database
from trytond.pool import Pool
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction, TransactionError

TOP = Path(__file__).resolve().parent.parent
RESULTS = results_dir('sao-retention')
PASSWORDS = {u[0]: u[1] for u in demo_data.USERS}
CITIZEN = demo_data.PARTIES[demo_data.CITIZEN[2]]
REDACTED = "[removed]"


class SaoRetentionTestCase(unittest.TestCase):
    "The coordinator runs the demo's retention and access request in sao"

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
                return [ModelData.get_id('klachten_base', n) for n in names]
            cls.menus = {
                'access': menu('menu_klachten', 'menu_retention_access'),
                'rules': menu('menu_klachten', 'menu_retention',
                    'menu_retention_rule_form'),
                'preset': menu('menu_klachten', 'menu_retention',
                    'menu_retention_preset'),
                'log': menu('menu_klachten', 'menu_retention',
                    'menu_retention_log_form'),
                'complaints': menu('menu_klachten', 'menu_complaint_form'),
                }
        cls.coordinator = BackOffice(cls.rpc_url, 'coordinator',
            PASSWORDS['coordinator'])

    def client(self, login):
        "The demo user login in sao, logged in"
        client = WebClient(self.chromium.browser, self.site, login,
            PASSWORDS[login])
        self.addCleanup(client.close)
        self.addCleanup(self.screenshot, client)
        client.login()
        # the login actions (the task inbox, the key figures) open tabs
        client.page.wait_for_timeout(500)
        client.wait()
        client.close_tabs()
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

    def people(self, complaints):
        """{party id: (name, [what names her: name, e-mail addresses, phone
        numbers (lower case)])} of the complainants of complaints"""
        people = {}
        for complaint in complaints:
            party = complaint['complainant.']
            if not party:
                continue
            mechanisms = self.coordinator.search_read(
                'party.contact_mechanism', [('party', '=', party['id'])],
                ['type', 'value', 'value_compact'])
            people[party['id']] = (party['name'].lower(), sorted(
                    {party['name'].lower()} | {v.lower() for m in mechanisms
                        if m['type'] in {'email', 'phone', 'mobile'}
                        for v in [m['value'], m['value_compact']] if v}))
        return people

    def test_access_request(self):
        "The coordinator downloads the demo citizen's data"
        name, *_, email, _ = CITIZEN
        numbers = [c['number'] for c in self.coordinator.search_read(
                'klachten.complaint', [('complainant.name', '=', name)],
                ['number'])]
        self.assertGreater(len(numbers), 1)
        coordinator = self.client('coordinator')
        click_menu(coordinator, self.menus['access'])
        wizard = dialog(coordinator)
        wizard.locator('.modal-footer').wait_for()
        pick(coordinator, wizard, 'party', name)
        with coordinator.page.expect_download() as download:
            confirm(coordinator)
        self.assertTrue(download.value.suggested_filename.endswith('.zip'))
        archive = zipfile.ZipFile(download.value.path())
        data = json.loads(archive.read('personal_data.json'))
        text = json.dumps(data, ensure_ascii=False)
        self.assertIn(name, text)
        self.assertIn(email, text)
        for number in numbers:
            self.assertIn(number, text)
        for file in data['files']:
            self.assertTrue(archive.read(file), msg=file)

    def test_handler_without_retention(self):
        "A handler sees the complaints, not the access request nor retention"
        handler = self.client('handler1')
        click_menu(handler, self.menus['complaints'][:1])
        self.assertTrue(handler.page.evaluate(MARK_MENU,
                self.menus['complaints'][-1]))
        for key in ['access', 'rules', 'log']:
            self.assertFalse(handler.page.evaluate(MARK_MENU,
                    self.menus[key][-1]), msg=key)
        self.assertFalse(handler.page.evaluate(MARK_MENU,
                self.menus['rules'][1]))

    def test_retention(self):
        "The Flemish preset, the cron years later: the cut leave no trace"
        coordinator = self.client('coordinator')
        # the rules of the demo: the coordinator changes one
        click_menu(coordinator, self.menus['rules'])
        wait_for_view(coordinator, 'tree')
        states = dict(self.coordinator.call('klachten.retention.rule',
                'fields_get', ['state'])['state']['selection'])
        # its state's cell: the company's opens the company
        pane(coordinator).locator('table tbody tr:visible td[data-title]',
            has_text=states['cancelled']).first.dblclick()
        coordinator.wait()
        wait_for_view(coordinator, 'form')
        # the integer widget's visible input (its hidden one comes first)
        years = pane(coordinator).locator('input[name="years"]:visible')
        expect(years).to_have_value('1')
        years.click()
        years.press('Control+a')
        years.press_sequentially('3')
        years.press('Tab')
        coordinator.wait()
        expect(pane(coordinator).locator('.toolbar button#save')
            ).to_be_enabled()
        save(coordinator)
        self.assertEqual(coordinator.tab()['modified'], [])
        rules = self.coordinator.search_read('klachten.retention.rule', [],
            ['state', 'years', 'months', 'action'])
        self.assertIn(('cancelled', 3),
            [(r['state'], r['years']) for r in rules])
        coordinator.close_tabs()
        # the preset sets them back
        click_menu(coordinator, self.menus['preset'])
        wizard = dialog(coordinator)
        wizard.locator('.modal-footer').wait_for()
        confirm(coordinator)
        click_menu(coordinator, self.menus['rules'][-1:])
        wait_for_view(coordinator, 'tree')
        rows = pane(coordinator).locator('table tbody tr:visible')
        expect(rows).to_have_count(4)
        coordinator.page.screenshot(path=str(RESULTS / 'rules.png'))
        rules = self.coordinator.search_read('klachten.retention.rule', [],
            ['state', 'years', 'months', 'action'])
        self.assertEqual(sorted((r['state'], r['years'], r['months'],
                    r['action']) for r in rules), [
                ('cancelled', 1, 0, 'anonymise'),
                ('closed', 5, 0, 'anonymise'),
                ('inadmissible', 5, 0, 'anonymise'),
                ('informal', 1, 0, 'anonymise'),
                ])
        coordinator.close_tabs()

        # a day past five years after the demo citizen's closed complaint:
        # the complaints closed before it are cut, those closed after kept
        fields = ['number', 'state', 'closing_date', 'complainant.name',
            'complainant.id', 'description']
        complaints = self.coordinator.search_read('klachten.complaint', [],
            fields)
        citizen, = [c for c in complaints if c['state'] == 'closed'
            and (c['complainant.'] or {}).get('name') == CITIZEN[0]]
        today = citizen['closing_date'] + relativedelta(years=5)
        days = (today - dt.date.today()).days
        with Transaction().start(self.db, 0, readonly=True):
            Complaint = Pool(self.db).get('klachten.complaint')
            due = {c.id for c, _ in Complaint.retention_due(today=today)}
        cut = [c for c in complaints if c['id'] in due]
        kept = [c for c in complaints if c['id'] not in due]
        self.assertIn(citizen, cut)
        self.assertTrue(kept and any(c['state'] == 'closed' for c in kept),
            "every closed complaint is due: travel less far")
        people = self.people(cut)
        # still complainant of a kept complaint: kept
        keep = {c['complainant.']['id'] for c in kept if c['complainant.']}

        with travel(days, self.db):
            self.run_cron('klachten.complaint|run_retention')

        # the log lists the cut complaints
        click_menu(coordinator, self.menus['log'])
        wait_for_view(coordinator, 'tree')
        log = pane(coordinator).locator('table tbody')
        for complaint in cut:
            if complaint['number']:  # a cancelled draft has none
                expect(log).to_contain_text(complaint['number'])
        expect(pane(coordinator).locator('table tbody tr:visible')
            ).to_have_count(len(cut))
        coordinator.page.screenshot(path=str(RESULTS / 'log.png'))
        coordinator.close_tabs()

        # an anonymised complaint shows neither the name nor its text
        anonymised = [c for c in cut if c['state'] == 'closed'
            and c['complainant.'] and c['complainant.']['id'] not in keep][0]
        name = anonymised['complainant.']['name']
        click_menu(coordinator, self.menus['complaints'][-1:])
        wait_for_view(coordinator, 'tree')
        tabs = coordinator.tab()['tabs']
        coordinator.switch_tab_domain(tabs[-1]['index'])
        open_row(coordinator, anonymised['number'])
        tab = wait_for_view(coordinator, 'form')
        self.assertEqual(tab['record'], anonymised['id'])
        expect(widget(coordinator, 'description').locator('textarea')
            ).to_have_value(REDACTED)
        self.assertNotIn(name, shown(coordinator, 'complainant') or '')
        page = coordinator.page.content()
        self.assertNotIn(name, page)
        self.assertNotIn(anonymised['description'][:40], page)
        coordinator.page.screenshot(path=str(RESULTS / 'anonymised.png'))

        # nothing names the complainants of the cut complaints, unless
        # they still have a kept complaint
        dump = database_dump(self.db)
        files = file_store_text(self.db)
        for party, (name, needles) in people.items():
            if party in keep:
                self.assertIn(name, dump)
                continue
            self.assertEqual(found_in(dump, needles), [], msg=needles)
            self.assertEqual(found_in(files, needles), [], msg=needles)
        for complaint in cut:
            self.assertEqual(found_in(dump + files,
                    [complaint['description'][:60].lower()]), [],
                msg=complaint['number'])


if __name__ == '__main__':
    unittest.main()
