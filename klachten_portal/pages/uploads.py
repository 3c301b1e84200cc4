# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Files sent through the portal: what they really are, and safe names.

A file is accepted only when its content is one of the allowed kinds
(read from its first bytes, never from its name or the browser's type) and
its name's extension, if any, says the same."""
import base64
import binascii
import os
import re
import unicodedata
import zlib
from dataclasses import dataclass

# kind: (extensions, the extension given to a name without one)
KINDS = {
    'pdf': ({'pdf'}, 'pdf'),
    'png': ({'png'}, 'png'),
    'jpeg': ({'jpg', 'jpeg'}, 'jpg'),
    'text': ({'txt', 'text'}, 'txt'),
    }
MARKUP = re.compile(
    rb'^\s*(<!doctype|<html|<head|<body|<script|<svg|<\?xml|<iframe)',
    re.IGNORECASE)
# what a browser or PDF reader could run: JavaScript in a PDF (also inside
# its compressed streams, and with #xx escapes in its names), web page code
# anywhere in an image (an HTML/JPEG polyglot)
PDF_ACTIVE = re.compile(rb'/(JavaScript|JS|Launch)(?![A-Za-z0-9])')
PDF_NAME_ESCAPE = re.compile(rb'#([0-9A-Fa-f]{2})')
PDF_STREAM = re.compile(rb'stream\r?\n(.*?)endstream', re.S)
IMAGE_MARKUP = re.compile(
    rb'<\s*(!doctype|html|head|body|script|svg|iframe|object|embed)\b',
    re.IGNORECASE)
RESERVED = {'con', 'prn', 'aux', 'nul'} | {
    f'{p}{n}' for p in ('com', 'lpt') for n in range(1, 10)}
MAX_NAME = 100


@dataclass
class Upload:
    name: str       # what the citizen called it, sanitised
    data: bytes

    @property
    def encoded(self):
        return base64.b64encode(self.data).decode('ascii')

    @classmethod
    def decode(cls, name, encoded):
        "The upload carried in a page's hidden fields, or None"
        try:
            data = base64.b64decode(encoded.encode('ascii'), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return None
        return cls(safe_name(name), data)


def kind_of(data):
    "The kind of the content of data, or None when it is not allowed"
    if data.startswith(b'%PDF-'):
        return 'pdf'
    if data.startswith(b'\x89PNG\r\n\x1a\n'):
        return 'png'
    if data.startswith(b'\xff\xd8\xff'):
        return 'jpeg'
    if b'\x00' not in data and not MARKUP.match(data[:1024]):
        try:
            data.decode('utf-8')
        except UnicodeDecodeError:
            return None
        return 'text'
    return None


def active(kind, data):
    "Whether data, of kind, holds content a browser or reader could run"
    if kind == 'pdf':
        return any(PDF_ACTIVE.search(PDF_NAME_ESCAPE.sub(
                        lambda m: bytes([int(m.group(1), 16)]), part))
            for part in _pdf_parts(data))
    if kind in {'png', 'jpeg'}:
        return bool(IMAGE_MARKUP.search(data))
    return False


def is_active(upload):
    "Whether upload is of an allowed kind but holds active content"
    kind = kind_of(upload.data)
    return kind is not None and active(kind, upload.data)


def _pdf_parts(data):
    "The PDF data, and each of its streams that inflates"
    yield data
    for match in PDF_STREAM.finditer(data):
        try:
            yield zlib.decompressobj().decompress(match.group(1), 10 ** 7)
        except zlib.error:
            continue


def safe_name(name):
    """The name to show for a file: its last part only, without control,
    format (such as right-to-left override) or reserved characters, and
    not too long"""
    name = unicodedata.normalize('NFC', name or '')
    name = re.split(r'[/\\]', name)[-1]
    name = ''.join(c for c in name
        if unicodedata.category(c)[0] not in {'C', 'Z'} or c == ' ')
    name = re.sub(r'[<>:"|?*]', '_', name)
    name = re.sub(r'\s+', ' ', name).strip(' .')
    stem, ext = os.path.splitext(name)
    if stem.lower() in RESERVED:
        stem = f'_{stem}'
    ext = ext[:10]
    stem = stem[:MAX_NAME - len(ext)]
    return (stem + ext) or 'file'


def check(upload):
    """Return the upload with its name's extension matching its content,
    or None when the content is not allowed (or holds active content) or
    the name says otherwise"""
    kind = kind_of(upload.data)
    if kind is None or active(kind, upload.data):
        return None
    extensions, default = KINDS[kind]
    stem, ext = os.path.splitext(upload.name)
    ext = ext[1:].lower()
    if not ext:
        return Upload(f'{stem}.{default}', upload.data)
    if ext not in extensions:
        return None
    return upload
