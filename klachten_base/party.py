# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

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
