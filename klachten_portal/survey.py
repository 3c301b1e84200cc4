# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The satisfaction survey: when a complaint is closed, whatever its
outcome, the complainant is e-mailed a link to score its handling from 1
to 5 with a comment.  Only the coordinators read the answers.  (The page
of the link is pages/survey.py.)"""
import datetime as dt

from sql.aggregate import Avg, Count

import trytond.config as config
from trytond.model import (
    Check, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .notification import portal_base_url

# days the survey link works after the complaint was closed
SURVEY_DAYS = 30


def survey_days():
    return config.getint(
        'klachten', 'portal_survey_days', default=SURVEY_DAYS)


class SurveyAnswer(ModelSQL, ModelView):
    __name__ = 'klachten.survey.answer'
    __string__ = "Satisfaction Survey Answer"

    complaint = fields.Many2One(
        'klachten.complaint', "Complaint", required=True, readonly=True,
        ondelete='CASCADE')
    score = fields.Integer(
        "Score", required=True, readonly=True,
        domain=[('score', '>=', 1), ('score', '<=', 5)],
        help="From 1 (very dissatisfied) to 5 (very satisfied).")
    comment = fields.Text("Comment", readonly=True)
    date = fields.Date("Answered On", required=True, readonly=True)
    department = fields.Function(
        fields.Many2One('klachten.department', "Department",
            help="The department that handled the complaint, or else the "
            "one it concerned."),
        'get_department', searcher='search_department')
    outcome = fields.Function(
        fields.Selection('get_outcomes', "Outcome"),
        'get_outcome', searcher='search_outcome')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('complaint_unique', Unique(t, t.complaint),
                'klachten_portal.msg_survey_answer_unique'),
            ('score_range', Check(t, (t.score >= 1) & (t.score <= 5)),
                'klachten_portal.msg_survey_score_range'),
            ]
        cls._sql_indexes.add(Index(t, (t.date, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.complaint.rec_name}: {self.score}'

    def get_department(self, name):
        department = (self.complaint.handler_department
            or self.complaint.concerned_department)
        return department.id if department else None

    @classmethod
    def search_department(cls, name, clause):
        nested = clause[0][len(name):]
        return ['OR',
            [('complaint.handler_department' + nested,) + tuple(clause[1:])],
            [('complaint.handler_department', '=', None),
                ('complaint.concerned_department' + nested,)
                + tuple(clause[1:])],
            ]

    @classmethod
    def get_outcomes(cls):
        Complaint = Pool().get('klachten.complaint')
        return Complaint.fields_get(['outcome'])['outcome']['selection']

    def get_outcome(self, name):
        return self.complaint.outcome

    @classmethod
    def search_outcome(cls, name, clause):
        return [('complaint.outcome',) + tuple(clause[1:])]

    @classmethod
    def statistics(cls, domain=None):
        """(number of answers, average score or None) of the answers in
        domain that the user may read, for the reports"""
        table = cls.__table__()
        query = cls.search(domain or [], query=True, order=[])
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.select(
                Count(table.id), Avg(table.score),
                where=table.id.in_(query)))
        number, average = cursor.fetchone()
        return number, (float(average) if average is not None else None)


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    survey_answers = fields.One2Many(
        'klachten.survey.answer', 'complaint', "Satisfaction Survey",
        readonly=True,
        help="What the complainant answered to the satisfaction survey "
        "after the complaint was closed.")

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('survey_answers', None)
        return super().copy(complaints, default=default)

    @classmethod
    @Workflow.transition('closed')
    def close(cls, complaints):
        super().close(complaints)
        cls._send_survey(complaints)

    @classmethod
    def _send_survey(cls, complaints):
        """E-mail the satisfaction survey of the just closed complaints,
        whoever closes them (a receiver may not read the answers)"""
        with without_check_access():
            complaints = cls.browse(complaints)
            complaints = [c for c in complaints if c._survey_wanted()]
            if complaints:
                cls._notify(complaints, 'survey')

    def _survey_wanted(self):
        Configuration = Pool().get('klachten.configuration')
        return bool(Configuration(1).survey and portal_base_url()
            and not self.anonymous and self.complainant_address_email
            and not self.survey_answers)


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    survey = fields.Boolean(
        "Satisfaction Survey",
        help="When a complaint is closed, e-mail the complainant a link to "
        "score its handling from 1 to 5 (needs the portal's address).")

    @classmethod
    def default_survey(cls):
        return True


class Notification(metaclass=PoolMeta):
    __name__ = 'klachten.notification'

    @classmethod
    def template(cls, kind):
        if kind == 'survey':
            pool = Pool()
            ModelData = pool.get('ir.model.data')
            Template = pool.get('ir.email.template')
            return Template(ModelData.get_id(
                    'klachten_portal', 'email_template_survey'))
        return super().template(kind)

    @classmethod
    def _portal_link_expiry(cls, kind, record):
        if kind == 'survey':
            today = Pool().get('ir.date').today()
            return today + dt.timedelta(days=survey_days())
        return super()._portal_link_expiry(kind, record)
