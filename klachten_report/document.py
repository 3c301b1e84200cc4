# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Documents of a complaint: the letters (.docx, and their PDF for
printing) and the investigation report (PDF), made from Word templates
that each municipality can replace with its own letterhead."""
import logging
import re
import unicodedata
from pathlib import Path

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access

from . import convert, masking, render
from .exceptions import ConversionError, LetterPDFWarning, TemplateError

logger = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent / 'templates'
LANGUAGES = [
    ('nl', "Dutch"),
    ('fr', "French"),
    ('en', "English"),
    ]
DEFAULT_LANGUAGE = 'nl'
KINDS = [
    ('acknowledgement', "Acknowledgement"),
    ('admissible', "Admissible"),
    ('inadmissible', "Inadmissible"),
    ('reasoned_reply', "Reasoned Reply"),
    ('cancellation', "Cancellation"),
    ('information_request', "Information Request"),
    ('hearing_invitation', "Hearing Invitation"),
    ('concerned_copy', "Copy to the Staff Member"),
    ('investigation_report', "Investigation Report"),
    ]
LETTER_KINDS = {k for k, _ in KINDS} - {'investigation_report'}
# the phase of the complaint a letter tells of: an unsent letter of a phase
# the complaint has left is withdrawn (superseded)
LETTER_PHASES = {
    'acknowledgement': 'evaluation',
    'information_request': 'evaluation',
    'admissible': 'investigation',
    'hearing_invitation': 'investigation',
    'concerned_copy': 'investigation',
    'inadmissible': 'decided',
    'reasoned_reply': 'decided',
    'cancellation': 'cancelled',
    }
# letters that a later phase does not make untrue
LASTING = {'acknowledgement', 'concerned_copy'}
# a new letter of these kinds replaces an unsent one of the same kind
REPLACING = LETTER_KINDS - {'information_request'}
# the letters that tell the complainant the complaint was received
ACKNOWLEDGING = LETTER_KINDS - {'information_request', 'concerned_copy'}
# the letters to the staff member a complaint is about, in their language
TO_STAFF = {'concerned_copy'}
DOCX = ('application/vnd.openxmlformats-officedocument'
    '.wordprocessingml.document')


def language_of(code):
    "The template language of a Tryton language code (nl_BE -> nl)"
    code = (code or '').split('_')[0].split('-')[0].lower()
    return code if code in dict(LANGUAGES) else DEFAULT_LANGUAGE


def slug(value):
    value = unicodedata.normalize('NFKD', value).encode(
        'ascii', 'ignore').decode('ascii')
    return re.sub(r'[^A-Za-z0-9]+', '-', value).strip('-').lower()


class DocumentTemplate(ModelSQL, ModelView):
    __name__ = 'klachten.document.template'
    __string__ = "Document Template"

    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    language = fields.Selection(
        LANGUAGES, "Language", required=True, readonly=True)
    template = fields.Binary(
        "Own Template", filename='template_name',
        help="A Word file (.docx) with your letterhead and the "
        "placeholders of the default template; leave empty to use the "
        "default.")
    template_name = fields.Char("Own Template Name")
    default_template = fields.Function(fields.Binary(
            "Default Template", filename='default_template_name'),
        'get_default_template')
    default_template_name = fields.Function(
        fields.Char("Default Template Name"), 'get_default_template')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('kind_language_unique', Unique(t, t.kind, t.language),
                'klachten_report.msg_template_unique'),
            ]
        cls._order = [('kind', 'ASC'), ('language', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        kind = dict(self.fields_get(['kind'])['kind']['selection'])
        return f'{kind[self.kind]} ({self.language})'

    def get_default_template(self, name):
        path = self.template_path(self.kind, self.language)
        if name == 'default_template_name':
            return path.name
        return path.read_bytes()

    @staticmethod
    def template_path(kind, language):
        return TEMPLATES / f'{kind}.{language}.docx'

    @classmethod
    def validate_fields(cls, templates, field_names):
        super().validate_fields(templates, field_names)
        if field_names and 'template' not in field_names:
            return
        for template in templates:
            if not template.template:
                continue
            try:
                render.check_template(bytes(template.template))
            except render.TemplateInvalid as exception:
                raise ValidationError(gettext(
                        f'klachten_report.msg_template_{exception.reason}',
                        template=template.rec_name,
                        detail=exception.detail[:200])) from exception

    @classmethod
    def content(cls, kind, language):
        "The template bytes of kind in language: own one, else the default"
        with without_check_access():
            templates = cls.search([
                    ('kind', '=', kind),
                    ('language', '=', language),
                    ], limit=1)
        if templates and templates[0].template:
            return bytes(templates[0].template)
        return cls.template_path(kind, language).read_bytes()

    @classmethod
    def render_document(cls, kind, language, values):
        """The .docx bytes of the template of kind in language rendered
        with values (texts, shown as typed, or lists of them), for the
        modules that add a kind; TemplateError when it cannot be"""
        def shown(value):
            if isinstance(value, str):
                return render.text(value)
            if isinstance(value, list):
                return [shown(v) for v in value]
            return value
        try:
            return render.render(cls.content(kind, language),
                {k: shown(v) for k, v in values.items()})
        except render.TemplateInvalid as exception:
            raise TemplateError(gettext(
                    'klachten_report.msg_template_render',
                    template=dict(cls.fields_get(['kind'])['kind'][
                            'selection'])[kind],
                    language=language,
                    detail=exception.detail[:200])) from exception


class Document(Workflow, ModelSQL, ModelView):
    __name__ = 'klachten.document'
    __string__ = "Complaint Document"
    _rec_name = 'name'

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True, readonly=True,
        ondelete='CASCADE')
    kind = fields.Selection(KINDS, "Kind", required=True, readonly=True)
    kind_string = kind.translated('kind')
    language = fields.Selection(
        LANGUAGES, "Language", required=True, readonly=True)
    version = fields.Integer("Version", required=True, readonly=True)
    name = fields.Char("Name", required=True, readonly=True)
    state = fields.Selection([
            ('made', "Made"),
            ('to_print', "To Print"),
            ('sent', "Sent"),
            ('superseded', "Superseded"),
            ], "State", required=True, readonly=True, sort=False)
    docx = fields.Many2One(
        'ir.attachment', "Word Document", readonly=True, ondelete='RESTRICT')
    pdf = fields.Many2One(
        'ir.attachment', "PDF", readonly=True, ondelete='RESTRICT')
    docx_file = fields.Function(
        fields.Binary("Word File", filename='docx_name'), 'get_file')
    docx_name = fields.Function(fields.Char("Word File Name"), 'get_file')
    pdf_file = fields.Function(
        fields.Binary("PDF File", filename='pdf_name'), 'get_file')
    pdf_name = fields.Function(fields.Char("PDF File Name"), 'get_file')
    pdf_error = fields.Text("PDF Error", readonly=True,
        states={'invisible': ~Eval('pdf_error')})
    information_request = fields.Many2One(
        'klachten.information.request', "Information Request",
        readonly=True, ondelete='SET NULL',
        states={'invisible': ~Eval('information_request')},
        help="The request this letter asks.")
    sent_date = fields.Date("Sent On", readonly=True)
    masked = fields.Boolean("Masked", readonly=True,
        help="A publishable copy: the personal data of the complaint are "
        "masked.")
    original = fields.Many2One(
        'klachten.document', "Original", readonly=True, ondelete='SET NULL',
        states={'invisible': ~Eval('original')},
        help="The document this publishable copy masks.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('complaint')
        cls._sql_constraints += [
            ('version_unique', Unique(t, t.complaint, t.kind, t.version),
                'klachten_report.msg_document_version_unique'),
            ]
        cls._order = [('create_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('to_print', 'sent'),
            ('made', 'sent'),
            ('to_print', 'superseded'),
            ('made', 'superseded'),
            }
        cls._buttons.update({
                'mark_sent': {
                    'invisible': ~Eval('state').in_(['to_print', 'made'])
                    | (Eval('kind') == 'investigation_report')
                    | Eval('masked', False),
                    'depends': ['state', 'kind', 'masked'],
                    },
                'make_masked': {
                    'invisible': Eval('masked', False)
                    | ~(Eval('docx') | Eval('pdf')),
                    'depends': ['masked', 'docx', 'pdf'],
                    },
                'make_pdf': {
                    'invisible': Bool(Eval('pdf')) | ~Eval('docx'),
                    'depends': ['pdf', 'docx'],
                    },
                })

    @staticmethod
    def default_state():
        return 'made'

    @staticmethod
    def default_masked():
        return False

    def get_file(self, name):
        attachment = self.pdf if name.startswith('pdf') else self.docx
        if not attachment:
            return None
        if name.endswith('_name'):
            return attachment.name
        return attachment.data

    # Making
    @classmethod
    def language_for(cls, complaint, kind, record=None):
        """Letters in the complainant's language, the report and letters to
        a third party in the user's"""
        if kind in TO_STAFF and getattr(record, 'language', None):
            return language_of(record.language.code)
        if (kind in LETTER_KINDS - TO_STAFF
                and not complaint.is_third_party(record)):
            return language_of(complaint.complainant_language)
        return language_of(Transaction().language)

    @classmethod
    def make(cls, complaints, kind, text=None, state='made', pdf=None,
            interactive=True, records=None):
        """Make the document of kind for each complaint and return them.

        records: the record each letter is about (an information request),
        if any.  pdf: make the PDF too (always for the report).  The report's
        PDF
        failing raises ConversionError: the caller's step is undone.  A
        letter's PDF failing asks the user (LetterPDFWarning) whether to go
        on with the Word letter only; the PDF can be made later."""
        pool = Pool()
        Warning = pool.get('res.user.warning')
        is_report = kind == 'investigation_report'
        documents = []
        for complaint, record in zip(complaints, records or [None] * len(
                    complaints)):
            language = cls.language_for(complaint, kind, record)
            version = cls._next_version(complaint, kind)
            values = complaint.document_values(
                language, text=text, record=record)
            docx = cls._render(kind, language, values)
            name = cls._file_name(complaint, kind, language, version)
            pdf_data, pdf_error = None, None
            if is_report or pdf:
                try:
                    pdf_data = convert.to_pdf(docx)
                except convert.ConversionFailed as exception:
                    reason = gettext(
                        f'klachten_report.msg_conversion_{exception.reason}')
                    logger.warning("PDF of %s for %s failed: %s",
                        kind, complaint.id, exception)
                    if is_report:
                        raise ConversionError(gettext(
                                'klachten_report.msg_report_pdf_failed',
                                complaint=complaint.rec_name,
                                reason=reason),
                            exception.detail[:500]) from exception
                    key = Warning.format(
                        f'klachten_report.letter_pdf.{kind}.{version}',
                        [complaint])
                    if interactive and Warning.check(key):
                        raise LetterPDFWarning(key, gettext(
                                'klachten_report.msg_letter_pdf_failed',
                                complaint=complaint.rec_name,
                                letter=cls._kind_string(kind),
                                reason=reason)) from exception
                    pdf_error = reason
            documents.append(cls._store(complaint, kind, language, version,
                    name, None if is_report else docx, pdf_data, pdf_error,
                    state, record))
        return documents

    @classmethod
    def _render(cls, kind, language, values):
        Template = Pool().get('klachten.document.template')
        try:
            return render.render(Template.content(kind, language), values)
        except render.TemplateInvalid as exception:
            raise TemplateError(gettext(
                    'klachten_report.msg_template_render',
                    template=cls._kind_string(kind),
                    language=language,
                    detail=exception.detail[:200])) from exception

    @classmethod
    def _kind_string(cls, kind):
        return dict(cls.fields_get(['kind'])['kind']['selection'])[kind]

    @classmethod
    def _next_version(cls, complaint, kind):
        with without_check_access():
            earlier = cls.search([
                    ('complaint', '=', complaint.id),
                    ('kind', '=', kind),
                    ], order=[('version', 'DESC')], limit=1)
        return earlier[0].version + 1 if earlier else 1

    @classmethod
    def _file_name(cls, complaint, kind, language, version):
        with Transaction().set_context(language=language):
            label = cls._kind_string(kind)
            # read again: the step may just have given the number
            complaint = complaint.__class__(complaint.id)
        number = complaint.number or str(complaint.id)
        return f'{slug(number)}-{slug(label)}-v{version}'

    @classmethod
    def _store(cls, complaint, kind, language, version, name, docx, pdf,
            pdf_error, state, record=None, values=None):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        attachments = {}
        for extension, data in [('docx', docx), ('pdf', pdf)]:
            if data:
                attachments[extension] = Attachment(
                    resource=complaint, name=f'{name}.{extension}',
                    type='data', data=data)
        with without_check_access():
            Attachment.save(list(attachments.values()))
            # an earlier letter waiting to be printed must not be posted
            # too when this one replaces it or tells of a later phase
            if state == 'to_print':
                cls.withdraw([complaint], keep=LETTER_PHASES[kind],
                    kind=kind if kind in REPLACING else None)
            document, = cls.create([{
                        'complaint': complaint.id,
                        'kind': kind,
                        'language': language,
                        'version': version,
                        'name': name,
                        'state': state,
                        'docx': getattr(attachments.get('docx'), 'id', None),
                        'pdf': getattr(attachments.get('pdf'), 'id', None),
                        'pdf_error': pdf_error,
                        'information_request': record.id if getattr(
                            record, '__name__', None)
                        == 'klachten.information.request' else None,
                        **(values or {}),
                        }])
        return document

    @classmethod
    def withdraw(cls, complaints, keep=None, kind=None):
        """Supersede the unsent letters of complaints that no longer hold:
        those of kind, and those of a phase the complaint has left (all
        when keep is None) but the acknowledgement, which stays true"""
        def outdated(letter):
            return (letter.kind == kind or keep is None
                or (letter.kind not in LASTING
                    and LETTER_PHASES[letter.kind] != keep))
        with without_check_access():
            letters = cls.search([
                    ('complaint', 'in', [c.id for c in complaints]),
                    ('kind', 'in', list(LETTER_KINDS)),
                    ('state', 'in', ['to_print', 'made']),
                    ('masked', '=', False),
                    ])
            cls.superseded([d for d in letters if outdated(d)])

    @classmethod
    def withdraw_letters_of(cls, requests):
        "Supersede the unsent letters of requests closed without an answer"
        with without_check_access():
            cls.superseded(cls.search([
                        ('information_request', 'in',
                            [r.id for r in requests]),
                        ('state', 'in', ['to_print', 'made']),
                        ('masked', '=', False),
                        ]))

    @classmethod
    @Workflow.transition('superseded')
    def superseded(cls, documents):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('sent')
    def mark_sent(cls, documents):
        "The letter was printed and posted"
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        today = pool.get('ir.date').today()
        with without_check_access():
            cls.write(documents, {'sent_date': today})
            # a later letter may have superseded the acknowledgement
            acknowledged = [d.complaint for d in documents
                if d.kind in ACKNOWLEDGING
                and not d.complaint.acknowledged_on]
            if acknowledged:
                Complaint.write(acknowledged, {'acknowledged_on': today})

    @classmethod
    @ModelView.button
    def make_pdf(cls, documents):
        "Make the PDF of a letter whose PDF could not be made before"
        Attachment = Pool().get('ir.attachment')
        for document in documents:
            if document.pdf or not document.docx:
                continue
            try:
                pdf = convert.to_pdf(bytes(document.docx.data))
            except convert.ConversionFailed as exception:
                raise ConversionError(gettext(
                        'klachten_report.msg_document_pdf_failed',
                        document=document.name,
                        reason=gettext('klachten_report.msg_conversion_'
                            + exception.reason)),
                    exception.detail[:500]) from exception
            attachment = Attachment(resource=document.complaint,
                name=f'{document.name}.pdf', type='data', data=pdf)
            with without_check_access():
                attachment.save()
                cls.write([document], {
                        'pdf': attachment.id,
                        'pdf_error': None,
                        })

    # Publishing
    @classmethod
    @ModelView.button
    def make_masked(cls, documents):
        """Make a publishable copy of each document, kept beside it, with
        the personal data of its complaint masked"""
        for document in documents:
            if not document.masked:
                cls._make_masked(document)

    @classmethod
    def _make_masked(cls, document):
        complaint = document.complaint
        with Transaction().set_context(language=document.language):
            mask = gettext('klachten_report.msg_masked')
            label = gettext('klachten_report.msg_masked_name')
        scrub = masking.Scrubber(cls._masked_values(complaint), mask,
            keep=cls._kept_values(complaint))
        if document.docx:
            docx = bytes(document.docx.data)
        else:
            # the report keeps its PDF only: made again from its template
            docx = cls._render(document.kind, document.language,
                complaint.document_values(document.language,
                    record=document.information_request))
        docx = masking.mask_docx(docx, scrub)
        pdf, pdf_error = None, None
        try:
            pdf = convert.to_pdf(docx)
        except convert.ConversionFailed as exception:
            logger.warning("PDF of the masked copy of %s failed: %s",
                document.id, exception)
            pdf_error = gettext(
                f'klachten_report.msg_conversion_{exception.reason}')
        return cls._store(complaint, document.kind, document.language,
            cls._next_version(complaint, document.kind),
            f'{document.name}-{slug(label)}', docx, pdf, pdf_error, 'made',
            document.information_request, values={
                'masked': True,
                'original': document.id,
                })

    @classmethod
    def _masked_values(cls, complaint):
        """The values that name or reach a person of complaint: an override
        point for modules that know more"""
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        values = set()
        with without_check_access(), Transaction().set_context(
                active_test=False):
            complaint = Complaint(complaint.id)
            for party in [complaint.complainant, complaint.representative]:
                values |= cls._party_values(party)
            user = complaint.concerned_user
            if user:
                values |= masking.person_values(user.name)
                values |= masking.text_values(user.email)
                values |= cls._party_values(getattr(user, 'party', None))
            for field in ['complainant_email', 'complainant_phone']:
                values |= masking.text_values(getattr(complaint, field))
            for request in complaint.information_requests:
                if request.recipient == 'third_party':
                    values |= masking.person_values(request.name)
                values |= masking.text_values(request.email)
                values |= masking.text_values(getattr(request, 'street', None))
            for advice in complaint.report_advice():
                values |= masking.person_values(advice.get('advisor'))
            data = {}
            Complaint._personal_data([complaint], data, [])
            values |= masking.identity_values(data)
        return values

    @classmethod
    def _party_values(cls, party):
        if not party:
            return set()
        values = masking.person_values(party.name)
        for mechanism in party.contact_mechanisms:
            values |= masking.text_values(mechanism.value)
        for address in party.addresses:
            values |= masking.person_values(address.party_name)
            values |= {line.strip()
                for line in (address.street or '').splitlines()
                if len(line.strip()) >= masking.MIN_LENGTH}
        return values

    @classmethod
    def _kept_values(cls, complaint):
        "The municipality's own e-mail addresses and phone numbers"
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        with without_check_access():
            config = Configuration(1)
            kept = set()
            for text in [config.coordinator_contact, config.ombudsman]:
                kept |= masking.contact_values(text)
            for mechanism in complaint.company.party.contact_mechanisms:
                kept.add(mechanism.value or '')
        return kept
