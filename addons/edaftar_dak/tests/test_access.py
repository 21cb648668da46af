# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The access matrix: each role against the documents held in its own
section, another wing, another department, a confidential file and the
department's desk — through proteus, as clients call it.

Each cell is allowed, or refused by a named guard: a refusal is recognised
by the exception type and the message (its ir.message text) of the guard
that raises it; any other exception is a crash and fails the test with its
traceback."""
import datetime as dt
import re
import unittest

from proteus import Model
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.edaftar_base.exceptions import (
    ChatAccessError, HistoryAccessError, ProtectedFieldError)
from trytond.modules.edaftar_base.tests.tools import get_user, setup_government
from trytond.modules.edaftar_dak.exceptions import MoveError, NotHolderError
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user
from trytond.transaction import Transaction, TransactionError

# Where the documents are: place → (registrar, holder, confidentiality).
PLACES = {
    'own_section': ('registrar.sgad', 'so.admin1', 'normal'),
    'other_wing': ('registrar.sgad', 'as.regs', 'normal'),
    'other_department': ('registrar.fin', 'so.budget1', 'normal'),
    'confidential': ('registrar.sgad', 'so.admin1', 'confidential'),
    'department_desk': ('registrar.sgad', 'secretary.sgad', 'normal'),
    }
# Where the holder of each place forwarded the place's "history" receipt:
# a wing of the other department, outside every role of the matrix.
LEFT_FOR = {
    'own_section': 'as.budget',
    'other_wing': 'as.budget',
    'other_department': 'as.regs',
    'confidential': 'as.budget',
    'department_desk': 'as.budget',
    }
OPERATIONS = [
    # The receipt "<place> read", the file "<place> note" and a forward
    # and a close of receipts the holder of the place holds.
    'read', 'read_file', 'forward', 'note', 'close',
    # The draft of the file and its dispatch; a flag and the discussion
    # (ir.chat.channel get and post) of the receipt "<place> read".
    'read_draft', 'read_dispatch', 'flag', 'chat_get', 'chat_post',
    # history: a read, at the time it was with the holder of the place,
    # of the receipt "<place> history", which has left for LEFT_FOR.
    # dotted: a search for the receipt "<place> dotted" (always normal),
    # put in the file "<place> note", by the file's subject.
    'history', 'dotted',
    ]
ROLES = ['so.admin1', 'officer.admin1', 'so.admin2', 'as.admin',
    'secretary.sgad', 'ps.sgad', 'registrar.sgad', 'secretary.fin',
    'so.budget1', 'cs', 'auditor', 'admin']

# What a cell gives: allowed, or the guard that refuses it.
Y = 'allowed'
# ir.rule: the record rules (ir.msg_{read,write,create,delete}_rule_error)
N_RULE = 'rule'
# ir.model.access: no access row grants the mode (ir.msg_access_rule_error)
N_ACCESS = 'access'
# ir.model.button-res.group (ir.msg_access_button_error)
N_BUTTON = 'button'
# only the holder acts: NotHolderError edaftar_dak.msg_not_holder
N_HOLDER = 'not_holder'
# a move needs the mover's employee: MoveError edaftar_dak.msg_no_employee
N_EMPLOYEE = 'no_employee'
# GuardMixin: ProtectedFieldError edaftar_base.msg_field_protected
N_PROTECTED = 'protected'
# GuardMixin: HistoryAccessError edaftar_base.msg_history_not_readable
N_HISTORY = 'history'
# chat: ChatAccessError edaftar_base.msg_chat_not_readable
N_CHAT = 'chat'
# Searches: the record's own rule hides it (it is not found by its id)
N_UNSEEN = 'unseen'
# Searches: the record is found by its id, not through the dotted clause
# into a record the user may not read (GuardMixin's search guard)
N_FILTERED = 'filtered'

# kind: (exception class, message id) of the refusals raised
REFUSALS = {
    N_RULE: [(AccessError, 'ir.msg_read_rule_error'),
        (AccessError, 'ir.msg_write_rule_error'),
        (AccessError, 'ir.msg_create_rule_error'),
        (AccessError, 'ir.msg_delete_rule_error')],
    N_ACCESS: [(AccessError, 'ir.msg_access_rule_error')],
    N_BUTTON: [(AccessButtonError, 'ir.msg_access_button_error')],
    N_HOLDER: [(NotHolderError, 'edaftar_dak.msg_not_holder')],
    N_EMPLOYEE: [(MoveError, 'edaftar_dak.msg_no_employee')],
    N_PROTECTED: [(ProtectedFieldError, 'edaftar_base.msg_field_protected')],
    N_HISTORY: [(
            HistoryAccessError, 'edaftar_base.msg_history_not_readable')],
    N_CHAT: [(ChatAccessError, 'edaftar_base.msg_chat_not_readable')],
    }

# A place out of the role's sight, cell by cell: read, read_file,
# forward, note, close, read_draft, read_dispatch, flag, chat_get,
# chat_post, history, dotted.
OUT = (N_RULE, N_RULE, N_RULE, N_RULE, N_RULE, N_RULE,
    N_RULE, N_RULE, N_CHAT, N_CHAT, N_HISTORY, N_UNSEEN)


def cells(**changes):
    "The cells of OUT, with those of changes (operation=result) set"
    row = list(OUT)
    for operation, result in changes.items():
        row[OPERATIONS.index(operation)] = result
    return tuple(row)


# What every reader of a place may do without holding anything there.
READER = dict(read=Y, read_file=Y, forward=N_HOLDER, read_draft=Y,
    read_dispatch=Y, flag=Y, chat_get=Y, chat_post=Y, dotted=Y)
HOLDER = dict(READER, forward=Y, note=Y, close=Y, history=Y)

# role: {place: cells}
EXPECTED = {
    # The Section Officer (Admin-I) holds own_section and confidential; he
    # forwarded their "history" receipts and still sees them.
    'so.admin1': {
        'own_section': cells(**HOLDER), 'other_wing': OUT,
        'other_department': OUT, 'confidential': cells(**HOLDER),
        'department_desk': OUT},
    # An officer of the same section sees its normal papers, acts on none;
    # a normal letter in a confidential file is found, but not by the
    # file's subject.
    'officer.admin1': {
        'own_section': cells(**READER), 'other_wing': OUT,
        'other_department': OUT, 'confidential': cells(dotted=N_FILTERED),
        'department_desk': OUT},
    'so.admin2': {p: OUT for p in PLACES},
    # The wing head sees the wing but not what is confidential in it.
    'as.admin': {
        'own_section': cells(**READER), 'other_wing': OUT,
        'other_department': OUT, 'confidential': cells(dotted=N_FILTERED),
        'department_desk': OUT},
    # The Secretary sees the department; a letter that left Finance for
    # his Regulations wing is his today, its past in Finance is not.
    'secretary.sgad': {
        'own_section': cells(**READER), 'other_wing': cells(**READER),
        'other_department': cells(history=N_RULE),
        'confidential': cells(dotted=N_FILTERED),
        'department_desk': cells(**HOLDER)},
    # The PS acts for the Secretary.
    'ps.sgad': {
        'own_section': cells(**READER), 'other_wing': cells(**READER),
        'other_department': cells(history=N_RULE),
        'confidential': cells(dotted=N_FILTERED),
        'department_desk': cells(**HOLDER)},
    # The clerk keeps seeing what they registered, confidential included,
    # but not the files it went into.
    'registrar.sgad': {
        p: cells(read=Y, forward=N_HOLDER, flag=Y, chat_get=Y, chat_post=Y,
            history=Y, dotted=N_FILTERED)
        if p != 'other_department' else OUT for p in PLACES},
    # Finance sees what went to its Budget wing today, not its past in
    # S&GAD.
    'secretary.fin': {
        'own_section': cells(history=N_RULE),
        'other_wing': cells(history=N_RULE),
        'other_department': cells(**READER),
        'confidential': OUT,
        'department_desk': cells(history=N_RULE)},
    'so.budget1': {
        'own_section': OUT, 'other_wing': OUT,
        'other_department': cells(**HOLDER), 'confidential': OUT,
        'department_desk': OUT},
    # Nothing was routed to the Chief Secretary.
    'cs': {p: OUT for p in PLACES},
    # The auditor reads everything and may do nothing: no access row lets
    # him create a movement, note or flag, or write a receipt.
    'auditor': {p: cells(**dict(READER, history=Y,
                    forward=N_ACCESS, note=N_ACCESS, close=N_ACCESS,
                    flag=N_ACCESS)) for p in PLACES},
    # The administrator reads everything, has no employee to move with and
    # holds nothing.
    'admin': {p: cells(**dict(READER, history=Y,
                    forward=N_EMPLOYEE, note=N_HOLDER, close=N_HOLDER))
        for p in PLACES},
    }


def setup_documents(config):
    """For each place: receipts registered and marked to the holder (two
    for the forward and the close, as the holder and their PA/PS each use
    one), one that left the holder for LEFT_FOR, one put in the file the
    holder opened, and the file's draft, dispatched."""
    Employee = Model.get('company.employee', config=config)
    admin = config.user
    employees = {
        e.user.login: e.id for e in Employee.find([('user', '!=', None)])}

    def login(name):
        set_user(get_user(name, config=config), config=config)

    def call(model, method, *args):
        return getattr(config.get_proxy(model), method)(*args, config.context)

    drafts = {}
    for place, (registrar, holder, confidentiality) in PLACES.items():
        login(registrar)
        names = ['read', 'forward', 'forward', 'close', 'close', 'history',
            'dotted']
        receipts = call('edaftar.receipt', 'create', [{
                    'sender_name': "Sender", 'subject': f'{place} {name}',
                    'confidentiality': (
                        'normal' if name == 'dotted' else confidentiality),
                    } for name in names])
        call('edaftar.receipt', 'register', receipts)
        call('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{r}', 'action': 'mark',
                    'to_employee': employees[holder]} for r in receipts])
        receipt = dict(zip(names, receipts))
        login(holder)
        file, = call('edaftar.file', 'create', [{
                    'subject': f'{place} note',
                    'confidentiality': confidentiality}])
        drafts.setdefault(config.user, []).extend(call(
                'edaftar.draft', 'create', [{
                        'file': file, 'subject': f'{place} draft',
                        'body': "The reply.", 'addressee_name': "Sender"}]))
        call('edaftar.receipt', 'place_in_file', [receipt['dotted']], file)
        call('edaftar.movement', 'create', [{
                    'document': f'edaftar.receipt,{receipt["history"]}',
                    'action': 'forward',
                    'to_employee': employees[LEFT_FOR[place]]}])
    dispatch(config, drafts)
    set_user(admin, config=config)


