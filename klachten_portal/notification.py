# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Put a portal link in the e-mails that ask the citizen something."""
import datetime as dt
import logging

import trytond.config as config
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

# e-mail kind: (link purpose, path of the page)
LINKS = {
    'acknowledgement': ('status', 'status'),
    'information': ('information', 'information'),
    'feedback': ('feedback', 'feedback'),
    'survey': ('survey', 'survey'),
    }
# days a link to answer an information request works after its due date
INFORMATION_GRACE = 7
# days the status link of the acknowledgement works after the complaint
# was received
STATUS_DAYS = 730


def portal_base_url():
    url = config.get('klachten', 'portal_url', default='') or ''
    return url.rstrip('/')


class Notification(metaclass=PoolMeta):
    __name__ = 'klachten.notification'

    @classmethod
    def render(cls, kind, record, language=None):
        url = cls._portal_link(kind, record)
        if not url:
            return super().render(kind, record, language)
        urls = dict(Transaction().context.get('portal_urls', {}))
        urls[str(record)] = url
        with Transaction().set_context(portal_urls=urls):
            return super().render(kind, record, language)

    @classmethod
    def _portal_link(cls, kind, record):
        "Issue the link of kind for record; return its URL, or None"
        if kind not in LINKS:
            return None
        base = portal_base_url()
        if not base:
            logger.warning(
                "no [klachten] portal_url: the %s e-mail has no link", kind)
            return None
        purpose, path = LINKS[kind]
        expires = cls._portal_link_expiry(kind, record)
        if not expires:
            return None
        Token = Pool().get('klachten.portal.token')
        Token.revoke([record], purpose)
        token = Token.issue(record, purpose, expires)
        database = Transaction().database.name
        return f'{base}/{database}/portal/{path}/{token}'

    @classmethod
    def _portal_link_expiry(cls, kind, record):
        if kind == 'information':
            grace = config.getint(
                'klachten', 'portal_information_grace',
                default=INFORMATION_GRACE)
            due = record.due_date or Pool().get('ir.date').today()
            return due + dt.timedelta(days=grace)
        if kind == 'feedback':
            return record.feedback_due
        if kind == 'acknowledgement':
            days = config.getint(
                'klachten', 'portal_status_days', default=STATUS_DAYS)
            return record.received_date + dt.timedelta(days=days)
