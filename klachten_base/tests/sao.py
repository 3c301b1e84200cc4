# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The staff web client (sao) as a test surface: the real sao served by a
real trytond process, driven in Debian's Chromium through playwright, as a
person would (clicks in its dialogs, lists, forms and wizards).

    from klachten_base.tests.sao import SaoSite, WebClient

    site = SaoSite(database).start()        # trytond serving sao
    chromium = Chromium().start()           # one browser for many users
    client = WebClient(chromium.browser, site, 'coordinator', password)
    client.login()                          # sao's login dialog
    client.open_menu(menu_id)               # as a click in the menu does
    tab = client.tab()                      # what the current tab shows
    client.switch_tab_domain(1)             # the list's second tab
    client.open_first_record()              # double click: the form
    for page in client.tab()['pages']:
        client.open_page(page['index'])     # a notebook page
    client.press_button(button['index'])    # opens a wizard, a dialog
    client.cancel_dialog()
    client.screenshot('coordinator/complaints')
    assert not client.take_errors()         # page and console errors

Every action waits until sao stops loading (no request running, no
"Processing" banner) and raises ``Stuck`` when it does not.  What went
wrong in the page (uncaught errors, console errors, errors swallowed by
jQuery's promises, error dialogs of the server) is collected and returned
by ``take_errors``; the known harmless noise is listed in ``NOISE``.
Screenshots go to var/test-results/sao/.

The server and the browser come from klachten_portal/tests/browser.py
(Site, Chromium): ``SaoSite`` is a Site that also serves sao, from
``$KLACHTEN_SAO_ROOT`` (set by ``make test``) or var/sao/*/package.
"""
import base64
import json
import os
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import expect

from klachten_portal.tests.browser import Chromium, Site

__all__ = ['results_dir', 'SaoSite', 'WebClient', 'Chromium', 'Stuck',
    'RESULTS', 'sao_root', 'button_wiring',
    'click_menu', 'wait_for_view', 'pane', 'dialog', 'show', 'widget',
    'field', 'visible', 'settled', 'type_in', 'choose', 'tick', 'pick',
    'create_from', 'press', 'press_in_row', 'confirm', 'save', 'new_record',
    'open_row', 'shown']

TOP = Path(__file__).resolve().parents[2]


def results_dir(name):
    """The folder of a browser test's screenshots: under
    var/test-results/, or under $KLACHTEN_TEST_RESULTS (scripts/test.sh
    gives each backend its own when they run at the same time)"""
    return Path(os.environ.get('KLACHTEN_TEST_RESULTS')
        or TOP / 'var' / 'test-results') / name


RESULTS = results_dir('sao')
TIMEOUT = 30  # seconds sao may take to stop loading
QUIET = 100  # milliseconds without a request before sao counts as idle

# Harmless console errors of every sao page load: (reason, pattern of the
# message and its URL)
NOISE = [
    ("the optional site files of sao's index.html",
        re.compile(r'^Failed to load resource: .* https?://[^/ ]+/'
            r'custom\.(js|css)$')),
    ("sao tries the translation of the region (nl_BE) before the "
        "language (nl)",
        re.compile(r'^Failed to load resource: .* https?://[^/ ]+/'
            r'locale/[a-z]{2}_[A-Z]{2}\.json$')),
    ]
# Console warnings that are errors: jQuery reports an exception thrown in a
# promise's callback as a warning, and the screen stays half drawn
WARNINGS_THAT_ARE_ERRORS = re.compile(r'^jQuery\.Deferred exception')
# sao's dialogs that tell the user something went wrong
ERROR_DIALOGS = ('error-dialog', 'warning-dialog', 'user-warning-dialog',
    'message-dialog', 'concurrency-dialog')


def sao_root():
    "The folder of sao's index.html"
    if root := os.environ.get('KLACHTEN_SAO_ROOT'):
        root = Path(root)
    else:
        found = sorted(TOP.glob('var/sao/*/package/index.html'))
        root = found[-1].parent if found else None
    if root is None or not (root / 'index.html').exists():
        raise RuntimeError(f"sao is not installed ({root}): run `make sao`")
    return root


class Stuck(AssertionError):
    "sao did not stop loading"


class SaoSite(Site):
    """trytond serving the database and sao (its web root) on 127.0.0.1;
    see klachten_portal.tests.browser.Site"""

    def __init__(self, database, environ=None, root=None):
        environ = {'TRYTOND_WEB__ROOT': str(root or sao_root()),
            **(environ or {})}
        super().__init__(database, environ)

    def ready(self):
        """Whether the server serves sao and has loaded the database's pool
        (a route of the database answers, here with 404: the first login
        of a new process fails otherwise)"""
        name = base64.urlsafe_b64encode(self.database.encode()).decode()
        try:
            urllib.request.urlopen(
                f'{self.base_url}/avatar/{name}/ready', timeout=30).close()
        except urllib.error.HTTPError as error:
            if error.code != 404:
                return False
        except OSError:
            return False
        try:
            with urllib.request.urlopen(
                    self.base_url + '/', timeout=30) as response:
                return response.status == 200
        except OSError:
            return False

    @property
    def client_url(self):
        "sao's address, for the database"
        return f'{self.base_url}/#{self.database}'


# What the current tab shows, read from sao's objects: the tab, its
# screen and view, the list's tabs with their counters, the rows, the
# form's record, notebook pages and buttons (marked with data-crawl-* for
# the clicks)
TAB = """() => {
    const tab = Sao.Tab.tabs.get_current();
    if (!tab) {
        return null;
    }
    const result = {name: tab.name_long, kind: tab.class_};
    const wizard = tab.wizard;
    const screen = tab.screen || (wizard && wizard.screen);
    if (!screen || !screen.current_view) {
        return result;
    }
    const view = screen.current_view;
    result.model = screen.model_name;
    result.view_type = view.view_type;
    result.tabs = [];
    result.tab_index = -1;
    const container = screen.screen_container;
    if (container && container.tab) {
        container.tab.find('> .nav-tabs > li > a').each((i, a) => {
            a = jQuery(a);
            a.attr('data-crawl-tab', i);
            const badge = a.children('.badge');
            const shown = badge.css('visibility') != 'hidden';
            result.tabs.push({
                index: i,
                name: a.contents().first().text().trim(),
                counter: shown ? badge.text().trim() : null,
            });
        });
        result.tab_index = container.get_tab_index();
    }
    const record = screen.current_record;
    result.record = record ? record.id : null;
    result.state = (record && record._values.state !== undefined) ?
        record._values.state : null;
    result.rec_name = (record && record._values.rec_name) || null;
    result.modified = record ? Object.keys(record.modified_fields) : [];
    if (view.view_type == 'tree') {
        const rows = view.tbody.children('tr:visible');
        result.rows = rows.length;
        result.records = screen.group.length;
        result.editable = Boolean(view.editable);
        result.form = screen.views.some(v => v.view_type == 'form') ||
            screen.view_to_load.includes('form');
        const cell = rows.first().children('td[data-title]:visible').filter(
            (i, td) => !jQuery(td).find('a,input,button').length).first();
        jQuery('[data-crawl-cell]').removeAttr('data-crawl-cell');
        cell.attr('data-crawl-cell', 'first');
    } else if (view.view_type == 'form') {
        result.pages = [];
        view.el.find('.form-notebook > .nav-tabs > li').each((i, li) => {
            li = jQuery(li);
            const a = li.children('a');
            a.attr('data-crawl-page', i);
            result.pages.push({
                index: i,
                name: a.text().trim(),
                visible: li.is(':visible'),
                active: li.hasClass('active'),
            });
        });
        result.buttons = [];
        view.get_buttons().forEach((button, i) => {
            button.el.attr('data-crawl-button', i);
            result.buttons.push({
                index: i,
                name: button.attributes.name,
                string: button.attributes.string || '',
                visible: button.el.is(':visible'),
                enabled: !button.el.prop('disabled'),
            });
        });
        result.widgets = view.el.find('.form-item').length;
    } else if (view.view_type == 'graph') {
        // the chart (billboard.js draws an svg) and the points it has
        result.records = screen.group.length;
        result.charts = view.el.find('svg').length;
        result.points = view.el.find(
            'svg .bb-shape, svg path.bb-arc, svg rect.bb-bar').length;
    }
    return result;
}"""

# Whether sao is busy: requests running (jQuery counts them), the
# "Processing" banner shown or the count of a list's tab not shown yet
IDLE = """(quiet) => {
    let busy = (jQuery.active > 0) || jQuery('#processing').is(':visible');
    // a list's tab that counts its records shows the count
    const tab = Sao.Tab.tabs.get_current();
    const screen = tab && tab.screen;
    const container = screen && screen.screen_container;
    if (container && container.tab && screen.current_view &&
            screen.current_view.view_type == 'tree') {
        const i = container.get_tab_index();
        if (i >= 0 && container.tab_domain[i][2] &&
                container.tab_counter[i].css('visibility') == 'hidden') {
            busy = true;
        }
    }
    const now = Date.now();
    if (busy || window.__crawlBusyAt === undefined) {
        window.__crawlBusyAt = now;
    }
    return !busy && (now - window.__crawlBusyAt >= quiet);
}"""

# Run after Bootstrap's own start, which finds the transitions
NO_FADE = """document.addEventListener('DOMContentLoaded', () => {
    jQuery(() => { jQuery.support.transition = false; });
});"""

# Whether a dialog is shown or a tab was opened since there were tabs
OPENED = """(tabs) => jQuery('.modal:visible').length > 0 ||
    Sao.Tab.tabs.length != tabs"""

DIALOGS = """(classes) => {
    const result = [];
    jQuery('.modal').filter(':visible').each((i, modal) => {
        modal = jQuery(modal);
        const kind = classes.find(c => modal.hasClass(c)) ||
            (modal.attr('class') || '').split(' ')[0];
        result.push({
            kind: kind,
            error: classes.includes(kind),
            text: modal.find('.modal-content').text().replace(/\\s+/g, ' ')
                .trim(),
        });
    });
    return result;
}"""


class WebClient:
    """sao in a new browser context (its own cookies and storage) of
    browser, as the staff member login of site"""

    def __init__(self, browser, site, login, password, locale='nl-BE',
            viewport=(1400, 900)):
        self.site = site
        self.login_name = login
        self.password = password
        width, height = viewport
        self.context = browser.new_context(
            locale=locale, viewport={'width': width, 'height': height})
        self.context.set_default_timeout(TIMEOUT * 1000)
        # Bootstrap's dialogs without their fade: the same, sooner
        self.context.add_init_script(NO_FADE)
        self.page = self.context.new_page()
        self.errors = []
        self.noise = []
        self.page.on('pageerror', self._page_error)
        self.page.on('console', self._console)

    def close(self):
        self.context.close()

    def _page_error(self, error):
        self.errors.append(f"page error: {error}")

    def _console(self, message):
        text = message.text
        url = (message.location or {}).get('url', '')
        if message.type == 'error':
            line = f'{text} {url}'.strip()
            for reason, pattern in NOISE:
                if pattern.search(line):
                    self.noise.append(line)
                    return
            self.errors.append(f"console error: {line}")
        elif (message.type == 'warning'
                and WARNINGS_THAT_ARE_ERRORS.search(text)):
            self.errors.append(f"console: {text.splitlines()[0]}")

    def take_errors(self):
        """The errors of the page (and the error dialogs shown) since the
        last call"""
        errors = self.errors + [f"{d['kind']}: {d['text']}"
            for d in self.dialogs() if d['error']]
        self.errors = []
        return errors

    # Waiting
    def wait(self, timeout=TIMEOUT):
        """Until sao stops loading: no request for QUIET ms and no
        "Processing" banner"""
        self.page.evaluate('() => { window.__crawlBusyAt = Date.now(); }')
        try:
            self.page.wait_for_function(IDLE, arg=QUIET, polling=50,
                timeout=timeout * 1000)
        except Exception as error:  # playwright's TimeoutError
            if 'Timeout' not in type(error).__name__:
                raise
            raise Stuck(f"sao still loading after {timeout} s"
                + ''.join(f"; {e}" for e in self.errors)) from None

    # Logging in
    def login(self):
        "Log in through sao's login dialog: the login, then the password"
        page = self.page
        password = page.locator('.ask-dialog input[type=password]')
        shown = password.or_(page.locator('.modal:visible').filter(
                has=page.locator('.modal-footer')).filter(
                has_not=page.locator('input[type=password]')).filter(
                # the login dialog stays open under the password's
                has_not=page.locator('#login')))
        for attempt in range(2):
            page.goto(self.site.client_url)
            page.locator('.login-dialog #login').fill(self.login_name)
            page.locator('.login-dialog button[type=submit]').click()
            try:
                # trytond delays an answer to a login by up to 2**n - 1 s
                # after n attempts (res.user.get_login); a loaded machine
                # adds to it
                shown.first.wait_for(timeout=60_000)
            except Exception as error:  # playwright's TimeoutError
                if 'Timeout' not in type(error).__name__ or attempt:
                    raise
                # sao showed nothing: load it again, once
                self.noise.append(
                    f"login of {self.login_name}: no answer in 60 s")
                continue
            if not password.count():
                raise AssertionError(f"login of {self.login_name}: "
                    + '; '.join(f"{d['kind']}: {d['text']}"
                        for d in self.dialogs()))
            break
        password.fill(self.password)
        password.press('Enter')
        page.locator('#menu table tbody tr').first.wait_for()
        self.wait()

    # Dialogs
    def dialogs(self):
        "The dialogs shown: [{'kind', 'error', 'text'}]"
        return self.page.evaluate(DIALOGS, list(ERROR_DIALOGS))

    def dismiss_errors(self):
        "Close the error dialogs shown (their OK button)"
        for _ in range(10):
            dialog = self.page.locator('.modal:visible').filter(
                has=self.page.locator('.modal-footer')).last
            kind = self.dialogs()
            if not kind or not kind[-1]['error']:
                return
            dialog.locator('.modal-footer button').last.click()
            self.wait()

    def cancel_dialog(self):
        """Press the cancel button (the wizard's end button or the
        confirmation's Cancel) of the dialog or wizard tab on top, and wait
        until it is gone"""
        page = self.page
        dialog = page.locator('.modal:visible').last
        if dialog.count():
            buttons = dialog.locator('.modal-footer button.btn-link')
        else:
            dialog = self._pane().locator('.wizard-form')
            buttons = dialog.locator('.modal-footer button.btn-link')
        if not buttons.count():
            raise AssertionError("No cancel button in the dialog")
        handle = dialog.element_handle()
        # sao ignores a wizard's button pressed while the wizard still sets
        # its first state's defaults (Wizard.process returns at once while
        # __processing): on a busy machine the cancel can come that early,
        # so it is pressed again until the dialog goes (pressing it again
        # once the end is under way changes nothing)
        for attempt in range(6):
            try:
                buttons.first.click(timeout=5000)
            except Exception as error:  # playwright's TimeoutError
                if 'Timeout' not in type(error).__name__:
                    raise
                if handle.is_hidden():
                    break
                continue
            try:
                handle.wait_for_element_state('hidden', timeout=5000)
            except Exception as error:
                if 'Timeout' not in type(error).__name__:
                    raise
            else:
                break
        else:
            raise AssertionError("The dialog did not close on cancel: "
                + handle.inner_text()[:500])
        self.wait()

    # Tabs
    def open_menu(self, menu_id):
        """Open the menu entry menu_id as a click in the menu does (its
        action: a list, a form or a wizard)"""
        shown = ('() => Sao.Tab.tabs.length + '
            'jQuery(".modal:visible").length')
        before = self.page.evaluate(shown)
        self.page.evaluate("""(id) => Sao.Action.exec_keyword('tree_open', {
            model: 'ir.ui.menu', id: id}, null, false)""", menu_id)
        self.wait()
        # sao may pause between the action's requests and the tab it opens
        # (a loaded machine parsing a large view): wait for the tab or
        # dialog, then for what it loads
        try:
            self.page.wait_for_function(f'() => ({shown})() > {before}',
                polling=100, timeout=TIMEOUT * 1000)
        except Exception as error:  # playwright's TimeoutError
            if 'Timeout' not in type(error).__name__:
                raise
            return  # the caller tells that nothing opened
        self.wait()

    def tab(self):
        """What the current tab shows: name, kind, model, view_type,
        tabs [{index, name, counter}], tab_index, record, state, rec_name,
        modified (the names of the fields changed in the record);
        for a list rows, records, editable, form; for a form pages
        [{index, name, visible, active}] and buttons [{index, name, string,
        visible, enabled}]"""
        return self.page.evaluate(TAB)

    def close_tab(self):
        "Close the current tab (the records are unchanged)"
        self.page.evaluate("""() => {
            const tab = Sao.Tab.tabs.get_current();
            if (tab) { tab.close(); }
        }""")
        self.wait()

    def close_tabs(self):
        while self.page.evaluate('() => Sao.Tab.tabs.length'):
            self.close_tab()

    def switch_tab_domain(self, index):
        "Click the list's tab index"
        self.tab()  # marks the tabs
        self._pane().locator(f'[data-crawl-tab="{index}"]').click()
        self.wait()

    def _pane(self):
        return self.page.locator('#tabcontent > .tab-pane.active')

    @staticmethod
    def counter(tab):
        "The number a list's tab shows (99+ counts as 100), or None"
        if tab['counter'] is None or not tab['counter'].strip('\xa0 '):
            return None
        return int(tab['counter'].rstrip('+')) + tab['counter'].count('+')

    # Records
    def open_first_record(self):
        """Open the list's first record in the form: a double click on its
        first plain cell, or for an editable list (or one without a plain
        cell) its selection and the switch button"""
        tab = self.tab()
        cell = self._pane().locator('[data-crawl-cell="first"]')
        # a list whose cells are all links (a list of Many2One columns)
        # opens as an editable one: selection and switch
        if not tab['editable'] and cell.count():
            cell.dblclick()
        else:
            self._pane().locator('table tbody tr:visible').first.locator(
                'td.selection-state input').click()
            self.switch_view()
        self.wait()

    def switch_view(self, timeout=10):
        """The toolbar's switch button (list and form), and wait until the
        other view is shown"""
        before = self.tab()['view_type']
        self._pane().locator('.toolbar button#switch_').click()
        self.page.wait_for_function("""(before) => {
            const tab = Sao.Tab.tabs.get_current();
            const screen = tab && tab.screen;
            return !screen || !screen.current_view
                || screen.current_view.view_type != before;
            }""", arg=before, polling=50, timeout=timeout * 1000)
        self.wait()

    def reload(self):
        "Undo the changes of the current tab's record and read it again"
        self.page.evaluate(
            '() => Sao.Tab.tabs.get_current().reload(false)')
        self.wait()

    def open_page(self, index):
        "Click the form's notebook page index"
        self.tab()  # marks the pages
        self._pane().locator(f'[data-crawl-page="{index}"]').click()
        self.wait()

    def press_button(self, index, timeout=10):
        """Click the form's button index and wait for the dialog or tab it
        opens (at most timeout seconds) and for sao to stop loading"""
        self.tab()  # marks the buttons
        tabs = self.page.evaluate('() => Sao.Tab.tabs.length')
        self._pane().locator(f'[data-crawl-button="{index}"]').click()
        try:
            self.page.wait_for_function(OPENED, arg=tabs, polling=100,
                timeout=timeout * 1000)
        except Exception as error:  # playwright's TimeoutError
            if 'Timeout' not in type(error).__name__:
                raise
        self.wait()

    def screenshot(self, name):
        "Save a screenshot as var/test-results/sao/<name>.png; its path"
        path = RESULTS / f'{name}.png'
        path.parent.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(path))
        return path


