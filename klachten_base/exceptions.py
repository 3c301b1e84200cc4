# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class WorkflowError(UserError):
    "An action was asked of a complaint in a state that does not allow it"


class MissingInputError(ValidationError):
    "A workflow step lacks the information it needs"


class ReadonlyFieldError(AccessError):
    "A field was written that is read-only in the complaint's state"


class SequenceMissingError(UserError):
    "No complaint sequence is configured for the company"


class EmailAddressError(ValidationError):
    "An e-mail of the outbox has an address that is not valid"


class AssignmentError(ValidationError):
    "An assignment would reach the staff member the complaint is about"


class InputLimitError(ValidationError):
    "A text is too long or a date out of its plausible range"
