# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen string exists in Dutch and French, the staff's and the
citizens' alike: the pages' texts are ir.message records (message.xml)
translated in locale/*.po, so TranslationTestMixin checks them too."""
import datetime as dt
import re
import unittest
from pathlib import Path

from babel.dates import format_date

from klachten_base.tests.tools import TranslationTestMixin
from proteus import Model
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .. import messages
from .tools import (
    VALID, Form, PortalTestMixin, configure_portal, set_up_portal_database,
    settings, text)

HERE = Path(__file__).resolve().parent.parent
USED = re.compile(r"""(?:\b_|gettext\(lang,\s*|_key=|_key':\s*)\(?"""
    r"""'([a-z0-9_]+)'""")


def used_keys(folder):
    "The page texts the templates and the code of folder ask for"
    used = set()
    for path in [*folder.glob('templates/**/*.html'), *folder.glob('*.py'),
            *folder.glob('pages/*.py')]:
        used |= set(USED.findall(path.read_text(encoding='utf-8')))
    return used


class TranslationTestCase(TranslationTestMixin, unittest.TestCase):
    "Translations of klachten_portal"
    module = 'klachten_portal'
    locale = str(HERE / 'locale')

    def test_pages_use_known_texts(self):
        "The templates and the pages ask only for texts that exist"
        used = used_keys(HERE)
        self.assertGreater(len(used), 100)
        self.assertEqual(used - messages.keys(HERE), set())

    def test_pages_read_the_messages(self):
        """The pages show the text Tryton gives for the page's ir.message
        in each language: one system, in the back office and on the web"""
        Lang = Model.get('ir.lang')
        for code in ['nl', 'fr']:
            lang, = Lang.find([('code', '=', code)])
            lang.translatable = True
            lang.save()
        # klachten_portal's own .po files are enough to compare
        with Transaction().start(DB_NAME, 0) as transaction:
            Translation = Pool().get('ir.translation')
            for code in ['nl', 'fr']:
                Translation.translation_import(code, self.module,
                    [str(HERE / 'locale' / f'{code}.po')])
            transaction.commit()
        with Transaction().start(DB_NAME, 0, readonly=True):
            for key in sorted(messages.keys(HERE)):
                for lang in messages.LANGUAGES:
                    with self.subTest(key=key, lang=lang):
                        self.assertEqual(messages.gettext(lang, key),
                            gettext(f'{self.module}.msg_page_{key}', lang))


class PageLanguageTestCase(PortalTestMixin, unittest.TestCase):
    "The pages speak French with Babel's dates and sizes"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_portal_database(cls)
        configure_portal(cls)

    def test_french_without_french_in_the_database(self):
        """A French page shows its texts, its file sizes in Mo and its
        dates as Babel writes them, though the back office has not loaded
        French"""
        with Transaction().start(self.db, 0, readonly=True):
            Lang = Pool(self.db).get('ir.lang')
            self.assertFalse(Lang.search([('translatable', '=', True),
                        ('code', 'in', ['nl', 'fr'])]))
        with settings(max_file_size=1536 * 1024):
            response, form = self.portal.form(lang='fr')
            body = text(response)
            self.assertIn("Introduire une plainte", body)
            self.assertIn("chacun de 1,5\u202fMo au plus, 6\u202fMo au total",
                body)
            self.assertNotIn("MB", body)
            response = self.portal.next(form, **VALID)
        body = text(response)
        self.assertEqual(response.status_code, 200, body)
        self.assertIn('<html lang="fr">', body)
        incident = dt.date.fromisoformat(VALID['incident_date'])
        self.assertEqual(format_date(incident, 'long', locale='fr_BE'),
            "27 mars 2026")
        self.assertIn("27 mars 2026", body)
        self.assertTrue(Form(body).get('submission_key'))

    def test_sizes(self):
        "File sizes in each language's units, as Babel writes them"
        for lang, size, expected in [
                ('nl', 1536 * 1024, "1,5 MB"),
                ('fr', 1536 * 1024, "1,5\u202fMo"),
                ('en', 1536 * 1024, "1.5 MB"),
                ('nl', 512 * 1024, "512 kB"),
                ('fr', 512 * 1024, "512\u202fko"),
                ('fr', 3 * 1024 * 1024, "3\u202fMo"),
                ]:
            with self.subTest(lang=lang, size=size):
                self.assertEqual(messages.format_size(lang, size), expected)

    def test_dates(self):
        "Dates written out in full in each language"
        date = dt.date(2026, 12, 6)
        self.assertEqual(
            [messages.format_date(lang, date) for lang in messages.LANGUAGES],
            ["6 december 2026", "6 décembre 2026", "6 December 2026"])
        self.assertEqual(messages.format_date('fr', None), '')
