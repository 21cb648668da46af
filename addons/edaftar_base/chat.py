# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The discussion of a record follows the record's rules"
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, check_access

from .exceptions import ChatAccessError


def _resource(resource):
    "Return (Model, id) of a resource 'model,id', or raise ChatAccessError"
    pool = Pool()
    try:
        model, id_ = str(resource).split(',')
        Model, id_ = pool.get(model), int(id_)
    except (ValueError, KeyError):
        raise ChatAccessError(gettext(
                'edaftar_base.msg_chat_not_readable', resource=resource))
    return Model, id_


def _readable(Model, id_):
    "Whether the current user may read the record id_ of Model now"
    with Transaction().set_context(_datetime=None), check_access():
        return bool(Model.search([('id', '=', id_)], order=[], count=True))


class _BusPayloadId:
    """A chat message as dispatch_message handles it, whose bus payload is
    its id alone (everything else is the message's own)"""
    __slots__ = ('_message',)

    def __init__(self, message):
        object.__setattr__(self, '_message', message)

    def as_dict(self):
        return {'id': self._message.id}

    def __getattr__(self, name):
        return getattr(self._message, name)

    def __setattr__(self, name, value):
        setattr(self._message, name, value)


class Channel(metaclass=PoolMeta):
    __name__ = 'ir.chat.channel'

    @classmethod
    def dispatch_message(cls, message, is_sender):
        """Any logged-in user may listen to the bus channel of any record
        ("chat:model,id"): publish there only that a message came, never
        its content; the open chat panels read it through get, which
        checks who may read the record (sao refreshes on the event)."""
        super().dispatch_message(_BusPayloadId(message), is_sender)

    @classmethod
    def check_access(cls, resource):
        "Refuse the discussion of a record the user may not read"
        super().check_access(resource)
        if not Transaction().user:
            return
        Model, id_ = _resource(resource)
        if not _readable(Model, id_):
            # Not the record's name: it is what may not be read.
            raise ChatAccessError(gettext(
                    'edaftar_base.msg_chat_not_readable',
                    resource=f'{Model.__string__} {id_}'))
        # A model may narrow its discussion to fewer than its readers
        # (an order read by every target unit is discussed by its office).
        check_chat = getattr(Model, 'check_chat', None)
        if check_chat:
            with Transaction().set_context(_datetime=None):
                check_chat(Model(id_))

    @classmethod
    def subscribe(cls, resource, username=None):
        "Only who may read the record can be made to follow it"
        pool = Pool()
        User = pool.get('res.user')
        cls.check_access(resource)
        if username is not None and Transaction().user:
            Model, id_ = _resource(resource)
            users = User.search([('login', '=', username)], limit=1)
            if users:
                user, = users
                with Transaction().set_user(user.id):
                    readable = _readable(Model, id_)
                if not readable:
                    raise ChatAccessError(gettext(
                            'edaftar_base.msg_chat_follower_not_readable',
                            user=user.rec_name,
                            resource=f'{Model.__string__} {id_}'))
        return super().subscribe(resource, username=username)
