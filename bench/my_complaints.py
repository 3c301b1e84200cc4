#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Benchmark of the citizen's *Mijn klachten* (klachten_portal) at scale.

For each number N of complaints (of --parties other citizens, each with an
e-mail address) and a citizen with a portal account who sees 20 of them
(10 filed while logged in, 10 filed with her address and confirmed by the
link e-mailed to it; not counted: 5 filed with her address but never
confirmed, 2 drafts, 1 anonymous), it times what the page reads, as the
route does (root, read-only transaction):
``pages.account.summaries(pool, user.portal_complaints_domain())`` (the
web user's read, then one statement: the shown columns of the complaints
found by the domain, the parties with her address a sub-query of it), in a
new transaction each time; next to

- the floor: one hand-written SQL query returning the same rows and
  columns (checked), on its own connection;
- session 11's page (the parties with her address looked up first, then
  ``search_read`` of the six fields: four statements), interleaved too;
- the domain before issue 18 (the complainant's e-mail addresses matched
  with ``where``/``ilike`` inside the complaints query), for comparison.

Median and 95th percentile of --repeat runs (the old domain: of 3), the
statements of one call, and the mean CPU of a call: this process's
(Python) and its PostgreSQL backend's (/proc/<pid>/schedstat), the
floor's likewise.  --profile logs a cProfile of one call.
Without --uri it starts a throwaway PostgreSQL cluster (fsync off).

    .venv/bin/python bench/my_complaints.py --sizes 1000000

The table goes into bench/README.md between its markers unless
--no-readme.
"""
import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from _harness import activate_module, log, postgresql, scratch_database

HERE = Path(__file__).resolve().parent
TOP = HERE.parent
README = HERE / 'README.md'
EMAIL = 'Burger.Test@Example.org'

FLOOR = """
SELECT c.number, c.short_description, c.description, c.received_date,
    c.state, c.answer_due
FROM klachten_complaint AS c
WHERE c.state != 'draft' AND c.anonymous IS NOT TRUE
    AND (c.complainant = %(party)s
        OR (c.portal_address_confirmed
            AND c.complainant = ANY(ARRAY(
                SELECT m.party FROM party_contact_mechanism AS m
                WHERE m.type = 'email' AND m.active
                    AND lower(m.value) = lower(%(email)s)))))
