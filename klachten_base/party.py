# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Parties: a complainant's personal data is for who may see one of their
complaints (doc/index.rst, "Personal data access")."""
from sql import Literal
from sql.functions import CurrentTimestamp, Lower
from sql.operators import Exists, Not, Or

from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, Id
from trytond.transaction import Transaction, check_access, without_check_access

from .model import CorrelatedFunction
from .sql_insert import check_records, insert_records


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    klachten_visible = CorrelatedFunction(
        fields.Boolean("Visible in Complaints"),
        'get_klachten_visible', searcher='search_klachten_visible')

    @classmethod
    def default_lang(cls, **pattern):
        # A complainant created in the back office speaks the
        # municipality's language unless the party configuration says
        # otherwise (the client's language is English by default).
        lang = super().default_lang(**pattern)
        company_id = Transaction().context.get('company')
        if lang is None and company_id is not None and company_id >= 0:
            Company = Pool().get('company.company')
            with without_check_access():
                company_lang = Company(company_id).party.lang
            if company_lang:
                lang = company_lang.id
        return lang

    @classmethod
    def klachten_insert_complainants(
            cls, company, complainants, now=None, checked=False):
        """Create a party for each complainant, a dict of name, email,
        phone, street, postal_code, city and lang (a code, an ir.lang id or
        None; without the key, the party's default language), with the rows
        create writes for it, its e-mail, phone and address, but in an
        INSERT a table (insert_records); return the parties' ids.

        What create would refuse is refused first, with its error: the
        checks of the party, address and contact mechanisms run on the
        records before they are saved (unless checked: the caller checked
        them, as the register import does row by row).  No trigger, access
        check or record rule: the callers file as the system.
        now: transaction_start(), if the caller read it already."""
        pool = Pool()
        PartyLang = pool.get('party.party.lang')
        Address = pool.get('party.address')
        Mechanism = pool.get('party.contact_mechanism')
        if not complainants:
            return []
        with Transaction().set_context(company=company):
            codes = cls._klachten_codes(complainants)
            # a phone is formatted with its party's country, the default
            # country of its address if it has one
            country = Address.default_get(
                ['country'], with_rec_name=False).get('country')
            if not checked:
                cls._klachten_check_complainants(complainants, codes, country)
            explicit = all('lang' in c for c in complainants)
            party_ids, set_values = insert_records(cls, [
                    {'name': c.get('name'), 'code': code, 'addresses': None,
                        **({'lang': None} if explicit else {})}
                    for c, code in zip(complainants, codes)], now=now)
            # lang is company dependent: one party.party.lang a party
            langs = cls._klachten_langs(
                complainants, set_values.get('lang'))
            insert_records(PartyLang, [
                    {'party': p, 'lang': lang, 'company': company}
                    for p, lang in zip(party_ids, langs)], now=now)
            # the street setter of the ORM writes the address again
            insert_records(Address, [{
                        'party': p,
                        'street_unstructured': c.get('street') or None,
                        'postal_code': c.get('postal_code') or None,
                        'city': c.get('city') or None,
                        'write_uid': (Transaction().user
                            if c.get('street') else None),
                        'write_date': (CurrentTimestamp()
                            if c.get('street') else None),
                        }
                    for c, p in zip(complainants, party_ids)
                    if _has_address(c)],
                now=now)
            # the mechanisms' values computed with their party as an
            # instance, not read back a mechanism
            with_address = cls(
                addresses=[Address(country=country)] if country else [])
            without_address = cls(addresses=[])
            mechanisms = [
                ({'party': p, 'type': t, 'value': c[t]},
                    {'party': with_address if _has_address(c)
                        else without_address})
                for c, p in zip(complainants, party_ids)
                for t in ['email', 'phone'] if c.get(t)]
            insert_records(Mechanism, [v for v, _ in mechanisms],
                instances=[i for _, i in mechanisms], now=now)
        return party_ids

    @classmethod
    def _klachten_codes(cls, complainants):
        """The codes of the new parties, in one step of their sequence
        (none without a sequence: create refuses a party without code)"""
        sequence = cls._code_sequence()
        if not sequence:
            return [None] * len(complainants)
        return list(sequence.get_many(n=len(complainants)))

    @classmethod
    def _klachten_langs(cls, complainants, defaults=None):
        """The ir.lang id of each complainant's lang (a code or an id), the
        default of defaults where a complainant has none"""
        Lang = Pool().get('ir.lang')
        # the id of a code (None if unknown) kept in ir.lang's own cache,
        # cleared when a language is created, changed or deleted
        codes = {c['lang'] for c in complainants
            if isinstance(c.get('lang'), str)}
        ids = {code: Lang._lang_cache.get(('klachten_lang', code), -1)
            for code in codes}
        missing = [c for c, id_ in ids.items() if id_ == -1]
        if missing:
            found = {lang.code: lang.id
                for lang in Lang.search([('code', 'in', missing)])}
            for code in missing:
                ids[code] = Lang._lang_cache.set(
                    ('klachten_lang', code), found.get(code))
        langs = []
        for i, complainant in enumerate(complainants):
            lang = complainant.get('lang')
            if 'lang' not in complainant:
                lang = defaults[i] if defaults else None
            elif isinstance(lang, str):
                lang = ids.get(lang)
            langs.append(int(lang) if lang is not None else None)
        return langs

    @classmethod
    def _klachten_check_complainants(cls, complainants, codes, country):
        """Refuse the complainants as create refuses the party, its address
        and its contact mechanisms (check_records)"""
        pool = Pool()
        Address = pool.get('party.address')
        Mechanism = pool.get('party.contact_mechanism')
        value = Mechanism.value.sql_format
        parties, addresses, mechanisms = [], [], []
        for complainant, code in zip(complainants, codes):
            party = cls(name=complainant.get('name'), code=code, addresses=[])
            if party.name or code:
                # the name the contact mechanisms' errors give it
                party.rec_name = party.get_rec_name('rec_name')
            parties.append(party)
            if _has_address(complainant):
                party.addresses = [Address(party=party, country=country,
                        **{k: complainant.get(k) or None
                            for k in ['street', 'postal_code', 'city']})]
                addresses.extend(party.addresses)
            # as create validates them: stored, not yet computed
            mechanisms.extend(Mechanism(party=party, name=None, type=t,
                    value=value(complainant[t]), value_compact=None)
                for t in ['email', 'phone'] if complainant.get(t))
        # as create checks them: its children, then the party
        check_records(Address, addresses, ['party'])
        check_records(Mechanism, mechanisms, ['party', 'type', 'value'])
        check_records(cls, parties, ['name', 'code'])

    @classmethod
    def get_klachten_visible(cls, parties, name):
        with without_check_access():
            visible = {p.id for p in cls.search([
                        ('id', 'in', [p.id for p in parties]),
                        ('klachten_visible', '=', True),
                        ])}
        return {p.id: p.id in visible for p in parties}

    @classmethod
    def search_klachten_visible(cls, name, clause, table=None):
        """A party is visible unless it is the complainant or
        representative of a complaint and of none the user may read:
        companies, employees, users' parties and parties on no complaint
        stay visible to all staff.  The SQL condition on table, the
        parties searched."""
        if table is None:
            # ModelSQL.search looks at the searchers' domains first: the
            # clause stays, converted with the searched table
            return [tuple(clause)]
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        Rule = pool.get('ir.rule')

        def on_complaint(readable=None):
            "the party is the complainant or representative of a complaint"
            conditions = []
            for name in ['complainant', 'representative']:
                complaint = Complaint.__table__()
                condition = getattr(complaint, name) == table.id
                if readable is not None:
                    condition &= complaint.id.in_(readable)
                conditions.append(Exists(complaint.select(
                            Literal(1), where=condition)))
            return Or(conditions)
        # the rules of the user, also when the rule domain of the party
        # is converted without access check
        if Transaction().user:
            with check_access():
                domain = Rule.domain_get(Complaint.__name__, mode='read')
        else:
            domain = []
        if domain:
            with without_check_access():
                readable = Complaint.search(domain, order=[], query=True)
            visible = Or([Not(on_complaint()), on_complaint(readable)])
        else:
            visible = Literal(True)
        _, operator, value = clause[:3]
        if (operator == '=') != bool(value):
            return Not(visible)
        return visible

    @classmethod
    def klachten_match(cls, email=None, phone=None, name=None, street=None,
            postal_code=None):
        """(party or None, candidates) for a complainant's details.

        party: the one active, not replaced party with e-mail address as a
        verified address (an unverified address never matches: anyone can
        write someone else's address in a form or a From header).
        candidates (at most 10): parties the user may see (record rules of
        complaints) with the same address unverified, the same phone
        number (last 8 digits) or the same name in the same postal code or
        street; for staff to choose from, never applied by themselves."""
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        party = None
        email = (email or '').strip()
        if email:
            with without_check_access():
                mechanisms = Mechanism.search([
                        ('type', '=', 'email'),
                        ('value', 'ilike', _escape(email)),
                        ('klachten_verified', '=', True),
                        ('party.active', '=', True),
                        ('party.replaced_by', '=', None),
                        ])
                parties = {m.party for m in mechanisms
                    if (m.value or '').casefold() == email.casefold()}
            if len(parties) == 1:
                party, = parties
                party = cls(party.id)
        return party, cls._klachten_candidates(party, email=email,
            phone=phone, name=name, street=street, postal_code=postal_code)

    @classmethod
    def _klachten_candidates(cls, party, email=None, phone=None, name=None,
            street=None, postal_code=None, limit=10):
        pool = Pool()
        Mechanism = pool.get('party.contact_mechanism')
        Address = pool.get('party.address')
        found = []

        def add(parties):
            for p in parties:
                if p != party and p not in found and len(found) < limit:
                    found.append(p)

        def visible(ids):
            # searched under the user's rules: who may not read any of a
            # complainant's complaints does not learn they are one
            if not ids:
                return []
            with check_access():
                return cls.search([
                        ('id', 'in', list(ids)),
                        ('replaced_by', '=', None),
                        ('klachten_visible', '=', True),
                        ], order=[('name', 'ASC'), ('id', 'ASC')])

        with without_check_access():
            if email:
                add(visible({m.party.id for m in Mechanism.search([
                                    ('type', '=', 'email'),
                                    ('value', 'ilike', _escape(email)),
                                    ])
                            if (m.value or '').casefold()
                            == email.casefold()}))
            # the last 8 digits: the same with or without the country
            # code (+32 3 123 45 67 and 03 123 45 67)
            digits = ''.join(c for c in (phone or '') if c.isdigit())[-8:]
            if len(digits) == 8:
                add(visible({m.party.id for m in Mechanism.search([
                                    ('type', 'in', ['phone', 'mobile']),
                                    ('value', 'ilike', '%' + digits[-2:]),
                                    ])
                            if ''.join(c for c in m.value or ''
                                if c.isdigit())[-8:] == digits}))
            name = ' '.join((name or '').split())
            if name and ((street or '').strip()
                    or (postal_code or '').strip()):
                place = []
                if (postal_code or '').strip():
                    place.append(('postal_code', '=', postal_code.strip()))
                if (street or '').strip():
                    place.append(
                        ('street', 'ilike', '%' + _escape(street.strip())
                            + '%'))
                add(visible({a.party.id for a in Address.search([
                                    ('party.name', 'ilike',
                                        '%' + _escape(name) + '%'),
                                    ['OR'] + place,
                                    ])}))
        return found


def _has_address(complainant):
    return any(complainant.get(k) for k in ['street', 'postal_code', 'city'])


def _escape(value):
    "value for an ilike clause that matches itself only"
    return (value.replace('\\', '\\\\').replace('%', '\\%')
        .replace('_', '\\_'))


class ContactMechanism(metaclass=PoolMeta):
    __name__ = 'party.contact_mechanism'

    klachten_verified = fields.Boolean(
        "Verified",
        help="The owner proved this address is theirs (portal account, "
        "link in an e-mail) or a coordinator checked it; only a verified "
        "address files a web or e-mail complaint on this party.",
        states={
            'readonly': ~Id('klachten_base', 'group_coordinator').in_(
                Eval('context', {}).get('groups', [])),
            })

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # the portal finds an account's complaints by the parties that have
        # its e-mail address (klachten_portal account.portal_address_parties)
        cls._sql_indexes.add(Index(t,
                (Lower(t.value), Index.Equality()),
                where=t.type == 'email'))

    @classmethod
    def default_klachten_verified(cls):
        return False

    @classmethod
    def create(cls, vlist):
        cls._klachten_check_verified(vlist)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        cls._klachten_check_verified(args[1::2])
        super().write(*args)

    @classmethod
    def _klachten_check_verified(cls, vlist):
        """Only coordinators (and the complaints administrator) mark an
        address verified by hand: it files complaints on the party"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        transaction = Transaction()
        if (not transaction.user or not transaction.check_access
                or not any(v.get('klachten_verified') for v in vlist)):
            return
        allowed = {ModelData.get_id('klachten_base', 'group_coordinator'),
            ModelData.get_id('klachten_base', 'group_admin')}
        if not allowed & set(User.get_groups()):
            raise AccessError(gettext(
                    'klachten_base.msg_contact_mechanism_verify'))


class PartyReplace(metaclass=PoolMeta):
    "Merge a duplicate party: its complaints go to the party kept"
    __name__ = 'party.replace'

    @classmethod
    def fields_to_replace(cls):
        return super().fields_to_replace() + [
            ('klachten.complaint', 'complainant'),
            ('klachten.complaint', 'representative'),
            ]
