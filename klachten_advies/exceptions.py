# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from klachten_base.exceptions import MissingInputError, WorkflowError

__all__ = ['AdviceClosedError', 'MissingInputError', 'WorkflowError',
    'AdviceNotAllowedError']


class AdviceClosedError(WorkflowError):
    "The advice request is no longer waiting for an answer"


class AdviceNotAllowedError(WorkflowError):
    "The user may not ask or give this advice"
