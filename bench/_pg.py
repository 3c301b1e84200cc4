# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The PostgreSQL of the benchmarks: the server given by --uri or a
throwaway cluster on loopback, and a database created for one run."""
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def log(*args):
    print(*args, file=sys.stderr, flush=True)


class Cluster:
    "A private PostgreSQL cluster in a temporary folder, on loopback"

    def __init__(self):
        self.bindir = self._bindir()
        self.dir = None
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
        self.dir = Path(tempfile.mkdtemp(prefix='klachten-bench-pg.'))
        if os.getuid() == 0:
            # PostgreSQL refuses to run as root
            if subprocess.run(['id', '-u', 'postgres'],
                    capture_output=True).returncode:
                subprocess.run(['useradd', '--system', '--user-group',
                        '--no-create-home', 'postgres'], check=True)
            shutil.chown(self.dir, 'postgres', 'postgres')
            self.as_pg = ['runuser', '-u', 'postgres', '--']
        with socket.socket() as s:
            s.bind(('127.0.0.1', 0))
            self.port = s.getsockname()[1]
        self._run([self.bindir / 'initdb', '-D', self.dir / 'data',
                '-A', 'trust', '--no-sync', '-U', 'postgres', '-E', 'UTF8',
                '--locale=C.UTF-8'], 'initdb.log')
        self._run([self.bindir / 'pg_ctl', '-D', self.dir / 'data', '-w',
                '-t', '60', '-l', self.dir / 'postgresql.log', '-o',
                f'-p {self.port} -k {self.dir} '
                '-c listen_addresses=127.0.0.1 -c fsync=off '
                '-c full_page_writes=off -c synchronous_commit=off '
                '-c shared_buffers=256MB -c max_connections=50',
                'start'], 'pg_ctl.log')
        return f'postgresql://postgres@127.0.0.1:{self.port}/'

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
