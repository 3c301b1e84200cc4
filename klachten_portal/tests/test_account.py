# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Citizen accounts: registration with the link read from the outbox,
login, logout, a new password, and "Mijn klachten"."""
import datetime as dt
import re
import threading
import unittest

from klachten_base.tests.smtp import SMTPServer
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..pages import web
from . import test_pages
from .tools import (
    SECURITY_HEADERS, VALID, Form, Portal, PortalTestMixin, configure_portal,
    count, errors, set_up_portal_database, settings, text)

LINK = re.compile(r'http://portal\.test/([^/]+)/portal/(account/[\w/-]+)'
    r'\?lang=(\w+)')
PASSWORD = 'een lang wachtwoord'


class AccountTestCase(PortalTestMixin, unittest.TestCase):
    "A citizen with an account"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls, languages=['nl', 'fr'])
        configure_portal(cls)

    # Helpers
    def emails(self, address, kind):
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            return [(e.subject, e.body, e.language) for e in Email.search([
                        ('to', '=', address),
                        ('kind', '=', kind),
                        ], order=[('id', 'ASC')])]

    def link(self, address, kind):
        "The path of the last link of kind e-mailed to address"
        subject, body, language = self.emails(address, kind)[-1]
        database, path, lang = LINK.search(body).groups()
        self.assertEqual(database, self.db)
        return path

    def register(self, email, name="An Peeters", password=PASSWORD,
            lang='nl', portal=None):
        portal = portal or self.portal
        response = portal.get(f'account/register?lang={lang}')
        self.assertEqual(response.status_code, 200)
        form = Form(text(response))
        return portal.post('account/register', form.data(
                name=name, email=email, password=password,
                password_repeat=password))

    def login(self, email, password=PASSWORD, portal=None):
        portal = portal or self.portal
        form = Form(text(portal.get('account/login?lang=nl')))
        return portal.post('account/login', form.data(
                email=email, password=password))

    def account(self, email, name="An Peeters", portal=None):
        "Register, confirm and log in: return the logged-in portal"
        portal = portal or Portal(self.db)
        self.assertEqual(
            self.register(email, name, portal=portal).status_code, 303)
        path = self.link(email, 'account_validation')
        form = Form(text(portal.get(path)))
        response = portal.post(path, form.data(password=PASSWORD))
        self.assertEqual(response.status_code, 303, text(response))
        return portal

    def number(self, response):
        "The number of the complaint of a receipt redirection"
        key = response.headers['Location'].rsplit('/', 1)[1].split('?')[0]
        with Transaction().start(self.db, 0, readonly=True):
            complaint, = Pool(self.db).get('klachten.complaint').search(
                [('portal_submission_key', '=', key)])
            return complaint.number

    def send(self):
        "Send the outbox to a real SMTP server; return what it received"
        with SMTPServer() as smtp, smtp.configured():
            with Transaction().start(self.db, 0):
                Pool(self.db).get('klachten.email').send_pending()
            return list(smtp.messages)

    def cookie(self, response, name='klachten_portal_session'):
        for header in response.headers.getlist('Set-Cookie'):
            if header.startswith(name + '='):
                return header

    # Tests
    def test_register_to_my_complaints(self):
        "Register, confirm from the outbox, log in, file, follow"
        email = 'els.janssens@example.org'
        response = self.register(email, name="Els Janssens")
        self.assertEqual(response.status_code, 303)
        sent = self.portal.client.get(response.headers['Location'])
        self.assertIn("Bevestig uw e-mailadres", text(sent))

        (subject, body, language), = self.emails(email,
            'account_validation')
        message, = [m for m in self.send() if m['To'] == email]
        self.assertEqual(message['Subject'], "Bevestig uw e-mailadres")
        self.assertEqual(language, 'nl')
        self.assertEqual(subject, "Bevestig uw e-mailadres")
        self.assertIn("Beste Els Janssens", body)
        path = self.link(email, 'account_validation')
        with Transaction().start(self.db, 0, readonly=True):
            user, = Pool(self.db).get('web.user').search(
                [('email', '=', email)])
            self.assertFalse(user.email_valid)
            # only the token's hash is stored
            self.assertNotIn(user.email_token, body)
            self.assertEqual(user.party.name, "Els Janssens")
            self.assertEqual(user.party.email, email)

        # not yet confirmed: no login
        response = self.login(email)
        self.assertEqual(response.status_code, 400)
        self.assertIsNone(self.cookie(response))
        self.assertEqual(errors(response), [
                "Uw e-mailadres is nog niet bevestigd. We stuurden u een "
                "nieuwe e-mail met een link om het te bevestigen."])
        path = self.link(email, 'account_validation')

        # opening the link (a mail scanner) does not confirm
        for _ in range(2):
            response = self.portal.get(path)
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.headers['Referrer-Policy'],
                'strict-origin')
        form = Form(text(response))
        response = self.portal.post(path, form.data(password='wrong one!'))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response),
            ["Het e-mailadres of het wachtwoord is niet juist."])
        response = self.portal.post(path, form.data(password=PASSWORD))
        self.assertEqual(response.status_code, 303)
        cookie = self.cookie(response)
        self.assertIn('HttpOnly', cookie)
        self.assertIn('SameSite=Lax', cookie)
        self.assertIn(f'Path=/{self.db}/portal', cookie)
        self.assertNotIn('Secure', cookie)
        self.assertEqual(self.portal.get(path).status_code, 410)

        # a fresh browser logs in
        self.portal = Portal(self.db)
        response = self.login(email)
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers['Location'].endswith(
                '/portal/account?lang=nl'))
        response = self.portal.get('account?lang=nl')
        self.assertEqual(response.status_code, 200)
        for name, value in SECURITY_HEADERS.items():
            self.assertEqual(response.headers.get(name), value)
        self.assertEqual(response.headers['Cache-Control'], 'no-store')
        self.assertIn("U hebt nog geen klachten.", text(response))

        # the form knows who is filing
        response, form = self.portal.form()
        self.assertEqual(form.get('name'), "Els Janssens")
        self.assertEqual(form.get('email'), email)
        self.assertIn('Mijn klachten', text(response))
        values = {k: v for k, v in VALID.items()
            if k not in {'name', 'email'}}
        response = self.portal.next(form, **values)
        self.assertEqual(response.status_code, 200, text(response))
        review = Form(text(response))
        response = self.portal.post('complaint', review.data(action='submit'))
        self.assertEqual(response.status_code, 303)
        number = self.number(response)
        # the receipt keeps the account's header
        receipt = text(self.portal.client.get(response.headers['Location']))
        self.assertIn(number, receipt)
        self.assertIn("Mijn klachten", receipt)
        self.assertIn("Afmelden", receipt)
        with Transaction().start(self.db, 0, readonly=True):
            pool = Pool(self.db)
            complaint, = pool.get('klachten.complaint').search(
                [('number', '=', number)])
            self.assertEqual(complaint.complainant, user.party)
            self.assertEqual(complaint.complainant_email, email)
            self.assertEqual(complaint.complainant_phone, VALID['phone'])
        self.assertEqual(count(self.db, 'party.party',
                [('name', '=', "Els Janssens")]), 1)

        response = self.portal.get('account?lang=nl')
        body = text(response)
        self.assertIn(number, body)
        self.assertIn(VALID['short_description'], body)
        self.assertIn("1 van 3: evaluatie", body)
        self.assertIn("Geen antwoord op mijn e-mail", body)
        self.send()
        response = self.portal.get(f'account/complaint/{number}?lang=nl')
        self.assertEqual(response.status_code, 200)
        body = text(response)
        self.assertIn(VALID['description'], body)
        # the acknowledgement, its status link left out
        self.assertIn("uw klacht heeft het nummer", body.lower())
        self.assertNotIn('/portal/status/', body)
        self.assertIn("[link: zie de e-mail]", body)

        # cancelled: the explanation instead of "nothing decided"
        with Transaction().start(self.db, 0) as transaction:
            Complaint = Pool(self.db).get('klachten.complaint')
            Complaint.cancel(Complaint.search([('number', '=', number)]),
                "Uw klacht is opgelost bij het loket.", inform=True)
            transaction.commit()
        body = text(self.portal.get(f'account/complaint/{number}?lang=nl'))
        self.assertIn("Behandeling stopgezet", body)
        self.assertIn("Uw klacht is opgelost bij het loket.", body)
        self.assertNotIn("We hebben nog niets beslist.", body)

    def test_login_same_answer(self):
        "Unknown address and wrong password get the same answer"
        self.account('jan.claes@example.org')
        self.portal = Portal(self.db)
        unknown = self.login('nobody@example.org')
        wrong = self.login('jan.claes@example.org', 'not the password')
        for response in [unknown, wrong]:
            self.assertEqual(response.status_code, 400)
            self.assertIsNone(self.cookie(response))
            self.assertEqual(errors(response),
                ["Het e-mailadres of het wachtwoord is niet juist."])
        self.assertEqual(
            text(unknown).replace('nobody@example.org', 'X'),
            text(wrong).replace('jan.claes@example.org', 'X'))
        self.assertEqual(self.login('JAN.Claes@example.org').status_code, 303)

    def test_login_rate_limit(self):
        "Too many attempts for an address, or from a client, are refused"
        self.account('piet.maes@example.org')
        with settings(login_address_rate_limit=2):
            web.limiter.clear()
            portal = Portal(self.db)
            for _ in range(2):
                response = self.login('piet.maes@example.org', 'bad guess',
                    portal=portal)
                self.assertEqual(response.status_code, 400)
            # even the right password waits now
            response = self.login('piet.maes@example.org', portal=portal)
            self.assertEqual(response.status_code, 429)
            self.assertIn("Even geduld", text(response))
            self.assertIsNone(self.cookie(response))
            # another address is not held back
            response = self.login('other@example.org', 'x', portal=portal)
            self.assertEqual(response.status_code, 400)
        with settings(login_rate_limit=2, login_address_rate_limit=0):
            web.limiter.clear()
            portal = Portal(self.db)
            for index in range(2):
                self.login(f'who{index}@example.org', 'x', portal=portal)
            response = self.login('piet.maes@example.org', portal=portal)
            self.assertEqual(response.status_code, 429)

    def test_secure_cookie(self):
        """Over HTTPS, and behind a TLS proxy (an https portal_url), the
        session and CSRF cookies are Secure, with the __Host- prefix"""
        email = 'nina.goossens@example.org'
        self.account(email)
        https = {'base_url': 'https://localhost'}
        for kwargs, url in [(https, 'http://portal.test/'),
                ({}, 'https://klachten.example.org')]:
            with self.subTest(url=url), settings(url=url):
                portal = Portal(self.db)
                response = portal.get('account/login', **kwargs)
                csrf = self.cookie(response, '__Host-klachten_portal_csrf')
                form = Form(text(response))
                response = portal.post('account/login',
                    form.data(email=email, password=PASSWORD), **kwargs)
                self.assertEqual(response.status_code, 303)
                cookie = self.cookie(response,
                    '__Host-klachten_portal_session')
                for header in [csrf, cookie]:
                    for part in ['Secure', 'HttpOnly', 'SameSite=Lax',
                            'Path=/;']:
                        self.assertIn(part, header + ';')
                    self.assertNotIn('Domain', header)
                self.assertIsNone(self.cookie(response))
                self.assertEqual(
                    portal.get('account', **kwargs).status_code, 200)

    def test_reset(self):
        "Forgot the password: a link, a new password, the old one fails"
        email = 'lies.wouters@example.org'
        portal = self.account(email)
        self.assertEqual(portal.get('account').status_code, 200)

        self.portal = Portal(self.db)
        form = Form(text(self.portal.get('account/reset?lang=fr')))
        for address in ['unknown@example.org', email]:
            response = self.portal.post('account/reset',
                form.data(email=address))
            self.assertEqual(response.status_code, 303)
            self.assertIn('/account/sent/reset', response.headers['Location'])
        self.assertEqual(self.emails('unknown@example.org', 'account_reset'),
            [])
        (subject, body, language), = self.emails(email, 'account_reset')
        self.assertEqual(language, 'fr')
        self.assertEqual(subject, "Choisissez un nouveau mot de passe")
        path = self.link(email, 'account_reset')
        self.assertEqual(self.portal.get(path).status_code, 200)
        response = self.portal.get(path + '?lang=nl')
        form = Form(text(response))

        response = self.portal.post(path, form.data(
                password='nieuw wachtwoord', password_repeat='anders'))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response),
            ["De twee wachtwoorden zijn niet gelijk."])
        response = self.portal.post(path, form.data(
                password='kort', password_repeat='kort'))
        self.assertEqual(errors(response),
            ["Kies een wachtwoord van minstens 8 tekens."])
        response = self.portal.post(path, form.data(
                password='nieuw wachtwoord',
                password_repeat='nieuw wachtwoord'))
        self.assertEqual(response.status_code, 303)
        self.assertIn('done=reset', response.headers['Location'])

        # used: refused; the session of before has ended
        self.assertEqual(self.portal.get(path).status_code, 410)
        response = self.portal.post(path, form.data(
                password='nog een ander', password_repeat='nog een ander'))
        self.assertEqual(response.status_code, 410)
        response = portal.get('account')
        self.assertEqual(response.status_code, 303)
        self.assertIn('/account/login', response.headers['Location'])
        self.assertEqual(self.login(email).status_code, 400)
        self.assertEqual(
            self.login(email, 'nieuw wachtwoord').status_code, 303)

        # expired: refused
        web.limiter.clear()
        form = Form(text(self.portal.get('account/reset')))
        self.portal.post('account/reset', form.data(email=email))
        path = self.link(email, 'account_reset')
        self.assertEqual(self.portal.get(path).status_code, 200)
        with Transaction().start(self.db, 0) as transaction:
            User = Pool(self.db).get('web.user')
            users = User.search([('email', '=', email)])
            User.write(users, {'reset_password_token_expire':
                    dt.datetime.now() - dt.timedelta(minutes=1)})
            transaction.commit()
        form = Form(text(self.portal.get('account/reset')))
        self.assertEqual(self.portal.get(path).status_code, 410)
        response = self.portal.post(path, form.data(
                password='nog een ander', password_repeat='nog een ander'))
        self.assertEqual(response.status_code, 410)
        self.assertEqual(
            self.login(email, 'nieuw wachtwoord').status_code, 303)

    def test_other_citizen(self):
        "A's complaint is not found by B, whatever number is tried"
        alice = self.account('alice@example.org', "Alice Aerts")
        bob = self.account('bob@example.org', "Bob Bosmans")
        _, form = alice.form()
        response = alice.next(form, short_description="Geheim van Alice",
            description="Alleen voor Alice", name="Alice Aerts",
            city="Zoersel", street="Dorp 1", postal_code='2980')
        response = alice.post('complaint',
            Form(text(response)).data(action='submit'))
        number = self.number(response)
        with Transaction().start(self.db, 0, readonly=True):
            complaint_id, = [c.id for c in Pool(self.db).get(
                    'klachten.complaint').search([('number', '=', number)])]

        self.assertEqual(
            alice.get(f'account/complaint/{number}').status_code, 200)
        refused = bob.get(f'account/complaint/{number}')
        missing = bob.get('account/complaint/K1999-9999')
        for response in [refused, missing,
                bob.get(f'account/complaint/{complaint_id}'),
                bob.get(f'account/complaint/{number.lower()}'),
                bob.get(f'account/complaint/{number}%25'),
                bob.get(f'account/complaint/{number}%00'),
                bob.get(f'account/complaint/{number}%0A')]:
            self.assertEqual(response.status_code, 404)
            self.assertNotIn("Geheim van Alice", text(response))
            self.assertNotIn("Alice", text(response))
        self.assertEqual(text(refused), text(missing))
        self.assertNotIn(number, text(bob.get('account')))
        # without a session, or with a made-up one: the login
        for key in [None, '0' * 64, 'x\x01y']:
            portal = Portal(self.db)
            if key:
                portal.client.set_cookie('klachten_portal_session', key,
                    path=f'/{self.db}/portal')
            response = portal.get(f'account/complaint/{number}')
            self.assertEqual(response.status_code, 303)
            self.assertIn('/account/login', response.headers['Location'])

    def test_filed_without_account(self):
        """A complaint filed with the account's address shows once the
        link e-mailed to that address was opened, not before: filing with
        someone's address does not put a complaint in her list"""
        response = self.portal.file(email='Greet.Smet@example.org',
            name="Greet Smet", short_description="Zonder account")
        number = self.number(response)
        other = self.number(Portal(self.db).file(
                email='greet_smet@example.org',
                short_description="Iemand anders"))
        portal = self.account('greet.smet@example.org', "Greet Smet")
        self.assertNotIn(number, text(portal.get('account')))
        self.assertEqual(
            portal.get(f'account/complaint/{number}').status_code, 404)
        # the acknowledgement's status link, opened from her mailbox
        with Transaction().start(self.db, 0, readonly=True):
            Email = Pool(self.db).get('klachten.email')
            ack, = Email.search([('kind', '=', 'acknowledgement'),
                    ('complaint.number', '=', number)])
            body = ack.body
        path = re.search(r'/portal/(status/[\w-]+)', body).group(1)
        self.assertEqual(Portal(self.db).get(path).status_code, 200)
        body = text(portal.get('account'))
        self.assertIn(number, body)
        self.assertNotIn(other, body)
        self.assertEqual(
            portal.get(f'account/complaint/{other}').status_code, 404)

        # the decision, as the complainant was told
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            Ground = pool.get('klachten.inadmissibility_ground')
            complaint, = Complaint.search([('number', '=', number)])
            ground, = Ground.search([], limit=1)
            Complaint.declare_inadmissible([complaint], [ground],
                "Dit is een melding.", inform=True, request_feedback=True)
            transaction.commit()
        with Transaction().start(self.db, 0, readonly=True,
                context={'language': 'nl'}):
            ground_name = Pool(self.db).get(
                'klachten.inadmissibility_ground')(ground.id).name
        self.send()
        response = portal.get(f'account/complaint/{number}?lang=nl')
        body = text(response)
        self.assertIn("Uw klacht is niet ontvankelijk", body)
        self.assertIn(ground_name, body)
        self.assertIn("Dit is een melding.", body)
        self.assertNotIn("Ons antwoord", body)
        # what was sent to the address: the acknowledgement, the decision
        # and the request for feedback, their links left out
        self.assertEqual(body.count('<section class="message"'), 3)
        self.assertNotIn('/portal/feedback/', body)
        self.assertNotIn('/portal/status/', body)

    def test_verified_address_files_on_party(self):
        """An address proven by the account's link or by a status link
        files the next web complaint on that person's party (what the form
        typed does not change it); an unproven address never does"""
        def complainant(response):
            number = self.number(response)
            with Transaction().start(self.db, 0, readonly=True):
                complaint, = Pool(self.db).get('klachten.complaint').search(
                    [('number', '=', number)])
                party = complaint.complainant
                return party.id, party.name, [(m.value, m.klachten_verified)
                    for m in party.contact_mechanisms if m.type == 'email']

        self.account('lotte.vos@example.org', "Lotte Vos")
        with Transaction().start(self.db, 0, readonly=True):
            user, = Pool(self.db).get('web.user').search(
                [('email', '=', 'lotte.vos@example.org')])
            lotte = user.party.id
        self.assertEqual(complainant(self.portal.file(
                    email='Lotte.Vos@example.org', name="Iemand Anders")),
            (lotte, "Lotte Vos", [('lotte.vos@example.org', True)]))

        # registered, not confirmed: a new party each time
        self.register('jef.vos@example.org', name="Jef Vos")
        first = complainant(self.portal.file(email='jef.vos@example.org',
                name="Jef Vos"))
        self.assertNotEqual(first[0], complainant(self.portal.file(
                    email='jef.vos@example.org', name="Jef Vos"))[0])
        self.assertEqual(first[2], [('jef.vos@example.org', False)])

        # the status link of the acknowledgement, opened: proven
        response = self.portal.file(email='mia.peeters@example.org',
            name="Mia Peeters")
        mia, number = complainant(response), self.number(response)
        with Transaction().start(self.db, 0, readonly=True):
            ack, = Pool(self.db).get('klachten.email').search([
                    ('kind', '=', 'acknowledgement'),
                    ('complaint.number', '=', number)])
            body = ack.body
        path = re.search(r'/portal/(status/[\w-]+)', body).group(1)
        self.assertEqual(Portal(self.db).get(path).status_code, 200)
        self.assertEqual(complainant(self.portal.file(
                    email='mia.peeters@example.org', name="Mia")),
            (mia[0], "Mia Peeters", [('mia.peeters@example.org', True)]))

    def test_backfill_of_verified_addresses(self):
        """A database older than the verified mark: the update marks the
        address a validated account proved, not the one of an account
        that never confirmed it"""
        self.account('an.pauwels@example.org', "An Pauwels")
        self.register('bram.pauwels@example.org', name="Bram Pauwels")

        def verified():
            with Transaction().start(self.db, 0, readonly=True):
                return {m.value: m.klachten_verified for m in Pool(
                        self.db).get('party.contact_mechanism').search([
                            ('value', 'like', '%.pauwels@example.org')])}

        with Transaction().start(self.db, 0) as transaction:
            Mechanism = Pool(self.db).get('party.contact_mechanism')
            mechanism = Mechanism.__table__()
            transaction.connection.cursor().execute(*mechanism.update(
                    [mechanism.klachten_verified], [False],
                    where=mechanism.value.like('%.pauwels@example.org')))
            transaction.commit()
        self.assertEqual(verified(), {'an.pauwels@example.org': False,
                'bram.pauwels@example.org': False})

        with Transaction().start(self.db, 0) as transaction:
            Pool(self.db).get('web.user').__register__('klachten_portal')
            transaction.commit()
        self.assertEqual(verified(), {'an.pauwels@example.org': True,
                'bram.pauwels@example.org': False})

    def test_admissible_note(self):
        """The note the coordinator wrote with the admissible decision is
        what the complainant reads on her page, and no earlier motivation"""
        email = 'mira.claes@example.org'
        portal = self.account(email, "Mira Claes")
        number = self.number(portal.file(name="Mira Claes", email=email,
                short_description="Stoep niet hersteld"))
        note = "De dienst Wegen onderzoekt uw klacht."
        with Transaction().start(self.db, 0) as transaction:
            pool = Pool(self.db)
            Complaint = pool.get('klachten.complaint')
            complaint, = Complaint.search([('number', '=', number)])
            department, = pool.get('klachten.department').search(
                [('code', '=', 'BZ')])
            role, = pool.get('klachten.role').search(
                [('code', '=', 'handler')])
            subject, = pool.get('klachten.subject').search([], limit=1)
            Complaint.declare_admissible([complaint], department, role,
                subject=subject, basis='treatment', concerns='department',
                concerned_department=department, inform=True, note=note)
            transaction.commit()
        (subject_, body, language), = self.emails(email, 'admissible')
        self.assertIn(note, body)
        body = text(portal.get(f'account/complaint/{number}?lang=nl'))
        self.assertIn("Uw klacht is ontvankelijk", body)
        self.assertIn(note, body)
        self.assertNotIn("We hebben nog niets beslist.", body)

    def test_logout(self):
        "Logging out ends the session on the server"
        portal = self.account('karel.peeters@example.org')
        response = portal.get('account')
        self.assertEqual(response.status_code, 200)
        session = portal.client.get_cookie(
            'klachten_portal_session', path=f'/{self.db}/portal').value
        form = Form(text(response))
        # without the CSRF token: refused, still logged in
        response = portal.post('account/logout', {'lang': 'nl'})
        self.assertEqual(response.status_code, 403)
        self.assertEqual(portal.get('account').status_code, 200)
        response = portal.post('account/logout', form.data())
        self.assertEqual(response.status_code, 303)
        self.assertIn('done=out', response.headers['Location'])
        self.assertIn('Max-Age=0', self.cookie(response))
        self.assertEqual(portal.get('account').status_code, 303)
        # the old cookie is worth nothing
        stolen = Portal(self.db)
        stolen.client.set_cookie('klachten_portal_session', session,
            path=f'/{self.db}/portal')
        response = stolen.get('account')
        self.assertEqual(response.status_code, 303)
        self.assertEqual(count(self.db, 'web.user.session',
                [('key', '=', session)]), 0)

    def test_csrf(self):
        "Every account form without its CSRF token is refused"
        users = count(self.db, 'web.user')
        portal = Portal(self.db)
        for path, data in [
                ('account/register', {'name': "X", 'email': 'x@example.org',
                        'password': PASSWORD, 'password_repeat': PASSWORD}),
                ('account/login', {'email': 'x@example.org',
                        'password': PASSWORD}),
                ('account/reset', {'email': 'x@example.org'}),
                ('account/reset/abc', {'password': PASSWORD}),
                ]:
            response = portal.post(path, data)
            self.assertEqual(response.status_code, 403, path)
            self.assertIsNone(self.cookie(response))
        self.assertEqual(count(self.db, 'web.user'), users)
        self.assertEqual(self.emails('x@example.org', 'account_validation'),
            [])

    def test_register_twice(self):
        "Registering a known address says nothing more, and changes nothing"
        email = 'mia.hermans@example.org'
        self.account(email)
        response = self.register(email, password='een ander wachtwoord')
        self.assertEqual(response.status_code, 303)
        self.assertIn('/account/sent/register', response.headers['Location'])
        (subject, body, _), = self.emails(email, 'account_exists')
        self.assertIn('/account/login', body)
        self.assertEqual(self.login(email).status_code, 303)
        self.assertEqual(
            self.login(email, 'een ander wachtwoord').status_code, 400)

    def test_register_concurrent(self):
        "The same registration sent five times at once makes one account"
        email = 'sam.dewit@example.org'
        portals = [Portal(self.db) for _ in range(5)]
        forms = [Form(text(p.get('account/register'))) for p in portals]
        barrier = threading.Barrier(len(portals))
        statuses = []

        def send(portal, form):
            barrier.wait()
            statuses.append(portal.post('account/register', form.data(
                        name="Sam De Wit", email=email, password=PASSWORD,
                        password_repeat=PASSWORD)).status_code)
        threads = [threading.Thread(target=send, args=pair)
            for pair in zip(portals, forms)]
        # the race in the database, not the limit of e-mails per address
        with settings(account_mail_rate_limit=0):
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertEqual(statuses, [303] * 5)
        self.assertEqual(count(self.db, 'web.user', [('email', '=', email)]),
            1)
        self.assertEqual(count(self.db, 'party.party',
                [('name', '=', "Sam De Wit")]), 1)

    def test_register_invalid(self):
        "Bad input: a clear message, what was typed kept, nothing stored"
        users = count(self.db, 'web.user')
        response = self.register('not an address', name='',
            password='kort')
        self.assertEqual(response.status_code, 400)
        self.assertEqual(errors(response), [
                "Vul uw naam in.",
                "Vul een e-mailadres in zoals naam@voorbeeld.be.",
                "Kies een wachtwoord van minstens 8 tekens.",
                ])
        form = Form(text(response))
        self.assertEqual(form.get('email'), 'not an address')
        self.assertEqual(form.get('password'), '')
        self.assertEqual(count(self.db, 'web.user'), users)

    def test_language_switch_keeps_input(self):
        "The language switch of the review page keeps what was typed"
        _, form = self.portal.form()
        response = self.portal.next(form, **VALID)
        body = text(response)
        self.assertIn('form="complaint-form"', body)
        review = Form(body)
        response = self.portal.post('complaint',
            review.data(switch_lang='fr'))
        self.assertEqual(response.status_code, 200)
        body = text(response)
        self.assertIn('<html lang="fr">', body)
        self.assertIn(VALID['description'], body)
        self.assertIn('name="step" value="review"', body)
        # on the form itself, too
        response = self.portal.post('complaint', Form(body).data(
                action='back'))
        form = Form(text(response))
        response = self.portal.post('complaint', form.data(switch_lang='en'))
        self.assertEqual(response.status_code, 200)
        form = Form(text(response))
        self.assertIn('<html lang="en">', text(response))
        self.assertEqual(form.get('short_description'),
            VALID['short_description'])
        self.assertEqual(form.get('email'), VALID['email'])

    def test_pages_accessible(self):
        "Every account page has the structure of the other portal pages"
        check = test_pages.PagesTestCase.check
        email = 'toon.vermeulen@example.org'
        portal = Portal(self.db)
        check(self, portal.get('account/register?lang=fr'), 'fr')
        response = self.register('', name='', portal=portal)
        self.assertEqual(response.status_code, 400)
        check(self, response)
        response = self.register(email, portal=portal)
        check(self, portal.client.get(response.headers['Location']))
        path = self.link(email, 'account_validation')
        check(self, portal.get(path + '?lang=en'), 'en')
        response = portal.post(path, Form(text(portal.get(path))).data(
                password='wrong password'))
        check(self, response)
        response = portal.post(path, Form(text(portal.get(path))).data(
                password=PASSWORD))
        check(self, portal.client.get(response.headers['Location']))
        check(self, portal.get('account/login'))
        response = portal.file(name="Toon Vermeulen")
        number = self.number(response)
        check(self, portal.get('account'))
        check(self, portal.get(f'account/complaint/{number}'))
        check(self, portal.get('account/complaint/K1999-0001'))
        check(self, portal.get('account/reset'))
        response = portal.post('account/reset',
            Form(text(portal.get('account/reset'))).data(email=email))
        check(self, portal.client.get(response.headers['Location']))
        check(self, portal.get(self.link(email, 'account_reset')))
        response = self.login('nobody@example.org', portal=Portal(self.db))
        check(self, response)
