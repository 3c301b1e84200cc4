# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The tests' harness (klachten_base/tests/harness.py: the throwaway
PostgreSQL cluster, ports, processes) for the benchmarks.

Loaded from its file: importing the klachten_base package loads trytond,
whose backend is chosen on import, before a benchmark has pointed
TRYTOND_DATABASE__URI at its cluster.

    from _harness import Cluster, free_port, postgresql

And the benchmarks' own start-up: activate_module (trytond-admin) and
run_checked.
"""
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

PATH = (Path(__file__).resolve().parents[1]
    / 'klachten_base' / 'tests' / 'harness.py')
_spec = importlib.util.spec_from_file_location('_klachten_harness', PATH)
_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_harness)


TOP = Path(__file__).resolve().parents[1]


def run_checked(args, env, what):
    "Run args in env from the top of the repository; its output"
    result = subprocess.run(args, env=env, capture_output=True, text=True,
        cwd=TOP)
    if result.returncode:
        _harness.log(result.stdout[-3000:], result.stderr[-5000:])
        raise RuntimeError(f"{what} failed")
    return result.stdout


def activate_module(database, module, env):
    "Activate module and its dependencies on database with trytond-admin"
    env = dict(env)
    with tempfile.NamedTemporaryFile('w', suffix='.pw') as passfile:
        passfile.write('admin\n')
        passfile.flush()
        env['TRYTONPASSFILE'] = passfile.name
        _harness.log(f"Activating {module} on {database} (trytond-admin)...")
        run_checked([str(Path(sys.executable).parent / 'trytond-admin'),
                '-d', database, '-u', module, '--activate-dependencies',
                '--email', 'admin@example.org'], env, 'trytond-admin')


def __getattr__(name):
    return getattr(_harness, name)
