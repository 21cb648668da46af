# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from secrets import token_hex

from trytond.cache import Cache
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.model.modelstorage import is_leaf
from trytond.i18n import gettext
from trytond.modules.edaftar_base.exceptions import (
    DomainAccessError, ProtectedFieldError)
from trytond.modules.edaftar_base.guard import from_client
from trytond.transaction import without_check_access

MB = 1024 * 1024


def _domain_fields(domain):
    "The names of the fields the clauses of domain start with"
    if is_leaf(domain):
        return {str(domain[0]).partition('.')[0]}
    if isinstance(domain, (list, tuple)):
        return set().union(*(
                _domain_fields(d) for d in domain
                if isinstance(d, (list, tuple))))
    return set()


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
    # What every portal page needs and that does not change: the secret
    # and the government's time zone (routes.py), kept 10 minutes
    _page_constants = Cache(
        'edaftar.portal.configuration.page_constants',
        duration=dt.timedelta(minutes=10), context=False)
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
    def _check_secret(cls, values):
        "The secret is the server's: no client writes it"
        if from_client() and values and 'secret' in values:
            raise ProtectedFieldError(gettext(
                    'edaftar_base.msg_field_protected',
                    field=cls.secret.string, record=cls.__string__))

    @classmethod
    def create(cls, vlist):
        for values in vlist:
            cls._check_secret(values)
        return super().create(vlist)

    @classmethod
    def write(cls, *args):
        # Before ModelSingleton's: the first write creates the record
        # without access checks (check_modification sees no values then).
        for values in args[1::2]:
            cls._check_secret(values)
        super().write(*args)

    @classmethod
    def search(cls, domain, offset=0, limit=None, order=None, count=False):
        # What a search finds would tell the secret a character at a time.
        if from_client() and 'secret' in _domain_fields(domain):
            raise DomainAccessError(gettext(
                    'edaftar_portal.msg_configuration_secret_search'))
        return super().search(
            domain, offset=offset, limit=limit, order=order, count=count)

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
