# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError


class DirectiveError(UserError):
    pass


class IssuerError(AccessError):
    "Only the issuing office (the CM or CS, or their PA/PS) may do it"


class ReportError(UserError):
    pass
