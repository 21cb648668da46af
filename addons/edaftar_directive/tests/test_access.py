# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The access matrix of directives: each role against a CM order to S&GAD
and Finance — its S&GAD line marked down to the Section Officer (Admin-I),
its Finance line with the Secretary Finance, a report on each — through
proteus, as clients call it.

Each cell is allowed, or refused by a named guard: a refusal is recognised
by the exception type and the message (its ir.message text) of the guard
that raises it; any other exception is a crash and fails the test with its
traceback. The compliance rows each role sees are asserted beside it."""
import datetime as dt
import unittest

from proteus import Model
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.edaftar_base.exceptions import (
    ChatAccessError, HistoryAccessError, ProtectedFieldError)
from trytond.modules.edaftar_base.tests.tools import (
    ALLOWED, AccessMatrixMixin, setup_executive, setup_government)
from trytond.modules.edaftar_dak.exceptions import NotHolderError
from trytond.modules.edaftar_directive.exceptions import IssuerError
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user

from .tools import Actor, setup_office_staff

LINE = 'edaftar.directive.line'
DIRECTIVE = 'edaftar.directive'
REPORT = 'edaftar.directive.report'
SUBJECT = "Matrix order"
# Lines for the cells that change them: enough for every role allowed.
POOL = 3
# The reports of the matrix order's lines.
REPORTS = {'SGAD': "S&GAD action report", 'FIN': "Finance action report"}

OPERATIONS = [
    # Read the order, its S&GAD line, its Finance line, their reports.
    'read_order', 'read_line', 'read_other_line', 'read_report',
    'read_other_report',
    # On the S&GAD line: write a report, reply (a line of the pool, with
    # its report), open a file, write its state, write the issuing
    # office's remarks on it (in progress: not a reply to decide on) and
    # on a replied line of the order's kind.
    'write_report', 'reply', 'open_file', 'write_state', 'remarks_open',
    'remarks',
    # The issuing office's buttons, each on a line of its pool: accept a
    # reply, send it back (the remarks written), extend (the new deadline
    # and reason written).
    'accept', 'send_back', 'extend',
    # The discussion of the S&GAD line (ir.chat.channel get and post); a
    # read of it with _datetime; its movements; the order's discussion.
    'chat_get', 'chat_post', 'history', 'trail', 'order_chat',
    # Dotted searches: the S&GAD line by directive.lines.reports.text and
    # the order by lines.reports.text, both of the Finance report; the
    # Finance report by line.directive.subject, the Finance line by
    # directive.subject.
    'dotted_line', 'dotted_report', 'dotted_order', 'dotted_other',
    ]
ROLES = ['cm', 'ps.cm', 'cs', 'ps.cs', 'secretary.sgad', 'ps.sgad',
    'as.admin', 'so.admin1', 'officer.admin1', 'so.admin2',
    'registrar.sgad', 'secretary.fin', 'so.budget1', 'auditor', 'admin']

# What a cell gives: allowed, or the guard that refuses it.
Y = ALLOWED
# ir.rule: the record rules (ir.msg_{read,write,create,delete}_rule_error)
N_RULE = 'rule'
# ir.model.access: no access row grants the mode (ir.msg_access_rule_error)
N_ACCESS = 'access'
# ir.model.button-res.group (ir.msg_access_button_error)
N_BUTTON = 'button'
# the button is not for this record now (its states: ir.msg_button_state_
# record), e.g. Reply for whom does not hold the line
N_STATE = 'button_state'
# only the holder acts: NotHolderError edaftar_dak.msg_not_holder
N_HOLDER = 'not_holder'
# only the issuing office: IssuerError edaftar_directive.msg_line_not_issuer
N_ISSUER = 'not_issuer'
# GuardMixin: ProtectedFieldError edaftar_base.msg_field_protected
N_PROTECTED = 'protected'
# GuardMixin: HistoryAccessError edaftar_base.msg_history_not_readable
N_HISTORY = 'history'
# chat: ChatAccessError edaftar_base.msg_chat_not_readable
N_CHAT = 'chat'
# the order's chat is its office's: ChatAccessError
# edaftar_directive.msg_directive_chat_office
N_ORDER_CHAT = 'order_chat'
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
    N_STATE: [(AccessButtonError, 'ir.msg_button_state_record')],
    N_HOLDER: [(NotHolderError, 'edaftar_dak.msg_not_holder')],
    N_ISSUER: [(IssuerError, 'edaftar_directive.msg_line_not_issuer')],
    N_PROTECTED: [(ProtectedFieldError, 'edaftar_base.msg_field_protected')],
    N_HISTORY: [(
            HistoryAccessError, 'edaftar_base.msg_history_not_readable')],
    N_CHAT: [(ChatAccessError, 'edaftar_base.msg_chat_not_readable')],
    N_ORDER_CHAT: [(
            ChatAccessError, 'edaftar_directive.msg_directive_chat_office')],
    }


def row(default, **changes):
    "The cells of every operation: default, but those of changes"
    cells = dict.fromkeys(OPERATIONS, default)
    for operation, result in changes.items():
        assert operation in cells, operation
        cells[operation] = result
    return cells


# Out of sight: the order and both lines unreadable. What may not be read
# is refused as such, whatever the write (as check_holder does): not by a
# guard whose message names the line.
OUT = row(N_RULE, chat_get=N_CHAT, chat_post=N_CHAT, order_chat=N_CHAT,
    trail=N_UNSEEN,
    dotted_line=N_UNSEEN, dotted_report=N_UNSEEN, dotted_order=N_UNSEEN,
    dotted_other=N_UNSEEN)
# Reading everything, acting on nothing.
READ_ALL = dict(read_order=Y, read_line=Y, read_other_line=Y,
    read_report=Y, read_other_report=Y, chat_get=Y, chat_post=Y, history=Y,
    trail=Y, order_chat=Y, dotted_line=Y, dotted_report=Y, dotted_order=Y, dotted_other=Y)
# The issuing office: reads both units, decides, never reports.
OFFICE = row(Y, write_report=N_HOLDER, reply=N_STATE, open_file=N_HOLDER,
    write_state=N_PROTECTED, remarks_open=N_PROTECTED)
# S&GAD readers of the S&GAD line: never Finance's line nor its report,
# nor found through it.
SGAD_READER = dict(read_order=Y, read_line=Y, read_report=Y,
    dotted_other=N_UNSEEN,
    write_report=N_HOLDER, reply=N_STATE, open_file=N_HOLDER,
    write_state=N_PROTECTED, remarks_open=N_PROTECTED, remarks=N_ISSUER,
    accept=N_BUTTON, send_back=N_BUTTON, extend=N_BUTTON,
    chat_get=Y, chat_post=Y, history=Y, trail=Y, order_chat=N_ORDER_CHAT,
    dotted_line=N_FILTERED,
    dotted_report=N_UNSEEN, dotted_order=N_FILTERED)

EXPECTED = {
    'cm': OFFICE,
    # The PS to the CM acts for him.
    'ps.cm': OFFICE,
    # The CS and his PS: a CM order is not theirs.
    'cs': OUT,
    'ps.cs': OUT,
    # The Secretary S&GAD sees his department's line, not Finance's.
    'secretary.sgad': row(N_RULE, **SGAD_READER),
    # His PS has the PA/PS's buttons, which the issuing office's check
    # refuses.
    'ps.sgad': row(N_RULE, **dict(SGAD_READER, accept=N_ISSUER,
                send_back=N_ISSUER, extend=N_ISSUER)),
    # The wing head sees his wing's section.
    'as.admin': row(N_RULE, **SGAD_READER),
    # The holder reports, replies, opens a file; he is not the office.
    'so.admin1': row(N_RULE, **dict(SGAD_READER, write_report=Y, reply=Y,
                open_file=Y)),
    # An officer of the holder's section reads it, acts on nothing.
    'officer.admin1': row(N_RULE, **SGAD_READER),
    'so.admin2': OUT,
    'registrar.sgad': OUT,
    # Finance sees its own line and report, the order through them, and
    # nothing of S&GAD's.
    'secretary.fin': row(N_RULE, **dict(read_order=Y, read_other_line=Y,
                read_other_report=Y, chat_get=N_CHAT, chat_post=N_CHAT,
                order_chat=N_ORDER_CHAT, trail=N_UNSEEN, dotted_line=N_UNSEEN, dotted_report=Y,
                dotted_order=Y, dotted_other=Y)),
    # The Budget-I section does not hold Finance's line.
    'so.budget1': OUT,
    # The auditor reads everything and writes nothing: no access row lets
    # him write a line or write a report.
    'auditor': row(N_ACCESS, **dict(READ_ALL, reply=N_BUTTON,
                open_file=N_BUTTON, accept=N_BUTTON, send_back=N_BUTTON,
                extend=N_BUTTON)),
    # The administrator reads everything; he is neither the holder nor the
    # issuing office, writes no report and has none of their buttons.
    'admin': row(N_RULE, **dict(READ_ALL, write_report=N_ACCESS,
                reply=N_BUTTON, open_file=N_BUTTON, write_state=N_PROTECTED,
                remarks_open=N_PROTECTED, remarks=N_ISSUER, accept=N_BUTTON, send_back=N_BUTTON,
                extend=N_BUTTON)),
    }

# The compliance rows (target unit, issuer) each role sees.
ALL_ROWS = [('FIN', 'cm'), ('FIN', 'cs'), ('SGAD', 'cm')]
COMPLIANCE = {
    'cm': ALL_ROWS,
    'ps.cm': ALL_ROWS,
    'cs': ALL_ROWS,
    'ps.cs': ALL_ROWS,
    'secretary.sgad': [('SGAD', 'cm')],
    'ps.sgad': [('SGAD', 'cm')],
    'as.admin': [],
    'so.admin1': [],
    'officer.admin1': [],
    'so.admin2': [],
    'registrar.sgad': [],
    'secretary.fin': [('FIN', 'cm'), ('FIN', 'cs')],
    'so.budget1': [],
    'auditor': ALL_ROWS,
    'admin': ALL_ROWS,
    }


def setup_orders(config):
    """The matrix order: its S&GAD line marked down to so.admin1, its
    Finance line started by the Secretary, a report on each. For each
    button that changes a line, POOL orders to S&GAD with their line ready
    for it; and a CS order to Finance."""
    actor = Actor(config)
    directive = actor.order('cm', ['SGAD', 'FIN'], SUBJECT)
    lines = actor.lines(directive)
    actor.move('secretary.sgad', lines['SGAD'], 'so.admin1', action='mark')
    actor.report('so.admin1', lines['SGAD'], REPORTS['SGAD'])
    actor.click('secretary.fin', LINE, lines['FIN'], 'start')
    actor.report('secretary.fin', lines['FIN'], REPORTS['FIN'])
    for kind in ['reply', 'accept', 'send_back', 'extend', 'remarks']:
        for i in range(POOL if kind != 'remarks' else 1):
            directive = actor.order('cm', ['SGAD'], f"Matrix {kind} {i}")
            line = actor.lines(directive)['SGAD']
            actor.move('secretary.sgad', line, 'so.admin1', action='mark')
            actor.report('so.admin1', line, f"Report for {kind} {i}")
            if kind in {'accept', 'send_back', 'remarks'}:
                actor.click('so.admin1', LINE, line, 'reply')
            if kind == 'send_back':
                actor.write('cm', LINE, line, remarks="Give the figures.")
            if kind == 'extend':
                actor.write('cm', LINE, line,
                    new_deadline=dt.date.today() + dt.timedelta(days=30),
                    extension_reason="The assembly is in session.")
    actor.order('cs', ['FIN'], "Matrix CS order")
    actor.login('admin')


class AccessMatrixTestCase(AccessMatrixMixin, unittest.TestCase):
    "Each role × operation, allowed or refused as the contract says"
    ROLES, OPERATIONS, EXPECTED = ROLES, OPERATIONS, EXPECTED
    REFUSALS = REFUSALS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules('edaftar_directive',
            setup_government, setup_executive, setup_office_staff,
            setup_orders)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        config = self.config
        Directive = Model.get(DIRECTIVE)
        Line = Model.get(LINE)
        Report = Model.get(REPORT)
        # The setup leaves another user current: act from the
        # administrator (id 1).
        set_user(1, config=config)
        self.actor = Actor(config)
        self.actor.login('admin')
        self.order, = Directive.find([('subject', '=', SUBJECT)])
        self.lines = {l.department.code: l.id for l in self.order.lines}
        self.reports = {
            r.line.department.code: r.id for r in Report.find([
                    ('line.directive', '=', self.order.id)])}
        self.pools = {}
        for line in Line.find([('directive.subject', 'like', 'Matrix %')],
                order=[('id', 'ASC')]):
            kind = line.directive.subject.split()[1]
            if kind in {'reply', 'accept', 'send_back', 'extend', 'remarks'}:
                self.pools.setdefault(kind, []).append(line.id)
        self.moment = dt.datetime.now()

    def call(self, model, method, *args, context=None):
        return self.actor.call(model, method, *args, context=context)

    def pooled(self, kind, allowed):
        "A line of the pool of kind: taken when the cell is allowed"
        ids = self.pools[kind]
        return ids.pop(0) if allowed else ids[0]

    def attempt(self, login, operation, allowed):
        """Try operation as the current user, login: return 'allowed' if it
        worked, or the refusal's kind; let a crash through"""
        Directive = Model.get(DIRECTIVE)
        Line = Model.get(LINE)
        Report = Model.get(REPORT)
        Movement = Model.get('edaftar.movement')
        sgad, fin = self.lines['SGAD'], self.lines['FIN']
        resource = f'{LINE},{sgad}'
        try:
            if operation == 'read_order':
                self.assertEqual(Directive(self.order.id).subject, SUBJECT)
            elif operation == 'read_line':
                self.assertEqual(Line(sgad).department.code, 'SGAD')
            elif operation == 'read_other_line':
                self.assertEqual(Line(fin).department.code, 'FIN')
            elif operation == 'read_report':
                self.assertEqual(
                    Report(self.reports['SGAD']).text, REPORTS['SGAD'])
            elif operation == 'read_other_report':
                self.assertEqual(
                    Report(self.reports['FIN']).text, REPORTS['FIN'])
            elif operation == 'write_report':
                self.call(REPORT, 'create', [{
                            'line': sgad, 'text': f"Report by {login}"}])
            elif operation == 'reply':
                Line(self.pooled('reply', allowed)).click('reply')
            elif operation == 'open_file':
                Line(sgad).click('open_file')
            elif operation == 'write_state':
                self.call(LINE, 'write', [sgad], {'state': 'done'})
            elif operation in {'remarks_open', 'remarks'}:
                line = sgad if operation == 'remarks_open' else (
                    self.pools['remarks'][0])
                self.call(LINE, 'write', [line],
                    {'remarks': f"Remarks by {login}"})
            elif operation in {'accept', 'send_back', 'extend'}:
                Line(self.pooled(operation, allowed)).click(operation)
            elif operation == 'chat_get':
                self.assertIsInstance(
                    self.call('ir.chat.channel', 'get', resource), list)
            elif operation == 'chat_post':
                self.call('ir.chat.channel', 'post', resource,
                    f"Chat by {login}")
            elif operation == 'order_chat':
                self.assertIsInstance(self.call('ir.chat.channel', 'get',
                        f'{DIRECTIVE},{self.order.id}'), list)
            elif operation == 'history':
                values, = self.call(LINE, 'read', [sgad], ['number'],
                    context={'_datetime': self.moment})
                self.assertTrue(values['number'].endswith('/SGAD'))
            elif operation == 'trail':
                if not Movement.find([('directive_line', '=', sgad)]):
                    return N_UNSEEN
            elif operation in {'dotted_line', 'dotted_report',
                    'dotted_order', 'dotted_other'}:
                Model_, record, clause = {
                    'dotted_line': (Line, sgad, (
                            'directive.lines.reports.text', 'ilike',
                            REPORTS['FIN'])),
                    'dotted_report': (Report, self.reports['FIN'], (
                            'line.directive.subject', 'ilike', SUBJECT)),
                    'dotted_order': (Directive, self.order.id, (
                            'lines.reports.text', 'ilike', REPORTS['FIN'])),
                    'dotted_other': (Line, fin, (
                            'directive.subject', 'ilike', SUBJECT)),
                    }[operation]
                if not Model_.find([('id', '=', record)]):
                    return N_UNSEEN
                if not Model_.find([('id', '=', record), clause]):
                    return N_FILTERED
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
        Line = Model.get(LINE)
        Report = Model.get(REPORT)

        def allowed(operation):
            return sorted(r for r in ROLES if EXPECTED[r][operation] == Y)
        sgad = Line(self.lines['SGAD'])
        self.assertEqual(
            (sgad.state, sgad.holder.user.login), ('in_progress', 'so.admin1'))
        self.assertEqual(sorted(
                r.text.split()[-1] for r in Report.find([
                        ('text', 'like', 'Report by %')])),
            allowed('write_report'))
        self.assertEqual(bool(sgad.file), bool(allowed('open_file')))
        self.assertIsNone(sgad.remarks)
        writers = allowed('remarks')
        self.assertIn(Line(self.pools['remarks'][0]).remarks,
            [f"Remarks by {login}" for login in writers] or [None])
        states = {}
        for line in Line.find([('directive.subject', 'like', 'Matrix %')]):
            kind = line.directive.subject.split()[1]
            changed = {
                'reply': line.state == 'replied',
                'accept': line.state == 'done',
                'send_back': line.state == 'in_progress',
                'extend': line.deadline > dt.date.today()
                + dt.timedelta(days=7),
                }.get(kind)
            if changed is not None:
                states.setdefault(kind, 0)
                states[kind] += changed
        self.assertEqual(states, {
                kind: len(allowed(kind))
                for kind in ['reply', 'accept', 'send_back', 'extend']})
        messages = self.call('ir.chat.channel', 'get',
            f'{LINE},{self.lines["SGAD"]}')
        self.assertEqual(len(messages), len(allowed('chat_post')))

    def test_compliance(self):
        "The compliance rows each role sees"
        Compliance = Model.get('edaftar.directive.compliance')
        got = {}
        for role in ROLES:
            self.actor.login(role)
            got[role] = sorted(
                (c.department.code, c.issuer) for c in Compliance.find([]))
        self.actor.login('admin')
        wrong = sorted(
            f'{r}: expected {COMPLIANCE[r]}, got {got[r]}'
            for r in ROLES if got[r] != COMPLIANCE[r])
        self.assertEqual(wrong, [])
        # What a department sees of its own row is the whole row.
        self.actor.login('secretary.fin')
        row, = Compliance.find([('issuer', '=', 'cs')])
        self.assertEqual((row.total, row.waiting), (1, 1))

    def test_deep_dotted_search(self):
        """A dotted search through the order into another unit's report,
        from a report or a movement, is answered (without that report)"""
        Report = Model.get(REPORT)
        Movement = Model.get('edaftar.movement')
        clause = ('ilike', REPORTS['FIN'])
        expected = {
            # S&GAD reads its report and moves, not Finance's report.
            'secretary.sgad': ([], []),
            # Finance reads its own report; no move of its line yet.
            'secretary.fin': (['FIN'], ['FIN']),
            # The CM's office reads both lines.
            'cm': (['FIN', 'SGAD'], ['FIN', 'SGAD', 'SGAD']),
            }
        for login, (reports, movements) in expected.items():
            with self.subTest(login=login):
                self.actor.login(login)
                found = Report.find(
                    [('line.directive.lines.reports.text', *clause),
                        ('line.directive.subject', '=', SUBJECT)])
                self.assertEqual(
                    sorted(r.line.department.code for r in found), reports)
                found = Movement.find(
                    [('directive_line.directive.lines.reports.text',
                            *clause),
                        ('directive_line.directive.subject', '=', SUBJECT)])
                self.assertEqual(sorted(
                        m.directive_line.department.code for m in found),
                    movements)
        self.actor.login('admin')
