# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Word document of the draft decision, from klachten_report's
replaceable templates (registered only where klachten_report is
activated: without it, the package has a plain-text decision)."""
import re
import unicodedata
from pathlib import Path

from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

TEMPLATES = Path(__file__).resolve().parent / 'templates'
KIND = 'draft_decision'
LANGUAGES = {'nl', 'fr', 'en'}


class DocumentTemplate(metaclass=PoolMeta):
    __name__ = 'klachten.document.template'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        kind = (KIND, "Draft Decision")
        if kind not in cls.kind.selection:
            # a new list: klachten_report's KINDS is shared with its letters
            cls.kind.selection = cls.kind.selection + [kind]

    @classmethod
    def template_path(cls, kind, language):
        if kind == KIND:
            return TEMPLATES / f'{kind}.{language}.docx'
        return super().template_path(kind, language)


class Proposal(metaclass=PoolMeta):
    __name__ = 'klachten.notula.proposal'

    @classmethod
    def make_documents(cls, proposals):
        super().make_documents(proposals)
        for proposal in proposals:
            if proposal.state == 'draft':
                proposal._make_document()

    def _make_document(self):
        "Render the template in the user's language; keep it on the record"
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Template = pool.get('klachten.document.template')
        language = language_of(Transaction().language)
        data = Template.render_document(
            KIND, language, self.document_values(language))
        number = slug(self.origin_number)
        name = slug(gettext('klachten_notula.msg_document_name'))
        attachment = Attachment(resource=self,
            name=f'{number}-{name}.docx', type='data', data=data)
        with without_check_access():
            attachment.save()
            self.__class__.write([self], {'document': attachment.id})

    def document_values(self, language):
        """The values the template shows: the complaint's and the draft
        decision's, as text in language"""
        values = self.complaint.document_values(language)
        with Transaction().set_context(language=language):
            proposal = self.__class__(self.id)
            complaint = proposal.complaint
            personal = proposal.personal_data and not complaint.anonymous
            values.update({
                    'title': proposal.title,
                    'body': proposal.body.rec_name,
                    'motivation': proposal.motivation,
                    'decision_proposal': proposal.decision_proposal,
                    'attachments': [a.name for a in proposal.attachments],
                    'complainant': (complaint.complainant.rec_name
                        if personal and complaint.complainant else ''),
                    'complainant_address': (
                        complaint.complainant_address or ''
                        if personal else ''),
                    'complainant_email': (
                        complaint.complainant_email or ''
                        if personal else ''),
                    })
        return values


def language_of(code):
    "The template language of a Tryton language code (nl_BE -> nl)"
    code = (code or '').split('_')[0].split('-')[0].lower()
    return code if code in LANGUAGES else 'nl'


def slug(value):
    value = unicodedata.normalize('NFKD', value).encode(
        'ascii', 'ignore').decode('ascii')
    return re.sub(r'[^A-Za-z0-9]+', '-', value).strip('-').lower()


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    def agenda_default_attachments(self):
        "The latest PDF of the investigation report"
        Document = Pool().get('klachten.document')
        with without_check_access():
            reports = Document.search([
                    ('complaint', '=', self.id),
                    ('kind', '=', 'investigation_report'),
                    ('pdf', '!=', None),
                    ], order=[('version', 'DESC')], limit=1)
        return super().agenda_default_attachments() + [
            r.pdf for r in reports]
