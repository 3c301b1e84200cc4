# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What staff meet in the back office's screens: information requests
without an address, the parties they create, the outbox's columns, the
take-notice comment and the complaint form's header."""
import datetime as dt
from xml.etree import ElementTree

from proteus import Model, Wizard
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.pyson import PYSONDecoder

from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, read_as_sao, run_wizard,
    set_user, xml_id)

QUESTION = "Which street was it?"


class BackOfficeTestCase(MunicipalityTestCase):
    "The back office's screens"
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        cls.complainant = create_complainant()
        cls.no_email = create_complainant(name="Jef Claes", email=None)

    def information_tasks(self, complaint):
        set_user('admin')
        return [t.state for t in Model.get('klachten.task').find([
                    ('complaint', '=', complaint.id),
                    ('kind', '=', 'information')])]

    def information_emails(self, complaint):
        set_user('admin')
        return Model.get('klachten.email').find([
                ('complaint', '=', complaint.id),
                ('kind', '=', 'information')])

    # Information requests
    def test_information_without_email_warns(self):
        "No e-mail address: the wizard warns and the request records it"
        set_user('coordinator')
        complaint = create_complaint(self.no_email)
        wizard = Wizard('klachten.complaint.request_information', [complaint])
        self.assertIn("no e-mail address", wizard.form.warning)
        wizard.form.question = QUESTION
        wizard.execute('confirm')
        complaint.reload()
        request, = complaint.information_requests
        self.assertEqual(request.delivery, 'not_sent')
        self.assertEqual(self.information_emails(complaint), [])

        set_user('coordinator')
        complaint = create_complaint(self.complainant)
        wizard = Wizard('klachten.complaint.request_information', [complaint])
        self.assertFalse(wizard.form.warning)
        self.assertEqual(
            wizard.form.complainant_email, 'an.peeters@example.org')
        wizard.form.recipient = 'third_party'
        wizard.form.name = "Buurman"
        self.assertIn("Without an e-mail address", wizard.form.warning)
        wizard.form.recipient = 'complainant'
        wizard.form.question = QUESTION
        wizard.execute('confirm')
        complaint.reload()
        request, = complaint.information_requests
        self.assertEqual(request.delivery, 'email')
        self.assertEqual(len(self.information_emails(complaint)), 1)

    def test_information_due_in_the_past(self):
        "An answer date in the past is refused with a clear message"
        set_user('coordinator')
        complaint = create_complaint(self.complainant)
        with self.assertRaises(UserError) as context:
            run_wizard('request_information', complaint, question=QUESTION,
                due_date=dt.date(2020, 1, 1))
        self.assertIn("that day is past", context.exception.message)
        complaint.reload()
        self.assertEqual(len(complaint.information_requests), 0)
        self.assertEqual(self.information_tasks(complaint), [])

    def test_information_lapses_when_complaint_moves_on(self):
        "Admissible, inadmissible or cancelled: the wait for an answer ends"
        Ground = Model.get('klachten.inadmissibility_ground')
        moves = {
            'admissible': lambda c: admit(c, self.ns),
            'inadmissible': lambda c: run_wizard('inadmissible', c,
                grounds=[Ground.find([])[0]], motivation="Not a complaint"),
            'cancel': lambda c: run_wizard('cancel', c, reason="Withdrawn"),
            }
        for name, move in moves.items():
            with self.subTest(move=name):
                set_user('coordinator')
                complaint = create_complaint(self.complainant)
                run_wizard('request_information', complaint,
                    question=QUESTION)
                self.assertEqual(self.information_tasks(complaint), ['open'])
                set_user('coordinator')
                move(Model.get('klachten.complaint')(complaint.id))
                self.assertEqual(
                    self.information_tasks(complaint), ['cancelled'])
                set_user('coordinator')
                request, = Model.get('klachten.complaint')(
                    complaint.id).information_requests
                self.assertEqual(request.state, 'lapsed')

    # The complaint form
    def test_form_header_shows_what_user_may_press(self):
        "Number, state and only the buttons of the user's groups, on top"
        expected = {
            # handler1 and observer are receivers too: they register
            'coordinator': {'admissible_wizard', 'cancel_wizard',
                'extend_wizard', 'conclude_wizard', 'register'},
            'handler1': {'send_back_wizard', 'finalise_report', 'register'},
            'observer': {'register'},
            }
        for login, present in expected.items():
            with self.subTest(login=login):
                set_user(login)
                view = Model.get('klachten.complaint')._proxy.fields_view_get(
                    None, 'form', self.config.context)
                form = ElementTree.fromstring(view['arch'])
                buttons = {b.get('name') for b in form.iter('button')}
                self.assertLessEqual(present, buttons)
                refused = {'admissible_wizard', 'cancel_wizard',
                    'send_back_wizard', 'finalise_report', 'conclude_wizard',
                    'extend_wizard', 'register'} - present
                self.assertEqual(buttons & refused, set())
                # the header: number and state, then the buttons, first
                children = list(form)
                header = children[0]
                self.assertEqual(
                    [f.get('name') for f in header.iter('field')],
                    ['number', 'state'])
                notebook = [c.tag for c in children].index('notebook')
                self.assertTrue(all(
                        children.index(g) < notebook
                        for g in children if g.find('.//button') is not None))

    def test_buttons_hidden_where_user_may_not_change(self):
        """A department head reads the department's complaints, also a
        draft another staff member received, but may not change them: the
        form offers no workflow button there, while the one who received it
        sees Register and Resolve"""
        set_user('receiver')
        complainant = Model.get('party.party')(self.complainant.id)
        complaint = create_complaint(complainant, register=False,
            concerned_department=Model.get('klachten.department')(
                self.ns.departments['BZ'].id))
        self.assertEqual(complaint.state, 'draft')

        def shown(login):
            set_user(login)
            view = Model.get('klachten.complaint')._proxy.fields_view_get(
                None, 'form', self.config.context)
            values, = read_as_sao(
                'klachten.complaint', [complaint.id])
            # the buttons' states evaluated, as sao does, on the values
            # the form loaded
            return {b.get('name')
                for b in ElementTree.fromstring(view['arch']).iter('button')
                if not PYSONDecoder(values).decode(
                    b.get('states')).get('invisible', False)}

        self.assertLessEqual({'register', 'resolve_wizard'},
            shown('receiver'))
        self.assertEqual(shown('head'), set())

    # Parties
    def test_new_complainant_speaks_company_language(self):
        "A party created from the complaint gets the company's language"
        set_user('admin')
        company = Model.get('company.company').find([])[0]
        party = company.party
        party.lang, = Model.get('ir.lang').find([('code', '=', 'nl')])
        party.save()
        for login in ['receiver', 'coordinator']:
            with self.subTest(login=login):
                set_user(login)
                Party = Model.get('party.party')
                # what sao asks when Create... opens the party form
                defaults = Party._proxy.default_get(
                    ['lang'], False, self.config.context)
                self.assertEqual(defaults['lang'], party.lang.id)
                created = Party(name="Nieuwe beller")
                created.save()
                self.assertEqual(created.lang.code, 'nl')

    # The outbox
    def test_email_kind_translated(self):
        "The outbox's Kind column shows a translated label, not a key"
        set_user('receiver')
        complaint = create_complaint(self.complainant)
        set_user('coordinator')
        Email = Model.get('klachten.email')
        email, = Email.find([('complaint', '=', complaint.id)])
        for language, label in [
                ('en', "Complaint: acknowledgement"),
                ('nl', "Klacht: ontvangstbevestiging"),
                ]:
            context = dict(self.config.context, language=language)
            record, = Email._proxy.read([email.id], ['kind:string'], context)
            self.assertEqual(record['kind:string'], label)
            # the list's column, as sao fills it from the field's selection
            kind = Email._proxy.fields_get(['kind'], context)['kind']
            selection = kind['selection']
            if isinstance(selection, str):
                selection = getattr(Email._proxy, selection)(context)
            self.assertEqual(dict(selection)[email.kind], label)

    # Shared filters
    def test_shipped_filters_show_in_web_client(self):
        "Every shipped filter uses only fields the list's search offers"
        # what sao asks for its bookmark menu, as a coordinator
        set_user('coordinator')
        searches = Model.get('ir.ui.view_search')._proxy.get(
            self.config.context)
        shipped = [(model, name, domain)
            for model, rows in searches.items()
            if model.startswith('klachten.')
            for _, name, domain, _ in rows]
        self.assertGreaterEqual(len(shipped), 9)
        for model, name, domain in shipped:
            with self.subTest(filter=name):
                offered = search_fields(model, self.config)
                self.assertTrue(stringable(domain, offered),
                    f"{name}: {domain} not within {sorted(offered)}")

    def test_coordinator_shares_a_filter(self):
        "A coordinator shares a saved filter with every colleague"
        ViewSearch = Model.get('ir.ui.view_search')
        domain = "[[\"channel\", \"=\", \"phone\"]]"
        for login in ['coordinator', 'handler1']:
            set_user(login)
            # what sao's star in the search bar does
            ViewSearch._proxy.set(f"Telefonisch {login}", 'klachten.complaint',
                domain, self.config.context)

        set_user('coordinator')
        menu = Model.get('ir.ui.menu')(xml_id('menu_view_search_form'))
        self.assertEqual(menu.action.res_model, 'ir.ui.view_search')
        mine, = ViewSearch.find([
                ('user', '=', self.ns.users['coordinator'].id)])
        self.assertEqual(mine.name, "Telefonisch coordinator")
        # another user's own filter stays theirs
        self.assertEqual(ViewSearch.find(
                [('name', '=', "Telefonisch handler1")]), [])
        mine.click('share')
        self.assertIsNone(mine.user)

        set_user('handler1')
        shared = ViewSearch._proxy.get(self.config.context)
        self.assertIn("Telefonisch coordinator",
            [name for _, name, _, _ in shared['klachten.complaint']])
        with self.assertRaises(AccessError):
            ViewSearch.find([])


