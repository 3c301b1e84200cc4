# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The tests' harness (klachten_base/tests/harness.py: the throwaway
PostgreSQL cluster, ports, processes) for the benchmarks.

Loaded from its file: importing the klachten_base package loads trytond,
whose backend is chosen on import, before a benchmark has pointed
TRYTOND_DATABASE__URI at its cluster.

    from _harness import Cluster, free_port, postgresql
"""
import importlib.util
from pathlib import Path

PATH = (Path(__file__).resolve().parents[1]
    / 'klachten_base' / 'tests' / 'harness.py')
_spec = importlib.util.spec_from_file_location('_klachten_harness', PATH)
_harness = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_harness)


def __getattr__(name):
    return getattr(_harness, name)
