# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from klachten_base.exceptions import MissingInputError, WorkflowError

__all__ = ['MissingInputError', 'WorkflowError', 'ProposalClosedError',
    'ProposalNotAllowedError', 'ProposalOriginError', 'AgendaPendingError',
    'AgendaPendingWarning']

from trytond.exceptions import UserWarning
from trytond.model.exceptions import ValidationError


class ProposalClosedError(WorkflowError):
    """The draft decision's complaint is cancelled or closed, or the draft
    decision is final: news about it would change nothing"""


class ProposalNotAllowedError(WorkflowError):
    "The draft decision cannot be made, copied or deleted"


class ProposalOriginError(ValidationError):
    "The draft decision has no origin, or more than one"


class AgendaPendingError(WorkflowError):
    "The complaint waits for the decision of its draft decision"


class AgendaPendingWarning(UserWarning):
    "The complaint has a draft decision without a decision"
