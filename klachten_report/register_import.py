# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The import of an existing complaints register (.xlsx or .csv).

The coordinator uploads the register the municipality kept, maps its
columns to fields (saved per company), checks it (a dry run that writes
nothing and lists every bad row) and starts it: the rows are filed in
batches (batch_size), each batch one task of Tryton's queue in its own
transaction, the complaints in their final state with their dates and old
number, without acknowledgement, task or e-mail.  A row whose key (its
number, else its date, name and description) was imported before is
skipped: importing the same file twice files nothing new."""
import csv
import datetime as dt
import functools
import hashlib
import io
import itertools
import json
import re
import struct
import unicodedata
import zlib
from pathlib import Path

import polib
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from sql import Literal, Null, Union

from klachten_base.complaint import CHAR_MAX, TEXT_MAX
from klachten_base.sql_insert import insert_records, transaction_start
from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools.email_ import EmailNotValidError, validate_email
from trytond.transaction import Transaction, without_check_access

try:
    import phonenumbers
except ImportError:
    phonenumbers = None

# a batch of rows is a queued task in its own transaction and the form's
# progress bar moves a batch at a time: at most BATCH rows (a batch costs a
# transaction and a task), at least MIN_BATCH, about STEPS batches an import
BATCH = 500
MIN_BATCH = 100
STEPS = 5
LANGUAGES = ['en', 'nl', 'fr']
IMPORT_FIELDS = [
    (None, ""),
    ('number', "Number"),
    ('received_date', "Received On"),
    ('channel', "Channel"),
    ('track', "Track"),
    ('complainant_name', "Complainant's Name"),
    ('complainant_email', "Complainant's E-mail"),
    ('complainant_phone', "Complainant's Phone"),
    ('complainant_street', "Complainant's Street"),
    ('complainant_postal_code', "Complainant's Postal Code"),
    ('complainant_city', "Complainant's City"),
    ('short_description', "Short Description"),
    ('description', "Description"),
    ('subject', "Subject"),
    ('concerned_department', "Concerned Department"),
    ('handler_department', "Handling Department"),
    ('basis', "Basis"),
    ('admissibility', "Admissibility"),
    ('inadmissibility_grounds', "Inadmissibility Grounds"),
    ('outcome', "Outcome"),
    ('decision_date', "Decided On"),
    ('closing_date', "Closed On"),
    ('state', "State"),
    ('reply', "Reply to the Complainant"),
    ]
FIELD_KEYS = [k for k, _ in IMPORT_FIELDS if k]
SELECTIONS = ['channel', 'track', 'basis', 'admissibility', 'outcome',
    'state']
DATES = ['received_date', 'decision_date', 'closing_date']
STORED_DATES = DATES + ['registration_date']
# the records a row names, by model
REFERENCES = [
    ('klachten.department', ['concerned_department', 'handler_department']),
    ('klachten.subject', ['subject']),
    ('klachten.inadmissibility_ground', ['inadmissibility_grounds']),
    ]
FINAL_STATES = {'closed', 'cancelled'}
# the export's columns that are import fields too (round trip)
EXPORT_KEYS = ['number', 'received_date', 'decision_date', 'closing_date',
    'state', 'track', 'channel', 'concerned_department',
    'handler_department', 'basis', 'subject', 'short_description',
    'admissibility', 'inadmissibility_grounds', 'outcome']
EXCEL_EPOCH = dt.date(1899, 12, 30)


@functools.lru_cache(maxsize=1)
def shipped_translations():
    """{(msgctxt, msgid): [msgstr]} of the nl and fr translations shipped
    with klachten_base and klachten_report: an old register is in the
    municipality's language even where that language is not loaded"""
    root = Path(__file__).resolve().parents[1]
    translations = {}
    for module in ['klachten_base', 'klachten_report']:
        for language in ['nl', 'fr']:
            path = root / module / 'locale' / f'{language}.po'
            if not path.exists():
                continue
            for entry in polib.pofile(str(path)):
                if entry.msgstr:
                    translations.setdefault(
                        (entry.msgctxt, entry.msgid), []).append(entry.msgstr)
    return translations


def labels(context, msgid):
    "msgid and its shipped translations in the msgctxt context"
    return [msgid] + shipped_translations().get((context, msgid), [])


