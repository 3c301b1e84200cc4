# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The external advisor's page, under /<database>/portal/advice/.

It is part of the citizens' portal, an extra of this module (see
tryton.cfg): the page exists only where klachten_portal is installed, and
answers only in a database where klachten_advies and klachten_portal are
both activated (404 elsewhere, see portal.route).  It runs without a
Tryton user (as root, without access rules): the token alone decides which
advice request it shows."""
import importlib.util

from trytond.wsgi import app

if importlib.util.find_spec('klachten_portal'):
    # the only import of the portal: every process that serves the portal
    # must know the page's templates, texts and thanks page
    from . import portal

    app.route('/<database_name>/portal/advice/<token>',
        methods=['GET', 'POST'])(portal.route)
