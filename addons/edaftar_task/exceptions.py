# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.exceptions import PreferenceError


class TaskAccessError(AccessError):
    "Only the assignee, or the assigner and those above, may do it"


class TaskScopeError(UserError):
    "The assignee is outside the assigner's scope"


class TaskDateError(UserError):
    pass


class TaskStateError(UserError):
    pass


class RoomAccessError(AccessError):
    "Only the members of a room may read or post in it"


class RoomMemberError(UserError):
    "A conversation with nobody, oneself, or someone not active on staff"


class DigestPreferenceError(PreferenceError):
    "The digest of another user switched on or off"
