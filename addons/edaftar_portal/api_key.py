# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from secrets import token_urlsafe

from trytond.model import (
    DeactivableMixin, Index, ModelSQL, ModelView, Unique, fields)
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.transaction import without_check_access


class ApiKey(GuardMixin, DeactivableMixin, ModelSQL, ModelView):
    "A key of an application that files requests through Open311"
    __name__ = 'edaftar.portal.api_key'
    __string__ = "Open311 API Key"

    name = fields.Char("Name", required=True, strip=True,
        help="Who uses the key: the application and its operator.")
    key = fields.Char("Key", readonly=True,
        help="Generated on creation; given to the application once.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('key_unique', Unique(t, t.key),
                'edaftar_portal.msg_api_key_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.key, Index.Equality())))

    @classmethod
    def _client_create_fields(cls):
        return {'name', 'active'}

    def _client_write_fields(self):
        return {'name', 'active'}

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['key'] = token_urlsafe(32)
        return values

    @classmethod
    def copy(cls, keys, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('key', None)
        return super().copy(keys, default=default)

    @classmethod
    def find(cls, key):
        "The active key with this value, or None"
        if not key or not isinstance(key, str) or len(key) > 128:
            return None
        with without_check_access():
            keys = cls.search([
                    ('key', '=', key),
                    ('active', '=', True),
                    ], limit=1)
        return keys[0] if keys else None
