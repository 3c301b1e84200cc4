# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen string exists in Dutch and French: the staff's (.po) and
the citizens' (messages.py)."""
import re
import unittest
from pathlib import Path

from klachten_base.tests.tools import TranslationTestMixin

from .. import messages

LOCALE = Path(__file__).resolve().parent.parent / 'locale'
PLACEHOLDER = re.compile(r'%\([a-z_]+\)[sd]')


class TranslationTestCase(TranslationTestMixin, unittest.TestCase):
    "Translations of klachten_portal"
    module = 'klachten_portal'
    locale = str(LOCALE)

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
        for path in templates.glob('**/*.html'):
            used |= set(re.findall(
                    r"_\('([a-z0-9_]+)'", path.read_text(encoding='utf-8')))
        self.assertEqual(used - set(messages.MESSAGES), set())
