#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fault run: portal filings under load while the processes die.

The processes of docs/deployment.md on one machine (started as
tests/test_multiprocess.py starts them, with its code): two gunicorn app
servers (trytond.application:app, --workers each), trytond-worker and
trytond-cron, on a throwaway PostgreSQL cluster (the tests' harness), the
e-mails to a real SMTP server on loopback (aiosmtpd, in a process of its
own so that it can be killed; it writes each message to a file, fsynced,
before it answers 250).

--clients threads file complaints as a browser's user does: GET the form,
POST "Volgende", POST "Indienen" with the form's idempotency key
(submission_key) until the answer is the 303 to the receipt, retrying the
same key after any error or timeout, then GET the receipt (its number).
A 303 is an acknowledged submission.

During --run-time seconds (180) the faults, one after the other (times
scale with --run-time): kill -9 of every gunicorn worker (the masters start
new ones) four times; the SMTP server stopped (SIGTERM) for 15 s, then
killed (SIGKILL) in the middle of the batch the cron sends when it is back
(some of the e-mails that failed meanwhile sent again, others due and
waiting), and started 5 s later; PostgreSQL stopped (pg_ctl -m immediate,
as a crash) for 7 s and for 40 s.  PostgreSQL runs with synchronous_commit
on (its default; the other benchmarks turn it off): with it off, a commit
acknowledged in the last moment before an immediate stop is lost, and so
is the submission it acknowledged (--asynchronous-commit shows it).

Then the clients finish the submission they are in, the outbox drains
(the next attempt of the pending e-mails is brought forward: the backoff
is not what is measured) and it counts: submissions acknowledged,
complaints stored (by idempotency key and by the text each submission
carries), lost (acknowledged, not stored), duplicated (stored twice), and
the acknowledgement e-mails the SMTP server received per complaint (by
Message-ID and by complaint number).  Exit status 1 when anything was
lost, doubled, or not delivered exactly once.

    .venv/bin/python bench/fault_run.py            # 3 minutes
    .venv/bin/python bench/fault_run.py --run-time 60
"""
import argparse
import asyncio
import collections
import http.cookiejar
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOP = HERE.parent
BIN = Path(sys.executable).parent
HIDDEN = re.compile(r'<input type="hidden" name="(csrf_token|submission_key)"'
    r' value="([^"]+)"')
NUMBER = re.compile(r'class="number">([^<]+)<')

sys.path.insert(0, str(HERE))
sys.path.insert(1, str(TOP))
from _harness import (  # noqa: E402
    Cluster, free_port, log, scratch_database, start, stop, wait_for_port)
from _portal import activate_portal  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__.split('\n\n')[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--run-time', type=int, default=180,
        help="seconds of load and faults (default: %(default)s)")
    parser.add_argument('--clients', type=int, default=4,
        help="concurrent clients (default: %(default)s)")
    parser.add_argument('--max-submissions', type=int, default=5000,
        help="submissions started at most (default: %(default)s)")
    parser.add_argument('--workers', type=int, default=2,
        help="gunicorn workers of each of the two app servers "
        "(default: %(default)s)")
    parser.add_argument('--smtp-delay', type=float, default=0.2,
        help="seconds the SMTP server takes per message (default: "
        "%(default)s)")
    parser.add_argument('--drain-timeout', type=int, default=420,
        help="seconds to wait for the outbox to drain (default: "
        "%(default)s)")
    parser.add_argument('--asynchronous-commit', action='store_true',
        help="run PostgreSQL with synchronous_commit off (as the other "
        "benchmarks do): the commits of the last moment before a stop are "
        "lost, and so are submissions already acknowledged")
    parser.add_argument('--keep', action='store_true',
        help="keep the cluster, the database and the logs")
    parser.add_argument('--setup-child', metavar='DATABASE',
        help=argparse.SUPPRESS)
    parser.add_argument('--smtp-child', nargs=3,
        metavar=('PORT', 'FILE', 'DELAY'), help=argparse.SUPPRESS)
    return parser.parse_args()


# The SMTP server, a process of its own
def smtp_child(port, path, delay):
    "Serve SMTP on port; write each message to path before the 250"
    from email import policy
    from email.parser import BytesParser

    from aiosmtpd.controller import Controller

    class Recorder:
        async def handle_DATA(self, server, session, envelope):
            await asyncio.sleep(delay)
            message = BytesParser(policy=policy.default).parsebytes(
                envelope.content)
            line = json.dumps({
                    'message_id': message['Message-ID'],
                    'to': envelope.rcpt_tos,
                    'subject': str(message['Subject']),
                    'time': time.time(),
                    })
            with open(path, 'a') as out:
                out.write(line + '\n')
                out.flush()
                os.fsync(out.fileno())
            return '250 OK'

    controller = Controller(Recorder(), hostname='127.0.0.1', port=port)
    controller.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stopped.set())
    stopped.wait()
    controller.stop()


class SMTP:
    "The SMTP process: start, stop (SIGTERM), kill (SIGKILL)"

    def __init__(self, folder, delay):
        self.port = free_port()
        self.path = folder / 'smtp-received.jsonl'
        self.path.touch()
        self.log = open(folder / 'smtp.log', 'a')
        self.delay = delay
        self.process = None

    def uri(self):
        return f'smtp://127.0.0.1:{self.port}?timeout=10'

    def start(self):
        self.process = subprocess.Popen([sys.executable, __file__,
                '--smtp-child', str(self.port), str(self.path),
                str(self.delay)], stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
        wait_for_port(self.process, self.port, self.log)

    def stop(self, sig=signal.SIGTERM):
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(30)
        self.process = None

    def received(self):
        return [json.loads(line) for line in
            self.path.read_text().splitlines() if line.strip()]


# The load
class Client(threading.Thread):
    "A browser's user filing complaints one after the other"

    def __init__(self, number, run, ports):
        super().__init__(daemon=True)
        self.number = number
        self.run_ = run
        self.ports = ports
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            _NoRedirect())
        self.statuses = collections.Counter()

    def open(self, path, data=None):
        port = random.choice(self.ports)
        url = f'http://127.0.0.1:{port}/{self.run_.database}/portal/{path}'
        if data is not None:
            data = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=data),
                    timeout=30) as response:
                status, body = response.status, response.read().decode()
                headers = response.headers
        except urllib.error.HTTPError as error:
            status, body = error.code, error.read().decode(errors='replace')
            headers = error.headers
        except OSError as error:
            status, body, headers = type(error).__name__, '', {}
        self.statuses[status] += 1
        return status, body, headers

    def retry(self, function):
        "function() until it returns a result, or None after the hard stop"
        pause = 0.3
        while time.monotonic() < self.run_.hard_stop:
            result = function()
            if result is not None:
                return result
            time.sleep(pause)
            pause = min(pause * 1.5, 3)
        return None

    def run(self):
        while (time.monotonic() < self.run_.load_end
                and self.run_.take_ticket()):
            self.file_one()

    def file_one(self):
        run = self.run_

        def form():
            status, body, _ = self.open('complaint?lang=nl')
            fields = dict(HIDDEN.findall(body))
            return fields if status == 200 and len(fields) == 2 else None
        fields = self.retry(form)
        if fields is None:
            return
        key = fields['submission_key']
        text = f"Storing {self.number}-{key[:8]}"
        values = {
            **fields,
            'lang': 'nl',
            'name': f"Burger {self.number}",
            'email': f'burger{self.number}@example.org',
            'phone': '03 123 45 67',
            'street': "Kerkstraat 1",
            'postal_code': '2980',
            'city': "Zoersel",
            'short_description': text,
            'description': "Ik mailde drie keer naar burgerzaken.",
            'incident_date': '2026-03-27',
            'remedy_sought': "Een antwoord",
            }

        def review():
            status, body, _ = self.open(
                'complaint', {**values, 'action': 'next'})
            return True if status == 200 and 'value="submit"' in body \
                else None
        if self.retry(review) is None:
            return
        submission = {'key': key, 'text': text, 'tries': 0,
            'refused': []}
        run.record(submission)

        def submit():
            submission['tries'] += 1
            status, body, headers = self.open(
                'complaint', {**values, 'action': 'submit'})
            location = headers.get('Location', '') if headers else ''
            if status == 303 and f'/receipt/{key}' in location:
                return location
            if status in {400, 403, 404, 410, 413}:
                # a page the user cannot get past with the same form
                submission['refused'].append(status)
                return False
            return None
        location = self.retry(submit)
        if not location:
            return
        submission['acknowledged'] = round(
            time.monotonic() - run.started, 1)
        path = urllib.parse.urlsplit(location)
        receipt = path.path.split('/portal/', 1)[1] + '?' + path.query

        def number():
            status, body, _ = self.open(receipt)
            if status == 404:
                submission['receipt_404'] = \
                    submission.get('receipt_404', 0) + 1
                if submission['receipt_404'] >= 20:
                    # acknowledged, and gone
                    return False
            found = NUMBER.search(body) if status == 200 else None
            return found.group(1) if found else None
        submission['number'] = self.retry(number)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# The run
class Run:
    def __init__(self, args, cluster, database, folder):
        self.args = args
        self.cluster = cluster
        self.database = database
        self.folder = folder
        self.lock = threading.Lock()
        self.submissions = []
        self.tickets = args.max_submissions
        self.events = []
        self.processes = {}
        self.env = None
        self.stopping = False

    def take_ticket(self):
        with self.lock:
            if self.tickets <= 0:
                return False
            self.tickets -= 1
            return True

    def record(self, submission):
        with self.lock:
            self.submissions.append(submission)

    def event(self, text):
        elapsed = time.monotonic() - self.started
        self.events.append((elapsed, text))
        log(f"[{elapsed:6.1f} s] {text}")

    # processes, with the code of tests/test_multiprocess.py
    def start_processes(self, uri):
        self.uri = uri
        from tests.test_multiprocess import CONFIGURATION
        self.smtp = SMTP(self.folder, self.args.smtp_delay)
        self.smtp.start()
        self.ports = [free_port(), free_port()]
        conf = self.folder / 'trytond.conf'
        conf.write_text(CONFIGURATION.format(
                uri=uri, smtp=self.smtp.uri(),
                portal=f'http://127.0.0.1:{self.ports[0]}',
                token_limit=0, login_limit=5)
            # one address (127.0.0.1) files everything
            + 'portal_post_rate_limit = 0\n'
            # e-mails left sending by a killed process: again after 1 min
            + 'email_sending_timeout = 1\n')
        self.conf = conf
        env = {k: v for k, v in os.environ.items()
            if not k.startswith(('TRYTOND_', 'DB_'))}
        env.update(TRYTOND_CONFIG=str(conf),
            TRYTOND_DATABASE_NAMES=self.database)
        self.env = env
        for port in self.ports:
            self.start_process(f'gunicorn-{port}', [
                    BIN / 'gunicorn', '--bind', f'127.0.0.1:{port}',
                    '--workers', str(self.args.workers), '--timeout', '30',
                    'trytond.application:app'])
        for port in self.ports:
            process = self.processes[f'gunicorn-{port}']
            wait_for_port(process, port, process.log)
        self.start_process('worker', [BIN / 'trytond-worker', '-c', conf,
                '-d', self.database, '-n', '1'])
        self.start_process('cron', [BIN / 'trytond-cron', '-c', conf,
                '-d', self.database, '-n', '1'])

    def start_process(self, name, args):
        log_file = open(self.folder / f'{name}.log', 'a')
        process = start(args, self.env, log_file)
        process.log = log_file
        process.name_args = args
        self.processes[name] = process
        return process

    def watch(self):
        "Start again a process that ended (none should)"
        while not self.stopping:
            for name, process in list(self.processes.items()):
                if process.poll() is not None and not self.stopping:
                    self.event(f"{name} ended ({process.returncode}): "
                        "started again")
                    process.log.close()
                    self.start_process(name, process.name_args)
            time.sleep(1)

    def stop_processes(self):
        self.stopping = True
        for process in self.processes.values():
            stop(process)
            process.log.close()
        self.smtp.stop()

    def warm_up(self):
        "Until every gunicorn worker serves the form"
        for port in self.ports:
            for _ in range(3 * self.args.workers):
                end = time.monotonic() + 120
                while time.monotonic() < end:
                    try:
                        with urllib.request.urlopen(
                                f'http://127.0.0.1:{port}/{self.database}'
                                '/portal/complaint', timeout=60) as r:
                            if r.status == 200:
                                break
                    except OSError:
                        pass
                    time.sleep(0.5)

    # the faults
    def kill_workers(self):
        killed = []
        for port in self.ports:
            master = self.processes[f'gunicorn-{port}'].pid
            children = Path(f'/proc/{master}/task/{master}/children')
            for pid in children.read_text().split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                    killed.append(int(pid))
                except ProcessLookupError:
                    pass
        self.event(f"kill -9 of the {len(killed)} gunicorn workers "
            f"{killed}")

    def stop_postgresql(self, seconds):
        self.cluster.pg_ctl('-m', 'immediate', 'stop')
        stopped = time.monotonic()
        self.event(f"PostgreSQL stopped (immediate) for {seconds} s")
        time.sleep(seconds)
        cluster = self.cluster
        cluster.restart(not self.args.asynchronous_commit)
        self.event("PostgreSQL started again after "
            f"{time.monotonic() - stopped:.1f} s")

    def stop_smtp(self, seconds):
        self.smtp.stop()
        self.event(f"SMTP server stopped (SIGTERM) for {seconds} s")
        time.sleep(seconds)
        before = len(self.smtp.received())
        self.smtp.start()
        self.event("SMTP server started again")
        # the batch: the e-mails that failed meanwhile, sent again by the
        # cron's next minute; kill the server once it has taken some of
        # them and others wait their turn
        import psycopg
        end = time.monotonic() + 150
        with psycopg.connect(self.uri, dbname=self.database,
                autocommit=True) as connection:
            while time.monotonic() < end:
                resent, waiting = connection.execute(
                    "SELECT count(*) FILTER (WHERE state = 'sent'), "
                    "count(*) FILTER (WHERE state = 'sending' OR (state = "
                    "'pending' AND next_attempt <= now() AT TIME ZONE "
                    "'UTC')) FROM klachten_email WHERE attempts >= 2 "
                    "OR (state = 'pending' AND attempts >= 1)").fetchone()
                if resent >= 2 and waiting >= 2:
                    break
                time.sleep(0.1)
            else:
                self.event("no batch seen within 150 s: SMTP killed anyway")
        received = len(self.smtp.received())
        self.smtp.stop(signal.SIGKILL)
        self.event(f"SMTP server killed (SIGKILL) in the cron's batch, "
            f"{resent} e-mail(s) of it sent, {waiting} waiting, "
            f"{received - before} message(s) received since it started")
        time.sleep(5)
        self.smtp.start()
        self.event("SMTP server started again")

    def faults(self):
        scale = self.args.run_time / 180
        # one after the other: a fault that takes longer than planned
        # (the SMTP server waits for the cron's batch) delays the next
        plan = [
            (12, self.kill_workers),
            (20, lambda: self.stop_smtp(15)),
            (100, self.kill_workers),
            (108, lambda: self.stop_postgresql(7)),
            (122, self.kill_workers),
            (130, lambda: self.stop_postgresql(40)),
            (174, self.kill_workers),
            ]
        for at, fault in plan:
            delay = self.started + at * scale - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            fault()

    # the end
    def drain(self, connection):
        "Until no e-mail is pending or sending"
        end = time.monotonic() + self.args.drain_timeout
        while time.monotonic() < end:
            connection.execute("UPDATE klachten_email SET next_attempt = "
                "now() AT TIME ZONE 'UTC' WHERE state = 'pending' "
                "AND next_attempt > now() AT TIME ZONE 'UTC'")
            states = dict(connection.execute("SELECT state, count(*) "
                    "FROM klachten_email GROUP BY state").fetchall())
            if not states.get('pending') and not states.get('sending'):
                self.event(f"outbox drained: {states}")
                return states
            time.sleep(5)
        self.event(f"outbox NOT drained after {self.args.drain_timeout} s:"
            f" {states}")
        return states


def count(run, connection):
    "The figures, and the problems found"
    rows = connection.execute(
        "SELECT c.id, c.number, c.portal_submission_key, "
        "c.short_description FROM klachten_complaint c "
        "WHERE c.channel = 'web_form'").fetchall()
    by_key = collections.defaultdict(list)
    by_text = collections.defaultdict(list)
    for id_, number, key, text in rows:
        by_key[key].append((id_, number))
        by_text[text].append((id_, number))
    submissions = run.submissions
    acknowledged = [s for s in submissions if 'acknowledged' in s]
    lost = [s for s in acknowledged if s['key'] not in by_key]
    doubled_key = {k: v for k, v in by_key.items() if len(v) > 1}
    doubled_text = {k: v for k, v in by_text.items() if len(v) > 1}
    keys = {s['key'] for s in submissions}
    unknown = [r for r in rows if r[2] not in keys]
    stored_acknowledged = [s for s in acknowledged if s['key'] in by_key]
    stored_unacknowledged = [s for s in submissions
        if 'acknowledged' not in s and s['key'] in by_key]
    wrong_number = [s for s in stored_acknowledged
        if s.get('number') != by_key[s['key']][0][1]]

    # acknowledgements: the outbox and what the SMTP server received
    emails = connection.execute(
        "SELECT e.message_id, e.complaint, e.state, e.attempts "
        "FROM klachten_email e WHERE e.kind = 'acknowledgement'").fetchall()
    outbox = collections.defaultdict(list)
    complaint_of = {}
    for message_id, complaint, state, attempts in emails:
        outbox[complaint].append((message_id, state, attempts))
        complaint_of[message_id] = complaint
    received = run.smtp.received()
    by_message_id = collections.Counter(m['message_id'] for m in received)
    number_of = {id_: number for id_, number, _, _ in rows}
    by_number = collections.Counter()
    for m in received:
        complaint = complaint_of.get(m['message_id'])
        if complaint is not None:
            by_number[number_of.get(complaint)] += 1
    # and by the number the subject names
    subject_numbers = collections.Counter()
    numbers = {n for _, n, _, _ in rows if n}
    for m in received:
        for n in numbers & set(re.findall(r'[\w/.-]+', m['subject'])):
            subject_numbers[n] += 1
    mail_problems = []
    for id_, number, key, _ in rows:
        queued = outbox.get(id_, [])
        if len(queued) != 1:
            mail_problems.append(
                f"{number}: {len(queued)} acknowledgement(s) queued")
            continue
        message_id, state, attempts = queued[0]
        times = by_message_id[message_id]
        if (times != 1 or by_number[number] != 1
                or subject_numbers[number] != 1):
            mail_problems.append(f"{number}: Message-ID {message_id} "
                f"received {times} time(s), its number in "
                f"{subject_numbers[number]} subject(s) (state {state}, "
                f"{attempts} attempt(s))")
    figures = {
        'started': len(submissions),
        'acknowledged': len(acknowledged),
        'stored': len(rows),
        'stored_acknowledged': len(stored_acknowledged),
        'stored_unacknowledged': len(stored_unacknowledged),
        'lost': len(lost),
        'duplicated_by_key': len(doubled_key),
        'duplicated_by_text': len(doubled_text),
        'not_ours': len(unknown),
        'receipt_without_number': sum(
            1 for s in acknowledged if not s.get('number')),
        'receipt_wrong_number': len(wrong_number),
        'receipt_404_after_303': sum(
            1 for s in acknowledged if s.get('receipt_404')),
        'retried_submits': sum(1 for s in submissions if s['tries'] > 1),
        'refused': sum(1 for s in submissions if s['refused']),
        'acknowledgements_queued': len(emails),
        'messages_received': len(received),
        'acknowledgements_received_once': sum(
            1 for id_, number, _, _ in rows
            if len(outbox.get(id_, [])) == 1
            and by_message_id[outbox[id_][0][0]] == 1
            and by_number[number] == 1),
        'message_ids_received_twice_or_more': sum(
            1 for c in by_message_id.values() if c > 1),
        'numbers_in_one_subject_exactly': sum(
            1 for n in numbers if subject_numbers[n] == 1),
        'numbers_in_subjects_more_than_once': sum(
            1 for c in subject_numbers.values() if c > 1),
        }
    details = {
        'lost': lost[:20],
        'duplicated_by_key': dict(list(doubled_key.items())[:20]),
        'duplicated_by_text': dict(list(doubled_text.items())[:20]),
        'not_ours': unknown[:20],
        'wrong_number': wrong_number[:20],
        'mail': mail_problems[:40],
        }
    return figures, details


def main():
    args = parse_args()
    if args.setup_child:
        from intake import setup_child
        setup_child(args.setup_child)
        return
    if args.smtp_child:
        port, path, delay = args.smtp_child
        smtp_child(int(port), path, float(delay))
        return
    for name in ['TRYTOND_CONFIG', 'DB_NAME', 'DB_CACHE']:
        os.environ.pop(name, None)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    cluster = Cluster()
    try:
        uri = cluster.start()
        # the harness starts it with synchronous_commit off: a commit
        # acknowledged in the last moment before an immediate stop is lost
        cluster.pg_ctl('-m', 'fast', 'stop')
        cluster.restart(not args.asynchronous_commit)
        log(f"PostgreSQL on {uri} (data in {cluster.dir}), "
            "synchronous_commit "
            + ('off' if args.asynchronous_commit else 'on'))
        database = f'klachten_fault_{os.getpid()}'
        with scratch_database(uri, database, keep=True):
            pass
        status = _run(args, cluster, uri, database)
    finally:
        if not args.keep:
            cluster.stop()
        else:
            log(f"Kept the cluster in {cluster.dir}")
    sys.exit(status)


def _run(args, cluster, uri, database):
    import psycopg
    folder = Path(tempfile.mkdtemp(prefix='klachten-fault-'))
    log(f"Logs in {folder}")
    activate_portal(uri, database, __file__)

    run = Run(args, cluster, database, folder)
    run.start_processes(uri)
    try:
        log("Warming up the gunicorn workers...")
        run.warm_up()
        run.started = time.monotonic()
        run.load_end = run.started + args.run_time
        # a submission in its retries at the end gets 3 more minutes
        run.hard_stop = run.load_end + 180
        watcher = threading.Thread(target=run.watch, daemon=True)
        watcher.start()
        clients = [Client(i + 1, run, run.ports)
            for i in range(args.clients)]
        for client in clients:
            client.start()
        run.event(f"{args.clients} clients filing")
        run.faults()
        for client in clients:
            client.join()
        run.event("clients done")
        connection = psycopg.connect(uri, dbname=database, autocommit=True)
        states = run.drain(connection)
        time.sleep(5)   # a late duplicate
        figures, details = count(run, connection)
        connection.close()
        statuses = collections.Counter()
        for client in clients:
            statuses.update(client.statuses)
    finally:
        run.stop_processes()
    figures['outbox'] = states
    figures['http'] = {str(k): v for k, v in sorted(
            statuses.items(), key=lambda i: str(i[0]))}
    print(json.dumps({'events': [(round(t, 1), e) for t, e in run.events],
                'figures': figures, 'problems': details}, indent=1,
            default=str))
    problems = (figures['lost'] or figures['duplicated_by_key']
        or figures['duplicated_by_text'] or figures['not_ours']
        or figures['receipt_wrong_number'] or details['mail']
        or states.get('pending') or states.get('sending'))
    print(f"\n{figures['acknowledged']} submissions acknowledged, "
        f"{figures['stored']} stored, {figures['lost']} lost, "
        f"{max(figures['duplicated_by_key'], figures['duplicated_by_text'])}"
        f" duplicated; {figures['acknowledgements_received_once']} of "
        f"{figures['stored']} acknowledgements delivered exactly once "
        f"({figures['message_ids_received_twice_or_more']} Message-IDs "
        "received more than once)")
    if problems:
        log(f"Kept the logs in {folder}")
    elif not args.keep:
        import shutil
        shutil.rmtree(folder, ignore_errors=True)
    return 1 if problems else 0


if __name__ == '__main__':
    main()
