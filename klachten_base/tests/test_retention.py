# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A complaint's lawful end of life in klachten_base: a canary planted in
every place of the module is gone from the whole database and the file
store once the retention cron has run past the period; a complaint under
legal hold and an open one keep theirs."""
import json
import os
import uuid
from unittest import mock

import trytond.config as config
from proteus import Model, Wizard
from trytond import backend
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complaint, run_wizard, set_user, travel, xml_id)

# past the 5 years of the Flemish preset
SIX_YEARS = 6 * 366


def database_text():
    "Every row of every table of the test database (history too), as text"
    database = backend.Database(DB_NAME).connect()
    connection = database.get_connection()
    try:
        if backend.name == 'sqlite':
            return '\n'.join(connection.iterdump())
        cursor = connection.cursor()
        cursor.execute("SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")
        rows = []
        for table, in cursor.fetchall():
            cursor.execute(f'SELECT CAST(t AS TEXT) FROM "{table}" AS t')
            rows.extend(r for r, in cursor.fetchall())
        return '\n'.join(rows)
    finally:
        database.put_connection(connection)


def file_store_hits(canary):
    "The files of the file store that contain canary"
    hits = []
    for folder, _, names in os.walk(config.get('database', 'path')):
        for name in names:
            path = os.path.join(folder, name)
            if os.path.islink(path) or path.endswith(('.sqlite', '-wal')):
                continue
            with open(path, 'rb') as file:
                if canary.encode() in file.read():
                    hits.append(path)
    return hits


class Canary:
    "A unique name, e-mail address, phone number and file content"

    def __init__(self):
        token = uuid.uuid4().hex
        self.name = f"Kanarie{token[:12]}"
        self.email = f"{self.name.lower()}@example.org"
        self.phone = '+32470' + ''.join(
            str(int(c, 16) % 10) for c in token[12:18])
        self.file = f"scan of {self.name}"

    @property
    def marks(self):
        return [self.name.lower(), self.phone]

    def found_in(self, text):
        text = text.lower()
        return [m for m in self.marks if m in text]


def plant_party(canary):
    Party = Model.get('party.party')
    party = Party(name=canary.name)
    for type_, value in [('email', canary.email), ('phone', canary.phone)]:
        mechanism = party.contact_mechanisms.new()
        mechanism.type = type_
        mechanism.value = value
    address, = party.addresses
    address.street = f"{canary.name}straat 1"
    party.save()
    return party


def plant(canary, ns, close=True):
    """A complaint of the canary's person with the canary in every place of
    klachten_base: the party, the texts (an earlier value in the history
    too), an information request, a task note, the report, the outbox,
    the conversation, a note and an attachment"""
    set_user('coordinator')
    Complaint = Model.get('klachten.complaint')
    party = plant_party(canary)
    complaint = create_complaint(party, register=False,
        short_description=f"{canary.name} waited",
        description=f"First version by {canary.name}")
    complaint.description = f"{canary.name} called {canary.phone}"
    complaint.remedy_sought = f"Call {canary.name}"
    complaint.save()
    complaint.click('register')
    complaint = run_wizard('request_information', complaint,
        question=f"{canary.name}, when did you call?")
    request, = complaint.information_requests
    request.answer = f"On Monday, {canary.name}"
    request.click('record_answer')
    complaint = admit(Complaint(complaint.id), ns, user='handler1',
        note=f"Call {canary.name} first")
    Model.get('ir.attachment')(resource=Complaint(complaint.id),
        name="scan.txt", data=canary.file.encode()).save()
    Model.get('ir.note')(resource=Complaint(complaint.id),
        message=f"{canary.name} is angry").save()
    Channel = Model.get('ir.chat.channel')
    set_user('coordinator')
    Channel._proxy.post(str(complaint), f"Spoke to {canary.name}",
        'internal', Model.get('klachten.complaint')._config.context)
    if not close:
        return Complaint(complaint.id)
    set_user('handler1')
    complaint = Complaint(complaint.id)
    complaint.report = f"{canary.name} was right"
    complaint.outcome = 'unfounded'
    complaint.outcome_motivation = f"{canary.name} misread the rules"
    complaint.save()
    complaint.click('finalise_report')
    set_user('coordinator')
    complaint = run_wizard('conclude', Complaint(complaint.id),
        conclusion=f"About {canary.name}", inform=True,
        reply=f"Dear {canary.name}", request_feedback=False)
    assert complaint.state == 'closed', complaint.state
    return complaint


def run_retention():
    set_user('admin')
    Cron = Model.get('ir.cron')
    cron, = Cron.find([('method', '=', 'klachten.complaint|run_retention')])
    cron.click('run_once')


class RetentionTestCase(MunicipalityTestCase):
    "Retention rules, the anonymiser, legal hold and erasure requests"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        wizard = Wizard('klachten.retention.preset')
        wizard.form.preset = 'flanders'
        wizard.execute('apply')

    def test_preset_rules(self):
        "The Flemish preset keeps complaints 5 years, anonymises cancelled"
        set_user('coordinator')
        Rule = Model.get('klachten.retention.rule')
        rules = {r.state: (r.years, r.months, r.action)
            for r in Rule.find([])}
        self.assertEqual(rules, {
                'closed': (5, 0, 'anonymise'),
                'inadmissible': (5, 0, 'anonymise'),
                'cancelled': (1, 0, 'anonymise'),
                'informal': (1, 0, 'anonymise'),
                })
        for login in ['handler1', 'receiver']:
            set_user(login)
            with self.subTest(login=login), self.assertRaises(Exception):
                Model.get('klachten.retention.rule').find([])

    def set_rule(self, state, **values):
        "Change the rule of state for this test"
        set_user('coordinator')
        rule, = Model.get('klachten.retention.rule').find([
                ('state', '=', state)])
        original = {n: getattr(rule, n) for n in values}
        for name, value in values.items():
            setattr(rule, name, value)
        rule.save()

        def restore():
            set_user('coordinator')
            for name, value in original.items():
                setattr(rule, name, value)
            rule.save()
        self.addCleanup(restore)

    def test_retention_cuts_every_place(self):
        "Past the period the canary is nowhere; hold and open keep theirs"
        closed, held, open_, cancelled = (Canary() for _ in range(4))
        Complaint = Model.get('klachten.complaint')
        # a municipality may delete its cancelled complaints
        self.set_rule('cancelled', action='delete')
        kept = plant(closed, self.ns)
        hold = plant(held, self.ns)
        wizard = Wizard('klachten.complaint.legal_hold', [hold])
        wizard.form.reason = "Ombudsman file 2026/17"
        wizard.execute('hold')
        plant(open_, self.ns, close=False)
        gone = plant(cancelled, self.ns, close=False)
        gone = run_wizard('cancel', Complaint(gone.id),
            reason=f"{cancelled.name} withdrew")
        gone_number = gone.number
        text = database_text()
        for canary in [closed, held, open_, cancelled]:
            self.assertEqual(
                sorted(canary.found_in(text)), sorted(canary.marks))
            self.assertTrue(file_store_hits(canary.file))
        # the earlier value is in the history table
        self.assertIn(f"First version by {closed.name}".lower(),
            text.lower())

        with travel(SIX_YEARS):
            run_retention()

        text = database_text()
        for canary in [closed, cancelled]:
            self.assertEqual(canary.found_in(text), [], canary.name)
            self.assertEqual(file_store_hits(canary.file), [], canary.name)
        for canary in [held, open_]:
            self.assertEqual(
                sorted(canary.found_in(text)), sorted(canary.marks))
            self.assertTrue(file_store_hits(canary.file))

        set_user('coordinator')
        kept = Complaint(kept.id)
        self.assertTrue(kept.anonymised)
        self.assertEqual(kept.short_description, "[removed]")
        # the statistical skeleton
        self.assertEqual(
            (kept.state, kept.outcome, kept.channel,
                kept.handler_department.code),
            ('closed', 'unfounded', 'email', 'BZ'))
        self.assertEqual(kept.complainant.name, "[removed]")
        self.assertEqual(Complaint.find([('id', '=', gone.id)]), [])
        self.assertFalse(Complaint(hold.id).anonymised)

        Log = Model.get('klachten.retention.log')
        logs = {(g.complaint_number, g.action, g.origin, g.rule.state)
            for g in Log.find([('origin', '=', 'cron'),
                    ('complaint_number', 'in', [kept.number, gone_number]),
                    ])}
        self.assertEqual(logs, {
                (kept.number, 'anonymise', 'cron', 'closed'),
                (gone_number, 'delete', 'cron', 'cancelled'),
                })

    def test_retention_forgets_party_with_last_complaint(self):
        "The complainant is forgotten with her last complaint, not before"
        canary = Canary()
        Complaint = Model.get('klachten.complaint')
        first = plant(canary, self.ns)
        set_user('coordinator')
        party = Complaint(first.id).complainant
        second = create_complaint(party)
        with travel(SIX_YEARS):
            run_retention()
        set_user('coordinator')
        self.assertTrue(Complaint(first.id).anonymised)
        self.assertEqual(Model.get('party.party')(party.id).name,
            canary.name)

        second = run_wizard('cancel', Complaint(second.id),
            reason="Withdrawn")
        with travel(SIX_YEARS):
            run_retention()
        set_user('coordinator')
        # the preset anonymises a cancelled complaint: it still counts
        self.assertTrue(Complaint(second.id).anonymised)
        # the anonymised first complaint no longer keeps her
        self.assertEqual(Model.get('party.party')(party.id).name,
            "[removed]")
        self.assertEqual(canary.found_in(database_text()), [])

    def test_rule_of_less_than_a_year_refused(self):
        "A rule cannot cut a complaint less than a year after closing"
        set_user('coordinator')
        rule, = Model.get('klachten.retention.rule').find([
                ('state', '=', 'closed')])
        for years, months in [(0, 0), (0, 11)]:
            rule = Model.get('klachten.retention.rule')(rule.id)
            rule.years, rule.months = years, months
            with self.subTest(years=years, months=months), \
                    self.assertRaises(UserError) as refused:
                rule.save()
            self.assertIn("shorter than a year", refused.exception.message)
        self.set_rule('closed', years=0, months=12)

    def test_cron_skips_complaint_within_term(self):
        "The cron keeps a complaint the complainant may still react to"
        self.set_rule('closed', years=1)
        set_user('admin')
        Term = Model.get('klachten.term')
        terms = Term.find([('kind', '=', 'feedback')])
        self.assertTrue(terms)

        def set_term(term, number, unit):
            set_user('admin')
            term.number, term.unit = number, unit
            term.save()
        for term in terms:
            self.addCleanup(set_term, term, term.number, term.unit)
            set_term(term, 500, 'day')
        canary = Canary()
        complaint = plant(canary, self.ns)
        with travel(400):
            run_retention()
        set_user('coordinator')
        self.assertFalse(
            Model.get('klachten.complaint')(complaint.id).anonymised)
        self.assertEqual(
            sorted(canary.found_in(database_text())), sorted(canary.marks))

    def test_failing_complaint_does_not_stall(self):
        "A complaint that fails is logged and skipped, the others are cut"
        Complaint = Model.get('klachten.complaint')
        bad, good = Canary(), Canary()
        failing = plant(bad, self.ns)
        cut_ = plant(good, self.ns)
        pool = Pool(DB_NAME)
        Class = pool.get('klachten.complaint')
        hook = Class._anonymise

        def _anonymise(cls, complaints):
            if failing.id in [c.id for c in complaints]:
                raise RuntimeError(f"{bad.name} cannot be cut")
            return hook(complaints)
        with mock.patch.object(Class, '_anonymise',
                    classmethod(_anonymise)), travel(SIX_YEARS):
            run_retention()
        set_user('coordinator')
        self.assertTrue(Complaint(cut_.id).anonymised)
        self.assertFalse(Complaint(failing.id).anonymised)
        text = database_text()
        self.assertEqual(good.found_in(text), [])
        self.assertEqual(sorted(bad.found_in(text)), sorted(bad.marks))
        self.assertTrue(file_store_hits(bad.file))
        log, = Model.get('klachten.retention.log').find([
                ('complaint_number', '=', failing.number)])
        self.assertEqual((log.action, log.error, log.rule.state),
            ('failed', 'RuntimeError', 'closed'))

    def test_notification_copied_file_and_merged_party(self):
        "Notifications go, a copied file stays, a merged duplicate goes"
        canary, other = Canary(), Canary()
        Complaint = Model.get('klachten.complaint')
        complaint = plant(canary, self.ns)
        set_user('coordinator')
        held = create_complaint(plant_party(other))
        wizard = Wizard('klachten.complaint.legal_hold', [held])
        wizard.form.reason = "Court"
        wizard.execute('hold')
        coordinator = self.ns.users['coordinator'].id
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Attachment = pool.get('ir.attachment')
            Party = pool.get('party.party')
            pool.get('res.notification').create([{
                        'user': coordinator,
                        'description': f"{canary.name} wrote",
                        'model': 'klachten.complaint',
                        'records': json.dumps([complaint.id]),
                        }])
            scan, = Attachment.search([
                    ('resource', '=', f'klachten.complaint,{complaint.id}'),
                    ])
            Attachment.copy([scan], default={
                    'resource': f'klachten.complaint,{held.id}'})
            # her duplicate, merged into her party
            duplicate, = Party.create([{'name': canary.name}])
            Party.write([duplicate], {
                    'replaced_by': pool.get('klachten.complaint')(
                        complaint.id).complainant.id,
                    'active': False,
                    })
            transaction.commit()
        with travel(SIX_YEARS):
            run_retention()
        set_user('coordinator')
        self.assertTrue(Complaint(complaint.id).anonymised)
        self.assertEqual(canary.found_in(database_text()), [])
        copy, = Model.get('ir.attachment').find([
                ('resource', '=', f'klachten.complaint,{held.id}')])
        self.assertEqual(bytes(copy.data), canary.file.encode())
        with Transaction().start(DB_NAME, 0, context={'active_test': False}):
            Party = Pool().get('party.party')
            self.assertEqual(Party(duplicate.id).name, "[removed]")

    def test_erasure_refused_under_hold_or_open(self):
        "An erasure request is refused with the reason, then carried out"
        Complaint = Model.get('klachten.complaint')
        canary = Canary()
        complaint = plant(canary, self.ns, close=False)
        party = complaint.complainant

        def erase():
            set_user('coordinator')
            wizard = Wizard('klachten.retention.erasure')
            wizard.form.party = Model.get('party.party')(party.id)
            wizard.execute('search')
            refused = wizard.form.refused
            wizard.execute('erase')
            return refused

        with self.assertRaises(UserError) as context:
            erase()
        self.assertIn("is still open", context.exception.message)

        set_user('handler1')
        complaint = Complaint(complaint.id)
        complaint.outcome = 'unfounded'
        complaint.save()
        complaint.click('finalise_report')
        set_user('coordinator')
        complaint = run_wizard('conclude', Complaint(complaint.id),
            conclusion="Unfounded", inform=False, request_feedback=False)
        with self.assertRaises(UserError) as context:
            erase()
        self.assertIn("within a statutory term", context.exception.message)

        wizard = Wizard('klachten.complaint.legal_hold', [complaint])
        wizard.form.reason = "Court case"
        wizard.execute('hold')
        with travel(60):
            with self.assertRaises(UserError) as context:
                erase()
            self.assertIn("under legal hold (Court case)",
                context.exception.message)
            complaint = Complaint(complaint.id)
            complaint.click('release_legal_hold')
            erase()

        complaint = Complaint(complaint.id)
        self.assertTrue(complaint.anonymised)
        self.assertEqual(complaint.description, "[removed]")
        log, = Model.get('klachten.retention.log').find([
                ('complaint_number', '=', complaint.number)])
        self.assertEqual((log.action, log.origin, log.user.login),
            ('erasure', 'request', 'coordinator'))
        self.assertEqual(canary.found_in(database_text()), [])

    def test_legal_hold_by_coordinators_only(self):
        "A handler who may change the complaint still cannot hold it"
        set_user('coordinator')
        complaint = admit(create_complaint(plant_party(Canary())), self.ns,
            user='handler1')
        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        wizard = Wizard('klachten.complaint.legal_hold', [complaint])
        wizard.form.reason = "Court"
        with self.assertRaises(AccessError):
            wizard.execute('hold')
        with self.assertRaises(AccessButtonError):
            complaint.click('release_legal_hold')
        self.assertFalse(complaint.legal_hold)

    def test_wizards_refused_whatever_action_id(self):
        "A handler who sends another action id still cannot erase or reset"
        handler = self.ns.users['handler1'].id
        for name in ['klachten.retention.erasure',
                'klachten.retention.preset']:
            for context in [{}, {'action_id': -1}]:
                # as the RPC call of a client that sends its own context
                with self.subTest(wizard=name, context=context):
                    with Transaction().start(DB_NAME, handler,
                                context=context), \
                            self.assertRaises(AccessError) as refused:
                        Pool().get(name, type='wizard').create()
                    # refused as a wizard of coordinators, not for a record
                    self.assertIn(f'"{name}"', refused.exception.message)

    def test_preset_only_for_own_companies(self):
        "A coordinator cannot reset another company's rules with the preset"
        coordinator = self.ns.users['coordinator'].id
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Company = pool.get('company.company')
            Party = pool.get('party.party')
            Rule = pool.get('klachten.retention.rule')
            own = Company(self.ns.company.id)
            party, = Party.create([{'name': "Buurgemeente"}])
            other, = Company.create([{
                        'party': party.id, 'currency': own.currency.id}])
            Rule.create([{'company': other.id, 'state': 'closed',
                        'years': 10, 'months': 0, 'action': 'anonymise'}])
            Preset = pool.get('klachten.retention.preset', type='wizard')
            with Transaction().set_user(coordinator), \
                    Transaction().set_context(_check_access=True):
                session_id, _, _ = Preset.create()
                with self.assertRaises(UserError) as refused:
                    Preset.execute(session_id, {'start': {
                                'company': other.id, 'preset': 'flanders'}},
                        'apply')
            self.assertIn("Buurgemeente", refused.exception.message)
            self.assertEqual(
                [r.years for r in Rule.search([('company', '=', other.id)])],
                [10])
            transaction.rollback()

    def test_email_is_no_pattern(self):
        "An e-mail address with % or _ finds that address, not others"
        canary = Canary()
        set_user('coordinator')
        create_complaint(plant_party(canary))
        with Transaction().start(DB_NAME, 0, readonly=True):
            Complaint = Pool().get('klachten.complaint')
            self.assertTrue(Complaint.complaints_of(email=canary.email))
            for pattern in ['%', '%@%', canary.email.replace('.', '_')]:
                with self.subTest(pattern=pattern):
                    self.assertEqual(
                        Complaint.complaints_of(email=pattern), [])

    def test_menus_of_the_coordinator(self):
        "The coordinator reaches the rules, the preset, erasure and the log"
        set_user('coordinator')
        Menu = Model.get('ir.ui.menu')
        names = {m.id for m in Menu.find([])}
        for fs_id in ['menu_retention_rule_form', 'menu_retention_preset',
                'menu_retention_erasure', 'menu_retention_log_form']:
            self.assertIn(xml_id(fs_id), names, fs_id)
        set_user('handler1')
        self.assertNotIn(xml_id('menu_retention'),
            {m.id for m in Model.get('ir.ui.menu').find([])})
