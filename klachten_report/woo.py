# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Woo export (Wet open overheid art. 3.3a): an anonymised overview
of the complaint judgements of a period, as a spreadsheet to publish.

One row per complaint decided in the period: its number, the date it was
received, its subject and department (the municipality's own categories),
the outcome, the norms it touched, whether it was resolved and the lead
time.  Nothing that names or describes a person is read: no complainant,
handler, address, e-mail or text typed by the complainant (not even the
short description).  The rows are read with SQL and written as they come
(openpyxl write-only)."""
import datetime as dt
from collections import Counter

from sql import Null

from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.report import Report
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateReport, StateView, Wizard

from .registry import write_workbook
from .render import clean
from .yearly import DECIDED_STATES, days_between

BATCH = 2000


def _date(value):
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


class WooExport(Report):
    "The anonymised overview of the complaint judgements of a period"
    __name__ = 'klachten.woo.export'

    @classmethod
    def execute(cls, ids, data):
        pool = Pool()
        ActionReport = pool.get('ir.action.report')
        with without_check_access():
            action, = ActionReport.search([
                    ('report_name', '=', cls.__name__),
                    ], limit=1)
        # refuses a user outside the groups of the action (coordinators
        # and the complaints administrator)
        cls.check_access(action, None, [])
        start, end = data['period_start'], data['period_end']
        if isinstance(start, str):
            start, end = map(dt.date.fromisoformat, (start, end))
        # the user's current company: never one named in data
        company = Transaction().context.get('company')
        content = cls.render_export(company, start, end)
        name = f'{action.name}-{start.isoformat()}-{end.isoformat()}'
        return ('xlsx', content, False, name)

    @classmethod
    def render_export(cls, company, start, end):
        labels = cls._labels()
        outcomes = Counter()

        def rows():
            for row in cls._rows(company, start, end, labels):
                outcomes[row[4]] += 1
                yield row

        def totals():
            yield [gettext('klachten_report.msg_woo_period'),
                f'{start.isoformat()} – {end.isoformat()}']
            yield [gettext('klachten_report.msg_register_total'),
                sum(outcomes.values())]
            yield [labels['headers'][4]]
            for outcome, count in sorted(outcomes.items(),
                    key=lambda i: (-i[1], i[0] or '')):
                yield [outcome or '', count]
        return write_workbook(
            (gettext('klachten_report.msg_woo_sheet'), labels['headers']),
            rows(), gettext('klachten_report.msg_register_totals'), totals,
            widths=[16, 12, 24, 24, 24, 30, 14, 10])

    @classmethod
    def _labels(cls):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        names = ['number', 'received_date', 'subject', 'concerned_department',
            'outcome', 'norms', 'resolved', 'admissibility']
        definitions = Complaint.fields_get(names + ['resolution'])

        def string(name):
            return clean(definitions[name]['string'])

        def selection(name):
            return {k: clean(v) for k, v in definitions[name]['selection']
                if k}
        labels = {
            'headers': [string(n) for n in names[:7]] + [
                gettext('klachten_report.msg_register_days_taken')],
            'outcome': selection('outcome'),
            'resolved': selection('resolved'),
            'inadmissible': selection('admissibility')['inadmissible'],
            'resolution': string('resolution'),
            }
        with Transaction().set_context(active_test=False), \
                without_check_access():
            for key, model in [
                    ('subject', 'klachten.subject'),
                    ('department', 'klachten.department'),
                    ('norm', 'klachten.norm')]:
                Model = pool.get(model)
                labels[key] = {r.id: clean(
                        f'{r.code} {r.name}' if getattr(r, 'code', None)
                        and key == 'norm' else r.name)
                    for r in Model.search([])}
        return labels

    @classmethod
    def _rows(cls, company, start, end, labels):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        t = Complaint.__table__()
        columns = [t.id, t.number, t.received_date, t.subject,
            t.concerned_department, t.handler_department, t.admissibility,
            t.outcome, t.resolution != Null, t.resolved,
            days_between(t.received_date, t.decision_date)]
        cursor = Transaction().connection.cursor()
        cursor.execute(*t.select(*columns,
                where=(t.company == company)
                & t.state.in_(list(DECIDED_STATES))
                & (t.decision_date >= start) & (t.decision_date <= end),
                order_by=[t.decision_date.asc, t.id.asc]))
        while True:
            batch = cursor.fetchmany(BATCH)
            if not batch:
                break
            norms = cls._norms([r[0] for r in batch], labels['norm'])
            for row in batch:
                yield cls._row(row, norms, labels)

    @classmethod
    def _row(cls, row, norms, labels):
        (id_, number, received, subject, concerned, handling,
            admissibility, outcome, on_the_spot, resolved, days) = row
        if admissibility == 'inadmissible':
            outcome = labels['inadmissible']
        elif outcome:
            outcome = labels['outcome'].get(outcome, outcome)
        elif on_the_spot:
            outcome = labels['resolution']
        departments = labels['department']
        return [
            clean(number or ''), _date(received),
            labels['subject'].get(subject),
            departments.get(concerned) or departments.get(handling),
            outcome or None, norms.get(id_),
            labels['resolved'].get(resolved),
            int(days) if days is not None else None,
            ]

    @classmethod
    def _norms(cls, ids, names):
        "{complaint id: 'code name; code name'}"
        table = Pool().get('klachten.complaint-klachten.norm').__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(table.complaint, table.norm,
                where=table.complaint.in_(ids)))
        result = {}
        for complaint, norm in cursor:
            result.setdefault(complaint, []).append(names.get(norm, ''))
        return {c: '; '.join(sorted(n)) for c, n in result.items()}


class WooExportStart(ModelView):
    __name__ = 'klachten.woo.export.start'
    __string__ = "Woo Export"

    period_start = fields.Date("Decided From", required=True)
    period_end = fields.Date("Decided To", required=True,
        domain=[('period_end', '>=', Eval('period_start', None))])

    @classmethod
    def default_period_start(cls):
        today = Pool().get('ir.date').today()
        return today.replace(year=today.year - 1, month=1, day=1)

    @classmethod
    def default_period_end(cls):
        today = Pool().get('ir.date').today()
        return today.replace(year=today.year - 1, month=12, day=31)


class WooExportWizard(Wizard):
    "Woo Export"
    __name__ = 'klachten.woo.export.wizard'
    start = StateView('klachten.woo.export.start',
        'klachten_report.woo_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-print', default=True),
            ])
    export = StateReport('klachten.woo.export')

    def do_export(self, action):
        return action, {
            'period_start': self.start.period_start.isoformat(),
            'period_end': self.start.period_end.isoformat(),
            }
