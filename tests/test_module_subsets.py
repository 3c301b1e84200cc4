# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every subset of the modules activates on its own: klachten_base alone,
with advice, with the register, with the portal, advice with the portal,
and all of them.

Each subset is activated in a new database by its own Python process
(three at a time), so that only the activated modules are imported and
registered (a pytest process has imported them all), on the backend of the
run.  What a user
would notice is read back: the menus, the task and term kinds, and whether
the portal's complaint form is there."""
import json
import os
import subprocess
import sys
import tempfile
import unittest
from concurrent.futures import ThreadPoolExecutor

BASE_MENU = 'klachten_base.menu_klachten'
ADVICE_MENU = 'klachten_advies.menu_advisory_body_form'
REGISTER_MENU = 'klachten_report.menu_register_export'
SURVEY_MENU = 'klachten_portal.menu_survey_answer_form'
BODY_MENU = 'klachten_notula.menu_body_form'
ADVICE_KINDS = {'advice', 'committee_answer'}
# databases activated at the same time
WORKERS = 3
# the modules given to activate (with their dependencies) per subset
SUBSETS = {
    'base': ['klachten_base'],
    'base+advies': ['klachten_advies'],
    'base+report': ['klachten_report'],
    'base+portal': ['klachten_portal'],
    'base+advies+portal': ['klachten_advies', 'klachten_portal'],
    'base+notula': ['klachten_notula'],
    'all': ['klachten_advies', 'klachten_portal', 'klachten_report',
        'klachten_notula'],
    }


def facts(modules):
    """Activate modules in a new test database; return what is there"""
    from werkzeug.test import Client

    from trytond.pool import Pool
    from trytond.protocols.wrappers import Response
    from trytond.tests.test_tryton import DB_NAME, activate_module, drop_db
    from trytond.transaction import Transaction
    from trytond.wsgi import app

    activate_module(modules)
    try:
        with Transaction().start(DB_NAME, 0, readonly=True):
            pool = Pool()
            Module = pool.get('ir.module')
            ModelData = pool.get('ir.model.data')
            Configuration = pool.get('klachten.configuration')

            def selection(model, field):
                Model = pool.get(model)
                return sorted(k for k, _ in
                    Model.fields_get([field])[field]['selection'])
            result = {
                'modules': sorted(m.name for m in Module.search([
                            ('name', 'like', 'klachten_%'),
                            ('state', '=', 'activated'),
                            ])),
                'menus': sorted(f'{d.module}.{d.fs_id}'
                    for d in ModelData.search([
                            ('model', '=', 'ir.ui.menu'),
                            ('module', 'like', 'klachten_%'),
                            ])),
                'task_kinds': selection('klachten.task', 'kind'),
                'term_kinds': selection('klachten.term', 'kind'),
                'terms': sorted(t.kind for t in Configuration(1).terms),
                # what the coordinator's complaint form shows
                'complaint_form': pool.get('klachten.complaint')
                .fields_view_get(view_type='form')['arch'],
                'complaint_fields': sorted(
                    pool.get('klachten.complaint')._fields),
                }
            # the yearly report's form, the draft decision's fields
            models = set(dict(pool.iterobject()))
            result['yearly_form'] = (pool.get('klachten.yearly.report')
                .fields_view_get(view_type='form')['arch']
                if 'klachten.yearly.report' in models else None)
            result['proposal_fields'] = (sorted(
                    pool.get('klachten.notula.proposal')._fields)
                if 'klachten.notula.proposal' in models else None)
        client = Client(app, Response)
        result['portal_form'] = client.get(
            f'/{DB_NAME}/portal/complaint').status_code
    finally:
        drop_db()
    return result


