# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16 item 14: the readability of a reply, measured on real Dutch
(seed 001, the Flemish manual) and on a plain reply, and in French"""
import unittest

from klachten_base.plain_language import readability

# seed 001, the Flemish manual's definition of a complaint
SEED_001 = (
    "Een manifeste uiting waarbij een ontevreden burger bij de lokale "
    "overheid klaagt over een door de lokale overheid al dan niet verrichte "
    "handeling of prestatie. Uiting: de ontevredenheid moet worden "
    "veruitwendigd door de burger. Het ontvankelijkheidsonderzoek wordt "
    "gevoerd door de klachtencoördinator, die nagaat of er geen "
    "jurisdictioneel beroep aanhangig is en of de klacht niet kennelijk "
    "ongegrond is of betrekking heeft op feiten waarover reeds eerder een "
    "klacht werd behandeld.")
# a reply as the demo's coordinators write them
PLAIN_NL = (
    "Beste mevrouw Vos, u meldde ons dat het loket op 3 mei gesloten was. "
    "Dat klopt. Het loket was die dag dicht door ziekte. Dat hadden we op "
    "de website moeten zetten. Onze excuses daarvoor. We passen de website "
    "voortaan dezelfde dag aan.")
PLAIN_FR = (
    "Madame, nous avons bien reçu votre plainte. Le guichet était fermé le "
    "3 mai parce que la personne du guichet était malade. Nous vous "
    "prions de nous excuser.")
DIFFICULT_FR = (
    "Conformément aux dispositions réglementaires susmentionnées, "
    "l'irrecevabilité de votre réclamation, consécutive à l'introduction "
    "antérieure d'un recours juridictionnel actuellement pendant devant "
    "la juridiction administrative compétente, nous contraint à "
    "décliner toute appréciation circonstanciée des griefs invoqués.")


class ReadabilityTestCase(unittest.TestCase):
    "How readable a text is, in Dutch and French"

    def test_dutch(self):
        seed = readability(SEED_001, 'nl')
        plain = readability(PLAIN_NL, 'nl')
        self.assertLess(seed.score, 45)
        self.assertEqual(seed.level, 'difficult')
        self.assertGreaterEqual(plain.score, 60)
        self.assertEqual(plain.level, 'plain')
        self.assertEqual(plain.long_sentences, [])
        self.assertEqual(plain.difficult_words, [])
        # the manual's sentences of 25 and 45 words and its jargon are
        # named, not the short one between them
        self.assertEqual([s.split()[:2] for s in seed.long_sentences],
            [["Een", "manifeste"], ["Het", "ontvankelijkheidsonderzoek"]])
        for word in ['veruitwendigd', 'ontvankelijkheidsonderzoek',
                'jurisdictioneel']:
            self.assertIn(word, seed.difficult_words)
        # common words and the name inside a sentence are not
        for word in ['burger', 'overheid', 'klacht', 'Vos']:
            self.assertNotIn(word, seed.difficult_words
                + plain.difficult_words)

    def test_french(self):
        plain = readability(PLAIN_FR, 'fr_BE')
        difficult = readability(DIFFICULT_FR, 'fr')
        self.assertGreaterEqual(plain.score, 60)
        self.assertLess(difficult.score, 45)
        self.assertEqual(len(difficult.long_sentences), 1)
        self.assertIn('circonstanciée', difficult.difficult_words)
        # an elided article is not part of the word
        self.assertIn('irrecevabilité', difficult.difficult_words)
        self.assertNotIn('plainte', plain.difficult_words)

    def test_empty_or_not_measured(self):
        self.assertIsNone(readability('', 'nl'))
        self.assertIsNone(readability('12 / 3', 'nl'))
        # English would need nltk's cmudict, downloaded at run time: never
        self.assertIsNone(readability("We are sorry for the wait.", 'en'))
        # no language known: read as Dutch
        self.assertEqual(readability(PLAIN_NL, None).score,
            readability(PLAIN_NL, 'nl').score)