def fold(text):
    "text compared without case, accents and surrounding spaces"
    return _fold(str(text))


@functools.lru_cache(maxsize=4096)
def _fold(text):
    "fold of a str, once a distinct value (the names of a register repeat)"
    text = unicodedata.normalize('NFKD', text.strip())
    return ''.join(c for c in text if not unicodedata.combining(c)).casefold()


class RowError(Exception):
    def __init__(self, column, value, message):
        super().__init__(message)
        self.column = column
        self.value = value
        self.message = message


def read_rows(data, file_name, header_row=1, formulas=True):
    """(headers, iterator of (row number, cells)) of the first sheet of an
    .xlsx or of a .csv (';' or ',', utf-8 or cp1252).  A cell is a str,
    number, date(time), None or, with formulas, FORMULA for a formula
    without a value (without formulas such a cell is None: the file is
    read once instead of twice)."""
    data = bytes(data)
    if (file_name or '').lower().endswith('.csv') or not data.startswith(
            b'PK'):
        return _read_csv(data, header_row)
    workbook = open_workbook(data, data_only=True)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    if formulas and not _has_formulas(sheet):
        # a sheet without a formula is read once, not twice
        formulas = False
    if formulas:
        # a formula cell without its cached value reads as None with
        # data_only: the formulas are read too to tell them from empty cells
        formulas = open_workbook(data, data_only=False)
        formula_rows = formulas.worksheets[0].iter_rows(values_only=True)
    else:
        formula_rows = itertools.repeat(())
    headers = []
    for number in range(1, header_row + 1):
        headers = next(rows, ())
        next(formula_rows, None)
    headers = ['' if h is None else str(h).strip() for h in headers]

    def iterate():
        number = header_row
        for row, formula_row in zip(rows, formula_rows):
            number += 1
            if any(v is None and isinstance(f, str) and f.startswith('=')
                    for v, f in zip(row, formula_row)):
                row = [FORMULA if v is None and isinstance(f, str)
                    and f.startswith('=') else v
                    for v, f in zip(row, formula_row)]
            yield number, list(row)
        workbook.close()
        if formulas:
            formulas.close()
    return headers, iterate()


class _SheetOfUnknownSize(ReadOnlyWorksheet):
    """openpyxl's read-only sheet without its size: where the file does not
    give it (no <dimension>, as in openpyxl's write-only files, the register
    export's own) openpyxl parses the whole sheet once more only to find
    it; the import reads the rows to the end anyway (a row as long as its
    last cell, the missing rows still given as empty ones)"""

    def _get_size(self):
        pass


class _ReadOnlyReader(ExcelReader):
    "openpyxl's read-only reader, with sheets of unknown size"

    def read_worksheets(self):
        # openpyxl's read-only branch of ExcelReader.read_worksheets
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if 'chartsheet' in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _SheetOfUnknownSize(
                self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def open_workbook(data, data_only):
    """The read-only workbook of the .xlsx bytes, as openpyxl's
    load_workbook(read_only=True) opens it but without finding the size
    of its sheets"""
    reader = _ReadOnlyReader(io.BytesIO(data), read_only=True,
        data_only=data_only)
    reader.read()
    return reader.wb


FORMULA_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?f[\s/>]')


def _has_formulas(sheet):
    "Whether the read-only sheet's XML has a formula element"
    with sheet._get_source() as source:
        return FORMULA_TAG.search(source.read()) is not None


class _Formula:
    def __repr__(self):
        return 'FORMULA'


FORMULA = _Formula()


def _read_csv(data, header_row):
    try:
        text = data.decode('utf-8-sig')
    except UnicodeDecodeError:
        text = data.decode('cp1252')
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=';,')
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ';'
    reader = csv.reader(io.StringIO(text), dialect)
    headers = []
    for _ in range(header_row):
        headers = next(reader, [])
    headers = [h.strip() for h in headers]

    def iterate():
        for number, row in enumerate(reader, header_row + 1):
            yield number, [v if v.strip() else None for v in row]
    return headers, iterate()


