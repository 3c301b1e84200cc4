#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the back office at scale: what sao asks for.

For each number N of complaints (years of a register: most closed, a few
thousand open; 10 departments, handlers by name or by role; 2 %
confidential, 3 % about a staff member) and their tasks, it times
in-process, as a real user (record rules apply), what sao asks for:

- the complaint list (action *Complaints*): search of the first tab
  (limit 1000 as sao), read of the list view's fields of the first 20
  rows, and search_count (limit 1000) of every tab; and the tab *All*;
- the task inbox (action *My tasks*): the same;
- a complaint's form: read of the form view's fields of one complaint;

for the coordinator and for a handler (handler1), each RPC in its own
transaction, best of --repeat, with the SQL queries executed; next to a
hand-written SQL floor that returns the same rows and counts (checked).

Without --uri it starts a throwaway PostgreSQL cluster (fsync off).

    .venv/bin/python bench/backoffice.py --sizes 100000 --label after

The results go into bench/README.md between the markers of --label
unless --no-readme.
"""
import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _harness import (
    activate_module, log, postgresql, run_checked, scratch_database)

HERE = Path(__file__).resolve().parent
TOP = HERE.parent
README = HERE / 'README.md'
OPEN = ('draft', 'evaluation', 'investigation', 'conclusion', 'feedback')
LIMIT, PAGE, COUNT_LIMIT = 1000, 20, 1000
# --screens: (key, title, action, view, tab index)
LISTS = [
    ('list', "complaint list, first tab + counters", 'act_complaint_form',
        'tree', 0),
    ('all', "complaint list, tab All", 'act_complaint_form', 'tree', -1),
    ('inbox', "task inbox, first tab + counters", 'act_task_mine', 'tree',
        0),
    ]
SCREENS = [k for k, *_ in LISTS] + ['form', 'register']


def setup_child(database):
    "The municipality through the test helpers (in its own process)"
    from proteus import config as pconfig
    cfg = pconfig.set_trytond(database=database)
    from klachten_base.tests.tools import (
        create_complainant, setup_municipality, xml_id)
    ns = setup_municipality(cfg)
    parties = [create_complainant(f"Complainant {i}",
            f'complainant{i}@example.org', config=cfg) for i in range(20)]
    print(json.dumps({
                'company': ns.company.id,
                'users': {k: u.id for k, u in ns.users.items()},
                'departments': {k: d.id for k, d in ns.departments.items()},
                'roles': {k: r.id for k, r in ns.roles.items()},
                'coordinator_group': xml_id('group_coordinator', config=cfg),
                'parties': [p.id for p in parties],
                }))


# --- Query counting ---
class Counter_:
    "Counts the statements; keeps the slowest (seconds, query, params)"
    active = False
    count = 0
    slowest = (0, None, None)
    trace = None  # a list: (seconds, query, caller) of each statement

    def install(self):
        from trytond.backend.postgresql.database import LoggingCursor
        execute = LoggingCursor.execute
        counter = self

        def counted(cursor, query, params=None, **kwargs):
            if not counter.active or (isinstance(query, str)
                    and query.startswith('SET statement_timeout')):
                return execute(cursor, query, params, **kwargs)
            counter.count += 1
            start = time.perf_counter()
            try:
                return execute(cursor, query, params, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                if elapsed > counter.slowest[0]:
                    counter.slowest = (elapsed, query, params)
                if counter.trace is not None:
                    counter.trace.append((elapsed, str(query), caller()))
        LoggingCursor.execute = counted

        # the register reads its rows through a server-side cursor: its
        # statement is timed from DECLARE to the last FETCH (close)
        from psycopg import ServerCursor
        declare, close = ServerCursor.execute, ServerCursor.close

        opened_at = {}  # id(cursor): (start, query, params)

        def declared(cursor, query, params=None, **kwargs):
            if counter.active:
                counter.count += 1
                opened_at[id(cursor)] = (time.perf_counter(), query, params)
            return declare(cursor, query, params, **kwargs)

        def closed(cursor):
            opened = opened_at.pop(id(cursor), None)
            if opened is not None:
                elapsed = time.perf_counter() - opened[0]
                if elapsed > counter.slowest[0]:
                    counter.slowest = (elapsed, opened[1], opened[2])
            return close(cursor)
        ServerCursor.execute = declared
        ServerCursor.close = closed


COUNTER = Counter_()


def caller():
    "The innermost frames of Klachten (or else trytond's model) of a query"
    import traceback
    frames = traceback.extract_stack()[:-3]
    ours = [f for f in frames if '/klachten_' in f.filename
        and '/tests/' not in f.filename]
    model = [f for f in frames if '/trytond/model/' in f.filename]
    chosen = (ours or model or frames)[-2:]
    return ' < '.join(f"{Path(f.filename).name}:{f.lineno} {f.name}"
        for f in reversed(chosen))


def profile_form(database, ids, who, first=None):
    "cProfile and the statements of one read of a complaint's form"
    import cProfile
    import io
    import pstats
    client = Client(database, ids['users'][who])
    model, domain, tabs = client.action('act_complaint_form')
    if first is None:
        first = client.call(model, 'search', tabs[-1], 0, 1, None)
    fields = client.fields(model, 'form')
    client.call(model, 'read', first, fields)  # warm
    COUNTER.trace = []
    COUNTER.active = True
    profile = cProfile.Profile()
    start = time.perf_counter()
    profile.enable()
    try:
        client.call(model, 'read', first, fields)
    finally:
        profile.disable()
        COUNTER.active = False
    elapsed = time.perf_counter() - start
    trace, COUNTER.trace = COUNTER.trace, None
    log(f"== {who}: form read of {first} ({len(fields)} fields): "
        f"{elapsed * 1000:,.1f} ms, {len(trace)} statements, "
        f"{sum(t for t, _, _ in trace) * 1000:,.1f} ms in SQL")
    for seconds, query, where in sorted(trace, reverse=True):
        log(f"  {seconds * 1000:8.1f} ms  {where}  "
            f"{' '.join(query.split())[:160]}")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats('cumulative').print_stats(
        r'klachten_|trytond/model', 40)
    log(out.getvalue())
    return first


# --- The data ---
def generate(conn, ids, today, n):
    """N complaints received over 10 years (the newest 90 days open) and
    their tasks, with plain SQL"""
    users = ids['users']
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO klachten_department (name, code, active,
                create_uid, create_date)
            SELECT 'Afdeling ' || i, 'D' || i, true, 0, now()
            FROM generate_series(1, 8) AS i RETURNING id""")
        departments = ([ids['departments']['BZ'], ids['departments']['OM']]
            + [r for r, in cur.fetchall()])
        params = {
            'n': n, 'today': today, 'company': ids['company'],
            'departments': departments,
            'bz': ids['departments']['BZ'], 'om': ids['departments']['OM'],
            'role': ids['roles']['handler'],
            'h1': users['handler1'], 'h2': users['handler2'],
            'h3': users['handler3'], 'coordinator': users['coordinator'],
            'staff': sorted(users.values()),
            'parties': ids['parties'],
            'coordinators': ids['coordinator_group'],
            }
        # i = 1 is the oldest; the newest 90 days are open
        cur.execute("""
            INSERT INTO klachten_complaint (
                company, number, state, received_date, registration_date,
                channel, short_description, track, anonymous,
                confidential, feedback_requested, complainant,
                received_by, acknowledgement_due, acknowledged_on,
                report_due, answer_due, admissibility, admissibility_date,
                concerned_department, concerned_user,
                handler_department, handler_role, handler_user,
                decision_date, closing_date, create_uid, create_date)
            SELECT %(company)s, 'K-' || lpad(i::text, 8, '0'), s.state,
                r.day, r.day,
                (ARRAY['email', 'web_form', 'letter', 'phone'])[1 + i %% 4],
                'Complaint ' || i,
                CASE WHEN i %% 7 = 0 THEN 'informal' ELSE 'formal' END,
                false, i %% 50 = 0, false,
                (%(parties)s::int[])[1 + i %% cardinality(%(parties)s::int[])],
                CASE WHEN i %% 97 = 0 THEN %(h1)s ELSE %(coordinator)s END,
                r.day + 7, r.day + 2, r.day + 28, r.day + 42,
                CASE WHEN s.state NOT IN ('draft', 'evaluation')
                    THEN 'admissible' END,
                CASE WHEN s.state NOT IN ('draft', 'evaluation')
                    THEN r.day + 5 END,
                (%(departments)s::int[])[1 + (i * 17) %% 10],
                CASE WHEN i %% 33 = 1 THEN (%(staff)s::int[])[
                    1 + i %% cardinality(%(staff)s::int[])] END,
                CASE WHEN s.state NOT IN ('draft', 'evaluation')
                    THEN d.department END,
                CASE WHEN s.state NOT IN ('draft', 'evaluation')
                    THEN %(role)s END,
                CASE WHEN s.state IN ('draft', 'evaluation') THEN NULL
                    WHEN d.department = %(bz)s THEN (ARRAY[%(h1)s, %(h2)s,
                        NULL])[1 + i %% 3]
                    WHEN d.department = %(om)s AND i %% 2 = 0 THEN %(h3)s
                    END,
                CASE WHEN s.state IN ('feedback', 'closed')
                    THEN r.day + 40 END,
                CASE WHEN s.state = 'closed' THEN r.day + 45 END,
                0, now()
            FROM generate_series(1, %(n)s) AS i
            CROSS JOIN LATERAL (SELECT (%(today)s::date
                    - (3650 - (i::bigint * 3650 / %(n)s))::int) AS day) r
            CROSS JOIN LATERAL (SELECT
                    (%(departments)s::int[])[1 + (i * 31) %% 10]
                    AS department) d
            CROSS JOIN LATERAL (SELECT CASE
                    WHEN r.day < %(today)s::date - 90 THEN
                        CASE WHEN i %% 40 = 0 THEN 'withdrawn'
                        ELSE 'closed' END
                    WHEN i %% 20 = 0 THEN 'draft'
                    WHEN i %% 20 < 6 THEN 'evaluation'
                    WHEN i %% 20 < 13 THEN 'investigation'
                    WHEN i %% 20 < 17 THEN 'conclusion'
                    ELSE 'feedback' END AS state) s
            """, params)
        # evaluate (coordinators), investigate (the handler), conclude
        # (coordinators), feedback (coordinators): done up to the state
        cur.execute("""
            WITH c AS (
                SELECT id, state, received_date, handler_department,
                    handler_user, CASE state WHEN 'draft' THEN 0
                    WHEN 'evaluation' THEN 1 WHEN 'investigation' THEN 2
                    WHEN 'conclusion' THEN 3 WHEN 'feedback' THEN 4
                    ELSE 3 END AS last
                FROM klachten_complaint WHERE number LIKE 'K-%%')
            INSERT INTO klachten_task (
                complaint, kind, state, due_date, "group", "user",
                department, role, done_by, done_at, create_uid, create_date)
            SELECT c.id, k.kind,
                CASE WHEN c.state = ANY(%(open)s) AND k.step = c.last
                    THEN 'open' ELSE 'done' END,
                c.received_date + 10 * k.step,
                CASE WHEN k.kind <> 'investigate' THEN %(coordinators)s END,
                CASE WHEN k.kind = 'investigate' THEN c.handler_user END,
                CASE WHEN k.kind = 'investigate'
                    THEN c.handler_department END,
                CASE WHEN k.kind = 'investigate' AND c.handler_user IS NULL
                    THEN %(role)s END,
                CASE WHEN NOT (c.state = ANY(%(open)s) AND k.step = c.last)
                    THEN %(coordinator)s END,
                CASE WHEN NOT (c.state = ANY(%(open)s) AND k.step = c.last)
                    THEN (c.received_date + 10 * k.step)::timestamp END,
                0, now()
            FROM c JOIN (VALUES ('evaluate', 1), ('investigate', 2),
                    ('conclude', 3), ('feedback', 4)) AS k(kind, step)
                ON k.step <= c.last
            WHERE NOT (k.kind = 'investigate' AND c.handler_department IS NULL)
            """, {**params, 'open': list(OPEN)})
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        for table in ['klachten_complaint', 'klachten_task',
                'klachten_department']:
            cur.execute(f'VACUUM ANALYZE "{table}"')
    conn.autocommit = False
    with conn.cursor() as cur:
        cur.execute("SELECT count(*), count(*) FILTER (WHERE state = ANY(%s)) "
            "FROM klachten_complaint", (list(OPEN),))
        complaints, open_ = cur.fetchone()
        cur.execute("SELECT count(*), count(*) FILTER (WHERE state = 'open') "
            "FROM klachten_task")
        tasks, open_tasks = cur.fetchone()
    conn.commit()
    return {'complaints': complaints, 'open': open_, 'tasks': tasks,
        'open_tasks': open_tasks}


