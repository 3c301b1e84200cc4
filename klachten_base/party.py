# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Parties: a complainant's personal data is for who may see one of their
complaints (doc/index.rst, "Personal data access")."""
from sql import Null, Union

from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, check_access, without_check_access


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    klachten_visible = fields.Function(
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
    def get_klachten_visible(cls, parties, name):
        with without_check_access():
            visible = {p.id for p in cls.search([
                        ('id', 'in', [p.id for p in parties]),
                        ('klachten_visible', '=', True),
                        ])}
        return {p.id: p.id in visible for p in parties}

    @classmethod
    def search_klachten_visible(cls, name, clause):
        """A party is visible unless it is the complainant or
        representative of a complaint and of none the user may read:
        companies, employees, users' parties and parties on no complaint
        stay visible to all staff"""
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        Rule = pool.get('ir.rule')
        complaint = Complaint.__table__()

        def parties(where=None):
            queries = []
            for column in [complaint.complainant, complaint.representative]:
                condition = column != Null
                if where is not None:
                    condition &= where
                queries.append(complaint.select(column, where=condition))
            return Union(*queries, all_=False)
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
            visible = parties(complaint.id.in_(readable))
            domain = ['OR',
                ('id', 'not in', parties()),
                ('id', 'in', visible),
                ]
        else:
            domain = [('id', '!=', None)]
        _, operator, value = clause[:3]
        if (operator == '=') != bool(value):
            domain = [('id', 'not in', cls.search(domain, query=True,
                        order=[]))]
        return domain
