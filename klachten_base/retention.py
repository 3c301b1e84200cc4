# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A complaint's lawful end of life: retention rules, the anonymiser and its
hooks, legal hold, erasure requests and the retention log."""
import datetime as dt
import json
import logging
from itertools import groupby

from dateutil.relativedelta import relativedelta
from sql import Column, Null
from sql.conditionals import Case
from sql.functions import CurrentTimestamp

from trytond.exceptions import UserError
from trytond.filestore import filestore
from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.model.exceptions import AccessError, ValidationError
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .complaint import STATES

logger = logging.getLogger(__name__)

# What replaces a text, a name or a required address that is cut
REDACTED = "[removed]"
# Complaints cut in one transaction by the cron
BATCH = 100
# The shortest period of a rule, in months
MINIMUM_MONTHS = 12

RULE_STATES = [
    ('closed', "Closed"),
    ('cancelled', "Cancelled"),
    ('inadmissible', "Closed as Inadmissible"),
    ('informal', "Resolved Informally or on the Spot"),
    ]
ACTIONS = [
    ('anonymise', "Anonymise"),
    ('delete', "Delete"),
    ]
FINAL_STATES = {'closed', 'cancelled'}

# preset: [(state, years, months, action)]
PRESETS = {
    'flanders': [
        ('closed', 5, 0, 'anonymise'),
        ('inadmissible', 5, 0, 'anonymise'),
        ('cancelled', 1, 0, 'anonymise'),
        ('informal', 1, 0, 'anonymise'),
        ],
    'netherlands': [
        ('closed', 5, 0, 'anonymise'),
        ('inadmissible', 5, 0, 'anonymise'),
        ('cancelled', 1, 0, 'anonymise'),
        ('informal', 5, 0, 'anonymise'),
        ],
    }


class RetentionError(UserError):
    "A complaint cannot be cut now (legal hold, still open, within a term)"


def purge_history(Model, ids):
    "Delete the rows of Model's history table for the records ids"
    if not getattr(Model, '_history', False) or not ids:
        return
    history = Model.__table_history__()
    cursor = Transaction().connection.cursor()
    ids = list(ids)
    for i in range(0, len(ids), 500):
        cursor.execute(*history.delete(
                where=history.id.in_(ids[i:i + 500])))


def cut(Model, ids, values):
    """Overwrite, below the ORM (no validation, no history), the columns of
    values ({name: value}) of the records ids of Model; a text column that
    is empty stays empty"""
    ids = list(ids)
    if not ids or not values:
        return
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    columns, sql_values = [], []
    for name, value in values.items():
        column = Column(table, name)
        columns.append(column)
        if value == REDACTED:
            value = Case((column == Null, Null), else_=REDACTED)
        sql_values.append(value)
    columns.append(table.write_date)
    sql_values.append(CurrentTimestamp())
    for sub_ids in grouped_slice(ids, 500):
        cursor.execute(*table.update(columns, sql_values,
                where=table.id.in_(list(sub_ids))))


def references(records):
    "The references 'model,id' of records"
    return [str(r) for r in records]


def resources_of(Resource, refs):
    "The records of Resource (ir.attachment, ir.note, ...) on refs"
    if not refs:
        return []
    with without_check_access(), Transaction().set_context(
            active_test=False):
        return Resource.search([('resource', 'in', list(refs))])


def delete_files(Model, records, field='data'):
    """Delete records of Model (e.g. ir.attachment) and, once the
    transaction is committed, their field's files in the file store (not
    at once: a rollback keeps them)"""
    if not records:
        return
    binary = Model._fields[field]
    file_ids = [getattr(r, binary.file_id) for r in records] if (
        binary.file_id) else []
    file_ids = [i for i in file_ids if i]
    with without_check_access():
        Model.delete(records)
    file_ids = set(file_ids) - shared_files(Model, binary.file_id, file_ids)
    if not file_ids:
        return
    transaction = Transaction()
    prefix = binary.store_prefix
    if prefix is None:
        prefix = transaction.database.name
    remover = transaction.join(_FileRemover())
    remover.files.extend((i, prefix) for i in file_ids)


def shared_files(Model, column, file_ids):
    """The file_ids that a record of Model still uses in column (a copied
    record keeps the file of the original)"""
    table = Model.__table__()
    cursor = Transaction().connection.cursor()
    used = set()
    for sub_ids in grouped_slice(list(file_ids), 500):
        cursor.execute(*table.select(Column(table, column),
                where=Column(table, column).in_(list(sub_ids)),
                group_by=[Column(table, column)]))
        used.update(r for r, in cursor)
    return used


class _FileRemover:
    "Delete files from the file store once the transaction is committed"

    def __init__(self):
        self.files = []

    def __eq__(self, other):
        return isinstance(other, _FileRemover)

    def abort(self, transaction):
        self.files.clear()

    def tpc_begin(self, transaction):
        pass

    def commit(self, transaction):
        pass

    def tpc_vote(self, transaction):
        pass

    def tpc_finish(self, transaction):
        for file_id, prefix in self.files:
            filestore.delete(file_id, prefix=prefix)
        self.files.clear()

    def tpc_abort(self, transaction):
        self.files.clear()


def referenced_parties(parties, exclude):
    """The ids of parties to which a record of the database other than
    their own parts (a Many2One with ondelete CASCADE: addresses, contact
    mechanisms, ...) refers; exclude: {model name: ids} not to count.
    A party merged into another (replaced_by) is no use of the other."""
    pool = Pool()
    ids = [p.id for p in parties]
    used = set()
    cursor = Transaction().connection.cursor()
    for name, Model in pool.iterobject():
        if (not issubclass(Model, ModelSQL) or Model._is_table_query()):
            continue
        table = Model.__table__()
        for fname, field in Model._fields.items():
            if (field._type != 'many2one'
                    or field.model_name != 'party.party'
                    or getattr(field, 'sql_type', None) is None
                    or isinstance(field, fields.Function)
                    or field.ondelete == 'CASCADE'
                    or (name, fname) == ('party.party', 'replaced_by')):
                continue
            column = Column(table, fname)
            excluded = exclude.get(name, [])
            for sub_ids in grouped_slice(ids, 500):
                where = column.in_(list(sub_ids))
                if excluded:
                    where &= ~table.id.in_(list(excluded))
                cursor.execute(*table.select(column, where=where,
                        group_by=[column]))
                used.update(r for r, in cursor)
    return used


class RetentionRule(ModelSQL, ModelView):
    __name__ = 'klachten.retention.rule'
    __string__ = "Retention Rule"

    company = fields.Many2One('company.company', "Company", required=True,
        ondelete='CASCADE')
    state = fields.Selection(RULE_STATES, "Final State", required=True,
        sort=False)
    state_string = state.translated('state')
    years = fields.Integer("Years", required=True,
        domain=[('years', '>=', 0)])
    months = fields.Integer("Months", required=True,
        domain=[('months', '>=', 0)])
    action = fields.Selection(ACTIONS, "Action", required=True, sort=False,
        help="Anonymise keeps the complaint's statistical skeleton, so "
        "the yearly reports keep their figures. Delete removes the "
        "complaint: it then no longer counts in any yearly report, also "
        "of past years.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_state_unique', Unique(t, t.company, t.state),
                'klachten_base.msg_retention_rule_unique'),
            ]
        cls._order.insert(0, ('state', 'ASC'))

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_years():
        return 5

    @staticmethod
    def default_months():
        return 0

    @staticmethod
    def default_action():
        return 'anonymise'

    def get_rec_name(self, name):
        return '%s (%s)' % (self.state_string, self.company.rec_name)

    @classmethod
    def validate_fields(cls, rules, field_names):
        super().validate_fields(rules, field_names)
        if field_names & {'years', 'months'}:
            for rule in rules:
                if ((rule.years or 0) * 12 + (rule.months or 0)
                        < MINIMUM_MONTHS):
                    raise ValidationError(gettext(
                            'klachten_base.msg_retention_rule_minimum',
                            rule=rule.rec_name))

    def cut_off(self, today):
        "The last closing date of the complaints this rule cuts on today"
        return today - relativedelta(
            years=self.years or 0, months=self.months or 0)


class RetentionLog(ModelSQL, ModelView):
    __name__ = 'klachten.retention.log'
    __string__ = "Retention Log"

    date = fields.Timestamp("Date", readonly=True)
    complaint_number = fields.Char("Complaint Number", readonly=True)
    complaint_state = fields.Selection(
        STATES, "Complaint State", readonly=True)
    action = fields.Selection([
            ('anonymise', "Anonymised"),
            ('delete', "Deleted"),
            ('erasure', "Erased on Request"),
            ('failed', "Failed"),
            ], "Action", readonly=True)
    error = fields.Char("Error", readonly=True,
        states={
            'invisible': Eval('action') != 'failed',
            },
        help="The kind of error that kept the complaint from being cut; "
        "the next run tries again.")
    rule = fields.Many2One('klachten.retention.rule', "Rule", readonly=True,
        ondelete='SET NULL')
    origin = fields.Selection([
            ('cron', "Retention Run"),
            ('request', "Request"),
            ], "Origin", readonly=True)
    user = fields.Many2One('res.user', "Requested By", readonly=True,
        ondelete='SET NULL')
    company = fields.Many2One('company.company', "Company", readonly=True,
        ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order.insert(0, ('date', 'DESC'))

    @classmethod
    def add(cls, complaints, action, rule=None, origin='cron', error=None):
        "Record the cut of complaints, as root"
        user = Transaction().user if origin == 'request' else None
        now = dt.datetime.now()
        with without_check_access():
            cls.create([{
                        'date': now,
                        'complaint_number': c.number,
                        'complaint_state': c.state,
                        'action': action,
                        'rule': rule.id if rule else None,
                        'origin': origin,
                        'user': user or None,
                        'company': c.company.id,
                        'error': error,
                        } for c in complaints])


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    legal_hold = fields.Boolean("Legal Hold", readonly=True,
        help="Under an ombudsman or court procedure: retention and "
        "erasure skip the complaint until the hold is released.")
    legal_hold_reason = fields.Char("Legal Hold Reason", readonly=True,
        states={
            'invisible': ~Eval('legal_hold'),
            'required': Bool(Eval('legal_hold')),
            })
    anonymised = fields.Date("Anonymised On", readonly=True,
        help="When retention or an erasure request removed its personal "
        "data.")

    # The texts of the complaint that may carry personal data
    _retention_texts = [
        'short_description', 'description', 'remedy_sought', 'resolution',
        'admissibility_motivation', 'admissible_note', 'report',
        'outcome_motivation', 'draft_reply', 'solution', 'send_back_remarks',
        'not_neutral_reason', 'conclusion',
        'reply', 'feedback_comment', 'cancel_reason', 'extension_reason',
        'extension_consent', 'legal_hold_reason',
        'hearing_report', 'hearing_motivation',
        ]

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._buttons.update({
                'legal_hold_wizard': {
                    'invisible': Bool(Eval('legal_hold')),
                    'depends': ['legal_hold'],
                    },
                'release_legal_hold': {
                    'invisible': ~Eval('legal_hold'),
                    'depends': ['legal_hold'],
                    },
                })

    @staticmethod
    def default_legal_hold():
        return False

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        for name in ['legal_hold', 'legal_hold_reason', 'anonymised']:
            default.setdefault(name, None)
        return super().copy(complaints, default=default)

    @classmethod
    @ModelView.button_action('klachten_base.wizard_legal_hold')
    def legal_hold_wizard(cls, complaints):
        pass

    @classmethod
    def place_legal_hold(cls, complaints, reason):
        "Put the complaints under legal hold for reason"
        if not (reason or '').strip():
            raise RetentionError(gettext(
                    'klachten_base.msg_legal_hold_reason_required'))
        with without_check_access():
            cls.write(complaints, {
                    'legal_hold': True,
                    'legal_hold_reason': reason.strip(),
                    })

    @classmethod
    def _check_button_groups(cls, button):
        "Refuse a user outside the groups of button"
        pool = Pool()
        Button = pool.get('ir.model.button')
        User = pool.get('res.user')
        if not Transaction().user:
            return
        groups = Button.get_groups(cls.__name__, button)
        if groups and not groups & set(User.get_groups()):
            raise AccessError(gettext(
                    'klachten_base.msg_legal_hold_coordinator'))

    @classmethod
    @ModelView.button
    def release_legal_hold(cls, complaints):
        with without_check_access():
            cls.write(complaints, {
                    'legal_hold': False,
                    'legal_hold_reason': None,
                    })

    def retention_refusal(self):
        "Why the complaint's personal data may not be removed now, or None"
        today = Pool().get('ir.date').today()
        if self.legal_hold:
            return gettext('klachten_base.msg_retention_legal_hold',
                complaint=self.rec_name,
                reason=self.legal_hold_reason or '')
        if self.state not in FINAL_STATES:
            return gettext('klachten_base.msg_retention_open',
                complaint=self.rec_name)
        if (self.decision_date and self.state == 'closed'
                and self._term_end('feedback', self.decision_date) >= today):
            return gettext('klachten_base.msg_retention_term',
                complaint=self.rec_name,
                date=self._term_end('feedback', self.decision_date))

    @classmethod
    def _check_cuttable(cls, complaints, terms=False):
        for complaint in complaints:
            refusal = complaint.retention_refusal()
            if refusal and (terms or complaint.legal_hold
                    or complaint.state not in FINAL_STATES):
                raise RetentionError(refusal)

    @classmethod
    def anonymise(cls, complaints, rule=None, origin='cron',
            action='anonymise'):
        "Cut the personal data of closed complaints, keep the skeleton"
        cls._check_cuttable(complaints, terms=origin == 'request')
        complaints = [c for c in complaints if not c.anonymised]
        if not complaints:
            return
        parties = cls._retention_parties(complaints)
        with without_check_access(), Transaction().set_context(
                _klachten_retention='anonymise'):
            cls._anonymise(complaints)
            cut(cls, [c.id for c in complaints], {
                    'anonymised': Pool().get('ir.date').today(),
                    })
            purge_history(cls, [c.id for c in complaints])
            cls._anonymise_parties(parties, complaints)
        Pool().get('klachten.retention.log').add(
            complaints, action, rule=rule, origin=origin)

    @classmethod
    def remove(cls, complaints, rule=None, origin='cron'):
        "Cut the complaints' personal data everywhere, then delete them"
        cls._check_cuttable(complaints, terms=origin == 'request')
        if not complaints:
            return
        Pool().get('klachten.retention.log').add(
            complaints, 'delete', rule=rule, origin=origin)
        parties = cls._retention_parties(complaints)
        ids = [c.id for c in complaints]
        # '_klachten_retention' == 'delete': modules let go of the records
        # they otherwise keep with a complaint (advice, draft decisions)
        with without_check_access(), Transaction().set_context(
                _klachten_retention='delete'):
            cls._anonymise(complaints)
            # past the refusal of deleting a registered complaint
            ModelSQL.delete.__func__(cls, cls.browse(ids))
            purge_history(cls, ids)
            cls._anonymise_parties(parties, [])

    @classmethod
    def _anonymise(cls, complaints):
        """THE HOOK: cut the personal data of complaints in this module's
        places. Modules extend it, calling super() first."""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Note = pool.get('ir.note')
        ids = [c.id for c in complaints]
        cut(cls, ids, dict.fromkeys(cls._retention_texts, REDACTED))
        cut(cls, ids, {'concerned_user': None})
        emails = [e for c in complaints for e in c.emails]
        tasks = [t for c in complaints for t in c.tasks]
        requests = [r for c in complaints for r in c.information_requests]
        cls._anonymise_emails(emails)
        cls._anonymise_tasks(tasks)
        cls._anonymise_information_requests(requests)
        cls._anonymise_chat(complaints)
        cls._anonymise_core_emails(complaints)
        cls._anonymise_notifications(complaints + emails + tasks + requests)
        refs = references(complaints + emails + tasks + requests)
        delete_files(Attachment, resources_of(Attachment, refs))
        Note.delete(resources_of(Note, refs))

    @classmethod
    def _anonymise_emails(cls, emails):
        Email = Pool().get('klachten.email')
        ids = [e.id for e in emails]
        cut(Email, ids, {
                'to': REDACTED, 'cc': None, 'subject': REDACTED,
                'body': REDACTED, 'last_error': None,
                })
        pending = [e.id for e in emails if e.state in {'pending', 'failed'}]
        cut(Email, pending, {'state': 'cancelled'})

    @classmethod
    def _anonymise_tasks(cls, tasks):
        Task = Pool().get('klachten.task')
        cut(Task, [t.id for t in tasks], {
                'note': REDACTED, 'comment': REDACTED})

    @classmethod
    def _anonymise_information_requests(cls, requests):
        Request = Pool().get('klachten.information.request')
        cut(Request, [r.id for r in requests], {
                'name': REDACTED, 'email': None, 'question': REDACTED,
                'answer': REDACTED, 'street': None, 'postal_code': None,
                'city': None})

    @classmethod
    def _anonymise_chat(cls, complaints):
        "Delete the conversation of the complaints"
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        Follower = pool.get('ir.chat.follower')
        Message = pool.get('ir.chat.message')
        channels = Channel.search([
                ('resource', 'in', references(complaints)),
                ])
        if channels:
            Message.delete(Message.search([('channel', 'in', channels)]))
            Follower.delete(Follower.search([('channel', 'in', channels)]))
            Channel.delete(channels)

    @classmethod
    def _anonymise_notifications(cls, records):
        """Delete the notifications of users about records (a chat message's
        first line, a task's comment)"""
        Notification = Pool().get('res.notification')
        ids = {}
        for record in records:
            ids.setdefault(record.__name__, set()).add(record.id)
        if not ids:
            return
        notifications = Notification.search([
                ('model', 'in', list(ids)),
                ])
        notifications = [n for n in notifications
            if ids[n.model] & set(_ids(n.records))]
        if notifications:
            # core's on_modification fails on PostgreSQL without any
            Notification.delete(notifications)

    @classmethod
    def _anonymise_core_emails(cls, complaints):
        "Delete the e-mails sent from the client about the complaints"
        Email = Pool().get('ir.email')
        emails = Email.search([('resource', 'in', references(complaints))])
        Email.delete(emails)

    @classmethod
    def _retention_parties(cls, complaints):
        return list({p for c in complaints
                for p in [c.complainant, c.representative] if p})

    @classmethod
    def _anonymise_parties(cls, parties, complaints):
        """Anonymise the parties that no record refers to any more but the
        complaints being cut"""
        # an anonymised complaint keeps its complainant but no longer
        # holds anything of her: it does not keep her from being forgotten
        ids = [p.id for p in parties]
        anonymised = cls.search([
                ('anonymised', '!=', None),
                ['OR',
                    ('complainant', 'in', ids),
                    ('representative', 'in', ids),
                    ],
                ])
        used = referenced_parties(parties, {
                cls.__name__: [c.id for c in complaints] + [
                    c.id for c in anonymised]})
        parties = [p for p in parties if p.id not in used]
        anonymise_parties(parties + replaced_parties(parties))

    @classmethod
    def _personal_data(cls, complaints, data, files):
        """THE ACCESS HOOK: add to data ({section: [dict]}) and files
        ([(name, bytes)]) what this module holds on complaints, the
        complaints the person filed.  What staff wrote to staff (task
        notes, internal notes and messages) and third parties' requests
        are left out; the e-mails sent to her come from the person hook
        (_person_data)."""
        pool = Pool()
        Attachment = pool.get('ir.attachment')
        Message = pool.get('ir.chat.message')
        keep = ['number', 'state', 'received_date', 'channel',
            'closing_date', 'complainant_email', 'complainant_phone',
            'complainant_address'] + cls._retention_texts
        data.setdefault('complaints', []).extend(
            _as_dict(c, keep, complainant=c.complainant.rec_name
                if c.complainant else None)
            for c in complaints)
        data.setdefault('information_requests', []).extend(
            _as_dict(r, ['question', 'answer', 'answer_date'],
                complaint=c.number)
            for c in complaints for r in c.information_requests
            if r.recipient == 'complainant')
        refs = references(complaints)
        data.setdefault('messages', []).extend(
            _as_dict(m, ['content', 'author', 'create_date'],
                complaint=m.channel.resource.number)
            for m in Message.search([
                    ('channel.resource', 'in', refs),
                    ('audience', '=', 'public'),
                    ], order=[('id', 'ASC')]))
        for attachment in resources_of(Attachment, refs):
            if attachment.data:
                files.append((
                        f'{attachment.resource.number}/{attachment.name}',
                        bytes(attachment.data)))

    @classmethod
    def retention_due(cls, today=None):
        """[(complaint, rule)] past the period of their company's rule and
        that retention_refusal() does not keep"""
        pool = Pool()
        Rule = pool.get('klachten.retention.rule')
        today = today or pool.get('ir.date').today()
        with without_check_access():
            rules = {(r.company.id, r.state): r for r in Rule.search([])}
            if not rules:
                return []
            # none closed after the latest cut-off can be due: leave them
            # in the database
            cut_off = max(r.cut_off(today) for r in rules.values())
            complaints = cls.search([
                    ('state', 'in', list(FINAL_STATES)),
                    ('anonymised', '=', None),
                    ('legal_hold', '!=', True),
                    ('company', 'in', list({c for c, _ in rules})),
                    ['OR',
                        ('closing_date', '<=', cut_off),
                        ('closing_date', '=', None),
                        ],
                    ], order=[('closing_date', 'ASC'), ('id', 'ASC')])
        due = []
        for complaint in complaints:
            state = complaint.retention_state
            rule = rules.get((complaint.company.id, state)) or rules.get(
                (complaint.company.id, 'closed'
                    if state in {'inadmissible', 'informal'} else None))
            start = (complaint.closing_date or complaint.decision_date
                or complaint.received_date)
            if (rule and start <= rule.cut_off(today)
                    and not complaint.retention_refusal()):
                due.append((complaint, rule))
        return due

    @property
    def retention_state(self):
        "The final state of the retention rules the complaint falls under"
        if self.state == 'cancelled':
            return 'cancelled'
        if self.admissibility == 'inadmissible':
            return 'inadmissible'
        if self.track == 'informal' or self.resolution:
            return 'informal'
        return 'closed'

    @classmethod
    def run_retention(cls):
        """Anonymise or delete the closed complaints past their period, in
        batches of one transaction; a complaint that fails is logged and
        skipped, the others are cut"""
        transaction = Transaction()
        due = [(c.id, r.id) for c, r in cls.retention_due()]
        for i in range(0, len(due), BATCH):
            batch = due[i:i + BATCH]
            try:
                cls._cut_due(batch)
                transaction.commit()
            except Exception:
                transaction.rollback()
                # one by one, to find the one that fails
                for pair in batch:
                    try:
                        cls._cut_due([pair])
                        transaction.commit()
                    except Exception as exception:
                        transaction.rollback()
                        cls._retention_failed(*pair, exception)
                        transaction.commit()

    @classmethod
    def _cut_due(cls, pairs):
        "Cut the complaints of pairs [(complaint id, rule id)] by the rule"
        Rule = Pool().get('klachten.retention.rule')
        for rule_id, group in groupby(
                sorted(pairs, key=lambda p: p[1]), key=lambda p: p[1]):
            rule = Rule(rule_id)
            complaints = cls.browse([c for c, _ in group])
            if rule.action == 'delete':
                cls.remove(complaints, rule=rule)
            else:
                cls.anonymise(complaints, rule=rule)

    @classmethod
    def _retention_failed(cls, complaint_id, rule_id, exception):
        """Log that the complaint could not be cut, without personal data:
        the complaint's number and the kind of error, not its message"""
        Log = Pool().get('klachten.retention.log')
        Rule = Pool().get('klachten.retention.rule')
        error = type(exception).__name__
        logger.warning("retention of complaint %s failed: %s",
            complaint_id, error)
        with without_check_access():
            Log.add(cls.browse([complaint_id]), 'failed',
                rule=Rule(rule_id), error=error)


def _as_dict(record, names, **extra):
    "The JSON-able values of names of record, with extra"
    result = {}
    for name in names:
        value = getattr(record, name, None)
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.isoformat()
        elif hasattr(value, 'id'):
            value = value.rec_name
        result[name] = value
    result.update(extra)
    return result


def _ids(records):
    "The ids of a notification's records (JSON list or one id)"
    try:
        value = json.loads(records or '[]')
    except ValueError:
        return []
    if isinstance(value, int):
        value = [value]
    return [i for i in value if isinstance(i, int)] if isinstance(
        value, list) else []


def replaced_parties(parties):
    """The parties merged into parties (replaced_by), at any depth: the
    duplicates of a person"""
    Party = Pool().get('party.party')
    found, todo = {}, list(parties)
    seen = {p.id for p in parties}
    with without_check_access(), Transaction().set_context(
            active_test=False):
        while todo:
            duplicates = Party.search([('replaced_by', 'in', todo)])
            todo = [p for p in duplicates if p.id not in seen]
            for party in todo:
                seen.add(party.id)
                found[party.id] = party
    return list(found.values())


def anonymise_parties(parties):
    """Replace the name of parties by REDACTED and delete their addresses,
    contact mechanisms, identifiers, notes and attachments"""
    pool = Pool()
    Party = pool.get('party.party')
    Attachment = pool.get('ir.attachment')
    Note = pool.get('ir.note')
    if not parties:
        return
    with without_check_access(), Transaction().set_context(
            active_test=False):
        for name in ['party.address', 'party.contact_mechanism',
                'party.identifier']:
            Model = pool.get(name)
            Model.delete(Model.search([('party', 'in', parties)]))
        refs = references(parties)
        delete_files(Attachment, resources_of(Attachment, refs))
        Note.delete(resources_of(Note, refs))
        cut(Party, [p.id for p in parties], {'name': REDACTED})
        purge_history(Party, [p.id for p in parties])


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('klachten.complaint|run_retention',
                "Complaints: Retention (Anonymise and Delete)"))


