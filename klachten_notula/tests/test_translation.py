# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen string of klachten_notula exists in Dutch and French."""
import unittest
from pathlib import Path

from klachten_base.tests.tools import TranslationTestMixin

HERE = Path(__file__).resolve().parent.parent


class TranslationTestCase(TranslationTestMixin, unittest.TestCase):
    "Translations of klachten_notula"
    module = 'klachten_notula'
    locale = str(HERE / 'locale')
