# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal in a real browser (Chromium) against a real trytond process:
a citizen files a complaint and answers the e-mailed links, staff work
over the web client's JSON-RPC, axe-core checks every page."""
import re

from playwright.sync_api import expect

from .. import messages
from .browser import BrowserTestCase
from .tools import PDF, PNG

COMPLAINT = {
    'Naam': "Mieke Janssens",
    'E-mailadres': 'mieke.janssens@example.org',
    'Telefoon': '03 123 45 67',
    'Straat en huisnummer': "Dorpsstraat 12",
    'Postcode': '2980',
    'Gemeente': "Zoersel",
    'Onderwerp': "Containerpark onverwacht gesloten",
    'Beschrijf wat er gebeurde': (
        "Ik kwam op zaterdag met mijn aanhangwagen aan.\n"
        "Het containerpark was dicht, zonder bericht op de website."),
    'Wat zou je graag hebben?': "Een bericht op de website bij sluiting",
    }
INCIDENT = '2026-03-14'


class CitizenTestCase(BrowserTestCase):
    "A citizen on the portal, staff in the back office"

    def fill_form(self, page, values=COMPLAINT, files=()):
        for label, value in values.items():
            page.get_by_label(label).fill(value)
        page.get_by_label("Wanneer gebeurde het?").fill(INCIDENT)
        page.get_by_label("Over welke dienst gaat het?").select_option(
            label="Burgerzaken")
        if files:
            page.get_by_label("Bijlagen").set_input_files(files)

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
        page.get_by_role('button', name="Volgende").click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            "Controleer je klacht")
        page.get_by_role('button', name="Indienen").click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            "Je klacht is ingediend")
        return page.locator('.number').inner_text().strip()

    def test_file_complaint(self):
        "Form, Volgende, Vorige, edit, Volgende, Indienen, the back office"
        page = self.new_page()
        response = page.goto(self.site.url('complaint'))
        self.assertEqual(response.status, 200)
        expect(page.locator('html')).to_have_attribute('lang', 'nl')
        expect(page.get_by_role('heading', level=1)).to_have_text(
            "Een klacht indienen")
        self.fill_form(page, files=[{'name': 'ticket.pdf',
                    'mimeType': 'application/pdf', 'buffer': PDF}])
        page.get_by_role('button', name="Volgende").click()

        expect(page.get_by_role('heading', level=1)).to_have_text(
            "Controleer je klacht")
        rows = self.summary(page)
        for label, value in COMPLAINT.items():
            self.assertEqual(rows[label], value, label)
        self.assertEqual(rows["Wanneer gebeurde het?"], "14 maart 2026")
        self.assertEqual(rows["Over welke dienst gaat het?"], "Burgerzaken")
        self.assertEqual(rows["Bijlagen"], "ticket.pdf")
        self.assertEqual(rows["Ik wil anoniem blijven"], "Nee")

        page.get_by_role('button', name="Vorige").click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            "Een klacht indienen")
        for label, value in COMPLAINT.items():
            expect(page.get_by_label(label)).to_have_value(value)
        expect(page.get_by_label("Wanneer gebeurde het?")).to_have_value(
            INCIDENT)
        # the file travels with the form without being sent again
        expect(page.get_by_label(re.compile('ticket.pdf'))).not_to_be_checked()
        edited = "Containerpark gesloten zonder aankondiging"
        page.get_by_label("Onderwerp").fill(edited)
        page.get_by_role('button', name="Volgende").click()

        rows = self.summary(page)
        self.assertEqual(rows["Onderwerp"], edited)
        self.assertEqual(rows["Naam"], COMPLAINT['Naam'])
        self.assertEqual(rows["Bijlagen"], "ticket.pdf")
        page.get_by_role('button', name="Indienen").click()

        expect(page.get_by_role('heading', level=1)).to_have_text(
            "Je klacht is ingediend")
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
            COMPLAINT['Beschrijf wat er gebeurde'])
        self.assertEqual(complaint['remedy_sought'],
            COMPLAINT['Wat zou je graag hebben?'])
        self.assertEqual(complaint['incident_date'].isoformat(), INCIDENT)
        self.assertEqual(
            complaint['complainant.']['rec_name'], COMPLAINT['Naam'])
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
        status, = self.site.links('status', to=COMPLAINT['E-mailadres'])
        page.goto(status)
        expect(page.get_by_role('heading', level=1)).to_have_text(
            f"Klacht {number}")
        expect(page.locator('main')).to_contain_text(edited)

    def test_answer_and_disagree(self):
        "Answer an information request and disagree, from the e-mails"
        email = 'pieter.claes@example.org'
        page = self.new_page()
        number = self.file_complaint(
            page, {**COMPLAINT, 'E-mailadres': email})
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
            f"Bijkomende informatie over klacht {number}")
        expect(page.locator('main')).to_contain_text(question)
        answer = "Om 10.15 uur, de poort was op slot."
        page.get_by_label("Je antwoord").fill(answer)
        page.get_by_label("Bijlagen").set_input_files([{
                    'name': 'poort.png', 'mimeType': 'image/png',
                    'buffer': PNG}])
        page.get_by_role('button', name="Antwoord versturen").click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            "Bedankt, we hebben je antwoord ontvangen.")

        # the coordinator admits, the handler reports, the coordinator
        # concludes and asks for feedback
        coordinator.run_wizard('klachten.complaint.admissible',
            'klachten.complaint', [complaint_id], {
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
        page.get_by_label("Ik ga niet akkoord").check()
        comment = "Op de website stond niets, ik heb een schermafdruk."
        page.get_by_label("Waarom ga je niet akkoord?").fill(comment)
        page.get_by_role('button', name="Reactie versturen").click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            "Bedankt. De klachtencoördinator bekijkt je klacht opnieuw.")
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
                "Deze link werkt niet meer")
