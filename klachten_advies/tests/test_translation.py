# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen string of advice exists in Dutch and French: the staff's
(.po) and the external advisor's page (messages.py)."""
import re
import unittest
from pathlib import Path

from klachten_base.tests.tools import TranslationTestMixin
from klachten_portal import messages as portal_messages

from .. import messages

HERE = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r'%\([a-z_]+\)[sd]')


class TranslationTestCase(TranslationTestMixin, unittest.TestCase):
    "Translations of klachten_advies"
    module = 'klachten_advies'
    locale = str(HERE / 'locale')

    def test_page_complete(self):
        "Every text of the advisor's page exists in every language, alike"
        for key, texts in messages.MESSAGES.items():
            with self.subTest(key=key):
                self.assertEqual(
                    sorted(texts), sorted(portal_messages.LANGUAGES))
                placeholders = {tuple(sorted(PLACEHOLDER.findall(t)))
                    for t in texts.values()}
                self.assertEqual(len(placeholders), 1, texts)
                self.assertTrue(all(t.strip() for t in texts.values()))

    def test_page_uses_known_texts(self):
        "The templates ask only for texts that exist"
        known = set(messages.MESSAGES) | set(portal_messages.MESSAGES)
        used = set()
        for path in (HERE / 'templates').glob('*.html'):
            used |= set(re.findall(
                    r"_\('([a-z0-9_]+)'", path.read_text(encoding='utf-8')))
        self.assertEqual(used - known, set())
        self.assertTrue(used & set(messages.MESSAGES))
