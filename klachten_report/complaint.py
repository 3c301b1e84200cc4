# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from babel.dates import format_date

from klachten_base.complaint import _RelationMany2Many
from klachten_base.exceptions import MissingInputError
from klachten_base.lang import babel_locale
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, without_check_access

from . import render
from .norm import NORM_SETS

# the outcomes for which the conclusion says whether the complaint was
# resolved: required for those of the first set
RESOLVED_REQUIRED = ['founded', 'partly_founded']
RESOLVED_OUTCOMES = RESOLVED_REQUIRED + ['founded_corrected']
RESOLVED = [
    (None, ""),
    ('yes', "Resolved"),
    ('partly', "Partly Resolved"),
    ('no', "Not Resolved"),
    ]
# kind of _notify: kind of letter
NOTIFY_LETTERS = {
    'acknowledgement': 'acknowledgement',
    'admissible': 'admissible',
    'inadmissible': 'inadmissible',
    'conclusion': 'reasoned_reply',
    'cancel': 'cancellation',
    'information': 'information_request',
    'hearing_invitation': 'hearing_invitation',
    }
ELECTRONIC_CHANNELS = {'email', 'web_form'}
LETTER_MODES = [
    ('never', "Never"),
    ('beside', "Beside the E-mail"),
    ('instead', "Instead of the E-mail"),
    ]


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    letter_mode = fields.Selection(
        LETTER_MODES, "Letters", required=True,
        help="For complainants who did not complain by e-mail or web form, "
        "or who have no e-mail address: make a letter to print beside or "
        "instead of the e-mail of a workflow step.")
    letter_pdf = fields.Boolean(
        "PDF of Letters",
        help="Make a PDF of each letter too, ready to print.")

    @classmethod
    def default_letter_mode(cls):
        return 'beside'

    @classmethod
    def default_letter_pdf(cls):
        return True


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    documents = fields.One2Many(
        'klachten.document', 'complaint', "Documents", readonly=True,
        help="The letters and reports made for the complaint, every "
        "version.")
    # Classification, at the conclusion
    # read without the complaint's rules again, as the base relations
    norms = _RelationMany2Many(
        'klachten.complaint-klachten.norm', 'complaint', 'norm', "Norms",
        domain=[If(Bool(Eval('norm_set')),
                ('norm_set', '=', Eval('norm_set', '')), ())],
        states={'readonly': Eval('state') != 'conclusion'},
        help="The norms of proper conduct the complaint touches.")
    norm_set = fields.Function(
        fields.Selection(NORM_SETS, "Norm Set"), 'get_norm_set')
    resolved = fields.Selection(
        RESOLVED, "Resolved", sort=False,
        states={
            'readonly': Eval('state') != 'conclusion',
            'invisible': ~Eval('outcome').in_(RESOLVED_OUTCOMES),
            },
        help="Whether what the founded complaint was about has been put "
        "right.")
    structural_measure = fields.Text(
        "Structural Measure",
        states={'readonly': Eval('state') != 'conclusion'},
        help="What the organisation changes so that it does not happen "
        "again, if anything.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'make_report_pdf': {
                    'invisible': ~Eval('state').in_([
                            'investigation', 'conclusion', 'feedback',
                            'closed']),
                    'depends': ['state'],
                    },
                })

        cls.concerned_copy_by.selection += [('letter', "Letter")]

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('documents', None)
        default.setdefault('norms', None)
        default.setdefault('resolved', None)
        default.setdefault('structural_measure', None)
        return super().copy(complaints, default=default)

    def get_norm_set(self, name):
        return self._configuration().norm_set

    @classmethod
    def conclude(cls, complaints, conclusion, inform=True, reply=None,
            request_feedback=False, norms=None, resolved=None,
            structural_measure=None):
        "Conclude, recording the classification when it is given"
        values = {}
        if norms is not None:
            values['norms'] = [('remove', [n.id for c in complaints
                        for n in c.norms])] + [
                ('add', [getattr(n, 'id', n) for n in norms])]
        if resolved is not None:
            values['resolved'] = resolved or None
        if structural_measure is not None:
            values['structural_measure'] = structural_measure or None
        cls._write_workflow(complaints, values)
        super().conclude(complaints, conclusion, inform=inform, reply=reply,
            request_feedback=request_feedback)

    @classmethod
    @ModelView.button
    def finalise_report(cls, complaints):
        # The PDF belongs to the step: if it cannot be made the step is
        # undone with the transaction and the handler can try again.
        super().finalise_report(complaints)
        Document = Pool().get('klachten.document')
        Document.make(cls.browse(complaints), 'investigation_report')

    @classmethod
    @ModelView.button
    def make_report_pdf(cls, complaints):
        "Make a new version of the investigation report's PDF"
        Document = Pool().get('klachten.document')
        Document.make(complaints, 'investigation_report')

    @classmethod
    def evaluate(cls, complaints):
        # sent back or disagreed with: what the unsent letters of the
        # investigation or the decision announce no longer holds
        super().evaluate(complaints)
        Pool().get('klachten.document').withdraw(complaints, keep='evaluation')

    @classmethod
    def mark_cancelled(cls, complaints):
        super().mark_cancelled(complaints)
        Pool().get('klachten.document').withdraw(complaints)

    @classmethod
    def _information_requested(cls, requests):
        # the letters of information requests are made here, for the
        # complainant and a third party alike (_notify only leaves out the
        # complainant's e-mail when letters come instead)
        super()._information_requested(requests)
        pool = Pool()
        Document = pool.get('klachten.document')
        Request = pool.get('klachten.information.request')
        mode = cls._configuration().letter_mode
        if mode == 'never':
            return
        deliveries = {}
        for request in requests:
            if not request.complaint.wants_information_letter(request):
                continue
            Document.make([request.complaint], 'information_request',
                text=request.question, records=[request],
                **cls._letter_options())
            emailed = request.delivery == 'email' and mode == 'beside'
            deliveries.setdefault(
                'email_letter' if emailed else 'letter', []).append(request)
        with without_check_access():
            for delivery, records in deliveries.items():
                Request.write(records, {'delivery': delivery})

    @classmethod
    def send_concerned_copy(cls, complaints):
        # a staff member without e-mail address gets the copy by letter,
        # to print and hand over or post
        pool = Pool()
        Document = pool.get('klachten.document')
        by_letter = []
        if cls._configuration().letter_mode != 'never':
            by_letter = [c for c in cls.browse([c.id for c in complaints])
                if c.concerns == 'staff' and c.concerned_user
                and not c.concerned_user.email]
        others = [c for c in complaints if c.id not in {
                c.id for c in by_letter}]
        if others:
            super().send_concerned_copy(others)
        for complaint in by_letter:
            Document.make([complaint], 'concerned_copy',
                records=[complaint.concerned_user], **cls._letter_options())
            cls._write_workflow([complaint], {
                    'concerned_copy_date': cls._today(),
                    'concerned_copy_by': 'letter',
                    })

    def wants_letter(self):
        "Whether the complainant is written to by post"
        if self.anonymous or not (self.complainant or self.representative):
            return False
        return (self.channel not in ELECTRONIC_CHANNELS
            or not self.complainant_address_email)

    def wants_information_letter(self, request):
        "Whether the recipient of the information request is asked by post"
        if self.is_third_party(request):
            return not request.email
        return self.wants_letter()

    @staticmethod
    def is_third_party(record):
        "Whether record (of a letter) is an information request to another"
        return (getattr(record, '__name__', None)
            == 'klachten.information.request'
            and record.recipient == 'third_party')

    @classmethod
    def _letter_options(cls):
        return {
            'state': 'to_print',
            'pdf': cls._configuration().letter_pdf,
            'interactive': bool(Transaction().user),
            }

    @classmethod
    def _notify(cls, complaints, kind, text=None, records=None):
        pool = Pool()
        Document = pool.get('klachten.document')
        config = cls._configuration()
        letter_kind = NOTIFY_LETTERS.get(kind)
        by_letter = []
        if letter_kind and config.letter_mode != 'never':
            by_letter = [c for c in complaints if c.wants_letter()]
        if by_letter and config.letter_mode == 'instead':
            pairs = [(c, r) for c, r in zip(complaints, records or complaints)
                if c not in by_letter]
            complaints = [c for c, _ in pairs]
            records = [r for _, r in pairs] if records else None
        if complaints:
            super()._notify(complaints, kind, text=text, records=records)
        # _information_requested makes the letters of information requests
        if by_letter and kind != 'information':
            Document.make(by_letter, letter_kind, text=text,
                **cls._letter_options())

    def _acknowledged_by_email(self):
        # a letter instead: acknowledged when it is posted
        return super()._acknowledged_by_email() and not (
            self.wants_letter()
            and self._configuration().letter_mode == 'instead')

    def document_values(self, language, text=None, record=None):
        """The values a template may show, as text in language.

        Every value is text or a list of texts (or of dicts of texts)
        already formatted: a template cannot reach the database.  record is
        what the letter is about (an information request), if any."""
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        t = render.text
        with Transaction().set_context(language=language):
            complaint = self.__class__(self.id)
            config = Configuration(1)
            company = complaint.company.party

            def date(value):
                return t(format_date(value, 'long',
                        locale=babel_locale(language))
                    if value else '')

            def name(record):
                return t(record.rec_name if record else '')

            def address(party):
                found = party.address_get() if party else None
                return t(found.full_address if found else '')

            def label(field):
                selection = complaint.fields_get([field])[field]['selection']
                return t(dict(selection).get(getattr(complaint, field)) or '')
            addressee = complaint.representative or complaint.complainant
            advices = [{
                    'advisor': t(advice['advisor']),
                    'question': t(advice['question']),
                    'answer': t(advice['answer']),
                    'date': date(advice['date']),
                    } for advice in complaint.report_advice()]
            handler = (complaint.handler_user or complaint.handler_role)
            values = {
                'municipality': name(company),
                'municipality_address': address(company),
                'today': date(pool.get('ir.date').today()),
                'number': t(complaint.number or ''),
                'received_date': date(complaint.received_date),
                'registration_date': date(complaint.registration_date),
                'channel': label('channel'),
                'complainant': t('' if complaint.anonymous
                    else (complaint.complainant.rec_name
                        if complaint.complainant else '')),
                'complainant_address': address(
                    None if complaint.anonymous else complaint.complainant),
                'complainant_email': t(complaint.complainant_email or ''),
                'complainant_phone': t(complaint.complainant_phone or ''),
                'representative': name(complaint.representative),
                'addressee': t('' if complaint.anonymous
                    else (addressee.rec_name if addressee else '')),
                'addressee_address': address(
                    None if complaint.anonymous else addressee),
                'short_description': t(complaint.short_description),
                'description': t(complaint.description),
                'incident_date': date(complaint.incident_date),
                'remedy_sought': t(complaint.remedy_sought),
                'basis': label('basis'),
                'subject': name(complaint.subject),
                'concerned_department': name(complaint.concerned_department),
                'handler_department': name(complaint.handler_department),
                'handler': name(handler),
                'admissibility': label('admissibility'),
                'admissibility_date': date(complaint.admissibility_date),
                'admissibility_motivation': t(
                    complaint.admissibility_motivation),
                'admissible_note': t(complaint.admissible_note),
                'grounds': [t(g.rec_name)
                    for g in complaint.inadmissibility_grounds],
                'report': t(complaint.report),
                'outcome': label('outcome'),
                'outcome_motivation': t(complaint.outcome_motivation),
                'no_judgement_reason': label('no_judgement_reason'),
                'solution': t(complaint.solution),
                'remedies': [t(r.rec_name) for r in complaint.remedies],
                'report_date': date(complaint.report_date),
                'conclusion': t(complaint.conclusion),
                'reply': t(complaint.reply),
                'decision_date': date(complaint.decision_date),
                'answer_due': date(complaint.answer_due),
                'cancel_reason': t(complaint.cancel_reason),
                'coordinator_contact': t(config.coordinator_contact),
                'ombudsman': t(config.ombudsman),
                'advices': advices,
                'text': t(text),
                'third_party': False,
                'information_due': t(''),
                'hearing_date': date(complaint.hearing_date),
                'hearing_time': t(complaint.hearing_time.strftime('%H:%M')
                    if complaint.hearing_time else ''),
                'hearing_place': t(complaint.hearing_place),
                }
            if getattr(record, '__name__', None) == (
                    'klachten.information.request'):
                values['information_due'] = date(record.due_date)
            if getattr(record, '__name__', None) == 'res.user':
                # the copy to the staff member the complaint is about, by
                # internal mail to their department
                values.update({
                        'addressee': t(record.rec_name),
                        'addressee_address': name(
                            complaint.concerned_department),
                        })
            if self.is_third_party(record):
                # to the third party, who knows nothing of the complainant
                values.update({
                        'third_party': True,
                        'addressee': t(record.name),
                        'addressee_address': t(record.postal_address),
                        })
            return values