def dispatch(config, drafts):
    """Dispatch the drafts (holder's user id: draft ids) as their holders,
    on the server: having them approved would move the files up and let
    the approvers read them."""
    extras = {}
    while True:
        with Transaction().start(
                config.database_name, 0, **extras) as transaction:
            try:
                Draft = Pool(config.database_name).get('edaftar.draft')
                for user_id, ids in drafts.items():
                    with transaction.set_user(user_id):
                        records = Draft.browse(ids)
                        Draft.write(records, {'state': 'approved'})
                        Draft.dispatch(records)
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
        break


def refusal(error, patterns):
    "Return the kind of refusal error is, or None"
    for kind, guards in REFUSALS.items():
        for exception, message in guards:
            if (type(error) is exception
                    and patterns[message].fullmatch(error.message)):
                return kind


def message_patterns(config):
    "Return the pattern of the text of each message of REFUSALS"
    ModelData = Model.get('ir.model.data', config=config)
    Message = Model.get('ir.message', config=config)
    patterns = {}
    for guards in REFUSALS.values():
        for _, message in guards:
            module, fs_id = message.split('.')
            text = Message(ModelData.get_id(
                    module, fs_id, config.context)).text
            patterns[message] = re.compile(re.sub(
                    r'%\\\(\w+\\\)s', '.*', re.escape(text)), re.DOTALL)
    return patterns


