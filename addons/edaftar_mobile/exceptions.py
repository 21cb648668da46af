# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError


class PushSubscriptionError(UserError):
    "A push subscription the server does not accept (address, keys, form)"


class PushSubscriptionTakenError(AccessError):
    "The push subscription of a device belongs to another user"
