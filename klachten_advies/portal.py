# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The external advisor's page, behind the e-mailed link.

The same rules as the portal's other links (klachten_portal.pages.links):
the token is looked up by its hash and purpose only, opening it (GET) never
uses it up, sending the form (POST, with the CSRF token) answers once.
The page shows only what the requester chose to share.

This module is imported only where klachten_portal is installed (see
routes.py): it is built on the portal's toolkit for pages, and answers
only where both modules are activated."""
from pathlib import Path

from werkzeug.exceptions import Gone

from klachten_portal import messages
from klachten_portal.pages import forms, links, web
from klachten_portal.pages.forms import Intake
from trytond.protocols.wrappers import with_pool, with_transaction
from trytond.transaction import Transaction

from . import messages as advice_messages
from .exceptions import AdviceClosedError

ANSWER_MAX = 20000
TEMPLATES = Path(__file__).resolve().parent / 'templates'
# the page answers only where both are activated
MODULES = ('klachten_advies', 'klachten_portal')

# this module's templates, texts and thanks page join the portal's
web.add_templates(TEMPLATES)
advice_messages.register()
links.add_thanks('advice', 'advice_done')


@web.page(token_page=True, modules=MODULES)
@with_pool
@web.requires(*MODULES)
@with_transaction()
def route(request, pool, token):
    return advice(request, pool, token)


def _link(pool, token, lock=False):
    """The link of token and its advice request: 404 when unknown; the
    request is returned whatever its state"""
    return links.find_link(pool, token, 'advice', lock=lock)


def _closed_page(request, lang, record, unsent=None):
    "The page of a request that no longer takes advice (410)"
    if record.state == 'answered':
        title, text = 'advice_answered_title', 'advice_answered_text'
    elif record.state == 'withdrawn':
        title = 'advice_withdrawn_title'
        text = f'advice_withdrawn_{record.withdrawal or "requester"}'
    else:
        title, text = 'advice_expired_title', 'advice_expired_text'
    return web.render(request, 'advice_closed.html', lang, status=410,
        token_page=True, title_key=title, text_key=text, unsent=unsent)


def _check(link):
    "Refuse (410) a link that was used, revoked or has expired"
    if not link.usable:
        raise Gone()


def shared(record):
    "What the requester chose to show the advisor"
    complaint = record.complaint
    result = {'description': None, 'report': None, 'contact': None}
    if record.share_description:
        result.update({
                'description': complaint.description or '',
                'short_description': complaint.short_description,
                'incident_date': complaint.incident_date,
                })
    if record.share_report:
        result['report'] = complaint.report or ''
    if record.share_contact and not complaint.anonymous:
        party = complaint.complainant
        result['contact'] = {
            'name': party.name if party else None,
            'email': complaint.complainant_email,
            'phone': complaint.complainant_phone,
            'address': complaint.complainant_address,
            }
    return result


def page(request, lang, record, intake, status=200):
    return web.render(request, 'advice.html', lang, status=status,
        token_page=True, advice=record, number=record.complaint.number,
        shared=shared(record), intake=intake, limits=forms.limits(),
        format_size=lambda s: messages.format_size(lang, s))


def advice(request, pool, token):
    def show(lang):
        link, record = _link(pool, token)
        if record.state != 'requested':
            return _closed_page(request, lang, record)
        _check(link)
        return page(request, lang, record, Intake({}))
    return links.serve(request, pool, token, show, _post)


def _post(request, pool, token, lang):
    "Answer the request (in the route's transaction, retried)"
    link, record = _link(pool, token, lock=True)
    answer = web.form_value(request, 'answer', ANSWER_MAX)
    if record.state != 'requested':
        return _closed_page(request, lang, record, unsent=answer)
    _check(link)
    intake = forms.read_answer(
        request, lang, ANSWER_MAX, 'err_advice', answer=answer)
    if intake.errors:
        return page(request, lang, record, intake, status=400)
    Token = pool.get('klachten.portal.token')
    Request = pool.get('klachten.advice.request')
    if not Token.claim(link):
        raise Gone()
    files = [(name, upload.data)
        for name, upload in forms.unique_names(intake.uploads)]
    try:
        Request.give_answer(record, answer, files, via='portal')
    except AdviceClosedError:
        Transaction().rollback()
        record = Request(record.id)
        return _closed_page(request, lang, record, unsent=answer)
    return links.thanks_redirect(request, pool, 'advice', lang)
