# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The copy of the complaint to the person complained about (Awb 9:9: "Het
bestuursorgaan zendt de persoon op wiens gedraging de klacht betrekking
heeft een afschrift van het klaagschrift").

When a complaint about a staff member is declared admissible, the
coordinator chooses (default: the configuration's Send the Complaint to
the Staff Member, switched on by the Awb preset) to e-mail them a copy;
the complaint records when and how. It is the one e-mail the outbox lets
reach the staff member a complaint is about (the outbox value
allow_concerned, honoured for this kind only)."""
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval

from .exceptions import MissingInputError

KIND = 'concerned_copy'


class Configuration(metaclass=PoolMeta):
    __name__ = 'klachten.configuration'

    concerned_copy = fields.Boolean(
        "Send the Complaint to the Staff Member",
        help="When a complaint about a staff member is declared "
        "admissible, they receive a copy of it by e-mail (Awb 9:9); the "
        "coordinator may untick it in the wizard.")

    @classmethod
    def default_concerned_copy(cls):
        return False


class Complaint(metaclass=PoolMeta):
    __name__ = 'klachten.complaint'

    concerned_copy_date = fields.Date(
        "Copy to the Staff Member Sent On", readonly=True,
        states={'invisible': Eval('concerns') != 'staff'},
        help="When the staff member the complaint is about was sent a copy "
        "of it (Awb 9:9).")
    concerned_copy_by = fields.Selection([
            (None, ""),
            ('email', "E-mail"),
            ], "Copy Sent By", readonly=True,
        states={'invisible': Eval('concerns') != 'staff'})

    @classmethod
    def copy(cls, complaints, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('concerned_copy_date', None)
        default.setdefault('concerned_copy_by', None)
        return super().copy(complaints, default=default)

    @classmethod
    def declare_admissible(cls, complaints, *args, send_concerned_copy=False,
            **kwargs):
        super().declare_admissible(complaints, *args, **kwargs)
        if send_concerned_copy:
            cls.send_concerned_copy(complaints)

    @classmethod
    def send_concerned_copy(cls, complaints):
        """E-mail the staff member each complaint is about a copy of it and
        record it; refuse a staff member without e-mail address"""
        pool = Pool()
        Email = pool.get('klachten.email')
        Notification = pool.get('klachten.notification')
        for complaint in cls.browse([c.id for c in complaints]):
            user = complaint.concerned_user
            if complaint.concerns != 'staff' or not user:
                continue
            if not user.email:
                raise MissingInputError(gettext(
                        'klachten_base.msg_concerned_copy_no_email',
                        complaint=complaint.rec_name, user=user.rec_name))
            values = Notification.values(KIND, complaint, [user.email],
                language=user.language.code if user.language else None,
                complaint=complaint)
            if not values:
                continue
            Email.queue([{**values, 'allow_concerned': True}])
            cls._write_workflow([complaint], {
                    'concerned_copy_date': cls._today(),
                    'concerned_copy_by': 'email',
                    })


class AdmissibleStart(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.admissible.start'

    send_concerned_copy = fields.Boolean(
        "Send the Complaint to the Staff Member",
        states={'invisible': Eval('concerns') != 'staff'},
        help="E-mail the staff member the complaint is about a copy of it "
        "(Awb 9:9).")


class Admissible(metaclass=PoolMeta):
    __name__ = 'klachten.complaint.admissible'

    def default_start(self, fields):
        Configuration = Pool().get('klachten.configuration')
        values = super().default_start(fields)
        values['send_concerned_copy'] = bool(
            Configuration(1).concerned_copy
            and not self.record.concerned_copy_date)
        return values

    def _values(self):
        values = super()._values()
        values['send_concerned_copy'] = bool(
            self.start.send_concerned_copy
            and self.start.concerns == 'staff')
        return values
