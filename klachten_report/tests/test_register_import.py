# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The import of an old complaints register, as the coordinator does it:
a spreadsheet with bad rows, a dry run, the import by the queue."""
import datetime as dt
import io
import unittest
import zipfile

from openpyxl import Workbook

import trytond.config as config
from klachten_base.tests.tools import set_user, setup_municipality
from proteus import Model, Wizard
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction, without_check_access
from trytond.worker import run_task

from ..register_import import batch_size, dump_batches, load_batch

HEADERS = ["Nummer", "Ontvangen op", "Naam", "E-mail", "Kanaal",
    "Betrokken dienst", "Korte omschrijving", "Beoordeling",
    "Gronden van onontvankelijkheid", "Status", "Afgesloten op", "Leeg"]


def good_row(i):
    return [f'OUD-{i:04d}', dt.date(2019, 1, 1) + dt.timedelta(days=i),
        f"Burger {i}", f'burger{i}@example.org',
        ['Brief', 'phone', 'E-mail'][i % 3],
        ['BZ', 'Omgeving'][i % 2], f"Klacht nummer {i}",
        ['Gegrond', 'unfounded', ''][i % 3], '',
        'Afgesloten', dt.date(2019, 3, 1) + dt.timedelta(days=i), None]


def make_xlsx(write_only=False, prefix='OUD'):
    """60 rows of which 4 bad, 3 empty lines; the bad rows by row number.
    write_only: written as openpyxl's write-only mode writes (the register
    export does): the file does not say its size"""
    workbook = Workbook(write_only=write_only)
    sheet = (workbook.create_sheet('Register') if write_only
        else workbook.active)
    sheet.append(HEADERS)
    bad, rows = {}, 1
    for i in range(1, 61):
        row, column = good_row(i), None
        row[0] = row[0].replace('OUD', prefix)
        if i == 5:
            row[1], column = '31/02/2019', "Ontvangen op"
        elif i == 9:
            row[5], column = 'Feestcomité', "Betrokken dienst"
        elif i == 14:
            row[7], column = '=VLOOKUP(A2,B:C,2)', "Beoordeling"
        elif i == 20:
            row[0], column = f'{prefix}-0019', ""
        elif i == 30:
            row[7], row[8] = '', 'Not_complaint'
            row.append(None)
        sheet.append(row)
        rows += 1
        if column is not None:
            bad[rows] = column
        if i in {10, 11, 40}:
            sheet.append([None] * len(HEADERS))
            rows += 1
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue(), bad


def run_queue():
    "Run the queued tasks as the worker does, one at a time, until none"
    runs = 0
    while True:
        with Transaction().start(DB_NAME, 0):
            Queue = Pool().get('ir.queue')
            ids = [t.id for t in Queue.search([('dequeued_at', '=', None)])]
        if not ids:
            return runs
        for task_id in ids:
            run_task(DB_NAME, task_id)
            runs += 1


class RegisterImportTestCase(unittest.TestCase):
    "The import of an existing register"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('klachten_report')
        cls.ns = setup_municipality()
        # as with a worker: the queued batches wait for the test to run them
        worker = config.get('queue', 'worker')
        config.set('queue', 'worker', 'True')
        cls.addClassCleanup(config.set, 'queue', 'worker', worker)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def new_import(self, data, name):
        Import = Model.get('klachten.register.import')
        imp = Import(file=data, file_name=name)
        imp.save()
        return imp

    def test_xlsx_dry_run_import_and_again(self):
        "Dry run lists the bad rows only; the import files the rest once"
        set_user('coordinator')
        Complaint = Model.get('klachten.complaint')
        Email = Model.get('klachten.email')
        Task = Model.get('klachten.task')
        emails, tasks = len(Email.find([])), len(Task.find([]))
        # the export's columns map themselves, the others are saved once
        Mapping = Model.get('klachten.register.import.mapping')
        mapping = Mapping(name="Oud register")
        for column, field in [("Naam", 'complainant_name'),
                ("E-mail", 'complainant_email')]:
            mapping.lines.new(column=column, field=field)
        mapping.save()
        data, bad = make_xlsx()
        imp = self.new_import(data, 'register.xlsx')
        imp.click('check')
        self.assertEqual(imp.state, 'checked')
        self.assertEqual(imp.mapping, mapping)
        self.assertEqual(imp.rows_total, 60)
        self.assertEqual(imp.failed, 4, [
                (e.row, e.column, e.value, e.message) for e in imp.errors][:8])
        self.assertEqual(
            {(e.row, e.column) for e in imp.errors}, set(bad.items()))
        self.assertIn('31/02/2019', [e.value for e in imp.errors])
        self.assertFalse(Complaint.find([('number', 'like', 'OUD-%')]))

        imp.click('start')
        self.assertEqual(imp.state, 'queued')
        self.assertEqual(imp.progress, 0)
        self.assertEqual(run_queue(), 1)
        imp.reload()
        self.assertEqual(
            (imp.state, imp.created, imp.progress), ('done', 56, 1.0))
        complaints = Complaint.find([('number', 'like', 'OUD-%')])
        self.assertEqual(len(complaints), 56)
        self.assertEqual({c.state for c in complaints}, {'closed'})
        first, = Complaint.find([('number', '=', 'OUD-0001')])
        self.assertEqual(first.received_date, dt.date(2019, 1, 2))
        self.assertEqual(first.closing_date, dt.date(2019, 3, 2))
        self.assertEqual(first.channel, 'phone')
        self.assertEqual(first.outcome, 'unfounded')
        self.assertEqual(first.concerned_department.code, 'OM')
        self.assertEqual(first.complainant.name, "Burger 1")
        self.assertEqual(first.complainant.email, 'burger1@example.org')
        third, = Complaint.find([('number', '=', 'OUD-0003')])
        self.assertEqual(third.outcome, 'founded')
        grounds, = Complaint.find([('number', '=', 'OUD-0030')])
        self.assertEqual(
            [g.code for g in grounds.inadmissibility_grounds],
            ['not_complaint'])
        # handled long ago: no acknowledgement, no task, no e-mail
        self.assertEqual(len(Email.find([])), emails)
        self.assertEqual(len(Task.find([])), tasks)

        again = self.new_import(data, 'register.xlsx')
        again.click('check')
        # the repeated number is now one imported before: skipped too
        self.assertEqual((again.skipped, again.failed), (57, 3))
        again.click('start')
        run_queue()
        again.reload()
        self.assertEqual((again.state, again.created), ('done', 0))
        self.assertEqual(
            len(Complaint.find([('number', 'like', 'OUD-%')])), 56)

    def test_xlsx_without_its_size(self):
        "A register that does not say its size checks as one that does"
        set_user('coordinator')
        data, bad = make_xlsx(write_only=True, prefix='ZONDER')
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.assertNotIn(b'<dimension',
                archive.read('xl/worksheets/sheet1.xml'))
        imp = self.new_import(data, 'export.xlsx')
        imp.click('check')
        self.assertEqual((imp.rows_total, imp.failed), (60, 4))
        self.assertEqual(
            {(e.row, e.column) for e in imp.errors}, set(bad.items()))
        imp.click('cancel')

    def test_csv_in_batches_with_progress(self):
        "A csv of Excel (cp1252, ';') in batches: the progress grows"
        set_user('coordinator')
        Import = Model.get('klachten.register.import')
        Complaint = Model.get('klachten.complaint')
        lines = ["Number;Received On;Short Description;State;Closed On"]
        lines += [f"CSV-{i};0{1 + i % 9}/02/2020;Geen antwoord "
            f"ontvangen {i} é;Cancelled;10/03/2020" for i in range(1200)]
        imp = self.new_import(
            '\r\n'.join(lines).encode('cp1252'), 'register.csv')
        imp.click('check')
        self.assertEqual((imp.rows_total, imp.failed), (1200, 0))
        # the batches import the rows the dry run kept: a file changed
        # since is checked again before it can start
        imp.file = '\r\n'.join(lines[:-1]).encode('cp1252')
        imp.save()
        self.assertEqual(imp.state, 'draft')
        imp.file = '\r\n'.join(lines).encode('cp1252')
        imp.click('check')
        self.assertEqual((imp.state, imp.rows_total), ('checked', 1200))
        imp.click('start')
        progress = []
        while True:
            with Transaction().start(DB_NAME, 0):
                Queue = Pool().get('ir.queue')
                tasks = Queue.search([('dequeued_at', '=', None)])
                ids = [t.id for t in tasks]
            if not ids:
                break
            run_task(DB_NAME, ids[0])
            progress.append(round(Import(imp.id).progress, 2))
        # batches of 240 rows: the bar moves in 5 steps
        self.assertEqual(batch_size(1200), 240)
        self.assertEqual(progress, [0.2, 0.4, 0.6, 0.8, 1.0])
        # a register of 500 rows (the demo's) moves in 5 steps too, one of
        # 10,000 in 20 of 500 rows
        self.assertEqual([batch_size(n) for n in [60, 500, 10000]],
            [100, 100, 500])
        cancelled = Complaint.find([('number', 'like', 'CSV-%')])
        self.assertEqual(len(cancelled), 1200)
        self.assertEqual({c.state for c in cancelled}, {'cancelled'})
        self.assertTrue(all(
                c.short_description.endswith(' é') for c in cancelled[:5]))

    def test_department_gone_since_check(self):
        """A row whose department was deleted between the dry run and
        Start is not imported, and the import's errors say which"""
        set_user('admin')
        Department = Model.get('klachten.department')
        temporary = Department(name="Tijdelijke dienst", code='TMP')
        temporary.save()
        set_user('coordinator')
        Import = Model.get('klachten.register.import')
        Complaint = Model.get('klachten.complaint')
        lines = ["Number;Received On;Short Description;State;Closed On;"
            "Concerned Department"]
        lines += [f"GONE-{i};03/02/2020;Klacht {i};Cancelled;10/03/2020;"
            f"{name}" for i, name in enumerate(
                ["Tijdelijke dienst", "BZ", "Tijdelijke dienst"])]
        imp = self.new_import('\r\n'.join(lines).encode(), 'gone.csv')
        imp.click('check')
        self.assertEqual((imp.rows_total, imp.failed), (3, 0),
            [(e.row, e.column, e.message) for e in imp.errors])
        set_user('admin')
        Department = Model.get('klachten.department')
        Department.delete([Department(temporary.id)])
        set_user('coordinator')
        imp = Import(imp.id)
        imp.click('start')
        run_queue()
        imp = Import(imp.id)
        self.assertEqual(imp.state, 'done')
        self.assertEqual(
            [c.number for c in Complaint.find([('number', 'like', 'GONE-%')])],
            ['GONE-1'])
        self.assertEqual(sorted(e.row for e in imp.errors), [2, 4])
        self.assertEqual({e.message for e in imp.errors},
            {"No record with this name or code."})

    def test_imported_cut_by_retention(self):
        "An imported complaint closed years ago is anonymised by the cron"
        set_user('coordinator')
        wizard = Wizard('klachten.retention.preset')
        wizard.form.preset = 'flanders'
        wizard.execute('apply')
        Complaint = Model.get('klachten.complaint')
        lines = ["Number;Received On;Complainant's Name;Short Description;"
            "Closed On",
            "RET-1;02/01/2001;Jan Oud;Te laat geleegd;01/03/2001"]
        imp = self.new_import('\n'.join(lines).encode(), 'old.csv')
        imp.click('check')
        self.assertEqual(imp.retention_due, 1)
        imp.click('start')
        self.assertEqual(run_queue(), 1)
        complaint, = Complaint.find([('number', '=', 'RET-1')])
        self.assertEqual(complaint.complainant.name, "Jan Oud")
        set_user('admin')
        Cron = Model.get('ir.cron')
        cron, = Cron.find(
            [('method', '=', 'klachten.complaint|run_retention')])
        cron.click('run_once')
        set_user('coordinator')
        complaint.reload()
        self.assertTrue(complaint.anonymised)
        self.assertNotEqual(complaint.short_description, "Te laat geleegd")

    def test_sql_rows_as_orm_rows(self):
        "An imported complaint and its party are the rows the ORM makes"
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            User = pool.get('res.user')
            coordinator, = User.search([('login', '=', 'coordinator')])
            staff = [(u.id, u.login) for u in User.search(
                        [('login', 'in', ['handler1', 'head'])])]
            user, company = coordinator.id, coordinator.company.id
        lines = ["Number;Received On;Complainant's Name;Complainant's E-mail;"
            "Complainant's Phone;Complainant's Street;Complainant's City;"
            "Concerned Department;Handling Department;Admissibility;"
            "Inadmissibility Grounds;Outcome;Decided On;State;Closed On;"
            "Short Description;Description;Reply to the Complainant"]
        for n in ['SQL-ORM', 'SQL-BULK']:
            lines.append(f"{n};03/02/2020;Els {n};{n.lower()}@example.org;"
                "+32 3 123 45 67;Kerkstraat 1;Zoersel;BZ;BZ;Admissible;;"
                "Founded;01/03/2020;Closed;02/03/2020;Riool;Het riool "
                "stinkt;Wij herstellen het")
        with Transaction().start(DB_NAME, user, context={
                    'company': company, 'language': 'en'}) as transaction:
            pool = Pool()
            Import = pool.get('klachten.register.import')
            Complaint = pool.get('klachten.complaint')
            Party = pool.get('party.party')
            Register = pool.get('klachten.complaint.register', type='report')
            imp, = Import.create([{'file': '\n'.join(lines).encode(),
                        'file_name': 'sql.csv'}])
            parsed = list(imp._parse())
            self.assertEqual([e for *_, e in parsed], [[], []])
            (_, _, (orm_values, orm_party), _), (_, _, bulk_row, _) = parsed
            with without_check_access():
                # the reference: the ORM's create, as the import did before
                orm_party = Party.create([{
                            'name': orm_party['name'],
                            'code': Party._code_sequence().get(),
                            'contact_mechanisms': [('create', [
                                        {'type': t, 'value': orm_party[t]}
                                        for t in ['email', 'phone']])],
                            'addresses': [('create', [{
                                            'street': orm_party['street'],
                                            'postal_code': None,
                                            'city': orm_party['city'],
                                            }])],
                            }])[0].id
                grounds = orm_values.pop('inadmissibility_grounds', None)
                orm, = Complaint.create([dict(orm_values, company=company,
                            register_import=imp.id, complainant=orm_party,
                            anonymous=False, inadmissibility_grounds=[
                                ('add', grounds or [])])])
                # the batch imports the row as the dry run kept it
                kept, = load_batch(dump_batches(
                        [(0, [(3, 'SQL-BULK', *bulk_row)])]), 0)
                self.assertEqual(kept, (3, 'SQL-BULK', *bulk_row))
                bulk, = Complaint._import_file(
                    company, [kept[2:]], imp.id)
            bulk = Complaint(bulk)
            bulk_party = bulk.complainant.id
            cursor = transaction.connection.cursor()

            def rows(table, column, ids):
                cursor.execute(f'SELECT * FROM "{table}" WHERE "{column}" '
                    f'IN ({", ".join(map(str, ids))}) ORDER BY id')
                names = [d[0] for d in cursor.description]
                return [dict(zip(names, r)) for r in cursor.fetchall()]

            def same(table, column, orm_id, bulk_id, differ):
                orm_rows = rows(table, column, [orm_id])
                bulk_rows = rows(table, column, [bulk_id])
                self.assertEqual(len(orm_rows), len(bulk_rows), table)
                self.assertTrue(orm_rows, table)
                for a, b in zip(orm_rows, bulk_rows):
                    self.assertEqual(set(a), set(b), table)
                    names = set(a) - differ - {
                        'id', 'create_date', 'write_date'}
                    self.assertEqual({n: b[n] for n in names},
                        {n: a[n] for n in names}, table)
                    self.assertIsNotNone(b['create_date'], table)
                    self.assertEqual(a['write_date'] is None,
                        b['write_date'] is None, table)
                return bulk_rows

            same('klachten_complaint', 'id', orm.id, bulk.id,
                {'number', 'import_key', 'complainant'})
            history = same('klachten_complaint__history', 'id', orm.id,
                bulk.id, {'__id', 'number', 'import_key', 'complainant'})
            self.assertEqual(history[0]['number'], 'SQL-BULK')
            same('party_party', 'id', orm_party, bulk_party,
                {'code', 'code_alnum', 'code_digit', 'name'})
            same('party_party_lang', 'party', orm_party, bulk_party,
                {'party'})
            same('party_address', 'party', orm_party, bulk_party, {'party'})
            mechanisms = same('party_contact_mechanism', 'party', orm_party,
                bulk_party, {'party', 'value', 'value_compact', 'email'})
            self.assertEqual([m['value'] for m in mechanisms],
                ['sql-bulk@example.org', '+32 3 123 45 67'])
            # what the product reads of them
            orm = Complaint(orm.id)
            self.assertEqual(bulk.rec_name, 'SQL-BULK - Riool')
            self.assertEqual(orm.rec_name, 'SQL-ORM - Riool')
            self.assertEqual(bulk.complainant.email, 'sql-bulk@example.org')
            self.assertEqual(bulk.complainant.phone, '+32 3 123 45 67')
            self.assertEqual(bulk.complainant.code,
                str(int(orm.complainant.code) + 1))
            self.assertEqual(bulk.complainant.address_get().full_address,
                orm.complainant.address_get().full_address)
            self.assertEqual(bulk.complainant.lang, orm.complainant.lang)
            for name in ['state', 'outcome', 'closing_date', 'decision_date',
                    'concerned_department', 'complainant_address_email']:
                self.assertEqual(
                    getattr(bulk, name) is None, getattr(orm, name) is None,
                    name)
            # the ORM's own validation accepts the rows written in SQL
            Complaint._validate([bulk])
            Party._validate([bulk.complainant])
            labels = Register._labels()
            orm_row, bulk_row = [list(Register._rows(Complaint.search(
                                [('id', '=', c.id)], query=True), labels))
                for c in [orm, bulk]]
            self.assertEqual(orm_row[0][1:], bulk_row[0][1:])
            self.assertEqual(bulk_row[0][0], 'SQL-BULK')
            # the department's handler and head see the one as the other
            self.assertEqual(len(staff), 2)
            for user_id, login in staff:
                with transaction.set_user(user_id), \
                        transaction.set_context(_check_access=True):
                    seen = {c.id for c in Complaint.search(
                            [('id', 'in', [orm.id, bulk.id])])}
                self.assertEqual(orm.id in seen, bulk.id in seen, login)
            transaction.rollback()
