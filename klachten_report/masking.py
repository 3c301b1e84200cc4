# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Mask the personal data of a complaint in a Word document, for the
publishable copy of a letter or report.

What is masked: every value that names or reaches a person of the
complaint (the complainant, the representative, the staff member it is
about, the third parties asked for information, the external advisers,
and what the retention hook ``_personal_data`` of each module knows of
them: names and each part of a name, street lines, e-mail addresses,
phone numbers), wherever it occurs in the text, and any other e-mail
address or phone number in it but the municipality's own.  The document
is masked as it was made (its Word file), not made again: the copy says
what the original said, with the mask instead of the personal data."""
import io
import re
import zipfile
from xml.sax.saxutils import escape, unescape

EMAIL = re.compile(r'[\w.%+-]+@[\w-]+(?:\.[\w-]+)+')
# a + or a digit, then digits with spaces, dots, slashes, dashes, brackets
PHONE = re.compile(r'(?<![\w/.-])\+?\(?\d[\d \t./()-]{6,}\d(?![\w/])')
# dates (06-12-2026) and file numbers (2026-00012) are no phone numbers
DATE = re.compile(r'^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$|^(19|20)\d\d[./-]\d+$')
# name parts that are words of the language too: masked within the name
PARTICLES = {'van', 'der', 'den', 'von', 'het', 'ten', 'ter', 'des', 'les',
    'del', 'della', 'vanden', 'vander', 'mevrouw', 'meneer', 'madame',
    'monsieur', 'heer'}
MIN_LENGTH = 3
# the keys of the retention hook's sections that hold who, not what
IDENTITY_KEYS = {
    'complainant', 'complainant_email', 'complainant_phone', 'to', 'cc',
    'email', 'advisor', 'advisor_email', 'party', 'name',
    }
IDENTITY_SECTIONS = {
    'complaints', 'emails', 'information_requests', 'advice_requests',
    'portal_accounts',
    }
_TEXT_RUN = re.compile(r'(<w:t(?:\s[^>]*)?>)([^<]*)(</w:t>)')
_PARTS = re.compile(
    r'^word/(document|header\d*|footer\d*|footnotes|endnotes|comments)'
    r'\.xml$')


def is_phone(candidate):
    "Whether candidate looks like a phone number, not a date or an amount"
    digits = sum(c.isdigit() for c in candidate)
    return 9 <= digits <= 15 and not DATE.match(candidate.strip())


def person_values(name):
    "A person's name and the words of it that can name her alone"
    name = (name or '').strip()
    if len(name) < MIN_LENGTH:
        return set()
    values = {name}
    for word in re.split(r'[\s,]+', name):
        word = word.strip('.()')
        if len(word) >= MIN_LENGTH and word.lower() not in PARTICLES:
            values.add(word)
    return values


def text_values(value):
    "The lines of value worth masking"
    return {line.strip() for line in re.split(r'[\n,;]', str(value or ''))
        if len(line.strip()) >= MIN_LENGTH}


def identity_values(data):
    "The values of the retention hook's data that say who, not what"
    values = set()
    for section, rows in data.items():
        if section not in IDENTITY_SECTIONS or not isinstance(rows, list):
            continue
        for row in rows:
            for key in IDENTITY_KEYS & set(row):
                if not isinstance(row[key], str):
                    continue
                if key in {'complainant', 'advisor', 'party', 'name'}:
                    values |= person_values(row[key])
                else:
                    values |= text_values(row[key])
    return values


class Scrubber:
    """Replace the known personal values, e-mail addresses and phone
    numbers of a text by the mask; keep: the values that stay (the
    municipality's own contact data)"""

    def __init__(self, values, mask, keep=()):
        self.mask = mask
        self.keep = {k.lower() for k in keep}
        values = sorted({v.strip() for v in values
                if v and len(v.strip()) >= MIN_LENGTH
                and v.strip().lower() not in self.keep},
            key=lambda v: (-len(v), v))
        self.known = re.compile('|'.join(
                r'(?<!\w)' + re.escape(v) + r'(?!\w)' for v in values),
            re.IGNORECASE) if values else None

    def _pattern(self, match):
        found = match.group(0)
        if found.lower() in self.keep:
            return found
        if match.re is PHONE and not is_phone(found):
            return found
        return self.mask

    def __call__(self, text):
        if not text:
            return text
        if self.known:
            text = self.known.sub(self.mask, text)
        text = EMAIL.sub(self._pattern, text)
        return PHONE.sub(self._pattern, text)


def contact_values(text):
    "The e-mail addresses and phone numbers in text"
    text = text or ''
    return ({m.group(0) for m in EMAIL.finditer(text)}
        | {m.group(0) for m in PHONE.finditer(text) if is_phone(m.group(0))})


def mask_docx(data, scrub):
    """The .docx bytes of data with the text of its body, headers, footers,
    notes and comments scrubbed by scrub"""
    def run(match):
        start, text, end = match.groups()
        return start + escape(scrub(unescape(text))) + end
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with source, zipfile.ZipFile(
            output, 'w', zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if _PARTS.match(item.filename):
                content = _TEXT_RUN.sub(
                    run, content.decode('utf-8')).encode('utf-8')
            target.writestr(item, content)
    return output.getvalue()
