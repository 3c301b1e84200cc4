# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Key figures for the coordinator: complaints per month, outcome and
department, the lead time against its target, the share decided within
the term and the satisfaction, over a period chosen in the context.

A complaint counts as received in the month of its receipt and as decided
in the month of its (last) decision: a complaint reopened after the
complainant disagreed counts once, at its new decision, and not while it
is being handled again.  Cancelled complaints count as received and
cancelled, never as decided.  Complaints still in draft do not count."""
import datetime as dt
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from sql import Cast, Literal, Null, Union
from sql.aggregate import Count, Max, Min, Sum
from sql.conditionals import Case
from sql.functions import Extract

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval, If
from trytond.transaction import Transaction

FOUNDED = ['founded', 'partly_founded', 'founded_corrected']


def _period():
    "The (from, to) dates of the context; either may be None"
    context = Transaction().context
    return context.get('from_date'), context.get('to_date')


def _within(column, start, end):
    condition = column != Null
    if start:
        condition &= column >= start
    if end:
        condition &= column <= end
    return condition


def _counted(complaint):
    "The complaints that count: registered, of the context's company"
    condition = complaint.state != 'draft'
    company = Transaction().context.get('company')
    return condition & (complaint.company == (company or -1))


def _integer(expression):
    # PostgreSQL's EXTRACT gives a numeric, an id must be an integer
    return Cast(expression, 'INTEGER')


def _rate(part, whole):
    if whole:
        return round(100.0 * part / whole, 1)


def _average(values):
    if values:
        return round(sum(values) / len(values), 1)


class KpiContext(ModelView):
    __name__ = 'klachten.kpi.context'
    __string__ = "Key Figures Context"

    from_date = fields.Date("From",
        domain=[If(Eval('from_date') & Eval('to_date'),
                ('from_date', '<=', Eval('to_date')), ())])
    to_date = fields.Date("To",
        domain=[If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')), ())])

    @classmethod
    def default_from_date(cls):
        if 'from_date' in Transaction().context:
            return Transaction().context['from_date']
        today = Pool().get('ir.date').today()
        return today.replace(day=1) - relativedelta(months=11)

    @classmethod
    def default_to_date(cls):
        if 'to_date' in Transaction().context:
            return Transaction().context['to_date']
        return Pool().get('ir.date').today()


class KpiMonth(ModelSQL, ModelView):
    __name__ = 'klachten.kpi.month'
    __string__ = "Key Figures per Month"

    year = fields.Integer("Year")
    month_number = fields.Integer("Month Number")
    month = fields.Function(fields.Char("Month"), 'get_month')
    received = fields.Function(
        fields.Integer("Received",
            help="The complaints received in the month."),
        'get_figures')
    cancelled = fields.Function(
        fields.Integer("Cancelled",
            help="The complaints received in the month that were "
            "cancelled."),
        'get_figures')
    decided = fields.Function(
        fields.Integer("Decided",
            help="The complaints decided in the month."),
        'get_figures')
    within_term = fields.Function(
        fields.Integer("Within Term",
            help="The complaints decided in the month on or before their "
            "answer term."),
        'get_figures')
    within_term_rate = fields.Function(
        fields.Float("Within Term (%)", digits=(5, 1)), 'get_figures')
    average_lead_time = fields.Function(
        fields.Float("Average Lead Time", digits=(6, 1),
            help="The average days from receipt to decision of the "
            "complaints decided in the month."),
        'get_figures')
    lead_time_target = fields.Function(
        fields.Integer("Lead Time Target",
            help="The days a formal complaint should take at most."),
        'get_figures')
    within_target_rate = fields.Function(
        fields.Float("Within Target (%)", digits=(5, 1),
            help="The share of the complaints decided in the month within "
            "the lead time target of their track."),
        'get_figures')
    satisfaction = fields.Function(
        fields.Float("Satisfaction", digits=(3, 1),
            help="The average score (1 to 5) of the satisfaction survey "
            "answers of the month."),
        'get_figures')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('year', 'ASC'), ('month_number', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        start, end = _period()
        received, decided = Complaint.__table__(), Complaint.__table__()
        months = Union(
            received.select(
                _integer(Extract('YEAR', received.received_date)).as_('year'),
                _integer(Extract('MONTH', received.received_date)
                    ).as_('month'),
                where=_counted(received)
                & _within(received.received_date, start, end)),
            decided.select(
                _integer(Extract('YEAR', decided.decision_date)).as_('year'),
                _integer(Extract('MONTH', decided.decision_date)
                    ).as_('month'),
                where=_counted(decided)
                & _within(decided.decision_date, start, end)),
            all_=False)
        return months.select(
            (months.year * 100 + months.month).as_('id'),
            Literal(0).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            months.year.as_('year'),
            months.month.as_('month_number'),
            group_by=[months.year, months.month])

    def get_month(self, name):
        return f'{self.year:04d}-{self.month_number:02d}'

    @classmethod
    def get_figures(cls, months, names):
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        config = Configuration(1)
        start, end = _period()
        keys = {(m.year, m.month_number): m.id for m in months}
        result = {n: {m.id: None for m in months} for n in names}
        counts = {n: defaultdict(int) for n in [
                'received', 'cancelled', 'decided', 'within_term',
                'within_target']}
        lead_times = defaultdict(list)

        def inside(date):
            return bool(date and (not start or date >= start)
                and (not end or date <= end))

        for (received, decision, answer_due, state,
                track) in cls._complaints(start, end):
            if inside(received):
                key = keys.get((received.year, received.month))
                counts['received'][key] += 1
                if state == 'cancelled':
                    counts['cancelled'][key] += 1
            if inside(decision) and state != 'cancelled':
                key = keys.get((decision.year, decision.month))
                days = (decision - received).days
                target = config.lead_time_target_of(track)
                counts['decided'][key] += 1
                if answer_due is None or decision <= answer_due:
                    counts['within_term'][key] += 1
                if target is None or days <= target:
                    counts['within_target'][key] += 1
                lead_times[key].append(days)
        scores = cls._scores(start, end)
        for month in months:
            id_ = month.id
            decided = counts['decided'][id_]
            values = {
                'received': counts['received'][id_],
                'cancelled': counts['cancelled'][id_],
                'decided': decided,
                'within_term': counts['within_term'][id_],
                'within_term_rate': _rate(counts['within_term'][id_], decided),
                'within_target_rate': _rate(
                    counts['within_target'][id_], decided),
                'average_lead_time': _average(lead_times[id_]),
                'lead_time_target': config.lead_time_target,
                'satisfaction': _average(
                    scores.get((month.year, month.month_number), [])),
                }
            for name in names:
                result[name][id_] = values[name]
        return result

    @classmethod
    def _complaints(cls, start, end):
        "(received, decision, answer due, state, track) of the period"
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        complaint = Complaint.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*complaint.select(
                complaint.received_date, complaint.decision_date,
                complaint.answer_due, complaint.state, complaint.track,
                where=_counted(complaint)
                & (_within(complaint.received_date, start, end)
                    | _within(complaint.decision_date, start, end))))
        for row in cursor:
            yield tuple(_date(v) for v in row[:3]) + tuple(row[3:])

    @classmethod
    def _scores(cls, start, end):
        "{(year, month): [score]} of the survey answers of the period"
        pool = Pool()
        try:
            Answer = pool.get('klachten.survey.answer')
        except KeyError:
            # the portal, which asks for them, is not activated
            return {}
        Complaint = pool.get('klachten.complaint')
        answer = Answer.__table__()
        complaint = Complaint.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*answer.join(complaint,
                condition=answer.complaint == complaint.id
                ).select(answer.date, answer.score,
                where=_counted(complaint) & _within(answer.date, start, end)))
        scores = defaultdict(list)
        for date, score in cursor:
            date = _date(date)
            scores[(date.year, date.month)].append(score)
        return scores


def _date(value):
    "A date of a raw row (SQLite gives text)"
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    return value


class KpiOutcome(ModelSQL, ModelView):
    __name__ = 'klachten.kpi.outcome'
    __string__ = "Key Figures per Outcome"

    outcome = fields.Selection('get_outcomes', "Outcome")
    number = fields.Integer("Complaints",
        help="The complaints decided in the period with this outcome.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('number', 'DESC'), ('id', 'ASC')]

    @classmethod
    def get_outcomes(cls):
        Complaint = Pool().get('klachten.complaint')
        return Complaint.fields_get(['outcome'])['outcome']['selection']

    @classmethod
    def table_query(cls):
        Complaint = Pool().get('klachten.complaint')
        complaint = Complaint.__table__()
        start, end = _period()
        return complaint.select(
            Min(complaint.id).as_('id'),
            Literal(0).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            complaint.outcome.as_('outcome'),
            Count(Literal(1)).as_('number'),
            where=_counted(complaint)
            & (complaint.state != 'cancelled')
            & (complaint.outcome != Null)
            & _within(complaint.decision_date, start, end),
            group_by=[complaint.outcome])


class KpiDepartment(ModelSQL, ModelView):
    __name__ = 'klachten.kpi.department'
    __string__ = "Key Figures per Department"

    department = fields.Many2One('klachten.department', "Department")
    received = fields.Integer("Received",
        help="The complaints received in the period about the department.")
    founded = fields.Integer("Founded",
        help="Of those, the founded or partly founded complaints.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('received', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        Complaint = Pool().get('klachten.complaint')
        complaint = Complaint.__table__()
        start, end = _period()
        return complaint.select(
            Min(complaint.id).as_('id'),
            Literal(0).as_('create_uid'),
            Literal(None).as_('create_date'),
            Literal(None).as_('write_uid'),
            Literal(None).as_('write_date'),
            Max(complaint.concerned_department).as_('department'),
            Count(Literal(1)).as_('received'),
            Sum(Case((complaint.outcome.in_(FOUNDED), 1), else_=0)
                ).as_('founded'),
            where=_counted(complaint)
            & _within(complaint.received_date, start, end),
            group_by=[complaint.concerned_department])


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    @classmethod
    def _group_login_actions(cls, user):
        # coordinators find the key figures in a tab beside their inbox
        pool = Pool()
        Action = pool.get('ir.action')
        ModelData = pool.get('ir.model.data')
        actions = super()._group_login_actions(user)
        if actions and (ModelData.get_id('klachten_base', 'group_coordinator')
                in {g.id for g in user.groups}):
            actions.insert(0, Action.get_action_id(
                    ModelData.get_id('klachten_report', 'act_kpi_month')))
        return actions
