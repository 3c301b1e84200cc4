# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Helpers that set up a municipality for the scenarios and tests."""
import datetime as dt
import io
import os
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from contextlib import contextmanager
from types import SimpleNamespace

import trytond.config as config
from proteus import Model, Wizard
from proteus import config as pconfig
from trytond import backend
from trytond.cache import Cache
from trytond.modules.company.tests.tools import create_company, get_company
from trytond.pool import Pool, isregisteredby
from trytond.pyson import Eval, PYSONEncoder
from trytond.tests.test_tryton import DB_NAME, drop_db, with_transaction
from trytond.transaction import Transaction

# login: (groups, [(department code, role)])
STAFF = {
    'coordinator': (['coordinator', 'receiver'], []),
    'handler1': (['handler', 'receiver'], [('BZ', 'handler')]),
    'handler2': (['handler', 'receiver'], [('BZ', 'handler')]),
    'handler3': (['handler', 'receiver'], [('OM', 'handler')]),
    'head': (['department_head', 'receiver'], [('BZ', 'head')]),
    'observer': (['observer', 'receiver'], []),
    'receiver': (['receiver'], []),
    'klachtenadmin': (['admin'], []),
    }
DEPARTMENTS = {'BZ': "Burgerzaken", 'OM': "Omgeving"}
SUBJECTS = {'service': "Dienstverlening"}


def export_template(module, config=None):
    """Return the POFile of the source strings of an activated module"""
    import polib
    Wizard('ir.translation.set', config=config).execute('set_')
    Lang = Model.get('ir.lang', config=config)
    Module = Model.get('ir.module', config=config)
    export = Wizard('ir.translation.export', config=config)
    export.form.language, = Lang.find([('code', '=', 'en')])
    export.form.module, = Module.find([('name', '=', module)])
    export.execute('export')
    return polib.pofile((export.form.file or b'').decode('utf-8'))


def with_extras(module):
    """module and the modules of its extras_depend: the strings of its
    [register <extra>] classes exist only where those are activated"""
    from trytond.modules import get_module_info
    return [module] + get_module_info(module).get('extras_depend', [])


def xml_id(fs_id, module='klachten_base', config=None):
    ModelData = Model.get('ir.model.data', config=config)
    return ModelData.get_id(module, fs_id, {})


def password(login):
    return f'{login}-Klaverveld-2026'


def create_handler_only(ns, login, name, lang=None):
    """A user who is a handler and nothing else (the test staff are
    receivers too), of the municipality's company; as the admin"""
    set_user('admin')
    User = Model.get('res.user')
    Group = Model.get('res.group')
    Company = Model.get('company.company')
    user = User(name=name, login=login)
    user.password = password(login)
    user.groups.append(Group(xml_id('group_handler')))
    user.companies.append(Company(ns.company.id))
    user.company = Company(ns.company.id)
    if lang:
        user.language, = Model.get('ir.lang').find([('code', '=', lang)])
    user.save()
    return user


def set_user(login, config=None):
    "Act as the user with login from now on"
    config = config or pconfig.get_config()
    User = Model.get('res.user', config=config)
    if login == 'admin':
        user_id = 1
    else:
        with config.reset_context():
            config.user = 1
            config._context = User.get_preferences(True, {})
            user, = User.find([('login', '=', login)])
            user_id = user.id
    config.user = user_id
    config._context = User.get_preferences(True, {})
    return user_id


def setup_municipality(config=None):
    """Create the company, departments and one user per role.

    Returns a namespace with users (by login), departments (by code) and
    roles (by code)."""
    config = config or pconfig.get_config()
    set_user('admin', config)
    create_company(config=config)
    company = get_company(config=config)
    Group = Model.get('res.group', config=config)
    User = Model.get('res.user', config=config)
    Role = Model.get('klachten.role', config=config)
    Department = Model.get('klachten.department', config=config)

    roles = {r.code: r for r in Role.find([])}
    departments = {}
    for code, name in DEPARTMENTS.items():
        department = Department(name=name, code=code)
        department.save()
        departments[code] = department
    users = {}
    for login, (groups, memberships) in STAFF.items():
        user = User(name=login.title(), login=login)
        user.password = password(login)
        for group in groups:
            user.groups.append(Group(xml_id(f'group_{group}', config=config)))
        Company = Model.get('company.company', config=config)
        user.companies.append(Company(company.id))
        user.company = Company(company.id)
        user.save()
        users[login] = user
        for code, role in memberships:
            department = departments[code]
            member = department.members.new()
            member.user = user
            member.role = roles[role]
            department.save()
    Subject = Model.get('klachten.subject', config=config)
    subjects = {}
    for key, name in SUBJECTS.items():
        subject = Subject(name=name)
        subject.save()
        subjects[key] = subject
    return SimpleNamespace(
        company=company, users=users, departments=departments, roles=roles,
        subjects=subjects)