# --- The floor: hand-written SQL ---
def complaint_visible(who):
    "SQL predicate on c: the complaints the user may read"
    base = ("c.company = %(company)s AND (c.concerned_user IS NULL "
        "OR c.concerned_user <> %(uid)s)")
    if who == 'coordinator':
        return base
    handler = ("(c.handler_user = %(uid)s OR (c.handler_user IS NULL "
        "AND (c.handler_department, c.handler_role) IN (SELECT "
        "m.department, m.role FROM klachten_department_member m "
        "WHERE m.user = %(uid)s)))")
    return (f"{base} AND ({handler} OR c.received_by = %(uid)s) "
        f"AND (NOT c.confidential OR {handler})")


def task_mine():
    "SQL predicate on t: the tasks assigned to the user"
    return ("(t.\"user\" = %(uid)s OR (t.\"user\" IS NULL AND ("
        "EXISTS (SELECT 1 FROM klachten_department_member m "
        "WHERE m.user = %(uid)s AND m.department = t.department "
        "AND m.role = t.role) "
        "OR EXISTS (SELECT 1 FROM \"res_user-res_group\" g "
        "WHERE g.user = %(uid)s AND g.\"group\" = t.\"group\") "
        "OR (t.complaint IS NULL AND t.role IS NULL AND EXISTS (SELECT 1 "
        "FROM klachten_department_member m WHERE m.user = %(uid)s "
        "AND m.department = t.department)))))")


