#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Send an e-mail to the demo's complaints mailbox, as a mail server does.

    make demo-mail                      # while `make demo` runs
    .venv/bin/python scripts/demo_mail.py [--port 8000] [--eml FILE]

A municipality's mail server hands every message for klachten@ to Tryton's
inbound_email route (POST of the raw message to
/<database>/inbound_email/inbox/<identifier>); this script posts one the
same way to the demo server.  By default the message comes from Lotte Vos
(burger@example.com), a citizen the demo knows (her address is verified
by her portal account): it becomes a draft complaint with her as
complainant, under Klachten > Klachten, and when the coordinator evaluates
it, her earlier complaints and the similar ones are on the Evaluation
page.  Each run sends a new message (a new Message-ID); --eml posts a
message of your own (a .eml file saved by a mail program)."""
import argparse
import datetime as dt
import sys
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

DATABASE = 'klachten'
# scripts/demo_data.py: INBOX_IDENTIFIER, MAIL_DOMAIN, CITIZEN
IDENTIFIER = 'klaverveld-demo'
TO = 'Klachtendienst Gemeente Klaverveld <klachten@klaverveld.example>'
SENDER = ("Lotte Vos", 'burger@example.com')
SUBJECT = "Gele zakken alweer niet opgehaald in de Tuinstraat"
TEXT = """Beste,

Voor de derde keer dit jaar zijn de gele zakken in de Tuinstraat niet
opgehaald. Ze staan er sinds dinsdagochtend, de kraaien hebben ze
opengepikt en het afval ligt over het voetpad tot aan de school.

Ik meldde dit in het voorjaar al eens; toen werd beloofd dat de
ophaler onze straat niet meer zou vergeten. Kan iemand nagaan waarom het
opnieuw misloopt, en zorgen dat het afval snel wordt opgeruimd?

Met vriendelijke groeten,
Lotte Vos
Tuinstraat 8, 9999 Klaverveld
+32 470 00 00 26
"""


def message(sender=SENDER, subject=SUBJECT, text=TEXT, now=None):
    "A message as a citizen's mail program writes it (text and HTML)"
    now = now or dt.datetime.now(dt.timezone.utc)
    name, address = sender
    msg = EmailMessage()
    msg['Received'] = (
        f"from mail.example.com (mail.example.com [192.0.2.25]) by "
        f"mx.klaverveld.example with ESMTPS; {format_datetime(now)}")
    msg['From'] = f'{name} <{address}>'
    msg['To'] = TO
    msg['Subject'] = subject
    msg['Date'] = format_datetime(now)
    msg['Message-ID'] = make_msgid(domain=address.rsplit('@', 1)[-1])
    msg['MIME-Version'] = '1.0'
    msg.set_content(text)
    paragraphs = ''.join(
        '<p>' + p.replace('\n', '<br>') + '</p>'
        for p in text.strip().split('\n\n'))
    msg.add_alternative(
        f'<html><body style="font-family: Arial">{paragraphs}</body></html>',
        subtype='html')
    return msg


def post(url, raw, timeout=60):
    "The HTTP status of posting the raw message to the inbound route url"
    request = urllib.request.Request(url, data=raw, method='POST',
        headers={'Content-Type': 'message/rfc822'})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=8000,
        help="the demo's PORT (default: %(default)s)")
    parser.add_argument('-d', '--database', default=DATABASE)
    parser.add_argument('--identifier', default=IDENTIFIER,
        help="the inbox's identifier (default: %(default)s)")
    parser.add_argument('--eml', type=argparse.FileType('rb'),
        help="post this message instead of Lotte Vos's")
    args = parser.parse_args(argv)

    if args.eml:
        raw = args.eml.read()
    else:
        raw = bytes(message())
    url = (f'http://{args.host}:{args.port}/{args.database}'
        f'/inbound_email/inbox/{args.identifier}')
    try:
        status = post(url, raw)
    except OSError as error:
        print(f"The demo server does not answer on {url} ({error}): is "
            "`make demo` running (with this PORT)?", file=sys.stderr)
        return 1
    if status == 404:
        print(f"No mailbox at {url}: the demo database predates the "
            "mailbox (run `make demo-reset`) or the identifier differs.",
            file=sys.stderr)
        return 1
    if status not in {200, 204}:
        print(f"The server answered {status} to {url}.", file=sys.stderr)
        return 1
    print(f"E-mail delivered to the demo mailbox ({url}).\n"
        "Log in as coordinator: it is a draft complaint under Klachten > "
        "Klachten (tab Concept), and Klachten > Inkomende berichten lists "
        "the message.")
    return 0


if __name__ == '__main__':
    sys.exit(main())
