# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Filing a complaint from any channel: Complaint.file_, the one method
the portal calls (and the e-mail intake and the register import will); its
new complainant's party written in SQL as the ORM writes it."""
import datetime as dt
from unittest.mock import patch

from trytond.model.exceptions import ValidationError
from trytond.modules.party import contact_mechanism
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.tools.email_ import EmailNotValidError
from trytond.transaction import Transaction

from ..sql_insert import COPY_MIN
from .municipality import MunicipalityTestCase
from .test_cron_queries import counting_queries

# a complainant as the portal files one, and one with only an e-mail address
# and no language known
COMPLAINANT = {'name': "Els Wouters", 'lang': 'nl',
    'email': 'els{n}@example.org', 'phone': '+32 3 123 45 67',
    'street': "Kerkstraat 1", 'postal_code': '2980', 'city': "Zoersel"}
BARE = {'name': "An Claes", 'lang': None, 'email': 'an{n}@example.org'}
# the queries of a new complainant with e-mail, phone and address at most
# (SQLite's INSERTs are not counted: the ORM inserts one row per statement
# there too)
MAX_QUERIES = 8


def orm_party(values):
    "The party as Party.create makes it (Complaint._filing_new_party before)"
    pool = Pool()
    Party = pool.get('party.party')
    Lang = pool.get('ir.lang')
    mechanisms = [{'type': t, 'value': values[t]}
        for t in ['email', 'phone'] if values.get(t)]
    addresses = []
    if values.get('street') or values.get('city'):
        addresses.append({
                'street': values.get('street') or None,
                'postal_code': values.get('postal_code') or None,
                'city': values.get('city') or None,
                })
    langs = Lang.search([('code', '=', values.get('lang'))], limit=1)
    party, = Party.create([{
                'name': values['name'],
                'lang': langs[0].id if langs else None,
                'contact_mechanisms': [('create', mechanisms)],
                'addresses': [('create', addresses)],
                }])
    return party.id


def numbered(values, n):
    return {k: v.format(n=n) if isinstance(v, str) else v
        for k, v in values.items()}