ORDER BY c.received_date DESC, c.id DESC
"""


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--sizes', default='1000000')
    parser.add_argument('--parties', type=int, default=100000)
    parser.add_argument('--repeat', type=int, default=50)
    parser.add_argument('--uri', help="an existing PostgreSQL server")
    parser.add_argument('--no-readme', action='store_true')
    parser.add_argument('--profile', action='store_true',
        help="log a cProfile of one call of the page")
    args = parser.parse_args()
    args.sizes = sorted(int(s.replace('_', '')) for s in args.sizes.split(','))
    return args


def main():
    args = parse_args()
    for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        os.environ.pop(name, None)
    results = []
    with postgresql(args.uri) as (uri, _):
        os.environ['TRYTOND_DATABASE__URI'] = uri
        for n in args.sizes:
            database = f'klachten_my_complaints_{os.getpid()}_{n}'
            with scratch_database(uri, database) as version:
                results.append(bench_size(args, uri, database, n))
                results[-1]['postgresql'] = version
                from trytond.pool import Pool
                Pool.stop(database)
                from trytond import backend
                backend.Database(database).close()
    text = render(args, results)
    print(text)
    if not args.no_readme:
        path = README
        start = ('<!-- my-complaints:start '
            '(written by bench/my_complaints.py) -->')
        end = '<!-- my-complaints:end -->'
        readme = path.read_text()
        if start in readme and end in readme:
            before = readme.split(start)[0]
            after = readme.split(end, 1)[1]
            path.write_text(f'{before}{start}\n{text}\n{end}{after}')
        else:
            log("bench/README.md has no my-complaints markers: not written")


def activate(uri, database):
    "Activate klachten_portal and set up the municipality: its ids"
    from backoffice import run_checked
    env = dict(os.environ, TRYTOND_DATABASE__URI=uri)
    activate_module(database, 'klachten_portal', env)
    return json.loads(run_checked([sys.executable,
                str(HERE / 'backoffice.py'), '--setup-child', database],
            env, 'setup').strip().splitlines()[-1])


def citizen(database, ids):
    """The citizen: her party and portal account, and the party of a
    complaint she filed with her address without logging in"""
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    with Transaction().start(database, 0,
            context={'company': ids['company']}):
        pool = Pool()
        Party = pool.get('party.party')
        WebUser = pool.get('web.user')
        party, other = Party.create([{
                    'name': "Burger Test",
                    'contact_mechanisms': [('create', [{
                                    'type': 'email', 'value': EMAIL}])],
                    }, {
                    'name': "Burger Test (web form)",
                    'contact_mechanisms': [('create', [{
                                    'type': 'email',
                                    'value': EMAIL.lower()}])],
                    }])
        user, = WebUser.create([{
                    'email': EMAIL, 'password': 'een-lang-wachtwoord',
                    'email_valid': True, 'party': party.id}])
        return user.id, party.id, other.id


def generate(conn, ids, n, parties, party, other):
    "parties other citizens and n complaints, 20 of them hers, with SQL"
    with conn.cursor() as cur:
        cur.execute("""
            INSERT INTO party_party (name, code, active, create_uid,
                create_date)
            SELECT 'Burger ' || i, 'BENCH' || i, true, 0, now()
            FROM generate_series(1, %(parties)s) AS i
            RETURNING id""", {'parties': parties})
        first = min(r for r, in cur.fetchall())
        cur.execute("""
            INSERT INTO party_contact_mechanism (party, type, value,
                value_compact, active, sequence, klachten_verified,
                create_uid, create_date)
            SELECT id, 'email', 'burger' || (id - %(first)s) ||
                '@example.org', 'burger' || (id - %(first)s) ||
                '@example.org', true, 10, false, 0, now()
            FROM party_party WHERE id >= %(first)s""", {'first': first})
        others = n - 38
        cur.execute("""
            INSERT INTO klachten_complaint (
                company, number, state, received_date, registration_date,
                channel, short_description, description, track, anonymous,
                confidential, complainant, portal_address_confirmed,
                answer_due, create_uid, create_date)
            SELECT %(company)s, 'K-' || lpad(i::text, 8, '0'),
                (ARRAY['evaluation', 'investigation', 'conclusion',
                    'closed', 'closed', 'draft'])[1 + i %% 6],
                DATE '2016-01-01' + i %% 3650, DATE '2016-01-01' + i %% 3650,
                'web_form', 'Klacht ' || i, 'Omschrijving van klacht ' || i,
                'formal', i %% 50 = 0, false,
                %(first)s + i %% %(parties)s, i %% 3 = 0,
                DATE '2016-02-15' + i %% 3650, 0, now()
            FROM generate_series(1, %(others)s) AS i""", {
                'company': ids['company'], 'first': first,
                'parties': parties, 'others': others})
        # hers: (complainant, confirmed, state, anonymous) x count
        hers = ([(party, False, 'investigation', False)] * 10
            + [(other, True, 'closed', False)] * 10
            + [(other, False, 'evaluation', False)] * 5
            + [(party, False, 'draft', False)] * 2
            + [(party, False, 'closed', True)])
        for i, (complainant, confirmed, state, anonymous) in enumerate(
                hers, others + 1):
            cur.execute("""
                INSERT INTO klachten_complaint (
                    company, number, state, received_date,
                    registration_date, channel, short_description,
                    description, track, anonymous, confidential,
                    complainant, portal_address_confirmed, answer_due,
                    create_uid, create_date)
                VALUES (%(company)s, 'K-' || lpad(%(i)s::text, 8, '0'),
                    %(state)s, DATE '2025-01-01' + %(i)s %% 300,
                    DATE '2025-01-01' + %(i)s %% 300, 'web_form',
                    'Mijn klacht ' || %(i)s, 'Mijn omschrijving',
                    'formal', %(anonymous)s, false, %(complainant)s,
                    %(confirmed)s, DATE '2025-03-01' + %(i)s %% 300, 0,
                    now())""", {
                    'company': ids['company'], 'i': i, 'state': state,
                    'anonymous': anonymous, 'complainant': complainant,
                    'confirmed': confirmed})
    conn.commit()
    conn.execute('ANALYZE')
    conn.commit()


def old_domain(user):
    "portal_complaints_domain before issue 18"
    from klachten_portal.account import escape_like
    return [
        ('state', '!=', 'draft'),
        ('anonymous', '!=', True),
        ['OR', [
                ('portal_address_confirmed', '=', True),
                ('complainant.contact_mechanisms', 'where', [
                        ('type', '=', 'email'),
                        ('value', 'ilike', escape_like(user.email)),
                        ]),
                ], ('complainant', '=', user.party.id)],
        ]


def session11(pool, user):
    """Session 11's page: the parties with her address looked up first
    (one statement), then search_read of the shown fields (two more)"""
    from sql.functions import Lower

    from klachten_portal.pages.account import SUMMARY, _summary
    from trytond.transaction import Transaction
    Mechanism = pool.get('party.contact_mechanism')
    Complaint = pool.get('klachten.complaint')
    table = Mechanism.__table__()
    cursor = Transaction().connection.cursor()
    cursor.execute(*table.select(table.party,
            where=(table.type == 'email')
            & (Lower(table.value) == Lower(user.email))
            & (table.active == True)))  # noqa: E712
    parties = sorted({p for p, in cursor})
    domain = [
        ('state', '!=', 'draft'),
        ('anonymous', '!=', True),
        ['OR', [
                ('portal_address_confirmed', '=', True),
                ('complainant', 'in', parties),
                ], ('complainant', '=', user.party.id)],
        ]
    rows = Complaint.search_read(domain,
        order=[('received_date', 'DESC'), ('id', 'DESC')],
        fields_names=SUMMARY)
    return [_summary(r) for r in rows]


def backend_cpu(pid):
    "Seconds of CPU the PostgreSQL backend pid has used"
    with open(f'/proc/{pid}/schedstat') as f:
        return int(f.read().split()[0]) / 1e9


def bench_size(args, uri, database, n):
    import psycopg
    ids = activate(uri, database)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool(database)
    pool.init()
    user_id, party, other = citizen(database, ids)
    conn = psycopg.connect(uri, dbname=database)
    start = time.monotonic()
    generate(conn, ids, n, args.parties, party, other)
    log(f"N = {n:,} generated in {time.monotonic() - start:.0f} s")
    from backoffice import COUNTER

    from klachten_portal.pages.account import summaries
    COUNTER.install()
    cpu = {'page': [], 'floor': [], 'session 11': [], 'old': []}
    # seconds, CPU of this process and of PostgreSQL: the account loaded
    own = {'page': [], 'session 11': [], 'old': []}

    def page(domain, what='page', read=summaries):
        def run():
            with Transaction().start(database, 0, readonly=True,
                    context={'language': 'nl'}) as transaction:
                pid = transaction.connection.info.backend_pid
                server, client = backend_cpu(pid), time.process_time()
                WebUser = pool.get('web.user')
                user = WebUser(user_id)
                # the route has the account loaded (session.current_user
                # checked it is active and valid): the page's own work is
                # what follows
                user.email_valid
                started = time.perf_counter()
                own_server, own_client = (
                    backend_cpu(pid), time.process_time())
                if read is session11:
                    rows = session11(pool, user)
                else:
                    rows = read(pool, domain(user))
                end = time.perf_counter()
                client_end, server_end = time.process_time(), backend_cpu(pid)
                cpu[what].append((client_end - client, server_end - server))
                own[what].append((end - started, client_end - own_client,
                        server_end - own_server))
                return rows
        return run

    def floor():
        server, client = backend_cpu(floor_pid), time.process_time()
        with conn.cursor() as cur:
            cur.execute(FLOOR, {'party': party, 'email': EMAIL})
            rows = cur.fetchall()
        conn.rollback()
        cpu['floor'].append((time.process_time() - client,
                backend_cpu(floor_pid) - server))
        return rows
    floor_pid = conn.info.backend_pid

    def times(function, repeat):
        seconds, result = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            result = function()
            seconds.append(time.perf_counter() - start)
        return seconds, result

    def statements(function, what):
        "The statements of one call of function, logged"
        COUNTER.trace = []
        COUNTER.active = True
        try:
            function()
        finally:
            COUNTER.active = False
        trace, COUNTER.trace = COUNTER.trace, None
        log(f"== {what}: {len(trace)} statements, "
            f"{sum(t for t, _, _ in trace) * 1000:,.1f} ms in SQL")
        for seconds, query, where in trace:
            log(f"  {seconds * 1000:8.1f} ms  {where}  "
                f"{' '.join(query.split())[:400]}")
        return len(trace)

    new = page(lambda user: user.portal_complaints_domain())
    old11 = page(None, 'session 11', session11)
    new()  # warm the caches of the pool
    old11()
    floor()
    counts = {'page': statements(new, 'page'),
        'session 11': statements(old11, 'session 11')}
    if args.profile:
        import cProfile
        import io
        import pstats
        profile = cProfile.Profile()
        profile.enable()
        new()
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(
            'cumulative').print_stats(30)
        log(out.getvalue())
    for values in [*cpu.values(), *own.values()]:
        values.clear()
    page_times, page_rows, floor_times, floor_rows = [], None, [], None
    old11_times, old11_rows = [], None
    for _ in range(args.repeat):  # interleaved: the load hits all alike
        seconds, page_rows = times(new, 1)
        page_times += seconds
        seconds, floor_rows = times(floor, 1)
        floor_times += seconds
        seconds, old11_rows = times(old11, 1)
        old11_times += seconds
    key = [(r['number'], r['short_description'], r['description'],
            r['received_date'], r['state_key']) for r in page_rows]
    assert len(page_rows) == 20, len(page_rows)
    assert [r[0] for r in floor_rows] == [k[0] for k in key], (
        floor_rows, key)
    assert old11_rows == page_rows, (old11_rows, page_rows)
    old_times, old_rows = times(page(old_domain, 'old'), 3)
    assert [r['number'] for r in old_rows] == [k[0] for k in key]
    try:
        with psycopg.ClientCursor(conn) as cur:
            cur.execute('EXPLAIN ' + FLOOR, {'party': party, 'email': EMAIL})
            log('\n'.join(r for r, in cur.fetchall()))
    except psycopg.Error as error:
        log(f"no plan: {error}")
    from klachten_portal.pages.account import summaries_query
    with Transaction().start(database, 0, readonly=True) as transaction:
        user = pool.get('web.user')(user_id)
        query, params = summaries_query(pool, user.portal_complaints_domain())
        cursor = transaction.connection.cursor()
        cursor.execute('EXPLAIN (ANALYZE, BUFFERS) ' + query, params)
        log("The page's statement:\n" + '\n'.join(r for r, in cursor))
    conn.rollback()
    conn.close()

    def stats(seconds):
        seconds = sorted(seconds)
        return {'median_ms': statistics.median(seconds) * 1000,
            'p95_ms': seconds[max(0, round(len(seconds) * .95) - 1)] * 1000}

    def mean_cpu(values):
        "mean ms of CPU a call: (Python, PostgreSQL)"
        return [statistics.mean(v[i] for v in values) * 1000
            for i in range(2)]
    result = {'n': n, 'rows': len(page_rows), 'page': stats(page_times),
        'floor': stats(floor_times), 'old': stats(old_times),
        'session11': stats(old11_times), 'statements': counts,
        'cpu': {k: mean_cpu(v) for k, v in cpu.items() if v},
        'own': {k: {**stats([t for t, _, _ in v]),
                'cpu': mean_cpu([c for _, *c in v])}
            for k, v in own.items() if v},
        'load': os.getloadavg()[0]}
    log(json.dumps(result))
    return result


def render(args, results):
    import subprocess

    from deadline_cron import machine
    m = machine()
    revision = subprocess.run(['git', 'rev-parse', '--short', 'HEAD'],
        cwd=TOP, capture_output=True, text=True).stdout.strip()
    lines = [
        f"Run of {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} at "
        f"{revision}: {m['cpu']}, {m['nproc']} cores shared with the "
        f"other sessions (load average {results[-1]['load']:.1f} at the end),"
        f" Python {m['python']}, PostgreSQL {results[-1]['postgresql']} "
        f"throwaway cluster (fsync off); {args.parties:,} other citizens, "
        f"{args.repeat} runs (the old domain: 3).",
        "",
        "| complaints | hers shown | Mijn klachten median | p95 | "
        "statements | floor median | p95 | ratio median | ratio p95 | "
        "session 11: median | p95 | statements | before issue 18: median "
        "| p95 |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | ---: | ---: |",
        ]
    for r in results:
        page, floor = r['page'], r['floor']
        lines.append(
            f"| {r['n']:,} | {r['rows']} | {page['median_ms']:.1f} ms"
            f" | {page['p95_ms']:.1f} ms | {r['statements']['page']}"
            f" | {floor['median_ms']:.1f} ms | {floor['p95_ms']:.1f} ms"
            f" | {page['median_ms'] / floor['median_ms']:.1f}"
            f" | {page['p95_ms'] / floor['p95_ms']:.1f}"
            f" | {r['session11']['median_ms']:.1f} ms"
            f" | {r['session11']['p95_ms']:.1f} ms"
            f" | {r['statements']['session 11']}"
            f" | {r['old']['median_ms']:.0f} ms"
            f" | {r['old']['p95_ms']:.0f} ms |")
    lines += [
        "",
        "The page's own work, the account loaded as the route has it "
        "(session.current_user read it), next to the same floor; mean CPU "
        "of a call (this process's, its PostgreSQL backend's), the whole "
        "call and the page's own work:",
        "",
        "| complaints | own median | p95 | ratio median | ratio p95 | "
        "session 11's own median | p95 | CPU: Mijn klachten Python "
        "| PostgreSQL | own Python | own PostgreSQL | floor Python "
        "| PostgreSQL | ratio (own, sum) |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | ---: | ---: |",
        ]
    for r in results:
        own, floor = r['own']['page'], r['floor']
        (pp, ps), (fp, fs) = r['cpu']['page'], r['cpu']['floor']
        op, os_ = own['cpu']
        lines.append(
            f"| {r['n']:,} | {own['median_ms']:.1f} ms"
            f" | {own['p95_ms']:.1f} ms"
            f" | {own['median_ms'] / floor['median_ms']:.1f}"
            f" | {own['p95_ms'] / floor['p95_ms']:.1f}"
            f" | {r['own']['session 11']['median_ms']:.1f} ms"
            f" | {r['own']['session 11']['p95_ms']:.1f} ms"
            f" | {pp:.1f} ms | {ps:.1f} ms | {op:.1f} ms | {os_:.1f} ms"
            f" | {fp:.1f} ms | {fs:.1f} ms | {(op + os_) / (fp + fs):.1f} |")
    return '\n'.join(lines)


if __name__ == '__main__':
    main()
