# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Links e-mailed to the complainant or a third party: information
requests and feedback on a decision."""
import datetime as dt
import hashlib
import io
import re
import unittest

from klachten_base.tests.smtp import SMTPServer
from klachten_base.tests.tools import travel
from trytond.pool import Pool
from trytond.transaction import Transaction

from .tools import (
    PDF, Form, Portal, PortalTestMixin, configure_portal, errors,
    set_up_portal_database, settings, text)

LINK = re.compile(r'http://portal\.test/([^/]+)/portal/(\w+)/([\w-]+)')


class LinksTestCase(PortalTestMixin, unittest.TestCase):
    "Answering by the e-mailed link"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls, languages=['nl'])
        configure_portal(cls)

    def link(self, complaint_id, kind):
        "The path of the last link of kind e-mailed about the complaint"
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            email, = Email.search([
                    ('complaint', '=', complaint_id),
                    ('kind', '=', kind),
                    ], order=[('id', 'DESC')], limit=1)
            database, path, token = LINK.search(email.body).groups()
        self.assertEqual(database, self.db)
        return f'{path}/{token}'

    def request_information(self, complaint_id, **values):
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            request, = Complaint.request_information(
                [Complaint(complaint_id)], "Welke dag was het loket dicht?",
                **values)
            transaction.commit()
            return request.id

    def ask_feedback(self, complaint_id):
        "Declare the complaint inadmissible and ask for feedback"
        self.declare_inadmissible(complaint_id, request_feedback=True)

    def read(self, model, record_id):
        with Transaction().start(self.db, 0, readonly=True):
            record = Pool(self.db).get(model)(record_id)
            return {n: getattr(record, n) for n in [
                    'state', 'answer', 'answer_date']
                if n in record._fields} | {'record': str(record)}

    def test_information(self):
        "Open the link three times, answer once, then it is used"
        complaint_id = self.file()
        request_id = self.request_information(complaint_id)
        path = self.link(complaint_id, 'information')
        for _ in range(3):
            response = self.portal.get(path)
            self.assertEqual(response.status_code, 200)
            self.assert_secure(response)
            self.assertIn("Welke dag was het loket dicht?", text(response))
        form = Form(text(response))

        # nothing typed
        response = self.portal.post(path, form.data())
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response), ["Vul uw antwoord in."])
        self.assertEqual(self.read(
                'klachten.information.request', request_id)['state'],
            'requested')

        data = form.data(answer="Op maandag 2 maart.")
        data['attachments'] = [(io.BytesIO(PDF), 'foto.pdf')]
        response = self.portal.post(path, data)
        self.assertEqual(response.status_code, 303)
        self.assertIn('/portal/thanks/information',
            response.headers['Location'])
        thanks = self.portal.client.get(response.headers['Location'])
        self.assertIn("we hebben uw antwoord ontvangen", text(thanks))
        with Transaction().start(self.db, 0, readonly=True):
            pool = Pool(self.db)
            request = pool.get('klachten.information.request')(request_id)
            self.assertEqual(request.state, 'answered')
            self.assertEqual(request.answer, "Op maandag 2 maart.")
            task, = [t for t in request.complaint.tasks
                if t.kind == 'information']
            self.assertEqual(task.state, 'done')
            names = [a.name for a in pool.get('ir.attachment').search(
                    [('resource', '=', str(request.complaint))])]
            self.assertIn('foto.pdf', names)

        data['attachments'] = [(io.BytesIO(PDF), 'foto2.pdf')]
        for response in [self.portal.post(path, data), self.portal.get(path)]:
            self.assertEqual(response.status_code, 410)
            self.assertIn("Deze link werkt niet meer", text(response))
            self.assert_secure(response)

    def test_token_stored_as_hash(self):
        "Only the hash of a token is stored"
        complaint_id = self.file()
        self.request_information(complaint_id)
        token = self.link(complaint_id, 'information').rsplit('/', 1)[1]
        self.assertGreaterEqual(len(token), 43)
        with Transaction().start(self.db, 0, readonly=True):
            Token = Pool(self.db).get('klachten.portal.token')
            self.assertEqual(Token.search([('token_hash', '=', token)]), [])
            link, = Token.search([('token_hash', '=',
                        hashlib.sha256(token.encode()).hexdigest())])
            self.assertEqual(link.purpose, 'information')

    def test_expired(self):
        "A link stops working some days after the request's due date"
        complaint_id = self.file()
        self.request_information(
            complaint_id, due_date=dt.date.today() + dt.timedelta(days=2))
        path = self.link(complaint_id, 'information')
        with travel(9, database=self.db):
            self.assertEqual(self.portal.get(path).status_code, 200)
        with travel(10, database=self.db):
            response = self.portal.get(path)
        self.assertEqual(response.status_code, 410)

    def test_cancelled(self):
        "The link of a cancelled request is withdrawn"
        complaint_id = self.file()
        request_id = self.request_information(complaint_id)
        path = self.link(complaint_id, 'information')
        form = Form(text(self.portal.get(path)))
        with Transaction().start(self.db, 0) as transaction:
            Request = Pool(self.db).get('klachten.information.request')
            Request.cancel([Request(request_id)])
            transaction.commit()
        response = self.portal.post(path, form.data(answer="Te laat"))
        self.assertEqual(response.status_code, 410)
        self.assertEqual(self.read(
                'klachten.information.request', request_id)['answer'], None)

    def test_scope(self):
        "A link serves its own record and purpose only; others are 404"
        complaint_a = self.file()
        self.request_information(complaint_a)
        self.ask_feedback(self.file())
        information = self.link(complaint_a, 'information')
        token = information.rsplit('/', 1)[1]
        unknown = self.portal.get('information/' + 'x' * 43)
        self.assertEqual(unknown.status_code, 404)
        self.assert_secure(unknown)
        for path in ['feedback/' + token, 'information/' + token[:-1],
                'information/' + token + 'x', 'feedback/' + 'x' * 43]:
            with self.subTest(path=path):
                response = self.portal.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.get_data(), unknown.get_data())

    def test_csrf(self):
        "The answer needs the form's CSRF token"
        complaint_id = self.file()
        request_id = self.request_information(complaint_id)
        path = self.link(complaint_id, 'information')
        form = Form(text(self.portal.get(path)))
        stranger = Portal(self.db)
        for portal, data in [
                (self.portal, form.data(answer="x", csrf_token='')),
                (stranger, form.data(answer="x"))]:
            response = portal.post(path, data)
            self.assertEqual(response.status_code, 403)
            self.assert_secure(response)
        self.assertEqual(self.read(
                'klachten.information.request', request_id)['state'],
            'requested')

    def test_feedback_disagree(self):
        "Disagreeing needs a comment and sends the complaint back"
        complaint_id = self.file()
        self.ask_feedback(complaint_id)
        path = self.link(complaint_id, 'feedback')
        for _ in range(3):
            response = self.portal.get(path)
            self.assertEqual(response.status_code, 200)
        self.assertIn("Dit is een melding.", text(response))
        form = Form(text(response))
        response = self.portal.post(path, form.data(choice='disagree'))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            errors(response), ["Schrijf waarom u niet akkoord gaat."])
        response = self.portal.post(path, form.data(lang='fr'))
        self.assertEqual(errors(response),
            ["Choisissez si vous êtes d'accord ou non."])
        response = self.portal.post(path, form.data(
                choice='disagree', comment="Het is wel een klacht."))
        self.assertEqual(response.status_code, 303)
        with Transaction().start(self.db, 0, readonly=True):
            complaint = Pool(self.db).get('klachten.complaint')(complaint_id)
            self.assertEqual(complaint.state, 'evaluation')
            self.assertEqual(complaint.feedback, 'disagree')
            self.assertEqual(
                complaint.feedback_comment, "Het is wel een klacht.")
        self.assertEqual(self.portal.get(path).status_code, 410)

    def test_feedback_agree(self):
        "Agreeing closes the complaint"
        complaint_id = self.file()
        self.ask_feedback(complaint_id)
        path = self.link(complaint_id, 'feedback')
        form = Form(text(self.portal.get(path)))
        response = self.portal.post(path, form.data(choice='agree'))
        self.assertEqual(response.status_code, 303)
        with Transaction().start(self.db, 0, readonly=True):
            complaint = Pool(self.db).get('klachten.complaint')(complaint_id)
            self.assertEqual(complaint.state, 'closed')
        response = self.portal.post(path, form.data(choice='disagree',
                comment="Toch niet"))
        self.assertEqual(response.status_code, 410)

    def email_body(self, complaint_id, kind):
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            email, = Email.search([
                    ('complaint', '=', complaint_id),
                    ('kind', '=', kind),
                    ], order=[('id', 'DESC')], limit=1)
            return email.body

    def test_links_in_dutch_emails(self):
        "The Dutch e-mails give the link with a Dutch sentence"
        complaint_id = self.file()
        self.request_information(complaint_id)
        self.assertIn("U kunt uw klacht volgen op deze pagina:\n"
            "http://portal.test/", self.email_body(
                complaint_id, 'acknowledgement'))
        self.assertIn("U kunt antwoorden, en bestanden toevoegen, op deze "
            "pagina:\nhttp://portal.test/", self.email_body(
                complaint_id, 'information'))

    def test_no_portal_url(self):
        "Without [klachten] portal_url the e-mails have no link line"
        with settings(url=''):
            complaint_id = self.file()
        body = self.email_body(complaint_id, 'acknowledgement')
        self.assertNotIn("deze pagina", body)
        self.assertNotIn("/portal/", body)

    def cancel(self, complaint_id, reason, inform=True):
        with Transaction().start(self.db, 0) as transaction:
            Complaint = Pool(self.db).get('klachten.complaint')
            Complaint.cancel([Complaint(complaint_id)], reason, inform=inform)
            transaction.commit()

    def test_status_cancelled(self):
        "A cancelled complaint's page gives the explanation it was sent"
        complaint_id = self.file()
        path = self.link(complaint_id, 'acknowledgement')
        self.cancel(complaint_id, "U diende dezelfde klacht twee keer in.")
        for sent in [False, True]:
            if sent:
                with SMTPServer() as smtp, smtp.configured():
                    with Transaction().start(self.db, 0):
                        Pool(self.db).get('klachten.email').send_pending()
            with self.subTest(sent=sent):
                body = text(self.portal.get(path))
                self.assertIn("De behandeling van uw klacht werd stopgezet.",
                    body)
                self.assertIn("Behandeling stopgezet", body)
                self.assertEqual(body.count(
                        "U diende dezelfde klacht twee keer in."), 1)
                self.assertNotIn("We hebben nog niets beslist.", body)
        body = text(self.portal.get(path + '?lang=fr'))
        self.assertIn("Traitement arrêté", body)
        self.assertIn("U diende dezelfde klacht twee keer in.", body)
        self.assertNotIn("Nous n'avons encore rien décidé.", body)

        # not informed: the explanation stays in the back office
        complaint_id = self.file()
        path = self.link(complaint_id, 'acknowledgement')
        self.cancel(complaint_id, "Intern: dubbel met K2026-0001.",
            inform=False)
        body = text(self.portal.get(path))
        self.assertIn("Behandeling stopgezet", body)
        self.assertNotIn("Intern: dubbel", body)
        self.assertNotIn("We hebben nog niets beslist.", body)

    def test_status(self):
        "The acknowledgement's link shows where the complaint stands"
        complaint_id = self.file()
        path = self.link(complaint_id, 'acknowledgement')
        self.assertTrue(path.startswith('status/'), path)
        for _ in range(3):
            response = self.portal.get(path)
            self.assertEqual(response.status_code, 200)
            self.assert_secure(response)
        body = text(response)
        self.assertIn("1 van 3: evaluatie", body)
        self.assertIn("De klachtencoördinator onderzoekt", body)
        self.assertIn("We hebben nog niets beslist.", body)

        self.ask_feedback(complaint_id)
        with SMTPServer() as smtp, smtp.configured():
            with Transaction().start(self.db, 0):
                Pool(self.db).get('klachten.email').send_pending()
        body = text(self.portal.get(path + '?lang=fr'))
        self.assertIn('<html lang="fr">', body)
        self.assertIn("Nous attendons votre réaction", body)
        self.assertIn("Dit is een melding.", body)
        # the feedback e-mail and its link are not on the page
        self.assertNotIn('/portal/feedback/', body)
        response = self.portal.post(path, {})
        self.assertEqual(response.status_code, 405)
        self.assertEqual(self.portal.get(path).status_code, 200)
