# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The access matrix of the citizen portal, staff side: each role against a
complaint about water supply (S&GAD, in the hands of the Section Officer
Admin-I, with a photo, followed by a second citizen) and a pension case
filed through Open311 (Finance, in the hands of its diary clerk, with its
papers); the categories, the API keys, the portal's configuration, the
citizens' accounts and the complaints dashboard — through proteus and RPC,
as clients call them.

Each cell is allowed, or refused by a named guard: a refusal is recognised
by the exception type and the message (its ir.message text) of the guard
that raises it; any other exception is a crash and fails the test with its
traceback. The dashboard rows each role reads are asserted beside it."""
import datetime as dt
import unittest

import trytond.config as config
from proteus import Model
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.exceptions import (
    ChatAccessError, DomainAccessError, HistoryAccessError,
    ProtectedFieldError)
from trytond.modules.edaftar_base.tests.tools import (
    ALLOWED, AccessMatrixMixin, Actor, Mailbox, message_text,
    setup_government)
from trytond.modules.edaftar_portal.exceptions import ApplicationAccessError
from trytond.modules.edaftar_portal.tests.tools import (
    OTHER_CNIC, VALID_CNIC, setup_portal)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction, TransactionError

APPLICATION = 'edaftar.portal.application'
CATEGORY = 'edaftar.portal.category'
API_KEY = 'edaftar.portal.api_key'
CONFIGURATION = 'edaftar.portal.configuration'
DASHBOARD = 'edaftar.portal.dashboard'
RECEIPT = 'edaftar.receipt'
FROM = 'portal@gob.example'
PORTAL_URL = 'http://portal.example/db/portal'
# The smallest whole PDF the Dak's attachment checks accept
PDF = b'%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
CITIZEN = {
    'name': "Ali Raza", 'cnic': VALID_CNIC, 'phone': '0300-1234567',
    'email': 'ali.raza@citizen.example', 'password': 'water-is-life'}
FOLLOWER = {
    'name': "Sana Baloch", 'cnic': OTHER_CNIC, 'phone': '0333-7654321',
    'email': 'sana.baloch@citizen.example', 'password': 'same-street-1'}
WATER = "Matrix complaint: no water in Jinnah Road for three days"
PENSION = "Matrix application: pension of a retired naib qasid"

OPERATIONS = [
    # Read the S&GAD complaint (who sent it), the Finance case; open the
    # complaint as the form does (its receipt, category and department).
    'read_sgad', 'read_fin', 'open_sgad',
    # Find each by its id; export the number of each.
    'search_sgad', 'search_fin', 'export_sgad', 'export_fin',
    # Write fields of the complaint, all the server's: its status, a
    # rating, the citizen's address (where the replies go), its receipt.
    'protect_public_state', 'protect_rating', 'protect_email',
    'protect_receipt',
    # Create an application (on the complaint's receipt); delete the
    # complaint.
    'create', 'delete',
    # The complaint's discussion (ir.chat.channel get; post, public: the
    # answer to the citizen); a read of the complaint and of its receipt
    # with _datetime.
    'chat_get', 'chat_post', 'history', 'history_receipt',
    # Searches for the complaint by its receipt's subject, its category's
    # name, its follower's e-mail; for the Finance case by its API key's
    # key; an order of the complaint by its receipt's subject.
    'dotted_receipt', 'dotted_category', 'dotted_followers',
    'dotted_api_key', 'order_receipt',
    # The Finance case's API key read through it.
    'key_via_application',
    # Read the photo of the complaint, the papers of the Finance case;
    # attach a document to the complaint.
    'attachment_sgad', 'attachment_fin', 'attach',
    # The dashboard rows of S&GAD and of Finance.
    'dashboard_sgad', 'dashboard_fin',
    # The categories: read them; change the response time of one.
    'read_category', 'write_category',
    # The API keys: read the key.
    'read_api_key',
    # The configuration: read the secret, look for it by search, write it.
    'read_secret', 'search_secret', 'write_secret',
    # The account of the citizen who sent the complaint (e-mail, CNIC,
    # mobile, password hash, reset token).
    'read_account',
    ]
ROLES = ['secretary.sgad', 'ps.sgad', 'as.admin', 'as.regs', 'so.admin1',
    'so.admin2', 'officer.admin1', 'registrar.sgad', 'secretary.fin',
    'as.budget', 'registrar.fin', 'so.budget1', 'cs', 'auditor', 'admin']

# What a cell gives: allowed, or the guard that refuses it.
Y = ALLOWED
# ir.rule: the record rules (ir.msg_{read,write,create,delete}_rule_error)
N_RULE = 'rule'
# ir.model.access: no access row grants the mode (ir.msg_access_rule_error);
# the cell is the access row itself (an application's access is the
# widest of its own rows and its receipt's, through __access__)
N_ACCESS = 'access'
# GuardMixin and the configuration: ProtectedFieldError
# edaftar_base.msg_field_protected
N_PROTECTED = 'protected'
# GuardMixin: HistoryAccessError edaftar_base.msg_history_not_readable
N_HISTORY = 'history'
# GuardMixin: DomainAccessError edaftar_base.msg_order_related
N_ORDER = 'order'
# chat: ChatAccessError edaftar_base.msg_chat_not_readable
N_CHAT = 'chat'
# ApplicationAccessError edaftar_portal.msg_application_no_delete
N_NO_DELETE = 'kept'
# ApplicationAccessError edaftar_portal.msg_application_attachment_citizen
N_CITIZEN = 'as_sent'
# The configuration: DomainAccessError
# edaftar_portal.msg_configuration_secret_search
N_SECRET = 'secret_search'
# Read: the server answers the field empty
N_BLANK = 'blank'
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
    N_PROTECTED: [(ProtectedFieldError, 'edaftar_base.msg_field_protected')],
    N_HISTORY: [(
            HistoryAccessError, 'edaftar_base.msg_history_not_readable')],
    N_ORDER: [(DomainAccessError, 'edaftar_base.msg_order_related')],
    N_CHAT: [(ChatAccessError, 'edaftar_base.msg_chat_not_readable')],
    N_NO_DELETE: [(ApplicationAccessError,
            'edaftar_portal.msg_application_no_delete')],
    N_CITIZEN: [(ApplicationAccessError,
            'edaftar_portal.msg_application_attachment_citizen')],
    N_SECRET: [(DomainAccessError,
            'edaftar_portal.msg_configuration_secret_search')],
    }


def row(default, **changes):
    "The cells of every operation: default, but those of changes"
    cells = dict.fromkeys(OPERATIONS, default)
    for operation, result in changes.items():
        assert operation in cells, operation
        cells[operation] = result
    return cells


PROTECTED = [o for o in OPERATIONS if o.startswith('protect_')]
# What every member of the staff may and may not do with what is not a
# case: read the categories; never change them, nor read an API key, the
# configuration or a citizen's account; no dashboard row (but of the
# departments in scope, below). The secret's own guard answers a search or
# a write of it first, whoever asks (as the application's guard answers a
# creation).
STAFF = dict(read_category=Y, write_category=N_ACCESS, read_api_key=N_ACCESS,
    read_secret=N_ACCESS, search_secret=N_SECRET, write_secret=N_PROTECTED,
    read_account=N_RULE, dashboard_sgad=N_RULE, dashboard_fin=N_RULE)
# Neither case in sight: what may not be read is refused as such, whatever
# the act, never by a guard whose message would name the case. An
# application has no history of its own: a read with _datetime is today's
# read, under the rules; its receipt's history is refused by the Dak's
# guard. An application is created by the portal only: whatever is sent,
# the guard refuses it before anything else (its message names no case).
# Nobody but the Super Admin reads an API key, even through a case
# (the key's own access row).
OUT = row(N_RULE, **STAFF, search_sgad=N_UNSEEN, search_fin=N_UNSEEN,
    create=N_PROTECTED, delete=N_ACCESS,
    chat_get=N_CHAT, chat_post=N_CHAT, history_receipt=N_HISTORY,
    dotted_receipt=N_UNSEEN, dotted_category=N_UNSEEN,
    dotted_followers=N_UNSEEN, dotted_api_key=N_UNSEEN, order_receipt=N_ORDER)
# A reader of the complaint who does not hold it: every field is the
# server's (the guard names it, the access rows of the receipt letting the
# write through); an attachment is refused by the write rule of its
# receipt (only its holder); a citizen's account is not in sight, so the
# complaint is not found by its follower's e-mail.
READER = dict(OUT, read_sgad=Y, open_sgad=Y, search_sgad=Y, export_sgad=Y,
    **dict.fromkeys(PROTECTED, N_PROTECTED),
    chat_get=Y, chat_post=Y, history=Y, history_receipt=Y,
    dotted_receipt=Y, dotted_category=Y, dotted_followers=N_FILTERED,
    attachment_sgad=Y)
# The department head and his PS: S&GAD's dashboard row. The PS (with the
# registrars) has the receipts' delete access row: the complaint is kept.
SECRETARY = dict(READER, dashboard_sgad=Y)
# The holder: what the citizen sent is kept as sent (attach to the
# receipt).
HOLDER = dict(READER, attach=N_CITIZEN)
# Finance's readers of the Finance case.
FINANCE = dict(OUT, read_fin=Y, search_fin=Y, export_fin=Y,
    attachment_fin=Y, dotted_api_key=N_ACCESS, key_via_application=N_ACCESS)
# Reading every case, writing none of them (no write access row of the
# receipts: refused before any rule or guard but the creation's).
AUDITOR = dict(READER, read_fin=Y, search_fin=Y, export_fin=Y,
    attachment_fin=Y, **dict.fromkeys(PROTECTED, N_ACCESS),
    dotted_api_key=N_ACCESS, key_via_application=N_ACCESS, attach=N_ACCESS,
    dashboard_sgad=Y, dashboard_fin=Y)

EXPECTED = {
    'secretary.sgad': SECRETARY,
    'ps.sgad': dict(SECRETARY, delete=N_NO_DELETE),
    # The Admin wing holds the Admin-I section; not the department's row.
    'as.admin': READER,
    # Another wing, another section of the department: nothing.
    'as.regs': OUT,
    'so.admin1': HOLDER,
    'so.admin2': OUT,
    # An officer of the holder's section reads it.
    'officer.admin1': READER,
    # The registry of S&GAD did not register it (the portal did): the
    # case is not in its section. It has the receipts' delete access row.
    'registrar.sgad': dict(OUT, delete=N_RULE),
    'secretary.fin': dict(FINANCE, dashboard_fin=Y),
    # Finance's Budget wing: the pension case is with the registry.
    'as.budget': OUT,
    # The focal person of pensions holds the Finance case.
    'registrar.fin': dict(FINANCE, delete=N_RULE),
    'so.budget1': OUT,
    # The Chief Secretary follows every department's figures, reads no
    # case that was not routed to him.
    'cs': dict(OUT, dashboard_sgad=Y, dashboard_fin=Y),
    'auditor': AUDITOR,
    # The Super Admin reads everything and manages the categories and the
    # keys; the cases are the citizens' (the guards of the application
    # refuse him as anyone), the secret the server's.
    'admin': dict(AUDITOR, **dict.fromkeys(PROTECTED, N_PROTECTED),
        delete=N_NO_DELETE, attach=N_CITIZEN, dotted_followers=Y,
        dotted_api_key=Y, key_via_application=Y, write_category=Y,
        read_api_key=Y, read_secret=N_BLANK, read_account=Y),
    }

# The dashboard rows each role reads: department code → cases received
SGAD_ROW = ('SGAD', 'complaint', 1)
FIN_ROW = ('FIN', 'application', 1)
DASHBOARD_ROWS = {
    'secretary.sgad': [SGAD_ROW],
    'ps.sgad': [SGAD_ROW],
    'secretary.fin': [FIN_ROW],
    'cs': [FIN_ROW, SGAD_ROW],
    'auditor': [FIN_ROW, SGAD_ROW],
    'admin': [FIN_ROW, SGAD_ROW],
    }


def setup_cases():
    """As the portal does it (the server): the two citizens' accounts, the
    complaint of the first with a photo, followed by the second; the
    pension case of an Open311 client with its papers; the secret made.
    Return the ids and values the matrix needs."""
    def make():
        pool = Pool()
        Application = pool.get(APPLICATION)
        Category = pool.get(CATEGORY)
        WebUser = pool.get('web.user')
        ApiKey = pool.get(API_KEY)
        Attachment = pool.get('ir.attachment')
        Unit = pool.get('edaftar.org.unit')
        categories = {c.code: c.id for c in Category.search([])}
        citizen = WebUser.sign_up(CITIZEN)
        follower = WebUser.sign_up(FOLLOWER)
        key, = ApiKey.search([])
        person = {k: CITIZEN[k] for k in ['name', 'cnic', 'phone', 'email']}
        water = Application.submit({
                'category': categories['WATER'], 'description': WATER,
                'address': "Jinnah Road, Quetta", **person},
            files=[("Photo of the dry tap.pdf", PDF)], web_user=citizen)
        pension = Application.submit({
                'category': categories['PENSION'], 'description': PENSION,
                'name': "Gul Khan", 'cnic': OTHER_CNIC,
                'phone': '0345-1112223', 'email': 'gul.khan@example.org'},
            files=[("Pension papers.pdf", PDF)], api_key=key)
        water.follow(follower)
        attachments = {a.resource.id: a.id for a in Attachment.search([
                    ('resource', 'in', [str(water), str(pension)])])}
        return {
            'sgad': water.id, 'fin': pension.id,
            'sgad_receipt': water.receipt.id,
            'fin_receipt': pension.receipt.id,
            'sgad_subject': water.receipt.subject,
            'sgad_attachment': attachments[water.id],
            'fin_attachment': attachments[pension.id],
            'citizen': citizen.id,
            'follower_email': follower.email,
            'key': key.key,
            'roads': categories['ROADS'],
            'water_category': categories['WATER'],
            'units': {u.code: u.id for u in Unit.search([
                        ('code', 'in', ['SGAD', 'FIN'])])},
            }
    cases = as_server(make, context={'edaftar_portal_url': PORTAL_URL})
    cases['secret'] = as_server(
        lambda: Pool().get(CONFIGURATION).get_secret())
    return cases


def as_server(func, context=None):
    """Run func() as the server (user 0) in a transaction of its own, run
    again with the locks it asks for, as the portal's requests are; return
    its result"""
    extras = {}
    while True:
        with Transaction().start(
                DB_NAME, 0, context=context, **extras) as transaction:
            try:
                return func()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)


class PortalAccessTestCase(AccessMatrixMixin, unittest.TestCase):
    "Who may do what with the citizens' cases and the portal's settings"
    ROLES = ROLES
    OPERATIONS = OPERATIONS
    EXPECTED = EXPECTED
    REFUSALS = REFUSALS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.saved = {o: config.get('email', o) for o in ['uri', 'from']}
        cls.mailbox = Mailbox()
        cls.mailbox.start()
        config.set('email', 'uri', cls.mailbox.uri)
        config.set('email', 'from', FROM)
        cls.config = activate_modules(
            'edaftar_portal', setup_government, setup_portal)
        cls.cases = setup_cases()
        cls.actor = Actor(cls.config)

    @classmethod
    def tearDownClass(cls):
        cls.mailbox.stop()
        for option, value in cls.saved.items():
            config.set('email', option, value)
        drop_db()
        super().tearDownClass()

    def tearDown(self):
        self.actor.login('admin')
        super().tearDown()

    def call(self, model, method, *args, context=None):
        return self.actor.call(model, method, *args, context=context)

    def dashboard_id(self, code):
        "The id of the dashboard row of the department (its one kind)"
        kind = {'SGAD': 1, 'FIN': 0}[code]
        return self.cases['units'][code] * 2 + kind

    def attempt(self, login, operation, allowed):
        """Try operation as the current user, login: return 'allowed' if it
        worked, or the refusal's kind; let a crash through"""
        Application = Model.get(APPLICATION)
        cases = self.cases
        sgad, fin = cases['sgad'], cases['fin']
        resource = f'{APPLICATION},{sgad}'
        protected = {
            'public_state': 'done',
            'rating': '5',
            'email': f'{login}@elsewhere.example',
            'receipt': cases['fin_receipt'],
            }
        try:
            if operation in {'read_sgad', 'read_fin'}:
                record = sgad if operation == 'read_sgad' else fin
                values, = self.call(APPLICATION, 'read', [record],
                    ['number', 'name', 'cnic', 'description'])
                self.assertIn(values['description'], [WATER, PENSION])
            elif operation == 'open_sgad':
                values, = self.call(APPLICATION, 'read', [sgad], [
                        'number', 'receipt.rec_name', 'category.rec_name',
                        'department.rec_name', 'attachments',
                        'public_state'])
                self.assertEqual(
                    (values['category.']['rec_name'],
                        values['department.']['rec_name']),
                    ("Water supply",
                        "[SGAD] Services & General Administration"))
            elif operation in {'search_sgad', 'search_fin'}:
                record = sgad if operation == 'search_sgad' else fin
                if not self.call(APPLICATION, 'search',
                        [('id', '=', record)], 0, None, None):
                    return N_UNSEEN
            elif operation in {'export_sgad', 'export_fin'}:
                record = sgad if operation == 'export_sgad' else fin
                exported = self.call(
                    APPLICATION, 'export_data', [record], ['description'])
                self.assertIn(exported, [[[WATER]], [[PENSION]]])
            elif operation in PROTECTED:
                name = operation[len('protect_'):]
                self.call(APPLICATION, 'write', [sgad],
                    {name: protected[name]})
            elif operation == 'create':
                self.call(APPLICATION, 'create', [{
                            'category': cases['water_category'],
                            'receipt': cases['sgad_receipt'],
                            'name': f"Made by {login}",
                            'description': f"Made by {login}"}])
            elif operation == 'delete':
                self.call(APPLICATION, 'delete', [sgad])
            elif operation == 'chat_get':
                self.assertIsInstance(
                    self.call('ir.chat.channel', 'get', resource), list)
            elif operation == 'chat_post':
                self.call('ir.chat.channel', 'post', resource,
                    f"Answer by {login}", 'public')
            elif operation == 'history':
                values, = self.call(APPLICATION, 'read', [sgad],
                    ['description'],
                    context={'_datetime': dt.datetime.now()})
                self.assertEqual(values['description'], WATER)
            elif operation == 'history_receipt':
                values, = self.call(RECEIPT, 'read', [cases['sgad_receipt']],
                    ['subject'], context={'_datetime': dt.datetime.now()})
                self.assertEqual(values['subject'], cases['sgad_subject'])
            elif operation.startswith('dotted_'):
                record, clause = {
                    'dotted_receipt': (sgad,
                        ('receipt.subject', '=', cases['sgad_subject'])),
                    'dotted_category': (sgad,
                        ('category.name', '=', "Water supply")),
                    'dotted_followers': (sgad,
                        ('followers.email', '=', cases['follower_email'])),
                    'dotted_api_key': (fin,
                        ('api_key.key', '=', cases['key'])),
                    }[operation]
                if not Application.find([('id', '=', record)]):
                    return N_UNSEEN
                if not Application.find([('id', '=', record), clause]):
                    return N_FILTERED
            elif operation == 'order_receipt':
                if not self.call(APPLICATION, 'search', [('id', '=', sgad)],
                        0, None, [('receipt.subject', 'ASC')]):
                    return N_UNSEEN
            elif operation == 'key_via_application':
                values, = self.call(
                    APPLICATION, 'read', [fin], ['api_key.key'])
                self.assertEqual(values['api_key.']['key'], cases['key'])
            elif operation in {'attachment_sgad', 'attachment_fin'}:
                attachment = cases[
                    operation.split('_')[1] + '_attachment']
                values, = self.call('ir.attachment', 'read', [attachment],
                    ['name', 'data'])
                self.assertEqual(values['data'], PDF)
            elif operation == 'attach':
                self.call('ir.attachment', 'create', [{
                            'resource': resource, 'type': 'data',
                            'name': f"By {login}.pdf", 'data': PDF}])
            elif operation in {'dashboard_sgad', 'dashboard_fin'}:
                code = 'SGAD' if operation == 'dashboard_sgad' else 'FIN'
                values, = self.call(DASHBOARD, 'read',
                    [self.dashboard_id(code)], ['received'])
                self.assertEqual(values['received'], 1)
            elif operation == 'read_category':
                codes = {c['code'] for c in self.call(CATEGORY, 'search_read',
                        [], 0, None, None, ['code'])}
                self.assertEqual(codes, {'WATER', 'ROADS', 'PENSION'})
            elif operation == 'write_category':
                self.call(CATEGORY, 'write', [cases['roads']],
                    {'sla_days': 10})
            elif operation == 'read_api_key':
                keys = self.call(API_KEY, 'search_read', [], 0, None, None,
                    ['key'])
                self.assertEqual([k['key'] for k in keys], [cases['key']])
            elif operation == 'read_secret':
                for method, args in [
                        ('read', ([1], ['secret'])),
                        ('search_read', ([], 0, None, None, ['secret'])),
                        ]:
                    values, = self.call(CONFIGURATION, method, *args)
                    if values['secret'] is not None:
                        return Y
                exported = self.call(
                    CONFIGURATION, 'export_data', [1], ['secret'])
                if exported != [['']]:
                    return Y
                return N_BLANK
            elif operation == 'search_secret':
                found = self.call(CONFIGURATION, 'search_count',
                    [('secret', '=', cases['secret'])])
                wrong = self.call(CONFIGURATION, 'search_count',
                    [('secret', '=', cases['secret'][::-1])])
                self.assertNotEqual(found, wrong)
            elif operation == 'write_secret':
                self.call(CONFIGURATION, 'write', [1],
                    {'secret': f'chosen by {login}'})
            elif operation == 'read_account':
                values, = self.call('web.user', 'read', [cases['citizen']],
                    ['email', 'edaftar_cnic', 'edaftar_phone',
                        'password_hash', 'reset_password_token'])
                self.assertEqual(values['edaftar_cnic'], VALID_CNIC)
            else:
                raise ValueError(operation)
            return Y
        except UserError as error:
            kind = self.refusal(error)
            if kind is None:
                raise
            return kind

    def check_allowed_happened(self):
        """What each allowed cell did is there, once per role allowed, and
        no refusal left a trace"""
        cases = self.cases

        def allowed(operation):
            return [r for r in ROLES if EXPECTED[r][operation] == Y]
        with self.actor.as_admin():
            water, = self.call(APPLICATION, 'read', [cases['sgad']], [
                    'public_state', 'rating', 'email', 'receipt',
                    'attachments', 'number'])
            self.assertEqual(
                (water['public_state'], water['rating'], water['email'],
                    water['receipt'], len(water['attachments'])),
                ('new', None, CITIZEN['email'], cases['sgad_receipt'], 1))
            self.assertEqual(self.call(APPLICATION, 'search_count', []), 2)
            roads, = self.call(CATEGORY, 'read', [cases['roads']],
                ['sla_days'])
            self.assertEqual(roads['sla_days'],
                10 if allowed('write_category') else 14)
            answers = [m['content'] for m in self.call(
                    'ir.chat.channel', 'get', f'{APPLICATION},{cases["sgad"]}')
                if m['audience'] == 'public']
            self.assertEqual(sorted(answers),
                sorted(f"Answer by {r}" for r in allowed('chat_post')))
        with Transaction().start(DB_NAME, 0):
            Configuration = Pool().get(CONFIGURATION)
            self.assertEqual(Configuration(1).secret, cases['secret'])
        # Each public answer was e-mailed to the citizen (and only to the
        # citizen: the follower follows the status, not the discussion).
        answered = sorted((tuple(rcpt), msg.get_content().strip())
            for _, rcpt, msg in self.mailbox.take()
            if msg.get_content().startswith("Answer by "))
        self.assertEqual(answered, sorted(
                ((CITIZEN['email'],), f"Answer by {r}")
                for r in allowed('chat_post')))

    def test_dashboard_rows(self):
        "The dashboard rows each role reads"
        Unit = Model.get('edaftar.org.unit')
        with self.actor.as_admin():
            codes = {u.id: u.code for u in Unit.find([])}
        for role in ROLES:
            with self.subTest(role=role):
                self.actor.login(role)
                rows = self.call(DASHBOARD, 'search_read', [], 0, None,
                    None, ['department', 'kind', 'received'])
                self.assertEqual(sorted(
                        (codes[r['department']], r['kind'], r['received'])
                        for r in rows), DASHBOARD_ROWS.get(role, []))

    def test_secret_first_write(self):
        """Nobody sets the secret, not even by the first write of the
        configuration (when none is stored yet) nor by creating it"""
        fields_ = ['secret', 'max_upload_size', 'max_uploads',
            'duplicate_radius', 'duplicate_days']

        def stored():
            with Transaction().start(DB_NAME, 0):
                Configuration = Pool().get(CONFIGURATION)
                singleton = Configuration.get_singleton()
                return ({f: getattr(singleton, f) for f in fields_}
                    if singleton else None)
        saved = stored()
        with Transaction().start(DB_NAME, 0):
            Configuration = Pool().get(CONFIGURATION)
            Configuration.delete([Configuration(1)])
        try:
            self.actor.login('admin')
            for method, args in [
                    ('write', ([1], {'secret': 'chosen', 'max_uploads': 4})),
                    ('create', ([{'secret': 'chosen'}],)),
                    ]:
                with self.subTest(method=method):
                    with self.assertRaises(ProtectedFieldError) as refused:
                        self.call(CONFIGURATION, method, *args)
                    self.assertEqual(refused.exception.message,
                        self.message('edaftar_base.msg_field_protected',
                            field="Secret", record="Portal Configuration"))
                    self.assertIsNone(stored())
        finally:
            def restore():
                Configuration = Pool().get(CONFIGURATION)
                Configuration.write([Configuration(1)], saved)
            as_server(restore)
        self.assertEqual(stored(), saved)

    def message(self, message, **params):
        with self.actor.as_admin():
            return message_text(self.config, message, **params)
