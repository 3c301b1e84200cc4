#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Load demo data: the fictitious Flemish municipality "Gemeente Klaverveld".

Run against a database on which ``trytond-admin --all`` has been run::

    .venv/bin/python scripts/demo_data.py -c var/trytond.conf -d klachten
    .venv/bin/python scripts/demo_data.py --logins   # only print the logins

``--url`` is the address of the server in the printed logins (the demo's
PORT); the links of the e-mails follow ``[klachten] portal_url`` of the
configuration, which scripts/demo.sh writes from the same PORT.

It activates klachten_base, creates the company, departments, demo users,
subjects, complainants and about forty complaints, and drives every complaint
through the real workflow (buttons and wizards, as the user who would do it
in the client: the receiver registers, the coordinator evaluates and
concludes, the handler reports).  Nothing writes a workflow field directly.

The complaints were received over the last four months.  So that the dates
the workflow records (registered on, decided on, closed on, ...) match that
story, the script sets the server's clock (``ir.date.today``) in its own
process to the day of each step; create and write timestamps stay real.

When the demo company already exists the script only prints the logins.
"""
import argparse
import datetime as dt
import os
import sys
import time
from contextlib import contextmanager
from decimal import Decimal

COMPANY_NAME = "Gemeente Klaverveld"
# The password scripts/demo.sh gives the Tryton administrator `admin`
ADMIN_PASSWORD = 'admin'
URL = 'http://127.0.0.1:8000/'
POSTAL_CODE = '9999'
CITY = "Klaverveld"
MAIL_DOMAIN = 'klaverveld.example'
# The configuration's contact of the coordinator, printed in letters and
# e-mails
COORDINATOR_CONTACT = (
    "Katrien Vermeulen, klachtencoördinator\n"
    f"klachten@{MAIL_DOMAIN} - 09 000 00 10 (werkdagen van 9 tot 12 uur)\n"
    f"Klaverveldplein 1, {POSTAL_CODE} {CITY}")

# login, password, name, e-mail user part, groups, what they are, what to try
USERS = [
    ('coordinator', 'demo-coordinator', "Katrien Vermeulen",
        'katrien.vermeulen', ['group_coordinator', 'group_receiver'],
        "klachtencoördinator",
        "sees all; evaluate the new ones, conclude those in Conclusion, "
        "record feedback"),
    ('handler1', 'demo-handler1', "Pieter Janssens",
        'pieter.janssens', ['group_handler', 'group_receiver'],
        "behandelaar Burgerzaken",
        "sees only Burgerzaken's; report on 'Geen bevestiging van "
        "afspraak'"),
    ('handler2', 'demo-handler2', "Els Maes",
        'els.maes', ['group_handler', 'group_receiver'],
        "behandelaar Omgeving",
        "redo the report sent back as not neutral ('Premie "
        "dakisolatie')"),
    ('handler3', 'demo-handler3', "Bart Wouters",
        'bart.wouters', ['group_handler', 'group_receiver'],
        "behandelaar Financiën", "sees only Financiën's; give the advice "
        "asked on 'Warme maaltijden' (Klachten > Adviesvragen)"),
    ('handler4', 'demo-handler4', "Nathalie De Smet",
        'nathalie.desmet', ['group_handler', 'group_receiver'],
        "behandelaar Sociale dienst",
        "sees the confidential 'Aanvraag leefloon' (nobody else does)"),
    ('handler5', 'demo-handler5', "Koen Goossens",
        'koen.goossens', ['group_handler', 'group_receiver'],
        "behandelaar Technische dienst",
        "finish the report on 'Rioolgeur in de Molenstraat'"),
    ('head', 'demo-head', "Marleen Claes",
        'marleen.claes', ['group_department_head', 'group_receiver'],
        "diensthoofd Burgerzaken",
        "reads Burgerzaken's, also the one about her staff member"),
    ('observer', 'demo-observer', "Luc Van den Broeck",
        'luc.vandenbroeck', ['group_observer', 'group_receiver'],
        "algemeen directeur, kennisnemer",
        "reads only what he observes; comment in the conversation"),
    ('receiver', 'demo-receiver', "Sofie Willems",
        'sofie.willems', ['group_receiver'],
        "onthaalmedewerker",
        "register her drafts, resolve one on the spot; never sees the "
        "complaint about herself"),
    ('klachtenadmin', 'demo-klachtenadmin', "Tom Mertens",
        'tom.mertens', ['group_admin'],
        "functioneel beheerder",
        "configuration, departments, subjects, grounds; sees all"),
    ]

DEPARTMENTS = [
    # key, name, code, members (login, role xml id)
    ('burgerzaken', "Burgerzaken", 'BZ', [
            ('handler1', 'role_handler'), ('head', 'role_head')]),
    ('omgeving', "Omgeving", 'OMG', [('handler2', 'role_handler')]),
    ('financien', "Financiën", 'FIN', [('handler3', 'role_handler')]),
    ('sociaal', "Sociale dienst", 'SOC', [('handler4', 'role_handler')]),
    ('technisch', "Technische dienst", 'TD', [('handler5', 'role_handler')]),
    ]

SUBJECTS = [
    "Afvalophaling", "Wegenwerken", "Loketdienst", "Belastingen",
    "Parkeren", "Groenonderhoud", "Omgevingsvergunning",
    "Sociale dienstverlening",
    ]

# key: name, street, number, postal code, city, e-mail, phone, extra
PARTIES = {
    'jan': ("Jan Peeters", "Kerkstraat", "12", None, None,
        'jan.peeters@example.com', '+32 470 00 00 01'),
    'maria': ("Maria Jacobs", "Stationsstraat", "45", None, None,
        'maria.jacobs@example.net', '+32 470 00 00 02'),
    'ahmed': ("Ahmed El Amrani", "Molenweg", "3", None, None,
        'ahmed.elamrani@example.org', None),
    'lieve': ("Lieve Van Damme", "Lindelaan", "27", None, None,
        'lieve.vandamme@example.com', '+32 470 00 00 04'),
    'dirk': ("Dirk Hermans", "Molenstraat", "88", None, None,
        'dirk.hermans@example.net', '+32 470 00 00 05'),
    'rita': ("Rita Verhoeven", "Beukenhof", "5", None, None,
        None, '+32 9 000 00 06'),
    'gert': ("Gert Lambrecht", "Veldstraat", "19", None, None,
        'gert.lambrecht@example.com', None),
    'jozef': ("Jozef Smets", "Schoolstraat", "2", None, None,
        None, '+32 9 000 00 08'),
    'hilde': ("Hilde Aerts", "Hoogstraat", "61", None, None,
        'hilde.aerts@example.org', '+32 470 00 00 09'),
    'frank': ("Frank De Backer", "Dorpsstraat", "14", None, None,
        'frank.debacker@example.com', '+32 470 00 00 10'),
    'yasmina': ("Yasmina Benali", "Pastoriestraat", "9 bus 2", None, None,
        'yasmina.benali@example.net', '+32 470 00 00 11'),
    'notaris': ("Notariskantoor Van Hoof", "Klaverveldplein", "8", None, None,
        'info@notaris-vanhoof.example', '+32 9 000 00 12'),
    'rik': ("Rik Claessens", "Marktplein", "4", None, None,
        'rik.claessens@example.com', None),
    'ellen': ("Ellen Bogaert", "Populierenlaan", "33", None, None,
        'ellen.bogaert@example.org', '+32 470 00 00 14'),
    'wim': ("Wim De Clercq", "Bosweg", "7", None, None,
        'wim.declercq@example.com', None),
    'ann': ("Ann Mertens", "Nieuwstraat", "21", None, None,
        None, '+32 470 00 00 16'),
    'karel': ("Karel Vandenberghe", "Kapelstraat", "10", None, None,
        'karel.vandenberghe@example.net', '+32 470 00 00 17'),
    'patrick': ("Patrick Hendrickx", "Eikenlaan", "16", None, None,
        'patrick.hendrickx@example.com', None),
    'gilberte': ("Gilberte Wuyts", "Kloosterstraat", "3", None, None,
        None, '+32 9 000 00 19'),
    'marc': ("Marc Wuyts", "Antwerpsesteenweg", "150", '2000', "Antwerpen",
        'marc.wuyts@example.com', '+32 470 00 00 20'),
    'stijn': ("Stijn Peeters", "Zandstraat", "40", None, None,
        'stijn.peeters@example.org', None),
    'lindehof': ("Woonzorgcentrum Lindehof", "Lindelaan", "2", None, None,
        'directie@lindehof.example', '+32 9 000 00 22'),
    'yannick': ("Yannick Dubois", "Stationsstraat", "102", None, None,
        'yannick.dubois@example.com', '+32 470 00 00 23'),
    'nicole': ("Nicole Janssens", "Weverstraat", "6", None, None,
        None, '+32 9 000 00 24'),
    'bert': ("Bert Lemmens", "Ambachtstraat", "11", None, None,
        'bert.lemmens@example.net', '+32 470 00 00 25'),
    'sarah': ("Sarah Vervoort", "Meersstraat", "25", None, None,
        'sarah.vervoort@example.com', None),
    'burger': ("Lotte Vos", "Tuinstraat", "8", None, None,
        'burger@example.com', '+32 470 00 00 26'),
    }
# The citizen account of the portal (klachten_portal): e-mail, password,
# party; its complaints are those of the party
CITIZEN = ('burger@example.com', 'demo-burger', 'burger')
# The demo mailbox: scripts/demo_mail.py posts to
# /klachten/inbound_email/inbox/INBOX_IDENTIFIER (a real mailbox has a
# secret random identifier: Inbox > New Identifier)
INBOX_IDENTIFIER = 'klaverveld-demo'
# The old register the coordinator imports, written to var/demo/
REGISTER_FILE = 'klachtenregister-klaverveld.xlsx'
FAXES = {
    'notaris': '+32 9 000 00 13',
    'lindehof': '+32 9 000 00 21',
    }


# klachten_advies: key, name, contact, e-mail, advisory committee
ADVISORY_BODIES = [
    ('boomdeskundige', "Boomverzorging Vandamme", "Ir. Bart Vandamme",
        'advies@boomverzorging-vandamme.example', False),
    ('ombudscommissie', "Klachtenadviescommissie Klaverveld",
        "Mr. Hilde Peeters", 'commissie@klaverveld.example', True),
    ]


# Where what is not a complaint goes (seed 002: meldingen, vragen,
# suggesties, bezwaren): kind, name, method, e-mail, link, text
REDIRECT_TARGETS = [
    ('report', "het meldpunt van de technische dienst", 'email',
        'meldingen@klaverveld.example',
        'https://www.klaverveld.example/melden',
        "Een kapotte straatlamp, een put in de weg of sluikstort meldt u "
        "bij het meldpunt: zij lossen het meteen op."),
    ('question', "het infopunt", 'email', 'info@klaverveld.example', None,
        "Met een vraag kan u terecht bij het infopunt."),
    ('suggestion', "het college van burgemeester en schepenen", 'email',
        'college@klaverveld.example', None,
        "Een idee of voorstel bezorgen we aan het college."),
    ('objection', "de bezwaarprocedure", 'link', None,
        'https://www.klaverveld.example/bezwaar',
        "Tegen een beslissing (een belasting, een vergunning) tekent u "
        "bezwaar aan met het formulier op deze pagina: dat is geen "
        "klacht."),
    ]

# Standard texts (Signalen's standaardteksten): [[...]] must be filled in
STANDARD_TEXTS = [
    ("Excuses", "Wij bieden u onze excuses aan voor [[wat er misliep]]. "
        "We hebben intussen [[wat we veranderd hebben]]."),
    ("Verder onderzoek", "Om uw klacht goed te kunnen onderzoeken, "
        "vragen we advies aan [[dienst]]. U hoort uiterlijk op "
        "[[datum]] van ons."),
    ]


def _c(key, ago, channel, received_by, short, description, steps,
        complainant=None, **values):
    "One demo complaint: received ago days ago, then its steps"
    return dict(key=key, ago=ago, channel=channel, received_by=received_by,
        short=short, description=description, steps=steps,
        complainant=complainant, **values)


# The steps, each (days after receipt, action, options); the actor is who
# would do it: the receiver registers or resolves, the coordinator
# evaluates, concludes and records feedback, the assigned handler reports.
COMPLAINTS = [
    _c('afval-container', 118, 'phone', 'receiver',
        "Restafvalcontainer drie keer niet geledigd",
        "Mijn grijze container is de voorbije zes weken drie keer niet "
        "leeggemaakt, telkens op de ophaaldag. De container stond correct "
        "aan de straatkant met het handvat naar de weg. Ik heb twee keer "
        "gebeld naar het nummer op de afvalkalender maar kreeg telkens "
        "te horen dat het 'doorgegeven' werd.",
        complainant='jan', subject="Afvalophaling", basis='content',
        department='omgeving', incident=5,
        remedy_sought="Dat mijn container alsnog geledigd wordt en dat de "
        "ophaling in de Kerkstraat voortaan gecontroleerd wordt.",
        steps=[
            (1, 'register', {}),
            (3, 'admissible', dict(handler='handler2', by_user=True,
                    observers=['observer'])),
            (17, 'report', dict(
                    outcome='founded',
                    report="Navraag bij de intercommunale: de Kerkstraat "
                    "werd na een routewijziging per vergissing uit de "
                    "rittenlijst van de ophaalwagen gelaten. De meldingen "
                    "van de verzoeker werden genoteerd maar niet "
                    "opgevolgd.",
                    motivation="De container werd drie keer niet "
                    "geledigd door een fout in de ophaalroute.",
                    solution="Extra ophaling op 48 uur, de Kerkstraat "
                    "staat opnieuw in de route en telefonische meldingen "
                    "worden voortaan in het meldingssysteem geregistreerd.",
                    remedies=['remedy_redo', 'remedy_apology'])),
            (22, 'conclude', dict(request_feedback=True)),
            (30, 'agree', {}),
            ]),
    _c('wegenwerken-bewonersbrief', 110, 'letter', 'coordinator',
        "Geen bewonersbrief over wegenwerken Stationsstraat",
        "Op maandagochtend stond er plots een graafmachine voor mijn "
        "oprit. Er was geen enkele bewonersbrief of aankondiging. Ik kon "
        "mijn auto niet meer buiten krijgen en ben te laat op mijn werk "
        "gekomen. Ook de buren wisten van niets.",
        complainant='maria', subject="Wegenwerken", basis='communication',
        department='technisch', incident=4,
        remedy_sought="Dat bewoners voortaan tijdig verwittigd worden.",
        steps=[
            (2, 'register', {}),
            (5, 'admissible', dict(handler='handler5')),
            (26, 'report', dict(
                    outcome='partly_founded',
                    report="De aannemer had de bewonersbrief klaar maar "
                    "die werd pas op de eerste werkdag bedeeld. De "
                    "werken zelf waren wel aangekondigd op de website en "
                    "in het infoblad.",
                    motivation="De aankondiging op de website was er, de "
                    "bewonersbrief kwam te laat.",
                    solution="Bewonersbrieven worden voortaan veertien "
                    "dagen vooraf door de gemeente zelf bedeeld; de "
                    "werfleider neemt contact op bij afgesloten "
                    "opritten.",
                    remedies=['remedy_apology'])),
            (33, 'conclude', {}),
            ]),
    _c('belasting-tweede-verblijf', 105, 'email', 'coordinator',
        "Aanslag tweedeverblijfsbelasting terwijl ik hier gedomicilieerd ben",
        "Ik ontving een aanslagbiljet voor de belasting op tweede "
        "verblijven voor mijn woning aan de Molenweg 3. Ik woon daar "
        "echter sinds maart en ben er ook ingeschreven. Wanneer ik naar "
        "de dienst Financiën bel, krijg ik geen duidelijk antwoord.",
        complainant='ahmed', subject="Belastingen", basis='content',
        department='financien', incident=10,
        remedy_sought="Dat de aanslag vernietigd wordt.",
        steps=[
            (1, 'register', {}),
            (4, 'admissible', dict(handler='handler3')),
            (18, 'report', dict(
                    outcome='founded_corrected',
                    report="De inschrijving in het bevolkingsregister "
                    "gebeurde na de teldatum van het kohier; de "
                    "verzoeker had recht op een ontheffing. Tijdens het "
                    "onderzoek werd de aanslag al ambtshalve ontheven.",
                    motivation="De aanslag was onterecht, maar werd "
                    "tijdens het onderzoek al rechtgezet.")),
            (21, 'conclude', {}),
            ]),
    _c('loket-wachttijd', 100, 'counter', 'receiver',
        "Twee uur wachten voor identiteitskaart ondanks afspraak",
        "Ik had een afspraak om 9u30 voor mijn nieuwe identiteitskaart. "
        "Ik ben pas om 11u30 geholpen. Niemand kon me uitleggen waarom. "
        "Ik heb daardoor een halve dag verlof moeten nemen.",
        complainant='lieve', subject="Loketdienst", basis='treatment',
        department='burgerzaken', incident=0,
        remedy_sought="Een verklaring en excuses.",
        steps=[
            (1, 'register', {}),
            (3, 'admissible', dict(handler='handler1')),
            (15, 'report', dict(
                    outcome='unfounded',
                    report="Volgens het afsprakensysteem was de afspraak "
                    "van de verzoeker geboekt voor de dag nadien. Ze werd "
                    "als wandelklant tussen de afspraken door geholpen.",
                    motivation="Er was geen afspraak voor die dag; de "
                    "wachttijd is die van een klant zonder afspraak.")),
            (18, 'conclude', dict(request_feedback=True)),
            (27, 'disagree', dict(comment="Ik heb wel degelijk een "
                    "bevestigingsmail voor die dag ontvangen; ik stuur "
                    "die mee.")),
            (29, 'admissible', dict(handler='handler1')),
            (40, 'report', dict(
                    outcome='partly_founded',
                    report="De bevestigingsmail vermeldde inderdaad de "
                    "verkeerde dag: een fout in het sjabloon na de "
                    "zomerupdate van het afsprakensysteem. In het systeem "
                    "zelf stond de juiste dag.",
                    motivation="De verzoeker kreeg een foutieve "
                    "bevestiging; de lange wachttijd volgde daaruit.",
                    solution="Het sjabloon van de bevestigingsmail werd "
                    "verbeterd; alle afspraken van die week werden "
                    "nagekeken.",
                    remedies=['remedy_apology'])),
            (44, 'conclude', {}),
            ]),
    _c('parkeren-bewonerskaart', 96, 'web_form', 'coordinator',
        "Parkeerretributie terwijl bewonerskaart zichtbaar lag",
        "Ik kreeg een parkeerretributie van 25 euro in de blauwe zone aan "
        "de Hoogstraat. Mijn bewonerskaart lag nochtans achter de "
        "voorruit. De parkeerwachter heeft ze blijkbaar niet gezien.",
        complainant='dirk', subject="Parkeren", basis='content',
        department='financien', incident=3,
        remedy_sought="Dat de retributie geannuleerd wordt.",
        steps=[
            (1, 'register', {}),
            (6, 'admissible', dict(handler='handler3')),
            (25, 'report', dict(
                    outcome='no_judgement', no_judgement_reason='unclear',
                    report="De foto's van de parkeerwachter tonen de "
                    "voorruit, maar door reflectie is niet te zien of er "
                    "een kaart lag. De verzoeker heeft geen eigen foto.",
                    motivation="Op basis van de beschikbare gegevens kan "
                    "niet worden vastgesteld wat er gebeurd is.")),
            (28, 'conclude', {}),
            ]),
    _c('groen-haag', 92, 'in_person', 'receiver',
        "Haag aan kruispunt niet gesnoeid, zicht belemmerd",
        "De gemeentelijke haag op de hoek van de Beukenhof en de "
        "Veldstraat is zo hoog dat je als fietser geen zicht meer hebt op "
        "het kruispunt. Ik heb al bijna een ongeval gehad.",
        complainant='rita', subject="Groenonderhoud", basis='content',
        department='technisch', incident=7,
        remedy_sought="Dat de haag gesnoeid wordt.",
        steps=[
            (2, 'register', {}),
            (5, 'admissible', dict(handler='handler5')),
            (12, 'report', dict(
                    outcome='withdrawn',
                    report="De groendienst heeft de haag gesnoeid de dag "
                    "na de toewijzing. Telefonisch contact met de "
                    "verzoeker: zij is tevreden en wenst de "
                    "klachtenprocedure niet verder te zetten.",
                    motivation="In samenspraak met de verzoeker "
                    "stopgezet nadat de haag gesnoeid werd.",
                    remedies=['remedy_repair'])),
            (14, 'conclude', {}),
            ]),
    _c('vraag-recyclagepark', 90, 'email', 'coordinator',
        "Openingsuren recyclagepark op zaterdag",
        "Kan u mij laten weten tot hoe laat het recyclagepark op zaterdag "
        "open is? Op de website staan twee verschillende uren.",
        complainant='gert', subject="Afvalophaling",
        steps=[
            (1, 'register', {}),
            (2, 'inadmissible', dict(
                    grounds=['ground_not_complaint'],
                    motivation="Uw bericht is een vraag om informatie en "
                    "geen klacht. We hebben ze doorgestuurd naar de dienst "
                    "Omgeving, die u rechtstreeks antwoordt. De "
                    "tegenstrijdige uren op de website worden "
                    "verbeterd.")),
            ]),
    _c('anoniem-koffie', 80, 'letter', 'coordinator',
        "Anonieme brief over personeel van de technische dienst",
        "Anonieme brief: 'De mannen van de technische dienst staan elke "
        "ochtend een uur koffie te drinken aan de werkplaats in plaats "
        "van te werken. Dat is belastinggeld.'",
        anonymous=True, basis='treatment',
        steps=[
            (2, 'register', {}),
            (4, 'inadmissible', dict(
                    grounds=['ground_anonymous'],
                    motivation="Anonieme klachten worden niet behandeld. "
                    "De signalen werden wel doorgegeven aan het "
                    "diensthoofd van de technische dienst.")),
            ]),
    _c('beleid-blauwe-zone', 75, 'email', 'coordinator',
        "Niet akkoord met uitbreiding blauwe zone",
        "Ik ben het absoluut niet eens met de beslissing van de "
        "gemeenteraad om de blauwe zone uit te breiden tot de Hoogstraat. "
        "Als bewoner moet ik nu een bewonerskaart betalen.",
        complainant='hilde', subject="Parkeren",
        steps=[
            (1, 'register', {}),
            (3, 'inadmissible', dict(
                    grounds=['ground_policy'],
                    motivation="Uw klacht gaat over een beslissing van de "
                    "gemeenteraad en dus over het beleid, niet over de "
                    "werking van de diensten. U kan uw bezwaar richten aan "
                    "het college van burgemeester en schepenen of "
                    "toelichten op de gemeenteraad.",
                    request_feedback=True)),
            (12, 'agree', {}),
            ]),
    _c('onthaal-onvriendelijk', 70, 'in_person', 'head',
        "Onvriendelijk te woord gestaan aan het onthaal",
        "Toen ik aan het onthaal vroeg waar ik een uittreksel uit het "
        "strafregister kon aanvragen, werd ik afgesnauwd en kreeg ik te "
        "horen dat ik 'maar eens op de website moest kijken'. Ik vind dat "
        "geen manier om met burgers om te gaan.",
        complainant='frank', subject="Loketdienst", basis='treatment',
        department='burgerzaken', incident=1,
        concerns='staff', concerned_user='receiver',
        remedy_sought="Excuses van de betrokken medewerker.",
        steps=[
            (1, 'register', {}),
            (3, 'admissible', dict(handler='handler1', by_user=True,
                    observers=['observer'])),
            (16, 'report', dict(
                    outcome='partly_founded',
                    report="Gesprek met de medewerker en een collega die "
                    "aanwezig was: het was die ochtend erg druk aan het "
                    "onthaal, de medewerker erkent dat haar antwoord kort "
                    "was. De verzoeker werd wel juist doorverwezen.",
                    motivation="De doorverwijzing was juist, de toon "
                    "niet.",
                    solution="Gesprek met de medewerker over klantvriendelijk "
                    "onthaal bij drukte; excuses aan de verzoeker.",
                    remedies=['remedy_apology', 'remedy_conversation'])),
            (20, 'conclude', dict(request_feedback=True)),
            (26, 'agree', {}),
            ]),
    _c('leefloon-traag', 65, 'phone', 'receiver',
        "Aanvraag leefloon niet binnen de termijn behandeld",
        "Ik heb zes weken geleden een aanvraag voor leefloon ingediend en "
        "nog steeds geen beslissing ontvangen. Mijn huur is al twee "
        "maanden niet betaald. Mijn maatschappelijk werker neemt de "
        "telefoon niet op.",
        complainant='yasmina', subject="Sociale dienstverlening",
        basis='content', department='sociaal', confidential=True,
        remedy_sought="Een beslissing over mijn aanvraag.",
        steps=[
            (1, 'register', {}),
            (2, 'admissible', dict(handler='handler4', by_user=True)),
            (14, 'report', dict(
                    outcome='founded',
                    report="Door langdurige afwezigheid van de "
                    "maatschappelijk werker werd het dossier niet "
                    "overgedragen. De wettelijke termijn van dertig dagen "
                    "werd overschreden.",
                    motivation="De aanvraag werd niet binnen de "
                    "wettelijke termijn behandeld.",
                    solution="Het dossier werd prioritair behandeld en op "
                    "het bijzonder comité gebracht; het leefloon wordt "
                    "met terugwerkende kracht uitbetaald. Dossiers van "
                    "afwezige medewerkers worden voortaan wekelijks "
                    "herverdeeld.",
                    remedies=['remedy_compensation', 'remedy_apology'])),
            (15, 'chat', dict(login='coordinator', content="Let op: het "
                    "dossier bevat gegevens over de gezondheid van de "
                    "verzoeker; niets doorsturen buiten de sociale "
                    "dienst.")),
            (17, 'conclude', dict(request_feedback=True)),
            ]),
    _c('notaris-inlichtingen', 60, 'fax', 'coordinator',
        "Stedenbouwkundige inlichtingen te laat afgeleverd",
        "Wij vroegen op 2 september stedenbouwkundige inlichtingen aan "
        "voor de verkoop van een woning aan de Veldstraat. Ondanks "
        "herhaald aandringen kregen wij die pas na vijf weken, waardoor "
        "het verlijden van de akte moest worden uitgesteld.",
        complainant='notaris', subject="Omgevingsvergunning",
        basis='content', department='omgeving', incident=35,
        remedy_sought="Inlichtingen binnen de gebruikelijke termijn.",
        steps=[
            (2, 'register', {}),
            (4, 'admissible', dict(handler='handler2',
                    observers=['observer'])),
            (20, 'report', dict(
                    outcome='founded_corrected',
                    report="Door de overstap naar het nieuwe "
                    "omgevingsloket liep de behandeling van "
                    "inlichtingenaanvragen achterstand op. De achterstand "
                    "is intussen weggewerkt; de doorlooptijd is terug "
                    "minder dan tien dagen.",
                    motivation="De termijn werd overschreden, de oorzaak "
                    "is intussen weggewerkt.")),
            (24, 'conclude', {}),
            ]),
    _c('parkeerkaart-naam', 58, 'counter', 'receiver',
        "Verkeerde naam op bewonersparkeerkaart",
        "Op mijn nieuwe bewonersparkeerkaart staat de naam van de vorige "
        "bewoner van mijn adres.",
        complainant='jan', subject="Parkeren", basis='content',
        steps=[
            (0, 'resolve', dict(resolution="De kaart werd aan het loket "
                    "meteen opnieuw afgedrukt op naam van de verzoeker; de "
                    "oude kaart werd vernietigd.")),
            ]),
    _c('afvalkalender', 45, 'phone', 'receiver',
        "Afvalkalender niet ontvangen",
        "Ik heb de nieuwe afvalkalender niet in de bus gekregen en weet "
        "niet wanneer het pmd wordt opgehaald.",
        complainant='maria', subject="Afvalophaling", basis='communication',
        steps=[
            (0, 'resolve', dict(resolution="De afvalkalender werd "
                    "telefonisch overlopen en per e-mail bezorgd; het adres "
                    "werd toegevoegd aan de bedelingslijst.")),
            ]),
    # Seed 004: an informal complaint, taken by phone, to be answered
    # within 7 days (Informeel beantwoorden or Formeel maken)
    _c('paspoort-informeel', 1, 'phone', 'receiver',
        "Paspoort niet klaar op de afgesproken dag",
        "Ik kwam mijn paspoort ophalen op de dag die het loket me gaf, "
        "maar het was er nog niet. Niemand had me verwittigd.",
        complainant='jozef', subject="Loketdienst", basis='communication',
        department='burgerzaken', track='informal',
        steps=[
            (0, 'register', {}),
            ]),
    _c('rioolgeur-web', 56, 'web_form', 'coordinator',
        "Rioolgeur in de Molenstraat sinds de heraanleg",
        "Sinds de heraanleg van de Molenstraat ruikt het bij warm weer "
        "sterk naar riool, ook binnen in huis. Verschillende buren hebben "
        "hetzelfde probleem.",
        complainant='dirk', subject="Wegenwerken", basis='content',
        department='technisch', incident=20,
        remedy_sought="Dat het probleem onderzocht en opgelost wordt.",
        steps=[
            (1, 'register', {}),
            (3, 'admissible', dict(handler='handler5',
                    observers=['observer'])),
            (4, 'chat', dict(login='observer', content="Gezien. Graag "
                    "de resultaten van de camera-inspectie ook aan de "
                    "schepen van openbare werken bezorgen.")),
            (20, 'report', dict(
                    report="Camera-inspectie van de riolering gepland; "
                    "eerste vaststelling: een geurafsluiter in de "
                    "straatkolk ontbreekt.", finalise=False)),
            # Awb 9:10: the handler invites the complainant to be heard
            (21, 'hearing', dict(login='handler5',
                    place="Stadhuis, zaal 2")),
            # One complaint, two departments (Signalen's deelonderzoek)
            (22, 'sub_investigation', dict(login='handler5',
                    department='omgeving',
                    question="Schreef de omgevingsvergunning van de "
                    "heraanleg geurafsluiters in de straatkolken voor?")),
            ]),
    _c('rioolgeur-mail', 55, 'email', 'coordinator',
        "Rioolgeur Molenstraat (dezelfde klacht per e-mail)",
        "Zoals ik al via het webformulier meldde: het stinkt naar riool "
        "in de Molenstraat sinds de werken.",
        complainant='dirk', subject="Wegenwerken",
        steps=[
            (1, 'register', {}),
            (1, 'relate', dict(to='rioolgeur-web')),
            (1, 'cancel', dict(reason="Dezelfde klacht werd een dag "
                    "eerder via het webformulier ingediend en wordt daar "
                    "behandeld.", inform=True)),
            ]),
    _c('evenement-lawaai', 50, 'letter', 'coordinator',
        "Geluidsoverlast bij evenement op het Marktplein",
        "Tijdens het zomerfestival op het Marktplein werd de muziek tot "
        "na twee uur 's nachts gespeeld, ver boven de toegelaten "
        "geluidsnorm. Ik heb een advocaat onder de arm genomen.",
        complainant='rik', subject="Omgevingsvergunning", basis='content',
        department='omgeving', incident=12,
        steps=[
            (2, 'register', {}),
            (5, 'admissible', dict(handler='handler2')),
            (11, 'cancel', dict(reason="De verzoeker heeft intussen een "
                    "procedure bij de rechtbank ingeleid over dezelfde "
                    "feiten; de klachtenbehandeling wordt daarom "
                    "stopgezet.", inform=True)),
            ]),
    _c('dubbele-registratie', 12, 'phone', 'receiver',
        "Telefonische klacht over ophaling (dubbel ingevoerd)",
        "Verzoekster belde over een niet geledigde container.",
        complainant='maria', subject="Afvalophaling",
        steps=[
            (0, 'cancel', dict(reason="Per vergissing twee keer "
                    "ingevoerd; het gesprek werd als oplossing ter plaatse "
                    "afgehandeld.")),
            ]),
    _c('bouwovertreding', 14, 'web_form', 'coordinator',
        "Dienst reageert niet op melding van bouwovertreding",
        "Mijn buur bouwt al maanden een bijgebouw zonder vergunning. Ik "
        "heb dat drie keer gemeld aan de dienst Omgeving maar er gebeurt "
        "niets en ik krijg geen antwoord.",
        complainant='ellen', subject="Omgevingsvergunning",
        basis='communication', department='omgeving',
        remedy_sought="Een antwoord op mijn meldingen.",
        steps=[
            (1, 'register', {}),
            (3, 'information', dict(question="Kan u ons de data en de "
                    "manier (e-mail, telefoon, loket) van uw drie eerdere "
                    "meldingen bezorgen? Zo kunnen we ze terugvinden.",
                    due=14)),
            ]),
    _c('grofvuil-factuur', 18, 'email', 'coordinator',
        "Ophaling grofvuil twee keer gefactureerd",
        "Ik heb in september één keer grofvuil aan huis laten ophalen maar "
        "kreeg twee facturen van 30 euro.",
        complainant='wim', subject="Afvalophaling", basis='content',
        department='financien',
        remedy_sought="Terugbetaling van de tweede factuur.",
        steps=[
            (1, 'register', {}),
            (2, 'information', dict(recipient='third_party',
                    name="Intercommunale Afvalbeheer Klaverveld",
                    email='facturatie@iak.example',
                    question="Kan u bevestigen hoeveel ophalingen van "
                    "grofvuil er in september aan de Bosweg 7 gebeurd "
                    "zijn?", due=10)),
            (6, 'answer', dict(answer="Er werd één ophaling uitgevoerd. "
                    "De tweede factuur is een dubbele aanmaak door een "
                    "storing; een creditnota volgt.")),
            ]),
    _c('fietspad-putten', 30, 'phone', 'receiver',
        "Fietspad Nieuwstraat vol putten",
        "Het fietspad langs de Nieuwstraat ligt vol putten. Mijn zoon is "
        "vorige week gevallen. Ik heb dit al in het voorjaar gemeld.",
        complainant='ann', subject="Wegenwerken", basis='content',
        department='omgeving', incident=8,
        remedy_sought="Herstel van het fietspad.",
        steps=[
            (1, 'register', {}),
            (2, 'admissible', dict(handler='handler2')),
            (6, 'send_back', dict(remarks="Het onderhoud van fietspaden "
                    "hoort bij de Technische dienst (wegbeheer), niet bij "
                    "Omgeving. Graag opnieuw toewijzen.")),
            ]),
    _c('werfkeet-parkeerplaats', 5, 'in_person', 'receiver',
        "Parkeerplaats voor personen met een handicap ingenomen door werfkeet",
        "Al twee weken staat een werfkeet van de gemeente op de enige "
        "parkeerplaats voor personen met een handicap aan de Kapelstraat. "
        "Mijn vrouw zit in een rolstoel.",
        complainant='karel', subject="Parkeren", basis='content',
        department='technisch', incident=1,
        remedy_sought="Dat de werfkeet verplaatst wordt.",
        steps=[
            (1, 'register', {}),
            ]),
    _c('rijbewijs-afspraak', 20, 'counter', 'handler1',
        "Geen bevestiging van afspraak voor rijbewijs",
        "Ik heb online een afspraak gemaakt voor mijn rijbewijs maar "
        "kreeg geen bevestiging. Aan het loket wist men van niets.",
        complainant='lieve', subject="Loketdienst", basis='communication',
        department='burgerzaken',
        steps=[
            (0, 'register', {}),
            (2, 'admissible', dict(handler='handler1', by_user=True)),
            ]),
    _c('premie-dakisolatie', 48, 'email', 'coordinator',
        "Premie dakisolatie onterecht geweigerd",
        "Mijn aanvraag voor de gemeentelijke premie voor dakisolatie werd "
        "geweigerd omdat de factuur te laat zou zijn ingediend. Ik heb "
        "die binnen de termijn afgegeven aan het loket.",
        complainant='patrick', subject="Omgevingsvergunning",
        basis='content', department='omgeving',
        remedy_sought="Herziening van de beslissing.",
        steps=[
            (1, 'register', {}),
            (3, 'admissible', dict(handler='handler2',
                    observers=['observer'])),
            (15, 'report', dict(
                    outcome='unfounded',
                    report="Volgens de dienst werd de factuur op 14 juli "
                    "ontvangen, na de uiterste datum van 30 juni.",
                    motivation="De factuur werd te laat ingediend.")),
            (18, 'not_neutral', dict(reason="Het rapport steunt enkel op "
                    "de versie van de dienst die de premie weigerde; de "
                    "verzoeker werd niet gehoord en het ontvangstbewijs "
                    "van het loket werd niet opgevraagd. Graag binnen een "
                    "week aanvullen.")),
            (19, 'chat', dict(login='handler2', content="Ik heb de "
                    "verzoeker voor een gesprek uitgenodigd en het "
                    "ontvangstbewijs opgevraagd bij het onthaal.")),
            ]),
    _c('thuiszorg-maaltijden', 25, 'letter', 'coordinator',
        "Warme maaltijden aan huis komen koud aan",
        "Mijn moeder krijgt via het sociaal huis warme maaltijden aan "
        "huis. De voorbije weken kwamen die koud aan, soms pas na twee "
        "uur 's middags. Zij is 87 en kan zelf niet koken.",
        complainant='gilberte', representative='marc',
        subject="Sociale dienstverlening", basis='content',
        department='sociaal', incident=10,
        remedy_sought="Tijdige en warme levering.",
        steps=[
            (2, 'register', {}),
            (4, 'admissible', dict(handler='handler4')),
            # klachten_advies: Financiën checks the invoices (still open)
            (8, 'advice', dict(login='handler4', department='financien',
                    question="Werden de maaltijden van de voorbije weken "
                    "gefactureerd als 'warm geleverd'?")),
            ]),
    _c('straatverlichting', 35, 'web_form', 'coordinator',
        "Straatverlichting Zandstraat al weken defect",
        "Sinds begin oktober brandt de straatverlichting in het tweede "
        "deel van de Zandstraat niet meer. Ik heb dat twee keer gemeld "
        "via het meldpunt. 's Avonds is het er gevaarlijk donker.",
        complainant='stijn', subject="Wegenwerken", basis='content',
        department='technisch', incident=30,
        remedy_sought="Herstel van de verlichting.",
        steps=[
            (1, 'register', {}),
            (3, 'admissible', dict(handler='handler5',
                    observers=['observer'])),
            (16, 'report', dict(
                    outcome='founded',
                    report="De meldingen werden doorgestuurd naar de "
                    "netbeheerder maar niet opgevolgd. Een kabeldefect "
                    "vroeg graafwerk.",
                    motivation="De melding werd niet opgevolgd.",
                    solution="De netbeheerder heeft de kabel hersteld; "
                    "meldingen over straatverlichting worden voortaan na "
                    "tien dagen opgevolgd.",
                    remedies=['remedy_repair'])),
            (17, 'chat', dict(login='observer', content="Gezien. Ik "
                    "agendeer de opvolging van meldingen over "
                    "straatverlichting op het managementteam.")),
            ]),
    _c('lindehof-toegang', 40, 'fax', 'coordinator',
        "Afvalwagen blokkeert toegang voor ziekenwagens",
        "Elke dinsdagochtend blokkeert de ophaalwagen gedurende een "
        "kwartier de enige toegang tot ons woonzorgcentrum. Vorige week "
        "moest een ziekenwagen wachten.",
        complainant='lindehof', subject="Afvalophaling", basis='content',
        department='omgeving', incident=6,
        remedy_sought="Een aangepaste route of ophaaltijd.",
        steps=[
            (1, 'register', {}),
            (3, 'admissible', dict(handler='handler2')),
            (20, 'report', dict(
                    outcome='partly_founded',
                    report="De ophaalwagen stopt op de rijweg omdat de "
                    "containers van het woonzorgcentrum aan de ingang "
                    "staan. Een andere standplaats is mogelijk.",
                    motivation="De toegang werd inderdaad belemmerd, mede "
                    "door de plaats van de containers.",
                    solution="De containers krijgen een standplaats naast "
                    "de inrit; de ophaling gebeurt voortaan vóór 7 uur.",
                    remedies=['remedy_conversation'])),
            ]),
    _c('recyclagepark-uren', 33, 'web_form', 'coordinator',
        "Openingsuren recyclagepark zonder aankondiging gewijzigd",
        "Ik stond zaterdag om 16u aan een gesloten recyclagepark. De "
        "openingsuren zijn blijkbaar gewijzigd, maar dat stond nergens.",
        anonymous=True, subject="Afvalophaling", basis='communication',
        department='omgeving',
        steps=[
            (1, 'register', {}),
            (2, 'admissible', dict(handler='handler2')),
            (15, 'report', dict(
                    outcome='no_judgement', no_judgement_reason='minor',
                    report="De nieuwe uren stonden in het infoblad en aan "
                    "de ingang van het park, niet op de website. De "
                    "website werd dezelfde week aangepast.",
                    motivation="De tekortkoming is te klein om als gegrond "
                    "te beschouwen.")),
            ]),
    _c('parkeervergunning-traag', 38, 'email', 'coordinator',
        "Trage behandeling aanvraag bewonerskaart",
        "Ik vroeg vijf weken geleden een bewonerskaart aan. Intussen kreeg "
        "ik al twee retributies. Niemand antwoordt op mijn mails.",
        complainant='hilde', subject="Parkeren", basis='communication',
        department='burgerzaken',
        remedy_sought="Mijn kaart en annulering van de retributies.",
        steps=[
            (1, 'register', {}),
            (3, 'admissible', dict(handler='handler1')),
            (14, 'report', dict(
                    outcome='founded',
                    report="De aanvraag kwam in een gedeelde mailbox "
                    "terecht die tijdens de vakantie niet werd "
                    "opgevolgd.",
                    motivation="De aanvraag bleef onbehandeld liggen.",
                    solution="De kaart werd dezelfde dag afgeleverd en de "
                    "twee retributies werden geannuleerd.",
                    remedies=['remedy_compensation', 'remedy_apology'])),
            (17, 'conclude', dict(request_feedback=True)),
            ]),
    _c('boom-oprit', 44, 'in_person', 'receiver',
        "Wortels van straatboom beschadigen oprit",
        "De wortels van de lindeboom voor mijn huis duwen de klinkers van "
        "mijn oprit omhoog. De gemeente moet de schade herstellen.",
        complainant='rita', subject="Groenonderhoud", basis='content',
        department='technisch',
        remedy_sought="Herstel van de oprit op kosten van de gemeente.",
        steps=[
            (2, 'register', {}),
            (4, 'admissible', dict(handler='handler5')),
            # klachten_advies: an outside expert on trees, answered
            (8, 'advice', dict(login='handler5', body='boomdeskundige',
                    question="Kunnen de wortels van deze linde de "
                    "verzakking van de oprit veroorzaakt hebben?")),
            (14, 'give_advice', dict(login='handler5',
                    answer="Nee: de verzakking ligt op meer dan vier meter "
                    "van de stam, buiten de wortelzone van een linde van "
                    "deze leeftijd.")),
            (18, 'report', dict(
                    outcome='unfounded',
                    report="Vaststelling ter plaatse: de verzakking "
                    "bevindt zich aan de kant van de woning, ver buiten "
                    "de wortelzone van de boom. Het gaat om een "
                    "verzakking van de fundering van de oprit.",
                    motivation="De schade is niet door de boom "
                    "veroorzaakt.")),
            (22, 'conclude', dict(request_feedback=True)),
            ]),
    _c('huwelijk-mail', 2, 'email', 'receiver',
        "Geen antwoord op mail over huwelijksaangifte",
        "Ik stuurde drie weken geleden een mail naar Burgerzaken over de "
        "documenten voor onze huwelijksaangifte en kreeg nog geen "
        "antwoord. De datum nadert.",
        complainant='yannick', subject="Loketdienst",
        basis='communication', department='burgerzaken',
        steps=[]),
    _c('rioolheffing-brief', 1, 'counter', 'receiver',
        "Onbegrijpelijke brief over rioolheffing",
        "Mevrouw kwam aan het loket met een brief over de rioolheffing "
        "die ze niet begrijpt; ze vindt dat de gemeente in 'gewone taal' "
        "moet schrijven.",
        complainant='nicole', subject="Belastingen", basis='communication',
        department='financien',
        steps=[]),
    _c('werkplaats-lawaai', 0, 'phone', 'receiver',
        "Lawaai van gemeentelijke werkplaats om 6 uur 's morgens",
        "Elke ochtend om 6 uur starten de vrachtwagens van de werkplaats "
        "met veel lawaai.",
        complainant='bert', subject="Wegenwerken", basis='content',
        department='technisch',
        steps=[]),
    _c('telefonisch-onthaal', 115, 'web_form', 'coordinator',
        "Telefonisch onthaal urenlang onbereikbaar",
        "Ik probeerde drie dagen na elkaar het algemene nummer van de "
        "gemeente te bellen. Na twintig minuten wachten werd de "
        "verbinding telkens verbroken.",
        complainant='ellen', subject="Loketdienst", basis='communication',
        department='burgerzaken',
        remedy_sought="Een telefonisch onthaal dat werkt.",
        steps=[
            (1, 'register', {}),
            (2, 'admissible', dict(handler='handler1')),
            (13, 'report', dict(
                    outcome='founded',
                    report="Na de overstap naar de nieuwe telefooncentrale "
                    "werden wachtende oproepen na twintig minuten "
                    "automatisch verbroken. De leverancier heeft dit "
                    "bevestigd.",
                    motivation="Het telefonisch onthaal was door een "
                    "configuratiefout onbereikbaar.",
                    solution="De centrale werd aangepast: na vijf minuten "
                    "wachten kan de beller een terugbelverzoek laten.",
                    remedies=['remedy_repair', 'remedy_apology'])),
            (16, 'conclude', {}),
            ]),
    _c('geen-voorafgaand-contact', 8, 'web_form', 'coordinator',
        "Containerpark weigerde asbest",
        "Het containerpark weigerde mijn golfplaten met asbest omdat ze "
        "niet verpakt waren.",
        complainant='sarah', subject="Afvalophaling",
        steps=[
            (1, 'register', {}),
            (2, 'inadmissible', dict(
                    grounds=['ground_no_prior_contact',
                        'ground_manifestly_unfounded'],
                    motivation="Asbest moet volgens het reglement "
                    "verpakt worden aangeboden; de parkwachter paste dat "
                    "correct toe. U kan verpakkingsmateriaal gratis "
                    "afhalen aan het onthaal.",
                    request_feedback=True)),
            ]),
    _c('autoschade-2024', 20, 'letter', 'coordinator',
        "Schade aan auto bij wegenwerken in 2024",
        "In maart 2024 werd mijn auto beschadigd door opspattend "
        "steengruis bij de wegenwerken in de Schoolstraat. Ik wil een "
        "schadevergoeding.",
        complainant='jozef', subject="Wegenwerken", incident=600,
        steps=[
            (3, 'register', {}),
            (5, 'inadmissible', dict(
                    grounds=['ground_older_than_year'],
                    motivation="De feiten dateren van meer dan een jaar "
                    "voor het indienen van de klacht. Voor een "
                    "schadevergoeding kan u zich richten tot de "
                    "verzekeraar van de gemeente.",
                    request_feedback=True)),
            ]),
    _c('bewonerskaart-opnieuw', 9, 'email', 'coordinator',
        "Opnieuw geen antwoord over de bewonerskaart",
        "Ik kreeg wel een antwoord op mijn klacht, maar de tweede "
        "retributie is nog niet geannuleerd.",
        complainant='hilde', subject="Parkeren", basis='communication',
        department='burgerzaken',
        steps=[
            (1, 'register', {}),
            (1, 'relate', dict(to='parkeervergunning-traag')),
            ]),
    # Filed on the portal by the citizen of the demo account (CITIZEN)
    _c('portal-bewonerskaart', 30, 'web_form', 'coordinator',
        "Bewonerskaart na zes weken nog niet ontvangen",
        "Ik vroeg op 2 september een bewonerskaart voor parkeren aan en "
        "betaalde meteen online. Zes weken later heb ik nog niets "
        "ontvangen en op mijn twee e-mails kwam geen antwoord.",
        complainant='burger', subject="Parkeren", basis='communication',
        department='burgerzaken', incident=3,
        remedy_sought="Mijn bewonerskaart, en een antwoord op mijn mails.",
        steps=[
            (0, 'register', {}),
            (2, 'admissible', dict(handler='handler1')),
            ]),
    _c('portal-snoeiafval', 70, 'web_form', 'coordinator',
        "Vraag over de kalender van de snoeiafvalophaling",
        "Wanneer wordt er in de Tuinstraat snoeiafval opgehaald? Op de "
        "website staan twee verschillende data.",
        complainant='burger', subject="Afvalophaling", basis='content',
        department='omgeving',
        steps=[
            (0, 'register', {}),
            (2, 'inadmissible', dict(
                    grounds=['ground_not_complaint'],
                    motivation="Uw bericht is een vraag om informatie. We "
                    "hebben het doorgestuurd naar de dienst Omgeving, die u "
                    "rechtstreeks antwoordt.")),
            ]),
    ]

CONCLUSIONS = {
    'founded': "De klacht is gegrond.",
    'partly_founded': "De klacht is deels gegrond.",
    'founded_corrected': "De klacht is gegrond maar werd al rechtgezet.",
    'unfounded': "De klacht is ongegrond.",
    'no_judgement': "Over de klacht kan geen oordeel worden gegeven.",
    'withdrawn': "De klachtenprocedure werd door de verzoeker stopgezet.",
    }


# With klachten_report: Klaverveld's inhabitants (for the yearly report's
# figures per 1,000), its norms (the Flemish ombudsnormen), and how the
# coordinator classifies the complaints she concludes: the norms touched
# (codes of klachten_report's norm data), whether a founded complaint was
# resolved, the structural measure taken.
INHABITANTS = 23480
NORM_SET = 'ombudsnormen'
CLASSIFICATION = {
    'afval-container': (['VO11', 'VO07'], 'yes',
        "Telefonische meldingen worden voortaan in het meldingssysteem "
        "geregistreerd en opgevolgd."),
    'wegenwerken-bewonersbrief': (['VO10'], 'partly',
        "De gemeente bedeelt bewonersbrieven zelf, veertien dagen voor de "
        "start van de werken."),
    'belasting-tweede-verblijf': (['VO01', 'VO11'], None, None),
    'loket-wachttijd': (['VO09'], 'partly', None),
    'parkeren-bewonerskaart': (['VO02'], None, None),
    'onthaal-onvriendelijk': (['VO06'], 'yes',
        "Opleiding klantvriendelijk onthaal voor alle loketmedewerkers."),
    'leefloon-traag': (['VO13'], 'yes', None),
    'notaris-inlichtingen': (['VO13', 'VO08'], None, None),
    'parkeervergunning-traag': (['VO13'], 'no', None),
    'boom-oprit': (['VO05'], None, None),
    'telefonisch-onthaal': (['VO09', 'VO07'], 'partly', None),
    }

# The complaint analysis of the demo year and its two improvement actions
# (owner: a department or a user, due in days from today)
ANALYSIS = dict(
    participants="Katrien Vermeulen (klachtencoördinator), Marleen Claes "
    "(diensthoofd Burgerzaken), de algemeen directeur",
    lessons="Te veel klachten gaan over trage antwoorden en een "
    "onbereikbaar onthaal: meldingen en vragen raken zoek tussen de "
    "diensten. Waar de dienst snel herstelde, was de burger tevreden.",
    recommendations="Eén centraal meldingssysteem voor alle diensten; "
    "antwoordtermijnen opvolgen in het managementteam.",
    actions=[
        dict(description="Telefonische meldingen van burgers voortaan in "
            "het meldingssysteem registreren en binnen twee werkdagen "
            "opvolgen.", department='burgerzaken', due=3,
            complaints=['afval-container', 'telefonisch-onthaal'],
            recommendation=False),
        dict(description="Wachttijden aan het loket en de "
            "antwoordtermijnen per dienst maandelijks aan het "
            "managementteam rapporteren.", user='handler2', due=10,
            complaints=['loket-wachttijd', 'leefloon-traag'],
            recommendation=True),
        ],
    )


# The clock: the workflow asks ir.date for today; in this process it is
# the day of the step being played.
_CLOCK = {'date': None}


def install_clock():
    from trytond.ir import date as ir_date
    real_today = ir_date.Date.today

    def today(timezone=None):
        if _CLOCK['date'] is not None:
            return _CLOCK['date']
        return real_today(timezone)
    ir_date.Date.today = staticmethod(today)


@contextmanager
def clock(date):
    previous = _CLOCK['date']
    _CLOCK['date'] = date
    try:
        yield
    finally:
        _CLOCK['date'] = previous


def print_logins(out=sys.stdout, url=URL):
    "The block of demo logins, for people (and for scripts/demo.sh)"
    url = url.rstrip('/')
    width = max(len(u[0]) for u in USERS) + 2
    pwidth = max(len(u[1]) for u in USERS) + 2
    lines = [
        f"{COMPANY_NAME} (fictitious Flemish municipality): "
        f"log in on {url}/ with",
        "",
        f"  {'login':{width}}{'password':{pwidth}}who",
        f"  {'admin':{width}}{ADMIN_PASSWORD:{pwidth}}"
        "Tryton administrator",
        ]
    for login, password, name, _, _, role, hint in USERS:
        lines.append(f"  {login:{width}}{password:{pwidth}}{name}, {role}")
        lines.append(f"  {'':{width}}{'':{pwidth}}try: {hint}")
    email, password, party = CITIZEN
    lines += [
        "",
        "The citizens' portal (e.g. "
        f"{url}/klachten/portal/account/login):",
        "",
        f"  {email}  {password}  {PARTIES[party][0]}, citizen: "
        "Mijn klachten shows her two complaints",
        ]
    lines.append("")
    print('\n'.join(lines), file=out)


class Demo:

    def __init__(self, config, verbose=True):
        self.config = config
        self.verbose = verbose
        self.users = {}
        self.contexts = {}
        self.xml = {}
        self.departments = {}
        self.subjects = {}
        self.parties = {}
        self.complaints = {}
        self.handlers = {}
        self.today = dt.date.today()
        self.coordinator_name = next(
            u[2] for u in USERS if u[0] == 'coordinator')

    def log(self, message):
        "Progress goes to stderr: stdout is for the logins block"
        if self.verbose:
            print(message, file=sys.stderr, flush=True)

    # Who is logged in
    def as_user(self, login):
        from proteus import Model
        user_id = self.users[login] if login != 'admin' else self.admin_id
        self.config.user = user_id
        if user_id not in self.contexts:
            User = Model.get('res.user')
            self.contexts[user_id] = User.get_preferences(True, {})
        self.config._context = self.contexts[user_id]

    def get_id(self, fs_id, module='klachten_base'):
        from proteus import Model
        key = (module, fs_id)
        if key not in self.xml:
            ModelData = Model.get('ir.model.data')
            self.xml[key] = ModelData.get_id(module, fs_id, {})
        return self.xml[key]

    # Set up
    def load(self):
        from proteus import Model
        User = Model.get('res.user')
        self.admin_id = self.config.user
        self.admin_context = User.get_preferences(True, {})
        self.contexts[self.admin_id] = self.admin_context
        start = time.monotonic()
        self.setup_languages()
        self.setup_company()
        self.setup_configuration()
        self.setup_subjects()
        self.setup_users()
        self.setup_departments()
        self.setup_parties()
        self.setup_advisory_bodies()
        self.play_complaints()
        self.play_review_and_open_advice()
        self.setup_learning()
        self.setup_citizen()
        self.setup_intake()
        self.finish()
        self.log(f"Demo data loaded in {time.monotonic() - start:.0f} s.")

    def setup_languages(self):
        from proteus import Model
        Lang = Model.get('ir.lang')
        langs = Lang.find([('code', '=', 'nl')])
        if langs:
            nl, = langs
            self.log("Loading the Dutch translations")
            nl.click('load_translations')
            self.nl = Lang(nl.id)
        else:
            self.nl = None

    def setup_company(self):
        from proteus import Model, Wizard
        Country = Model.get('country.country')
        Currency = Model.get('currency.currency')
        Party = Model.get('party.party')
        User = Model.get('res.user')

        countries = Country.find([('code', '=', 'BE')])
        if countries:
            self.belgium, = countries
        else:
            self.belgium = Country(
                name="België", code='BE', code3='BEL', code_numeric='056')
            self.belgium.save()

        currencies = Currency.find([('code', '=', 'EUR')])
        if currencies:
            eur, = currencies
        else:
            eur = Currency(name="Euro", code='EUR', symbol='€',
                numeric_code='978', rounding=Decimal('0.01'), digits=2)
            eur.save()

        self.log(f"Creating the company {COMPANY_NAME}")
        party = Party(name=COMPANY_NAME)
        self._set_address(party, "Klaverveldplein", "1")
        party.contact_mechanisms.new(
            type='email', value=f'info@{MAIL_DOMAIN}')
        party.contact_mechanisms.new(type='phone', value='+32 9 000 00 00')
        party.contact_mechanisms.new(
            type='website', value=f'https://www.{MAIL_DOMAIN}')
        if self.nl:
            party.lang = self.nl
        party.save()

        wizard = Wizard('company.company.config')
        wizard.execute('company')
        company = wizard.form
        company.party = party
        company.currency = eur
        company.timezone = 'Europe/Brussels'
        wizard.execute('add')
        Company = Model.get('company.company')
        self.company, = Company.find([('party', '=', party.id)])

        admin = User(self.admin_id)
        if self.company not in admin.companies:
            admin.companies.append(Company(self.company.id))
        admin.company = Company(self.company.id)
        admin.save()
        self.admin_context = User.get_preferences(True, {})
        self.contexts[self.admin_id] = self.config._context = (
            self.admin_context)

    def setup_configuration(self):
        from proteus import Model
        Configuration = Model.get('klachten.configuration')
        configuration = Configuration(1)
        configuration.feedback = 'on_request'
        # What letters and e-mails give after "Vragen? U bereikt de
        # klachtencoördinator via:"
        configuration.coordinator_contact = COORDINATOR_CONTACT
        # The handler drafts the reply, the coordinator reviews it
        configuration.draft_reply_required = True
        if self._report():
            configuration.inhabitants = INHABITANTS
            configuration.norm_set = NORM_SET
        if self._activated('klachten_notula'):
            # Agenderen: a complaint in conclusion can go on the agenda
            configuration.agenda = True
        configuration.save()
        # Retention: the Flemish practice, 5 years after closing
        from proteus import Wizard
        Company = Model.get('company.company')
        preset = Wizard('klachten.retention.preset')
        preset.form.company, = Company.find([])
        preset.form.preset = 'flanders'
        preset.execute('apply')

    def setup_subjects(self):
        from proteus import Model
        Subject = Model.get('klachten.subject')
        for name in SUBJECTS:
            subject = Subject(name=name)
            subject.save()
            self.subjects[name] = subject.id

    def setup_users(self):
        from proteus import Model
        User = Model.get('res.user')
        Group = Model.get('res.group')
        Company = Model.get('company.company')
        self.log("Creating the demo users")
        for login, password, name, mail, groups, _, _ in USERS:
            user = User()
            user.login = login
            user.name = name
            user.email = f'{mail}@{MAIL_DOMAIN}'
            user.password = password
            if self.nl:
                user.language = self.nl
            for group in groups:
                user.groups.append(Group(self.get_id(group)))
            user.companies.append(Company(self.company.id))
            user.company = Company(self.company.id)
            user.save()
            self.users[login] = user.id

    def setup_departments(self):
        from proteus import Model
        Department = Model.get('klachten.department')
        Role = Model.get('klachten.role')
        User = Model.get('res.user')
        self.log("Creating the departments")
        for key, name, code, members in DEPARTMENTS:
            department = Department(name=name, code=code)
            department.email = f'{key}@{MAIL_DOMAIN}'
            for login, role in members:
                member = department.members.new()
                member.user = User(self.users[login])
                member.role = Role(self.get_id(role))
            department.save()
            self.departments[key] = department.id

    def _set_address(self, party, street, number, postal_code=None,
            city=None):
        address = (party.addresses[0] if party.addresses
            else party.addresses.new())
        address.street_name = street
        address.building_number = number
        address.postal_code = postal_code or POSTAL_CODE
        address.city = city or CITY
        address.country = self.belgium

    def setup_parties(self):
        from proteus import Model
        Party = Model.get('party.party')
        self.log("Creating the complainants")
        for key, (name, street, number, postal_code, city, email,
                phone) in PARTIES.items():
            party = Party(name=name)
            self._set_address(party, street, number, postal_code, city)
            if email:
                party.contact_mechanisms.new(type='email', value=email)
            if phone:
                party.contact_mechanisms.new(
                    type='mobile' if phone.startswith('+32 4') else 'phone',
                    value=phone)
            if key in FAXES:
                party.contact_mechanisms.new(type='fax', value=FAXES[key])
            if self.nl:
                party.lang = self.nl
            party.save()
            self.parties[key] = party.id

    def setup_citizen(self):
        "The portal account of CITIZEN, when klachten_portal is activated"
        from proteus import Model
        Module = Model.get('ir.module')
        if not Module.find([
                    ('name', '=', 'klachten_portal'),
                    ('state', '=', 'activated'),
                    ]):
            return
        self.as_user('admin')
        WebUser = Model.get('web.user')
        Party = Model.get('party.party')
        email, password, party = CITIZEN
        self.log(f"Creating the portal account {email}")
        user = WebUser(email=email, email_valid=True,
            party=Party(self.parties[party]))
        user.password = password
        user.save()

    # The complaints
    def play_complaints(self):
        events = []
        for index, spec in enumerate(COMPLAINTS):
            received = self.today - dt.timedelta(days=spec['ago'])
            events.append((received, index, -1, 'create', {}))
            for number, (days, action, options) in enumerate(spec['steps']):
                date = min(received + dt.timedelta(days=days), self.today)
                events.append((date, index, number, action, options))
        events.sort(key=lambda e: e[:3])
        self.log(f"Playing {len(COMPLAINTS)} complaints "
            f"({len(events)} steps) through the workflow")
        for date, index, _, action, options in events:
            spec = COMPLAINTS[index]
            with clock(date):
                try:
                    getattr(self, f'do_{action}')(spec, date, **options)
                except Exception:
                    print(f"Failed: {action} on complaint {spec['key']!r} "
                        f"on {date} as user {self.config.user}",
                        file=sys.stderr)
                    raise
        self.as_user('admin')

    def _complaint(self, spec):
        from proteus import Model
        Complaint = Model.get('klachten.complaint')
        return Complaint(self.complaints[spec['key']])

    def _wizard(self, name, spec):
        from proteus import Wizard
        return Wizard(name, [self._complaint(spec)])

    def do_create(self, spec, date):
        from proteus import Model
        self.as_user(spec['received_by'])
        Complaint = Model.get('klachten.complaint')
        Party = Model.get('party.party')
        Subject = Model.get('klachten.subject')
        Department = Model.get('klachten.department')
        User = Model.get('res.user')
        complaint = Complaint()
        complaint.received_date = date
        complaint.channel = spec['channel']
        complaint.short_description = spec['short']
        complaint.description = spec['description']
        if spec.get('remedy_sought'):
            complaint.remedy_sought = spec['remedy_sought']
        if spec.get('incident') is not None:
            complaint.incident_date = date - dt.timedelta(
                days=spec['incident'])
        if spec.get('anonymous'):
            complaint.anonymous = True
        else:
            complaint.complainant = Party(self.parties[spec['complainant']])
        if spec.get('representative'):
            complaint.representative = Party(
                self.parties[spec['representative']])
        if spec.get('subject'):
            complaint.subject = Subject(self.subjects[spec['subject']])
        if spec.get('basis'):
            complaint.basis = spec['basis']
        if spec.get('track'):
            complaint.track = spec['track']
        if spec.get('department'):
            complaint.concerns = 'department'
            complaint.concerned_department = Department(
                self.departments[spec['department']])
        if spec.get('concerns') == 'staff':
            complaint.concerns = 'staff'
            complaint.concerned_user = User(
                self.users[spec['concerned_user']])
        complaint.save()
        self.complaints[spec['key']] = complaint.id

    def do_register(self, spec, date):
        self.as_user(spec['received_by'])
        self._complaint(spec).click('register')

    def do_resolve(self, spec, date, resolution):
        self.as_user(spec['received_by'])
        wizard = self._wizard('klachten.complaint.resolve', spec)
        wizard.form.resolution = resolution
        wizard.execute('confirm')

    def do_information(self, spec, date, question, recipient='complainant',
            name=None, email=None, due=None):
        self.as_user('coordinator')
        wizard = self._wizard('klachten.complaint.request_information', spec)
        wizard.form.recipient = recipient
        if recipient == 'third_party':
            wizard.form.name = name
            wizard.form.email = email
        wizard.form.question = question
        if due:
            wizard.form.due_date = date + dt.timedelta(days=due)
        wizard.execute('confirm')

    def do_answer(self, spec, date, answer):
        from proteus import Model
        self.as_user('coordinator')
        Request = Model.get('klachten.information.request')
        request, = Request.find([
                ('complaint', '=', self.complaints[spec['key']]),
                ('state', '=', 'requested'),
                ])
        request.answer = answer
        request.save()
        request.click('record_answer')

    def do_admissible(self, spec, date, handler, by_user=False,
            role='role_handler', observers=(), note=None):
        from proteus import Model
        self.as_user('coordinator')
        Department = Model.get('klachten.department')
        Role = Model.get('klachten.role')
        User = Model.get('res.user')
        department = dict(
            (login, key) for key, _, _, members in DEPARTMENTS
            for login, _ in members)[handler]
        if spec.get('confidential'):
            # Only the coordinator may mark a complaint confidential
            complaint = self._complaint(spec)
            if not complaint.confidential:
                complaint.confidential = True
                complaint.save()
        wizard = self._wizard('klachten.complaint.admissible', spec)
        form = wizard.form
        if spec.get('concerns') == 'staff':
            form.concerns = 'staff'
            form.concerned_user = User(self.users[spec['concerned_user']])
        else:
            form.concerns = 'department'
        form.concerned_department = Department(self.departments[
                spec.get('department') or department])
        form.handler_department = Department(self.departments[department])
        form.handler_role = Role(self.get_id(role))
        if by_user:
            form.handler_user = User(self.users[handler])
        complaint = self._complaint(spec)
        form.inform = bool(complaint.complainant_email)
        if form.inform:
            form.note = note or (
                "Uw klacht is ontvankelijk en wordt onderzocht door de "
                "dienst {}. U krijgt uiterlijk 45 dagen na ontvangst een "
                "antwoord.".format(
                    form.handler_department.rec_name))
        wizard.execute('confirm')
        self.handlers[spec['key']] = handler
        if observers:
            complaint = self._complaint(spec)
            for login in observers:
                complaint.observers.append(User(self.users[login]))
            complaint.save()

    def do_inadmissible(self, spec, date, grounds, motivation,
            request_feedback=False):
        from proteus import Model
        self.as_user('coordinator')
        Ground = Model.get('klachten.inadmissibility_ground')
        wizard = self._wizard('klachten.complaint.inadmissible', spec)
        for ground in grounds:
            wizard.form.grounds.append(Ground(self.get_id(ground)))
        wizard.form.motivation = motivation
        wizard.form.request_feedback = request_feedback
        wizard.execute('confirm')

    def _classify(self, form, spec):
        "The norms, resolved and structural measure of the Conclude wizard"
        from proteus import Model
        norms, resolved, measure = CLASSIFICATION.get(
            spec['key'], ([], None, None))
        Norm = Model.get('klachten.norm')
        for norm in Norm.find([('code', 'in', norms)]):
            form.norms.append(norm)
        if resolved:
            form.resolved = resolved
        if measure:
            form.structural_measure = measure

    def do_report(self, spec, date, report, outcome=None, motivation=None,
            solution=None, no_judgement_reason=None, remedies=(),
            finalise=True):
        from proteus import Model
        self.as_user(self.handlers[spec['key']])
        Remedy = Model.get('klachten.remedy')
        complaint = self._complaint(spec)
        if complaint.report:
            complaint.report += '\n\n' + report
        else:
            complaint.report = report
        if outcome:
            complaint.outcome = outcome
        if motivation:
            complaint.outcome_motivation = motivation
        if no_judgement_reason:
            complaint.no_judgement_reason = no_judgement_reason
        if solution:
            complaint.solution = solution
        for remedy in remedies:
            remedy_id = self.get_id(remedy)
            if remedy_id not in {r.id for r in complaint.remedies}:
                complaint.remedies.append(Remedy(remedy_id))
        if outcome and not complaint.anonymous:
            complaint.draft_reply = self._reply(complaint)
        complaint.save()
        if finalise:
            complaint.click('finalise_report')

    def do_send_back(self, spec, date, remarks):
        self.as_user(self.handlers[spec['key']])
        wizard = self._wizard('klachten.complaint.send_back', spec)
        wizard.form.remarks = remarks
        wizard.execute('confirm')

    def do_not_neutral(self, spec, date, reason):
        self.as_user('coordinator')
        wizard = self._wizard('klachten.complaint.not_neutral', spec)
        wizard.form.reason = reason
        wizard.execute('confirm')

    def _conclusion(self, complaint):
        conclusion = CONCLUSIONS[complaint.outcome]
        if complaint.outcome_motivation:
            conclusion += ' ' + complaint.outcome_motivation
        return conclusion

    def _reply(self, complaint):
        "The reasoned reply to the complainant"
        reply = ["Geachte,", "",
            "Wij hebben uw klacht over \"{}\" onderzocht.".format(
                complaint.short_description),
            self._conclusion(complaint)]
        if complaint.solution:
            reply.append(complaint.solution)
        reply += ["", "Met vriendelijke groeten,", "",
            self.coordinator_name, "Klachtencoördinator", COMPANY_NAME]
        return '\n'.join(reply)

    def do_conclude(self, spec, date, request_feedback=False):
        self.as_user('coordinator')
        complaint = self._complaint(spec)
        conclusion = self._conclusion(complaint)
        wizard = self._wizard('klachten.complaint.conclude', spec)
        wizard.form.conclusion = conclusion
        wizard.form.inform = not complaint.anonymous
        if wizard.form.inform:
            # the handler's draft, as the coordinator reviewed it
            wizard.form.reply = self._reply(complaint)
        wizard.form.request_feedback = request_feedback
        if self._report():
            self._classify(wizard.form, spec)
        wizard.execute('confirm')

    def do_agree(self, spec, date):
        self.as_user('coordinator')
        self._complaint(spec).click('agree')

    def do_disagree(self, spec, date, comment):
        self.as_user('coordinator')
        wizard = self._wizard('klachten.complaint.disagree', spec)
        wizard.form.comment = comment
        wizard.execute('confirm')

    def do_cancel(self, spec, date, reason, inform=False):
        self.as_user('coordinator')
        wizard = self._wizard('klachten.complaint.cancel', spec)
        wizard.form.reason = reason
        wizard.form.inform = inform
        wizard.execute('confirm')

    def _activated(self, name):
        from proteus import Model
        Module = Model.get('ir.module')
        return bool(Module.find([
                    ('name', '=', name),
                    ('state', '=', 'activated')]))

    # klachten_report, when it is activated
    def _report(self):
        if not hasattr(self, '_report_activated'):
            self._report_activated = self._activated('klachten_report')
        return self._report_activated

    def setup_learning(self):
        "The coordinator's complaint analysis of the year, two actions"
        from proteus import Model
        if not self._report():
            return
        self.log("Recording the complaint analysis")
        self.as_user('coordinator')
        Analysis = Model.get('klachten.analysis')
        Complaint = Model.get('klachten.complaint')
        Department = Model.get('klachten.department')
        User = Model.get('res.user')
        analysis = Analysis()
        analysis.date = self.today
        analysis.period_start = self.today.replace(month=1, day=1)
        analysis.period_end = self.today
        analysis.participants = ANALYSIS['participants']
        analysis.lessons = ANALYSIS['lessons']
        analysis.recommendations = ANALYSIS['recommendations']
        for complaint in Complaint.find([
                    ('id', 'in', [self.complaints[k]
                            for k in CLASSIFICATION
                            if k in self.complaints]),
                    ('received_date', '>=', analysis.period_start),
                    ]):
            analysis.complaints.append(complaint)
        for values in ANALYSIS['actions']:
            action = analysis.actions.new()
            action.description = values['description']
            if values.get('department'):
                action.department = Department(
                    self.departments[values['department']])
            if values.get('user'):
                action.user = User(self.users[values['user']])
            action.due_date = self.today + dt.timedelta(days=values['due'])
            action.recommendation = values['recommendation']
            for key in values['complaints']:
                action.complaints.append(Complaint(self.complaints[key]))
        analysis.save()
        self.as_user('admin')

    # klachten_advies, when it is activated
    def _advies(self):
        return self._activated('klachten_advies')

    def setup_advisory_bodies(self):
        from proteus import Model
        if not self._advies():
            return
        Body = Model.get('klachten.advisory.body')
        self.bodies = {}
        for key, name, contact, email, committee in ADVISORY_BODIES:
            body = Body(name=name, contact_name=contact, email=email,
                committee=committee)
            if self.nl:
                body.language = self.nl
            body.save()
            self.bodies[key] = body.id

    def do_advice(self, spec, date, login, question, department=None,
            body=None):
        from proteus import Model
        if not self._advies():
            return
        self.as_user(login)
        wizard = self._wizard('klachten.complaint.request_advice', spec)
        wizard.form.question = question
        if department:
            wizard.form.kind = 'internal'
            wizard.form.advisor_department = Model.get(
                'klachten.department')(self.departments[department])
            wizard.form.advisor_role = Model.get('klachten.role')(
                self.get_id('role_handler'))
        else:
            wizard.form.kind = 'external'
            wizard.form.advisory_body = Model.get(
                'klachten.advisory.body')(self.bodies[body])
        wizard.execute('confirm')

    def do_give_advice(self, spec, date, login, answer):
        from proteus import Model, Wizard
        if not self._advies():
            return
        self.as_user(login)
        Request = Model.get('klachten.advice.request')
        request, = Request.find([
                ('complaint', '=', self.complaints[spec['key']]),
                ('state', '=', 'requested'),
                ])
        wizard = Wizard('klachten.advice.request.answer', [request])
        wizard.form.answer = answer
        wizard.execute('confirm')

    def do_hearing(self, spec, date, login, place):
        "Invite the complainant to be heard next week (Awb 9:10)"
        self.as_user(login)
        wizard = self._wizard('klachten.complaint.hearing', spec)
        wizard.form.action = 'invite'
        wizard.form.date = self.today + dt.timedelta(days=7)
        wizard.form.time = dt.time(10, 0)
        wizard.form.place = place
        wizard.execute('confirm')

    def do_sub_investigation(self, spec, date, login, department,
            question):
        "Ask another department part of the investigation"
        from proteus import Model
        self.as_user(login)
        wizard = self._wizard('klachten.complaint.sub_investigation', spec)
        wizard.form.department = Model.get('klachten.department')(
            self.departments[department])
        wizard.form.question = question
        wizard.execute('confirm')

    def do_chat(self, spec, date, login, content):
        "An internal message in the complaint's conversation"
        from proteus import Model
        self.as_user(login)
        Channel = Model.get('ir.chat.channel')
        Channel.post(f'klachten.complaint,{self.complaints[spec["key"]]}',
            content, 'internal', self.config.context)

    def do_relate(self, spec, date, to):
        from proteus import Model
        self.as_user('coordinator')
        Complaint = Model.get('klachten.complaint')
        complaint = self._complaint(spec)
        complaint.related_complaints.append(Complaint(self.complaints[to]))
        complaint.save()

    def play_review_and_open_advice(self):
        """A complaint whose admissibility e-mail waits for the
        coordinator's review (Klachten > E-mails, To Review), sent back by
        its handler while the advice she asked is still open: the
        coordinator keeps or withdraws it at the next decision (Open
        Advice in Admissible). Received yesterday, so that it is the
        first complaint in evaluation the lists show."""
        from proteus import Model
        spec = _c('speeltuin-schommel', 1, 'email', 'coordinator',
            "Kapotte schommel in speeltuin Hoogstraat niet hersteld",
            "De schommel in de speeltuin aan de Hoogstraat hangt al drie "
            "weken met één ketting los. Ik meldde het aan de Technische "
            "dienst maar er gebeurde niets; de kinderen spelen er nog.",
            complainant='hilde', subject="Groenonderhoud", basis='content',
            department='technisch', incident=21,
            remedy_sought="Dat de schommel hersteld of weggenomen wordt.",
            steps=[])
        Configuration = Model.get('klachten.configuration')
        yesterday = self.today - dt.timedelta(days=1)
        with clock(yesterday):
            self.do_create(spec, yesterday)
            self.do_register(spec, yesterday)
        with clock(self.today):
            self.as_user('admin')
            configuration = Configuration(1)
            configuration.review_emails = True
            configuration.save()
            try:
                self.do_admissible(spec, self.today, handler='handler5')
            finally:
                self.as_user('admin')
                configuration = Configuration(1)
                configuration.review_emails = False
                configuration.save()
            self.do_advice(spec, self.today, login='handler5',
                department='financien',
                question="Valt het herstel van speeltuigen onder het "
                "onderhoudscontract of onder een aparte bestelling?")
            self.do_send_back(spec, self.today, remarks="Speeltuinen "
                "beheert de dienst Omgeving (groen), niet de Technische "
                "dienst. Graag opnieuw toewijzen.")

    def finish(self):
        from proteus import Model
        self.as_user('admin')
        # Seed 000: the general director takes notice of every new
        # complaint about parking (from now on: the played ones are kept)
        StandingObserver = Model.get('klachten.standing_observer')
        Subject = Model.get('klachten.subject')
        StandingObserver(
            user=Model.get('res.user')(self.users['observer']),
            subject=Subject(self.subjects["Parkeren"])).save()
        # What is not a complaint goes elsewhere (seed 002)
        Target = Model.get('klachten.redirect.target')
        for kind, name, method, email, url, text in REDIRECT_TARGETS:
            Target(kind=kind, name=name, method=method, email=email,
                url=url, portal_text=text).save()
        # Signalen's standard texts, for the e-mails under review
        StandardText = Model.get('klachten.standard_text')
        for name, text in STANDARD_TEXTS:
            StandardText(name=name, text=text).save()
        User = Model.get('res.user')
        if self.nl:
            admin = User(self.admin_id)
            admin.language = self.nl
            admin.save()
        self.check()

    def check(self):
        "Warn when the demo misses a state, channel, outcome or feature"
        from proteus import Model
        Complaint = Model.get('klachten.complaint')
        complaints = Complaint.find([])
        counts = {}
        for complaint in complaints:
            counts[complaint.state] = counts.get(complaint.state, 0) + 1
        self.log("Complaints by state: " + ', '.join(
                f'{s} {n}' for s, n in sorted(counts.items())))
        missing = []
        for name in ['state', 'channel', 'outcome']:
            wanted = {v for v, _ in Complaint._fields[name]['selection']
                if v}
            found = {getattr(c, name) for c in complaints}
            missing.extend(f'{name}={v}' for v in sorted(wanted - found))
        features = {
            'confidential': lambda c: c.confidential,
            'anonymous': lambda c: c.anonymous,
            'about a staff member': lambda c: c.concerns == 'staff',
            'information request': lambda c: c.information_requests,
            'inadmissible': lambda c: c.admissibility == 'inadmissible',
            'observer': lambda c: c.observers,
            'resolved on the spot': lambda c: c.resolution,
            'disagreed': lambda c: c.feedback == 'disagree',
            'sent back': lambda c: c.send_back_remarks,
            'not neutral': lambda c: c.not_neutral_reason,
            'remedy': lambda c: c.remedies,
            'representative': lambda c: c.representative,
            'sub-investigation': lambda c: c.sub_investigations,
            'hearing': lambda c: c.hearing_state,
            'informal': lambda c: c.track == 'informal',
            }
        missing.extend(name for name, test in features.items()
            if not any(test(c) for c in complaints))
        if len(complaints) < len(COMPLAINTS):
            missing.append(f'{len(COMPLAINTS) - len(complaints)} complaints')
        if missing:
            print("WARNING: the demo data lacks: " + ', '.join(missing),
                file=sys.stderr)

    # The mailbox and the old register (scripts/demo_mail.py,
    # scripts/demo_register.py)
    def setup_intake(self):
        """The demo mailbox: Tryton's inbound_email route with a known
        address (INBOX_IDENTIFIER) that scripts/demo_mail.py posts to as a
        mail server does; and, with klachten_report, the saved mapping of
        the columns of the old register main() writes (write_register)"""
        from proteus import Model
        if self._activated('inbound_email'):
            self.log("Creating the demo mailbox (inbound e-mail)")
            self.as_user('admin')
            Inbox = Model.get('inbound.email.inbox')
            inbox = Inbox(name="Klachten (klachten@%s)" % MAIL_DOMAIN)
            rule = inbox.rules.new()
            rule.action = 'klachten.inbound.message|receive_inbound_email'
            inbox.save()
            Inbox.write([inbox.id], {'identifier': INBOX_IDENTIFIER},
                self.admin_context)
        if self._report():
            register = _register_module()
            self.as_user('coordinator')
            Mapping = Model.get('klachten.register.import.mapping')
            mapping = Mapping(name=register.MAPPING_NAME)
            for column, field in register.COLUMNS:
                mapping.lines.new(column=column, field=field)
            mapping.save()


def _register_module():
    "scripts/demo_register.py"
    import importlib.util
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
        'demo_register.py')
    spec = importlib.util.spec_from_file_location('demo_register', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_register(verbose=True):
    """Write the demo's old register to import (scripts/demo_register.py)
    to demo/ next to the folder of the database (var/demo/ of `make
    demo`); return its path"""
    from pathlib import Path

    import trytond.config as config
    db_path = config.get('database', 'path') or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..', 'var', 'db')
    path = Path(db_path).resolve().parent / 'demo' / REGISTER_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    data, _ = _register_module().register()
    path.write_bytes(data)
    if verbose:
        print(f"The old register to import: {path}", file=sys.stderr)
    return path


def demo_status():
    "complete, incomplete, foreign or None (no company yet)"
    from proteus import Model
    Company = Model.get('company.company')
    companies = Company.find([])
    if not companies:
        return None, None
    for company in companies:
        if company.party.name == COMPANY_NAME:
            break
    else:
        return 'foreign', companies[0].party.name
    Complaint = Model.get('klachten.complaint')
    User = Model.get('res.user')
    users = User.find([('login', 'in', [u[0] for u in USERS])])
    if (len(users) == len(USERS)
            and len(Complaint.find([])) >= len(COMPLAINTS)):
        return 'complete', COMPANY_NAME
    return 'incomplete', COMPANY_NAME


def activate(config, verbose=True):
    from proteus import Model, Wizard
    Module = Model.get('ir.module')
    # klachten_portal (the citizens' pages), klachten_report (register,
    # report and letters), klachten_advies (advice), klachten_notula
    # (the agenda) and inbound_email (the demo mailbox) when they are
    # installed
    modules = Module.find([
            ('name', 'in', [
                    'klachten_base', 'klachten_portal', 'klachten_report',
                    'klachten_advies', 'klachten_notula',
                    'inbound_email'])])
    todo = [m for m in modules if m.state != 'activated']
    if todo:
        if verbose:
            print("Activating " + ', '.join(m.name for m in todo),
                file=sys.stderr, flush=True)
        for module in todo:
            # activating one module marks its dependencies: read again
            module.reload()
            if module.state == 'not activated':
                module.click('activate')
        Wizard('ir.module.activate_upgrade').execute('upgrade')
        Model.reset(config)
    User = Model.get('res.user')
    config._context = User.get_preferences(True, {})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('-c', '--config', dest='config_file',
        default=os.environ.get('TRYTOND_CONFIG'),
        help="the trytond configuration file")
    parser.add_argument('-d', '--database', default='klachten',
        help="the database name (default: %(default)s)")
    parser.add_argument('--logins', action='store_true',
        help="only print the demo logins")
    parser.add_argument('-q', '--quiet', action='store_true',
        help="print only the logins")
    parser.add_argument('--url', default=URL,
        help="the server's address in the printed logins "
        "(default: %(default)s)")
    args = parser.parse_args(argv)

    if args.logins:
        print_logins(url=args.url)
        return 0

    from proteus import config as pconfig
    config = pconfig.set_trytond(
        database=args.database, config_file=args.config_file)
    install_clock()
    activate(config, verbose=not args.quiet)
    status, name = demo_status()
    if status == 'complete':
        print(f"The demo data of {COMPANY_NAME} is already loaded.",
            file=sys.stderr)
        print_logins(url=args.url)
        return 0
    elif status == 'foreign':
        print(f"The database already has the company {name!r}: "
            "demo data is only loaded in a new database.", file=sys.stderr)
        return 1
    elif status == 'incomplete':
        print(f"The database has the company {COMPANY_NAME} but not all "
            "demo data (an earlier run failed?): recreate the database "
            "and run again.", file=sys.stderr)
        return 1
    demo = Demo(config, verbose=not args.quiet)
    demo.load()
    if demo._report():
        write_register(verbose=not args.quiet)
    print_logins(url=args.url)
    return 0


if __name__ == '__main__':
    sys.exit(main())
