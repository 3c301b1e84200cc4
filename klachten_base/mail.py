# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Incoming e-mail, read without the pool: what a message is (a citizen's
mail, an auto-reply, a bounce, list mail, one of our own), its text, its
attachments and the Message-IDs it answers."""
import hashlib
import html
import re
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

AUTO_PRECEDENCE = {'auto_reply', 'bulk', 'junk'}
DAEMONS = {'mailer-daemon', 'postmaster'}
MSGID = re.compile(r'<[^<>\s]+>')


def parse(raw):
    "The email.message.EmailMessage of raw bytes"
    return BytesParser(policy=policy.default).parsebytes(raw)


def _header(msg, name):
    try:
        value = msg.get(name)
    except (ValueError, TypeError, IndexError):
        return ''
    return str(value or '').strip()


def key(msg, raw):
    "The deduplication key of a message: its Message-ID, else a hash"
    message_id = MSGID.search(_header(msg, 'Message-ID'))
    if message_id:
        return message_id.group(0)[:250]
    return 'sha256:' + hashlib.sha256(raw).hexdigest()


def sender(msg):
    "(display name, address) of the sender, address in lower case"
    name, address = parseaddr(_header(msg, 'From'))
    return name.strip(), address.strip().lower()


def classify(msg, own_addresses=()):
    """Why a message must be neither filed nor answered, or None:
    'auto_reply', 'bounce', 'list' or 'own'"""
    precedence = _header(msg, 'Precedence').lower()
    auto = _header(msg, 'Auto-Submitted').lower()
    if (auto and auto != 'no'
            or msg.get('X-Autoreply') or msg.get('X-Autorespond')
            or precedence in AUTO_PRECEDENCE):
        return 'auto_reply'
    name, address = sender(msg)
    return_path = _header(msg, 'Return-Path')
    if (msg.get_content_type() == 'multipart/report'
            and msg.get_param('report-type', '').lower() == 'delivery-status'
            or return_path == '<>'
            or address.split('@')[0] in DAEMONS):
        return 'bounce'
    if msg.get('List-Id') or msg.get('List-Unsubscribe') or (
            precedence == 'list'):
        return 'list'
    own = {a.lower() for a in own_addresses if a}
    if address and address in own:
        return 'own'
    return None


def references(msg):
    "The Message-IDs a message answers (In-Reply-To, then References)"
    ids = []
    for name in ['In-Reply-To', 'References']:
        for message_id in MSGID.findall(_header(msg, name)):
            if message_id not in ids:
                ids.append(message_id)
    return ids


class _Text(HTMLParser):
    "The text of HTML, scripts and styles dropped"
    BLOCKS = {'p', 'div', 'br', 'li', 'tr', 'h1', 'h2', 'h3', 'h4',
        'blockquote', 'table'}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in {'script', 'style', 'head'}:
            self._skip += 1
        elif tag in self.BLOCKS:
            self.parts.append('\n')

    def handle_endtag(self, tag):
        if tag in {'script', 'style', 'head'}:
            self._skip = max(0, self._skip - 1)
        elif tag in self.BLOCKS:
            self.parts.append('\n')

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def html_text(markup):
    parser = _Text()
    parser.feed(markup)
    parser.close()
    text = html.unescape(''.join(parser.parts))
    lines = [re.sub(r'[ \t\xa0]+', ' ', line).strip()
        for line in text.splitlines()]
    return re.sub(r'\n{3,}', '\n\n', '\n'.join(lines)).strip()


def text(msg):
    "The text of a message: its text/plain body, else its HTML as text"
    body = msg.get_body(preferencelist=('plain',))
    if body is not None:
        try:
            return body.get_content().strip()
        except (LookupError, ValueError):
            pass
    body = msg.get_body(preferencelist=('html',))
    if body is not None:
        try:
            return html_text(body.get_content())
        except (LookupError, ValueError):
            pass
    return ''


def attachments(msg):
    "(file name, data) of each attachment of a message"
    result = []
    for part in msg.iter_attachments():
        if part.is_multipart():
            continue
        try:
            data = part.get_content()
        except (LookupError, ValueError):
            data = part.get_payload(decode=True) or b''
        if isinstance(data, str):
            data = data.encode('utf-8')
        elif not isinstance(data, bytes):
            data = bytes(data)
        result.append((part.get_filename() or 'file', data))
    return result


def addresses(value):
    "The addresses of a header value, lower case"
    return [a.lower() for _, a in getaddresses([value or '']) if a]
