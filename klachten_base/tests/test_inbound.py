# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Complaints that come in by e-mail, polled from a real IMAP server
(Dovecot on loopback, tests/imap.py) into one test database."""
import imaplib
import shutil
import unittest
from email.message import EmailMessage
from email.utils import make_msgid
from unittest import mock

import trytond.config as config
from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

from ..inbound import Mailbox
from .imap import ImapServer
from .tools import create_complainant, setup_municipality, shared_database

PDF = b'%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
DOCX = b'PK\x03\x04' + b'\x00' * 64


def message(sender='Mia Janssens <mia@example.net>', subject="Losliggende "
        "stoeptegel", text="De stoeptegel voor nr. 12 ligt los.",
        html=None, headers=None, attachments=()):
    msg = EmailMessage()
    msg['From'] = sender
    msg['To'] = 'klachten@example.org'
    msg['Subject'] = subject
    msg['Message-ID'] = make_msgid(domain='example.net')
    for name, value in (headers or {}).items():
        msg[name] = value
    if text is not None:
        msg.set_content(text)
        if html:
            msg.add_alternative(html, subtype='html')
    else:
        msg.set_content(html, subtype='html')
    for name, data, maintype, subtype in attachments:
        msg.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=name)
    return msg


class InboundTestCase(unittest.TestCase):
    "A complaints mailbox polled by the cron becomes draft complaints"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('klachten_base')
        setup_municipality()
        cls.known = create_complainant(
            name="Lotte Vos", email='lotte.vos@example.org').id
        cls.addClassCleanup(drop_db)
        database_path = config.get('database', 'path')
        cls.db, cls.folder = shared_database()
        if cls.folder:
            cls.addClassCleanup(shutil.rmtree, cls.folder)
            cls.addClassCleanup(
                config.set, 'database', 'path', database_path)
            cls.addClassCleanup(backend.Database(cls.db).close)
            cls.addClassCleanup(Pool.stop, cls.db)
        cls.imap = ImapServer().start()
        cls.addClassCleanup(cls.imap.close)
        with Transaction().start(cls.db, 0) as transaction:
            pool = Pool()
            Company = pool.get('company.company')
            company, = Company.search([])
            cls.company = company.id
            mailbox, = pool.get('klachten.mailbox').create([
                    cls.imap.mailbox_values(company=company.id)])
            cls.mailbox = mailbox.id
            transaction.commit()

    def setUp(self):
        self.imap.start()

    def transaction(self):
        return Transaction().start(
            self.db, 0, context={'company': self.company})

    def send(self, *messages):
        for msg in messages:
            self.imap.append(bytes(msg))
        return [m['Message-ID'] for m in messages]

    def poll(self):
        with self.transaction() as transaction:
            Pool().get('klachten.mailbox').poll_all()
            transaction.commit()

    def logged(self, message_id):
        "The log row of a message as (state, reason, complaint id)"
        with self.transaction():
            Message = Pool().get('klachten.inbound.message')
            rows = Message.search([('message_key', '=', message_id)])
            return [(m.state, m.reason, m.complaint and m.complaint.id)
                for m in rows]

    def complaint(self, message_id):
        "The complaint filed from a message, as a dict"
        with self.transaction():
            pool = Pool()
            Message = pool.get('klachten.inbound.message')
            Attachment = pool.get('ir.attachment')
            ChatMessage = pool.get('ir.chat.message')
            row, = Message.search([('message_key', '=', message_id)])
            c = row.complaint
            return {
                'state': c.state,
                'channel': c.channel,
                'complainant': c.complainant.id,
                'email': c.complainant.email,
                'name': c.complainant.name,
                'short_description': c.short_description,
                'description': c.description,
                'files': sorted(a.name for a in Attachment.search([
                            ('resource', '=', str(c))])),
                'chat': [(m.audience, m.email, m.content) for m in
                    ChatMessage.search([
                            ('channel.resource', '=', str(c)),
                            ], order=[('id', 'ASC')])],
                }

    def count(self, model, domain=()):
        with self.transaction():
            return Pool().get(model).search_count(list(domain))

    def open_tasks(self, kind):
        "(origin, group xml name) of the open tasks of kind"
        with self.transaction():
            pool = Pool()
            Task = pool.get('klachten.task')
            ModelData = pool.get('ir.model.data')
            groups = {ModelData.get_id('klachten_base', f'group_{g}'): g
                for g in ['admin', 'coordinator']}
            return [(str(t.origin), groups.get(t.group.id))
                for t in Task.search([
                        ('kind', '=', kind), ('state', '=', 'open')])]

    def mailbox_state(self):
        with self.transaction():
            mailbox = Pool().get('klachten.mailbox')(self.mailbox)
            return mailbox.failures, mailbox.last_error

    # Tests
    def test_multipart_with_attachments(self):
        "A citizen's mail: a draft complaint, her text, the PDF kept"
        msg = message(
            html="<p>De stoeptegel <b>ligt los</b>.</p>",
            attachments=[
                ('foto.pdf', PDF, 'application', 'pdf'),
                ('brief.docx', DOCX, 'application',
                    'vnd.openxmlformats-officedocument.'
                    'wordprocessingml.document'),
                ])
        message_id, = self.send(msg)
        self.poll()

        [(state, reason, _)] = self.logged(message_id)
        self.assertEqual((state, reason), ('filed', None))
        complaint = self.complaint(message_id)
        self.assertEqual(complaint['state'], 'draft')
        self.assertEqual(complaint['channel'], 'email')
        self.assertEqual(complaint['name'], "Mia Janssens")
        self.assertEqual(complaint['email'], 'mia@example.net')
        self.assertEqual(
            complaint['short_description'], "Losliggende stoeptegel")
        self.assertEqual(
            complaint['description'], "De stoeptegel voor nr. 12 ligt los.")
        self.assertEqual(complaint['files'], ['foto.pdf'])
        (audience, email, content), note = complaint['chat']
        self.assertEqual((audience, email), ('public', 'mia@example.net'))
        self.assertEqual(content, "De stoeptegel voor nr. 12 ligt los.")
        self.assertEqual(note[0], 'internal')
        self.assertIn('brief.docx', note[2])
        self.assertEqual(self.imap.uids('INBOX'), [])
        self.assertTrue(self.imap.uids('Verwerkt'))

    def test_html_only(self):
        "An HTML-only mail is filed with its text, scripts and styles gone"
        message_id, = self.send(message(text=None, html=(
                    "<html><head><style>p {color: red}</style></head><body>"
                    "<p>Het licht&nbsp;in de straat</p><script>alert(1)"
                    "</script><p>brandt niet.</p></body></html>")))
        self.poll()
        description = self.complaint(message_id)['description']
        self.assertEqual(description, "Het licht in de straat\n\nbrandt niet.")

    def test_known_sender(self):
        "A mail from a known address is filed on a new party: anyone can "
        "write another person's address in From"
        message_id, = self.send(message(
                sender='"L. Vos" <Lotte.Vos@example.org>'))
        self.poll()
        complaint = self.complaint(message_id)
        self.assertNotEqual(complaint['complainant'], self.known)
        self.assertEqual(complaint['name'], "L. Vos")

    def test_not_filed(self):
        "Auto-replies, bounces, list mail and our own are neither filed "
        "nor answered"
        dsn = EmailMessage()
        dsn['From'] = 'MAILER-DAEMON@example.net'
        dsn['Subject'] = 'Undelivered Mail Returned to Sender'
        dsn['Message-ID'] = make_msgid()
        dsn.set_content("The mail could not be delivered.")
        dsn.make_mixed()
        dsn.replace_header(
            'Content-Type',
            'multipart/report; report-type=delivery-status; '
            'boundary="%s"' % dsn.get_boundary())
        cases = {
            'auto_reply': message(headers={'Auto-Submitted': 'auto-replied'},
                subject="Afwezig"),
            'bounce': dsn,
            'list': message(headers={'List-Id': '<buurt.example.net>'}),
            'own': message(sender='Klachten <klachten@example.org>'),
            }
        original = config.get('email', 'from')
        self.addCleanup(config.set, 'email', 'from', original or '')
        config.set('email', 'from', 'Klachten <klachten@example.org>')
        ids = dict(zip(cases, self.send(*cases.values())))
        complaints = self.count('klachten.complaint')
        emails = self.count('klachten.email')
        self.poll()
        for reason, message_id in ids.items():
            self.assertEqual(
                self.logged(message_id), [('ignored', reason, None)], reason)
        self.assertEqual(self.count('klachten.complaint'), complaints)
        self.assertEqual(self.count('klachten.email'), emails)

    def test_too_large(self):
        "A 20 MB message is logged too large and never downloaded"
        msg = message(attachments=[
                ('groot.pdf', PDF + b'0' * (20 * 2 ** 20), 'application',
                    'pdf')])
        message_id, = self.send(msg)
        fetched = []
        uid = imaplib.IMAP4.uid

        def spy(imap, command, *args):
            fetched.append((command, args[-1] if args else None))
            return uid(imap, command, *args)
        with mock.patch.object(imaplib.IMAP4, 'uid', spy):
            self.poll()
        self.assertEqual(self.logged(message_id), [('too_large', None, None)])
        with self.transaction():
            row, = Pool().get('klachten.inbound.message').search([
                    ('message_key', '=', message_id)])
            row = str(row)
        self.assertIn(
            (row, 'coordinator'), self.open_tasks('incoming_message'))
        self.assertNotIn(('FETCH', '(RFC822)'), fetched)
        self.assertEqual(self.imap.uids('INBOX'), [])

    def test_duplicate(self):
        "The same message twice files one complaint"
        msg = message(subject="Twee keer")
        message_id, = self.send(msg)
        self.send(msg)
        complaints = self.count('klachten.complaint')
        self.poll()
        self.assertEqual(len(self.logged(message_id)), 1)
        self.assertEqual(self.count('klachten.complaint'), complaints + 1)
        self.assertEqual(self.imap.uids('INBOX'), [])

    def test_reply(self):
        "A reply to one of our e-mails lands in that complaint's chat"
        first, = self.send(message(subject="Geluidsoverlast"))
        self.poll()
        complaint = self.complaint(first)
        with self.transaction() as transaction:
            pool = Pool()
            Email = pool.get('klachten.email')
            Message = pool.get('klachten.inbound.message')
            row, = Message.search([('message_key', '=', first)])
            email, = Email.queue([{
                        'to': 'mia@example.net', 'subject': "Uw klacht",
                        'body': "Kunt u de uren opgeven?",
                        'kind': 'acknowledgement',
                        'complaint': row.complaint.id}])
            our_id = email.message_id
            complaint_id = row.complaint.id
            transaction.commit()
        complaints = self.count('klachten.complaint')
        reply, = self.send(message(
                subject="Re: Uw klacht", text="Elke nacht van 2 tot 4.",
                headers={'In-Reply-To': our_id, 'References': our_id}))
        self.poll()
        self.assertEqual(self.logged(reply), [('reply', None, complaint_id)])
        self.assertEqual(self.count('klachten.complaint'), complaints)
        chat = self.complaint(first)['chat']
        self.assertEqual(len(chat), len(complaint['chat']) + 1)
        self.assertEqual(chat[-1], (
                'public', 'mia@example.net', "Elke nacht van 2 tot 4."))

    def test_crash_mid_poll(self):
        "A poll that dies between messages: the next files each once"
        ids = self.send(*(message(subject=f"Bericht {i}") for i in range(3)))
        complaints = self.count('klachten.complaint')
        move = Mailbox._move
        calls = []

        def dying(mailbox, imap, uid):
            calls.append(uid)
            if len(calls) == 2:
                raise SystemExit("killed")
            return move(mailbox, imap, uid)
        with mock.patch.object(Mailbox, '_move', dying):
            with self.assertRaises(SystemExit):
                self.poll()
        self.assertEqual(self.count('klachten.complaint'), complaints + 2)
        self.poll()
        for message_id in ids:
            self.assertEqual(len(self.logged(message_id)), 1)
            self.assertEqual(self.logged(message_id)[0][0], 'filed')
        self.assertEqual(self.count('klachten.complaint'), complaints + 3)
        self.assertEqual(self.imap.uids('INBOX'), [])

    def test_server_down(self):
        "A mailbox that is down is retried: nothing lost, nothing doubled"
        message_id, = self.send(message(subject="Server weg"))
        self.imap.stop()
        mailbox = f'klachten.mailbox,{self.mailbox}'
        for failures in range(1, 4):
            self.poll()
            self.assertEqual(self.mailbox_state()[0], failures)
            self.assertTrue(self.mailbox_state()[1])
            # the administrators are told at the third failed poll
            self.assertEqual(self.open_tasks('mailbox_failing'),
                [(mailbox, 'admin')] if failures == 3 else [])
        self.assertEqual(self.logged(message_id), [])
        self.imap.start()
        self.poll()
        self.assertEqual(len(self.logged(message_id)), 1)
        self.assertEqual(self.mailbox_state(), (0, None))
        self.assertEqual(self.open_tasks('mailbox_failing'), [])

    def test_retention(self):
        "Anonymising a complaint cuts its log rows; an access request has them"
        message_id, = self.send(message(
                sender='Jan Peeters <jan.peeters@example.net>',
                subject="Hond blaft"))
        self.poll()
        with self.transaction() as transaction:
            pool = Pool()
            Complaint = pool.get('klachten.complaint')
            Message = pool.get('klachten.inbound.message')
            row, = Message.search([('message_key', '=', message_id)])
            data = {}
            Complaint._personal_data([row.complaint], data, [])
            self.assertEqual(
                [(m['sender'], m['subject'])
                    for m in data['incoming_messages']],
                [('jan.peeters@example.net', "Hond blaft")])
            Complaint._anonymise([row.complaint])
            transaction.commit()
        with self.transaction():
            row = Pool().get('klachten.inbound.message')(row.id)
            self.assertNotIn('jan.peeters', row.sender)
            self.assertNotIn('Hond', row.subject)
