# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from sql import Literal, Null

from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, DeactivableMixin, Index, ModelSQL, ModelView, Unique, Workflow,
    fields)
from trytond.model.exceptions import AccessError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval, If
from trytond.transaction import Transaction, check_access, without_check_access

from .claim import claim
from .department import (
    assigned_to, assignment_pairs, memberships, users_by_key)
from .exceptions import (
    AssignmentError, InputLimitError, MissingInputError, SequenceMissingError,
    WorkflowError)
from .model import (
    CorrelatedFunction, PermittedButtonsMixin, ReadonlyGuardMixin,
    rule_searcher, take_write_lock)
from .term import term_end

# what registering complaints reads once: the configuration's terms (see
# Complaint._registering)

STATES = [
    ('draft', "Draft"),
    ('evaluation', "Evaluation"),
    ('investigation', "Investigation"),
    ('conclusion', "Conclusion"),
    ('feedback', "Awaiting Feedback"),
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ]
# The phases in which the coordinator may ask for information
INFORMATION_STATES = {'evaluation', 'conclusion'}
OPEN_STATES = ['draft', 'evaluation', 'investigation', 'conclusion',
    'feedback']
CHANNELS = [
    ('web_form', "Web Form"),
    ('email', "E-mail"),
    ('letter', "Letter"),
    ('phone', "Phone"),
    ('in_person', "In Person"),
    ('counter', "Counter"),
    ('fax', "Fax"),
    ]
BASES = [
    (None, ""),
    ('treatment', "Treatment"),
    ('communication', "Communication"),
    ('content', "Content"),
    ]
# The admissible e-mail as shipped before the note had its own field
ADMISSIBLE_BODY_8_0 = """Dear ${record.complainant.name if record.complainant else ''},

Your complaint ${record.number} about "${record.short_description}" is admissible. It is now being investigated by the department concerned. You will receive a reasoned answer by ${format_date(record.answer_due)} at the latest.
#if record.admissibility_motivation

${record.admissibility_motivation}
#end

Kind regards,
The complaints coordinator"""  # noqa: E501
OUTCOMES = [
    (None, ""),
    ('founded', "Founded"),
    ('partly_founded', "Partly Founded"),
    ('founded_corrected', "Founded and Already Corrected"),
    ('unfounded', "Unfounded"),
    ('no_judgement', "No Judgement"),
    ('withdrawn', "Withdrawn by the Complainant"),
    ]
NO_JUDGEMENT_REASONS = [
    (None, ""),
    ('unclear', "Remains insufficiently clear"),
    ('doubt', "Doubt whether it could have been done better"),
    ('minor', "The shortcoming is too minor"),
    ]
SOLUTION_OUTCOMES = {'founded', 'partly_founded'}


# The longest text the server accepts in a field (a long letter fits)
TEXT_MAX = 100_000
CHAR_MAX = 1_000
# The earliest date a complaint's date may have
DATE_MIN = dt.date(1900, 1, 1)


def _readonly_unless(*states):
    return {'readonly': ~Eval('state').in_(list(states))}


class _RelationMany2Many(fields.Many2Many):
    """A Many2Many of complaints whose relation has no record rules but
    the complaint's (its __access__ is the origin): the complaint's read
    has checked them on the complaints already, so the relation is read
    without checking them once more per row (a query of every rule,
    which PostgreSQL, not knowing a small relation's size, plans badly
    and compiles with JIT for seconds: bench/README.md)"""

    def get(self, ids, model, name, values=None):
        # no rule group names these relations (test_form_queries checks)
        if (Transaction().check_access
                and self.get_relation().__access__ == {self.origin}):
            with without_check_access():
                return super().get(ids, model, name, values)
        return super().get(ids, model, name, values)


class Configuration(metaclass=PoolMeta):
    "What the procedure's steps require"
    __name__ = 'klachten.configuration'

    require_basis = fields.Boolean(
        "Require the Basis",
        help="A formal complaint is declared admissible only with its "
        "basis (treatment, communication or content).")
    draft_reply_required = fields.Boolean(
        "Require the Handler's Draft Reply",
        help="The handler drafts the reply with the report; the "
        "coordinator reviews and edits it before it is sent.")

    @classmethod
    def default_require_basis(cls):
        return True

    @classmethod
    def default_draft_reply_required(cls):
        return False


