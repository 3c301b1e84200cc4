# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen of the back office in the web client (sao), for every role.

The database has the five modules and the demo municipality of
scripts/demo_data.py (complaints in every state, played through the
workflow).  For each role a demo user logs in through sao's login dialog
and opens every menu entry they can see (read from ir.ui.menu as that
user): each tab of a list stops loading without a page or console error
or error dialog, a tab whose counter says N > 0 shows rows, its first
record opens in the form, every notebook page of the form opens, and
every button the record's state offers that opens a wizard (or asks for
confirmation) opens it and is cancelled.  A button that does its work on
click is never pressed (see ``button_wiring``): they are listed in
var/test-results/sao/crawl.txt.  Nothing here names a menu, a view or a
wizard: a new one is crawled without a new test.

One trytond server and one Chromium for the class, a new browser context
per user.  A failure names the user, menu, tab and record and keeps a
screenshot in var/test-results/sao/.
"""
import functools
import hashlib
import re
import time
import unittest
from pathlib import Path

import demo_data
import pytest

from klachten_base.tests.sao import (
    RESULTS, Chromium, SaoSite, WebClient, button_wiring, menu_problems,
    view_problems)
from klachten_portal.tests.browser import BackOffice
from klachten_portal.tests.tools import share_database
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

MODULES = ['klachten_base', 'klachten_portal', 'klachten_advies',
    'klachten_report', 'klachten_notula']
PASSWORDS = {u[0]: u[1] for u in demo_data.USERS}
# The roles of the product: the demo user who plays it, and the group
# (XML id) that makes the role; the internal adviser is whoever is asked
# for advice on an open internal request of the demo
ROLES = {
    'coordinator': ('coordinator', 'klachten_base.group_coordinator'),
    'handler': ('handler1', 'klachten_base.group_handler'),
    'department_head': ('head', 'klachten_base.group_department_head'),
    'observer': ('observer', 'klachten_base.group_observer'),
    'receiver': ('receiver', 'klachten_base.group_receiver'),
    'complaints_administrator': (
        'klachtenadmin', 'klachten_base.group_admin'),
    'internal_adviser': (None, None),
    }
# Problems known and not yet fixed: (name, pattern of the problem, reason);
# each becomes a strict expected failure that fails once the problem is gone
KNOWN = []
# seconds a graph view may take to draw its chart
GRAPH_TIMEOUT = 10
ROWS_TIMEOUT = 10  # seconds a list with a counter may take to draw its rows


def demo_digest():
    "A digest of scripts/demo_data.py: the cached database follows it"
    return hashlib.sha256(
        Path(demo_data.__file__).read_bytes()).hexdigest()[:16]


def load_demo(digest, config):
    "The demo municipality, played through the real workflow"
    demo_data.install_clock()
    demo_data.Demo(config, verbose=False).load()


class Problem:
    "What went wrong where, as a person would report it"

    def __init__(self, login, menu, tab, record, error, screenshot=None):
        self.login = login
        self.menu = menu
        self.tab = tab
        self.record = record
        self.error = error
        self.screenshot = screenshot

    def __str__(self):
        where = [self.login, self.menu]
        if self.tab:
            where.append(f"tab {self.tab}")
        if self.record:
            where.append(f"record {self.record}")
        text = ' > '.join(where) + f": {self.error}"
        if self.screenshot:
            text += f"\n    screenshot {self.screenshot}"
        return text


def slug(*parts):
    text = '-'.join(str(p) for p in parts if p not in (None, ''))
    return re.sub(r'[^\w.-]+', '_', text).strip('_')[:120]


class Crawl:
    "One user's walk through every menu entry, tab, form and wizard"

    def __init__(self, case, login):
        self.case = case
        self.login = login
        self.problems = []
        self.done = []          # what was checked, for crawl.txt
        self.skipped = []       # buttons not pressed, and why
        self.states = set()     # (model, state) of the forms checked
        self.wizards = set()    # the buttons pressed
        self.client = None

    # Reporting
    def problem(self, error, menu, tab=None, record=None):
        name = slug(self.login, menu, tab, record, len(self.problems))
        path = None
        try:
            path = self.client.screenshot(f'failures/{name}')
            path = path.relative_to(Path.cwd())
        except Exception:
            pass
        self.problems.append(
            Problem(self.login, menu, tab, record, error, path))

    def check(self, menu, tab=None, record=None):
        """Report the errors of the page and the error dialogs since the
        last, and a record that changed while nobody typed"""
        errors = self.client.take_errors()
        for error in errors:
            self.problem(error, menu, tab, record)
        if errors:
            self.client.dismiss_errors()
        if menu != 'login':
            modified = (self.client.tab() or {}).get('modified')
            if modified:
                # seen once in a while, not understood yet: noted only
                self.done.append(f"NOTE {menu} {tab or ''} {record or ''}: "
                    "the record changed while nobody typed (fields "
                    f"{', '.join(sorted(modified))})")
                self.client.reload()

    def start(self):
        self.client = WebClient(self.case.chromium.browser, self.case.site,
            self.login, PASSWORDS[self.login])
        try:
            self.client.login()
        except Exception as error:
            self.problem(f"{type(error).__name__}: {error}", 'login')
            raise
        self.check('login')

    def restart(self):
        "A new browser context after a failure left sao in a bad state"
        self.client.close()
        self.start()

    def run(self):
        start = time.monotonic()
        office = BackOffice(self.case.rpc_url, self.login,
            PASSWORDS[self.login])
        menus = sorted(office.search_read('ir.ui.menu', [],
                ['complete_name', 'action']),
            key=lambda m: m['complete_name'])
        try:
            self.start()
        except Exception:
            self.client.close()
            self.seconds = time.monotonic() - start
            return self
        try:
            for menu in menus:
                if not menu['action']:
                    continue
                self.walk(menu)
        finally:
            self.client.close()
        self.seconds = time.monotonic() - start
        return self

    def walk(self, menu):
        """Walk the screens of menu; what goes wrong the first time is
        walked again once (a loaded machine may draw late what the crawler
        already looks at) and is a problem only when it goes wrong again"""
        path = menu['complete_name']
        problems, states = len(self.problems), set(self.states)
        wizards = set(self.wizards)
        for attempt in (1, 2):
            try:
                self.menu(menu)
            except Exception as error:
                try:
                    tab = self.client.tab() or {}
                    shown = (f" (record {tab.get('record')}, state "
                        f"{tab.get('state')}, {tab.get('rec_name')}, "
                        f"changed {tab.get('modified')})")
                except Exception:
                    shown = ''
                self.problem(f"{type(error).__name__}: {error}{shown}", path)
                self.restart()
            else:
                self.client.close_tabs()
            if attempt == 2 or len(self.problems) == problems:
                return
            first = self.problems[problems:]
            del self.problems[problems:]
            self.done.extend(f"{path}: walked again after: {p.error}"
                for p in first)
            self.states, self.wizards = set(states), set(wizards)

    # Menus, tabs, forms, buttons
    def menu(self, menu):
        client = self.client
        path = menu['complete_name']
        client.open_menu(menu['id'])
        self.check(path)
        dialogs = [d for d in client.dialogs() if not d['error']]
        if dialogs:  # a wizard of the menu
            client.screenshot(f'{self.login}/{slug(path)}')
            self.done.append(f"{path}: {dialogs[-1]['kind']}, cancelled")
            client.cancel_dialog()
            self.check(path)
            return
        tab = client.tab()
        if tab is None:
            self.problem("no tab opened", path)
            return
        client.screenshot(f'{self.login}/{slug(path)}')
        if tab['kind'] == 'tab-wizard':
            self.done.append(f"{path}: wizard, cancelled")
            client.cancel_dialog()
            self.check(path)
        elif tab['view_type'] == 'form':
            self.form(path, None)
        elif tab['tabs']:
            for domain in tab['tabs']:
                self.list(path, domain)
        else:
            self.list(path, None)

    def list(self, path, domain):
        client = self.client
        name = domain['name'] if domain else None
        if client.tab()['view_type'] == 'form':
            # The previous tab's record is still shown: the list's tabs
            # are hidden behind the form
            client.switch_view()
            self.check(path, name)
        if domain and client.tab()['tab_index'] != domain['index']:
            client.switch_tab_domain(domain['index'])
            self.check(path, name)
        tab = client.tab()
        if tab['view_type'] == 'graph':
            self.graph(path, name)
            return
        count = (client.counter(tab['tabs'][domain['index']])
            if domain else None)
        self.done.append(f"{path}" + (f" [{name}]" if name else '')
            + f": {tab['rows']} rows" + (
                f" (counter {count})" if count is not None else ''))
        if tab['view_type'] != 'tree':
            self.problem(f"shows a {tab['view_type']} view, not the list",
                path, name)
            return
        deadline = time.monotonic() + ROWS_TIMEOUT
        while (count and not tab['rows']
                and time.monotonic() < deadline):
            # a loaded machine may draw the rows a while after the last
            # request has come back
            time.sleep(0.2)
            client.wait()
            tab = client.tab()
        if count and not tab['rows']:
            self.problem(f"the counter says {count} but no row is shown",
                path, name)
            return
        if not tab['rows'] or not tab['form']:
            return
        client.open_first_record()
        self.check(path, name)
        tab = client.tab()
        if tab['view_type'] == 'form' and not (tab['record'] or 0) > 0:
            # the double click landed while the list was drawn again: sao
            # switched to the form without its record and made a new one;
            # undo it, back to the list, and open the row once more
            self.done.append(f"{path}: the form opened on a new record "
                f"({tab['record']}, {tab['rec_name']}), opened again")
            client.reload()
            client.switch_view()
            client.open_first_record()
            self.check(path, name)
            tab = client.tab()
            if tab['view_type'] == 'form' and not (tab['record'] or 0) > 0:
                self.problem("opening the first row shows a new record",
                    path, name)
                client.reload()
                return
        self.form(path, name)
        tab = client.tab()
        if tab['view_type'] == 'form' and tab['modified']:
            # Only looked at, yet changed: sao would ask to save it.  Undo
            # and look again once (a list redrawn while the record opened
            # leaves its list fields unread); changed again is a problem
            changed = tab['modified']
            client.reload()
            tab = client.tab()
            if tab['modified']:
                self.problem("opening the record changes "
                    f"{', '.join(tab['modified'])}", path, name,
                    tab.get('rec_name'))
                client.reload()
            else:
                self.done.append(f"{path}: {', '.join(changed)} shown "
                    "as changed once, not after a reload")
        if client.tab()['view_type'] == 'form':
            client.switch_view()
            self.check(path, name)

    def graph(self, path, name):
        "A graph view: with records, its chart is drawn with their points"
        client = self.client
        deadline = time.monotonic() + GRAPH_TIMEOUT
        tab = client.tab()
        # billboard.js draws after the records are read
        while (tab['records'] and not tab['points']
                and time.monotonic() < deadline):
            time.sleep(0.2)
            client.wait()
            tab = client.tab()
        client.screenshot(f'{self.login}/{slug(path)}')
        self.done.append(f"{path}" + (f" [{name}]" if name else '')
            + f": graph of {tab['records']} records, {tab['points']} points")
        if tab['records'] and not tab['points']:
            self.problem(f"{tab['records']} records but no chart drawn",
                path, name)

    def form(self, path, name):
        """The record shown in the form: for the first record of each model
        and state, every notebook page and button"""
        client = self.client
        tab = client.tab()
        record = tab.get('rec_name') or tab.get('record')
        if tab['view_type'] != 'form':
            self.problem("the record did not open in the form", path, name,
                record)
            return
        if tab['widgets'] == 0:
            self.problem("the form shows no field", path, name, record)
        key = (tab['model'], tab['state'])
        if key in self.states:
            return
        if not any(model == tab['model'] for model, _ in self.states):
            client.screenshot(f'{self.login}/{slug(path, name, "form")}')
        self.states.add(key)
        pages = [p for p in tab['pages'] if p['visible']]
        for page in pages:
            client.open_page(page['index'])
            self.check(path, name, f"{record}, page {page['name']}")
        self.done.append(f"{path}: form of {tab['model']} {record} "
            f"({tab['state']}), {len(pages)} pages")
        self.buttons(path, name, record)

    def buttons(self, path, name, record):
        client = self.client
        tab = client.tab()
        wiring = self.case.wiring(tab['model'])
        for button in tab['buttons']:
            if not (button['visible'] and button['enabled']):
                continue
            kind, detail = wiring.get(button['name'], ('runs', "unknown"))
            label = f"{tab['model']}.{button['name']} ({button['string']})"
            if kind == 'runs':
                self.skipped.append(f"{label} in state {tab['state']}: "
                    f"{detail}")
                continue
            where = f"{record}, button {button['string']}"
            client.press_button(button['index'])
            self.check(path, name, where)
            dialogs = [d for d in client.dialogs() if not d['error']]
            wizard = client.tab()
            if not dialogs and wizard['kind'] != 'tab-wizard':
                self.problem(f"{label} opened no dialog", path, name, where)
                continue
            if label not in self.wizards:
                self.wizards.add(label)
                client.screenshot(f'{self.login}/{slug(label)}')
            client.cancel_dialog()
            self.check(path, name, where)
            self.done.append(f"{path}: {label} opened and cancelled")
            after = client.tab()
            if after['view_type'] != 'form' or after['record'] != tab[
                    'record']:
                self.problem(f"after cancelling {label} the form of the "
                    "record is gone", path, name, where)
                return


class SaoCrawlTestCase(unittest.TestCase):
    "Every menu entry, tab, form and wizard of every role in sao"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start = time.monotonic()
        activate_modules(MODULES, functools.partial(
                load_demo, demo_digest()))
        cls.db = share_database(cls)
        cls.database_seconds = time.monotonic() - start
        cls.site = SaoSite(cls.db).start()
        cls.addClassCleanup(cls.site.stop)
        cls.rpc_url = f'{cls.site.base_url}/{cls.db}/rpc/'
        cls.chromium = Chromium().start()
        cls.addClassCleanup(cls.chromium.stop)
        cls.crawls = {}
        cls.wirings = {}

    @classmethod
    def wiring(cls, model):
        if model not in cls.wirings:
            with Transaction().start(cls.db, 0, readonly=True):
                cls.wirings[model] = button_wiring(Pool(cls.db).get(model))
        return cls.wirings[model]

    @classmethod
    def crawl(cls, login):
        if login not in cls.crawls:
            cls.crawls[login] = Crawl(cls, login).run()
            cls.write_report()
        return cls.crawls[login]

    @classmethod
    def write_report(cls):
        lines = []
        for login, crawl in cls.crawls.items():
            lines.append(f"== {login}: {crawl.seconds:.0f} s, "
                f"{len(crawl.problems)} problems")
            lines += [f"  {line}" for line in crawl.done]
            lines += [f"  not pressed: {line}" for line in crawl.skipped]
            lines += [f"  PROBLEM {p}" for p in crawl.problems]
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / 'crawl.txt').write_text('\n'.join(lines) + '\n')

    def adviser(self):
        "The demo user asked for advice on an open internal request"
        office = BackOffice(self.rpc_url, 'coordinator',
            PASSWORDS['coordinator'])
        requests = office.search_read('klachten.advice.request', [
                ('state', '=', 'requested'), ('kind', '=', 'internal')],
            ['advisors'])
        users = {u['id']: u['login'] for u in office.search_read(
                'res.user', [('login', 'in', list(PASSWORDS))], ['login'])}
        logins = sorted({users[u] for r in requests for u in r['advisors']
                if u in users})
        self.assertTrue(logins, "The demo has no open internal advice")
        return logins[0]

    def assert_crawled(self, role):
        login, _ = ROLES[role]
        if login is None:
            login = self.adviser()
        crawl = self.crawl(login)
        problems = [p for p in crawl.problems
            if not any(re.search(pattern, str(p))
                for _, pattern, _ in KNOWN)]
        self.assertFalse(problems, msg=f"{login} ({role}) in sao:\n"
            + '\n'.join(map(str, problems)))

    def test_coordinator(self):
        "The coordinator's screens work in sao"
        self.assert_crawled('coordinator')

    def test_handler(self):
        "A handler's screens work in sao"
        self.assert_crawled('handler')

    def test_department_head(self):
        "A department head's screens work in sao"
        self.assert_crawled('department_head')

    def test_observer(self):
        "An observer's screens work in sao"
        self.assert_crawled('observer')

    def test_receiver(self):
        "A receiver's screens work in sao"
        self.assert_crawled('receiver')

    def test_complaints_administrator(self):
        "The complaints administrator's screens work in sao"
        self.assert_crawled('complaints_administrator')

    def test_internal_adviser(self):
        "An internal adviser's screens work in sao"
        self.assert_crawled('internal_adviser')

    def test_every_group_is_crawled(self):
        "Every group of the modules is played by a crawled demo user"
        with Transaction().start(self.db, 0, readonly=True):
            pool = Pool(self.db)
            ModelData = pool.get('ir.model.data')
            User = pool.get('res.user')
            groups = {f'{d.module}.{d.fs_id}' for d in ModelData.search([
                        ('model', '=', 'res.group'),
                        ('module', 'in', MODULES)])}
            crawled = {group for _, group in ROLES.values() if group}
            self.assertEqual(groups - crawled, set(),
                msg="Add a role to ROLES for these groups")
            for role, (login, group) in ROLES.items():
                if login:
                    user, = User.search([('login', '=', login)])
                    self.assertIn(ModelData.get_id(*group.split('.')),
                        {g.id for g in user.groups},
                        msg=f"{login} plays {role} but is not in {group}")


class ViewTestCase(unittest.TestCase):
    "What sao cannot show, found in the views without a browser"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules(MODULES)
        cls.addClassCleanup(drop_db)

    def test_views_drawable_by_sao(self):
        """No view of the modules has PYSON written as text, nor a field
        sao has no widget for (a timestamp in a list)"""
        with Transaction().start(DB_NAME, 0, readonly=True):
            problems = view_problems(MODULES)
        self.assertEqual(problems, [])

    def test_menus_open_their_action(self):
        "Whoever sees a menu entry may run its action"
        with Transaction().start(DB_NAME, 0, readonly=True):
            problems = menu_problems(MODULES)
        self.assertEqual(problems, [])


def _known(name, pattern, reason):
    "A test expected to fail while the known defect name is there"
    @pytest.mark.xfail(strict=True, reason=reason)
    def test(self):
        problems = [p for login, _ in ROLES.values()
            for p in self.crawl(login or self.adviser()).problems
            if re.search(pattern, str(p))]
        self.assertFalse(problems, msg='\n'.join(map(str, problems)))
    test.__name__ = f'test_known_{name}'
    test.__doc__ = reason
    return test


for _name, _pattern, _reason in KNOWN:
    setattr(SaoCrawlTestCase, f'test_known_{_name}',
        _known(_name, _pattern, _reason))
