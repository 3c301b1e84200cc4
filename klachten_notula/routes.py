# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The routes of klachten_notula (the signed callback of the HTTP
connector)."""