def button_wiring(Model):
    """How each button of the model class Model is wired, as
    {name: (kind, detail)}: 'wizard' (opens the wizard whose first state
    is a dialog: detail its name), 'confirm' (asks first: detail the
    question), 'runs' (does its work on click: detail why it counts so)"""
    from trytond.pool import Pool
    from trytond.wizard import StateView
    pool = Pool()
    result = {}
    for name, states in Model._buttons.items():
        action = _button_action(Model, name)
        if action:
            wizard = _wizard(pool, action)
            if wizard and isinstance(
                    wizard.states[wizard.start_state], StateView):
                result[name] = ('wizard', wizard.__name__)
            else:
                result[name] = ('runs', f"its action {action} starts "
                    "without a dialog")
        elif states.get('confirm'):
            result[name] = ('confirm', states['confirm'])
        else:
            result[name] = ('runs', "a button without wizard or "
                "confirmation runs its transition on click")
    return result


def _button_action(Model, name):
    """The XML id of the action of ModelView.button_action on the button
    name (of the class or, for an override calling super(), of a class it
    extends), or None"""
    from trytond.model import ModelView
    code = ModelView.button_action('module.action')(
        lambda cls, records: None).__code__
    for klass in Model.__mro__:
        method = klass.__dict__.get(name)
        func = getattr(method, '__func__', method)
        while func is not None:
            if getattr(func, '__code__', None) is code:
                for cell in func.__closure__ or ():
                    if isinstance(cell.cell_contents, str):
                        return cell.cell_contents
            func = getattr(func, '__wrapped__', None)
    return None


