# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError, UserWarning


class ConversionError(UserError):
    "LibreOffice could not make the PDF of a document"


class TemplateError(UserError):
    "A document template cannot be rendered"


class LetterPDFWarning(UserWarning):
    "A letter's PDF could not be made: go on with the Word letter only?"
