# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What a draft decision hands to the agenda system: its document, its
attachments and its OSLO Besluit description.

The manual connector packs them in a zip that the coordinator uploads into
Notula (make_package); the HTTP connector sends the same files and the same
description in its JSON (see doc/contract.rst).  The complainant's personal
data are in neither unless the proposal says so (personal_data)."""
import io
import json
import mimetypes
import re
import uuid
import zipfile

from trytond.pool import Pool

OSLO_CONTEXT = (
    'https://data.vlaanderen.be/doc/applicatieprofiel/besluit-publicatie/')
DOCX = ('application/vnd.openxmlformats-officedocument'
    '.wordprocessingml.document')
TEXT = 'text/plain; charset=utf-8'
DOCUMENT = 'ontwerpbesluit'
ATTACHMENTS = 'bijlagen/'
DESCRIPTION = 'besluit.json'


def safe_name(name, default='bijlage'):
    "name as a plain file name: no folder, no control character"
    name = re.sub(r'[\x00-\x1f\x7f/\\:]+', '_', name or '').strip(' .')
    return name or default


def unique_names(names):
    """names made unique, in order: a second 'a.pdf' becomes
    'a (2).pdf'"""
    seen, result = set(), []
    for name in names:
        stem, dot, extension = name.rpartition('.')
        if not dot or not stem:
            stem, dot, extension = name, '', ''
        candidate, count = name, 1
        while candidate.lower() in seen:
            count += 1
            candidate = f'{stem} ({count}){dot}{extension}'
        seen.add(candidate.lower())
        result.append(candidate)
    return result


def content_type(name):
    return mimetypes.guess_type(name)[0] or 'application/octet-stream'


def field_strings(model, names):
    "The strings of the fields of model, in the user's language"
    Model = Pool().get(model)
    definitions = Model.fields_get(names)
    return {n: definitions[n]['string'] for n in names}


def complainant_data(proposal):
    """The complainant's name, address and e-mail as {label: value}, for
    the proposals that include them (personal_data); {} otherwise"""
    complaint = proposal.complaint
    if (not complaint or not proposal.personal_data or complaint.anonymous
            or not complaint.complainant):
        return {}
    return {
        'naam': complaint.complainant.rec_name,
        'adres': complaint.complainant_address,
        'email': complaint.complainant_email,
        }


def text(proposal):
    "The draft decision as plain text, when there is no Word document"
    labels = field_strings('klachten.notula.proposal', [
            'body', 'title', 'motivation', 'decision_proposal'])
    parts = [
        proposal.title,
        f"{labels['body']}: {proposal.body.rec_name}",
        f"{labels['motivation']}\n\n{proposal.motivation or ''}",
        f"{labels['decision_proposal']}\n\n"
        f"{proposal.decision_proposal or ''}",
        ]
    personal = complainant_data(proposal)
    if personal:
        complaint_labels = field_strings('klachten.complaint', [
                'complainant', 'complainant_address', 'complainant_email'])
        parts.append('\n'.join(f'{label}: {value}'
                for label, value in zip(complaint_labels.values(),
                    personal.values()) if value))
    return '\n\n'.join(parts) + '\n'


def main_document(proposal):
    """The draft decision's document as (name, content type, data): the
    Word document, or plain text without one"""
    document = proposal.document
    if document and document.data:
        return f'{DOCUMENT}.docx', DOCX, bytes(document.data)
    return f'{DOCUMENT}.txt', TEXT, text(proposal).encode('utf-8')


def attachments(proposal):
    """The chosen attachments with data as [(name, content type, data)],
    their names made safe and unique"""
    chosen = [a for a in proposal.attachments if a.data]
    names = unique_names([safe_name(a.name) for a in chosen])
    return [(name, content_type(name), bytes(a.data))
        for name, a in zip(names, chosen)]


def oslo(proposal):
    """The draft decision as OSLO Besluit (besluit-publicatie) JSON-LD:
    the treatment of an agenda item with its decision"""
    identifier = proposal.uuid
    urn = uuid.UUID(identifier).urn
    body = {
        '@type': 'Bestuursorgaan',
        'code': proposal.body.code,
        'naam': proposal.body.name,
        }
    if proposal.body.oslo_uri:
        body['@id'] = proposal.body.oslo_uri
    dossier = proposal.oslo_dossier()
    personal = complainant_data(proposal)
    if personal:
        dossier['verzoeker'] = personal
    return {
        '@context': OSLO_CONTEXT,
        '@type': 'BehandelingVanAgendapunt',
        '@id': urn,
        'identifier': identifier,
        'onderwerp': {
            '@type': 'Agendapunt',
            '@id': f'{urn}#agendapunt',
            'titel': proposal.title,
            'beschrijving': proposal.motivation,
            },
        'heeftAlsGevolg': {
            '@type': 'Besluit',
            '@id': f'{urn}#besluit',
            'citeeropschrift': proposal.title,
            'motivering': proposal.motivation,
            'beschrijving': proposal.decision_proposal,
            'bestuursorgaan': body,
            },
        'dossier': dossier,
        }


def files(proposal):
    """The files of the draft decision as [(name, content type, data)]:
    its document first, then the attachments under bijlagen/"""
    name, type_, data = main_document(proposal)
    return [(name, type_, data)] + [
        (ATTACHMENTS + n, t, d) for n, t, d in attachments(proposal)]


def package_name(proposal):
    return safe_name(
        f'{DOCUMENT}-{proposal.origin_number}.zip')


def make_package(proposal):
    """The zip the coordinator uploads into Notula: (file name, bytes)
    with the document, bijlagen/ and besluit.json"""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w', zipfile.ZIP_DEFLATED) as archive:
        for name, _, data in files(proposal):
            archive.writestr(name, data)
        archive.writestr(DESCRIPTION, json.dumps(
                oslo(proposal), ensure_ascii=False, indent=2))
    return package_name(proposal), buffer.getvalue()