def _wizard(pool, action):
    "The wizard class of the action XML id, or None"
    ModelData = pool.get('ir.model.data')
    module, fs_id = action.split('.')
    db_id = ModelData.get_id(module, fs_id)
    ActionWizard = pool.get('ir.action.wizard')
    wizards = ActionWizard.search([('id', '=', db_id)])
    if not wizards:
        return None
    return pool.get(wizards[0].wiz_name, type='wizard')


# PYSON written as text in a view's XML: sao decodes only what trytond
# encodes (from view_attributes), so such an attribute breaks the screen
PYSON_TEXT = re.compile(r'\b(Eval|If|Bool|Not|And|Or|Equal|Greater|Less|In'
    r'|Get|Id|Date|DateTime|Len|TimeDelta)\s*\(')


def sao_widgets():
    """The widgets sao draws, by parser: {'FormXMLViewParser': {...},
    'TreeXMLViewParser': {...}, 'EditableTree': {...}}, read from sao"""
    source = (sao_root() / 'dist' / 'tryton-sao.js').read_text()
    widgets = {}
    for match in re.finditer(
            r'Sao\.View\.(\w+)\.WIDGETS = \{(.*?)\};', source, re.S):
        widgets[match.group(1)] = set(
            re.findall(r"'(\w+)'\s*:", match.group(2)))
    return widgets


