# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
# Routes are registered when the module is imported, not by tryton.cfg
from . import routes  # noqa: F401
