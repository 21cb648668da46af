# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from secrets import token_hex

from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.i18n import gettext
from trytond.modules.edaftar_base.exceptions import ProtectedFieldError
from trytond.modules.edaftar_base.guard import from_client
from trytond.transaction import without_check_access

MB = 1024 * 1024


class Configuration(ModelSingleton, ModelSQL, ModelView):
    __name__ = 'edaftar.portal.configuration'
    __string__ = "Portal Configuration"

    max_upload_size = fields.Integer(
        "Upload Limit (MB)", required=True,
        domain=[('max_upload_size', '>', 0), ('max_upload_size', '<=', 50)],
        help="The largest file a citizen may attach.")
    max_uploads = fields.Integer(
        "Files per Application", required=True,
        domain=[('max_uploads', '>', 0), ('max_uploads', '<=', 10)])
    duplicate_radius = fields.Integer(
        "Duplicate Radius (m)", required=True,
        domain=[('duplicate_radius', '>=', 0)],
        help="Complaints of the same category this close are shown to the "
        "citizen before a new one is made.")
    duplicate_days = fields.Integer(
        "Duplicate Window (days)", required=True,
        domain=[('duplicate_days', '>=', 0)])
    secret = fields.Char(
        "Secret", readonly=True,
        help="Signs the portal's form tokens; generated once.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        # Only the server reads the secret.
        cls.secret.states = {'invisible': True}

    @classmethod
    def default_max_upload_size(cls):
        return 10

    @classmethod
    def default_max_uploads(cls):
        return 5

    @classmethod
    def default_duplicate_radius(cls):
        return 50

    @classmethod
    def default_duplicate_days(cls):
        return 30

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        "The secret is the server's: no client writes it"
        super().check_modification(
            mode, records, values=values, external=external)
        if external and values and 'secret' in values:
            raise ProtectedFieldError(gettext(
                    'edaftar_base.msg_field_protected',
                    field=cls.secret.string, record=cls.__string__))

    @classmethod
    def read(cls, ids, fields_names):
        result = super().read(ids, fields_names)
        if from_client() and 'secret' in fields_names:
            for row in result:
                row['secret'] = None
        return result

    @classmethod
    def get_secret(cls):
        "The secret of the portal's tokens, made on first use"
        with without_check_access():
            config = cls(1)
            if not config.secret:
                config.secret = token_hex(32)
                config.save()
            return config.secret

    @classmethod
    def upload_limit(cls):
        "The largest upload, in bytes"
        with without_check_access():
            return (cls(1).max_upload_size or 10) * MB