def view_problems(modules):
    """What in the views of modules sao cannot show: PYSON written as text
    in an attribute, a field whose widget (or type) sao has no widget for
    in that kind of view.  Run in a transaction; return texts."""
    from lxml import etree

    from trytond.pool import Pool
    pool = Pool()
    View = pool.get('ir.ui.view')
    widgets = sao_widgets()
    problems = []
    bases = {}
    for view in View.search([('module', 'in', list(modules))]):
        name = f"{view.module}: {view.model} view {view.name or view.id}"
        for element in etree.fromstring(view.arch.encode()).iter():
            for attribute, value in element.attrib.items():
                if PYSON_TEXT.search(value):
                    problems.append(f"{name}: <{element.tag} {attribute}="
                        f"\"{value}\"> is PYSON written as text: put it in "
                        "view_attributes()")
        base = view.inherit or view
        bases.setdefault(base.id, (base, name))
    for base, name in bases.values():
        if base.type not in {'tree', 'form'} or not base.model:
            continue
        Model = pool.get(base.model)
        result = Model.fields_view_get(view_id=base.id, view_type=base.type)
        root = etree.fromstring(result['arch'].encode())
        parsers = ['FormXMLViewParser'] if base.type == 'form' else [
            'TreeXMLViewParser']
        if base.type == 'tree' and root.get('editable'):
            parsers.append('EditableTree')
        for element in root.iter('field'):
            field = result['fields'].get(element.get('name'), {})
            widget = element.get('widget') or field.get('type')
            for parser in parsers:
                if widget not in widgets[parser]:
                    problems.append(f"{name}: field {element.get('name')} "
                        f"({field.get('type')}) has no {widget} widget in "
                        f"sao's {parser}: give it a widget sao has (date "
                        "and time for a timestamp in a list)")
    return problems


