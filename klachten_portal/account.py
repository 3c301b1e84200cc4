# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Citizen accounts: Tryton's web.user, as the portal uses it.

The e-mailed tokens of web_user (address validation, password reset) are
stored as their SHA-256 only: the raw token is in the e-mail alone.  The
e-mails go through the outbox (klachten.email) in the citizen's language.
"""
import datetime as dt
import logging
import re
import secrets

from sql import Literal, Null
from sql.functions import Function, Lower
from sql.operators import Exists

import trytond.config as config
from trytond import backend
from trytond.pool import Pool, PoolMeta
from trytond.res.user import PASSWORD_HASH
from trytond.transaction import Transaction, without_check_access

from .notification import portal_base_url
from .token import digest

logger = logging.getLogger(__name__)

# e-mail kind: template of klachten_portal
EMAILS = {
    'account_validation': 'email_template_account_validation',
    'account_reset': 'email_template_account_reset',
    'account_exists': 'email_template_account_exists',
    }
# hours a session lasts after the login, whatever web_user allows
SESSION_HOURS = 12
_dummy_hash = None


def dummy_check(password):
    """Spend the time of a password check, for an unknown address: the
    answer must not be quicker than for a wrong password"""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = PASSWORD_HASH.hash('not a password of anyone')
    PASSWORD_HASH.verify(password or 'x', _dummy_hash)


def escape_like(value):
    return re.sub(r'([\\%_])', r'\\\1', value)


def verify_address(party, email, create=False):
    """Mark email a verified address of party (the owner proved it); add it
    to the party when create and the party does not have it"""
    Mechanism = Pool().get('party.contact_mechanism')
    with without_check_access():
        mechanisms = [m for m in Mechanism.search([
                    ('party', '=', party.id),
                    ('type', '=', 'email'),
                    ('value', 'ilike', escape_like(email)),
                    ]) if (m.value or '').casefold() == email.casefold()]
        unverified = [m for m in mechanisms if not m.klachten_verified]
        if unverified:
            Mechanism.write(unverified, {'klachten_verified': True})
        elif not mechanisms and create:
            Mechanism.create([{
                        'party': party.id,
                        'type': 'email',
                        'value': email,
                        'klachten_verified': True,
                        }])


class WebUser(metaclass=PoolMeta):
    __name__ = 'web.user'

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        if module == 'klachten_portal':
            cls._klachten_backfill_verified()

    @classmethod
    def _klachten_backfill_verified(cls):
        """Mark verified the addresses that validated accounts proved before
        addresses were marked (a database older than the mark): the
        validated account's address of its party, in one statement; each
        update runs it again and finds nothing left"""
        Mechanism = Pool().get('party.contact_mechanism')
        mechanism = Mechanism.__table__()
        user = cls.__table__()
        cursor = Transaction().connection.cursor()
        proven = user.select(user.id, where=(
                (user.party == mechanism.party)
                & (user.email_valid == Literal(True))
                & (Lower(user.email) == Lower(mechanism.value))))
        cursor.execute(*mechanism.update(
                [mechanism.klachten_verified], [Literal(True)],
                where=(mechanism.type == 'email')
                & ((mechanism.klachten_verified == Literal(False))
                    | (mechanism.klachten_verified == Null))
                & Exists(proven)))

    @classmethod
    def create(cls, vlist):
        users = super().create(vlist)
        cls._klachten_verify([u for u in users if u.email_valid])
        return users

    @classmethod
    def write(cls, *args):
        changed = []
        actions = iter(args)
        for users, values in zip(actions, actions):
            if {'email_valid', 'email', 'party'} & values.keys():
                changed.extend(users)
        super().write(*args)
        cls._klachten_verify([u for u in cls.browse(changed)
                if u.email_valid])

    @classmethod
    def _klachten_verify(cls, users):
        """The validated address of each account is a verified address of
        its party (Party.klachten_match files on it)"""
        for user in users:
            if user.party and user.email:
                verify_address(user.party, user.email, create=True)

    @property
    def portal_url(self):
        "The link made for the e-mail being rendered (see queue_email)"
        return Transaction().context.get('portal_urls', {}).get(str(self))

    @classmethod
    def portal_find(cls, email):
        "The active account of email, or None"
        email = (email or '').strip().lower()
        if not email:
            return None
        users = cls.search([('email', '=', email)], limit=1)
        return users[0] if users else None

    @classmethod
    def portal_register(cls, email, password, name, lang):
        """Create the account of email with its party, or renew the
        registration of an account not yet validated; e-mail the link.
        An account already validated gets an e-mail saying so, and keeps
        its password: the page answers alike in every case."""
        pool = Pool()
        Party = pool.get('party.party')
        user = cls.portal_find(email)
        if user and user.email_valid:
            # spend the time of the hash as for a new account: the answer
            # must not tell sooner who has an account
            cls.hash_password(password)
            cls.portal_queue_email(user, 'account_exists', 'account/login',
                lang)
            return user
        if user is None:
            party, = Party.create([{
                        'name': name,
                        'lang': _lang_id(lang),
                        'contact_mechanisms': [('create', [{
                                        'type': 'email',
                                        'value': email,
                                        }])],
                        }])
            user = cls(email=email, party=party, email_valid=False)
        elif user.party:
            Party.write([user.party], {'name': name, 'lang': _lang_id(lang)})
        # whoever confirms the address must know this password
        user.password_hash = cls.hash_password(password)
        cls.portal_send_validation(user, lang)
        return user

    @classmethod
    def portal_send_validation(cls, user, lang):
        token = user.portal_new_token()
        user.email_token = digest(token)
        user.save()
        cls.portal_queue_email(user, 'account_validation',
            f'account/validate/{token}', lang)

    def portal_new_token(self):
        return secrets.token_urlsafe(32)

    @classmethod
    def portal_validating(cls, token):
        "The account that token validates, or None"
        if not token or len(token) > 100:
            return None
        users = cls.search([
                ('email_token', '=', digest(token)),
                ('email_valid', '=', False),
                ], limit=1)
        return users[0] if users else None

    @classmethod
    def portal_validate(cls, user):
        cls.write([user], {'email_valid': True, 'email_token': None})

    @classmethod
    def portal_request_reset(cls, user, lang):
        "E-mail user a link to choose a new password"
        token = user.portal_new_token()
        user.set_reset_password_token()
        user.reset_password_token = digest(token)
        user.save()
        cls.portal_queue_email(user, 'account_reset',
            f'account/reset/{token}', lang)

    @classmethod
    def portal_resetting(cls, token):
        """The account of reset token, and whether it still works; None
        when no account has this token"""
        if not token or len(token) > 100:
            return None, False
        users = cls.search([
                ('reset_password_token', '=', digest(token)),
                ], limit=1)
        if not users:
            return None, False
        user, = users
        expire = user.reset_password_token_expire
        return user, bool(expire and expire > dt.datetime.now())

    @classmethod
    def portal_reset(cls, user, password):
        """Set the new password: the link is used up, the address is
        proven and every session of the account ends"""
        pool = Pool()
        Session = pool.get('web.user.session')
        Attempt = pool.get('web.user.authenticate.attempt')
        cls.write([user], {
                'password_hash': cls.hash_password(password),
                'reset_password_token_expire': dt.datetime.now(),
                'email_valid': True,
                'email_token': None,
                })
        Session.delete(Session.search([('user', '=', user.id)]))
        Attempt.remove(user.email)

    @classmethod
    def portal_queue_email(cls, user, kind, path, lang):
        "Render the e-mail kind for user with a link to path; queue it"
        pool = Pool()
        Email = pool.get('klachten.email')
        ModelData = pool.get('ir.model.data')
        Template = pool.get('ir.email.template')
        base = portal_base_url()
        if not base:
            logger.warning(
                "no [klachten] portal_url: the %s e-mail is not sent", kind)
            return
        database = Transaction().database.name
        url = f'{base}/{database}/portal/{path}?lang={lang}'
        urls = {str(user): url}
        with Transaction().set_context(language=lang, portal_urls=urls), \
                without_check_access():
            template = Template(ModelData.get_id(
                    'klachten_portal', EMAILS[kind]))
            values = template.get(user)
        Email.queue([{
                    'kind': kind,
                    'complaint': None,
                    'resource': str(user),
                    'to': user.email,
                    'subject': values.get('subject'),
                    'body': values.get('body'),
                    'language': lang,
                    }])

    def portal_complaints_domain(self):
        """Which complaints the citizen of this account sees: those of its
        party (filed while logged in), and those whose complainant has its
        (validated) address when a link e-mailed to that address about the
        complaint was opened: filing with someone's address does not put a
        complaint in her list"""
        parties = self.portal_address_parties()
        if backend.name == 'postgresql' and parties:
            # = ANY(ARRAY(sub-query)): its parties are found once, before
            # the complaints, which the planner then finds by their
            # complainant's index; "IN (sub-query)" under an OR would be
            # checked against every complaint
            by_address = ('complainant', '=', _Any(_Array(parties)))
        else:
            by_address = ('complainant', 'in', parties)
        alternatives = [[
                ('portal_address_confirmed', '=', True),
                by_address,
                ]]
        if self.party:
            alternatives.append(('complainant', '=', self.party.id))
        return [
            ('state', '!=', 'draft'),
            ('anonymous', '!=', True),
            ['OR', *alternatives],
            ]

    def portal_address_parties(self):
        """The parties that have this account's address as an (active)
        e-mail address, compared case-insensitively, as a sub-query of their
        ids: the complaints' search asks for them in the same statement
        (bench/my_complaints.py), and PostgreSQL finds them by the
        lower(value) index and then the complaints by their complainant's
        index, instead of matching every complaint's complainant against
        the addresses"""
        if not self.email:
            return []
        Mechanism = Pool().get('party.contact_mechanism')
        table = Mechanism.__table__()
        where = ((table.type == 'email')
            & (Lower(table.value) == Lower(self.email)))
        if Transaction().context.get('active_test', True):
            where &= table.active == Literal(True)
        return table.select(table.party, where=where)


class _Array(Function):
    "ARRAY(sub-query): PostgreSQL's array of its rows"
    __slots__ = ()
    _function = 'ARRAY'


class _Any(Function):
    "ANY(array), the right side of = (python-sql's Any has no parentheses)"
    __slots__ = ()
    _function = 'ANY'


def _lang_id(code):
    Lang = Pool().get('ir.lang')
    langs = Lang.search([('code', '=', code)], limit=1)
    return langs[0].id if langs else None


def session_hours():
    return config.getint('klachten', 'portal_session_hours',
        default=SESSION_HOURS)