def tab_sql(model, domain):
    "SQL predicate of a tab's domain"
    alias = 'c' if model == 'klachten.complaint' else 't'
    if not domain:
        return 'true'
    (name, operator, value), = domain
    if name == 'state' and operator == '=':
        return f"{alias}.state = '{value}'"
    if name == 'state' and operator == 'in':
        values = ', '.join(f"'{v}'" for v in value)
        return f"{alias}.state IN ({values})"
    if name == 'overdue' and value is True:
        if alias == 'c':
            return (f"c.state IN {OPEN!r} AND c.answer_due < %(today)s")
        return "t.state = 'open' AND t.due_date < %(today)s"
    raise ValueError(domain)


def floor_queries(model, who, tab, tabs):
    "(rows query, [count queries]) of a screen"
    if model == 'klachten.complaint':
        where = complaint_visible(who)
        rows = (f"SELECT c.id, c.number, c.received_date, c.complainant, "
            f"p.name, c.short_description, c.channel, c.subject, "
            f"c.handler_department, d.name, c.handler_user, u.name, "
            f"c.outcome, c.confidential, c.answer_due, c.answer_due - "
            f"%(today)s, c.state FROM (SELECT c.* FROM klachten_complaint c "
            f"WHERE {where} AND {{tab}} ORDER BY c.received_date DESC NULLS "
            f"FIRST, c.id DESC LIMIT {LIMIT}) c "
            f"LEFT JOIN party_party p ON p.id = c.complainant "
            f"LEFT JOIN klachten_department d ON d.id = c.handler_department "
            f"LEFT JOIN res_user u ON u.id = c.handler_user "
            f"ORDER BY c.received_date DESC NULLS FIRST, c.id DESC")
        count = (f"SELECT count(*) FROM (SELECT 1 FROM klachten_complaint c "
            f"WHERE {where} AND {{tab}} LIMIT {COUNT_LIMIT}) x")
    else:
        where = (f"{task_mine()} AND (t.complaint IS NULL OR EXISTS (SELECT "
            f"1 FROM klachten_complaint c WHERE c.id = t.complaint AND "
            f"{complaint_visible(who)}))")
        rows = (f"SELECT t.id, t.due_date, t.due_date - %(today)s, t.kind, "
            f"t.complaint, c.number, t.origin, t.\"user\", t.department, "
            f"t.\"group\", t.note, t.state FROM (SELECT t.* FROM "
            f"klachten_task t WHERE {where} AND {{tab}} ORDER BY t.due_date "
            f"ASC NULLS LAST, t.id ASC LIMIT {LIMIT}) t LEFT JOIN "
            f"klachten_complaint c ON c.id = t.complaint "
            f"ORDER BY t.due_date ASC NULLS LAST, t.id ASC")
        count = (f"SELECT count(*) FROM (SELECT 1 FROM klachten_task t "
            f"WHERE {where} AND {{tab}} LIMIT {COUNT_LIMIT}) x")
    return (rows.replace('{tab}', tab_sql(model, tab)),
        [count.replace('{tab}', tab_sql(model, d)) for d in tabs])


