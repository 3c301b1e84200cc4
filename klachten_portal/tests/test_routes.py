# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal's addresses in a database where the portal is not
activated: they are not there (404), not broken (500)."""
import unittest

from werkzeug.test import Client

from trytond.protocols.wrappers import Response
from trytond.wsgi import app

from .tools import set_up_portal_database

TOKEN = 'a' * 43
PATHS = [
    'complaint', f'complaint/receipt/{TOKEN}', f'information/{TOKEN}',
    f'feedback/{TOKEN}', f'status/{TOKEN}', f'survey/{TOKEN}',
    'thanks/survey', 'static/portal.css', 'account', 'account/login',
    'account/register', 'account/reset', f'account/reset/{TOKEN}',
    f'account/validate/{TOKEN}', 'account/sent/reset',
    'account/complaint/K-2026-0001',
    ]


class NotActivatedTestCase(unittest.TestCase):
    "A database with klachten_base only"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls, modules=('klachten_base',))

    def test_pages_not_found(self):
        "Every page of the portal answers 404"
        client = Client(app, Response)
        for path in PATHS:
            with self.subTest(path=path):
                response = client.get(f'/{self.db}/portal/{path}')
                self.assertEqual(response.status_code, 404)

    def test_forms_not_found(self):
        "Sending a form of the portal answers 404 and stores nothing"
        client = Client(app, Response)
        for path in ['complaint', 'account/login', 'account/logout']:
            with self.subTest(path=path):
                response = client.post(f'/{self.db}/portal/{path}',
                    data={'email': 'an@example.org', 'password': 'x' * 10})
                self.assertEqual(response.status_code, 404)
