# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen string of klachten_report exists in Dutch and French, and
every template in every language."""
import unittest
from pathlib import Path

from klachten_base.tests.tools import TranslationTestMixin

from ..document import KINDS, LANGUAGES, DocumentTemplate

LOCALE = Path(__file__).resolve().parent.parent / 'locale'


class TranslationTestCase(TranslationTestMixin, unittest.TestCase):
    "Translations of klachten_report"
    module = 'klachten_report'
    locale = str(LOCALE)

    def test_templates_complete(self):
        "A default template of every kind in every language"
        for kind, _ in KINDS:
            for language, _ in LANGUAGES:
                with self.subTest(kind=kind, language=language):
                    self.assertTrue(DocumentTemplate.template_path(
                            kind, language).exists())
