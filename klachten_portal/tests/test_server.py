# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A real trytond process on loopback serves the form over HTTP; the
acknowledgement arrives at a real SMTP server."""
import http.cookiejar
import re
import unittest
import urllib.error
import urllib.parse
import urllib.request

from klachten_base.tests.harness import AppServer, free_port
from klachten_base.tests.smtp import SMTPServer
from trytond.pool import Pool
from trytond.transaction import Transaction

from .tools import SECURITY_HEADERS, VALID, Form, set_up_portal_database


class ServerTestCase(unittest.TestCase):
    "The portal served by trytond"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls)
        cls.port = free_port()
        cls.server = AppServer(cls.db, {
                'TRYTOND_KLACHTEN__PORTAL_URL': f'http://127.0.0.1:{cls.port}',
                })
        cls.server.port = cls.port
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)

    @classmethod
    def server_log(cls):
        return cls.server.log(5000)

    def setUp(self):
        jar = http.cookiejar.CookieJar()
        self.browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(jar))

    def url(self, path):
        return f'http://127.0.0.1:{self.port}/{self.db}/portal/{path}'

    def open(self, path, data=None):
        if data is not None:
            data = urllib.parse.urlencode(data, doseq=True).encode()
        return self.browser.open(self.url(path), data=data, timeout=30)

    def test_file_over_http(self):
        "File a complaint over HTTP and receive its acknowledgement"
        with self.open('complaint') as response:
            self.assertEqual(response.status, 200)
            for name, value in SECURITY_HEADERS.items():
                self.assertEqual(response.headers[name], value, name)
            form = Form(response.read().decode())
        with self.open('complaint', form.data(action='next', **VALID)) \
                as response:
            self.assertEqual(response.status, 200, self.server_log())
            review = Form(response.read().decode())
        with self.open('complaint', review.data(action='submit')) \
                as response:
            # urllib followed the 303 to the receipt
            self.assertIn('/portal/complaint/receipt/', response.url)
            self.assertEqual(response.headers['Referrer-Policy'],
                'strict-origin')
            receipt = response.read().decode()
        number = re.search(r'class="number">([^<]+)<', receipt).group(1)

        with SMTPServer() as smtp, smtp.configured():
            with Transaction().start(self.db, 0):
                Pool(self.db).get('klachten.email').send_pending()
            message, = [m for m in smtp.messages
                if number in m['Subject']]
        self.assertEqual(message['To'], VALID['email'])
        self.assertIn(number, message.get_content())

    def test_refused_over_http(self):
        "A post without the CSRF cookie is refused by the server too"
        with self.open('complaint') as response:
            form = Form(response.read().decode())
        stranger = urllib.request.build_opener()
        data = urllib.parse.urlencode(
            form.data(action='submit', **VALID), doseq=True).encode()
        with self.assertRaises(urllib.error.HTTPError) as cm:
            stranger.open(self.url('complaint'), data=data, timeout=30)
        self.assertEqual(cm.exception.code, 403)
        self.assertEqual(cm.exception.headers['X-Content-Type-Options'],
            'nosniff')