def menu_problems(modules):
    """The menu entries of modules that some users see but whose action
    they may not run (sao then does nothing on the click).  Run in a
    transaction; return texts."""
    from trytond.pool import Pool
    pool = Pool()
    Menu = pool.get('ir.ui.menu')
    ModelData = pool.get('ir.model.data')

    def seen_by(menu):
        "The groups that see menu, None for everyone"
        groups = set(menu.groups) or None
        if menu.parent:
            parent = seen_by(menu.parent)
            if groups is None:
                groups = parent
            elif parent is not None:
                groups &= parent
        return groups

    problems = []
    for data in ModelData.search([
                ('model', '=', 'ir.ui.menu'),
                ('module', 'in', list(modules))]):
        menu = Menu(data.db_id)
        if not menu.action:
            continue
        allowed = set(menu.action.action.groups)
        if not allowed:
            continue
        seen = seen_by(menu)
        others = (seen - allowed) if seen is not None else None
        if seen is None or others:
            names = ', '.join(sorted(g.name for g in others)) if others else (
                "everyone")
            problems.append(f"{data.module}.{data.fs_id} "
                f"({menu.complete_name}) is seen by {names}, whose groups "
                "may not run its action: give the menu the action's groups")
    return problems


# --- Driving sao by field and button names -----------------------------
# Generic helpers for scenario tests (tests/test_sao_story.py and others).
# They work by field and button names and by record ids, not by texts.

