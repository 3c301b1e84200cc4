# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Notifications: a template per kind, rendered in the reader's language
and put in the outbox in the transaction of the step that causes it."""
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from genshi.template import TextTemplate

from trytond.cache import Cache
from trytond.model import Model, ModelAccessProxy, ModelStorage
from trytond.model.exceptions import AccessError
from trytond.model.fields.selection import TranslatedSelection
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

logger = logging.getLogger(__name__)

# the templates read and compiled in a batch: (id, language) -> them
_compiled = ContextVar('klachten_notification_templates', default=None)
# the texts of the templates, in every process: (id, language) -> (subject,
# body, model name); emptied in every process when a template or a
# translation is written (klachten_base's ir.email.template and
# ir.translation), as Tryton's own caches of translations
_texts = Cache('klachten.notification.template_texts', context=False)


@lru_cache(maxsize=256)
def _template(text):
    "text compiled (a template's text compiles the same every time)"
    return TextTemplate(text)


def clear_templates():
    "Forget the templates' texts and the outbox's kinds (every process)"
    from .outbox import _kinds
    _texts.clear()
    _kinds.clear()


class BatchTranslatedSelection(TranslatedSelection):
    """field.translated(name) whose labels are looked up once per model,
    field and language within a Notification.batch(): a translated
    selection calls fields_get on each access, and a template reads it
    for every e-mail (a fixed selection only, not one of a method)"""

    def __get__(self, inst, cls):
        cache = _compiled.get()
        if inst is None or cache is None:
            return super().__get__(inst, cls)
        field = cls._fields[self.name]
        if isinstance(field.selection, str):
            return super().__get__(inst, cls)
        with Transaction().set_context(getattr(inst, '_context', {})):
            key = ('selection', cls.__name__, self.name,
                Transaction().language)
            selection = cache.get(key)
            if selection is None:
                selection = cache[key] = field.get_selection(
                    cls, self.name, inst)
        return field.get_selection_string(
            selection, getattr(inst, self.name))


class Notification(Model):
    __name__ = 'klachten.notification'
    __string__ = "Notification"

    @classmethod
    def template(cls, kind):
        "The e-mail template of kind (klachten_base.email_template_<kind>)"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Template = pool.get('ir.email.template')
        try:
            return Template(ModelData.get_id(
                    'klachten_base', f'email_template_{kind}'))
        except KeyError:
            return None

    @classmethod
    def _valid(cls, address):
        "Whether address can be written to; a bad one must not stop a step"
        from .outbox import parse_addresses
        if not address:
            return False
        try:
            return bool(parse_addresses(address))
        except ValueError:
            logger.warning("not writing to invalid address %r", address)
            return False

    @classmethod
    @contextmanager
    def batch(cls):
        """Within it each template is read and compiled once per language
        (a cron's run, a step that writes to many)"""
        if _compiled.get() is not None:
            yield
            return
        token = _compiled.set({})
        try:
            yield
        finally:
            _compiled.reset(token)

    @classmethod
    def _compile(cls, template):
        """(template, subject, body, model) of template read in the
        context's language, its subject and body compiled (None when
        empty), model the name of the model it renders"""
        key = (template.id, Transaction().context.get('language'))
        cache = _compiled.get()
        if cache is not None and key in cache:
            return cache[key]
        texts = _texts.get(key)
        if texts is None:
            # its texts and its model in one read (as attributes: a read
            # per text, then every field of the template for its model)
            values, = template.__class__.read(
                [template.id], ['subject', 'body', 'model'])
            texts = _texts.set(key, (values['subject'], values['body'],
                    Pool().get('ir.model')(values['model']).name))
        subject, body, model = texts
        result = (template.__class__(template.id),
            _template(subject) if subject else None,
            _template(body) if body else None,
            model)
        if cache is not None:
            cache[key] = result
        return result

    @classmethod
    def render(cls, kind, record, language=None):
        """Return (subject, body) of kind for record in language.

        Within a batch, a record read in that language is rendered as it
        is (with what its list has read); otherwise it is read again"""
        template = cls.template(kind)
        if template is None:
            logger.warning("no e-mail template for %s", kind)
            return None, None
        context = {}
        if language:
            context['language'] = language
        # within a batch a record's e-mail is rendered once per language
        # (the texts do not name their reader: a late task's coordinators
        # and department heads read the same)
        cache = _compiled.get()
        key = None
        if (cache is not None and isinstance(record, ModelStorage)
                and record.id is not None and record.id >= 0):
            key = ('render', template.id, record.__name__, record.id,
                language)
            if key in cache:
                return cache[key]
        with Transaction().set_context(**context), without_check_access():
            template, subject, body, model = cls._compile(template)
            Record = Pool().get(model)
            if not (_compiled.get() is not None
                    and isinstance(record, ModelStorage)
                    and record.__name__ == Record.__name__
                    and record._context.get('language')
                    == Transaction().context.get('language')):
                record = Record(int(record))
            # as ir.email.template's get
            record = ModelAccessProxy(record)
            values = []
            for text in [subject, body]:
                try:
                    values.append(text.generate(
                            **template.get_context(record)).render()
                        if text else None)
                except AccessError:
                    values.append(None)
        if key is not None:
            cache[key] = tuple(values)
        return tuple(values)

    @classmethod
    def values(cls, kind, record, to, language=None, complaint=None,
            cc=None):
        "The outbox values of kind rendered for record, or None"
        to = [a for a in to if cls._valid(a)]
        if not to:
            return
        subject, body = cls.render(kind, record, language)
        if subject is None:
            return
        return {
            'kind': kind,
            'complaint': complaint.id if complaint else None,
            'resource': str(record),
            'to': ', '.join(to),
            'cc': ', '.join(cc or []) or None,
            'subject': subject,
            'body': body,
            'language': language,
            }

    @classmethod
    def queue(cls, kind, record, to, language=None, complaint=None,
            cc=None):
        "Render kind for record and put it in the outbox for to"
        Email = Pool().get('klachten.email')
        values = cls.values(kind, record, to, language=language,
            complaint=complaint, cc=cc)
        if values:
            return Email.queue([values])
