# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Complaints that come in by e-mail.

Every incoming message goes through Message.receive(): a log row per
message (its Message-ID is the key, so a message polled twice or posted
twice by a mail server is filed once), then either a draft complaint, a
reply in the conversation of the complaint it answers, or nothing (an
auto-reply, a bounce, list mail, one of our own mails: never filed, never
answered).

A mailbox is polled over IMAP by a cron: each message is received and
committed in its own transaction, then moved to the done folder, so a
poll that dies between two messages loses nothing and doubles nothing."""
import datetime as dt
import imaplib
import logging
import re
import socket
import ssl

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import DeactivableMixin, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from . import mail
from .retention import REDACTED, cut

logger = logging.getLogger(__name__)

STATES = [
    ('filed', "Filed"),
    ('reply', "Reply"),
    ('ignored', "Ignored"),
    ('too_large', "Too Large"),
    ('failed', "Failed"),
    ]
REASONS = [
    (None, ''),
    ('auto_reply', "Auto-Reply"),
    ('bounce', "Bounce"),
    ('list', "Mailing List"),
    ('own', "Our Own E-mail"),
    ('empty', "Empty"),
    ]
# task kinds on an incoming message or a mailbox
TASK_KINDS = [
    ('incoming_message', "Handle an Incoming Message"),
    ('mailbox_failing', "Repair the Mailbox"),
    ]
# failed polls in a row before the administrators get a task
FAILURES_TASK = 3
UID = re.compile(rb'UID (\d+)')
SIZE = re.compile(rb'RFC822\.SIZE (\d+)')


def max_size():
    "The largest message filed, in bytes ([klachten] mail_max_size)"
    return config.getint('klachten', 'mail_max_size', default=10 * 2 ** 20)


def _accept(name, data):
    """The (name, data) of an attachment under the portal's upload rules,
    or None when refused"""
    try:
        from . import files
    except ImportError:
        files = None
    if files is not None:
        upload = files.check(files.Upload(files.safe_name(name), data))
        return (upload.name, upload.data) if upload else None
    # until the upload rules live in klachten_base: PDF and images only,
    # without what a reader could run
    name = (name or 'file').replace('/', '_').replace('\\', '_')[-100:]
    ext = name.rsplit('.', 1)[-1].lower() if '.' in name else ''
    if data.startswith(b'%PDF-') and ext in {'pdf', ''}:
        if re.search(rb'/(JavaScript|JS|Launch)(?![A-Za-z0-9])', data):
            return None
        return (name if ext else name + '.pdf', data)
    if data.startswith(b'\x89PNG\r\n\x1a\n') and ext in {'png', ''}:
        return (name if ext else name + '.png', data)
    if data.startswith(b'\xff\xd8\xff') and ext in {'jpg', 'jpeg', ''}:
        return (name if ext else name + '.jpg', data)
    return None


class Mailbox(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.mailbox'
    __string__ = "Mailbox"

    company = fields.Many2One('company.company', "Company", required=True)
    name = fields.Char("Name", required=True)
    host = fields.Char("Host", required=True)
    port = fields.Integer("Port", required=True)
    security = fields.Selection([
            ('ssl', "SSL/TLS"),
            ('starttls', "STARTTLS"),
            ('none', "None"),
            ], "Security", required=True)
    username = fields.Char("Username", required=True)
    password = fields.Char(
        "Password", strip=False,
        help="Leave empty to use [klachten] mailbox_password.")
    folder = fields.Char("Folder", required=True)
    done_folder = fields.Char(
        "Done Folder", required=True,
        help="Where a message goes once it is received.")
    uidvalidity = fields.Integer("UIDVALIDITY", readonly=True)
    last_uid = fields.Integer("Last UID", readonly=True)
    last_poll = fields.DateTime("Last Poll", readonly=True)
    last_error = fields.Text("Last Error", readonly=True)
    failures = fields.Integer("Failures", readonly=True)
    messages = fields.One2Many(
        'klachten.inbound.message', 'mailbox', "Messages", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'poll': {'depends': ['active']},
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_port():
        return 993

    @staticmethod
    def default_security():
        return 'ssl'

    @staticmethod
    def default_folder():
        return 'INBOX'

    @staticmethod
    def default_done_folder():
        return 'Verwerkt'

    @staticmethod
    def default_last_uid():
        return 0

    @staticmethod
    def default_failures():
        return 0

    @classmethod
    @ModelView.button
    def poll(cls, mailboxes):
        for mailbox in mailboxes:
            mailbox.fetch()

    @classmethod
    def poll_all(cls):
        "Poll every active mailbox (the cron)"
        for mailbox in cls.search([('active', '=', True)]):
            mailbox.fetch()

    def _connect(self):
        timeout = config.getint('klachten', 'mailbox_timeout', default=60)
        if self.security == 'ssl':
            imap = imaplib.IMAP4_SSL(
                self.host, self.port, ssl_context=ssl.create_default_context(),
                timeout=timeout)
        else:
            imap = imaplib.IMAP4(self.host, self.port, timeout=timeout)
            if self.security == 'starttls':
                imap.starttls(ssl.create_default_context())
        password = self.password or config.get(
            'klachten', 'mailbox_password', default='')
        imap.login(self.username, password)
        return imap

    def _set(self, values):
        "Write values on the mailbox and commit them at once"
        with Transaction().new_transaction() as transaction:
            self.__class__.write([self.__class__(self.id)], values)
            transaction.commit()

    def fetch(self):
        """Receive the messages of the folder after last_uid, each in its
        own committed transaction, and move them to the done folder"""
        Message = Pool().get('klachten.inbound.message')
        mailbox = self.__class__(self.id)
        try:
            imap = self._connect()
        except (OSError, imaplib.IMAP4.error, socket.timeout) as exception:
            return self._failed(exception)
        try:
            status, data = imap.select(_quote(mailbox.folder))
            if status != 'OK':
                raise imaplib.IMAP4.error(
                    f'SELECT {mailbox.folder}: {data!r}')
            validity = int(imap.untagged_responses.get(
                    'UIDVALIDITY', [b'0'])[0])
            last_uid = mailbox.last_uid or 0
            if validity != (mailbox.uidvalidity or 0):
                # another folder: start over, the log skips what we know
                last_uid = 0
                self._set({'uidvalidity': validity, 'last_uid': 0})
            status, data = imap.uid('SEARCH', f'UID {last_uid + 1}:*')
            uids = sorted(int(u) for u in (data[0] or b'').split()
                if int(u) > last_uid)
            for uid in uids:
                status, data = imap.uid('FETCH', str(uid), '(RFC822.SIZE)')
                size = _size(data)
                if size is not None and size > max_size():
                    raw = self._fetch_headers(imap, uid)
                    self._receive(Message, raw, mailbox, size=size)
                else:
                    status, data = imap.uid('FETCH', str(uid), '(RFC822)')
                    raw = next((d[1] for d in data
                            if isinstance(d, tuple)), None)
                    if raw is None:
                        continue
                    self._receive(Message, raw, mailbox)
                self._move(imap, uid)
                self._set({'last_uid': uid})
            self._set({
                    'last_poll': dt.datetime.now(),
                    'last_error': None,
                    'failures': 0,
                    })
            if mailbox.failures:
                self._close_failing_task()
        except (OSError, imaplib.IMAP4.error, socket.timeout) as exception:
            return self._failed(exception)
        finally:
            try:
                imap.logout()
            except Exception:
                pass

    def _fetch_headers(self, imap, uid):
        status, data = imap.uid('FETCH', str(uid), '(BODY.PEEK[HEADER])')
        return next((d[1] for d in data if isinstance(d, tuple)), b'')

    def _receive(self, Message, raw, mailbox, size=None):
        with Transaction().new_transaction() as transaction:
            with Transaction().set_context(company=mailbox.company.id):
                Message.receive(raw, mailbox=mailbox, via='imap', size=size)
            transaction.commit()

    def _move(self, imap, uid):
        "Move the message uid to the done folder"
        folder = _quote(self.done_folder)
        imap.create(folder)  # fails harmlessly when it exists
        status, _ = imap.uid('MOVE', str(uid), folder)
        if status != 'OK':
            imap.uid('COPY', str(uid), folder)
            imap.uid('STORE', str(uid), '+FLAGS', r'(\Deleted)')
            imap.expunge()

    def _failed(self, exception):
        logger.warning('mailbox %s: %s', self.name, exception)
        failures = (self.__class__(self.id).failures or 0) + 1
        self._set({
                'last_error': str(exception)[:1000] or repr(exception),
                'failures': failures,
                })
        if failures >= FAILURES_TASK:
            with Transaction().new_transaction() as transaction:
                self._open_failing_task()
                transaction.commit()

    def _open_failing_task(self):
        "A task for the complaints administrators to repair the mailbox"
        pool = Pool()
        Task = pool.get('klachten.task')
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        Task.open(None, 'mailbox_failing',
            group=Group(ModelData.get_id('klachten_base', 'group_admin')),
            origin=self.__class__(self.id))

    def _close_failing_task(self):
        Task = Pool().get('klachten.task')
        with Transaction().new_transaction() as transaction:
            Task.close_origins([self.__class__(self.id)], ['mailbox_failing'])
            transaction.commit()


def _quote(folder):
    return '"%s"' % folder.replace('\\', '\\\\').replace('"', '\\"')


def _size(data):
    for item in data or []:
        if isinstance(item, tuple):
            item = item[0]
        if isinstance(item, bytes):
            match = SIZE.search(item)
            if match:
                return int(match.group(1))
    return None


class Message(ModelSQL, ModelView):
    __name__ = 'klachten.inbound.message'
    __string__ = "Incoming Message"
    _rec_name = 'subject'

    company = fields.Many2One(
        'company.company', "Company", required=True, readonly=True)
    mailbox = fields.Many2One(
        'klachten.mailbox', "Mailbox", readonly=True, ondelete='SET NULL')
    via = fields.Selection([
            ('imap', "Mailbox"),
            ('route', "Mail Server"),
            ], "Via", required=True, readonly=True)
    message_key = fields.Char("Message-ID", required=True, readonly=True)
    sender = fields.Char("Sender", readonly=True)
    subject = fields.Char("Subject", readonly=True)
    size = fields.Integer("Size", readonly=True)
    received_at = fields.DateTime("Received At", readonly=True)
    state = fields.Selection(STATES, "State", required=True, readonly=True)
    reason = fields.Selection(REASONS, "Reason", readonly=True)
    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", readonly=True,
        ondelete='SET NULL')
    error = fields.Text("Error", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_key_unique', Unique(t, t.company, t.message_key),
                'klachten_base.msg_inbound_message_key_unique'),
            ]
        cls._order.insert(0, ('received_at', 'DESC'))

    @classmethod
    def receive(cls, raw, mailbox=None, via='imap', size=None):
        """Take in the raw bytes of one e-mail (or only its headers when
        size says it is too large): return its log row"""
        pool = Pool()
        Company = pool.get('company.company')
        company = mailbox.company if mailbox else Company(
            Transaction().context['company'])
        msg = mail.parse(raw)
        key = mail.key(msg, raw)
        with without_check_access():
            existing = cls.search([
                    ('company', '=', company.id),
                    ('message_key', '=', key),
                    ], limit=1)
            if existing:
                return existing[0]
            name, address = mail.sender(msg)
            size = size if size is not None else len(raw)
            record = cls(
                company=company, mailbox=mailbox, via=via, message_key=key,
                sender=address[:250] or None,
                subject=str(msg.get('Subject') or '')[:250] or None,
                size=size, received_at=dt.datetime.now())
            reason = mail.classify(msg, cls._own_addresses())
            if size > max_size():
                record.state = 'too_large'
            elif reason:
                record.state, record.reason = 'ignored', reason
            else:
                complaint = cls._answered_complaint(msg)
                if complaint:
                    cls._post_reply(complaint, msg, address)
                    record.state, record.complaint = 'reply', complaint
                elif not address:
                    record.state, record.reason = 'ignored', 'empty'
                else:
                    record.complaint = cls._file(company, msg, name, address)
                    record.state = 'filed'
            record.save()
            if record.state == 'too_large':
                cls._open_task(record)
        return record

    @classmethod
    def _open_task(cls, record):
        "A task for the coordinators to handle record by hand"
        pool = Pool()
        Task = pool.get('klachten.task')
        Complaint = pool.get('klachten.complaint')
        Task.open(None, 'incoming_message', group=Complaint._coordinators(),
            origin=record)

    @classmethod
    def receive_inbound_email(cls, email_, rule):
        """The action of an inbound_email rule: receive the raw message
        posted to the route (in the route's transaction), for the company
        of the context or the only company"""
        Company = Pool().get('company.company')
        company = Transaction().context.get('company')
        if not company:
            companies = Company.search([], limit=2)
            if len(companies) != 1:
                return None
            company = companies[0].id
        with Transaction().set_context(company=company):
            return cls.receive(bytes(email_.data), via='route')

    @classmethod
    def _own_addresses(cls):
        addresses = mail.addresses(config.get('email', 'from'))
        extra = config.get('klachten', 'mail_own_addresses', default='')
        return addresses + mail.addresses(extra)

    @classmethod
    def _answered_complaint(cls, msg):
        "The complaint of one of our e-mails msg answers, or None"
        pool = Pool()
        Email = pool.get('klachten.email')
        ChatMessage = pool.get('ir.chat.message')
        ids = mail.references(msg)
        if not ids:
            return None
        emails = Email.search([
                ('message_id', 'in', ids),
                ('complaint', '!=', None),
                ], limit=1)
        if emails:
            return emails[0].complaint
        for message in ChatMessage.search([('reference', 'in', ids)]):
            resource = message.channel.resource
            if getattr(resource, '__name__', '') == 'klachten.complaint':
                return resource
        return None

    @classmethod
    def _post_reply(cls, complaint, msg, address):
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        ChatMessage = pool.get('ir.chat.message')
        Attachment = pool.get('ir.attachment')
        channel = Channel._get_channel(complaint)
        with Transaction().set_context(_notify=False):
            ChatMessage(
                channel=channel, user=None, email=address,
                audience='public',
                content=mail.text(msg) or str(msg.get('Subject') or ''),
                reference=mail.key(msg, b'')[:250]).save()
        accepted, refused = cls._attachments(msg)
        Attachment.create([{
                    'resource': str(complaint), 'name': name,
                    'type': 'data', 'data': data,
                    } for name, data in accepted])
        cls._note_refused(complaint, refused)

    @classmethod
    def _attachments(cls, msg):
        "([(name, data)] accepted, [name] refused)"
        accepted, refused = [], []
        for name, data in mail.attachments(msg):
            file = _accept(name, data)
            if file:
                accepted.append(file)
            else:
                refused.append(name)
        return accepted, refused

    @classmethod
    def _note_refused(cls, complaint, refused):
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        ChatMessage = pool.get('ir.chat.message')
        if not refused:
            return
        channel = Channel._get_channel(complaint)
        with Transaction().set_context(_notify=False):
            ChatMessage(
                channel=channel, user=Transaction().user, audience='internal',
                content=gettext('klachten_base.msg_inbound_refused_files',
                    files=', '.join(refused))).save()

    @classmethod
    def _file(cls, company, msg, name, address):
        "A draft complaint of the message, through Complaint.file_()"
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        Party = pool.get('party.party')
        Channel = pool.get('ir.chat.channel')
        ChatMessage = pool.get('ir.chat.message')
        Date = pool.get('ir.date')
        text = mail.text(msg)
        subject = str(msg.get('Subject') or '').strip()
        complainant = {'name': name or address, 'email': address}
        party = None
        match = getattr(Party, 'klachten_match', None)
        if match is not None:
            party, _ = match(email=address)
        # an unverified From header never attaches the complaint to an
        # existing party (anyone can write another person's address): a
        # new party, the coordinator links it at evaluation
        if party is not None:
            complainant = {'party': party}
        accepted, refused = cls._attachments(msg)
        values = {
            'company': company.id,
            'received_date': Date.today(),
            'short_description': (subject or text[:100] or address)[:100],
            'description': text or subject,
            }
        with Transaction().set_context(_klachten_file_draft=True):
            complaint = Complaint.file_(
                'email', values,
                attachments=[(n, d, None) for n, d in accepted],
                complainant=complainant)
        channel = Channel._get_channel(complaint)
        with Transaction().set_context(_notify=False):
            ChatMessage(
                channel=channel, user=None, email=address,
                audience='public',
                content=text or subject,
                reference=mail.key(msg, b'')[:250]).save()
        cls._note_refused(complaint, refused)
        return complaint


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    inbound_messages = fields.One2Many(
        'klachten.inbound.message', 'complaint', "Incoming Messages",
        readonly=True)

    @classmethod
    def register(cls, complaints):
        # an e-mail is filed as a draft: the coordinator registers it
        if Transaction().context.get('_klachten_file_draft'):
            return
        return super().register(complaints)

    @classmethod
    def _anonymise(cls, complaints):
        super()._anonymise(complaints)
        Message = Pool().get('klachten.inbound.message')
        with without_check_access():
            messages = Message.search([
                    ('complaint', 'in', [c.id for c in complaints]),
                    ])
        cut(Message, [m.id for m in messages], {
                'sender': REDACTED, 'subject': REDACTED, 'error': None})

    @classmethod
    def _personal_data(cls, complaints, data, files):
        super()._personal_data(complaints, data, files)
        Message = Pool().get('klachten.inbound.message')
        with without_check_access():
            messages = Message.search([
                    ('complaint', 'in', [c.id for c in complaints]),
                    ], order=[('id', 'ASC')])
        data.setdefault('incoming_messages', []).extend({
                'complaint': m.complaint.number,
                'sender': m.sender,
                'subject': m.subject,
                'received_at': m.received_at,
                } for m in messages)


class Task(metaclass=PoolMeta):
    __name__ = 'klachten.task'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for kind in TASK_KINDS:
            if kind not in cls.kind.selection:
                cls.kind.selection.append(kind)

    @classmethod
    def _get_origins(cls):
        return super()._get_origins() + [
            'klachten.inbound.message', 'klachten.mailbox']


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('klachten.mailbox|poll_all', "Complaints: Poll the Mailboxes"))


class InboundEmailRule(metaclass=PoolMeta):
    "Tryton's inbound_email: a mail server posts a message to a route"
    __name__ = 'inbound.email.rule'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.action.selection.append(
            ('klachten.inbound.message|receive_inbound_email',
                "File as Complaint"))
