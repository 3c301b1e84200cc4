# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Agenderen in the complaints configuration: the switch, what concluding
does while a draft decision is pending, and each company's link to
Notula."""
from trytond.model import ModelSQL, fields
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .proposal import CONNECTORS

PENDING_MODES = [
    ('warn', "Warn"),
    ('wait', "Wait"),
    ]
# the per-company fields of klachten.configuration.notula
NOTULA_FIELDS = {'notula_connector', 'notula_url', 'notula_key',
    'notula_secret', 'notula_author', 'notula_body'}


def _http_only(field):
    return {'invisible': Eval(field) != 'http'}


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    agenda = fields.Boolean(
        "Agenderen",
        help="The coordinator can put a complaint in conclusion on the "
        "agenda of a governing body (a draft decision in Notula).")
    agenda_pending = fields.Selection(
        PENDING_MODES, "Concluding While a Draft Decision Is Pending",
        help="Warn: the coordinator is warned and may conclude anyway. "
        "Wait: the complaint cannot be concluded until the decision is "
        "known or the draft decision is withdrawn.")
    notula_connector = fields.MultiValue(fields.Selection(
            CONNECTORS, "Notula Connector",
            help="Manual: the coordinator downloads the package, uploads it "
            "into Notula and records the reference and the decision. "
            "HTTP: the draft decision is sent to Notula's web service."))
    notula_url = fields.MultiValue(fields.Char(
            "Notula URL", states=_http_only('notula_connector'),
            help="The base URL of Notula's web service."))
    notula_key = fields.MultiValue(fields.Char(
            "Notula API Key", strip=False,
            states=_http_only('notula_connector'),
            help="The key sent to Notula with every request (bearer)."))
    notula_secret = fields.MultiValue(fields.Char(
            "Notula Callback Secret", strip=False,
            states=_http_only('notula_connector'),
            help="The secret that signs Notula's callbacks (HMAC-SHA256)."))
    notula_author = fields.MultiValue(fields.Char(
            "Notula Author",
            help="The author of the draft decisions in Notula."))
    notula_body = fields.MultiValue(fields.Many2One(
            'klachten.notula.body', "Default Governing Body"))

    @classmethod
    def default_agenda(cls):
        return False

    @classmethod
    def default_agenda_pending(cls):
        return 'warn'

    @classmethod
    def multivalue_model(cls, field):
        if field in NOTULA_FIELDS:
            return Pool().get('klachten.configuration.notula')
        return super().multivalue_model(field)

    @classmethod
    def default_notula_connector(cls, **pattern):
        return 'manual'

    def notula(self, company):
        "The Notula settings of company: a dict of NOTULA_FIELDS"
        company_id = company.id if company else None
        return {name: self.get_multivalue(name, company=company_id)
            for name in NOTULA_FIELDS}


class ConfigurationNotula(ModelSQL, CompanyValueMixin):
    __name__ = 'klachten.configuration.notula'
    __string__ = "Complaints Configuration Notula"

    notula_connector = fields.Selection(CONNECTORS, "Notula Connector")
    notula_url = fields.Char("Notula URL")
    notula_key = fields.Char("Notula API Key", strip=False)
    notula_secret = fields.Char("Notula Callback Secret", strip=False)
    notula_author = fields.Char("Notula Author")
    notula_body = fields.Many2One(
        'klachten.notula.body', "Default Governing Body",
        ondelete='SET NULL')

    @classmethod
    def default_notula_connector(cls):
        return 'manual'