class FilingTestCase(MunicipalityTestCase):
    "Complaint.file_"

    def file_(self, complainant, attachments=(), channel='letter', **values):
        pool = Pool()
        Company = pool.get('company.company')
        company, = Company.search([])
        values = {
            'company': company,
            'received_date': dt.date.today(),
            'short_description': "The bin was not emptied",
            'description': "For three weeks nobody came.",
            **values}
        return pool.get('klachten.complaint').file_(
            channel, values, attachments, complainant)

    def test_file_new_complainant(self):
        """A complaint filed with a new complainant is registered (number,
        evaluation), with the party, its address, the files and the
        acknowledgement to the complainant's address"""
        with Transaction().start(DB_NAME, 0) as transaction:
            complaint = self.file_({
                    'name': "Ria Maes", 'lang': 'fr',
                    'email': 'ria.maes@example.org',
                    'phone': '+32 9 123 45 67',
                    'street': "Kerkstraat 1", 'postal_code': '9000',
                    'city': "Gent"},
                attachments=[("photo.png", b'\x89PNG data', "The bin")])
            self.assertEqual(complaint.state, 'evaluation')
            self.assertTrue(complaint.number)
            self.assertEqual(complaint.channel, 'letter')
            party = complaint.complainant
            self.assertEqual(party.name, "Ria Maes")
            self.assertEqual(party.lang.code, 'fr')
            self.assertEqual(party.email, 'ria.maes@example.org')
            self.assertEqual(party.addresses[0].city, "Gent")
            Attachment = Pool().get('ir.attachment')
            files = Attachment.search([('resource', '=', str(complaint))])
            self.assertEqual([(f.name, f.data) for f in files],
                [("photo.png", b'\x89PNG data')])
            Email = Pool().get('klachten.email')
            sent = Email.search([('complaint', '=', complaint.id)])
            self.assertIn('ria.maes@example.org', [e.to for e in sent])
            transaction.rollback()

    def test_file_existing_and_anonymous(self):
        """A known complainant keeps one party, brought up to date; an
        anonymous complaint has none and still gets its number"""
        with Transaction().start(DB_NAME, 0) as transaction:
            Party = Pool().get('party.party')
            first = self.file_({'name': "Jan Peeters",
                    'email': 'jan@example.org'})
            count = Party.search_count([])
            second = self.file_({'party': first.complainant,
                    'name': "Jan Peeters", 'phone': '+32 3 555 55 55'},
                channel='phone')
            self.assertEqual(second.complainant, first.complainant)
            self.assertEqual(Party.search_count([]), count)
            self.assertEqual(second.complainant.phone, '+32 3 555 55 55')
            self.assertNotEqual(second.number, first.number)
            anonymous = self.file_(None, anonymous=True)
            self.assertIsNone(anonymous.complainant)
            self.assertEqual(anonymous.state, 'evaluation')
            self.assertTrue(anonymous.number)
            transaction.rollback()

    def company(self):
        Company = Pool().get('company.company')
        company, = Company.search([])
        return company.id

    def rows(self, table, column, ids):
        cursor = Transaction().connection.cursor()
        cursor.execute(f'SELECT * FROM "{table}" WHERE "{column}" '
            f'IN ({", ".join(map(str, ids))}) ORDER BY id')
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r)) for r in cursor.fetchall()]

    def assertSameRows(self, orm, sql):
        """The party sql has the rows of the party orm (its language,
        address and contact mechanisms, and their history if kept), but
        for its ids, dates, code and e-mail address"""
        pool = Pool()
        differ = {'id', 'party', 'create_date', 'write_date', 'code',
            'code_alnum', 'code_digit', 'value', 'value_compact', 'email'}
        for model, column in [
                ('party.party', 'id'), ('party.party.lang', 'party'),
                ('party.address', 'party'),
                ('party.contact_mechanism', 'party')]:
            Model = pool.get(model)
            tables = [Model._table] + (
                [Model._table + '__history'] if Model._history else [])
            for table in tables:
                orm_rows = self.rows(table, column, [orm])
                sql_rows = self.rows(table, column, [sql])
                self.assertEqual(len(sql_rows), len(orm_rows), table)
                for a, b in zip(orm_rows, sql_rows):
                    names = set(a) - differ - {'__id'}
                    self.assertEqual({n: b[n] for n in names},
                        {n: a[n] for n in names}, table)
                    self.assertIsNotNone(b['create_date'], table)
                    self.assertEqual(a['write_date'] is None,
                        b['write_date'] is None, table)
                    if table == 'party_contact_mechanism':
                        self.assertEqual(b['value_compact'], b['value'])

    def test_complainant_rows_as_orm_rows(self):
        """A new complainant's party written in SQL has the rows Party.create
        writes, the next code of the party sequence, and reads as it:
        with e-mail, phone, address and language, with an e-mail address
        alone and no language, and in a batch (PostgreSQL's COPY)"""
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Party = pool.get('party.party')
            Address = pool.get('party.address')
            Mechanism = pool.get('party.contact_mechanism')
            company = self.company()
            with transaction.set_context(company=company):
                for values in [COMPLAINANT, BARE]:
                    orm = Party(orm_party(numbered(values, 'orm')))
                    sql, = Party.klachten_insert_complainants(
                        company, [numbered(values, 'sql')])
                    sql = Party(sql)
                    self.assertSameRows(orm.id, sql.id)
                    self.assertEqual(sql.code, str(int(orm.code) + 1))
                    self.assertEqual(
                        sql.email, numbered(values, 'sql')['email'])
                    for name in ['name', 'lang', 'phone']:
                        self.assertEqual(
                            getattr(sql, name), getattr(orm, name), name)
                    self.assertEqual(
                        [a.full_address for a in sql.addresses],
                        [a.full_address for a in orm.addresses])
                    # the ORM's own validation accepts the rows
                    Party._validate([sql])
                    Address._validate(sql.addresses)
                    Mechanism._validate(sql.contact_mechanisms)
                orm = orm_party(numbered(COMPLAINANT, 'orm'))
                batch = Party.klachten_insert_complainants(company, [
                        numbered(COMPLAINANT, n) for n in range(COPY_MIN)])
                for party in batch:
                    self.assertSameRows(orm, party)
                self.assertEqual([int(p.code) for p in Party.browse(batch)],
                    list(range(int(Party(orm).code) + 1,
                            int(Party(orm).code) + 1 + COPY_MIN)))
            transaction.rollback()

    def test_complainant_refused_as_by_orm(self):
        """What Party.create refuses is refused with its error, before a
        row is written: a phone number of spaces; an e-mail address the
        e-mail check refuses (the email_validator package, not installed
        here, stands in for by Tryton's own check failing)"""
        with Transaction().start(DB_NAME, 0) as transaction:
            Party = Pool().get('party.party')
            company = self.company()
            with transaction.set_context(company=company):

                def refused(values):
                    "the error of each, after no row written in SQL"
                    count = Party.search_count([])
                    with self.assertRaises(ValidationError) as sql:
                        Party.klachten_insert_complainants(company, [values])
                    self.assertEqual(Party.search_count([]), count)
                    with self.assertRaises(ValidationError) as orm:
                        orm_party(values)
                    self.assertEqual(sql.exception.message,
                        orm.exception.message)
                    return orm.exception.message

                with patch.object(contact_mechanism, 'validate_email',
                        side_effect=EmailNotValidError("not an address")):
                    error = refused(numbered(COMPLAINANT, 1))
                self.assertIn('els1@example.org', error)
                error = refused(dict(numbered(COMPLAINANT, 2), phone='   '))
                self.assertIn("Value", error)
            transaction.rollback()

    def test_complainant_queries(self):
        """A new complainant's party costs a fixed few queries, fewer than
        Party.create's (each a worker's third, its caches warm, in a
        transaction of its own)"""
        counts = {}
        for name, create in [
                ('orm', lambda company, values: orm_party(values)),
                ('sql', lambda company, values: Pool().get('party.party')
                    .klachten_insert_complainants(company, [values]))]:
            for number in range(3):
                with Transaction().start(DB_NAME, 0) as transaction:
                    company = self.company()
                    values = numbered(COMPLAINANT, number)
                    with transaction.set_context(company=company), \
                            counting_queries() as counter:
                        create(company, values)
                    counts.setdefault(name, []).append(counter['queries'])
                    transaction.rollback()
        self.assertLessEqual(counts['sql'][-1], MAX_QUERIES, counts)
        self.assertLess(counts['sql'][-1], counts['orm'][-1], counts)
