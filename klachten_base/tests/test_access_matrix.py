# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The access matrix, generated from the pool.

Every stored model of the four modules x every group of the product x
search, count, read, write, delete, create, every button and every wizard
started on records, with and without an as-of-date context, over JSON-RPC
(and /data and REST for reads), as one user per group.

The expectations are the declarative tables GRANTS and BUTTONS below plus
the record rules: what a user reaches through every door must be what a
plain search as that user returns now. A model, group or button missing
from the tables fails the test, naming it: a new one is covered by adding
one line here, not by writing a test."""
import base64
import csv
import datetime as dt
import io
import json
import os
import pprint
import time
from urllib.parse import urlencode

from werkzeug.test import Client

from proteus import Model, Wizard
from trytond.model import ModelStorage
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction, check_access
from trytond.wsgi import app

from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, password, set_user, xml_id)

MODULES = ['klachten_base', 'klachten_advies', 'klachten_report',
    'klachten_portal', 'klachten_notula']
GROUPS = ['admin', 'coordinator', 'handler', 'observer', 'department_head',
    'receiver']
A, CO, H, O, DH, R = GROUPS


def _grants(*perms):
    return dict(zip(GROUPS, perms))


# model: model access of each group, (r)ead (w)rite (c)reate (d)elete, in
# the order of GROUPS
GRANTS = {
    'klachten.advice.request': _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.advisory.body': _grants('rwcd', 'rwcd', 'r', 'r', 'r', 'r'),
    'klachten.analysis': _grants('rwcd', 'rwcd', '', '', '', ''),
    'klachten.analysis-klachten.complaint':
        _grants('rwcd', 'rwcd', '', '', '', ''),
    'klachten.complaint': _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.complaint-klachten.inadmissibility_ground':
        _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.complaint-klachten.norm':
        _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.complaint-klachten.remedy':
        _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.complaint-res.user.observer':
        _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.complaint.relation':
        _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.configuration': _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    'klachten.configuration.notula': _grants('rwcd', '', '', '', '', ''),
    'klachten.configuration.sequence': _grants('rwcd', '', '', '', '', ''),
    'klachten.department': _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    'klachten.department.member': _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    'klachten.document': _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.document.template': _grants('rw', 'r', '', '', '', ''),
    'klachten.email': _grants('r', 'r', 'r', '', '', ''),
    'klachten.inadmissibility_ground':
        _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    'klachten.inbound.message': _grants('r', 'r', '', '', '', ''),
    'klachten.information.request':
        _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.mailbox': _grants('rwcd', '', '', '', '', ''),
    'klachten.portal.rate_limit': _grants('', '', '', '', '', ''),
    # the receivers import a register too (issue 17), their own imports
    # only (record rules); the mappings are the company's
    'klachten.register.import':
        _grants('rwcd', 'rwcd', '', '', '', 'rwcd'),
    'klachten.register.import.error':
        _grants('rwcd', 'rwcd', '', '', '', 'rwcd'),
    'klachten.register.import.mapping':
        _grants('rwcd', 'rwcd', '', '', '', 'rwcd'),
    'klachten.register.import.mapping.line':
        _grants('rwcd', 'rwcd', '', '', '', 'rwcd'),
    'klachten.portal.token': _grants('r', '', '', '', '', ''),
    'klachten.redirect.delivery': _grants('r', 'r', '', '', '', ''),
    'klachten.redirect.target': _grants('rwcd', 'r', '', '', '', ''),
    'klachten.remedy': _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    'klachten.retention.log': _grants('r', 'r', '', '', '', ''),
    'klachten.retention.rule': _grants('rwcd', 'rwcd', '', '', '', ''),
    'klachten.role': _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    'klachten.standing_observer': _grants('rwcd', 'r', '', '', '', ''),
    'klachten.standard_text': _grants('rwcd', 'rwcd', '', '', '', ''),
    'klachten.subject': _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    # the complaint's access (__access__) and its write rules: the
    # coordinators may correct one; the investigators report through the
    # Report wizard (Request Sub-Investigation, Report, Cancel)
    'klachten.sub_investigation':
        _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    # an owner (any staff member) starts and finishes their own actions
    # (record rules), the coordinators manage them
    'klachten.improvement.action':
        _grants('rwcd', 'rwcd', 'rw', 'rw', 'rw', 'rw'),
    'klachten.improvement.action-klachten.complaint':
        _grants('rwcd', 'rwcd', 'rw', 'rw', 'rw', 'rw'),
    'klachten.norm': _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    'klachten.notula.body': _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    # the callback's replay memory: no one's through the client
    'klachten.notula.event': _grants('', '', '', '', '', ''),
    # the complaint's access (__access__); only coordinators and the
    # complaints administrator change a draft decision (checked in write)
    'klachten.notula.proposal':
        _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.notula.proposal-ir.attachment':
        _grants('rwcd', 'rwcd', 'rw', 'r', 'r', 'rwcd'),
    'klachten.survey.answer': _grants('rd', 'r', '', '', '', ''),
    'klachten.task': _grants('rwcd', 'rwcd', 'rw', 'rw', 'rw', 'rwcd'),
    'klachten.term': _grants('rwcd', 'r', 'r', 'r', 'r', 'r'),
    'klachten.yearly.report': _grants('rwcd', 'rwcd', '', '', '', ''),
    }
# model: {button: groups that may press it (none: the model's write)}
BUTTONS = {
    'klachten.advice.request': {
        'answer_wizard': [A, CO, DH, H, O, R],
        'withdraw': [A, CO, H],
        },
    'klachten.complaint': {
        'admissible_wizard': [A, CO],
        'agree': [A, CO],
        'answer_informal_wizard': [A, CO],
        'cancel_wizard': [A, CO],
        'conclude_wizard': [A, CO],
        'disagree_wizard': [A, CO],
        'extend_wizard': [A, CO],
        'finalise_report': [A, H],
        'hearing_wizard': [A, CO, H],
        'inadmissible_wizard': [A, CO],
        'legal_hold_wizard': [CO],
        'make_formal': [A, CO],
        'make_report_pdf': [A, CO, H],
        'not_neutral_wizard': [A, CO],
        'put_on_agenda': [A, CO],
        'redirect_wizard': [A, CO],
        'register': [A, CO, R],
        'release_legal_hold': [CO],
        'request_advice_wizard': [A, CO, H],
        'request_information_wizard': [A, CO],
        'resolve_wizard': [A, CO, R],
        'send_back_wizard': [A, H],
        'sub_investigation_wizard': [A, CO, H],
        'plain_language_review_wizard': [A, CO],
        },
    'klachten.configuration': {
        'apply_awb_preset': [A],
        'apply_flemish_preset': [A],
        'apply_one_month_preset': [A],
        },
    'klachten.document': {
        'make_masked': [CO],
        'make_pdf': [A, CO],
        'mark_sent': [A, CO],
        },
    'klachten.email': {
        'cancel': [A, CO],
        'retry': [A, CO],
        'review': [A, CO],
        },
    'klachten.redirect.delivery': {
        'cancel': [A, CO],
        'retry': [A, CO],
        },
    'klachten.analysis': {
        'done': [A, CO],
        'draft': [A, CO],
        },
    'klachten.improvement.action': {
        'cancel': [A, CO],
        'done': [A, CO, DH, H, O, R],
        'reopen': [A, CO],
        'start': [A, CO, DH, H, O, R],
        },
    'klachten.mailbox': {
        'poll': [A],
        },
    'klachten.information.request': {
        'cancel': [A, CO],
        'record_answer': [A, CO],
        },
    'klachten.notula.proposal': {
        'decide_wizard': [A, CO],
        'download': [A, CO],
        'record_reference': [A, CO],
        'reject': [A, CO],
        'schedule_wizard': [A, CO],
        'send': [A, CO],
        'withdraw': [A, CO],
        },
    'klachten.register.import': {
        'cancel': [A, CO, R],
        'check': [A, CO, R],
        'start': [A, CO, R],
        },
    'klachten.sub_investigation': {
        'cancel': [A, CO],
        'report_wizard': [A, CO, DH, H, O, R],
        },
    'klachten.task': {
        'do': [],
        'take_notice_wizard': [],
        },
    'klachten.yearly.report': {
        'draft': [A, CO],
        'make': [A, CO],
        'make_pdf': [A, CO],
        'put_on_agenda': [A, CO],
        },
    }


# wizard started from a menu, on no record: groups that may start it
MENU_WIZARDS = {
    'klachten.complaint.intake': [A, CO, R],
    }


def _groups_of(names, ids):
    return sorted(n for n, i in ids.items() if i in names)


def actual_tables(users):
    """GRANTS and BUTTONS as the pool and the database define them now;
    users: the user id of each group"""
    pool = Pool()
    ModelAccess = pool.get('ir.model.access')
    Button = pool.get('ir.model.button')
    IrModel = pool.get('ir.model')
    ModelData = pool.get('ir.model.data')
    transaction = Transaction()
    group_ids = {g: ModelData.get_id('klachten_base', f'group_{g}')
        for g in GROUPS}
    # stored models; SQL views (table_query: the key figures, read-only
    # aggregates whose rows depend on the context's period) have their
    # access tested with them (klachten_report/tests/test_kpi.py)
    names = [m.name for m in IrModel.search([('module', 'in', MODULES)])
        if issubclass(pool.get(m.name), ModelStorage)
        and not getattr(pool.get(m.name), '_is_table_query', bool)()]
    grants = {n: {} for n in names}
    for group, user_id in users.items():
        with transaction.set_user(user_id):
            access = ModelAccess.get_access(names)
        for name in names:
            grants[name][group] = ''.join(letter
                for letter, perm in zip('rwcd',
                    ['read', 'write', 'create', 'delete'])
                if access[name][perm])
    buttons = {}
    for name in names:
        Model_ = pool.get(name)
        if getattr(Model_, '_buttons', None):
            buttons[name] = {
                button: _groups_of(
                    Button.get_groups(name, button), group_ids)
                for button in Model_._buttons}
    return grants, buttons


class AccessMatrixTestCase(MunicipalityTestCase):
    "Every model x every group x every door"
    modules = MODULES

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ns = cls.ns
        cls.make_users(ns)
        cls.make_data(ns)
        cls.client = Client(app, Response)
        cls.sessions = {g: cls.login(f'mx_{g}') for g in GROUPS}
        cls.rest_keys = cls.make_rest_keys()
        with Transaction().start(DB_NAME, 0):
            cls.actual = actual_tables(
                {g: u.id for g, u in cls.users.items()})
            if os.environ.get('ACCESS_MATRIX_PRINT'):
                with open(os.environ['ACCESS_MATRIX_PRINT'], 'w') as out:
                    pprint.pprint(cls.actual, out, width=76)
            cls.all_ids = {m: [r.id for r in Pool().get(m).search([])]
                for m in cls.actual[0]}

    @classmethod
    def make_users(cls, ns):
        "One user per group, a member of Burgerzaken where it matters"
        set_user('admin')
        User = Model.get('res.user')
        Group = Model.get('res.group')
        Company = Model.get('company.company')
        Department = Model.get('klachten.department')
        cls.users = {}
        for group in GROUPS:
            user = User(name=f"Matrix {group}", login=f'mx_{group}')
            user.password = password(f'mx_{group}')
            user.groups.append(Group(xml_id(f'group_{group}')))
            user.companies.append(Company(ns.company.id))
            user.company = Company(ns.company.id)
            user.save()
            cls.users[group] = ns.users[f'mx_{group}'] = user
            role = {H: 'handler', DH: 'head'}.get(group)
            if role:
                department = Department(ns.departments['BZ'].id)
                member = department.members.new()
                member.user = user
                member.role = Model.get('klachten.role')(ns.roles[role].id)
                department.save()

    @classmethod
    def make_data(cls, ns):
        """Complaints in several situations; then, after cls.seen, the
        observed one made confidential"""
        set_user('mx_receiver')
        party = create_complainant()
        observed = create_complaint(party)
        secret = create_complaint(party)
        about = create_complaint(party)
        create_complaint(party, register=False)
        set_user('klachtenadmin')
        User = Model.get('res.user')
        Complaint = Model.get('klachten.complaint')
        observer = User(cls.users[O].id)
        observed = Complaint(observed.id)
        observed.observers.append(observer)
        observed.save()
        admit(observed, ns, user='mx_handler')
        secret = Complaint(secret.id)
        secret.confidential = True
        secret.observers.append(User(observer.id))
        secret.save()
        admit(secret, ns, department='OM', user='handler3')
        admit(Complaint(about.id), ns, user=None, concerns='staff',
            concerned_user=User(cls.users[H].id))
        # the receiver investigates part of it for another department
        wizard = Wizard('klachten.complaint.sub_investigation',
            [Complaint(about.id)])
        wizard.form.department = Model.get('klachten.department')(
            ns.departments['OM'].id)
        wizard.form.user = User(cls.users[R].id)
        wizard.form.question = "Matrix question"
        wizard.execute('confirm')
        Model.get('ir.attachment')(resource=Complaint(observed.id),
            name="a.txt", data=b"attached").save()
        Model.get('ir.note')(resource=Complaint(observed.id),
            message="noted").save()
        # the handler's improvement action: a task without complaint
        Model.get('klachten.improvement.action')(
            description="Matrix action", user=User(cls.users[H].id),
            due_date=dt.date.today()).save()
        time.sleep(1.1)
        cls.seen = dt.datetime.now()
        time.sleep(1.1)
        observed = Complaint(observed.id)
        observed.confidential = True
        observed.save()

    @classmethod
    def make_rest_keys(cls):
        "A REST application key of each group's user, as an integrator has"
        set_user('admin')
        Application = Model.get('res.user.application')
        User = Model.get('res.user')
        keys = {}
        for group, user in cls.users.items():
            application = Application(user=User(user.id),
                application='rest', key=f'matrix-rest-{group}-' + 'k' * 24)
            application.save()
            keys[group] = application.key
        return keys

    @classmethod
    def login(cls, login):
        response = cls.client.post(f'/{DB_NAME}/rpc/', data=json.dumps({
                    'id': 0, 'method': 'common.db.login',
                    'params': [login, {'password': password(login)}]}),
            headers={'Content-Type': 'application/json'})
        user_id, session = json.loads(response.data)['result'][:2]
        token = base64.b64encode(
            f'{login}:{user_id}:{session}'.encode()).decode()
        return {'Authorization': f'Session {token}'}

    def rpc(self, group, method, *params):
        "(result, None) or (None, error) of method called as group's user"
        response = self.client.post(f'/{DB_NAME}/rpc/',
            data=json.dumps({'id': 1, 'method': method,
                    'params': list(params)}, cls=JSONEncoder),
            headers=dict(self.sessions[group],
                **{'Content-Type': 'application/json'}))
        if response.status_code == 403:
            # not callable over RPC at all (a model without ModelView)
            return None, 'forbidden'
        self.assertEqual(response.status_code, 200, (method, response.data))
        data = json.loads(response.data, object_hook=JSONDecoder())
        if 'error' in data:
            # a refusal is a Tryton error (name, (message, description,
            # domain)), never a crash (message, traceback)
            self.assertIsInstance(data['error'][1], (list, tuple),
                f"{method} as {group} crashed: {data['error']}")
            return None, data['error']
        return data['result'], None

    def refused(self, group, method, *params):
        result, error = self.rpc(group, method, *params)
        self.assertIsNotNone(error,
            f"{method}{params!r} as {group} was not refused")

    def data_ids(self, group, model, context):
        response = self.client.get(f'/{DB_NAME}/data/{model}?' + urlencode({
                    'f': 'id', 'h': 0,
                    'c': json.dumps(context, cls=JSONEncoder)}),
            headers=self.sessions[group])
        if response.status_code != 200:
            return set()
        return {int(r[0]) for r in csv.reader(
                io.StringIO(response.data.decode())) if r}

    def rest_headers(self, group, context):
        headers = {'Authorization': f'Bearer {self.rest_keys[group]}'}
        if context:
            headers['X-Tryton-Context'] = base64.urlsafe_b64encode(
                json.dumps(context, cls=JSONEncoder).encode()).decode()
        return headers

    def rest_ids(self, group, model, context):
        "The ids REST's search returns to group's user (none if refused)"
        response = self.client.get(f'/{DB_NAME}/rest/model/{model}?f=id',
            headers=self.rest_headers(group, context))
        if response.status_code != 200:
            return set()
        return {r['id'] for r in json.loads(response.data)}

    def rest_get(self, group, model, id_, context):
        "The status of REST's read of one record by group's user"
        return self.client.get(f'/{DB_NAME}/rest/model/{model}/{id_}?f=id',
            headers=self.rest_headers(group, context)).status_code

    def contexts(self):
        return [('now', {}), ('as of date', {'_datetime': self.seen})]

    def test_menu_wizards(self):
        """Only the groups of a wizard started from a menu may start and
        run it"""
        for wizard, groups in MENU_WIZARDS.items():
            # a session of an allowed group, run by every other
            (session, start, _), error = self.rpc(
                groups[0], f'wizard.{wizard}.create', {})
            for group in GROUPS:
                with self.subTest(wizard=wizard, group=group):
                    created, error = self.rpc(
                        group, f'wizard.{wizard}.create', {})
                    if group in groups:
                        self.assertIsNone(error)
                        continue
                    self.assertIsNotNone(error)
                    self.refused(group, f'wizard.{wizard}.execute',
                        session, {}, start, {})

    def test_tables_complete(self):
        "Every model, group and button of the pool is in the tables"
        grants, buttons = self.actual
        for model in sorted(grants):
            with self.subTest(model=model):
                self.assertIn(model, GRANTS,
                    f"{model} is missing from GRANTS: {grants[model]!r}")
                self.assertEqual(GRANTS[model], grants[model],
                    f"the model access of {model} changed")
        for model in sorted(buttons):
            with self.subTest(model=model, buttons=True):
                self.assertIn(model, BUTTONS,
                    f"{model} is missing from BUTTONS: {buttons[model]!r}")
                self.assertEqual(
                    {b: sorted(g) for b, g in BUTTONS[model].items()},
                    buttons[model],
                    f"the buttons of {model} changed")
        self.assertEqual(set(GRANTS) - set(grants), set(),
            "models in GRANTS the pool no longer has")

    def test_rule_conditions_are_the_assignments(self):
        """The record rules' conditions on a complaint's or task's own
        columns (handlers, department heads, sub-investigators, B1
        reviewers, advisors, task assignees) select for every user exactly
        the records of the (record, user) assignment queries the screens
        and e-mails use: by name, by department and role, by group, by
        department, open or done.  Assignments of every kind are added in
        a transaction that is rolled back."""
        coordinators = xml_id('group_coordinator')
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Complaint = pool.get('klachten.complaint')
            Task = pool.get('klachten.task')
            Request = pool.get('klachten.advice.request')
            User = pool.get('res.user')
            ns = self.ns
            complaints = Complaint.search([], order=[('id', 'ASC')])
            cursor = transaction.connection.cursor()

            def insert(Model, **values):
                table = Model.__table__()
                values.update(create_uid=0, create_date=dt.datetime.now())
                columns = [getattr(table, c) for c in values]
                cursor.execute(*table.insert(columns,
                        [list(values.values())]))

            role = ns.roles['handler'].id
            head = ns.roles['head'].id
            for department in ns.departments.values():
                for complaint in complaints[:2]:
                    for kind in ['investigate', 'plain_language_review']:
                        insert(Task, complaint=complaint.id, kind=kind,
                            state='open', department=department.id,
                            role=role)
                        insert(Task, complaint=complaint.id, kind=kind,
                            state='done', department=department.id,
                            role=head)
                    insert(Request, complaint=complaint.id,
                        kind='internal', state='requested', question="?",
                        advisor_department=department.id,
                        advisor_role=role)
                    insert(pool.get('klachten.sub_investigation'),
                        complaint=complaint.id, department=department.id,
                        role=role, question="?", state='open')
                # a department's task without complaint nor role
                insert(Task, kind='investigate', state='open',
                    department=department.id,
                    origin=f'klachten.complaint,{complaints[0].id}')
            insert(Task, complaint=complaints[0].id, kind='evaluate',
                state='open', group=coordinators)
            complaint = Complaint.__table__()
            cursor.execute(*complaint.update([complaint.state],
                    ['conclusion'],
                    where=complaint.id == complaints[0].id))

            searchers = [
                (Complaint, 'handlers', Complaint._handler_pairs()),
                (Complaint, 'department_heads',
                    Complaint._department_head_pairs()),
                (Complaint, 'sub_investigators',
                    Complaint._sub_investigator_pairs()),
                (Complaint, 'plain_language_reviewers',
                    Complaint._plain_language_reviewer_pairs()),
                (Complaint, 'advisors', Complaint._advisor_pairs()),
                (Task, 'assignees', Task._assignee_pairs()),
                ]
            users = User.search([])
            for Searched, name, pairs in searchers:
                key = {Task: 'task'}.get(Searched, 'complaint')
                found = 0
                for user in users:
                    with self.subTest(field=name, user=user.login):
                        cursor.execute(*pairs.select(getattr(pairs, key),
                                where=pairs.user == user.id))
                        expected = {i for i, in cursor}
                        with Transaction().set_context(active_test=False):
                            records = Searched.search(
                                [(name, '=', user.id)])
                        self.assertEqual(
                            {r.id for r in records}, expected)
                        found += len(expected)
                # the added data reach every field
                self.assertGreater(found, 0, name)
            transaction.rollback()

    def test_reads(self):
        """Search, count, read, /data and REST, now and as of a past date,
        reach exactly the records a plain search returns now"""
        for model in sorted(GRANTS):
            for group in GROUPS:
                with self.subTest(model=model, group=group):
                    self.check_reads(model, group)

    def check_reads(self, model, group):
        prefix = f'model.{model}'
        readable = 'r' in GRANTS[model][group]
        now, error = self.rpc(group, f'{prefix}.search', [], 0, None, None,
            {})
        if not readable or error == 'forbidden':
            # no RPC: /data reaches what a plain search as the user returns
            self.assertIsNotNone(error, f"{group} searched {model}")
            with Transaction().start(DB_NAME, self.users[group].id), \
                    check_access():
                try:
                    now = set(map(int, Pool().get(model).search([])))
                except AccessError:
                    now = set()
            for label, context in self.contexts():
                self.assertLessEqual(
                    self.data_ids(group, model, context), now, label)
                self.assertLessEqual(
                    self.rest_ids(group, model, context), now,
                    f"REST {label}")
            return
        self.assertIsNone(error, error)
        now = set(now)
        for label, context in self.contexts():
            found, _ = self.rpc(group, f'{prefix}.search', [], 0, None,
                None, context)
            self.assertLessEqual(set(found or []), now, label)
            count, _ = self.rpc(group, f'{prefix}.search_count', [], 0,
                None, context)
            self.assertLessEqual(count or 0, len(now), label)
            if not context:
                self.assertEqual(count, len(now))
            self.assertLessEqual(
                self.data_ids(group, model, context), now, f"/data {label}")
            rest = self.rest_ids(group, model, context)
            self.assertLessEqual(rest, now, f"REST {label}")
            if not context:
                self.assertEqual(rest, now, "REST now")
            hidden = sorted(set(self.all_ids[model]) - now)
            for id_ in hidden:
                self.refused(group, f'{prefix}.read', [id_], ['id'],
                    context)
            if hidden:
                self.assertNotEqual(
                    self.rest_get(group, model, hidden[0], context), 200,
                    f"REST read of hidden {model},{hidden[0]} {label}")
        if now:
            self.assertEqual(
                len(self.rpc(group, f'{prefix}.read', sorted(now), ['id'],
                        {})[0]), len(now))

    def test_writes_and_buttons(self):
        """Write, delete, create, every button and every wizard follow the
        grants and the record rules in write mode"""
        for model in sorted(GRANTS):
            for group in GROUPS:
                if 'r' not in GRANTS[model][group]:
                    continue
                with self.subTest(model=model, group=group):
                    self.check_writes(model, group)

    def check_writes(self, model, group):
        prefix = f'model.{model}'
        grant = GRANTS[model][group]
        ids, error = self.rpc(
            group, f'{prefix}.search', [], 0, None, None, {})
        if error == 'forbidden':
            return
        records, _ = self.rpc(group, f'{prefix}.read', ids,
            ['_write', '_delete'], {})
        if 'c' not in grant:
            self.refused(group, f'{prefix}.create', [{}], {})
        for record in records or []:
            id_ = record['id']
            writable = 'w' in grant and record['_write']
            if not writable:
                self.refused(group, f'{prefix}.write', [id_], {}, {})
            else:
                _, error = self.rpc(
                    group, f'{prefix}.write', [id_], {}, {})
                self.assertIsNone(error, f"{group} may write {id_}")
            if not ('d' in grant and record['_delete']):
                self.refused(group, f'{prefix}.delete', [id_], {})
            for button, groups in BUTTONS.get(model, {}).items():
                allowed = ((group in groups) if groups else 'w' in grant)
                if allowed and record['_write']:
                    continue
                for _, context in self.contexts():
                    self.refused(group, f'{prefix}.{button}', [id_],
                        context)
            if not record['_write']:
                for wizard in self.wizards(model):
                    self.check_wizard_refused(group, model, wizard, id_)

    def wizards(self, model):
        if not hasattr(self, '_wizards'):
            with Transaction().start(DB_NAME, 0):
                ActionWizard = Pool().get('ir.action.wizard')
                self.__class__._wizards = {}
                for action in ActionWizard.search([
                            ('model', 'like', 'klachten.%')]):
                    self._wizards.setdefault(action.model, set()).add(
                        action.wiz_name)
        return sorted(self._wizards.get(model, []))

    def check_wizard_refused(self, group, model, wizard, id_):
        context = {'active_model': model, 'active_id': id_,
            'active_ids': [id_]}
        created, error = self.rpc(group, f'wizard.{wizard}.create', context)
        if error:
            return
        session, start, _ = created
        self.refused(group, f'wizard.{wizard}.execute', session, {}, start,
            context)
