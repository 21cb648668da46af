# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Attachments to e-Daftar documents, made as a Section Officer through
proteus: content that is not an office document, however it is named or
disguised, is refused on a receipt and on a noting paragraph alike; real
documents are accepted under a clean name that matches their content."""
import io
import struct
import unittest
import zipfile
import zlib

import magic
from proteus import Model
from trytond.modules.edaftar_base.tests.tools import get_user, setup_government
from trytond.modules.edaftar_dak.exceptions import AttachmentError
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user

DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml'
ODT = 'application/vnd.oasis.opendocument.text'


def make_pdf(text="Transfer orders"):
    "A one-page PDF with its cross-reference table and trailer"
    content = b'BT /F1 12 Tf 72 770 Td (%s) Tj ET' % text.encode('ascii')
    objects = [
        b'<</Type/Catalog/Pages 2 0 R>>',
        b'<</Type/Pages/Kids[3 0 R]/Count 1>>',
        b'<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]'
        b'/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>',
        b'<</Length %d>>\nstream\n%s\nendstream' % (len(content), content),
        b'<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>',
        ]
    pdf = bytearray(b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b'%d 0 obj\n%s\nendobj\n' % (number, body)
    xref = len(pdf)
    pdf += b'xref\n0 %d\n0000000000 65535 f \n' % (len(objects) + 1)
    for offset in offsets:
        pdf += b'%010d 00000 n \n' % offset
    pdf += b'trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n' % (
        len(objects) + 1, xref)
    return bytes(pdf)


def make_png():
    "A 1×1 grey PNG"
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data)))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 0, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(b'\x00\x80'))
        + chunk(b'IEND', b''))


def make_docx(main=DOCX + '.document.main+xml'):
    "A Word document as Word writes it: content types, relations, body"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, 'w', zipfile.ZIP_DEFLATED) as docx:
        docx.writestr('[Content_Types].xml',
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/word/document.xml" ContentType="{main}"/>'
            '</Types>')
        docx.writestr('_rels/.rels',
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'officeDocument" Target="word/document.xml"/></Relationships>')
        docx.writestr('word/document.xml',
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r>'
            '<w:t>Reply to the Deputy Commissioner</w:t>'
            '</w:r></w:p></w:body></w:document>')
    return archive.getvalue()


def make_odt():
    "An OpenDocument text: the stored mimetype first, then its parts"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, 'w', zipfile.ZIP_DEFLATED) as odt:
        odt.writestr(
            zipfile.ZipInfo('mimetype'), ODT, compress_type=zipfile.ZIP_STORED)
        odt.writestr('META-INF/manifest.xml',
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
            'opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            f'<manifest:file-entry manifest:full-path="/" '
            f'manifest:media-type="{ODT}"/></manifest:manifest>')
        odt.writestr('content.xml',
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<office:document-content xmlns:office="urn:oasis:names:tc:'
            'opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:'
            'opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
            '<office:text><text:p>Minutes</text:p></office:text>'
            '</office:body></office:document-content>')
    return archive.getvalue()


PDF = make_pdf()
# A Windows program: MZ header pointing at its PE header
EXE = (b'MZ\x90\x00\x03' + bytes(55) + struct.pack('<I', 64) + b'PE\x00\x00'
    + bytes(100))
PNG = make_png()
TEXT = "Pension papers of 12 teachers — پنشن کے کاغذات.\n".encode()
# A web page after a line of ordinary text: the old check looked for "<"
# only after a few whitespace bytes.
PAGE = (b'Minutes of the meeting held on 12 March\n'
    b'<html><body><script>alert(document.cookie)</script></body></html>\n')

TYPE = ('The attachment "{name}" contains {type}: only PDF, PNG, JPEG, TIFF, '
    'OpenDocument (odt, ods), Office (docx, xlsx) and plain text files can '
    'be attached to Dak documents.')
NAME_TYPE = ('The name of the attachment "{name}" announces {named} but it '
    'contains {type}: give it the extension of its content.')


class AttachmentTestCase(unittest.TestCase):
    "What staff attach to receipts and noting is an office document"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules('edaftar_dak', setup_government)
        Receipt = Model.get('edaftar.receipt')
        Movement = Model.get('edaftar.movement')
        Employee = Model.get('company.employee')
        File = Model.get('edaftar.file')
        Note = Model.get('edaftar.note')
        admin = cls.config.user

        set_user(get_user('registrar.sgad'))
        receipt = Receipt(sender_name="Deputy Commissioner",
            subject="Posting of Assistant Commissioners")
        receipt.save()
        receipt.click('register')
        officer, = Employee.find([('user.login', '=', 'so.admin1')])
        Movement(document=receipt, action='mark', to_employee=officer).save()

        set_user(get_user('so.admin1'))
        file = File(subject="Transfers of Assistant Commissioners")
        file.save()
        note = Note(file=file, text="Put up the transfer orders.")
        note.save()
        cls.resources = {
            'receipt': f'edaftar.receipt,{receipt.id}',
            'note': f'edaftar.note,{note.id}',
            }
        set_user(admin)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setUp(self):
        set_user(get_user('so.admin1'))

    def resource(self, kind):
        Model_ = Model.get(self.resources[kind].split(',')[0])
        return Model_(int(self.resources[kind].split(',')[1]))

    def attachments(self, kind):
        Attachment = Model.get('ir.attachment')
        return sorted(
            (a.name, a.data) for a in Attachment.find(
                [('resource', '=', self.resources[kind])]))

    def attach(self, kind, name, data):
        Attachment = Model.get('ir.attachment')
        attachment = Attachment(
            resource=self.resource(kind), name=name, data=data)
        attachment.save()
        return attachment

    def assertRefused(self, kind, name, data, message):
        "Attaching is refused with message and nothing is stored"
        before = self.attachments(kind)
        with self.assertRaises(AttachmentError) as refusal:
            self.attach(kind, name, data)
        self.assertEqual(refusal.exception.message, message)
        self.assertEqual(self.attachments(kind), before)

    def test_disguised_content(self):
        "Web pages and programs are refused whatever their name or wrapping"
        cases = [
            # The examples: names the old check did not read...
            ('x.html.', PAGE, 'x.html', 'text/html'),
            ('x.html ', PAGE, 'x.html', 'text/html'),
            ('report', PAGE, 'report', 'text/html'),
            ('x.txt', PAGE, 'x.txt', 'text/html'),
            # ... and a page behind a PDF header.
            ('scan.pdf',
                b'%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n',
                'scan.pdf', 'text/html'),
            ('scan.pdf',
                b'%PDF-1.4\n%%EOF\n\n<script>alert(1)</script>\n%%EOF\n',
                'scan.pdf', 'text/html'),
            # Markup behind bytes the old check did not skip.
            ('note.txt', b'\x0c<svg/onload=alert(1)>', 'note.txt',
                'text/html'),
            ('note.txt', b'\xef\xbb\xbf\x00\x00 \n<!DOCTYPE html><p>x',
                'note.txt', 'text/html'),
            ('note.txt', '<html>'.encode('utf-16'), 'note.txt', 'text/html'),
            ('note.txt', b'<?xml version="1.0"?><svg xmlns="http://'
                b'www.w3.org/2000/svg"/>', 'note.txt', 'image/svg+xml'),
            ('note.txt', b'Dear Sir,\r\n' * 50 + b'<iframe src="//x">',
                'note.txt', 'text/html'),
            # libmagic names programs by version (x-dosexec, ...).
            ('minutes.pdf', EXE, 'minutes.pdf',
                magic.from_buffer(EXE, mime=True)),
            ('reply.docx', make_docx(
                    'application/vnd.ms-word.document.macroEnabled.main+xml'),
                'reply.docx', 'application/vnd.ms-word.document.macroEnabled'),
            ]
        for kind in ['receipt', 'note']:
            for name, data, shown, detected in cases:
                with self.subTest(kind=kind, name=name, data=data[:40]):
                    self.assertRefused(kind, name, data,
                        TYPE.format(name=shown, type=detected))

    def test_damaged_and_encoding(self):
        "A PDF without its end and text that is not UTF-8 are refused"
        for kind in ['receipt', 'note']:
            with self.subTest(kind=kind):
                self.assertRefused(kind, 'scan.pdf', PDF[:len(PDF) // 2],
                    'The attachment "scan.pdf" is not a complete '
                    'application/pdf file: it is damaged or hides other '
                    'content.')
                self.assertRefused(kind, 'note.txt',
                    "Résumé of the case".encode('latin-1'),
                    'The text attachment "note.txt" is not UTF-8 text: '
                    'save it as UTF-8 text or as PDF.')

    def test_name_announces_other_type(self):
        "A name whose extension announces another type is refused"
        cases = [
            ('x.html.', PDF, 'x.html', 'text/html', 'application/pdf'),
            ('x.html ', TEXT, 'x.html', 'text/html', 'text/plain'),
            ('x.htm . .', TEXT, 'x.htm', 'text/html', 'text/plain'),
            ('photo.jpeg', PNG, 'photo.jpeg', 'image/jpeg', 'image/png'),
            ('reply.docx', make_odt(), 'reply.docx', DOCX + '.document',
                ODT),
            ('scan.svg', PDF, 'scan.svg', 'image/svg+xml', 'application/pdf'),
            ]
        for kind in ['receipt', 'note']:
            for name, data, shown, named, detected in cases:
                with self.subTest(kind=kind, name=name):
                    self.assertRefused(kind, name, data, NAME_TYPE.format(
                            name=shown, named=named, type=detected))

    def test_office_documents_accepted(self):
        "Real documents are accepted, under a clean name of their type"
        cases = [
            ('Transfer orders.pdf', PDF, 'Transfer orders.pdf'),
            ('photo.png', PNG, 'photo.png'),
            ('reply.docx', make_docx(), 'reply.docx'),
            ('minutes.odt', make_odt(), 'minutes.odt'),
            ('covering note.txt', TEXT, 'covering note.txt'),
            # Names are cleaned first, then given the extension of their
            # content when they have none.
            ('  C:\\Users\\clerk\\Scan 12.PDF. ', PDF, 'Scan 12.PDF'),
            ('../../etc/orders\u202e\x07.pdf', PDF, 'orders.pdf'),
            ('report', PDF, 'report.pdf'),
            ('Letter No. 5', make_docx(), 'Letter No. 5.docx'),
            ('minutes', TEXT, 'minutes.txt'),
            (' . ', PNG, 'attachment.png'),
            ]
        for kind in ['receipt', 'note']:
            for name, data, stored in cases:
                with self.subTest(kind=kind, name=name):
                    attachment = self.attach(kind, name, data)
                    attachment.reload()
                    self.assertEqual(attachment.name, stored)
                    self.assertEqual(attachment.data, data)

    def test_write_checked(self):
        "Renaming, replacing the content or moving are checked the same way"
        Attachment = Model.get('ir.attachment')
        for kind in ['receipt', 'note']:
            with self.subTest(kind=kind):
                attachment = self.attach(kind, 'orders.pdf', PDF)
                attachment.name = 'orders.html.'
                with self.assertRaises(AttachmentError) as refusal:
                    attachment.save()
                self.assertEqual(refusal.exception.message, NAME_TYPE.format(
                        name='orders.html', named='text/html',
                        type='application/pdf'))
                attachment.reload()
                attachment.data = PAGE
                with self.assertRaises(AttachmentError) as refusal:
                    attachment.save()
                self.assertEqual(refusal.exception.message, TYPE.format(
                        name='orders.pdf', type='text/html'))
                attachment.reload()
                self.assertEqual(
                    (attachment.name, attachment.data), ('orders.pdf', PDF))

                attachment.name = ' Final orders '
                attachment.save()
                attachment.reload()
                self.assertEqual(attachment.name, 'Final orders.pdf')

                attachment.data = PNG
                with self.assertRaises(AttachmentError):
                    attachment.save()
                attachment.reload()
                attachment.name, attachment.data = 'Final orders', PNG
                attachment.save()
                attachment.reload()
                self.assertEqual(
                    (attachment.name, attachment.data),
                    ('Final orders.png', PNG))

        # A link turned into data is checked as data.
        page = Attachment(resource=self.resource('note'), name='page.html',
            type='link', link='https://balochistan.gov.pk/')
        page.save()
        page.type, page.data = 'data', PAGE
        with self.assertRaises(AttachmentError) as refusal:
            page.save()
        self.assertEqual(refusal.exception.message,
            TYPE.format(name='page.html', type='text/html'))
        page.reload()
        page.type, page.data = 'data', PDF
        with self.assertRaises(AttachmentError) as refusal:
            page.save()
        self.assertEqual(refusal.exception.message, NAME_TYPE.format(
                name='page.html', named='text/html', type='application/pdf'))

    def test_links(self):
        "A link on a note must be a web address"
        Attachment = Model.get('ir.attachment')
        link = Attachment(resource=self.resource('note'),
            name='Notification', type='link', link='javascript:alert(1)')
        with self.assertRaises(AttachmentError) as refusal:
            link.save()
        self.assertEqual(refusal.exception.message,
            'The link "Notification" points to "javascript:alert(1)": links '
            'on Dak documents must be web addresses starting with http:// or '
            'https://.')
        link.link = 'https://balochistan.gov.pk/notifications/2026-114'
        link.save()

    def test_size_limit(self):
        "The size limit of the server applies to noting too"
        from trytond import config
        from trytond.modules.edaftar_dak.attachment import MAX_SIZE
        if not config.has_section('edaftar'):
            config.add_section('edaftar')
        config.set('edaftar', 'attachment_max_size', '100')
        try:
            self.assertRefused('note', 'orders.pdf', PDF,
                f'The attachment "orders.pdf" is {len(PDF)} bytes: '
                'attachments to Dak documents can be at most 100 bytes.')
        finally:
            config.set('edaftar', 'attachment_max_size', str(MAX_SIZE))