def run_floor(conn, model, who, tab, tabs, params):
    rows_sql, counts_sql = floor_queries(model, who, tab, tabs)
    start = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute(rows_sql, params)
        rows = cur.fetchall()
        counts = []
        for sql in counts_sql:
            cur.execute(sql, params)
            counts.append(cur.fetchone()[0])
    elapsed = time.perf_counter() - start
    conn.commit()
    return elapsed, [r[0] for r in rows], counts


def register_filter(ids, today):
    """The register export wizard's domain for a filtered list: one
    department (handled by or about it) and the last full year, as the
    wizard's *All Complaints Matching the Filters* builds it; and the
    floor's parameters"""
    department = ids['departments']['BZ']
    year = today.year - 1
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return ([('received_date', '>=', start), ('received_date', '<=', end),
            ['OR', ('handler_department', '=', department),
                ('concerned_department', '=', department)]],
        {'department': department, 'start': start, 'end': end})


def register_floor(conn, who, params):
    """Hand-written SQL of the same complaints and cells (names joined,
    the grounds and remedies aggregated, days taken) written with plain
    openpyxl write-only: (numbers, .xlsx bytes)"""
    import io

    from openpyxl import Workbook
    sql = (f"SELECT c.number, c.received_date, c.acknowledged_on, "
        f"c.decision_date, c.closing_date, c.state, c.track, c.channel, "
        f"cd.name, hd.name, c.basis, s.name, c.short_description, "
        f"c.admissibility, (SELECT string_agg(g.name, '; ') FROM "
        f"\"klachten_complaint-klachten_inadmissibility_ground\" cg JOIN "
        f"klachten_inadmissibility_ground g ON g.id = cg.ground WHERE "
        f"cg.complaint = c.id), c.redirected_as, c.outcome, (SELECT "
        f"string_agg(r.name, '; ') FROM \"klachten_complaint-klachten_remedy"
        f"\" cr JOIN klachten_remedy r ON r.id = cr.remedy WHERE "
        f"cr.complaint = c.id), c.decision_date - c.received_date, "
        f"c.decision_date <= c.answer_due, COALESCE(u.name, ro.name), "
        f"COALESCE(c.extension_count, 0), COALESCE(c.suspended_days, 0) "
        f"FROM klachten_complaint c "
        f"LEFT JOIN klachten_department cd ON cd.id = c.concerned_department "
        f"LEFT JOIN klachten_department hd ON hd.id = c.handler_department "
        f"LEFT JOIN klachten_subject s ON s.id = c.subject "
        f"LEFT JOIN res_user u ON u.id = c.handler_user "
        f"LEFT JOIN klachten_role ro ON ro.id = c.handler_role "
        f"WHERE {complaint_visible(who)} AND c.state <> 'draft' "
        f"AND c.received_date BETWEEN %(start)s AND %(end)s "
        f"AND (c.handler_department = %(department)s "
        f"OR c.concerned_department = %(department)s) ORDER BY c.id")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet('Register')
    numbers = []
    with conn.cursor(name='floor') as cur:
        cur.execute(sql, params)
        for row in cur:
            numbers.append(row[0])
            sheet.append(row)
    conn.commit()
    output = io.BytesIO()
    workbook.save(output)
    return numbers, output.getvalue()


