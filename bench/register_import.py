#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the import of an old complaints register (klachten_report).

For N generated rows of a realistic register (.xlsx: number, dates, name,
e-mail, phone, address, channel, department, description, outcome, state)
it measures:

- the import: ``check`` (the dry run) then ``start`` and every queued batch
  run in this process as the worker runs them (``trytond.worker.run_task``,
  one transaction each), as the coordinator, best of --repeat (each run
  imports a file of new numbers);
- the floor: openpyxl read-only iteration of the same file plus one
  ``executemany`` INSERT of the same values into a plain table of the same
  PostgreSQL database, committed, best of --repeat.

The goal (issue 17): the import within 3 x the floor at 10,000 rows.

Without --uri it starts a throwaway PostgreSQL cluster on 127.0.0.1
(fsync off, bench/deadline_cron.py's Cluster) and removes it at the end.

    .venv/bin/python bench/register_import.py --rows 10000
"""
import argparse
import contextlib
import datetime as dt
import gc
import io
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from deadline_cron import (  # noqa: E402
    Cluster, log, machine, revision, run_checked)

HEADERS = ["Nummer", "Ontvangen op", "Naam", "E-mail", "Telefoon",
    "Straat", "Postcode", "Gemeente", "Kanaal", "Betrokken dienst",
    "Korte omschrijving", "Uitkomst", "Status", "Afgesloten op"]
MAPPING = [("Naam", 'complainant_name'), ("E-mail", 'complainant_email'),
    ("Telefoon", 'complainant_phone'), ("Straat", 'complainant_street'),
    ("Postcode", 'complainant_postal_code'),
    ("Gemeente", 'complainant_city'), ("Uitkomst", 'outcome')]
DESCRIPTIONS = ["Geen antwoord op mijn e-mail", "Lange wachttijd aan het "
    "loket", "Afval niet opgehaald: één week", "Onvriendelijk onthaald",
    "Rioolgeur in de straat", "Factuur twee keer ontvangen"]
FLOOR_TABLE = """
CREATE TABLE IF NOT EXISTS bench_floor (
    number varchar, received_date date, name varchar, email varchar,
    phone varchar, street varchar, postal_code varchar, city varchar,
    channel varchar, department varchar, short_description varchar,
    outcome varchar, state varchar, closing_date date)
"""


def make_register(n, prefix):
    "The .xlsx bytes of n rows with numbers prefix-00001..."
    from openpyxl import Workbook
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet('Klachtenregister')
    sheet.append(HEADERS)
    start = dt.date(2015, 1, 1)
    for i in range(n):
        received = start + dt.timedelta(days=i % 3000)
        sheet.append([
                f'{prefix}-{i:05d}', received, f"Burger {i}",
                f'burger{i}@example.org', f'+32 3 {i % 1000:03d} 00 00',
                f'Kerkstraat {i % 200 + 1}', f'{2000 + i % 900}', 'Zoersel',
                ['Brief', 'Telefoon', 'E-mail', 'Loket'][i % 4],
                ['Burgerzaken', 'Omgeving'][i % 2],
                DESCRIPTIONS[i % len(DESCRIPTIONS)],
                ['Gegrond', 'Ongegrond', 'Deels gegrond'][i % 3],
                ['Afgesloten', 'Geannuleerd'][int(i % 10 == 0)],
                received + dt.timedelta(days=20 + i % 30)])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def floor(conn, data):
    "openpyxl read-only iteration + executemany INSERT of the same rows"
    from openpyxl import load_workbook
    workbook = load_workbook(io.BytesIO(data), read_only=True,
        data_only=True)
    rows = workbook.worksheets[0].iter_rows(min_row=2, values_only=True)
    values = [tuple(v.date() if isinstance(v, dt.datetime) else v
            for v in row) for row in rows]
    workbook.close()
    with conn.cursor() as cursor:
        cursor.executemany(
            'INSERT INTO bench_floor VALUES (' + ', '.join(['%s'] * 14)
            + ')', values)
    conn.commit()
    return len(values)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--rows', type=int, default=10000)
    parser.add_argument('--repeat', type=int, default=2)
    parser.add_argument('--uri', help="postgresql://user@host:port/")
    parser.add_argument('--no-readme', action='store_true')
    parser.add_argument('--profile', metavar='PREFIX',
        help="profile one more import with cProfile: PREFIX.check.prof and "
        "PREFIX.batches.prof, and print where the time went (README not "
        "written)")
    parser.add_argument('--batch', type=int,
        help="rows a queued batch (default: the module's BATCH); with "
        "another size the README is not written")
    return parser.parse_args()


def main():
    args = parse_args()
    for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        os.environ.pop(name, None)
    # the batches wait in the queue for this process, as for a worker
    os.environ['TRYTOND_QUEUE__WORKER'] = 'True'
    cluster = None
    try:
        if args.uri:
            uri = args.uri if args.uri.endswith('/') else args.uri + '/'
        else:
            cluster = Cluster()
            uri = cluster.start()
            log(f"PostgreSQL on {uri} (data in {cluster.dir})")
        os.environ['TRYTOND_DATABASE__URI'] = uri
        database = f'klachten_import_{os.getpid()}'
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


def bench(args, uri, database):
    import psycopg
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri)
    from _harness import activate_module
    activate_module(database, 'klachten_report', env)
    log("Creating the company, departments and staff (proteus)...")
    output = run_checked([sys.executable, str(HERE / 'deadline_cron.py'),
            '--setup-child', database], env, 'the municipality setup')
    ids = json.loads(output.strip().splitlines()[-1])

    from trytond.pool import Pool
    from trytond.transaction import Transaction
    from trytond.worker import run_task
    pool = Pool(database)
    pool.init()
    # the module the pool's class of the import comes from
    register_import = sys.modules[next(
            c for c in pool.get('klachten.register.import').__mro__
            if 'run_batch' in vars(c)).__module__]
    if args.batch:
        register_import.BATCH = register_import.MIN_BATCH = args.batch
        args.no_readme = True
    log(f"batches of {register_import.batch_size(args.rows)} rows")
    context = {'company': ids['company'], 'language': 'nl'}
    user = ids['users']['coordinator']
    with Transaction().start(database, user, context=context):
        Mapping = pool.get('klachten.register.import.mapping')
        Mapping.create([{
                    'name': "Oud register",
                    'lines': [('create', [{'column': c, 'field': f}
                                for c, f in MAPPING])],
                    }])

    def run_import(data, phases=None, profiles=None):
        phases = phases if phases is not None else {}
        profiles = profiles or {}
        with Transaction().start(database, user, context=context):
            Import = pool.get('klachten.register.import')
            imp, = Import.create([{'file': data, 'file_name': 'r.xlsx'}])
            imp_id = imp.id
        wall, cpu = time.perf_counter(), time.process_time()
        with profiled(profiles.get('check')):
            with Transaction().start(database, user, context=context):
                Import = pool.get('klachten.register.import')
                Import.check([Import(imp_id)])
        phases['check'] = (time.perf_counter() - wall,
            time.process_time() - cpu)
        wall, cpu = time.perf_counter(), time.process_time()
        with Transaction().start(database, user, context=context):
            Import = pool.get('klachten.register.import')
            Import.start([Import(imp_id)])
        batches = 0
        with profiled(profiles.get('batches')):
            batches = run_batches()
        phases['batches'] = (time.perf_counter() - wall,
            time.process_time() - cpu)
        with Transaction().start(database, user, context=context,
                readonly=True):
            imp = pool.get('klachten.register.import')(imp_id)
            return imp.state, imp.created, imp.failed, batches

    def run_batches():
        batches = 0
        while True:
            with Transaction().start(database, 0, readonly=True):
                Queue = pool.get('ir.queue')
                tasks = Queue.search([('dequeued_at', '=', None)])
                ids = [t.id for t in tasks
                    if t.data.get('model') == 'klachten.register.import']
            if not ids:
                break
            for task_id in ids:
                run_task(pool, task_id)
                batches += 1
        return batches

    conn = psycopg.connect(uri, dbname=database)
    conn.execute(FLOOR_TABLE)
    conn.commit()
    n = args.rows
    files = [make_register(n, f'R{r}') for r in range(args.repeat + 1)]
    log(f"{n:,} rows, {len(files[0]) / 2**20:.1f} MB a file")
    # warm up: caches, pool, the first file (not timed)
    log(json.dumps(run_import(files[0])))
    if args.profile:
        profile(args, run_import, make_register(n, 'RP'))
        conn.close()
        return
    floor_runs, import_runs = [], []
    for r in range(args.repeat):
        conn.execute('TRUNCATE bench_floor')
        conn.commit()
        floor_runs.append(timed(lambda: floor(conn, files[r + 1])))
        phases = {}
        seconds, cpu, result = timed(lambda: run_import(files[r + 1], phases))
        assert result[:3] == ('done', n, 0), result
        import_runs.append((seconds, cpu, result))
        log(f"import {seconds:.2f} s (CPU {cpu:.2f} s), floor "
            f"{floor_runs[-1][0]:.2f} s (CPU {floor_runs[-1][1]:.2f} s); "
            + ', '.join(f"{k} {w:.2f} s (CPU {c:.2f} s)"
                for k, (w, c) in phases.items())
            + f"; load {os.getloadavg()[0]:.1f}")
    conn.close()
    seconds, cpu, result = min(import_runs)
    floor_seconds, floor_cpu, _ = min(floor_runs)
    report(args, {
            'n': n, 'seconds': seconds, 'cpu': cpu,
            'floor_seconds': floor_seconds, 'floor_cpu': floor_cpu,
            'ratio': seconds / floor_seconds, 'batches': result[3],
            })


class profiled:
    "cProfile of the block into path, if path"

    def __init__(self, path):
        self.path = path
        self.profile = None

    def __enter__(self):
        if self.path:
            import cProfile
            self.profile = cProfile.Profile()
            self.profile.enable()

    def __exit__(self, *exc):
        if self.profile:
            self.profile.disable()
            self.profile.dump_stats(self.path)


@contextlib.contextmanager
def statements_timed():
    "{statement's first 150 characters: [seconds, count]} of the block"
    import psycopg
    statements = {}
    execute = psycopg.Cursor.execute

    def timed_execute(self, query, *args, **kwargs):
        start = time.perf_counter()
        try:
            return execute(self, query, *args, **kwargs)
        finally:
            text = query if isinstance(query, str) else str(query)
            entry = statements.setdefault(' '.join(text.split())[:150],
                [0, 0])
            entry[0] += time.perf_counter() - start
            entry[1] += 1
    psycopg.Cursor.execute = timed_execute
    try:
        yield statements
    finally:
        psycopg.Cursor.execute = execute


# where a run waits on PostgreSQL: psycopg's calls that send a statement or
# rows and wait for the server's answer
WAITS = [('psycopg/cursor.py', 'execute'), ('psycopg/cursor.py',
        'executemany'), ('psycopg/copy.py', 'write_row'),
    ('psycopg/copy.py', '__exit__'), ('psycopg/connection.py', 'commit')]


def profile(args, run_import, data):
    "One import profiled: its phases and their time in psycopg"
    import pstats
    paths = {k: f'{args.profile}.{k}.prof' for k in ['check', 'batches']}
    phases = {}
    with statements_timed() as statements:
        result = run_import(data, phases, paths)
    log(json.dumps(result))
    log("The statements that took longest in all (wall seconds, count):")
    for text, (seconds, count) in sorted(statements.items(),
            key=lambda i: -i[1][0])[:12]:
        log(f"  {seconds:6.2f} s {count:6} x {text}")
    for name, path in paths.items():
        stats = pstats.Stats(path)
        waits = sum(cumulative for (file, _, function), (
                    _, _, _, cumulative, _) in stats.stats.items()
            if any(file.endswith(f) and function == w for f, w in WAITS))
        wall, cpu = phases[name]
        log(f"{name}: {wall:.2f} s profiled (CPU {cpu:.2f} s), "
            f"{waits:.2f} s in psycopg's execute/copy/commit; {path}")
        stats.sort_stats('cumulative').print_stats(25)
        stats.sort_stats('tottime').print_stats(25)


def report(args, r):
    m = machine()
    text = '\n'.join([
            f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
            f"at {revision()}: {m['cpu']}, {m['nproc']} cores, "
            f"{m['memory']}, Python {m['python']}, PostgreSQL throwaway "
            "cluster (fsync off).",
            "",
            "| rows | import (check + batches) | floor (openpyxl + "
            "executemany) | ratio | import CPU | floor CPU | batches |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {r['n']:,} | {r['seconds']:.2f} s | "
            f"{r['floor_seconds']:.2f} s | {r['ratio']:.2f} | "
            f"{r['cpu']:.2f} s | {r['floor_cpu']:.2f} s | {r['batches']} |",
            ])
    print(text)
    if not args.no_readme:
        path = HERE / 'README.md'
        start = '<!-- import:start (written by bench/register_import.py) -->'
        end = '<!-- import:end -->'
        readme = path.read_text()
        if start in readme and end in readme:
            before = readme.split(start)[0]
            after = readme.split(end, 1)[1]
            path.write_text(f'{before}{start}\n{text}\n{end}{after}')
        else:
            log("bench/README.md has no import markers: not written")


if __name__ == '__main__':
    main()
