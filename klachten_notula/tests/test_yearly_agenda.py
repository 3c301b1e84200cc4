# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The yearly complaint report on the agenda: a draft decision that comes
from the report (klachten_report) instead of a complaint, with the report
as its attachments, seen only by the coordinators and the complaints
administrator; sent by the manual and the HTTP connector."""
import datetime as dt
import io
import json
import os
import shutil
import zipfile

from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import (
    create_complainant, set_user, share_database, xml_id)
from proteus import Model, Wizard
from proteus import config as pconfig
from trytond.config import config
from trytond.model.exceptions import ValidationError
from trytond.pool import Pool
from trytond.transaction import Transaction

from ..package import make_package
from .notula_server import NotulaServer
from .test_callback import SECRET, configure_http
from .tools import in_conclusion

NAME = "Lotte Vermeulen"
EMAIL = 'lotte.vermeulen@example.org'
KEY = 'yearly-key'
DECISION = {
    'text': "The council takes note of the yearly report.",
    'date': '2027-02-24',
    'result': 'approved',
    }


class YearFixture:
    "A complaint of this year, Agenderen switched on, the report made"
    modules = ['klachten_notula', 'klachten_report']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.complaint = in_conclusion(
            cls.ns, complainant=create_complainant(name=NAME, email=EMAIL))
        set_user('klachtenadmin')
        configuration = Model.get('klachten.configuration')(1)
        configuration.agenda = True
        configuration.save()
        cls.report = cls.make_report()

    @classmethod
    def make_report(cls):
        set_user('coordinator')
        today = dt.date.today()
        wizard = Wizard('klachten.yearly.report.make')
        wizard.form.period_start = today.replace(month=1, day=1)
        wizard.form.period_end = today.replace(month=12, day=31)
        wizard.form.variant = 'flemish'
        wizard.execute('make')
        Report = Model.get('klachten.yearly.report')
        report, = Report.find([], order=[('id', 'DESC')], limit=1)
        return report

    @classmethod
    def put_on_agenda(cls, **values):
        "The coordinator's Put on the Agenda on the report"
        set_user('coordinator')
        report = Model.get('klachten.yearly.report')(cls.report.id)
        wizard = Wizard('klachten.notula.put_on_agenda_yearly', [report])
        form = wizard.form
        for name, value in values.items():
            setattr(form, name, value)
        wizard.execute('create_')
        Proposal = Model.get('klachten.notula.proposal')
        proposal, = Proposal.find([('yearly_report', '=', report.id)],
            order=[('id', 'DESC')], limit=1)
        return form, proposal


def share_database_with_files(test_class):
    """share_database with the files of the attachments (the report's PDF)
    copied to the copy's file store"""
    path = config.get('database', 'path')
    source = os.path.join(path, pconfig.get_config().database_name)
    name = share_database(test_class)
    target = os.path.join(config.get('database', 'path'), name)
    if os.path.isdir(source) and source != target:
        shutil.copytree(source, target, dirs_exist_ok=True)
    return name


def agenda_tasks(proposal):
    "The (kind, state) of the tasks of a draft decision, as the coordinator"
    set_user('coordinator')
    Task = Model.get('klachten.task')
    return [(t.kind, t.state) for t in Task.find([
                ('origin', '=', f'klachten.notula.proposal,{proposal.id}'),
                ], order=[('id', 'ASC')])]


def server_package(proposal):
    database = pconfig.get_config().database_name
    with Transaction().start(database, 0, readonly=True):
        Proposal = Pool(database).get('klachten.notula.proposal')
        name, data = make_package(Proposal(proposal.id))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return name, {n: archive.read(n) for n in archive.namelist()}


class YearlyAgendaTestCase(YearFixture, MunicipalityTestCase):
    "The yearly report on the agenda (manual connector)"

    def test_manual(self):
        """Put on the agenda: the council, a summary of the year, the
        report's PDF and Word in the package, no person; the decision
        recorded"""
        Report = Model.get('klachten.yearly.report')
        arch = Report._proxy.fields_view_get(
            None, 'form', pconfig.get_config().context)['arch']
        self.assertIn('name="put_on_agenda"', arch)
        report = Report(self.report.id)
        self.assertTrue(report.pdf)
        year = str(report.period_start.year)
        form, proposal = self.put_on_agenda()
        self.assertEqual(form.body.code, 'raad')
        self.assertIn(year, form.title)
        self.assertIn("1 complaints received", form.motivation)
        self.assertEqual(form.decision_proposal,
            "The council takes note of the yearly report on the handling "
            f"of complaints {year}.")
        self.assertEqual({a.id for a in form.attachments},
            {report.pdf.id, report.docx.id})

        self.assertEqual(proposal.complaint, None)
        self.assertEqual(proposal.yearly_report, report)
        self.assertEqual((proposal.state, proposal.connector),
            ('draft', 'manual'))
        self.assertEqual(proposal.company, report.company)
        self.assertTrue(proposal.document)

        name, files = server_package(proposal)
        self.assertEqual(name, f'ontwerpbesluit-{report.name}.zip')
        self.assertIn('ontwerpbesluit.docx', files)
        self.assertEqual(files[f'bijlagen/{report.pdf.name}'],
            bytes(report.pdf.data))
        besluit = json.loads(files['besluit.json'])
        self.assertEqual(besluit['dossier'],
            {'@type': 'Jaarverslag', 'identifier': report.name})
        self.assertEqual(besluit['heeftAlsGevolg']['bestuursorgaan']['code'],
            'raad')
        for content in files.values():
            self.assertNotIn(NAME.encode(), content)
            self.assertNotIn(EMAIL.encode(), content)

        # the coordinators have the task to submit it in their inbox
        self.assertEqual(agenda_tasks(proposal), [('agenda_submit', 'open')])
        Task = Model.get('klachten.task')
        task, = Task.find([('mine', '=', True),
                ('origin', '=', f'klachten.notula.proposal,{proposal.id}')])
        self.assertEqual(task.proposal.id, proposal.id)
        self.assertIn(proposal.title, task.rec_name)

        # A handler does not see it, nor its attachments, nor its tasks
        set_user('handler1')
        Proposal = Model.get('klachten.notula.proposal')
        self.assertEqual(Proposal.find([('id', '=', proposal.id)]), [])
        self.assertEqual(Model.get('klachten.task').find(
                [('id', '=', task.id)]), [])
        set_user('coordinator')
        proposal = Proposal(proposal.id)
        self.assertEqual(len(proposal.attachments), 2)

        wizard = Wizard(
            'klachten.notula.proposal.record_reference', [proposal])
        wizard.form.reference = '2027_GR_00007'
        wizard.execute('confirm')
        proposal.reload()
        self.assertEqual(proposal.state, 'submitted')
        wizard = Wizard('klachten.notula.proposal.decide', [proposal])
        wizard.form.decision_text = DECISION['text']
        wizard.form.decision_date = dt.date(2027, 2, 24)
        wizard.form.result = 'approved'
        wizard.execute('confirm')
        proposal.reload()
        self.assertEqual((proposal.state, proposal.result,
                proposal.decision_text),
            ('decided', 'approved', DECISION['text']))
        # the coordinators' tasks hang on the draft decision: done
        self.assertEqual(agenda_tasks(proposal),
            [('agenda_submit', 'done'), ('agenda_decision', 'done')])

    def test_deleted_draft_cancels_its_task(self):
        "A deleted draft decision leaves no task in the coordinators' inbox"
        _, proposal = self.put_on_agenda()
        self.assertEqual(agenda_tasks(proposal), [('agenda_submit', 'open')])
        Task = Model.get('klachten.task')
        task, = Task.find([('mine', '=', True),
                ('origin', '=', f'klachten.notula.proposal,{proposal.id}')])
        proposal.delete()
        self.assertEqual(Task(task.id).state, 'cancelled')
        self.assertNotIn(task.id, [t.id for t in Task.find([
                        ('mine', '=', True), ('state', '=', 'open')])])

    def test_origin_required(self):
        "A draft decision of neither or of both origins is refused"
        set_user('coordinator')
        Proposal = Model.get('klachten.notula.proposal')
        Body = Model.get('klachten.notula.body')
        for complaint, report in [(None, None),
                (self.complaint.id, self.report.id)]:
            proposal = Proposal()
            if complaint:
                proposal.complaint = Model.get('klachten.complaint')(
                    complaint)
            if report:
                proposal.yearly_report = Model.get(
                    'klachten.yearly.report')(report)
            proposal.body = Body(xml_id('body_raad', 'klachten_notula'))
            proposal.title = "Yearly report"
            proposal.motivation = "A year of complaints."
            proposal.decision_proposal = "Noted."
            with self.assertRaises(ValidationError) as caught:
                proposal.save()
            self.assertIn("must come from exactly one record",
                str(caught.exception))

    def test_not_made(self):
        "A report in draft does not go on the agenda"
        set_user('coordinator')
        report = self.make_report()
        report.click('draft')
        with self.assertRaises(Exception) as caught:
            Wizard('klachten.notula.put_on_agenda_yearly', [report])
        self.assertIn("once it is made", str(caught.exception))


class YearlyAgendaHttpTestCase(YearFixture, MunicipalityTestCase):
    "The yearly report's draft decision through the HTTP connector"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.notula = NotulaServer(key=KEY, secret=SECRET).start()
        cls.addClassCleanup(cls.notula.stop)
        configure_http(url=cls.notula.url, key=KEY)
        _, proposal = cls.put_on_agenda()
        cls.proposal = proposal.id
        cls.coordinator = cls.ns.users['coordinator'].id
        cls.pdf = bytes(cls.report.pdf.data)
        cls.report_name = cls.report.name
        cls.db = share_database_with_files(cls)

    def test_http(self):
        "Sent by the queue; the decision received back"
        with Transaction().start(self.db, self.coordinator,
                context={'_check_access': True}):
            Proposal = Pool().get('klachten.notula.proposal')
            Proposal.send([Proposal(self.proposal)])
        with Transaction().start(self.db, 0):
            Pool().get('klachten.notula.proposal').deliver(
                now=dt.datetime.now() + dt.timedelta(seconds=1))
        concept, = self.notula.concepts
        self.assertEqual(concept['complaint'], self.report_name)
        self.assertEqual(concept['body'], 'raad')
        self.assertTrue(
            any(a.data == self.pdf for a in concept.attachments))
        self.assertEqual(concept['oslo']['dossier']['@type'], 'Jaarverslag')
        with Transaction().start(self.db, 0) as transaction:
            Proposal = Pool().get('klachten.notula.proposal')
            proposal = Proposal(self.proposal)
            self.assertEqual((proposal.state, proposal.reference),
                ('submitted', concept.reference))
            self.assertTrue(Proposal.apply_status(
                    proposal, 'decided', decision=DECISION))
            transaction.commit()
        with Transaction().start(self.db, 0):
            proposal = Pool().get('klachten.notula.proposal')(self.proposal)
            self.assertEqual((proposal.state, proposal.result),
                ('decided', 'approved'))