def register_numbers(content):
    "The complaint numbers of a register's rows"
    import io

    from openpyxl import load_workbook
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    numbers = [row[0] for row in workbook.worksheets[0].iter_rows(
            min_row=2, values_only=True)]
    workbook.close()
    return numbers


# --- What sao asks ---
class Client:
    "The RPC calls of sao, each in its own transaction, as a user"

    def __init__(self, database, uid, cap=0):
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        self.database, self.uid = database, uid
        # statement_timeout of each statement (trytond sets it per
        # transaction); an integer of seconds for trytond
        self.timeout = max(1, round(cap)) if cap else None
        with Transaction().start(database, 0):
            User = Pool().get('res.user')
            with Transaction().set_user(uid):
                self.context = User.get_preferences(context_only=True)
            # as the RPC dispatcher: the access rights and rules apply
            self.context['_check_access'] = True

    def call(self, model, method, *args):
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, self.uid, readonly=True,
                context=self.context, timeout=self.timeout):
            Model = Pool().get(model)
            result = getattr(Model, method)(*args)
            if method == 'search':
                # as the RPC dispatcher answers
                result = [r.id for r in result]
            return result

    def register(self, domain):
        """The register export wizard's report on its filters' domain (the
        .xlsx bytes), as StateReport runs it: ComplaintRegister.execute"""
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, self.uid, readonly=True,
                context=self.context, timeout=self.timeout):
            Register = Pool().get('klachten.complaint.register',
                type='report')
            _, content, _, _ = Register.execute([], {
                    'model': 'klachten.complaint', 'domain': domain})
            return content

    def action(self, xml_id):
        "The action's tabs (domains by sequence) and its views' fields"
        from trytond.pool import Pool
        from trytond.pyson import PYSONDecoder
        from trytond.transaction import Transaction
        with Transaction().start(self.database, self.uid, readonly=True,
                context=self.context):
            pool = Pool()
            ModelData = pool.get('ir.model.data')
            Action = pool.get('ir.action.act_window')
            action = Action(ModelData.get_id('klachten_base', xml_id))
            tabs = [PYSONDecoder({}).decode(d.domain or '[]')
                for d in sorted(action.act_window_domains,
                    key=lambda d: (d.sequence or 0, d.id))]
            domain = PYSONDecoder({}).decode(action.pyson_domain or '[]')
            return action.res_model, domain, tabs

    def fields(self, model, view_type):
        from trytond.pool import Pool
        from trytond.transaction import Transaction
        with Transaction().start(self.database, self.uid, readonly=True,
                context=self.context):
            Model = Pool().get(model)
            view = Model.fields_view_get(view_type=view_type)
            names = []
            for name, field in view['fields'].items():
                names.append(name)
                if field['type'] in {'many2one', 'reference'}:
                    names.append(f'{name}.rec_name')
            return names

    def list_screen(self, model, domain, tabs, tab, fields):
        "search of tab, read of the first page, count of every tab"
        full = ['AND', tab, domain] if domain else tab
        ids = self.call(model, 'search', full, 0, LIMIT, None)
        self.call(model, 'read', ids[:PAGE], fields)
        counts = [self.call(model, 'search_count',
                ['AND', t, domain] if domain else t, 0, COUNT_LIMIT)
            for t in tabs]
        return ids, counts


