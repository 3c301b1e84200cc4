# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The external advisor's form, fed what Hypothesis makes up, as every
portal form is (klachten_portal/tests/test_fuzz.py): never a 5xx, a page
in the language asked, an advice stored whole with its files or not at
all."""
import unittest

from hypothesis import example, given
from hypothesis import strategies as st

from klachten_portal.tests import test_fuzz
from klachten_portal.tests.browser import set_up_database
from klachten_portal.tests.test_fuzz import (
    COUNTED, FUZZ, fields, languages, texts, uploads)
from klachten_portal.tests.tools import (
    Form, PortalTestMixin, configure_portal, text)

from . import test_portal


class AdviceFuzzTestCase(PortalTestMixin, unittest.TestCase):
    "Fuzzing the advice form"
    counted = COUNTED + ['klachten.advice.request']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = set_up_database(cls, ['klachten_advies', 'klachten_portal'])
        configure_portal(cls)

    # klachten_portal's and the advice page's helpers (no module-level
    # name for their classes: pytest would run their tests here again)
    counts = test_fuzz.FuzzTestCase.counts
    delta = test_fuzz.FuzzTestCase.delta
    post = test_fuzz.FuzzTestCase.post
    used = test_fuzz.FuzzTestCase.link_used
    assert_page = test_fuzz.FuzzTestCase.assert_page
    investigated = test_portal.AdvicePageTestCase.investigated
    ask = test_portal.AdvicePageTestCase.ask
    link = test_portal.AdvicePageTestCase.link
    read = test_portal.AdvicePageTestCase.read

    def advice_link(self):
        "A link to an open advice request: (path, request id)"
        if getattr(self, '_advice', None) is None \
                or self.used(self._advice[0]):
            if getattr(self, '_complaint', None) is None:
                self._complaint = self.investigated()
            request_id, path = self.ask(self._complaint)
            self._advice = (path, request_id)
        return self._advice

    @FUZZ
    @example(data={}, lang='nl', files=[],
        answer="Het bord\x00 stond\r\nachter een boom\x1b")
    @given(data=fields(['answer', 'carried_name', 'carried_data', 'remove']),
        lang=languages, files=uploads,
        answer=st.one_of(st.just("Het bord stond achter een boom."), texts))
    def test_advice(self, data, lang, files, answer):
        "An advice is recorded whole, with its files, or not at all"
        path, request_id = self.advice_link()
        form = Form(text(self.portal.get(path)))
        data.setdefault('answer', answer)
        before = self.counts()
        sent, response = self.post(path, form, data, files, lang)
        status = self.assert_page(response, sent)
        delta = self.delta(before)
        record = self.read(request_id)
        if status == 303:
            self.assertEqual(record['state'], 'answered')
            self.assertTrue(record['answer'])
            self.assertEqual(record['answered_via'], 'portal')
            self.assertTrue(self.used(path))
            self.assertEqual(delta.pop('ir.attachment', 0),
                len(record['files']))
            self.assertEqual(set(delta) - {'klachten.email'}, set())
        else:
            self.assertEqual(
                (record['state'], record['answer'], record['files']),
                ('requested', None, []))
            self.assertFalse(self.used(path))
            self.assertEqual(delta, {})
