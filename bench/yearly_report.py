#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the yearly report's tables (klachten_report/yearly.py).

For each number N of complaints (received over six years, the report's
year is the last) it measures:

- the report: ``yearly.compute(company, start, end)``, every table of the
  yearly report as the wizard computes them (SQL aggregates through
  Tryton, labels not included), time (best of --repeat) and peak Python
  memory (tracemalloc, a separate run);
- the floor: the same tables computed by plain SQL aggregate queries sent
  with psycopg (no Tryton, percentile_cont for the median, the notice term
  as a fixed number of days), time likewise;
- the rest of the report once: the template's values and the Word
  document with its four charts (``render_report``; no PDF, LibreOffice's
  time does not depend on N).

It checks that the report's tables equal the floor's.  Without --uri it
starts a throwaway PostgreSQL cluster on 127.0.0.1 (fsync off,
bench/deadline_cron.py's Cluster) and removes it at the end.

    .venv/bin/python bench/yearly_report.py --sizes 10000,100000
"""
import argparse
import datetime as dt
import gc
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from deadline_cron import (  # noqa: E402
    Cluster, log, machine, revision, run_checked)

YEAR = 2025
START, END = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
# six years of complaints: 2020-2025; k = i % 20 gives the state
INSERT = """
INSERT INTO klachten_complaint (
    company, number, state, received_date, registration_date, channel,
    anonymous, confidential, track, short_description, basis,
    concerned_department, handler_department, handler_role,
    admissibility, admissibility_date, outcome, resolved, decision_date,
    closing_date, answer_due, extension_count, feedback_requested,
    feedback, create_uid, create_date)
SELECT %(company)s, 'Y' || lpad(i::text, 7, '0'),
    (CASE WHEN k = 0 THEN 'evaluation' WHEN k = 1 THEN 'investigation'
        WHEN k = 2 THEN 'cancelled' WHEN k = 3 THEN 'feedback'
        ELSE 'closed' END),
    r, r,
    (ARRAY['web_form', 'email', 'letter', 'phone', 'in_person', 'counter',
        'fax'])[1 + i %% 7],
    false, false, CASE WHEN i %% 7 = 3 THEN 'informal' ELSE 'formal' END,
    'Klacht ' || i,
    (ARRAY['treatment', 'communication', 'content', NULL])[1 + i %% 4],
    CASE WHEN i %% 3 = 0 THEN %(om)s END, %(bz)s, %(role)s,
    (CASE WHEN k = 0 THEN NULL
        WHEN k >= 3 AND i %% 10 = 0 THEN 'inadmissible'
        ELSE 'admissible' END),
    CASE WHEN k > 0 THEN r + i %% 15 END,
    CASE WHEN k >= 3 AND i %% 10 <> 0 THEN
        (ARRAY['founded', 'partly_founded', 'unfounded',
            'founded_corrected', 'no_judgement', 'withdrawn'])[1 + i %% 6]
        END,
    CASE WHEN k >= 3 AND i %% 10 <> 0 AND i %% 6 IN (0, 1, 3) THEN
        (ARRAY['yes', 'partly', 'no'])[1 + i %% 3] END,
    CASE WHEN k >= 3 THEN r + i %% 90 END,
    CASE WHEN k >= 4 THEN r + i %% 90 + 14 WHEN k = 2 THEN r + 20 END,
    r + 45,
    CASE WHEN i %% 9 = 0 THEN 1 ELSE 0 END,
    k >= 3 AND i %% 3 = 0,
    CASE WHEN k >= 4 AND i %% 3 = 0 THEN
        (ARRAY['agree', 'disagree', NULL, 'agree'])[1 + i %% 4] END,
    %(user)s, now()
FROM (SELECT i, i %% 20 AS k, DATE '2020-01-01' + (i * 7919) %% 2190 AS r
    FROM generate_series(%(start)s::integer, %(stop)s::integer) AS i) AS s
"""
GROUNDS = """
INSERT INTO "klachten_complaint-klachten_inadmissibility_ground" (
    complaint, ground, create_uid, create_date)
SELECT c.id, g.id, 0, now()
FROM klachten_complaint AS c
JOIN klachten_inadmissibility_ground AS g ON g.id %% 5 = c.id %% 5
WHERE c.id > %(last)s AND c.admissibility = 'inadmissible'
"""
NORMS = """
INSERT INTO "klachten_complaint-klachten_norm" (
    complaint, norm, create_uid, create_date)
SELECT c.id, n.id, 0, now()
FROM klachten_complaint AS c
JOIN klachten_norm AS n ON n.id %% 11 IN (c.id %% 11, (c.id + 4) %% 11)
WHERE c.id > %(last)s AND c.outcome IN ('founded', 'partly_founded')
    AND n.norm_set = 'ombudsnormen'
"""
ACTIONS = """
INSERT INTO klachten_improvement_action (
    company, description, department, due_date, state, recommendation,
    create_uid, create_date)
SELECT %(company)s, 'Actie ' || i, %(bz)s, DATE '2024-01-01' + i * 3,
    (ARRAY['open', 'in_progress', 'done', 'cancelled'])[1 + i %% 4],
    i %% 5 = 0, %(user)s, now()
FROM generate_series(1, 300) AS i
"""

# the floor: plain SQL, the same tables
FLOOR = {
    'volume': """
SELECT {trend},
    SUM(CASE WHEN received_date BETWEEN %(start)s AND %(end)s
        THEN 1 ELSE 0 END),
    SUM(CASE WHEN received_date BETWEEN %(start)s AND %(end)s
        AND state = 'cancelled' THEN 1 ELSE 0 END),
    SUM(CASE WHEN received_date BETWEEN %(start)s AND %(end)s
        AND admissibility = 'admissible' THEN 1 ELSE 0 END),
    SUM(CASE WHEN received_date BETWEEN %(start)s AND %(end)s
        AND admissibility = 'inadmissible' THEN 1 ELSE 0 END),
    SUM(CASE WHEN received_date BETWEEN %(start)s AND %(end)s
        AND admissibility IS NULL AND state <> 'cancelled'
        THEN 1 ELSE 0 END),
    SUM(CASE WHEN received_date < %(start)s AND (closing_date IS NULL
        OR closing_date >= %(start)s) THEN 1 ELSE 0 END),
    SUM(CASE WHEN closing_date IS NULL OR closing_date > %(end)s
        THEN 1 ELSE 0 END)
FROM klachten_complaint
WHERE company = %(company)s AND state <> 'draft'
    AND received_date <= %(end)s""",
    'channels': """
SELECT channel, track, COUNT(*) FROM klachten_complaint
WHERE {received} GROUP BY channel, track""",
    'grounds': """
SELECT g.ground, COUNT(*) FROM klachten_complaint AS c
JOIN "klachten_complaint-klachten_inadmissibility_ground" AS g
    ON g.complaint = c.id
WHERE {received_c} AND c.admissibility = 'inadmissible'
GROUP BY g.ground""",
    'refusals': """
SELECT COUNT(*), SUM(CASE WHEN admissibility_date <= received_date + 10
    THEN 1 ELSE 0 END)
FROM klachten_complaint
WHERE {received} AND admissibility = 'inadmissible'""",
    'outcomes': """
SELECT CASE WHEN admissibility = 'inadmissible' THEN 'inadmissible'
    WHEN outcome IS NOT NULL THEN outcome
    WHEN resolution IS NOT NULL THEN 'resolved' ELSE 'none' END AS kind,
    COUNT(*)
FROM klachten_complaint WHERE {decided} GROUP BY kind""",
    'resolved': """
SELECT resolved, COUNT(*) FROM klachten_complaint
WHERE {decided} AND admissibility <> 'inadmissible'
    AND outcome IN ('founded', 'partly_founded', 'founded_corrected')
GROUP BY resolved""",
    'norms': """
SELECT n.norm, COUNT(*) FROM klachten_complaint AS c
JOIN "klachten_complaint-klachten_norm" AS n ON n.complaint = c.id
WHERE {decided_c} GROUP BY n.norm""",
    'lead_time': """
SELECT track, COUNT(*), SUM(CASE WHEN answer_due IS NOT NULL THEN 1 END),
    SUM(CASE WHEN decision_date <= answer_due THEN 1 ELSE 0 END),
    SUM(CASE WHEN extension_count > 0 THEN 1 ELSE 0 END),
    AVG(decision_date - received_date),
    percentile_cont(0.5) WITHIN GROUP (
        ORDER BY decision_date - received_date),
    SUM(CASE WHEN decision_date - received_date <= 7 THEN 1 ELSE 0 END)
FROM klachten_complaint WHERE {decided} GROUP BY ROLLUP (track)""",
    'departments': """
SELECT COALESCE(concerned_department, handler_department) AS d, COUNT(*),
    SUM(CASE WHEN admissibility = 'admissible' THEN 1 ELSE 0 END),
    SUM(CASE WHEN admissibility = 'admissible' AND outcome IN (
        'founded', 'partly_founded', 'founded_corrected')
        THEN 1 ELSE 0 END)
FROM klachten_complaint WHERE {received} GROUP BY d""",
    'bases': """
SELECT basis, COUNT(*) FROM klachten_complaint WHERE {received}
GROUP BY basis""",
    'satisfaction': """
SELECT COUNT(*), SUM(CASE WHEN feedback = 'agree' THEN 1 ELSE 0 END),
    SUM(CASE WHEN feedback = 'disagree' THEN 1 ELSE 0 END)
FROM klachten_complaint WHERE {decided} AND feedback_requested""",
    'actions': """
SELECT state, COUNT(*) FROM klachten_improvement_action
WHERE company = %(company)s AND (due_date BETWEEN %(start)s AND %(end)s
    OR state IN ('open', 'in_progress'))
GROUP BY state""",
    'recommendations': """
SELECT description, department, state, due_date
FROM klachten_improvement_action
WHERE company = %(company)s AND (due_date BETWEEN %(start)s AND %(end)s
    OR state IN ('open', 'in_progress')) AND recommendation
ORDER BY due_date, id""",
    }
RECEIVED = ("{p}company = %(company)s AND {p}state <> 'draft' "
    "AND {p}received_date BETWEEN %(start)s AND %(end)s")
DECIDED = ("{p}company = %(company)s "
    "AND {p}state IN ('feedback', 'closed') "
    "AND {p}decision_date BETWEEN %(start)s AND %(end)s")


def floor_queries():
    trend = ',\n    '.join(
        f"SUM(CASE WHEN received_date BETWEEN %(start{k})s AND %(end{k})s "
        "THEN 1 ELSE 0 END)" for k in range(4, -1, -1))
    return {name: query.format(trend=trend,
            received=RECEIVED.format(p=''),
            received_c=RECEIVED.format(p='c.'),
            decided=DECIDED.format(p=''),
            decided_c=DECIDED.format(p='c.'))
        for name, query in FLOOR.items()}


def floor(conn, queries, params):
    "The tables by plain SQL: {name: rows}"
    return {name: conn.execute(query, params).fetchall()
        for name, query in queries.items()}


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='10000,100000')
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--uri', help="postgresql://user@host:port/")
    parser.add_argument('--no-readme', action='store_true')
    return parser.parse_args()


def main():
    args = parse_args()
    args.sizes = sorted(int(s.replace('_', '')) for s in args.sizes.split(','))
    for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        os.environ.pop(name, None)
    cluster = None
    try:
        if args.uri:
            uri = args.uri if args.uri.endswith('/') else args.uri + '/'
        else:
            cluster = Cluster()
            uri = cluster.start()
            log(f"PostgreSQL on {uri} (data in {cluster.dir})")
        os.environ['TRYTOND_DATABASE__URI'] = uri
        database = f'klachten_yearly_{os.getpid()}'
        import psycopg
        admin = psycopg.connect(uri, dbname='postgres', autocommit=True)
        admin.execute(f'CREATE DATABASE "{database}"')
        try:
            bench(args, uri, database)
        finally:
            from trytond.pool import Pool
            try:
                Pool.stop(database)
                from trytond import backend
                backend.Database(database).close()
            except Exception:
                pass
            admin.execute(
                'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                'WHERE datname = %s AND pid <> pg_backend_pid()',
                (database,))
            admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
            admin.close()
    finally:
        if cluster is not None:
            cluster.stop()


def timed(function):
    "(wall seconds, result) of function()"
    gc.collect()
    wall = time.perf_counter()
    result = function()
    return time.perf_counter() - wall, result


def peak(function):
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def setup(uri, database):
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri)
    from _harness import activate_module
    activate_module(database, 'klachten_report', env)
    log("Creating the company, departments and staff (proteus)...")
    output = run_checked([sys.executable, str(HERE / 'deadline_cron.py'),
            '--setup-child', database], env, 'the municipality setup')
    return json.loads(output.strip().splitlines()[-1])


def params(ids):
    from klachten_report.yearly import shift_years
    values = {'company': ids['company'], 'start': START, 'end': END}
    for k in range(5):
        values[f'start{k}'] = shift_years(START, k)
        values[f'end{k}'] = shift_years(END, k)
    return values


def check(tables, rows):
    "The report's tables equal the floor's"
    volume = rows['volume'][0]
    assert [t['received'] for t in tables['trend']] == list(volume[:5])
    assert tables['volume']['received'] == volume[5], (tables, volume)
    assert tables['volume']['open_at_end'] == volume[11]
    assert tables['volume']['carried_over'] == volume[10]
    assert tables['outcomes'] == dict(rows['outcomes'])
    assert tables['norms'] == dict(rows['norms'])
    assert tables['grounds'] == dict(rows['grounds'])
    assert tables['resolved'] == dict(rows['resolved'])
    assert tables['bases'] == dict(rows['bases'])
    assert tables['channels'] == {(c, t): n
        for c, t, n in rows['channels']}
    total, = [r for r in rows['lead_time'] if r[0] is None]
    lead = tables['lead_time']
    assert lead['decided'] == total[1]
    assert lead['within_term'] == total[3]
    assert lead['extended'] == total[4]
    assert abs(lead['average'] - float(total[5])) < 1e-9
    assert lead['median'] == total[6], (lead['median'], total[6])
    assert lead['within_target'] == total[7]
    assert tables['actions']['states'] == dict(rows['actions'])
    assert tables['satisfaction']['requested'] == rows['satisfaction'][0][0]


def bench(args, uri, database):
    import psycopg
    ids = setup(uri, database)

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database)
    pool.init()
    from klachten_report.yearly import compute
    from klachten_report.yearly_report import render_report
    user = ids['users']['coordinator']
    context = {'company': ids['company'], 'language': 'nl'}
    conn = psycopg.connect(uri, dbname=database)
    values = {
        'company': ids['company'], 'user': user, 'role': ids['roles'][
            'handler'], 'bz': ids['departments']['BZ'],
        'om': ids['departments']['OM'],
        }
    conn.execute(ACTIONS, values)
    queries = floor_queries()
    floor_params = params(ids)
    inserted, results = 0, []
    for n in args.sizes:
        last = conn.execute(
            'SELECT COALESCE(MAX(id), 0) FROM klachten_complaint'
            ).fetchone()[0]
        conn.execute(INSERT, dict(values, start=inserted + 1, stop=n))
        conn.execute(GROUNDS, {'last': last})
        conn.execute(NORMS, {'last': last})
        conn.commit()
        conn.execute('ANALYZE')
        conn.commit()
        inserted = n
        log(f"N = {n:,} complaints")
        with Transaction().start(database, user, context=context,
                readonly=True):
            Company = pool.get('company.company')
            company = Company(ids['company'])

            def report():
                return compute(company, START, END)
            tables = report()
            check(tables, floor(conn, queries, floor_params))
            report_runs, floor_runs = [], []
            for _ in range(args.repeat):
                floor_runs.append(timed(
                        lambda: floor(conn, queries, floor_params))[0])
                report_runs.append(timed(report)[0])
            memory = peak(report)
            floor_memory = peak(lambda: floor(conn, queries, floor_params))
            Yearly = pool.get('klachten.yearly.report')
            Template = pool.get('klachten.document.template')
            record = Yearly(company=company, period_start=START,
                period_end=END, variant='flemish', language='nl')
            render_seconds, docx = timed(lambda: render_report(
                    Template.content('yearly_report', 'nl'),
                    record._template_values(tables)))
        result = {
            'n': n, 'seconds': min(report_runs),
            'floor_seconds': min(floor_runs),
            'ratio': min(report_runs) / min(floor_runs),
            'peak_kb': memory / 2**10, 'floor_peak_kb': floor_memory / 2**10,
            'render_seconds': render_seconds, 'docx_kb': len(docx) / 2**10,
            }
        log(json.dumps(result))
        results.append(result)
    conn.close()
    write(args, results)


def write(args, results):
    m = machine()
    lines = [
        f"Run of {time.strftime('%Y-%m-%d')} at {revision()}: "
        f"{m['cpu']}, {m['nproc']} cores, {m['memory']}, Python "
        f"{m['python']}, PostgreSQL throwaway cluster (fsync off).",
        "",
        "| complaints | report's tables | floor (plain SQL) | ratio "
        "| report peak | floor peak | Word with charts | .docx |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['seconds'] * 1000:.0f} ms "
            f"| {r['floor_seconds'] * 1000:.0f} ms | {r['ratio']:.2f} "
            f"| {r['peak_kb']:.0f} KB | {r['floor_peak_kb']:.0f} KB "
            f"| {r['render_seconds']:.2f} s | {r['docx_kb']:.0f} KB |")
    text = '\n'.join(lines)
    print(text)
    if not args.no_readme:
        path = HERE / 'README.md'
        start = '<!-- yearly:start (written by bench/yearly_report.py) -->'
        end = '<!-- yearly:end -->'
        readme = path.read_text()
        if start in readme and end in readme:
            before = readme.split(start)[0]
            after = readme.split(end, 1)[1]
            path.write_text(f'{before}{start}\n{text}\n{end}{after}')
        else:
            log("bench/README.md has no yearly markers: not written")


if __name__ == '__main__':
    main()
