#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bring each module's locale/nl.po and locale/fr.po up to date.

Activates the modules in a throwaway SQLite database, lets Tryton collect
every translatable string (fields, selections, views, menus, messages,
records), and merges them into the existing .po files: translations that
still match are kept, new strings are added untranslated, vanished ones
are dropped. English is the source language and needs no file.

    .venv/bin/python scripts/update_translations.py [klachten_base ...]

Then translate the empty msgstr; the test suite refuses an untranslated
Dutch string (klachten_base/tests/test_translation.py)."""
import os
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = ['nl', 'fr']


def modules_in_repo():
    return sorted(p.parent.name for p in ROOT.glob('klachten_*/tryton.cfg'))


def export_template(module):
    "Return the POFile of module's source strings"
    from klachten_base.tests.tools import export_template, with_extras
    from trytond.tests.tools import activate_modules
    activate_modules(with_extras(module))
    return export_template(module)


def merge(template, path):
    "Merge template into the po file at path, keeping known translations"
    known = {}
    if path.exists():
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete:
                known[(entry.msgctxt, entry.msgid)] = entry.msgstr
    result = polib.POFile(wrapwidth=78)
    result.metadata = {'Content-Type': 'text/plain; charset=utf-8'}
    missing = 0
    for entry in template:
        msgstr = known.get((entry.msgctxt, entry.msgid), '')
        missing += not msgstr
        result.append(polib.POEntry(
                msgctxt=entry.msgctxt, msgid=entry.msgid, msgstr=msgstr,
                flags=[f for f in entry.flags if f != 'fuzzy']))
    path.parent.mkdir(exist_ok=True)
    result.save(str(path))
    return len(result), missing


def main(modules):
    os.environ.setdefault('TRYTOND_DATABASE__URI', 'sqlite://')
    os.environ.setdefault('DB_NAME', ':memory:')
    for module in modules:
        template = export_template(module)
        for lang in LANGUAGES:
            path = ROOT / module / 'locale' / f'{lang}.po'
            total, missing = merge(template, path)
            print(f'{path.relative_to(ROOT)}: {total} strings, '
                f'{missing} untranslated')


if __name__ == '__main__':
    with tempfile.TemporaryDirectory():
        main(sys.argv[1:] or modules_in_repo())
