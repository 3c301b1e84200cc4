# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The main story of seed 000, end to end, by clicking in the web client.

A real trytond serves sao (8.0) and the portal; Debian's Chromium plays
each staff member in their own browser context, in Dutch.  Every step is
done as a person does it: menus, rows, form fields, the form's buttons,
the wizards' dialogs.  JSON-RPC is used only to set up the municipality
and to check what each step did.

1. the receiver registers a phone complaint of a new caller, created from
   the complainant field (Maak ...), and presses Registreren;
2. the coordinator adds the observer, who takes notice from his task
   inbox with a comment that goes to the complaint's conversation;
3. the coordinator asks the complainant for information, then declares
   the complaint admissible for Burgerzaken and handler1;
4. handler1 sends it back with remarks;
5. the coordinator declares it admissible again, for Omgeving and
   handler3;
6. handler3 asks internal advice (handler2 of Burgerzaken) and external
   advice (an e-mail address) and a sub-investigation of Burgerzaken,
   which handler1 reports on from Klachten > Deelonderzoeken; handler3
   reads it on the complaint, writes the report and finalises it: the
   report's PDF shows under Documents;
7. the coordinator finds the investigation neutral and concludes, with a
   reply and feedback asked;
8. the citizen disagrees through the link in the e-mail (read off the
   SMTP server) in Chromium;
9. the coordinator sees the complaint back in evaluation in the form.

