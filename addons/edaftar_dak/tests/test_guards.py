# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The project's own guards, each made to run: what the law keeps
(movements, the audit log, noting, dispatches, drafts, registered
receipts) and the fields only the server sets.

The model access rows refuse most of these to clients before any guard of
ours runs, so each test reaches the guard as the server's own code does
(no access check) or as a client whose access rows allow the call (a row
granted inside the test's transaction), and asserts the guard's exception
and message: deleting the guard fails its test."""
import contextlib
import datetime as dt
import unittest

from trytond.i18n import gettext
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.exceptions import (
    AuditLogAccessError, ProtectedFieldError)
from trytond.modules.edaftar_base.tests.tools import setup_government
from trytond.modules.edaftar_dak.exceptions import (
    DispatchAccessError, DocumentDeleteError, DraftAccessError,
    MovementAccessError, NoteAccessError)
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db, with_transaction
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction


class GuardsTestCase(unittest.TestCase):
    "The append-only and server-set guards of the Dak, each run"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('edaftar_dak', setup_government)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    @contextlib.contextmanager
    def acting_as(self, login, client=False):
        """Run as the user of login: as a client's call (access rows and
        rules checked, `external` guards) if client, else as the server's
        own code does"""
        transaction = Transaction()
        User = Pool().get('res.user')
        with transaction.set_context(_check_access=False):
            user, = User.search([('login', '=', login)])
        with transaction.set_user(user.id), \
                transaction.set_context(_check_access=client):
            yield

    def employee(self, login):
        Employee = Pool().get('company.employee')
        employee, = Employee.search([('user.login', '=', login)])
        return employee

    def grant(self, model, group, **perms):
        """Give the members of the edaftar_base group the perms on model,
        in this test's transaction only"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        ModelData = pool.get('ir.model.data')
        ModelAccess.create([{
                    'model': model,
                    'group': ModelData.get_id('edaftar_base', group),
                    **{f'perm_{p}': v for p, v in perms.items()},
                    }])

    def assertGuard(self, exception, message, call, **values):
        """call raises exception (exactly that class) with the text of
        message rendered with values"""
        with self.assertRaises(AccessError) as cm:
            call()
        self.assertIs(type(cm.exception), exception, cm.exception)
        self.assertEqual(cm.exception.message, gettext(message, **values))

    def receipt(self, holder='so.admin1'):
        """A receipt registered by the S&GAD clerk and marked to holder (None:
        kept by the clerk)"""
        pool = Pool()
        Receipt = pool.get('edaftar.receipt')
        Movement = pool.get('edaftar.movement')
        with self.acting_as('registrar.sgad'):
            receipt, = Receipt.create([{
                        'sender_name': "Sender", 'subject': "Guarded"}])
            Receipt.register([receipt])
            if holder:
                Movement.create([{
                            'document': str(receipt), 'action': 'mark',
                            'to_employee': self.employee(holder).id}])
        return Receipt(receipt.id)

    def file(self, holder='so.admin1'):
        "A file holder opened, with a paragraph of noting"
        File = Pool().get('edaftar.file')
        with self.acting_as(holder):
            file, = File.create([{
                        'subject': "Guarded file",
                        'notes': [('create', [{'text': "First para."}])],
                        }])
        return file

    def dispatched(self, holder='so.admin1'):
        "A draft of a file of holder and its dispatch"
        pool = Pool()
        Draft = pool.get('edaftar.draft')
        Dispatch = pool.get('edaftar.dispatch')
        file = self.file(holder)
        with self.acting_as(holder):
            draft, = Draft.create([{
                        'file': file.id, 'subject': "Guarded reply",
                        'body': "The reply.", 'addressee_name': "Sender"}])
            # Approval would move the file: what is tested is the letter.
            Draft.write([draft], {'state': 'approved'})
            Draft.dispatch([draft])
        dispatch, = Dispatch.search([('draft', '=', draft.id)])
        return Draft(draft.id), dispatch

    # Movements: msg_movement_append_only

    @with_transaction()
    def test_movement_write(self):
        "A movement is not rewritten, by a client granted write or the server"
        Movement = Pool().get('edaftar.movement')
        receipt = self.receipt()
        movement, = Movement.search([('receipt', '=', receipt.id)])
        self.grant('edaftar.movement', 'group_section_officer',
            read=True, write=True, delete=True)
        for client in [True, False]:
            with self.subTest(client=client), \
                    self.acting_as('so.admin1', client=client):
                self.assertGuard(MovementAccessError,
                    'edaftar_dak.msg_movement_append_only',
                    lambda: Movement.write(
                        [movement], {'instructions': "Rewritten"}))

    @with_transaction()
    def test_movement_delete(self):
        "A movement is not deleted, by a client granted delete or the server"
        Movement = Pool().get('edaftar.movement')
        receipt = self.receipt()
        movement, = Movement.search([('receipt', '=', receipt.id)])
        self.grant('edaftar.movement', 'group_section_officer',
            read=True, write=True, delete=True)
        for client in [True, False]:
            with self.subTest(client=client), \
                    self.acting_as('so.admin1', client=client):
                self.assertGuard(MovementAccessError,
                    'edaftar_dak.msg_movement_append_only',
                    lambda: Movement.delete([movement]))
        self.assertEqual(
            Movement.search([('receipt', '=', receipt.id)]), [movement])

    @with_transaction()
    def test_movements_not_set_through_document(self):
        "The server does not write movements through their document"
        Receipt = Pool().get('edaftar.receipt')
        receipt = self.receipt()
        with self.acting_as('so.admin1'):
            self.assertGuard(MovementAccessError,
                'edaftar_dak.msg_movement_append_only',
                lambda: Receipt.write([receipt], {'movements': [
                            ('create', [{'action': 'forward'}])]}))

    # The audit log: msg_audit_log_append_only

    @with_transaction()
    def test_audit_log_write_delete(self):
        "An audit line is not changed or deleted, even with an access row"
        AuditLog = Pool().get('edaftar.audit.log')
        receipt = self.receipt()
        lines = AuditLog.search([
                ('model', '=', 'edaftar.receipt'),
                ('record_id', '=', receipt.id)])
        self.assertTrue(lines)
        self.grant('edaftar.audit.log', 'group_admin',
            read=True, write=True, create=True, delete=True)
        for client in [True, False]:
            for name, call in [
                    ('write', lambda: AuditLog.write(
                            lines, {'details': "Rewritten"})),
                    ('delete', lambda: AuditLog.delete(lines))]:
                with self.subTest(client=client, mode=name), \
                        self.acting_as('admin', client=client):
                    self.assertGuard(AuditLogAccessError,
                        'edaftar_base.msg_audit_log_append_only', call)

    @with_transaction()
    def test_audit_log_create(self):
        "A client granted create cannot write an audit line by hand"
        AuditLog = Pool().get('edaftar.audit.log')
        self.grant('edaftar.audit.log', 'group_admin',
            read=True, create=True)
        with self.acting_as('admin', client=True):
            self.assertGuard(AuditLogAccessError,
                'edaftar_base.msg_audit_log_append_only',
                lambda: AuditLog.create([{
                            'timestamp': dt.datetime.now(),
                            'model': 'edaftar.receipt', 'record_id': 1,
                            'action': 'forged'}]))

    # Noting: msg_note_no_delete, msg_note_fields, msg_note_immutable

    @with_transaction()
    def test_note_delete(self):
        "Noting is not deleted, by its author granted delete or the server"
        Note = Pool().get('edaftar.note')
        note, = self.file().notes
        self.grant('edaftar.note', 'group_section_officer',
            read=True, write=True, delete=True)
        for client in [True, False]:
            with self.subTest(client=client), \
                    self.acting_as('so.admin1', client=client):
                self.assertGuard(NoteAccessError,
                    'edaftar_dak.msg_note_no_delete',
                    lambda: Note.delete([note]))

    @with_transaction()
    def test_note_fields(self):
        "Only the text of a paragraph is corrected by a client"
        Note = Pool().get('edaftar.note')
        note, = self.file().notes
        for values in [{'number': 7}, {'author': None},
                {'text': "Changed", 'written_at': None}]:
            with self.subTest(values=values), \
                    self.acting_as('so.admin1', client=True):
                self.assertGuard(NoteAccessError,
                    'edaftar_dak.msg_note_fields',
                    lambda: Note.write([note], values))

    @with_transaction()
    def test_note_immutable(self):
        "A paragraph is corrected only by its author, before the file moves"
        pool = Pool()
        Note = pool.get('edaftar.note')
        Movement = pool.get('edaftar.movement')
        file = self.file()
        note, = file.notes
        # Another writer of the same section
        with self.acting_as('officer.admin1', client=True):
            self.assertGuard(NoteAccessError,
                'edaftar_dak.msg_note_immutable',
                lambda: Note.write([note], {'text': "Not mine"}),
                note=note.rec_name)
        with self.acting_as('so.admin1', client=True):
            Note.write([note], {'text': "Corrected before it moves"})
        with self.acting_as('so.admin1'):
            Movement.create([{
                        'document': str(file), 'action': 'forward',
                        'to_employee': self.employee('as.admin').id}])
            Movement.create([{
                        'document': str(file), 'action': 'pull_back'}])
        with self.acting_as('so.admin1', client=True):
            self.assertGuard(NoteAccessError,
                'edaftar_dak.msg_note_immutable',
                lambda: Note.write([note], {'text': "After it moved"}),
                note=note.rec_name)

    # Dispatches: msg_dispatch_no_delete, msg_dispatch_fields

    @with_transaction()
    def test_dispatch_delete(self):
        "A dispatch is not deleted, by a client granted delete or the server"
        Dispatch = Pool().get('edaftar.dispatch')
        _, dispatch = self.dispatched()
        self.grant('edaftar.dispatch', 'group_section_officer',
            read=True, write=True, delete=True)
        for client in [True, False]:
            with self.subTest(client=client), \
                    self.acting_as('so.admin1', client=client):
                self.assertGuard(DispatchAccessError,
                    'edaftar_dak.msg_dispatch_no_delete',
                    lambda: Dispatch.delete([dispatch]),
                    dispatch=dispatch.rec_name)

    @with_transaction()
    def test_dispatch_fields(self):
        "A client changes only the delivery details of a dispatch"
        Dispatch = Pool().get('edaftar.dispatch')
        _, dispatch = self.dispatched()
        for values in [{'subject': "Rewritten"}, {'number': "X-1"},
                {'addressee_name': "Someone else", 'delivered': True}]:
            with self.subTest(values=values), \
                    self.acting_as('so.admin1', client=True):
                self.assertGuard(DispatchAccessError,
                    'edaftar_dak.msg_dispatch_fields',
                    lambda: Dispatch.write([dispatch], values),
                    dispatch=dispatch.rec_name)
        with self.acting_as('so.admin1', client=True):
            Dispatch.write([dispatch], {
                    'delivered': True, 'tracking_ref': "RL-123"})

    # Drafts: msg_draft_no_delete, msg_draft_fields

    @with_transaction()
    def test_draft_delete(self):
        "A draft is not deleted, by a client granted delete or the server"
        Draft = Pool().get('edaftar.draft')
        draft, _ = self.dispatched()
        self.grant('edaftar.draft', 'group_section_officer',
            read=True, write=True, delete=True)
        for client in [True, False]:
            with self.subTest(client=client), \
                    self.acting_as('so.admin1', client=client):
                self.assertGuard(DraftAccessError,
                    'edaftar_dak.msg_draft_no_delete',
                    lambda: Draft.delete([draft]), draft=draft.rec_name)

    @with_transaction()
    def test_draft_fields(self):
        "A client does not set what the buttons of a draft set"
        pool = Pool()
        Draft = pool.get('edaftar.draft')
        file = self.file()
        with self.acting_as('so.admin1', client=True):
            draft, = Draft.create([{
                        'file': file.id, 'subject': "Open draft",
                        'body': "Text."}])
            for values in [{'state': 'approved'}, {'approved_by': None},
                    {'submitted_version': 3}]:
                with self.subTest(values=values):
                    self.assertGuard(DraftAccessError,
                        'edaftar_dak.msg_draft_fields',
                        lambda: Draft.write([draft], values))

    # Receipts: msg_field_protected (GuardMixin), msg_document_delete_draft

    @with_transaction()
    def test_receipt_protected_fields(self):
        "The holder does not move or renumber a letter with a plain write"
        pool = Pool()
        Receipt = pool.get('edaftar.receipt')
        Unit = pool.get('edaftar.org.unit')
        receipt = self.receipt()
        unit, = Unit.search([('name', '=', "Budget Wing")])
        for name, value in [
                ('holder_unit', unit.id),
                ('holder', self.employee('so.budget1').id),
                ('number', "SGAD-2000-000001"),
                ('state', 'closed'),
                ('registered_by', self.employee('so.admin1').id)]:
            with self.subTest(field=name), \
                    self.acting_as('so.admin1', client=True):
                self.assertGuard(ProtectedFieldError,
                    'edaftar_base.msg_field_protected',
                    lambda: Receipt.write([receipt], {name: value}),
                    field=Receipt._fields[name].string,
                    record=receipt.rec_name)
        self.assertEqual(
            Receipt(receipt.id).holder, self.employee('so.admin1'))

    @with_transaction()
    def test_registered_receipt_delete(self):
        "A registered letter is not deleted, even by its clerk"
        Receipt = Pool().get('edaftar.receipt')
        receipt = self.receipt(holder=None)
        with self.acting_as('registrar.sgad', client=True):
            self.assertGuard(DocumentDeleteError,
                'edaftar_dak.msg_document_delete_draft',
                lambda: Receipt.delete([receipt]),
                document=receipt.rec_name)
