# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A complaint's lawful end of life: retention rules, the anonymiser and its
hooks, legal hold, erasure requests and the retention log."""
import datetime as dt

from dateutil.relativedelta import relativedelta

from trytond.exceptions import UserError
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

# What replaces a text, a name or a required address that is cut
REDACTED = "[removed]"
# Complaints cut in one transaction by the cron
BATCH = 100

RULE_STATES = [
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ('inadmissible', "Closed as Inadmissible"),
    ('informal', "Resolved Informally or on the Spot"),
    ]
ACTIONS = [
    ('anonymise', "Anonymise"),
    ('delete', "Delete"),
    ]
FINAL_STATES = {'closed', 'cancelled'}

# preset: [(state, years, months, action)]
PRESETS = {
    'flanders': [
        ('closed', 5, 0, 'anonymise'),
        ('inadmissible', 5, 0, 'anonymise'),
        ('cancelled', 1, 0, 'delete'),
        ('informal', 1, 0, 'anonymise'),
        ],
    'netherlands': [
        ('closed', 5, 0, 'anonymise'),
        ('inadmissible', 5, 0, 'anonymise'),
        ('cancelled', 1, 0, 'delete'),
        ('informal', 1, 0, 'anonymise'),
        ],
    }


class RetentionError(UserError):
    "A complaint cannot be cut now (legal hold, still open, within a term)"


def purge_history(Model, ids):
    "Delete the rows of Model's history table for the records ids"
    if not getattr(Model, '_history', False) or not ids:
        return
    history = Model.__table_history__()
    cursor = Transaction().connection.cursor()
    ids = list(ids)
    for i in range(0, len(ids), 500):
        cursor.execute(*history.delete(
                where=history.id.in_(ids[i:i + 500])))


class RetentionRule(ModelSQL, ModelView):
    __name__ = 'klachten.retention.rule'
    __string__ = "Retention Rule"

    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    state = fields.Selection(RULE_STATES, "Final State", required=True,
        sort=False)
    years = fields.Integer("Years", required=True,
        domain=[('years', '>=', 0)])
    months = fields.Integer("Months", required=True,
        domain=[('months', '>=', 0)])
    action = fields.Selection(ACTIONS, "Action", required=True, sort=False,
        help="Anonymise keeps the complaint's statistical skeleton; "
        "delete removes the complaint.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_state_unique', Unique(t, t.company, t.state),
                'klachten_base.msg_retention_rule_unique'),
            ]
        cls._order.insert(0, ('state', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_years():
        return 5

    @staticmethod
    def default_months():
        return 0

    @staticmethod
    def default_action():
        return 'anonymise'

    def get_rec_name(self, name):
        return '%s: %s' % (
            self.state_string if hasattr(self, 'state_string')
            else self.state, self.period_string())

    def period_string(self):
        return '%sy %sm' % (self.years or 0, self.months or 0)

    def cut_off(self, today):
        "The last closing date of the complaints this rule cuts on today"
        return today - relativedelta(
            years=self.years or 0, months=self.months or 0)


class RetentionLog(ModelSQL, ModelView):
    __name__ = 'klachten.retention.log'
    __string__ = "Retention Log"

    date = fields.Timestamp("Date", readonly=True)
    complaint_number = fields.Char("Complaint Number", readonly=True)
    complaint_state = fields.Char("Complaint State", readonly=True)
    action = fields.Selection([
            ('anonymise', "Anonymised"),
            ('delete', "Deleted"),
            ('erasure', "Erased on Request"),
            ], "Action", readonly=True)
    rule = fields.Many2One('klachten.retention.rule', "Rule", readonly=True,
        ondelete='SET NULL')
    origin = fields.Selection([
            ('cron', "Retention Run"),
            ('request', "Request"),
            ], "Origin", readonly=True)
    user = fields.Many2One('res.user', "Requested By", readonly=True,
        ondelete='SET NULL')
    company = fields.Many2One('company.company', "Company", readonly=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def add(cls, complaints, action, rule=None, origin='cron'):
        "Record the cut of complaints, as root"
        user = Transaction().user if origin == 'request' else None
        now = dt.datetime.now()
        with without_check_access():
            cls.create([{
                        'date': now,
                        'complaint_number': c.number,
                        'complaint_state': c.state,
                        'action': action,
                        'rule': rule.id if rule else None,
                        'origin': origin,
                        'user': user or None,
                        'company': c.company.id,
                        } for c in complaints])


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    legal_hold = fields.Boolean("Legal Hold", readonly=True,
        help="Under an ombudsman or court procedure: retention and "
        "erasure skip the complaint until the hold is released.")
    legal_hold_reason = fields.Char("Legal Hold Reason", readonly=True,
        states={
            'invisible': ~Eval('legal_hold'),
            'required': Bool(Eval('legal_hold')),
            })
    anonymised = fields.Date("Anonymised On", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'legal_hold_wizard': {
                    'invisible': Bool(Eval('legal_hold')),
                    'depends': ['legal_hold'],
                    },
                'release_legal_hold': {
                    'invisible': ~Eval('legal_hold'),
                    'depends': ['legal_hold'],
                    },
                })

    @staticmethod
    def default_legal_hold():
        return False

    @classmethod
    @ModelView.button_action('klachten_base.wizard_legal_hold')
    def legal_hold_wizard(cls, complaints):
        pass

    @classmethod
    def place_legal_hold(cls, complaints, reason):
        "Put the complaints under legal hold for reason"
        with without_check_access():
            cls.write(complaints, {
                    'legal_hold': True,
                    'legal_hold_reason': reason,
                    })

    @classmethod
    @ModelView.button
    def release_legal_hold(cls, complaints):
        with without_check_access():
            cls.write(complaints, {
                    'legal_hold': False,
                    'legal_hold_reason': None,
                    })

    @classmethod
    def _check_cuttable(cls, complaints):
        for complaint in complaints:
            if complaint.legal_hold:
                raise RetentionError(gettext(
                        'klachten_base.msg_retention_legal_hold',
                        complaint=complaint.rec_name,
                        reason=complaint.legal_hold_reason or ''))
            if complaint.state not in FINAL_STATES:
                raise RetentionError(gettext(
                        'klachten_base.msg_retention_open',
                        complaint=complaint.rec_name))

    @classmethod
    def anonymise(cls, complaints, rule=None, origin='cron',
            action='anonymise'):
        "Cut the personal data of closed complaints, keep the skeleton"
        cls._check_cuttable(complaints)
        if not complaints:
            return
        with without_check_access():
            cls._anonymise(complaints)
            cls.write(complaints, {
                    'anonymised': Pool().get('ir.date').today(),
                    })
            purge_history(cls, [c.id for c in complaints])
        Pool().get('klachten.retention.log').add(
            complaints, action, rule=rule, origin=origin)

    @classmethod
    def remove(cls, complaints, rule=None, origin='cron'):
        "Cut the complaints' personal data everywhere, then delete them"
        cls._check_cuttable(complaints)
        if not complaints:
            return
        Log = Pool().get('klachten.retention.log')
        Log.add(complaints, 'delete', rule=rule, origin=origin)
        with without_check_access():
            cls._anonymise(complaints)
            ids = [c.id for c in complaints]
            super(Complaint, cls).delete(complaints)
            purge_history(cls, ids)

    @classmethod
    def _anonymise(cls, complaints):
        """THE HOOK: cut the personal data of complaints in this module's
        places. Modules extend it, calling super() first."""
        pass

    @classmethod
    def _personal_data(cls, complaints, data, files):
        """THE ACCESS HOOK: add to data ({section: [dict]}) and files
        ([(name, bytes)]) what this module holds on complaints"""
        pass

    @classmethod
    def complaints_of(cls, parties=None, email=None):
        "The complaints of parties or of the contact e-mail address"
        domain = ['OR']
        if parties:
            domain.append(('complainant', 'in', [p.id for p in parties]))
        if email:
            domain.append(('complainant.contact_mechanisms', 'where', [
                        ('type', '=', 'email'),
                        ('value', 'ilike', email),
                        ]))
        if len(domain) == 1:
            return []
        with without_check_access(), Transaction().set_context(
                active_test=False):
            return cls.search(domain)

    @classmethod
    def run_retention(cls):
        "Anonymise or delete the closed complaints past their period"


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('klachten.complaint|run_retention',
                "Complaints: Retention (Anonymise and Delete)"))


class LegalHoldStart(ModelView):
    __name__ = 'klachten.complaint.legal_hold.start'
    __string__ = "Legal Hold"

    reason = fields.Char("Reason", required=True,
        help="The ombudsman or court procedure the complaint is under.")


class LegalHold(Wizard):
    __name__ = 'klachten.complaint.legal_hold'
    start = StateView('klachten.complaint.legal_hold.start',
        'klachten_base.retention_legal_hold_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Place under Legal Hold", 'hold', 'tryton-ok',
                default=True),
            ])
    hold = StateTransition()

    def transition_hold(self):
        self.model.place_legal_hold(self.records, self.start.reason)
        return 'end'


class PresetStart(ModelView):
    __name__ = 'klachten.retention.preset.start'
    __string__ = "Retention Preset"

    company = fields.Many2One('company.company', "Company", required=True)
    preset = fields.Selection([
            ('flanders', "Flanders (5 years after closing)"),
            ('netherlands', "The Netherlands (selectielijst gemeenten)"),
            ], "Preset", required=True, sort=False)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_preset():
        return 'flanders'


class Preset(Wizard):
    __name__ = 'klachten.retention.preset'
    start = StateView('klachten.retention.preset.start',
        'klachten_base.retention_preset_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Apply", 'apply', 'tryton-ok', default=True),
            ])
    apply = StateTransition()

    def transition_apply(self):
        apply_preset(self.start.company, self.start.preset)
        return 'end'


def apply_preset(company, preset):
    "Set company's retention rules to the preset's"
    Rule = Pool().get('klachten.retention.rule')
    with without_check_access():
        Rule.delete(Rule.search([('company', '=', company.id)]))
        Rule.create([{
                    'company': company.id,
                    'state': state,
                    'years': years,
                    'months': months,
                    'action': action,
                    } for state, years, months, action in PRESETS[preset]])