def timed(function, repeat):
    "best of repeat: (seconds, queries, result)"
    best = None
    for _ in range(repeat):
        COUNTER.count = 0
        COUNTER.active = True
        start = time.perf_counter()
        try:
            result = function()
        finally:
            COUNTER.active = False
        elapsed = time.perf_counter() - start
        if best is None or elapsed < best[0]:
            best = (elapsed, COUNTER.count, result)
    return best


class Capped(Exception):
    "A statement ran over --cap and was cancelled"


def capped(function):
    "function() with a cancelled statement raised as Capped"
    import psycopg
    try:
        return function()
    except psycopg.errors.QueryCanceled as exception:
        raise Capped() from exception


def measure(args, database, ids, conn, today):
    users = ids['users']
    results = []
    for who in args.who:
        client = Client(database, users[who], args.cap)
        params = {'uid': users[who], 'company': ids['company'],
            'today': today}
        kind = 'coordinator' if who == 'coordinator' else 'handler'
        for key, screen, xml_id, view, which in LISTS:
            if key not in args.screens:
                continue
            model, domain, tabs = client.action(xml_id)
            fields = client.fields(model, view)
            tab = tabs[which]
            results.append(screen_result(args, kind, screen,
                    lambda: client.list_screen(
                        model, domain, tabs, tab, fields),
                    lambda: run_floor(
                        conn, model, kind, tab, tabs, params)[1:],
                    lambda app, floor: (app[0] == floor[0]
                        and app[1] == floor[1]),
                    lambda app: (len(app[0]), app[1])))
        if 'form' in args.screens:
            # the form of the first complaint of the list
            model, domain, tabs = client.action('act_complaint_form')
            first = client.call(model, 'search', tabs[-1], 0, 1, None)
            fields = client.fields(model, 'form')
            floor_sql = (f"SELECT c.* FROM klachten_complaint c WHERE "
                f"c.id = %(id)s AND {complaint_visible(kind)}")

            def form_floor():
                with conn.cursor() as cur:
                    cur.execute(floor_sql, {**params, 'id': first[0]})
                    rows = cur.fetchall()
                conn.commit()
                return [r[0] for r in rows]
            results.append(screen_result(args, kind,
                    "open one complaint's form",
                    lambda: client.call(model, 'read', first, fields),
                    form_floor,
                    lambda app, floor: [r['id'] for r in app] == floor,
                    lambda app: (len(app), [])))
        if 'register' in args.screens:
            domain, sql_params = register_filter(ids, today)
            results.append(screen_result(args, kind,
                    "register of a filtered list",
                    lambda: client.register(domain),
                    lambda: register_floor(conn, kind,
                        {**params, **sql_params}),
                    lambda app, floor: register_numbers(app) == floor[0],
                    lambda app: (len(register_numbers(app)), [])))
    return results


def screen_result(args, who, screen, app_call, floor_call, same, shape):
    """Time app_call (warm, then best of --repeat) and floor_call (best of
    --repeat): the result of a screen; '> cap' when a statement of either
    was cancelled"""
    result = {'who': who, 'screen': screen, 'floor': None, 'app': None,
        'queries': None, 'same': True, 'rows': None, 'counts': [],
        'slowest': None}
    COUNTER.slowest = (0, None, None)
    COUNTER.count = 0
    try:
        COUNTER.active = True
        try:
            capped(app_call)  # warm
        finally:
            COUNTER.active = False
        app, queries, app_result = timed(
            lambda: capped(app_call), args.repeat)
        result.update(app=app, queries=queries)
        result['rows'], result['counts'] = shape(app_result)
    except Capped:
        app_result = None
        result['queries'] = COUNTER.count
    result['slowest'] = COUNTER.slowest
    floor = None
    try:
        for _ in range(args.repeat):
            start = time.perf_counter()
            floor_result = capped(floor_call)
            elapsed = time.perf_counter() - start
            floor = elapsed if floor is None else min(floor, elapsed)
        result['floor'] = floor
    except Capped:
        FLOOR_CONN[0].rollback()
        floor_result = None
    if app_result is not None and floor_result is not None:
        result['same'] = same(app_result, floor_result)
        if not result['same']:
            log(f"  MISMATCH {who} {screen}: app {shape(app_result)}, "
                f"floor {str(floor_result)[:500]}")
    log(f"  {who}: {screen}: floor {ms(result['floor'], args.cap)}, app "
        f"{ms(result['app'], args.cap)} ({result['queries']} queries), "
        f"{'same rows' if result['same'] else 'DIFFERENT rows'}, load "
        f"{os.getloadavg()[0]:.1f}")
    result['load'] = os.getloadavg()[0]
    return result


# the floor's connection: rolled back after a cancelled statement
FLOOR_CONN = [None]


def ms(seconds, cap):
    if seconds is None:
        return f"> {cap:,.0f} s"
    return f"{seconds * 1000:,.1f} ms"


