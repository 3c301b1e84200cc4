# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
# pytest runs the scenario_*.rst through scripts/pytest_tryton_scenarios.py;
# this load_tests serves `python -m unittest`.
from trytond.tests.test_tryton import load_doc_tests


def load_tests(*args, **kwargs):
    return load_doc_tests(__name__, __file__, *args, **kwargs)
