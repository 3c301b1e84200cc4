# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The tables of the yearly report, computed with SQL aggregate queries.

``compute(company, start, end)`` returns a plain dict of exact counts (no
record is read): the presentation (yearly_report.py) suppresses the small
counts, translates the labels and draws the charts.  Every query groups on
the database; what comes back is bounded by the number of categories and
of calendar days, never by the number of complaints, so memory stays flat.

Populations (doc/yearly.rst):

- *received*: registered complaints (not drafts) received in the period;
  volume, channel, admissibility, grounds, department and basis count
  these, whatever their state now (cancelled ones included);
- *decided*: complaints decided in the period (``decision_date``) and not
  cancelled since, whenever they were received; outcomes, resolution,
  norms, lead time, satisfaction count these.  A complaint reopened after
  a disagreement counts once, with its last decision; one declared
  inadmissible and then admissible counts as admissible.

Data the product does not record yet (NOT_RECORDED) is ``None``, shown
"not recorded", never a guessed number.  *Not a complaint* counts the
complaints received that were redirected (klachten_base/redirect.py) or
declared inadmissible for not being a complaint; *forwarded* the
redirected ones."""
import datetime as dt
from collections import Counter, defaultdict

from sql import Cast, Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case, Coalesce
from sql.functions import Function

from trytond import backend
from trytond.pool import Pool
from trytond.transaction import Transaction

# the outcomes of a founded complaint (asked whether it was resolved)
FOUNDED = ('founded', 'partly_founded', 'founded_corrected')
DECIDED_STATES = ('feedback', 'closed')
TREND_YEARS = 5
# what the product does not record yet (issues 16 and 17)
NOT_RECORDED = ['referrals']


class JulianDay(Function):
    __slots__ = ()
    _function = 'JULIANDAY'


def days_between(start, end):
    "SQL: the days from the date column start to end"
    if backend.name == 'sqlite':
        return Cast(JulianDay(end) - JulianDay(start), 'INTEGER')
    return end - start


def shift_years(date, years):
    "date years earlier (29 February becomes 28)"
    try:
        return date.replace(year=date.year - years)
    except ValueError:
        return date.replace(year=date.year - years, day=28)


def _when(condition):
    return Sum(Case((condition, 1), else_=0))


def _int(value):
    return int(value or 0)


def _date(value):
    "SQLite returns dates as text"
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


class Computation:
    "The tables of company's yearly report for the period start to end"

    def __init__(self, company, start, end):
        pool = Pool()
        self.pool = pool
        self.company = getattr(company, 'id', company)
        self.start, self.end = start, end
        self.Complaint = pool.get('klachten.complaint')
        self.table = self.Complaint.__table__()
        self.cursor = Transaction().connection.cursor()

    def compute(self):
        tables = {
            'period': {'start': self.start, 'end': self.end},
            }
        tables.update(self.volume())
        tables['channels'] = self.channels()
        tables['converted'] = self.converted()
        tables['grounds'] = self.grounds()
        tables['refusals'] = self.refusals()
        tables['outcomes'] = self.outcomes()
        tables['resolved'] = self.resolved()
        tables['norms'] = self.norms()
        tables['lead_time'], tables['tracks'] = self.lead_times()
        tables['departments'] = self.departments()
        tables['bases'] = self.bases()
        tables['satisfaction'] = self.satisfaction()
        tables['referrals'] = None
        tables['actions'] = self.actions()
        return tables

    # populations
    def _registered(self):
        t = self.table
        return (t.company == self.company) & (t.state != 'draft')

    def _received(self):
        t = self.table
        return (self._registered() & (t.received_date >= self.start)
            & (t.received_date <= self.end))

    def _decided(self):
        t = self.table
        return ((t.company == self.company)
            & t.state.in_(list(DECIDED_STATES))
            & (t.decision_date >= self.start)
            & (t.decision_date <= self.end))

    def _fetch(self, query):
        self.cursor.execute(*query)
        return self.cursor.fetchall()

    # tables
    def volume(self):
        t = self.table
        start, end = self.start, self.end
        received = (t.received_date >= start) & (t.received_date <= end)
        trend = []
        columns = []
        for years in range(TREND_YEARS - 1, -1, -1):
            first, last = shift_years(start, years), shift_years(end, years)
            trend.append((first, last))
            columns.append(_when(
                    (t.received_date >= first) & (t.received_date <= last)))
        columns += [
            _when(received),
            _when(received & (t.state == 'cancelled')),
            _when(received & (t.admissibility == 'admissible')),
            _when(received & (t.admissibility == 'inadmissible')),
            _when(received & (t.admissibility == Null)
                & (t.state != 'cancelled')),
            _when((t.received_date < start)
                & ((t.closing_date == Null) | (t.closing_date >= start))),
            _when((t.closing_date == Null) | (t.closing_date > end)),
            _when(received & self._not_a_complaint()),
            _when(received & (t.redirected_as != Null)),
            ]
        row, = self._fetch(t.select(*columns,
                where=self._registered() & (t.received_date <= end)))
        row = [_int(v) for v in row]
        counts = row[TREND_YEARS:]
        (total, cancelled, admissible, inadmissible, undecided,
            carried_over, open_at_end, not_a_complaint, forwarded) = counts
        inhabitants = self._configuration('inhabitants')
        return {
            'volume': {
                'received': total,
                'cancelled': cancelled,
                'carried_over': carried_over,
                'open_at_end': open_at_end,
                'not_a_complaint': not_a_complaint,
                'forwarded': forwarded,
                'inhabitants': inhabitants,
                'per_1000': (total * 1000 / inhabitants
                    if inhabitants else None),
                'per_1000_admissible': (admissible * 1000 / inhabitants
                    if inhabitants else None),
                },
            'trend': [
                {'start': f, 'end': la, 'received': n}
                for (f, la), n in zip(trend, row[:TREND_YEARS])],
            'admissibility': {
                'admissible': admissible,
                'inadmissible': inadmissible,
                'undecided': undecided,
                },
            }

    def _not_a_complaint(self):
        "SQL: redirected, or inadmissible because it is not a complaint"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Relation = pool.get(
            'klachten.complaint-klachten.inadmissibility_ground')
        t, relation = self.table, Relation.__table__()
        ground = ModelData.get_id('klachten_base', 'ground_not_complaint')
        return ((t.redirected_as != Null)
            | ((t.admissibility == 'inadmissible')
                & t.id.in_(relation.select(relation.complaint,
                        where=relation.ground == ground))))

    def channels(self):
        "{(channel, track): count} of the complaints received"
        t = self.table
        rows = self._fetch(t.select(t.channel, t.track, Count(Literal(1)),
                where=self._received(), group_by=[t.channel, t.track]))
        return {(c, k): n for c, k, n in rows}

    def converted(self):
        """How many complaints received were informal and made formal on
        the complainant's request (counted formal in the other tables)"""
        t = self.table
        rows = self._fetch(t.select(Count(Literal(1)),
                where=self._received() & (t.converted_date != Null)))
        return _int(rows[0][0]) if rows else 0

    def grounds(self):
        "{ground id: count} of the complaints received and inadmissible"
        t = self.table
        relation = self.pool.get(
            'klachten.complaint-klachten.inadmissibility_ground'
            ).__table__()
        rows = self._fetch(t.join(relation,
                condition=relation.complaint == t.id
                ).select(relation.ground, Count(Literal(1)),
                where=self._received()
                & (t.admissibility == 'inadmissible'),
                group_by=[relation.ground]))
        return dict(rows)

    def refusals(self):
        """The inadmissibility notices of the complaints received: how many,
        how many within the inadmissibility term (the complaint's notice due
        date: after receipt, or after the disagreement that reopened it;
        complaints registered before it was kept: after receipt)"""
        t = self.table
        rows = self._fetch(t.select(
                t.received_date, t.admissibility_date,
                t.admissibility_notice_due, Count(Literal(1)),
                where=self._received() & (t.admissibility == 'inadmissible'),
                group_by=[t.received_date, t.admissibility_date,
                    t.admissibility_notice_due]))
        ends = {}
        total = in_time = 0
        for received, decided, notice_due, count in rows:
            received, decided = _date(received), _date(decided)
            end = _date(notice_due) if notice_due else None
            if end is None:
                if received not in ends:
                    ends[received] = self.Complaint._term_end(
                        'inadmissibility', received)
                end = ends[received]
            total += count
            if decided and end and decided <= end:
                in_time += count
        return {'total': total, 'in_time': in_time}

    def outcomes(self):
        """{outcome: count} of the complaints decided; 'inadmissible' and
        'resolved' (on the spot) beside the outcomes of the report"""
        t = self.table
        kind = Case(
            (t.admissibility == 'inadmissible', 'inadmissible'),
            (t.outcome != Null, t.outcome),
            (t.resolution != Null, 'resolved'),
            else_='none')
        # grouped in an outer query: PostgreSQL does not take a grouped
        # expression with parameters for the same as the one selected
        decided = t.select(kind.as_('kind'), where=self._decided())
        rows = self._fetch(decided.select(decided.kind, Count(Literal(1)),
                group_by=[decided.kind]))
        return dict(rows)

    def resolved(self):
        "{yes/partly/no/None: count} of the founded complaints decided"
        t = self.table
        rows = self._fetch(t.select(t.resolved, Count(Literal(1)),
                where=self._decided() & t.outcome.in_(list(FOUNDED))
                & (t.admissibility != 'inadmissible'),
                group_by=[t.resolved]))
        return dict(rows)

    def norms(self):
        "{norm id: count} of the complaints decided"
        t = self.table
        relation = self.pool.get(
            'klachten.complaint-klachten.norm').__table__()
        rows = self._fetch(t.join(relation,
                condition=relation.complaint == t.id
                ).select(relation.norm, Count(Literal(1)),
                where=self._decided(), group_by=[relation.norm]))
        return dict(rows)

    def lead_times(self):
        """The lead time of the complaints decided (days from receipt to
        decision), in total and per track: count, within the answer term,
        extended, suspended, average, median, within the configured
        target"""
        t = self.table
        days = days_between(t.received_date, t.decision_date)
        termed = _when(t.answer_due != Null)
        within = _when((t.answer_due != Null)
            & (t.decision_date <= t.answer_due))
        extended = _when(Coalesce(t.extension_count, 0) > 0)
        suspended = _when(Coalesce(t.suspended_days, 0) > 0)
        rows = self._fetch(t.select(t.track, days, Count(Literal(1)),
                termed, within, extended, suspended, where=self._decided(),
                group_by=[t.track, days]))
        formal = self._configuration('lead_time_target')
        informal = self._configuration('informal_lead_time_target')
        targets = {
            'formal': formal,
            'informal': informal if informal is not None else formal,
            }
        histograms = defaultdict(Counter)
        sums = defaultdict(Counter)
        for (track, days_, count, termed_, within_, extended_,
                suspended_) in rows:
            days_ = _int(days_)
            for key in [track, None]:
                histograms[key][days_] += count
                sums[key]['termed'] += _int(termed_)
                sums[key]['within_term'] += _int(within_)
                sums[key]['extended'] += _int(extended_)
                sums[key]['suspended'] += _int(suspended_)
                target = targets.get(track)
                if target is not None:
                    sums[key]['targeted'] += count
                    if days_ <= target:
                        sums[key]['within_target'] += count
        total = self._lead_time(histograms[None], sums[None])
        total['target'] = targets['formal']
        tracks = {}
        for track in ['formal', 'informal']:
            tracks[track] = self._lead_time(
                histograms[track], sums[track])
            tracks[track]['target'] = targets[track]
        return total, tracks

    @staticmethod
    def _lead_time(histogram, sums):
        count = sum(histogram.values())
        return {
            'decided': count,
            # within the answer term, of those that had one (a complaint
            # resolved on the spot never had)
            'termed': sums['termed'],
            'within_term': sums['within_term'],
            'extended': sums['extended'],
            'suspended': sums['suspended'],
            'within_target': (sums['within_target']
                if sums['targeted'] else None),
            'average': (sum(d * n for d, n in histogram.items()) / count
                if count else None),
            'median': median(histogram),
            }

    def departments(self):
        """{department id: {received, admissible, founded}} of the
        complaints received, by the department concerned (else handling)"""
        t = self.table
        department = Coalesce(t.concerned_department, t.handler_department)
        rows = self._fetch(t.select(department, Count(Literal(1)),
                _when(t.admissibility == 'admissible'),
                _when(t.outcome.in_(list(FOUNDED))
                    & (t.admissibility == 'admissible')),
                where=self._received(), group_by=[department]))
        return {d: {'received': n, 'admissible': _int(a),
                'founded': _int(f)} for d, n, a, f in rows}

    def bases(self):
        "{basis: count} of the complaints received (treatment = conduct)"
        t = self.table
        rows = self._fetch(t.select(t.basis, Count(Literal(1)),
                where=self._received(), group_by=[t.basis]))
        return dict(rows)

    def satisfaction(self):
        "The feedback asked on the decisions of the period and its answers"
        t = self.table
        # a complaint reopened after a disagreement and decided again
        # counts with its last decision: asked again (its earlier answer
        # was reset) or not asked (its earlier answer is not counted)
        row, = self._fetch(t.select(
                Count(Literal(1)),
                _when(t.feedback == 'agree'),
                _when(t.feedback == 'disagree'),
                where=self._decided()
                & (t.feedback_requested == Literal(True))))
        requested, agree, disagree = map(_int, row)
        return {
            'requested': requested,
            'agree': agree,
            'disagree': disagree,
            'no_answer': requested - agree - disagree,
            }

    def actions(self):
        """The company's improvement actions due in the period or still
        open at its end: {state: count} and the recommendations to
        management (description, department, state, due date: never the
        owner)"""
        a = self.pool.get('klachten.improvement.action').__table__()
        where = (a.company == self.company) & (
            ((a.due_date >= self.start) & (a.due_date <= self.end))
            | a.state.in_(['open', 'in_progress']))
        rows = self._fetch(a.select(a.state, Count(Literal(1)),
                where=where, group_by=[a.state]))
        recommendations = self._fetch(a.select(
                a.description, a.department, a.state, a.due_date,
                where=where & (a.recommendation == Literal(True)),
                order_by=[a.due_date.asc, a.id.asc]))
        return {
            'states': dict(rows),
            'recommendations': [{
                    'description': d, 'department': dep, 'state': s,
                    'due_date': _date(due)}
                for d, dep, s, due in recommendations],
            }

    def _configuration(self, name):
        return getattr(self.pool.get('klachten.configuration')(1), name)


def median(histogram):
    "The median of {value: count}"
    count = sum(histogram.values())
    if not count:
        return None
    values = sorted(histogram)
    middle = [(count - 1) // 2, count // 2]
    found, seen = [], 0
    for value in values:
        seen_next = seen + histogram[value]
        for position in middle:
            if seen <= position < seen_next:
                found.append(value)
        seen = seen_next
    return sum(found) / len(found)


def compute(company, start, end):
    "The tables of the yearly report (a dict of exact counts)"
    return Computation(company, start, end).compute()