# Mark the row of the main menu showing the ir.ui.menu record id (among the
# rows drawn, expanded children included)
MARK_MENU = """(id) => {
    const screen = Sao.main_menu_screen;
    if (!screen || !screen.current_view) {
        return false;
    }
    const find = (rows) => {
        for (const row of rows) {
            if (row.record.id == id) {
                return row;
            }
            const found = find(row.rows || []);
            if (found) {
                return found;
            }
        }
        return null;
    };
    const row = find(screen.current_view.rows);
    jQuery('[data-story-menu]').removeAttr('data-story-menu');
    if (!row) {
        return false;
    }
    row.el.attr('data-story-menu', id);
    return true;
}"""

# Mark the notebook tabs to click to show the element marked
# data-story-target in the current tab (outer notebooks first)
MARK_PAGES = """() => {
    const target = jQuery('[data-story-target]').first();
    const links = [];
    target.parents('.tab-pane[role=tabpanel]').each((i, pane) => {
        links.unshift(pane.id);
    });
    jQuery('[data-story-page]').removeAttr('data-story-page');
    links.forEach((id, i) => {
        jQuery(`a[href="#${id}"]`).attr('data-story-page', i);
    });
    return links.length;
}"""

# Mark the widget of the field name of the current tab's form (the element
# of a One2Many or Many2Many, which has no name attribute)
MARK_WIDGET = """(name) => {
    const tab = Sao.Tab.tabs.get_current();
    const view = tab.screen.current_view;
    const widgets = (view.widgets || {})[name] || [];
    jQuery('[data-story-widget]').removeAttr('data-story-widget');
    if (!widgets.length) {
        return false;
    }
    widgets[0].el.attr('data-story-widget', name);
    return true;
}"""

