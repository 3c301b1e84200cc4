#!/usr/bin/env python3
# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Add up the pytest JUnit reports of the backends and print the last line.

Usage: test_summary.py RESULTS_DIR BACKEND...

For each backend, RESULTS_DIR holds ``<backend>.xml`` (pytest --junitxml)
and ``<backend>.rc`` (pytest's exit code).  Prints one line per backend
and then, alone on the last line, ``N passed, N failed`` (with
``, N skipped`` when tests were skipped).  Errors count as failed, and so
does a backend whose run did not finish (no report, or pytest stopped on
a usage or internal error).  Exits 1 when anything failed or a backend
ran no test.
"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

# pytest exit codes that still leave a complete report:
# 0 all passed, 1 some failed, 5 nothing collected
COMPLETE = {0, 1, 5}


def count(report):
    """Return (passed, failed, skipped) of a JUnit XML report

    Counts the <testcase> elements: the suite's ``tests`` attribute also
    counts every subTest (pytest 9), thousands for a ModuleTestCase.
    A test with a failure in its call and an error in its teardown counts
    once.
    """
    passed = failed = skipped = 0
    for case in ET.parse(report).getroot().iter('testcase'):
        if case.find('failure') is not None or case.find('error') is not None:
            failed += 1
        elif case.find('skipped') is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def backend_totals(results, backend):
    report = results / f'{backend}.xml'
    rc_file = results / f'{backend}.rc'
    rc = int(rc_file.read_text()) if rc_file.exists() else None
    passed = failed = skipped = 0
    if report.exists():
        passed, failed, skipped = count(report)
    line = f"{backend}: {passed} passed, {failed} failed, {skipped} skipped"
    if rc not in COMPLETE or not report.exists():
        # Make sure an unfinished run is never read as a success
        failed += 1
        line += f" -- the run did not finish (exit {rc}): counted 1 failed"
    elif passed + failed == 0:
        line += " -- no test ran"
    print(line)
    return passed, failed, skipped, passed + failed == 0


def main(results, *backends):
    results = Path(results)
    passed = failed = skipped = 0
    empty = False
    for backend in backends:
        p, f, s, e = backend_totals(results, backend)
        passed += p
        failed += f
        skipped += s
        empty |= e
    summary = f"{passed} passed, {failed} failed"
    if skipped:
        summary += f", {skipped} skipped"
    print(summary)
    return 1 if failed or empty else 0


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
