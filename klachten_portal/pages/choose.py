# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The portal's first step, "Wat wilt u doen?": the citizen says what they
want to do before anything is filed.

A complaint goes on to the complaint form.  A report (melding), question,
suggestion or objection (bezwaar) is not a complaint (Zoersel's list,
doc/usage.rst): its page says where to go for it, from the redirections
the coordinator configured per kind (klachten.redirect.target), and files
nothing.  Without a redirection for the kind, the page says to contact the
municipality or to file it with the complaint form anyway: the coordinator
then sends it on by hand.

The choice is a POST with the CSRF token, answered by a redirect (303) to
a page that can be bookmarked, so that it works without JavaScript and
the Back button does not ask to post again."""
from werkzeug.exceptions import NotFound
from werkzeug.utils import redirect

from klachten_base.redirect import KINDS
from trytond.transaction import Transaction

from .. import messages
from . import web
from .complaint import portal_company
from .forms import Intake

CHOICES = ['complaint'] + [k for k, _ in KINDS]


def choose(request, pool):
    "The choice (GET), or where it leads (POST)"
    lang = web.language(request)
    if request.method == 'GET':
        return choose_page(request, lang, Intake({}))
    web.check_csrf(request)
    want = request.form.get('want', '')
    if want not in CHOICES:
        intake = Intake({'want': want})
        intake.error('want_complaint', messages.gettext(lang, 'err_choose'))
        return choose_page(request, lang, intake, status=400)
    database = pool.database_name
    if want == 'complaint':
        target = f'{web.root(request, database)}/complaint?lang={lang}'
    else:
        target = f'{web.root(request, database)}/choose/{want}?lang={lang}'
    return redirect(target, code=303)


def choose_page(request, lang, intake, status=200):
    return web.render(request, 'choose.html', lang, status=status,
        intake=intake, choices=[
            (c, f'choose_{c}', f'choose_{c}_hint') for c in CHOICES])


def elsewhere(request, pool, kind):
    """Where to go with a message of kind: the active redirections of the
    portal's municipality for it, in the citizen's language"""
    if kind not in CHOICES or kind == 'complaint':
        raise NotFound()
    lang = web.language(request)
    return web.render(request, 'elsewhere.html', lang,
        title_key=f'elsewhere_title_{kind}',
        intro_key=f'elsewhere_not_complaint_{kind}',
        targets=targets(pool, kind, lang))


def targets(pool, kind, lang):
    "The redirections of kind, as the citizen reads them"
    Target = pool.get('klachten.redirect.target')
    company = portal_company(pool)
    with Transaction().set_context(language=lang):
        return [{
                'name': t.name,
                'text': t.portal_text or '',
                'url': t.url if _web_url(t.url) else None,
                'email': t.email if t.method == 'email' else None,
                } for t in Target.search([
                        ('company', '=', company.id),
                        ('kind', '=', kind),
                        ], order=[('name', 'ASC'), ('id', 'ASC')])]


def _web_url(url):
    "Whether url is a web address a citizen may be sent to"
    return bool(url) and url.lower().startswith(('https://', 'http://'))
