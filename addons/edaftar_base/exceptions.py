# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model.exceptions import AccessError, ValidationError


class UnitKindError(ValidationError):
    pass


class UnitCodeError(ValidationError):
    pass


class PrincipalError(ValidationError):
    pass


class EmployeeUserError(ValidationError):
    pass


class AuditLogAccessError(AccessError):
    pass


class ProtectedFieldError(AccessError):
    "A client sent a field that only the server sets"


class HistoryAccessError(AccessError):
    "A read of the history of a record the user may not read now"


class DomainAccessError(AccessError):
    "A search or order that would tell what the user may not read"


class ChatAccessError(AccessError):
    "The discussion of a record the user (or a follower) may not read"


class PreferenceError(AccessError):
    "A current employee or company that is not the user's own"
