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
search, then one read of the fields the rows show), in a new transaction
each time; next to

- the floor: one hand-written SQL query returning the same rows and
  columns (checked), on its own connection;
- the domain before issue 18 (the complainant's e-mail addresses matched
  with ``where``/``ilike`` inside the complaints query), for comparison.

Median and 95th percentile of --repeat runs (the old domain: of 3).
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
    from klachten_portal.pages.account import summaries

    def page(domain):
        def run():
            with Transaction().start(database, 0, readonly=True,
                    context={'language': 'nl'}):
                WebUser = pool.get('web.user')
                user = WebUser(user_id)
                return summaries(pool, domain(user))
        return run

    def floor():
        with conn.cursor() as cur:
            cur.execute(FLOOR, {'party': party, 'email': EMAIL})
            rows = cur.fetchall()
        conn.rollback()
        return rows

    def times(function, repeat):
        seconds, result = [], None
        for _ in range(repeat):
            start = time.perf_counter()
            result = function()
            seconds.append(time.perf_counter() - start)
        return seconds, result

    new = page(lambda user: user.portal_complaints_domain())
    new()  # warm the caches of the pool
    floor()
    page_times, page_rows, floor_times, floor_rows = [], None, [], None
    for _ in range(args.repeat):  # interleaved: the load hits both alike
        seconds, page_rows = times(new, 1)
        page_times += seconds
        seconds, floor_rows = times(floor, 1)
        floor_times += seconds
    key = [(r['number'], r['short_description'], r['description'],
            r['received_date'], r['state_key']) for r in page_rows]
    assert len(page_rows) == 20, len(page_rows)
    assert [r[0] for r in floor_rows] == [k[0] for k in key], (
        floor_rows, key)
    old_times, old_rows = times(page(old_domain), 3)
    assert [r['number'] for r in old_rows] == [k[0] for k in key]
    try:
        with psycopg.ClientCursor(conn) as cur:
            cur.execute('EXPLAIN ' + FLOOR, {'party': party, 'email': EMAIL})
            log('\n'.join(r for r, in cur.fetchall()))
    except psycopg.Error as error:
        log(f"no plan: {error}")
    conn.rollback()
    conn.close()

    def stats(seconds):
        seconds = sorted(seconds)
        return {'median_ms': statistics.median(seconds) * 1000,
            'p95_ms': seconds[max(0, round(len(seconds) * .95) - 1)] * 1000}
    result = {'n': n, 'rows': len(page_rows), 'page': stats(page_times),
        'floor': stats(floor_times), 'old': stats(old_times),
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
        "| complaints | hers shown | Mijn klachten median | p95 | floor "
        "median | p95 | ratio (p95) | before issue 18: median | p95 |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
    for r in results:
        lines.append(
            f"| {r['n']:,} | {r['rows']} | {r['page']['median_ms']:.1f} ms"
            f" | {r['page']['p95_ms']:.1f} ms"
            f" | {r['floor']['median_ms']:.1f} ms"
            f" | {r['floor']['p95_ms']:.1f} ms"
            f" | {r['page']['p95_ms'] / r['floor']['p95_ms']:.1f}"
            f" | {r['old']['median_ms']:.0f} ms"
            f" | {r['old']['p95_ms']:.0f} ms |")
    return '\n'.join(lines)


if __name__ == '__main__':
    main()
