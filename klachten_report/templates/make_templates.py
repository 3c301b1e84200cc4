#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Write the default Word templates (<kind>.<language>.docx) beside this
file.  A municipality does not need this script: it downloads a default
template in the client, puts its letterhead in Word and uploads it (see
doc/templates.rst).  Run it after changing a text below:

    .venv/bin/python klachten_report/templates/make_templates.py
"""
from pathlib import Path

from docx import Document
from docx.shared import Cm, Mm, Pt

HERE = Path(__file__).resolve().parent

# The subject of a letter that is not (only) to the complainant
SUBJECTS = {
    'information_request': {
        'nl': "Vraag om informatie over klacht {{ number }}",
        'fr': "Demande d'informations sur la plainte {{ number }}",
        'en': "Request for information about complaint {{ number }}",
        },
    'hearing_invitation': {
        'nl': "Uitnodiging om gehoord te worden over uw klacht {{ number }}",
        'fr': "Invitation à être entendu sur votre plainte {{ number }}",
        'en': "Invitation to be heard on your complaint {{ number }}",
        },
    'concerned_copy': {
        'nl': "Een klacht over u: {{ number }}",
        'fr': "Une plainte vous concernant : {{ number }}",
        'en': "A complaint about you: {{ number }}",
        },
    }

# Words used by every letter, per language
COMMON = {
    'nl': {
        'subject': "Uw klacht {{ number }}",
        'dear': "Geachte {{ addressee }},",
        'regards': "Met vriendelijke groeten,",
        'signature': "De klachtencoördinator",
        'contact': "Vragen? U bereikt de klachtencoördinator via:",
        'reference': "Ons kenmerk: {{ number }}",
        },
    'fr': {
        'subject': "Votre plainte {{ number }}",
        'dear': "{{ addressee }},",
        'regards': "Veuillez agréer nos salutations distinguées.",
        'signature': "Le coordinateur des plaintes",
        'contact': "Des questions ? Vous pouvez joindre le coordinateur "
        "des plaintes :",
        'reference': "Notre référence : {{ number }}",
        },
    'en': {
        'subject': "Your complaint {{ number }}",
        'dear': "Dear {{ addressee }},",
        'regards': "Kind regards,",
        'signature': "The complaints coordinator",
        'contact': "Questions? You can reach the complaints coordinator at:",
        'reference': "Our reference: {{ number }}",
        },
    }

# The body of each letter: a list of paragraphs; '{%p ... %}' paragraphs
# are docxtpl's paragraph tags.
LETTERS = {
    'acknowledgement': {
        'nl': [
            "Wij hebben uw klacht van {{ received_date }} goed ontvangen. "
            "Ze is geregistreerd onder nummer {{ number }}.",
            "Uw klacht gaat over: {{ short_description }}",
            "U ontvangt ons antwoord uiterlijk op {{ answer_due }}.",
            ],
        'fr': [
            "Nous avons bien reçu votre plainte du {{ received_date }}. "
            "Elle est enregistrée sous le numéro {{ number }}.",
            "Votre plainte porte sur : {{ short_description }}",
            "Vous recevrez notre réponse au plus tard le {{ answer_due }}.",
            ],
        'en': [
            "We have received your complaint of {{ received_date }}. "
            "It is registered under number {{ number }}.",
            "Your complaint is about: {{ short_description }}",
            "You will receive our answer by {{ answer_due }} at the latest.",
            ],
        },
    'admissible': {
        'nl': [
            "Wij hebben uw klacht {{ number }} van {{ received_date }} "
            "bekeken: ze is ontvankelijk. {{ handler_department }} "
            "onderzoekt ze nu.",
            "{%p if text %}", "{{ text }}", "{%p endif %}",
            "U ontvangt ons antwoord uiterlijk op {{ answer_due }}.",
            ],
        'fr': [
            "Nous avons examiné votre plainte {{ number }} du "
            "{{ received_date }} : elle est recevable. "
            "{{ handler_department }} l'examine maintenant.",
            "{%p if text %}", "{{ text }}", "{%p endif %}",
            "Vous recevrez notre réponse au plus tard le {{ answer_due }}.",
            ],
        'en': [
            "We have looked at your complaint {{ number }} of "
            "{{ received_date }}: it is admissible. "
            "{{ handler_department }} is now investigating it.",
            "{%p if text %}", "{{ text }}", "{%p endif %}",
            "You will receive our answer by {{ answer_due }} at the latest.",
            ],
        },
    'inadmissible': {
        'nl': [
            "Wij hebben uw klacht {{ number }} van {{ received_date }} "
            "bekeken. Wij kunnen ze niet als klacht behandelen om deze "
            "reden:",
            "{%p for ground in grounds %}", "– {{ ground }}",
            "{%p endfor %}",
            "Motivering:", "{{ admissibility_motivation }}",
            ],
        'fr': [
            "Nous avons examiné votre plainte {{ number }} du "
            "{{ received_date }}. Nous ne pouvons pas la traiter comme "
            "plainte pour la raison suivante :",
            "{%p for ground in grounds %}", "– {{ ground }}",
            "{%p endfor %}",
            "Motivation :", "{{ admissibility_motivation }}",
            ],
        'en': [
            "We have looked at your complaint {{ number }} of "
            "{{ received_date }}. We cannot handle it as a complaint for "
            "this reason:",
            "{%p for ground in grounds %}", "– {{ ground }}",
            "{%p endfor %}",
            "Motivation:", "{{ admissibility_motivation }}",
            ],
        },
    'reasoned_reply': {
        'nl': [
            "Wij hebben uw klacht {{ number }} van {{ received_date }} "
            "onderzocht. Ons oordeel: {{ outcome }}.",
            "{{ reply }}",
            "{%p if outcome_motivation %}", "Onze bevindingen:",
            "{{ outcome_motivation }}", "{%p endif %}",
            "{%p if solution %}", "Oplossing:", "{{ solution }}",
            "{%p endif %}",
            "{%p if remedies %}", "Wat wij voor u doen:",
            "{%p for remedy in remedies %}", "– {{ remedy }}",
            "{%p endfor %}", "{%p endif %}",
            "{{ ombudsman }}",
            ],
        'fr': [
            "Nous avons examiné votre plainte {{ number }} du "
            "{{ received_date }}. Notre appréciation : {{ outcome }}.",
            "{{ reply }}",
            "{%p if outcome_motivation %}", "Nos constatations :",
            "{{ outcome_motivation }}", "{%p endif %}",
            "{%p if solution %}", "Solution :", "{{ solution }}",
            "{%p endif %}",
            "{%p if remedies %}", "Ce que nous faisons pour vous :",
            "{%p for remedy in remedies %}", "– {{ remedy }}",
            "{%p endfor %}", "{%p endif %}",
            "{{ ombudsman }}",
            ],
        'en': [
            "We have investigated your complaint {{ number }} of "
            "{{ received_date }}. Our judgement: {{ outcome }}.",
            "{{ reply }}",
            "{%p if outcome_motivation %}", "Our findings:",
            "{{ outcome_motivation }}", "{%p endif %}",
            "{%p if solution %}", "Solution:", "{{ solution }}",
            "{%p endif %}",
            "{%p if remedies %}", "What we do for you:",
            "{%p for remedy in remedies %}", "– {{ remedy }}",
            "{%p endfor %}", "{%p endif %}",
            "{{ ombudsman }}",
            ],
        },
    'information_request': {
        'nl': [
            "Om {% if third_party %}klacht{% else %}uw klacht{% endif %} "
            "{{ number }} goed te kunnen behandelen, hebben wij meer "
            "informatie nodig. Onze vraag:",
            "{{ text }}",
            "{%p if information_due %}",
            "Wilt u ons antwoorden uiterlijk op {{ information_due }}?",
            "{%p endif %}",
            "U kunt ons schrijven, bellen of langskomen; vermeld daarbij "
            "het nummer {{ number }}.",
            ],
        'fr': [
            "Pour pouvoir traiter {% if third_party %}la plainte"
            "{% else %}votre plainte{% endif %} {{ number }}, nous avons "
            "besoin d'informations complémentaires. Notre question :",
            "{{ text }}",
            "{%p if information_due %}",
            "Pouvez-vous nous répondre au plus tard le "
            "{{ information_due }} ?",
            "{%p endif %}",
            "Vous pouvez nous écrire, nous téléphoner ou passer nous voir ; "
            "mentionnez le numéro {{ number }}.",
            ],
        'en': [
            "To handle {% if third_party %}complaint{% else %}your "
            "complaint{% endif %} {{ number }} properly, we need more "
            "information. Our question:",
            "{{ text }}",
            "{%p if information_due %}",
            "Could you answer us by {{ information_due }} at the latest?",
            "{%p endif %}",
            "You can write to us, call us or visit us; please mention "
            "number {{ number }}.",
            ],
        },
    'hearing_invitation': {
        'nl': [
            "Voordat wij beslissen over uw klacht {{ number }} van "
            "{{ received_date }}, willen wij u graag horen. U bent "
            "uitgenodigd voor een hoorzitting:",
            "Datum: {{ hearing_date }}",
            "{%p if hearing_time %}", "Uur: {{ hearing_time }}",
            "{%p endif %}",
            "Plaats: {{ hearing_place }}",
            "U mag zich laten bijstaan. Wilt u niet gehoord worden, of past "
            "de datum u niet? Laat het ons dan weten en vermeld daarbij het "
            "nummer {{ number }}.",
            ],
        'fr': [
            "Avant de statuer sur votre plainte {{ number }} du "
            "{{ received_date }}, nous souhaitons vous entendre. Vous êtes "
            "invité à une audition :",
            "Date : {{ hearing_date }}",
            "{%p if hearing_time %}", "Heure : {{ hearing_time }}",
            "{%p endif %}",
            "Lieu : {{ hearing_place }}",
            "Vous pouvez vous faire assister. Si vous ne souhaitez pas être "
            "entendu ou si la date ne vous convient pas, faites-le-nous "
            "savoir en mentionnant le numéro {{ number }}.",
            ],
        'en': [
            "Before we decide on your complaint {{ number }} of "
            "{{ received_date }}, we would like to hear you. You are "
            "invited to a hearing:",
            "Date: {{ hearing_date }}",
            "{%p if hearing_time %}", "Time: {{ hearing_time }}",
            "{%p endif %}",
            "Place: {{ hearing_place }}",
            "You may bring someone to assist you. If you do not wish to be "
            "heard, or if the date does not suit you, please let us know, "
            "mentioning number {{ number }}.",
            ],
        },
    'concerned_copy': {
        'nl': [
            "Er is een klacht ingediend over uw optreden. U ontvangt er een "
            "afschrift van, zodat u weet wat erin staat en uw kant kunt "
            "geven wanneer ze onderzocht wordt.",
            "Nummer: {{ number }}",
            "Ontvangen op: {{ received_date }}",
            "{%p if complainant %}", "Ingediend door: {{ complainant }}",
            "{%p endif %}",
            "{%p if incident_date %}", "Feiten van: {{ incident_date }}",
            "{%p endif %}",
            "Klacht: {{ short_description }}",
            "{{ description }}",
            "{%p if remedy_sought %}", "Gevraagde oplossing:",
            "{{ remedy_sought }}", "{%p endif %}",
            "De stukken bij de klacht kunt u inzien bij de "
            "klachtencoördinator.",
            ],
        'fr': [
            "Une plainte a été introduite au sujet de votre comportement. "
            "Vous en recevez une copie, pour savoir ce qu'elle dit et "
            "pouvoir donner votre point de vue lors de l'enquête.",
            "Numéro : {{ number }}",
            "Reçue le : {{ received_date }}",
            "{%p if complainant %}", "Introduite par : {{ complainant }}",
            "{%p endif %}",
            "{%p if incident_date %}", "Faits du : {{ incident_date }}",
            "{%p endif %}",
            "Plainte : {{ short_description }}",
            "{{ description }}",
            "{%p if remedy_sought %}", "Solution demandée :",
            "{{ remedy_sought }}", "{%p endif %}",
            "Les pièces jointes à la plainte peuvent être consultées auprès "
            "du coordinateur des plaintes.",
            ],
        'en': [
            "A complaint has been filed about your conduct. You receive a "
            "copy of it, so that you know what it says and can give your "
            "view when it is investigated.",
            "Number: {{ number }}",
            "Received on: {{ received_date }}",
            "{%p if complainant %}", "Filed by: {{ complainant }}",
            "{%p endif %}",
            "{%p if incident_date %}", "Facts of: {{ incident_date }}",
            "{%p endif %}",
            "Complaint: {{ short_description }}",
            "{{ description }}",
            "{%p if remedy_sought %}", "Remedy sought:",
            "{{ remedy_sought }}", "{%p endif %}",
            "The documents sent with the complaint can be consulted with "
            "the complaints coordinator.",
            ],
        },
    'cancellation': {
        'nl': [
            "Wij hebben de behandeling van uw klacht {{ number }} van "
            "{{ received_date }} stopgezet.",
            "Reden:", "{{ cancel_reason }}",
            ],
        'fr': [
            "Nous avons arrêté le traitement de votre plainte {{ number }} "
            "du {{ received_date }}.",
            "Raison :", "{{ cancel_reason }}",
            ],
        'en': [
            "We have stopped handling your complaint {{ number }} of "
            "{{ received_date }}.",
            "Reason:", "{{ cancel_reason }}",
            ],
        },
    }

REPORT = {
    'nl': {
        'title': "Onderzoeksverslag klacht {{ number }}",
        'rows': [
            ("Nummer", "{{ number }}"),
            ("Ontvangen op", "{{ received_date }}"),
            ("Kanaal", "{{ channel }}"),
            ("Verzoeker", "{{ complainant }}"),
            ("Betrokken dienst", "{{ concerned_department }}"),
            ("Behandelaar", "{{ handler }}{% if handler_department %} "
                "({{ handler_department }}){% endif %}"),
            ("Ontvankelijk verklaard op", "{{ admissibility_date }}"),
            ("Verslag afgerond op", "{{ report_date }}"),
            ],
        'complaint': "De klacht", 'investigation': "Het onderzoek",
        'advice': "Ontvangen adviezen", 'no_advice': "Geen.",
        'outcome': "Beoordeling", 'solution': "Oplossing",
        'remedies': "Herstelmaatregelen",
        },
    'fr': {
        'title': "Rapport d'enquête plainte {{ number }}",
        'rows': [
            ("Numéro", "{{ number }}"),
            ("Reçue le", "{{ received_date }}"),
            ("Canal", "{{ channel }}"),
            ("Plaignant", "{{ complainant }}"),
            ("Service concerné", "{{ concerned_department }}"),
            ("Gestionnaire", "{{ handler }}{% if handler_department %} "
                "({{ handler_department }}){% endif %}"),
            ("Déclarée recevable le", "{{ admissibility_date }}"),
            ("Rapport finalisé le", "{{ report_date }}"),
            ],
        'complaint': "La plainte", 'investigation': "L'enquête",
        'advice': "Avis reçus", 'no_advice': "Aucun.",
        'outcome': "Appréciation", 'solution': "Solution",
        'remedies': "Mesures de réparation",
        },
    'en': {
        'title': "Investigation report complaint {{ number }}",
        'rows': [
            ("Number", "{{ number }}"),
            ("Received on", "{{ received_date }}"),
            ("Channel", "{{ channel }}"),
            ("Complainant", "{{ complainant }}"),
            ("Concerned department", "{{ concerned_department }}"),
            ("Handler", "{{ handler }}{% if handler_department %} "
                "({{ handler_department }}){% endif %}"),
            ("Declared admissible on", "{{ admissibility_date }}"),
            ("Report finalised on", "{{ report_date }}"),
            ],
        'complaint': "The complaint", 'investigation': "The investigation",
        'advice': "Advice received", 'no_advice': "None.",
        'outcome': "Judgement", 'solution': "Solution",
        'remedies': "Remedies",
        },
    }


def new_document():
    document = Document()
    style = document.styles['Normal']
    style.font.name = 'Liberation Sans'
    style.font.size = Pt(11)
    section = document.sections[0]
    # A4, as letters are printed in Belgium and the Netherlands
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = section.right_margin = Cm(2.5)
    header = section.header
    paragraph = header.paragraphs[0]
    run = paragraph.add_run("{{ municipality }}")
    run.bold = True
    run.font.size = Pt(14)
    header.add_paragraph("{{ municipality_address }}")
    properties = document.core_properties
    properties.author = properties.last_modified_by = ''
    properties.comments = properties.title = ''
    return document


def letter(kind, language):
    words = COMMON[language]
    document = new_document()
    document.add_paragraph("{{ addressee }}")
    document.add_paragraph("{{ addressee_address }}")
    document.add_paragraph()
    document.add_paragraph("{{ today }}")
    document.add_paragraph(words['reference'])
    subject = document.add_paragraph()
    subject.add_run(SUBJECTS.get(kind, {}).get(
            language, words['subject'])).bold = True
    document.add_paragraph(words['dear'])
    for text in LETTERS[kind][language]:
        document.add_paragraph(text)
    # no sentence that ends in nothing when no contact is configured
    document.add_paragraph("{%p if coordinator_contact %}")
    document.add_paragraph(words['contact'])
    document.add_paragraph("{{ coordinator_contact }}")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph(words['regards'])
    document.add_paragraph(words['signature'])
    return document


def report(language):
    words = REPORT[language]
    document = new_document()
    document.add_heading(words['title'], level=1)
    table = document.add_table(rows=0, cols=2)
    table.style = 'Table Grid'
    for label, value in words['rows']:
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = value
    document.add_heading(words['complaint'], level=2)
    document.add_paragraph("{{ short_description }}")
    document.add_paragraph("{{ description }}")
    document.add_heading(words['investigation'], level=2)
    document.add_paragraph("{{ report }}")
    document.add_heading(words['advice'], level=2)
    document.add_paragraph("{%p for advice in advices %}")
    document.add_paragraph().add_run(
        "{{ advice.advisor }} ({{ advice.date }})").bold = True
    document.add_paragraph("{{ advice.answer }}")
    document.add_paragraph("{%p else %}")
    document.add_paragraph(words['no_advice'])
    document.add_paragraph("{%p endfor %}")
    document.add_heading(words['outcome'], level=2)
    document.add_paragraph().add_run("{{ outcome }}").bold = True
    document.add_paragraph("{{ no_judgement_reason }}")
    document.add_paragraph("{{ outcome_motivation }}")
    document.add_heading(words['solution'], level=2)
    document.add_paragraph("{{ solution }}")
    document.add_heading(words['remedies'], level=2)
    document.add_paragraph("{%p for remedy in remedies %}")
    document.add_paragraph("– {{ remedy }}")
    document.add_paragraph("{%p endfor %}")
    return document


def main():
    for language in COMMON:
        for kind in LETTERS:
            letter(kind, language).save(HERE / f'{kind}.{language}.docx')
        report(language).save(
            HERE / f'investigation_report.{language}.docx')


if __name__ == '__main__':
    main()
