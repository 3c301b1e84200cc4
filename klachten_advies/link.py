# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The external advisor's e-mailed link to the portal.

Registered only where klachten_portal is activated too ([register
klachten_portal] in tryton.cfg): without the portal the advice e-mails
carry no link."""
import trytond.config as config
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# e-mail kinds that carry the advisor's link
LINK_KINDS = {'advice_request', 'advice_reminder'}


class Notification(metaclass=PoolMeta):
    __name__ = 'klachten.notification'

    @classmethod
    def _portal_link(cls, kind, record):
        """The advisor's link: a new one in each e-mail, the earlier ones
        keep working until the request closes"""
        if kind not in LINK_KINDS:
            return super()._portal_link(kind, record)
        # the portal's [klachten] portal_url
        base = (config.get('klachten', 'portal_url', default='')
            or '').rstrip('/')
        if not base:
            return None
        Token = Pool().get('klachten.portal.token')
        token = Token.issue(record, 'advice', record.link_expiry)
        database = Transaction().database.name
        return f'{base}/{database}/portal/advice/{token}'


class Token(metaclass=PoolMeta):
    __name__ = 'klachten.portal.token'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        purpose = ('advice', "Give Advice")
        if purpose not in cls.purpose.selection:
            cls.purpose.selection.append(purpose)
        resource = ('klachten.advice.request', "Advice Request")
        if resource not in cls.resource.selection:
            cls.resource.selection.append(resource)


class AdviceRequest(metaclass=PoolMeta):
    __name__ = 'klachten.advice.request'

    @classmethod
    def _after_close(cls, requests, task_state):
        "The links of closed requests stop working"
        super()._after_close(requests, task_state)
        if requests:
            Pool().get('klachten.portal.token').revoke(requests, 'advice')
