# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizens' pages, under /<database>/portal/.

Every route runs without a Tryton user (as root, without access rules):
each one decides itself what the request may see and do."""
from werkzeug.exceptions import NotFound

from trytond.protocols.wrappers import Response, with_pool
from trytond.wsgi import app

from . import intake, links, status, survey, web

app.wsgi_app = web.refusal_middleware(app.wsgi_app)


@app.route('/<database_name>/portal/complaint', methods=['GET', 'POST'])
@web.page()
@with_pool
def complaint(request, pool):
    return intake.handle(request, pool)


@app.route('/<database_name>/portal/complaint/receipt/<key>',
    methods=['GET'])
@web.page(token_page=True)
@with_pool
def receipt(request, pool, key):
    return intake.receipt(request, pool, key)


@app.route('/<database_name>/portal/information/<token>',
    methods=['GET', 'POST'])
@web.page(token_page=True)
@with_pool
def information(request, pool, token):
    return links.information(request, pool, token)


@app.route('/<database_name>/portal/feedback/<token>',
    methods=['GET', 'POST'])
@web.page(token_page=True)
@with_pool
def feedback(request, pool, token):
    return links.feedback(request, pool, token)


@app.route('/<database_name>/portal/status/<token>', methods=['GET'])
@web.page(token_page=True)
@with_pool
def complaint_status(request, pool, token):
    return status.status(request, pool, token)


@app.route('/<database_name>/portal/survey/<token>',
    methods=['GET', 'POST'])
@web.page(token_page=True)
@with_pool
def satisfaction_survey(request, pool, token):
    return survey.survey(request, pool, token)


@app.route('/<database_name>/portal/thanks/<kind>', methods=['GET'])
@web.page()
def thanks(request, database_name, kind):
    return links.thanks(request, kind)


@app.route('/<database_name>/portal/static/portal.css', methods=['GET'])
@web.page()
def stylesheet(request, database_name):
    path = web.HERE / 'static' / 'portal.css'
    if not path.is_file():
        raise NotFound()
    response = Response(path.read_bytes(), mimetype='text/css')
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response
