# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The external advisor's page, under /<database>/portal/advice/.

It is part of the citizens' portal: it answers only in a database where
klachten_advies and klachten_portal are both activated (404 elsewhere),
and imports the portal only then (klachten_portal is an extra of this
module, see tryton.cfg).  It runs without a Tryton user (as root, without
access rules): the token alone decides which advice request it shows."""
from werkzeug.exceptions import NotFound

from trytond.wsgi import app


@app.route('/<database_name>/portal/advice/<token>', methods=['GET', 'POST'])
def advice(request, database_name, token):
    if not _portal_installed(database_name):
        raise NotFound()
    from . import portal
    return portal.route(request, database_name, token)


def _portal_installed(database_name):
    "Whether klachten_portal is installed (activated: see portal.route)"
    try:
        import klachten_portal  # noqa: F401
    except ImportError:
        return False
    return True
