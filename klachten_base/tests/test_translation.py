# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen string exists in Dutch and French, and is used."""
import unittest
from pathlib import Path

import polib

from proteus import Model

from .tools import (
    TranslationTestMixin, create_complainant, create_complaint, run_wizard,
    set_user, setup_municipality)

LOCALE = Path(__file__).resolve().parent.parent / 'locale'


class TranslationTestCase(TranslationTestMixin, unittest.TestCase):
    "Translations of klachten_base"
    module = 'klachten_base'
    locale = str(LOCALE)

    def test_error_in_the_users_language(self):
        "A coordinator working in Dutch reads the refusal in Dutch"
        Lang = Model.get('ir.lang')
        nl, = Lang.find([('code', '=', 'nl')])
        nl.translatable = True
        nl.save()
        nl.click('load_translations')
        ns = setup_municipality()
        User = Model.get('res.user')
        coordinator = User(ns.users['coordinator'].id)
        coordinator.language = Lang(nl.id)
        coordinator.save()
        set_user('coordinator')
        complaint = create_complaint(create_complainant())
        with self.assertRaises(Exception) as cm:
            run_wizard('inadmissible', complaint, motivation="Beleid")
        message = str(cm.exception)
        po = {e.msgid: e.msgstr for e in polib.pofile(str(LOCALE / 'nl.po'))}
        expected = po['To continue with complaint "%(complaints)s", '
            'fill in: %(field)s.'].split('%(')[0]
        self.assertIn(expected, message)
        self.assertIn(po['at least one inadmissibility ground'], message)
