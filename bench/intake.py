#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the portal's complaint intake over HTTP on loopback.

trytond (klachten_portal activated in a PostgreSQL database) is served by
gunicorn with --workers sync worker processes (trytond.application, the
WSGI entry point trytond documents for production).  locust drives it
with --users concurrent users without pause, each filing complaints as a
browser does: GET the form, POST "Volgende", POST "Indienen" (303 to the
receipt), GET the receipt.  Next to it, the floor: a bare trytond route
of this benchmark only (bench/intake_server.py) that inserts one row in
the same database in its own transaction.

For each number of users: the floor, then the intake, each after a
warm-up run; it reports accepted requests per second, p50 and p95 of
their latency, the ratio to the floor, and checks in the database that
every accepted submission exists exactly once (and nothing else).

    .venv/bin/python bench/intake.py --users 4,16

Without --uri it starts a throwaway PostgreSQL cluster on 127.0.0.1 (the
Cluster of klachten_base/tests/harness.py) and removes it at the end.
gunicorn is installed with pip into var/bench-tools/ when missing (not
into .venv: it is not a dependency of the modules).
"""
import argparse
import datetime as dt
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP = HERE.parent
README = HERE / 'README.md'
TOOLS = TOP / 'var' / 'bench-tools'
BIN = Path(sys.executable).parent
START_MARK = '<!-- intake:start (written by bench/intake.py) -->'
END_MARK = '<!-- intake:end -->'
STEPS = ['1 form', '2 review', '3 submit', '4 receipt']

sys.path.insert(0, str(HERE))
from _harness import (  # noqa: E402
    free_port, postgresql, scratch_database, serves, terminate)
from _portal import activate_portal  # noqa: E402
from deadline_cron import log  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--users', default='4,16',
        help="numbers of concurrent users, comma-separated "
        "(default: %(default)s)")
    parser.add_argument('--run-time', type=int, default=30,
        help="seconds of each measured run (default: %(default)s)")
    parser.add_argument('--warmup', type=int, default=8,
        help="seconds of the unmeasured run before each (default: "
        "%(default)s)")
    parser.add_argument('--workers', type=int, default=4,
        help="gunicorn worker processes (default: %(default)s)")
    parser.add_argument('--uri',
        help="an existing PostgreSQL server (postgresql://user@host:port/);"
        " default: a throwaway cluster")
    parser.add_argument('--database', default=None,
        help="the database to create (default: klachten_intake_<pid>)")
    parser.add_argument('--keep', action='store_true',
        help="keep the database (and the throwaway cluster running)")
    parser.add_argument('--no-readme', action='store_true',
        help="only print; do not write bench/README.md")
    parser.add_argument('--profile', action='store_true',
        help="at the end, profile one submission in this process (cProfile"
        " and the SQL queries) and report where its time goes")
    parser.add_argument('--setup-child', metavar='DATABASE',
        help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.users = [int(u) for u in args.users.split(',')]
    return args


def setup_child(database):
    "Create company, departments and staff (run in a process of its own)"
    from proteus import config as pconfig
    cfg = pconfig.set_trytond(database=database)
    from klachten_base.tests.tools import setup_municipality
    setup_municipality(cfg)


def gunicorn_path():
    "The folder to put on PYTHONPATH for gunicorn (installed if missing)"
    try:
        import gunicorn  # noqa: F401
        return None
    except ImportError:
        pass
    if not (TOOLS / 'gunicorn').is_dir():
        log(f"Installing gunicorn into {TOOLS} (pip)...")
        subprocess.run([sys.executable, '-m', 'pip', 'install', '--quiet',
                '--disable-pip-version-check', '--target', str(TOOLS),
                'gunicorn'], check=True)
    return str(TOOLS)


class Server:
    "gunicorn serving intake_server:app"

    def __init__(self, uri, database, workers):
        self.port = free_port()
        self.url = f'http://127.0.0.1:{self.port}'
        self.log = tempfile.NamedTemporaryFile(
            prefix='klachten-intake-', suffix='.log', delete=False)
        paths = [p for p in [gunicorn_path(), str(HERE)] if p]
        env = dict(os.environ,
            PYTHONPATH=os.pathsep.join(paths),
            TRYTOND_DATABASE__URI=uri,
            TRYTOND_DATABASE_NAMES=database,
            TRYTOND_KLACHTEN__PORTAL_POST_RATE_LIMIT='0',
            TRYTOND_KLACHTEN__PORTAL_TOKEN_RATE_LIMIT='0')
        env.pop('TRYTOND_CONFIG', None)
        self.process = subprocess.Popen([sys.executable, '-m', 'gunicorn',
                '--workers', str(workers), '--worker-class', 'sync',
                '--bind', f'127.0.0.1:{self.port}', '--timeout', '120',
                '--log-level', 'warning', 'intake_server:app'],
            env=env, cwd=HERE, stdin=subprocess.DEVNULL,
            stdout=self.log, stderr=subprocess.STDOUT)
        self.version = subprocess.run([sys.executable, '-c',
                'import gunicorn; print(gunicorn.__version__)'],
            env=env, capture_output=True, text=True).stdout.strip()
        self.database = database
        self.workers = workers
        self._wait()

    def _wait(self, timeout=180):
        "Until every worker has loaded the pool and serves the form"
        end = time.monotonic() + timeout
        served = 0
        url = f'{self.url}/{self.database}/portal/complaint'
        while time.monotonic() < end and served < 3 * self.workers:
            if self.process.poll() is not None:
                break
            if serves(url, timeout=60):
                served += 1
                continue
            time.sleep(0.2)
        if served < 3 * self.workers:
            self.stop()
            raise RuntimeError("gunicorn did not serve the form:\n"
                + Path(self.log.name).read_text()[-5000:])

    def stop(self):
        terminate(self.process, 30)
        self.log.close()
        os.unlink(self.log.name)


def run_locust(server, user_class, users, seconds):
    "Run locust; return (records, accepted keys)"
    with tempfile.NamedTemporaryFile(suffix='.jsonl') as out:
        env = dict(os.environ, BENCH_DATABASE=server.database,
            BENCH_OUT=out.name)
        result = subprocess.run([str(BIN / 'locust'),
                '-f', str(HERE / 'intake_load.py'), '--headless',
                '--users', str(users), '--spawn-rate', str(users),
                '--run-time', f'{seconds}s', '--stop-timeout', '60',
                '--host', server.url, '--only-summary',
                '--loglevel', 'WARNING', user_class],
            env=env, capture_output=True, text=True, cwd=HERE)
        records, accepted = [], []
        for line in Path(out.name).read_text().splitlines():
            item = json.loads(line)
            if 'request' in item:
                records.append(item['request'])
            else:
                accepted.append(item['accepted'])
    if not records:
        log(result.stdout[-3000:], result.stderr[-3000:])
        raise RuntimeError(f"locust ran no request ({user_class})")
    return records, accepted


def percentile(values, p):
    values = sorted(values)
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method='inclusive')[p - 1]


def summarise(records, name):
    "requests/s, p50, p95, count, failures of the requests called name"
    mine = [r for r in records if r[0] == name]
    ok = [r for r in mine if r[3]]
    start = min(r[1] for r in records)
    end = max(r[1] + r[2] / 1000 for r in records)
    times = [r[2] for r in ok]
    return {
        'rate': len(ok) / (end - start),
        'p50': percentile(times, 50) if times else None,
        'p95': percentile(times, 95) if times else None,
        'count': len(ok),
        'failures': len(mine) - len(ok),
        'seconds': end - start,
        }


def verify(connection, table, column, accepted):
    """Whether every accepted key is in table exactly once, and no other
    row exists; return (missing, doubled, unaccepted rows)"""
    rows = dict(connection.execute(
            f'SELECT {column}, count(*) FROM {table} '
            f'WHERE {column} IS NOT NULL GROUP BY {column}').fetchall())
    accepted = set(accepted)
    missing = len([k for k in accepted if k not in rows])
    doubled = len([k for k, n in rows.items() if n > 1])
    extra = len([k for k in rows if k not in accepted])
    return missing, doubled, extra


def main():
    args = parse_args()
    if args.setup_child:
        setup_child(args.setup_child)
        return
    for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        os.environ.pop(name, None)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    with postgresql(args.uri, args.keep) as (uri, cluster_info):
        database = args.database or f'klachten_intake_{os.getpid()}'
        with scratch_database(uri, database, args.keep) as server_version:
            _bench(args, uri, database, cluster_info, server_version)


def _bench(args, uri, database, cluster_info, server_version):
    import psycopg
    started = time.monotonic()
    activate_portal(uri, database, __file__)
    connection = psycopg.connect(uri, dbname=database, autocommit=True)
    connection.execute('CREATE TABLE bench_floor (id SERIAL PRIMARY KEY, '
        'key VARCHAR NOT NULL, created TIMESTAMP DEFAULT now())')

    log(f"Starting gunicorn with {args.workers} workers...")
    server = Server(uri, database, args.workers)
    results = []
    # every key acknowledged so far, by table: the tables keep the rows of
    # the earlier runs
    acknowledged = {'bench_floor': [], 'klachten_complaint': []}
    try:
        for users in args.users:
            for kind, user_class, name, table, column in [
                    ('floor', 'FloorUser', 'floor', 'bench_floor', 'key'),
                    ('intake', 'IntakeUser', '3 submit',
                        'klachten_complaint', 'portal_submission_key'),
                    ]:
                log(f"{users} users, {kind}: warm-up {args.warmup} s, "
                    f"then {args.run_time} s...")
                _, warm = run_locust(server, user_class, users, args.warmup)
                records, accepted = run_locust(
                    server, user_class, users, args.run_time)
                result = summarise(records, name)
                result.update(users=users, kind=kind)
                if kind == 'intake':
                    result['steps'] = {s: summarise(records, s)
                        for s in STEPS}
                acknowledged[table] += warm + accepted
                result['missing'], result['doubled'], result['extra'] = (
                    verify(connection, table, column, acknowledged[table]))
                result['accepted'] = len(accepted)
                log(f"  {result['rate']:.1f}/s, p50 {result['p50']:.0f} ms,"
                    f" p95 {result['p95']:.0f} ms, {result['failures']} "
                    "failed; in the database: "
                    f"{result['missing']} missing, {result['doubled']} "
                    f"doubled, {result['extra']} not acknowledged")
                results.append(result)
        complaints = connection.execute(
            "SELECT count(*), count(number), "
            "count(*) FILTER (WHERE state = 'evaluation'), "
            "count(DISTINCT complainant) FROM klachten_complaint"
            ).fetchone()
    finally:
        server.stop()
        connection.close()
    load = os.getloadavg()[1]
    profile = profile_submission(uri, database) if args.profile else None
    report = format_report(args, results, complaints, profile, {
            'load': load,
            'cluster': cluster_info, 'postgresql': server_version,
            'gunicorn': server.version, 'seconds': time.monotonic() - started,
            })
    print(report)
    if not args.no_readme:
        write_readme(report)
    if any(r['missing'] or r['doubled'] or r['extra'] or r['failures']
            for r in results):
        sys.exit(1)


def revision():
    result = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'],
        cwd=TOP, capture_output=True, text=True)
    return result.stdout.strip() or '?'


def versions():
    from importlib.metadata import version
    return {name: version(name) for name in ['trytond', 'locust']}


def profile_submission(uri, database):
    """File one complaint in this process through the WSGI application
    (werkzeug's test client: no HTTP) and profile its POST "Indienen";
    return (milliseconds, queries, [(cumulative ms, function)])"""
    import cProfile
    import re
    import urllib.parse

    os.environ['TRYTOND_DATABASE__URI'] = uri
    from deadline_cron import COUNTER, display_path, is_project
    from werkzeug.test import Client

    import trytond.config as config
    from trytond.pool import Pool
    from trytond.protocols.wrappers import Response
    from trytond.wsgi import app
    if not config.has_section('klachten'):
        config.add_section('klachten')
    config.set('klachten', 'portal_post_rate_limit', '0')
    Pool.start()
    Pool(database).init()
    COUNTER.install()
    client = Client(app, Response)
    root = f'/{database}/portal'
    form = {'content_type': 'application/x-www-form-urlencoded'}
    profiler = cProfile.Profile()
    # the first submission of the process fills its caches: profile the
    # second, as a server's worker that already served some
    for number in range(2):
        page = client.get(f'{root}/complaint?lang=nl').get_data(
            as_text=True)
        fields = dict(re.findall(r'<input type="hidden" name="(csrf_token|'
                r'submission_key)" value="([^"]+)"', page))
        values = {**fields, 'lang': 'nl', 'name': f"Burger {number}",
            'email': 'profiel@example.org', 'short_description': "Profiel",
            'description': "Een klacht om te profileren."}
        client.post(f'{root}/complaint', data=urllib.parse.urlencode(
                {**values, 'action': 'next'}), **form)
        COUNTER.reset()
        COUNTER.active = True
        start = time.perf_counter()
        if number:
            profiler.enable()
        response = client.post(f'{root}/complaint',
            data=urllib.parse.urlencode({**values, 'action': 'submit'}),
            **form)
        profiler.disable()
        elapsed = (time.perf_counter() - start) * 1000
        COUNTER.active = False
        if response.status_code != 303:
            raise RuntimeError(
                f"profiled submission: {response.status_code}")
    profiler.create_stats()
    functions = []
    for (path, line, name), stat in profiler.stats.items():
        if is_project(path) and name not in {'wrapper', '<lambda>'}:
            functions.append((stat[3] * 1000,
                    f'{display_path(path)}:{line} {name}'))
    functions.sort(reverse=True)
    return elapsed, COUNTER.count, functions[:15]


def format_report(args, results, complaints, profile, info):
    now = dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path('/proc/cpuinfo').read_text().splitlines():
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    except OSError:
        pass
    v = versions()
    lines = [
        f"Run on {now} ({info['seconds']:.0f} s in all) at commit "
        f"{revision()} on {os.cpu_count()} CPUs ({cpu}); PostgreSQL "
        f"{info['postgresql']} ({info['cluster']}), Python "
        f"{platform.python_version()}, trytond {v['trytond']}, gunicorn "
        f"{info['gunicorn']} ({args.workers} sync workers), locust "
        f"{v['locust']} (FastHttpUser, on the same CPUs). Load average "
        f"over the last 5 minutes of the run: {info['load']:.1f}.",
        '',
        '```sh',
        '.venv/bin/python bench/intake.py --users '
        + ','.join(map(str, args.users))
        + (f' --run-time {args.run_time}' if args.run_time != 30 else '')
        + (f' --workers {args.workers}' if args.workers != 4 else '')
        + (' --profile' if args.profile else ''),
        '```',
        '',
        f"Each run: {args.warmup} s of warm-up, then {args.run_time} s "
        "measured. 'per s' counts the accepted requests (floor: 201, "
        "intake: the 303 of *Indienen*, one complaint each); p50 and p95 "
        "are their latencies. The intake's whole flow is four requests "
        "(form, review, submit, receipt).",
        '',
        '| users | floor per s | floor p50 / p95 ms | intake per s '
        '| submit p50 / p95 ms | floor ÷ intake | flow p50 ms '
        '(form + review + submit + receipt) |',
        '| ---: | ---: | ---: | ---: | ---: | ---: | --- |',
        ]
    by = {(r['users'], r['kind']): r for r in results}
    for users in args.users:
        floor, intake = by[(users, 'floor')], by[(users, 'intake')]
        steps = intake['steps']
        flow = ' + '.join(f"{steps[s]['p50']:.0f}" for s in STEPS)
        lines.append(
            f"| {users} | {floor['rate']:,.1f} | {floor['p50']:.1f} / "
            f"{floor['p95']:.1f} | {intake['rate']:,.1f} | "
            f"{intake['p50']:.0f} / {intake['p95']:.0f} | "
            f"{floor['rate'] / intake['rate']:.1f} | {flow} |")
    lines.append('')
    total, numbered, evaluation, parties = complaints
    accepted = sum(r['accepted'] for r in results if r['kind'] == 'intake')
    problems = [r for r in results
        if r['missing'] or r['doubled'] or r['extra'] or r['failures']]
    if problems:
        lines.append("**Not every submission was stored exactly once**: "
            + '; '.join(f"{r['users']} users {r['kind']}: {r['failures']} "
                f"failed, {r['missing']} missing, {r['doubled']} doubled, "
                f"{r['extra']} not acknowledged" for r in problems))
    else:
        lines.append(
            f"**Every accepted submission exists exactly once**: "
            f"{total:,} complaints in the database (warm-up included; "
            f"{accepted:,} in the measured runs), each with its key "
            "acknowledged by a 303 exactly once, none doubled, none "
            f"without an acknowledgement; {numbered:,} numbered, "
            f"{evaluation:,} in evaluation, {parties:,} complainants. The "
            "floor's rows likewise. No request failed.")
    if profile:
        elapsed, queries, functions = profile
        lines += ['', "Where a submission's time goes: one POST *Indienen* "
            "profiled with cProfile in the benchmark's process after a first "
            "one (werkzeug's test client on the same database, no HTTP, "
            "alone but for the machine's other work): "
            f"{elapsed:,.0f} ms under the profiler, {queries} SQL queries. "
            "The project's functions by cumulative time (a function's time "
            "includes what it calls):", '',
            '| ms | function |', '| ---: | --- |']
        lines += [f'| {ms:,.0f} | `{name}` |' for ms, name in functions]
    return '\n'.join(lines)


def write_readme(report):
    text = README.read_text()
    if START_MARK in text:
        before = text.split(START_MARK)[0]
        after = text.split(END_MARK, 1)[1]
        text = f'{before}{START_MARK}\n{report}\n{END_MARK}{after}'
    else:
        text = text.rstrip('\n') + f'\n\n{START_MARK}\n{report}\n{END_MARK}\n'
    README.write_text(text)


if __name__ == '__main__':
    main()
