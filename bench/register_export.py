#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the complaints register export (klachten_report).

For each number N of registered complaints it measures:

- the register: ``ComplaintRegister.render_register([])`` as the
  coordinator runs it (access rules applied, labels translated, every
  complaint read with SQL and written with openpyxl write-only), time
  (best of --repeat) and peak Python memory (tracemalloc, a separate run);
- the floor: plain openpyxl write-only appending the same cells (the
  register's own rows, read beforehand into a list that is not counted)
  and saving to memory, time and peak memory likewise.

Without --uri it starts a throwaway PostgreSQL cluster on 127.0.0.1
(fsync off, bench/deadline_cron.py's Cluster) and removes it at the end.
The module is activated with trytond-admin, the municipality is created
with the test helpers (bench/deadline_cron.py --setup-child), and the
complaints are inserted with INSERT ... SELECT generate_series.

    .venv/bin/python bench/register_export.py --sizes 10000,100000
"""
import argparse
import gc
import io
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

INSERT = """
INSERT INTO klachten_complaint (
    company, number, state, received_date, registration_date, channel,
    anonymous, confidential, track, short_description, basis, subject,
    concerned_department, handler_department, handler_role, handler_user,
    admissibility, admissibility_date, outcome, decision_date, closing_date,
    acknowledged_on, answer_due, extension_count, create_uid, create_date)
SELECT %(company)s, 'B' || lpad(i::text, 7, '0'),
    (ARRAY['evaluation', 'investigation', 'conclusion', 'closed',
        'closed', 'cancelled'])[1 + i %% 6],
    DATE '2024-01-01' + (i %% 700),
    DATE '2024-01-01' + (i %% 700),
    (ARRAY['web_form', 'email', 'letter', 'phone', 'counter'])[1 + i %% 5],
    false, false, 'formal',
    (ARRAY['Geen antwoord op mijn e-mail', '=HYPERLINK("http://x")',
        'Lange wachttijd aan het loket', '+cmd', '@SUM(A1)',
        'Afval niet opgehaald: één week'])[1 + i %% 6],
    (ARRAY['treatment', 'communication', 'content'])[1 + i %% 3],
    NULL, %(department)s, %(department)s, %(role)s,
    CASE WHEN i %% 2 = 0 THEN %(handler)s END,
    CASE WHEN i %% 6 >= 1 THEN 'admissible' END,
    CASE WHEN i %% 6 >= 1 THEN DATE '2024-01-05' + (i %% 700) END,
    CASE WHEN i %% 6 >= 3 THEN
        (ARRAY['founded', 'partly_founded', 'unfounded'])[1 + i %% 3] END,
    CASE WHEN i %% 6 >= 3 THEN DATE '2024-01-20' + (i %% 700) + i %% 40 END,
    CASE WHEN i %% 6 >= 3 THEN DATE '2024-01-25' + (i %% 700) + i %% 40 END,
    DATE '2024-01-03' + (i %% 700),
    DATE '2024-02-15' + (i %% 700),
    i %% 3 / 2, %(user)s, now()
FROM generate_series(%(start)s::integer, %(stop)s::integer) AS i
"""
REMEDIES = """
INSERT INTO "klachten_complaint-klachten_remedy" (complaint, remedy,
    create_uid, create_date)
SELECT c.id, r.id, 0, now()
FROM klachten_complaint AS c
JOIN klachten_remedy AS r ON r.id %% 3 = c.id %% 3
WHERE c.id > %(last)s AND c.outcome IS NOT NULL
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--sizes', default='10000,100000')
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--uri', help="postgresql://user@host:port/")
    parser.add_argument('--no-readme', action='store_true')
    parser.add_argument('--floor-max', type=int, default=0,
        help="above this many complaints, time the register once and "
        "measure its peak memory, without the floor (which reads the "
        "whole register back into memory first)")
    parser.add_argument('--profile', action='store_true',
        help="instead of timing, run the register once per size under "
        "cProfile and print where its time goes (no floor, no README)")
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
        database = f'klachten_register_{os.getpid()}'
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
    "(wall seconds, CPU seconds of this process, result) of function()"
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    result = function()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def peak(function):
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def floor(rows, headers):
    "Plain openpyxl write-only: the same cells, no work of ours"
    from openpyxl import Workbook
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet('Register')
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def bench(args, uri, database):
    import psycopg
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri)
    from _harness import activate_module
    activate_module(database, 'klachten_report', env)
    log("Creating the company, departments and staff (proteus)...")
    output = run_checked([sys.executable, str(HERE / 'deadline_cron.py'),
            '--setup-child', database], env, 'the municipality setup')
    ids = json.loads(output.strip().splitlines()[-1])

    from openpyxl import load_workbook

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database)
    pool.init()
    context = {'company': ids['company'], 'language': 'nl'}
    user = ids['users']['coordinator']
    conn = psycopg.connect(uri, dbname=database)
    inserted = 0
    results = []
    for n in args.sizes:
        last = conn.execute(
            'SELECT COALESCE(MAX(id), 0) FROM klachten_complaint'
            ).fetchone()[0]
        conn.execute(INSERT, {
                'company': ids['company'],
                'department': ids['departments']['BZ'],
                'role': ids['roles']['handler'],
                'handler': ids['users']['handler1'],
                'user': user, 'start': inserted + 1, 'stop': n})
        conn.execute(REMEDIES, {'last': last})
        conn.commit()
        conn.execute('ANALYZE')
        inserted = n
        log(f"N = {n:,} complaints")
        with Transaction().start(database, user, context=context,
                readonly=True):
            Register = pool.get('klachten.complaint.register', type='report')
            if args.profile:
                profile(lambda: Register.render_register([]))
                continue
            if args.floor_max and n > args.floor_max:
                # the register alone: its time once, and its peak memory
                seconds, cpu, content = timed(
                    lambda: Register.render_register([]))
                memory = peak(lambda: Register.render_register([]))
                result = {
                    'n': n, 'seconds': seconds, 'cpu': cpu,
                    'peak_mb': memory / 2**20,
                    'file_mb': len(content) / 2**20,
                    'load': os.getloadavg()[0],
                    }
                log(json.dumps(result))
                results.append(result)
                continue
            _, _, content = timed(lambda: Register.render_register([]))
            workbook = load_workbook(io.BytesIO(content), read_only=True)
            rows = [[c.value for c in row]
                for row in workbook.worksheets[0].iter_rows()]
            headers, rows = rows[0], rows[1:]
            workbook.close()
            assert len(rows) == n, (len(rows), n)
            # keep the collector from walking the floor's input in every run
            gc.freeze()
            # interleaved, so that the load of the machine hits both alike
            register_runs, floor_runs = [], []
            for _ in range(args.repeat):
                floor_runs.append(timed(lambda: floor(rows, headers))[:2])
                register_runs.append(
                    timed(lambda: Register.render_register([]))[:2])
            seconds, cpu = min(register_runs)
            floor_seconds, floor_cpu = min(floor_runs)
            memory = peak(lambda: Register.render_register([]))
        floor_memory = peak(lambda: floor(rows, headers))
        gc.unfreeze()
        result = {
            'n': n, 'seconds': seconds, 'floor_seconds': floor_seconds,
            'ratio': seconds / floor_seconds,
            'cpu': cpu, 'floor_cpu': floor_cpu, 'cpu_ratio': cpu / floor_cpu,
            'peak_mb': memory / 2**20, 'floor_peak_mb': floor_memory / 2**20,
            'file_mb': len(content) / 2**20, 'load': os.getloadavg()[0],
            }
        rows = None
        log(json.dumps(result))
        results.append(result)
    conn.close()
    if not args.profile:
        report(args, results)


