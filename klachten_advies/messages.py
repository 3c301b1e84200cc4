# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The texts of the adviser's page: the msg_page_* ir.message records of
message.xml, translated in locale/nl.po and locale/fr.po.

register() makes the portal's pages (klachten_portal.messages) serve them,
so the portal's templates and error pages find them too."""
from pathlib import Path

HERE = Path(__file__).resolve().parent


def register():
    "Add the texts to the portal's"
    from klachten_portal import messages
    messages.register(HERE)


def keys():
    "The keys of the adviser's page's texts"
    from klachten_portal import messages
    return messages.keys(HERE)
