# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Render Word templates (docxtpl) safely.

Values never become template code: Jinja renders the template once and
inserts the values escaped for XML (autoescape), so ``{{ }}``, ``${ }``
or ``<script>`` typed by a citizen come out as the same characters.  The
template runs in Jinja's sandbox: a template uploaded by an administrator
reads the values it is given and nothing else.  Characters XML cannot
hold (control characters other than tab and newline) are dropped, so a
value can never make a document Word refuses to open."""
import io
import re
import zipfile

from docxtpl import DocxTemplate, Listing
from jinja2 import TemplateError
from jinja2.sandbox import SandboxedEnvironment

_XML_INVALID = re.compile(
    '[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]')
_EXTERNAL = re.compile(rb'TargetMode\s*=\s*"External"')
PLACEHOLDER = re.compile(r'\{\{|\}\}|\{%|%\}')


class TemplateInvalid(Exception):
    "The template cannot be used; reason is one of zip, external, syntax"

    def __init__(self, reason, detail=''):
        super().__init__(f'{reason}: {detail}')
        self.reason = reason
        self.detail = detail


def clean(text):
    "text without the characters XML cannot hold"
    if text is None:
        return ''
    return _XML_INVALID.sub('', str(text))


class Text(Listing):
    "A Listing that is false when empty, for {% if %} in templates"

    def __init__(self, text):
        super().__init__(text)
        self.empty = not text.strip()

    def __bool__(self):
        return not self.empty


def text(value):
    "A value shown as it is typed, newlines as line breaks"
    return Text(clean(value).replace('\r\n', '\n').replace('\r', '\n'))


def _environment():
    return SandboxedEnvironment(autoescape=True)


def check_template(data):
    """Raise TemplateInvalid unless data is a Word template we can render
    without a network: a .docx package, no external relationship (linked
    images, remote templates), valid Jinja"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            if 'word/document.xml' not in names:
                raise TemplateInvalid('zip', "no word/document.xml")
            for name in names:
                if name.endswith('.rels') and _EXTERNAL.search(
                        package.read(name)):
                    raise TemplateInvalid('external', name)
    except zipfile.BadZipFile as exception:
        raise TemplateInvalid('zip', str(exception))
    try:
        template = DocxTemplate(io.BytesIO(data))
        template.get_undeclared_template_variables(_environment())
    except TemplateError as exception:
        raise TemplateInvalid('syntax', str(exception))
    except Exception as exception:
        raise TemplateInvalid('zip', str(exception))


def render(data, context):
    "Return the .docx bytes of the template data rendered with context"
    template = DocxTemplate(io.BytesIO(data))
    try:
        template.render(context, _environment())
    except TemplateError as exception:
        raise TemplateInvalid('syntax', str(exception))
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()