class InformationRequest(metaclass=PoolMeta):
    __name__ = 'klachten.information.request'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.delivery.selection += [
            ('letter', "By Letter"),
            ('email_letter', "By E-mail and Letter"),
            ]

    @classmethod
    def cancelled(cls, requests):
        super().cancelled(requests)
        Pool().get('klachten.document').withdraw_letters_of(requests)

    @classmethod
    def lapse(cls, requests):
        super().lapse(requests)
        Pool().get('klachten.document').withdraw_letters_of(requests)


class RequestInformationStart(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.request_information.start'

    @fields.depends('recipient', 'email', 'complainant_email')
    def on_change_with_warning(self, name=None):
        warning = super().on_change_with_warning(name)
        config = Pool().get('klachten.configuration')(1)
        if warning and config.letter_mode != 'never':
            # not e-mailed, but asked by post
            return gettext('klachten_report.msg_information_letter'
                + ('_third' if self.recipient == 'third_party' else ''))
        return warning


class Admissible(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.admissible'

    def default_start(self, fields):
        values = super().default_start(fields)
        config = Pool().get('klachten.configuration')(1)
        if config.letter_mode != 'never' and self.record.wants_letter():
            # the complainant is written to by post
            values['inform'] = True
        return values


class HearingStart(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.hearing.start'

    @fields.depends('action', 'inform', 'complainant_email')
    def on_change_with_warning(self, name=None):
        warning = super().on_change_with_warning(name)
        config = Pool().get('klachten.configuration')(1)
        if warning and config.letter_mode != 'never':
            # not e-mailed, but invited by post
            return gettext('klachten_report.msg_hearing_letter')
        return warning


class Hearing(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.hearing'

    def default_start(self, fields):
        values = super().default_start(fields)
        config = Pool().get('klachten.configuration')(1)
        if config.letter_mode != 'never' and self.record.wants_letter():
            # the complainant is invited by post
            values['inform'] = True
        return values


class ConcludeStart(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.conclude.start'

    outcome = fields.Selection('get_outcomes', "Outcome", readonly=True)
    norm_set = fields.Selection(NORM_SETS, "Norm Set", readonly=True)
    norms = fields.Many2Many(
        'klachten.norm', None, None, "Norms",
        domain=[If(Bool(Eval('norm_set')),
                ('norm_set', '=', Eval('norm_set', '')), ())],
        help="The norms of proper conduct the complaint touches.")
    resolved = fields.Selection(
        RESOLVED, "Resolved", sort=False,
        states={
            'invisible': ~Eval('outcome').in_(RESOLVED_OUTCOMES),
            'required': Eval('outcome').in_(RESOLVED_REQUIRED),
            },
        help="Whether what the founded complaint was about has been put "
        "right.")
    structural_measure = fields.Text(
        "Structural Measure",
        help="What the organisation changes so that it does not happen "
        "again, if anything.")

    @classmethod
    def get_outcomes(cls):
        Complaint = Pool().get('klachten.complaint')
        return Complaint.fields_get(['outcome'])['outcome']['selection']


class Conclude(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.conclude'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._fields = cls._fields + [
            'norms', 'resolved', 'structural_measure']

    def default_start(self, fields):
        values = super().default_start(fields)
        complaint = self.record
        values.update({
                'outcome': complaint.outcome,
                'norm_set': complaint._configuration().norm_set,
                'norms': [n.id for n in complaint.norms],
                'resolved': complaint.resolved or self._default_resolved(),
                'structural_measure': complaint.structural_measure,
                })
        return values

    def _default_resolved(self):
        # a founded complaint comes with the solution its handler found:
        # offered as resolved, which the coordinator corrects if need be
        complaint = self.record
        if complaint.outcome == 'founded_corrected' or (
                complaint.outcome in RESOLVED_REQUIRED and complaint.solution):
            return 'yes'

    def transition_confirm(self):
        for complaint in self.records:
            if (complaint.outcome in RESOLVED_REQUIRED
                    and not self.start.resolved):
                raise MissingInputError(gettext(
                        'klachten_report.msg_conclude_resolved',
                        complaint=complaint.rec_name))
        return super().transition_confirm()
