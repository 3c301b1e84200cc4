# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The norms a complaint touches: the ombudsnormen of the Vlaamse
Ombudsdienst and the behoorlijkheidsnormen of the Nationale ombudsman,
and the figures the municipality measures itself against."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import PoolMeta

NORM_SETS = [
    ('ombudsnormen', "Flemish Ombudsman Norms"),
    ('behoorlijkheid', "Dutch Standards of Proper Conduct"),
    ]
# the norm set of each term preset
PRESET_NORM_SETS = {
    'flemish': 'ombudsnormen',
    'awb': 'behoorlijkheid',
    }


class Norm(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.norm'
    __string__ = "Norm"

    code = fields.Char("Code", required=True)
    name = fields.Char("Name", required=True, translate=True)
    description = fields.Text("Description", translate=True)
    norm_set = fields.Selection(
        NORM_SETS, "Set", required=True, sort=False,
        help="The set of norms the norm belongs to.")
    sequence = fields.Integer("Sequence")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('norm_set', 'ASC'),
            ('sequence', 'ASC NULLS LAST'),
            ('code', 'ASC'),
            ('id', 'ASC'),
            ]

    @classmethod
    def default_norm_set(cls):
        return 'ombudsnormen'


class ComplaintNorm(ModelSQL):
    __name__ = 'klachten.complaint-klachten.norm'
    __string__ = "Complaint - Norm"

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True,
        ondelete='CASCADE')
    norm = fields.Many2One(
        'klachten.norm', "Norm", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('complaint')


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    norm_set = fields.Selection(
        NORM_SETS, "Norms", required=True, sort=False,
        help="The norms a complaint is classified by when it is concluded.")
    inhabitants = fields.Integer(
        "Inhabitants", domain=['OR',
            ('inhabitants', '=', None),
            ('inhabitants', '>', 0),
            ],
        help="For the number of complaints per 1,000 inhabitants.")
    lead_time_target = fields.Integer(
        "Lead Time Target", domain=['OR',
            ('lead_time_target', '=', None),
            ('lead_time_target', '>=', 0),
            ],
        help="The days from receipt to decision a formal complaint should "
        "take at most.")
    informal_lead_time_target = fields.Integer(
        "Informal Lead Time Target", domain=['OR',
            ('informal_lead_time_target', '=', None),
            ('informal_lead_time_target', '>=', 0),
            ],
        help="The days an informal complaint should take at most.")

    @classmethod
    def default_norm_set(cls):
        return 'ombudsnormen'

    @classmethod
    def default_lead_time_target(cls):
        return 7

    @classmethod
    def default_informal_lead_time_target(cls):
        return 7

    @classmethod
    def apply_flemish_preset(cls, configurations):
        super().apply_flemish_preset(configurations)
        cls.write(configurations, {'norm_set': PRESET_NORM_SETS['flemish']})

    @classmethod
    def apply_awb_preset(cls, configurations):
        super().apply_awb_preset(configurations)
        cls.write(configurations, {'norm_set': PRESET_NORM_SETS['awb']})

    def lead_time_target_of(self, track):
        "The target in days of a complaint of track, or None"
        if track == 'informal' and self.informal_lead_time_target is not None:
            return self.informal_lead_time_target
        return self.lead_time_target
