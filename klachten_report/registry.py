# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The complaints register in Excel (klachtenregister).

The rows are read with one SQL query over the complaints the user may see
(the search applies the access rules) and written as they come with
openpyxl's write-only mode: memory does not grow with the number of
complaints, only the finished file is held.  On PostgreSQL a thread reads
the next batch of rows while this one is written (prefetched()).  Text
typed by people is always written as text: a cell never becomes a
formula."""
import datetime as dt
import io
import queue
import threading
from collections import Counter, defaultdict
from contextlib import closing

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sql.operators import Any

from trytond import backend
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateView, Wizard

from .render import clean

BATCH = 2000
# A cell starting with one of these is a formula (or a DDE trick) for a
# spreadsheet; tab and newline are control characters kept by clean().
RISKY = frozenset('=+-@\t\r\n')

# (key, SQL column or None, width)
COLUMNS = [
    ('number', 'number', 16),
    ('received_date', 'received_date', 12),
    ('acknowledged_on', 'acknowledged_on', 12),
    ('decision_date', 'decision_date', 12),
    ('closing_date', 'closing_date', 12),
    ('state', 'state', 14),
    ('track', 'track', 10),
    ('channel', 'channel', 12),
    ('concerned_department', 'concerned_department', 20),
    ('handler_department', 'handler_department', 20),
    ('basis', 'basis', 14),
    ('subject', 'subject', 20),
    ('short_description', 'short_description', 40),
    ('admissibility', 'admissibility', 14),
    ('inadmissibility_grounds', None, 30),
    ('redirected_as', 'redirected_as', 14),
    ('outcome', 'outcome', 18),
    ('remedies', None, 24),
    ('days_taken', None, 10),
    ('within_term', None, 10),
    ('handler', 'handler_user', 20),
    ('extension_count', 'extension_count', 10),
    ('suspended_days', 'suspended_days', 10),
    ]
# the columns read, in the order _rows unpacks them
SQL_COLUMNS = ['id', 'answer_due', 'handler_role', 'number', 'received_date',
    'acknowledged_on', 'decision_date', 'closing_date', 'state', 'track',
    'channel', 'concerned_department', 'handler_department', 'basis',
    'subject', 'short_description', 'admissibility', 'outcome',
    'handler_user', 'extension_count', 'suspended_days', 'redirected_as']
SELECTIONS = ['state', 'track', 'channel', 'basis', 'admissibility',
    'outcome', 'redirected_as']
TOTALS = ['state', 'channel', 'basis', 'admissibility', 'outcome',
    'within_term']
COLUMN = {key: i for i, (key, _, _) in enumerate(COLUMNS)}
# the columns of text typed by citizens: quote-prefixed even when harmless,
# so that what someone types there in Excel later stays text too
CITIZEN_TEXT = ['short_description']


def text_cell(worksheet, value):
    """A cell of value that a spreadsheet shows as typed, never computes,
    also once someone edits it (the quote prefix style)"""
    cell = WriteOnlyCell(worksheet, value=value)
    cell.data_type = 's'
    cell.quotePrefix = True
    return cell


def safe(worksheet, value):
    """value as a cell value: risky text forced to text.  Text must be
    clean() already: _rows cleans what people typed, _labels the names."""
    if value.__class__ is str and value and value[0] in RISKY:
        return text_cell(worksheet, value)
    return value


def write_workbook(headers, rows, totals_title, totals, widths=None,
        text_columns=()):
    """Return the .xlsx bytes of the register.

    rows is an iterable of lists of values (str, int, date, None); totals
    a callable that returns the rows of the second sheet once rows is
    consumed; the cells of text_columns are always text."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(headers[0])
    bold = Font(bold=True)
    header_cells = []
    for header in headers[1]:
        cell = WriteOnlyCell(sheet, value=clean(header))
        cell.font = bold
        header_cells.append(cell)
    for i, width in enumerate(widths or [], 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = 'B2'
    sheet.append(header_cells)
    count = 0
    text = set(text_columns)
    for row in rows:
        sheet.append([
                text_cell(sheet, v) if i in text and v.__class__ is str
                else safe(sheet, v) for i, v in enumerate(row)])
        count += 1
    last = get_column_letter(len(headers[1]))
    sheet.auto_filter.ref = f'A1:{last}{count + 1}'

    summary = workbook.create_sheet(totals_title)
    summary.column_dimensions['A'].width = 40
    summary.column_dimensions['B'].width = 12
    for row in totals():
        if len(row) == 1:
            cell = WriteOnlyCell(summary, value=clean(row[0]))
            cell.font = bold
            summary.append([cell])
        else:
            summary.append([safe(summary, v) for v in row])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class ComplaintRegister(Report):
    "The complaints register (.xlsx) of the given or searched complaints"
    __name__ = 'klachten.complaint.register'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        Date = pool.get('ir.date')
        action_id = data.get('action_id')
        if action_id is None:
            # a user without the register's groups does not find its action:
            # check_access then refuses them with a clear access error
            with without_check_access():
                action, = ActionReport.search([
                        ('report_name', '=', cls.__name__),
                        ], limit=1)
        else:
            action = ActionReport(action_id)
        ids = list(map(int, ids or []))
        cls.check_access(action, 'klachten.complaint', ids)
        domain = data.get('domain')
        if domain is None:
            domain = [('id', 'in', ids)]
        content = cls.render_register(domain)
        name = f'{action.name}-{Date.today().isoformat()}'
        return ('xlsx', content, False, name)

    @classmethod
    def render_register(cls, domain):
        "Return the .xlsx bytes of the complaints that match domain"
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        # the register lists registered complaints: drafts have no number
        query = Complaint.search(
            [domain, ('state', '!=', 'draft')], order=[], query=True)
        labels = cls._labels()
        counters = defaultdict(Counter)
        days = [0, 0]  # sum, count: memory stays flat
        positions = [(key, COLUMN[key]) for key in TOTALS]
        days_taken = COLUMN['days_taken']

        def rows():
            register = cls._rows(query, labels)
            try:
                for row in register:
                    for key, i in positions:
                        counters[key][row[i]] += 1
                    if row[days_taken] is not None:
                        days[0] += row[days_taken]
                        days[1] += 1
                    yield row
            finally:
                # also when writing fails: the reading stops at once
                register.close()

        def totals():
            total = sum(counters['state'].values())
            yield [gettext('klachten_report.msg_register_total'), total]
            for key in TOTALS:
                yield [labels['headers'][key]]
                for value, count in sorted(counters[key].items(),
                        key=lambda i: (-i[1], i[0] or '')):
                    yield [value or gettext(
                            'klachten_report.msg_register_empty'), count]
            yield [gettext('klachten_report.msg_register_average_days')]
            yield [gettext('klachten_report.msg_register_decided'), days[1]]
            yield [gettext('klachten_report.msg_register_average'),
                round(days[0] / days[1], 1) if days[1] else None]

        headers = [labels['headers'][k] for k, _, _ in COLUMNS]
        with closing(rows()) as register_rows:
            return write_workbook(
                (gettext('klachten_report.msg_register_sheet'), headers),
                register_rows,
                gettext('klachten_report.msg_register_totals'), totals,
                widths=[w for _, _, w in COLUMNS],
                text_columns=[COLUMN[k] for k in CITIZEN_TEXT])

    @classmethod
    def _labels(cls):
        "Translated headers, selection labels and names, read once"
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        Subject = pool.get('klachten.subject')
        Department = pool.get('klachten.department')
        Role = pool.get('klachten.role')
        User = pool.get('res.user')
        Ground = pool.get('klachten.inadmissibility_ground')
        Remedy = pool.get('klachten.remedy')
        definitions = Complaint.fields_get(SELECTIONS)
        labels = {
            'headers': {k: gettext(f'klachten_report.msg_register_{k}')
                for k, _, _ in COLUMNS},
            'yes': gettext('klachten_report.msg_register_yes'),
            'no': gettext('klachten_report.msg_register_no'),
            }
        for name in SELECTIONS:
            labels[name] = {k: clean(v)
                for k, v in definitions[name]['selection'] if k}
        with Transaction().set_context(active_test=False):
            for key, Model in [
                    ('subject', Subject), ('department', Department),
                    ('role', Role), ('user', User), ('ground', Ground),
                    ('remedy', Remedy)]:
                # in the model's order, as the client lists them
                labels[key] = {
                    r.id: clean(r.rec_name) for r in Model.search([])}
        return labels

    @classmethod
    def _cursor(cls):
        "A cursor that streams rows (server side on PostgreSQL)"
        connection = Transaction().connection
        if backend.name == 'postgresql':
            return connection.cursor(name='klachten_register')
        return connection.cursor()

    @classmethod
    def _rows(cls, query, labels):
        "Yield the register's row of each complaint, in COLUMNS order"
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        table = Complaint.__table__()
        select = table.select(
            *[getattr(table, c) for c in SQL_COLUMNS],
            where=table.id.in_(query),
            order_by=[table.id.asc])
        relations = [
            (pool.get(relation).__table__(), target, labels[target])
            for relation, target in [
                ('klachten.complaint-klachten.inadmissibility_ground',
                    'ground'),
                ('klachten.complaint-klachten.remedy', 'remedy')]]
        batches = _batches(
            Transaction().connection, cls._cursor(), select, relations)
        if backend.name == 'postgresql':
            # PostgreSQL finds and sends the next batch while this one is
            # written: psycopg leaves the GIL to openpyxl while it waits
            batches = prefetched(batches)
        today = pool.get('ir.date').today()
        subjects, departments = labels['subject'], labels['department']
        users, roles = labels['user'], labels['role']
        states, tracks, channels = (
            labels['state'], labels['track'], labels['channel'])
        bases, admissibilities, outcomes = (
            labels['basis'], labels['admissibility'], labels['outcome'])
        redirections = labels['redirected_as']
        yes, no = labels['yes'], labels['no']
        try:
            for batch, grounds, remedies in batches:
                for (id_, answer_due, role, number, received, acknowledged,
                        decided, closed, state, track, channel, concerned,
                        handling, basis, subject, description, admissibility,
                        outcome, handler, extensions, suspended,
                        redirected) in batch:
                    if isinstance(received, str):
                        # SQLite gives dates as text
                        (answer_due, received, acknowledged, decided,
                            closed) = map(_date, (answer_due, received,
                                acknowledged, decided, closed))
                    if decided and answer_due:
                        within = yes if decided <= answer_due else no
                    elif answer_due and answer_due < today:
                        within = no
                    else:
                        within = None
                    yield [
                        _text(number), received, acknowledged, decided,
                        closed,
                        states.get(state), tracks.get(track),
                        channels.get(channel), departments.get(concerned),
                        departments.get(handling), bases.get(basis),
                        subjects.get(subject), _text(description),
                        admissibilities.get(admissibility),
                        grounds.get(id_),
                        redirections.get(redirected),
                        outcomes.get(outcome),
                        remedies.get(id_),
                        (decided - received).days
                        if decided and received else None,
                        within,
                        users.get(handler) or roles.get(role),
                        extensions or 0,
                        suspended or 0,
                        ]
        finally:
            # on PostgreSQL: stops the reading thread, which closes the
            # cursor, before the transaction's connection is used again
            batches.close()


def _batches(connection, cursor, select, relations):
    """Yield (rows, {complaint id: 'ground; ground'}, {id: 'remedy; ...'})
    a BATCH of complaints at a time.

    It uses only the connection and cursor given, never Transaction() or
    Pool(): prefetched() runs it in another thread."""
    orders = [{r: i for i, r in enumerate(names)}
        for _, _, names in relations]
    try:
        cursor.execute(*select)
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                break
            ids = [r[0] for r in batch]
            yield (batch, *(
                    _many2many(connection, table, target, ids, names, order)
                    for (table, target, names), order in zip(
                        relations, orders)))
    finally:
        cursor.close()


def _many2many(connection, table, target, ids, names, order):
    "{complaint id: 'name; name'} of the relation table for the ids"
    cursor = connection.cursor()
    result = defaultdict(list)
    if backend.name == 'postgresql':
        # one array parameter: not 2,000 placeholders to parse and plan
        where = table.complaint == Any(ids)
    else:
        where = table.complaint.in_(ids)
    try:
        cursor.execute(*table.select(
                table.complaint, getattr(table, target), where=where))
        for complaint, record in cursor:
            result[complaint].append(record)
    finally:
        cursor.close()
    return {c: '; '.join(names.get(r, str(r))
            for r in sorted(records, key=lambda r: order.get(r, -1)))
        for c, records in result.items()}


def prefetched(iterator):
    """Yield the items of iterator, the next one read in a thread while the
    caller works on this one: at most two items exist at a time.

    While this generator is open, only its thread advances iterator (so
    iterator must not use the thread-local Transaction()); closing this
    generator stops the thread and closes iterator in it before it
    returns.  An exception in iterator is raised here, in the caller."""
    requests = queue.SimpleQueue()  # True: read the next item; False: stop
    results = queue.SimpleQueue()  # (item, None) or (_END, exception)

    def read():
        try:
            while requests.get():
                try:
                    item = next(iterator)
                except StopIteration:
                    results.put((_END, None))
                    return
                results.put((item, None))
        except BaseException as exception:
            results.put((_END, exception))
        finally:
            try:
                iterator.close()
            except BaseException as exception:
                results.put((_END, exception))

    thread = threading.Thread(target=read, name='klachten-register-read',
        daemon=True)
    requests.put(True)
    thread.start()
    try:
        while True:
            item, exception = results.get()
            if exception is not None:
                raise exception
            if item is _END:
                break
            requests.put(True)
            yield item
    finally:
        requests.put(False)
        thread.join()
        # an error closing iterator early (the caller stopped) is not lost
        while not results.empty():
            item, exception = results.get()
            if exception is not None:
                raise exception


_END = object()


def _text(value):
    "Typed text as a cell can hold it; None stays None"
    return clean(value) if value else value


def _date(value):
    "SQLite returns dates as text"
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


class RegisterExportStart(ModelView):
    __name__ = 'klachten.complaint.register.start'
    __string__ = "Export Complaints Register"

    scope = fields.Selection([
            ('records', "The Records in the List"),
            ('filters', "All Complaints Matching the Filters"),
            ], "Complaints", required=True,
        help="The records the action was started on, or every complaint "
        "you may see that matches the filters below.")
    record_count = fields.Integer("Records", readonly=True)
    from_date = fields.Date("Received From",
        states={'invisible': Eval('scope') != 'filters'})
    to_date = fields.Date("Received To",
        states={'invisible': Eval('scope') != 'filters'})
    states = fields.MultiSelection(
        'get_states', "States",
        states={'invisible': Eval('scope') != 'filters'},
        help="Leave empty for every state.")
    department = fields.Many2One(
        'klachten.department', "Department",
        states={'invisible': Eval('scope') != 'filters'},
        help="Handled by or about this department.")

    @classmethod
    def get_states(cls):
        Complaint = Pool().get('klachten.complaint')
        return Complaint.fields_get(['state'])['state']['selection']


class RegisterExport(Wizard):
    "Export the complaints register"
    __name__ = 'klachten.complaint.register.export'
    start = StateView('klachten.complaint.register.start',
        'klachten_report.register_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-print', default=True),
            ])
    export = StateReport('klachten.complaint.register')

    def default_start(self, fields):
        ids = self.records_ids()
        return {
            'scope': 'records' if ids else 'filters',
            'record_count': len(ids),
            }

    def records_ids(self):
        context = Transaction().context
        if context.get('active_model') != 'klachten.complaint':
            return []
        return [i for i in context.get('active_ids') or [] if i >= 0]

    def domain(self):
        start = self.start
        if start.scope == 'records':
            return [('id', 'in', self.records_ids())]
        domain = []
        if start.from_date:
            domain.append(('received_date', '>=', start.from_date))
        if start.to_date:
            domain.append(('received_date', '<=', start.to_date))
        if start.states:
            domain.append(('state', 'in', list(start.states)))
        if start.department:
            domain.append(['OR',
                    ('handler_department', '=', start.department.id),
                    ('concerned_department', '=', start.department.id),
                    ])
        department = Transaction().context.get('department')
        if department:
            # the department filter of the complaints list
            domain.append(['OR',
                    ('handler_department', '=', department),
                    ('concerned_department', '=', department),
                    ])
        return domain

    def do_export(self, action):
        return action, {'domain': self.domain()}
