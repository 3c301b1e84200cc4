# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The page of the satisfaction survey's e-mailed link: a score from 1 to 5
and a comment, answered once."""
from werkzeug.exceptions import Gone

from trytond import backend
from trytond.model.exceptions import SQLConstraintError
from trytond.transaction import without_check_access

from .. import messages
from . import web
from .forms import Intake
from .links import open_link, serve, thanks_redirect

SCORES = ['1', '2', '3', '4', '5']
COMMENT_MAX = 5000


def survey(request, pool, token):
    def show(lang):
        link, complaint = _open_link(pool, token)
        return survey_page(request, lang, complaint, Intake({}))
    return serve(request, pool, token, show, _survey_post)


def _open_link(pool, token, lock=False):
    "The link and its closed complaint, refused when already answered"
    link, complaint = open_link(pool, token, 'survey', lock=lock)
    Answer = pool.get('klachten.survey.answer')
    if Answer.search([('complaint', '=', complaint.id)], limit=1):
        raise Gone()
    return link, complaint


def read(request, lang):
    "The Intake of the survey's form, checked"
    score = request.form.get('score', '')
    comment = web.form_value(request, 'comment', COMMENT_MAX)
    intake = Intake({'score': score, 'comment': comment})
    if score not in SCORES:
        intake.error('score', messages.gettext(lang, 'err_score'))
    if len(comment) > COMMENT_MAX:
        intake.error('comment', messages.gettext(
                lang, 'err_too_long', max=COMMENT_MAX))
    return intake


def _survey_post(request, pool, token, lang):
    Answer = pool.get('klachten.survey.answer')
    Token = pool.get('klachten.portal.token')
    link, complaint = _open_link(pool, token, lock=True)
    intake = read(request, lang)
    if intake.errors:
        return survey_page(request, lang, complaint, intake, status=400)
    if not Token.claim(link):
        raise Gone()
    try:
        with without_check_access():
            Answer.create([{
                        'complaint': complaint.id,
                        'score': int(intake.values['score']),
                        'comment': intake.values['comment'] or None,
                        'date': pool.get('ir.date').today(),
                        }])
    except (backend.DatabaseIntegrityError, SQLConstraintError):
        # answered through another link in a concurrent transaction
        raise Gone()
    return thanks_redirect(request, pool, 'survey', lang)


def survey_page(request, lang, complaint, intake, status=200):
    return web.render(request, 'survey.html', lang, status=status,
        token_page=True, number=complaint.number,
        scores=[(s, f'survey_score_{s}') for s in SCORES],
        intake=intake)