# --- Report ---
def render(label, info, sizes):
    cap = (f", each statement capped at {info['cap']:,.0f} s "
        f"(statement_timeout)" if info['cap'] else '')
    lines = [f"<!-- backoffice:{label}:start -->",
        f"*{label}*: {info['date']}, revision {info['revision']}, "
        f"PostgreSQL {info['postgresql']} ({info['server']}, default "
        f"settings: JIT {info['jit']}), {os.cpu_count()} CPUs, best of "
        f"{info['repeat']}{cap}; `{info['command']}`", '']
    for size in sizes:
        data = size['data']
        lines += [f"N = {data['complaints']:,} complaints "
            f"({data['open']:,} open), {data['tasks']:,} tasks "
            f"({data['open_tasks']:,} open); generated in "
            f"{size['generated']:.0f} s", '',
            '| who | screen | rows / tab counts | floor | app (queries) '
            '| ratio | load |', '| --- | --- | --- | --- | --- | --- | --- |']
        for r in size['results']:
            counts = '/'.join(str(c) for c in r['counts'])
            same = '' if r['same'] else ' **≠ floor**'
            rows = '' if r['rows'] is None else r['rows']
            ratio = (f"{r['app'] / r['floor']:,.1f}×"
                if r['app'] is not None and r['floor'] else '')
            lines.append(f"| {r['who']} | {r['screen']} | {rows} "
                f"{counts}{same} | {ms(r['floor'], info['cap'])} "
                f"| {ms(r['app'], info['cap'])} ({r['queries']}) "
                f"| {ratio} | {r.get('load', 0):.1f} |")
        lines.append('')
        for r in size['results']:
            plan = r.get('plan')
            if not plan:
                continue
            how = ('EXPLAIN ANALYZE (the nodes executed' if plan['analyze']
                else 'EXPLAIN without ANALYZE (it ran over the cap')
            lines += [f"{r['who']}, {r['screen']}: the app's slowest "
                f"statement ({plan['seconds'] * 1000:,.1f} ms when timed); "
                f"{how}, at most {PLAN_LINES} lines):", '', '```']
            lines += trim_plan(plan['lines']) + ['```', '']
    lines.append(f"<!-- backoffice:{label}:end -->")
    return '\n'.join(lines)


PLAN_LINES = 40


def trim_plan(plan):
    "The lines of plan a reader needs: the nodes executed, the totals"
    lines, skip = [], None
    for line in plan:
        indent = len(line) - len(line.lstrip())
        if skip is not None and indent > skip:
            continue
        skip = None
        if '(never executed)' in line:
            skip = indent
            continue
        lines.append(line)
    totals = [line for line in lines if line.startswith(
            ('Planning', 'Execution', 'JIT', '  Timing'))]
    body = [line for line in lines if line not in totals]
    if len(body) > PLAN_LINES:
        body = body[:PLAN_LINES] + [
            f"  … ({len(body) - PLAN_LINES} more lines)"]
    return body + totals


def write_readme(label, text):
    readme = README.read_text()
    start = f"<!-- backoffice:{label}:start -->"
    end = f"<!-- backoffice:{label}:end -->"
    if start in readme:
        before, rest = readme.split(start, 1)
        after = rest.split(end, 1)[1]
        readme = before + text + after
    else:
        readme = readme.rstrip('\n') + '\n\n' + text + '\n'
    README.write_text(readme)


