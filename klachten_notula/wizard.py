# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Agenderen: put a complaint on the agenda (the draft decision), and the
coordinator's steps of the manual connector.

The wizards collect and authorise; the models' own methods check the
state and the input and do the work."""
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from .proposal import RESULTS


class PutOnAgendaStart(ModelView):
    __name__ = 'klachten.notula.put_on_agenda.start'
    __string__ = "Put on the Agenda"

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", readonly=True)
    body = fields.Many2One(
        'klachten.notula.body', "Governing Body", required=True)
    title = fields.Char("Title", required=True)
    motivation = fields.Text(
        "Motivation", required=True,
        help="Motivering – Argumentatie: prefilled from the report, the "
        "outcome and the advice.")
    decision_proposal = fields.Text(
        "Proposed Decision", required=True,
        help="The text of the decision proposed to the body.")
    attachments = fields.Many2Many(
        'ir.attachment', None, None, "Attachments",
        domain=[('id', 'in', Eval('candidates', []))],
        help="The complaint's documents sent with the draft decision.")
    candidates = fields.Many2Many(
        'ir.attachment', None, None, "Documents of the Complaint",
        readonly=True)
    personal_data = fields.Boolean(
        "Include the Complainant's Personal Data",
        help="Off unless chosen: the draft decision leaves out the "
        "complainant's name and contact details.")


class PutOnAgenda(Wizard):
    "Agenderen: make a draft decision of a complaint in conclusion"
    __name__ = 'klachten.notula.put_on_agenda'
    start = StateView(
        'klachten.notula.put_on_agenda.start',
        'klachten_notula.put_on_agenda_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Make the Draft Decision", 'create_', 'tryton-ok',
                default=True),
            ])
    create_ = StateTransition()
    open_ = StateAction('klachten_notula.act_proposal_form')

    def default_start(self, fields):
        complaint = self.record
        complaint.check_agenda_state([complaint])
        values = complaint.agenda_defaults()
        values['complaint'] = complaint.id
        return values

    def transition_create_(self):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        Proposal = pool.get('klachten.notula.proposal')
        complaint = self.record
        # The wizard runs as the user: refuse complaints they cannot see
        Complaint.read([complaint.id], ['id'])
        candidates = {a.id for a in complaint.agenda_attachments()}
        start = self.start
        Proposal.create_proposal({
                'complaint': complaint,
                'body': start.body,
                'title': start.title,
                'motivation': start.motivation,
                'decision_proposal': start.decision_proposal,
                'personal_data': start.personal_data,
                'attachments': [a.id for a in start.attachments
                    if a.id in candidates],
                })
        return 'open_'

    def do_open_(self, action):
        Proposal = Pool().get('klachten.notula.proposal')
        # the one just made
        proposal, = Proposal.search([
                ('complaint', '=', self.record.id),
                ], order=[('id', 'DESC')], limit=1)
        action['res_id'] = [proposal.id]
        action['views'].reverse()
        return action, {}


class ProposalWizard(Wizard):
    "A coordinator's step on draft decisions: record Notula's news"
    confirm = StateTransition()
    _status = None

    def _news(self):
        return {}

    def transition_confirm(self):
        Proposal = Pool().get('klachten.notula.proposal')
        proposals = list(self.records)
        Proposal.read([p.id for p in proposals], ['id'])
        Proposal.record(proposals, self._status, **self._news())
        return 'end'

    def end(self):
        return 'reload'


def _start(name, label, icon='tryton-ok'):
    return StateView(
        f'klachten.notula.proposal.{name}.start',
        f'klachten_notula.proposal_{name}_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button(label, 'confirm', icon, default=True),
            ])


class RecordReferenceStart(ModelView):
    __name__ = 'klachten.notula.proposal.record_reference.start'
    __string__ = "Record the Notula Reference"
    reference = fields.Char(
        "Reference", required=True,
        help="The reference Notula gave the item, such as 2026_CBS_00123.")


class RecordReference(ProposalWizard):
    "Record the reference of the draft decision uploaded into Notula"
    __name__ = 'klachten.notula.proposal.record_reference'
    start = _start('record_reference', "Record")
    _status = 'submitted'

    def _news(self):
        return {'reference': self.start.reference.strip()}


class ScheduleStart(ModelView):
    __name__ = 'klachten.notula.proposal.schedule.start'
    __string__ = "On the Agenda"
    meeting_date = fields.Date(
        "Meeting Date", required=True,
        help="The date of the meeting that has the item on its agenda.")


class Schedule(ProposalWizard):
    "Record the meeting that has the draft decision on its agenda"
    __name__ = 'klachten.notula.proposal.schedule'
    start = _start('schedule', "Record", 'tryton-date')
    _status = 'scheduled'

    def default_start(self, fields):
        return {'meeting_date': self.record.meeting_date}

    def _news(self):
        return {'meeting_date': self.start.meeting_date}


class DecideStart(ModelView):
    __name__ = 'klachten.notula.proposal.decide.start'
    __string__ = "Record the Decision"
    decision_text = fields.Text("Decision", required=True)
    decision_date = fields.Date("Decided On", required=True)
    result = fields.Selection(
        [r for r in RESULTS if r[0]], "Result", required=True, sort=False)


class Decide(ProposalWizard):
    "Record the decision of the governing body"
    __name__ = 'klachten.notula.proposal.decide'
    start = _start('decide', "Record")
    _status = 'decided'

    def default_start(self, fields):
        proposal = self.record
        return {
            'decision_text': proposal.decision_proposal,
            'decision_date': (proposal.meeting_date
                or Pool().get('ir.date').today()),
            'result': 'approved',
            }

    def _news(self):
        start = self.start
        return {'decision': {
                'text': start.decision_text,
                'date': start.decision_date,
                'result': start.result,
                }}


class DownloadStart(ModelView):
    __name__ = 'klachten.notula.proposal.download.start'
    __string__ = "Download the Package"
    file = fields.Binary("Package", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)


class Download(Wizard):
    "The zip to upload into Notula (the manual connector)"
    __name__ = 'klachten.notula.proposal.download'
    start = StateView(
        'klachten.notula.proposal.download.start',
        'klachten_notula.proposal_download_start_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def default_start(self, fields):
        from . import package
        proposal = self.record
        # As the user: refuse a draft decision they cannot read
        proposal.__class__.read([proposal.id], ['id'])
        with without_check_access():
            proposal = proposal.__class__(proposal.id)
            name, data = package.make_package(proposal)
        return {'file': data, 'file_name': name}


class Conclude(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.conclude'

    def default_start(self, fields):
        values = super().default_start(fields)
        decision = self.record.agenda_decision()
        if decision:
            values['reply'] = decision
            values.setdefault('conclusion', None)
            values['conclusion'] = values['conclusion'] or gettext(
                'klachten_notula.msg_conclusion_decided')
        return values