def give_staff_emails(ns, domain='klaverveld.be'):
    "Give every staff member of ns an e-mail address <login>@domain"
    set_user('admin')
    User = Model.get('res.user')
    for login, user in ns.users.items():
        user = User(user.id)
        user.email = f'{login}@{domain}'
        user.save()


def create_complainant(name='An Peeters', email='an.peeters@example.org',
        config=None):
    Party = Model.get('party.party', config=config)
    party = Party(name=name)
    if email:
        mechanism = party.contact_mechanisms.new()
        mechanism.type = 'email'
        mechanism.value = email
    party.save()
    return party


def create_complaint(complainant=None, register=True, config=None, **values):
    "Create (and register) a complaint as the current user"
    Complaint = Model.get('klachten.complaint', config=config)
    complaint = Complaint()
    complaint.received_date = values.pop(
        'received_date', dt.date.today() - dt.timedelta(days=2))
    complaint.channel = values.pop('channel', 'email')
    complaint.short_description = values.pop(
        'short_description', "Nobody answered my e-mail")
    if complainant:
        complaint.complainant = complainant
    for name, value in values.items():
        setattr(complaint, name, value)
    complaint.save()
    if register:
        complaint.click('register')
    return complaint


def run_wizard(name, complaint, button='confirm', **values):
    "Run a complaint wizard with values and return the reloaded complaint"
    wizard = Wizard(f'klachten.complaint.{name}', [complaint])
    for field, value in values.items():
        if isinstance(value, list):
            getattr(wizard.form, field).extend(value)
        else:
            setattr(wizard.form, field, value)
    wizard.execute(button)
    complaint.reload()
    return complaint


def admit(complaint, ns, department='BZ', user='handler1', **values):
    """Declare a complaint admissible for a handler of department; what the
    procedure requires (subject, concerned department, basis) defaults to
    the complaint's or else to ns's service subject, department and
    'treatment'"""
    Department = Model.get('klachten.department')
    department = Department(ns.departments[department].id)
    wizard = Wizard('klachten.complaint.admissible', [complaint])
    form = wizard.form
    defaults = {
        'subject': Model.get('klachten.subject')(ns.subjects['service'].id),
        'concerns': 'department',
        'concerned_department': department,
        'basis': 'treatment',
        }
    for field, value in defaults.items():
        if field not in values and not getattr(form, field):
            values[field] = value
    values.setdefault('handler_department', department)
    values.setdefault('handler_role',
        Model.get('klachten.role')(ns.roles['handler'].id))
    values.setdefault('handler_user',
        Model.get('res.user')(ns.users[user].id) if user else None)
    for field, value in values.items():
        setattr(form, field, value)
    wizard.execute('confirm')
    complaint.reload()
    return complaint


@contextmanager
def travel(days, database=None):
    """Move the server's today by days (the cron's and the workflow's)"""
    Date = Pool(database or pconfig.get_config().database_name).get(
        'ir.date')
    original = Date.__dict__.get('today')
    real = Date.today

    def today(cls, timezone=None):
        return real(timezone) + dt.timedelta(days=days)
    Date.today = classmethod(today)
    try:
        yield
    finally:
        if original is None:
            del Date.today
        else:
            Date.today = original


