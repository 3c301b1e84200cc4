# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import (
    ModelSingleton, ModelSQL, ModelView, MultiValueMixin, fields)
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool
from trytond.pyson import Eval, Id

FEEDBACK_MODES = [
    ('never', "Never"),
    ('on_request', "On the coordinator's request"),
    ('always', "Always"),
    ]


def _sequence_field(company_domain):
    return fields.Many2One(
        'ir.sequence', "Complaint Sequence", required=True,
        domain=[
            ('sequence_type', '=',
                Id('klachten_base', 'sequence_type_complaint')),
            ('company', 'in', [company_domain, None]),
            ],
        help="The sequence that numbers registered complaints.")


class Configuration(ModelSingleton, ModelSQL, ModelView, MultiValueMixin):
    __name__ = 'klachten.configuration'
    __string__ = "Complaints Configuration"

    complaint_sequence = fields.MultiValue(
        _sequence_field(Eval('context', {}).get('company', -1)))
    feedback = fields.Selection(
        FEEDBACK_MODES, "Feedback", required=True,
        help="When the complainant is asked whether they agree with a "
        "decision (inadmissibility or conclusion).")

    @classmethod
    def multivalue_model(cls, field):
        pool = Pool()
        if field == 'complaint_sequence':
            return pool.get('klachten.configuration.sequence')
        return super().multivalue_model(field)

    @classmethod
    def default_complaint_sequence(cls, **pattern):
        return cls.multivalue_model(
            'complaint_sequence').default_complaint_sequence()

    @classmethod
    def default_feedback(cls):
        return 'on_request'


class ConfigurationSequence(ModelSQL, CompanyValueMixin):
    __name__ = 'klachten.configuration.sequence'
    __string__ = "Complaints Configuration Sequence"

    complaint_sequence = _sequence_field(Eval('company', -1))

    @classmethod
    def default_complaint_sequence(cls):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        try:
            return ModelData.get_id('klachten_base', 'sequence_complaint')
        except KeyError:
            return None
