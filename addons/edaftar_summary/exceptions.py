# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError


class PaperAccessError(AccessError):
    "Only the author, or the Chief Minister's office, may do it"


class RouteError(UserError):
    pass


class VettingError(UserError):
    pass
