# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A real SMTP server on 127.0.0.1 for tests, which can misbehave.

    from klachten_base.tests.smtp import SMTPServer

    with SMTPServer() as smtp, smtp.configured():
        ...                         # trytond sends to smtp.port
        smtp.messages               # [email.message.EmailMessage] received
        smtp.received               # [Received(mail_from, rcpt_tos,
                                    #   message, peer)]
        smtp.count(message_id)      # how often a Message-ID arrived

How it answers, switched at any time from the test:

    smtp.accept()        250 to every message (the default); accept(0.1)
                         answers each DATA after 0.1 s
    smtp.refuse(451)     refuse every recipient with this code: 4xx is a
                         temporary refusal, 5xx a permanent one
    smtp.hang()          take the DATA and keep the client waiting without
                         an answer; smtp.hanging is set once a client waits.
                         Changing the mode does not free those who wait:
                         release() answers them 451.  hang(deliver=True)
                         records the message before it waits, like a server
                         that delivers what its client gave up on (or died
                         waiting for), and release() answers 250
    smtp.stop()          close the port: connections are refused
    smtp.start()         open it again on the same port, accepting
"""
import asyncio
import contextlib
import threading
from collections import Counter, namedtuple
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller

import trytond.config as config

from .harness import free_port

Received = namedtuple('Received', ['mail_from', 'rcpt_tos', 'message', 'peer'])
FROM = 'Klachten <klachten@example.org>'


class SMTPServer:
    "An aiosmtpd server on 127.0.0.1 and a free port (see the module doc)"

    def __init__(self, port=None):
        self.port = port or free_port()
        self.received = []
        self.hanging = threading.Event()
        self._controller = None
        self._refuse = None
        self._delay = 0
        self._hang = None
        self._waiting = []

    # How it answers
    def start(self):
        if self._controller is None:
            self.accept()
            self._controller = Controller(
                _Handler(self), hostname='127.0.0.1', port=self.port)
            self._controller.start()
        return self

    def stop(self):
        if self._controller is not None:
            self.release()
            self._controller.stop()
            self._controller = None

    def accept(self, delay=0):
        self._refuse, self._delay, self._hang = None, delay, None

    def refuse(self, code, text=None):
        text = text or (
            '4.3.0 Try again later' if code < 500
            else '5.1.1 Mailbox unavailable')
        self._refuse, self._hang = f'{code} {text}', None

    def hang(self, deliver=False):
        self.hanging.clear()
        self._refuse, self._hang = None, deliver

    def release(self):
        "Answer the clients kept waiting by hang()"
        waiting, self._waiting = self._waiting, []
        if self._controller is None:
            return
        for event in waiting:
            self._controller.loop.call_soon_threadsafe(event.set)

    # What arrived
    @property
    def messages(self):
        return [r.message for r in self.received]

    def message_ids(self):
        "Counter of the Message-IDs received"
        return Counter(m['Message-ID'] for m in self.messages)

    def count(self, message_id):
        return self.message_ids()[message_id]

    def clear(self):
        del self.received[:]

    # Trytond's configuration
    def uri(self, timeout=3):
        return f'smtp://127.0.0.1:{self.port}?timeout={timeout}'

    @contextlib.contextmanager
    def configured(self, timeout=3, from_=FROM):
        """Point [email] uri (with timeout in seconds) and from at this
        server; restore them on exit"""
        previous = {name: config.get('email', name)
            for name in ['uri', 'from']}
        config.set('email', 'uri', self.uri(timeout))
        config.set('email', 'from', from_)
        try:
            yield self
        finally:
            for name, value in previous.items():
                config.set('email', name, value)

    def environ(self, timeout=3, from_=FROM):
        "The same configuration as environment variables, for a subprocess"
        return {
            'TRYTOND_EMAIL__URI': self.uri(timeout),
            'TRYTOND_EMAIL__FROM': from_,
            }

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _Handler:
    def __init__(self, server):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, options):
        if refuse := self.server._refuse:
            return refuse
        envelope.rcpt_tos.append(address)
        return '250 OK'

    async def handle_DATA(self, smtp, session, envelope):
        server = self.server
        hang = server._hang
        if hang is None or hang:
            message = BytesParser(policy=policy.default).parsebytes(
                envelope.original_content or envelope.content)
            server.received.append(Received(
                    envelope.mail_from, list(envelope.rcpt_tos), message,
                    session.peer))
        if hang is not None:
            event = asyncio.Event()
            server._waiting.append(event)
            server.hanging.set()
            await event.wait()
            if not hang:
                return '451 4.3.0 Released without delivery'
        elif server._delay:
            await asyncio.sleep(server._delay)
        return '250 2.0.0 Message accepted for delivery'
