# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Similar complaints, shown at evaluation (seed 003: "Ga ook na of er nog
klachten geweest van dezelfde persoon of anderen. Zijn ze gelijkaardig?").

A complaint scores a point for the same subject, one for the same concerned
department, one for a complainant at the same address (or the same
complainant) and up to two for its words (the share of the words of both
texts they have in common).  Candidates are the complaints of the company
received in the SIMILAR_YEARS before the complaint (or after it), not
anonymised; on PostgreSQL its full-text search picks them among all of
those, elsewhere the 500 most recent.  Only the complaints the user may
read are shown."""
import datetime as dt
import re
import unicodedata

from sql import Null
from sql.conditionals import Coalesce

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

SIMILAR_YEARS = 2
# a complaint is shown from this score on: one shared property, or a
# quarter of the words in common
THRESHOLD = 0.5
CANDIDATES = 500
STEM = 7
STOP_WORDS = set('''
    deze dits niet voor over zijn heeft hebben wordt worden maar naar
    omdat want door werd waren waar wanneer toch alleen ook tegen sinds
    tijdens zonder reeds alle elke iemand niets echt gewoon steeds
    dans pour avec sans mais sont nous vous elle elles leur leurs cette
    depuis toujours encore aussi plus tres quand parce
    with that this from have been were they their there which about
    when what would could should still again
    '''.split())


def words(*texts):
    "The words of texts that tell what they are about, crudely stemmed"
    text = unicodedata.normalize('NFKD', ' '.join(t or '' for t in texts))
    text = ''.join(c for c in text if not unicodedata.combining(c))
    return {w[:STEM] for w in re.findall(r'\w+', text.casefold())
        if len(w) >= 4 and not w.isdigit() and w not in STOP_WORDS}


def text_score(these, those):
    "The share of the words of two texts they have in common (0 to 1)"
    if not these or not those:
        return 0
    return len(these & those) / len(these | those)


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    similar_complaints = fields.Function(
        fields.Many2Many('klachten.complaint', None, None,
            "Similar Complaints",
            help="Complaints of the last years with the same subject, "
            "department or address, or much the same words, the most "
            "alike first."),
        'get_similar_complaints')

    def get_similar_complaints(self, name):
        return [c.id for c in self.find_similar(self)]

    @classmethod
    def find_similar(cls, complaint, limit=10):
        """The complaints most like complaint (at most limit, the most
        alike first) that the user may read"""
        pool = Pool()
        Date = pool.get('ir.date')
        transaction = Transaction()
        database = transaction.database
        if complaint.id is None or complaint.id < 0:
            return []
        with without_check_access():
            complaint = cls(complaint.id)
            if complaint.anonymised:
                return []
            table = cls.__table__()
            day = complaint.received_date or Date.today()
            days = dt.timedelta(days=round(365.25 * SIMILAR_YEARS))
            where = ((table.company == complaint.company.id)
                & (table.id != complaint.id)
                & (table.anonymised == Null)
                & (table.received_date >= day - days)
                & (table.received_date <= day + days))
            subject = complaint.subject.id if complaint.subject else None
            department = (complaint.concerned_department.id
                if complaint.concerned_department else None)
            neighbours = cls._similar_neighbours(complaint)
            these = words(complaint.short_description,
                complaint.description)
            order = [table.received_date.desc, table.id.desc]
            if these and database.has_search_full_text():
                lang = cls._similar_language(complaint)
                document = database.format_full_text(
                    Coalesce(table.short_description, ''),
                    Coalesce(table.description, ''), language=lang)
                query = database.format_full_text_query(
                    ' or '.join(_query_words(complaint)),
                    language=lang)
                alike = database.search_full_text(document, query)
                if subject:
                    alike |= table.subject == subject
                if department:
                    alike |= table.concerned_department == department
                if neighbours:
                    alike |= table.complainant.in_(list(neighbours))
                where &= alike
                order.insert(0, database.rank_full_text(
                        document, query).desc)
            cursor = transaction.connection.cursor()
            cursor.execute(*table.select(
                    table.id, table.subject, table.concerned_department,
                    table.complainant, table.short_description,
                    table.description,
                    where=where, order_by=order, limit=CANDIDATES))
            scores = {}
            for (id_, subject_, department_, complainant, short,
                    description) in cursor:
                score = 2 * text_score(these, words(short, description))
                score += bool(subject and subject_ == subject)
                score += bool(department and department_ == department)
                score += bool(complainant and complainant in neighbours)
                if score >= THRESHOLD:
                    scores[id_] = score
        ranked = sorted(scores, key=lambda i: (-scores[i], -i))
        # only those the user may read: the client reads their names
        readable = set(cls._readable_ids([('id', 'in', ranked)], []))
        return cls.browse([i for i in ranked if i in readable][:limit])

    @classmethod
    def _similar_neighbours(cls, complaint):
        """The complainant and the parties at the same address (street and
        postal code) as the complainant"""
        pool = Pool()
        Address = pool.get('party.address')
        party = complaint.complainant
        if not party:
            return set()
        neighbours = {party.id}
        for address in party.addresses:
            street = ' '.join((address.street or '').split())
            if not street:
                continue
            domain = [('street', 'ilike', _escape(street))]
            if address.postal_code:
                domain.append(('postal_code', '=', address.postal_code))
            neighbours.update(a.party.id for a in Address.search(domain))
        return neighbours

    @classmethod
    def _similar_language(cls, complaint):
        party = complaint.company.party if complaint.company else None
        if party and party.lang:
            return party.lang.code
        return Transaction().language


def _query_words(complaint):
    "The 8 longest distinct words of complaint's text, for a text search"
    text = ' '.join([complaint.short_description or '',
            complaint.description or ''])
    found = {}
    for word in re.findall(r'\w+', text.casefold()):
        if len(word) >= 4 and not word.isdigit() and word not in STOP_WORDS:
            found.setdefault(word, None)
    return sorted(found, key=lambda w: (-len(w), w))[:8]


def _escape(value):
    return (value.replace('\\', '\\\\').replace('%', '\\%')
        .replace('_', '\\_'))
