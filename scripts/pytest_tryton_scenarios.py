# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""pytest plugin: run Tryton scenarios (``tests/scenario_*.rst``).

Tryton loads scenarios in ``load_tests`` through ``load_doc_tests``, which
pytest ignores.  This plugin collects every ``scenario_*.rst`` of a
``tests`` folder as one test per configuration (a ``scenario_x.json`` beside
it lists several globals sets) and runs it exactly as ``load_doc_tests``
does: Tryton's set-up and tear-down (which drops the test database), its
output checker and option flags (``STRIP_DECIMAL`` on SQLite).

It is loaded by ``setup.cfg`` (``-p pytest_tryton_scenarios``); do not also
pass ``--doctest-glob`` for the scenarios, or they run twice.
"""
import doctest
import json
import unittest

import pytest


def pytest_collect_file(file_path, parent):
    if (file_path.suffix == '.rst'
            and file_path.name.startswith('scenario_')
            and file_path.parent.name == 'tests'):
        return ScenarioFile.from_parent(parent, path=file_path)


class ScenarioFailed(Exception):
    pass


class ScenarioFile(pytest.File):

    def collect(self):
        config = self.path.with_suffix('.json')
        if config.exists():
            configs = json.loads(config.read_text(encoding='utf-8'))
        else:
            configs = [{}]
        for index, globs in enumerate(configs):
            name = self.path.name
            if len(configs) > 1:
                name += f'[{index}]'
            yield ScenarioItem.from_parent(self, name=name, globs=globs)


class ScenarioItem(pytest.Item):

    def __init__(self, *, globs, **kwargs):
        super().__init__(**kwargs)
        self.globs = globs

    def runtest(self):
        from trytond import backend
        from trytond.tests.test_tryton import (
            STRIP_DECIMAL, doctest_checker, doctest_setup, doctest_teardown)

        optionflags = (
            doctest.REPORT_ONLY_FIRST_FAILURE
            | doctest.ELLIPSIS
            | doctest.IGNORE_EXCEPTION_DETAIL)
        if backend.name == 'sqlite':
            optionflags |= STRIP_DECIMAL
        suite = doctest.DocFileSuite(
            str(self.path), module_relative=False, globs=dict(self.globs),
            setUp=doctest_setup, tearDown=doctest_teardown,
            encoding='utf-8', checker=doctest_checker,
            optionflags=optionflags)
        result = unittest.TestResult()
        suite.run(result)
        if not result.testsRun:
            raise ScenarioFailed(f"{self.path.name}: nothing was run")
        # A failed example: show doctest's report without the traceback
        # of the unittest wrapper around it
        problems = [
            text[max(text.find('Failed doctest'), 0):]
            for _, text in result.failures]
        problems += [text for _, text in result.errors]
        if problems:
            raise ScenarioFailed('\n'.join(problems))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, ScenarioFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"scenario {self.name}"
