# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every text of the citizens' pages, in Dutch, French and English.

The pages are read by people without a Tryton user, in the language of the
request (?lang= or Accept-Language), so their texts live here rather than
in ir.message: one place to read and edit them, no database read to show a
page, and no dependency on which languages are loaded in the database.
tests/test_messages.py checks that each text exists in every language
with the same placeholders."""
import re

LANGUAGES = ('nl', 'fr', 'en')
DEFAULT = 'nl'

MONTHS = {
    'nl': ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli',
        'augustus', 'september', 'oktober', 'november', 'december'],
    'fr': ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet',
        'août', 'septembre', 'octobre', 'novembre', 'décembre'],
    'en': ['January', 'February', 'March', 'April', 'May', 'June', 'July',
        'August', 'September', 'October', 'November', 'December'],
    }

LANGUAGE_NAMES = {'nl': "Nederlands", 'fr': "Français", 'en': "English"}

MESSAGES = {
    # Common
    'skip': {
        'nl': "Naar de inhoud",
        'fr': "Aller au contenu",
        'en': "Skip to content",
        },
    'site': {
        'nl': "Klachten",
        'fr': "Plaintes",
        'en': "Complaints",
        },
    'language': {
        'nl': "Taal",
        'fr': "Langue",
        'en': "Language",
        },
    'required': {
        'nl': "(verplicht)",
        'fr': "(obligatoire)",
        'en': "(required)",
        },
    'optional': {
        'nl': "(niet verplicht)",
        'fr': "(facultatif)",
        'en': "(optional)",
        },
    'yes': {'nl': "Ja", 'fr': "Oui", 'en': "Yes"},
    'no': {'nl': "Nee", 'fr': "Non", 'en': "No"},
    'none': {'nl': "Niet ingevuld", 'fr': "Non rempli", 'en': "Not given"},
    'error_summary': {
        'nl': "Er is een probleem",
        'fr': "Il y a un problème",
        'en': "There is a problem",
        },
    'error_prefix': {'nl': "Fout:", 'fr': "Erreur :", 'en': "Error:"},
    'next': {'nl': "Volgende", 'fr': "Suivant", 'en': "Next"},
    'back': {'nl': "Vorige", 'fr': "Précédent", 'en': "Back"},
    'submit': {'nl': "Indienen", 'fr': "Envoyer", 'en': "Submit"},
    'new_complaint': {
        'nl': "Een nieuwe klacht indienen",
        'fr': "Introduire une nouvelle plainte",
        'en': "File a new complaint",
        },

    # The form
    'form_title': {
        'nl': "Een klacht indienen",
        'fr': "Introduire une plainte",
        'en': "File a complaint",
        },
    'form_intro': {
        'nl': "Bent u ontevreden over hoe een medewerker of mandataris van "
        "de gemeente iets deed of naliet? Vertel het ons met dit formulier. "
        "De klachtencoördinator behandelt uw klacht.",
        'fr': "Vous êtes mécontent de la façon dont un membre du personnel "
        "ou un mandataire de la commune a agi ou omis d'agir ? Dites-le-nous "
        "avec ce formulaire. Le coordinateur des plaintes traite votre "
        "plainte.",
        'en': "Are you dissatisfied with something a staff member or "
        "politician of the municipality did or failed to do? Tell us with "
        "this form. The complaints coordinator handles your complaint.",
        },
    'what_is_title': {
        'nl': "Wat is een klacht?",
        'fr': "Qu'est-ce qu'une plainte ?",
        'en': "What is a complaint?",
        },
    'what_is_1': {
        'nl': "een handeling of prestatie die fout werd uitgevoerd",
        'fr': "un acte ou une prestation effectué de manière erronée",
        'en': "something that was done wrongly",
        },
    'what_is_2': {
        'nl': "afwijken van de vastgelegde of gebruikelijke werkwijze",
        'fr': "un écart par rapport à la procédure établie ou habituelle",
        'en': "a departure from the set or usual way of working",
        },
    'what_is_3': {
        'nl': "iets wat niet, niet op tijd of niet correct werd gedaan",
        'fr': "quelque chose qui n'a pas été fait, pas à temps ou pas "
        "correctement",
        'en': "something that was not done, not on time or not correctly",
        },
    'what_is_4': {
        'nl': "onbeleefd of ongepast behandeld worden",
        'fr': "être traité de manière impolie ou inappropriée",
        'en': "being treated rudely or inappropriately",
        },
    'not_title': {
        'nl': "Wat is geen klacht?",
        'fr': "Qu'est-ce qui n'est pas une plainte ?",
        'en': "What is not a complaint?",
        },
    'not_intro': {
        'nl': "De klachtencoördinator behandelt uw bericht niet als klacht "
        "als u:",
        'fr': "Le coordinateur ne traite pas votre message comme une plainte "
        "si vous :",
        'en': "The coordinator does not handle your message as a complaint "
        "if you:",
        },
    'not_1': {
        'nl': "informatie zoekt of een suggestie hebt",
        'fr': "cherchez une information ou avez une suggestion",
        'en': "are looking for information or have a suggestion",
        },
    'not_2': {
        'nl': "nog geen contact opnam met de dienst waarover u klaagt",
        'fr': "n'avez pas encore contacté le service concerné",
        'en': "have not yet contacted the department you complain about",
        },
    'not_3': {
        'nl': "klaagt over regelgeving of beleid, of over feiten van meer "
        "dan een jaar geleden",
        'fr': "vous plaignez de la réglementation ou de la politique, ou de "
        "faits de plus d'un an",
        'en': "complain about rules or policy, or about facts more than a "
        "year old",
        },
    'not_4': {
        'nl': "klaagt over iets waarover een gerechtelijke procedure loopt",
        'fr': "vous plaignez d'un fait qui fait l'objet d'une procédure "
        "judiciaire",
        'en': "complain about a matter that is before a court",
        },
    'report_elsewhere': {
        'nl': "Wilt u iets melden, zoals een defecte straatlamp, een put in "
        "de weg, sluikstort of een probleem met de afvalophaling? Dat is een "
        "melding, geen klacht: gebruik het meldingsformulier van de "
        "gemeente of bel het onthaal.",
        'fr': "Vous voulez signaler quelque chose, comme un éclairage public "
        "en panne, un trou dans la route, un dépôt clandestin ou un problème "
        "de collecte des déchets ? C'est un signalement, pas une plainte : "
        "utilisez le formulaire de signalement de la commune ou appelez "
        "l'accueil.",
        'en': "Do you want to report something, such as a broken street "
        "light, a pothole, fly-tipping or a problem with the waste "
        "collection? That is a report, not a complaint: use the "
        "municipality's report form or call the front desk.",
        },
    'who_title': {
        'nl': "Wie bent u?",
        'fr': "Qui êtes-vous ?",
        'en': "Who are you?",
        },
    'anonymous': {
        'nl': "Ik wil anoniem blijven",
        'fr': "Je souhaite rester anonyme",
        'en': "I want to remain anonymous",
        },
    'anonymous_hint': {
        'nl': "Een anonieme klacht wordt meestal niet behandeld en u "
        "krijgt geen antwoord. Laat in dat geval uw gegevens leeg.",
        'fr': "Une plainte anonyme n'est généralement pas traitée et vous "
        "ne recevez pas de réponse. Laissez alors vos coordonnées vides.",
        'en': "An anonymous complaint is usually not handled and you get no "
        "answer. Leave your details empty in that case.",
        },
    'name': {'nl': "Naam", 'fr': "Nom", 'en': "Name"},
    'email': {'nl': "E-mailadres", 'fr': "Adresse e-mail", 'en': "E-mail"},
    'email_hint': {
        'nl': "We sturen u een ontvangstbevestiging en ons antwoord. Geen "
        "e-mailadres? Vul dan uw postadres in.",
        'fr': "Nous vous envoyons un accusé de réception et notre réponse. "
        "Pas d'adresse e-mail ? Indiquez votre adresse postale.",
        'en': "We send you an acknowledgement and our answer. No e-mail? "
        "Then give your postal address.",
        },
    'phone': {'nl': "Telefoon", 'fr': "Téléphone", 'en': "Phone"},
    'street': {
        'nl': "Straat en huisnummer",
        'fr': "Rue et numéro",
        'en': "Street and number",
        },
    'postal_code': {'nl': "Postcode", 'fr': "Code postal",
        'en': "Postal code"},
    'city': {'nl': "Gemeente", 'fr': "Commune", 'en': "Town"},
    'what_title': {
        'nl': "Wat is er gebeurd?",
        'fr': "Que s'est-il passé ?",
        'en': "What happened?",
        },
    'short_description': {
        'nl': "Onderwerp",
        'fr': "Objet",
        'en': "Subject",
        },
    'short_description_hint': {
        'nl': "In een paar woorden, bijvoorbeeld: \"Geen antwoord op mijn "
        "e-mail\".",
        'fr': "En quelques mots, par exemple : « Pas de réponse à mon "
        "e-mail ».",
        'en': "In a few words, for example: \"No answer to my e-mail\".",
        },
    'description': {
        'nl': "Beschrijf wat er gebeurde",
        'fr': "Décrivez ce qui s'est passé",
        'en': "Describe what happened",
        },
    'description_hint': {
        'nl': "Wie, wat, waar? Met welke dienst had u al contact?",
        'fr': "Qui, quoi, où ? Quel service avez-vous déjà contacté ?",
        'en': "Who, what, where? Which department did you contact already?",
        },
    'incident_date': {
        'nl': "Wanneer gebeurde het?",
        'fr': "Quand cela s'est-il passé ?",
        'en': "When did it happen?",
        },
    'incident_date_hint': {
        'nl': "Bijvoorbeeld 2026-03-27 (jaar-maand-dag).",
        'fr': "Par exemple 2026-03-27 (année-mois-jour).",
        'en': "For example 2026-03-27 (year-month-day).",
        },
    'department': {
        'nl': "Over welke dienst gaat het?",
        'fr': "Quel service est concerné ?",
        'en': "Which department is it about?",
        },
    'department_unknown': {
        'nl': "Weet ik niet",
        'fr': "Je ne sais pas",
        'en': "I do not know",
        },
    'remedy_sought': {
        'nl': "Wat zou u graag hebben?",
        'fr': "Que souhaiteriez-vous ?",
        'en': "What would you like?",
        },
    'remedy_sought_hint': {
        'nl': "Bijvoorbeeld een antwoord, een rechtzetting of excuses.",
        'fr': "Par exemple une réponse, une correction ou des excuses.",
        'en': "For example an answer, a correction or an apology.",
        },
    'attachments': {
        'nl': "Bijlagen",
        'fr': "Pièces jointes",
        'en': "Attachments",
        },
    'attachments_hint': {
        'nl': "Ten hoogste %(count)s bestanden (PDF, PNG, JPEG of tekst), "
        "elk ten hoogste %(size)s, samen ten hoogste %(total)s.",
        'fr': "Au maximum %(count)s fichiers (PDF, PNG, JPEG ou texte), "
        "chacun de %(size)s au plus, %(total)s au total.",
        'en': "At most %(count)s files (PDF, PNG, JPEG or text), each at "
        "most %(size)s, together at most %(total)s.",
        },
    'attached': {
        'nl': "Toegevoegde bijlagen",
        'fr': "Pièces jointes ajoutées",
        'en': "Attached files",
        },
    'remove': {
        'nl': "Verwijder %(name)s",
        'fr': "Retirer %(name)s",
        'en': "Remove %(name)s",
        },

    # Field errors
    'err_name': {
        'nl': "Vul uw naam in, of kies om anoniem te blijven.",
        'fr': "Indiquez votre nom, ou choisissez de rester anonyme.",
        'en': "Enter your name, or choose to remain anonymous.",
        },
    'err_contact': {
        'nl': "Vul uw e-mailadres in, of uw volledige postadres, zodat we "
        "u kunnen antwoorden.",
        'fr': "Indiquez votre adresse e-mail, ou votre adresse postale "
        "complète, pour que nous puissions vous répondre.",
        'en': "Enter your e-mail, or your full postal address, so that we "
        "can answer you.",
        },
    'err_email': {
        'nl': "Vul een e-mailadres in zoals naam@voorbeeld.be.",
        'fr': "Indiquez une adresse e-mail comme nom@exemple.be.",
        'en': "Enter an e-mail address like name@example.org.",
        },
    'err_phone': {
        'nl': "Vul een telefoonnummer in met alleen cijfers, spaties en +.",
        'fr': "Indiquez un numéro de téléphone avec uniquement des "
        "chiffres, des espaces et +.",
        'en': "Enter a phone number with only digits, spaces and +.",
        },
    'err_too_long': {
        'nl': "Gebruik ten hoogste %(max)s tekens.",
        'fr': "Utilisez au maximum %(max)s caractères.",
        'en': "Use at most %(max)s characters.",
        },
    'err_short_description': {
        'nl': "Vul het onderwerp van uw klacht in.",
        'fr': "Indiquez l'objet de votre plainte.",
        'en': "Enter the subject of your complaint.",
        },
    'err_description': {
        'nl': "Beschrijf wat er gebeurde.",
        'fr': "Décrivez ce qui s'est passé.",
        'en': "Describe what happened.",
        },
    'err_date': {
        'nl': "Vul een datum in als jaar-maand-dag, bijvoorbeeld 2026-03-27.",
        'fr': "Indiquez une date sous la forme année-mois-jour, par exemple "
        "2026-03-27.",
        'en': "Enter a date as year-month-day, for example 2026-03-27.",
        },
    'err_date_future': {
        'nl': "De datum kan niet in de toekomst liggen.",
        'fr': "La date ne peut pas être dans le futur.",
        'en': "The date cannot be in the future.",
        },
    'err_department': {
        'nl': "Kies een dienst uit de lijst.",
        'fr': "Choisissez un service dans la liste.",
        'en': "Choose a department from the list.",
        },
    'err_file_type': {
        'nl': "%(name)s is geen PDF, PNG, JPEG of tekstbestand.",
        'fr': "%(name)s n'est pas un fichier PDF, PNG, JPEG ou texte.",
        'en': "%(name)s is not a PDF, PNG, JPEG or text file.",
        },
    'err_file_active': {
        'nl': "%(name)s bevat JavaScript of code van een webpagina: die "
        "kunnen we niet aanvaarden. Bewaar het bestand opnieuw (druk het "
        "bijvoorbeeld af naar een nieuwe PDF) of voeg een schermafdruk toe.",
        'fr': "%(name)s contient du JavaScript ou du code de page web : "
        "nous ne pouvons pas l'accepter. Enregistrez à nouveau le fichier "
        "(imprimez-le par exemple dans un nouveau PDF) ou ajoutez une "
        "capture d'écran.",
        'en': "%(name)s holds JavaScript or web page code: we cannot accept "
        "it. Save the file again (for example print it to a new PDF) or add "
        "a screenshot.",
        },
    'err_file_size': {
        'nl': "%(name)s is groter dan %(size)s.",
        'fr': "%(name)s dépasse %(size)s.",
        'en': "%(name)s is larger than %(size)s.",
        },
    'err_file_empty': {
        'nl': "%(name)s is leeg.",
        'fr': "%(name)s est vide.",
        'en': "%(name)s is empty.",
        },
    'err_file_count': {
        'nl': "Voeg ten hoogste %(count)s bestanden toe.",
        'fr': "Ajoutez au maximum %(count)s fichiers.",
        'en': "Add at most %(count)s files.",
        },
    'err_file_total': {
        'nl': "De bestanden zijn samen groter dan %(size)s.",
        'fr': "Les fichiers dépassent ensemble %(size)s.",
        'en': "The files are together larger than %(size)s.",
        },

    # Review and receipt
    'review_title': {
        'nl': "Controleer uw klacht",
        'fr': "Vérifiez votre plainte",
        'en': "Check your complaint",
        },
    'review_intro': {
        'nl': "Klopt alles? Kies \"Indienen\". Wilt u iets aanpassen? Kies "
        "\"Vorige\".",
        'fr': "Tout est correct ? Choisissez « Envoyer ». Vous voulez "
        "modifier quelque chose ? Choisissez « Précédent ».",
        'en': "Is everything right? Choose \"Submit\". Do you want to "
        "change something? Choose \"Back\".",
        },
    'receipt_title': {
        'nl': "Uw klacht is ingediend",
        'fr': "Votre plainte a été introduite",
        'en': "Your complaint was filed",
        },
    'receipt_number': {
        'nl': "Het nummer van uw klacht",
        'fr': "Le numéro de votre plainte",
        'en': "The number of your complaint",
        },
    'receipt_keep': {
        'nl': "Vermeld dit nummer als u ons contacteert.",
        'fr': "Mentionnez ce numéro lorsque vous nous contactez.",
        'en': "Mention this number whenever you contact us.",
        },
    'receipt_next': {
        'nl': "Wat gebeurt er nu?",
        'fr': "Et maintenant ?",
        'en': "What happens next?",
        },
    'receipt_evaluation': {
        'nl': "De klachtencoördinator onderzoekt eerst of uw klacht "
        "ontvankelijk is.",
        'fr': "Le coordinateur des plaintes examine d'abord si votre "
        "plainte est recevable.",
        'en': "The complaints coordinator first examines whether your "
        "complaint is admissible.",
        },
    'receipt_answer': {
        'nl': "U krijgt ten laatste op %(date)s een gemotiveerd antwoord.",
        'fr': "Vous recevrez une réponse motivée au plus tard le %(date)s.",
        'en': "You will receive a reasoned answer by %(date)s at the latest.",
        },
    'receipt_email': {
        'nl': "We sturen u ook een ontvangstbevestiging per e-mail.",
        'fr': "Nous vous envoyons aussi un accusé de réception par e-mail.",
        'en': "We also send you an acknowledgement by e-mail.",
        },

    # Links e-mailed to citizens
    'information_title': {
        'nl': "Bijkomende informatie over klacht %(number)s",
        'fr': "Informations complémentaires sur la plainte %(number)s",
        'en': "More information on complaint %(number)s",
        },
    'information_question': {
        'nl': "Onze vraag",
        'fr': "Notre question",
        'en': "Our question",
        },
    'information_due': {
        'nl': "Graag uw antwoord ten laatste op %(date)s.",
        'fr': "Merci de répondre au plus tard le %(date)s.",
        'en': "Please answer by %(date)s.",
        },
    'information_answer': {
        'nl': "Uw antwoord",
        'fr': "Votre réponse",
        'en': "Your answer",
        },
    'information_send': {
        'nl': "Antwoord versturen",
        'fr': "Envoyer la réponse",
        'en': "Send the answer",
        },
    'err_answer': {
        'nl': "Vul uw antwoord in.",
        'fr': "Indiquez votre réponse.",
        'en': "Enter your answer.",
        },
    'information_done': {
        'nl': "Bedankt, we hebben uw antwoord ontvangen.",
        'fr': "Merci, nous avons reçu votre réponse.",
        'en': "Thank you, we have received your answer.",
        },
    'feedback_title': {
        'nl': "Gaat u akkoord met onze beslissing over klacht %(number)s?",
        'fr': "Êtes-vous d'accord avec notre décision sur la plainte "
        "%(number)s ?",
        'en': "Do you agree with our decision on complaint %(number)s?",
        },
    'feedback_decision': {
        'nl': "Onze beslissing",
        'fr': "Notre décision",
        'en': "Our decision",
        },
    'feedback_due': {
        'nl': "Laat het ons weten ten laatste op %(date)s. Horen we niets, "
        "dan sluiten we de klacht af.",
        'fr': "Faites-le-nous savoir au plus tard le %(date)s. Sans réponse "
        "de votre part, nous clôturons la plainte.",
        'en': "Let us know by %(date)s. If we hear nothing, we close the "
        "complaint.",
        },
    'feedback_choice': {
        'nl': "Uw reactie",
        'fr': "Votre réaction",
        'en': "Your response",
        },
    'feedback_agree': {
        'nl': "Ik ga akkoord",
        'fr': "Je suis d'accord",
        'en': "I agree",
        },
    'feedback_disagree': {
        'nl': "Ik ga niet akkoord: onderzoek mijn klacht opnieuw",
        'fr': "Je ne suis pas d'accord : réexaminez ma plainte",
        'en': "I disagree: examine my complaint again",
        },
    'feedback_comment': {
        'nl': "Waarom gaat u niet akkoord?",
        'fr': "Pourquoi n'êtes-vous pas d'accord ?",
        'en': "Why do you disagree?",
        },
    'feedback_comment_hint': {
        'nl': "Verplicht als u niet akkoord gaat.",
        'fr': "Obligatoire si vous n'êtes pas d'accord.",
        'en': "Required if you disagree.",
        },
    'err_choice': {
        'nl': "Kies of u akkoord gaat of niet.",
        'fr': "Choisissez si vous êtes d'accord ou non.",
        'en': "Choose whether you agree or not.",
        },
    'err_comment': {
        'nl': "Schrijf waarom u niet akkoord gaat.",
        'fr': "Écrivez pourquoi vous n'êtes pas d'accord.",
        'en': "Write why you disagree.",
        },
    'feedback_send': {
        'nl': "Reactie versturen",
        'fr': "Envoyer la réaction",
        'en': "Send the response",
        },
    'feedback_done_agree': {
        'nl': "Bedankt. We sluiten uw klacht af.",
        'fr': "Merci. Nous clôturons votre plainte.",
        'en': "Thank you. We close your complaint.",
        },
    'feedback_done_disagree': {
        'nl': "Bedankt. De klachtencoördinator bekijkt uw klacht opnieuw.",
        'fr': "Merci. Le coordinateur des plaintes réexamine votre plainte.",
        'en': "Thank you. The complaints coordinator examines your "
        "complaint again.",
        },

    # The satisfaction survey
    'survey_title': {
        'nl': "Hoe tevreden bent u over de behandeling van klacht "
        "%(number)s?",
        'fr': "Êtes-vous satisfait du traitement de la plainte %(number)s ?",
        'en': "How satisfied are you with the handling of complaint "
        "%(number)s?",
        },
    'survey_intro': {
        'nl': "Uw klacht is afgesloten. Wat de uitkomst ook is: we willen "
        "graag weten hoe u de behandeling ervaren hebt, zodat we beter "
        "kunnen werken. Antwoorden is vrijwillig en kan één keer.",
        'fr': "Votre plainte est clôturée. Quelle qu'en soit l'issue, nous "
        "aimerions savoir comment vous avez vécu son traitement, afin de "
        "mieux travailler. Répondre est facultatif et possible une seule "
        "fois.",
        'en': "Your complaint is closed. Whatever the outcome, we would "
        "like to know how you found its handling, so that we can do "
        "better. Answering is voluntary and can be done once.",
        },
    'survey_privacy': {
        'nl': "Alleen de klachtencoördinator leest uw antwoord.",
        'fr': "Seul le coordinateur des plaintes lit votre réponse.",
        'en': "Only the complaints coordinator reads your answer.",
        },
    'survey_score': {
        'nl': "Hoe tevreden bent u?",
        'fr': "Quel est votre degré de satisfaction ?",
        'en': "How satisfied are you?",
        },
    'survey_score_hint': {
        'nl': "Kies een score van 1 (helemaal niet tevreden) tot 5 (heel "
        "tevreden).",
        'fr': "Choisissez une note de 1 (pas du tout satisfait) à 5 (très "
        "satisfait).",
        'en': "Choose a score from 1 (very dissatisfied) to 5 (very "
        "satisfied).",
        },
    'survey_score_1': {
        'nl': "1 - Helemaal niet tevreden",
        'fr': "1 - Pas du tout satisfait",
        'en': "1 - Very dissatisfied",
        },
    'survey_score_2': {
        'nl': "2 - Niet tevreden",
        'fr': "2 - Pas satisfait",
        'en': "2 - Dissatisfied",
        },
    'survey_score_3': {
        'nl': "3 - Neutraal",
        'fr': "3 - Neutre",
        'en': "3 - Neutral",
        },
    'survey_score_4': {
        'nl': "4 - Tevreden",
        'fr': "4 - Satisfait",
        'en': "4 - Satisfied",
        },
    'survey_score_5': {
        'nl': "5 - Heel tevreden",
        'fr': "5 - Très satisfait",
        'en': "5 - Very satisfied",
        },
    'survey_comment': {
        'nl': "Toelichting",
        'fr': "Commentaire",
        'en': "Comment",
        },
    'survey_comment_hint': {
        'nl': "Wat ging goed, wat kan beter?",
        'fr': "Qu'est-ce qui s'est bien passé, que pouvons-nous améliorer ?",
        'en': "What went well, what could be better?",
        },
    'survey_send': {
        'nl': "Antwoord versturen",
        'fr': "Envoyer la réponse",
        'en': "Send the answer",
        },
    'err_score': {
        'nl': "Kies een score van 1 tot 5.",
        'fr': "Choisissez une note de 1 à 5.",
        'en': "Choose a score from 1 to 5.",
        },
    'survey_done': {
        'nl': "Bedankt voor uw antwoord.",
        'fr': "Merci pour votre réponse.",
        'en': "Thank you for your answer.",
        },

    # The status page
    'status_title': {
        'nl': "Klacht %(number)s",
        'fr': "Plainte %(number)s",
        'en': "Complaint %(number)s",
        },
    'status_state': {'nl': "Stand van zaken", 'fr': "État",
        'en': "Status"},
    'status_phase': {'nl': "Fase", 'fr': "Phase", 'en': "Phase"},
    'status_phase_1': {
        'nl': "1 van 3: evaluatie",
        'fr': "1 sur 3 : évaluation",
        'en': "1 of 3: evaluation",
        },
    'status_phase_2': {
        'nl': "2 van 3: onderzoek",
        'fr': "2 sur 3 : examen",
        'en': "2 of 3: investigation",
        },
    'status_phase_3': {
        'nl': "3 van 3: afhandeling",
        'fr': "3 sur 3 : conclusion",
        'en': "3 of 3: conclusion",
        },
    'status_received': {
        'nl': "Ontvangen op",
        'fr': "Reçue le",
        'en': "Received on",
        },
    'status_answer_due': {
        'nl': "Antwoord ten laatste op",
        'fr': "Réponse au plus tard le",
        'en': "Answer by",
        },
    'status_decisions': {
        'nl': "Wat we u lieten weten",
        'fr': "Ce que nous vous avons communiqué",
        'en': "What we told you",
        },
    'status_no_decisions': {
        'nl': "We hebben nog niets beslist.",
        'fr': "Nous n'avons encore rien décidé.",
        'en': "We have not decided anything yet.",
        },
    'status_cancel_title': {
        'nl': "Behandeling stopgezet",
        'fr': "Traitement arrêté",
        'en': "Handling stopped",
        },
    'status_evaluation': {
        'nl': "De klachtencoördinator onderzoekt of uw klacht ontvankelijk "
        "is.",
        'fr': "Le coordinateur des plaintes examine si votre plainte est "
        "recevable.",
        'en': "The complaints coordinator examines whether your complaint "
        "is admissible.",
        },
    'status_investigation': {
        'nl': "De betrokken dienst onderzoekt uw klacht.",
        'fr': "Le service concerné examine votre plainte.",
        'en': "The department concerned investigates your complaint.",
        },
    'status_conclusion': {
        'nl': "We bereiden ons antwoord voor.",
        'fr': "Nous préparons notre réponse.",
        'en': "We are preparing our answer.",
        },
    'status_feedback': {
        'nl': "We wachten op uw reactie op onze beslissing.",
        'fr': "Nous attendons votre réaction à notre décision.",
        'en': "We are waiting for your response to our decision.",
        },
    'status_closed': {
        'nl': "Uw klacht is afgehandeld.",
        'fr': "Votre plainte est clôturée.",
        'en': "Your complaint is closed.",
        },
    'status_cancelled': {
        'nl': "De behandeling van uw klacht werd stopgezet.",
        'fr': "Le traitement de votre plainte a été arrêté.",
        'en': "The handling of your complaint was stopped.",
        },

    # Refusals
    'e400_title': {
        'nl': "Dit verzoek is niet geldig",
        'fr': "Cette demande n'est pas valable",
        'en': "This request is not valid",
        },
    'e400_text': {
        'nl': "Ga terug naar het formulier en probeer opnieuw.",
        'fr': "Revenez au formulaire et réessayez.",
        'en': "Go back to the form and try again.",
        },
    'e403_title': {
        'nl': "Het formulier is verlopen",
        'fr': "Le formulaire a expiré",
        'en': "The form has expired",
        },
    'e403_text': {
        'nl': "We konden niet nagaan dat dit formulier van deze website "
        "kwam, bijvoorbeeld omdat cookies uit staan of het formulier te "
        "oud is. Er werd niets bewaard. Open het formulier opnieuw en "
        "probeer nog eens.",
        'fr': "Nous n'avons pas pu vérifier que ce formulaire venait de ce "
        "site, par exemple parce que les cookies sont désactivés ou que le "
        "formulaire est trop ancien. Rien n'a été enregistré. Rouvrez le "
        "formulaire et réessayez.",
        'en': "We could not check that this form came from this website, "
        "for example because cookies are off or the form is too old. "
        "Nothing was saved. Open the form again and retry.",
        },
    'e404_title': {
        'nl': "Pagina niet gevonden",
        'fr': "Page introuvable",
        'en': "Page not found",
        },
    'e404_text': {
        'nl': "Deze pagina bestaat niet. Controleer de link in uw e-mail.",
        'fr': "Cette page n'existe pas. Vérifiez le lien de votre e-mail.",
        'en': "This page does not exist. Check the link in your e-mail.",
        },
    'e410_title': {
        'nl': "Deze link werkt niet meer",
        'fr': "Ce lien ne fonctionne plus",
        'en': "This link no longer works",
        },
    'e410_text': {
        'nl': "De link werd al gebruikt, is verlopen of werd ingetrokken. "
        "Neem contact op met de klachtencoördinator als u nog iets wilt "
        "laten weten.",
        'fr': "Le lien a déjà été utilisé, a expiré ou a été révoqué. "
        "Contactez le coordinateur des plaintes si vous souhaitez encore "
        "nous faire part de quelque chose.",
        'en': "The link was already used, has expired or was withdrawn. "
        "Contact the complaints coordinator if you still want to tell us "
        "something.",
        },
    'e413_title': {
        'nl': "Te veel gegevens verstuurd",
        'fr': "Trop de données envoyées",
        'en': "Too much data sent",
        },
    'e413_text': {
        'nl': "De bestanden zijn samen te groot. Er werd niets bewaard. Ga "
        "terug en voeg kleinere of minder bestanden toe.",
        'fr': "Les fichiers sont trop volumineux. Rien n'a été enregistré. "
        "Revenez en arrière et ajoutez des fichiers plus petits ou moins "
        "nombreux.",
        'en': "The files are too large together. Nothing was saved. Go "
        "back and add smaller or fewer files.",
        },
    'e429_title': {
        'nl': "Even geduld",
        'fr': "Un peu de patience",
        'en': "Please wait",
        },
    'e429_text': {
        'nl': "We kregen vanaf uw aansluiting veel verzoeken kort na "
        "elkaar. Er werd niets bewaard.",
        'fr': "Nous avons reçu beaucoup de demandes de votre connexion en "
        "peu de temps. Rien n'a été enregistré.",
        'en': "We received many requests from your connection in a short "
        "time. Nothing was saved.",
        },
    'e429_wait': {
        'nl': "Probeer het over enkele minuten opnieuw.",
        'fr': "Réessayez dans quelques minutes.",
        'en': "Try again in a few minutes.",
        },
    'e429_wait_minute': {
        'nl': "Probeer het over 1 minuut opnieuw.",
        'fr': "Réessayez dans 1 minute.",
        'en': "Try again in 1 minute.",
        },
    'e429_wait_minutes': {
        'nl': "Probeer het over %(minutes)s minuten opnieuw.",
        'fr': "Réessayez dans %(minutes)s minutes.",
        'en': "Try again in %(minutes)s minutes.",
        },
    'e503_title': {
        'nl': "Even niet beschikbaar",
        'fr': "Momentanément indisponible",
        'en': "Temporarily unavailable",
        },
    'e503_text': {
        'nl': "We kunnen uw verzoek nu niet verwerken. Er werd niets "
        "bewaard. Probeer het over enkele minuten opnieuw.",
        'fr': "Nous ne pouvons pas traiter votre demande pour le moment. Rien "
        "n'a été enregistré. Réessayez dans quelques minutes.",
        'en': "We cannot handle your request right now. Nothing was saved. "
        "Try again in a few minutes.",
        },
    'e500_title': {
        'nl': "Er ging iets mis",
        'fr': "Une erreur s'est produite",
        'en': "Something went wrong",
        },
    'e500_text': {
        'nl': "Probeer het later opnieuw. Lukt het niet, contacteer dan de "
        "gemeente.",
        'fr': "Réessayez plus tard. Si cela ne fonctionne pas, contactez la "
        "commune.",
        'en': "Try again later. If it still fails, contact the "
        "municipality.",
        },

    # Accounts (account_pages.py)
    'account_nav': {
        'nl': "Uw account",
        'fr': "Votre compte",
        'en': "Your account",
        },
    'account_my_complaints': {
        'nl': "Mijn klachten",
        'fr': "Mes plaintes",
        'en': "My complaints",
        },
    'account_logout': {
        'nl': "Afmelden",
        'fr': "Se déconnecter",
        'en': "Log out",
        },
    'account_login': {
        'nl': "Aanmelden",
        'fr': "Se connecter",
        'en': "Log in",
        },
    'account_register_short': {
        'nl': "Account maken",
        'fr': "Créer un compte",
        'en': "Create an account",
        },
    'account_register_title': {
        'nl': "Een account maken",
        'fr': "Créer un compte",
        'en': "Create an account",
        },
    'account_register_intro': {
        'nl': "Met een account volgt u al uw klachten op één plaats en is "
        "het klachtenformulier al ingevuld met uw gegevens. U hebt geen "
        "account nodig om een klacht in te dienen.",
        'fr': "Avec un compte, vous suivez toutes vos plaintes au même "
        "endroit et le formulaire de plainte est déjà rempli avec vos "
        "données. Vous n'avez pas besoin d'un compte pour introduire une "
        "plainte.",
        'en': "With an account you follow all your complaints in one place "
        "and the complaint form is filled in with your details. You do not "
        "need an account to file a complaint.",
        },
    'account_email_hint': {
        'nl': "We sturen u een e-mail om dit adres te bevestigen.",
        'fr': "Nous vous envoyons un e-mail pour confirmer cette adresse.",
        'en': "We send you an e-mail to confirm this address.",
        },
    'account_password': {
        'nl': "Wachtwoord",
        'fr': "Mot de passe",
        'en': "Password",
        },
    'account_password_new': {
        'nl': "Nieuw wachtwoord",
        'fr': "Nouveau mot de passe",
        'en': "New password",
        },
    'account_password_hint': {
        'nl': "Minstens 8 tekens. Kies een wachtwoord dat u nergens anders "
        "gebruikt.",
        'fr': "Au moins 8 caractères. Choisissez un mot de passe que vous "
        "n'utilisez nulle part ailleurs.",
        'en': "At least 8 characters. Choose a password you use nowhere "
        "else.",
        },
    'account_password_repeat': {
        'nl': "Herhaal het wachtwoord",
        'fr': "Répétez le mot de passe",
        'en': "Repeat the password",
        },
    'account_register': {
        'nl': "Account maken",
        'fr': "Créer le compte",
        'en': "Create the account",
        },
    'account_have_account': {
        'nl': "Hebt u al een account? Meld u aan.",
        'fr': "Vous avez déjà un compte ? Connectez-vous.",
        'en': "Already have an account? Log in.",
        },
    'account_sent_register_title': {
        'nl': "Bevestig uw e-mailadres",
        'fr': "Confirmez votre adresse e-mail",
        'en': "Confirm your e-mail address",
        },
    'account_sent_register': {
        'nl': "We hebben u een e-mail gestuurd. Open de link in die e-mail "
        "om uw e-mailadres te bevestigen; daarna kunt u zich aanmelden.",
        'fr': "Nous vous avons envoyé un e-mail. Ouvrez le lien de cet "
        "e-mail pour confirmer votre adresse ; vous pourrez ensuite vous "
        "connecter.",
        'en': "We have sent you an e-mail. Open its link to confirm your "
        "address; then you can log in.",
        },
    'account_sent_reset_title': {
        'nl': "Kijk in uw mailbox",
        'fr': "Consultez votre boîte e-mail",
        'en': "Check your mailbox",
        },
    'account_sent_reset': {
        'nl': "Als er een account bestaat met dit e-mailadres, hebben we "
        "een e-mail gestuurd met een link om een nieuw wachtwoord te "
        "kiezen.",
        'fr': "Si un compte existe avec cette adresse e-mail, nous avons "
        "envoyé un e-mail avec un lien pour choisir un nouveau mot de "
        "passe.",
        'en': "If an account exists with this e-mail address, we have sent "
        "an e-mail with a link to choose a new password.",
        },
    'account_sent_spam': {
        'nl': "Geen e-mail gekregen binnen enkele minuten? Kijk ook bij de "
        "ongewenste e-mail.",
        'fr': "Pas d'e-mail reçu après quelques minutes ? Regardez aussi "
        "dans les courriers indésirables.",
        'en': "No e-mail within a few minutes? Check your spam folder too.",
        },
    'account_validate_title': {
        'nl': "Uw e-mailadres bevestigen",
        'fr': "Confirmer votre adresse e-mail",
        'en': "Confirm your e-mail address",
        },
    'account_validate_intro': {
        'nl': "Vul het wachtwoord in dat u koos toen u het account maakte.",
        'fr': "Indiquez le mot de passe choisi lors de la création du "
        "compte.",
        'en': "Enter the password you chose when you created the account.",
        },
    'account_validate': {
        'nl': "Bevestigen",
        'fr': "Confirmer",
        'en': "Confirm",
        },
    'account_forgot': {
        'nl': "Wachtwoord vergeten?",
        'fr': "Mot de passe oublié ?",
        'en': "Forgot your password?",
        },
    'account_login_title': {
        'nl': "Aanmelden",
        'fr': "Se connecter",
        'en': "Log in",
        },
    'account_login_intro': {
        'nl': "Meld u aan om uw klachten te volgen.",
        'fr': "Connectez-vous pour suivre vos plaintes.",
        'en': "Log in to follow your complaints.",
        },
    'account_logged_in_as': {
        'nl': "U bent aangemeld als %(email)s.",
        'fr': "Vous êtes connecté en tant que %(email)s.",
        'en': "You are logged in as %(email)s.",
        },
    'account_no_account': {
        'nl': "Nog geen account? Maak er een.",
        'fr': "Pas encore de compte ? Créez-en un.",
        'en': "No account yet? Create one.",
        },
    'account_without': {
        'nl': "Een klacht indienen zonder account",
        'fr': "Introduire une plainte sans compte",
        'en': "File a complaint without an account",
        },
    'account_logged_out': {
        'nl': "U bent afgemeld.",
        'fr': "Vous êtes déconnecté.",
        'en': "You are logged out.",
        },
    'account_reset_done': {
        'nl': "Uw wachtwoord is gewijzigd. Meld u aan met het nieuwe "
        "wachtwoord.",
        'fr': "Votre mot de passe a été modifié. Connectez-vous avec le "
        "nouveau mot de passe.",
        'en': "Your password has been changed. Log in with the new "
        "password.",
        },
    'account_reset_request_title': {
        'nl': "Wachtwoord vergeten",
        'fr': "Mot de passe oublié",
        'en': "Forgotten password",
        },
    'account_reset_request_intro': {
        'nl': "Vul het e-mailadres van uw account in. We sturen u een link "
        "om een nieuw wachtwoord te kiezen.",
        'fr': "Indiquez l'adresse e-mail de votre compte. Nous vous "
        "envoyons un lien pour choisir un nouveau mot de passe.",
        'en': "Enter the e-mail address of your account. We send you a "
        "link to choose a new password.",
        },
    'account_reset_send': {
        'nl': "Link versturen",
        'fr': "Envoyer le lien",
        'en': "Send the link",
        },
    'account_reset_title': {
        'nl': "Een nieuw wachtwoord kiezen",
        'fr': "Choisir un nouveau mot de passe",
        'en': "Choose a new password",
        },
    'account_reset_save': {
        'nl': "Wachtwoord opslaan",
        'fr': "Enregistrer le mot de passe",
        'en': "Save the password",
        },
    'account_welcome': {
        'nl': "Uw e-mailadres is bevestigd. Welkom!",
        'fr': "Votre adresse e-mail est confirmée. Bienvenue !",
        'en': "Your e-mail address is confirmed. Welcome!",
        },
    'account_no_complaints': {
        'nl': "U hebt nog geen klachten.",
        'fr': "Vous n'avez pas encore de plainte.",
        'en': "You have no complaints yet.",
        },
    'account_number': {
        'nl': "Nummer",
        'fr': "Numéro",
        'en': "Number",
        },
    'account_back_to_list': {
        'nl': "Terug naar mijn klachten",
        'fr': "Retour à mes plaintes",
        'en': "Back to my complaints",
        },
    'account_decisions': {
        'nl': "Beslissingen",
        'fr': "Décisions",
        'en': "Decisions",
        },
    'account_admissible': {
        'nl': "Uw klacht is ontvankelijk",
        'fr': "Votre plainte est recevable",
        'en': "Your complaint is admissible",
        },
    'account_inadmissible': {
        'nl': "Uw klacht is niet ontvankelijk",
        'fr': "Votre plainte n'est pas recevable",
        'en': "Your complaint is not admissible",
        },
    'account_answer': {
        'nl': "Ons antwoord",
        'fr': "Notre réponse",
        'en': "Our answer",
        },
    'account_feedback_agree': {
        'nl': "U ging akkoord met onze beslissing",
        'fr': "Vous avez accepté notre décision",
        'en': "You agreed with our decision",
        },
    'account_feedback_disagree': {
        'nl': "U ging niet akkoord met onze beslissing",
        'fr': "Vous n'avez pas accepté notre décision",
        'en': "You disagreed with our decision",
        },
    'account_messages': {
        'nl': "Berichten die we u stuurden",
        'fr': "Messages que nous vous avons envoyés",
        'en': "Messages we sent you",
        },
    'account_no_messages': {
        'nl': "We stuurden u nog geen berichten over deze klacht.",
        'fr': "Nous ne vous avons encore envoyé aucun message sur cette "
        "plainte.",
        'en': "We have not sent you any messages about this complaint yet.",
        },
    'account_link_removed': {
        'nl': "[link: zie de e-mail]",
        'fr': "[lien : voir l'e-mail]",
        'en': "[link: see the e-mail]",
        },
    'account_email_fixed': {
        'nl': "Het e-mailadres van uw account.",
        'fr': "L'adresse e-mail de votre compte.",
        'en': "The e-mail address of your account.",
        },
    'err_name_account': {
        'nl': "Vul uw naam in.",
        'fr': "Indiquez votre nom.",
        'en': "Enter your name.",
        },
    'err_password_short': {
        'nl': "Kies een wachtwoord van minstens %(length)s tekens.",
        'fr': "Choisissez un mot de passe d'au moins %(length)s caractères.",
        'en': "Choose a password of at least %(length)s characters.",
        },
    'err_password_email': {
        'nl': "Kies een wachtwoord dat niet uw e-mailadres is.",
        'fr': "Choisissez un mot de passe différent de votre adresse "
        "e-mail.",
        'en': "Choose a password that is not your e-mail address.",
        },
    'err_password_repeat': {
        'nl': "De twee wachtwoorden zijn niet gelijk.",
        'fr': "Les deux mots de passe ne sont pas identiques.",
        'en': "The two passwords are not the same.",
        },
    'err_login': {
        'nl': "Het e-mailadres of het wachtwoord is niet juist.",
        'fr': "L'adresse e-mail ou le mot de passe est incorrect.",
        'en': "The e-mail address or the password is not correct.",
        },
    'err_login_unconfirmed': {
        'nl': "Uw e-mailadres is nog niet bevestigd. We stuurden u een "
        "nieuwe e-mail met een link om het te bevestigen.",
        'fr': "Votre adresse e-mail n'est pas encore confirmée. Nous vous "
        "avons envoyé un nouvel e-mail avec un lien pour la confirmer.",
        'en': "Your e-mail address is not confirmed yet. We have sent you "
        "a new e-mail with a link to confirm it.",
        },
    }

PLACEHOLDER = re.compile(r'%\(([a-z_]+)\)s')


def gettext(lang, key, **values):
    "The text of key in lang, with its %(name)s placeholders filled"
    texts = MESSAGES[key]
    text = texts.get(lang) or texts[DEFAULT]
    if values:
        text = text % {k: values.get(k, '') for k in PLACEHOLDER.findall(text)}
    return text


def format_date(lang, date):
    if not date:
        return ''
    return f'{date.day} {MONTHS[lang][date.month - 1]} {date.year}'


def format_size(lang, size):
    "A size in bytes as a short text: 512 kB, 3 MB"
    if size >= 1024 * 1024:
        value, unit = size / (1024 * 1024), 'MB'
    else:
        value, unit = size / 1024, 'kB'
    text = f'{value:.1f}'.rstrip('0').rstrip('.')
    if lang in {'nl', 'fr'}:
        text = text.replace('.', ',')
    return f'{text} {unit}'
