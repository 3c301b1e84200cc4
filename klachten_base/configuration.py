# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.cache import Cache
from trytond.model import (
    ModelSingleton, ModelSQL, ModelView, MultiValueMixin, Unique, fields)
from trytond.modules.company.model import CompanyValueMixin
from trytond.pool import Pool
from trytond.pyson import Eval, Id

from .model import ClearsCachesMixin
from .term import COUNTRIES, UNITS, term_end

FEEDBACK_MODES = [
    ('never', "Never"),
    ('on_request', "On the coordinator's request"),
    ('always', "Always"),
    ]


# the kinds of field Configuration.policy keeps
POLICY_TYPES = {'boolean', 'selection', 'integer', 'char', 'text', 'date'}
# what every step asks of the configuration, in every process: emptied in
# every process when the configuration or a term is written (as Tryton's
# own caches)
_policy = Cache('klachten.configuration.policy', context=False)


def _sequence_field(company_domain):
    return fields.Many2One(
        'ir.sequence', "Complaint Sequence", required=True,
        domain=[
            ('sequence_type', '=',
                Id('klachten_base', 'sequence_type_complaint')),
            ('company', 'in', [company_domain, None]),
            ],
        help="The sequence that numbers registered complaints.")


class Configuration(
        ClearsCachesMixin, ModelSingleton, ModelSQL, ModelView,
        MultiValueMixin):
    __name__ = 'klachten.configuration'
    __string__ = "Complaints Configuration"
    _clears = (_policy.clear,)

    complaint_sequence = fields.MultiValue(
        _sequence_field(Eval('context', {}).get('company', -1)))
    feedback = fields.Selection(
        FEEDBACK_MODES, "Feedback", required=True,
        help="When the complainant is asked whether they agree with a "
        "decision (inadmissibility or conclusion).")
    terms = fields.One2Many('klachten.term', 'configuration', "Terms")
    holiday_country = fields.Selection(
        COUNTRIES, "Public Holidays",
        help="Whose public holidays are not working days.")
    to_working_day = fields.Boolean(
        "Move Term Ends to a Working Day",
        help="A term that ends on a weekend day or a public holiday ends on "
        "the next working day.")
    escalate_to_head = fields.Boolean(
        "Escalate to the Department Head",
        help="Overdue tasks are also reported to the department's head.")
    coordinator_contact = fields.Text(
        "Coordinator's Contact Details",
        help="Given to the complainant in the acknowledgement: name, "
        "e-mail, phone.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'apply_flemish_preset': {},
                'apply_awb_preset': {},
                'apply_one_month_preset': {},
                })

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

    @classmethod
    def default_to_working_day(cls):
        return True

    @classmethod
    def default_escalate_to_head(cls):
        return True

    @classmethod
    def default_holiday_country(cls):
        return 'BE'

    @classmethod
    def policy(cls):
        """What the steps ask of the configuration, read once a process
        until it changes: a dict of its stored fields of one value (every
        module's: booleans, selections, numbers, texts that are not
        translated) and terms ({kind: (number, unit)}, the first line of
        a kind, as get_term)"""
        policy = _policy.get('policy')
        if policy is None:
            config = cls(1)
            terms = {}
            for term in config.terms:
                terms.setdefault(term.kind, (term.number, term.unit))
            policy = {name: getattr(config, name)
                for name, field in cls._fields.items()
                if field._type in POLICY_TYPES
                and not isinstance(field, (fields.Function, fields.MultiValue))
                and not getattr(field, 'translate', False)}
            policy = _policy.set('policy', {**policy, 'terms': terms})
        return policy

    def get_term(self, kind):
        "The term line of kind, or None"
        for term in self.terms:
            if term.kind == kind:
                return term

    def term_end(self, kind, start):
        "When a term of kind that starts on start ends (None if no term)"
        term = self.get_term(kind)
        if not term or start is None:
            return None
        return term_end(start, term.number, term.unit,
            self.holiday_country, self.to_working_day)

    def reminder_days(self, kind):
        term = self.get_term(kind)
        return term.reminder_days if term else None

    @classmethod
    @ModelView.button
    def apply_flemish_preset(cls, configurations):
        cls._apply_preset(configurations, cls._preset('flemish'), 'BE',
            name='flemish')

    @classmethod
    @ModelView.button
    def apply_awb_preset(cls, configurations):
        cls._apply_preset(configurations, cls._preset('awb'), 'NL',
            name='awb')

    @classmethod
    @ModelView.button
    def apply_one_month_preset(cls, configurations):
        cls._apply_preset(configurations, cls._preset('one_month'), None,
            name='one_month')

    @classmethod
    def _preset(cls, name):
        "The terms of preset name: (kind, number, unit, reminder days)"
        return list(PRESETS[name])

    @classmethod
    def _preset_settings(cls, name):
        """The settings preset name writes beside its terms.

        Every setting that one preset of PRESET_SETTINGS sets is set by
        every preset: to its value in that preset, else to its default, so
        that a preset applied after another leaves nothing of the other."""
        settings = {}
        for values in PRESET_SETTINGS.values():
            for field in values:
                default = getattr(cls, f'default_{field}', None)
                settings[field] = default() if default else None
        settings.update(PRESET_SETTINGS.get(name, {}))
        return settings

    @classmethod
    def _apply_preset(cls, configurations, preset, country, name=None):
        pool = Pool()
        Term = pool.get('klachten.term')
        # The client calls the button on id 1, which is not always the id
        # of the stored record: write the lines of the stored one, and
        # replace them directly (saving the configuration would write back
        # the lines as read before).
        values = cls._preset_settings(name) if name else {}
        if country:
            values['holiday_country'] = country
        cls.write(list(configurations), values)
        configuration = cls.get_singleton()
        Term.delete(Term.search([('configuration', '=', configuration.id)]))
        Term.create([{
                    'configuration': configuration.id,
                    'kind': kind,
                    'number': number,
                    'unit': unit,
                    'reminder_days': reminder,
                    } for kind, number, unit, reminder in preset])


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


