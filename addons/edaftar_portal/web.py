# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Portal accounts: Tryton's web.user (password hashing, sessions, e-mail
validation, password reset, login throttling) with what a citizen gives
on signing up."""
import urllib.parse
from email.message import EmailMessage

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .application import LANGUAGES, clean_person, required
from .exceptions import PortalError


def _with_params(url, **params):
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query) + sorted(params.items())
    parts = parts._replace(query=urllib.parse.urlencode(query))
    return urllib.parse.urlunsplit(parts)


class User(metaclass=PoolMeta):
    __name__ = 'web.user'

    edaftar_name = fields.Char("Name", strip=True)
    edaftar_cnic = fields.Char("CNIC")
    edaftar_phone = fields.Char("Mobile")
    edaftar_language = fields.Selection(LANGUAGES, "Portal Language")

    @classmethod
    def default_edaftar_language(cls):
        return 'en'

    @property
    def languages(self):
        Lang = Pool().get('ir.lang')
        if self.edaftar_language:
            langs = Lang.search([('code', '=', self.edaftar_language)])
            if langs:
                return langs
        return super().languages

    @staticmethod
    def _portal_url():
        "The portal's address, as the request that asks for it came in"
        return (Transaction().context.get('edaftar_portal_url') or '').rstrip(
            '/')

    def get_email_validation_url(self, url=None):
        base = self._portal_url()
        if url is None and base:
            return _with_params(f'{base}/validate', token=self.email_token)
        return super().get_email_validation_url(url=url)

    def get_email_reset_password_url(self, url=None):
        base = self._portal_url()
        if url is None and base:
            return _with_params(f'{base}/reset',
                token=self.reset_password_token, email=self.email)
        return super().get_email_reset_password_url(url=url)

    def get_email_validation(self):
        "The portal's own e-mail, in the citizen's language"
        return self._portal_email(
            'validation', self.get_email_validation_url())

    def get_email_reset_password(self):
        return self._portal_email(
            'reset', self.get_email_reset_password_url())

    def _portal_email(self, kind, url):
        "Return the e-mail of kind (validation, reset) and its subject"
        language = self.edaftar_language or 'en'
        with Transaction().set_context(language=language):
            title = gettext(f'edaftar_portal.msg_email_subject_{kind}')
            body = gettext(f'edaftar_portal.msg_email_body_{kind}',
                name=self.edaftar_name or self.email, url=url)
        msg = EmailMessage()
        msg['Content-Language'] = language
        msg.set_content(body)
        return msg, title

    @classmethod
    def sign_up(cls, values, language='en'):
        """Make a portal account from the signup form (name, cnic, phone,
        email, password) and send its validation e-mail; refuse with a
        PortalError naming what is wrong"""
        person = clean_person(values)
        if not values.get('password'):
            raise required('password')
        password = values.get('password') or ''
        if len(password) < 8:
            raise PortalError(gettext('edaftar_portal.msg_password_short'))
        if password != (values.get('password2') or password):
            raise PortalError(gettext(
                    'edaftar_portal.msg_password_mismatch'))
        with without_check_access():
            if cls.search([('email', '=', person['email'])], limit=1):
                # Told as such: the e-mail belongs to someone who can reset
                # the password; the page says where.
                raise PortalError(gettext(
                        'edaftar_portal.msg_email_taken'))
            user = cls(email=person['email'], password=password,
                edaftar_name=person['name'], edaftar_cnic=person['cnic'],
                edaftar_phone=person['phone'],
                edaftar_language=language if language in dict(LANGUAGES)
                else 'en')
            user.save()
            cls.validate_email([user])
        return user