def shared_database():
    """Return the name of the test database as other threads and processes
    can open it, and the folder of its file when it is a copy"""
    if backend.name != 'sqlite' or DB_NAME != ':memory:':
        return DB_NAME, None
    folder = tempfile.mkdtemp(prefix='klachten-shared-')
    name = 'shared'
    database = backend.Database(DB_NAME).connect()
    connection = database.get_connection()
    try:
        with sqlite3.connect(os.path.join(folder, f'{name}.sqlite')) as copy:
            connection.backup(copy)
        copy.close()
    finally:
        database.put_connection(connection)
    config.set('database', 'path', folder)
    # every copy has the same name: forget what an earlier copy left in
    # this process (its pool and its caches: ids, access, configuration)
    # or this one reads them
    Pool.stop(name)
    Cache.drop(name)
    Pool(name).init()
    return name, folder


def share_database(test_class):
    """Make the test database one that threads and processes can open;
    return its name.  Its cleanups are added to test_class."""
    test_class.addClassCleanup(drop_db)
    database_path = config.get('database', 'path')
    name, folder = shared_database()
    if folder:
        test_class.addClassCleanup(shutil.rmtree, folder)
        test_class.addClassCleanup(
            config.set, 'database', 'path', database_path)
        test_class.addClassCleanup(backend.Database(name).close)
        test_class.addClassCleanup(Pool.stop, name)
        # Every class's copy has the same name: forget this one's caches
        # (translations!) or the next class reads them
        test_class.addClassCleanup(Cache.drop, name)
    return name


class TranslationTestMixin:
    """Checks that every string of module is translated into Dutch and
    French with the same placeholders; set module and locale (the folder
    of the .po files) on the TestCase"""
    module = None
    locale = None

    @classmethod
    def setUpClass(cls):
        from trytond.tests.tools import activate_modules
        super().setUpClass()
        activate_modules(with_extras(cls.module))
        cls.template = export_template(cls.module)

    @classmethod
    def tearDownClass(cls):
        from trytond.tests.test_tryton import drop_db
        drop_db()
        super().tearDownClass()

    def check_language(self, code):
        import re

        import polib
        placeholder = re.compile(r'%\([a-z_]+\)[sd]')
        po = {(e.msgctxt, e.msgid): e
            for e in polib.pofile(os.path.join(self.locale, f'{code}.po'))}
        missing = [f'{e.msgctxt} {e.msgid!r}' for e in self.template
            if not getattr(po.get((e.msgctxt, e.msgid)), 'msgstr', '')]
        self.assertEqual(missing, [], msg=(
                f"Untranslated in {code}.po: run "
                "scripts/update_translations.py and translate"))
        for entry in po.values():
            with self.subTest(language=code, msgctxt=entry.msgctxt):
                self.assertEqual(
                    sorted(placeholder.findall(entry.msgid)),
                    sorted(placeholder.findall(entry.msgstr)))

    def test_dutch_complete(self):
        "Every string of the module is translated into Dutch"
        self.check_language('nl')

    def test_french_complete(self):
        "Every string of the module is translated into French"
        self.check_language('fr')


def read_as_sao(model, ids, view_type='form', config=None):
    """Read records the way sao loads them into a view: every field of the
    view, the rec_name of its many2one and reference fields, the record's
    rec_name and its _timestamp/_write/_delete, as the current user"""
    config = config or pconfig.get_config()
    Model_ = Model.get(model, config=config)
    view = Model_._proxy.fields_view_get(None, view_type, config.context)
    names = list(view['fields'])
    for name, field in view['fields'].items():
        if field['type'] in {'many2one', 'one2one', 'reference'}:
            names.append(f'{name}.rec_name')
    names += ['rec_name', '_timestamp', '_write', '_delete']
    return Model_._proxy.read(list(ids), names, config.context)


def sao_images():
    "The icon names sao ships in its images folder"
    from pathlib import Path
    if root := os.environ.get('KLACHTEN_SAO_ROOT'):
        root = Path(root)
    else:
        top = Path(__file__).resolve().parents[2]
        found = sorted(top.glob('var/sao/*/package/index.html'))
        root = found[-1].parent if found else None
    if root is None or not (root / 'images').is_dir():
        raise RuntimeError(f"sao is not installed ({root}): run `make sao`")
    return {p.stem for p in (root / 'images').glob('*.svg')}


