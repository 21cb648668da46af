# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The Dak's trust boundary, tried as a malicious insider would (issue 7):
ordinary staff logins calling the models directly, through proteus as a
client does (RPC conversion and access checks), and once over JSON-RPC.

Each refusal names the guard that must refuse it: its exception class and
its message. The classes of issue 7 covered here:

1. forged movement columns,
2. protected fields written with plain write/create, and corrections,
5. the related-field search and order oracle,
6. history reads (_datetime),
7. chat on documents one may not read,
8. unaudited confidential openings,
9. own flags."""
import datetime as dt
import importlib
import re
import unittest

from proteus import Model
from trytond import backend
from trytond.config import get as config_get
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.tests.tools import (
    PASSWORD, JsonRpc, RPCError, get_user, setup_government, trytond_server)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules, set_user
from trytond.transaction import Transaction

# The messages of the guards, as agreed; the database's text is used when it
# exists (what gettext renders), these otherwise.
MESSAGES = {
    'edaftar_base.msg_field_protected': (
        'The field "%(field)s" of "%(record)s" is set by the server: it '
        'changes only through its buttons and movements.'),
    'edaftar_dak.msg_move_field_server': (
        'A movement\'s "%(field)s" is set by the server; it cannot be '
        'given.'),
    'edaftar_dak.msg_move_action_not_allowed': (
        'A move cannot be a "%(action)s": use Mark, Forward, Return, Send '
        'Back or Pull Back; close and reopen with their buttons.'),
    'edaftar_dak.msg_correction_reason': (
        'Give the reason for correcting "%(fields)s" of "%(receipt)s".'),
    'edaftar_base.msg_history_not_readable': (
        'You cannot read the history of "%(records)s": you may not read '
        'them now.'),
    'edaftar_base.msg_order_related': (
        'You cannot sort by "%(field)s": it belongs to another record.'),
    'edaftar_base.msg_chat_not_readable': (
        'You cannot use the discussion of "%(resource)s": you may not read '
        'it.'),
    'edaftar_base.msg_chat_follower_not_readable': (
        '"%(user)s" cannot follow the discussion of "%(resource)s": they '
        'may not read it.'),
    'ir.msg_read_rule_error': (
        'You are not allowed to read records "%(ids)s" of "%(model)s" '
        'because of at least one of these rules:\n%(rules)s'),
    }

# (module, class name) of each guard's exception; looked up when a test
# runs, so that a missing class fails that test only.
PROTECTED = ('edaftar_base', 'ProtectedFieldError')
HISTORY = ('edaftar_base', 'HistoryAccessError')
CHAT = ('edaftar_base', 'ChatAccessError')
DOMAIN = ('edaftar_base', 'DomainAccessError')
MOVE = ('edaftar_dak', 'MoveError')
CORRECTION = ('edaftar_dak', 'CorrectionError')
# The parent class each must have.
BASES = {
    PROTECTED: AccessError, HISTORY: AccessError, CHAT: AccessError,
    DOMAIN: AccessError,
    }

# The oracle fixture: what so.admin1 holds, and what the Assistant of his
# section (officer.admin1) may and may not read of it.
SECRET_FILE = "Zircon mine inquiry"          # confidential: not readable
SECRET_NOTE = "Zircon witness statement"
OPEN_FILE = "Nectar supplies"                # normal: readable
OPEN_NOTE = "Nectar tender opened"
IN_SECRET_FILE = "Routine letter Alpha"      # normal, in SECRET_FILE
IN_OPEN_FILE = "Routine letter Bravo"        # normal, in OPEN_FILE
SECRET_RECEIPT = "Quartz complaint"          # confidential, in OPEN_FILE
SECRET_DRAFT = "Reply on the Quartz complaint"
OPEN_DRAFT = "Reply on letter Bravo"

RECEIPT_PARTICULARS = [
    'subject', 'sender_name', 'sender_designation', 'sender_organisation',
    'sender_address', 'letter_ref', 'letter_date', 'received_date', 'mode',
    'category', 'priority', 'confidentiality']


def _ids(login, config):
    User = Model.get('res.user', config=config)
    Employee = Model.get('company.employee', config=config)
    user, = User.find([('login', '=', login)])
    employee, = Employee.find([('user', '=', user.id)])
    return user, employee.id


def _call(config, model, method, *args):
    return getattr(config.get_proxy(model), method)(*args, config.context)


def setup_oracle(config):
    """so.admin1 holds a confidential file with a normal letter in it, and
    a normal file with a normal and a confidential letter, two dispatched
    replies; the Assistant of his section has flags on them."""
    admin = config.user
    employees = {}
    users = {}
    for login in ['so.admin1', 'as.admin', 'registrar.sgad',
            'officer.admin1']:
        users[login], employees[login] = _ids(login, config)

    def login(name):
        set_user(users[name], config=config)

    def call(model, method, *args):
        return _call(config, model, method, *args)

    login('so.admin1')
    secret_file, open_file = call('edaftar.file', 'create', [{
                'subject': SECRET_FILE, 'confidentiality': 'confidential',
                }, {
                'subject': OPEN_FILE,
                }])
    # Noted once opened (test_confidential_file_created_with_noting does
    # both in one save).
    call('edaftar.file', 'write',
        [secret_file], {'notes': [('create', [{'text': SECRET_NOTE}])]},
        [open_file], {'notes': [('create', [{'text': OPEN_NOTE}])]})
    login('registrar.sgad')
    receipts = {}
    for subject, confidentiality in [
            (IN_SECRET_FILE, 'normal'), (IN_OPEN_FILE, 'normal'),
            (SECRET_RECEIPT, 'confidential')]:
        receipt, = call('edaftar.receipt', 'create', [{
                    'sender_name': "Sender", 'subject': subject,
                    'confidentiality': confidentiality}])
        call('edaftar.receipt', 'register', [receipt])
        call('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{receipt}',
                    'action': 'mark',
                    'to_employee': employees['so.admin1']}])
        receipts[subject] = receipt
    login('so.admin1')
    call('edaftar.receipt', 'place_in_file',
        [receipts[IN_SECRET_FILE]], secret_file)
    call('edaftar.receipt', 'place_in_file',
        [receipts[IN_OPEN_FILE], receipts[SECRET_RECEIPT]], open_file)
    drafts = call('edaftar.draft', 'create', [{
                'file': open_file, 'subject': SECRET_DRAFT,
                'body': "We have looked into the complaint.",
                'addressee_name': "Complainant",
                'receipt': receipts[SECRET_RECEIPT],
                }, {
                'file': open_file, 'subject': OPEN_DRAFT,
                'body': "Your letter is under consideration.",
                'addressee_name': "Sender",
                'receipt': receipts[IN_OPEN_FILE],
                }])
    call('edaftar.draft', 'submit', drafts)
    call('edaftar.movement', 'create', [{
                'document': f'edaftar.file,{open_file}',
                'action': 'forward', 'to_employee': employees['as.admin']}])
    login('as.admin')
    call('edaftar.draft', 'approve', drafts)
    call('edaftar.movement', 'create', [{
                'document': f'edaftar.file,{open_file}',
                'action': 'return'}])
    login('so.admin1')
    call('edaftar.draft', 'dispatch', drafts)

    # The officer's own flags, made by the server as him: the search
    # through them is tested here, not how a flag is made (test_flag_*).
    with Transaction().start(
            config.database_name, users['officer.admin1'].id) as transaction:
        Flag = Pool(config.database_name).get('edaftar.flag')
        Flag.create([{'document': document, 'due_date': dt.date.today()}
                for document in [
                    f'edaftar.receipt,{receipts[IN_SECRET_FILE]}',
                    f'edaftar.receipt,{receipts[IN_OPEN_FILE]}',
                    f'edaftar.file,{open_file}']])
        transaction.commit()
    set_user(admin, config=config)


class TrustBoundaryTestCase(unittest.TestCase):
    "Issue 7: the record cannot be forged, rewritten or read around"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_dak', setup_government, setup_oracle)
        cls.admin = cls.config.user
        User = Model.get('res.user')
        Employee = Model.get('company.employee')
        Unit = Model.get('edaftar.org.unit')
        cls.users = {u.login: u.id for u in User.find([])}
        cls.employees = {
            e.user.login: e.id for e in Employee.find([('user', '!=', None)])}
        cls.units = {u.name: u.id for u in Unit.find([])}
        cls.templates = _templates(cls.config.database_name)
        cls.fields = {
            name: Model.get(name)._fields for name in [
                'edaftar.receipt', 'edaftar.file', 'edaftar.movement']}

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.today = dt.date.today()
        self.addCleanup(set_user, self.admin)

    # Helpers

    def login(self, login):
        set_user(self.admin if login == 'admin' else self.users[login])

    def call(self, model, method, *args, context=None):
        "model.method(*args) as the current user, as a client calls it"
        ctx = self.config.context
        ctx.update(context or {})
        return getattr(self.config.get_proxy(model), method)(*args, ctx)

    def as_admin(self, model, method, *args, context=None):
        user = self.config.user
        self.login('admin')
        try:
            return self.call(model, method, *args, context=context)
        finally:
            set_user(user)

    def read(self, model, id_, *names):
        "The fields of the record as the administrator sees them"
        record, = self.as_admin(model, 'read', [id_], list(names))
        return record

    def receipt(self, subject, holder='so.admin1',
            confidentiality='normal', registrar='registrar.sgad'):
        "A receipt registered and marked to holder; its id"
        user = self.config.user
        self.login(registrar)
        receipt, = self.call('edaftar.receipt', 'create', [{
                    'sender_name': "Sender", 'subject': subject,
                    'confidentiality': confidentiality}])
        self.call('edaftar.receipt', 'register', [receipt])
        self.call('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{receipt}',
                    'action': 'mark',
                    'to_employee': self.employees[holder]}])
        set_user(user)
        return receipt

    def file(self, subject, holder='so.admin1', confidentiality='normal',
            note=None):
        "A file opened by holder; its id"
        user = self.config.user
        self.login(holder)
        values = {'subject': subject, 'confidentiality': confidentiality}
        if note:
            values['notes'] = [('create', [{'text': note}])]
        file, = self.call('edaftar.file', 'create', [values])
        set_user(user)
        return file

    def move(self, login, model, id_, to, action='forward'):
        user = self.config.user
        self.login(login)
        self.call('edaftar.movement', 'create', [{
                    'document': f'{model},{id_}', 'action': action,
                    'to_employee': self.employees[to]}])
        set_user(user)

    def oracle(self, model, subject):
        "The id of the record of the oracle fixture with subject"
        field = 'text' if model == 'edaftar.note' else 'subject'
        ids = self.as_admin(model, 'search', [(field, '=', subject)],
            0, None, None)
        self.assertEqual(len(ids), 1, (model, subject))
        return ids[0]

    def audit(self, model, record_id, action, login=None):
        "The audit lines of action on the record (by login)"
        domain = [
            ('model', '=', model), ('record_id', '=', record_id),
            ('action', '=', action)]
        if login:
            domain.append(('user', '=', self.users[login]))
        return self.as_admin('edaftar.audit.log', 'search_read', domain,
            0, None, [('id', 'ASC')], ['details', 'user'])

    def field_names(self, model, name):
        "The names a message may give for a field: its name or its label"
        return {name, self.fields[model][name]['string']}

    def assertRefused(self, call, error, msg_id, **expected):
        """call is refused by the guard raising error (a (module, class)
        pair or a class) with the message msg_id; expected: for some of the
        message's variables, a substring of its value or a collection of
        which the value (or one item of a comma-separated list) is one"""
        try:
            result = call()
        except Exception as exception:
            raised = exception
        else:
            self.fail(f"not refused (answered {result!r}); expected "
                f"{error[1] if isinstance(error, tuple) else error.__name__}"
                f" {msg_id}")
        message = getattr(raised, 'message', str(raised))
        if isinstance(error, tuple):
            base = BASES.get(error)
            module, name = error
            error = getattr(importlib.import_module(
                    f'trytond.modules.{module}.exceptions'), name, None)
            self.assertIsNotNone(error, (
                    f"{module}.exceptions.{name} does not exist; refused by "
                    f"{type(raised).__name__}: {message}"))
            if base:
                self.assertTrue(issubclass(error, base),
                    f"{name} is not a {base.__name__}")
        self.assertIsInstance(raised, error,
            f"refused by {type(raised).__name__}: {message}")
        template = self.templates.get(msg_id, MESSAGES[msg_id])
        match = _pattern(template).fullmatch(message)
        self.assertIsNotNone(match,
            f"message {message!r} is not {msg_id}: {template!r}")
        for key, value in expected.items():
            got = match.group(key)
            if isinstance(value, str):
                self.assertIn(value, got, (msg_id, key))
            elif not ({got, *re.split(r',\s*', got)} & set(value)):
                self.fail(f"{msg_id} gives {key} {got!r}, none of {value}")
        return raised

    # 1. Forged movement columns

    def test_movement_forged_receipt_column(self):
        "Moving a file one holds while naming another's receipt is refused"
        file = self.file("Forged column file")
        other = self.receipt("Finance letter, not his",
            holder='so.budget1', registrar='registrar.fin')
        self.login('so.admin1')
        self.assertRefused(
            lambda: self.call('edaftar.movement', 'create', [{
                            'document': f'edaftar.file,{file}',
                            'action': 'forward',
                            'to_employee': self.employees['as.admin'],
                            'receipt': other}]),
            MOVE, 'edaftar_dak.msg_move_field_server',
            field=self.field_names('edaftar.movement', 'receipt'))
        # Nothing was planted in the other letter's history, nothing moved.
        self.assertEqual(len(self.as_admin('edaftar.movement', 'search',
                    [('receipt', '=', other)], 0, None, None)), 1)
        self.assertEqual(self.read('edaftar.receipt', other, 'holder')[
                'holder'], self.employees['so.budget1'])
        self.assertEqual(self.read('edaftar.file', file, 'holder')['holder'],
            self.employees['so.admin1'])

    def test_movement_forged_file_column(self):
        "Moving a receipt while naming a file one cannot see is refused"
        receipt = self.receipt("Letter moved with a forged file")
        secret = self.file("Budget secrets", holder='so.budget1',
            confidentiality='confidential')
        self.login('so.admin1')
        self.assertRefused(
            lambda: self.call('edaftar.movement', 'create', [{
                            'document': f'edaftar.receipt,{receipt}',
                            'action': 'forward',
                            'to_employee': self.employees['as.admin'],
                            'file': secret}]),
            MOVE, 'edaftar_dak.msg_move_field_server',
            field=self.field_names('edaftar.movement', 'file'))
        self.assertEqual(self.as_admin('edaftar.movement', 'search',
                [('file', '=', secret)], 0, None, None), [])
        self.assertEqual(self.read('edaftar.receipt', receipt, 'holder')[
                'holder'], self.employees['so.admin1'])

    def test_movement_server_columns_refused(self):
        "Who sent a move, from where, when and for whom cannot be given"
        forged = {
            'from_employee': self.employees['so.admin2'],
            'from_unit': self.units["Finance"],
            'actor': self.users['cs'],
            'sent_at': dt.datetime(2020, 1, 1, 9, 0),
            'on_behalf_of': self.employees['secretary.sgad'],
            'read_at': dt.datetime.now(),
            }
        for name, value in forged.items():
            with self.subTest(field=name):
                receipt = self.receipt(f"Letter with a forged {name}")
                self.login('so.admin1')
                self.assertRefused(
                    lambda: self.call('edaftar.movement', 'create', [{
                                'document': f'edaftar.receipt,{receipt}',
                                'action': 'forward',
                                'to_employee': self.employees['as.admin'],
                                name: value}]),
                    MOVE, 'edaftar_dak.msg_move_field_server',
                    field=self.field_names('edaftar.movement', name))
                self.assertEqual(self.read('edaftar.receipt', receipt,
                        'holder')['holder'], self.employees['so.admin1'])

    def test_movement_server_actions_refused(self):
        "Escalating, closing or reopening by a movement is the server's"
        for action in ['escalate', 'close', 'reopen']:
            with self.subTest(action=action):
                receipt = self.receipt(f"Letter the holder would {action}")
                self.login('so.admin1')
                self.assertRefused(
                    lambda: self.call('edaftar.movement', 'create', [{
                                'document': f'edaftar.receipt,{receipt}',
                                'action': action,
                                'to_employee': self.employees['as.admin'],
                                }]),
                    MOVE, 'edaftar_dak.msg_move_action_not_allowed',
                    action=action)
                self.assertEqual(self.read('edaftar.receipt', receipt,
                        'holder')['holder'], self.employees['so.admin1'])

    def test_movement_client_columns_accepted(self):
        "What a client gives for a move is still accepted"
        receipt = self.receipt("Letter moved properly")
        due = self.today + dt.timedelta(days=5)
        self.login('so.admin1')
        movement, = self.call('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{receipt}',
                    'action': 'forward', 'purpose': 'action',
                    'to_employee': self.employees['as.admin'],
                    'to_unit': None, 'instructions': "Please see",
                    'due_date': due}])
        values = self.read('edaftar.movement', movement,
            'receipt', 'from_employee', 'to_employee', 'actor', 'due_date')
        self.assertEqual(
            (values['receipt'], values['from_employee'],
                values['to_employee'], values['actor'], values['due_date']),
            (receipt, self.employees['so.admin1'],
                self.employees['as.admin'], self.users['so.admin1'], due))

    # 2. Protected fields, and corrections

    def test_receipt_protected_fields_write(self):
        "The holder cannot write what the server sets on his receipt"
        file = self.file("File not reached through Put in File")
        values = {
            'number': 'SGAD-2000-999999',
            'state': 'closed',
            'holder': self.employees['so.admin2'],
            'holder_unit': self.units["Finance"],
            'due_date': self.today + dt.timedelta(days=60),
            'department': self.units["Finance"],
            'registered_by': self.employees['so.admin1'],
            'registered_at': dt.datetime(2020, 1, 1, 9, 0),
            'participants': [('add', [self.employees['so.budget1']])],
            'file': file,
            'movements': None,
            }
        for name, value in values.items():
            with self.subTest(field=name):
                receipt = self.receipt(f"Holder writes {name}")
                if name == 'movements':
                    value = [('add', self.as_admin('edaftar.movement',
                                'search', [('receipt', '=', receipt)],
                                0, None, None))]
                before = self.read('edaftar.receipt', receipt, name)[name]
                self.login('so.admin1')
                self.assertRefused(
                    lambda: self.call('edaftar.receipt', 'write',
                        [receipt], {name: value}),
                    PROTECTED, 'edaftar_base.msg_field_protected',
                    field=self.field_names('edaftar.receipt', name))
                self.assertEqual(
                    self.read('edaftar.receipt', receipt, name)[name], before)

    def test_receipt_protected_fields_write_admin(self):
        "Neither can the administrator"
        values = {
            'number': 'SGAD-2000-999998',
            'state': 'archived',
            'holder_unit': self.units["Finance"],
            'holder': self.employees['so.admin2'],
            'participants': [('add', [self.employees['so.budget1']])],
            }
        for name, value in values.items():
            with self.subTest(field=name):
                receipt = self.receipt(f"Administrator writes {name}")
                before = self.read('edaftar.receipt', receipt, name)[name]
                self.login('admin')
                self.assertRefused(
                    lambda: self.call('edaftar.receipt', 'write',
                        [receipt], {name: value}),
                    PROTECTED, 'edaftar_base.msg_field_protected',
                    field=self.field_names('edaftar.receipt', name))
                self.assertEqual(
                    self.read('edaftar.receipt', receipt, name)[name], before)

    def test_receipt_protected_fields_create(self):
        "A receipt cannot be created already registered, numbered or held"
        file = self.file("File given at creation")
        values = {
            'number': 'SGAD-2000-000001',
            'state': 'registered',
            'registered_by': self.employees['registrar.sgad'],
            'registered_at': dt.datetime(2020, 1, 1, 9, 0),
            'holder': self.employees['so.admin2'],
            'holder_unit': self.units["Finance"],
            'participants': [('add', [self.employees['so.budget1']])],
            'file': file,
            }
        for login in ['registrar.sgad', 'admin']:
            for name, value in values.items():
                with self.subTest(login=login, field=name):
                    subject = f"{login} creates with {name}"
                    self.login(login)
                    self.assertRefused(
                        lambda: self.call('edaftar.receipt', 'create', [{
                                    'sender_name': "Sender",
                                    'subject': subject,
                                    'department': self.units[
                                        "Services & General Administration"],
                                    name: value}]),
                        PROTECTED, 'edaftar_base.msg_field_protected',
                        field=self.field_names('edaftar.receipt', name))
                    self.assertEqual(self.as_admin('edaftar.receipt',
                            'search', [('subject', '=', subject)],
                            0, None, None), [])
        # Its default, given, is accepted.
        self.login('registrar.sgad')
        receipt, = self.call('edaftar.receipt', 'create', [{
                    'sender_name': "Sender", 'subject': "Given as draft",
                    'state': 'draft'}])
        self.assertEqual(
            self.read('edaftar.receipt', receipt, 'state')['state'], 'draft')

    def test_file_protected_fields_write(self):
        "The holder cannot write what the server sets on his file"
        values = {
            'number': 'SGAD-F-2000-99999',
            'state': 'closed',
            'holder': self.employees['so.admin2'],
            'holder_unit': self.units["Finance"],
            'section': self.units["Admin-II Section"],
            'department': self.units["Finance"],
            'opened_by': self.employees['so.admin2'],
            'participants': [('add', [self.employees['so.budget1']])],
            'receipts': None,
            }
        for login in ['so.admin1', 'admin']:
            for name, value in values.items():
                with self.subTest(login=login, field=name):
                    file = self.file(f"{login} writes {name} of a file")
                    if name == 'receipts':
                        value = [('add', [self.receipt(
                                        f"{login} files by writing")])]
                    before = self.read('edaftar.file', file, name)[name]
                    self.login(login)
                    self.assertRefused(
                        lambda: self.call('edaftar.file', 'write',
                            [file], {name: value}),
                        PROTECTED, 'edaftar_base.msg_field_protected',
                        field=self.field_names('edaftar.file', name))
                    self.assertEqual(
                        self.read('edaftar.file', file, name)[name], before)

    def test_receipt_holder_writes_what_is_his(self):
        "The holder still writes the disposal remark; a draft's particulars"
        receipt = self.receipt("Remark to write")
        self.login('so.admin1')
        self.call('edaftar.receipt', 'write', [receipt],
            {'disposal_remark': "Filed"})
        self.login('registrar.sgad')
        draft, = self.call('edaftar.receipt', 'create', [{
                    'sender_name': "Sender", 'subject': "Draft subject"}])
        self.call('edaftar.receipt', 'write', [draft],
            {'subject': "Draft subject, retyped", 'mode': 'post'})
        self.assertEqual(
            self.read('edaftar.receipt', receipt, 'disposal_remark')[
                'disposal_remark'], "Filed")
        self.assertEqual(
            self.read('edaftar.receipt', draft, 'subject')['subject'],
            "Draft subject, retyped")

    def test_receipt_correction_needs_reason(self):
        "A registered letter's particulars change only with a reason"
        values = {
            'subject': "Silently rewritten",
            'sender_name': "Someone else",
            'sender_designation': "Other designation",
            'sender_organisation': "Other organisation",
            'sender_address': "Other address",
            'letter_ref': "OTHER/1",
            'letter_date': self.today - dt.timedelta(days=10),
            'received_date': self.today - dt.timedelta(days=1),
            'mode': 'post',
            'category': 'complaint',
            'priority': 'immediate',
            'confidentiality': 'secret',
            }
        self.assertEqual(set(values), set(RECEIPT_PARTICULARS))
        receipt = self.receipt("Registered particulars")
        for name, value in values.items():
            with self.subTest(field=name):
                before = self.read('edaftar.receipt', receipt, name)[name]
                self.login('so.admin1')
                self.assertRefused(
                    lambda: self.call('edaftar.receipt', 'write',
                        [receipt], {name: value}),
                    CORRECTION, 'edaftar_dak.msg_correction_reason',
                    fields=self.field_names('edaftar.receipt', name))
                self.assertEqual(
                    self.read('edaftar.receipt', receipt, name)[name], before)
        self.assertEqual(self.audit('edaftar.receipt', receipt, 'correct'), [])

    def test_receipt_correction_with_reason(self):
        "With a reason the holder corrects it, and the audit log says why"
        self.assertIn('correction_reason', self.fields['edaftar.receipt'])
        receipt = self.receipt("Posting of Tehsildars")
        reason = "Subject and sender misread at the counter"
        self.login('so.admin1')
        self.call('edaftar.receipt', 'write', [receipt], {
                'subject': "Posting of Naib Tehsildars",
                'sender_name': "Commissioner Quetta",
                'correction_reason': reason,
                })
        values = self.read('edaftar.receipt', receipt,
            'subject', 'sender_name', 'correction_reason')
        self.assertEqual(
            (values['subject'], values['sender_name']),
            ("Posting of Naib Tehsildars", "Commissioner Quetta"))
        self.assertFalse(values['correction_reason'])
        line, = self.audit('edaftar.receipt', receipt, 'correct', 'so.admin1')
        self.assertIn(reason, line['details'])
        for name in ['subject', 'sender_name']:
            self.assertTrue(
                any(n in line['details'] for n in
                    self.field_names('edaftar.receipt', name)),
                (name, line['details']))

    def test_file_correction_needs_reason(self):
        "A file's confidentiality and priority change only with a reason"
        self.assertIn('correction_reason', self.fields['edaftar.file'])
        file = self.file("File to reclassify")
        self.login('so.admin1')
        for name, value in [('confidentiality', 'secret'),
                ('priority', 'urgent')]:
            with self.subTest(field=name):
                self.assertRefused(
                    lambda: self.call('edaftar.file', 'write',
                        [file], {name: value}),
                    CORRECTION, 'edaftar_dak.msg_correction_reason',
                    fields=self.field_names('edaftar.file', name))
        self.assertEqual(
            self.read('edaftar.file', file, 'confidentiality', 'priority'),
            {'id': file, 'confidentiality': 'normal', 'priority': 'normal'})
        # Free text of an open file needs none.
        self.call('edaftar.file', 'write', [file],
            {'description': "Reclassification of the posts"})
        reason = "Contains personal records"
        self.call('edaftar.file', 'write', [file], {
                'confidentiality': 'confidential',
                'correction_reason': reason})
        values = self.read('edaftar.file', file,
            'confidentiality', 'correction_reason')
        self.assertEqual(values['confidentiality'], 'confidential')
        self.assertFalse(values['correction_reason'])
        line, = self.audit('edaftar.file', file, 'correct', 'so.admin1')
        self.assertIn(reason, line['details'])
        self.assertTrue(any(n in line['details'] for n in
                self.field_names('edaftar.file', 'confidentiality')))

    # 5. The related-field search and order oracle

    def oracle_search(self, model, domain, expected):
        """model.search(domain) as the Assistant of Admin-I gives exactly
        the oracle records expected (model, subject)"""
        ids = [self.oracle(m, s) for m, s in expected]
        self.login('officer.admin1')
        try:
            found = self.call(model, 'search', domain, 0, None, None)
        finally:
            self.login('admin')
        self.assertEqual(sorted(found), sorted(ids), (model, domain))

    def test_oracle_fixture(self):
        "What the Assistant of Admin-I may read of the oracle fixture"
        self.login('officer.admin1')
        for model, subject, readable in [
                ('edaftar.file', SECRET_FILE, False),
                ('edaftar.file', OPEN_FILE, True),
                ('edaftar.receipt', IN_SECRET_FILE, True),
                ('edaftar.receipt', IN_OPEN_FILE, True),
                ('edaftar.receipt', SECRET_RECEIPT, False),
                ('edaftar.draft', SECRET_DRAFT, True),
                ('edaftar.draft', OPEN_DRAFT, True),
                ]:
            with self.subTest(model=model, subject=subject):
                id_ = self.oracle(model, subject)
                self.login('officer.admin1')
                self.assertEqual(
                    self.call(model, 'search', [('id', '=', id_)],
                        0, None, None),
                    [id_] if readable else [])

    def test_search_receipt_through_file(self):
        "Receipts: the subject and noting of a file one cannot read"
        R = 'edaftar.receipt'
        for domain, expected in [
                ([('file.subject', 'ilike', 'Zirc%')], []),
                ([('file', 'ilike', 'Zirc%')], []),
                ([('file.notes.text', 'ilike', '%witness%')], []),
                ([('file.subject', 'ilike', 'Nect%')],
                    [(R, IN_OPEN_FILE)]),
                ([('file', 'ilike', 'Nect%')], [(R, IN_OPEN_FILE)]),
                ([('file.notes.text', 'ilike', '%tender%')],
                    [(R, IN_OPEN_FILE)]),
                ]:
            with self.subTest(domain=domain):
                self.oracle_search(R, domain, expected)

    def test_search_file_through_receipts(self):
        "Files: the subject of a letter one cannot read"
        F = 'edaftar.file'
        for domain, expected in [
                ([('receipts.subject', 'ilike', 'Quartz%')], []),
                ([('receipts.subject', 'ilike', 'Routine letter B%')],
                    [(F, OPEN_FILE)]),
                ]:
            with self.subTest(domain=domain):
                self.oracle_search(F, domain, expected)

    def test_search_movement_through_documents(self):
        "Movements: the letter's file, the letter"
        R, M = 'edaftar.receipt', 'edaftar.movement'

        def movements(subject):
            return self.as_admin(M, 'search',
                [('receipt', '=', self.oracle(R, subject))], 0, None, None)
        for domain, expected in [
                ([('receipt.file.subject', 'ilike', 'Zirc%')], []),
                ([('receipt.file', 'ilike', 'Zirc%')], []),
                ([('receipt.file.notes.text', 'ilike', '%witness%')], []),
                ([('receipt.subject', 'ilike', 'Quartz%')], []),
                ([('file.subject', 'ilike', 'Zirc%')], []),
                ([('receipt.file.subject', 'ilike', 'Nect%')],
                    movements(IN_OPEN_FILE)),
                ([('receipt.subject', 'ilike', 'Routine letter A%')],
                    movements(IN_SECRET_FILE)),
                ]:
            with self.subTest(domain=domain):
                self.login('officer.admin1')
                found = self.call(M, 'search', domain, 0, None, None)
                self.login('admin')
                self.assertEqual(sorted(found), sorted(expected))
        self.assertTrue(movements(IN_OPEN_FILE))

    def test_search_note_through_file(self):
        "Notes: the letters of their file"
        N = 'edaftar.note'
        for domain, expected in [
                ([('file.receipts.subject', 'ilike', 'Quartz%')], []),
                ([('file.receipts.subject', 'ilike', 'Routine letter B%')],
                    [(N, OPEN_NOTE)]),
                ]:
            with self.subTest(domain=domain):
                self.oracle_search(N, domain, expected)

    def test_search_draft_through_receipt(self):
        "Drafts: the letter they answer"
        D = 'edaftar.draft'
        for domain, expected in [
                ([('receipt.subject', 'ilike', 'Quartz%')], []),
                ([('receipt', 'ilike', 'Quartz%')], []),
                ([('receipt.subject', 'ilike', 'Routine letter B%')],
                    [(D, OPEN_DRAFT)]),
                ]:
            with self.subTest(domain=domain):
                self.oracle_search(D, domain, expected)

    def test_search_dispatch_through_receipt(self):
        "Dispatches: the letter they answer"
        X = 'edaftar.dispatch'
        secret = self.as_admin(X, 'search',
            [('subject', '=', SECRET_DRAFT)], 0, None, None)
        open_ = self.as_admin(X, 'search',
            [('subject', '=', OPEN_DRAFT)], 0, None, None)
        self.assertEqual((len(secret), len(open_)), (1, 1))
        for domain, expected in [
                ([('receipt.subject', 'ilike', 'Quartz%')], []),
                ([('receipt', 'ilike', 'Quartz%')], []),
                ([('receipt.subject', 'ilike', 'Routine letter B%')],
                    open_),
                ([('id', 'in', secret + open_)], secret + open_),
                ]:
            with self.subTest(domain=domain):
                self.login('officer.admin1')
                found = self.call(X, 'search', domain, 0, None, None)
                self.login('admin')
                self.assertEqual(sorted(found), sorted(expected))

    def test_search_flag_through_documents(self):
        "Flags: the file of the flagged letter, the letters of the file"
        R, F, L = 'edaftar.receipt', 'edaftar.file', 'edaftar.flag'

        def flag(model, subject):
            self.login('officer.admin1')
            try:
                field = model.split('.')[1]
                ids = self.call(L, 'search',
                    [(field, '=', self.oracle(model, subject))],
                    0, None, None)
            finally:
                self.login('admin')
            self.assertEqual(len(ids), 1, (model, subject))
            return ids
        for domain, expected in [
                ([('receipt.file.subject', 'ilike', 'Zirc%')], []),
                ([('receipt.file', 'ilike', 'Zirc%')], []),
                ([('file.receipts.subject', 'ilike', 'Quartz%')], []),
                ([('receipt.file.subject', 'ilike', 'Nect%')],
                    flag(R, IN_OPEN_FILE)),
                ([('file.receipts.subject', 'ilike', 'Routine letter B%')],
                    flag(F, OPEN_FILE)),
                ]:
            with self.subTest(domain=domain):
                self.login('officer.admin1')
                found = self.call(L, 'search', domain, 0, None, None)
                self.login('admin')
                self.assertEqual(sorted(found), sorted(expected))

    def test_order_through_related_refused(self):
        "Sorting by a field of another record is refused"
        for model, order, field in [
                ('edaftar.receipt', [('file.subject', 'ASC')], 'file'),
                ('edaftar.movement', [('receipt.subject', 'ASC')],
                    'receipt'),
                ('edaftar.note', [('file.subject', 'DESC')], 'file'),
                ]:
            with self.subTest(model=model, order=order):
                self.login('officer.admin1')
                self.assertRefused(
                    lambda: self.call(model, 'search', [], 0, None, order),
                    DOMAIN, 'edaftar_base.msg_order_related', field=field)
        # Its own fields still sort.
        self.login('officer.admin1')
        self.assertTrue(self.call('edaftar.receipt', 'search', [], 0, None,
                [('subject', 'ASC')]))

    # 6. History reads

    def left_section(self, subject):
        """A letter and a file with a paragraph seen in Admin-I, then
        forwarded to Finance: (receipt, file, note, a moment before)"""
        receipt = self.receipt(subject)
        file = self.file(f"File on {subject}", note=f"Noting on {subject}")
        note, = self.read('edaftar.file', file, 'notes')['notes']
        self.login('officer.admin1')
        for model, id_ in [('edaftar.receipt', receipt),
                ('edaftar.file', file), ('edaftar.note', note)]:
            self.assertEqual(self.call(model, 'search', [('id', '=', id_)],
                    0, None, None), [id_], model)
        self.login('admin')
        moment = max(
            max(filter(None, [v['create_date'], v['write_date']]))
            for v in [
                self.read('edaftar.receipt', receipt,
                    'create_date', 'write_date'),
                self.read('edaftar.file', file, 'create_date', 'write_date'),
                self.read('edaftar.note', note, 'create_date', 'write_date'),
                ])
        self.move('so.admin1', 'edaftar.receipt', receipt, 'secretary.fin')
        self.move('so.admin1', 'edaftar.file', file, 'secretary.fin')
        return receipt, file, note, moment

    def test_history_read_refused(self):
        "Once a letter has left the section, its past cannot be read there"
        receipt, file, note, moment = self.left_section("Left for Finance")
        past = {'_datetime': moment}
        for login in ['officer.admin1', 'as.admin']:
            for model, id_, name in [
                    ('edaftar.receipt', receipt, 'subject'),
                    ('edaftar.file', file, 'subject'),
                    ('edaftar.note', note, 'text')]:
                with self.subTest(login=login, model=model):
                    self.login(login)
                    # Today, the rule refuses it.
                    self.assertRaises(AccessError, self.call,
                        model, 'read', [id_], [name])
                    self.assertRefused(
                        lambda: self.call(model, 'read', [id_], [name],
                            context=past),
                        HISTORY, 'edaftar_base.msg_history_not_readable')

    def test_history_search_filtered(self):
        "Searching the past finds only what one may read today"
        receipt, file, note, moment = self.left_section("Searched in past")
        past = {'_datetime': moment}
        self.login('officer.admin1')
        for model, id_ in [('edaftar.receipt', receipt),
                ('edaftar.file', file), ('edaftar.note', note)]:
            with self.subTest(model=model):
                self.assertEqual(self.call(model, 'search',
                        [('id', '=', id_)], 0, None, None, context=past), [])
        for field, id_ in [('receipt', receipt), ('file', file)]:
            with self.subTest(movements=field):
                self.assertEqual(self.call('edaftar.movement', 'search',
                        [(field, '=', id_)], 0, None, None, context=past), [])
                self.assertEqual(self.call('edaftar.movement', 'search_read',
                        [(field, '=', id_)], 0, None, None, ['action'],
                        context=past), [])

    def test_history_readable_by_those_who_may_read(self):
        "Who handled it, the auditor and the administrator read its past"
        receipt, file, note, moment = self.left_section("Past still read")
        past = {'_datetime': moment}
        for login in ['so.admin1', 'auditor', 'admin']:
            with self.subTest(login=login):
                self.login(login)
                values, = self.call('edaftar.receipt', 'read', [receipt],
                    ['holder', 'state'], context=past)
                self.assertEqual(values['holder'], self.employees['so.admin1'])
                values, = self.call('edaftar.file', 'read', [file],
                    ['holder'], context=past)
                self.assertEqual(values['holder'], self.employees['so.admin1'])
                self.assertEqual(len(self.call('edaftar.movement', 'search',
                            [('receipt', '=', receipt)], 0, None, None,
                            context=past)), 2)

    # 7. Chat

    def test_chat_unreadable_refused(self):
        "The discussion of a document one may not read cannot be used"
        receipt = self.receipt("Confidential chat", confidentiality='secret')
        file = self.file("Confidential chat file",
            confidentiality='confidential')
        normal = self.receipt("S&GAD chat, not for Finance")
        methods = [
            ('get', lambda r: (r, None, None)),
            ('post', lambda r: (r, "Leaked?", 'internal')),
            ('subscribe', lambda r: (r, None)),
            ('get_followers', lambda r: (r,)),
            ('search_followers', lambda r: (r, 'so')),
            ('unsubscribe', lambda r: (r, None)),
            ]
        for login, resource in [
                ('so.admin2', f'edaftar.receipt,{receipt}'),
                ('as.admin', f'edaftar.receipt,{receipt}'),
                ('so.admin2', f'edaftar.file,{file}'),
                ('secretary.fin', f'edaftar.receipt,{normal}'),
                ]:
            for method, args in methods:
                with self.subTest(login=login, resource=resource,
                        method=method):
                    self.login(login)
                    self.assertRefused(
                        lambda: self.call(
                            'ir.chat.channel', method, *args(resource)),
                        CHAT, 'edaftar_base.msg_chat_not_readable')
        self.assertEqual(self.as_admin('ir.chat.message', 'search',
                [('content', '=', "Leaked?")], 0, None, None), [])
        self.assertEqual(self.as_admin('ir.chat.follower', 'search',
                [('user', 'in', [self.users['so.admin2'],
                            self.users['as.admin'],
                            self.users['secretary.fin']])],
                0, None, None), [])

    def test_chat_follower_must_read(self):
        "Who may not read a document cannot be made to follow it"
        receipt = self.receipt("Secret discussion", confidentiality='secret')
        resource = f'edaftar.receipt,{receipt}'
        self.login('so.admin1')
        self.assertRefused(
            lambda: self.call(
                'ir.chat.channel', 'subscribe', resource, 'so.admin2'),
            CHAT, 'edaftar_base.msg_chat_follower_not_readable',
            user={'so.admin2', "Section Officer (Admin-II)"})
        self.assertNotIn('so.admin2', [f['key'] for f in self.call(
                    'ir.chat.channel', 'get_followers', resource)])

    def test_chat_holder_discusses(self):
        "The holder reads and posts; whoever may read it can follow it"
        receipt = self.receipt("Open discussion")
        resource = f'edaftar.receipt,{receipt}'
        self.login('so.admin1')
        self.call('ir.chat.channel', 'post', resource,
            "Please examine para 3", 'internal')
        self.call('ir.chat.channel', 'subscribe', resource, 'officer.admin1')
        self.assertIn("Please examine para 3", [m['content'] for m in
                self.call('ir.chat.channel', 'get', resource, None, None)])
        self.assertIn('officer.admin1', [f['key'] for f in self.call(
                    'ir.chat.channel', 'get_followers', resource)])
        self.login('officer.admin1')
        self.assertIn("Please examine para 3", [m['content'] for m in
                self.call('ir.chat.channel', 'get', resource, None, None)])

    # 8. Confidential openings are audited

    def test_confidential_receipt_opening_audited(self):
        "Any read of a confidential letter leaves one audit line"
        R = 'edaftar.receipt'
        reads = {
            'record': lambda id_: Model.get(R)(id_).subject,
            'find': lambda id_: [
                r.subject for r in Model.get(R).find([('id', '=', id_)])],
            'read': lambda id_: self.call(R, 'read', [id_],
                ['number', 'subject']),
            'list': lambda id_: self.call(R, 'search_read',
                [('subject', 'like', "Confidential, read by %")], 0, None,
                None, ['number', 'subject']),
            }
        for style, read in reads.items():
            with self.subTest(read=style):
                receipt = self.receipt(f"Confidential, read by {style}",
                    confidentiality='confidential')
                self.assertEqual(
                    self.audit(R, receipt, 'open', 'so.admin1'), [])
                self.login('so.admin1')
                read(receipt)
                self.assertEqual(
                    len(self.audit(R, receipt, 'open', 'so.admin1')), 1)
                # The same opening is not logged twice.
                self.login('so.admin1')
                read(receipt)
                self.call(R, 'read', [receipt], ['movements'])
                self.assertEqual(
                    len(self.audit(R, receipt, 'open', 'so.admin1')), 1)

    def test_confidential_file_opening_audited(self):
        "So does any read of a confidential file by whoever received it"
        F = 'edaftar.file'
        file = self.file("Confidential file received",
            confidentiality='secret')
        self.move('so.admin1', F, file, 'as.admin')
        self.assertEqual(self.audit(F, file, 'open', 'as.admin'), [])
        self.login('as.admin')
        self.assertEqual(Model.get(F)(file).subject,
            "Confidential file received")
        self.assertEqual(len(self.audit(F, file, 'open', 'as.admin')), 1)
        self.login('as.admin')
        self.call(F, 'read', [file], ['subject', 'movements'])
        self.assertEqual(len(self.audit(F, file, 'open', 'as.admin')), 1)

    def test_confidential_file_created_with_noting(self):
        "A confidential file and its first paragraph are saved together"
        F = 'edaftar.file'
        self.login('so.admin1')
        file, = self.call(F, 'create', [{
                    'subject': "Confidential, noted at once",
                    'confidentiality': 'confidential',
                    'notes': [('create', [{'text': "First paragraph"}])]}])
        notes = self.read(F, file, 'notes')['notes']
        self.assertEqual(
            [n['text'] for n in self.as_admin(
                    'edaftar.note', 'read', notes, ['text'])],
            ["First paragraph"])
        self.assertEqual(len(self.audit(F, file, 'open', 'so.admin1')), 1)

    def test_normal_opening_not_audited(self):
        "Reading a normal letter leaves no opening line"
        R = 'edaftar.receipt'
        receipt = self.receipt("Normal, read")
        self.login('so.admin1')
        self.assertEqual(Model.get(R)(receipt).subject, "Normal, read")
        self.call(R, 'read', [receipt], ['subject', 'movements'])
        self.login('officer.admin1')
        self.call(R, 'read', [receipt], ['subject'])
        self.assertEqual(self.audit(R, receipt, 'open'), [])

    # 9. Flags

    def test_flag_own(self):
        "A Section Officer flags a letter for himself; nobody else sees it"
        receipt = self.receipt("Letter to follow up")
        self.login('so.admin1')
        flag, = self.call('edaftar.flag', 'create', [{
                    'document': f'edaftar.receipt,{receipt}',
                    'due_date': self.today + dt.timedelta(days=2)}])
        values, = self.call('edaftar.flag', 'read', [flag],
            ['user', 'receipt'])
        self.assertEqual((values['user'], values['receipt']),
            (self.users['so.admin1'], receipt))
        self.assertEqual(self.call('edaftar.receipt', 'search',
                [('flagged_by_me', '=', True), ('id', '=', receipt)],
                0, None, None), [receipt])
        # The Assistant of the section reads the letter, not the flag.
        self.login('officer.admin1')
        self.assertEqual(self.call('edaftar.receipt', 'search',
                [('id', '=', receipt)], 0, None, None), [receipt])
        self.assertEqual(self.call('edaftar.flag', 'search',
                [('id', '=', flag)], 0, None, None), [])
        self.assertNotIn(flag,
            self.call('edaftar.flag', 'search', [], 0, None, None))

    def test_flag_unreadable_refused(self):
        "A letter one may not read cannot be flagged"
        other = self.receipt("Finance letter to flag",
            holder='so.budget1', registrar='registrar.fin')
        self.login('so.admin1')
        self.assertRefused(
            lambda: self.call('edaftar.flag', 'create', [{
                            'document': f'edaftar.receipt,{other}',
                            'due_date': self.today}]),
            AccessError, 'ir.msg_read_rule_error', model="Receipt")

    # The messages

    def test_messages(self):
        "The guards' messages say what was agreed"
        def shown(text):
            "The text as users read it, whatever its variables are named"
            return re.sub(r'%\(\w+\)s', '%s', text) if text else text
        for msg_id, text in MESSAGES.items():
            with self.subTest(msg_id=msg_id):
                self.assertEqual(
                    shown(self.templates.get(msg_id)), shown(text))


@unittest.skipUnless(backend.name == 'postgresql', "needs PostgreSQL")
class TrustBoundaryRpcTestCase(unittest.TestCase):
    "Classes 1 and 2 over JSON-RPC, against a real server"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules('edaftar_dak', setup_government)
        cls.server = trytond_server(config_get('database', 'uri'), DB_NAME)
        cls.url = cls.server.__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.server.__exit__(None, None, None)
        drop_db()
        super().tearDownClass()

    def client(self, login):
        rpc = JsonRpc(self.url, DB_NAME)
        rpc.login(login, PASSWORD)
        return rpc

    def assertRpcRefused(self, call, msg_id, **expected):
        with self.assertRaises(RPCError) as context:
            call()
        kind, (message, *_) = context.exception.args[:2]
        self.assertEqual(kind, 'UserError', context.exception.args)
        match = _pattern(MESSAGES[msg_id]).fullmatch(message)
        self.assertIsNotNone(match, f"{message!r} is not {msg_id}")
        for key, value in expected.items():
            self.assertIn(match.group(key), value, key)

    def test_forged_movement_and_holder_unit(self):
        "A forged movement column and a written holder unit are refused"
        clerk = self.client('registrar.sgad')
        employees = {e['user.']['login']: e['id'] for e in clerk.model(
                'company.employee', 'search_read',
                [('user.login', 'in',
                        ['so.admin1', 'so.budget1', 'as.admin'])],
                0, None, None, ['user.login'])}
        units = {u['name']: u['id'] for u in clerk.model(
                'edaftar.org.unit', 'search_read', [], 0, None, None,
                ['name'])}
        receipts = {}
        for registrar, holder in [('registrar.sgad', 'so.admin1'),
                ('registrar.fin', 'so.budget1')]:
            rpc = self.client(registrar)
            receipt, = rpc.model('edaftar.receipt', 'create', [{
                        'sender_name': "Sender", 'subject': f"For {holder}"}])
            rpc.model('edaftar.receipt', 'register', [receipt])
            rpc.model('edaftar.movement', 'create', [{
                        'document': f'edaftar.receipt,{receipt}',
                        'action': 'mark', 'to_employee': employees[holder]}])
            receipts[holder] = receipt

        officer = self.client('so.admin1')
        file, = officer.model('edaftar.file', 'create', [{
                    'subject': "Carrier of a forged receipt"}])
        self.assertRpcRefused(
            lambda: officer.model('edaftar.movement', 'create', [{
                        'document': f'edaftar.file,{file}',
                        'action': 'forward',
                        'to_employee': employees['as.admin'],
                        'receipt': receipts['so.budget1']}]),
            'edaftar_dak.msg_move_field_server',
            field={'receipt', "Receipt"})
        self.assertRpcRefused(
            lambda: officer.model('edaftar.receipt', 'write',
                [receipts['so.admin1']], {'holder_unit': units["Finance"]}),
            'edaftar_base.msg_field_protected',
            field={'holder_unit', "Holder Unit"})
        values, = officer.model('edaftar.receipt', 'read',
            [receipts['so.admin1']], ['holder_unit'])
        self.assertNotEqual(values['holder_unit'], units["Finance"])


def _templates(database_name):
    "The texts of the MESSAGES that exist in the database"
    templates = {}
    with Transaction().start(database_name, 0):
        pool = Pool(database_name)
        ModelData = pool.get('ir.model.data')
        Message = pool.get('ir.message')
        for msg_id in MESSAGES:
            module, fs_id = msg_id.split('.')
            data = ModelData.search([
                    ('module', '=', module), ('fs_id', '=', fs_id)])
            if data:
                templates[msg_id] = Message(data[0].db_id).text
    return templates


def _pattern(template):
    "The regular expression matching template's text, its variables named"
    parts = re.split(r'%\((\w+)\)s', template)
    regex = ''.join(
        re.escape(part) if i % 2 == 0 else f'(?P<{part}>.*?)'
        for i, part in enumerate(parts))
    return re.compile(regex, re.DOTALL)
