# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SQL queries of one filing as the portal files it (Complaint.file_
with a new complainant and an e-mail address): its number, terms, task and
acknowledgement, without reading again what the transaction already knows
(bench/intake.py measures it over HTTP)."""
import datetime as dt
from unittest.mock import patch

from trytond import backend
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

from .municipality import MunicipalityTestCase
from .test_cron_queries import counting_queries

# the queries of one filing at most, per backend, as a worker files it
# (SQLite's INSERTs are not counted: it inserts one row per statement)
MAX_QUERIES = {'postgresql': 45, 'sqlite': 50}
# the filings before the one counted: the caches of a worker that served
# two (the first fills the process's caches, the second its last few)
WARM = 2


class FilingQueriesTestCase(MunicipalityTestCase):
    "The queries of one complaint filed on the portal"

    def file_(self, number):
        """File a complaint as the portal does (as root, a new party) and
        return it with the queries its filing ran"""
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        Party = pool.get('party.party')
        Company = pool.get('company.company')
        company, = Company.search([], limit=2)
        email = f'burger{number}@example.org'
        # counted as a worker files it: outside the tests Tryton does not
        # validate the function fields (pool.test), which reads each of
        # them after the create
        with counting_queries() as counter, \
                patch.object(Pool, 'test', number < WARM):
            party, _ = Party.klachten_match(email=email)
            complaint = Complaint.file_('web_form', {
                    'company': company,
                    'received_date': Pool().get('ir.date').today(),
                    'anonymous': False,
                    'short_description': "De vuilnisbak",
                    'description': "Drie weken kwam niemand.",
                    }, [], {'name': f"Burger {number}", 'lang': 'nl',
                    'email': email, 'phone': '+32 9 123 45 67',
                    'street': "Kerkstraat 1", 'postal_code': '9000',
                    'city': "Gent"})
        return complaint, counter['queries']

    def test_filing_queries(self):
        """A filing is registered, its terms set, its task opened and its
        acknowledgement queued within a fixed number of queries (40 on
        PostgreSQL, 46 on SQLite in December 2026; 93 over HTTP before the
        complainant's party and the e-mail were written in a few INSERTs,
        the registration became one write and the templates' texts and
        the configuration were kept between requests).  Each filing is a
        transaction of its own, as a worker serves it: what an earlier
        filing left in the transaction's record cache does not hide a
        query."""
        counts = []
        for number in range(WARM + 1):
            with Transaction().start(DB_NAME, 0) as transaction:
                complaint, queries = self.file_(number)
                counts.append(queries)
                if number == WARM:
                    self.check_filed(complaint)
                transaction.rollback()
        most = MAX_QUERIES[backend.name]
        self.assertLessEqual(counts[-1], most, counts)

    def check_filed(self, complaint):
        "What the complainant and the coordinator see of a filing"
        pool = Pool()
        Email = pool.get('klachten.email')
        Task = pool.get('klachten.task')
        self.assertEqual(complaint.state, 'evaluation')
        self.assertTrue(complaint.number)
        today = pool.get('ir.date').today()
        self.assertEqual(complaint.registration_date, today)
        self.assertEqual(complaint.acknowledged_on, today)
        self.assertGreaterEqual(complaint.acknowledgement_due, today)
        self.assertGreater(complaint.answer_due, today)
        self.assertLessEqual(complaint.answer_due - today,
            dt.timedelta(days=120))
        self.assertEqual(complaint.complainant.email,
            f'burger{WARM}@example.org')
        emails = Email.search([('complaint', '=', complaint.id)])
        self.assertEqual([(e.kind, e.to) for e in emails],
            [('acknowledgement', f'burger{WARM}@example.org')])
        self.assertIn(complaint.number, emails[0].subject
            + emails[0].body)
        tasks = Task.search([('complaint', '=', complaint.id)])
        self.assertEqual([t.kind for t in tasks], ['evaluate'])

    def test_changed_template_and_terms(self):
        """The templates' texts and the terms are kept between requests
        (Configuration.policy, the notification's cache), and a change a
        coordinator commits applies to the next filing"""
        def models():
            pool = Pool()
            return (pool.get('klachten.notification'),
                pool.get('klachten.term'))

        def file_():
            with Transaction().start(DB_NAME, 0) as transaction:
                Email = Pool().get('klachten.email')
                complaint, _ = self.file_(7)
                email, = Email.search([('complaint', '=', complaint.id)])
                result = (email.subject,
                    complaint.acknowledgement_due - complaint.received_date)
                transaction.rollback()
            return result

        def change(subject, days):
            with Transaction().start(DB_NAME, 0) as transaction, \
                    transaction.set_context(language='nl'):
                Notification, Term = models()
                template = Notification.template('acknowledgement')
                old_subject = template.subject
                template.subject = subject
                template.save()
                term, = Term.search([('kind', '=', 'acknowledgement')])
                old_days = (term.number, term.unit)
                term.number, term.unit = days, 'day'
                term.save()
            return old_subject, old_days

        subject, due = file_()
        self.assertNotIn("Gewijzigd", subject)
        old_subject, (old_number, old_unit) = change(
            "Gewijzigd: ${record.number}", 40)
        try:
            subject, due = file_()
            self.assertTrue(subject.startswith("Gewijzigd: "), subject)
            # 40 days, to the next working day at most three days later
            self.assertIn(due.days, range(40, 44))
        finally:
            with Transaction().start(DB_NAME, 0) as transaction, \
                    transaction.set_context(language='nl'):
                Notification, Term = models()
                template = Notification.template('acknowledgement')
                template.subject = old_subject
                template.save()
                term, = Term.search([('kind', '=', 'acknowledgement')])
                term.number, term.unit = old_number, old_unit
                term.save()
        subject, _ = file_()
        self.assertNotIn("Gewijzigd", subject)
