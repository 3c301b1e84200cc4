# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The texts of the advisor's page, in Dutch, French and English.

They join the portal's texts (klachten_portal.messages) when the module
is imported, so the portal's templates and error pages serve them too."""
from klachten_portal import messages

MESSAGES = {
    'advice_title': {
        'nl': "Advies over klacht %(number)s",
        'fr': "Avis sur la plainte %(number)s",
        'en': "Advice on complaint %(number)s",
        },
    'advice_question': {
        'nl': "Onze vraag",
        'fr': "Notre question",
        'en': "Our question",
        },
    'advice_due': {
        'nl': "Graag uw advies ten laatste op %(date)s.",
        'fr': "Merci de nous donner votre avis au plus tard le %(date)s.",
        'en': "Please give your advice by %(date)s.",
        },
    'advice_complaint': {
        'nl': "De klacht",
        'fr': "La plainte",
        'en': "The complaint",
        },
    'advice_incident_date': {
        'nl': "Datum van de feiten: %(date)s",
        'fr': "Date des faits : %(date)s",
        'en': "Date of the facts: %(date)s",
        },
    'advice_report': {
        'nl': "Verslag van het onderzoek",
        'fr': "Rapport d'enquête",
        'en': "Investigation report",
        },
    'advice_report_empty': {
        'nl': "Het verslag is nog niet geschreven.",
        'fr': "Le rapport n'est pas encore rédigé.",
        'en': "The report has not been written yet.",
        },
    'advice_complainant': {
        'nl': "De verzoeker",
        'fr': "Le plaignant",
        'en': "The complainant",
        },
    'advice_contact_hidden': {
        'nl': "We delen de gegevens van de verzoeker niet.",
        'fr': "Nous ne partageons pas les coordonnées du plaignant.",
        'en': "We do not share the complainant's details.",
        },
    'advice_name': {'nl': "Naam", 'fr': "Nom", 'en': "Name"},
    'advice_email': {'nl': "E-mail", 'fr': "E-mail", 'en': "E-mail"},
    'advice_phone': {'nl': "Telefoon", 'fr': "Téléphone", 'en': "Phone"},
    'advice_address': {'nl': "Adres", 'fr': "Adresse", 'en': "Address"},
    'advice_answer': {
        'nl': "Uw advies",
        'fr': "Votre avis",
        'en': "Your advice",
        },
    'advice_send': {
        'nl': "Advies versturen",
        'fr': "Envoyer l'avis",
        'en': "Send the advice",
        },
    'err_advice': {
        'nl': "Schrijf uw advies.",
        'fr': "Écrivez votre avis.",
        'en': "Write your advice.",
        },
    'advice_done': {
        'nl': "Dank u, we hebben uw advies ontvangen.",
        'fr': "Merci, nous avons reçu votre avis.",
        'en': "Thank you, we have received your advice.",
        },
    'advice_answered_title': {
        'nl': "We hebben dit advies al ontvangen",
        'fr': "Nous avons déjà reçu cet avis",
        'en': "We have already received this advice",
        },
    'advice_answered_text': {
        'nl': "Het advies over deze klacht is al gegeven. Dank u wel.",
        'fr': "L'avis sur cette plainte a déjà été donné. Merci.",
        'en': "The advice on this complaint has already been given. "
        "Thank you.",
        },
    'advice_withdrawn_title': {
        'nl': "Deze vraag om advies is ingetrokken",
        'fr': "Cette demande d'avis a été retirée",
        'en': "This request for advice was withdrawn",
        },
    'advice_withdrawn_requester': {
        'nl': "We hebben het advies niet meer nodig. U hoeft niet te "
        "antwoorden.",
        'fr': "Nous n'avons plus besoin de cet avis. Vous ne devez pas "
        "répondre.",
        'en': "We no longer need this advice. You need not answer.",
        },
    'advice_withdrawn_complaint_cancelled': {
        'nl': "De behandeling van de klacht is stopgezet. U hoeft niet te "
        "antwoorden.",
        'fr': "Le traitement de la plainte a été arrêté. Vous ne devez pas "
        "répondre.",
        'en': "The handling of the complaint was stopped. You need not "
        "answer.",
        },
    'advice_withdrawn_complaint_closed': {
        'nl': "De klacht is afgehandeld. U hoeft niet te antwoorden.",
        'fr': "La plainte a été clôturée. Vous ne devez pas répondre.",
        'en': "The complaint has been closed. You need not answer.",
        },
    'advice_expired_title': {
        'nl': "De termijn voor dit advies is voorbij",
        'fr': "Le délai pour cet avis est dépassé",
        'en': "The term for this advice has passed",
        },
    'advice_expired_text': {
        'nl': "Neem contact op met de klachtencoördinator als u toch nog "
        "advies wilt geven.",
        'fr': "Contactez le coordinateur des plaintes si vous souhaitez "
        "encore donner un avis.",
        'en': "Contact the complaints coordinator if you still want to "
        "give advice.",
        },
    'advice_unsent': {
        'nl': "Uw tekst is niet verstuurd; u kunt hem hier kopiëren:",
        'fr': "Votre texte n'a pas été envoyé ; vous pouvez le copier ici :",
        'en': "Your text was not sent; you can copy it here:",
        },
    }


def register():
    "Add the texts to the portal's"
    messages.MESSAGES.update(MESSAGES)
