# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Notifications: a template per kind, rendered in the reader's language
and put in the outbox in the transaction of the step that causes it."""
import logging

from trytond.model import Model
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

logger = logging.getLogger(__name__)


class Notification(Model):
    __name__ = 'klachten.notification'
    __string__ = "Notification"

    @classmethod
    def template(cls, kind):
        "The e-mail template of kind (klachten_base.email_template_<kind>)"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Template = pool.get('ir.email.template')
        try:
            return Template(ModelData.get_id(
                    'klachten_base', f'email_template_{kind}'))
        except KeyError:
            return None

    @classmethod
    def _valid(cls, address):
        "Whether address can be written to; a bad one must not stop a step"
        from .outbox import parse_addresses
        if not address:
            return False
        try:
            return bool(parse_addresses(address))
        except ValueError:
            logger.warning("not writing to invalid address %r", address)
            return False

    @classmethod
    def render(cls, kind, record, language=None):
        "Return (subject, body) of kind for record in language"
        template = cls.template(kind)
        if template is None:
            logger.warning("no e-mail template for %s", kind)
            return None, None
        context = {}
        if language:
            context['language'] = language
        with Transaction().set_context(**context), without_check_access():
            template = template.__class__(template.id)
            values = template.get(record)
        return values.get('subject'), values.get('body')

    @classmethod
    def values(cls, kind, record, to, language=None, complaint=None,
            cc=None):
        "The outbox values of kind rendered for record, or None"
        to = [a for a in to if cls._valid(a)]
        if not to:
            return
        subject, body = cls.render(kind, record, language)
        if subject is None:
            return
        return {
            'kind': kind,
            'complaint': complaint.id if complaint else None,
            'resource': str(record),
            'to': ', '.join(to),
            'cc': ', '.join(cc or []) or None,
            'subject': subject,
            'body': body,
            'language': language,
            }

    @classmethod
    def queue(cls, kind, record, to, language=None, complaint=None,
            cc=None):
        "Render kind for record and put it in the outbox for to"
        Email = Pool().get('klachten.email')
        values = cls.values(kind, record, to, language=language,
            complaint=complaint, cc=cc)
        if values:
            return Email.queue([values])