class AccessMatrixTestCase(unittest.TestCase):
    "Each role × place × operation, allowed or refused as the contract says"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_dak', setup_government, setup_documents)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        config = self.config
        Receipt = Model.get('edaftar.receipt')
        File = Model.get('edaftar.file')
        Draft = Model.get('edaftar.draft')
        Dispatch = Model.get('edaftar.dispatch')
        Movement = Model.get('edaftar.movement')
        Employee = Model.get('company.employee')
        Model.get('edaftar.flag')
        self.admin = config.user
        self.users = {login: get_user(login) for login in ROLES}
        self.patterns = message_patterns(config)
        employees = {
            e.user.login: e.id for e in Employee.find([('user', '!=', None)])}
        self.other = employees['so.admin2']
        self.holders = {p: employees[h] for p, (_, h, _) in PLACES.items()}
        self.receipts = {}
        for receipt in Receipt.find([], order=[('id', 'ASC')]):
            place, name = receipt.subject.split()
            self.receipts.setdefault((place, name), []).append(receipt.id)
        self.files = {f.subject.split()[0]: f.id for f in File.find([])}
        self.drafts = {d.subject.split()[0]: d.id for d in Draft.find([])}
        self.dispatches = {
            d.subject.split()[0]: d.id for d in Dispatch.find([])}
        # The time the history receipt reached the holder: it was marked.
        self.moments = {}
        for place in PLACES:
            mark, = Movement.find([
                    ('receipt', '=', self.receipts[(place, 'history')][0]),
                    ('action', '=', 'mark')])
            self.moments[place] = mark.create_date

    def call(self, model, method, *args, context=None):
        "Call method of model as the current user, over RPC"
        return getattr(self.config.get_proxy(model), method)(
            *args, {**self.config.context, **(context or {})})

    def receipt(self, place, name, allowed):
        """The id of a receipt name of place: for a forward or a close one
        still with the holder (taken by an allowed move)"""
        ids = self.receipts[(place, name)]
        return ids.pop(0) if allowed and name in {'forward', 'close'} \
            else ids[0]

    def attempt(self, login, place, operation, allowed):
        """Try operation as the current user, login, on the documents of
        place: return 'allowed' if it worked, or the refusal's kind; let a
        crash through"""
        Receipt = Model.get('edaftar.receipt')
        File = Model.get('edaftar.file')
        Draft = Model.get('edaftar.draft')
        Dispatch = Model.get('edaftar.dispatch')
        Movement = Model.get('edaftar.movement')
        Employee = Model.get('company.employee')
        Flag = Model.get('edaftar.flag')
        name = {'forward': 'forward', 'close': 'close', 'history': 'history',
            'dotted': 'dotted'}.get(operation, 'read')
        receipt_id = self.receipt(place, name, allowed)
        resource = f'edaftar.receipt,{receipt_id}'
        try:
            if operation == 'read':
                self.assertEqual(
                    Receipt(receipt_id).subject, f'{place} read')
            elif operation == 'read_file':
                self.assertEqual(
                    File(self.files[place]).subject, f'{place} note')
            elif operation == 'read_draft':
                self.assertEqual(
                    Draft(self.drafts[place]).subject, f'{place} draft')
            elif operation == 'read_dispatch':
                self.assertEqual(Dispatch(self.dispatches[place]).subject,
                    f'{place} draft')
            elif operation == 'forward':
                Movement(document=Receipt(receipt_id), action='forward',
                    to_employee=Employee(self.other)).save()
            elif operation == 'note':
                file = File(self.files[place])
                file.notes.new(text=f"Note by {login}")
                file.save()
            elif operation == 'close':
                receipt = Receipt(receipt_id)
                receipt.disposal_remark = "Filed"
                receipt.save()
                receipt.click('close')
            elif operation == 'flag':
                Flag(document=Receipt(receipt_id),
                    due_date=dt.date.today()).save()
            elif operation == 'chat_get':
                self.assertIsInstance(
                    self.call('ir.chat.channel', 'get', resource), list)
            elif operation == 'chat_post':
                self.call('ir.chat.channel', 'post', resource,
                    f"Chat by {login}")
            elif operation == 'history':
                values, = self.call('edaftar.receipt', 'read',
                    [receipt_id], ['subject', 'holder'],
                    context={'_datetime': self.moments[place]})
                # As it was: with the holder of the place.
                self.assertEqual((values['subject'], values['holder']),
                    (f'{place} history', self.holders[place]))
            elif operation == 'dotted':
                if not Receipt.find([('id', '=', receipt_id)]):
                    return N_UNSEEN
                if not Receipt.find([('id', '=', receipt_id),
                            ('file.subject', 'ilike', f'{place} note')]):
                    return N_FILTERED
            return Y
        except UserError as error:
            kind = refusal(error, self.patterns)
            if kind is None:
                raise
            return kind

    def test_matrix(self):
        "The access matrix"
        # Refusals first, so that the allowed moves change nothing seen by
        # the other cells; one login per role and pass.
        expected = {
            (r, p, o): EXPECTED[r][p][OPERATIONS.index(o)]
            for r in ROLES for p in PLACES for o in OPERATIONS}
        got = {}
        for allowed in [False, True]:
            for role in ROLES:
                set_user(self.users[role])
                for place in PLACES:
                    for operation in OPERATIONS:
                        cell = (role, place, operation)
                        if (expected[cell] == Y) != allowed:
                            continue
                        got[cell] = self.attempt(
                            role, place, operation, allowed)
        set_user(self.admin)
        wrong = sorted(
            f'{r} {o} {p}: expected {expected[(r, p, o)]}, '
            f'got {got[(r, p, o)]}'
            for (r, p, o) in expected if got[(r, p, o)] != expected[(r, p, o)])
        self.assertEqual(wrong, [])

        # And what was allowed really happened, once per allowed role, and
        # no refusal left a trace.
        Receipt = Model.get('edaftar.receipt')
        File = Model.get('edaftar.file')

        def allowed(place, operation):
            return sum(expected[(r, place, operation)] == Y for r in ROLES)
        for place in PLACES:
            with self.subTest(place=place):
                self.assertEqual(len(Receipt.find([
                                ('subject', '=', f'{place} close'),
                                ('state', '=', 'closed')])),
                    allowed(place, 'close'))
                self.assertEqual(len(Receipt.find([
                                ('subject', '=', f'{place} forward'),
                                ('holder.user.login', '=', 'so.admin2')])),
                    allowed(place, 'forward'))
                file = File(self.files[place])
                self.assertEqual(len(file.notes), allowed(place, 'note'))
                read_id = self.receipts[(place, 'read')][0]
                self.assertEqual(len(self.call('ir.chat.channel', 'get',
                            f'edaftar.receipt,{read_id}')),
                    allowed(place, 'chat_post'))