# The text a field shows in the current tab's form
WIDGET_TEXT = """(name) => {
    const tab = Sao.Tab.tabs.get_current();
    const record = tab.screen.current_record;
    return record ? record.field_get_client(name) : null;
}"""


def click_menu(client, menu_ids):
    """Click the main menu's entries menu_ids (ir.ui.menu ids from the top
    one down): parents expand, the last opens its action"""
    page = client.page
    for menu_id in menu_ids:
        deadline = time.monotonic() + 30
        while not page.evaluate(MARK_MENU, menu_id):
            if time.monotonic() > deadline:
                raise AssertionError(f"menu {menu_id} is not shown")
            time.sleep(0.1)
        row = page.locator(f'#menu tr[data-story-menu="{menu_id}"]')
        row.locator('td[headers]').first.click()
        client.wait()


def wait_for_view(client, view_type, timeout=30):
    "Until the current tab shows a view of view_type; what it shows"
    deadline = time.monotonic() + timeout
    while True:
        client.wait()
        tab = client.tab() or {}
        if tab.get('view_type') == view_type:
            return tab
        if time.monotonic() > deadline:
            raise AssertionError(f"no {view_type} view shown: {tab}")
        time.sleep(0.2)


def pane(client):
    "The active tab's content"
    return client.page.locator('#tabcontent > .tab-pane.active')


def dialog(client):
    "The dialog on top"
    return client.page.locator('.modal:visible').last


def show(client, locator):
    "Open the notebook pages that hold locator's element"
    locator.first.evaluate("el => el.setAttribute('data-story-target', 1)")
    try:
        count = client.page.evaluate(MARK_PAGES)
        for i in range(count):
            client.page.locator(f'a[data-story-page="{i}"]').click()
            client.wait()
    finally:
        client.page.evaluate(
            "() => jQuery('[data-story-target]').removeAttr("
            "'data-story-target')")


def widget(client, name):
    "The widget of the field name in the current tab's form, shown"
    if not client.page.evaluate(MARK_WIDGET, name):
        raise AssertionError(f"the form has no field {name}")
    locator = pane(client).locator(f'[data-story-widget="{name}"]')
    show(client, locator)
    return locator


def field(scope, name):
    "The input, textarea or select of the field name in scope"
    return scope.locator(
        f'input[name="{name}"], textarea[name="{name}"], '
        f'select[name="{name}"]').first


def visible(client, locator):
    "locator, its notebook pages opened"
    if not locator.is_visible():
        show(client, locator)
    return locator


def settled(client, locator, value, act, tries=5):
    """Do act until the element of locator keeps value once sao stops
    loading (a dialog still drawing its defaults may redraw the field)"""
    for _ in range(tries):
        act()
        client.wait()
        if locator.input_value() == value:
            return
        client.page.wait_for_timeout(300)
    raise AssertionError(
        f"{locator} shows {locator.input_value()!r}, not {value!r}")


def type_in(client, scope, name, text):
    "Type text in the field name (Char, Text) as a person does"
    entry = visible(client, field(scope, name))

    def act():
        entry.fill(text)
        entry.dispatch_event('change')
    settled(client, entry, text, act)