class Lookups:
    "The names, codes and labels a row's cells are read with, read once"

    def __init__(self, company):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        Department = pool.get('klachten.department')
        Subject = pool.get('klachten.subject')
        Ground = pool.get('klachten.inadmissibility_ground')
        self.selections = {name: {} for name in SELECTIONS}
        self.departments, self.subjects, self.grounds = {}, {}, {}
        # an imported party: its address in the default country, if any
        Party = pool.get('party.party')
        Address = pool.get('party.address')
        country = Address.default_get(
            ['country'], with_rec_name=False).get('country')
        self.party_template = Party(addresses=[Address(country=country)]
            if country else [])
        for name in SELECTIONS:
            context = f'selection:klachten.complaint,{name}:'
            for key, label in Complaint._fields[name].selection:
                if key:
                    self.selections[name][fold(key)] = key
                    for text in labels(context, label):
                        self.selections[name][fold(text)] = key
        for language in LANGUAGES:
            with Transaction().set_context(language=language):
                with without_check_access():
                    for department in Department.search([]):
                        self.departments[fold(department.name)] = (
                            department.id)
                        if department.code:
                            self.departments[fold(department.code)] = (
                                department.id)
                    for subject in Subject.search([]):
                        self.subjects[fold(subject.name)] = subject.id
                    for ground in Ground.search([]):
                        self.grounds[fold(ground.name)] = ground.id
                        if ground.code:
                            self.grounds[fold(ground.code)] = ground.id


CHUNK = struct.Struct('>II')


