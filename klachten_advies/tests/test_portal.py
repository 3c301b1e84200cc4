# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The external advisor's page, driven with werkzeug's test client: what
it shows, what it refuses, and what it does once."""
import io
import re
import threading
import unittest

from werkzeug.test import Client

from klachten_base.tests.tools import travel
from klachten_portal.pages import web
from klachten_portal.tests.browser import set_up_database
from klachten_portal.tests.tools import (
    PDF, VALID, Form, Portal, PortalTestMixin, configure_portal, errors,
    set_up_portal_database, text)
from trytond.pool import Pool
from trytond.protocols.wrappers import Response
from trytond.transaction import Transaction
from trytond.wsgi import app

from ..exceptions import AdviceClosedError

LINK = re.compile(r'http://portal\.test/([^/]+)/portal/(\w+)/([\w-]+)')
QUESTION = "Was the parking sign at the Kerkplein visible on 12 May?"
# what the complainant entered on the portal (klachten_portal VALID)
CONTACT = [VALID['name'], VALID['email'], VALID['phone'], VALID['street']]


class AdvicePageTestCase(PortalTestMixin, unittest.TestCase):
    "Giving advice by the e-mailed link"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_database(
            cls, ['klachten_advies', 'klachten_portal'], languages=['nl'])
        configure_portal(cls)

    # Set-up through the models, as staff would
    def investigated(self, files=()):
        "A complaint filed on the portal and investigated; return its id"
        response = self.portal.file(files=files)
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            complaint, = Complaint.search(
                [('portal_submission_key', '=', key)])
            department, = pool.get('klachten.department').search(
                [('code', '=', 'BZ')])
            role, = pool.get('klachten.role').search(
                [('code', '=', 'handler')])
            subject, = pool.get('klachten.subject').search([])
            Complaint.declare_admissible([complaint], department, role,
                subject=subject, basis='treatment', concerns='department',
                concerned_department=department)
            Complaint.write([complaint], {
                    'report': "The sign was checked on 14 May."})
            transaction.commit()
            return complaint.id

    def ask(self, complaint_id, **values):
        "Ask external advice; return the request's id and its link's path"
        values.setdefault('advisor_name', "Ir. Els Wouters")
        values.setdefault('advisor_email', 'els.wouters@example.org')
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            request, = Complaint.request_advice(
                [Complaint(complaint_id)], 'external', QUESTION, **values)
            transaction.commit()
            request_id = request.id
        return request_id, self.link(complaint_id, request_id)

    def link(self, complaint_id, request_id):
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            email, = Email.search([
                    ('complaint', '=', complaint_id),
                    ('resource', '=',
                        f'klachten.advice.request,{request_id}'),
                    ('kind', '=', 'advice_request'),
                    ])
            database, path, token = LINK.search(email.body).groups()
        self.assertEqual((database, path), (self.db, 'advice'))
        return f'advice/{token}'

    def read(self, request_id):
        with Transaction().start(self.db, 0, readonly=True):
            pool = Pool(self.db)
            request = pool.get('klachten.advice.request')(request_id)
            files = pool.get('ir.attachment').search(
                [('resource', '=', str(request))])
            return {
                'state': request.state,
                'answer': request.answer,
                'answered_via': request.answered_via,
                'answered_by': request.answered_by,
                'files': sorted(f.name for f in files),
                'task': request.task,
                }

    def call(self, model, method, *args):
        with Transaction().start(self.db, 0) as transaction:
            Model = Pool(self.db).get(model)
            getattr(Model, method)(*args)
            transaction.commit()

    # The tests
    def test_answer(self):
        "Open the link three times, answer once; then it is used"
        request_id, path = self.ask(self.investigated())
        for _ in range(3):
            response = self.portal.get(path)
            self.assertEqual(response.status_code, 200)
            self.assert_secure(response)
        body = text(response)
        self.assertIn(QUESTION, body)
        self.assertIn(VALID['short_description'], body)
        self.assertIn(VALID['description'], body)
        self.assertIn("We delen de gegevens van de verzoeker niet.", body)
        for value in CONTACT:
            self.assertNotIn(value, body)
        # the report is not shared unless chosen
        self.assertNotIn("The sign was checked", body)
        form = Form(body)

        response = self.portal.post(path, form.data())
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response), ["Schrijf uw advies."])
        self.assertEqual(self.read(request_id)['state'], 'requested')

        data = form.data(answer="The sign was hidden by a tree.")
        data['attachments'] = [(io.BytesIO(PDF), 'foto.pdf')]
        response = self.portal.post(path, data)
        self.assertEqual(response.status_code, 303)
        self.assertIn('/portal/thanks/advice', response.headers['Location'])
        thanks = self.portal.client.get(response.headers['Location'])
        self.assertIn("Dank u, we hebben uw advies ontvangen.", text(thanks))
        self.assertEqual(self.read(request_id), {
                'state': 'answered',
                'answer': "The sign was hidden by a tree.",
                'answered_via': 'portal',
                'answered_by': None,
                'files': ['foto.pdf'],
                'task': None,
                })

        data['answer'] = "A second opinion"
        data['attachments'] = [(io.BytesIO(PDF), 'foto2.pdf')]
        for response in [self.portal.post(path, data),
                self.portal.get(path)]:
            self.assertEqual(response.status_code, 410)
            self.assert_secure(response)
            self.assertIn("We hebben dit advies al ontvangen", text(response))
        self.assertEqual(self.read(request_id)['answer'],
            "The sign was hidden by a tree.")

    def test_shared_on_request(self):
        "The contact details and the report only when shared explicitly"
        request_id, path = self.ask(self.investigated(),
            share_description=False, share_report=True, share_contact=True)
        body = text(self.portal.get(path + '?lang=fr'))
        self.assertIn('<html lang="fr">', body)
        for value in CONTACT:
            self.assertIn(value, body)
        self.assertIn("The sign was checked on 14 May.", body)
        self.assertNotIn(VALID['description'], body)
        self.assertNotIn("Nous ne partageons pas", body)

    def test_scope(self):
        "A link serves its own request only; anything else is 404"
        complaint_a = self.investigated(files=[('geheim.pdf', PDF)])
        _, path_a = self.ask(complaint_a)
        token = path_a.rsplit('/', 1)[1]
        with Transaction().start(self.db, 0) as transaction:
            Complaint = Pool(self.db).get('klachten.complaint')
            Complaint.write([Complaint(complaint_a)], {
                    'description': "Only for the advisor of A"})
            transaction.commit()
        _, path_b = self.ask(self.investigated())
        body_b = text(self.portal.get(path_b))
        self.assertNotIn("Only for the advisor of A", body_b)
        body_a = text(self.portal.get(path_a))
        self.assertIn("Only for the advisor of A", body_a)
        # the complaint's files never show
        self.assertNotIn('geheim.pdf', body_a)
        self.assertEqual(set(re.findall(r'href="([^"]+)"', body_a)), {
                '#main', '?lang=fr', '?lang=en',
                f'/{self.db}/portal/static/portal.css'})

        unknown = self.portal.get('advice/' + 'x' * 43)
        self.assertEqual(unknown.status_code, 404)
        self.assert_secure(unknown)
        for path in ['information/' + token, 'feedback/' + token,
                'status/' + token, 'advice/' + token[:-1],
                'advice/' + token + 'x']:
            with self.subTest(path=path):
                response = self.portal.get(path)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.get_data(), unknown.get_data())
        # an information request's link does not open an advice page
        response = self.portal.file()
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0) as transaction:
            Complaint = Pool(self.db).get('klachten.complaint')
            complaint, = Complaint.search(
                [('portal_submission_key', '=', key)])
            Complaint.request_information([complaint], "Welke dag?")
            transaction.commit()
            complaint_c = complaint.id
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            email, = Email.search([
                    ('complaint', '=', complaint_c),
                    ('kind', '=', 'information')])
            information = LINK.search(email.body).group(3)
        self.assertEqual(
            self.portal.get('information/' + information).status_code, 200)
        self.assertEqual(
            self.portal.get('advice/' + information).status_code, 404)

    def test_csrf(self):
        "The advice needs the form's CSRF token"
        request_id, path = self.ask(self.investigated())
        form = Form(text(self.portal.get(path)))
        stranger = Portal(self.db)
        for portal, data in [
                (self.portal, form.data(answer="x", csrf_token='')),
                (stranger, form.data(answer="x"))]:
            response = portal.post(path, data)
            self.assertEqual(response.status_code, 403)
            self.assert_secure(response)
        self.assertEqual(self.read(request_id)['state'], 'requested')

    def test_withdrawn(self):
        "A withdrawn request says so, and gives back what was typed"
        request_id, path = self.ask(self.investigated())
        form = Form(text(self.portal.get(path)))
        with Transaction().start(self.db, 0) as transaction:
            Request = Pool(self.db).get('klachten.advice.request')
            Request.withdraw([Request(request_id)])
            transaction.commit()
        response = self.portal.post(path, form.data(answer="Late advice"))
        self.assertEqual(response.status_code, 410)
        body = text(response)
        self.assertIn("Deze vraag om advies is ingetrokken", body)
        self.assertIn("We hebben het advies niet meer nodig.", body)
        self.assertIn("Late advice", body)
        self.assertEqual(self.read(request_id)['answer'], None)
        self.assertEqual(self.portal.get(path).status_code, 410)

    def test_complaint_cancelled(self):
        "Cancelling the complaint withdraws its pending advice"
        complaint_id = self.investigated()
        request_id, path = self.ask(complaint_id)
        with Transaction().start(self.db, 0) as transaction:
            Complaint = Pool(self.db).get('klachten.complaint')
            Complaint.cancel([Complaint(complaint_id)], "By phone")
            transaction.commit()
        response = self.portal.get(path + '?lang=en')
        self.assertEqual(response.status_code, 410)
        self.assertIn("The handling of the complaint was stopped. "
            "You need not answer.", text(response))
        self.assertEqual(self.read(request_id)['state'], 'withdrawn')

    def test_expired(self):
        "The link ends a week after the due date, with the request"
        complaint_id = self.investigated()
        with Transaction().start(self.db, 0, readonly=True):
            Complaint = Pool(self.db).get('klachten.complaint')
            today = Complaint._today()
            days = (Complaint._term_end('advice', today) - today).days
        request_id, path = self.ask(complaint_id)
        with travel(days + 7, database=self.db):
            self.assertEqual(self.portal.get(path).status_code, 200)
        with travel(days + 8, database=self.db):
            response = self.portal.get(path)
            self.assertEqual(response.status_code, 410)
            self.assertIn("Deze link werkt niet meer", text(response))
            self.call('klachten.task', 'run_deadlines')
            response = self.portal.get(path)
        self.assertEqual(response.status_code, 410)
        self.assertIn("De termijn voor dit advies is voorbij", text(response))
        self.assertEqual(self.read(request_id)['state'], 'expired')

    def test_concurrent_posts(self):
        "Two posts of the advice at once record it once"
        request_id, path = self.ask(self.investigated())
        form = Form(text(self.portal.get(path)))
        cookie = self.portal.client.get_cookie(
            web.CSRF_COOKIE, path=f'/{self.db}/portal')
        results = []
        barrier = threading.Barrier(2)

        def post(answer):
            client = Client(app, Response)
            client.set_cookie(web.CSRF_COOKIE, cookie.value,
                path=f'/{self.db}/portal')
            data = form.data(answer=answer)
            data['attachments'] = [(io.BytesIO(PDF), f'{answer}.pdf')]
            barrier.wait()
            response = client.post(self.portal.url(path), data=data,
                content_type='multipart/form-data')
            results.append(response.status_code)
        threads = [threading.Thread(target=post, args=(a,))
            for a in ['first', 'second']]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(sorted(results), [303, 410])
        request = self.read(request_id)
        self.assertEqual(request['state'], 'answered')
        self.assertIn(request['answer'], {'first', 'second'})
        self.assertEqual(request['files'], [f"{request['answer']}.pdf"])

    def test_answer_and_withdraw_at_once(self):
        "An answer and a withdrawal at once: one wins, the other is told"
        request_id, path = self.ask(self.investigated())
        barrier = threading.Barrier(2)
        outcomes = []

        def act(action):
            def attempt():
                with Transaction().start(self.db, 0) as transaction:
                    Request = Pool(self.db).get('klachten.advice.request')
                    request = Request(request_id)
                    if action == 'answer':
                        Request.give_answer(request, "Advice at once")
                    else:
                        Request.withdraw([request])
                    transaction.commit()
            barrier.wait()
            try:
                # as the RPC dispatcher does: again after a conflict
                web.retrying(self.db, attempt)
                outcomes.append((action, 'done'))
            except AdviceClosedError as error:
                outcomes.append((action, error.message))
        threads = [threading.Thread(target=act, args=(a,))
            for a in ['answer', 'withdraw']]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        outcomes = dict(outcomes)
        self.assertEqual(len(outcomes), 2, outcomes)
        done = [a for a, o in outcomes.items() if o == "done"]
        self.assertEqual(len(done), 1, outcomes)
        done, = done
        refused, = [o for a, o in outcomes.items() if o != 'done']
        state = {'answer': 'Answered', 'withdraw': 'Withdrawn'}[done]
        self.assertTrue(f'is "{state}"' in refused
            or "was answered or withdrawn a moment ago" in refused, refused)
        request = self.read(request_id)
        self.assertEqual(request['state'],
            {'answer': 'answered', 'withdraw': 'withdrawn'}[done])
        self.assertEqual(request['answer'],
            "Advice at once" if done == 'answer' else None)


class WithoutPortalTestCase(unittest.TestCase):
    "The adviser's page in a database with advice but without the portal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls, modules=('klachten_advies',))

    def test_not_found(self):
        "The page of an advice link answers 404, not 500"
        client = Client(app, Response)
        url = f'/{self.db}/portal/advice/{"a" * 43}'
        self.assertEqual(client.get(url).status_code, 404)
        self.assertEqual(
            client.post(url, data={'answer': "Yes"}).status_code, 404)