def activate(folder, number, modules):
    """Activate modules in a new database by a process of their own;
    return its facts, or the end of its error output"""
    env = dict(os.environ)
    if env.get('TRYTOND_DATABASE__URI', '').startswith('postgresql'):
        # beside the database of the pytest process
        env['DB_NAME'] = f'test_klachten_subset{number}'
    else:
        # a folder each: listing the databases opens every file of the
        # folder, and would lock a database another process is restoring
        folder = os.path.join(folder, str(number))
        os.mkdir(folder)
        env['DB_NAME'] = f'subset{number}'
        env['TRYTOND_DATABASE__PATH'] = folder
    process = subprocess.run(
        [sys.executable, __file__, *modules], env=env, cwd=folder,
        capture_output=True, text=True, timeout=900)
    if process.returncode:
        return process.stderr[-3000:]
    return json.loads(process.stdout.strip().splitlines()[-1])


class ModuleSubsetsTestCase(unittest.TestCase):
    "Every subset of the modules activates"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with tempfile.TemporaryDirectory() as folder, \
                ThreadPoolExecutor(WORKERS) as executor:
            cls.facts = dict(zip(SUBSETS, executor.map(
                        lambda args: activate(folder, *args),
                        enumerate(SUBSETS.values()))))

    def subset(self, name):
        facts = self.facts[name]
        if isinstance(facts, str):
            self.fail(f"{name} did not activate:\n{facts}")
        return facts

    def test_activated(self):
        "Exactly the modules of each subset are activated"
        for name, modules in SUBSETS.items():
            with self.subTest(subset=name):
                self.assertEqual(self.subset(name)['modules'],
                    sorted({'klachten_base', *modules}))

    def test_complaints_menu(self):
        "Every subset has the Complaints menu; each module adds its own"
        for name, modules in SUBSETS.items():
            with self.subTest(subset=name):
                menus = self.subset(name)['menus']
                self.assertIn(BASE_MENU, menus)
                self.assertEqual(ADVICE_MENU in menus,
                    'klachten_advies' in modules)
                self.assertEqual(REGISTER_MENU in menus,
                    'klachten_report' in modules)
                self.assertEqual(SURVEY_MENU in menus,
                    'klachten_portal' in modules)

    def test_advice_kinds_only_with_advice(self):
        "The advice task and terms exist where klachten_advies is activated"
        for name, modules in SUBSETS.items():
            with self.subTest(subset=name):
                facts = self.subset(name)
                advice = 'klachten_advies' in modules
                self.assertEqual('advice' in facts['task_kinds'], advice)
                self.assertEqual(
                    ADVICE_KINDS <= set(facts['term_kinds']), advice)
                self.assertFalse(
                    not advice and ADVICE_KINDS & set(facts['term_kinds']))
                self.assertEqual(ADVICE_KINDS <= set(facts['terms']), advice)
                self.assertIn('answer', facts['terms'])

    def test_agenda_only_with_notula(self):
        "A tenant without klachten_notula sees no trace of the agenda"
        for name, modules in SUBSETS.items():
            with self.subTest(subset=name):
                facts = self.subset(name)
                notula = 'klachten_notula' in modules
                self.assertEqual(BODY_MENU in facts['menus'], notula)
                self.assertEqual(
                    'put_on_agenda' in facts['complaint_form'], notula)
                self.assertEqual(
                    'proposals' in facts['complaint_fields'], notula)
                self.assertEqual(bool({k for k in facts['task_kinds']
                            if k.startswith('agenda_')}), notula)
                report = 'klachten_report' in modules
                # the yearly report goes on the agenda only with both
                if report:
                    self.assertEqual(
                        'put_on_agenda' in facts['yearly_form'], notula)
                if notula:
                    self.assertEqual(
                        'yearly_report' in facts['proposal_fields'], report)

    def test_portal_form_only_with_portal(self):
        "The complaint form answers where the portal is activated, else 404"
        for name, modules in SUBSETS.items():
            with self.subTest(subset=name):
                self.assertEqual(self.subset(name)['portal_form'],
                    200 if 'klachten_portal' in modules else 404)


if __name__ == '__main__':
    print(json.dumps(facts(sys.argv[1:])))
