# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Links e-mailed to citizens and third parties.

The link holds a random token; only its SHA-256 is stored, with the one
record and the one purpose it serves, its expiry and when it was used."""
import datetime as dt
import hashlib
import secrets

from sql import Literal, Null

from klachten_base.claim import claim_one
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access

PURPOSES = [
    ('information', "Answer an Information Request"),
    ('feedback', "Give Feedback on a Decision"),
    ('status', "Follow a Complaint"),
    ('survey', "Answer the Satisfaction Survey"),
    ]


def digest(token):
    return hashlib.sha256(token.encode('utf-8')).hexdigest()


class Token(ModelSQL, ModelView):
    __name__ = 'klachten.portal.token'
    __string__ = "Portal Link"

    token_hash = fields.Char("Token Hash", required=True, readonly=True)
    purpose = fields.Selection(
        PURPOSES, "Purpose", required=True, readonly=True)
    resource = fields.Reference(
        "Resource", selection=[
            ('klachten.complaint', "Complaint"),
            ('klachten.information.request', "Information Request"),
            ], required=True, readonly=True)
    expires = fields.Date("Expires", required=True, readonly=True,
        help="The last day the link works.")
    used_at = fields.DateTime("Used At", readonly=True)
    revoked = fields.Boolean("Revoked", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('token_hash_unique', Unique(t, t.token_hash),
                'klachten_portal.msg_token_hash_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.resource, Index.Equality())))

    @classmethod
    def default_revoked(cls):
        return False

    @classmethod
    def issue(cls, record, purpose, expires):
        "Store a new link for record; return its token (never stored)"
        token = secrets.token_urlsafe(32)
        with without_check_access():
            cls.create([{
                        'token_hash': digest(token),
                        'purpose': purpose,
                        'resource': str(record),
                        'expires': expires,
                        }])
        return token

    @classmethod
    def find(cls, token, purpose):
        "The link of token for purpose, whatever its state, or None"
        if not token or len(token) > 100:
            return None
        links = cls.search([
                ('token_hash', '=', digest(token)),
                ('purpose', '=', purpose),
                ], limit=1)
        return links[0] if links else None

    @property
    def usable(self):
        today = Pool().get('ir.date').today()
        return (not self.used_at and not self.revoked
            and self.expires >= today)

    @classmethod
    def claim(cls, link):
        """Mark link used, unless another transaction did: return whether
        this one did.  The update waits for a concurrent one to end."""
        return claim_one(cls, link, {'used_at': dt.datetime.now()},
            lambda table: (table.used_at == Null)
            & (table.revoked != Literal(True)))

    @classmethod
    def revoke(cls, records, purpose=None):
        "Revoke the links of records"
        domain = [('resource', 'in', [str(r) for r in records])]
        if purpose:
            domain.append(('purpose', '=', purpose))
        with without_check_access():
            links = cls.search(domain)
            if links:
                cls.write(links, {'revoked': True})
