#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the deadline cron (klachten.task|run_deadlines).

For each number N of open complaints it measures:

- the floor: one plain SQL query that selects the rows the cron must act
  on (tasks due for a reminder, late tasks to escalate, complaints past
  their feedback term), best of --repeat;
- the cron: ``Task.run_deadlines()`` as ``ir.cron`` runs it (user 0, the
  company in the context, one transaction, committed), best of --repeat,
  with the number of SQL queries it executes and the e-mails it queues.

The rows that are due are the same at every N (--reminders, --escalations,
--feedback); only the rows that are not due grow.  So a query count that
grows with N comes from N, not from the work; the script then names each
query that repeats more often, with a short stack.

Without --uri it starts a throwaway PostgreSQL cluster on 127.0.0.1 (fsync
off) and removes it at the end.  The module is activated with trytond-admin,
the municipality (company, departments, staff) is created with
klachten_base/tests/tools.py through proteus, and the complaints and tasks
are inserted in bulk with INSERT ... SELECT generate_series.

    .venv/bin/python bench/deadline_cron.py --sizes 1000,10000,100000

The results are printed and written into bench/README.md (between the
results markers) unless --no-readme.
"""
import argparse
import datetime as dt
import json
import linecache
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import time
import traceback
from collections import Counter, defaultdict
from pathlib import Path

# Cluster and log: also imported from here by the other benchmarks
from _harness import (  # noqa: F401
    Cluster, activate_module, log, postgresql, run_checked, scratch_database)

HERE = Path(__file__).resolve().parent
TOP = HERE.parent
README = HERE / 'README.md'
START_MARK = '<!-- results:start (written by bench/deadline_cron.py) -->'
END_MARK = '<!-- results:end -->'
# the task kinds and the term that gives their reminder days: those of
# klachten_base/task.py, read once trytond is configured (in _bench)
KIND_TERMS = {}
PHASES = ('close_expired_feedback', 'send_reminders', 'escalate',
    '_one_outbox')


# --- The municipality, created in a child process ----------------------------
def setup_child(database):
    """Create company, departments and staff with the test helpers (run in
    its own process: importing the test tools puts trytond in test mode)"""
    from proteus import Model
    from proteus import config as pconfig
    cfg = pconfig.set_trytond(database=database)
    from klachten_base.tests.tools import (
        create_complainant, set_user, setup_municipality, xml_id)
    ns = setup_municipality(cfg)
    set_user('admin', cfg)
    User = Model.get('res.user')
    for login, user in ns.users.items():
        user = User(user.id)
        user.email = f'{login}@klaverveld.example'
        user.save()
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


# --- Query counting ----------------------------------------------------------
class QueryCounter:
    """Counts every statement executed through Tryton's cursors while
    active; with record, also keeps each statement's text (IN lists
    folded) and the stack of its first occurrence."""

    def __init__(self):
        self.active = False
        self.record = False
        self.attempt = 1
        self.reset()

    def reset(self, record=False):
        self.record = record
        self.count = 0
        self.sql_time = 0
        self.keys = Counter()
        self.phases = Counter()
        # (statement, stack): times
        self.stacks = Counter()
        # statement: seconds
        self.key_time = Counter()
        # (attempt, phase, statement, stack) of each, in order
        self.sequence = []

    def install(self):
        from trytond.backend.postgresql.database import LoggingCursor
        counter = self
        execute = LoggingCursor.execute
        executemany = LoggingCursor.executemany

        def counted_execute(cursor, query, params=None, **kwargs):
            if not counter.active:
                return execute(cursor, query, params, **kwargs)
            key = counter.hit(query)
            start = time.perf_counter()
            try:
                return execute(cursor, query, params, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                counter.sql_time += elapsed
                if key is not None:
                    counter.key_time[key] += elapsed

        def counted_executemany(cursor, query, params_seq, **kwargs):
            if not counter.active:
                return executemany(cursor, query, params_seq, **kwargs)
            params_seq = list(params_seq)
            key = None
            for _ in params_seq:
                key = counter.hit(query)
            start = time.perf_counter()
            try:
                return executemany(cursor, query, params_seq, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                counter.sql_time += elapsed
                if key is not None:
                    counter.key_time[key] += elapsed
        LoggingCursor.execute = counted_execute
        LoggingCursor.executemany = counted_executemany

    def hit(self, query):
        self.count += 1
        if not self.record:
            return None
        key = normalize(query)
        self.keys[key] += 1
        stack = []
        frame = sys._getframe(2)
        while frame is not None:
            code = frame.f_code
            stack.append((code.co_filename, frame.f_lineno, code.co_name))
            frame = frame.f_back
        stack.reverse()
        phase = next((name for path, _, name in stack
                if name in PHASES and is_project(path)), 'other')
        self.phases[(self.attempt, phase)] += 1
        self.stacks[(key, short_stack(stack))] += 1
        self.sequence.append((self.attempt, phase, key, short_stack(stack)))
        return key


def normalize(query):
    text = query if isinstance(query, str) else str(query)
    text = re.sub(r'%s(?:\s*,\s*%s)+', '%s, ...', text)
    return re.sub(r'\s+', ' ', text).strip()


# The source of the project's modules as loaded: others may edit the files
# while the benchmark runs, and a stack must show the code that ran.
SOURCES = {}


def is_project(path):
    try:
        relative = Path(path).relative_to(TOP)
    except ValueError:
        return False
    return relative.parts[0].startswith('klachten_')


def snapshot_sources():
    for module in list(sys.modules.values()):
        path = getattr(module, '__file__', None)
        if path and path.endswith('.py') and is_project(path):
            SOURCES[path] = (Path(path).read_text().splitlines(),
                Path(path).stat().st_mtime)


def changed_sources(package='klachten_base'):
    "The files of package changed on disk since they were loaded"
    return sorted(str(Path(path).relative_to(TOP))
        for path, (_, mtime) in SOURCES.items()
        if Path(path).relative_to(TOP).parts[0] == package
        and (not Path(path).exists() or Path(path).stat().st_mtime != mtime))


def short_stack(stack):
    """The frames of stack (outermost first) in the project, and the ORM
    frame that executed the statement: ((path, line, function), ...)"""
    frames = [f for f in stack if is_project(f[0])]
    for frame in reversed(stack):
        path = frame[0]
        if ('/trytond/' in path and '/backend/' not in path
                and not is_project(path)):
            frames.append(frame)
            break
    return tuple(frames[-8:])


def display_path(path):
    if is_project(path):
        return str(Path(path).relative_to(TOP))
    return re.sub(r'^.*/site-packages/', '', path)


def source_line(path, lineno):
    if path in SOURCES:
        lines = SOURCES[path][0]
        return lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ''
    return linecache.getline(path, lineno).strip()


def format_frame(frame):
    path, lineno, name = frame
    return f'{display_path(path)}:{lineno} in {name}: ' \
        f'{source_line(path, lineno)}'


COUNTER = QueryCounter()


# --- The data ----------------------------------------------------------------
class Data:
    """Open complaints with their tasks, inserted in SQL.

    The due set (inserted once, number D...): --reminders open tasks whose
    reminder day is reached and not yet reminded, --escalations late tasks
    not yet escalated, --feedback complaints past their feedback term.
    The background (number B..., grown to N): complaints in evaluation,
    investigation, conclusion and feedback, with their done tasks, whose
    open task is not due; 1 in 20 is late and already escalated, 1 in 20
    is in its reminder window and already reminded."""

    def __init__(self, conn, ids, today):
        self.conn = conn
        self.ids = ids
        self.today = today
        self.background = 0
        self.due = {}

    def term_days(self):
        with self.conn.cursor() as cur:
            cur.execute('SELECT kind, reminder_days FROM klachten_term '
                'WHERE configuration = 1')
            return dict(cur.fetchall())

    def params(self, **values):
        ids = self.ids
        return {
            'today': self.today,
            'company': ids['company'],
            'uid': ids['users']['coordinator'],
            'coordinators': ids['coordinator_group'],
            'handler': ids['users']['handler1'],
            'bz': ids['departments']['BZ'],
            'om': ids['departments']['OM'],
            'role': ids['roles']['handler'],
            'parties': ids['parties'],
            **values,
            }

    def insert_due(self, reminders, escalations, feedback):
        days = self.term_days()
        kinds = ['evaluate', 'investigate', 'conclude']
        rows = []
        # (number, state, kind, due, reminded, feedback_due)
        for j in range(reminders):
            kind = kinds[j % 3]
            window = days[KIND_TERMS[kind]]
            rows.append((f'D-R{j:05d}', kind, j % (window + 1), False, None))
        for j in range(escalations):
            kind = kinds[j % 3]
            rows.append((f'D-E{j:05d}', kind, -1 - j % 20, True, None))
        for j in range(feedback):
            due = -1 - j % 10
            rows.append((f'D-F{j:05d}', 'feedback', due, False, due))
        states = {'evaluate': 'evaluation', 'investigate': 'investigation',
            'conclude': 'conclusion', 'feedback': 'feedback'}
        with self.conn.cursor() as cur:
            cur.execute('SELECT COALESCE(MAX(id), 0) FROM klachten_complaint')
            first, = cur.fetchone()
            cur.execute("""
                INSERT INTO klachten_complaint (
                    company, number, state, received_date, registration_date,
                    channel, short_description, track, anonymous,
                    confidential, feedback_requested, complainant,
                    received_by, acknowledgement_due, acknowledged_on,
                    report_due, answer_due, admissibility, admissibility_date,
                    handler_department, handler_role, handler_user,
                    feedback_due, decision_date, create_uid, create_date)
                SELECT %(company)s, r.number, r.state,
                    %(today)s - 40, %(today)s - 40, 'email',
                    'Due ' || r.number, 'formal', false, false,
                    r.state = 'feedback',
                    (%(parties)s::int[])[1 + r.n %% cardinality(
                            %(parties)s::int[])],
                    %(uid)s, %(today)s - 30, %(today)s - 39,
                    %(today)s - 10, %(today)s + 5,
                    CASE WHEN r.state <> 'evaluation' THEN 'admissible' END,
                    CASE WHEN r.state <> 'evaluation'
                        THEN %(today)s - 35 END,
                    CASE WHEN r.state <> 'evaluation' THEN %(bz)s END,
                    CASE WHEN r.state <> 'evaluation' THEN %(role)s END,
                    CASE WHEN r.state <> 'evaluation' THEN %(handler)s END,
                    %(today)s + r.feedback_due,
                    CASE WHEN r.state = 'feedback'
                        THEN %(today)s + r.feedback_due - 14 END,
                    %(uid)s, now()
                FROM unnest(%(numbers)s::text[], %(states)s::text[],
                        %(fbdue)s::int[])
                    WITH ORDINALITY AS r(number, state, feedback_due, n)
                """, self.params(
                    numbers=[r[0] for r in rows],
                    states=[states[r[1]] for r in rows],
                    fbdue=[r[4] for r in rows]))
            cur.execute("""
                INSERT INTO klachten_task (
                    complaint, kind, state, due_date, "group", "user",
                    department, role, reminded_at, create_uid, create_date)
                SELECT c.id, r.kind, 'open', %(today)s + r.due,
                    CASE WHEN r.kind <> 'investigate'
                        THEN %(coordinators)s END,
                    CASE WHEN r.kind = 'investigate' THEN %(handler)s END,
                    CASE WHEN r.kind = 'investigate' THEN %(bz)s END,
                    NULL,
                    CASE WHEN r.reminded
                        THEN now()::timestamp(0) - interval '3 days' END,
                    %(uid)s, now()
                FROM unnest(%(numbers)s::text[], %(kinds)s::text[],
                        %(dues)s::int[], %(reminded)s::bool[])
                    AS r(number, kind, due, reminded)
                JOIN klachten_complaint c ON c.number = r.number
                    AND c.company = %(company)s
                WHERE c.id > %(first)s
                """, self.params(
                    numbers=[r[0] for r in rows], kinds=[r[1] for r in rows],
                    dues=[r[2] for r in rows], reminded=[r[3] for r in rows],
                    first=first))
            # the tasks each phase must act on, to reset them
            cur.execute("""
                SELECT t.id, c.id, substr(c.number, 3, 1)
                FROM klachten_task t JOIN klachten_complaint c
                    ON c.id = t.complaint
                WHERE c.number LIKE 'D-%%' AND c.id > %s""", (first,))
            due = defaultdict(list)
            for task_id, complaint_id, part in cur:
                due[part].append((task_id, complaint_id))
        self.conn.commit()
        self.due = {
            'reminders': [t for t, _ in due['R']],
            'escalations': [t for t, _ in due['E']],
            'feedback_tasks': [t for t, _ in due['F']],
            'feedback': [c for _, c in due['F']],
            }
        assert len(self.due['reminders']) == reminders
        assert len(self.due['escalations']) == escalations
        assert len(self.due['feedback']) == feedback

    def grow(self, n):
        "Add background complaints until there are n open ones in all"
        due = sum(len(self.due[k])
            for k in ['reminders', 'escalations', 'feedback'])
        start, stop = self.background + 1, n - due
        if stop < start:
            return
        with self.conn.cursor() as cur:
            cur.execute('SELECT COALESCE(MAX(id), 0) FROM klachten_complaint')
            first, = cur.fetchone()
            # m: the state; b: late and escalated (7), reminded (13)
            cur.execute("""
                INSERT INTO klachten_complaint (
                    company, number, state, received_date, registration_date,
                    channel, short_description, track, anonymous,
                    confidential, feedback_requested, complainant,
                    received_by, acknowledgement_due, acknowledged_on,
                    report_due, answer_due, admissibility, admissibility_date,
                    handler_department, handler_role, handler_user,
                    feedback_due, decision_date, create_uid, create_date)
                SELECT %(company)s, 'B-' || lpad(i::text, 7, '0'), s.state,
                    %(today)s - 3 - i %% 25, %(today)s - 3 - i %% 25,
                    (ARRAY['email', 'web_form', 'letter', 'phone'])[
                        1 + i %% 4],
                    'Background complaint ' || i,
                    CASE WHEN i %% 7 = 0 THEN 'informal' ELSE 'formal' END,
                    false, false, s.state = 'feedback',
                    (%(parties)s::int[])[1 + i %% cardinality(
                            %(parties)s::int[])],
                    %(uid)s,
                    %(today)s + 7 - i %% 25, %(today)s - 2 - i %% 25,
                    %(today)s + 27 - i %% 25, %(today)s + 42 - i %% 25,
                    CASE WHEN s.state <> 'evaluation' THEN 'admissible' END,
                    CASE WHEN s.state <> 'evaluation' THEN %(today)s - 1 END,
                    CASE WHEN s.state = 'evaluation' THEN NULL
                        WHEN i %% 4 < 3 THEN %(bz)s ELSE %(om)s END,
                    CASE WHEN s.state <> 'evaluation' THEN %(role)s END,
                    CASE WHEN s.state <> 'evaluation' AND i %% 2 = 0
                        THEN %(handler)s END,
                    CASE WHEN s.state = 'feedback'
                        THEN %(today)s + 1 + i %% 13 END,
                    CASE WHEN s.state = 'feedback'
                        THEN %(today)s - 13 + i %% 13 END,
                    %(uid)s, now()
                FROM generate_series(%(start)s::int, %(stop)s::int) AS i
                CROSS JOIN LATERAL (SELECT CASE
                        WHEN i %% 10 < 4 THEN 'evaluation'
                        WHEN i %% 10 < 7 THEN 'investigation'
                        WHEN i %% 10 < 9 THEN 'conclusion'
                        ELSE 'feedback' END AS state) s
                """, self.params(start=start, stop=stop))
            # the open task, and the done tasks of the earlier steps
            cur.execute("""
                WITH c AS (
                    SELECT id, state, handler_department AS department,
                        handler_user, feedback_due,
                        substr(number, 3)::int AS i
                    FROM klachten_complaint
                    WHERE id > %(first)s AND number LIKE 'B-%%'),
                k AS (
                    SELECT c.*, k.kind, k.step, k.open,
                        (c.i / 10) %% 20 AS b
                    FROM c CROSS JOIN LATERAL (VALUES
                        ('evaluate', 1, c.state = 'evaluation'),
                        ('investigate', 2, c.state = 'investigation'),
                        ('conclude', 3, c.state = 'conclusion'),
                        ('feedback', 4, c.state = 'feedback'))
                        AS k(kind, step, open)
                    WHERE k.step <= CASE c.state
                        WHEN 'evaluation' THEN 1 WHEN 'investigation' THEN 2
                        WHEN 'conclusion' THEN 3 ELSE 4 END)
                INSERT INTO klachten_task (
                    complaint, kind, state, due_date, "group", "user",
                    department, role, reminded_at, escalated_at, done_by,
                    done_at, create_uid, create_date)
                SELECT id, kind,
                    CASE WHEN open THEN 'open' ELSE 'done' END,
                    CASE
                        WHEN NOT open THEN %(today)s - 5 + step
                        WHEN kind = 'feedback' THEN feedback_due
                        WHEN b = 7 THEN %(today)s - 1 - i %% 30
                        WHEN b = 13 THEN %(today)s + i %% 3
                        ELSE %(today)s + 6 + i %% 40 END,
                    CASE WHEN kind <> 'investigate'
                        THEN %(coordinators)s END,
                    CASE WHEN kind = 'investigate' THEN handler_user END,
                    CASE WHEN kind = 'investigate' THEN department END,
                    CASE WHEN kind = 'investigate' AND handler_user IS NULL
                        THEN %(role)s END,
                    CASE WHEN open AND kind <> 'feedback' AND b IN (7, 13)
                        THEN now()::timestamp(0) - interval '2 days' END,
                    CASE WHEN open AND kind <> 'feedback' AND b = 7
                        THEN now()::timestamp(0) - interval '1 day' END,
                    CASE WHEN NOT open THEN %(uid)s END,
                    CASE WHEN NOT open
                        THEN now()::timestamp(0) - interval '5 days' END,
                    %(uid)s, now()
                FROM k
                """, self.params(first=first))
        self.conn.commit()
        self.background = stop

    def analyze(self):
        self.conn.commit()
        autocommit = self.conn.autocommit
        self.conn.autocommit = True
        try:
            with self.conn.cursor() as cur:
                for table in ['klachten_complaint', 'klachten_task',
                        'klachten_email', 'klachten_complaint__history']:
                    cur.execute(f'VACUUM ANALYZE "{table}"')
        finally:
            self.conn.autocommit = autocommit

    def counts(self):
        with self.conn.cursor() as cur:
            cur.execute("SELECT count(*) FILTER (WHERE state IN ('draft', "
                "'evaluation', 'investigation', 'conclusion', 'feedback')), "
                "count(*) FROM klachten_complaint")
            open_, complaints = cur.fetchone()
            cur.execute("SELECT count(*) FILTER (WHERE state = 'open'), "
                "count(*) FROM klachten_task")
            open_tasks, tasks = cur.fetchone()
        self.conn.commit()
        return {'open_complaints': open_, 'complaints': complaints,
            'open_tasks': open_tasks, 'tasks': tasks}

    # the floor: the same rows in plain SQL
    def floor_query(self):
        days = self.term_days()
        reminder = {k: days.get(t) for k, t in KIND_TERMS.items()
            if days.get(t) is not None}
        horizon = max(reminder.values())
        values = ', '.join(f"('{k}', {d})" for k, d in reminder.items())
        return f"""
            SELECT 'reminder', t.id FROM klachten_task t
            JOIN (VALUES {values}) AS r(kind, days) ON r.kind = t.kind
            WHERE t.state = 'open' AND t.reminded_at IS NULL
                AND t.due_date >= %(today)s
                AND t.due_date <= %(today)s::date + {horizon}
                AND t.due_date <= %(today)s::date + r.days
            UNION ALL
            SELECT 'escalation', t.id FROM klachten_task t
            WHERE t.state = 'open' AND t.escalated_at IS NULL
                AND t.due_date < %(today)s
                AND t.kind NOT IN ('take_notice', 'feedback')
            UNION ALL
            SELECT 'feedback', c.id FROM klachten_complaint c
            WHERE c.state = 'feedback' AND c.feedback_due < %(today)s
            """

    def floor(self, repeat):
        query = self.floor_query()
        best = None
        for _ in range(repeat):
            with self.conn.cursor() as cur:
                start = time.perf_counter()
                cur.execute(query, {'today': self.today})
                rows = cur.fetchall()
                elapsed = time.perf_counter() - start
            self.conn.commit()
            best = elapsed if best is None else min(best, elapsed)
        return best, Counter(kind for kind, _ in rows)

    def explain_floor(self):
        with self.conn.cursor() as cur:
            cur.execute('EXPLAIN ' + self.floor_query(),
                {'today': self.today})
            plan = [r for r, in cur]
        self.conn.commit()
        return plan

    def reset(self):
        "Undo what a cron run claimed, wrote and queued"
        due = self.due
        with self.conn.cursor() as cur:
            cur.execute('UPDATE klachten_task SET reminded_at = NULL '
                'WHERE id = ANY(%s)', (due['reminders'],))
            cur.execute('UPDATE klachten_task SET escalated_at = NULL '
                'WHERE id = ANY(%s)', (due['escalations'],))
            cur.execute("UPDATE klachten_task SET state = 'open', "
                "done_by = NULL, done_at = NULL, write_uid = NULL, "
                "write_date = NULL WHERE id = ANY(%s)",
                (due['feedback_tasks'],))
            cur.execute("UPDATE klachten_complaint SET state = 'feedback', "
                "closing_date = NULL, write_uid = NULL, write_date = NULL "
                "WHERE id = ANY(%s)", (due['feedback'],))
            cur.execute('DELETE FROM klachten_complaint__history '
                'WHERE id = ANY(%s)', (due['feedback'],))
            cur.execute('DELETE FROM klachten_email')
        self.conn.commit()

    def emails(self):
        with self.conn.cursor() as cur:
            cur.execute('SELECT kind, count(*) FROM klachten_email '
                'GROUP BY kind')
            result = Counter(dict(cur.fetchall()))
        self.conn.commit()
        return result


# --- The cron ----------------------------------------------------------------
class Cron:
    "Task.run_deadlines() as ir.cron runs it, counted"

    def __init__(self, database, company):
        from trytond.pool import Pool
        self.database = database
        self.pool = Pool(database)
        self.pool.init()
        self.context = {
            'company': company,
            '_skip_warnings': True,
            '_cron': 'klachten.task|run_deadlines',
            }
        self.retries = set()
        COUNTER.install()
        snapshot_sources()

    def run(self, record=False):
        """Run the cron as ir.cron.run does: a TransactionError (such as
        a lock() of records that the transaction did not lock at its
        start) rolls back and starts the transaction again, with the
        locks.  Return the seconds, the queries and the queries of each
        attempt, from the start of the first transaction to the commit."""
        from trytond.transaction import Transaction, TransactionError
        extras = {}
        attempts = []
        COUNTER.reset(record)
        COUNTER.active = True
        try:
            start = time.perf_counter()
            cpu = time.process_time()
            while True:
                COUNTER.attempt = len(attempts) + 1
                before = COUNTER.count
                with Transaction().start(self.database, 0,
                        context=self.context, **extras) as transaction:
                    Task = self.pool.get('klachten.task')
                    try:
                        Task.run_deadlines()
                        transaction.commit()
                    except TransactionError as exception:
                        transaction.rollback()
                        exception.fix(extras)
                        self.retries.add(describe_retry(exception))
                        attempts.append(COUNTER.count - before)
                        continue
                attempts.append(COUNTER.count - before)
                break
            elapsed = time.perf_counter() - start
            # the CPU of this process (the cron's Python, not the server's)
            self.cpu = time.process_time() - cpu
        finally:
            COUNTER.active = False
        return elapsed, COUNTER.count, attempts


def log_statements(sequence):
    "Log each statement of a recorded run with its phase and stack"
    for number, (attempt, phase, key, stack) in enumerate(sequence, 1):
        log(f"{number:3} [{attempt} {phase}] {key[:160]}")
        for frame in stack[-4:]:
            log(f"      {format_frame(frame)}")


def describe_retry(exception):
    "The error and where the cron raised it"
    frames = [(f.f_code.co_filename, lineno, f.f_code.co_name)
        for f, lineno in traceback.walk_tb(exception.__traceback__)
        if is_project(f.f_code.co_filename)]
    where = ''
    if frames:
        path, lineno, name = frames[-1]
        where = (f" raised by `{source_line(path, lineno)}` in `{name}` "
            f"({display_path(path)}:{lineno})")
    return f"`{exception.__class__.__name__}`{where}"


# --- The report --------------------------------------------------------------
def machine():
    model = ''
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                model = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    memory = ''
    try:
        for line in Path('/proc/meminfo').read_text().splitlines():
            if line.startswith('MemTotal'):
                memory = f'{int(line.split()[1]) / 1024 / 1024:.1f} GiB'
    except OSError:
        pass
    return {'nproc': os.cpu_count(), 'memory': memory, 'cpu': model,
        'system': f'{platform.system()} {platform.release()}',
        'python': platform.python_version()}


def revision():
    "The commit of the modules, and whether they had uncommitted changes"
    def git(*args):
        result = subprocess.run(['git', *args], cwd=TOP, capture_output=True,
            text=True)
        return result.stdout.rstrip() if not result.returncode else ''
    commit = git('rev-parse', '--short', 'HEAD') or 'unknown'
    dirty = [line for line in git('status', '--porcelain', '--',
            'klachten_base').splitlines() if line.strip()]
    if dirty:
        files = ', '.join(line[3:] for line in dirty[:5])
        more = f' and {len(dirty) - 5} more' if len(dirty) > 5 else ''
        return f"{commit}, with uncommitted changes in {files}{more}"
    return commit


def command_line():
    args = [a for a in sys.argv[1:]]
    python = Path(sys.executable)
    try:
        python = python.relative_to(TOP)
    except ValueError:
        pass
    script = Path(sys.argv[0]).resolve()
    try:
        script = script.relative_to(TOP)
    except ValueError:
        pass
    return ' '.join([str(python), str(script)] + args)


def fmt_ms(seconds):
    return f'{seconds * 1000:,.1f}'


def growth(results):
    """The statements run more often at a larger N than at the smallest,
    by the stack they ran from: [(statement, stack, {n: times})]"""
    ordered = sorted(results, key=lambda r: r['n'])
    base = ordered[0]['stacks']
    grown = set()
    for result in ordered[1:]:
        for site, count in result['stacks'].items():
            if count > base.get(site, 0):
                grown.add(site)
    return [(key, stack, {r['n']: r['stacks'].get((key, stack), 0)
                for r in ordered})
        for key, stack in sorted(grown)]


def summarize(key, size=200):
    "A statement without its long column lists"
    match = re.match(r'SELECT (.*?) FROM ([("].*)$', key)
    if match and len(match.group(1)) > 50:
        key = f'SELECT ... FROM {match.group(2)}'
    match = re.match(r'(INSERT INTO \S+(?: AS \S+)?) \((.*?)\) (.*)$', key)
    if match and len(match.group(2)) > 50:
        key = f'{match.group(1)} (...) {match.group(3)}'
    return key if len(key) <= size else key[:size - 3] + '...'


def render(results, info):
    lines = []
    add = lines.append
    add(f"Run on {info['date']} ({info['duration']:.0f} s in all) on "
        f"{info['machine']['nproc']} CPUs ({info['machine']['cpu']}), "
        f"{info['machine']['memory']} of memory, "
        f"{info['machine']['system']}; PostgreSQL {info['postgresql']} "
        f"({info['cluster']}), Python {info['machine']['python']}, "
        f"trytond {info['trytond']}.")
    add('')
    add(f"klachten_base at commit {info['revision']}.")
    if info['changed']:
        add(f"**klachten_base changed on disk during the run** "
            f"({', '.join(info['changed'])}): the figures are for the code "
            f"loaded at its start; the line numbers and lines below are "
            f"from that code.")
    add('')
    add('```sh')
    add(info['command'])
    add('```')
    add('')
    due = info['due']
    add(f"Due at every N: {due['reminders']} tasks to remind, "
        f"{due['escalations']} late tasks to escalate, {due['feedback']} "
        f"complaints past their feedback term. The floor is the best of "
        f"{info['repeat']} runs; the cron is the best of "
        f"{info['cron_repeat']} runs (median in brackets), from the start "
        f"of its transaction to its commit, of which 'SQL ms' waited on "
        f"the database and 'CPU ms' was this process's CPU (the cron's "
        f"Python); 'ms per due item' is (cron ms - floor ms) / "
        f"{sum(due.values())} due items (issue 18: at most 1 ms). The load "
        f"is the 1-minute load average during the timed runs.")
    add('')
    add('| N open complaints | tasks (open) | floor ms | cron ms '
        '| SQL ms | CPU ms | ms per due item | load | queries '
        '| e-mails queued |')
    add('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: '
        '| ---: |')
    varied = False
    for r in results:
        queries = f"{r['queries']:,}"
        if len(r['all_queries']) > 1:
            queries += f" to {r['all_queries'][-1]:,}"
            varied = True
        add(f"| {r['n']:,} | {r['tasks']:,} ({r['open_tasks']:,}) "
            f"| {fmt_ms(r['floor'])} | {fmt_ms(r['cron'])} "
            f"({fmt_ms(r['cron_median'])}) | {fmt_ms(r['cron_sql'])} "
            f"| {fmt_ms(r['cron_cpu'])} | {r['per_item'] * 1000:.2f} "
            f"| {r['load'][0]:.1f} to {r['load'][1]:.1f} "
            f"| {queries} | {r['emails']:,} |")
    add('')
    if varied:
        add("Where the queries read 'a to b', the timed runs differed: "
            "Tryton empties its caches every `[cache] clean_timeout` "
            "(5 minutes), and the next run reads them again.")
        add('')
    last = results[-1]
    by_attempt = []
    for attempt in range(1, len(last['attempts']) + 1):
        phases = ', '.join(
            f"{p} {last['phases'].get((attempt, p), 0)}"
            for p in PHASES + ('other',)
            if last['phases'].get((attempt, p)))
        by_attempt.append(f"attempt {attempt}: {phases}")
    if len(last['attempts']) > 1:
        retries = '; '.join(sorted(info['retries']))
        add(f"Every run executed the cron's transaction "
            f"{len(last['attempts'])} times, as `ir.cron` does on a "
            f"`TransactionError` (rollback, then a new transaction that "
            f"takes the missing locks at its start): {retries}. What the "
            f"first attempt did is rolled back and done again; queries per "
            f"attempt: {' + '.join(f'{c:,}' for c in last['attempts'])}.")
        add('')
    add(f"Queries by phase (N = {last['n']:,}; {'; '.join(by_attempt)}; "
        f"_one_outbox: the e-mails of the reminders and escalations "
        f"created at once; 'other' is the transaction's start and commit, "
        f"with the records' log that Tryton writes then). The first "
        f"run in a fresh process (cold caches) executed "
        f"{info['cold_queries']:,} queries.")
    email_kinds = ', '.join(f'{k}: {v}'
        for k, v in sorted(results[-1]['email_kinds'].items()))
    add(f"E-mails by kind: {email_kinds}.")
    add('')
    grown = info['growth']
    counts = [r['queries'] for r in results]
    if not grown:
        sizes = ', '.join(f"{r['n']:,}" for r in results)
        numbers = ', '.join(f'{c:,}' for c in counts)
        add(f"**The query count is flat**: {numbers} queries at N = "
            f"{sizes} (the fewest of the timed runs), and statement for "
            f"statement (by the stack it ran from) none ran more often at "
            f"a larger N than at the smallest.")
    else:
        add("**The query count grows with N.** The statements that ran "
            "more often at a larger N:")
        add('')
        for key, stack, by_n in grown:
            counts = ', '.join(f'{c} times at N = {n:,}'
                for n, c in by_n.items())
            add(f"- {counts}: `{summarize(key, 400)}`, from:")
            add('')
            add('  ```')
            for frame in stack:
                add(f'  {format_frame(frame)}')
            add('  ```')
    add('')
    slow = last['key_time'].most_common(5)
    add(f"The statements that took longest in all (recorded run at "
        f"N = {last['n']:,}), with their time at each N:")
    add('')
    add('| statement | times | ' + ' | '.join(
            f"ms at {r['n']:,}" for r in results) + ' |')
    add('| --- | ---: | ' + ' | '.join('---:' for _ in results) + ' |')
    for key, _ in slow:
        text = summarize(key).replace('|', '\\|')
        add(f"| `{text}` | {last['keys'][key]} | " + ' | '.join(
                fmt_ms(r['key_time'].get(key, 0)) for r in results) + ' |')
    add('')
    top = last['keys'].most_common(10)
    add(f"The most frequent statements (N = {last['n']:,}"
        f"{', all attempts' if len(last['attempts']) > 1 else ''}; "
        f"'from' is the innermost project frame):")
    add('')
    add('| times | statement | from |')
    add('| ---: | --- | --- |')
    for key, count in top:
        text = summarize(key).replace('|', '\\|')
        sites = Counter()
        for (site_key, stack), times in last['stacks'].items():
            if site_key == key:
                origin = next((f'{display_path(path)}:{lineno} in {name}'
                        for path, lineno, name in reversed(stack)
                        if is_project(path)), None)
                if origin is None and stack:
                    path, lineno, name = stack[-1]
                    origin = f'{display_path(path)}:{lineno} in {name}'
                sites[origin or '?'] += times
        origins = '; '.join(f'{o} ({t})' if len(sites) > 1 else o
            for o, t in sites.most_common(3))
        add(f'| {count} | `{text}` | {origins} |')
    return '\n'.join(lines)


def write_readme(text):
    section = f'{START_MARK}\n{text}\n{END_MARK}'
    if README.exists():
        content = README.read_text()
        if START_MARK in content and END_MARK in content:
            before, rest = content.split(START_MARK, 1)
            _, after = rest.split(END_MARK, 1)
            content = before + section + after
        else:
            content = content.rstrip('\n') + '\n\n## Results\n\n' + section
    else:
        content = ("# Benchmarks\n\n## Results\n\n" + section)
    README.write_text(content.rstrip('\n') + '\n')


# --- Main --------------------------------------------------------------------
def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--sizes', default='1000,10000,100000',
        help="numbers of open complaints, comma-separated, in order "
        "(default: %(default)s)")
    parser.add_argument('--repeat', type=int, default=5,
        help="timed runs of the floor at each N (default: %(default)s)")
    parser.add_argument('--cron-repeat', type=int, default=5,
        help="timed runs of the cron at each N (default: %(default)s)")
    parser.add_argument('--reminders', type=int, default=200,
        help="tasks due for a reminder at every N (default: %(default)s)")
    parser.add_argument('--escalations', type=int, default=200,
        help="late tasks to escalate at every N (default: %(default)s)")
    parser.add_argument('--feedback', type=int, default=50,
        help="complaints past their feedback term at every N "
        "(default: %(default)s)")
    parser.add_argument('--uri',
        help="an existing PostgreSQL server, as TRYTOND_DATABASE__URI "
        "(postgresql://user@host:port/); default: a throwaway cluster")
    parser.add_argument('--database', default=None,
        help="the database to create (default: klachten_bench_<pid>); it "
        "must not exist")
    parser.add_argument('--keep', action='store_true',
        help="keep the database (and the throwaway cluster running)")
    parser.add_argument('--no-readme', action='store_true',
        help="only print; do not write bench/README.md")
    parser.add_argument('--statements', action='store_true',
        help="log every statement of the first recorded run at each N, in "
        "order, with the project's frames that ran it")
    parser.add_argument('--setup-child', metavar='DATABASE',
        help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.sizes = sorted(int(s.replace('_', '')) for s in args.sizes.split(','))
    return args


def main():
    args = parse_args()
    if args.setup_child:
        setup_child(args.setup_child)
        return
    for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        os.environ.pop(name, None)
    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    with postgresql(args.uri, args.keep) as (uri, cluster_info):
        database = args.database or f'klachten_bench_{os.getpid()}'
        os.environ['TRYTOND_DATABASE__URI'] = uri
        bench(args, uri, database, cluster_info, started)


def bench(args, uri, database, cluster_info, started):
    with scratch_database(uri, database, args.keep) as server_version:
        try:
            _bench(args, uri, database, cluster_info, started,
                server_version)
        finally:
            if not args.keep:
                from trytond.pool import Pool
                try:
                    Pool.stop(database)
                    from trytond import backend
                    backend.Database(database).close()
                except Exception:
                    pass


def _bench(args, uri, database, cluster_info, started, server_version):
    import psycopg
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri)
    t0 = time.monotonic()
    activate_module(database, 'klachten_base', env)
    log(f"  {time.monotonic() - t0:.0f} s")
    log("Creating the company, departments and staff (proteus)...")
    t0 = time.monotonic()
    output = run_checked([sys.executable, __file__, '--setup-child',
            database], env, 'the municipality setup')
    ids = json.loads(output.strip().splitlines()[-1])
    log(f"  {time.monotonic() - t0:.0f} s")

    import trytond
    from klachten_base.task import KIND_TERMS as kind_terms
    KIND_TERMS.update(kind_terms)
    cron = Cron(database, ids['company'])
    start_revision = revision()
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0, context=cron.context):
        today = Pool().get('ir.date').today()

    conn = psycopg.connect(uri, dbname=database)
    data = Data(conn, ids, today)
    data.insert_due(args.reminders, args.escalations, args.feedback)
    due = {'reminders': args.reminders, 'escalations': args.escalations,
        'feedback': args.feedback}
    expected = Counter({'reminder': args.reminders,
            'escalation': args.escalations, 'feedback': args.feedback})

    results = []
    cold = None
    for n in args.sizes:
        t0 = time.monotonic()
        data.grow(n)
        data.analyze()
        counts = data.counts()
        log(f"N = {n:,}: {counts['open_complaints']:,} open complaints, "
            f"{counts['tasks']:,} tasks ({counts['open_tasks']:,} open), "
            f"inserted in {time.monotonic() - t0:.1f} s")

        floor, rows = data.floor(args.repeat)
        if rows != expected:
            raise RuntimeError(f"The floor found {dict(rows)} due rows, "
                f"not {dict(expected)}")

        if cold is None:
            # the first run of the process fills the caches: not timed
            data.reset()
            cold = cron.run()
        emails = None
        times, sql_times, queries, attempts = [], [], set(), set()
        cpu_times, loads = [], [os.getloadavg()[0]]
        for _ in range(args.cron_repeat):
            data.reset()
            elapsed, count, by_attempt = cron.run()
            times.append(elapsed)
            sql_times.append(COUNTER.sql_time)
            cpu_times.append(cron.cpu)
            loads.append(os.getloadavg()[0])
            queries.add(count)
            attempts.add(tuple(by_attempt))
            # it did all the work, and queued the same e-mails each time
            _, left = data.floor(1)
            if left:
                raise RuntimeError(f"After the cron, still due: {dict(left)}")
            if emails is None:
                emails = data.emails()
            elif data.emails() != emails:
                raise RuntimeError(f"The cron queued {dict(data.emails())}, "
                    f"then {dict(emails)}")
        queries = sorted(queries)
        if len(queries) != 1:
            log(f"  the query count varied between runs: {queries}")

        # recorded runs (not timed): statements, stacks, phases.  A
        # statement that runs more often than at the smallest N is
        # recorded again (up to 3 runs, the least of each kept): a cache
        # that Tryton cleaned in between (every [cache] clean_timeout)
        # costs a few queries once, a statement that depends on N repeats.
        record = None
        for _ in range(3):
            data.reset()
            cron.run(record=True)
            if record is None and args.statements:
                log_statements(COUNTER.sequence)
            if record is None:
                record = {
                    'keys': COUNTER.keys.copy(),
                    'stacks': COUNTER.stacks.copy(),
                    'phases': COUNTER.phases.copy(),
                    'key_time': COUNTER.key_time.copy(),
                    'recorded': [COUNTER.count],
                    }
            else:
                record['stacks'] = record['stacks'] & COUNTER.stacks
                record['recorded'].append(COUNTER.count)
            if not results or not growth([results[0], record | {'n': n}]):
                break
        data.reset()
        keys = Counter()
        for (key, _), times_ in record['stacks'].items():
            keys[key] += times_
        record['keys'] = keys
        if len(record['recorded']) > 1:
            log(f"  recorded {len(record['recorded'])} times: "
                f"{record['recorded']} queries")
        best = times.index(min(times))
        result = {
            'n': n, **counts,
            'floor': floor,
            'cron': times[best],
            'cron_sql': sql_times[best],
            'cron_median': statistics.median(times),
            'cron_cpu': cpu_times[best],
            # the work per due item beyond the floor of selecting them
            'per_item': (times[best] - floor) / sum(expected.values()),
            'load': (min(loads), max(loads)),
            'queries': queries[0],
            'all_queries': queries,
            'attempts': sorted(attempts)[-1],
            'emails': sum(emails.values()),
            'email_kinds': dict(emails),
            **record,
            }
        results.append(result)
        log(f"  floor {fmt_ms(floor)} ms, cron {fmt_ms(min(times))} ms "
            f"(SQL {fmt_ms(sql_times[best])} ms), {result['queries']:,} "
            f"queries, {result['emails']:,} e-mails queued")

    info = {
        'date': dt.datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z'),
        'duration': time.monotonic() - started,
        'machine': machine(),
        'postgresql': server_version,
        'cluster': cluster_info,
        'trytond': trytond.__version__,
        'command': command_line(),
        'repeat': args.repeat,
        'due': due,
        'cold_queries': cold[1],
        'cron_repeat': args.cron_repeat,
        'retries': cron.retries,
        'revision': start_revision,
        'changed': changed_sources(),
        'growth': growth(results),
        }
    text = render(results, info)
    print(text)
    if not args.no_readme:
        write_readme(text)
        log(f"Written to {README.relative_to(TOP)}")
    conn.close()
    if info['growth']:
        sys.exit(1)


if __name__ == '__main__':
    main()
