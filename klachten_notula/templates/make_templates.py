#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Write the default Word templates of the draft decision
(draft_decision.<language>.docx) beside this file, with the page and
letterhead of klachten_report's templates.  A municipality does not need
this script: it replaces the template in the client's template list (see
klachten_report's doc/templates.rst).  Run it after changing a text below:

    .venv/bin/python klachten_notula/templates/make_templates.py
"""
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / 'klachten_report' / 'templates'))

from make_templates import new_document  # noqa: E402

WORDS = {
    'nl': {
        'title': "Ontwerpbesluit: {{ title }}",
        'rows': [
            ("Bestuursorgaan", "{{ body }}"),
            ("Klacht", "{{ number }}"),
            ("Datum", "{{ today }}"),
            ],
        'complainant': "Klager",
        'motivation': "Motivering – Argumentatie",
        'decision': "Besluit",
        'attachments': "Bijlagen",
        },
    'fr': {
        'title': "Projet de décision : {{ title }}",
        'rows': [
            ("Organe de gestion", "{{ body }}"),
            ("Plainte", "{{ number }}"),
            ("Date", "{{ today }}"),
            ],
        'complainant': "Plaignant",
        'motivation': "Motivation – Argumentation",
        'decision': "Décision",
        'attachments': "Annexes",
        },
    'en': {
        'title': "Draft decision: {{ title }}",
        'rows': [
            ("Governing body", "{{ body }}"),
            ("Complaint", "{{ number }}"),
            ("Date", "{{ today }}"),
            ],
        'complainant': "Complainant",
        'motivation': "Motivation – Argumentation",
        'decision': "Decision",
        'attachments': "Attachments",
        },
    }


def draft_decision(language):
    words = WORDS[language]
    document = new_document()
    document.add_heading(words['title'], level=1)
    table = document.add_table(rows=0, cols=2)
    table.style = 'Table Grid'
    for label, value in words['rows']:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    # the complainant only where the coordinator chose to include them
    document.add_paragraph("{%p if complainant %}")
    document.add_heading(words['complainant'], level=2)
    document.add_paragraph("{{ complainant }}")
    document.add_paragraph("{{ complainant_address }}")
    document.add_paragraph("{{ complainant_email }}")
    document.add_paragraph("{%p endif %}")
    document.add_heading(words['motivation'], level=2)
    document.add_paragraph("{{ motivation }}")
    document.add_heading(words['decision'], level=2)
    document.add_paragraph("{{ decision_proposal }}")
    document.add_paragraph("{%p if attachments %}")
    document.add_heading(words['attachments'], level=2)
    document.add_paragraph("{%p for attachment in attachments %}")
    document.add_paragraph("– {{ attachment }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endif %}")
    return document


def main():
    for language in WORDS:
        draft_decision(language).save(
            HERE / f'draft_decision.{language}.docx')


if __name__ == '__main__':
    main()
