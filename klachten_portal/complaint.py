# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the portal adds to the complaint and the information request."""
from trytond.model import Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .account import verify_address


def _portal_url(record):
    "The link made for record while its e-mail is rendered (see Token)"
    return Transaction().context.get('portal_urls', {}).get(str(record))


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    portal_submission_key = fields.Char(
        "Portal Submission Key", readonly=True, strip=False,
        help="The key of the web form that filed the complaint: the same "
        "form sent twice files one complaint.")
    portal_address_confirmed = fields.Boolean(
        "Address Confirmed on the Portal", readonly=True,
        help="A link e-mailed to the complainant's address about this "
        "complaint was opened: the complaint is shown in the \"My "
        "complaints\" of the account with that address.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('portal_submission_key_unique',
                Unique(t, t.portal_submission_key),
                'klachten_portal.msg_submission_key_unique'),
            ]

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('portal_submission_key', None)
        default.setdefault('portal_address_confirmed', False)
        return super().copy(complaints, default=default)

    @property
    def portal_url(self):
        return _portal_url(self)

    @classmethod
    def portal_confirm_address(cls, complaints):
        """A link e-mailed to the complainant's address was opened: the
        address is the complainant's"""
        complaints = [c for c in complaints if not c.portal_address_confirmed]
        if complaints:
            with without_check_access():
                cls.write(complaints, {'portal_address_confirmed': True})
                for complaint in complaints:
                    party = complaint.complainant
                    if party and party.email:
                        verify_address(party, party.email)


class InformationRequest(metaclass=PoolMeta):
    __name__ = 'klachten.information.request'

    @property
    def portal_url(self):
        return _portal_url(self)

    @classmethod
    def cancelled(cls, requests):
        "A cancelled request's link no longer works"
        super().cancelled(requests)
        Pool().get('klachten.portal.token').revoke(requests)

    @classmethod
    def answer_from_portal(cls, request, answer):
        "Record the answer given on the portal (which closes its task)"
        with without_check_access():
            cls.write([request], {'answer': answer})
            cls.record_answer([request])