TERM_KINDS = [
    ('acknowledgement', "Acknowledgement"),
    ('inadmissibility', "Inadmissibility Notice"),
    ('report', "Handler's Report"),
    ('answer', "Answer"),
    ('extension', "Extension"),
    ('feedback', "Feedback Answer"),
    ('redo', "Redo after Not Neutral"),
    ('information', "Information Answer"),
    ('take_notice', "Taking Notice"),
    ('evaluation', "Evaluation"),
    ('informal', "Informal Complaint"),
    ]

# kind, number, unit, days of reminder before the end
_COMMON = [
    ('feedback', 14, 'day', None),
    ('redo', 7, 'day', 2),
    ('information', 14, 'day', 3),
    ('take_notice', 5, 'working_day', None),
    # seed 004: "maximale looptijd van 7 dagen"
    ('informal', 7, 'day', 2),
    ]
PRESETS = {
    # Seed 001: acknowledgement 10 days, report 30, answer 45
    'flemish': [
        ('acknowledgement', 10, 'day', None),
        ('inadmissibility', 10, 'day', 3),
        ('evaluation', 10, 'day', 3),
        ('report', 30, 'day', 5),
        ('answer', 45, 'day', 5),
        ('extension', 30, 'day', None),
        ] + _COMMON,
    # Awb 9:11: six weeks, extended once by four
    'awb': [
        ('acknowledgement', 5, 'working_day', None),
        ('inadmissibility', 4, 'week', 3),
        ('evaluation', 2, 'week', 3),
        ('report', 4, 'week', 5),
        ('answer', 6, 'week', 5),
        ('extension', 4, 'week', None),
        ] + _COMMON,
    # Seed 002 (Zoersel): "at the latest one month"
    'one_month': [
        ('acknowledgement', 5, 'working_day', None),
        ('inadmissibility', 10, 'day', 3),
        ('evaluation', 7, 'day', 2),
        ('report', 21, 'day', 5),
        ('answer', 1, 'month', 5),
        ('extension', 1, 'month', None),
        ] + _COMMON,
    }
# the settings the presets set beside the terms (see _preset_settings):
# the ground (basis) and the handler's draft reply that seeds 001 and 004
# ask; the Awb's hearing (9:10) and copy to the person complained about
# (9:9)
PRESET_SETTINGS = {
    'flemish': {
        'require_basis': True,
        'draft_reply_required': True,
        'hearing_required': False,
        'concerned_copy': False,
        },
    'awb': {
        'require_basis': True,
        'draft_reply_required': True,
        'hearing_required': True,
        'concerned_copy': True,
        },
    'one_month': {
        'hearing_required': False,
        'concerned_copy': False,
        },
    }


class Term(ClearsCachesMixin, ModelSQL, ModelView):
    __name__ = 'klachten.term'
    __string__ = "Term"
    _clears = (_policy.clear,)

    configuration = fields.Many2One(
        'klachten.configuration', "Configuration", required=True,
        ondelete='CASCADE')
    kind = fields.Selection(TERM_KINDS, "Kind", required=True, sort=False)
    number = fields.Integer(
        "Number", required=True, domain=[('number', '>=', 0)])
    unit = fields.Selection(UNITS, "Unit", required=True, sort=False)
    reminder_days = fields.Integer(
        "Reminder Days Before", domain=['OR',
            ('reminder_days', '=', None),
            ('reminder_days', '>=', 0),
            ],
        help="Remind the person who must act this many days before the "
        "end; leave empty for no reminder.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('configuration')
        cls._sql_constraints += [
            ('kind_unique', Unique(t, t.configuration, t.kind),
                'klachten_base.msg_term_kind_unique'),
            ]

    @staticmethod
    def default_configuration():
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        configuration = Configuration.get_singleton()
        return configuration.id if configuration else None

    @staticmethod
    def default_unit():
        return 'day'
