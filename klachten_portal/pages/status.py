# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The status page of a complaint, reached from the acknowledgement's
link: read-only, so opening it never uses the link up."""
from . import web
from .links import open_link

# state: (text, phase)
STATES = {
    'draft': ('status_evaluation', 1),
    'evaluation': ('status_evaluation', 1),
    'investigation': ('status_investigation', 2),
    'conclusion': ('status_conclusion', 3),
    'feedback': ('status_feedback', 3),
    'closed': ('status_closed', None),
    'cancelled': ('status_cancelled', None),
    }
# the e-mails that tell the complainant a decision; those of the other
# kinds hold links or repeat the acknowledgement (the cancellation is
# told by cancellation())
DECISIONS = ['admissible', 'inadmissible', 'conclusion', 'extension']


def cancellation(complaint):
    """The cancellation of complaint, if cancelled: its date, and its
    explanation when the complainant was informed of it (the e-mail was
    queued); else the explanation is the back office's"""
    if complaint.state != 'cancelled':
        return None
    informed = any(e.kind == 'cancel' and e.state != 'cancelled'
        for e in complaint.emails)
    return {
        'title_key': 'status_cancel_title',
        'date': complaint.closing_date,
        'grounds': [],
        'text': complaint.cancel_reason if informed else None,
        }


def status(request, pool, token):
    """The page of the status link.  Its first opening confirms the
    complainant's address in a read-write transaction of its own, between
    two read-only ones: opening the page never writes otherwise, and the
    page shows what was committed."""
    if not web.in_transaction(request, pool, _confirmed, token):
        web.in_transaction(request, pool, confirm_address, token,
            readonly=False)
    return web.in_transaction(request, pool, _page, token)


def _confirmed(request, pool, token):
    link, complaint = open_link(pool, token, 'status')
    return complaint.portal_address_confirmed


def _page(request, pool, token):
    lang = web.language(request)
    link, complaint = open_link(pool, token, 'status')
    text, phase = STATES[complaint.state]
    decisions = [e for e in complaint.emails
        if e.kind in DECISIONS and e.state == 'sent']
    decisions.sort(key=lambda e: e.sent_at or e.create_date)
    return web.render(request, 'status.html', lang, token_page=True,
        complaint=complaint, state_key=text, phase=phase,
        phase_key=f'status_phase_{phase}',
        decisions=decisions, cancellation=cancellation(complaint))


def confirm_address(request, pool, token):
    """The status link, e-mailed to the complainant's address, was opened:
    the complaint may show in the account of that address"""
    link, complaint = open_link(pool, token, 'status')
    complaint.portal_confirm_address([complaint])
