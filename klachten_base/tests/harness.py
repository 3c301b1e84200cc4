# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What the tests of every module (and bench/) run for real: processes on
loopback and their ports, a trytond application server, a throwaway
PostgreSQL cluster and Debian's Chromium.  The SMTP server is
klachten_base/tests/smtp.py, the web client harness klachten_base/tests/
sao.py.

    from klachten_base.tests.harness import (
        AppServer, Chromium, Cluster, free_port, start, stop,
        wait_for_port)

    server = AppServer(database, {'TRYTOND_...': ...}).start()
    server.url('/')                      # http://127.0.0.1:<port>/<db>/
    server.stop()

    process = start([gunicorn, '--bind', f'127.0.0.1:{port}', ...], env,
        log)                             # a process group of its own
    wait_for_port(process, port, log)    # or RuntimeError with the log
    stop(process)                        # it and its children

    with postgresql() as (uri, description):   # a throwaway cluster
        with scratch_database(uri, 'bench'):
            ...

    chromium = Chromium().start()        # chromium.browser: playwright's
"""
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHROMIUM = os.environ.get('KLACHTEN_CHROMIUM', '/usr/bin/chromium')
CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu',
    '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-quic']


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# Ports and processes
def free_port():
    "A port of 127.0.0.1 that nothing listens on now"
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def port_open(port, host='127.0.0.1'):
    "Whether something accepts connections on port"
    with socket.socket() as sock:
        return sock.connect_ex((host, port)) == 0


def _tail(log, size=5000):
    "The end of log (a file object, a path or None)"
    if log is None:
        return ''
    path = Path(getattr(log, 'name', log))
    try:
        return path.read_text(errors='replace')[-size:]
    except OSError:
        return ''


def wait_for(ready, process=None, timeout=60, interval=0.1, log=None,
        what=None):
    """Call ready() until it is true; RuntimeError (with the end of log)
    when timeout seconds passed or process ended first"""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if process is not None and process.poll() is not None:
            break
        if ready():
            return
        time.sleep(interval)
    if what is None:
        what = process.args[0] if process is not None else 'the server'
    raise RuntimeError(f"{what} did not start:\n" + _tail(log))


def wait_for_port(process, port, log=None, timeout=90):
    "Until process listens on port"
    wait_for(lambda: port_open(port), process, timeout, 0.2, log)


def start(args, env, log):
    """Start args in a process group of its own (its children stop with
    it), its output into the file log"""
    return subprocess.Popen([str(a) for a in args], env=env,
        stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        start_new_session=True)


def stop(process):
    "Stop process and its children (started by start)"
    for sig, wait in [(signal.SIGTERM, 15), (signal.SIGKILL, 15)]:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            continue
        # the children may outlive their parent a moment
        end = time.monotonic() + wait
        while time.monotonic() < end:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.1)


def terminate(process, timeout=10):
    "Stop process (SIGTERM, then SIGKILL after timeout seconds)"
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def environ(**values):
    """os.environ with values, less the configuration file (it would
    override the environment)"""
    env = dict(os.environ, **values)
    env.pop('TRYTOND_CONFIG', None)
    return env


# The application server
class AppServer:
    """trytond serving the test database on 127.0.0.1 and a free port (the
    test's configuration through the environment, plus environ), its output
    in a temporary log"""
    prefix = 'klachten-server-'

    def __init__(self, database, environ=None):
        self.database = database
        self.environ = dict(environ or {})
        self.port = None
        self.process = None
        self._log = None

    @property
    def base_url(self):
        return f'http://127.0.0.1:{self.port}'

    def url(self, path=''):
        "The URL of path in the database"
        return f'{self.base_url}/{self.database}/{path}'

    def defaults(self):
        "What a kind of server adds to the environment (before environ)"
        return {}

    def server_environ(self):
        "The environment of the server"
        # imported here: the benchmarks configure trytond after importing
        # this module
        import trytond.config as config
        env = environ(
            TRYTOND_WEB__LISTEN=f'127.0.0.1:{self.port}',
            TRYTOND_DATABASE__PATH=config.get('database', 'path') or '',
            **self.defaults())
        env.update(self.environ)
        return env

    def command(self):
        return [str(Path(sys.executable).with_name('trytond'))]

    def start(self):
        self.port = self.port or free_port()
        self._log = tempfile.NamedTemporaryFile(
            prefix=self.prefix, suffix='.log', delete=False)
        self.process = subprocess.Popen(self.command(),
            env=self.server_environ(), stdin=subprocess.DEVNULL,
            stdout=self._log, stderr=subprocess.STDOUT)
        try:
            self.wait()
        except RuntimeError:
            self.stop()
            raise
        return self

    def ready(self):
        "Whether the server answers (by default: listens on its port)"
        return port_open(self.port)

    def wait(self, timeout=60):
        "Until the server is ready"
        wait_for(self.ready, self.process, timeout, log=self._log,
            what=self.command()[0])

    def stop(self):
        if self.process is not None:
            terminate(self.process)
            self.process = None
        if self._log is not None:
            self._log.close()
            os.unlink(self._log.name)
            self._log = None

    def log(self, size=8000, start=0):
        "The end of the server's output (from the offset start)"
        if self._log is None:
            return ''
        with open(self._log.name, 'rb') as log:
            log.seek(start)
            return log.read().decode(errors='replace')[-size:]

    def log_size(self):
        return os.path.getsize(self._log.name) if self._log else 0


def serves(url, timeout=30):
    "Whether GET url answers 200"
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


# A throwaway PostgreSQL
class Cluster:
    "A private PostgreSQL cluster in a temporary folder, on loopback"
    # what a throwaway cluster may lose: nothing a test reads after a crash
    settings = ('-c listen_addresses=127.0.0.1 -c fsync=off '
        '-c full_page_writes=off -c synchronous_commit={synchronous_commit} '
        '-c shared_buffers=256MB -c max_connections=50')

    def __init__(self):
        self.bindir = self._bindir()
        self.dir = None
        self.port = None
        self.as_pg = []

    @staticmethod
    def _bindir():
        candidates = sorted(Path('/usr/lib/postgresql').glob('*/bin/initdb'),
            key=lambda p: [int(x) if x.isdigit() else 0
                for x in p.parent.parent.name.split('.')])
        if candidates:
            return candidates[-1].parent
        initdb = shutil.which('initdb')
        if initdb:
            return Path(initdb).parent
        sys.exit("No PostgreSQL server (initdb) found: install the Debian "
            "package postgresql, or pass --uri postgresql://user@host:port/")

    def start(self):
        "Create the cluster and start it; return its URI"
        self.dir = Path(tempfile.mkdtemp(prefix='klachten-bench-pg.'))
        if os.getuid() == 0:
            # PostgreSQL refuses to run as root
            if subprocess.run(['id', '-u', 'postgres'],
                    capture_output=True).returncode:
                subprocess.run(['useradd', '--system', '--user-group',
                        '--no-create-home', 'postgres'], check=True)
            shutil.chown(self.dir, 'postgres', 'postgres')
            self.as_pg = ['runuser', '-u', 'postgres', '--']
        self.port = free_port()
        self._run([self.bindir / 'initdb', '-D', self.dir / 'data',
                '-A', 'trust', '--no-sync', '-U', 'postgres', '-E', 'UTF8',
                '--locale=C.UTF-8'], 'initdb.log')
        self.restart(synchronous_commit=False, log='pg_ctl.log')
        return f'postgresql://postgres@127.0.0.1:{self.port}/'

    def restart(self, synchronous_commit=True, log=None):
        """Start the cluster (again, on its port); synchronous_commit on
        (PostgreSQL's default: a commit it acknowledged survives an
        immediate stop) unless told otherwise"""
        options = self.settings.format(
            synchronous_commit='on' if synchronous_commit else 'off')
        args = ['-w', '-t', '60', '-l', self.dir / 'postgresql.log',
            '-o', f'-p {self.port} -k {self.dir} {options}', 'start']
        if log:
            self._run([self.bindir / 'pg_ctl', '-D', self.dir / 'data']
                + args, log)
        else:
            self.pg_ctl(*args)

    def pg_ctl(self, *args):
        "Run pg_ctl on the cluster with args"
        subprocess.run(self.as_pg + [str(self.bindir / 'pg_ctl'),
                '-D', str(self.dir / 'data')] + [str(a) for a in args],
            cwd=self.dir, capture_output=True, check=True)

    def _run(self, args, logname):
        logfile = self.dir / logname
        with open(logfile, 'w') as out:
            # run from the cluster folder: postgres may not enter the cwd
            result = subprocess.run(self.as_pg + [str(a) for a in args],
                cwd=self.dir, stdout=out, stderr=subprocess.STDOUT)
        if result.returncode:
            log(logfile.read_text()[-3000:])
            pglog = self.dir / 'postgresql.log'
            if pglog.exists():
                log(pglog.read_text()[-3000:])
            raise RuntimeError(f"{args[0]} failed")

    def stop(self):
        if self.dir is None:
            return
        subprocess.run(self.as_pg + [str(self.bindir / 'pg_ctl'), '-D',
                str(self.dir / 'data'), '-m', 'immediate', 'stop'],
            cwd=self.dir, capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None


@contextlib.contextmanager
def postgresql(uri=None, keep=False):
    """Yield (uri, description) of the server at uri, or else of a
    throwaway cluster, stopped and removed at the end unless keep"""
    if uri:
        yield (uri if uri.endswith('/') else uri + '/'), 'given by --uri'
        return
    cluster = Cluster()
    try:
        uri = cluster.start()
        log(f"PostgreSQL on {uri} (data in {cluster.dir})")
        yield uri, 'throwaway cluster, fsync off'
    finally:
        if not keep:
            cluster.stop()


@contextlib.contextmanager
def scratch_database(uri, database, keep=False):
    """Create database on the server at uri; yield the server's version;
    then drop it (ending its connections) unless keep"""
    import psycopg
    admin = psycopg.connect(uri, dbname='postgres', autocommit=True)
    admin.execute(f'CREATE DATABASE "{database}"')
    server_version = admin.execute('SHOW server_version').fetchone()[0]
    try:
        yield server_version
    finally:
        if not keep:
            admin.execute(
                'SELECT pg_terminate_backend(pid) FROM pg_stat_activity '
                'WHERE datname = %s AND pid <> pg_backend_pid()',
                (database,))
            admin.execute(f'DROP DATABASE IF EXISTS "{database}"')
        else:
            log(f"Kept the database {database} on {uri}")
        admin.close()


# The browser
class Chromium:
    """Debian's Chromium through playwright, headless (never
    `playwright install`: see scripts/system_deps.sh)"""

    def __init__(self):
        self._playwright = None
        self.browser = None

    def start(self):
        from playwright.sync_api import sync_playwright
        if not os.access(CHROMIUM, os.X_OK):
            raise RuntimeError(f"{CHROMIUM} is missing: run "
                "scripts/system_deps.sh (never `playwright install`)")
        self._playwright = sync_playwright().start()
        try:
            self.browser = self._playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        except BaseException:
            self._playwright.stop()
            raise
        return self

    def stop(self):
        if self.browser is not None:
            self.browser.close()
            self.browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
