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

