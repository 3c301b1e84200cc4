# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""LibreOffice as it is, and broken: missing, crashing, silent, hanging;
and two conversions at once."""
import io
import os
import threading
import time
import unittest

from docx import Document

from .. import convert, render
from .tools import CRASH, EMPTY, HANG, fake_soffice, pdf_text, soffice


def word(text):
    document = Document()
    document.add_paragraph(text)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


class ConvertTestCase(unittest.TestCase):
    "Conversions to PDF"

    def assertFails(self, reason):
        with self.assertRaises(convert.ConversionFailed) as cm:
            convert.to_pdf(word("Nothing"))
        self.assertEqual(cm.exception.reason, reason)
        return cm.exception

    def test_missing(self):
        "No soffice on the PATH"
        with soffice('missing'):
            self.assertFails('missing')

    def test_crash(self):
        "soffice killed by a signal"
        with soffice(fake_soffice(CRASH)):
            exception = self.assertFails('crash')
        self.assertIn("fatal error", exception.detail)

    def test_no_output(self):
        "soffice that ends well without writing a PDF"
        with soffice(fake_soffice(EMPTY)):
            self.assertFails('no_output')

    def test_timeout(self):
        "A hanging soffice is killed with its children"
        script = fake_soffice(HANG)
        start = time.monotonic()
        with soffice(script, timeout=1):
            self.assertFails('timeout')
        self.assertLess(time.monotonic() - start, 10)
        # no sleep of the fake soffice survives
        time.sleep(0.2)
        for pid in os.listdir('/proc'):
            if pid.isdigit():
                try:
                    with open(f'/proc/{pid}/cmdline', 'rb') as file:
                        self.assertNotEqual(file.read(), b'sleep\x00987\x00')
                except (FileNotFoundError, ProcessLookupError):
                    pass

    def test_concurrent(self):
        "Two conversions at once each get their own, right PDF"
        texts = ["Eerste document één", "Deuxième document à"]
        results, errors = {}, []

        def run(text):
            try:
                results[text] = convert.to_pdf(word(text))
            except Exception as exception:
                errors.append(exception)
        threads = [threading.Thread(target=run, args=(t,)) for t in texts]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        for text in texts:
            self.assertIn(text, pdf_text(results[text]))

    def test_clean(self):
        "Characters XML cannot hold are dropped, the rest kept"
        self.assertEqual(render.clean("a\x00b\x07c\td\ne"), "abc\td\ne")


class RenderTestCase(unittest.TestCase):
    "Filling in the Word templates"

    def values(self, **values):
        names = ['municipality', 'municipality_address', 'addressee',
            'addressee_address', 'today', 'number', 'received_date',
            'handler_department', 'text', 'answer_due',
            'coordinator_contact']
        result = {n: render.text('') for n in names}
        result.update({k: render.text(v) for k, v in values.items()})
        return result

    def test_values_are_text(self):
        "Template code or markup in a value is printed as typed"
        from ..document import DocumentTemplate
        from .tools import docx_text
        hostile = "<w:t>{{ number }}</w:t> ${ x } {% if %} & é"
        data = DocumentTemplate.template_path('admissible', 'nl').read_bytes()
        text = docx_text(render.render(data, self.values(
                    text=f"{hostile}\nline two\x07", number='K1')))
        self.assertIn(hostile, text)
        self.assertIn("line two", text)
        self.assertIn("K1", text)

    def test_empty_paragraph_left_out(self):
        "An optional paragraph without value is not printed"
        from ..document import DocumentTemplate
        from .tools import docx_text
        data = DocumentTemplate.template_path('admissible', 'en').read_bytes()
        with_text = docx_text(render.render(data, self.values(text="Note")))
        without = docx_text(render.render(data, self.values(text=" ")))
        self.assertEqual(
            len(with_text.splitlines()), len(without.splitlines()) + 1)