def profile(function):
    "Print where function()'s time goes: wall, CPU and the top functions"
    import cProfile
    import pstats
    gc.collect()
    profiler = cProfile.Profile()
    wall, cpu = time.perf_counter(), time.process_time()
    profiler.runcall(function)
    log(f"profiled: {time.perf_counter() - wall:.2f} s wall, "
        f"{time.process_time() - cpu:.2f} s CPU (under cProfile)")
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.sort_stats('tottime').print_stats(25)
    stats.sort_stats('cumulative').print_stats(25)


def psycopg_impl():
    import psycopg
    return f"{psycopg.__version__} ({psycopg.pq.__impl__} implementation)"


def report(args, results):
    m = machine()
    lines = [
        f"Run of {time.strftime('%Y-%m-%d')} at {revision()}: "
        f"{m['cpu']}, {m['nproc']} cores, {m['memory']}, Python "
        f"{m['python']}, psycopg {psycopg_impl()}, PostgreSQL throwaway "
        "cluster (fsync off).",
        "",
        "| complaints | register | floor (openpyxl) | ratio | register CPU "
        "| floor CPU | CPU ratio | register peak | floor peak | file |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
        ]
    for r in results:
        if 'floor_seconds' not in r:
            lines.append(
                f"| {r['n']:,} | {r['seconds']:.2f} s | | | {r['cpu']:.2f} s"
                f" | | | {r['peak_mb']:.1f} MB | | {r['file_mb']:.1f} MB |")
            continue
        lines.append(
            f"| {r['n']:,} | {r['seconds']:.2f} s | {r['floor_seconds']:.2f} s"
            f" | {r['ratio']:.2f} | {r['cpu']:.2f} s | {r['floor_cpu']:.2f} s"
            f" | {r['cpu_ratio']:.2f} | {r['peak_mb']:.1f} MB"
            f" | {r['floor_peak_mb']:.1f} MB | {r['file_mb']:.1f} MB |")
    lines += ["", "Load average (1 min) after each size: " + ", ".join(
            f"{r['n']:,}: {r['load']:.1f}" for r in results) + "."]
    text = '\n'.join(lines)
    print(text)
    if not args.no_readme:
        path = HERE / 'README.md'
        start = '<!-- register:start (written by bench/register_export.py) -->'
        end = '<!-- register:end -->'
        readme = path.read_text()
        if start in readme and end in readme:
            before = readme.split(start)[0]
            after = readme.split(end, 1)[1]
            path.write_text(f'{before}{start}\n{text}\n{end}{after}')
        else:
            log("bench/README.md has no register markers: not written")


if __name__ == '__main__':
    main()