def used_icons(modules):
    """(where, icon name) of every icon the modules' buttons, notebook
    pages, menus and wizard buttons name; to run in a transaction"""
    from xml.etree import ElementTree
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    View = pool.get('ir.ui.view')
    Menu = pool.get('ir.ui.menu')
    WizardAction = pool.get('ir.action.wizard')
    data = ModelData.search([('module', 'in', modules)])
    records = {}
    for record in data:
        records.setdefault(record.model, []).append(record)
    used = set()
    for view in View.browse([d.db_id for d in records.get('ir.ui.view', [])]):
        for node in ElementTree.fromstring(view.arch).iter():
            if node.tag in {'button', 'page'} and node.get('icon'):
                used.add((f'view {view.name}', node.get('icon')))
    for menu in Menu.browse([d.db_id for d in records.get('ir.ui.menu', [])]):
        if menu.icon:
            used.add((f'menu {menu.name}', menu.icon))
    for action in WizardAction.browse(
            [d.db_id for d in records.get('ir.action.wizard', [])]):
        Wizard_ = pool.get(action.wiz_name, type='wizard')
        for name, state in Wizard_.states.items():
            for button in getattr(state, 'buttons', []):
                if button.icon:
                    used.add((f'wizard {action.wiz_name} {name}', button.icon))
    return used


class IconTestMixin:
    "Every icon the module names exists for sao"

    @with_transaction()
    def test_icons_exist(self):
        "Every icon of the module's buttons and menus exists in sao"
        Icon = Pool().get('ir.ui.icon')
        known = sao_images() | {name for _, name in Icon.list_icons()}
        missing = sorted((where, icon)
            for where, icon in used_icons([self.module])
            if icon not in known)
        self.assertEqual(missing, [])


class TaskOriginAccessMixin:
    "__access__ as Tryton wants it, but for a task's complaint"

    @with_transaction()
    def test_model__access__(self):
        """The fields of __access__ exist, are required and have a target;
        but a task's complaint, required only without an origin: a task
        without complaint is read under the task's own rules
        (klachten_base task.Rule.domain_get, test_improvement_task.py)"""
        pool = Pool()
        for mname, Model_ in pool.iterobject():
            if not isregisteredby(Model_, self.module):
                continue
            for field_name in Model_.__access__:
                with self.subTest(model=mname, field=field_name):
                    field = Model_._fields[field_name]
                    self.assertTrue(field.get_target())
                    if (mname, field_name) == ('klachten.task', 'complaint'):
                        encode = PYSONEncoder().encode
                        self.assertEqual(encode(field.states['required']),
                            encode(~Eval('origin')))
                        continue
                    self.assertTrue(field.required, msg=(mname, field_name))


def database_dump(database):
    """The whole database (history tables included) as lower-case text:
    where retention tests look for a person"""
    with Transaction().start(database, 0, readonly=True) as transaction:
        connection = transaction.connection
        if backend.name == 'sqlite':
            return '\n'.join(connection.iterdump()).lower()
        cursor = connection.cursor()
        cursor.execute("SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE'")
        lines = []
        for table, in cursor.fetchall():
            cursor.execute(f'SELECT t::text FROM "{table}" AS t')
            lines.extend(r[0] for r in cursor.fetchall())
        return '\n'.join(lines).lower()


def file_store_text(database):
    "The files of the database's file store, as lower-case text"
    root = os.path.join(config.get('database', 'path'), database)
    texts = []
    for folder, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(folder, name), 'rb') as file:
                texts.append(readable(file.read()))
    return '\n'.join(texts).lower()


def found_in(haystack, needles):
    "The needles (lower case) found in haystack, as text or in hex"
    hexed = [n.encode().hex() for n in needles]
    return [n for n in needles + hexed if n in haystack]


def readable(data):
    "The text of a file's bytes: zip members read, PDF as its text"
    if data.startswith(b'PK'):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return '\n'.join(readable(archive.read(n))
                    for n in archive.namelist())
        except zipfile.BadZipFile:
            pass
    if data.startswith(b'%PDF'):
        return subprocess.run(['pdftotext', '-', '-'], input=data,
            capture_output=True, timeout=60).stdout.decode(errors='replace')
    return data.decode('utf-8', errors='replace') + data.hex()
