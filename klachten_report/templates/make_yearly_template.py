#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Write the default Word templates of the yearly report
(yearly_report.<language>.docx) beside this file.  A municipality does not
need this script: it downloads the default template in the client,
rewrites it in Word and uploads it (doc/yearly.rst).  Run it after
changing a text below:

    .venv/bin/python klachten_report/templates/make_yearly_template.py

Both variants are in each template: ``{%p if variant == 'flemish' %}``
(Decreet Lokaal Bestuur art. 302-303) and ``dutch`` (Awb 9:12a).  The
tables repeat a row per category with docxtpl's ``{%tr for %}``; the
charts are ``{{ charts.<name> }}`` (an image, or nothing)."""
from pathlib import Path

from docx.shared import Pt
from make_templates import new_document

HERE = Path(__file__).resolve().parent

WORDS = {
    'nl': {
        'title': {
            'flemish': "Jaarverslag klachtenbehandeling {{ period }}",
            'dutch': "Jaaroverzicht klachtbehandeling {{ period }}",
            },
        'intro': {
            'flemish': "Dit verslag geeft de gemeenteraad een overzicht "
            "van de klachten die {{ municipality }} ontving en behandelde "
            "van {{ period_start }} tot en met {{ period_end }}. Het "
            "Decreet Lokaal Bestuur (artikelen 302 en 303) vraagt dat het "
            "klachtenbehandelingssysteem minstens één keer per jaar aan de "
            "gemeenteraad rapporteert.",
            'dutch': "Dit overzicht van de klaagschriften die "
            "{{ municipality }} ontving en behandelde van "
            "{{ period_start }} tot en met {{ period_end }} wordt jaarlijks "
            "gepubliceerd, zoals artikel 9:12a van de Algemene wet "
            "bestuursrecht voorschrijft.",
            },
        'volume': "Instroom",
        'volume_rows': [
            ("Ontvangen klachten", 'volume.received'),
            ("Geannuleerd (ingetrokken of dubbel)", 'volume.cancelled'),
            ("Overgedragen uit de vorige periode", 'volume.carried_over'),
            ("Nog open op {{ period_end }}", 'volume.open_at_end'),
            ("Geen klacht (melding, vraag of bezwaar)",
                'volume.not_a_complaint'),
            ("Doorgestuurd naar een andere instantie", 'volume.forwarded'),
            ("Klachten per 1.000 inwoners", 'volume.per_1000'),
            ("Ontvankelijke klachten per 1.000 inwoners",
                'volume.per_1000_admissible'),
            ],
        'trend': "Verloop over vijf jaar",
        'period_col': "Periode", 'received_col': "Ontvangen",
        'channels': "Kanalen",
        'channel_cols': ["Kanaal", "Formeel", "Informeel", "Totaal"],
        'converted_rows': [
            ("Informele klachten formeel behandeld op verzoek van de "
                "verzoeker", 'converted'),
            ],
        'admissibility': {
            'flemish': "Ontvankelijkheid",
            'dutch': "Behandeling van het klaagschrift (Awb 9:8)",
            },
        'admissibility_rows': [
            ("Ontvankelijk", 'admissibility.admissible'),
            ("Onontvankelijk", 'admissibility.inadmissible'),
            ("Nog niet beslist", 'admissibility.undecided'),
            ],
        'grounds': "Gronden van onontvankelijkheid",
        'ground_cols': ["Grond", "Aantal"],
        'refusals': "Kennisgevingen van onontvankelijkheid binnen de "
        "termijn: {{ refusals.in_time }} van {{ refusals.total }} "
        "({{ refusals.percent }}).",
        'outcomes': "Uitkomst",
        'outcome_cols': ["Uitkomst", "Aantal"],
        'resolved': "Gegronde klachten: opgelost?",
        'norms': "Geraakte normen",
        'norm_cols': ["Norm", "Aantal"],
        'lead_time': "Doorlooptijd",
        'lead_rows': [
            ("Beslist in de periode", 'lead_time.decided'),
            ("Binnen de termijn", 'lead_time.within_term'),
            ("Gemiddelde doorlooptijd (dagen)", 'lead_time.average'),
            ("Mediaan (dagen)", 'lead_time.median'),
            ("Termijn verlengd", 'lead_time.extended'),
            ("Opgeschort", 'lead_time.suspended'),
            ("Streefdoel (dagen)", 'lead_time.target'),
            ("Binnen het streefdoel", 'lead_time.within_target'),
            ],
        'departments': "Per dienst",
        'department_cols': ["Dienst", "Ontvangen", "Ontvankelijk",
            "Gegrond"],
        'bases': "Bejegening en andere grondslagen",
        'basis_cols': ["Grondslag", "Aantal"],
        'tracks': "Informeel en formeel",
        'track_cols': ["Spoor", "Beslist", "Binnen de termijn",
            "Gemiddeld (dagen)", "Mediaan (dagen)"],
        'ombudsman': {
            'flemish': "Doorverwijzingen naar de Vlaamse Ombudsdienst: "
            "{{ referrals }}.",
            'dutch': "Doorverwijzingen naar de Nationale ombudsman: "
            "{{ referrals }}.",
            },
        'ombudsman_title': "Tweede lijn",
        'satisfaction': "Tevredenheid",
        'satisfaction_rows': [
            ("Om reactie gevraagd", 'satisfaction.requested'),
            ("Akkoord met de beslissing", 'satisfaction.agree'),
            ("Niet akkoord", 'satisfaction.disagree'),
            ("Geen antwoord", 'satisfaction.no_answer'),
            ("Akkoord (van wie antwoordde)", 'satisfaction.agree_percent'),
            ],
        'actions': "Verbeteracties",
        'action_cols': ["Stand", "Aantal"],
        'recommendations': "Aanbevelingen aan het bestuur",
        'method': "Werkwijze",
        'method_text': "Instroom, kanalen, ontvankelijkheid, diensten en "
        "grondslagen tellen de klachten ontvangen in de periode; uitkomst, "
        "doorlooptijd en tevredenheid tellen de klachten waarover in de "
        "periode beslist werd. Aantallen van 1 of 2 staan als „< 3”; een * "
        "verbergt een tweede aantal, zodat een klein aantal niet uit het "
        "totaal af te leiden is. Dit verslag bevat geen namen of andere "
        "persoonsgegevens.",
        'made_on': "Opgemaakt op {{ made_on }}.",
        },
    'fr': {
        'title': {
            'flemish': "Rapport annuel sur le traitement des plaintes "
            "{{ period }}",
            'dutch': "Aperçu annuel des plaintes {{ period }}",
            },
        'intro': {
            'flemish': "Ce rapport présente au conseil communal les "
            "plaintes que {{ municipality }} a reçues et traitées du "
            "{{ period_start }} au {{ period_end }}. Le décret flamand sur "
            "l'administration locale (articles 302 et 303) demande que le "
            "système de traitement des plaintes fasse rapport au conseil au "
            "moins une fois par an.",
            'dutch': "Cet aperçu des plaintes que {{ municipality }} a "
            "reçues et traitées du {{ period_start }} au {{ period_end }} "
            "est publié chaque année, comme le prescrit l'article 9:12a de "
            "la loi générale néerlandaise sur le droit administratif (Awb).",
            },
        'volume': "Volume",
        'volume_rows': [
            ("Plaintes reçues", 'volume.received'),
            ("Annulées (retirées ou en double)", 'volume.cancelled'),
            ("Reportées de la période précédente", 'volume.carried_over'),
            ("Encore ouvertes au {{ period_end }}", 'volume.open_at_end'),
            ("Pas une plainte (signalement, question, recours)",
                'volume.not_a_complaint'),
            ("Transmises à une autre instance", 'volume.forwarded'),
            ("Plaintes pour 1 000 habitants", 'volume.per_1000'),
            ("Plaintes recevables pour 1 000 habitants",
                'volume.per_1000_admissible'),
            ],
        'trend': "Évolution sur cinq ans",
        'period_col': "Période", 'received_col': "Reçues",
        'channels': "Canaux",
        'channel_cols': ["Canal", "Formelle", "Informelle", "Total"],
        'converted_rows': [
            ("Plaintes informelles traitées formellement à la demande "
                "du plaignant", 'converted'),
            ],
        'admissibility': {
            'flemish': "Recevabilité",
            'dutch': "Recevabilité (Awb 9:8)",
            },
        'admissibility_rows': [
            ("Recevables", 'admissibility.admissible'),
            ("Irrecevables", 'admissibility.inadmissible'),
            ("Pas encore décidé", 'admissibility.undecided'),
            ],
        'grounds': "Motifs d'irrecevabilité",
        'ground_cols': ["Motif", "Nombre"],
        'refusals': "Notifications d'irrecevabilité dans le délai : "
        "{{ refusals.in_time }} sur {{ refusals.total }} "
        "({{ refusals.percent }}).",
        'outcomes': "Issue",
        'outcome_cols': ["Issue", "Nombre"],
        'resolved': "Plaintes fondées : résolues ?",
        'norms': "Normes touchées",
        'norm_cols': ["Norme", "Nombre"],
        'lead_time': "Délai de traitement",
        'lead_rows': [
            ("Décidées dans la période", 'lead_time.decided'),
            ("Dans le délai", 'lead_time.within_term'),
            ("Délai moyen (jours)", 'lead_time.average'),
            ("Médiane (jours)", 'lead_time.median'),
            ("Délai prolongé", 'lead_time.extended'),
            ("Suspendues", 'lead_time.suspended'),
            ("Objectif (jours)", 'lead_time.target'),
            ("Dans l'objectif", 'lead_time.within_target'),
            ],
        'departments': "Par service",
        'department_cols': ["Service", "Reçues", "Recevables", "Fondées"],
        'bases': "Comportement et autres fondements",
        'basis_cols': ["Fondement", "Nombre"],
        'tracks': "Informelles et formelles",
        'track_cols': ["Voie", "Décidées", "Dans le délai",
            "Moyenne (jours)", "Médiane (jours)"],
        'ombudsman': {
            'flemish': "Renvois au Médiateur flamand : {{ referrals }}.",
            'dutch': "Renvois au Médiateur national : {{ referrals }}.",
            },
        'ombudsman_title': "Deuxième ligne",
        'satisfaction': "Satisfaction",
        'satisfaction_rows': [
            ("Avis demandé", 'satisfaction.requested'),
            ("D'accord avec la décision", 'satisfaction.agree'),
            ("Pas d'accord", 'satisfaction.disagree'),
            ("Pas de réponse", 'satisfaction.no_answer'),
            ("D'accord (parmi les réponses)", 'satisfaction.agree_percent'),
            ],
        'actions': "Actions d'amélioration",
        'action_cols': ["État", "Nombre"],
        'recommendations': "Recommandations à la direction",
        'method': "Méthode",
        'method_text': "Le volume, les canaux, la recevabilité, les "
        "services et les fondements comptent les plaintes reçues dans la "
        "période ; l'issue, le délai et la satisfaction comptent les "
        "plaintes décidées dans la période. Les nombres 1 et 2 sont "
        "indiqués « < 3 » ; un * masque un second nombre pour qu'un petit "
        "nombre ne puisse être déduit du total. Ce rapport ne contient ni "
        "noms ni autres données personnelles.",
        'made_on': "Établi le {{ made_on }}.",
        },
    'en': {
        'title': {
            'flemish': "Annual report on complaint handling {{ period }}",
            'dutch': "Annual overview of complaints {{ period }}",
            },
        'intro': {
            'flemish': "This report gives the council an overview of the "
            "complaints {{ municipality }} received and handled from "
            "{{ period_start }} to {{ period_end }}. The Flemish Local "
            "Government Decree (articles 302 and 303) requires the "
            "complaints system to report to the council at least once a "
            "year.",
            'dutch': "This overview of the complaints {{ municipality }} "
            "received and handled from {{ period_start }} to "
            "{{ period_end }} is published yearly, as article 9:12a of the "
            "Dutch General Administrative Law Act (Awb) requires.",
            },
        'volume': "Volume",
        'volume_rows': [
            ("Complaints received", 'volume.received'),
            ("Cancelled (withdrawn or duplicate)", 'volume.cancelled'),
            ("Carried over from the previous period",
                'volume.carried_over'),
            ("Still open on {{ period_end }}", 'volume.open_at_end'),
            ("Not a complaint (report, question, appeal)",
                'volume.not_a_complaint'),
            ("Forwarded to another body", 'volume.forwarded'),
            ("Complaints per 1,000 inhabitants", 'volume.per_1000'),
            ("Admissible complaints per 1,000 inhabitants",
                'volume.per_1000_admissible'),
            ],
        'trend': "Five-year trend",
        'period_col': "Period", 'received_col': "Received",
        'channels': "Channels",
        'channel_cols': ["Channel", "Formal", "Informal", "Total"],
        'converted_rows': [
            ("Informal complaints handled formally at the "
                "complainant's request", 'converted'),
            ],
        'admissibility': {
            'flemish': "Admissibility",
            'dutch': "Admissibility (Awb 9:8)",
            },
        'admissibility_rows': [
            ("Admissible", 'admissibility.admissible'),
            ("Inadmissible", 'admissibility.inadmissible'),
            ("Not decided yet", 'admissibility.undecided'),
            ],
        'grounds': "Grounds of inadmissibility",
        'ground_cols': ["Ground", "Number"],
        'refusals': "Inadmissibility notices within the term: "
        "{{ refusals.in_time }} of {{ refusals.total }} "
        "({{ refusals.percent }}).",
        'outcomes': "Outcomes",
        'outcome_cols': ["Outcome", "Number"],
        'resolved': "Founded complaints: resolved?",
        'norms': "Norms touched",
        'norm_cols': ["Norm", "Number"],
        'lead_time': "Lead time",
        'lead_rows': [
            ("Decided in the period", 'lead_time.decided'),
            ("Within the term", 'lead_time.within_term'),
            ("Average lead time (days)", 'lead_time.average'),
            ("Median (days)", 'lead_time.median'),
            ("Term extended", 'lead_time.extended'),
            ("Suspended", 'lead_time.suspended'),
            ("Target (days)", 'lead_time.target'),
            ("Within the target", 'lead_time.within_target'),
            ],
        'departments': "By department",
        'department_cols': ["Department", "Received", "Admissible",
            "Founded"],
        'bases': "Conduct and other grounds",
        'basis_cols': ["Basis", "Number"],
        'tracks': "Informal and formal",
        'track_cols': ["Track", "Decided", "Within the term",
            "Average (days)", "Median (days)"],
        'ombudsman': {
            'flemish': "Referrals to the Flemish Ombudsman: "
            "{{ referrals }}.",
            'dutch': "Referrals to the National Ombudsman: "
            "{{ referrals }}.",
            },
        'ombudsman_title': "Second line",
        'satisfaction': "Satisfaction",
        'satisfaction_rows': [
            ("Feedback asked", 'satisfaction.requested'),
            ("Agree with the decision", 'satisfaction.agree'),
            ("Disagree", 'satisfaction.disagree'),
            ("No answer", 'satisfaction.no_answer'),
            ("Agree (of those who answered)",
                'satisfaction.agree_percent'),
            ],
        'actions': "Improvement actions",
        'action_cols': ["Status", "Number"],
        'recommendations': "Recommendations to management",
        'method': "Method",
        'method_text': "Volume, channels, admissibility, departments and "
        "grounds count the complaints received in the period; outcomes, "
        "lead time and satisfaction count the complaints decided in the "
        "period. Counts of 1 or 2 are shown as \"< 3\"; a * hides a second "
        "count so that a small count cannot be worked out from the total. "
        "This report holds no names or other personal data.",
        'made_on': "Made on {{ made_on }}.",
        },
    }


def variants(document, texts, heading=None):
    "A paragraph (or heading) per variant"
    for variant in ['flemish', 'dutch']:
        document.add_paragraph(f"{{%p if variant == '{variant}' %}}")
        if heading == 'title':
            run = document.add_paragraph().add_run(texts[variant])
            run.bold = True
            run.font.size = Pt(20)
        elif heading:
            document.add_heading(texts[variant], level=heading)
        else:
            document.add_paragraph(texts[variant])
        document.add_paragraph("{%p endif %}")


def fixed_table(document, rows):
    "A table of label: value rows"
    table = document.add_table(rows=0, cols=2)
    table.style = 'Table Grid'
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = f'{{{{ {value} }}}}'
    document.add_paragraph()


def loop_table(document, headers, rows, keys):
    "A table with a header row and a row for each item of rows"
    table = document.add_table(rows=1, cols=len(headers))
    table.style = 'Table Grid'
    for cell, header in zip(table.rows[0].cells, headers):
        cell.text = ''
        cell.paragraphs[0].add_run(header).bold = True
    table.add_row().cells[0].text = f'{{%tr for r in {rows} %}}'
    cells = table.add_row().cells
    for cell, key in zip(cells, keys):
        cell.text = f'{{{{ r.{key} }}}}'
    table.add_row().cells[0].text = '{%tr endfor %}'
    document.add_paragraph()


def chart(document, name):
    document.add_paragraph(f'{{{{ charts.{name} }}}}')


def yearly_report(language):
    w = WORDS[language]
    document = new_document()
    document.sections[0].header.paragraphs[1].text = ''
    variants(document, w['title'], heading='title')
    variants(document, w['intro'])

    document.add_heading(w['volume'], level=1)
    fixed_table(document, w['volume_rows'])
    document.add_heading(w['trend'], level=2)
    loop_table(document, [w['period_col'], w['received_col']], 'trend',
        ['label', 'received'])
    chart(document, 'trend')

    document.add_heading(w['channels'], level=1)
    loop_table(document, w['channel_cols'], 'channels',
        ['label', 'formal', 'informal', 'total'])
    chart(document, 'channels')
    fixed_table(document, w['converted_rows'])

    variants(document, w['admissibility'], heading=1)
    fixed_table(document, w['admissibility_rows'])
    document.add_heading(w['grounds'], level=2)
    loop_table(document, w['ground_cols'], 'grounds', ['label', 'count'])
    document.add_paragraph(w['refusals'])

    document.add_heading(w['outcomes'], level=1)
    loop_table(document, w['outcome_cols'], 'outcomes', ['label', 'count'])
    chart(document, 'outcomes')
    document.add_heading(w['resolved'], level=2)
    loop_table(document, w['outcome_cols'], 'resolved', ['label', 'count'])
    document.add_heading(w['norms'], level=2)
    loop_table(document, w['norm_cols'], 'norms', ['label', 'count'])

    document.add_heading(w['lead_time'], level=1)
    fixed_table(document, w['lead_rows'])
    document.add_heading(w['tracks'], level=2)
    loop_table(document, w['track_cols'], 'tracks',
        ['label', 'decided', 'within_term', 'average', 'median'])

    document.add_heading(w['departments'], level=1)
    loop_table(document, w['department_cols'], 'departments',
        ['label', 'received', 'admissible', 'founded'])
    chart(document, 'departments')
    document.add_heading(w['bases'], level=2)
    loop_table(document, w['basis_cols'], 'bases', ['label', 'count'])

    document.add_heading(w['ombudsman_title'], level=1)
    variants(document, w['ombudsman'])
    document.add_heading(w['satisfaction'], level=1)
    fixed_table(document, w['satisfaction_rows'])

    document.add_heading(w['actions'], level=1)
    loop_table(document, w['action_cols'], 'actions', ['label', 'count'])
    document.add_heading(w['recommendations'], level=2)
    document.add_paragraph("{%p for r in recommendations %}")
    document.add_paragraph(
        "– {{ r.description }} ({{ r.department }}, {{ r.state }}"
        "{% if r.due_date %}, {{ r.due_date }}{% endif %})")
    document.add_paragraph("{%p endfor %}")

    document.add_heading(w['method'], level=1)
    document.add_paragraph(w['method_text'])
    document.add_paragraph().add_run(w['made_on']).font.size = Pt(9)
    return document


def main():
    for language in WORDS:
        yearly_report(language).save(
            HERE / f'yearly_report.{language}.docx')


if __name__ == '__main__':
    main()
