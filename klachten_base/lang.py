# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The languages Klachten speaks to people outside the back office.

One table for the pages (klachten_portal) and the letters
(klachten_report): the CLDR locale through which Babel formats their
dates, numbers and file sizes in each language."""

# Belgian Dutch and French, and British English (6 December 2026)
LOCALES = {'nl': 'nl_BE', 'fr': 'fr_BE', 'en': 'en_GB'}
DEFAULT = 'nl'


def babel_locale(language):
    "The CLDR locale of language (a code such as 'fr' or 'fr_BE')"
    code = (language or DEFAULT).split('_')[0].split('-')[0]
    return LOCALES.get(code, LOCALES[DEFAULT])
