# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The pages of e-mailed links: answer an information request, agree or
disagree with a decision.

Opening a link (GET) shows its page and never uses it up: mail scanners
open links too.  Sending its form (POST, with the CSRF token) acts once.
A token is looked up by its hash and purpose only; the URL names no
record, so a link cannot reach another record than its own.  The other
link pages (status, survey, the adviser's page) use find_link, open_link
and serve."""
from werkzeug.exceptions import BadRequest, Gone, NotFound
from werkzeug.utils import redirect

from klachten_base.model import take_write_lock
from trytond import backend

from .. import messages
from . import forms, web
from .forms import Intake

ANSWER_MAX = 10000
COMMENT_MAX = 5000


def find_link(pool, token, purpose, lock=False):
    """The link of token for purpose and its record, whatever their state;
    refused with 404 when unknown.  With lock, take SQLite's write lock
    first (a POST that will use the link up)."""
    Token = pool.get('klachten.portal.token')
    if lock and backend.name == 'sqlite':
        take_write_lock(Token)
    link = Token.find(token, purpose)
    if link is None or link.resource is None:
        raise NotFound()
    return link, link.resource


def open_link(pool, token, purpose, lock=False):
    """The link of token for purpose and its record, refused with 404 when
    unknown and 410 when used, expired or revoked"""
    link, record = find_link(pool, token, purpose, lock=lock)
    if not link.usable or not _open(record, purpose):
        raise Gone()
    return link, record


def _open(record, purpose):
    if purpose == 'status':
        return True
    if purpose == 'survey':
        return record.state == 'closed'
    if purpose == 'information':
        return record.state == 'requested' and record.complaint.state not in {
            'closed', 'cancelled'}
    return record.state == 'feedback'


def thanks_redirect(request, pool, kind, lang):
    "Send the browser on to the thanks page of kind (303)"
    return redirect(
        f'{web.root(request, pool.database_name)}/thanks/{kind}?lang={lang}',
        code=303)


def serve(request, pool, token, show, post):
    """Answer a link's page in the route's transaction (with_transaction:
    read-only for a GET, retried for a POST): a GET calls show(lang) and
    never uses the link up, a POST checks the CSRF token and calls
    post(request, pool, token, lang)"""
    lang = web.language(request)
    if request.method == 'GET':
        return show(lang)
    web.check_csrf(request)
    return post(request, pool, token, lang)


# Information requests
def information(request, pool, token):
    def show(lang):
        link, record = open_link(pool, token, 'information')
        return information_page(request, lang, record, Intake({}))
    return serve(request, pool, token, show, _information_post)


def _information_post(request, pool, token, lang):
    link, record = open_link(pool, token, 'information', lock=True)
    intake = forms.read_answer(request, lang, ANSWER_MAX)
    if intake.errors:
        return information_page(request, lang, record, intake, status=400)
    _answer(pool, link, record, intake)
    return thanks_redirect(request, pool, 'information', lang)


def information_page(request, lang, record, intake, status=200):
    return web.render(request, 'information.html', lang, status=status,
        token_page=True, record=record, number=record.complaint.number,
        intake=intake, limits=forms.limits(),
        format_size=lambda s: messages.format_size(lang, s))


def _answer(pool, link, record, intake):
    Attachment = pool.get('ir.attachment')
    Request = pool.get('klachten.information.request')
    Token = pool.get('klachten.portal.token')
    if not Token.claim(link):
        raise Gone()
    Request.answer_from_portal(record, intake.values['answer'])
    description = "Sent with the answer to: " + record.question[:200]
    Attachment.create([{
                'resource': str(record.complaint),
                'name': name,
                'type': 'data',
                'data': data,
                'description': description,
                } for name, data, description
            in intake.attachments(description)])


# Feedback on a decision
def feedback(request, pool, token):
    def show(lang):
        link, complaint = open_link(pool, token, 'feedback')
        return feedback_page(request, lang, complaint, Intake({}))
    return serve(request, pool, token, show, _feedback_post)


def _feedback_post(request, pool, token, lang):
    link, complaint = open_link(pool, token, 'feedback', lock=True)
    choice = request.form.get('choice', '')
    comment = web.form_value(request, 'comment', COMMENT_MAX)
    if choice not in {'', 'agree', 'disagree'}:
        raise BadRequest()
    intake = Intake({'choice': choice, 'comment': comment})
    if not choice:
        intake.error('choice', messages.gettext(lang, 'err_choice'))
    elif choice == 'disagree' and not comment:
        intake.error('comment', messages.gettext(lang, 'err_comment'))
    if len(comment) > COMMENT_MAX:
        intake.error('comment', messages.gettext(
                lang, 'err_too_long', max=COMMENT_MAX))
    if intake.errors:
        return feedback_page(request, lang, complaint, intake, status=400)
    Complaint = pool.get('klachten.complaint')
    if not pool.get('klachten.portal.token').claim(link):
        raise Gone()
    if choice == 'agree':
        Complaint.agree([complaint])
    else:
        Complaint.disagree([complaint], comment)
    return thanks_redirect(request, pool, choice, lang)


def feedback_page(request, lang, complaint, intake, status=200):
    if complaint.admissibility == 'inadmissible':
        decision = complaint.admissibility_motivation
    else:
        # the back office's conclusion is not the complainant's to read
        decision = complaint.reply
    return web.render(request, 'feedback.html', lang, status=status,
        token_page=True, number=complaint.number, decision=decision,
        feedback_due=complaint.feedback_due, intake=intake)


THANKS = {
    'information': 'information_done',
    'agree': 'feedback_done_agree',
    'disagree': 'feedback_done_disagree',
    'survey': 'survey_done',
    }


def add_thanks(kind, text_key):
    "Show text_key on the thanks page of kind (another module's link)"
    THANKS.setdefault(kind, text_key)


def thanks(request, kind):
    if kind not in THANKS:
        raise NotFound()
    lang = web.language(request)
    return web.render(request, 'thanks.html', lang, text_key=THANKS[kind])
