#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The old complaints register of the demo's Gemeente Klaverveld: the
"centrale excel bestand" of seed 004, as a municipality kept it before it
used Klachten, for the coordinator to import (Klachten > Registerimport).

    .venv/bin/python scripts/demo_register.py klachtenregister.xlsx [ROWS]

500 complaints by default, received over the last two and a half years,
closed, in Dutch, with the demo's departments and subjects, and a few bad
rows a real register has (a date that does not exist, a department that
does not exist, a formula without its value, a number typed twice, a
complaint still open, a row without description) and empty lines.  The
same ROWS give the same file on the same day (a fixed random seed).

scripts/demo_data.py writes it to var/demo/ and saves the mapping of its
columns (COLUMNS) for the company."""
import datetime as dt
import io
import random
import sys

from openpyxl import Workbook

# header: the import's field (klachten_report.register_import)
COLUMNS = [
    ("Dossiernr.", 'number'),
    ("Datum ontvangst", 'received_date'),
    ("Kanaal", 'channel'),
    ("Naam klager", 'complainant_name'),
    ("E-mailadres", 'complainant_email'),
    ("Telefoon", 'complainant_phone'),
    ("Adres", 'complainant_street'),
    ("Postcode", 'complainant_postal_code'),
    ("Woonplaats", 'complainant_city'),
    ("Dienst", 'concerned_department'),
    ("Thema", 'subject'),
    ("Onderwerp klacht", 'short_description'),
    ("Omschrijving", 'description'),
    ("Soort", 'basis'),
    ("Ontvankelijk?", 'admissibility'),
    ("Oordeel", 'outcome'),
    ("Datum beslissing", 'decision_date'),
    ("Datum afgesloten", 'closing_date'),
    ("Status", 'state'),
    ]
MAPPING_NAME = "Oud klachtenregister (Excel)"
ROWS = 500
FIRST_NAMES = ["An", "Bart", "Chris", "Dirk", "Els", "Filip", "Greet",
    "Hilde", "Ine", "Jan", "Karel", "Lien", "Marc", "Nele", "Olivier",
    "Patrick", "Rita", "Sofie", "Tom", "Veerle", "Wim", "Yasmina",
    "Mohamed", "Fatima", "Luc", "Ann", "Koen", "Lotte", "Ruben", "Sarah"]
LAST_NAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens",
    "Willems", "Claes", "Goossens", "Wouters", "De Smet", "Dubois",
    "Lambert", "Dupont", "Hermans", "Van den Broeck", "Vermeulen",
    "Aerts", "De Clercq", "Martens", "Michiels", "El Idrissi", "Yilmaz",
    "Verstraete", "Desmet", "Van Damme", "Pauwels", "Smets", "Leroy"]
STREETS = ["Kerkstraat", "Stationsstraat", "Molenstraat", "Dorpsplein",
    "Tuinstraat", "Lindelaan", "Schoolstraat", "Beekstraat", "Veldweg",
    "Kapelstraat", "Nieuwstraat", "Bosstraat", "Klaverveldplein",
    "Heidestraat", "Meersstraat"]
CHANNELS = ["Brief", "Telefoon", "E-mail", "E-mail", "Webformulier",
    "Loket"]
# department, subject, basis, short description, description
COMPLAINTS = [
    ("Omgeving", "Afvalophaling", "Inhoud",
        "Gele zakken niet opgehaald in de {street}",
        "De gele zakken in de {street} zijn op de ophaaldag blijven "
        "staan. De buren hebben er ook last van; de zakken scheuren open."),
    ("Omgeving", "Afvalophaling", "Communicatie",
        "Ophaalkalender niet ontvangen",
        "Wij hebben dit jaar geen ophaalkalender ontvangen en weten niet "
        "wanneer het papier en karton wordt opgehaald."),
    ("Omgeving", "Groenonderhoud", "Inhoud",
        "Hoog gras op het speelplein {street}",
        "Het gras op het speelplein in de {street} is al weken niet "
        "gemaaid; de kinderen kunnen er niet meer spelen."),
    ("Omgeving", "Omgevingsvergunning", "Communicatie",
        "Geen antwoord op vraag over bouwaanvraag",
        "Ik vroeg drie weken geleden of mijn dossier voor een carport "
        "volledig is en kreeg nog steeds geen antwoord."),
    ("Technische dienst", "Wegenwerken", "Inhoud",
        "Put in het wegdek {street}",
        "In de {street} ligt al maanden een diepe put in het wegdek. "
        "Fietsers moeten uitwijken naar het midden van de rijbaan."),
    ("Technische dienst", "Wegenwerken", "Communicatie",
        "Wegenwerken zonder aankondiging",
        "De {street} werd zonder enige verwittiging afgesloten; ik kon "
        "mijn garage niet uit en kwam te laat op het werk."),
    ("Technische dienst", "Groenonderhoud", "Inhoud",
        "Overhangende takken {street}",
        "De bomen langs de {street} hangen over het fietspad; je moet "
        "bukken om er door te rijden."),
    ("Burgerzaken", "Loketdienst", "Bejegening",
        "Onvriendelijk onthaal aan het loket",
        "Ik werd aan het loket burgerzaken onvriendelijk te woord "
        "gestaan toen ik een vraag stelde over mijn identiteitskaart."),
    ("Burgerzaken", "Loketdienst", "Communicatie",
        "Afspraak niet bevestigd",
        "Ik maakte online een afspraak voor een rijbewijs maar kreeg geen "
        "bevestiging; aan het loket was de afspraak niet bekend."),
    ("Burgerzaken", "Parkeren", "Inhoud",
        "Bewonerskaart niet verlengd",
        "Mijn bewonerskaart voor de {street} werd niet verlengd hoewel "
        "ik alle documenten tijdig binnenbracht."),
    ("Financiën", "Belastingen", "Inhoud",
        "Aanslag afvalbelasting te hoog",
        "Ik kreeg een aanslag voor een gezin van vier terwijl ik alleen "
        "woon in de {street}."),
    ("Financiën", "Belastingen", "Communicatie",
        "Geen reactie op bezwaar",
        "Ik diende bezwaar in tegen de belasting op tweede verblijven en "
        "kreeg na twee maanden nog geen ontvangstmelding."),
    ("Sociale dienst", "Sociale dienstverlening", "Bejegening",
        "Lange wachttijd bij de sociale dienst",
        "Ik moest drie keer terugkomen voor een gesprek over de "
        "huurpremie; niemand belde terug zoals beloofd."),
    ]
# the names the register uses: the demo's (scripts/demo_data.py)
DEPARTMENTS = sorted({c[0] for c in COMPLAINTS})
SUBJECTS = sorted({c[1] for c in COMPLAINTS})
OUTCOMES = ["Gegrond", "Ongegrond", "Deels gegrond", "Ongegrond",
    "Gegrond", "Geen oordeel"]


def _person(rnd):
    first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
    user = f"{first}.{last}".lower().replace(' ', '')
    email = f'{user}@example.org' if rnd.random() < 0.6 else None
    phone = (f'+32 470 {rnd.randint(10, 99)} {rnd.randint(10, 99)} '
        f'{rnd.randint(10, 99)}' if rnd.random() < 0.4 else None)
    street = f"{rnd.choice(STREETS)} {rnd.randint(1, 120)}"
    return f"{first} {last}", email, phone, street


def _row(rnd, number, received, today):
    department, subject, basis, short, text = rnd.choice(COMPLAINTS)
    name, email, phone, street = _person(rnd)
    decided = min(received + dt.timedelta(days=rnd.randint(10, 55)),
        today)
    closed = min(decided + dt.timedelta(days=rnd.randint(0, 6)), today)
    street_name = street.rsplit(' ', 1)[0]
    return [f"KV-{received.year}-{number:04d}", received,
        rnd.choice(CHANNELS), name, email, phone, street, '9999',
        "Klaverveld", department, subject,
        short.format(street=street_name), text.format(street=street_name),
        basis, "Ontvankelijk", rnd.choice(OUTCOMES), decided, closed,
        "Afgesloten"]


def register(rows=ROWS, today=None):
    """(the .xlsx's bytes, {sheet row number: column header of what is
    wrong}) of a register of rows complaints"""
    today = today or dt.date.today()
    rnd = random.Random(rows)
    first = today - dt.timedelta(days=900)
    days = sorted(rnd.randint(0, 840) for _ in range(rows))
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Klachten"
    sheet.append([header for header, _ in COLUMNS])
    index = {field: i for i, (_, field) in enumerate(COLUMNS)}
    header = {field: h for h, field in COLUMNS}
    bad = {}
    previous_number = None
    bad_rows = {
        37: ('received_date', "31/02/2025"),
        101: ('concerned_department', "Feestcomité"),
        188: ('outcome', "=VLOOKUP(A188;Oordelen!A:B;2;0)"),
        240: ('number', None),  # the number of the row before
        333: ('state', "In behandeling"),
        421: ('short_description', None),
        }
    for i, day in enumerate(days, 1):
        received = first + dt.timedelta(days=day)
        row = _row(rnd, i, received, today)
        column = None
        if i in bad_rows:
            field, value = bad_rows[i]
            column = header[field]
            if field == 'number':
                row[index['number']] = previous_number
                column = ''
            elif field == 'short_description':
                row[index['short_description']] = None
                row[index['description']] = None
            else:
                row[index[field]] = value
        previous_number = row[index['number']]
        sheet.append(row)
        if column is not None:
            bad[sheet.max_row] = column
        if i in {50, 51, 260}:
            sheet.append([None] * len(COLUMNS))
    for letter, width in zip('ABCDEFGHIJKLMNOPQRS', [14, 14, 12, 22, 30,
                18, 22, 9, 12, 8, 22, 45, 60, 14, 13, 14, 14, 14, 11]):
        sheet.column_dimensions[letter].width = width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = 'DD/MM/YYYY'
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue(), bad


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or len(argv) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    data, bad = register(int(argv[1]) if len(argv) > 1 else ROWS)
    with open(argv[0], 'wb') as file:
        file.write(data)
    print(f"{argv[0]}: {len(bad)} bad rows ("
        + ', '.join(str(r) for r in sorted(bad)) + ")", file=sys.stderr)
    return 0


if __name__ == '__main__':
    sys.exit(main())
