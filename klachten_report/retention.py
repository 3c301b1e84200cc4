# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What klachten_report holds about a complainant, for retention and
access requests (klachten_base's retention hooks): the letters and
reports made for the complaint (Word and PDF, every version) and the
structural measure's text.  The norms, the outcome and whether it was
resolved stay: the yearly report and the Woo export count them."""
from klachten_base.retention import REDACTED, delete_files
from trytond.pool import Pool, PoolMeta
from trytond.transaction import without_check_access


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    @classmethod
    def _anonymise(cls, complaints):
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Document = pool.get('klachten.document')
        with without_check_access():
            # first: the documents hold on to their files
            documents = Document.search([
                    ('complaint', 'in', [c.id for c in complaints]),
                    ])
            files = [a for d in documents for a in [d.docx, d.pdf] if a]
            Document.delete(documents)
            delete_files(Attachment, files)
            measured = [c for c in complaints if c.structural_measure]
            if measured:
                cls.write(measured, {'structural_measure': REDACTED})
        super()._anonymise(complaints)

    @classmethod
    def _personal_data(cls, complaints, data, files):
        super()._personal_data(complaints, data, files)
        Document = Pool().get('klachten.document')
        with without_check_access():
            documents = Document.search([
                    ('complaint', 'in', [c.id for c in complaints]),
                    ])
            data['documents'] = [{
                    'complaint': d.complaint.number,
                    'kind': d.kind,
                    'version': d.version,
                    'name': d.name,
                    'state': d.state,
                    'sent_date': (d.sent_date.isoformat()
                        if d.sent_date else None),
                    } for d in documents]
        for complaint in complaints:
            if complaint.structural_measure:
                data.setdefault('structural_measures', []).append({
                        'complaint': complaint.number,
                        'structural_measure': complaint.structural_measure,
                        })
