# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""External advice end to end: staff ask it over the web client's
JSON-RPC of a real trytond process, the e-mail reaches a real SMTP server,
the advisor answers from its link in Chromium."""
import datetime as dt
import urllib.request

from playwright.sync_api import expect

from klachten_base.term import term_end
from klachten_portal import messages
from klachten_portal.tests.browser import BrowserTestCase
from klachten_portal.tests.tools import PDF

DESCRIPTION = "De parkeerwachter gaf een boete terwijl het bord verborgen was."
COMPLAINANT = "Mieke Janssens"
COMPLAINANT_EMAIL = 'mieke.janssens@example.org'


def _(key, lang='nl', **values):
    return messages.gettext(lang, key, **values)


class ExternalAdviceTestCase(BrowserTestCase):
    "An outside advisor answers from the e-mailed link"
    modules = ['klachten_advies', 'klachten_portal']
    languages = ['nl', 'fr']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # trytond 8.0 answers a login that is the first request of a new
        # process with KeyError 'res.user' (Cache.sync registers the
        # database before security._get_pool would load it): a portal
        # page loads the pool first
        with urllib.request.urlopen(cls.site.url('complaint')) as response:
            assert response.status == 200

    def investigated(self):
        "A complaint registered, admitted and investigated by handler1"
        coordinator = self.site.back_office('coordinator')
        party_id, = coordinator.call('party.party', 'create', [{
                    'name': COMPLAINANT,
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': COMPLAINANT_EMAIL}])],
                    }])
        complaint_id, = coordinator.call('klachten.complaint', 'create', [{
                    'company': coordinator.context['company'],
                    'received_date': dt.date.today(),
                    'channel': 'email',
                    'complainant': party_id,
                    'short_description': "Parkeerboete aan het Kerkplein",
                    'description': DESCRIPTION,
                    }])
        coordinator.call('klachten.complaint', 'register', [complaint_id])
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
        return coordinator, complaint_id

    def answer(self, url, lang, text, files=()):
        "Open the link in Chromium, check the page, give the advice"
        page = self.new_page(accessibility=True,
            locale='fr-BE' if lang == 'fr' else 'nl-BE')
        response = page.goto(url)
        self.assertEqual(response.status, 200)
        expect(page.locator('html')).to_have_attribute('lang', lang)
        self.assert_accessible(page)
        main = page.locator('main')
        expect(main).to_contain_text(_('advice_question', lang))
        if files:
            page.get_by_label(_('attachments', lang)).set_input_files(files)
        page.get_by_role('button', name=_('advice_send', lang)).click()
        # nothing typed: the page says what is missing, nothing is sent
        expect(page.locator('.error-summary')).to_contain_text(
            _('err_advice', lang))
        self.assert_accessible(page)
        page.get_by_label(_('advice_answer', lang)).fill(text)
        page.get_by_role('button', name=_('advice_send', lang)).click()
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('advice_done', lang))
        # the link is used up, and says so
        page.goto(url)
        expect(page.get_by_role('heading', level=1)).to_have_text(
            _('advice_answered_title', lang))
        self.assert_no_csp_errors(page)
        return main

    def test_investigation_committee(self):
        "The handler asks an advisory committee; the answer term grows"
        coordinator, complaint_id = self.investigated()
        body_id, = coordinator.call('klachten.advisory.body', 'create', [{
                    'name': "Klachtenadviescommissie",
                    'contact_name': "Mr. J. de Vries",
                    'email': 'commissie@example.org',
                    'committee': True,
                    }])
        handler = self.site.back_office('handler1')
        question = "Was het bord aan het Kerkplein zichtbaar?"
        handler.run_wizard('klachten.complaint.request_advice',
            'klachten.complaint', [complaint_id], {
                'kind': 'external', 'question': question,
                'advisory_body': body_id,
                'advisor_name': "Mr. J. de Vries",
                'advisor_email': 'commissie@example.org',
                })
        complaint = handler.read('klachten.complaint', complaint_id,
            ['answer_due', 'received_date', 'advice_requests'])
        # the Flemish policy gives a committee the same 45 days
        self.assertEqual(complaint['answer_due'], term_end(
                complaint['received_date'], 45, 'day', 'BE'))

        mail, = [m for m in self.site.send_mail()
            if m['To'] == 'commissie@example.org']
        self.assertIn("request for advice", mail['Subject'])
        url, = self.site.links('advice', to='commissie@example.org')
        page = self.new_page()
        page.goto(url)
        main = page.locator('main')
        expect(main).to_contain_text(question)
        expect(main).to_contain_text(DESCRIPTION)
        expect(main).not_to_contain_text(COMPLAINANT)
        expect(main).not_to_contain_text(COMPLAINANT_EMAIL)
        expect(main).to_contain_text(_('advice_contact_hidden'))

        advice = "Het bord stond achter een boom: de boete is onterecht."
        self.answer(url, 'nl', advice, files=[{'name': 'foto.pdf',
                    'mimeType': 'application/pdf', 'buffer': PDF}])

        request, = handler.call('klachten.advice.request', 'read',
            complaint['advice_requests'],
            ['state', 'answer', 'answered_via', 'answer_attachments',
                'committee', 'phase'])
        self.assertEqual((request['state'], request['answer'],
                request['answered_via'], request['committee'],
                request['phase']),
            ('answered', advice, 'portal', True, 'investigation'))
        self.assertEqual(len(request['answer_attachments']), 1)

    def test_conclusion_named_advisor(self):
        "The coordinator asks a named person, in French, sharing contact"
        coordinator, complaint_id = self.investigated()
        handler = self.site.back_office('handler1')
        handler.call('klachten.complaint', 'write', [complaint_id], {
                'report': "Het bord was verborgen.",
                'outcome': 'founded',
                'solution': "De boete wordt ingetrokken.",
                })
        handler.call('klachten.complaint', 'finalise_report', [complaint_id])
        fr, = coordinator.call('ir.lang', 'search',
            [('code', '=', 'fr')], 0, None, None)
        coordinator.run_wizard('klachten.complaint.request_advice',
            'klachten.complaint', [complaint_id], {
                'kind': 'external',
                'question': "Faut-il aussi rembourser les frais?",
                'advisor_name': "Me Claire Dubois",
                'advisor_email': 'claire.dubois@example.org',
                'advisor_language': fr,
                'share_contact': True,
                })
        mail, = [m for m in self.site.send_mail()
            if m['To'] == 'claire.dubois@example.org']
        self.assertIn("demande d'avis", mail['Subject'])
        url, = self.site.links('advice', to='claire.dubois@example.org')
        page = self.new_page(locale='fr-BE')
        page.goto(url)
        expect(page.locator('main')).to_contain_text(COMPLAINANT_EMAIL)

        advice = "Oui, remboursez les frais de rappel."
        self.answer(url, 'fr', advice)
        complaint = coordinator.read('klachten.complaint', complaint_id,
            ['advice_requests', 'state'])
        self.assertEqual(complaint['state'], 'conclusion')
        request, = coordinator.call('klachten.advice.request', 'read',
            complaint['advice_requests'], ['state', 'answer', 'phase'])
        self.assertEqual((request['state'], request['answer'],
                request['phase']), ('answered', advice, 'conclusion'))