# The fields sao's search (and bookmark menu) knows for a model: the fields
# of its default list view's XML and the common ones (Sao.Screen's
# domain_parser); a bookmark is shown only when every clause names one of
# them (Sao.common.DomainParser.stringable).
COMMON_FIELDS = {
    'id': 'integer', 'create_uid': 'many2one', 'create_date': 'datetime',
    'write_uid': 'many2one', 'write_date': 'datetime'}


def search_fields(model, config):
    view = Model.get(model, config=config)._proxy.fields_view_get(
        None, 'tree', config.context)
    offered = dict(COMMON_FIELDS)
    for node in ElementTree.fromstring(view['arch']):
        if node.tag == 'field':
            name = node.get('name')
            offered.setdefault(name, view['fields'][name]['type'])
    return offered


def stringable(domain, fields):
    if domain and domain[0] in ('AND', 'OR'):
        domain = domain[1:]
    for clause in domain:
        if not clause:
            continue
        if isinstance(clause[0], (list, tuple)) or clause[0] in ('AND', 'OR'):
            if not stringable(clause, fields):
                return False
            continue
        name, value = clause[0], clause[2]
        if name.endswith('.rec_name') and value:
            name = name[:-len('.rec_name')]
        if name == 'rec_name':
            continue
        if name not in fields:
            return False
        if fields[name] in {'many2one', 'one2one', 'one2many', 'many2many'}:
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) or v is None for v in values):
                return False
    return True


