# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The external advisor's page, under /<database>/portal/advice/.

It runs without a Tryton user (as root, without access rules): the
token alone decides which advice request it shows."""
from klachten_portal import web
from trytond.protocols.wrappers import with_pool
from trytond.wsgi import app

from . import portal

portal.register()


@app.route('/<database_name>/portal/advice/<token>', methods=['GET', 'POST'])
@web.page(token_page=True)
@with_pool
def advice(request, pool, token):
    return portal.advice(request, pool, token)
