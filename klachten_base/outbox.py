# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The outbox: every e-mail of the module, sent at least once.

A workflow step queues its e-mails in its own transaction; they leave only
after its commit, from the cron or a worker, and never make it wait on the
SMTP server.  Each e-mail is claimed (pending -> sending) and marked (sent,
pending again or failed) in short transactions of its own, and sent in
between, outside of them."""
import datetime as dt
import functools
import logging
import re
import smtplib
import urllib.parse
from email import policy
from email.errors import InvalidHeaderDefect
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr

import trytond.config as config
from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool
from trytond.sendmail import get_smtp_server
from trytond.tools.email_ import EmailNotValidError, validate_email
from trytond.transaction import Transaction, without_check_access
from trytond.url import host

from .exceptions import EmailAddressError
from .model import PermittedButtonsMixin
from .queue import QueueRecordMixin
from .sql_insert import insert_records

# the kinds of e-mail by language, in every process (emptied with the
# templates' texts: notification.clear_templates)
_kinds = Cache('klachten.email.kinds', context=False)

logger = logging.getLogger(__name__)

STATES = [
    ('pending', "Pending"),
    ('sending', "Sending"),
    ('sent', "Sent"),
    ('failed', "Failed"),
    ('cancelled', "Cancelled"),
    ]


def single_line(value):
    "Return value without carriage returns and line feeds"
    if value is None:
        return None
    return re.sub(r'[\r\n]+', ' ', value)


def parse_addresses(value):
    """Return the Address objects of a comma-separated header value.

    Raise ValueError unless two parsers (email.utils.getaddresses and the
    header registry) read the same plain mailboxes: no groups, no defects,
    nothing a recipient could be smuggled in with.

    Each value is parsed once (a memo of the last values): an e-mail's
    addresses are read when its values are built, preprocessed and
    validated, and the deadline cron writes to the same staff again and
    again."""
    value = single_line(value or '').strip(' ,')
    if not value:
        return []
    addresses = _parse_addresses(value)
    if addresses is None:
        raise ValueError(value)
    return list(addresses)


@functools.lru_cache(maxsize=1024)
def _parse_addresses(value):
    "The tuple of the Address objects of value, or None when refused"
    pairs = getaddresses([value])
    try:
        header = policy.default.header_factory('To', value)
    except Exception:
        # The parser gives up on some malformed values
        return None
    if any(isinstance(d, InvalidHeaderDefect) for d in header.defects):
        return None
    if any(g.display_name is not None for g in header.groups):
        return None
    addresses = header.addresses
    if [a for _, a in pairs] != [a.addr_spec for a in addresses]:
        return None
    if not all(a.username and a.domain for a in addresses):
        return None
    # Address objects are immutable: shared by the callers
    return tuple(addresses)


def valid_email(value):
    """Whether value is one e-mail address as a person types it: a plain
    address (no name, no list, a dot in the domain) that the outbox's
    parser reads as itself, and that Tryton's rule accepts
    (trytond.tools.email_.validate_email, web_user's rule: with the
    optional email-validator package installed, its syntax and
    deliverability checks)."""
    if not value:
        return False
    try:
        addresses = parse_addresses(value)
    except ValueError:
        return False
    if not (len(addresses) == 1 and addresses[0].addr_spec == value
            and '.' in addresses[0].domain
            and not addresses[0].display_name):
        return False
    try:
        validate_email(value)
    except EmailNotValidError:
        return False
    return True


def _drop_addresses(value, excluded):
    "value (a header of addresses) without those in excluded, or None"
    try:
        addresses = parse_addresses(value)
    except ValueError:
        return value  # refused by validate_fields
    kept = [a for a in addresses if a.addr_spec.lower() not in excluded]
    return ', '.join(map(str, kept)) or None


def is_permanent(exception):
    "Tell whether retrying cannot help the e-mail that raised exception"
    if isinstance(exception, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600
            for code, _ in exception.recipients.values())
    if isinstance(exception, smtplib.SMTPNotSupportedError):
        # e.g. an address that needs SMTPUTF8
        return True
    if isinstance(exception, (
                smtplib.SMTPAuthenticationError, smtplib.SMTPSenderRefused,
                smtplib.SMTPConnectError, smtplib.SMTPHeloError)):
        # The server or our configuration: every e-mail would fail alike
        return False
    if isinstance(exception, smtplib.SMTPResponseException):
        return 500 <= exception.smtp_code < 600
    return False


def _text(message):
    if isinstance(message, bytes):
        message = message.decode('utf-8', 'replace')
    return message


def describe_refused(recipients):
    "The answers to refused recipients: {address: (code, message)}"
    return '; '.join(f'{address}: {code} {_text(message)}'
        for address, (code, message) in recipients.items())


def describe(exception):
    "The server's answer or the error, for the coordinator"
    if isinstance(exception, smtplib.SMTPRecipientsRefused):
        return describe_refused(exception.recipients)
    if isinstance(exception, smtplib.SMTPResponseException):
        return f'{exception.smtp_code} {_text(exception.smtp_error)}'
    return f'{exception.__class__.__name__}: {exception}'.rstrip(': ')


class _SMTP:
    "One SMTP connection for a run, opened when first needed"

    def __init__(self, uri):
        self.uri = uri
        self.server = None

    def send(self, message, to_addrs):
        "Send message to to_addrs; return the refused recipients"
        try:
            if self.server is None:
                self.server = get_smtp_server(self.uri, strict=True)
            return self.server.send_message(message, to_addrs=to_addrs)
        except BaseException:
            self.close()
            raise

    def close(self):
        if self.server is not None:
            try:
                self.server.close()
            finally:
                self.server = None

    def quit(self):
        if self.server is not None:
            try:
                self.server.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.close()


class Email(
        QueueRecordMixin, PermittedButtonsMixin, Workflow, ModelSQL,
        ModelView):
    __name__ = 'klachten.email'
    __string__ = "E-mail"
    _rec_name = 'subject'

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", ondelete='CASCADE', readonly=True)
    resource = fields.Reference(
        "Resource", selection='get_resources', readonly=True,
        help="The record the e-mail is about, such as a task.")
    kind = fields.Selection(
        'get_kinds', "Kind", readonly=True,
        help="What the e-mail is for: acknowledgement, reminder, ...")
    to = fields.Char("To", required=True, readonly=True)
    cc = fields.Char("Cc", readonly=True)
    subject = fields.Char("Subject", readonly=True)
    body = fields.Text("Body", readonly=True)
    language = fields.Char("Language", readonly=True)
    message_id = fields.Char("Message-ID", readonly=True)
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    sent_at = fields.DateTime("Sent At", readonly=True)
    last_error = fields.Text(
        "Last Error", readonly=True,
        help="The answer of the mail server to the last attempt.")

    # the kinds of e-mail that may reach the staff member a complaint is
    # about, when queued with allow_concerned (see _without_concerned)
    _concerned_kinds = {'concerned_copy'}

    # The queue (klachten_base/queue.py).  Class defaults; [klachten]
    # email_max_attempts and email_sending_timeout (minutes) override them.
    _queue_state = 'state'
    _queue_config = 'email'
    max_attempts = 10
    # minutes to wait after the 1st, 2nd, ... failed attempt
    backoff = (1, 2, 5, 10, 30, 60, 120, 240, 480)
    sending_timeout = 10
    # seconds, when [email] uri has no ?timeout=
    smtp_timeout = 60

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('message_id_unique', Unique(t, t.message_id),
                'klachten_base.msg_email_message_id_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.complaint, Index.Range())))

    @classmethod
    def get_resources(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        return [(None, '')] + list(Model.get_name_items())

    @classmethod
    def get_kinds(cls):
        """The kinds of e-mail: one per e-mail template of the klachten
        modules (klachten_*.email_template_<kind>), named as the template:
        a module that adds a kind adds its template"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Template = pool.get('ir.email.template')
        key = Transaction().language
        kinds = _kinds.get(key)
        if kinds is not None:
            return list(kinds)
        prefix = 'email_template_'
        with without_check_access():
            data = ModelData.search([
                    ('model', '=', 'ir.email.template'),
                    ('module', 'like', 'klachten%'),
                    ('fs_id', 'like', prefix + '%'),
                    ], order=[('id', 'ASC')])
            templates = Template.browse([d.db_id for d in data])
            kinds = {d.fs_id[len(prefix):]: t.name
                for d, t in zip(data, templates)}
        kinds = [(None, '')] + sorted(kinds.items(), key=lambda k: k[1])
        _kinds.set(key, kinds)
        return kinds

    @classmethod
    def make_message_id(cls):
        "A new Message-ID in the domain of the configured sender"
        _, address = parseaddr(config.get('email', 'from') or '')
        domain = address.rpartition('@')[2] or host()
        return make_msgid(domain=domain)

    @classmethod
    def format_address(cls, name, address):
        "Return name and address as one header value, the name quoted"
        try:
            value = str(Address(
                    display_name=single_line(name or ''),
                    addr_spec=single_line(address or '')))
            parse_addresses(value)
        except Exception:
            raise EmailAddressError(gettext(
                    'klachten_base.msg_email_address_invalid',
                    addresses=address))
        return value

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        for name in ['to', 'cc', 'subject']:
            if values.get(name):
                values[name] = single_line(values[name])
        for name in ['to', 'cc']:
            if values.get(name):
                try:
                    values[name] = ', '.join(
                        map(str, parse_addresses(values[name])))
                except ValueError:
                    pass  # refused by validate_fields
        if mode == 'create' and not values.get('message_id'):
            values['message_id'] = cls.make_message_id()
        return values

    @classmethod
    def validate_fields(cls, emails, field_names):
        super().validate_fields(emails, field_names)
        if field_names & {'to', 'cc'}:
            for email in emails:
                email.check_addresses()

    def check_addresses(self):
        for value in [self.to, self.cc]:
            try:
                parse_addresses(value)
            except ValueError:
                raise EmailAddressError(gettext(
                        'klachten_base.msg_email_address_invalid',
                        addresses=value))

    @classmethod
    def copy(cls, emails, default=None):
        default = default.copy() if default is not None else {}
        for name in ['message_id', 'next_attempt', 'sending_since',
                'sent_at', 'last_error']:
            default.setdefault(name)
        default.setdefault('state', 'pending')
        default.setdefault('attempts', 0)
        return super().copy(emails, default=default)

    @classmethod
    def queue(cls, values_list):
        """Put e-mails in the outbox in the current transaction.

        Each values is a dictionary of the fields to, cc, subject, body,
        kind, language, complaint and resource.  The e-mails leave after
        the commit: at once through a worker when [queue] worker is set,
        otherwise at the next run of the cron.  Return the e-mails."""
        now = dt.datetime.now()
        values_list = [{
                **v,
                'state': 'held' if cls._held(v) else 'pending',
                'attempts': 0,
                'next_attempt': now,
                } for v in cls._without_concerned(values_list)]
        if not values_list:
            return []
        # the rows create writes, checked as create checks them, in one
        # INSERT (create reads each e-mail back to validate it: a third of
        # the deadline cron's work)
        values_list = [cls.preprocess_values('create', v)
            for v in values_list]
        with without_check_access():
            if all(v.get('to') for v in values_list):
                cls.validate_fields(
                    [cls(**{'to': None, 'cc': None, **v})
                        for v in values_list],
                    set().union(*values_list))
                ids, _ = insert_records(cls, values_list)
                emails = cls.browse(ids)
            else:
                # refused as create refuses it
                emails = cls.create(values_list)
        cls._enqueue([e for e, v in zip(emails, values_list)
                if v['state'] == 'pending'])
        return emails

    @classmethod
    def _held(cls, values):
        "Whether the e-mail of values waits for a coordinator's review"
        return False

    @classmethod
    def _without_concerned(cls, values_list):
        """values_list without the addresses of the staff member each
        complaint is about: no message about a complaint ever reaches
        them, whatever its kind (unless they are its complainant).  An
        e-mail left without recipient is not queued.

        The one exception: values with allow_concerned set whose kind is
        one of _concerned_kinds (the copy of the complaint Awb 9:9 sends
        them) keep their addresses; the flag is ignored on any other
        kind."""
        Complaint = Pool().get('klachten.complaint')
        result, excluded_of = [], {}
        ids = list({v['complaint']: None for v in values_list
                if v.get('complaint') is not None and v['complaint'] >= 0})
        with without_check_access():
            # the complaints read at once, each one's addresses once
            for complaint in Complaint.browse(ids):
                excluded_of[complaint.id] = complaint.concerned_addresses()
        for values in values_list:
            values = values.copy()
            if (values.pop('allow_concerned', False)
                    and values.get('kind') in cls._concerned_kinds):
                result.append(values)
                continue
            complaint_id = values.get('complaint')
            if complaint_id is not None and complaint_id >= 0:
                excluded = excluded_of[complaint_id]
                if excluded:
                    values = values.copy()
                    for name in ['to', 'cc']:
                        if values.get(name):
                            values[name] = _drop_addresses(
                                values[name], excluded)
                    if not values.get('to'):
                        logger.info(
                            "not writing to the staff member complaint "
                            "%s is about", complaint_id)
                        continue
            result.append(values)
        return result

    @classmethod
    def _enqueue(cls, emails):
        if emails and config.getboolean('queue', 'worker', default=False):
            cls.__queue__.send(emails)

    @classmethod
    @ModelView.button
    @Workflow.transition('pending')
    def retry(cls, emails):
        cls.write(emails, {
                'attempts': 0,
                'next_attempt': dt.datetime.now(),
                })
        cls._enqueue(emails)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, emails):
        pass

    @classmethod
    def send_pending(cls, limit=None, now=None):
        """Send every e-mail that is due, after recovering those that were
        left sending by a stopped process; the cron's method.

        Call it from a transaction that has not written: each e-mail is
        claimed and marked in transactions of its own."""
        now = cls._now(now)
        cls._recover(now)
        cls.send(cls.browse(cls._queue_due(now, limit)), now=now)

    @classmethod
    def send(cls, emails, now=None):
        "Send those of emails that are pending and due, each at most once"
        now = cls._now(now)
        smtp = _SMTP(cls._smtp_uri())
        try:
            for email_id in map(int, emails):
                values = cls._claim(email_id, now)
                if values is not None:
                    cls._send(smtp, email_id, values, now)
        finally:
            smtp.quit()

    @classmethod
    def _send(cls, smtp, email_id, values, now):
        "Send the claimed e-mail and mark the outcome"
        attempts = values['attempts']
        try:
            message = cls._message(values)
            to_addrs = cls._recipients(values)
        except (ValueError, TypeError) as exception:
            # The e-mail itself is wrong: no attempt will do better
            cls._failed(email_id, attempts, exception, now, permanent=True)
            return
        try:
            refused = smtp.send(message, to_addrs)
        except Exception as exception:
            cls._failed(email_id, attempts, exception, now)
        else:
            cls._sent(email_id, attempts, refused)

    @classmethod
    def _smtp_uri(cls):
        "[email] uri with a timeout, so that a silent server cannot hang us"
        uri = config.get('email', 'uri')
        parts = urllib.parse.urlsplit(uri)
        query = urllib.parse.parse_qs(parts.query)
        if 'timeout' not in query:
            query['timeout'] = [str(cls.smtp_timeout)]
            parts = parts._replace(
                query=urllib.parse.urlencode(query, doseq=True))
        return urllib.parse.urlunsplit(parts)

    @classmethod
    def _recover(cls, now):
        """Put back to pending the e-mails left sending for longer than the
        timeout: their process stopped.  The receiver may get one twice,
        with the same Message-ID."""
        count = cls._queue_recover(
            now, "Interrupted while sending: sent again")
        if count:
            logger.warning(
                "%d e-mail(s) left sending since before %s: sending again",
                count, now - dt.timedelta(
                    minutes=cls._config_int('sending_timeout')))

    @classmethod
    def _claim(cls, email_id, now):
        """Mark the e-mail sending in a transaction of its own, committed.

        Return the values to send, or None when the e-mail is no longer
        pending and due, or another process holds it."""
        return cls._queue_claim(email_id, now, lambda email: {
                n: getattr(email, n) for n in [
                    'to', 'cc', 'subject', 'body', 'language',
                    'message_id', 'attempts']})

    @classmethod
    def _recipients(cls, values):
        """The addresses of To and Cc, read by the strict parser: never
        those smtplib would read in a header that went wrong"""
        return [a.addr_spec
            for a in parse_addresses(values['to'])
            + parse_addresses(values['cc'])]

    @classmethod
    def _message(cls, values):
        "The e-mail of values as it leaves"
        message = EmailMessage()
        message['From'] = config.get('email', 'from')
        message['To'] = values['to']
        if values['cc']:
            message['Cc'] = values['cc']
        message['Subject'] = single_line(values['subject'] or '')
        message['Message-ID'] = values['message_id']
        message['Date'] = formatdate(localtime=True)
        message['Auto-Submitted'] = 'auto-generated'
        message.set_content(values['body'] or '', charset='utf-8')
        if values['language']:
            # after set_content, which clears the Content- headers
            message['Content-Language'] = single_line(values['language'])
        return message

    @classmethod
    def _sent(cls, email_id, attempts, refused):
        error = describe_refused(refused) if refused else None
        cls._mark(email_id, attempts, {
                'state': 'sent',
                'sent_at': dt.datetime.now(),
                'sending_since': None,
                'last_error': error,
                })
        logger.info(
            "e-mail %d sent (attempt %d)%s", email_id, attempts,
            f", {len(refused)} recipient(s) refused" if refused else '')

    @classmethod
    def _failed(cls, email_id, attempts, exception, now, permanent=None):
        if permanent is None:
            permanent = is_permanent(exception)
        error = describe(exception)
        values = cls._queue_retry(attempts, now, permanent)
        values['last_error'] = error
        if values['state'] == 'failed':
            logger.error(
                "e-mail %d failed after %d attempt(s): %s",
                email_id, attempts, error)
        else:
            logger.warning(
                "e-mail %d not sent (attempt %d), next attempt at %s: %s",
                email_id, attempts, values['next_attempt'], error)
        cls._mark(email_id, attempts, values)

    @classmethod
    def _mark(cls, email_id, attempts, values):
        """Write the outcome of the attempt in a transaction of its own,
        unless the e-mail was claimed again meanwhile."""
        cls._queue_mark(email_id, attempts, values)
