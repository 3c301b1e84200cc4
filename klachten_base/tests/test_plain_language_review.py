# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Issue 16 item 14, the "B1 review" (seed 004 step 14): before the reply
leaves, the coordinator asks a team (a role in a department) to check that
it reads plainly. The team gets a task, reads the complaint until it is
concluded (never changes it), and closes the task with its remarks, which
go to the complaint's conversation."""
from proteus import Model, Wizard
from trytond.exceptions import UserError

from .municipality import MunicipalityTestCase
from .tools import admit, create_complainant, create_complaint, set_user


class PlainLanguageReviewTestCase(MunicipalityTestCase):
    "A B1 review asked of another team"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        cls.complainant = create_complainant()

    def in_conclusion(self, **values):
        "A complaint whose report handler1 (Burgerzaken) finalised"
        set_user('coordinator')
        complaint = admit(create_complaint(Model.get('party.party')(
                    self.complainant.id), **values), self.ns)
        set_user('handler1')
        complaint = Model.get('klachten.complaint')(complaint.id)
        complaint.report = "Gesprek met de loketbediende."
        complaint.outcome = 'unfounded'
        complaint.outcome_motivation = "Het loket was gesloten."
        complaint.save()
        complaint.click('finalise_report')
        self.assertEqual(complaint.state, 'conclusion')
        return complaint

    def ask(self, complaint, note="Is de opzet van het antwoord B1?"):
        "Ask Omgeving's handlers (handler3) for the review, as the user"
        complaint = Model.get('klachten.complaint')(complaint.id)
        wizard = Wizard('klachten.complaint.plain_language_review',
            [complaint])
        wizard.form.department = Model.get('klachten.department')(
            self.ns.departments['OM'].id)
        wizard.form.role = Model.get('klachten.role')(
            self.ns.roles['handler'].id)
        wizard.form.note = note
        wizard.execute('confirm')

    def readable(self, login, complaint):
        set_user(login)
        return bool(Model.get('klachten.complaint').find(
                [('id', '=', complaint.id)]))

    def review_tasks(self, complaint, state='open'):
        set_user('admin')
        return Model.get('klachten.task').find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'plain_language_review'),
                ('state', '=', state)])

    def test_team_reviews_and_comments(self):
        "The team reads the complaint in conclusion, and comments"
        complaint = self.in_conclusion()
        self.assertFalse(self.readable('handler3', complaint))
        set_user('coordinator')
        self.ask(complaint)
        task, = self.review_tasks(complaint)
        self.assertEqual(task.note, "Is de opzet van het antwoord B1?")
        self.assertTrue(task.due_date)
        self.assertTrue(self.readable('handler3', complaint))
        # handler2 (Burgerzaken) is not in the team: no more than before
        self.assertFalse(self.readable('observer', complaint))

        # reading is not changing
        set_user('handler3')
        mine = Model.get('klachten.complaint')(complaint.id)
        mine.reply = "Anders"
        with self.assertRaises(UserError):
            mine.save()

        # the team closes its task with its remarks
        task = Model.get('klachten.task')(task.id)
        self.assertIn(task.id, [t.id for t in Model.get('klachten.task').find(
                    [('mine', '=', True), ('state', '=', 'open')])])
        task.comment = "Zin 2 is te lang; 'ontvankelijk' uitleggen."
        task.save()
        task.click('do')
        self.assertEqual(task.state, 'done')
        set_user('coordinator')
        Channel = Model.get('ir.chat.channel')
        messages = Channel._proxy.get(
            f'klachten.complaint,{complaint.id}', self.config.context)
        self.assertIn("Zin 2 is te lang; 'ontvankelijk' uitleggen.",
            [m['content'] for m in messages])

    def test_only_coordinators_ask_and_conclusion_ends_it(self):
        "A handler cannot ask; concluding cancels an open review"
        complaint = self.in_conclusion()
        set_user('handler1')
        with self.assertRaises(UserError):
            self.ask(complaint)
        self.assertFalse(self.review_tasks(complaint))

        set_user('coordinator')
        self.ask(complaint)
        self.assertTrue(self.readable('handler3', complaint))
        set_user('coordinator')
        wizard = Wizard('klachten.complaint.conclude',
            [Model.get('klachten.complaint')(complaint.id)])
        wizard.form.conclusion = "Ongegrond."
        wizard.form.inform = True
        wizard.form.reply = "Geachte, het loket was die dag gesloten."
        wizard.execute('confirm')
        self.assertFalse(self.review_tasks(complaint))
        self.assertEqual(len(self.review_tasks(complaint, 'cancelled')), 1)
        self.assertFalse(self.readable('handler3', complaint))

    def test_confidential_refused(self):
        "A confidential complaint is not shown to another team"
        complaint = self.in_conclusion(confidential=True)
        self.as_dutch('coordinator')
        with self.assertRaises(UserError) as raised:
            self.ask(complaint)
        self.assertIn("vertrouwelijk", str(raised.exception))
        self.assertFalse(self.review_tasks(complaint))
