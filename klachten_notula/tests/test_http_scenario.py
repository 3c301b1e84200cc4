# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The HTTP connector end to end: the coordinator puts a complaint on the
agenda, the delivery cron sends the draft decision to the Notula
contract-test server (tests/notula_server.py), Notula's signed callbacks
reach a real trytond process, and the complaint is concluded with the
decision; the polling cron when the callbacks are lost; a 5xx and a
timeout retried with exactly one concept in Notula."""
import base64
import copy
import datetime as dt
import shutil
import unittest

import trytond.config as config
from klachten_base.tests.harness import AppServer
from klachten_base.tests.tools import (
    set_user, setup_municipality, shared_database)
from proteus import Model
from proteus import config as pconfig
from trytond import backend
from trytond.cache import Cache
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

from .notula_server import NotulaServer
from .tools import in_conclusion

KEY = 'notula-api-key'
SECRET = 'notula-callback-secret'
AUTHOR = 'klachtencoordinator'
PDF = b'%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'
DECISION = {
    'text': "Het college verklaart de klacht gegrond en biedt excuses aan.",
    'date': dt.date.today(),
    'result': 'approved',
    }


def share_database(test_class):
    """Make the test database one that the application server opens too
    (SQLite's in-memory one is copied to a file) and point proteus at it;
    return its name.  The cleanups are added to test_class."""
    test_class.addClassCleanup(drop_db)
    path = config.get('database', 'path')
    name, folder = shared_database()
    if folder:
        test_class.addClassCleanup(shutil.rmtree, folder)
        test_class.addClassCleanup(config.set, 'database', 'path', path)
        test_class.addClassCleanup(backend.Database(name).close)
        test_class.addClassCleanup(Pool.stop, name)
        test_class.addClassCleanup(Cache.drop, name)
        previous = pconfig.get_config()
        shared = copy.copy(previous)
        shared.database_name, shared.pool = name, Pool(name)
        pconfig._CONFIG.current = shared
        test_class.addClassCleanup(
            setattr, pconfig._CONFIG, 'current', previous)
    return name


def configure(url):
    "Switch Agenderen on with the HTTP connector to url (as the admin)"
    set_user('admin')
    Configuration = Model.get('klachten.configuration')
    Body = Model.get('klachten.notula.body')
    configuration = Configuration(1)
    configuration.agenda = True
    configuration.notula_connector = 'http'
    configuration.notula_url = url
    configuration.notula_key = KEY
    configuration.notula_secret = SECRET
    configuration.notula_author = AUTHOR
    configuration.notula_body, = Body.find([('code', '=', 'college')])
    configuration.save()


class HttpScenarioTestCase(unittest.TestCase):
    "Agenderen through the HTTP connector, against the contract server"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules(['klachten_notula'])
        cls.ns = setup_municipality()
        cls.notula = NotulaServer(key=KEY, secret=SECRET).start()
        cls.addClassCleanup(cls.notula.stop)
        configure(cls.notula.url)
        cls.db = share_database(cls)
        cls.server = AppServer(cls.db).start()
        cls.addClassCleanup(cls.server.stop)
        cls.notula.callback_url = cls.server.url('notula/callback')

    def setUp(self):
        self.notula.reset()
        set_user('coordinator')

    def fail(self, msg=None):
        super().fail(f"{msg}\n--- the server's log:\n{self.server.log(3000)}")

    # The steps
    def put_on_agenda(self, **values):
        """The coordinator puts a complaint in conclusion (with a document)
        on the agenda and sends the draft decision; return it"""
        complaint = in_conclusion(self.ns, **values)
        Attachment = Model.get('ir.attachment')
        document = Attachment(resource=complaint, name='verslag.pdf',
            type='data', data=PDF)
        document.save()
        wizard = complaint.click('put_on_agenda')
        self.assertEqual(wizard.form.body.code, 'college')
        wizard.form.attachments.append(Attachment(document.id))
        wizard.execute('create_')
        complaint.reload()
        proposal, = complaint.proposals
        self.assertEqual((proposal.connector, proposal.state),
            ('http', 'draft'))
        proposal.click('send')
        self.assertEqual(proposal.delivery, 'pending')
        return proposal

    def run_cron(self, method):
        "Run the cron of klachten.notula.proposal|method once, as trytond"
        with Transaction().start(self.db, 0,
                context={'_skip_warnings': True}):
            Cron = Pool(self.db).get('ir.cron')
            cron, = Cron.search([
                    ('method', '=', f'klachten.notula.proposal|{method}')])
            Cron.run_once([cron])

    def deliver_at(self, now):
        "Run the delivery cron as if it were now"
        with Transaction().start(self.db, 0):
            Pool(self.db).get('klachten.notula.proposal').deliver(now=now)

    def setting(self, name, value):
        "Set the [klachten] option name to value for the test"
        if not config.has_section('klachten'):
            config.add_section('klachten')
        previous = config.get('klachten', name)
        config.set('klachten', name, str(value))
        if previous is None:
            # (cleanups run last first)
            self.addCleanup(config._cache_clear)
            self.addCleanup(config._config.remove_option, 'klachten', name)
        else:
            self.addCleanup(config.set, 'klachten', name, previous)

    def reloaded(self, record):
        return Model.get(record.__class__.__name__)(record.id)

    def assert_applied(self, callbacks):
        "Each callback was answered 200 and applied"
        for callback in callbacks:
            self.assertEqual((callback.status, callback.answer),
                (200, {'status': 'applied'}))

    def conclude(self, complaint, reply):
        "The coordinator concludes complaint: the reply is the decision"
        wizard = self.reloaded(complaint).click('conclude_wizard')
        self.assertEqual(wizard.form.reply, reply)
        wizard.form.conclusion = wizard.form.conclusion or "Founded."
        wizard.execute('confirm')
        complaint = self.reloaded(complaint)
        self.assertIn(complaint.state, {'feedback', 'closed'})
        self.assertEqual(complaint.reply, reply)

    def open_tasks(self, complaint):
        Task = Model.get('klachten.task')
        return sorted(t.kind for t in Task.find([
                    ('complaint', '=', complaint.id),
                    ('state', '=', 'open')]))

    # The scenarios
    def test_callbacks(self):
        "Sent by the cron, news by signed callbacks, concluded"
        proposal = self.put_on_agenda(short_description="Nobody answered")
        complaint = proposal.complaint
        self.assertEqual(self.notula.concepts, [])

        self.run_cron('deliver')
        concept, = self.notula.concepts
        request, = self.notula.requests
        self.assertEqual(request.headers['Authorization'], f'Bearer {KEY}')
        self.assertEqual(request.headers['Idempotency-Key'], proposal.uuid)
        self.assertEqual(concept['id'], proposal.uuid)
        self.assertEqual(concept['title'],
            f"Complaint {complaint.number}: Nobody answered")
        self.assertEqual(concept['body'], 'college')
        self.assertEqual(concept['author'], AUTHOR)
        self.assertEqual(concept['complaint'], complaint.number)
        self.assertEqual(concept['motivation'], proposal.motivation)
        self.assertEqual(concept['decision'], proposal.decision_proposal)
        self.assertEqual(concept['oslo']['@context'],
            'https://data.vlaanderen.be/doc/applicatieprofiel/'
            'besluit-publicatie/')
        names = [a.name for a in concept.attachments]
        self.assertEqual(len(names), 2, names)
        # the draft decision's document first (plain text without
        # klachten_report)
        self.assertRegex(names[0], r'^ontwerpbesluit\.(docx|txt)$')
        self.assertEqual(concept.attachments[1],
            ('verslag.pdf', 'application/pdf', PDF))
        # no personal data: not in the JSON, not in the documents
        sent = request.body + b''.join(a.data for a in concept.attachments)
        for personal in [b'Peeters', b'an.peeters@example.org']:
            self.assertNotIn(personal, sent)
            self.assertNotIn(base64.b64encode(personal), request.body)

        proposal = self.reloaded(proposal)
        self.assertEqual(
            (proposal.state, proposal.reference, proposal.delivery),
            ('submitted', concept.reference, 'delivered'))

        meeting = dt.date.today() + dt.timedelta(days=7)
        self.assert_applied(self.notula.advance(
                concept.reference, 'scheduled', meeting_date=meeting))
        proposal = self.reloaded(proposal)
        self.assertEqual((proposal.state, proposal.meeting_date),
            ('scheduled', meeting))

        self.assert_applied(self.notula.advance(
                concept.reference, 'decided', decision=DECISION))
        proposal = self.reloaded(proposal)
        self.assertEqual(
            (proposal.state, proposal.decision_text, proposal.result,
                proposal.version),
            ('decided', DECISION['text'], 'approved', 3))
        self.assertEqual(self.open_tasks(complaint),
            ['agenda_conclude', 'conclude'])
        self.assertEqual(self.reloaded(complaint).agenda_state, 'decided')

        self.conclude(complaint, DECISION['text'])
        self.assertEqual(self.open_tasks(complaint), [])

    def test_callback_faults(self):
        """Duplicate, out-of-order, badly signed and unknown callbacks
        change nothing; news for a cancelled complaint is refused"""
        proposal = self.put_on_agenda()
        self.run_cron('deliver')
        concept, = self.notula.concepts
        reference = concept.reference

        self.notula.duplicate_callbacks = True
        first, again = self.notula.advance(reference, 'scheduled',
            meeting_date=dt.date.today())
        self.assert_applied([first])
        self.assertEqual((again.status, again.answer),
            (200, {'status': 'known'}))
        self.notula.duplicate_callbacks = False

        with self.notula.send_out_of_order():
            self.notula.advance(reference, 'scheduled',
                meeting_date=dt.date.today() + dt.timedelta(days=1))
            self.notula.advance(reference, 'decided', decision=DECISION)
        decided, scheduled = self.notula.callbacks[-2:]
        self.assertEqual((decided.event['version'], decided.status),
            (4, 200))
        self.assertEqual((scheduled.event['version'], scheduled.status,
                scheduled.answer), (3, 200, {'status': 'known'}))
        proposal = self.reloaded(proposal)
        self.assertEqual((proposal.state, proposal.version), ('decided', 4))

        self.notula.bad_signature = True
        callback, = self.notula.advance(reference, 'withdrawn')
        self.assertEqual(callback.status, 401)
        self.notula.bad_signature = False
        self.notula.clock_offset = -600
        callback, = self.notula.advance(reference, 'withdrawn')
        self.assertEqual(callback.status, 401)
        self.notula.clock_offset = 0
        callback = self.notula.callback_for_unknown_reference()
        self.assertEqual(callback.status, 404)
        self.assertIn('error', callback.answer)
        self.assertEqual(self.reloaded(proposal).state, 'decided')

        # a complaint cancelled while its draft decision was on the agenda
        other = self.put_on_agenda()
        self.run_cron('deliver')
        reference = self.notula.concepts[-1].reference
        set_user('coordinator')
        wizard = self.reloaded(other.complaint).click('cancel_wizard')
        wizard.form.reason = "The complainant withdrew the complaint."
        wizard.form.inform = False
        wizard.execute('confirm')
        self.assertEqual(self.reloaded(other).state, 'withdrawn')
        callback, = self.notula.advance(reference, 'decided',
            decision=DECISION)
        self.assertEqual(callback.status, 409, callback.answer)
        self.assertTrue(callback.answer['error'])
        other = self.reloaded(other)
        self.assertEqual((other.state, other.decision_text),
            ('withdrawn', None))

    def test_polling(self):
        "With the callbacks lost, the polling cron brings the news"
        proposal = self.put_on_agenda()
        self.run_cron('deliver')
        concept, = self.notula.concepts
        self.notula.lose_callbacks = True

        meeting = dt.date.today() + dt.timedelta(days=3)
        self.notula.advance(concept.reference, 'scheduled',
            meeting_date=meeting)
        self.assertEqual(self.reloaded(proposal).state, 'submitted')
        self.run_cron('poll')
        proposal = self.reloaded(proposal)
        self.assertEqual((proposal.state, proposal.meeting_date),
            ('scheduled', meeting))

        self.notula.advance(concept.reference, 'decided', decision=DECISION)
        self.run_cron('poll')
        proposal = self.reloaded(proposal)
        self.assertEqual((proposal.state, proposal.decision_text),
            ('decided', DECISION['text']))
        polls = self.notula.requests_to(
            'GET', f'/concepts/{concept.reference}')
        self.assertEqual(len(polls), 2)
        for poll in polls:
            self.assertEqual(poll.headers['Authorization'], f'Bearer {KEY}')
        self.assertEqual(self.notula.callbacks, [])

        self.conclude(proposal.complaint, DECISION['text'])

    def test_5xx_then_success(self):
        "A 503 is tried again later: one concept in Notula"
        proposal = self.put_on_agenda()
        self.notula.fail_next(1, status=503)
        self.run_cron('deliver')
        proposal = self.reloaded(proposal)
        self.assertEqual(
            (proposal.state, proposal.delivery, proposal.attempts),
            ('draft', 'pending', 1))
        self.assertIn('503', proposal.last_error)
        self.assertEqual(self.notula.concepts, [])

        self.run_cron('deliver')    # not due yet
        self.assertEqual(len(self.notula.requests), 1)
        self.deliver_at(proposal.next_attempt)
        proposal = self.reloaded(proposal)
        concept, = self.notula.concepts
        self.assertEqual(
            (proposal.state, proposal.delivery, proposal.reference),
            ('submitted', 'delivered', concept.reference))
        self.assertEqual([(r.headers['Idempotency-Key'], r.status)
                for r in self.notula.requests],
            [(proposal.uuid, 503), (proposal.uuid, 201)])

    def test_timeout_then_retry(self):
        """An answer that comes too late is tried again with the same
        Idempotency-Key: one concept, its reference recorded"""
        proposal = self.put_on_agenda()
        self.setting('notula_timeout', 1)
        self.notula.delay_next(1, 3)
        self.run_cron('deliver')
        proposal = self.reloaded(proposal)
        self.assertEqual((proposal.state, proposal.delivery),
            ('draft', 'pending'))
        self.assertIn('No answer within 1 seconds', proposal.last_error)
        concept, = self.notula.concepts    # Notula made it all the same
        self.assertIsNone(proposal.reference)

        self.deliver_at(proposal.next_attempt)
        proposal = self.reloaded(proposal)
        self.assertEqual((proposal.state, proposal.reference),
            ('submitted', concept.reference))
        self.assertEqual(len(self.notula.concepts), 1)
        self.assertEqual([(r.headers['Idempotency-Key'], r.status)
                for r in self.notula.requests],
            [(proposal.uuid, 201), (proposal.uuid, 200)])

    def test_bad_key(self):
        """A refused key is not tried again: the delivery failed and the
        coordinator has a task"""
        proposal = self.put_on_agenda()
        self.notula.key = 'another-key'
        self.addCleanup(setattr, self.notula, 'key', KEY)
        self.run_cron('deliver')
        proposal = self.reloaded(proposal)
        self.assertEqual(
            (proposal.state, proposal.delivery, proposal.attempts),
            ('draft', 'failed', 1))
        self.assertIn('401', proposal.last_error)
        self.assertIn('agenda_failed', self.open_tasks(proposal.complaint))
        self.deliver_at(dt.datetime.now() + dt.timedelta(days=1))
        self.assertEqual(len(self.notula.requests), 1)
        self.assertEqual(self.notula.concepts, [])

    def test_5xx_until_failed(self):
        """After notula_max_attempts failed attempts the delivery failed
        and the coordinator has a task"""
        self.setting('notula_max_attempts', 2)
        proposal = self.put_on_agenda()
        self.notula.fail_next(2, status=502)
        self.run_cron('deliver')
        proposal = self.reloaded(proposal)
        self.assertEqual((proposal.delivery, proposal.attempts),
            ('pending', 1))
        self.assertNotIn('agenda_failed', self.open_tasks(proposal.complaint))
        self.deliver_at(proposal.next_attempt)
        proposal = self.reloaded(proposal)
        self.assertEqual(
            (proposal.state, proposal.delivery, proposal.attempts),
            ('draft', 'failed', 2))
        self.assertIn('502', proposal.last_error)
        self.assertIn('agenda_failed', self.open_tasks(proposal.complaint))
        self.assertEqual(self.notula.concepts, [])
