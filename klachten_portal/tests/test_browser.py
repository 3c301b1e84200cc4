# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal in a real browser (Chromium) against a real trytond process:
a citizen files a complaint and answers the e-mailed links, staff work
over the web client's JSON-RPC, axe-core checks every page.  The texts
come from messages.py (Dutch), so a reworded text breaks no test."""
import re

from playwright.sync_api import expect

from .. import messages
from .browser import BrowserTestCase, axe, describe_violations
from .tools import PDF, PNG

# field: value, for the fields typed in
COMPLAINT = {
    'name': "Mieke Janssens",
    'email': 'mieke.janssens@example.org',
    'phone': '03 123 45 67',
    'street': "Dorpsstraat 12",
    'postal_code': '2980',
    'city': "Zoersel",
    'short_description': "Containerpark onverwacht gesloten",
    'description': (
        "Ik kwam op zaterdag met mijn aanhangwagen aan.\n"
        "Het containerpark was dicht, zonder bericht op de website."),
    'remedy_sought': "Een bericht op de website bij sluiting",
    }
INCIDENT = '2026-03-14'


def _(key, **kwargs):
    "The Dutch text of key"
    return messages.gettext('nl', key, **kwargs)


def label(key):
    "A field's label: its text and (niet) verplicht"
    return re.compile('^' + re.escape(_(key)) + r'(\s|$)')


class CitizenTestCase(BrowserTestCase):
    "A citizen on the portal, staff in the back office"

    def fill_form(self, page, values=COMPLAINT, files=()):
        for name, value in values.items():
            page.get_by_label(label(name)).fill(value)
        page.get_by_label(label('incident_date')).fill(INCIDENT)
        page.get_by_label(label('department')).select_option(
            label="Burgerzaken")
        if files:
            page.get_by_label(label('attachments')).set_input_files(files)

    def summary(self, page):
        "The review page's rows: {term: description}"
        rows = {}
        for row in page.locator('dl.summary > div').all():
            rows[row.locator('dt').inner_text().strip()] = (
                row.locator('dd').inner_text().strip())
        return rows

    def file_complaint(self, page, values=COMPLAINT, files=()):
        "Fill in the form, Volgende, Indienen: return the number"
        page.goto(self.site.url('complaint'))
        self.fill_form(page, values, files)
        page.get_by_role('button', name=_('next')).click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('review_title'))
        page.get_by_role('button', name=_('submit')).click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('receipt_title'))
        return page.locator('.number').inner_text().strip()

    def test_choose(self):
        """Wat wilt u doen?: axe finds nothing; with the keyboard alone and
        without JavaScript a report leads to where to go, nothing filed,
        and a complaint to the form"""
        page = self.new_page(accessibility=True)
        response = page.goto(self.site.url('choose'))
        self.assertEqual(response.status, 200)
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('choose_title'))
        self.assertEqual(self.keyboard_problems(page), [])
        self.assert_accessible(page)
        page.get_by_role('button', name=_('next')).click()
        expect(page.locator('.error-summary')).to_be_visible()
        self.assert_accessible(page)
        self.assert_no_csp_errors(page)

        page = self.new_page(java_script_enabled=False)
        page.goto(self.site.url('choose'))
        group = page.get_by_role('group', name=_('choose_legend'))
        group.get_by_role('radio', name=_('choose_complaint')).focus()
        page.keyboard.press('ArrowDown')
        expect(group.get_by_role('radio', name=_('choose_report'))
            ).to_be_checked()
        page.keyboard.press('Tab')
        expect(page.get_by_role('button', name=_('next'))).to_be_focused()
        page.keyboard.press('Enter')
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('elsewhere_title_report'))
        self.assertTrue(page.url.endswith('/portal/choose/report?lang=nl'))
        expect(page.get_by_text(_('elsewhere_none'))).to_be_visible()
        page.get_by_role('link', name=_('elsewhere_back')).click()
        page.get_by_label(_('choose_complaint')).check()
        page.get_by_role('button', name=_('next')).click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('form_title'))

    def test_file_complaint(self):
        "Form, Volgende, Vorige, edit, Volgende, Indienen, the back office"
        page = self.new_page()
        response = page.goto(self.site.url('complaint'))
        self.assertEqual(response.status, 200)
        expect(page.locator('html')).to_have_attribute('lang', 'nl')
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('form_title'))
        self.fill_form(page, files=[{'name': 'ticket.pdf',
                    'mimeType': 'application/pdf', 'buffer': PDF}])
        page.get_by_role('button', name=_('next')).click()

        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('review_title'))
        rows = self.summary(page)
        for name, value in COMPLAINT.items():
            self.assertEqual(rows[_(name)], value, name)
        self.assertEqual(rows[_('incident_date')], "14 maart 2026")
        self.assertEqual(rows[_('department')], "Burgerzaken")
        self.assertEqual(rows[_('attachments')], "ticket.pdf")
        self.assertEqual(rows[_('anonymous')], _('no'))

        page.get_by_role('button', name=_('back')).click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('form_title'))
        for name, value in COMPLAINT.items():
            expect(page.get_by_label(label(name))).to_have_value(value)
        expect(page.get_by_label(label('incident_date'))).to_have_value(
            INCIDENT)
        # the file travels with the form without being sent again
        expect(page.get_by_label(re.compile('ticket.pdf'))).not_to_be_checked(
            )
        edited = "Containerpark gesloten zonder aankondiging"
        page.get_by_label(label('short_description')).fill(edited)
        page.get_by_role('button', name=_('next')).click()

        rows = self.summary(page)
        self.assertEqual(rows[_('short_description')], edited)
        self.assertEqual(rows[_('name')], COMPLAINT['name'])
        self.assertEqual(rows[_('attachments')], "ticket.pdf")
        page.get_by_role('button', name=_('submit')).click()

        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('receipt_title'))
        self.assertIn('/portal/complaint/receipt/', page.url)
        number = page.locator('.number').inner_text().strip()
        self.assertTrue(number)
        receipt = page.locator('main').inner_text()
        self.assert_no_csp_errors(page)

        office = self.site.back_office('coordinator')
        complaint, = office.search_read('klachten.complaint',
            [('number', '=', number)], [
                'state', 'channel', 'short_description', 'description',
                'remedy_sought', 'incident_date', 'answer_due',
                'complainant.rec_name', 'concerned_department.rec_name'])
        self.assertEqual(complaint['state'], 'evaluation')
        self.assertEqual(complaint['channel'], 'web_form')
        self.assertEqual(complaint['short_description'], edited)
        self.assertEqual(complaint['description'],
            COMPLAINT['description'])
        self.assertEqual(complaint['remedy_sought'],
            COMPLAINT['remedy_sought'])
        self.assertEqual(complaint['incident_date'].isoformat(), INCIDENT)
        self.assertEqual(
            complaint['complainant.']['rec_name'], COMPLAINT['name'])
        self.assertEqual(
            complaint['concerned_department.']['rec_name'], "Burgerzaken")
        self.assertIn(messages.format_date('nl', complaint['answer_due']),
            receipt)
        attachments = office.search_read('ir.attachment', [
                ('resource', '=', f"klachten.complaint,{complaint['id']}"),
                ], ['name'])
        self.assertEqual([a['name'] for a in attachments], ['ticket.pdf'])

        # the acknowledgement's link shows the complaint
        self.site.send_mail()
        status, = self.site.links('status', to=COMPLAINT['email'])
        page.goto(status)
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('status_title', number=number))
        expect(page.locator('main')).to_contain_text(edited)

    def test_cancelled(self):
        "A cancelled complaint's page shows the explanation, no axe finding"
        email = 'jonas.wuyts@example.org'
        page = self.new_page(accessibility=True)
        number = self.file_complaint(page, {**COMPLAINT, 'email': email})
        self.site.send_mail()
        status, = self.site.links('status', to=email)
        office = self.site.back_office('coordinator')
        complaint_id = office.id(
            'klachten.complaint', [('number', '=', number)])
        reason = "U diende dezelfde klacht twee keer in."
        office.run_wizard('klachten.complaint.cancel', 'klachten.complaint',
            [complaint_id], {'reason': reason, 'inform': True})
        page.goto(status)
        main = page.locator('main')
        expect(main).to_contain_text(_('status_cancelled'))
        expect(main).not_to_contain_text(_('status_no_decisions'))
        expect(main).to_contain_text(reason)
        expect(page.get_by_role('heading', level=3)).to_contain_text(
            _('status_cancel_title'))
        violations = axe(page)
        self.assertEqual(violations, [], describe_violations(violations))

    def test_answer_and_disagree(self):
        "Answer an information request and disagree, from the e-mails"
        email = 'pieter.claes@example.org'
        page = self.new_page()
        number = self.file_complaint(
            page, {**COMPLAINT, 'email': email})
        coordinator = self.site.back_office('coordinator')
        complaint_id = coordinator.id(
            'klachten.complaint', [('number', '=', number)])
        question = "Om hoe laat kwam u aan bij het containerpark?"
        coordinator.run_wizard('klachten.complaint.request_information',
            'klachten.complaint', [complaint_id], {
                'recipient': 'complainant', 'question': question})

        self.site.send_mail()
        information, = self.site.links('information', to=email)
        page.goto(information)
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('information_title', number=number))
        expect(page.locator('main')).to_contain_text(question)
        answer = "Om 10.15 uur, de poort was op slot."
        page.get_by_label(label('information_answer')).fill(answer)
        page.get_by_label(label('attachments')).set_input_files([{
                    'name': 'poort.png', 'mimeType': 'image/png',
                    'buffer': PNG}])
        page.get_by_role('button', name=_('information_send')).click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('information_done'))

        # the coordinator admits, the handler reports, the coordinator
        # concludes and asks for feedback
        coordinator.run_wizard('klachten.complaint.admissible',
            'klachten.complaint', [complaint_id], {
                'subject': coordinator.id('klachten.subject', []),
                'basis': 'treatment',
                'concerned_department': coordinator.id(
                    'klachten.department', [('code', '=', 'BZ')]),
                'handler_department': coordinator.id(
                    'klachten.department', [('code', '=', 'BZ')]),
                'handler_user': coordinator.id(
                    'res.user', [('login', '=', 'handler1')]),
                'inform': False,
                })
        handler = self.site.back_office('handler1')
        handler.call('klachten.complaint', 'write', [complaint_id], {
                'report': "Het park sloot wegens storm.",
                'outcome': 'unfounded',
                'outcome_motivation': "De sluiting stond op de website.",
                })
        handler.call('klachten.complaint', 'finalise_report', [complaint_id])
        reply = "Het containerpark sloot die dag wegens stormschade."
        coordinator.run_wizard('klachten.complaint.conclude',
            'klachten.complaint', [complaint_id], {
                'conclusion': "Ongegrond.", 'inform': True, 'reply': reply,
                'request_feedback': True})
        self.assertEqual(coordinator.read('klachten.complaint', complaint_id,
                ['state'])['state'], 'feedback')

        self.site.send_mail()
        feedback, = self.site.links('feedback', to=email)
        page.goto(feedback)
        expect(page.locator('main')).to_contain_text(reply)
        page.get_by_label(_('feedback_disagree')).check()
        comment = "Op de website stond niets, ik heb een schermafdruk."
        page.get_by_label(label('feedback_comment')).fill(comment)
        page.get_by_role('button', name=_('feedback_send')).click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('feedback_done_disagree'))
        self.assert_no_csp_errors(page)

        complaint = coordinator.read('klachten.complaint', complaint_id, [
                'state', 'feedback', 'feedback_comment',
                'information_requests'])
        self.assertEqual(complaint['state'], 'evaluation')
        self.assertEqual(complaint['feedback'], 'disagree')
        self.assertEqual(complaint['feedback_comment'], comment)
        request, = coordinator.call('klachten.information.request', 'read',
            complaint['information_requests'], ['state', 'answer'])
        self.assertEqual(request['state'], 'answered')
        self.assertEqual(request['answer'], answer)
        names = [a['name'] for a in coordinator.search_read('ir.attachment',
                [('resource', '=', f'klachten.complaint,{complaint_id}')],
                ['name'])]
        self.assertIn('poort.png', names)

        # both links are used up
        for url in [information, feedback]:
            response = page.goto(url)
            self.assertEqual(response.status, 410)
            expect(page.get_by_role('heading', level=1)).to_have_text(
                _('e410_title'))

    def test_accessibility(self):
        """axe-core finds no WCAG 2.1 A or AA violation on any page, in
        Dutch, and Tab reaches every control with a visible focus"""
        email = 'an.wouters@example.org'
        page = self.new_page(accessibility=True)
        checked = []
        found = {}

        def check(name):
            expect(page.locator('html')).to_have_attribute('lang', 'nl')
            violations = axe(page)
            checked.append(name)
            if violations:
                found[name] = describe_violations(violations)
            if keyboard := self.keyboard_problems(page):
                found[f'{name} (keyboard)'] = '\n'.join(keyboard)

        def goto(url, status=200):
            response = page.goto(url)
            self.assertEqual(response.status, status, url)

        goto(self.site.url('complaint'))
        check('form')
        page.get_by_role('button', name=_('next')).click()
        expect(page.locator('.error-summary')).to_be_visible()
        check('form with errors')
        self.fill_form(page, {**COMPLAINT, 'email': email},
            files=[{'name': 'ticket.pdf', 'mimeType': 'application/pdf',
                    'buffer': PDF}])
        page.get_by_role('button', name=_('next')).click()
        check('review')
        page.get_by_role('button', name=_('back')).click()
        check('form with a file')
        page.get_by_role('button', name=_('next')).click()
        page.get_by_role('button', name=_('submit')).click()
        number = page.locator('.number').inner_text().strip()
        check('receipt')

        office = self.site.back_office('coordinator')
        complaint_id = office.id(
            'klachten.complaint', [('number', '=', number)])
        office.run_wizard('klachten.complaint.request_information',
            'klachten.complaint', [complaint_id], {
                'recipient': 'complainant', 'question': "Welk uur?"})
        self.site.send_mail()
        status, = self.site.links('status', to=email)
        goto(status)
        check('status')
        information, = self.site.links('information', to=email)
        goto(information)
        check('information')
        page.get_by_role('button', name=_('information_send')).click()
        expect(page.locator('.error-summary')).to_be_visible()
        check('information with errors')
        self.assert_described(page.get_by_label(label('information_answer')),
            'err_answer')
        page.get_by_label(label('information_answer')).fill("Om 10 uur.")
        page.get_by_role('button', name=_('information_send')).click()
        check('thanks for the information')
        goto(information, 410)
        check('used link (410)')
        goto(self.site.url('information/' + 'x' * 43), 404)
        check('unknown link (404)')

        office.run_wizard('klachten.complaint.inadmissible',
            'klachten.complaint', [complaint_id], {
                'grounds': office.call('klachten.inadmissibility_ground',
                    'search', [], 0, 1, None),
                'motivation': "Dit is een melding, geen klacht.",
                'inform': True, 'request_feedback': True})
        self.site.send_mail()
        feedback, = self.site.links('feedback', to=email)
        goto(feedback)
        check('feedback')
        page.get_by_role('button', name=_('feedback_send')).click()
        expect(page.locator('.error-summary')).to_be_visible()
        check('feedback with errors')
        self.assert_described(page.get_by_role(
                'group', name=label('feedback_choice')), 'err_choice')
        page.get_by_label(_('feedback_agree')).check()
        page.get_by_role('button', name=_('feedback_send')).click()
        check('thanks for agreeing')
        # agreeing closes the complaint: the survey's link is e-mailed
        self.site.send_mail()
        survey, = self.site.links('survey', to=email)
        goto(survey)
        check('survey')
        page.get_by_role('button', name=_('survey_send')).click()
        expect(page.locator('.error-summary')).to_be_visible()
        check('survey with errors')
        self.assert_described(page.get_by_role(
                'group', name=label('survey_score')), 'err_score')
        page.get_by_label(_('survey_score_4')).check()
        page.get_by_role('button', name=_('survey_send')).click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('survey_done'))
        check('thanks for the survey')
        goto(self.site.url('thanks/disagree'))
        check('thanks for disagreeing')

        self.assertEqual(found, {}, '\n\n'.join(
                f'{name}:\n{text}' for name, text in found.items()))
        self.assertEqual(len(checked), 18)

        # axe really checks: a field without a label and grey on white
        page.locator('main').evaluate('''main => main.insertAdjacentHTML(
            'beforeend',
            '<input type="text"><p style="color: #ccc">Grijs op wit</p>')''')
        self.assertEqual({v['id'] for v in axe(page)},
            {'label', 'color-contrast'})

    CONTROLS = 'a[href], button, input:not([type=hidden]), select, textarea'

    def mark_controls(self, page):
        """Name each control of page by its Tab stop (the radio buttons of
        a group share one) and note how it looks without focus; return the
        stops in order"""
        return page.evaluate('''(selector) => {
            const stops = [];
            document.querySelectorAll(selector).forEach((element, index) => {
                const style = getComputedStyle(element);
                const stop = element.type === 'radio'
                    ? 'radio ' + element.name : String(index);
                element.dataset.stop = stop;
                element.blurredLook = [style.outlineStyle,
                    style.outlineWidth, style.boxShadow].join(' ');
                if (!stops.includes(stop)) {
                    stops.push(stop);
                }
            });
            return stops;
        }''', self.CONTROLS)

    def focus_ring(self, page):
        """The focused control (its stop, or None) and whether it shows
        a focus indicator that it does not show without focus"""
        return page.evaluate('''() => {
            const element = document.activeElement;
            const style = getComputedStyle(element);
            const box = element.getBoundingClientRect();
            const look = [style.outlineStyle, style.outlineWidth,
                style.boxShadow].join(' ');
            return {
                stop: element.dataset.stop ?? null,
                element: element.outerHTML.slice(0, 100),
                visible: box.width > 0 && box.height > 0
                    && box.right > 0 && box.bottom > 0,
                indicator: look !== element.blurredLook && (
                    style.outlineStyle !== 'none'
                    && style.outlineWidth !== '0px'
                    || style.boxShadow !== 'none'),
            };
        }''')

    def keyboard_problems(self, page):
        """Tab through page from its start: the controls not reached in
        order and those that do not show their focus"""
        stops = self.mark_controls(page)
        reached, problems = [], []
        # a date field takes a Tab per part (day, month, year)
        for _step in range(4 * len(stops) + 1):
            page.keyboard.press('Tab')
            ring = self.focus_ring(page)
            if ring['stop'] is None:
                break
            if not (ring['visible'] and ring['indicator']):
                problems.append(f"no visible focus: {ring['element']}")
            if ring['stop'] not in reached:
                reached.append(ring['stop'])
        if reached != stops:
            problems.append(f"Tab reached {reached}, not {stops}")
        return problems

    def test_keyboard(self):
        "Every control is reached with Tab and shows where the focus is"
        page = self.new_page()
        for path in ['complaint', 'information/' + 'x' * 43]:
            page.goto(self.site.url(path))
            self.mark_controls(page)
            page.keyboard.press('Tab')
            skip = page.get_by_role('link', name=_('skip'))
            expect(skip).to_be_focused()
            ring = self.focus_ring(page)
            self.assertTrue(ring['visible'] and ring['indicator'], ring)
            page.keyboard.press('Enter')
            expect(page.locator('main')).to_be_focused()

        page.goto(self.site.url('complaint'))
        self.assertEqual(self.keyboard_problems(page), [])

        # the check sees a focus that does not show
        page = self.new_page(accessibility=True)
        page.goto(self.site.url('complaint'))
        page.add_style_tag(content='*:focus, *:focus-within '
            '{outline: none !important; box-shadow: none !important}')
        problems = self.keyboard_problems(page)
        self.assertTrue(problems)
        self.assertTrue(all(
                p.startswith('no visible focus') for p in problems))

    def assert_described(self, locator, key):
        "A screen reader reads the message of key with the field or group"
        expect(locator).to_have_accessible_description(
            re.compile(re.escape(_(key))))

    def test_errors_for_screen_readers(self):
        """An error is announced, tied to its field, and its link in the
        summary leads to the field"""
        page = self.new_page()
        page.goto(self.site.url('complaint'))
        page.get_by_role('button', name=_('next')).click()
        summary = page.get_by_role('alert')
        expect(summary).to_contain_text(_('error_summary'))
        fields = {
            'name': 'err_name',
            'email': 'err_contact',
            'short_description': 'err_short_description',
            'description': 'err_description',
            }
        for name, key in fields.items():
            with self.subTest(field=name):
                field = page.get_by_label(label(name))
                expect(field).to_have_attribute('aria-invalid', 'true')
                self.assert_described(field, key)
                link = summary.get_by_role('link', name=_(key))
                expect(link).to_have_attribute('href', '#' + name)
        # the rest is not marked
        expect(page.get_by_label(label('phone'))).not_to_have_attribute(
            'aria-invalid', 'true')
        summary.get_by_role('link', name=_('err_description')).click()
        expect(page.get_by_label(label('description'))).to_be_focused()

    def test_account_accessibility(self):
        """axe-core finds no violation on the account pages, in Dutch, and
        Tab reaches every control with a visible focus"""
        email = 'lotte.peeters@example.org'
        secret = 'Lotte-Klaverveld-2026'
        page = self.new_page(accessibility=True)
        found = {}

        def check(name, heading=None):
            expect(page.locator('html')).to_have_attribute('lang', 'nl')
            if heading:
                expect(page.get_by_role('heading', level=1)).to_have_text(
                    heading)
            violations = axe(page)
            if violations:
                found[name] = describe_violations(violations)
            if keyboard := self.keyboard_problems(page):
                found[f'{name} (keyboard)'] = '\n'.join(keyboard)

        page.goto(self.site.url('account/register'))
        check('register')
        page.get_by_role('button', name=_('account_register')).click()
        check('register with errors', _('account_register_title'))
        page.get_by_label(label('name')).fill("Lotte Peeters")
        page.get_by_label(label('email')).fill(email)
        page.get_by_label(label('account_password')).fill(secret)
        page.get_by_label(label('account_password_repeat')).fill(secret)
        page.get_by_role('button', name=_('account_register')).click()
        check('registration sent')

        self.site.send_mail()
        validate, = self.site.links('account/validate', to=email)
        page.goto(validate)
        check('confirm the address')
        page.get_by_label(label('account_password')).fill(secret)
        page.get_by_role('button', name=_('account_validate')).click()
        check('my complaints, none yet', _('account_my_complaints'))

        page.goto(self.site.url('complaint'))
        check('form, logged in')
        page.get_by_label(label('short_description')).fill("Geen antwoord")
        page.get_by_label(label('description')).fill("Ik wacht al lang.")
        page.get_by_role('button', name=_('next')).click()
        check('review, logged in', _('review_title'))
        page.get_by_role('button', name=_('submit')).click()
        check('receipt, logged in', _('receipt_title'))
        number = page.locator('.number').inner_text().strip()
        # the account's header stays on the receipt
        expect(page.get_by_role('button', name=_('account_logout'))
            ).to_be_visible()
        page.get_by_role('link', name=_('account_my_complaints')).click()
        check('my complaints', _('account_my_complaints'))
        page.get_by_role('link', name=re.compile(re.escape(number))).click()
        check('my complaint', _('status_title', number=number))

        page.get_by_role('button', name=_('account_logout')).click()
        page.goto(self.site.url('account/login'))
        check('login')
        page.get_by_label(label('email')).fill(email)
        page.get_by_label(label('account_password')).fill('wrong-password')
        page.get_by_role('button', name=_('account_login')).click()
        expect(page.get_by_role('alert')).to_be_visible()
        check('login with errors')

        page.goto(self.site.url('account/reset'))
        check('forgotten password')
        page.get_by_label(label('email')).fill(email)
        page.get_by_role('button', name=_('account_reset_send')).click()
        check('reset sent')
        self.site.send_mail()
        reset, = self.site.links('account/reset', to=email)
        page.goto(reset)
        check('new password')
        page.get_by_role('button', name=_('account_reset_save')).click()
        expect(page.get_by_role('alert')).to_be_visible()
        check('new password with errors')

        self.assertEqual(found, {}, '\n\n'.join(
                f'{name}:\n{text}' for name, text in found.items()))
