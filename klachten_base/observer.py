# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Standing observers (ingestelde kennisnemers): staff members configured
per company, subject or department who take notice of every new complaint
that matches, beside the observers a coordinator adds to one complaint.

They are added when the complaint is registered and again when it is
declared admissible (its subject and departments are known then). The
staff member a complaint is about is never added, nor is anyone added to
a confidential complaint (only coordinators and its handlers see it)."""
from trytond.model import DeactivableMixin, ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .exceptions import AssignmentError


class StandingObserver(DeactivableMixin, ModelSQL, ModelView):
    __name__ = 'klachten.standing_observer'
    __string__ = "Standing Observer"

    company = fields.Many2One(
        'company.company', "Company", required=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "Staff Member", required=True, ondelete='CASCADE',
        help="Takes notice of every new complaint that matches.")
    subject = fields.Many2One(
        'klachten.subject', "Subject", ondelete='CASCADE',
        help="Only complaints about this subject; empty: any subject.")
    department = fields.Many2One(
        'klachten.department', "Department", ondelete='CASCADE',
        help="Only complaints that concern or are handled by this "
        "department; empty: any department.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    def get_rec_name(self, name):
        return self.user.rec_name

    def matches(self, complaint):
        "Whether complaint is one this observer takes notice of"
        departments = {complaint.concerned_department,
            complaint.handler_department} - {None}
        return (self.company == complaint.company
            and (not self.subject or self.subject == complaint.subject)
            and (not self.department or self.department in departments))

    @classmethod
    def users_for(cls, complaint):
        "The active users who observe complaint by configuration"
        with without_check_access():
            observers = cls.search([('company', '=', complaint.company.id)])
            return [o.user for o in observers
                if o.user.active and o.matches(complaint)]


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    @classmethod
    def _on_register(cls, complaints):
        super()._on_register(complaints)
        cls._add_standing_observers(complaints)

    @classmethod
    def declare_admissible(cls, complaints, *args, **kwargs):
        super().declare_admissible(complaints, *args, **kwargs)
        cls._add_standing_observers(complaints)

    @classmethod
    def _add_standing_observers(cls, complaints):
        """Add the standing observers to complaints: the write opens their
        Take Notice tasks"""
        Observer = Pool().get('klachten.standing_observer')
        for complaint in cls.browse([c.id for c in complaints]):
            if complaint.confidential:
                continue
            present = set(complaint.observers)
            users = [u for u in Observer.users_for(complaint)
                if u not in present and complaint._may_observe(u)]
            if users:
                cls._write_workflow([complaint], {
                        'observers': [('add', list({u.id for u in users}))],
                        })

    def _may_observe(self, user):
        "Whether user may observe the complaint (not the one it is about)"
        try:
            self.check_assignment(user=user)
        except AssignmentError:
            return False
        return True
