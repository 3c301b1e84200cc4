# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers to read documents back and to break LibreOffice on purpose."""
import io
import os
import re
import stat
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from docx import Document

import trytond.config as config


def docx_text(data):
    "Every text of a .docx: body, tables, headers and footers"
    document = Document(io.BytesIO(bytes(data)))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    for section in document.sections:
        for part in [section.header, section.footer]:
            parts.extend(p.text for p in part.paragraphs)
    return '\n'.join(parts)


def docx_rows(data):
    "The rows of every table of a .docx, as tuples of their cells' texts"
    document = Document(io.BytesIO(bytes(data)))
    return {tuple(c.text for c in row.cells)
        for table in document.tables for row in table.rows}


def pdf_text(data):
    "The text of a PDF, read by pdftotext (poppler)"
    with tempfile.NamedTemporaryFile(suffix='.pdf') as file:
        file.write(bytes(data))
        file.flush()
        return subprocess.run(['pdftotext', '-enc', 'UTF-8', file.name, '-'],
            check=True, capture_output=True, timeout=60).stdout.decode()


def pdf_page_sizes(data):
    "The size of each page of a PDF in points (width, height), by pdfinfo"
    with tempfile.NamedTemporaryFile(suffix='.pdf') as file:
        file.write(bytes(data))
        file.flush()
        info = subprocess.run(['pdfinfo', '-f', '1', '-l', '1000', file.name],
            check=True, capture_output=True, timeout=60).stdout.decode()
    return [tuple(round(float(v)) for v in m.groups())
        for m in re.finditer(r'Page +\d+ size: +([\d.]+) x ([\d.]+) pts',
            info)]


def fake_soffice(script):
    "An executable soffice that runs the shell script"
    folder = Path(tempfile.mkdtemp(prefix='klachten-fake-soffice-'))
    path = folder / 'soffice'
    path.write_text('#!/bin/sh\n' + script + '\n')
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


CRASH = 'echo "soffice: fatal error" >&2\nkill -SEGV $$'
EMPTY = 'exit 0'
HANG = 'sleep 987 &\nsleep 987'


@contextmanager
def soffice(command=None, path=None, timeout=None):
    """Use command as soffice (and PATH=path) for the block; soffice
    missing when command is 'missing'"""
    saved = {
        'soffice': config.get(
            'klachten_report', 'soffice', default='soffice'),
        'convert_timeout': config.get(
            'klachten_report', 'convert_timeout', default='120'),
        }
    saved_path = os.environ.get('PATH')
    if not config.has_section('klachten_report'):
        config.add_section('klachten_report')
    try:
        if command == 'missing':
            config.set('klachten_report', 'soffice', 'soffice')
            os.environ['PATH'] = tempfile.mkdtemp(prefix='klachten-nopath-')
        elif command:
            config.set('klachten_report', 'soffice', command)
        if timeout:
            config.set('klachten_report', 'convert_timeout', str(timeout))
        yield
    finally:
        os.environ['PATH'] = saved_path
        for option, value in saved.items():
            config.set('klachten_report', option, value)