def batch_size(total):
    "The rows of a batch of an import of total rows"
    return max(MIN_BATCH, min(BATCH, -(-(total or 0) // STEPS)))


def dump_batches(batches):
    """The bytes of the rows the dry run accepted, [(offset, [(row number,
    key, values, complainant)])]: a zlib-compressed JSON chunk a batch, each
    after its offset and length, so that a batch decodes its own chunk
    only"""
    chunks = []
    for offset, rows in batches:
        data = json.dumps([
                [number, key, {k: v.isoformat()
                        if k in STORED_DATES and v else v
                        for k, v in values.items()}, complainant]
                for number, key, values, complainant in rows],
            separators=(',', ':')).encode()
        data = zlib.compress(data, 1)
        chunks.append(CHUNK.pack(offset, len(data)) + data)
    return b''.join(chunks)


def load_batch(data, offset):
    """[(row number, key, values, complainant)] of the batch of offset in
    the bytes of dump_batches, or None if it is not there"""
    data = bytes(data or b'')
    position = 0
    while position + CHUNK.size <= len(data):
        chunk_offset, length = CHUNK.unpack_from(data, position)
        start = position + CHUNK.size
        position = start + length
        if position > len(data):
            return None
        if chunk_offset != offset:
            continue
        rows = []
        for number, key, values, complainant in json.loads(
                zlib.decompress(data[start:position])):
            for name in STORED_DATES:
                if values.get(name):
                    values[name] = dt.date.fromisoformat(values[name])
            rows.append((number, key, values, complainant))
        return rows
    return None


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    import_key = fields.Char("Import Key", readonly=True,
        help="The key of the row of the register it was imported from.")
    register_import = fields.Many2One(
        'klachten.register.import', "Register Import", readonly=True,
        ondelete='SET NULL')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('import_key_unique', Unique(t, t.company, t.import_key),
                'klachten_report.msg_import_key_unique'),
            ]

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('import_key', None)
        default.setdefault('register_import', None)
        return super().copy(complaints, default=default)

    @classmethod
    def _import_file(cls, company, rows, register_import):
        """File the parsed rows [(values, complainant)] of a register in
        their final state; return the ids of the complaints.  No
        acknowledgement, task or e-mail: they were handled before.

        The rows were checked by _parse_row as the ORM would check them:
        the parties with their e-mail, phone and address, their language
        (party.party klachten_insert_complainants) and the complaints are
        written in a few multi-row INSERTs a model (insert_records), not
        record by record."""
        pool = Pool()
        Party = pool.get('party.party')
        Grounds = pool.get(
            'klachten.complaint-klachten.inadmissibility_ground')
        # the rows' create_date: the transaction's start, read once
        now = transaction_start()
        with Transaction().set_context(company=company):
            new = [(i, c) for i, (_, c) in enumerate(rows) if c]
            party_ids = Party.klachten_insert_complainants(
                company, [c for _, c in new], now=now, checked=True)
            parties = {i: p for (i, _), p in zip(new, party_ids)}
            vlist, grounds = [], []
            for i, (values, _) in enumerate(rows):
                values = dict(values, company=company,
                    register_import=register_import)
                values['complainant'] = parties.get(i)
                values['anonymous'] = values['complainant'] is None
                grounds.append(values.pop('inadmissibility_grounds', None))
                vlist.append(values)
            ids, _ = insert_records(cls, vlist, now=now)
            insert_records(Grounds, [{'complaint': c, 'ground': g}
                    for c, gs in zip(ids, grounds) for g in gs or []],
                now=now)
        return ids


# the keys of a batch are looked up without a prepared statement: the
# statement is the same a batch, psycopg prepares it from its fifth run and
# PostgreSQL's generic plan of it compares every complaint of the company
# with each of the keys (about 0.1 s a batch at 10,000 complaints) where
# the plan for the keys given hashes them
NOT_PREPARED = {'postgresql': {'prepare': False}}


class RegisterImportMapping(ModelSQL, ModelView):
    __name__ = 'klachten.register.import.mapping'
    __string__ = "Register Import Mapping"

    company = fields.Many2One('company.company', "Company", required=True)
    name = fields.Char("Name", required=True)
    header_row = fields.Integer("Header Row", required=True,
        domain=[('header_row', '>=', 1)])
    date_format = fields.Char("Date Format", required=True,
        help="How dates typed as text are written, e.g. %d/%m/%Y.")
    lines = fields.One2Many('klachten.register.import.mapping.line',
        'mapping', "Columns")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_header_row():
        return 1

    @staticmethod
    def default_date_format():
        return '%d/%m/%Y'

    def columns(self):
        "{header (folded): field}"
        return {fold(line.column): line.field for line in self.lines
            if line.field}


class RegisterImportMappingLine(ModelSQL, ModelView):
    __name__ = 'klachten.register.import.mapping.line'
    __string__ = "Register Import Mapping Column"

    mapping = fields.Many2One('klachten.register.import.mapping', "Mapping",
        required=True, ondelete='CASCADE')
    column = fields.Char("Column", required=True,
        help="The header of the column in the file.")
    field = fields.Selection(IMPORT_FIELDS, "Field", sort=False)


class RegisterImport(Workflow, ModelSQL, ModelView):
    __name__ = 'klachten.register.import'
    __string__ = "Register Import"
    _rec_name = 'file_name'

    _states = {'readonly': ~Eval('state').in_(['draft', 'checked'])}
    company = fields.Many2One('company.company', "Company", required=True,
        states=_states)
    file = fields.Binary("File", filename='file_name', required=True,
        states=_states)
    file_name = fields.Char("File Name", states=_states)
    mapping = fields.Many2One('klachten.register.import.mapping', "Mapping",
        domain=[('company', '=', Eval('company', -1))], states=_states,
        help="Leave empty to use a saved mapping whose columns are in the "
        "file, or the register export's own columns.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('checked', "Checked"),
            ('queued', "Queued"),
            ('running', "Running"),
            ('done', "Done"),
            ('failed', "Failed"),
            ('cancelled', "Cancelled"),
            ], "State", readonly=True, required=True, sort=False)
    rows_total = fields.Integer("Rows", readonly=True)
    rows_done = fields.Integer("Rows Done", readonly=True)
    created = fields.Integer("Created", readonly=True)
    skipped = fields.Integer("Already Imported", readonly=True)
    failed = fields.Integer("Refused", readonly=True)
    retention_due = fields.Integer("Past Retention", readonly=True,
        help="Rows older than the retention period: they are anonymised "
        "or deleted at the next retention run.")
    progress = fields.Function(fields.Float("Progress"), 'get_progress')
    checked_rows = fields.Binary("Checked Rows", readonly=True,
        help="The rows the dry run accepted, as the batches import them.")
    errors = fields.One2Many(
        'klachten.register.import.error', 'register_import', "Errors",
        readonly=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'checked'),
            ('checked', 'checked'),
            ('checked', 'queued'),
            ('queued', 'running'),
            ('running', 'running'),
            ('running', 'done'),
            ('running', 'failed'),
            ('queued', 'cancelled'),
            ('running', 'cancelled'),
            ('checked', 'cancelled'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'check': {
                    'invisible': ~Eval('state').in_(['draft', 'checked']),
                    'depends': ['state'],
                    },
                'start': {
                    'invisible': Eval('state') != 'checked',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(
                        ['draft', 'checked', 'queued', 'running']),
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    def get_progress(self, name):
        if self.state == 'done':
            return 1.0
        if not self.rows_total:
            return 0.0
        return min((self.rows_done or 0) / self.rows_total, 1.0)

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for records, values in zip(actions, actions):
            if {'file', 'mapping'} & set(values):
                values = dict(values, state='draft', checked_rows=None)
            args.extend((records, values))
        super().write(*args)

    # Reading
    def _mapping(self, headers):
        "{column index: field} of the file's headers"
        folded = [fold(h) for h in headers]
        columns = self._default_columns()
        mapping = self.mapping or self._proposed_mapping(folded)
        if mapping:
            columns.update(mapping.columns())
        return {i: columns[h] for i, h in enumerate(folded)
            if h in columns}

    def _proposed_mapping(self, folded):
        "The latest saved mapping of the company whose columns are all there"
        Mapping = Pool().get('klachten.register.import.mapping')
        for mapping in Mapping.search([('company', '=', self.company.id)],
                order=[('id', 'DESC')]):
            columns = mapping.columns()
            if columns and set(columns) <= set(folded):
                return mapping

    @classmethod
    def _default_columns(cls):
        """{header: field} of the field names, their labels and the
        register export's headers in every language"""
        columns = {fold(k): k for k in FIELD_KEYS}
        for key in EXPORT_KEYS:
            name = f'msg_register_{key}'
            with Transaction().set_context(language='en'):
                english = gettext(f'klachten_report.{name}')
            for text in labels(f'model:ir.message,text:{name}', english):
                columns[fold(text)] = key
        context = 'selection:klachten.register.import.mapping.line,field:'
        for key, label in IMPORT_FIELDS:
            if key:
                for text in labels(context, label):
                    columns.setdefault(fold(text), key)
        return columns

    def _parse(self, start=0, stop=None, refused=None, headers_out=None):
        """Iterate over (row number, key, (values, complainant) or None,
        [RowError]) of the file's non-empty rows [start, stop).

        refused: the row numbers the dry run refused, left unread (the
        file is then read once, without its formulas)
        headers_out: a list the file's headers are put in"""
        header_row = self.mapping.header_row if self.mapping else 1
        date_format = (self.mapping.date_format if self.mapping
            else '%d/%m/%Y')
        headers, rows = read_rows(self.file, self.file_name, header_row,
            formulas=refused is None)
        if headers_out is not None:
            headers_out[:] = headers
        mapping = self._mapping(headers)
        lookups = Lookups(self.company)
        today = Pool().get('ir.date').today()
        index = -1
        for number, cells in rows:
            if all(c is None or (isinstance(c, str) and not c.strip())
                    for c in cells):
                continue
            index += 1
            if index < start:
                continue
            if stop is not None and index >= stop:
                break
            if refused and number in refused:
                yield number, None, None, [None]
                continue
            cells = {field: cells[i] for i, field in mapping.items()
                if i < len(cells)}
            errors = []
            try:
                values, complainant = self._parse_row(
                    cells, lookups, date_format, today, headers, mapping,
                    errors)
            except RowError as error:
                errors.append(error)
            if errors:
                yield number, None, None, errors
                continue
            yield number, values['import_key'], (values, complainant), []

    @classmethod
    def _parse_row(cls, cells, lookups, date_format, today, headers,
            mapping, errors):
        column_of = {f: headers[i] for i, f in mapping.items()}
        Complaint = Pool().get('klachten.complaint')

        def text(field):
            value = cells.get(field)
            if value is FORMULA:
                errors.append(RowError(column_of.get(field), '',
                        gettext('klachten_report.msg_import_formula')))
                return None
            if value is None:
                return None
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            value = str(value).strip()
            return value or None

        def date(field):
            value = cells.get(field)
            if value is FORMULA:
                return text(field)
            if value is None or (isinstance(value, str)
                    and not value.strip()):
                return None
            try:
                if isinstance(value, dt.datetime):
                    value = value.date()
                elif isinstance(value, dt.date):
                    pass
                elif isinstance(value, (int, float)):
                    value = EXCEL_EPOCH + dt.timedelta(days=int(value))
                else:
                    value = str(value).strip()
                    try:
                        value = dt.datetime.strptime(
                            value, date_format).date()
                    except ValueError:
                        value = dt.date.fromisoformat(value[:10])
                if not (dt.date(1900, 1, 1) <= value <= today):
                    raise ValueError
            except (ValueError, OverflowError):
                errors.append(RowError(column_of.get(field), value,
                        gettext('klachten_report.msg_import_date',
                            format=date_format)))
                return None
            return value

        def selection(field, default=None):
            value = text(field)
            if value is None:
                return default
            key = lookups.selections[field].get(fold(value))
            if key is None:
                errors.append(RowError(column_of.get(field), value,
                        gettext('klachten_report.msg_import_unknown_value')))
            return key

        def named(field, names):
            value = text(field)
            if value is None:
                return None
            id_ = names.get(fold(value))
            if id_ is None:
                errors.append(RowError(column_of.get(field), value,
                        gettext('klachten_report.msg_import_unknown_name')))
            return id_

        values = {
            'number': text('number'),
            'received_date': date('received_date'),
            'channel': selection('channel', 'letter'),
            'track': selection('track', 'formal'),
            'short_description': text('short_description'),
            'description': text('description'),
            'subject': named('subject', lookups.subjects),
            'concerned_department': named(
                'concerned_department', lookups.departments),
            'handler_department': named(
                'handler_department', lookups.departments),
            'basis': selection('basis'),
            'admissibility': selection('admissibility'),
            'outcome': selection('outcome'),
            'decision_date': date('decision_date'),
            'closing_date': date('closing_date'),
            'state': selection('state', 'closed'),
            'reply': text('reply'),
            }
        grounds = []
        for name in (text('inadmissibility_grounds') or '').split(';'):
            if name.strip():
                ground = lookups.grounds.get(fold(name))
                if ground is None:
                    errors.append(RowError(
                            column_of.get('inadmissibility_grounds'), name,
                            gettext(
                                'klachten_report.msg_import_unknown_name')))
                else:
                    grounds.append(ground)
        if grounds:
            values['inadmissibility_grounds'] = grounds
        if values['received_date'] is None and not any(
                e.column == column_of.get('received_date') for e in errors):
            errors.append(RowError(column_of.get('received_date', ''), '',
                    gettext('klachten_report.msg_import_required',
                        field='received_date')))
        if not values['short_description']:
            values['short_description'] = (
                (values['description'] or '')[:100] or None)
        if not values['short_description']:
            errors.append(RowError(column_of.get('short_description', ''),
                    '', gettext('klachten_report.msg_import_required',
                        field='short_description')))
        if values['state'] and values['state'] not in FINAL_STATES:
            errors.append(RowError(column_of.get('state'), text('state'),
                    gettext('klachten_report.msg_import_state')))
        received = values['received_date']
        for name in ['decision_date', 'closing_date']:
            if received and values[name] and values[name] < received:
                errors.append(RowError(column_of.get(name), values[name],
                        gettext('klachten_report.msg_import_before_received')))
        if values['state'] in FINAL_STATES and not values['closing_date']:
            values['closing_date'] = values['decision_date'] or received
        if values['state'] == 'closed' and not values['decision_date']:
            values['decision_date'] = values['closing_date']
        name = text('complainant_name')
        complainant = None
        if name:
            complainant = {
                'name': name,
                'email': text('complainant_email'),
                'phone': text('complainant_phone'),
                'street': text('complainant_street'),
                'postal_code': text('complainant_postal_code'),
                'city': text('complainant_city'),
                }
        if complainant:
            cls._check_complainant(complainant, lookups, column_of, errors)
        for name, value in values.items():
            field = Complaint._fields.get(name)
            if isinstance(value, str) and isinstance(
                    field, (fields.Char, fields.Text)):
                limit = (TEXT_MAX if isinstance(field, fields.Text)
                    else CHAR_MAX)
                if len(value) > limit:
                    errors.append(RowError(column_of.get(name), value,
                            gettext('klachten_base.msg_text_too_long',
                                field=field.string, max=limit,
                                length=len(value))))
        if values['number']:
            key = values['number']
        else:
            key = 'sha1:' + hashlib.sha1('|'.join([
                        str(received), name or '',
                        values['short_description'] or '']).encode()
                ).hexdigest()
        values['import_key'] = key
        values['registration_date'] = received
        return values, complainant

    @classmethod
    def _check_complainant(cls, complainant, lookups, column_of, errors):
        "Refuse what party.contact_mechanism would refuse, as a row error"
        Mechanism = Pool().get('party.contact_mechanism')
        name = complainant['name']
        for key, kind in [('email', 'email'), ('phone', 'phone')]:
            value = complainant.get(key)
            if not value:
                continue
            column = column_of.get(f'complainant_{key}')
            if kind == 'email':
                try:
                    validate_email(value)
                except EmailNotValidError:
                    errors.append(RowError(column, value, gettext(
                                'party.msg_email_invalid',
                                email=value, party=name)))
            elif phonenumbers:
                mechanism = Mechanism(type=kind, value=value)
                mechanism.party = lookups.party_template
                if not mechanism._parse_phonenumber(value):
                    errors.append(RowError(column, value, gettext(
                                'party.msg_invalid_phone_number',
                                phone=value, party=name)))
        if len(name) > CHAR_MAX:
            errors.append(RowError(column_of.get('complainant_name'),
                    name, gettext('klachten_base.msg_text_too_long',
                        field=name, max=CHAR_MAX, length=len(name))))

    def _existing_keys(self, keys):
        """The keys of keys imported before and ('number', key) of those
        used as the number of a complaint not imported"""
        Complaint = Pool().get('klachten.complaint')
        table = Complaint.__table__()
        cursor = Transaction().connection.cursor()
        found = set()
        keys = list(keys)
        for i in range(0, len(keys), 1000):
            sub = keys[i:i + 1000]
            # the keys imported and the numbers used, in one round trip
            cursor.execute(*Union(
                    table.select(table.import_key, Literal(0),
                        where=(table.company == self.company.id)
                        & table.import_key.in_(sub)),
                    table.select(table.number, Literal(1),
                        where=(table.company == self.company.id)
                        & (table.import_key == Null)
                        & table.number.in_(sub)),
                    all_=True), **NOT_PREPARED.get(backend.name, {}))
            found.update(('number', k) if number else k
                for k, number in cursor)
        return found

    # Buttons
    @classmethod
    @ModelView.button
    @Workflow.transition('checked')
    def check(cls, imports):
        "Read and validate every row; write nothing but the report"
        pool = Pool()
        Error = pool.get('klachten.register.import.error')
        Error.delete([e for i in imports for e in i.errors])
        to_create = []
        for imp in imports:
            total = failed = skipped = old = 0
            seen = set()
            parsed, headers = [], []
            for number, key, row, errors in imp._parse(headers_out=headers):
                total += 1
                if errors:
                    failed += 1
                    to_create.extend(imp._error(number, e) for e in errors)
                    continue
                parsed.append((number, key, row, total - 1))
            existing = imp._existing_keys(k for _, k, *_ in parsed)
            cut_off = imp._retention_cut_off()
            size = batch_size(total)
            batches = [(o, []) for o in range(0, total, size)]
            for number, key, (values, complainant), index in parsed:
                if ('number', key) in existing:
                    failed += 1
                    message = gettext('klachten_report.msg_import_number_used')
                    to_create.append(imp._error(number, RowError(
                                '', key, message)))
                elif key in existing:
                    skipped += 1
                elif key in seen:
                    failed += 1
                    to_create.append(imp._error(number, RowError(
                                '', key, gettext(
                                    'klachten_report.msg_import_duplicate'))))
                else:
                    seen.add(key)
                    if cut_off and values['closing_date'] <= cut_off:
                        old += 1
                    # a batch imports the rows the dry run accepted, without
                    # reading the file again
                    batches[index // size][1].append(
                        (number, key, values, complainant))
            if not imp.mapping:
                mapping = imp._proposed_mapping([fold(h) for h in headers])
                if mapping:
                    cls.write([imp], {'mapping': mapping.id})
            cls.write([imp], {
                    'rows_total': total,
                    'rows_done': 0,
                    'created': 0,
                    'skipped': skipped,
                    'failed': failed,
                    'retention_due': old,
                    'state': 'checked',
                    'checked_rows': dump_batches(batches),
                    })
        Error.create(to_create)

    def _error(self, row, error):
        value = error.value
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        return {
            'register_import': self.id,
            'row': row,
            'column': error.column or '',
            'value': str(value if value is not None else '')[:100],
            'message': error.message,
            }

    def _retention_cut_off(self):
        "The latest cut-off of the company's retention rules, or None"
        Rule = Pool().get('klachten.retention.rule')
        today = Pool().get('ir.date').today()
        with without_check_access():
            rules = Rule.search([('company', '=', self.company.id)])
        return max((r.cut_off(today) for r in rules), default=None)

    @classmethod
    @ModelView.button
    @Workflow.transition('queued')
    def start(cls, imports):
        cls.write(list(imports), {'rows_done': 0, 'created': 0})
        for imp in imports:
            cls.__queue__.run_batch(imp, 0)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, imports):
        cls.write(list(imports), {'checked_rows': None})

    def _still_valid(self, stored):
        """The rows of stored [(row number, key, values, complainant)] whose
        departments, subject and grounds are still there, as [(key,
        (values, complainant))], and the import's errors of the others: a
        row whose name is gone since the dry run is not imported, and says
        so"""
        pool = Pool()
        cursor = Transaction().connection.cursor()
        gone = set()
        for model, names in REFERENCES:
            ids = set()
            for _, _, values, _ in stored:
                for name in names:
                    value = values.get(name)
                    if isinstance(value, list):
                        ids.update(value)
                    elif value:
                        ids.add(value)
            if not ids:
                continue
            table = pool.get(model).__table__()
            cursor.execute(*table.select(table.id,
                    where=table.id.in_(list(ids))))
            gone |= {(model, i) for i in ids - {i for i, in cursor}}
        batch, errors = [], []
        columns = ({line.field: line.column for line in self.mapping.lines}
            if gone and self.mapping else {})
        for number, key, values, complainant in stored:
            missing = [name for model, names in REFERENCES for name in names
                for id_ in (values.get(name)
                    if isinstance(values.get(name), list)
                    else [values.get(name)])
                if (model, id_) in gone]
            if missing:
                message = gettext('klachten_report.msg_import_unknown_name')
                errors.extend(self._error(number, RowError(
                            columns.get(name, name), '', message))
                    for name in missing)
            else:
                batch.append((key, (values, complainant)))
        return batch, errors

    @classmethod
    def run_batch(cls, imp, offset):
        """Import the batch of the file's non-empty rows that starts at
        offset, then queue the next batch"""
        if isinstance(imp, (list, tuple)):
            imp, = imp
        if imp.state not in {'queued', 'running'}:
            return
        if imp.state == 'queued':
            cls.write([imp], {'state': 'running'})
        end = offset + batch_size(imp.rows_total)
        stored = load_batch(imp.checked_rows, offset)
        if stored is not None:
            batch, errors = imp._still_valid(stored)
            if errors:
                Pool().get('klachten.register.import.error').create(errors)
        else:
            # checked before the dry run kept its rows: read them again
            refused = {e.row for e in imp.errors}
            batch = [(key, row)
                for _, key, row, errors in imp._parse(offset, end, refused)
                if not errors]
        more = end < (imp.rows_total or 0)
        existing = imp._existing_keys(k for k, _ in batch)
        rows, seen = [], set()
        for key, row in batch:
            if key in existing or ('number', key) in existing or key in seen:
                continue
            seen.add(key)
            rows.append(row)
        Complaint = Pool().get('klachten.complaint')
        with without_check_access():
            if rows:
                Complaint._import_file(imp.company.id, rows, imp.id)
        done = min(end, imp.rows_total or end)
        values = {
            'rows_done': done,
            'created': (imp.created or 0) + len(rows),
            }
        if not more:
            values['state'] = 'done'
            values['rows_done'] = imp.rows_total or done
            values['checked_rows'] = None
        cls.write([imp], values)
        if more:
            cls.__queue__.run_batch(imp, end)


class RegisterImportError(ModelSQL, ModelView):
    __name__ = 'klachten.register.import.error'
    __string__ = "Register Import Error"

    register_import = fields.Many2One('klachten.register.import', "Import",
        required=True, ondelete='CASCADE')
    row = fields.Integer("Row", readonly=True)
    column = fields.Char("Column", readonly=True)
    value = fields.Char("Value", readonly=True)
    message = fields.Char("Message", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('row', 'ASC'), ('id', 'ASC')]
