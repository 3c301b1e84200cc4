# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizens' pages, under /<database>/portal/: every address of the
portal, each calling its page (pages/).

Every route runs without a Tryton user (as root, without access rules):
each page decides itself what the request may see and do.  web.page turns
errors into pages in the citizen's language and answers 404 in a database
without the portal; with_transaction() gives the page its transaction
(read-only for a GET).  The few pages without it run several transactions
on purpose, said at their page."""
from werkzeug.exceptions import NotFound

from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.wsgi import app

from .pages import account, choose, complaint, links, status, survey, web

app.wsgi_app = web.refusal_middleware(app.wsgi_app)
PORTAL = '/<database_name>/portal'
ACCOUNT = f'{PORTAL}/account'


# The first step: what does the citizen want to do (nothing is filed)
@app.route(f'{PORTAL}/choose', methods=['GET', 'POST'])
@web.page()
@with_pool
@web.requires()
@with_transaction()
def choose_form(request, pool):
    return choose.choose(request, pool)


@app.route(f'{PORTAL}/choose/<kind>', methods=['GET'])
@web.page()
@with_pool
@web.requires()
@with_transaction()
def elsewhere(request, pool, kind):
    return choose.elsewhere(request, pool, kind)


# The complaint form
@app.route(f'{PORTAL}/complaint', methods=['GET', 'POST'])
@web.page()
@with_pool
@web.requires()
@with_transaction()
def complaint_form(request, pool):
    return complaint.handle(request, pool)


@app.route(f'{PORTAL}/complaint/receipt/<key>', methods=['GET'])
@web.page(token_page=True)
@with_pool
@web.requires()
@with_transaction()
def receipt(request, pool, key):
    return complaint.receipt(request, pool, key)


# The e-mailed links
@app.route(f'{PORTAL}/information/<token>', methods=['GET', 'POST'])
@web.page(token_page=True)
@with_pool
@web.requires()
@with_transaction()
def information(request, pool, token):
    return links.information(request, pool, token)


@app.route(f'{PORTAL}/feedback/<token>', methods=['GET', 'POST'])
@web.page(token_page=True)
@with_pool
@web.requires()
@with_transaction()
def feedback(request, pool, token):
    return links.feedback(request, pool, token)


@app.route(f'{PORTAL}/status/<token>', methods=['GET'])
@web.page(token_page=True)
@with_pool
@web.requires()
def complaint_status(request, pool, token):
    # three transactions: see status.status
    return status.status(request, pool, token)


@app.route(f'{PORTAL}/survey/<token>', methods=['GET', 'POST'])
@web.page(token_page=True)
@with_pool
@web.requires()
@with_transaction()
def satisfaction_survey(request, pool, token):
    return survey.survey(request, pool, token)


@app.route(f'{PORTAL}/thanks/<kind>', methods=['GET'])
@web.page()
@with_pool
@web.requires()
@with_transaction()
def thanks(request, pool, kind):
    return links.thanks(request, kind)


@app.route(f'{PORTAL}/static/portal.css', methods=['GET'])
@web.page()
@with_pool
@web.requires()
def stylesheet(request, pool):
    path = web.HERE / 'static' / 'portal.css'
    if not path.is_file():
        raise NotFound()
    response = Response(path.read_bytes(), mimetype='text/css')
    response.headers['Cache-Control'] = 'public, max-age=3600'
    return response


# Accounts
@app.route(ACCOUNT, methods=['GET'])
@web.page()
@with_pool
@web.requires()
@with_transaction()
def account_complaints(request, pool):
    return account.complaints(request, pool)


@app.route(f'{ACCOUNT}/complaint/<number>', methods=['GET'])
@web.page()
@with_pool
@web.requires()
@with_transaction()
def account_complaint(request, pool, number):
    return account.complaint(request, pool, number)


@app.route(f'{ACCOUNT}/register', methods=['GET', 'POST'])
@web.page()
@with_pool
@web.requires()
def account_register(request, pool):
    # its transactions: see account.register
    return account.register(request, pool)


@app.route(f'{ACCOUNT}/sent/<kind>', methods=['GET'])
@web.page()
@with_pool
@web.requires()
@with_transaction()
def account_sent(request, pool, kind):
    return account.sent(request, kind)


@app.route(f'{ACCOUNT}/validate/<token>', methods=['GET', 'POST'])
@web.page(token_page=True)
@with_pool
@web.requires()
def account_validate(request, pool, token):
    # its transactions: see account.validate
    return account.validate(request, pool, token)


@app.route(f'{ACCOUNT}/login', methods=['GET', 'POST'])
@web.page()
@with_pool
@web.requires()
def account_login(request, pool):
    # its transactions: see account.login
    return account.login(request, pool)


@app.route(f'{ACCOUNT}/logout', methods=['POST'])
@web.page()
@with_pool
@web.requires()
@with_transaction()
def account_logout(request, pool):
    return account.logout(request, pool)


@app.route(f'{ACCOUNT}/reset', methods=['GET', 'POST'])
@web.page()
@with_pool
@web.requires()
def account_reset_request(request, pool):
    # its transactions: see account.reset_request
    return account.reset_request(request, pool)


@app.route(f'{ACCOUNT}/reset/<token>', methods=['GET', 'POST'])
@web.page(token_page=True)
@with_pool
@web.requires()
@with_transaction()
def account_reset(request, pool, token):
    return account.reset(request, pool, token)
