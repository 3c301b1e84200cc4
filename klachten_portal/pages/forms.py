# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the pages' forms share: what was entered and what is wrong with
it, the files sent with a form, e-mail addresses (valid_email: the rule of
klachten_base's outbox)."""
from dataclasses import dataclass, field

from werkzeug.exceptions import BadRequest

from klachten_base.outbox import valid_email  # noqa: F401 (the forms' rule)

from .. import messages
from . import uploads, web


def limits():
    "The number and sizes of the files a form may send"
    return {
        'count': web.setting('max_files', 3),
        'size': web.setting('max_file_size', 3 * 1024 * 1024),
        'total': web.setting('max_total_size', 6 * 1024 * 1024),
        }


@dataclass
class Intake:
    "What the citizen entered, as typed, and what is wrong with it"
    values: dict
    uploads: list = field(default_factory=list)
    errors: list = field(default_factory=list)    # [(field, message)]

    @property
    def anonymous(self):
        return self.values.get('anonymous') == '1'

    def error(self, name, message):
        self.errors.append((name, message))

    def errors_of(self, name):
        return [m for n, m in self.errors if n == name]

    def attachments(self, description):
        "(name, data, description) of each file, under a unique name"
        return [(name, upload.data, description)
            for name, upload in unique_names(self.uploads)]


def read_answer(request, lang, maximum, missing='err_answer', answer=None):
    """Read an answer form (a required text of at most maximum characters,
    and files): the Intake with what is wrong with it. missing is the text
    said when the answer is empty; answer, when the page read it already."""
    if answer is None:
        answer = web.form_value(request, 'answer', maximum)
    intake = Intake({'answer': answer})
    if not answer:
        intake.error('answer', messages.gettext(lang, missing))
    elif len(answer) > maximum:
        intake.error('answer', messages.gettext(
                lang, 'err_too_long', max=maximum))
    read_uploads(intake, request, lang)
    return intake


def read_uploads(intake, request, lang):
    """Add to intake the files carried from the previous page (less those
    removed) and the new ones; refuse what is not allowed"""
    limit = limits()
    candidates = _carried(request, limit) + _sent(request, limit)
    total = 0
    for upload in candidates:
        checked = uploads.check(upload)
        error = _upload_error(upload, checked, intake, limit, total, lang)
        if error:
            intake.error('attachments', error)
        else:
            total += len(checked.data)
            intake.uploads.append(checked)


def _carried(request, limit):
    "The files the previous page carried in hidden fields, less removed"
    removed = set(request.form.getlist('remove'))
    names = request.form.getlist('carried_name')
    datas = request.form.getlist('carried_data')
    if len(names) != len(datas) or len(names) > limit['count']:
        raise BadRequest()
    result = []
    for index, (name, data) in enumerate(zip(names, datas)):
        upload = uploads.Upload.decode(name, data)
        if upload is None:
            raise BadRequest()
        if str(index) not in removed:
            result.append(upload)
    return result


def _sent(request, limit):
    "The files sent with the form"
    result = []
    for file in request.files.getlist('attachments'):
        data = file.stream.read(limit['size'] + 1)
        if not file.filename and not data:
            continue
        result.append(uploads.Upload(uploads.safe_name(file.filename), data))
    return result


def _upload_error(upload, checked, intake, limit, total, lang):
    "What is wrong with upload (checked: uploads.check's), or None"
    def _(key, **kw):
        return messages.gettext(lang, key, **kw)
    if not upload.data:
        return _('err_file_empty', name=upload.name)
    elif len(upload.data) > limit['size']:
        return _('err_file_size', name=upload.name,
            size=messages.format_size(lang, limit['size']))
    elif checked is None and uploads.is_active(upload):
        return _('err_file_active', name=upload.name)
    elif checked is None:
        return _('err_file_type', name=upload.name)
    elif len(intake.uploads) >= limit['count']:
        return _('err_file_count', count=limit['count'])
    elif total + len(checked.data) > limit['total']:
        return _('err_file_total',
            size=messages.format_size(lang, limit['total']))
    return None


def unique_names(uploads_):
    "(name, upload) of each upload, numbered where names repeat"
    seen = set()
    for upload in uploads_:
        name, number = upload.name, 1
        while name.lower() in seen:
            number += 1
            stem, dot, ext = upload.name.rpartition('.')
            name = f'{stem} ({number}).{ext}' if dot else f'{ext} ({number})'
        seen.add(name.lower())
        yield name, upload