def revision():
    def git(*args):
        return subprocess.run(['git', *args], cwd=TOP, capture_output=True,
            text=True).stdout.strip()
    commit = git('rev-parse', '--short', 'HEAD')
    dirty = sorted({line.split(maxsplit=1)[1].split('/')[0] for line in git(
                'status', '--porcelain', '--', 'klachten_*').splitlines()})
    return commit + (f" (with uncommitted changes in {', '.join(dirty)})"
        if dirty else '')


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sizes', default='100000',
        help="numbers of complaints, comma-separated (default: %(default)s)")
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--label', default='results',
        help="the README section to write (e.g. before, after)")
    parser.add_argument('--uri', help="an existing PostgreSQL server")
    parser.add_argument('--keep', action='store_true')
    parser.add_argument('--no-readme', action='store_true')
    parser.add_argument('--profile', action='store_true',
        help="profile a complaint's form read (cProfile and each "
        "statement with its caller) instead of measuring")
    parser.add_argument('--reuse', metavar='DATABASE',
        help="a database kept by --keep (needs --uri): no activation, "
        "no generation")
    parser.add_argument('--screens', default=','.join(SCREENS),
        help="the screens to time, comma-separated, among "
        f"{', '.join(SCREENS)}; 'none' only generates (with --keep: for "
        "--reuse) (default: all)")
    parser.add_argument('--who', default='coordinator,handler1',
        help="the users, comma-separated (default: %(default)s)")
    parser.add_argument('--cap', type=float, default=0,
        help="seconds: each statement of the app and of the floor is "
        "cancelled after this (PostgreSQL statement_timeout); a screen "
        "with a cancelled statement is reported as '> cap' (default: none)")
    parser.add_argument('--setup-child', help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sizes = sorted(int(s.replace('_', '')) for s in args.sizes.split(','))
    args.screens = [] if args.screens == 'none' else [
        s.strip() for s in args.screens.split(',') if s.strip()]
    unknown = set(args.screens) - set(SCREENS)
    if unknown:
        parser.error(f"unknown screens: {', '.join(sorted(unknown))}")
    args.who = [w.strip() for w in args.who.split(',') if w.strip()]
    return args


def main():
    args = parse_args()
    if args.setup_child:
        setup_child(args.setup_child)
        return
    for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        os.environ.pop(name, None)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    sizes = []
    info = {'repeat': args.repeat, 'revision': revision(), 'cap': args.cap,
        'command': ' '.join(['.venv/bin/python', 'bench/backoffice.py']
            + sys.argv[1:]),
        'date': dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}
    with postgresql(args.uri, args.keep) as (uri, server):
        info['server'] = ('throwaway cluster' if server.startswith(
                'throwaway') else f'server {server}')
        os.environ['TRYTOND_DATABASE__URI'] = uri
        for n in args.sizes:
            database = args.reuse or f'klachten_backoffice_{os.getpid()}_{n}'
            with (reused(uri, database) if args.reuse else
                    scratch_database(uri, database, args.keep)) as version:
                info['postgresql'] = version
                sizes.append(bench_size(args, uri, database, n, info))
                from trytond.pool import Pool
                Pool.stop(database)
                from trytond import backend
                backend.Database(database).close()
    if args.profile or not args.screens:
        return
    text = render(args.label, info, sizes)
    print(text)
    if not args.no_readme:
        write_readme(args.label, text)


def activate(uri, database):
    """Activate klachten_report (the register export; klachten_base with
    it) and set up the municipality: its ids"""
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri)
    activate_module(database, 'klachten_report', env)
    return json.loads(run_checked([sys.executable, __file__,
                '--setup-child', database], env, 'setup'
            ).strip().splitlines()[-1])


@contextlib.contextmanager
def reused(uri, database):
    import psycopg
    with psycopg.connect(uri, dbname=database) as conn:
        yield conn.execute('SHOW server_version').fetchone()[0]


def state_file(database):
    return Path(tempfile.gettempdir()) / f'{database}.json'


def bench_size(args, uri, database, n, info):
    import psycopg
    if args.reuse:
        ids, data, generated = json.loads(
            state_file(database).read_text())
    else:
        ids = activate(uri, database)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Pool(database).init()
    COUNTER.install()
    with Transaction().start(database, 0):
        today = Pool().get('ir.date').today()
    conn = psycopg.connect(uri, dbname=database)
    with conn.cursor() as cur:
        cur.execute('SHOW jit')
        info['jit'] = cur.fetchone()[0]
    conn.commit()
    if not args.reuse:
        start = time.monotonic()
        data = generate(conn, ids, today, n)
        generated = time.monotonic() - start
        if args.keep:
            state_file(database).write_text(json.dumps([ids, data,
                        generated]))
    log(f"N = {data['complaints']:,}: {data} in {generated:.0f} s")
    if args.profile:
        for who in ['coordinator', 'handler1']:
            profile_form(database, ids, who)
        conn.close()
        return
    if args.cap:
        with conn.cursor() as cur:
            cur.execute(f"SET statement_timeout = {round(args.cap * 1000)}")
        conn.commit()
    FLOOR_CONN[0] = conn
    results = measure(args, database, ids, conn, today)
    for result in results:
        result['plan'] = explain(conn, args, result)
    conn.close()
    return {'data': data, 'generated': generated, 'results': results}


def explain(conn, args, result):
    """The plan of the app's slowest statement of a screen over 3× its
    floor (or capped): EXPLAIN ANALYZE, or EXPLAIN alone when the statement
    was cancelled (it would be again)"""
    seconds, query, query_params = result.pop('slowest')
    over = (result['app'] is None or result['floor'] is None
        or result['app'] > 3 * result['floor'])
    if query is None or not over:
        return None
    analyze = result['app'] is not None and (
        not args.cap or seconds < args.cap)
    try:
        with conn.cursor() as cur:
            cur.execute(('EXPLAIN (ANALYZE, COSTS OFF) ' if analyze
                    else 'EXPLAIN ') + str(query), query_params)
            plan = [r for r, in cur]
    except Exception as exception:
        conn.rollback()
        return {'seconds': seconds, 'analyze': analyze,
            'lines': [f"(EXPLAIN failed: {exception})"]}
    conn.commit()
    return {'seconds': seconds, 'analyze': analyze, 'lines': plan}


if __name__ == '__main__':
    main()
