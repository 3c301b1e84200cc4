# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The citizens' pages, one module a family of pages, on the portal's web
toolkit (web, forms, uploads, session, links).  klachten_portal/routes.py
declares the addresses that call them."""
