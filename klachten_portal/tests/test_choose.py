# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal's first step, "Wat wilt u doen?": a complaint goes on to the
form; a report, question, suggestion or objection is shown where it goes
(the redirections of its kind), and nothing is filed."""
import html
import unittest

from trytond.pool import Pool
from trytond.transaction import Transaction

from .tools import (
    SECURITY_HEADERS, Form, PortalTestMixin, configure_portal, count, errors,
    set_up_portal_database, text)


class ChooseTestCase(PortalTestMixin, unittest.TestCase):
    "The citizen says first what they want to do"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls)
        configure_portal(cls)
        with Transaction().start(cls.db, 0) as transaction:
            pool = Pool(cls.db)
            Target = pool.get('klachten.redirect.target')
            company, = pool.get('company.company').search([])
            with Transaction().set_context(company=company.id):
                Target.create([{
                            'kind': 'report', 'name': "Meldpunt openbaar "
                            "domein", 'method': 'link',
                            'url': 'https://www.zoersel.be/melding',
                            'portal_text': "Meld het op het meldpunt.\n\n"
                            "Dringend? Bel 03 298 00 00.",
                            }, {
                            'kind': 'question', 'name': "Onthaal",
                            'method': 'email', 'email': 'onthaal@zoersel.be',
                            }, {
                            'kind': 'objection', 'name': "Vroeger",
                            'method': 'link', 'active': False,
                            'url': 'https://www.zoersel.be/oud',
                            }])
            transaction.commit()

    def choose(self, want, lang='nl'):
        "Choose want on the first page; return the response"
        response = self.portal.get(f'choose?lang={lang}')
        data = Form(text(response)).data()
        if want is not None:
            data['want'] = want
        return self.portal.post('choose', data)

    def test_page(self):
        "The page asks in a radio group with an explanation per choice"
        for lang, title in [('nl', "Wat wilt u doen?"),
                ('fr', "Que souhaitez-vous faire ?"),
                ('en', "What do you want to do?")]:
            response = self.portal.get(f'choose?lang={lang}')
            self.assertEqual(response.status_code, 200)
            body = html.unescape(text(response))
            self.assertIn(f'<h1>{title}</h1>', body)
            for name, value in SECURITY_HEADERS.items():
                self.assertEqual(response.headers.get(name), value)
        body = text(self.portal.get('choose?lang=nl'))
        self.assertIn('<fieldset', body)
        self.assertIn('<legend><h2>Ik wil</h2></legend>', body)
        for want in ['complaint', 'report', 'question', 'suggestion',
                'objection']:
            self.assertIn(f'type="radio" id="want_{want}" name="want" '
                f'value="{want}" aria-describedby="want_{want}-hint"', body)
        self.assertIn("een put in de weg, een defecte straatlamp", body)

    def test_complaint(self):
        "A complaint goes on to the complaint form"
        response = self.choose('complaint', lang='fr')
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers['Location'].endswith(
                f'/{self.db}/portal/complaint?lang=fr'))
        form = self.portal.client.get(response.headers['Location'])
        self.assertEqual(form.status_code, 200)
        self.assertIn('id="complaint-form"', text(form))

    def test_report(self):
        "A report is shown the reporting point's link and text"
        complaints = count(self.db, 'klachten.complaint')
        response = self.choose('report')
        self.assertEqual(response.status_code, 303)
        location = response.headers['Location']
        self.assertTrue(location.endswith('/portal/choose/report?lang=nl'))
        page = self.portal.client.get(location)
        self.assertEqual(page.status_code, 200)
        body = html.unescape(text(page))
        self.assertIn('<h1>Iets melden</h1>', body)
        self.assertIn('<h2 id="target-1">Meldpunt openbaar domein</h2>', body)
        self.assertIn('<p>Meld het op het meldpunt.</p>', body)
        self.assertIn('<p>Dringend? Bel 03 298 00 00.</p>', body)
        self.assertIn('href="https://www.zoersel.be/melding"', body)
        self.assertEqual(count(self.db, 'klachten.complaint'), complaints)

    def test_question(self):
        "A question is shown the address to write to"
        page = self.portal.get('choose/question?lang=en')
        body = text(page)
        self.assertIn('<h2 id="target-1">Onthaal</h2>', body)
        self.assertIn(
            '<a href="mailto:onthaal@zoersel.be">onthaal@zoersel.be</a>',
            body)

    def test_without_target(self):
        """A kind without an (active) redirection: contact the municipality
        or send it with the form, the coordinator sends it on"""
        for kind in ['suggestion', 'objection']:
            body = html.unescape(text(self.portal.get(
                        f'choose/{kind}?lang=nl')))
            self.assertIn("Neem contact op met het onthaal", body)
            self.assertIn(f'href="/{self.db}/portal/complaint?lang=nl"', body)
            self.assertNotIn('zoersel.be/oud', body)

    def test_nothing_chosen(self):
        "Choosing nothing says so, on the page (400)"
        response = self.choose(None)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response), ["Kies wat u wilt doen."])
        self.assertIn('aria-describedby="want-error-1"', text(response))
        self.assertEqual(self.choose('everything').status_code, 400)

    def test_refused(self):
        "Without the CSRF token the choice is refused; unknown kinds 404"
        response = self.portal.post('choose', {'want': 'report'})
        self.assertEqual(response.status_code, 403)
        for kind in ['complaint', 'bezwaar', 'x' * 50]:
            self.assertEqual(
                self.portal.get(f'choose/{kind}').status_code, 404)
