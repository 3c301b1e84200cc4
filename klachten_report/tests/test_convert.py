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
