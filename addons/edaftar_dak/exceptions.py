# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class NotHolderError(UserError):
    pass


class MoveError(UserError):
    pass


class RecipientError(UserError):
    pass


class StateError(UserError):
    pass


class DocumentDeleteError(AccessError):
    pass


class MovementAccessError(AccessError):
    pass


class NoteAccessError(AccessError):
    pass


class LetterDateError(ValidationError):
    pass


class AttachmentError(ValidationError):
    pass


class ApprovalError(UserError):
    pass


class DraftAccessError(AccessError):
    pass


class DispatchAccessError(AccessError):
    pass


class CorrectionError(UserError):
    pass