class LegalHoldStart(ModelView):
    __name__ = 'klachten.complaint.legal_hold.start'
    __string__ = "Legal Hold"

    reason = fields.Char("Reason", required=True,
        help="The ombudsman or court procedure the complaint is under.")


class LegalHold(Wizard):
    __name__ = 'klachten.complaint.legal_hold'
    start = StateView('klachten.complaint.legal_hold.start',
        'klachten_base.retention_legal_hold_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Place under Legal Hold", 'hold', 'tryton-ok',
                default=True),
            ])
    hold = StateTransition()

    def transition_hold(self):
        # the wizard runs without access check: only the button's groups
        self.model._check_button_groups('legal_hold_wizard')
        self.model.place_legal_hold(self.records, self.start.reason)
        return 'end'


class PresetStart(ModelView):
    __name__ = 'klachten.retention.preset.start'
    __string__ = "Retention Preset"

    company = fields.Many2One('company.company', "Company", required=True,
        domain=[('id', 'in', Eval('context', {}).get('companies', []))])
    preset = fields.Selection([
            ('flanders', "Flanders (5 years after closing)"),
            ('netherlands', "The Netherlands (selectielijst gemeenten)"),
            ], "Preset", required=True, sort=False)

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_preset():
        return 'flanders'


class Preset(Wizard):
    __name__ = 'klachten.retention.preset'
    start = StateView('klachten.retention.preset.start',
        'klachten_base.retention_preset_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Apply", 'apply', 'tryton-ok', default=True),
            ])
    apply = StateTransition()

    def transition_apply(self):
        User = Pool().get('res.user')
        # the companies of the user, never the client's context
        if self.start.company.id not in User.get_companies():
            raise RetentionError(gettext(
                    'klachten_base.msg_retention_preset_company',
                    company=self.start.company.rec_name))
        apply_preset(self.start.company, self.start.preset)
        return 'end'


def apply_preset(company, preset):
    "Set company's retention rules to the preset's"
    Rule = Pool().get('klachten.retention.rule')
    with without_check_access():
        Rule.delete(Rule.search([('company', '=', company.id)]))
        Rule.create([{
                    'company': company.id,
                    'state': state,
                    'years': years,
                    'months': months,
                    'action': action,
                    } for state, years, months, action in PRESETS[preset]])
