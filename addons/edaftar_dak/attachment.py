# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Checks on what is attached to e-Daftar documents: name, size and kind of
content.

Every attachment whose resource is an e-Daftar model (``edaftar.*``) is
checked, so the documents of later modules are covered without a list.
The content decides its type (libmagic, then a check of the structure of
the formats allowed); the name is cleaned first and must end with an
extension of that type."""
import io
import mimetypes
import re
import unicodedata
import urllib.parse
import zipfile
import zlib

import magic
from sql import Column

import trytond.config as config
from trytond.i18n import gettext
from trytond.pool import Pool, PoolMeta
from trytond.transaction import check_access

from .document import create_full_text_index, keyword_text
from .exceptions import AttachmentError

PREFIX = 'edaftar.'
PDF = 'application/pdf'
TEXT = 'text/plain'
ODT = 'application/vnd.oasis.opendocument.text'
ODS = 'application/vnd.oasis.opendocument.spreadsheet'
DOCX = (
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document')
XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
# The kinds of content allowed, with the extensions a name may end with
# (the first is given to a name without one). Ours, not the system's
# mime.types, so that every machine names the same way.
EXTENSIONS = {
    PDF: ('.pdf',),
    'image/png': ('.png',),
    'image/jpeg': ('.jpg', '.jpeg', '.jpe'),
    'image/tiff': ('.tif', '.tiff'),
    ODT: ('.odt',),
    ODS: ('.ods',),
    DOCX: ('.docx',),
    XLSX: ('.xlsx',),
    TEXT: ('.txt', '.text', '.csv'),
    }
ALLOWED_TYPES = set(EXTENSIONS)
# The main part of an Office Open XML package tells what it is; a macro
# enabled or template package has another main part and is refused.
OFFICE_OPEN_XML = {DOCX + '.main+xml': DOCX, XLSX + '.main+xml': XLSX}
MARKUP_TYPES = {
    'text/html', 'application/xhtml+xml', 'text/xml', 'application/xml',
    'image/svg+xml'}
MAX_SIZE = 20 * 1024 * 1024
DEFAULT_NAME = 'attachment'
# What libmagic reads; the structure checks read what they need.
MAGIC_BYTES = 64 * 1024
# Markup is looked for in the first bytes, where browsers sniff. Binary
# formats are searched only for tags that start a page or a script:
# compressed data may hold short ones by chance, and images hold XMP
# (<?xpacket, <x:xmpmeta), not these.
SNIFF_BYTES = 8 * 1024
BINARY_SNIFF_BYTES = 1024
_PAGE_TAGS = (
    rb'!doctype|html|head|body|script|iframe|frame|frameset|object|embed'
    rb'|applet|svg|math|meta|link|base|style|title|form|img|template')
BINARY_MARKUP = re.compile(
    rb'<(?:' + _PAGE_TAGS + rb')(?=[\s/>])', re.IGNORECASE)
TEXT_MARKUP = re.compile(
    rb'<!--|<(?:\?xml|' + _PAGE_TAGS
    + rb'|xml|xsl:\w+|a|b|i|u|p|br|hr|div|span|font|table|tr|td|ul|ol|li'
    rb'|h[1-6]|video|audio|source|input|button|textarea|select|marquee'
    rb')(?=[\s/>])',
    re.IGNORECASE)
# Control characters that plain text does not hold (tab, line feed, form
# feed and carriage return it does)
CONTROL = re.compile(r'[\x00-\x08\x0b\x0e-\x1f]')
# Characters that are not part of a name: control, format (bidirectional
# overrides, zero-width), surrogate, private use and unassigned ones.
_NOT_IN_NAME = {'Cc', 'Cf', 'Cs', 'Co', 'Cn', 'Zl', 'Zp'}


class Damaged(Exception):
    "Content that starts as an allowed type (args[0]) but is not one"


def clean_name(name):
    "Return name without control characters and surrounding blanks or dots"
    name = unicodedata.normalize('NFC', str(name or ''))
    name = ''.join(
        c for c in name if unicodedata.category(c) not in _NOT_IN_NAME)
    # "x.html." and "x.html " are opened as "x.html" by many systems.
    return re.sub(r'[\s.]+$', '', name).strip()


def file_name(name):
    "Return the name under which a file is stored: its own name, cleaned"
    # A path from any system: only its last component names the file.
    name = re.split(r'[/\\]', clean_name(name))[-1]
    return clean_name(name)


def _sniffed(data, size):
    # Browsers skip a BOM, blanks and NUL bytes (UTF-16) before tags.
    return bytes(data[:size]).replace(b'\x00', b'')


def _pdf_type(data):
    "Return PDF if data is a whole PDF with no page markup at its start"
    if BINARY_MARKUP.search(_sniffed(data, BINARY_SNIFF_BYTES)):
        return 'text/html'
    tail = data[-2048:]
    if (not re.match(rb'%PDF-\d\.\d', data)
            or b'%%EOF' not in tail
            or (b'startxref' not in tail and b'trailer' not in tail)):
        raise Damaged(PDF)
    return PDF


def _package_type(data, detected):
    """Return the office type of a ZIP package from its own declaration,
    or detected when it declares none allowed"""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()
            if 'mimetype' in names:
                info = package.getinfo('mimetype')
                if info.file_size > 128:
                    return detected
                kind = package.read(info).decode('ascii', 'replace').strip()
                return kind or detected
            if '[Content_Types].xml' in names:
                info = package.getinfo('[Content_Types].xml')
                if info.file_size > 1024 * 1024:
                    return detected
                types = package.read(info).decode('utf-8', 'replace')
                mains = set(re.findall(
                        r'ContentType\s*=\s*["\']([^"\']+\.main\+xml)',
                        types))
                if (len(mains) != 1 or 'vbaProject' in types
                        or any(n.endswith('vbaProject.bin') for n in names)):
                    return detected
                main, = mains
                return OFFICE_OPEN_XML.get(main, main[:-len('.main+xml')])
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError,
            NotImplementedError, RuntimeError, ValueError, OSError):
        raise Damaged(detected)
    return detected


def _text_type(data, detected):
    "Return TEXT for UTF-8 text without markup, else what it is"
    if TEXT_MARKUP.search(_sniffed(data, SNIFF_BYTES)):
        return detected if detected in MARKUP_TYPES else 'text/html'
    try:
        text = bytes(data).decode('utf-8')
    except UnicodeDecodeError:
        raise UnicodeError
    if CONTROL.search(text):
        return 'application/octet-stream'
    return TEXT


def detect_type(data):
    """Return the MIME type of data judged by its content, never its name.

    Raise Damaged for content that starts as an allowed type but is not
    one, UnicodeError for text that is not UTF-8."""
    data = bytes(data)
    detected = magic.from_buffer(data[:MAGIC_BYTES], mime=True)
    if detected == PDF:
        return _pdf_type(data)
    if data.startswith(b'PK\x03\x04'):
        return _package_type(data, detected)
    if detected in {'image/png', 'image/jpeg', 'image/tiff'}:
        if BINARY_MARKUP.search(_sniffed(data, BINARY_SNIFF_BYTES)):
            return 'text/html'
        return detected
    if (detected.startswith('text/') or detected in MARKUP_TYPES
            or detected == 'application/octet-stream'):
        try:
            return _text_type(data, detected)
        except UnicodeError:
            if detected == 'application/octet-stream':
                return detected
            raise
    return detected


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


def is_edaftar(resource):
    "Whether resource is a document of an e-Daftar module"
    return _model_name(resource).startswith(PREFIX)


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
            resource = values.get('resource') or cls.default_resource()
            if is_edaftar(resource):
                values['name'] = cls.check_dak_attachment(
                    resource, values.get('type') or cls.default_type(),
                    values.get('name'), values.get('data'),
                    values.get('link'))
        return values

    @classmethod
    def write(cls, *args):
        # The name stored depends on each attachment's content (it gets
        # the extension of its type), so it is computed per attachment
        # before anything is written.
        actions = iter(args)
        args = []
        for attachments, values in zip(actions, actions):
            args.extend(cls._dak_write_values(attachments, values))
        super().write(*args)

    @classmethod
    def _dak_write_values(cls, attachments, values):
        "Yield records and values to write, checked and with clean names"
        if not values.keys() & {'resource', 'type', 'name', 'data', 'link'}:
            yield attachments
            yield values
            return
        unchanged, renamed = [], False
        for attachment in attachments:
            resource = values.get('resource', attachment.resource)
            if not is_edaftar(resource):
                unchanged.append(attachment)
                continue
            type_ = values.get('type', attachment.type)
            given = values.get('name', attachment.name)
            data = link = None
            if type_ == 'data':
                data = values['data'] if 'data' in values else attachment.data
            else:
                link = values.get('link', attachment.link)
            name = cls.check_dak_attachment(resource, type_, given, data, link)
            if name == given:
                unchanged.append(attachment)
            else:
                renamed = True
                yield [attachment]
                yield {**values, 'name': name}
        if unchanged or not renamed:
            yield unchanged
            yield values

    @classmethod
    def check_modification(cls, mode, attachments, values=None,
            external=False):
        """A model may say who attaches to its records beyond its write
        rule (check_attachment: e.g. a paper's author while a draft)"""
        super().check_modification(
            mode, attachments, values=values, external=external)
        if not external:
            return
        pool = Pool()
        # The resource's own rules first (trytond checks them only after
        # the record is made): what may not be written is refused as such,
        # never by a message that names it.
        with check_access():
            cls.check_access([a.id for a in attachments], mode=mode)
        resources = [a.resource for a in attachments]
        if values and values.get('resource'):
            # Moved onto another record: that one's say too.
            resource = values['resource']
            if isinstance(resource, str):
                model, _, id_ = resource.partition(',')
            else:
                model, id_ = resource
            if is_edaftar(model) and str(id_).lstrip('-').isdigit():
                resources.append(pool.get(model)(int(id_)))
        for resource in resources:
            if not resource or not is_edaftar(str(resource)):
                continue
            check = getattr(pool.get(resource.__name__),
                'check_attachment', None)
            if check:
                check([resource])

    @classmethod
    def check_dak_attachment(cls, resource, type_, name, data, link):
        """Check an attachment to an e-Daftar document and return the name
        to store"""
        if type_ == 'link':
            name = clean_name(name) or DEFAULT_NAME
            cls.check_dak_link(resource, name, link)
            return name
        return cls.check_dak_content(resource, file_name(name), data)

    @classmethod
    def check_dak_link(cls, resource, name, link):
        """Refuse a link on an e-Daftar document that is not a web address:
        a javascript: or file: link would run or open on the reader's
        side"""
        if not link or not is_edaftar(resource):
            return
        parts = urllib.parse.urlsplit(link.strip())
        if parts.scheme.lower() not in {'http', 'https'} or not parts.netloc:
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_link', name=name, link=link))

    @classmethod
    def check_dak_content(cls, resource, name, data):
        """Refuse data attached to an e-Daftar document when it is too
        large, of a kind not allowed, or named as another kind; return the
        name to store, with the extension of its kind when it has none"""
        if not is_edaftar(resource):
            return name
        if data is None:
            return name or DEFAULT_NAME
        shown = name or DEFAULT_NAME
        limit = config.getint(
            'edaftar', 'attachment_max_size', default=MAX_SIZE)
        # A model may set its own limit (the citizen portal's, configured).
        model_limit = getattr(
            Pool().get(_model_name(resource)), 'attachment_max_size', None)
        if model_limit:
            limit = model_limit()
        if len(data) > limit:
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_too_large',
                    name=shown, size=format_size(len(data)),
                    limit=format_size(limit)))
        try:
            detected = detect_type(data)
        except Damaged as damaged:
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_damaged', name=shown,
                    type=damaged.args[0]))
        except UnicodeError:
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_encoding', name=shown))
        if detected not in ALLOWED_TYPES:
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_type',
                    name=shown, type=detected))
        # The name decides how the file is opened later: it must end with
        # an extension of its content.
        stem, dot, extension = name.rpartition('.')
        extension = (dot + extension).lower()
        if extension in EXTENSIONS[detected]:
            return name
        named = next(
            (t for t, e in EXTENSIONS.items() if extension in e), None)
        if not named and dot and stem:
            named, _ = mimetypes.guess_type('x' + extension, strict=False)
        if named:
            raise AttachmentError(gettext(
                    'edaftar_dak.msg_attachment_name_type',
                    name=name, type=detected, named=named))
        # No extension, or none that names a type ("Letter No. 5")
        return (name or DEFAULT_NAME) + EXTENSIONS[detected][0]
