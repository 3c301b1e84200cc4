# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The key figures of the coordinator, checked against figures computed by
hand from a year of complaints: decided in time and late, cancelled,
reopened after the complainant disagreed, informal, still in draft."""
import datetime as dt

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import (
    admit, create_complainant, create_complaint, run_wizard, set_user, travel)
from proteus import Model
from trytond.pool import Pool
from trytond.transaction import Transaction

# a year in the past, not a leap year
YEAR = 2023


def day(month, day_):
    return dt.date(YEAR, month, day_)


def on(date):
    "Move the server's today to date"
    return travel((date - dt.date.today()).days)


class KpiTestCase(MunicipalityTestCase):
    "The key figures per month, outcome and department"
    modules = ['klachten_report']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.letter_mode = 'never'
        configuration.save()
        set_user('coordinator')
        cls.party = create_complainant("Kpi Test", None)
        Department = Model.get('klachten.department')
        cls.bz = Department(cls.ns.departments['BZ'].id)
        cls.om = Department(cls.ns.departments['OM'].id)
        # A: received 5 Jan, founded, decided 12 Jan (7 days)
        cls.a = cls.formal(day(1, 5), day(1, 12), 'founded', cls.bz)
        # B: received 10 Jan, unfounded, decided 10 Apr (90 days): late
        cls.b = cls.formal(day(1, 10), day(4, 10), 'unfounded', cls.om)
        # C: received 20 Jan, cancelled 25 Jan
        with on(day(1, 20)):
            c = create_complaint(cls.party, received_date=day(1, 20))
        with on(day(1, 25)):
            run_wizard('cancel', c, reason="Dubbel ingediend.")
        cls.c = c
        # D: received 3 Feb, founded, decided 13 Feb; the complainant
        # disagrees on 20 Feb; unfounded, decided again 10 Mar (35 days)
        cls.d = cls.formal(day(2, 3), day(2, 13), 'founded', cls.bz,
            feedback=True)
        with on(day(2, 20)):
            run_wizard('disagree', cls.d, comment="Niet akkoord.")
        cls.decide(cls.d, day(2, 21), day(3, 10), 'unfounded', cls.bz)
        # E: informal, received 15 Feb, resolved on the spot 17 Feb
        with on(day(2, 17)):
            e = create_complaint(cls.party, register=False,
                received_date=day(2, 15))
            run_wizard('resolve', e, resolution="Meteen opgelost.")
        cls.e = e
        # F: still in draft, never counted
        with on(day(1, 8)):
            create_complaint(cls.party, register=False,
                received_date=day(1, 8))
        # outside the period: received and decided in May
        cls.formal(day(5, 2), day(5, 9), 'founded', cls.om)

    @classmethod
    def formal(cls, received, decided, outcome, department,
            feedback=False):
        with on(received):
            complaint = create_complaint(cls.party, received_date=received)
        cls.decide(complaint, received, decided, outcome, department,
            feedback=feedback)
        return complaint

    @classmethod
    def decide(cls, complaint, admitted, decided, outcome, department,
            feedback=False):
        Complaint = Model.get('klachten.complaint')
        with on(admitted):
            set_user('coordinator')
            admit(Complaint(complaint.id), cls.ns,
                concerned_department=department)
        with on(decided):
            set_user('handler1')
            complaint = Complaint(complaint.id)
            complaint.outcome = outcome
            if outcome == 'founded':
                complaint.solution = "Rechtgezet."
            complaint.save()
            complaint.click('finalise_report')
            set_user('coordinator')
            complaint = Complaint(complaint.id)
            run_wizard('conclude', complaint, conclusion="Besloten.",
                inform=False, request_feedback=feedback)
        complaint.reload()
        assert complaint.decision_date == decided, complaint.decision_date
        return complaint

    def figures(self, model, **context):
        Kpi = Model.get(model)
        context.setdefault('from_date', day(1, 1))
        context.setdefault('to_date', day(4, 30))
        with self.config.set_context(**context):
            return Kpi.find([])

    def test_per_month(self):
        "Received, cancelled, decided, within term and lead time per month"
        set_user('coordinator')
        months = {m.month: m for m in self.figures('klachten.kpi.month')}
        self.assertEqual(sorted(months), [
                f'{YEAR}-01', f'{YEAR}-02', f'{YEAR}-03', f'{YEAR}-04'])
        january, february, march, april = (
            months[f'{YEAR}-{m:02d}'] for m in range(1, 5))
        # received: A, B and C in January (not the draft F), D and E in
        # February; C was cancelled
        self.assertEqual([m.received for m in months.values()],
            [3, 2, 0, 0])
        self.assertEqual([m.cancelled for m in months.values()],
            [1, 0, 0, 0])
        # decided: A in January, E in February (D's first decision was
        # undone by the disagreement), D in March, B in April
        self.assertEqual([m.decided for m in months.values()], [1, 1, 1, 1])
        self.assertEqual(january.average_lead_time, 7.0)
        self.assertEqual(february.average_lead_time, 2.0)
        self.assertEqual(march.average_lead_time, 35.0)
        self.assertEqual(april.average_lead_time, 90.0)
        self.assertEqual(january.within_term, 1)
        self.assertEqual(january.within_term_rate, 100.0)
        self.assertEqual(april.within_term, 0)
        self.assertEqual(april.within_term_rate, 0.0)
        d = Model.get('klachten.complaint')(self.d.id)
        self.assertEqual(march.within_term,
            int(d.decision_date <= d.answer_due))
        # the lead time target: 7 days for both tracks by default
        self.assertEqual(
            [m.lead_time_target for m in months.values()], [7] * 4)
        self.assertEqual(
            [m.within_target_rate for m in months.values()],
            [100.0, 100.0, 0.0, 0.0])
        # no satisfaction without the portal's survey
        self.assertEqual(
            [m.satisfaction for m in months.values()], [None] * 4)

    def test_target_configurable(self):
        "A stricter informal target and a looser formal one"
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.lead_time_target = 40
        configuration.informal_lead_time_target = 1
        configuration.save()
        try:
            set_user('coordinator')
            months = self.figures('klachten.kpi.month')
            self.assertEqual([m.lead_time_target for m in months], [40] * 4)
            # E (informal, 2 days) misses 1 day; D (35 days) makes 40
            self.assertEqual([m.within_target_rate for m in months],
                [100.0, 0.0, 100.0, 0.0])
        finally:
            set_user('klachtenadmin')
            configuration.lead_time_target = 7
            configuration.informal_lead_time_target = 7
            configuration.save()

    def test_period(self):
        "Only the months of the chosen period"
        set_user('coordinator')
        months = self.figures('klachten.kpi.month',
            from_date=day(2, 1), to_date=day(2, 28))
        self.assertEqual([(m.month, m.received, m.decided) for m in months],
            [(f'{YEAR}-02', 2, 1)])
        months = self.figures('klachten.kpi.month',
            from_date=day(1, 1), to_date=day(12, 31))
        self.assertEqual([m.month for m in months][-1], f'{YEAR}-05')

    def test_per_outcome(self):
        "Outcomes of the complaints decided in the period"
        set_user('coordinator')
        outcomes = {o.outcome: o.number
            for o in self.figures('klachten.kpi.outcome')}
        # A founded; B and D (its last decision) unfounded; E informal
        # without outcome; C cancelled
        self.assertEqual(outcomes, {'founded': 1, 'unfounded': 2})

    def test_per_department(self):
        "Complaints received in the period per department concerned"
        set_user('coordinator')
        departments = {
            (d.department.id if d.department else None): (
                d.received, d.founded)
            for d in self.figures('klachten.kpi.department')}
        self.assertEqual(departments, {
                self.bz.id: (2, 1),    # A founded, D unfounded at last
                self.om.id: (1, 0),    # B
                None: (2, 0),          # C cancelled, E informal
                })

    def test_access(self):
        "Coordinators and the administrator only"
        for login in ['coordinator', 'klachtenadmin']:
            with self.subTest(login=login):
                set_user(login)
                self.assertTrue(self.figures('klachten.kpi.month'))
        for login in ['handler1', 'head', 'observer', 'receiver']:
            with self.subTest(login=login):
                set_user(login)
                with self.assertRaises(Exception) as raised:
                    self.figures('klachten.kpi.month')
                self.assertIn('AccessError', type(raised.exception).__name__)

    def test_login_tab(self):
        "The coordinator's login opens the key figures beside her inbox"
        ActWindow = Model.get('ir.action.act_window')
        ModelData = Model.get('ir.model.data')
        kpi = ActWindow(ModelData.get_id(
                'klachten_report', 'act_kpi_month', {})).action.id
        inbox = ActWindow(ModelData.get_id(
                'klachten_base', 'act_task_mine', {})).action.id
        User = Model.get('res.user')
        set_user('coordinator')
        self.assertEqual(User.get_preferences(False, {})['actions'],
            [kpi, inbox])
        set_user('handler1')
        self.assertEqual(User.get_preferences(False, {})['actions'],
            [inbox])


class KpiSatisfactionTestCase(MunicipalityTestCase):
    "The satisfaction of the portal's survey per month"
    modules = ['klachten_report', 'klachten_portal']

    def test_satisfaction(self):
        "The average score of the answers of each month"
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.letter_mode = 'never'
        configuration.save()
        set_user('coordinator')
        party = create_complainant("Survey Test", None)
        complaints = []
        for received in [day(1, 3), day(1, 4), day(3, 2)]:
            with on(received):
                complaints.append(
                    create_complaint(party, received_date=received))
        with Transaction().start(self.config.database_name, 0):
            Answer = Pool().get('klachten.survey.answer')
            Answer.create([
                    {'complaint': complaints[0].id, 'score': 4,
                        'date': day(1, 20)},
                    {'complaint': complaints[1].id, 'score': 1,
                        'date': day(1, 30)},
                    {'complaint': complaints[2].id, 'score': 5,
                        'date': day(3, 9)},
                    ])
        Kpi = Model.get('klachten.kpi.month')
        with self.config.set_context(
                from_date=day(1, 1), to_date=day(3, 31)):
            months = Kpi.find([])
        self.assertEqual([(m.month, m.satisfaction) for m in months],
            [(f'{YEAR}-01', 2.5), (f'{YEAR}-03', 5.0)])
