# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The yearly report on the complaints of a period, for the council
(Decreet Lokaal Bestuur art. 302-303) or for publication (Awb 9:12a): a
Word document made from a replaceable template, with its charts, and its
PDF.

The counts come from yearly.compute() (SQL aggregates); here they become
text: small counts suppressed, labels in the report's language, numbers
formatted, charts drawn with matplotlib.  No name, address or text typed
by a complainant reaches the report: only counts and the labels of
categories (channels, departments, grounds, norms)."""
import io
import logging

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from klachten_base.lang import babel_locale
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateAction, StateView, Wizard

from . import convert, render
from .document import LANGUAGES, language_of, slug
from .exceptions import TemplateError
from .yearly import compute

logger = logging.getLogger(__name__)
KIND = 'yearly_report'
VARIANTS = [
    ('flemish', "Flemish (Decreet Lokaal Bestuur)"),
    ('dutch', "Dutch (Awb)"),
    ]
SMALL = 3
SUPPRESSED = '< 3'
SECONDARY = '*'
DASH = '–'
CHART_WIDTH_MM = 150


def suppress(counts):
    """The counts of a breakdown as text: 1 and 2 as '< 3'; when exactly
    one count of the breakdown is suppressed, the smallest other non-zero
    count too ('*'), so that the suppressed one cannot be worked out from
    the total shown"""
    texts = [SUPPRESSED if 0 < (n or 0) < SMALL else str(n or 0)
        for n in counts]
    if texts.count(SUPPRESSED) == 1:
        others = [(n, i) for i, n in enumerate(counts)
            if texts[i] != SUPPRESSED and n]
        if others:
            texts[min(others)[1]] = SECONDARY
    return texts


def shown(count):
    "A count on its own (a total): exact"
    return str(count or 0)


class DocumentTemplate(metaclass=PoolMeta):
    __name__ = 'klachten.document.template'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # a copy: the letters' Document.kind keeps its own list
        selection = list(cls.kind.selection)
        if (KIND, "Yearly Report") not in selection:
            selection.append((KIND, "Yearly Report"))
        cls.kind.selection = selection


class YearlyReport(Workflow, ModelSQL, ModelView):
    __name__ = 'klachten.yearly.report'
    __string__ = "Yearly Report"
    _rec_name = 'name'

    company = fields.Many2One('company.company', "Company", required=True,
        states={'readonly': Eval('state') != 'draft'})
    period_start = fields.Date("Period Start", required=True,
        states={'readonly': Eval('state') != 'draft'})
    period_end = fields.Date("Period End", required=True,
        domain=[('period_end', '>=', Eval('period_start', None))],
        states={'readonly': Eval('state') != 'draft'})
    variant = fields.Selection(VARIANTS, "Variant", required=True,
        states={'readonly': Eval('state') != 'draft'},
        help="The legal frame and words of the report.")
    language = fields.Selection(LANGUAGES, "Language", required=True,
        states={'readonly': Eval('state') != 'draft'})
    state = fields.Selection([
            ('draft', "Draft"),
            ('made', "Made"),
            ], "State", required=True, readonly=True, sort=False)
    name = fields.Char("Name", readonly=True)
    made_on = fields.Date("Made On", readonly=True)
    docx = fields.Many2One(
        'ir.attachment', "Word Document", readonly=True, ondelete='RESTRICT')
    pdf = fields.Many2One(
        'ir.attachment', "PDF", readonly=True, ondelete='RESTRICT')
    docx_file = fields.Function(
        fields.Binary("Word File", filename='docx_name'), 'get_file')
    docx_name = fields.Function(fields.Char("Word File Name"), 'get_file')
    pdf_file = fields.Function(
        fields.Binary("PDF File", filename='pdf_name'), 'get_file')
    pdf_name = fields.Function(fields.Char("PDF File Name"), 'get_file')
    pdf_error = fields.Text("PDF Error", readonly=True,
        states={'invisible': ~Eval('pdf_error')})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('period_end', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'made'),
            ('made', 'draft'),
            }
        cls._buttons.update({
                'make': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'made',
                    'depends': ['state'],
                    },
                'make_pdf': {
                    'invisible': Bool(Eval('pdf')) | ~Eval('docx'),
                    'depends': ['pdf', 'docx'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @classmethod
    def default_period_start(cls):
        today = Pool().get('ir.date').today()
        return today.replace(year=today.year - 1, month=1, day=1)

    @classmethod
    def default_period_end(cls):
        today = Pool().get('ir.date').today()
        return today.replace(year=today.year - 1, month=12, day=31)

    @classmethod
    def default_variant(cls):
        Configuration = Pool().get('klachten.configuration')
        config = Configuration(1)
        if getattr(config, 'norm_set', None) == 'behoorlijkheid':
            return 'dutch'
        if config.holiday_country == 'NL':
            return 'dutch'
        return 'flemish'

    @classmethod
    def default_language(cls):
        Company = Pool().get('company.company')
        company = cls.default_company()
        lang = Company(company).party.lang if company else None
        return language_of(lang.code if lang
            else Transaction().language)

    @classmethod
    def validate_fields(cls, reports, field_names):
        super().validate_fields(reports, field_names)
        for report in reports:
            if report.period_end < report.period_start:
                raise ValidationError(gettext(
                        'klachten_report.msg_yearly_period'))

    def get_file(self, name):
        attachment = self.pdf if name.startswith('pdf') else self.docx
        if not attachment:
            return None
        if name.endswith('_name'):
            return attachment.name
        return attachment.data

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, reports):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('made')
    def make(cls, reports):
        "Compute the tables and make the Word document and its PDF"
        for report in reports:
            report._make()

    @classmethod
    @ModelView.button
    def make_pdf(cls, reports):
        "Make the PDF of a report whose PDF could not be made before"
        for report in reports:
            if report.docx and not report.pdf:
                report._store(bytes(report.docx.data))

    def tables(self):
        """The report's tables (klachten_report.yearly.compute) over its
        company and period: for other modules, through the pool"""
        return compute(self.company, self.period_start, self.period_end)

    def _make(self):
        pool = Pool()
        Template = pool.get('klachten.document.template')
        tables = self.tables()
        with Transaction().set_context(language=self.language):
            report = self.__class__(self.id)
            name = gettext('klachten_report.msg_yearly_file_name',
                period=report._period_text())
            try:
                docx = render_report(
                    Template.content(KIND, self.language),
                    report._template_values(tables))
            except render.TemplateInvalid as exception:
                raise TemplateError(gettext(
                        'klachten_report.msg_template_render',
                        template=name, language=self.language,
                        detail=exception.detail[:200])) from exception
        self.name = slug(name)
        self.made_on = pool.get('ir.date').today()
        self._store(docx, replace=True)

    def _store(self, docx, replace=False):
        "Store the Word document (when replace) and its PDF, if it can"
        Attachment = Pool().get('ir.attachment')
        old = [a for a in [self.docx if replace else None, self.pdf] if a]
        try:
            pdf, self.pdf_error = convert.to_pdf(docx), None
        except convert.ConversionFailed as exception:
            logger.warning("PDF of yearly report %s failed: %s",
                self.id, exception)
            pdf = None
            self.pdf_error = gettext(
                f'klachten_report.msg_conversion_{exception.reason}')
        with without_check_access():
            if replace:
                self.docx = Attachment(resource=self, type='data',
                    name=f'{self.name}.docx', data=docx)
                self.docx.save()
            self.pdf = None
            if pdf:
                self.pdf = Attachment(resource=self, type='data',
                    name=f'{self.name}.pdf', data=pdf)
                self.pdf.save()
            self.save()
            Attachment.delete(old)

    # The template's values
    def _locale(self):
        return babel_locale(self.language)

    def _date(self, value):
        return format_date(value, 'long', locale=self._locale())

    def _period_text(self):
        start, end = self.period_start, self.period_end
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) \
                and start.year == end.year:
            return str(start.year)
        return f'{self._date(start)} – {self._date(end)}'

    def _number(self, value, decimals=1):
        if value is None:
            return DASH
        return format_decimal(round(value, decimals),
            format='#,##0.' + '0' * decimals if decimals else '#,##0',
            locale=self._locale())

    def _percent(self, part, whole):
        "part of whole in %, or a dash when whole is under 3"
        if part is None or not whole or whole < SMALL:
            return DASH
        return format_percent(part / whole, locale=self._locale())

    def _average(self, value, count):
        return DASH if count < SMALL else self._number(value)

    def _template_values(self, tables):
        "The template's values: text only (the template reads no record)"
        labels = Labels(self.language)
        t = render.clean
        volume = tables['volume']
        not_recorded = gettext('klachten_report.msg_yearly_not_recorded')
        context = {
            'municipality': t(self.company.party.rec_name),
            'variant': self.variant,
            'period': t(self._period_text()),
            'period_start': self._date(self.period_start),
            'period_end': self._date(self.period_end),
            'made_on': self._date(Pool().get('ir.date').today()),
            'not_recorded': not_recorded,
            'volume': {
                'received': shown(volume['received']),
                'cancelled': shown(volume['cancelled']),
                'carried_over': shown(volume['carried_over']),
                'open_at_end': shown(volume['open_at_end']),
                'not_a_complaint': shown(volume['not_a_complaint']),
                'forwarded': shown(volume['forwarded']),
                'per_1000': self._number(volume['per_1000'], 2)
                if volume['inhabitants'] else not_recorded,
                'per_1000_admissible': self._number(
                    volume['per_1000_admissible'], 2)
                if volume['inhabitants'] else not_recorded,
                },
            'trend': [{
                    'label': self._trend_label(row),
                    'received': shown(row['received']),
                    } for row in tables['trend']],
            }
        context.update(self._admissibility_values(tables, labels))
        context.update(self._decision_values(tables, labels, not_recorded))
        context.update(self._structure_values(tables, labels))
        context['referrals'] = not_recorded
        context.update(self._action_values(tables, labels))
        context['_charts'] = charts(context)
        return context

    def _trend_label(self, row):
        start, end = row['start'], row['end']
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
            return str(end.year)
        return (f'{format_date(start, "short", locale=self._locale())} – '
            f'{format_date(end, "short", locale=self._locale())}')

    def _admissibility_values(self, tables, labels):
        admissibility = tables['admissibility']
        keys = ['admissible', 'inadmissible', 'undecided']
        counts = suppress([admissibility[k] for k in keys])
        grounds = sorted(tables['grounds'].items(),
            key=lambda i: (-i[1], labels.ground(i[0])))
        ground_counts = suppress([n for _, n in grounds])
        channels = []
        for channel, label in labels.selection('channel'):
            formal = tables['channels'].get((channel, 'formal'), 0)
            informal = tables['channels'].get((channel, 'informal'), 0)
            if not formal + informal:
                continue
            row = suppress([formal, informal])
            channels.append({'label': label, 'formal': row[0],
                    'informal': row[1], 'total': formal + informal})
        totals = suppress([c['total'] for c in channels])
        for channel, total in zip(channels, totals):
            channel['total'] = total
        refusals = tables['refusals']
        # the informal complaints made formal, among the formal ones
        formal = sum(n for (_, track), n in tables['channels'].items()
            if track == 'formal')
        converted = tables.get('converted') or 0
        return {
            'admissibility': dict(zip(keys, counts)),
            'converted': suppress([converted, formal - converted])[0],
            'grounds': [{'label': labels.ground(g), 'count': c}
                for (g, _), c in zip(grounds, ground_counts)],
            'channels': channels,
            'refusals': {
                'total': shown(refusals['total']),
                'in_time': suppress([refusals['in_time'],
                        refusals['total'] - refusals['in_time']])[0],
                'percent': self._percent(
                    refusals['in_time'], refusals['total']),
                },
            }

    def _decision_values(self, tables, labels, not_recorded):
        outcome_labels = dict(labels.selection('outcome'))
        outcome_labels['inadmissible'] = dict(
            labels.selection('admissibility'))['inadmissible']
        outcome_labels['resolved'] = labels.field_string('resolution')
        outcome_labels['none'] = gettext(
            'klachten_report.msg_yearly_unclassified')
        order = ['inadmissible'] + [k for k, _ in labels.selection(
                'outcome')] + ['resolved', 'none']
        outcomes = [(k, tables['outcomes'][k]) for k in order
            if tables['outcomes'].get(k)]
        counts = suppress([n for _, n in outcomes])
        values = {
            'outcomes': [{'label': outcome_labels[k], 'count': c}
                for (k, _), c in zip(outcomes, counts)],
            }
        resolved = tables['resolved']
        selection = dict(labels.selection('resolved'))
        rows = [(k, resolved.get(k, 0)) for k in selection]
        if resolved.get(None):
            rows.append((None, resolved[None]))
        counts = suppress([n for _, n in rows])
        values['resolved'] = [{
                'label': selection.get(k) or not_recorded, 'count': c}
            for (k, _), c in zip(rows, counts)]
        rows = sorted(tables['norms'].items(),
            key=lambda i: labels.norm(i[0]))
        counts = suppress([n for _, n in rows])
        values['norms'] = [{'label': labels.norm(k), 'count': c}
            for (k, _), c in zip(rows, counts)]
        values['lead_time'] = self._lead_time_values(
            tables['lead_time'], not_recorded)
        values['tracks'] = [dict(label=label, **self._lead_time_values(
                    tables['tracks'][track], not_recorded))
            for track, label in labels.selection('track')]
        satisfaction = tables['satisfaction']
        keys = ['agree', 'disagree', 'no_answer']
        counts = suppress([satisfaction[k] for k in keys])
        values['satisfaction'] = dict(zip(keys, counts),
            requested=shown(satisfaction['requested']),
            agree_percent=self._percent(satisfaction['agree'],
                satisfaction['agree'] + satisfaction['disagree']))
        return values

    def _lead_time_values(self, lead, not_recorded):
        decided = lead['decided']
        return {
            'decided': shown(decided),
            'within_term': self._percent(
                lead['within_term'], lead['termed']),
            'average': self._average(lead['average'], decided),
            'median': self._average(lead['median'], decided),
            'extended': suppress([lead['extended'],
                    decided - lead['extended']])[0],
            'suspended': suppress([lead['suspended'],
                    decided - lead['suspended']])[0],
            'target': (str(lead['target']) if lead['target'] is not None
                else not_recorded),
            'within_target': (self._percent(lead['within_target'], decided)
                if lead['within_target'] is not None else not_recorded),
            }

    def _structure_values(self, tables, labels):
        departments = sorted(tables['departments'].items(),
            key=lambda i: (-i[1]['received'], labels.department(i[0])))
        columns = {key: suppress([d[key] for _, d in departments])
            for key in ['received', 'admissible', 'founded']}
        bases = [(k, tables['bases'].get(k, 0))
            for k, _ in labels.selection('basis')]
        bases = [(k, n) for k, n in bases if n]
        basis_counts = suppress([n for _, n in bases])
        basis_labels = dict(labels.selection('basis'))
        return {
            'departments': [{
                    'label': labels.department(d),
                    **{k: columns[k][i] for k in columns},
                    } for i, (d, _) in enumerate(departments)],
            'bases': [{
                    'label': basis_labels.get(k) or gettext(
                        'klachten_report.msg_yearly_unclassified'),
                    'count': c,
                    } for (k, _), c in zip(bases, basis_counts)],
            }

    def _action_values(self, tables, labels):
        actions = tables['actions']
        states = labels.action_states()
        rows = [(k, actions['states'].get(k, 0)) for k, _ in states]
        # actions are the municipality's own work: exact counts
        return {
            'actions': [{'label': label, 'count': shown(n)}
                for (_, n), (_, label) in zip(rows, states)],
            'recommendations': [{
                    'description': render.text(r['description'] or ''),
                    'department': labels.department(r['department']),
                    'state': dict(states).get(r['state'], ''),
                    'due_date': self._date(r['due_date'])
                    if r['due_date'] else '',
                    } for r in actions['recommendations']],
            }


class Labels:
    "The names of categories in the report's language, read once"

    def __init__(self, language):
        pool = Pool()
        self.pool = pool
        self.Complaint = pool.get('klachten.complaint')
        self.language = language
        self._definitions = self.Complaint.fields_get(['channel', 'track',
                'outcome', 'basis', 'admissibility', 'resolved',
                'resolution'])
        self._names = {}

    def selection(self, field):
        return [(k, render.clean(v)) for k, v
            in self._definitions[field]['selection'] if k]

    def field_string(self, field):
        return render.clean(self._definitions[field]['string'])

    def _name(self, model, id_, name=lambda r: r.rec_name):
        if id_ is None:
            return gettext('klachten_report.msg_yearly_unclassified')
        key = (model, id_)
        if key not in self._names:
            Model = self.pool.get(model)
            with without_check_access(), Transaction().set_context(
                    active_test=False):
                self._names[key] = render.clean(name(Model(id_)))
        return self._names[key]

    def ground(self, id_):
        return self._name('klachten.inadmissibility_ground', id_,
            lambda r: r.name)

    def department(self, id_):
        return self._name('klachten.department', id_, lambda r: r.name)

    def norm(self, id_):
        return self._name('klachten.norm', id_,
            lambda r: f'{r.code} {r.name}' if r.code else r.name)

    def action_states(self):
        Action = self.pool.get('klachten.improvement.action')
        return [(k, render.clean(v)) for k, v in
            Action.fields_get(['state'])['state']['selection'] if k]


def charts(context):
    """PNG charts of the report's tables ({name: bytes or None}).  Only
    counts shown as numbers are drawn: a bar cannot reveal a suppressed
    count."""
    def numbers(rows, key):
        return [(r['label'], int(r[key])) for r in rows
            if str(r[key]).isdigit() and int(r[key])]
    return {
        'trend': bar_chart(numbers(context['trend'], 'received'),
            vertical=True),
        'outcomes': bar_chart(numbers(context['outcomes'], 'count')),
        'channels': bar_chart(numbers(context['channels'], 'total')),
        'departments': bar_chart(
            numbers(context['departments'], 'received')[:12]),
        }


def bar_chart(rows, vertical=False):
    "A bar chart of [(label, count)] as PNG bytes, None without data"
    if not rows:
        return None
    # Figure without pyplot: no global state, no display (Agg canvas)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    labels = [label for label, _ in rows]
    values = [value for _, value in rows]
    height = 3 if vertical else max(1.6, 0.4 * len(rows) + 0.8)
    figure = Figure(figsize=(6.3, height), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.subplots()
    if vertical:
        bars = axes.bar(labels, values, color='#2f6f9f')
    else:
        bars = axes.barh(labels[::-1], values[::-1], color='#2f6f9f')
    axes.bar_label(bars, padding=2, fontsize=8)
    axes.spines[['top', 'right']].set_visible(False)
    axes.tick_params(labelsize=8)
    figure.tight_layout()
    output = io.BytesIO()
    figure.savefig(output, format='png', metadata={'Software': None})
    return output.getvalue()


def render_report(data, context):
    """The .docx bytes of the template data filled with context; the
    charts (context['_charts'], PNG bytes) become images in the document"""
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage
    from jinja2 import TemplateError as JinjaError
    template = DocxTemplate(io.BytesIO(data))
    context = dict(context)
    context['charts'] = {
        name: InlineImage(template, io.BytesIO(png),
            width=Mm(CHART_WIDTH_MM)) if png else ''
        for name, png in context.pop('_charts').items()}
    try:
        template.render(context, render._environment())
    except JinjaError as exception:
        raise render.TemplateInvalid('syntax', str(exception))
    output = io.BytesIO()
    template.save(output)
    return output.getvalue()


class MakeYearlyReportStart(ModelView):
    __name__ = 'klachten.yearly.report.make.start'
    __string__ = "Make the Yearly Report"

    company = fields.Many2One('company.company', "Company", required=True)
    period_start = fields.Date("Period Start", required=True)
    period_end = fields.Date("Period End", required=True,
        domain=[('period_end', '>=', Eval('period_start', None))])
    variant = fields.Selection(VARIANTS, "Variant", required=True)
    language = fields.Selection(LANGUAGES, "Language", required=True)


class MakeYearlyReport(Wizard):
    "Make the Yearly Report"
    __name__ = 'klachten.yearly.report.make'
    start = StateView('klachten.yearly.report.make.start',
        'klachten_report.yearly_report_make_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Make", 'make', 'tryton-ok', default=True),
            ])
    make = StateAction('klachten_report.act_yearly_report_form')

    def default_start(self, fields):
        Report = Pool().get('klachten.yearly.report')
        return {name: getattr(Report, f'default_{name}')()
            for name in ['company', 'period_start', 'period_end',
                'variant', 'language']}

    def do_make(self, action):
        Report = Pool().get('klachten.yearly.report')
        report = Report(**{name: getattr(self.start, name)
                for name in ['company', 'period_start', 'period_end',
                    'variant', 'language']})
        report.save()
        Report.make([report])
        action['views'].reverse()
        return action, {'res_id': [report.id]}
