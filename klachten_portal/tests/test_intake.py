# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The complaint form, driven like a browser through trytond's WSGI app."""
import datetime as dt
import re
import threading
import unittest
import zlib

from werkzeug.test import Client

from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction
from trytond.wsgi import app

from ..pages import web
from .tools import (
    HTML, PDF, PNG, SECURITY_HEADERS, VALID, Form, Portal, count, errors,
    set_up_portal_database, settings, text)


class IntakeTestCase(unittest.TestCase):
    "A citizen files a complaint on the web"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls)
        with Transaction().start(cls.db, 0, readonly=True):
            Department = Pool(cls.db).get('klachten.department')
            cls.department = Department.search(
                [('code', '=', 'BZ')])[0].id

    def setUp(self):
        web.limiter.clear()
        self.portal = Portal(self.db)
        limits = settings(post_rate_limit=0, token_rate_limit=0)
        limits.__enter__()
        self.addCleanup(limits.__exit__, None, None, None)

    def assert_secure(self, response):
        for name, value in SECURITY_HEADERS.items():
            self.assertEqual(response.headers.get(name), value, msg=name)

    def complaints(self, **domain):
        return count(self.db, 'klachten.complaint',
            [(k, '=', v) for k, v in domain.items()])

    def stored(self):
        "How many complaints, attachments and parties exist"
        return (count(self.db, 'klachten.complaint'),
            count(self.db, 'ir.attachment'),
            count(self.db, 'party.party'))

    def test_form(self):
        "The form says what is and is not a complaint, in Dutch first"
        response, form = self.portal.form(lang='')
        self.assertEqual(response.status_code, 200)
        body = text(response)
        self.assertIn('<html lang="nl">', body)
        self.assertIn("Wat is een klacht?", body)
        self.assertIn("defecte straatlamp", body)
        self.assertGreaterEqual(len(form.get('submission_key')), 32)
        self.assertTrue(form.get('csrf_token'))
        self.assert_secure(response)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        self.assertNotIn('<script', body)
        self.assertIn('for="name"', body)
        cookie = response.headers['Set-Cookie']
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Lax', cookie)

    def test_language(self):
        "The browser's language chooses the page's, ?lang= overrides it"
        response = self.portal.get(
            'complaint', headers={'Accept-Language': 'fr-BE,fr;q=0.9'})
        self.assertIn('<html lang="fr">', text(response))
        self.assertIn("Qu&#39;est-ce qu&#39;une plainte", text(response))
        response = self.portal.get(
            'complaint?lang=en', headers={'Accept-Language': 'fr'})
        self.assertIn('<html lang="en">', text(response))

    def test_happy_path(self):
        "Form, review, back, edit, review, submit, receipt"
        _, form = self.portal.form()
        response = self.portal.next(form, [('brief.pdf', PDF)],
            department=str(self.department), **VALID)
        self.assertEqual(response.status_code, 200, errors(response))
        body = text(response)
        self.assertIn("Controleer uw klacht", body)
        self.assertIn("Geen antwoord op mijn e-mail", body)
        self.assertIn("27 maart 2026", body)
        self.assertIn("Burgerzaken", body)
        self.assertIn("brief.pdf", body)
        review = Form(body)

        # Vorige: the form again, with everything kept
        response = self.portal.post('complaint', review.data(action='back'))
        self.assertEqual(response.status_code, 200)
        form = Form(text(response))
        self.assertEqual(form.get('name'), VALID['name'])
        self.assertEqual(form.get('description'), VALID['description'])
        self.assertEqual(form.get('department'), str(self.department))
        self.assertEqual(form.get('carried_name'), 'brief.pdf')
        self.assertEqual(form.get('submission_key'),
            review.get('submission_key'))

        # edit and go on
        response = self.portal.next(form, short_description="Nog altijd "
            "geen antwoord")
        self.assertEqual(response.status_code, 200, errors(response))
        review = Form(text(response))
        self.assertEqual(self.complaints(
                portal_submission_key=review.get('submission_key')), 0)
        response = self.portal.post(
            'complaint', review.data(action='submit'))
        self.assertEqual(response.status_code, 303)
        location = response.headers['Location']
        self.assertIn('/portal/complaint/receipt/', location)

        receipt = self.portal.client.get(location)
        self.assertEqual(receipt.status_code, 200)
        self.assert_secure(receipt)
        self.assertEqual(receipt.headers['Referrer-Policy'], 'strict-origin')
        self.assertEqual(receipt.headers['Cache-Control'], 'no-store')
        key = review.get('submission_key')
        with Transaction().start(self.db, 0, readonly=True):
            pool = Pool(self.db)
            complaint, = pool.get('klachten.complaint').search(
                [('portal_submission_key', '=', key)])
            self.assertIn(complaint.number, text(receipt))
            self.assertIn(str(complaint.answer_due.year), text(receipt))
            self.assertEqual(complaint.state, 'evaluation')
            self.assertEqual(complaint.channel, 'web_form')
            self.assertIsNone(complaint.received_by)
            self.assertEqual(
                complaint.short_description, "Nog altijd geen antwoord")
            self.assertEqual(complaint.incident_date, dt.date(2026, 3, 27))
            self.assertEqual(complaint.concerned_department.id,
                self.department)
            self.assertEqual(complaint.complainant.email, VALID['email'])
            self.assertEqual(complaint.complainant.lang.code, 'nl')
            attachment, = pool.get('ir.attachment').search(
                [('resource', '=', str(complaint))])
            self.assertEqual(attachment.name, 'brief.pdf')
            self.assertEqual(bytes(attachment.data), PDF)
            email, = complaint.emails
            self.assertEqual(email.kind, 'acknowledgement')
            self.assertEqual(email.to, VALID['email'])
            self.assertEqual(email.state, 'pending')
            tasks = [t.kind for t in complaint.tasks]
            self.assertIn('evaluate', tasks)

        # a second submission (double click, back button, retry)
        again = self.portal.post('complaint', review.data(action='submit'))
        self.assertEqual(again.status_code, 303)
        self.assertEqual(again.headers['Location'], location)
        self.assertEqual(self.complaints(portal_submission_key=key), 1)

    def test_anonymous(self):
        "An anonymous complaint stores no personal data"
        response = self.portal.file(anonymous='1')
        self.assertEqual(response.status_code, 303)
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0, readonly=True):
            complaint, = Pool(self.db).get('klachten.complaint').search(
                [('portal_submission_key', '=', key)])
            self.assertTrue(complaint.anonymous)
            self.assertIsNone(complaint.complainant)
            self.assertEqual(complaint.emails, ())

    def check_invalid(self, lang, values, field, message):
        _, form = self.portal.form(lang)
        before = self.stored()
        response = self.portal.next(form, **{**VALID, **values})
        self.assertEqual(response.status_code, 400, field)
        self.assertIn(message, errors(response))
        self.assertIn(f'<a href="#{field}">', text(response))
        self.assertIn(f'id="{field}"', text(response))
        self.assertIn('aria-invalid="true"', text(response))
        kept = Form(text(response))
        for name, value in values.items():
            if name in {'anonymous', 'department'} or value is None:
                continue
            self.assertEqual(kept.get(name), value, name)
        self.assertEqual(self.stored(), before)
        # nor when it is forced through "Indienen"
        response = self.portal.post('complaint', form.data(
                action='submit', **{**VALID, **values}))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.stored(), before)

    def test_invalid_fields(self):
        "Every invalid field says what to do, in Dutch and in French"
        future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
        cases = [
            ({'name': ''}, 'name',
                "Vul uw naam in, of kies om anoniem te blijven.",
                "Indiquez votre nom, ou choisissez de rester anonyme."),
            ({'email': '', 'street': ''}, 'email',
                "Vul uw e-mailadres in, of uw volledige postadres, zodat we "
                "u kunnen antwoorden.",
                "Indiquez votre adresse e-mail, ou votre adresse postale "
                "complète, pour que nous puissions vous répondre."),
            ({'email': 'an@'}, 'email',
                "Vul een e-mailadres in zoals naam@voorbeeld.be.",
                "Indiquez une adresse e-mail comme nom@exemple.be."),
            ({'email': 'a@example.org, b@example.org'}, 'email',
                "Vul een e-mailadres in zoals naam@voorbeeld.be.",
                "Indiquez une adresse e-mail comme nom@exemple.be."),
            ({'phone': 'bel me'}, 'phone',
                "Vul een telefoonnummer in met alleen cijfers, spaties en +.",
                "Indiquez un numéro de téléphone avec uniquement des "
                "chiffres, des espaces et +."),
            ({'short_description': ''}, 'short_description',
                "Vul het onderwerp van uw klacht in.",
                "Indiquez l'objet de votre plainte."),
            ({'short_description': 'x' * 101}, 'short_description',
                "Gebruik ten hoogste 100 tekens.",
                "Utilisez au maximum 100 caractères."),
            ({'description': ''}, 'description',
                "Beschrijf wat er gebeurde.",
                "Décrivez ce qui s'est passé."),
            ({'incident_date': '31-02-2026'}, 'incident_date',
                "Vul een datum in als jaar-maand-dag, bijvoorbeeld "
                "2026-03-27.",
                "Indiquez une date sous la forme année-mois-jour, par "
                "exemple 2026-03-27."),
            ({'incident_date': future}, 'incident_date',
                "De datum kan niet in de toekomst liggen.",
                "La date ne peut pas être dans le futur."),
            ({'department': '999999'}, 'department',
                "Kies een dienst uit de lijst.",
                "Choisissez un service dans la liste."),
            ]
        for values, field, dutch, french in cases:
            with self.subTest(field=field, values=values):
                self.check_invalid('nl', values, field, dutch)
                self.check_invalid('fr', values, field, french)

    def test_all_errors_at_once(self):
        "An empty form lists every missing field, in the form's order"
        _, form = self.portal.form()
        response = self.portal.next(form)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response), [
                "Vul uw naam in, of kies om anoniem te blijven.",
                "Vul uw e-mailadres in, of uw volledige postadres, zodat "
                "we u kunnen antwoorden.",
                "Vul het onderwerp van uw klacht in.",
                "Beschrijf wat er gebeurde.",
                ])

    def check_refused(self, files, message, lang='nl'):
        _, form = self.portal.form(lang)
        before = self.stored()
        response = self.portal.next(form, files, **VALID)
        self.assertEqual(response.status_code, 400)
        self.assertIn(message, errors(response))
        self.assertEqual(Form(text(response)).get('name'), VALID['name'])
        self.assertEqual(self.stored(), before)

    def test_files_refused(self):
        "Too large, too many and disguised files are refused"
        with settings(max_file_size=1000, max_files=2,
                max_total_size=1500):
            self.check_refused([('groot.pdf', PDF + b'x' * 1000)],
                "groot.pdf is groter dan 1 kB.")
            self.check_refused(
                [('a.pdf', PDF), ('b.pdf', PDF), ('c.png', PNG)],
                "Voeg ten hoogste 2 bestanden toe.")
            self.check_refused(
                [('a.pdf', PDF + b' ' * 730), ('b.pdf', PDF + b' ' * 730)],
                "De bestanden zijn samen groter dan 1,5 kB.")
        self.check_refused([('brief.pdf', HTML)],
            "brief.pdf is geen PDF, PNG, JPEG of tekstbestand.")
        self.check_refused([('foto.png', PDF)],
            "foto.png is geen PDF, PNG, JPEG of tekstbestand.")
        self.check_refused([('pagina.html', HTML)],
            "pagina.html is geen PDF, PNG, JPEG of tekstbestand.")
        self.check_refused([('script.txt', b'<script>alert(1)</script>')],
            "script.txt is geen PDF, PNG, JPEG of tekstbestand.")
        self.check_refused([('binair.txt', b'abc\x00def')],
            "binair.txt n'est pas un fichier PDF, PNG, JPEG ou texte.",
            lang='fr')
        self.check_refused([('leeg.pdf', b'')], "leeg.pdf is leeg.")

    def test_active_files_refused(self):
        """PDFs with JavaScript (plain, escaped or in a compressed stream)
        and images with web page code behind their signature are refused
        with a clear message; nothing is stored"""
        message = ("{} bevat JavaScript of code van een webpagina: die "
            "kunnen we niet aanvaarden. Bewaar het bestand opnieuw (druk het "
            "bijvoorbeeld af naar een nieuwe PDF) of voeg een schermafdruk "
            "toe.")
        script = b'<< /S /JavaScript /JS (app.alert(1)) >>'
        pdfs = {
            'js.pdf': PDF + b'1 0 obj ' + script + b' endobj\n',
            'open.pdf': PDF + b'<< /OpenAction << /S /JavaScript '
            b'/J#53 (app.alert(1)) >> >>\n',
            'escaped.pdf': PDF + b'<< /S /Java#53cript /J#53 (x) >>\n',
            'stream.pdf': PDF + b'2 0 obj << /Filter /FlateDecode >>\nstream'
            b'\n' + zlib.compress(script) + b'\nendstream\nendobj\n',
            }
        for name, data in pdfs.items():
            with self.subTest(name):
                self.check_refused([(name, data)], message.format(name))
        jpeg = (b'\xff\xd8\xff\xe0\x00\x10JFIF\x00\xff\xfe\x00\x40'
            b'<html><script>alert(document.cookie)</script></html>'
            + b'\x00' * 40 + b'\xff\xd9')
        self.check_refused([('foto.jpg', jpeg)], message.format('foto.jpg'))
        self.check_refused([('foto.png', PNG + b'<svg onload=alert(1)>')],
            message.format('foto.png'))
        # a PDF whose text mentions JavaScript is no script
        _, form = self.portal.form()
        response = self.portal.next(form, [('ok.pdf',
                    PDF + b'(JavaScripted text) Tj /JSON\n')], **VALID)
        self.assertEqual(response.status_code, 200, errors(response))

    def test_file_names(self):
        "Paths and control characters never reach a stored name"
        _, form = self.portal.form()
        response = self.portal.next(form, [
                ('../../etc/passwd.pdf', PDF),
                ('/etc/system.ini\u202egnp.pdf', PDF),
                ('CON.txt', b'hallo'),
                ], **VALID)
        self.assertEqual(response.status_code, 200, errors(response))
        review = Form(text(response))
        names = [v for k, v in review.fields if k == 'carried_name']
        self.assertEqual(
            names, ['passwd.pdf', 'system.inignp.pdf', '_CON.txt'])
        # names carried back from the page are cleaned again
        data = review.data(action='submit')
        data['carried_name'] = ['..\\x\\..\\evil.pdf'] + names[1:]
        response = self.portal.post('complaint', data)
        self.assertEqual(response.status_code, 303)
        key = review.get('submission_key')
        with Transaction().start(self.db, 0, readonly=True):
            pool = Pool(self.db)
            complaint, = pool.get('klachten.complaint').search(
                [('portal_submission_key', '=', key)])
            attachments = pool.get('ir.attachment').search(
                [('resource', '=', str(complaint))], order=[('name', 'ASC')])
            self.assertEqual([a.name for a in attachments],
                ['_CON.txt', 'evil.pdf', 'system.inignp.pdf'])

    def test_request_too_large(self):
        "A body larger than the forms allow is refused before it is read"
        before = self.stored()
        _, form = self.portal.form()
        with settings(max_total_size=1000):
            response = self.portal.next(
                form, [('groot.pdf', PDF + b'x' * 1_100_000)], **VALID)
        self.assertEqual(response.status_code, 413)
        self.assert_secure(response)
        self.assertIn("Te veel gegevens verstuurd", text(response))
        self.assertEqual(self.stored(), before)

    def test_csrf(self):
        "A form without the cookie's token is refused, nothing stored"
        _, form = self.portal.form()
        response = self.portal.next(form, **VALID)
        review = Form(text(response))
        before = self.stored()
        for token in [None, '', 'x' * 43, form.get('csrf_token') + 'x']:
            with self.subTest(token=token):
                data = review.data(action='submit')
                if token is None:
                    del data['csrf_token']
                else:
                    data['csrf_token'] = token
                response = self.portal.post('complaint', data)
                self.assertEqual(response.status_code, 403)
                self.assertIn("Het formulier is verlopen", text(response))
                self.assert_secure(response)
        # a browser without the cookie (another site's form)
        stranger = Portal(self.db)
        response = stranger.post('complaint', review.data(action='submit'))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.stored(), before)

    def test_concurrent_duplicates(self):
        "20 identical submissions at once file one complaint"
        _, form = self.portal.form()
        review = Form(text(self.portal.next(form, **VALID)))
        data = review.data(action='submit')
        cookie = self.portal.client.get_cookie(
            web.CSRF_COOKIE, path=f'/{self.db}/portal')
        results = []
        barrier = threading.Barrier(20)

        def submit():
            client = Client(app, Response)
            client.set_cookie(web.CSRF_COOKIE, cookie.value,
                path=f'/{self.db}/portal')
            barrier.wait()
            response = client.post(self.portal.url('complaint'),
                data=data, content_type='multipart/form-data')
            results.append(
                (response.status_code, response.headers.get('Location')))
        threads = [threading.Thread(target=submit) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(len(results), 20)
        self.assertEqual({r[0] for r in results}, {303}, results)
        self.assertEqual(len({r[1] for r in results}), 1)
        self.assertEqual(self.complaints(
                portal_submission_key=review.get('submission_key')), 1)

    def test_injection_shown_as_text(self):
        "Template syntax and markup typed in the form stay text"
        hostile = "{{ 7*7 }} <script>alert(1)</script> ${record} {% x %}"
        _, form = self.portal.form()
        response = self.portal.next(form, **{**VALID,
                'short_description': hostile[:100],
                'description': hostile})
        self.assertEqual(response.status_code, 200, errors(response))
        body = text(response)
        self.assertNotIn('<script>', body)
        # 7*7 was not evaluated (the random tokens in hidden fields may
        # contain "49" by chance: leave them out)
        self.assertNotIn('49', re.sub(
                r'name="(csrf_token|submission_key)" value="[^"]*"', '',
                body))
        self.assertIn('{{ 7*7 }} &lt;script&gt;alert(1)&lt;/script&gt;', body)
        response = self.portal.post(
            'complaint', Form(body).data(action='submit'))
        self.assertEqual(response.status_code, 303)

    def test_rate_limit(self):
        "Too many posts from one address get a friendly 429"
        _, form = self.portal.form()
        with settings(post_rate_limit=2, post_rate_window=600):
            web.limiter.clear()
            for _ in range(2):
                response = self.portal.next(form, **VALID)
                self.assertEqual(response.status_code, 200)
            response = self.portal.next(form, **VALID)
        self.assertEqual(response.status_code, 429)
        self.assertIn("Even geduld", text(response))
        self.assert_secure(response)

    def test_not_found(self):
        "An unknown receipt or database is a 404 page with the headers"
        for path in [
                self.portal.url('complaint/receipt/' + 'A' * 32),
                self.portal.url('complaint/receipt/short'),
                '/no_such_database/portal/complaint']:
            with self.subTest(path=path):
                response = self.portal.client.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertIn("Pagina niet gevonden", text(response))
                self.assert_secure(response)

    def test_stylesheet(self):
        "The one stylesheet is served by the portal itself"
        response = self.portal.get('static/portal.css')
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.mimetype, 'text/css')
        self.assert_secure(response)
