# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The ombudsman (Awb 9:12, Flemish decree): where a complainant who is not
satisfied with the reasoned reply can go next. One text in the
configuration, set by the presets, named in the reply's e-mail and in the
letters."""
from trytond.model import fields
from trytond.pool import PoolMeta

OMBUDSMAN = {
    'flemish': (
        "Bent u het niet eens met dit antwoord? Dan kunt u terecht bij de "
        "Vlaamse Ombudsdienst, Koloniënstraat 11, 1000 Brussel, "
        "gratis telefoon 1700, www.vlaamseombudsdienst.be."),
    'awb': (
        "Bent u het niet eens met dit antwoord? Dan kunt u binnen een "
        "jaar een klacht indienen bij de Nationale ombudsman, Postbus "
        "93122, 2509 AC Den Haag, telefoon 0800 335 55 55, "
        "www.nationaleombudsman.nl."),
    }


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    ombudsman = fields.Text(
        "Ombudsman", translate=True,
        help="Where the complainant can go next, named in the reasoned "
        "reply (e-mail and letter).")

    @classmethod
    def default_ombudsman(cls):
        return OMBUDSMAN['flemish']

    @classmethod
    def apply_flemish_preset(cls, configurations):
        super().apply_flemish_preset(configurations)
        cls.write(configurations, {'ombudsman': OMBUDSMAN['flemish']})

    @classmethod
    def apply_awb_preset(cls, configurations):
        super().apply_awb_preset(configurations)
        cls.write(configurations, {'ombudsman': OMBUDSMAN['awb']})


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    ombudsman = fields.Function(fields.Text("Ombudsman"), 'get_ombudsman')

    def get_ombudsman(self, name):
        return self._configuration().ombudsman
