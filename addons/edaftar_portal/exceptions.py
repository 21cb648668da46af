# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, ValidationError


class PortalError(UserError):
    "What a citizen sent that cannot be taken (shown on the page)"


class ApplicationValidationError(ValidationError):
    pass


class CategoryError(ValidationError):
    pass


class ApplicationAccessError(AccessError):
    pass


class RatingError(UserError):
    pass


class ApiKeyError(AccessError):
    pass
