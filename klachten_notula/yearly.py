# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The yearly complaint report on the agenda (registered only where
klachten_report is activated): a draft decision that comes from the
report instead of a complaint.

Such a draft decision has no complaint: its coordinators' tasks hang on
the draft decision itself (the task's origin), no comment in a
conversation; its attachments are the report's Word document and PDF; only
the coordinators and the complaints administrator see and change it."""
from babel.dates import format_date

from klachten_base.lang import babel_locale
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import StateView

from .exceptions import WorkflowError
from .proposal import is_coordinator
from .wizard import PutOnAgenda

PROPOSAL = 'klachten.notula.proposal'
# the models whose rules are the draft decision's: the path to it
PATHS = {
    PROPOSAL: '',
    'klachten.notula.proposal-ir.attachment': 'proposal.',
    }


class Proposal(metaclass=PoolMeta):
    __name__ = PROPOSAL

    yearly_report = fields.Many2One(
        'klachten.yearly.report', "Yearly Report", ondelete='CASCADE',
        states={'readonly': Eval('state') != 'draft'},
        help="The yearly complaint report the draft decision is about.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Not required any more: one of the origins is (validate_fields).
        # complaint stays in __access__ (which Tryton wants required): the
        # draft decisions without complaint would be hidden by its rules,
        # Rule.domain_get below shows them to the coordinators
        cls.complaint.required = False

    @classmethod
    def _origin_fields(cls):
        return super()._origin_fields() + ['yearly_report']

    @fields.depends('yearly_report')
    def on_change_with_complaint_resource(self, name=None):
        if self.yearly_report:
            return str(self.yearly_report)
        return super().on_change_with_complaint_resource(name=name)

    @fields.depends('yearly_report', 'company')
    def on_change_yearly_report(self):
        if self.yearly_report:
            self.company = self.yearly_report.company

    @classmethod
    def preprocess_values(cls, mode, values):
        if (mode == 'create' and values.get('yearly_report') is not None
                and values.get('complaint') is None):
            Report = Pool().get('klachten.yearly.report')
            with without_check_access():
                report = Report(values['yearly_report'])
                values['company'] = report.company.id
            values.setdefault('connector',
                cls._configured_connector(values['company']))
        return super().preprocess_values(mode, values)

    @classmethod
    def _open_task(cls, proposals, kind):
        "The tasks of a draft decision without complaint hang on it"
        pool = Pool()
        Task = pool.get('klachten.task')
        Complaint = pool.get('klachten.complaint')
        super()._open_task(proposals, kind)
        for proposal in proposals:
            if not proposal.complaint:
                Task.open(None, kind, group=Complaint._coordinators(),
                    note=proposal.title, origin=proposal)

    @classmethod
    def _close_tasks(cls, proposals, kinds, state='done'):
        Task = Pool().get('klachten.task')
        super()._close_tasks(proposals, kinds, state=state)
        Task.close_origins([p for p in proposals if not p.complaint], kinds,
            state=state)

    @property
    def origin_number(self):
        if not self.complaint and self.yearly_report:
            return self.yearly_report.name or str(self.yearly_report.id)
        return super().origin_number

    def oslo_dossier(self):
        if not self.complaint and self.yearly_report:
            return {
                '@type': 'Jaarverslag',
                'identifier': self.origin_number,
                }
        return super().oslo_dossier()

    def document_values(self, language):
        if self.complaint:
            return super().document_values(language)
        with Transaction().set_context(language=language):
            proposal = self.__class__(self.id)
            today = format_date(Pool().get('ir.date').today(), 'long',
                locale=babel_locale(language))
            return {
                'today': today,
                'number': proposal.origin_number,
                'title': proposal.title,
                'body': proposal.body.rec_name,
                'motivation': proposal.motivation,
                'decision_proposal': proposal.decision_proposal,
                'attachments': [a.name for a in proposal.attachments],
                'complainant': '',
                'complainant_address': '',
                'complainant_email': '',
                }


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def domain_get(cls, model_name, mode='read'):
        """A draft decision without complaint (a yearly report's) escapes
        the complaint's rules: only the coordinators and the complaints
        administrator see it, under the yearly report's rules"""
        domain = super().domain_get(model_name, mode=mode)
        if model_name not in PATHS or not domain:
            return domain
        path = PATHS[model_name]
        if is_coordinator():
            # (one without any origin fails its validation, clearly)
            yearly = []
            report_domain = super().domain_get(
                'klachten.yearly.report', mode=mode)
            if report_domain:
                yearly.append(['OR',
                        (path + 'yearly_report', '=', None),
                        (path + 'yearly_report', 'where', report_domain),
                        ])
        else:
            yearly = [('id', '=', -1)]
        return ['OR',
            [(path + 'complaint', '!=', None), domain],
            [(path + 'complaint', '=', None)] + yearly,
            ]


class YearlyReport(metaclass=PoolMeta):
    __name__ = 'klachten.yearly.report'

    proposals = fields.One2Many(
        PROPOSAL, 'yearly_report', "Draft Decisions", readonly=True)
    agenda = fields.Function(fields.Boolean("Agenderen"), 'get_agenda')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'put_on_agenda': {
                    'invisible': ((Eval('state') != 'made')
                        | ~Eval('agenda', False)),
                    'depends': ['state', 'agenda'],
                    },
                })

    @classmethod
    def copy(cls, reports, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('proposals', None)
        return super().copy(reports, default=default)

    @classmethod
    def get_agenda(cls, reports, name):
        Configuration = Pool().get('klachten.configuration')
        with without_check_access():
            agenda = Configuration(1).agenda or False
        return {r.id: agenda for r in reports}

    @classmethod
    @ModelView.button_action('klachten_notula.wizard_put_on_agenda_yearly')
    def put_on_agenda(cls, reports):
        cls.check_agenda_state(reports)

    @classmethod
    def check_agenda_state(cls, reports):
        Configuration = Pool().get('klachten.configuration')
        with without_check_access():
            if not Configuration(1).agenda:
                raise WorkflowError(gettext('klachten_notula.msg_agenda_off'))
        for report in reports:
            if report.state != 'made':
                raise WorkflowError(gettext(
                        'klachten_notula.msg_yearly_not_made',
                        report=report.rec_name))

    def agenda_attachments(self):
        "The report's Word document and PDF"
        return [a for a in [self.pdf, self.docx] if a]

    def agenda_defaults(self):
        "The default values of the Agenderen wizard for this report"
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        Body = pool.get('klachten.notula.body')
        with without_check_access():
            body = Configuration(1).get_multivalue(
                'notula_body', company=self.company.id)
            councils = Body.search([('code', '=', 'raad')], limit=1)
        if self.variant == 'flemish' or not body:
            body = councils[0] if councils else body
        period = self._period_text()
        candidates = self.agenda_attachments()
        return {
            'yearly_report': self.id,
            'body': body.id if body else None,
            'title': gettext('klachten_notula.msg_yearly_title',
                period=period),
            'motivation': self.agenda_motivation(),
            'decision_proposal': gettext(
                'klachten_notula.msg_yearly_decision', period=period),
            'candidates': [a.id for a in candidates],
            'attachments': [a.id for a in candidates],
            'personal_data': False,
            }

    def agenda_motivation(self):
        "A short summary of the year from the report's tables"
        tables = self.tables()
        lead_time = tables['lead_time']
        return gettext('klachten_notula.msg_yearly_motivation',
            period=self._period_text(),
            received=tables['volume']['received'] or 0,
            decided=lead_time['decided'] or 0,
            within_term=lead_time['within_term'] or 0)


class PutOnAgendaStart(metaclass=PoolMeta):
    __name__ = 'klachten.notula.put_on_agenda.start'

    yearly_report = fields.Many2One(
        'klachten.yearly.report', "Yearly Report", readonly=True)


class PutOnAgendaYearly(PutOnAgenda):
    "Agenderen: make a draft decision of a yearly complaint report"
    __name__ = 'klachten.notula.put_on_agenda_yearly'
    start = StateView(
        'klachten.notula.put_on_agenda.start',
        'klachten_notula.put_on_agenda_start_view_form',
        PutOnAgenda.start.buttons)

    def default_start(self, fields):
        report = self.record
        report.check_agenda_state([report])
        return report.agenda_defaults()

    def transition_create_(self):
        pool = Pool()
        Report = pool.get('klachten.yearly.report')
        Proposal = pool.get(PROPOSAL)
        report = self.record
        # The wizard runs as the user: refuse reports they cannot see
        Report.read([report.id], ['id'])
        report.check_agenda_state([report])
        candidates = {a.id for a in report.agenda_attachments()}
        start = self.start
        Proposal.create_proposal({
                'yearly_report': report,
                'body': start.body,
                'title': start.title,
                'motivation': start.motivation,
                'decision_proposal': start.decision_proposal,
                'personal_data': False,
                'attachments': [a.id for a in start.attachments
                    if a.id in candidates],
                })
        return 'open_'

    def do_open_(self, action):
        Proposal = Pool().get(PROPOSAL)
        proposal, = Proposal.search([
                ('yearly_report', '=', self.record.id),
                ], order=[('id', 'DESC')], limit=1)
        action['res_id'] = [proposal.id]
        action['views'].reverse()
        return action, {}
