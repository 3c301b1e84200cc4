# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every screen string exists in Dutch and French, and is used."""
import re
import unittest
from pathlib import Path

import polib

from proteus import Model
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules

from .tools import (
    create_complainant, create_complaint, export_template, run_wizard,
    set_user, setup_municipality)

MODULE = 'klachten_base'
LOCALE = Path(__file__).resolve().parent.parent / 'locale'
PLACEHOLDER = re.compile(r'%\([a-z_]+\)[sd]')


class TranslationTestCase(unittest.TestCase):
    "Translations of klachten_base"

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
