# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen string of advice exists in Dutch and French, the staff's
and the external adviser's page alike: the page's texts are ir.message
records (message.xml) translated in locale/*.po, so TranslationTestMixin
checks them too."""
import unittest
from pathlib import Path

from klachten_base.tests.tools import TranslationTestMixin

from .. import messages

HERE = Path(__file__).resolve().parent.parent


class TranslationTestCase(TranslationTestMixin, unittest.TestCase):
    "Translations of klachten_advies"
    module = 'klachten_advies'
    locale = str(HERE / 'locale')

    def test_page_uses_known_texts(self):
        "The adviser's page asks only for texts that exist"
        from klachten_portal import messages as portal_messages
        from klachten_portal.tests.test_translation import used_keys
        messages.register()
        used = used_keys(HERE)
        self.assertEqual(used - portal_messages.keys(), set())
        self.assertTrue(used & messages.keys())
        for lang in portal_messages.LANGUAGES:
            with self.subTest(lang=lang):
                self.assertEqual(portal_messages.gettext(lang, 'advice_send'),
                    {'nl': "Advies versturen", 'fr': "Envoyer l'avis",
                        'en': "Send the advice"}[lang])
