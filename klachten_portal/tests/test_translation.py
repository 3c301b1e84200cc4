# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen string exists in Dutch and French: the staff's (.po) and
the citizens' (messages.py)."""
import re
import unittest
from pathlib import Path

import polib

from klachten_base.tests.tools import export_template
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules

from .. import messages

MODULE = 'klachten_portal'
LOCALE = Path(__file__).resolve().parent.parent / 'locale'
PLACEHOLDER = re.compile(r'%\([a-z_]+\)[sd]')


class TranslationTestCase(unittest.TestCase):
    "Translations of klachten_portal"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules(MODULE)
        cls.template = export_template(MODULE)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def check_language(self, code):
        po = {(e.msgctxt, e.msgid): e
            for e in polib.pofile(str(LOCALE / f'{code}.po'))}
        missing = [f'{e.msgctxt} {e.msgid!r}' for e in self.template
            if not getattr(po.get((e.msgctxt, e.msgid)), 'msgstr', '')]
        self.assertEqual(missing, [], msg=(
                f"Untranslated in {code}.po: run "
                "scripts/update_translations.py and translate"))
        for entry in po.values():
            with self.subTest(language=code, msgctxt=entry.msgctxt):
                self.assertEqual(
                    sorted(PLACEHOLDER.findall(entry.msgid)),
                    sorted(PLACEHOLDER.findall(entry.msgstr)))

    def test_dutch_complete(self):
        "Every string of the module is translated into Dutch"
        self.check_language('nl')

    def test_french_complete(self):
        "Every string of the module is translated into French"
        self.check_language('fr')

    def test_pages_complete(self):
        "Every text of the pages exists in every language, alike"
        for key, texts in messages.MESSAGES.items():
            with self.subTest(key=key):
                self.assertEqual(sorted(texts), sorted(messages.LANGUAGES))
                placeholders = {
                    lang: sorted(PLACEHOLDER.findall(text))
                    for lang, text in texts.items()}
                self.assertEqual(
                    len({tuple(p) for p in placeholders.values()}), 1,
                    placeholders)
                self.assertTrue(all(t.strip() for t in texts.values()))

    def test_pages_use_known_texts(self):
        "The templates ask only for texts that exist"
        templates = Path(__file__).resolve().parent.parent / 'templates'
        used = set()
        for path in templates.glob('*.html'):
            used |= set(re.findall(
                    r"_\('([a-z0-9_]+)'", path.read_text(encoding='utf-8')))
        self.assertEqual(used - set(messages.MESSAGES), set())
