# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The admissibility notice term (Awb 9:8 lid 2; the Flemish 10 days): the
complainant hears within the term whether the complaint is handled.

The term runs from the receipt, and again from the day the complainant
disagrees. It is no task of its own (the coordinators would get two tasks,
two reminders and two escalations for one decision): the coordinators'
Evaluate task falls due on the earlier of its own term and the notice term,
and the complaint shows the notice's due date on its Terms page."""
from trytond.model import fields
from trytond.pool import PoolMeta

NOTICE_TERM = 'inadmissibility'


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    admissibility_notice_due = fields.Date(
        "Admissibility Notice Due", readonly=True,
        help="When the complainant must know whether the complaint is "
        "handled (the inadmissibility notice term).")

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('admissibility_notice_due', None)
        return super().copy(complaints, default=default)

    @classmethod
    def _set_notice_due(cls, complaints, start):
        for complaint in complaints:
            cls._write_workflow([complaint], {
                    'admissibility_notice_due': cls._term_end(
                        NOTICE_TERM, start(complaint)),
                    })

    @classmethod
    def _registration_values(cls, complaint, today):
        # written with the number, as the other terms
        return {**super()._registration_values(complaint, today),
            'admissibility_notice_due': cls._term_end(
                NOTICE_TERM, complaint.received_date),
            }

    @classmethod
    def disagree(cls, complaints, *args, **kwargs):
        cls._check_state(complaints, {'feedback'}, 'disagree')
        today = cls._today()
        cls._set_notice_due(complaints, lambda c: today)
        super().disagree(complaints, *args, **kwargs)

    @classmethod
    def _open_task(cls, complaints, kind, due=None, note=None, **assignment):
        if kind != 'evaluate' or due is not None:
            return super()._open_task(
                complaints, kind, due=due, note=note, **assignment)
        for complaint in complaints:
            due_date = cls._term_end('evaluation', cls._today())
            notice = cls(complaint.id).admissibility_notice_due
            if notice and (not due_date or notice < due_date):
                due_date = notice
            super()._open_task([complaint], kind, due=due_date, note=note,
                **assignment)
