# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""klachten_base installs from its folder into an empty virtual
environment with what its pyproject.toml lists (fetched by pip), activates
alone in a new database of the run's backend, and computes a term over the
public holidays: nothing it imports is missing from its dependencies."""
import os
import shutil
import subprocess
import tempfile
import unittest
import venv
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TOP = Path(__file__).resolve().parent.parent
DATABASE = 'klachten_packaging'
# Run by the new environment's Python once klachten_base is activated
CHECK = f'''
import datetime
from trytond.pool import Pool
from trytond.transaction import Transaction
Pool.start()
pool = Pool({DATABASE!r})
pool.init()
with Transaction().start({DATABASE!r}, 0, readonly=True):
    Module = pool.get('ir.module')
    Menu = pool.get('ir.ui.menu')
    ModelData = pool.get('ir.model.data')
    Configuration = pool.get('klachten.configuration')
    module, = Module.search([('name', '=', 'klachten_base')])
    menu = Menu(ModelData.get_id('klachten_base', 'menu_klachten'))
    # received on 1 October 2026: 45 days end on a Sunday, so the answer
    # is due on Monday (Belgian public holidays, the holidays package)
    due = Configuration(1).term_end('answer', datetime.date(2026, 10, 1))
    print(module.state, menu.name, due.isoformat())
'''


def copy_module(name, folder):
    "A copy of the module's folder without what a build or a run left"
    target = Path(folder) / name
    shutil.copytree(TOP / name, target, ignore=shutil.ignore_patterns(
            'build', '*.egg-info', '__pycache__', '*.pyc'))
    return target


class PackagingTestCase(unittest.TestCase):
    "pip install ./klachten_base, then activate it"

    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)
        self.uri = os.environ.get('TRYTOND_DATABASE__URI', 'sqlite://')
        self.postgresql = self.uri.startswith('postgresql')

    def run_in(self, args, **env):
        "Run args in the new environment alone: no PYTHONPATH, no config"
        environ = {k: v for k, v in os.environ.items()
            if not k.startswith(('TRYTOND_', 'PYTHON', 'DB_'))}
        environ.update(env)
        process = subprocess.run(args, env=environ, cwd=self.folder,
            capture_output=True, text=True, timeout=900)
        self.assertEqual(process.returncode, 0,
            f"{' '.join(map(str, args))}:\n{process.stdout[-2000:]}"
            f"\n{process.stderr[-4000:]}")
        return process.stdout

    def create_database(self):
        "Return the configuration of a new, empty database"
        path = self.folder / 'db'
        path.mkdir()
        if not self.postgresql:
            (path / f'{DATABASE}.sqlite').touch()
            return {'TRYTOND_DATABASE__URI': 'sqlite://',
                'TRYTOND_DATABASE__PATH': str(path)}
        import psycopg
        parts = urlsplit(self.uri)
        with psycopg.connect(urlunsplit(parts._replace(path='/postgres')),
                autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')
            connection.execute(f'CREATE DATABASE "{DATABASE}"')
        self.addCleanup(self.drop_database, parts)
        return {'TRYTOND_DATABASE__URI': self.uri,
            'TRYTOND_DATABASE__PATH': str(path)}

    def drop_database(self, parts):
        import psycopg
        with psycopg.connect(urlunsplit(parts._replace(path='/postgres')),
                autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{DATABASE}"')

    def test_install_and_activate_alone(self):
        "klachten_base installed alone into an empty venv activates"
        environment = self.folder / 'venv'
        # The interpreter itself, not the one of the test run's venv
        venv.EnvBuilder(with_pip=True).create(environment)
        python = environment / 'bin' / 'python'
        requirements = [copy_module('klachten_base', self.folder)]
        if self.postgresql:
            # the backend's driver, not a dependency of the module
            requirements += ['trytond[postgresql]', 'psycopg[binary]']
        self.run_in([python, '-m', 'pip', 'install', '--quiet',
                '--disable-pip-version-check', *requirements])
        # nothing of the test run's environment is there
        self.run_in([python, '-c', '''
import importlib.util
for name in ['klachten_portal', 'proteus', 'openpyxl']:
    assert importlib.util.find_spec(name) is None, name
'''])

        database = self.create_database()
        password = self.folder / 'password'
        password.write_text('admin\n')
        self.run_in([environment / 'bin' / 'trytond-admin', '-d', DATABASE,
                '-u', 'klachten_base', '--activate-dependencies',
                '--email', 'admin@example.org'],
            TRYTONPASSFILE=str(password), **database)
        self.assertEqual(
            self.run_in([python, '-c', CHECK], **database).split(),
            ['activated', 'Complaints', '2026-11-16'])