class Subject(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.subject'
    __string__ = "Complaint Subject"

    name = fields.Char("Name", required=True, translate=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('name', 'ASC'))


class InadmissibilityGround(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.inadmissibility_ground'
    __string__ = "Inadmissibility Ground"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")
    sequence = fields.Integer("Sequence")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('sequence', 'ASC NULLS LAST'))


class RemedyType(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.remedy'
    __string__ = "Remedy"

    name = fields.Char("Name", required=True, translate=True)
    code = fields.Char("Code")


class Complaint(PermittedButtonsMixin, ReadonlyGuardMixin, Workflow, ModelSQL,
        ModelView, ChatMixin):
    __name__ = 'klachten.complaint'
    __string__ = "Complaint"
    _rec_name = 'number'
    _history = True

    company = fields.Many2One(
        'company.company', "Company", required=True,
        states=_readonly_unless('draft'))
    number = fields.Char("Number", readonly=True)
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    # Intake
    received_date = fields.Date(
        "Received On", required=True, states=_readonly_unless('draft'))
    channel = fields.Selection(
        CHANNELS, "Channel", required=True, sort=False,
        states=_readonly_unless('draft', 'evaluation'))
    received_by = fields.Many2One(
        'res.user', "Received By", states=_readonly_unless('draft'),
        help="The staff member who first received the complaint.")
    registration_date = fields.Date("Registered On", readonly=True)
    anonymous = fields.Boolean(
        "Anonymous", states=_readonly_unless('draft', 'evaluation'))
    complainant = fields.Many2One(
        'party.party', "Complainant", ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        states={
            'readonly': ~Eval('state').in_(['draft', 'evaluation']),
            'required': ~Eval('anonymous') & (Eval('state') != 'draft'),
            'invisible': Bool(Eval('anonymous')),
            })
    representative = fields.Many2One(
        'party.party', "Represented By", ondelete='RESTRICT',
        context={'company': Eval('company', -1)}, depends={'company'},
        states=_readonly_unless('draft', 'evaluation'))
    complainant_email = fields.Function(
        fields.Char("E-mail"), 'get_complainant_contact')
    complainant_phone = fields.Function(
        fields.Char("Phone"), 'get_complainant_contact')
    complainant_address = fields.Function(
        fields.Char("Address"), 'get_complainant_contact')
    short_description = fields.Char(
        "Short Description", required=True,
        states=_readonly_unless('draft', 'evaluation'))
    description = fields.Text(
        "Description", states=_readonly_unless('draft', 'evaluation'))
    incident_date = fields.Date(
        "Incident Date", states=_readonly_unless('draft', 'evaluation'),
        help="When the facts complained about happened.")
    remedy_sought = fields.Text(
        "Remedy Sought", states=_readonly_unless('draft', 'evaluation'),
        help="What the complainant would like to happen.")
    track = fields.Selection([
            ('formal', "Formal"),
            ('informal', "Informal"),
            ], "Track", required=True,
        states=_readonly_unless('draft', 'evaluation'))
    confidential = fields.Boolean(
        "Confidential", states=_readonly_unless(*OPEN_STATES),
        help="Only the coordinators and the assigned handler see it.")
    resolution = fields.Text(
        "Resolution on the Spot", readonly=True,
        states={'invisible': ~Eval('resolution')})

    # Evaluation
    basis = fields.Selection(
        BASES, "Basis", states=_readonly_unless('draft', 'evaluation'))
    subject = fields.Many2One(
        'klachten.subject', "Subject",
        states=_readonly_unless('draft', 'evaluation'))
    concerns = fields.Selection([
            (None, ""),
            ('department', "A Department"),
            ('staff', "A Staff Member"),
            ], "Concerns", states=_readonly_unless('draft', 'evaluation'))
    concerned_department = fields.Many2One(
        'klachten.department', "Concerned Department",
        states=_readonly_unless('draft', 'evaluation'))
    concerned_user = fields.Many2One(
        'res.user', "Concerned Staff Member",
        states={
            'readonly': ~Eval('state').in_(['draft', 'evaluation']),
            'invisible': Eval('concerns') != 'staff',
            },
        help="A complaint is never visible to the staff member it is about.")
    handler_department = fields.Many2One(
        'klachten.department', "Handling Department", readonly=True)
    handler_role = fields.Many2One('klachten.role', "Handler Role",
        readonly=True)
    handler_user = fields.Many2One('res.user', "Handler", readonly=True)
    handlers = CorrelatedFunction(
        fields.Many2Many('res.user', None, None, "Handlers"),
        'get_handlers', searcher='search_handlers')
    department_heads = CorrelatedFunction(
        fields.Many2Many('res.user', None, None, "Department Heads"),
        'get_department_heads', searcher='search_department_heads')
    mine = fields.Function(
        fields.Boolean("Mine",
            help="Assigned to me, observed by me or received by me."),
        'get_mine', searcher='search_mine')
    observers = _RelationMany2Many(
        'klachten.complaint-res.user.observer', 'complaint', 'user',
        "Observers", states=_readonly_unless(*OPEN_STATES),
        help="Staff members who are told of the complaint and take notice.")
    information_requests = fields.One2Many(
        'klachten.information.request', 'complaint',
        "Information Requests", readonly=True)
    admissibility = fields.Selection([
            (None, ""),
            ('admissible', "Admissible"),
            ('inadmissible', "Inadmissible"),
            ], "Admissibility", readonly=True)
    admissibility_date = fields.Date("Admissibility Decided On",
        readonly=True)
    inadmissibility_grounds = _RelationMany2Many(
        'klachten.complaint-klachten.inadmissibility_ground', 'complaint',
        'ground', "Inadmissibility Grounds", readonly=True)
    admissibility_motivation = fields.Text("Motivation", readonly=True,
        states={'invisible': Eval('admissibility') == 'admissible'},
        help="Why the complaint is inadmissible.")
    admissible_note = fields.Text("Note with the Admissible Decision",
        readonly=True,
        states={'invisible': Eval('admissibility') != 'admissible'},
        help="What the complainant was told with the admissible decision.")

    # Investigation
    report = fields.Text(
        "Investigation Report", states=_readonly_unless('investigation'),
        help="The facts, the explanations gathered and the assessment.")
    outcome = fields.Selection(
        OUTCOMES, "Outcome", states=_readonly_unless('investigation'))
    outcome_motivation = fields.Text(
        "Outcome Motivation", states=_readonly_unless('investigation'))
    no_judgement_reason = fields.Selection(
        NO_JUDGEMENT_REASONS, "No Judgement Reason",
        states={
            'readonly': Eval('state') != 'investigation',
            'invisible': Eval('outcome') != 'no_judgement',
            },
        help="Required to finalise a report without judgement.")
    solution = fields.Text(
        "Solution",
        states=_readonly_unless('investigation'),
        help="Required to finalise the report of a founded or partly "
        "founded complaint.")
    remedies = _RelationMany2Many(
        'klachten.complaint-klachten.remedy', 'complaint', 'remedy',
        "Remedies", states=_readonly_unless('investigation', 'conclusion'))
    draft_reply = fields.Text(
        "Draft Reply", states=_readonly_unless('investigation'),
        help="The handler's draft of the reasoned reply to the complainant; "
        "the coordinator reviews and edits it when concluding.")
    report_date = fields.Date("Report Finalised On", readonly=True)
    send_back_remarks = fields.Text("Send Back Remarks", readonly=True)
    not_neutral_reason = fields.Text("Not Neutral Reason", readonly=True)

    # Conclusion and feedback
    conclusion = fields.Text("Conclusion", readonly=True)
    reply = fields.Text("Reply to the Complainant", readonly=True)
    decision_date = fields.Date("Decided On", readonly=True)
    feedback_requested = fields.Boolean("Feedback Requested", readonly=True)
    feedback = fields.Selection([
            (None, ""),
            ('agree', "Agree"),
            ('disagree', "Disagree"),
            ], "Feedback", readonly=True)
    feedback_comment = fields.Text("Feedback Comment", readonly=True)
    feedback_date = fields.Date("Feedback On", readonly=True)
    cancel_reason = fields.Text("Cancellation Reason", readonly=True)
    closing_date = fields.Date("Closed On", readonly=True)

    # Terms
    acknowledgement_due = fields.Date(
        "Acknowledgement Due", readonly=True,
        help="When the acknowledgement must have been sent.")
    acknowledged_on = fields.Date("Acknowledged On", readonly=True)
    report_due = fields.Date("Report Due", readonly=True,
        help="When the handler's report is due.")
    answer_due = fields.Date("Answer Due", readonly=True,
        help="When the complainant must have the reasoned answer.")
    feedback_due = fields.Date("Feedback Due", readonly=True,
        help="When the complaint closes if the complainant does not react.")
    extension_count = fields.Integer("Extensions", readonly=True)
    extension_reason = fields.Text("Extension Motivation", readonly=True)
    extension_consent = fields.Text(
        "Complainant's Consent", readonly=True,
        help="How and when the complainant agreed to a further extension.")
    days_left = fields.Function(fields.Integer(
            "Days Left", help="Days left to answer; negative when late."),
        'get_deadline')
    overdue = fields.Function(
        fields.Boolean("Overdue", help="Open and past the answer term."),
        'get_deadline', searcher='search_overdue')
    within_term = fields.Function(
        fields.Boolean("Within Term",
            help="Decided on or before the answer term."),
        'get_within_term')
    tasks = fields.One2Many(
        'klachten.task', 'complaint', "Tasks", readonly=True)
    emails = fields.One2Many(
        'klachten.email', 'complaint', "E-mails", readonly=True)
    coordinator_contact = fields.Function(
        fields.Text("Coordinator's Contact Details"),
        'get_coordinator_contact')

    related_complaints = _RelationMany2Many(
        'klachten.complaint.relation', 'from_', 'to', "Related Complaints",
        domain=[('id', '!=', Eval('id', -1))])
    complainant_complaints = fields.Function(
        fields.Many2Many('klachten.complaint', None, None,
            "Other Complaints of the Complainant",
            help="Earlier and later complaints by the same person."),
        'on_change_with_complainant_complaints')

    @classmethod
    def __register__(cls, module):
        new_note = not cls.__table_handler__(module).column_exist(
            'admissible_note')
        super().__register__(module)
        if new_note:
            cls._migrate_admissible_note()

    @classmethod
    def _migrate_admissible_note(cls):
        """Move the note of admissible decisions out of the motivation
        (which now belongs to inadmissibility) and let the shipped
        admissible e-mail read it; an edited e-mail is left alone"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Template = pool.get('ir.email.template')
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [table.admissible_note, table.admissibility_motivation],
                [table.admissibility_motivation, Null],
                where=table.admissibility == 'admissible'))
        data = ModelData.__table__()
        template = Template.__table__()
        cursor.execute(*data.select(data.db_id,
                where=(data.module == 'klachten_base')
                & (data.fs_id == 'email_template_admissible')))
        row = cursor.fetchone()
        if not row:
            return
        cursor.execute(*template.select(template.body,
                where=template.id == row[0]))
        body, = cursor.fetchone() or (None,)
        if body and body.strip() == ADMISSIBLE_BODY_8_0.strip():
            cursor.execute(*template.update([template.body], [
                        body.replace('admissibility_motivation',
                            'admissible_note')],
                    where=template.id == row[0]))

    @classmethod
    def __setup__(cls):
        cls.number.search_unaccented = False
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('number_unique', Unique(t, t.company, t.number),
                'klachten_base.msg_complaint_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Equality())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state.in_(OPEN_STATES)),
                Index(t, (t.complainant, Index.Range())),
                # the party rule asks per party whether it represents
                Index(t, (t.representative, Index.Range()),
                    where=t.representative != Null),
                # the record rules (handlers, receivers, department heads)
                # and the lists' default order
                Index(t, (t.handler_user, Index.Range())),
                Index(t,
                    (t.handler_department, Index.Range()),
                    (t.handler_role, Index.Range())),
                # the handlers' rule branch by department and role
                Index(t,
                    (t.handler_department, Index.Range()),
                    (t.handler_role, Index.Range()),
                    where=t.handler_user == Null),
                Index(t, (t.concerned_department, Index.Range())),
                Index(t, (t.received_by, Index.Range())),
                Index(t,
                    (t.received_date, Index.Range()),
                    (t.id, Index.Range())),
                })
        cls._order = [
            ('received_date', 'DESC NULLS FIRST'),
            ('id', 'DESC'),
            ]
        cls._transitions |= {
            ('draft', 'evaluation'),
            ('draft', 'closed'),
            ('evaluation', 'investigation'),
            ('evaluation', 'feedback'),
            ('evaluation', 'closed'),
            ('investigation', 'evaluation'),
            ('investigation', 'conclusion'),
            ('conclusion', 'investigation'),
            ('conclusion', 'feedback'),
            ('conclusion', 'closed'),
            ('feedback', 'closed'),
            ('feedback', 'evaluation'),
            } | {(s, 'cancelled') for s in OPEN_STATES}
        cls._buttons.update({
                'register': _visible_in('draft'),
                'resolve_wizard': _visible_in('draft'),
                'request_information_wizard': _visible_in(
                    'evaluation', 'conclusion'),
                'admissible_wizard': _visible_in('evaluation'),
                'inadmissible_wizard': _visible_in('evaluation'),
                'send_back_wizard': _visible_in('investigation'),
                'finalise_report': _visible_in('investigation'),
                'not_neutral_wizard': _visible_in('conclusion'),
                'conclude_wizard': _visible_in('conclusion'),
                'agree': _visible_in('feedback'),
                'disagree_wizard': _visible_in('feedback'),
                'cancel_wizard': _visible_in(*OPEN_STATES),
                'extend_wizard': _visible_in(
                    'evaluation', 'investigation', 'conclusion'),
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_received_date(cls):
        return Pool().get('ir.date').today()

    @staticmethod
    def default_received_by():
        user = Transaction().user
        return user or None

    @staticmethod
    def default_channel():
        return 'email'

    @staticmethod
    def default_track():
        return 'formal'

    @staticmethod
    def default_anonymous():
        return False

    @staticmethod
    def default_confidential():
        return False

    def get_rec_name(self, name):
        number = self.number or gettext('klachten_base.msg_draft_number')
        return f'{number} - {self.short_description}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, value = clause[:3]
        if operator.startswith('!') or operator.startswith('not '):
            bool_op = 'AND'
        else:
            bool_op = 'OR'
        return [bool_op,
            ('number', operator, value),
            ('short_description', operator, value),
            ('complainant.name', operator, value),
            ]

    @classmethod
    def view_attributes(cls):
        # sao decodes PYSON only in attributes that trytond encodes: never
        # write an expression as text in the view's XML
        return super().view_attributes() + [
            ('/tree', 'visual', If(Eval('overdue', False), 'danger', '')),
            ]

    @classmethod
    def get_complainant_contact(cls, complaints, names):
        result = {n: {} for n in names}
        for complaint in complaints:
            party = complaint.complainant
            values = {
                'complainant_email': party.email if party else None,
                'complainant_phone': party.phone if party else None,
                'complainant_address': (
                    party.address_get().full_address.replace('\n', ', ')
                    if party and party.address_get() else None),
                }
            for name in names:
                result[name][complaint.id] = values[name]
        return result

    # Who handles it: one definition serves the rules, the tasks and
    # the screens.
    @classmethod
    def _handler_pairs(cls):
        "SQL query of (complaint, user) for every assigned handler"
        return assignment_pairs(cls, 'complaint',
            'handler_user', 'handler_department', 'handler_role')

    @classmethod
    def _department_head_pairs(cls):
        "SQL query of (complaint, user) for members who see the department"
        pool = Pool()
        Member = pool.get('klachten.department.member')
        Role = pool.get('klachten.role')
        complaint = cls.__table__()
        member = Member.__table__()
        role = Role.__table__()
        return complaint.join(member, condition=(
                (member.department == complaint.concerned_department)
                | (member.department == complaint.handler_department))
            ).join(role, condition=member.role == role.id
            ).select(
                complaint.id.as_('complaint'), member.user.as_('user'),
                where=role.department_access == Literal(True))

    @classmethod
    def _get_pairs(cls, complaints, query):
        return users_by_key(query, 'complaint', [c.id for c in complaints])

    @classmethod
    def _search_pairs(cls, clause, query):
        _, operator, value = clause[:3]
        if operator in {'=', '!='} and not isinstance(
                value, (int, type(None))):
            value = -1
        if operator in {'in', 'not in'}:
            value = [v for v in value if isinstance(v, int)] or [-1]
        Operator = fields.SQL_OPERATORS[operator]
        if operator == '=' and value is None:
            return [('id', 'not in', query.select(query.complaint))]
        return [('id', 'in', query.select(
                    query.complaint, where=Operator(query.user, value)))]

    @classmethod
    def get_handlers(cls, complaints, name):
        return cls._get_pairs(complaints, cls._handler_pairs())

    @classmethod
    @rule_searcher(lambda cls, clause: cls._search_pairs(
            clause, cls._handler_pairs()))
    def search_handlers(cls, table, user_id):
        return assigned_to(table, user_id,
            'handler_user', 'handler_department', 'handler_role')

    @classmethod
    def get_department_heads(cls, complaints, name):
        return cls._get_pairs(complaints, cls._department_head_pairs())

    @classmethod
    @rule_searcher(lambda cls, clause: cls._search_pairs(
            clause, cls._department_head_pairs()))
    def search_department_heads(cls, table, user_id):
        members, _ = memberships(user_id)
        departments = sorted({d for d, _, access in members if access})
        if not departments:
            return Literal(False)
        return (table.concerned_department.in_(departments)
            | table.handler_department.in_(departments))

    def get_mine(self, name):
        user = Transaction().user
        return (user in {u.id for u in self.handlers}
            or user in {u.id for u in self.observers}
            or (self.received_by and self.received_by.id == user))

    @classmethod
    def search_mine(cls, name, clause):
        _, operator, value = clause[:3]
        user = Transaction().user
        domain = ['OR',
            ('handlers', '=', user),
            ('observers', '=', user),
            ('received_by', '=', user),
            ]
        if (operator == '=') != bool(value):
            domain = [('id', 'not in', cls.search(domain, query=True))]
        return domain

    @fields.depends('complainant', 'id')
    def on_change_with_complainant_complaints(self, name=None):
        if not self.complainant or not self.complainant.id:
            return []
        domain = [('complainant', '=', self.complainant.id)]
        if self.id is not None and self.id >= 0:
            domain.append(('id', '!=', self.id))
        # only those the user may read: the client reads their names
        return self._readable_ids(domain, [('received_date', 'DESC')])

    @classmethod
    def _readable_ids(cls, domain, order):
        """The ids of domain that the user may read, in order, without
        loading their records (a frequent complainant has hundreds)"""
        with check_access():
            query = cls.search(domain, order=order, query=True)
        cursor = Transaction().connection.cursor()
        cursor.execute(*query)
        return [i for i, in cursor]

    @fields.depends('concerns', 'concerned_user')
    def on_change_concerns(self):
        if self.concerns != 'staff':
            self.concerned_user = None

    @fields.depends('anonymous', 'complainant')
    def on_change_anonymous(self):
        if self.anonymous:
            self.complainant = None

    @classmethod
    def create(cls, vlist):
        cls._check_related([v.get('related_complaints') for v in vlist])
        return super().create(vlist)

    @classmethod
    def _check_related(cls, values_list):
        """Refuse to relate a complaint the user may not read with the
        error of one that does not exist: it must not confirm it exists"""
        if not Transaction().check_access or not Transaction().user:
            return
        ids = set()
        for actions in values_list:
            for action in actions or []:
                if action[0] in {'add', 'set'}:
                    ids.update(action[1])
        if not ids:
            return
        found = {c.id for c in cls.search([('id', 'in', list(ids))])}
        missing = sorted(ids - found)
        if missing:
            raise AccessError(gettext(
                    'klachten_base.msg_related_not_found',
                    ids=', '.join(map(str, missing))))

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        cls._check_related([values.get('related_complaints')
                for _, values in zip(actions, actions)])
        super().write(*args)
        actions = iter(args)
        noticed = []
        for complaints, values in zip(actions, actions):
            if 'observers' in values:
                noticed.extend(c for c in complaints
                    if c.state in set(OPEN_STATES) - {'draft'})
        if noticed:
            cls._open_observer_tasks(cls.browse(noticed))

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'registration_date', 'admissibility',
                'admissibility_date', 'inadmissibility_grounds',
                'admissibility_motivation', 'admissible_note', 'report',
                'outcome', 'outcome_motivation', 'no_judgement_reason',
                'solution', 'draft_reply',
                'remedies', 'report_date', 'send_back_remarks',
                'not_neutral_reason', 'conclusion', 'reply',
                'decision_date', 'feedback_requested', 'feedback',
                'feedback_comment', 'feedback_date', 'cancel_reason',
                'closing_date', 'information_requests', 'resolution',
                'handler_department', 'handler_role', 'handler_user']:
            default.setdefault(name, None)
        return super().copy(complaints, default=default)

    @classmethod
    def delete(cls, complaints):
        for complaint in complaints:
            if complaint.state != 'draft':
                raise WorkflowError(gettext(
                        'klachten_base.msg_complaint_delete_draft',
                        complaint=complaint.rec_name))
        super().delete(complaints)

    # Workflow helpers
    @classmethod
    def _check_state(cls, complaints, states, action):
        "Refuse, with a clear message, complaints not in one of states"
        for complaint in complaints:
            if complaint.state not in states:
                raise WorkflowError(gettext(
                        'klachten_base.msg_complaint_wrong_state',
                        complaint=complaint.rec_name,
                        state=complaint.state_string,
                        action=gettext(f'klachten_base.msg_action_{action}')))

    @classmethod
    def _require(cls, complaints, value, field_msg):
        "Refuse when value is empty"
        if not value or (isinstance(value, str) and not value.strip()):
            raise MissingInputError(gettext(
                    'klachten_base.msg_complaint_missing_input',
                    complaints=', '.join(c.rec_name for c in complaints[:5]),
                    field=gettext(f'klachten_base.msg_field_{field_msg}')))

    @classmethod
    def _write_workflow(cls, complaints, values):
        "Write what a workflow step records, whatever the fields' states"
        if complaints and values:
            with without_check_access():
                cls.write(complaints, values)

    @classmethod
    def _today(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def _feedback_wanted(cls, complaint, request_feedback):
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        if complaint.anonymous:
            return False
        mode = Configuration(1).feedback
        return mode == 'always' or (mode == 'on_request' and request_feedback)

    @classmethod
    def _decide(cls, complaints, request_feedback):
        "Ask for feedback or close, as the configuration says"
        to_feedback = [c for c in complaints
            if cls._feedback_wanted(c, request_feedback)]
        to_close = [c for c in complaints if c not in to_feedback]
        cls._write_workflow(to_feedback, {
                'feedback_requested': True,
                'feedback': None,
                'feedback_comment': None,
                'feedback_date': None,
                })
        cls._write_workflow(to_close, {'feedback_requested': False})
        if to_feedback:
            cls.wait_feedback(to_feedback)
        if to_close:
            cls.close(to_close)

    @classmethod
    def _notify(cls, complaints, kind, text=None, records=None):
        """The complainant is to be informed of a step: queue the e-mail.

        kind is one of acknowledgement, admissible, inadmissible,
        information, conclusion, feedback, cancel, extension; records are
        the records the template renders (the complaints by default). The
        letter for a complainant without e-mail extends this."""
        pool = Pool()
        Notification = pool.get('klachten.notification')
        written = []
        for complaint, record in zip(complaints, records or complaints):
            address = complaint.complainant_address_email
            if address:
                Notification.queue(kind, record, [address],
                    language=complaint.complainant_language,
                    complaint=complaint)
                written.append(complaint)
        if kind == 'acknowledgement':
            # registering writes it with the number
            cls._write_workflow([c for c in written if not c.acknowledged_on],
                {'acknowledged_on': cls._today()})

    def _acknowledged_by_email(self):
        "Whether _notify acknowledges the complaint by e-mail"
        return bool(self.complainant_address_email)

    @property
    def complainant_address_email(self):
        "The e-mail address the complainant is written to, if any"
        if self.anonymous:
            return None
        for party in [self.representative, self.complainant]:
            if party and party.email:
                return party.email

    @classmethod
    def validate_fields(cls, complaints, field_names):
        super().validate_fields(complaints, field_names)
        cls.check_limits(complaints, field_names)
        if field_names & {'concerns', 'concerned_user', 'handler_user',
                'handler_department', 'handler_role', 'observers'}:
            for complaint in complaints:
                complaint.check_assignments()

    @classmethod
    def check_limits(cls, complaints, field_names):
        "Refuse texts that are too long and implausible dates"
        for name in field_names:
            field = cls._fields.get(name)
            if not isinstance(field, (fields.Char, fields.Text)) or (
                    isinstance(field, fields.Function)):
                continue
            limit = (TEXT_MAX if isinstance(field, fields.Text)
                else CHAR_MAX)
            for complaint in complaints:
                value = getattr(complaint, name)
                if isinstance(value, str) and len(value) > limit:
                    raise InputLimitError(gettext(
                            'klachten_base.msg_text_too_long',
                            field=field.string, max=limit,
                            length=len(value)))
        if not field_names & {'received_date', 'incident_date'}:
            return
        today = cls._today()
        for complaint in complaints:
            received = complaint.received_date
            incident = complaint.incident_date
            if received and not (DATE_MIN <= received <= today):
                raise InputLimitError(gettext(
                        'klachten_base.msg_received_date_range',
                        date=received, min=DATE_MIN, today=today))
            if incident and incident < DATE_MIN:
                raise InputLimitError(gettext(
                        'klachten_base.msg_incident_date_range',
                        date=incident, min=DATE_MIN))
            if incident and received and incident > received:
                raise InputLimitError(gettext(
                        'klachten_base.msg_incident_after_receipt',
                        incident=incident, received=received))

    def check_assignments(self):
        "Refuse a handler or observer that reaches the staff member"
        self.check_assignment(user=self.handler_user,
            department=self.handler_department, role=self.handler_role)
        for observer in self.observers:
            self.check_assignment(user=observer)

    def check_assignment(self, user=None, department=None, role=None):
        """Refuse an assignment that reaches the staff member the complaint
        is about: them by name, or a department role of which they are the
        only (active) member.  In a role with others they are left out of
        every message (see klachten.email.queue)."""
        concerned = self.concerned_user if self.concerns == 'staff' else None
        if not concerned:
            return
        if user:
            if user == concerned:
                raise AssignmentError(gettext(
                        'klachten_base.msg_assignment_concerned',
                        complaint=self.rec_name, user=concerned.rec_name))
            return
        if department and role:
            Member = Pool().get('klachten.department.member')
            with without_check_access():
                members = Member.search([
                        ('department', '=', department.id),
                        ('role', '=', role.id),
                        ('user.active', '=', True),
                        ])
                users = {m.user for m in members}
            if users and users <= {concerned}:
                raise AssignmentError(gettext(
                        'klachten_base.msg_assignment_role_concerned',
                        complaint=self.rec_name, user=concerned.rec_name,
                        role=role.rec_name, department=department.rec_name))

    def concerned_addresses(self):
        """The e-mail addresses (lower case) of the staff member the
        complaint is about: nothing about it is written to them, except
        what goes to them as its complainant"""
        user = self.concerned_user if self.concerns == 'staff' else None
        if not user:
            return set()
        addresses = {user.email} if user.email else set()
        for employee in getattr(user, 'employees', None) or []:
            for mechanism in employee.party.contact_mechanisms:
                if mechanism.type == 'email' and mechanism.value:
                    addresses.add(mechanism.value)
        addresses = {a.strip().lower() for a in addresses}
        own = self.complainant_address_email
        addresses.discard((own or '').strip().lower())
        return addresses

    @property
    def portal_url(self):
        """The complainant's web page of the e-mail being rendered, if any
        (klachten_portal gives one to the feedback e-mail)"""
        return None

    @property
    def complainant_language(self):
        party = self.representative or self.complainant
        if party and party.lang:
            return party.lang.code

    def _post_comment(self, text):
        "Add text to the complaint's conversation as the current user"
        Channel = Pool().get('ir.chat.channel')
        Channel.post(self, text, audience='internal')

    # Terms and tasks: what each step starts and ends
    @classmethod
    def _configuration(cls):
        return Pool().get('klachten.configuration')(1)

    @classmethod
    def _term_end(cls, kind, start):
        country, to_working_day, terms = cls._term_policy()
        if kind not in terms or start is None:
            return None
        number, unit = terms[kind]
        return term_end(start, number, unit, country, to_working_day)

    @classmethod
    def _term_policy(cls):
        """(holiday country, to working day, {kind: (number, unit)}) of
        the configuration (Configuration.policy: read once a process until
        it changes)"""
        policy = Pool().get('klachten.configuration').policy()
        return (policy['holiday_country'], policy['to_working_day'],
            policy['terms'])

    def _answer_term_kind(self):
        "The policy term of the answer (a module may choose a longer one)"
        return 'answer'

    def report_advice(self):
        """The advice given on the complaint, for its report and letters:
        a list of dicts with advisor, question, answer (texts) and date
        (the day it was given); modules that ask advice fill it"""
        return []

    def _handler_assignment(self):
        return {
            'user': self.handler_user,
            'department': self.handler_department,
            'role': self.handler_role if not self.handler_user else None,
            }

    @classmethod
    def _coordinators(cls):
        pool = Pool()
        Group = pool.get('res.group')
        ModelData = pool.get('ir.model.data')
        return Group(ModelData.get_id('klachten_base', 'group_coordinator'))

    @classmethod
    def _open_task(cls, complaints, kind, due=None, note=None, **assignment):
        Task = Pool().get('klachten.task')
        term = Task._kind_terms()[kind]
        for complaint in complaints:
            due_date = due or cls._term_end(term, cls._today())
            Task.open(complaint, kind, due_date=due_date, note=note,
                **(assignment or {'group': cls._coordinators()}))

    @classmethod
    def _close_tasks(cls, complaints, kinds=None, state='done'):
        Pool().get('klachten.task').close(complaints, kinds, state=state)

    @classmethod
    def _on_register(cls, complaints):
        "What follows registering (its terms are written with its number)"
        cls._open_task(complaints, 'evaluate')
        cls._open_observer_tasks(complaints)

    @classmethod
    def _open_observer_tasks(cls, complaints):
        for complaint in complaints:
            if not complaint.observers:
                continue
            noticed = {t.user for t in complaint.tasks
                if t.kind == 'take_notice'}
            for observer in complaint.observers:
                if observer not in noticed:
                    cls._open_task([complaint], 'take_notice', user=observer)

    @classmethod
    def _registration_values(cls, complaint, today):
        """What registering writes on complaint with its number: the day,
        its terms, its state (evaluation) and, when the acknowledgement is
        an e-mail (_notify queues it in the same transaction), the day it
        is acknowledged on (without an e-mail address a letter
        acknowledges it, on the day it is posted)"""
        received = complaint.received_date
        values = {
            'state': 'evaluation',
            'acknowledged_on': (
                today if complaint._acknowledged_by_email() else None),
            'registration_date': today,
            'acknowledgement_due': cls._term_end('acknowledgement', received),
            'report_due': cls._term_end('report', received),
            'answer_due': cls._term_end(
                complaint._answer_term_kind(), received),
            }
        return values

    @classmethod
    def _set_number(cls, complaints, values=None):
        """Number complaints and write on each values (a dict, or a function
        of the complaint that returns one) in the same write"""
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        config = Configuration(1)
        to_write = []
        for complaint in complaints:
            extra = (values(complaint) if callable(values)
                else values) or {}
            if complaint.number:
                if extra:
                    to_write.extend(([complaint], extra))
                continue
            sequence = config.get_multivalue(
                'complaint_sequence', company=complaint.company.id)
            if not sequence:
                raise SequenceMissingError(gettext(
                        'klachten_base.msg_sequence_missing'))
            to_write.extend(([complaint],
                    {'number': sequence.get(), **extra}))
        if to_write:
            with without_check_access():
                cls.write(*to_write)

    @classmethod
    def _check_registrable(cls, complaints):
        for complaint in complaints:
            if not complaint.anonymous and not complaint.complainant:
                raise MissingInputError(gettext(
                        'klachten_base.msg_complaint_complainant_required',
                        complaint=complaint.rec_name))

    # Filing from outside the back office (the portal, e-mail, imports)
    @classmethod
    def file_(cls, channel, values, attachments=(), complainant=None):
        """File and register a complaint received through channel, with
        its attachments, in the current transaction; return it.

        values: the complaint's fields (company is required; received_by
        the staff member who took it, none by default);
        attachments: (name, data, description) of each file;
        complainant: None (anonymous), a new party as a dict (name, lang,
        email, phone, street, postal_code, city) or an existing party with
        such a dict to update it ({'party': party, 'name': ...})."""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        values = dict(values)
        company = getattr(values['company'], 'id', values['company'])
        with Transaction().set_context(company=company):
            party = None
            if complainant is not None and not values.get('anonymous'):
                party = cls._filing_party(complainant)
            values.setdefault('received_by', None)
            complaint = cls(channel=channel, complainant=party, **values)
            complaint.save()
            Attachment.create([{
                        'resource': str(complaint),
                        'name': name,
                        'type': 'data',
                        'data': data,
                        'description': description,
                        } for name, data, description in attachments])
            cls.register([complaint])
        return complaint

    @classmethod
    def _filing_party(cls, complainant):
        "The party of a filed complaint, created or brought up to date"
        complainant = dict(complainant)
        party = complainant.pop('party', None)
        if party is None:
            return cls._filing_new_party(complainant)
        return cls._filing_update_party(party, complainant)

    @classmethod
    def _filing_new_party(cls, values):
        Party = Pool().get('party.party')
        # the language as given (None if unknown), not the default one
        values = {**values, 'lang': values.get('lang')}
        if not (values.get('street') or values.get('city')):
            # no address for a postal code alone, as before
            values['postal_code'] = None
        # its rows in a few INSERTs, checked as Party.create checks them
        party_id, = Party.klachten_insert_complainants(
            Transaction().context.get('company'), [values])
        return Party(party_id)

    @classmethod
    def _filing_update_party(cls, party, values):
        """party with the name, phone and address of values (its e-mail
        address stays)"""
        pool = Pool()
        Party = pool.get('party.party')
        Mechanism = pool.get('party.contact_mechanism')
        Address = pool.get('party.address')
        party = Party(int(party))
        if values.get('name') and values['name'] != party.name:
            Party.write([party], {'name': values['name']})
        if values.get('phone') and values['phone'] != party.phone:
            phones = [m for m in party.contact_mechanisms if m.type == 'phone']
            if phones:
                Mechanism.write(phones[:1], {'value': values['phone']})
            else:
                Mechanism.create([{'party': party.id, 'type': 'phone',
                            'value': values['phone']}])
        address = {k: values.get(k) or None
            for k in ['street', 'postal_code', 'city']}
        if any(address.values()):
            if party.addresses:
                first = party.addresses[0]
                if any(getattr(first, k) != v for k, v in address.items()):
                    Address.write([first], address)
            else:
                Address.create([{'party': party.id, **address}])
        return Party(party.id)

    # Transitions
    @classmethod
    @ModelView.button
    def register(cls, complaints):
        cls._check_state(complaints, {'draft'}, 'register')
        cls._check_registrable(complaints)
        today = cls._today()
        # one write: the number, the day, the terms, the state and,
        # when an e-mail acknowledges it, the acknowledgement's day (a
        # write is some five queries and a validation of the record)
        cls._set_number(complaints,
            lambda c: cls._registration_values(c, today))
        # the transition from draft to evaluation, written above
        cls.log(complaints, 'transition', 'state:evaluation')
        cls._on_register(complaints)
        cls._notify(complaints, 'acknowledgement')

    @classmethod
    @ModelView.button_action('klachten_base.wizard_resolve')
    def resolve_wizard(cls, complaints):
        cls._check_state(complaints, {'draft'}, 'resolve')

    @classmethod
    def resolve(cls, complaints, resolution):
        "Close an informal complaint that was solved on the spot"
        cls._check_state(complaints, {'draft'}, 'resolve')
        cls._require(complaints, resolution, 'resolution')
        cls._check_registrable(complaints)
        cls._set_number(complaints)
        today = cls._today()
        cls._write_workflow(complaints, {
                'resolution': resolution,
                'registration_date': today,
                'decision_date': today,
                'track': 'informal',
                })
        cls.close(complaints)

    @classmethod
    @ModelView.button_action('klachten_base.wizard_request_information')
    def request_information_wizard(cls, complaints):
        cls._check_state(complaints, INFORMATION_STATES,
            'request_information')

    @classmethod
    def request_information(cls, complaints, question, recipient='complainant',
            name=None, email=None, due_date=None, street=None,
            postal_code=None, city=None):
        pool = Pool()
        Request = pool.get('klachten.information.request')
        cls._check_state(complaints, INFORMATION_STATES,
            'request_information')
        cls._require(complaints, question, 'question')
        if recipient == 'third_party':
            cls._require(complaints, name, 'recipient_name')
            if not email and not all(
                    (v or '').strip() for v in [street, postal_code, city]):
                raise MissingInputError(gettext(
                        'klachten_base.msg_information_third_address'))
        else:
            street = postal_code = city = None
        if due_date and due_date < cls._today():
            raise MissingInputError(gettext(
                    'klachten_base.msg_information_due_past',
                    due_date=Pool().get('ir.lang').get().strftime(due_date)))
        due_date = due_date or cls._term_end('information', cls._today())
        requests = [Request(
                complaint=c, question=question, recipient=recipient,
                name=name, email=email, due_date=due_date, street=street,
                postal_code=postal_code, city=city)
            for c in complaints]
        with without_check_access():
            Request.save(requests)
        for complaint, request in zip(complaints, requests):
            cls._open_task([complaint], 'information', due=request.due_date,
                note=question)
        cls._information_requested(requests)
        return requests

    @classmethod
    def _information_requested(cls, requests):
        """Send each new information request and record how on its
        delivery: by e-mail, or not sent when there is no address (a
        module that prints letters extends this for those)"""
        Notification = Pool().get('klachten.notification')
        sent, not_sent = [], []
        for request in requests:
            complaint = request.complaint
            if request.recipient == 'complainant':
                if complaint.complainant_address_email:
                    cls._notify([complaint], 'information', request.question,
                        [request])
                    sent.append(request)
                else:
                    not_sent.append(request)
            elif request.email:
                Notification.queue('information', request, [request.email],
                    complaint=complaint)
                sent.append(request)
            else:
                not_sent.append(request)
        Request = Pool().get('klachten.information.request')
        with without_check_access():
            for records, delivery in [(sent, 'email'), (not_sent, 'not_sent')]:
                if records:
                    Request.write(records, {'delivery': delivery})

    @classmethod
    def _end_information(cls, complaints):
        """The complaint moved on: close its unanswered information requests
        and their tasks"""
        Request = Pool().get('klachten.information.request')
        requests = [r for c in complaints for r in c.information_requests
            if r.state == 'requested']
        if requests:
            with without_check_access():
                Request.lapse(requests)

    @classmethod
    @ModelView.button_action('klachten_base.wizard_admissible')
    def admissible_wizard(cls, complaints):
        cls._check_state(complaints, {'evaluation'}, 'admissible')

    @classmethod
    def declare_admissible(cls, complaints, handler_department,
            handler_role, handler_user=None, subject=None, basis=None,
            concerns=None, concerned_department=None, concerned_user=None,
            inform=False, note=None):
        cls._check_state(complaints, {'evaluation'}, 'admissible')
        cls._require(complaints, handler_department, 'handler_department')
        cls._require(complaints, handler_role, 'handler_role')
        cls._check_admissible_input(complaints, subject=subject,
            basis=basis, concerns=concerns,
            concerned_department=concerned_department)
        if concerns == 'staff':
            cls._require(complaints, concerned_user, 'concerned_user')
        if handler_user and concerned_user and handler_user == concerned_user:
            raise MissingInputError(gettext(
                    'klachten_base.msg_handler_is_concerned'))
        values = {
            'admissibility': 'admissible',
            'admissibility_date': cls._today(),
            'admissibility_motivation': None,
            'admissible_note': note,
            'inadmissibility_grounds': [('remove', [
                        g.id for c in complaints
                        for g in c.inadmissibility_grounds])],
            'handler_department': _id(handler_department),
            'handler_role': _id(handler_role),
            'handler_user': _id(handler_user),
            'concerns': concerns,
            'concerned_department': _id(concerned_department),
            'concerned_user': (
                _id(concerned_user) if concerns == 'staff' else None),
            }
        if subject:
            values['subject'] = _id(subject)
        if basis:
            values['basis'] = basis
        cls._write_workflow(complaints, values)
        cls.investigate(complaints)
        cls._close_tasks(complaints, ['evaluate'])
        for complaint in complaints:
            cls._open_task([complaint], 'investigate',
                due=complaint.report_due,
                note=complaint.send_back_remarks,
                **complaint._handler_assignment())
        if inform:
            cls._notify(complaints, 'admissible', note)

    @classmethod
    def _check_admissible_input(cls, complaints, subject, basis, concerns,
            concerned_department):
        """Refuse an admissible decision without what the procedure asks:
        what it is about, whether it concerns a department or a staff
        member and which department, and the basis of a formal complaint
        (unless the configuration does not ask for it)"""
        Configuration = Pool().get('klachten.configuration')
        cls._require(complaints, subject, 'subject')
        cls._require(complaints, concerns, 'concerns')
        if concerns == 'department':
            cls._require(complaints, concerned_department,
                'concerned_department')
        formal = [c for c in complaints if c.track == 'formal']
        if formal and Configuration(1).require_basis:
            cls._require(formal, basis, 'basis')

    @classmethod
    @Workflow.transition('investigation')
    def investigate(cls, complaints):
        cls._end_information(complaints)

    @classmethod
    @ModelView.button_action('klachten_base.wizard_inadmissible')
    def inadmissible_wizard(cls, complaints):
        cls._check_state(complaints, {'evaluation'}, 'inadmissible')

    @classmethod
    def declare_inadmissible(cls, complaints, grounds, motivation,
            inform=False, request_feedback=False):
        cls._check_state(complaints, {'evaluation'}, 'inadmissible')
        cls._require(complaints, grounds, 'grounds')
        cls._require(complaints, motivation, 'motivation')
        today = cls._today()
        cls._write_workflow(complaints, {
                'admissibility': 'inadmissible',
                'admissibility_date': today,
                'decision_date': today,
                'inadmissibility_grounds': [
                    ('remove', [g.id for c in complaints
                            for g in c.inadmissibility_grounds]),
                    ('add', [_id(g) for g in grounds])],
                'admissibility_motivation': motivation,
                'admissible_note': None,
                })
        cls._close_tasks(complaints, ['evaluate'])
        if inform:
            cls._notify(complaints, 'inadmissible', motivation)
        cls._decide(complaints, request_feedback)

    @classmethod
    @ModelView.button_action('klachten_base.wizard_send_back')
    def send_back_wizard(cls, complaints):
        cls._check_state(complaints, {'investigation'}, 'send_back')

    @classmethod
    def send_back(cls, complaints, remarks):
        "The handler returns the complaint to the coordinator"
        cls._check_state(complaints, {'investigation'}, 'send_back')
        cls._require(complaints, remarks, 'remarks')
        cls._write_workflow(complaints, {
                'send_back_remarks': remarks,
                **cls._admissibility_reset(complaints),
                })
        cls.evaluate(complaints)
        cls._close_tasks(complaints, ['investigate', 'redo'])
        cls._open_task(complaints, 'evaluate', note=remarks)

    @classmethod
    def _admissibility_reset(cls, complaints):
        """The values that clear an earlier admissibility decision, so that
        the next one starts clean"""
        return {
            'admissibility': None,
            'admissibility_date': None,
            'admissibility_motivation': None,
            'admissible_note': None,
            'inadmissibility_grounds': [('remove', [
                        g.id for c in complaints
                        for g in c.inadmissibility_grounds])],
            }

    @classmethod
    @Workflow.transition('evaluation')
    def evaluate(cls, complaints):
        pass

    @classmethod
    @ModelView.button
    def finalise_report(cls, complaints):
        cls._check_state(complaints, {'investigation'}, 'finalise_report')
        for complaint in complaints:
            complaint._check_report()
        cls._write_workflow(complaints, {'report_date': cls._today()})
        cls.to_conclusion(complaints)
        cls._close_tasks(complaints, ['investigate', 'redo'])
        for complaint in complaints:
            cls._open_task([complaint], 'conclude', due=complaint.answer_due)

    @classmethod
    @Workflow.transition('conclusion')
    def to_conclusion(cls, complaints):
        pass

    def _check_report(self):
        Configuration = Pool().get('klachten.configuration')
        self._require([self], self.outcome, 'outcome')
        if (Configuration(1).draft_reply_required and not self.anonymous):
            self._require([self], self.draft_reply, 'draft_reply')
        if self.outcome in SOLUTION_OUTCOMES:
            self._require([self], self.solution, 'solution')
        if self.outcome == 'no_judgement':
            self._require([self], self.no_judgement_reason,
                'no_judgement_reason')

    @classmethod
    @ModelView.button_action('klachten_base.wizard_not_neutral')
    def not_neutral_wizard(cls, complaints):
        cls._check_state(complaints, {'conclusion'}, 'not_neutral')

    @classmethod
    def not_neutral(cls, complaints, reason):
        "The coordinator finds the handler was not neutral: redo"
        cls._check_state(complaints, {'conclusion'}, 'not_neutral')
        cls._require(complaints, reason, 'reason')
        redo_due = cls._term_end('redo', cls._today())
        cls._write_workflow(complaints, {
                'not_neutral_reason': reason,
                'report_date': None,
                'report_due': redo_due,
                })
        cls.investigate(complaints)
        cls._close_tasks(complaints, ['conclude'])
        for complaint in complaints:
            cls._open_task([complaint], 'redo', due=redo_due, note=reason,
                **complaint._handler_assignment())

    @classmethod
    @ModelView.button_action('klachten_base.wizard_conclude')
    def conclude_wizard(cls, complaints):
        cls._check_state(complaints, {'conclusion'}, 'conclude')

    @classmethod
    def conclude(cls, complaints, conclusion, inform=True, reply=None,
            request_feedback=False):
        cls._check_state(complaints, {'conclusion'}, 'conclude')
        cls._require(complaints, conclusion, 'conclusion')
        if inform:
            cls._require(complaints, reply, 'reply')
        cls._write_workflow(complaints, {
                'conclusion': conclusion,
                'reply': reply,
                'decision_date': cls._today(),
                })
        cls._close_tasks(complaints, ['conclude'])
        if inform:
            cls._notify(complaints, 'conclusion', reply)
        cls._decide(complaints, request_feedback)

    @classmethod
    @Workflow.transition('feedback')
    def wait_feedback(cls, complaints):
        cls._end_information(complaints)
        feedback_due = cls._term_end('feedback', cls._today())
        cls._write_workflow(complaints, {'feedback_due': feedback_due})
        cls._open_task(complaints, 'feedback', due=feedback_due)
        cls._notify(complaints, 'feedback')

    @classmethod
    @ModelView.button
    def agree(cls, complaints):
        "Record that the complainant agrees with the decision"
        cls._check_state(complaints, {'feedback'}, 'agree')
        cls._write_workflow(complaints, {
                'feedback': 'agree',
                'feedback_date': cls._today(),
                })
        cls.close(complaints)

    @classmethod
    @ModelView.button_action('klachten_base.wizard_disagree')
    def disagree_wizard(cls, complaints):
        cls._check_state(complaints, {'feedback'}, 'disagree')

    @classmethod
    def disagree(cls, complaints, comment):
        "The complainant disagrees: back to the evaluation phase"
        cls._check_state(complaints, {'feedback'}, 'disagree')
        cls._require(complaints, comment, 'comment')
        cls._write_workflow(complaints, {
                'feedback': 'disagree',
                'feedback_comment': comment,
                'feedback_date': cls._today(),
                **cls._admissibility_reset(complaints),
                'decision_date': None,
                'feedback_due': None,
                })
        cls.evaluate(complaints)
        cls._close_tasks(complaints, ['feedback'])
        cls._open_task(complaints, 'evaluate', note=comment)

    @classmethod
    @Workflow.transition('closed')
    def close(cls, complaints):
        cls._end_information(complaints)
        cls._write_workflow(complaints, {'closing_date': cls._today()})
        cls._close_tasks(complaints, ['feedback'])
        cls._close_tasks(complaints, state='cancelled')

    @classmethod
    @ModelView.button_action('klachten_base.wizard_cancel')
    def cancel_wizard(cls, complaints):
        cls._check_state(complaints, OPEN_STATES, 'cancel')

    @classmethod
    def cancel(cls, complaints, reason, inform=False):
        cls._check_state(complaints, OPEN_STATES, 'cancel')
        cls._require(complaints, reason, 'cancel_reason')
        cls._write_workflow(complaints, {
                'cancel_reason': reason,
                'closing_date': cls._today(),
                })
        cls.mark_cancelled(complaints)
        if inform:
            cls._notify(complaints, 'cancel', reason)

    @classmethod
    @Workflow.transition('cancelled')
    def mark_cancelled(cls, complaints):
        cls._end_information(complaints)
        cls._close_tasks(complaints, state='cancelled')

    @classmethod
    @ModelView.button_action('klachten_base.wizard_extend')
    def extend_wizard(cls, complaints):
        cls._check_state(complaints,
            {'evaluation', 'investigation', 'conclusion'}, 'extend')

    @classmethod
    def extend(cls, complaints, reason, consent=None, inform=True):
        """Extend the answer term once with a motivation; further only with
        the complainant's recorded consent (Awb 9:11)."""
        cls._check_state(complaints,
            {'evaluation', 'investigation', 'conclusion'}, 'extend')
        cls._require(complaints, reason, 'extension_reason')
        for complaint in complaints:
            if complaint.extension_count:
                cls._require([complaint], consent, 'extension_consent')
            answer_due = cls._term_end('extension', complaint.answer_due)
            cls._write_workflow([complaint], {
                    'answer_due': answer_due,
                    'extension_count': (complaint.extension_count or 0) + 1,
                    'extension_reason': reason,
                    'extension_consent': consent,
                    })
            Task = Pool().get('klachten.task')
            with without_check_access():
                Task.write([t for t in complaint.tasks
                        if t.state == 'open' and t.kind == 'conclude'], {
                        'due_date': answer_due,
                        'reminded_at': None,
                        'escalated_at': None,
                        })
        if inform:
            cls._notify(complaints, 'extension', reason)

    @classmethod
    def close_expired_feedback(cls):
        "Cron: close the complaints whose feedback term passed in silence"
        today = cls._today()
        with without_check_access():
            take_write_lock(cls)
            complaints = cls.search([
                    ('state', '=', 'feedback'),
                    ('feedback_due', '<', today),
                    ])
            if complaints:
                # hold them until the commit (a no-op conditional UPDATE,
                # as the reminders are claimed, not a lock() that restarts
                # the cron's transaction) and keep those still awaiting
                # feedback: another cron may have closed them meanwhile
                complaints = cls.browse(claim(cls, complaints,
                        lambda table: {'state': table.state},
                        lambda table: table.state == 'feedback'))
                cls.close(complaints)
        return complaints

    # Deadlines shown in lists: a page of rows at once
    @classmethod
    def get_deadline(cls, complaints, names):
        today = cls._today()
        result = {n: {} for n in names}
        for complaint in complaints:
            due = (complaint.answer_due
                if complaint.state in OPEN_STATES else None)
            if 'days_left' in result:
                result['days_left'][complaint.id] = (
                    (due - today).days if due else None)
            if 'overdue' in result:
                result['overdue'][complaint.id] = bool(due and due < today)
        return result

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        domain = [
            ('state', 'in', OPEN_STATES),
            ('answer_due', '<', cls._today()),
            ]
        if (operator == '=') != bool(value):
            domain = [('id', 'not in', cls.search(domain, query=True))]
        return domain

    def get_within_term(self, name):
        if self.decision_date and self.answer_due:
            return self.decision_date <= self.answer_due

    def get_coordinator_contact(self, name):
        return Pool().get('klachten.configuration').policy()[
            'coordinator_contact']


def _visible_in(*states):
    return {
        'invisible': ~Eval('state').in_(list(states)),
        'depends': ['state'],
        }


def _id(value):
    "The id of a record or of an id"
    return getattr(value, 'id', value)


class ComplaintContext(ModelView):
    __name__ = 'klachten.complaint.context'
    __string__ = "Complaint Context"

    department = fields.Many2One(
        'klachten.department', "Department",
        help="Show only the complaints handled by or about this department.")


class ComplaintObserver(ModelSQL):
    __name__ = 'klachten.complaint-res.user.observer'
    __string__ = "Complaint Observer"

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('complaint')


class ComplaintInadmissibilityGround(ModelSQL):
    __name__ = 'klachten.complaint-klachten.inadmissibility_ground'
    __string__ = "Complaint Inadmissibility Ground"

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True, ondelete='CASCADE')
    ground = fields.Many2One(
        'klachten.inadmissibility_ground', "Ground", required=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('complaint')


class ComplaintRemedy(ModelSQL):
    __name__ = 'klachten.complaint-klachten.remedy'
    __string__ = "Complaint Remedy"

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True, ondelete='CASCADE')
    remedy = fields.Many2One(
        'klachten.remedy', "Remedy", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('complaint')


class ComplaintRelation(ModelSQL):
    __name__ = 'klachten.complaint.relation'
    __string__ = "Complaint Relation"

    from_ = fields.Many2One(
        'klachten.complaint', "From", required=True, ondelete='CASCADE')
    to = fields.Many2One(
        'klachten.complaint', "To", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('from_')


class InformationRequest(PermittedButtonsMixin, ReadonlyGuardMixin, Workflow,
        ModelSQL, ModelView):
    __name__ = 'klachten.information.request'
    __string__ = "Information Request"

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True, ondelete='CASCADE',
        readonly=True)
    recipient = fields.Selection([
            ('complainant', "The Complainant"),
            ('third_party', "A Third Party"),
            ], "Recipient", required=True, readonly=True)
    name = fields.Char("Name", readonly=True)
    email = fields.Char("E-mail", readonly=True)
    street = fields.Char("Street", readonly=True)
    postal_code = fields.Char("Postal Code", readonly=True)
    city = fields.Char("City", readonly=True)
    question = fields.Text("Question", required=True, readonly=True)
    due_date = fields.Date("Due Date", readonly=True)
    answer = fields.Text(
        "Answer", states={'readonly': Eval('state') != 'requested'})
    answer_date = fields.Date("Answered On", readonly=True)
    delivery = fields.Selection([
            (None, ""),
            ('email', "By E-mail"),
            ('not_sent', "Not Sent: No E-mail Address"),
            ], "Delivery", readonly=True,
        help="How the request reached its recipient.")
    state = fields.Selection([
            ('requested', "Requested"),
            ('answered', "Answered"),
            ('cancelled', "Cancelled"),
            ('lapsed', "Lapsed"),
            ], "State", readonly=True, required=True, sort=False,
        help="Lapsed: the complaint moved on before an answer came.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('complaint')
        cls._order.insert(0, ('create_date', 'DESC'))
        cls._transitions |= {
            ('requested', 'answered'),
            ('requested', 'cancelled'),
            ('requested', 'lapsed'),
            }
        cls._buttons.update({
                'record_answer': _visible_in('requested'),
                'cancel': _visible_in('requested'),
                })

    @staticmethod
    def default_state():
        return 'requested'

    @staticmethod
    def default_recipient():
        return 'complainant'

    def get_rec_name(self, name):
        return f'{self.complaint.rec_name}: {self.question[:40]}'

    @property
    def postal_address(self):
        "The third party's address as a letter carries it"
        place = ' '.join(filter(None, [self.postal_code, self.city]))
        return '\n'.join(filter(None, [self.street, place]))

    @property
    def portal_url(self):
        """The web page to answer on, in the e-mail being rendered, if any
        (klachten_portal gives it)"""
        return None

    @classmethod
    def _check_open(cls, requests):
        for request in requests:
            if request.state != 'requested':
                raise WorkflowError(gettext(
                        'klachten_base.msg_information_request_closed',
                        request=request.rec_name))

    @classmethod
    @ModelView.button
    def record_answer(cls, requests):
        cls._check_open(requests)
        for request in requests:
            request.complaint._require(
                [request.complaint], request.answer, 'answer')
        with without_check_access():
            cls.write(requests, {'answer_date': Pool().get(
                            'ir.date').today()})
        cls.answered(requests)

    @classmethod
    @Workflow.transition('answered')
    def answered(cls, requests):
        cls._close_tasks(requests)

    @classmethod
    def _close_tasks(cls, requests, state='done'):
        "Close the information task each request opened"
        Task = Pool().get('klachten.task')
        for request in requests:
            tasks = [t for t in request.complaint.tasks
                if t.kind == 'information' and t.state == 'open']
            # one task is opened per request, with its question as note
            same = [t for t in tasks if t.note == request.question]
            with without_check_access():
                if state == 'done':
                    Task._mark_done((same or tasks)[:1])
                else:
                    Task.cancel((same or tasks)[:1])

    @classmethod
    @ModelView.button
    def cancel(cls, requests):
        cls._check_open(requests)
        cls.cancelled(requests)

    @classmethod
    @Workflow.transition('cancelled')
    def cancelled(cls, requests):
        cls._close_tasks(requests, state='cancelled')

    @classmethod
    @Workflow.transition('lapsed')
    def lapse(cls, requests):
        cls._close_tasks(requests, state='cancelled')