Each step keeps a screenshot in var/test-results/sao-story/NN-<step>.png;
a failing step keeps NN-<step>-FAILED.png and names the step.
"""
import contextlib
import json
import re
import shutil
import time
import unittest
import zipfile
from pathlib import Path

from playwright.sync_api import expect

from klachten_base.tests.sao import (
    Chromium, SaoSite, WebClient, choose, click_menu, confirm, create_from,
    dialog, field, new_record, open_row, pane, pick, press, press_in_row,
    results_dir, save, show, shown, tick, type_in, wait_for_view, widget)
from klachten_base.tests.tools import password
from klachten_portal import messages
from klachten_portal.tests.browser import set_up_database
from trytond.pool import Pool
from trytond.transaction import Transaction

MODULES = ['klachten_base', 'klachten_portal', 'klachten_advies',
    'klachten_report', 'klachten_notula']
TOP = Path(__file__).resolve().parent.parent
RESULTS = results_dir('sao-story')

CALLER = "Jozef Verbeke"
CALLER_EMAIL = 'jozef.verbeke@example.org'
EXPERT_EMAIL = 'expert@boomzorg.example.org'
FINALISE_TIMEOUT = 180  # seconds: the report's PDF is made by LibreOffice


def _(key, **kwargs):
    "The Dutch text of the portal's message key"
    return messages.gettext('nl', key, **kwargs)


def label(key):
    "A portal field's label: its text and (niet) verplicht"
    return re.compile('^' + re.escape(_(key)) + r'(\s|$)')


# --- The story ---------------------------------------------------------

class SaoStoryTestCase(unittest.TestCase):
    "Seed 000's complaint from the phone call to the citizen's disagreement"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        start = time.monotonic()
        cls.db = set_up_database(cls, MODULES, languages=['nl'])
        cls.set_up_municipality()
        cls.site = SaoSite(cls.db).start()
        cls.addClassCleanup(cls.site.stop)
        cls.chromium = Chromium().start()
        cls.addClassCleanup(cls.chromium.stop)
        cls.clients = {}
        cls.setup_seconds = time.monotonic() - start
        shutil.rmtree(RESULTS, ignore_errors=True)
        RESULTS.mkdir(parents=True, exist_ok=True)

    @classmethod
    def set_up_municipality(cls):
        """Dutch for the staff and the municipality, feedback on request,
        the coordinator's contact, and the menu ids the story clicks"""
        with Transaction().start(cls.db, 0) as transaction:
            pool = Pool(cls.db)
            Lang = pool.get('ir.lang')
            User = pool.get('res.user')
            Company = pool.get('company.company')
            Party = pool.get('party.party')
            Configuration = pool.get('klachten.configuration')
            ModelData = pool.get('ir.model.data')
            nl, = Lang.search([('code', '=', 'nl')])
            User.write(User.search([('login', '!=', 'admin')]),
                {'language': nl.id})
            Party.write([c.party for c in Company.search([])],
                {'lang': nl.id})
            configuration = Configuration(1)
            configuration.feedback = 'on_request'
            configuration.coordinator_contact = (
                "Klachtendienst, klachten@example.org, 09 000 00 00")
            # Agenderen, to the college by default
            configuration.agenda = True
            configuration.notula_body = ModelData.get_id(
                'klachten_notula', 'body_college')
            configuration.save()

            def menu(*names):
                return [ModelData.get_id('klachten_base', n) for n in names]
            cls.menus = {
                'complaints': menu('menu_klachten', 'menu_complaint_form'),
                'my_tasks': menu(
                    'menu_klachten', 'menu_tasks', 'menu_task_mine'),
                'sub_investigations': menu(
                    'menu_klachten', 'menu_sub_investigation_form'),
                }
            transaction.commit()

    def setUp(self):
        super().setUp()
        start = self.site.log_size()
        self.addCleanup(lambda: print(
                "trytond:\n" + self.site.log(size=20000, start=start)))
        self.steps = []
        self.step_number = 0
        self.coordinator = self.site.back_office('coordinator')

    # Staff in sao
    def client(self, login):
        "The staff member login in sao, logged in once"
        if login not in self.clients:
            client = WebClient(
                self.chromium.browser, self.site, login, password(login))
            self.addCleanup(client.close)
            client.login()
            # the login actions (the task inbox) open their tabs
            client.page.wait_for_timeout(500)
            client.wait()
            self.clients[login] = client
        client = self.clients[login]
        self.current = client
        return client

    @contextlib.contextmanager
    def step(self, name, client=None):
        """A step of the story: its screenshot when it ends, and the name of
        the step (and a screenshot) when it fails; no error in the page"""
        self.step_number += 1
        slug = f'{self.step_number:02d}-{name}'
        start = time.monotonic()
        self.current = client
        try:
            yield
            if hasattr(self.current, 'take_errors'):
                errors = self.current.take_errors()
                self.assertEqual(errors, [], msg=f"errors in sao at {slug}")
        except BaseException as error:
            path = RESULTS / f'{slug}-FAILED.png'
            page = getattr(self.current, 'page', self.current)
            with contextlib.suppress(Exception):
                page.screenshot(path=str(path))
            raise AssertionError(
                f"step {slug} failed ({path}): "
                f"{type(error).__name__}: {error}") from error
        else:
            page = getattr(self.current, 'page', self.current)
            if page is not None:
                page.screenshot(path=str(RESULTS / f'{slug}.png'))
        self.steps.append((slug, time.monotonic() - start))

    def open_complaint(self, client, number):
        "Klachten > Klachten, the tab All, the complaint's row"
        client.close_tabs()
        click_menu(client, self.menus['complaints'])
        tab = wait_for_view(client, 'tree')
        client.switch_tab_domain(tab['tabs'][-1]['index'])
        open_row(client, number)
        wait_for_view(client, 'form')
        self.assertEqual(shown(client, 'number'), number)

    def complaint(self, *fields):
        return self.coordinator.read(
            'klachten.complaint', self.complaint_id, list(fields))

    def test_story(self):
        "A phone complaint through every phase, by clicking in sao"
        start = time.monotonic()
        self.register()
        self.take_notice()
        self.evaluate()
        self.send_back()
        self.reassign()
        self.investigate()
        self.put_on_agenda()
        self.conclude()
        self.disagree()
        self.back_in_evaluation()
        seconds = time.monotonic() - start
        lines = [f"{slug}: {took:.1f} s" for slug, took in self.steps]
        lines.append(f"set-up: {self.setup_seconds:.1f} s, story: "
            f"{seconds:.1f} s")
        (RESULTS / 'timings.txt').write_text('\n'.join(lines) + '\n')
        print('\n'.join(lines))

    # 1. The receiver registers a phone complaint of a new caller
    def register(self):
        receiver = self.client('receiver')
        with self.step('receiver-new-complaint', receiver):
            click_menu(receiver, self.menus['complaints'])
            new_record(receiver)
            form = pane(receiver)
            choose(receiver, form, 'channel', 'phone')
            type_in(receiver, form, 'short_description',
                "Stoep al drie weken opgebroken")
            type_in(receiver, form, 'description',
                "De heer Verbeke belt: de stoep voor zijn huis in de "
                "Kerkstraat ligt sinds drie weken open, zonder "
                "afsluiting. Zijn moeder viel er bijna.")
        with self.step('receiver-create-caller', receiver):
            show(receiver, field(form, 'complainant'))
            create_from(receiver, form, 'complainant', CALLER)
            party = dialog(receiver)
            expect(field(party, 'name')).to_have_value(CALLER)
            contacts = party.locator('.form-one2many').filter(
                has=receiver.page.locator('label.form-one2many-string',
                    has_text=self.field_string(
                        'party.party', 'contact_mechanisms')))
            new = receiver.page.evaluate("() => Sao.i18n.gettext('New')")
            contacts.locator(
                f'.form-one2many-toolbar button[aria-label="{new}"]'
                ).first.click()
            receiver.wait()
            row = contacts.locator('table tbody tr').first
            choose(receiver, row, 'type', 'email')
            type_in(receiver, row, 'value', CALLER_EMAIL)
        with self.step('receiver-caller-created', receiver):
            confirm(receiver)
            self.assertEqual(shown(receiver, 'complainant'), CALLER)
        with self.step('receiver-registered', receiver):
            press(receiver, 'register')
            tab = receiver.tab()
            self.assertEqual(tab['state'], 'evaluation')
            self.number = shown(receiver, 'number')
            self.assertTrue(re.match(r'^K\d{4}-\d+$', self.number),
                self.number)
            self.complaint_id = tab['record']
            complaint = self.complaint(
                'channel', 'complainant', 'complainant_email', 'received_by')
            self.assertEqual(complaint['channel'], 'phone')
            self.assertEqual(complaint['complainant_email'], CALLER_EMAIL)
            party = self.coordinator.read('party.party',
                complaint['complainant'], ['name', 'lang'])
            self.assertEqual(party['name'], CALLER)
            self.assertEqual(self.coordinator.read('ir.lang', party['lang'],
                    ['code'])['code'], 'nl')

    def field_string(self, model, name):
        "The label of the field name of model, as the coordinator reads it"
        return self.coordinator.call(model, 'fields_get', [name])[name][
            'string']

    # 2. The observer takes notice with a comment
    def take_notice(self):
        coordinator = self.client('coordinator')
        with self.step('coordinator-adds-observer', coordinator):
            self.open_complaint(coordinator, self.number)
            observers = widget(coordinator, 'observers')
            pick(coordinator, observers, 'observers', 'Observer')
            save(coordinator)
            self.assertEqual(len(self.complaint('observers')['observers']),
                1)
        observer = self.client('observer')
        comment = "Gezien; ik volg dit op met de wegendienst."
        with self.step('observer-task-inbox', observer):
            click_menu(observer, self.menus['my_tasks'])
            row = pane(observer).locator('table tbody tr:visible',
                has_text=self.number)
            expect(row).to_have_count(1)
            press_in_row(observer, row, 'take_notice_wizard')
            type_in(observer, dialog(observer), 'comment', comment)
        with self.step('observer-took-notice', observer):
            confirm(observer)
            task, = self.coordinator.search_read('klachten.task', [
                    ('complaint', '=', self.complaint_id),
                    ('kind', '=', 'take_notice')], ['state', 'comment'])
            self.assertEqual(task['state'], 'done')
            self.assertEqual(task['comment'], comment)
            self.assertIn(comment, self.conversation())

    def conversation(self):
        "The texts of the complaint's conversation"
        return [m['content'] for m in self.coordinator.call(
                'ir.chat.channel', 'get',
                f'klachten.complaint,{self.complaint_id}')]

    # 3. The coordinator asks for information, then declares admissible
    def evaluate(self):
        coordinator = self.client('coordinator')
        question = "Sinds welke datum precies ligt de stoep open?"
        with self.step('coordinator-asks-information', coordinator):
            self.open_complaint(coordinator, self.number)
            press(coordinator, 'request_information_wizard')
            wizard = dialog(coordinator)
            choose(coordinator, wizard, 'recipient', 'complainant')
            type_in(coordinator, wizard, 'question', question)
        with self.step('coordinator-asked-information', coordinator):
            confirm(coordinator)
            request, = self.coordinator.search_read(
                'klachten.information.request',
                [('complaint', '=', self.complaint_id)],
                ['question', 'state', 'delivery'])
            self.assertEqual(request['question'], question)
            self.assertIn('email', request['delivery'])
        with self.step('coordinator-declares-admissible', coordinator):
            self.admit(coordinator, 'Burgerzaken', 'Handler1')
        with self.step('coordinator-declared-admissible', coordinator):
            confirm(coordinator)
            self.assert_handler('investigation', 'BZ', 'handler1')

    def admit(self, client, department, user):
        press(client, 'admissible_wizard')
        wizard = dialog(client)
        pick(client, wizard, 'subject', 'Dienstverlening')
        choose(client, wizard, 'basis', 'communication')
        choose(client, wizard, 'concerns', 'department')
        pick(client, wizard, 'handler_department', department)
        pick(client, wizard, 'handler_user', user)
        tick(client, wizard, 'inform')
        type_in(client, wizard, 'note',
            f"Uw klacht is ontvankelijk; {department} onderzoekt ze.")

    def assert_handler(self, state, department, login):
        complaint = self.complaint(
            'state', 'handler_department.code', 'handler_user.login')
        self.assertEqual(complaint['state'], state)
        self.assertEqual(complaint['handler_department.']['code'],
            department)
        self.assertEqual(complaint['handler_user.']['login'], login)
        self.assertEqual(self.current.tab()['state'], state)

    # 4. The handler sends it back with remarks
    def send_back(self):
        handler = self.client('handler1')
        remarks = "Dit is openbaar domein: Omgeving beheert de stoepen."
        with self.step('handler1-sends-back', handler):
            self.open_complaint(handler, self.number)
            press(handler, 'send_back_wizard')
            type_in(handler, dialog(handler), 'remarks', remarks)
        with self.step('handler1-sent-back', handler):
            confirm(handler)
            complaint = self.complaint('state', 'send_back_remarks')
            self.assertEqual(complaint['state'], 'evaluation')
            self.assertEqual(complaint['send_back_remarks'], remarks)

    # 5. The coordinator reassigns
    def reassign(self):
        coordinator = self.client('coordinator')
        with self.step('coordinator-reassigns', coordinator):
            self.open_complaint(coordinator, self.number)
            self.assertIn("Omgeving", shown(coordinator, 'send_back_remarks'))
            self.admit(coordinator, 'Omgeving', 'Handler3')
        with self.step('coordinator-reassigned', coordinator):
            confirm(coordinator)
            self.assert_handler('investigation', 'OM', 'handler3')

    # 6. The new handler asks advice and finalises the report
    def investigate(self):
        handler = self.client('handler3')
        with self.step('handler3-asks-internal-advice', handler):
            self.open_complaint(handler, self.number)
            press(handler, 'request_advice_wizard')
            wizard = dialog(handler)
            choose(handler, wizard, 'kind', 'internal')
            type_in(handler, wizard, 'question',
                "Kreeg Burgerzaken eerder meldingen over deze stoep?")
            pick(handler, wizard, 'advisor_department', 'Burgerzaken')
            pick(handler, wizard, 'advisor_user', 'Handler2')
        with self.step('handler3-asked-internal-advice', handler):
            confirm(handler)
        with self.step('handler3-asks-external-advice', handler):
            press(handler, 'request_advice_wizard')
            wizard = dialog(handler)
            choose(handler, wizard, 'kind', 'external')
            type_in(handler, wizard, 'question',
                "Was de werf volgens de regels afgesloten?")
            type_in(handler, wizard, 'advisor_name', "Boomzorg Expert")
            type_in(handler, wizard, 'advisor_email', EXPERT_EMAIL)
        with self.step('handler3-asked-external-advice', handler):
            confirm(handler)
            advice = self.coordinator.search_read('klachten.advice.request',
                [('complaint', '=', self.complaint_id)],
                ['kind', 'state', 'advisors', 'advisor_email'])
            advice.sort(key=lambda a: a['id'])
            self.assertEqual([a['kind'] for a in advice],
                ['internal', 'external'])
            self.assertEqual({a['state'] for a in advice}, {'requested'})
            handler2 = self.coordinator.id(
                'res.user', [('login', '=', 'handler2')])
            self.assertEqual(advice[0]['advisors'], [handler2])
            self.assertEqual(advice[1]['advisor_email'], EXPERT_EMAIL)
        question = "Liep er bij Burgerzaken een vergunning voor de werf?"
        with self.step('handler3-asks-sub-investigation', handler):
            press(handler, 'sub_investigation_wizard')
            wizard = dialog(handler)
            pick(handler, wizard, 'department', 'Burgerzaken')
            type_in(handler, wizard, 'question', question)
        with self.step('handler3-asked-sub-investigation', handler):
            confirm(handler)
            sub, = self.coordinator.search_read('klachten.sub_investigation',
                [('complaint', '=', self.complaint_id)],
                ['state', 'question', 'department.name'])
            self.assertEqual((sub['state'], sub['question'],
                    sub['department.']['name']),
                ('open', question, 'Burgerzaken'))
        sub_investigator = self.client('handler1')
        with self.step('handler1-reports-sub-investigation',
                sub_investigator):
            # Klachten > Deelonderzoeken, the tab Mine: the question, the
            # Report wizard
            sub_investigator.close_tabs()
            click_menu(sub_investigator, self.menus['sub_investigations'])
            wait_for_view(sub_investigator, 'tree')
            open_row(sub_investigator, question)
            wait_for_view(sub_investigator, 'form')
            press(sub_investigator, 'report_wizard')
            wizard = dialog(sub_investigator)
            type_in(sub_investigator, wizard, 'report',
                "Ja, de nutsmaatschappij had een vergunning tot 10 maart.")
            confirm(sub_investigator)
            sub, = self.coordinator.search_read('klachten.sub_investigation',
                [('complaint', '=', self.complaint_id)],
                ['state', 'report'])
            self.assertEqual(sub['state'], 'reported')
            self.assertIn("vergunning tot 10 maart", sub['report'])
        with self.step('handler3-reads-sub-investigation', handler):
            handler.reload()
            # sao draws a form's One2Many rows on its More button
            sub_investigations = widget(handler, 'sub_investigations')
            more = sub_investigations.locator('tr.more-row button')
            if more.count():
                more.first.dispatch_event('click')
                handler.wait()
            expect(sub_investigations).to_contain_text(
                "vergunning tot 10 maart")
        with self.step('handler3-writes-report', handler):
            form = pane(handler)
            type_in(handler, form, 'report',
                "De nutsmaatschappij liet de sleuf open zonder hekken; "
                "Omgeving liet ze dichten op 12 maart.")
            choose(handler, form, 'outcome', 'founded_corrected')
            type_in(handler, form, 'outcome_motivation',
                "De werf was niet afgesloten; dat is intussen hersteld.")
            type_in(handler, form, 'solution',
                "De stoep is hersteld en de aannemer kreeg een "
                "aanmaning.")
            save(handler)
        with self.step('handler3-finalised-report', handler):
            press(handler, 'finalise_report', timeout=FINALISE_TIMEOUT)
            self.assertEqual(handler.tab()['state'], 'conclusion')
            document, = self.coordinator.search_read('klachten.document',
                [('complaint', '=', self.complaint_id),
                    ('kind', '=', 'investigation_report')],
                ['pdf_name', 'pdf_error'])
            self.assertTrue(document['pdf_name'].endswith('.pdf'),
                document)
            self.assertFalse(document['pdf_error'])
            # the Documents page lists it (besides the letters), with a PDF
            documents = widget(handler, 'documents')
            kind = dict(self.coordinator.call('klachten.document',
                    'fields_get', ['kind'])['kind']['selection'])[
                'investigation_report']
            rows = documents.locator('table tbody tr:visible')
            expect(rows).to_have_count(self.coordinator.call(
                    'klachten.document', 'search_count',
                    [('complaint', '=', self.complaint_id)]))
            report = rows.filter(has_text=kind)
            expect(report).to_have_count(1)
            expect(report).to_contain_text('kB')  # the PDF's size
            self.assertEqual(self.complaint('state')['state'], 'conclusion')

    # 7. The coordinator puts the complaint on the college's agenda
    # (Agenderen, manual connector) and records the college's decision
    def put_on_agenda(self):
        coordinator = self.client('coordinator')
        self.decision = ("Het college neemt kennis van de klacht: de stoep "
            "is hersteld en de aannemer werd aangemaand.")
        with self.step('coordinator-puts-on-agenda', coordinator):
            self.open_complaint(coordinator, self.number)
            press(coordinator, 'put_on_agenda')
            wizard = dialog(coordinator)
            # prefilled: the title, the report as motivation, the college
            expect(field(wizard, 'title')).to_have_value(
                re.compile(re.escape(self.number)))
            expect(field(wizard, 'motivation')).to_have_value(
                re.compile("nutsmaatschappij"))
            expect(wizard.locator('input[name="body"]').first
                ).to_have_value(re.compile("College"))
        with self.step('coordinator-made-draft-decision', coordinator):
            confirm(coordinator)
            wait_for_view(coordinator, 'form')
            proposal, = self.coordinator.search_read(
                'klachten.notula.proposal',
                [('complaint', '=', self.complaint_id)],
                ['state', 'connector', 'attachments'])
            self.assertEqual(proposal['state'], 'draft')
            self.assertEqual(proposal['connector'], 'manual')
            # the investigation report's PDF goes with it by default
            self.assertEqual(len(proposal['attachments']), 1)
            self.proposal_id = proposal['id']
        with self.step('coordinator-downloads-package', coordinator):
            press(coordinator, 'download')
            wizard = dialog(coordinator)
            size = wizard.locator('input[name="file"]').first
            expect(size).not_to_have_value('')
            # the widget's Save As button: sao hands the zip to the browser
            with coordinator.page.expect_download() as download:
                size.locator('xpath=ancestor::div[contains(@class,'
                    '"input-group")][1]').locator('button').first.click()
            self.assertTrue(
                download.value.suggested_filename.endswith('.zip'))
            with zipfile.ZipFile(download.value.path()) as package:
                names = package.namelist()
                description = json.loads(package.read('besluit.json'))
            self.assertIn('ontwerpbesluit.docx', names)
            self.assertTrue(any(n.startswith('bijlagen/') for n in names))
            # the complainant's name is left out
            self.assertNotIn("Verbeke", json.dumps(
                    description, ensure_ascii=False))
            expect(coordinator.page.locator('.modal:visible')
                ).to_have_count(1)
            confirm(coordinator)
        with self.step('coordinator-records-reference', coordinator):
            press(coordinator, 'record_reference')
            type_in(coordinator, dialog(coordinator), 'reference',
                '2026_CBS_00042')
            confirm(coordinator)
        with self.step('coordinator-records-decision', coordinator):
            press(coordinator, 'decide_wizard')
            wizard = dialog(coordinator)
            # the proposed decision is offered as the decision
            expect(field(wizard, 'decision_text')).not_to_have_value('')
            type_in(coordinator, wizard, 'decision_text', self.decision)
            confirm(coordinator)
            proposal = self.coordinator.read('klachten.notula.proposal',
                self.proposal_id, ['state', 'reference', 'decision_text'])
            self.assertEqual(proposal['state'], 'decided')
            self.assertEqual(proposal['reference'], '2026_CBS_00042')
            self.assertEqual(proposal['decision_text'], self.decision)

    # 8. The coordinator checks neutrality and concludes with the
    # college's decision as the reply, asking for feedback
    def conclude(self):
        coordinator = self.client('coordinator')
        self.reply = self.decision
        with self.step('coordinator-neutrality-check', coordinator):
            self.open_complaint(coordinator, self.number)
            report = widget(coordinator, 'report')
            expect(report.locator('textarea')).to_have_value(
                re.compile("nutsmaatschappij"))
            # neutral: not "Niet neutraal" but Afhandelen
            expect(pane(coordinator).locator(
                    'button[name="not_neutral_wizard"]').first
                ).to_be_visible()
        with self.step('coordinator-concludes', coordinator):
            press(coordinator, 'conclude_wizard')
            wizard = dialog(coordinator)
            expect(field(wizard, 'conclusion')).not_to_have_value('')
            tick(coordinator, wizard, 'inform')
            # the college's decision is the reply
            expect(field(wizard, 'reply')).to_have_value(self.reply)
            tick(coordinator, wizard, 'request_feedback')
        with self.step('coordinator-concluded', coordinator):
            confirm(coordinator)
            complaint = self.complaint('state', 'reply', 'feedback_requested')
            self.assertEqual(complaint['state'], 'feedback')
            self.assertEqual(complaint['reply'], self.reply)
            self.assertTrue(complaint['feedback_requested'])

    # 9. The citizen disagrees through the e-mailed link
    def disagree(self):
        context = self.chromium.browser.new_context(locale='nl-BE')
        self.addCleanup(context.close)
        page = context.new_page()
        comment = "De stoep is nog altijd niet hersteld, kom kijken."
        with self.step('citizen-disagrees', page):
            self.site.send_mail()
            feedback = self.site.links('feedback', to=CALLER_EMAIL)
            self.assertEqual(len(feedback), 1, feedback)
            page.goto(feedback[0])
            expect(page.locator('main')).to_contain_text(self.reply)
            page.get_by_label(_('feedback_disagree')).check()
            page.get_by_label(label('feedback_comment')).fill(comment)
        with self.step('citizen-disagreed', page):
            page.get_by_role('button', name=_('feedback_send')).click()
            expect(page.get_by_role('heading', level=1)).to_have_text(
                _('feedback_done_disagree'))
            complaint = self.complaint('state', 'feedback', 'feedback_comment')
            self.assertEqual(complaint['feedback'], 'disagree')
            self.assertEqual(complaint['feedback_comment'], comment)

    # 10. Back in evaluation, as the coordinator sees it
    def back_in_evaluation(self):
        coordinator = self.client('coordinator')
        with self.step('coordinator-sees-evaluation', coordinator):
            self.open_complaint(coordinator, self.number)
            tab = coordinator.tab()
            self.assertEqual(tab['state'], 'evaluation')
            state = dict(self.coordinator.call('klachten.complaint',
                    'fields_get', ['state'])['state']['selection'])[
                'evaluation']
            expect(field(pane(coordinator), 'state')).to_have_value(
                json.dumps('evaluation'))
            expect(field(pane(coordinator), 'state').locator(
                    'option:checked')).to_have_text(state)
            expect(pane(coordinator).locator(
                    'button[name="admissible_wizard"]').first
                ).to_be_visible()
            comment = widget(coordinator, 'feedback_comment')
            expect(comment.locator('textarea')).to_have_value(
                re.compile("niet hersteld"))