def choose(client, scope, name, value):
    "Choose the value (its key) of the selection field name"
    select = visible(client, field(scope, name))
    settled(client, select, json.dumps(value),
        lambda: select.select_option(value=json.dumps(value)))


def tick(client, scope, name, value=True):
    "Tick (or untick) the check box of the field name"
    box = visible(client,
        scope.locator(f'input[type=checkbox][name="{name}"]').first)
    if box.is_checked() != value:
        box.click()
    client.wait()


def pick(client, scope, name, text):
    """Type text in the Many2One or Many2Many field name and click the
    first proposal that shows text"""
    entry = visible(client, scope.locator(f'input[name="{name}"]').first)
    # a Many2One with a value proposes nothing: clear it as a person does
    entry.click()
    entry.press('Control+a')
    entry.press('Backspace')
    entry.fill(text)
    menu = entry.locator('xpath=ancestor::div[contains(@class,"dropdown")]'
        '[1]')
    proposal = menu.locator('li.completion', has_text=text).first
    # a loaded machine may answer the completion's search after the
    # dialog's defaults reset the entry: type it again, as a person does
    for attempt in range(3):
        try:
            proposal.wait_for(timeout=10_000)
            break
        except Exception as error:  # playwright's TimeoutError
            if 'Timeout' not in type(error).__name__ or attempt == 2:
                raise
            client.wait()
            entry.fill('')
            entry.fill(text)
    proposal.click()
    client.wait()


def create_from(client, scope, name, text):
    """Type text in the Many2One field name and choose Create... (Maak ...):
    the new record's form opens in a dialog"""
    entry = visible(client, scope.locator(f'input[name="{name}"]').first)
    entry.fill(text)
    menu = entry.locator('xpath=ancestor::div[contains(@class,"dropdown")]'
        '[1]')
    action = menu.locator('li.action-create')
    action.wait_for()
    action.click()
    client.page.locator('.modal:visible .modal-footer').last.wait_for()
    client.wait()


def press(client, name, timeout=10):
    """Click the form's button name and wait for the dialog it opens or for
    sao to stop loading"""
    button = pane(client).locator(f'button[name="{name}"]:visible').first
    expect(button).to_be_enabled()
    count = client.page.locator('.modal:visible').count()
    button.click()
    deadline = time.monotonic() + timeout
    while (client.page.locator('.modal:visible').count() <= count
            and time.monotonic() < deadline):
        if client.page.evaluate(
                "() => !jQuery.active && !jQuery('#processing')"
                ".is(':visible')"):
            break
        time.sleep(0.1)
    client.wait(timeout=max(timeout, 30))
    if client.page.locator('.modal:visible').count() > count:
        # a dialog that opened may still send its on_change calls after a
        # pause longer than QUIET on a loaded machine: let them land
        # before anything is typed in it
        client.page.wait_for_timeout(500)
        client.wait(timeout=max(timeout, 30))


def press_in_row(client, row, name):
    """Click the button name of the list's row: sao runs a list's button
    only for the current record, so the row is clicked first"""
    row.locator('td[data-title]').first.click()
    client.wait()
    row.locator(f'button[name="{name}"]').click()
    dialog(client).locator('.modal-footer').wait_for()
    client.wait()


def confirm(client, timeout=30):
    """Press the default button of the dialog on top (a wizard's action,
    a form dialog's OK) and wait until the dialog is gone"""
    top = dialog(client)
    handle = top.element_handle()
    top.locator('.modal-footer button.btn-primary').last.click()
    handle.wait_for_element_state('hidden', timeout=timeout * 1000)
    client.wait(timeout=timeout)


def save(client):
    "The toolbar's save button"
    pane(client).locator('.toolbar button#save').click()
    client.wait()


def new_record(client):
    "The toolbar's new button"
    pane(client).locator('.toolbar button#new_').click()
    client.wait()


def open_row(client, text):
    """Open in the form the row of the current list that shows text; a list
    draws 20 rows at a time: press More, as a person does, until it shows"""
    row = pane(client).locator('table tbody tr:visible', has_text=text)
    more = pane(client).locator('table tbody tr.more-row button')
    for _ in range(50):
        if row.count() or not more.count():
            break
        # the button goes away once pressed: no pointer retries on it
        more.first.dispatch_event('click')
        client.wait()
    row.first.locator('td[data-title]').first.dblclick()
    client.wait()


def shown(client, name):
    "What the current form shows for the field name"
    return client.page.evaluate(WIDGET_TEXT, name)
