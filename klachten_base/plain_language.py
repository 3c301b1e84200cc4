# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Plain language (seed 004 step 14, the "B1 team"): how readable a reply is
before it leaves, for Dutch and French, with the long sentences and the
difficult words named. (English is not measured: textstat counts English
syllables with nltk's cmudict, which it would download at run time.)

The score is Flesch reading ease in the language's own formula, as textstat
computes it (Flesch-Douma for Dutch, Kandel-Moles for French; syllables by
pyphen's hyphenation dictionaries); a word is difficult when it is rare in
the language according to wordfreq's frequency lists (Zipf below 3: fewer
than once per million words). Both are maintained libraries; the figures
they give on the seeds and the demo are in doc/plain_language.rst."""
import re
from collections import namedtuple

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction

LANGUAGES = {'nl', 'fr'}
LONG_SENTENCE = 20  # words
RARE = 3.0  # Zipf frequency
PLAIN = 60  # Flesch: B1 level starts about here
DIFFICULT = 45
MAX_SHOWN = 10

Readability = namedtuple('Readability',
    ['score', 'level', 'long_sentences', 'difficult_words'])

SENTENCE_END = re.compile(r'(?<=[.!?])\s+|\n\s*\n')
WORD = re.compile(r'[^\W\d_]+(?:-[^\W\d_]+)*')


def _lang(language):
    "The language measured: nl when unknown, None when not measurable"
    language = (language or '').split('_')[0].split('-')[0].lower()
    if not language:
        return 'nl'
    return language if language in LANGUAGES else None


def sentences(text):
    return [s.strip() for s in SENTENCE_END.split(text or '') if s.strip()]


def readability(text, language):
    """The Readability of text in language (nl or fr; none is read as
    Dutch), or None for an empty text or another language"""
    import textstat
    from wordfreq import zipf_frequency
    lang = _lang(language)
    if not text or not WORD.search(text) or not lang:
        return None
    textstat.set_lang(lang)
    score = max(0, min(100, round(textstat.flesch_reading_ease(text))))
    level = ('plain' if score >= PLAIN
        else 'fair' if score >= DIFFICULT else 'difficult')
    long_sentences = [s for s in sentences(text)
        if len(WORD.findall(s)) > LONG_SENTENCE]
    difficult, seen = [], set()
    for sentence in sentences(text):
        for i, word in enumerate(WORD.findall(sentence)):
            key = word.lower()
            if (len(word) < 4 or key in seen
                    # a capital inside a sentence is a name
                    or (i and word[0].isupper())):
                continue
            seen.add(key)
            if zipf_frequency(key, lang) < RARE:
                difficult.append(word)
    return Readability(score, level, long_sentences, difficult)


def describe(text, language):
    "What readability(text, language) says, for the user reading it"
    result = readability(text, language)
    if result is None:
        return ''
    lines = [gettext('klachten_base.msg_readability_score',
            score=result.score,
            level=gettext(f'klachten_base.msg_readability_{result.level}'),
            plain=PLAIN)]
    if result.long_sentences:
        lines.append(gettext('klachten_base.msg_readability_long',
                count=len(result.long_sentences), words=LONG_SENTENCE))
        for sentence in result.long_sentences[:MAX_SHOWN]:
            lines.append(f'- {_cut(sentence)}')
    if result.difficult_words:
        lines.append(gettext('klachten_base.msg_readability_words',
                words=', '.join(result.difficult_words[:MAX_SHOWN])))
    return '\n'.join(lines)


def _cut(sentence, size=80):
    return sentence if len(sentence) <= size else sentence[:size - 1] + '…'


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    draft_reply_readability = fields.Function(fields.Text(
            "Readability of the Draft Reply",
            help="Flesch reading ease in the complainant's language (60 or "
            "more reads at B1 level), the sentences of more than 20 words "
            "and the rare words."),
        'on_change_with_draft_reply_readability')

    @fields.depends('draft_reply', 'complainant', 'representative')
    def on_change_with_draft_reply_readability(self, name=None):
        return describe(self.draft_reply, _language_of(self))


def _language_of(complaint):
    """The complainant's language, else the user's if it is measured, else
    None (read as Dutch)"""
    if complaint:
        party = complaint.representative or complaint.complainant
        if party and party.lang:
            return party.lang.code
    if _lang(Transaction().language) in LANGUAGES:
        return Transaction().language


class ConcludeStart(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.conclude.start'

    language = fields.Char("Language", readonly=True)
    readability = fields.Text(
        "Readability", readonly=True,
        states={'invisible': ~Eval('inform')},
        help="Flesch reading ease of the reply in the complainant's "
        "language (60 or more reads at B1 level), the sentences of more "
        "than 20 words and the rare words.")

    @fields.depends('reply', 'language')
    def on_change_with_readability(self):
        return describe(self.reply, self.language)


class Conclude(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.conclude'

    def default_start(self, fields):
        values = super().default_start(fields)
        values['language'] = _language_of(self.record)
        values['readability'] = describe(
            values.get('reply'), values['language'])
        return values
