# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The texts of the citizens' pages, their dates and file sizes.

Each text is an ir.message of the module's message.xml (id msg_page_<key>,
in English) translated in locale/nl.po and locale/fr.po like every other
string of the module.  The pages read those .po files with Babel, not the
database: they speak Dutch, French and English whichever languages the
back office has loaded, and also on the error pages served when the
database is down.  doc/design.rst says why."""
import functools
import re
from pathlib import Path
from xml.etree import ElementTree

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.messages.pofile import read_po
from babel.units import format_unit

from klachten_base.lang import LOCALES

LANGUAGES = ('nl', 'fr', 'en')
DEFAULT = 'nl'
SOURCE = 'en'
PREFIX = 'msg_page_'
CONTEXT = 'model:ir.message,text:' + PREFIX
PLACEHOLDER = re.compile(r'%\(([a-z_]+)\)s')


def _language_name(lang):
    name = Locale.parse(lang).get_display_name()
    return name[:1].upper() + name[1:]


LANGUAGE_NAMES = {lang: _language_name(lang) for lang in LANGUAGES}

# the folders of the modules whose message.xml holds texts of the pages
_folders = [Path(__file__).resolve().parent]


def register(folder):
    """Serve the page texts (msg_page_*) of the module in folder too
    (klachten_advies registers its adviser's page)"""
    folder = Path(folder).resolve()
    if folder not in _folders:
        _folders.append(folder)
        _texts.cache_clear()


@functools.cache
def _texts():
    "{key: {language: text}} of every registered module"
    texts = {}
    for folder in _folders:
        for key, text in _read_messages(folder / 'message.xml').items():
            texts[key] = {SOURCE: text}
        for lang in LANGUAGES:
            if lang == SOURCE:
                continue
            for key, text in _read_po(folder / 'locale' / f'{lang}.po'):
                if key in texts:
                    texts[key][lang] = text
    return texts


def _read_messages(path):
    "{key: English text} of the msg_page_ records of the message.xml"
    texts = {}
    for record in ElementTree.parse(path).iter('record'):
        xml_id = record.get('id')
        if record.get('model') == 'ir.message' and xml_id.startswith(PREFIX):
            text = record.find("field[@name='text']").text
            texts[xml_id[len(PREFIX):]] = text
    return texts


def _read_po(path):
    "(key, translation) of the msg_page_ messages of the .po file"
    if not path.exists():
        return
    with path.open('rb') as file:
        catalog = read_po(file)
    for message in catalog:
        if (message.context or '').startswith(CONTEXT) and message.string:
            yield message.context[len(CONTEXT):], message.string


def keys(folder=None):
    """The keys of the texts of the pages: those of the module in folder,
    or of every registered module"""
    if folder is not None:
        return set(_read_messages(Path(folder) / 'message.xml'))
    return set(_texts())


def gettext(lang, key, **values):
    """The text of key in lang (English when it has no translation), with
    its %(name)s placeholders filled"""
    texts = _texts()[key]
    text = texts.get(lang) or texts[SOURCE]
    if values:
        text = text % {k: values.get(k, '') for k in PLACEHOLDER.findall(text)}
    return text


def format_date(lang, date):
    "date as the language writes it in full: 6 december 2026"
    if not date:
        return ''
    return babel_format_date(date, 'long', locale=LOCALES[lang])


def format_size(lang, size):
    "A size in bytes as a short text: 512 kB, 3 MB (3 Mo in French)"
    if size >= 1024 * 1024:
        value, unit = size / (1024 * 1024), 'digital-megabyte'
    else:
        value, unit = size / 1024, 'digital-kilobyte'
    return format_unit(
        value, unit, length='short', format='#,##0.#', locale=LOCALES[lang])