class TakeNoticeTestCase(MunicipalityTestCase):
    "The observer's Done button offers the comment"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_user('coordinator')
        cls.complainant = create_complainant()

    def notice_task(self):
        set_user('coordinator')
        complaint = create_complaint(self.complainant, register=False)
        complaint.observers.append(
            Model.get('res.user')(self.ns.users['observer'].id))
        complaint.save()
        complaint.click('register')
        set_user('observer')
        task, = Model.get('klachten.task').find([
                ('complaint', '=', complaint.id), ('kind', '=', 'take_notice'),
                ])
        return complaint, task

    def test_done_buttons_offer_the_comment(self):
        "Every Done button of the task's screens opens the comment wizard"
        set_user('observer')
        Task = Model.get('klachten.task')
        for view_type in ['form', 'tree']:
            arch = Task._proxy.fields_view_get(
                None, view_type, self.config.context)['arch']
            buttons = [b.get('name')
                for b in ElementTree.fromstring(arch).iter('button')]
            self.assertEqual(buttons, ['take_notice_wizard'], view_type)

    def test_every_role_sees_the_origin_column(self):
        "The task list and form show the origin (an improvement action, a "
        "draft decision, an incoming message) to every role, also to those "
        "who may not read some kinds of origin"
        for login in ['observer', 'handler1', 'coordinator']:
            set_user(login)
            Task = Model.get('klachten.task')
            for view_type in ['form', 'tree']:
                with self.subTest(login=login, view_type=view_type):
                    view = Task._proxy.fields_view_get(
                        None, view_type, self.config.context)
                    self.assertIn('origin', list(view['fields']))

    def test_take_notice_with_comment(self):
        "The comment goes to the complaint's conversation"
        complaint, task = self.notice_task()
        wizard = task.click('take_notice_wizard')
        self.assertIsNone(wizard.form.comment)
        wizard.form.comment = "I know this family: please call them."
        wizard.execute('confirm')
        task.reload()
        self.assertEqual(task.state, 'done')
        Channel = Model.get('ir.chat.channel')
        messages = Channel._proxy.get(str(complaint), self.config.context)
        self.assertEqual([m['content'] for m in messages],
            ["I know this family: please call them."])

    def test_take_notice_without_comment(self):
        "The comment is optional"
        complaint, task = self.notice_task()
        Wizard('klachten.task.take_notice', [task]).execute('confirm')
        task.reload()
        self.assertEqual(task.state, 'done')
        set_user('coordinator')
        with self.assertRaises(UserError):
            # a task the workflow closes is not closed by hand
            evaluate, = Model.get('klachten.task').find([
                    ('complaint', '=', complaint.id),
                    ('kind', '=', 'evaluate')])
            Wizard('klachten.task.take_notice', [evaluate]).execute('confirm')
