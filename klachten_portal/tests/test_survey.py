# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The satisfaction survey: e-mailed when a complaint is closed, answered
once on the portal, read by the coordinators only."""
import datetime as dt
import re
import unittest

from klachten_base.tests.smtp import SMTPServer
from klachten_base.tests.tools import travel
from trytond.exceptions import UserError
from trytond.pool import Pool
from trytond.transaction import Transaction, TransactionError, check_access

from ..survey import SURVEY_DAYS
from . import test_pages
from .tools import (
    SECURITY_HEADERS, Form, Portal, PortalTestMixin, configure_portal, count,
    errors, set_up_portal_database, settings, text)

PASSWORD = 'een lang wachtwoord'
LINK = re.compile(r'http://portal\.test/([^/\s]+)/portal/survey/([\w-]+)')


class SurveyTestCase(PortalTestMixin, unittest.TestCase):
    "The complainant scores the handling of a closed complaint"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls, languages=['nl', 'fr'])
        configure_portal(cls)

    # The complaint's life
    def state(self, complaint_id):
        with Transaction().start(self.db, 0, readonly=True):
            return Pool(self.db).get('klachten.complaint')(
                complaint_id).state

    def emails(self, complaint_id, kind='survey'):
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            return [(e.subject, e.body, e.language) for e in Email.search([
                        ('complaint', '=', complaint_id),
                        ('kind', '=', kind),
                        ])]

    def links(self, complaint_id):
        "The survey links issued for the complaint"
        return count(self.db, 'klachten.portal.token', [
                ('resource', '=', f'klachten.complaint,{complaint_id}'),
                ('purpose', '=', 'survey'),
                ])

    def link(self, complaint_id):
        "The path of the survey link of the complaint's e-mail"
        (_, body, _), = self.emails(complaint_id)
        database, token = LINK.search(body).groups()
        self.assertEqual(database, self.db)
        return f'survey/{token}'

    def answers(self, complaint_id=None):
        with Transaction().start(self.db, 0, readonly=True):
            Answer = Pool(self.db).get('klachten.survey.answer')
            domain = []
            if complaint_id:
                domain = [('complaint', '=', complaint_id)]
            return [(a.score, a.comment, a.date)
                for a in Answer.search(domain)]

    def closed_with_survey(self, lang='nl'):
        "A complaint filed and closed; return its id and its survey link"
        complaint_id = self.file(lang=lang)
        self.declare_inadmissible(complaint_id)
        self.assertEqual(self.state(complaint_id), 'closed')
        return complaint_id, self.link(complaint_id)

    def assert_gone(self, response):
        self.assertEqual(response.status_code, 410)
        self.assertIn("Deze link werkt niet meer", text(response))
        for name, value in SECURITY_HEADERS.items():
            self.assertEqual(response.headers.get(name), value, msg=name)

    # The tests
    def test_survey(self):
        "Closing e-mails the link; opening it twice, then one answer"
        complaint_id = self.file()
        self.declare_inadmissible(complaint_id)
        self.assertEqual(self.state(complaint_id), 'closed')
        with SMTPServer() as smtp, smtp.configured():
            with Transaction().start(self.db, 0) as transaction:
                Pool(self.db).get('klachten.email').send_pending()
                transaction.commit()
        number = self.number(complaint_id)
        message, = [m for m in smtp.messages
            if 'tevreden' in m['Subject'] and number in m['Subject']]
        self.assertEqual(message['Subject'],
            f"Klacht {number}: hoe tevreden bent u over onze behandeling?")
        self.assertEqual(message['To'], 'an.peeters@example.org')
        body = message.get_content()
        database, token = LINK.search(body).groups()
        self.assertEqual(database, self.db)
        path = f'survey/{token}'

        for _ in range(2):
            response = self.portal.get(path)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.headers['Referrer-Policy'],
                'strict-origin')
            self.assertEqual(response.headers['Cache-Control'], 'no-store')
        page = text(response)
        self.assertIn(f"behandeling van klacht {number}?", page)
        self.assertIn('<legend>Hoe tevreden bent u?', page)
        self.assertEqual(len(re.findall(
                    r'<input type="radio" id="score[-\d]*" name="score" '
                    r'value="[1-5]">', page)), 5)
        self.assertIn('<label for="score">1 - Helemaal niet tevreden'
            '</label>', page)
        self.assertIn('<label for="score-5">5 - Heel tevreden</label>', page)
        self.assertNotIn('<script', page)
        with Transaction().start(self.db, 0, readonly=True):
            Token = Pool(self.db).get('klachten.portal.token')
            link, = Token.search([('purpose', '=', 'survey'),
                    ('resource', '=', f'klachten.complaint,{complaint_id}')])
            self.assertIsNone(link.used_at)
            self.assertEqual(link.expires,
                dt.date.today() + dt.timedelta(days=SURVEY_DAYS))

        form = Form(page)
        for score in [None, '0', '6', 'abc', '4.5', ' 3']:
            with self.subTest(score=score):
                response = self.portal.post(path, form.data(
                        score=score, comment="Vriendelijk, maar traag."))
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    errors(response), ["Kies een score van 1 tot 5."])
                again = Form(text(response))
                self.assertEqual(
                    again.get('comment'), "Vriendelijk, maar traag.")
                self.assertIsNone(again.get('score'))
                self.assertIn('aria-describedby="score-hint score-error-1"',
                    text(response))
        response = self.portal.post(path, form.data(
                score='abc', lang='fr'))
        self.assertEqual(
            errors(response), ["Choisissez une note de 1 à 5."])
        self.assertEqual(self.answers(complaint_id), [])

        response = self.portal.post(path, form.data(
                score='4', comment="Vriendelijk, maar traag."))
        self.assertEqual(response.status_code, 303)
        self.assertIn('/portal/thanks/survey?lang=nl',
            response.headers['Location'])
        thanks = self.portal.client.get(response.headers['Location'])
        self.assertIn("Bedankt voor uw antwoord.", text(thanks))
        self.assertEqual(self.answers(complaint_id),
            [(4, "Vriendelijk, maar traag.", dt.date.today())])

        for response in [
                self.portal.post(path, form.data(score='1', comment="Nee")),
                self.portal.get(path)]:
            self.assert_gone(response)
        self.assertEqual(self.answers(complaint_id),
            [(4, "Vriendelijk, maar traag.", dt.date.today())])

    def number(self, complaint_id):
        with Transaction().start(self.db, 0, readonly=True):
            return Pool(self.db).get('klachten.complaint')(
                complaint_id).number

    def test_page_structure(self):
        "The survey's pages are built to be accessible, as every page"
        complaint_id, path = self.closed_with_survey()
        check = test_pages.PagesTestCase.check
        for lang in ['nl', 'fr', 'en']:
            response = self.portal.get(f'{path}?lang={lang}')
            check(self, response, lang)
        form = Form(text(response))
        response = self.portal.post(path, form.data(score='9'))
        self.assertEqual(response.status_code, 400)
        body = check(self, response, 'en')
        self.assertIn('<a href="#score">Choose a score from 1 to 5.</a>',
            body)
        response = self.portal.post(path, form.data(score='1'))
        check(self, self.portal.client.get(response.headers['Location']),
            'en')
        check(self, self.portal.get(path))

    def test_my_complaints(self):
        "A citizen's account lists the survey e-mail without its link"
        email = 'els.survey@example.org'
        portal = Portal(self.db)
        form = Form(text(portal.get('account/register')))
        portal.post('account/register', form.data(name="Els Janssens",
                email=email, password=PASSWORD, password_repeat=PASSWORD))
        with Transaction().start(self.db, 0, readonly=True):
            body, = [e.body for e in Pool(self.db).get(
                    'klachten.email').search([('to', '=', email)])]
        path = re.search(r'/portal/(account/validate/[\w-]+)', body).group(1)
        form = Form(text(portal.get(path)))
        response = portal.post(path, form.data(password=PASSWORD))
        self.assertEqual(response.status_code, 303)
        self.portal = portal
        complaint_id = self.file(email=email)
        self.declare_inadmissible(complaint_id)
        path = self.link(complaint_id)
        with SMTPServer() as smtp, smtp.configured():
            with Transaction().start(self.db, 0) as transaction:
                Pool(self.db).get('klachten.email').send_pending()
                transaction.commit()
        number = self.number(complaint_id)
        body = text(portal.get(f'account/complaint/{number}?lang=nl'))
        self.assertIn("hoe tevreden bent u over onze behandeling?", body)
        self.assertNotIn('/portal/survey/', body)
        self.assertIn("[link: zie de e-mail]", body)
        self.assertEqual(self.portal.get(path).status_code, 200)

    def test_closed_by_receiver(self):
        "A receiver who solves a complaint at the counter sends the survey"
        users, company = self.users(), self.company()
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Party = pool.get('party.party')
            Complaint = pool.get('klachten.complaint')
            party, = Party.create([{'name': "Jan Claes",
                        'contact_mechanisms': [('create', [{
                                        'type': 'email',
                                        'value': 'jan@example.org'}])]}])
            complaint, = Complaint.create([{'company': company,
                        'channel': 'counter', 'complainant': party.id,
                        'received_by': users['receiver'],
                        'short_description': "Lange wachttijd",
                        'description': "Een uur gewacht aan het loket."}])
            complaint_id = complaint.id
            transaction.commit()
        # as the Resolve wizard of the client does
        with Transaction().start(self.db, users['receiver'],
                context={'company': company}) as transaction:
            Complaint = Pool(self.db).get('klachten.complaint')
            Complaint.resolve([Complaint(complaint_id)], "Excuses gemaakt.")
            transaction.commit()
        self.assertEqual(self.state(complaint_id), 'closed')
        (subject, body, _), = self.emails(complaint_id)
        self.assertEqual(self.portal.get(self.link(complaint_id)).status_code,
            200)

    def test_without_comment(self):
        "The comment is optional"
        complaint_id, path = self.closed_with_survey()
        form = Form(text(self.portal.get(path)))
        response = self.portal.post(path, form.data(score='5'))
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.answers(complaint_id),
            [(5, None, dt.date.today())])

    def test_french(self):
        "The complainant who wrote in French is asked in French"
        complaint_id = self.file(lang='fr')
        self.declare_inadmissible(complaint_id)
        (subject, body, language), = self.emails(complaint_id)
        self.assertEqual(language, 'fr')
        self.assertIn("êtes-vous satisfait", subject)
        self.assertIn("Donnez votre note sur cette page :\n"
            "http://portal.test/", body)
        path = self.link(complaint_id)
        page = text(self.portal.get(path + '?lang=fr'))
        self.assertIn('<html lang="fr">', page)
        self.assertIn("1 - Pas du tout satisfait", page)

    def test_after_feedback(self):
        "Agreeing with the decision, or silence, closes: then the survey"
        agreed = self.file()
        self.declare_inadmissible(agreed, request_feedback=True)
        self.assertEqual(self.emails(agreed), [])
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            email, = Email.search([
                    ('complaint', '=', agreed), ('kind', '=', 'feedback')])
            feedback = re.search(
                r'/portal/(feedback/[\w-]+)', email.body).group(1)
        form = Form(text(self.portal.get(feedback)))
        response = self.portal.post(feedback, form.data(choice='agree'))
        self.assertEqual(response.status_code, 303)
        self.assertEqual(self.state(agreed), 'closed')
        self.assertEqual(len(self.emails(agreed)), 1)
        self.assertEqual(self.portal.get(self.link(agreed)).status_code, 200)

        silent = self.file()
        self.declare_inadmissible(silent, request_feedback=True)
        with Transaction().start(self.db, 0, readonly=True):
            due = Pool(self.db).get('klachten.complaint')(
                silent).feedback_due
        days = (due - dt.date.today()).days + 1
        with travel(days, database=self.db):
            self.close_expired_feedback()
            self.assertEqual(self.state(silent), 'closed')
            self.assertEqual(len(self.emails(silent)), 1)
            response = self.portal.get(self.link(silent))
        self.assertEqual(response.status_code, 200)

    def close_expired_feedback(self):
        "Run the cron's step, restarted with its locks as trytond-cron does"
        extras = {}
        while True:
            with Transaction().start(self.db, 0, **extras) as transaction:
                try:
                    Pool(self.db).get('klachten.complaint') \
                        .close_expired_feedback()
                except TransactionError as error:
                    transaction.rollback()
                    error.fix(extras)
                    continue
                transaction.commit()
                return

    def test_expired(self):
        "The link works for portal_survey_days after the closing"
        complaint_id, path = self.closed_with_survey()
        with travel(SURVEY_DAYS, database=self.db):
            self.assertEqual(self.portal.get(path).status_code, 200)
            form = Form(text(self.portal.get(path)))
        with travel(SURVEY_DAYS + 1, database=self.db):
            self.assert_gone(self.portal.get(path))
            self.assert_gone(self.portal.post(path, form.data(score='3')))
        self.assertEqual(self.answers(complaint_id), [])

    def test_revoked(self):
        "A revoked link is refused"
        complaint_id, path = self.closed_with_survey()
        form = Form(text(self.portal.get(path)))
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            pool.get('klachten.portal.token').revoke(
                [pool.get('klachten.complaint')(complaint_id)], 'survey')
            transaction.commit()
        self.assert_gone(self.portal.post(path, form.data(score='3')))
        self.assert_gone(self.portal.get(path))
        self.assertEqual(self.answers(complaint_id), [])

    def test_scope(self):
        "The survey's token opens nothing else, other tokens not the survey"
        complaint_id, path = self.closed_with_survey()
        token = path.rsplit('/', 1)[1]
        for other in ['feedback/' + token, 'information/' + token,
                'status/' + token, 'survey/' + token[:-1],
                'survey/' + 'x' * 43]:
            with self.subTest(path=other):
                self.assertEqual(self.portal.get(other).status_code, 404)
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            email, = Email.search([('complaint', '=', complaint_id),
                    ('kind', '=', 'acknowledgement')])
            status = re.search(r'/portal/status/([\w-]+)', email.body)
        self.assertEqual(
            self.portal.get('survey/' + status.group(1)).status_code, 404)

    def test_csrf(self):
        "The answer needs the form's CSRF token"
        complaint_id, path = self.closed_with_survey()
        form = Form(text(self.portal.get(path)))
        response = self.portal.post(path, form.data(score='2', csrf_token=''))
        self.assertEqual(response.status_code, 403)
        response = Portal(self.db).post(path, form.data(score='2'))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.answers(complaint_id), [])
        self.assertEqual(self.portal.get(path).status_code, 200)

    def test_cancelled(self):
        "A cancelled complaint gets no survey"
        complaint_id = self.file()
        with Transaction().start(self.db, 0) as transaction:
            Complaint = Pool(self.db).get('klachten.complaint')
            Complaint.cancel([Complaint(complaint_id)], "Ingetrokken",
                inform=True)
            transaction.commit()
        self.assertEqual(self.state(complaint_id), 'cancelled')
        self.assertEqual(len(self.emails(complaint_id, 'cancel')), 1)
        self.assertEqual(self.emails(complaint_id), [])
        self.assertEqual(self.links(complaint_id), 0)

    def test_switched_off(self):
        "With the survey switched off, closing sends no survey"
        self.set_survey(False)
        self.addCleanup(self.set_survey, True)
        complaint_id = self.file()
        self.declare_inadmissible(complaint_id)
        self.assertEqual(self.state(complaint_id), 'closed')
        self.assertEqual(len(self.emails(complaint_id, 'inadmissible')), 1)
        self.assertEqual(self.emails(complaint_id), [])
        self.assertEqual(self.links(complaint_id), 0)

    def set_survey(self, value):
        with Transaction().start(self.db, 0) as transaction:
            Configuration = Pool(self.db).get('klachten.configuration')
            Configuration.write([Configuration(1)], {'survey': value})
            transaction.commit()

    def test_no_portal(self):
        "Without the portal's address there is nothing to link to"
        complaint_id = self.file()
        with settings(url=''):
            self.declare_inadmissible(complaint_id)
        self.assertEqual(self.emails(complaint_id), [])
        self.assertEqual(self.links(complaint_id), 0)

    def test_anonymous(self):
        "An anonymous complaint gets no survey: nobody to write to"
        complaint_id = self.file(anonymous='1')
        self.declare_inadmissible(complaint_id)
        self.assertEqual(self.state(complaint_id), 'closed')
        self.assertEqual(self.emails(complaint_id), [])

    def test_one_answer_per_complaint(self):
        "The database holds one answer per complaint, scores 1 to 5"
        complaint_id, _ = self.closed_with_survey()
        for values in [{'score': 3}, {'score': 0}, {'score': 6}]:
            with self.subTest(**values), \
                    Transaction().start(self.db, 0) as transaction:
                Answer = Pool(self.db).get('klachten.survey.answer')
                Answer.create([{'complaint': complaint_id, 'score': 2,
                            'date': dt.date.today()}])
                with self.assertRaises(UserError):
                    Answer.create([{'complaint': complaint_id,
                                'date': dt.date.today(), **values}])
                transaction.rollback()

    def test_access(self):
        "Coordinators read the answers; handlers see none of them"
        complaint_id, path = self.closed_with_survey()
        form = Form(text(self.portal.get(path)))
        self.portal.post(path, form.data(score='2', comment="Te traag."))
        users, company = self.users(), self.company()
        with Transaction().start(self.db, users['coordinator'],
                context={'company': company}):
            pool = Pool(self.db)
            Answer = pool.get('klachten.survey.answer')
            Complaint = pool.get('klachten.complaint')
            with check_access():
                answer, = Answer.search([('complaint', '=', complaint_id)])
            self.assertEqual((answer.score, answer.comment),
                (2, "Te traag."))
            self.assertIn('survey_answers', self.form_fields(Complaint))
            with check_access():
                number, average = Answer.statistics(
                    [('complaint', '=', complaint_id)])
            self.assertEqual((number, average), (1, 2.0))
            for domain, found in [
                    ([('department', '=', None)], True),
                    ([('outcome', '=', None)], True),
                    ([('department.code', '=', 'BZ')], False),
                    ([('score', '<=', 2)], True),
                    ([('score', '>', 2)], False),
                    ]:
                with self.subTest(domain=domain):
                    self.assertEqual(bool(Answer.search(domain + [
                                    ('complaint', '=', complaint_id)])),
                        found)
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            department, = pool.get('klachten.department').search(
                [('code', '=', 'BZ')])
            Complaint.write([Complaint(complaint_id)],
                {'concerned_department': department.id})
            transaction.commit()
        with Transaction().start(self.db, users['coordinator'],
                context={'company': company}), check_access():
            Answer = Pool(self.db).get('klachten.survey.answer')
            answer, = Answer.search([('department.code', '=', 'BZ'),
                    ('complaint', '=', complaint_id)])
            self.assertEqual(answer.department.code, 'BZ')
        for login in ['handler1', 'observer', 'receiver', 'head']:
            with self.subTest(login=login), Transaction().start(
                    self.db, users[login], context={'company': company}):
                pool = Pool(self.db)
                Answer = pool.get('klachten.survey.answer')
                Complaint = pool.get('klachten.complaint')
                with self.assertRaises(UserError), check_access():
                    Answer.search([])
                self.assertNotIn(
                    'survey_answers', self.form_fields(Complaint))

        # the coordinator concerned by a complaint does not read its survey
        with Transaction().start(self.db, 0) as transaction:
            Complaint = Pool(self.db).get('klachten.complaint')
            Complaint.write([Complaint(complaint_id)],
                {'concerned_user': users['coordinator']})
            transaction.commit()
        with Transaction().start(self.db, users['coordinator'],
                context={'company': company}), check_access():
            Answer = Pool(self.db).get('klachten.survey.answer')
            self.assertEqual(
                Answer.search([('complaint', '=', complaint_id)]), [])

    def form_fields(self, Complaint):
        "The fields of the complaint's form as the client gets it"
        with check_access():
            return list(Complaint.fields_view_get(view_type='form')['fields'])

    def users(self):
        with Transaction().start(self.db, 0, readonly=True):
            User = Pool(self.db).get('res.user')
            return {u.login: u.id for u in User.search([])}

    def company(self):
        with Transaction().start(self.db, 0, readonly=True):
            Company = Pool(self.db).get('company.company')
            return Company.search([], limit=1)[0].id
