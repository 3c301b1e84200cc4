# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Suspension (opschorting) of the terms while the complainant is asked for
information: the days waited are added back to the report and answer terms
and to the open tasks that follow them, when the answer arrives (or the
request is cancelled or lapses)."""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import MissingInputError

# the open tasks whose due date follows a suspended term
SUSPENDED_TASKS = {'investigate', 'redo', 'conclude'}


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    suspended_since = fields.Date(
        "Suspended Since", readonly=True,
        help="The terms stand still while the complainant is asked for "
        "information.")
    suspended_days = fields.Integer(
        "Days Suspended", readonly=True,
        help="The days added to the terms while waiting for the "
        "complainant's information.")

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('suspended_since', None)
        default.setdefault('suspended_days', None)
        return super().copy(complaints, default=default)

    @classmethod
    def request_information(cls, complaints, question,
            recipient='complainant', *args, suspend=False, **kwargs):
        if suspend and recipient != 'complainant':
            raise MissingInputError(gettext(
                    'klachten_base.msg_suspend_complainant_only'))
        requests = super().request_information(
            complaints, question, recipient, *args, **kwargs)
        if suspend:
            Request = Pool().get('klachten.information.request')
            with without_check_access():
                Request.write(requests, {'suspends': True})
            today = cls._today()
            cls._write_workflow(
                [c for c in complaints if not c.suspended_since],
                {'suspended_since': today})
        return requests

    @classmethod
    def _resume(cls, complaints, date):
        """Lift the suspension of complaints on date: the days since it
        began are added to the terms and to the open tasks that follow
        them"""
        pool = Pool()
        Task = pool.get('klachten.task')
        for complaint in cls.browse([c.id for c in complaints]):
            if not complaint.suspended_since:
                continue
            days = max((date - complaint.suspended_since).days, 0)
            delta = dt.timedelta(days=days)
            values = {
                'suspended_since': None,
                'suspended_days': (complaint.suspended_days or 0) + days,
                }
            for name in ['report_due', 'answer_due']:
                if getattr(complaint, name):
                    values[name] = getattr(complaint, name) + delta
            cls._write_workflow([complaint], values)
            tasks = [t for t in complaint.tasks
                if t.state == 'open' and t.kind in SUSPENDED_TASKS
                and t.due_date]
            if days and tasks:
                with without_check_access():
                    for task in tasks:
                        Task.write([task], {
                                'due_date': task.due_date + delta,
                                'reminded_at': None,
                                'escalated_at': None,
                                })


class InformationRequest(metaclass=PoolMeta):
    __name__ = 'klachten.information.request'

    suspends = fields.Boolean(
        "Suspends the Terms", readonly=True,
        help="The complaint's terms stood still until the answer.")

    @classmethod
    def _resume_complaints(cls, requests):
        "Resume the complaints no longer waiting for a suspending request"
        pool = Pool()
        Complaint = pool.get('klachten.complaint')
        today = Pool().get('ir.date').today()
        ended = {r.id for r in requests}
        resumed = []
        for request in requests:
            if not request.suspends:
                continue
            complaint = request.complaint
            if complaint in resumed:
                continue
            waiting = [r for r in complaint.information_requests
                if r.suspends and r.state == 'requested'
                and r.id not in ended]
            if not waiting:
                resumed.append(complaint)
        if resumed:
            Complaint._resume(resumed, today)

    @classmethod
    def answered(cls, requests):
        super().answered(requests)
        cls._resume_complaints(requests)

    @classmethod
    def cancelled(cls, requests):
        super().cancelled(requests)
        cls._resume_complaints(requests)

    @classmethod
    def lapse(cls, requests):
        super().lapse(requests)
        cls._resume_complaints(requests)


class RequestInformationStart(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.request_information.start'

    suspend = fields.Boolean(
        "Suspend the Terms",
        states={'invisible': Eval('recipient') != 'complainant'},
        help="The report and answer terms stand still until the "
        "complainant answers; the days waited are added to them.")

    @classmethod
    def default_suspend(cls):
        return False


class RequestInformation(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.request_information'

    def _values(self):
        values = super()._values()
        values['suspend'] = bool(
            self.start.suspend and self.start.recipient == 'complainant')
        return values
