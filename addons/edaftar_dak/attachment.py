# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Checks on what is attached to Dak documents: size and kind of content"
import codecs
import mimetypes
import urllib.parse

import filetype
from sql import Column

import trytond.config as config
from trytond.i18n import gettext
from trytond.pool import PoolMeta

from .document import create_full_text_index, keyword_text
from .exceptions import AttachmentError

# Documents whose attachments are checked (drafts and dispatches included).
CHECKED_MODELS = {
    'edaftar.receipt', 'edaftar.file', 'edaftar.draft', 'edaftar.dispatch'}
TEXT = 'text/plain'
ALLOWED_TYPES = {
    'application/pdf',
    'image/png',
    'image/jpeg',
    'image/tiff',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    TEXT,
    }
# What a name may announce for plain text content
TEXT_NAMES = {'text/plain', 'text/csv'}
MAX_SIZE = 20 * 1024 * 1024


def detect_type(data):
    "Return the MIME type of data judged by its content, never its name"
    head = bytes(data[:8192])
    kind = filetype.guess(head)
    if kind:
        return kind.mime
    try:
        text = codecs.getincrementaldecoder('utf-8')().decode(head)
    except UnicodeDecodeError:
        return 'application/octet-stream'
    if text.lstrip('\ufeff \t\r\n').startswith('<'):
        # HTML, XML or SVG: markup that a browser would run.
        return 'text/html'
    if any(c < ' ' and c not in '\t\n\r\f' for c in text):
        return 'application/octet-stream'
    return TEXT


def format_size(size):
    if size < 1024:
        return f'{size} bytes'
    if size < 1024 * 1024:
        return f'{size / 1024:.1f} KB'
    return f'{size / 1024 / 1024:.1f} MB'


def _model_name(resource):
    if isinstance(resource, (list, tuple)):
        return resource[0]
    return str(resource or '').partition(',')[0]


class Attachment(metaclass=PoolMeta):
    __name__ = 'ir.attachment'

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # Receipts are searched by the words of their attachments' names.
        create_full_text_index(
            cls, 'name', keyword_text(Column(cls.__table__(), 'name')))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            cls.check_dak_content(
                values.get('resource'), values.get('name'),
                values.get('data'))
            cls.check_dak_link(
                values.get('resource'), values.get('name'),
                values.get('link'))
        return values

    @classmethod
    def check_modification(
            cls, mode, attachments, values=None, external=False):
        super().check_modification(
            mode, attachments, values=values, external=external)
        if mode == 'write' and values.keys() & {'resource', 'name', 'data'}:
            for attachment in attachments:
                cls.check_dak_content(
                    values.get('resource', attachment.resource),
                    values.get('name', attachment.name),
                    values['data'] if 'data' in values else attachment.data)
        if mode == 'write' and values.keys() & {'resource', 'name', 'link'}:
            for attachment in attachments:
                cls.check_dak_link(
                    values.get('resource', attachment.resource),
                    values.get('name', attachment.name),
                    values.get('link', attachment.link))

    @classmethod
    def check_dak_link(cls, resource, name, link):
        """Refuse a link on a Dak document that is not a web address: a
        javascript: or file: link would run or open on the reader's side"""
        if not link or _model_name(resource) not in CHECKED_MODELS:
            return
        parts = urllib.parse.urlsplit(link.strip())
        if parts.scheme.lower() not in {'http', 'https'} or not parts.netloc:
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_link', name=name, link=link))

    @classmethod
    def check_dak_content(cls, resource, name, data):
        """Refuse data attached to a Dak document when it is too large, of
        a kind not allowed, or named as another kind"""
        if data is None or _model_name(resource) not in CHECKED_MODELS:
            return
        limit = config.getint(
            'edaftar', 'attachment_max_size', default=MAX_SIZE)
        if len(data) > limit:
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_too_large',
                    name=name, size=format_size(len(data)),
                    limit=format_size(limit)))
        detected = detect_type(data)
        if detected not in ALLOWED_TYPES:
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_type',
                    name=name, type=detected))
        # The name decides how the file is opened later: it must not
        # announce another kind of content.
        named, _ = mimetypes.guess_type(name or '', strict=False)
        if named and named != detected and not (
                detected == TEXT and named in TEXT_NAMES):
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_name_type',
                    name=name, type=detected, named=named))
