# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The access matrix of summaries and CS notes: each role against papers of
the Admin-I section of S&GAD, written by its Section Officer — a summary
with the Secretary S&GAD (the wing head approved it, Finance was asked and
answered), a draft, summaries approved by the Chief Minister, a note with
the Chief Secretary — through proteus, as clients call it.

Each cell is allowed, or refused by a named guard: a refusal is recognised
by the exception type and the message (its ir.message text) of the guard
that raises it; any other exception is a crash and fails the test with its
traceback."""
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
from trytond.modules.edaftar_dak.exceptions import ApprovalError
from trytond.modules.edaftar_summary.exceptions import (
    PaperAccessError, VettingError)
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user

from .tools import Actor

SUMMARY = 'edaftar.summary'
STEP = 'edaftar.summary.step'
VETTING = 'edaftar.summary.vetting'
VERSION = 'edaftar.summary.version'
NOTE = 'edaftar.cs_note'
NOTE_STEP = 'edaftar.cs_note.step'
SUBJECT = "Matrix summary"
NOTE_SUBJECT = "Matrix note"
# Papers for the cells that change them: enough for every role allowed.
POOL = 3
WING_REMARKS = "Wing remarks on the matrix summary."
COMMENTS = "Finance comments on the matrix summary."
NOTE_REMARKS = "Note remarks of the Chief Secretary."

OPERATIONS = [
    # The summary with the Secretary S&GAD: read it, a step of its route,
    # Finance's vetting of it, a version of its text.
    'read_summary', 'read_steps', 'read_vetting', 'read_version',
    # Write the text of a draft summary of Admin-I; write the remarks of
    # the summary with the Secretary (the deciding person's).
    'write_draft', 'remarks',
    # Approve, send back (the remarks written) a summary of the pool with
    # the Secretary; approve one written by the PS to the Secretary.
    'approve', 'send_back', 'approve_own',
    # Ask Finance to vet the summary (create a vetting); reply to a
    # vetting asked of Finance (its comments written).
    'vet', 'reply',
    # Write the decision of a summary approved by the CM; dispatch one
    # (its decision written).
    'decision', 'dispatch',
    # The summary's discussion (ir.chat.channel get and post); a read of it
    # with _datetime.
    'chat_get', 'chat_post', 'history',
    # Dotted searches: the summary by steps.remarks (the wing head's) and
    # by vettings.comments (Finance's).
    'dotted_steps', 'dotted_vettings',
    # The note with the Chief Secretary: read it, a step of its route (the
    # CS's send-back), write its remarks; review, approve, send back (the
    # remarks written) a note of the pool with the Chief Secretary.
    'note_read', 'note_steps', 'note_remarks', 'note_review',
    'note_approve', 'note_send_back',
    # Its discussion, its history, a dotted search by steps.remarks.
    'note_chat_get', 'note_chat_post', 'note_history', 'note_dotted',
    ]
ROLES = ['cm', 'ps.cm', 'cs', 'ps.cs', 'secretary.sgad', 'ps.sgad',
    'as.admin', 'so.admin1', 'officer.admin1', 'so.admin2',
    'registrar.sgad', 'secretary.fin', 'so.budget1', 'auditor', 'admin']

# What a cell gives: allowed, or the guard that refuses it.
Y = ALLOWED
# ir.rule: the record rules (ir.msg_{read,write,create}_rule_error)
N_RULE = 'rule'
# ir.model.access: no access row grants the mode (ir.msg_access_rule_error)
N_ACCESS = 'access'
# ir.model.button-res.group (ir.msg_access_button_error)
N_BUTTON = 'button'
# not the current step's approver nor their PA/PS: ApprovalError
# edaftar_dak.msg_approval_not_turn
N_TURN = 'not_turn'
# the paper's author, be it as the approver's PA/PS: ApprovalError
# edaftar_dak.msg_approval_own
N_OWN = 'own'
# only the author writes the text: PaperAccessError
# edaftar_summary.msg_paper_not_author
N_AUTHOR = 'not_author'
# only the CM's office writes and dispatches the decision: PaperAccessError
# edaftar_summary.msg_summary_not_cm_office
N_CM_OFFICE = 'not_cm_office'
# only the author's department or the current approver asks for vetting:
# VettingError edaftar_summary.msg_vetting_not_requester
N_REQUESTER = 'not_requester'
# only the department asked answers: VettingError
# edaftar_summary.msg_vetting_not_department
N_DEPARTMENT = 'not_department'
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
        (AccessError, 'ir.msg_create_rule_error')],
    N_ACCESS: [(AccessError, 'ir.msg_access_rule_error')],
    N_BUTTON: [(AccessButtonError, 'ir.msg_access_button_error')],
    N_TURN: [(ApprovalError, 'edaftar_dak.msg_approval_not_turn')],
    N_OWN: [(ApprovalError, 'edaftar_dak.msg_approval_own')],
    N_AUTHOR: [(PaperAccessError, 'edaftar_summary.msg_paper_not_author')],
    N_CM_OFFICE: [(
            PaperAccessError, 'edaftar_summary.msg_summary_not_cm_office')],
    N_REQUESTER: [(
            VettingError, 'edaftar_summary.msg_vetting_not_requester')],
    N_DEPARTMENT: [(
            VettingError, 'edaftar_summary.msg_vetting_not_department')],
    N_PROTECTED: [(ProtectedFieldError, 'edaftar_base.msg_field_protected')],
    N_HISTORY: [(
            HistoryAccessError, 'edaftar_base.msg_history_not_readable')],
    N_CHAT: [(ChatAccessError, 'edaftar_base.msg_chat_not_readable')],
    }


def row(default, **changes):
    "The cells of every operation: default, but those of changes"
    cells = dict.fromkeys(OPERATIONS, default)
    for operation, result in changes.items():
        assert operation in cells, operation
        cells[operation] = result
    return cells


SUMMARY_OPERATIONS = OPERATIONS[:OPERATIONS.index('note_read')]
NOTE_OPERATIONS = OPERATIONS[OPERATIONS.index('note_read'):]
# What may not be read is refused as such, whatever the write, before any
# guard whose message would name it.
SUMMARY_OUT = dict(
    dict.fromkeys(SUMMARY_OPERATIONS, N_RULE),
    chat_get=N_CHAT, chat_post=N_CHAT, history=N_HISTORY,
    dotted_steps=N_UNSEEN, dotted_vettings=N_UNSEEN)
NOTE_OUT = dict(
    dict.fromkeys(NOTE_OPERATIONS, N_RULE),
    note_chat_get=N_CHAT, note_chat_post=N_CHAT, note_history=N_HISTORY,
    note_dotted=N_UNSEEN)
# Reading the summary with the Secretary, its steps, vetting, versions,
# discussion and history, found through what it holds.
SUMMARY_READ = dict(read_summary=Y, read_steps=Y, read_vetting=Y,
    read_version=Y, chat_get=Y, chat_post=Y, history=Y, dotted_steps=Y,
    dotted_vettings=Y)
NOTE_READ = dict(note_read=Y, note_steps=Y, note_chat_get=Y,
    note_chat_post=Y, note_history=Y, note_dotted=Y)
# S&GAD's readers of the section's papers, on nobody's step now: they read
# the summary, the draft (not theirs), the summary the CM approved and the
# note; decide nothing, ask no vetting. The PS's own summary is the
# department's, not the wing's or section's.
SGAD = dict({**SUMMARY_OUT, **NOTE_OUT, **SUMMARY_READ, **NOTE_READ},
    write_draft=N_AUTHOR, remarks=N_TURN, approve=N_TURN, send_back=N_TURN,
    vet=N_REQUESTER, reply=N_DEPARTMENT, decision=N_CM_OFFICE,
    dispatch=N_CM_OFFICE, note_remarks=N_TURN, note_review=N_TURN,
    note_approve=N_TURN, note_send_back=N_TURN)
# The Secretary S&GAD, whose step it is: decides the summary, asks for
# vetting; the PS's own summary is his to decide.
SECRETARY = dict(SGAD, remarks=Y, approve=Y, send_back=Y, approve_own=Y,
    vet=Y)
# The CM's and CS's offices read what reached them: the approved
# summaries (the CS's step is behind them), the note at the CS's step.
OFFICE = dict({**SUMMARY_OUT, **NOTE_OUT}, decision=N_CM_OFFICE,
    dispatch=N_CM_OFFICE)

EXPECTED = {
    # The Chief Minister's office writes and dispatches the decision of
    # what the CM approved; the summary with the Secretary and the note
    # have not reached it.
    'cm': dict(OFFICE, decision=Y, dispatch=Y),
    'ps.cm': dict(OFFICE, decision=Y, dispatch=Y),
    # The Chief Secretary's office decides the note.
    'cs': dict({**OFFICE, **NOTE_READ}, note_remarks=Y, note_review=Y,
        note_approve=Y, note_send_back=Y),
    'ps.cs': dict({**OFFICE, **NOTE_READ}, note_remarks=Y, note_review=Y,
        note_approve=Y, note_send_back=Y),
    'secretary.sgad': SECRETARY,
    # His PS acts for him, but does not approve for him the summary he
    # wrote himself.
    'ps.sgad': dict(SECRETARY, approve_own=N_OWN),
    # The wing head approved the summary: it is no longer his turn.
    'as.admin': SGAD,
    # The author writes his draft and asks for vetting; he decides nothing.
    'so.admin1': dict(SGAD, write_draft=Y, vet=Y),
    # An officer of the author's section reads the section's papers.
    'officer.admin1': SGAD,
    # Another section of the wing, the registry of the department: nothing.
    'so.admin2': {**SUMMARY_OUT, **NOTE_OUT},
    'registrar.sgad': {**SUMMARY_OUT, **NOTE_OUT},
    # Finance reads the summary it was asked to vet, and answers; nothing
    # else of S&GAD's.
    'secretary.fin': dict({**SUMMARY_OUT, **NOTE_OUT, **SUMMARY_READ},
        remarks=N_TURN, vet=N_REQUESTER, reply=Y),
    # Its Budget section was not asked.
    'so.budget1': {**SUMMARY_OUT, **NOTE_OUT},
    # The auditor reads everything and writes nothing: no access row lets
    # him write or create, no button is his.
    'auditor': row(Y, write_draft=N_ACCESS, remarks=N_ACCESS,
        approve=N_BUTTON, send_back=N_BUTTON, approve_own=N_BUTTON,
        vet=N_ACCESS, reply=N_BUTTON, decision=N_ACCESS, dispatch=N_BUTTON,
        note_remarks=N_ACCESS, note_review=N_BUTTON, note_approve=N_BUTTON,
        note_send_back=N_BUTTON),
    # The administrator reads everything; he is nobody's approver, author
    # nor department.
    'admin': row(Y, write_draft=N_AUTHOR, remarks=N_TURN, approve=N_TURN,
        send_back=N_TURN, approve_own=N_TURN, vet=N_RULE, reply=N_DEPARTMENT,
        decision=N_CM_OFFICE, dispatch=N_CM_OFFICE, note_remarks=N_TURN,
        note_review=N_TURN, note_approve=N_TURN, note_send_back=N_TURN),
    }


def setup_papers(config):
    """The matrix papers of the Admin-I section of S&GAD, by its Section
    Officer: the summary with the Secretary (the wing head approved it,
    the Secretary asked Finance, which answered), a draft, the note with
    the Chief Secretary (who sent it back once); and for each button that
    changes a paper, POOL papers ready for it."""
    actor = Actor(config)
    main = actor.paper('so.admin1', SUBJECT)
    actor.click('as.admin', SUMMARY, main, 'approve', remarks=WING_REMARKS)
    vetting = actor.vetting('secretary.sgad', main)
    actor.write('secretary.fin', VETTING, vetting, comments=COMMENTS)
    actor.click('secretary.fin', VETTING, vetting, 'reply')
    actor.paper('so.admin1', "Matrix draft", send=False)
    for kind in ['approve', 'send_back']:
        for i in range(POOL):
            paper = actor.paper('so.admin1', f"Matrix {kind} {i}")
            actor.decide(['as.admin'], paper)
            if kind == 'send_back':
                actor.write('secretary.sgad', SUMMARY, paper,
                    remarks="Rework the figures.")
    for i in range(POOL):
        actor.paper('ps.sgad', f"Matrix approve_own {i}")
    reply = actor.paper('so.admin1', "Matrix reply")
    actor.decide(['as.admin'], reply)
    for i in range(POOL):
        vetting = actor.vetting('secretary.sgad', reply)
        actor.write('secretary.fin', VETTING, vetting,
            comments=f"Finance view {i}.")
    for kind, count in [('dispatch', POOL), ('decision', 1)]:
        for i in range(count):
            paper = actor.paper('so.admin1', f"Matrix {kind} {i}")
            actor.decide(['as.admin', 'secretary.sgad', 'cs', 'cm'], paper)
            if kind == 'dispatch':
                actor.write('cm', SUMMARY, paper, decision="Approved.")
    note = actor.paper('so.admin1', NOTE_SUBJECT, model=NOTE)
    actor.click('cs', NOTE, note, 'send_back', remarks=NOTE_REMARKS)
    actor.click('so.admin1', NOTE, note, 'draft')
    actor.click('so.admin1', NOTE, note, 'send')
    for kind in ['review', 'approve', 'send_back']:
        for i in range(POOL):
            paper = actor.paper(
                'so.admin1', f"Matrix note {kind} {i}", model=NOTE)
            if kind == 'send_back':
                actor.write('cs', NOTE, paper, remarks="Rework the note.")
    actor.login('admin')


class AccessMatrixTestCase(AccessMatrixMixin, unittest.TestCase):
    "Each role × operation, allowed or refused as the contract says"
    ROLES, OPERATIONS, EXPECTED = ROLES, OPERATIONS, EXPECTED
    REFUSALS = REFUSALS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules('edaftar_summary',
            setup_government, setup_executive, setup_papers)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        config = self.config
        Summary = Model.get(SUMMARY)
        Note = Model.get(NOTE)
        Vetting = Model.get(VETTING)
        Version = Model.get(VERSION)
        # The setup leaves another user current: act from the
        # administrator (id 1).
        set_user(1, config=config)
        self.actor = Actor(config)
        self.actor.login('admin')
        self.summary, = Summary.find([('subject', '=', SUBJECT)])
        self.draft, = Summary.find([('subject', '=', "Matrix draft")])
        self.decided, = Summary.find([('subject', '=', "Matrix decision 0")])
        self.step = self.summary.steps[0].id
        self.vetting, = Vetting.find([('summary', '=', self.summary.id)])
        self.version = Version.find([('summary', '=', self.summary.id)])[0]
        self.note, = Note.find([('subject', '=', NOTE_SUBJECT)])
        self.note_step = self.note.steps[0].id
        self.pools = {}
        for Paper, prefix in [(Summary, 'Matrix '), (Note, 'Matrix note ')]:
            for paper in Paper.find([('subject', 'like', prefix + '%')],
                    order=[('id', 'ASC')]):
                kind = paper.subject[len(prefix):].rsplit(' ', 1)[0]
                if kind in {'approve', 'send_back', 'approve_own',
                        'dispatch', 'review'}:
                    key = kind if Paper is Summary else f'note_{kind}'
                    self.pools.setdefault(key, []).append(paper.id)
        reply, = Summary.find([('subject', '=', "Matrix reply")])
        self.pools['reply'] = [v.id for v in reply.vettings]
        self.moment = dt.datetime.now()

    def call(self, model, method, *args, context=None):
        return self.actor.call(model, method, *args, context=context)

    def pooled(self, kind, allowed):
        "A paper of the pool of kind: taken when the cell is allowed"
        ids = self.pools[kind]
        return ids.pop(0) if allowed else ids[0]

    def attempt(self, login, operation, allowed):
        """Try operation as the current user, login: return 'allowed' if it
        worked, or the refusal's kind; let a crash through"""
        Summary = Model.get(SUMMARY)
        Step = Model.get(STEP)
        Vetting = Model.get(VETTING)
        Version = Model.get(VERSION)
        Note = Model.get(NOTE)
        NoteStep = Model.get(NOTE_STEP)
        summary, note = self.summary.id, self.note.id
        try:
            if operation == 'read_summary':
                self.assertEqual(Summary(summary).subject, SUBJECT)
            elif operation == 'read_steps':
                self.assertEqual(Step(self.step).remarks, WING_REMARKS)
            elif operation == 'read_vetting':
                self.assertEqual(Vetting(self.vetting.id).comments, COMMENTS)
            elif operation == 'read_version':
                self.assertEqual(
                    Version(self.version.id).body, self.summary.body)
            elif operation == 'write_draft':
                self.call(SUMMARY, 'write', [self.draft.id],
                    {'body': f"Text by {login}"})
            elif operation == 'remarks':
                self.call(SUMMARY, 'write', [summary],
                    {'remarks': f"Remarks by {login}"})
            elif operation in {'approve', 'approve_own', 'send_back'}:
                button = 'send_back' if operation == 'send_back' else (
                    'approve')
                Summary(self.pooled(operation, allowed)).click(button)
            elif operation == 'vet':
                self.call(VETTING, 'create', [{
                            'summary': summary,
                            'department': self.actor.unit('FIN')}])
            elif operation == 'reply':
                Vetting(self.pooled('reply', allowed)).click('reply')
            elif operation == 'decision':
                self.call(SUMMARY, 'write', [self.decided.id],
                    {'decision': f"Decision by {login}"})
            elif operation == 'dispatch':
                Summary(self.pooled('dispatch', allowed)).click('dispatch')
            elif operation == 'note_remarks':
                self.call(NOTE, 'write', [note],
                    {'remarks': f"Remarks by {login}"})
            elif operation in {
                    'note_review', 'note_approve', 'note_send_back'}:
                Note(self.pooled(operation, allowed)).click(
                    operation[len('note_'):])
            elif operation == 'note_read':
                self.assertEqual(Note(note).subject, NOTE_SUBJECT)
            elif operation == 'note_steps':
                self.assertEqual(NoteStep(self.note_step).remarks,
                    NOTE_REMARKS)
            elif operation in {'chat_get', 'note_chat_get'}:
                model, record = (SUMMARY, summary) if operation == (
                    'chat_get') else (NOTE, note)
                self.assertIsInstance(self.call('ir.chat.channel', 'get',
                        f'{model},{record}'), list)
            elif operation in {'chat_post', 'note_chat_post'}:
                model, record = (SUMMARY, summary) if operation == (
                    'chat_post') else (NOTE, note)
                self.call('ir.chat.channel', 'post', f'{model},{record}',
                    f"Chat by {login}")
            elif operation in {'history', 'note_history'}:
                model, record, subject = (
                    (SUMMARY, summary, SUBJECT) if operation == 'history'
                    else (NOTE, note, NOTE_SUBJECT))
                values, = self.call(model, 'read', [record], ['subject'],
                    context={'_datetime': self.moment})
                self.assertEqual(values['subject'], subject)
            elif operation in {
                    'dotted_steps', 'dotted_vettings', 'note_dotted'}:
                Paper, record, clause = {
                    'dotted_steps': (Summary, summary, (
                            'steps.remarks', 'ilike', WING_REMARKS)),
                    'dotted_vettings': (Summary, summary, (
                            'vettings.comments', 'ilike', COMMENTS)),
                    'note_dotted': (Note, note, (
                            'steps.remarks', 'ilike', NOTE_REMARKS)),
                    }[operation]
                if not Paper.find([('id', '=', record)]):
                    return N_UNSEEN
                if not Paper.find([('id', '=', record), clause]):
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
        Summary = Model.get(SUMMARY)
        Vetting = Model.get(VETTING)
        Note = Model.get(NOTE)

        def allowed(operation):
            return sorted(r for r in ROLES if EXPECTED[r][operation] == Y)

        def last_of(operation, prefix):
            "What the last role allowed wrote (roles act in ROLES order)"
            roles = [r for r in ROLES if EXPECTED[r][operation] == Y]
            return f"{prefix} by {roles[-1]}" if roles else None
        actor = self.actor
        # The summary is still with the Secretary, its text unchanged; the
        # remarks are the last allowed writer's.
        summary = Summary(self.summary.id)
        self.assertEqual(
            (summary.state, summary.body, summary.remarks),
            ('sent', self.summary.body, last_of('remarks', "Remarks")))
        self.assertEqual(actor.steps(SUMMARY, summary.id), [
                ('approved', 'as.admin', False),
                ('pending', 'secretary.sgad', True),
                ('pending', 'cs', False),
                ('pending', 'cm', False)])
        self.assertEqual(Summary(self.draft.id).body,
            last_of('write_draft', "Text") or self.draft.body)
        self.assertEqual(Summary(self.decided.id).decision,
            last_of('decision', "Decision"))
        # One new vetting asked by each role allowed.
        vettings = Vetting.find([('summary', '=', summary.id)],
            order=[('id', 'ASC')])
        self.assertEqual(vettings[0].id, self.vetting.id)
        self.assertEqual(
            sorted(v.requested_by.user.login for v in vettings[1:]),
            allowed('vet'))
        # Each pool: a paper moved on for each role allowed, by that role.
        moved = {}
        for Paper, prefix, states in [
                (Summary, 'Matrix ', {
                        'approve': 'sent', 'send_back': 'returned',
                        'approve_own': 'sent', 'dispatch': 'dispatched'}),
                (Note, 'Matrix note ', {
                        'review': 'under_review', 'approve': 'approved',
                        'send_back': 'sent_back'})]:
            for paper in Paper.find([('subject', 'like', prefix + '%')]):
                kind = paper.subject[len(prefix):].rsplit(' ', 1)[0]
                if kind not in states:
                    continue
                key = kind if Paper is Summary else f'note_{kind}'
                moved.setdefault(key, [])
                if paper.state == states[kind] and (
                        kind not in {'approve', 'approve_own'}
                        or Paper is Note
                        or paper.current_approver.user.login == 'cs'):
                    moved[key].append(paper)
        self.assertEqual({k: len(v) for k, v in moved.items()}, {
                k: len(allowed(k)) for k in [
                    'approve', 'send_back', 'approve_own', 'dispatch',
                    'note_review', 'note_approve', 'note_send_back']})
        reply, = Summary.find([('subject', '=', "Matrix reply")])
        self.assertEqual(
            sorted(v.replied_by.user.login for v in reply.vettings
                if v.state == 'replied'),
            allowed('reply'))
        # The note is still with the Chief Secretary.
        note = Note(self.note.id)
        self.assertEqual((note.state, note.remarks),
            ('sent', last_of('note_remarks', "Remarks")))
        self.assertEqual(actor.steps(NOTE, note.id), [
                ('returned', 'cs', False), ('pending', 'cs', True)])
        for model, record, operation in [
                (SUMMARY, summary.id, 'chat_post'),
                (NOTE, note.id, 'note_chat_post')]:
            messages = self.call(
                'ir.chat.channel', 'get', f'{model},{record}')
            self.assertEqual(len(messages), len(allowed(operation)))
