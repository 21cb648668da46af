# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bad input on summaries and CS notes: each is refused with its own error
and clear message, and nothing is changed — the paper, its route, its
vettings, the audit log and the notifications are as before."""
import unittest

from proteus import Model
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.edaftar_base.exceptions import ProtectedFieldError
from trytond.modules.edaftar_base.tests.tools import (
    setup_executive, setup_government)
from trytond.modules.edaftar_dak.exceptions import ApprovalError, StateError
from trytond.modules.edaftar_summary.exceptions import (
    PaperAccessError, RouteError, VettingError)
from trytond.modules.edaftar_base.tests.tools import RefusalTestMixin
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules

from .tools import Actor

SUMMARY = 'edaftar.summary'
STEP = 'edaftar.summary.step'
VETTING = 'edaftar.summary.vetting'
NOTE = 'edaftar.cs_note'
NOTE_STEP = 'edaftar.cs_note.step'
STEP_FIELDS = {'remarks': "Remarks", 'decision': "Decision",
    'decided_by': "Decided By", 'approver': "Approver", 'current': "Current"}


class BadInputTestCase(RefusalTestMixin, unittest.TestCase):
    "Bad input is refused with a clear message and changes nothing"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_summary', setup_government, setup_executive)
        cls.actor = Actor(cls.config)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    # Helpers

    def subject(self, name=''):
        "A subject of its own for each paper of a test"
        return f"{self.id().rsplit('.', 1)[-1]} {name}".strip()

    def rec_name(self, model, record_id):
        Record = Model.get(model)
        with self.actor.as_admin():
            return Record(record_id).rec_name

    def name(self, login):
        "The name of the employee of login"
        Employee = Model.get('company.employee')
        with self.actor.as_admin():
            return Employee(self.actor.employee(login)).rec_name

    def paper_state(self, model, paper_id):
        "What a paper is, as the administrator reads it"
        Paper = Model.get(model)
        AuditLog = Model.get('edaftar.audit.log')
        Notification = Model.get('res.notification')

        def ref(record):
            return record.id if record else None
        with self.actor.as_admin():
            paper = Paper(paper_id)
            state = {
                'state': paper.state,
                'subject': paper.subject,
                'body': paper.body,
                'remarks': paper.remarks,
                'sent_at': paper.sent_at,
                'approved_by': ref(paper.approved_by),
                'approved_at': paper.approved_at,
                'steps': [(s.id, s.sequence, s.role, ref(s.approver),
                        s.decision, bool(s.current), s.remarks,
                        ref(s.decided_by), ref(s.on_behalf_of),
                        s.decided_at, s.reached_at)
                    for s in paper.steps],
                'audit': len(AuditLog.find([
                            ('model', '=', model),
                            ('record_id', '=', paper_id)])),
                'notifications': len(Notification.find([])),
                'write_date': paper.write_date,
                }
            if model == SUMMARY:
                state.update({
                        'decision': paper.decision,
                        'dispatched_by': ref(paper.dispatched_by),
                        'vettings': [(v.id, v.state, ref(v.department),
                                v.comments, ref(v.replied_by), v.replied_at)
                            for v in paper.vettings],
                        'versions': len(paper.versions),
                        })
            else:
                state['reviewed_by'] = ref(paper.reviewed_by)
        return state

    def at_secretary(self, name, author='so.admin1'):
        "A summary sent by author, approved by the wing head if it has one"
        actor = self.actor
        summary = actor.paper(author, self.subject(name))
        if author == 'so.admin1':
            actor.decide(['as.admin'], summary)
        return summary

    # Deciding out of turn

    def test_approve_out_of_turn(self):
        """Only the person at the current step, or their PA/PS, decides:
        not the next approver, nor the author"""
        Summary = Model.get(SUMMARY)
        actor = self.actor
        summary = actor.paper('so.admin1', self.subject())
        before = self.paper_state(SUMMARY, summary)
        params = dict(paper=self.rec_name(SUMMARY, summary),
            approver=self.name('as.admin'), step="Wing Head")
        for login in ['secretary.sgad', 'ps.sgad', 'so.admin1', 'admin']:
            for button in ['approve', 'send_back']:
                with self.subTest(login=login, button=button):
                    actor.login(login)
                    self.assertRefused(ApprovalError,
                        'edaftar_dak.msg_approval_not_turn',
                        lambda: Summary(summary).click(button), **params)
                    self.assertEqual(
                        self.paper_state(SUMMARY, summary), before)
            # Nor do they write the deciding person's remarks.
            with self.subTest(login=login, field='remarks'):
                self.assertRefused(ApprovalError,
                    'edaftar_dak.msg_approval_not_turn',
                    lambda: actor.write(login, SUMMARY, summary,
                        remarks="Out of turn"), **params)
                self.assertEqual(self.paper_state(SUMMARY, summary), before)
        # The Chief Secretary, whose step comes later, does not even see it
        # yet.
        actor.login('cs')
        self.assertRefusedLike(AccessError, 'ir.msg_read_rule_error',
            lambda: Summary(summary).click('approve'))
        self.assertEqual(self.paper_state(SUMMARY, summary), before)
        self.assertEqual(before['steps'][0][4:6], ('pending', True))

    def test_note_out_of_turn(self):
        "A note is decided by the Chief Secretary's office only"
        Note = Model.get(NOTE)
        actor = self.actor
        note = actor.paper('so.admin1', self.subject(), model=NOTE)
        before = self.paper_state(NOTE, note)
        params = dict(paper=self.rec_name(NOTE, note),
            approver=self.name('cs'), step="Chief Secretary")
        for login in ['secretary.sgad', 'ps.sgad', 'so.admin1']:
            for button in ['review', 'approve', 'send_back']:
                with self.subTest(login=login, button=button):
                    actor.login(login)
                    self.assertRefused(ApprovalError,
                        'edaftar_dak.msg_approval_not_turn',
                        lambda: Note(note).click(button), **params)
                    self.assertEqual(self.paper_state(NOTE, note), before)

    # One's own paper

    def test_approve_own_paper(self):
        """The PS to the Secretary writes a summary: it goes to the
        Secretary, and the PS cannot approve it for him"""
        Summary = Model.get(SUMMARY)
        actor = self.actor
        summary = actor.paper('ps.sgad', self.subject())
        before = self.paper_state(SUMMARY, summary)
        self.assertEqual(actor.steps(SUMMARY, summary), [
                ('pending', 'secretary.sgad', True),
                ('pending', 'cs', False),
                ('pending', 'cm', False)])
        params = dict(paper=self.rec_name(SUMMARY, summary))
        actor.login('ps.sgad')
        for button in ['approve', 'send_back']:
            with self.subTest(button=button):
                self.assertRefused(ApprovalError,
                    'edaftar_dak.msg_approval_own',
                    lambda: Summary(summary).click(button), **params)
                self.assertEqual(self.paper_state(SUMMARY, summary), before)
        self.assertRefused(ApprovalError, 'edaftar_dak.msg_approval_own',
            lambda: actor.write('ps.sgad', SUMMARY, summary,
                remarks="Approved for the Secretary."), **params)
        self.assertEqual(self.paper_state(SUMMARY, summary), before)
        # The Secretary decides it himself.
        actor.decide(['secretary.sgad'], summary)
        self.assertEqual(actor.steps(SUMMARY, summary)[0],
            ('approved', 'secretary.sgad', False))

    def test_own_step_skipped(self):
        """The wing head's own summary has no wing head step: nobody
        approves his own paper"""
        actor = self.actor
        summary = actor.paper('as.admin', self.subject())
        self.assertEqual(actor.steps(SUMMARY, summary), [
                ('pending', 'secretary.sgad', True),
                ('pending', 'cs', False),
                ('pending', 'cm', False)])

    # Deciding twice

    def test_decide_twice(self):
        """A decided step is not decided again: not by its approver, nor by
        the principal after his PS, nor once the route is over"""
        Summary = Model.get(SUMMARY)
        actor = self.actor
        summary = actor.paper('so.admin1', self.subject())
        actor.decide(['as.admin'], summary)
        before = self.paper_state(SUMMARY, summary)
        # The wing head again: the summary is with the Secretary now.
        params = dict(paper=self.rec_name(SUMMARY, summary),
            approver=self.name('secretary.sgad'), step="Department Head")
        actor.login('as.admin')
        for button in ['approve', 'send_back']:
            with self.subTest(login='as.admin', button=button):
                self.assertRefused(ApprovalError,
                    'edaftar_dak.msg_approval_not_turn',
                    lambda: Summary(summary).click(button), **params)
                self.assertEqual(self.paper_state(SUMMARY, summary), before)

        # The Secretary, with the summary open since before his PS approved
        # it for him: the Chief Secretary decides now.
        actor.login('secretary.sgad')
        stale = Summary(summary)
        self.assertEqual(stale.state, 'sent')
        actor.decide(['ps.sgad'], summary)
        before = self.paper_state(SUMMARY, summary)
        actor.login('secretary.sgad')
        self.assertRefused(ApprovalError,
            'edaftar_dak.msg_approval_not_turn',
            lambda: stale.click('approve'),
            paper=self.rec_name(SUMMARY, summary),
            approver=self.name('cs'), step="Chief Secretary")
        self.assertEqual(self.paper_state(SUMMARY, summary), before)
        self.assertEqual([s[4] for s in before['steps']],
            ['approved', 'approved', 'pending', 'pending'])

        # Once the Chief Minister approved, there is nothing to decide.
        actor.decide(['cs', 'cm'], summary)
        before = self.paper_state(SUMMARY, summary)
        self.assertEqual(before['state'], 'approved')
        for login in ['cm', 'ps.cm']:
            for button in ['approve', 'send_back']:
                with self.subTest(login=login, button=button):
                    actor.login(login)
                    self.assertRefusedLike(AccessButtonError,
                        'ir.msg_button_state_record',
                        lambda: Summary(summary).click(button))
                    self.assertEqual(
                        self.paper_state(SUMMARY, summary), before)

    def test_note_decide_twice(self):
        "An approved note is not decided again"
        Note = Model.get(NOTE)
        actor = self.actor
        note = actor.paper('so.admin1', self.subject(), model=NOTE)
        actor.decide(['ps.cs'], note, model=NOTE)
        before = self.paper_state(NOTE, note)
        self.assertEqual(before['state'], 'approved')
        for login in ['cs', 'ps.cs']:
            for button in ['review', 'approve', 'send_back']:
                with self.subTest(login=login, button=button):
                    actor.login(login)
                    self.assertRefusedLike(AccessButtonError,
                        'ir.msg_button_state_record',
                        lambda: Note(note).click(button))
                    self.assertEqual(self.paper_state(NOTE, note), before)

    # Sending back

    def test_send_back_without_remarks(self):
        """A send-back needs the remarks of the person sending back: blank
        ones are none, and the previous approver's are not theirs"""
        Summary = Model.get(SUMMARY)
        Note = Model.get(NOTE)
        actor = self.actor
        summary = actor.paper('so.admin1', self.subject())
        # The wing head's remarks stay on his step.
        actor.click('as.admin', SUMMARY, summary, 'approve',
            remarks="Recommended.")
        before = self.paper_state(SUMMARY, summary)
        self.assertIsNone(before['remarks'])
        params = dict(paper=self.rec_name(SUMMARY, summary))
        for remarks in [None, '', '   \n ']:
            with self.subTest(remarks=remarks):
                actor.login('secretary.sgad')
                record = Summary(summary)
                if remarks is not None:
                    actor.call(SUMMARY, 'write', [summary],
                        {'remarks': remarks})
                    record.reload()
                self.assertRefused(StateError,
                    'edaftar_dak.msg_approval_send_back_remarks',
                    lambda: record.click('send_back'), **params)
                after = self.paper_state(SUMMARY, summary)
                self.assertEqual(
                    {k: v for k, v in after.items()
                        if k not in {'remarks', 'write_date'}},
                    {k: v for k, v in before.items()
                        if k not in {'remarks', 'write_date'}})
                self.assertEqual(after['state'], 'sent')

        note = actor.paper('so.admin1', self.subject("note"), model=NOTE)
        actor.click('ps.cs', NOTE, note, 'review')
        before = self.paper_state(NOTE, note)
        actor.login('cs')
        self.assertRefused(StateError,
            'edaftar_dak.msg_approval_send_back_remarks',
            lambda: Note(note).click('send_back'),
            paper=self.rec_name(NOTE, note))
        self.assertEqual(self.paper_state(NOTE, note), before)
        self.assertEqual(before['state'], 'under_review')

    # Vetting

    def test_cs_step_with_open_vetting(self):
        """The Chief Secretary's step is not passed while a vetting is
        unanswered, by him or his PS; sending back is not held up"""
        Summary = Model.get(SUMMARY)
        actor = self.actor
        summary = actor.paper('so.admin1', self.subject())
        actor.vetting('so.admin1', summary)
        actor.decide(['as.admin', 'secretary.sgad'], summary)
        before = self.paper_state(SUMMARY, summary)
        self.assertEqual(before['steps'][2][3:6],
            (actor.employee('cs'), 'pending', True))
        for login in ['cs', 'ps.cs']:
            with self.subTest(login=login):
                actor.login(login)
                self.assertRefused(VettingError,
                    'edaftar_summary.msg_vetting_unanswered',
                    lambda: Summary(summary).click('approve'),
                    summary=self.rec_name(SUMMARY, summary),
                    departments="[FIN] Finance")
                self.assertEqual(self.paper_state(SUMMARY, summary), before)
        # Sending back is no approval: it is not held up.
        actor.click('cs', SUMMARY, summary, 'send_back',
            remarks="Await Finance's view.")
        self.assertEqual(self.paper_state(SUMMARY, summary)['state'],
            'returned')

    def test_vetting_reply_by_another_department(self):
        "Only the department asked answers a vetting"
        Vetting = Model.get(VETTING)
        actor = self.actor
        summary = self.at_secretary("other")
        vetting = actor.vetting('secretary.sgad', summary)
        before = self.paper_state(SUMMARY, summary)
        params = dict(vetting=self.rec_name(VETTING, vetting),
            department="[FIN] Finance")
        # S&GAD reads the vetting of its summary but does not answer it.
        for login in ['secretary.sgad', 'ps.sgad', 'so.admin1']:
            with self.subTest(login=login):
                self.assertRefused(VettingError,
                    'edaftar_summary.msg_vetting_not_department',
                    lambda: actor.write(login, VETTING, vetting,
                        comments=f"Comments by {login}"), **params)
                self.assertEqual(self.paper_state(SUMMARY, summary), before)
                actor.login(login)
                self.assertRefused(VettingError,
                    'edaftar_summary.msg_vetting_not_department',
                    lambda: Vetting(vetting).click('reply'), **params)
                self.assertEqual(self.paper_state(SUMMARY, summary), before)
        # Finance's Budget section was not asked: it does not even see it.
        actor.login('so.budget1')
        self.assertRefusedLike(AccessError, 'ir.msg_read_rule_error',
            lambda: Vetting(vetting).click('reply'))
        self.assertRefusedLike(AccessError, 'ir.msg_read_rule_error',
            lambda: actor.write('so.budget1', VETTING, vetting,
                comments="Budget's view"))
        self.assertEqual(self.paper_state(SUMMARY, summary), before)
        self.assertEqual(before['vettings'][0][1:4],
            ('requested', actor.unit('FIN'), None))

    def test_attachments(self):
        """Attachments are part of the text: the author's while a draft;
        a vetting's are its department's until it replies"""
        actor = self.actor
        PDF = b'%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'

        def attach(login, resource):
            actor.login(login)
            return actor.call('ir.attachment', 'create', [{
                        'resource': resource, 'name': f"By {login}.pdf",
                        'type': 'data', 'data': PDF}])

        def attached(resource):
            Attachment = Model.get('ir.attachment')
            with actor.as_admin():
                return sorted(a.name for a in Attachment.find([
                            ('resource', '=', resource)]))
        draft = actor.paper('so.admin1', self.subject("draft"), send=False)
        resource = f'{SUMMARY},{draft}'
        attach('so.admin1', resource)
        # The department's head may write the summary (its rules) but
        # it is not his text.
        self.assertRefused(PaperAccessError,
            'edaftar_summary.msg_paper_not_author',
            lambda: attach('secretary.sgad', resource),
            paper=self.rec_name(SUMMARY, draft),
            author=self.name('so.admin1'))
        # Finance does not even see it.
        self.assertRefusedLike(AccessError, 'ir.msg_write_rule_error',
            lambda: attach('secretary.fin', resource))
        self.assertEqual(attached(resource), ['By so.admin1.pdf'])
        # Sent, its attachments are kept as they went.
        summary = self.at_secretary("sent")
        sent = f'{SUMMARY},{summary}'
        self.assertRefused(PaperAccessError,
            'edaftar_summary.msg_paper_attachment_state',
            lambda: attach('so.admin1', sent),
            paper=self.rec_name(SUMMARY, summary), state="Sent")
        self.assertEqual(attached(sent), [])
        # A vetting: Finance attaches to its comments; S&GAD, who asked,
        # does not.
        vetting = actor.vetting('secretary.sgad', summary)
        asked = f'{VETTING},{vetting}'
        self.assertRefused(VettingError,
            'edaftar_summary.msg_vetting_not_department',
            lambda: attach('secretary.sgad', asked),
            vetting=self.rec_name(VETTING, vetting),
            department="[FIN] Finance")
        attach('secretary.fin', asked)
        self.assertEqual(attached(asked), ['By secretary.fin.pdf'])

    def test_vetting_reply_without_comments(self):
        "A reply needs comments; a reply once made does not change"
        Vetting = Model.get(VETTING)
        actor = self.actor
        summary = self.at_secretary("comments")
        vetting = actor.vetting('secretary.sgad', summary)
        params = dict(vetting=self.rec_name(VETTING, vetting))
        for comments in [None, '', '  \n  ']:
            with self.subTest(comments=comments):
                if comments is not None:
                    actor.write('secretary.fin', VETTING, vetting,
                        comments=comments)
                before = self.paper_state(SUMMARY, summary)
                actor.login('secretary.fin')
                self.assertRefused(VettingError,
                    'edaftar_summary.msg_vetting_no_comments',
                    lambda: Vetting(vetting).click('reply'), **params)
                self.assertEqual(self.paper_state(SUMMARY, summary), before)
                self.assertEqual(before['vettings'][0][1], 'requested')
        # Answered, the comments are kept as they were sent.
        actor.write('secretary.fin', VETTING, vetting,
            comments="Finance concurs.")
        actor.click('secretary.fin', VETTING, vetting, 'reply')
        before = self.paper_state(SUMMARY, summary)
        self.assertRefusedLike(ProtectedFieldError,
            'edaftar_base.msg_field_protected',
            lambda: actor.write('secretary.fin', VETTING, vetting,
                comments="Finance has second thoughts."))
        actor.login('secretary.fin')
        self.assertRefusedLike(AccessButtonError,
            'ir.msg_button_state_record',
            lambda: Vetting(vetting).click('reply'))
        self.assertEqual(self.paper_state(SUMMARY, summary), before)
        self.assertEqual(before['vettings'][0][1:4],
            ('replied', actor.unit('FIN'), "Finance concurs."))

    def test_vetting_asked_wrongly(self):
        """A summary is not vetted by its own department, and not once it
        is approved; nobody else asks for vetting"""
        actor = self.actor
        summary = self.at_secretary("asked")
        before = self.paper_state(SUMMARY, summary)
        rec_name = self.rec_name(SUMMARY, summary)

        def ask(login, code):
            return lambda: (actor.login(login), actor.call(VETTING, 'create',
                    [{'summary': summary, 'department': actor.unit(code)}]))
        self.assertRefused(VettingError,
            'edaftar_summary.msg_vetting_own_department',
            ask('secretary.sgad', 'SGAD'), summary=rec_name)
        # The wing head, whose step is behind: not the department's head.
        self.assertRefused(VettingError,
            'edaftar_summary.msg_vetting_not_requester',
            ask('as.admin', 'FIN'), summary=rec_name)
        self.assertEqual(self.paper_state(SUMMARY, summary), before)
        actor.decide(['secretary.sgad', 'cs', 'cm'], summary)
        before = self.paper_state(SUMMARY, summary)
        self.assertRefused(VettingError,
            'edaftar_summary.msg_vetting_closed',
            ask('so.admin1', 'FIN'), summary=rec_name, state="Approved")
        self.assertEqual(self.paper_state(SUMMARY, summary), before)

    # The route's steps

    def test_edit_decided_step(self):
        """A step is the record of a decision: nobody rewrites, removes or
        makes one over RPC, not even the one who decided it"""
        actor = self.actor
        summary = actor.paper('so.admin1', self.subject())
        actor.click('as.admin', SUMMARY, summary, 'approve',
            remarks="Recommended.")
        before = self.paper_state(SUMMARY, summary)
        decided, current = before['steps'][0][0], before['steps'][1][0]
        for login in ['as.admin', 'secretary.sgad', 'so.admin1', 'admin']:
            for step, values in [
                    (decided, {'remarks': "Rewritten"}),
                    (decided, {'decision': 'returned'}),
                    (decided, {'decided_by': actor.employee('cs')}),
                    (current, {'decision': 'approved'}),
                    (current, {'approver': actor.employee('cs')}),
                    (current, {'current': False})]:
                with self.subTest(login=login, step=step, values=values):
                    self.assertRefused(ProtectedFieldError,
                        'edaftar_base.msg_field_protected',
                        lambda: actor.write(login, STEP, step, **values),
                        field=STEP_FIELDS[list(values)[0]],
                        record=self.rec_name(STEP, step))
                    self.assertEqual(
                        self.paper_state(SUMMARY, summary), before)
            with self.subTest(login=login, action='delete'):
                actor.login(login)
                self.assertRefused(ApprovalError,
                    'edaftar_dak.msg_approval_step_no_delete',
                    lambda: actor.call(STEP, 'delete', [decided]))
                self.assertEqual(self.paper_state(SUMMARY, summary), before)
            with self.subTest(login=login, action='create'):
                self.assertRefusedLike(ProtectedFieldError,
                    'edaftar_base.msg_field_protected',
                    lambda: actor.call(STEP, 'create', [{
                                'summary': summary, 'sequence': 5,
                                'decision': 'approved'}]))
                self.assertEqual(self.paper_state(SUMMARY, summary), before)

        # Nor a note's step.
        note = actor.paper('so.admin1', self.subject("note"), model=NOTE)
        actor.click('cs', NOTE, note, 'send_back', remarks="Rework it.")
        before = self.paper_state(NOTE, note)
        step = before['steps'][0][0]
        self.assertRefused(ProtectedFieldError,
            'edaftar_base.msg_field_protected',
            lambda: actor.write('cs', NOTE_STEP, step, remarks="Rewritten"),
            field="Remarks", record=self.rec_name(NOTE_STEP, step))
        self.assertEqual(self.paper_state(NOTE, note), before)

    # Sending

    def test_send_empty_body(self):
        "A paper is not sent without its text: no route, nobody told"
        Summary = Model.get(SUMMARY)
        Note = Model.get(NOTE)
        actor = self.actor
        for Paper, model in [(Summary, SUMMARY), (Note, NOTE)]:
            for body in [None, '', ' \n\t ']:
                with self.subTest(model=model, body=body):
                    paper = actor.paper('so.admin1',
                        self.subject(f"{model} {body!r}"), body=body,
                        model=model, send=False)
                    before = self.paper_state(model, paper)
                    actor.login('so.admin1')
                    self.assertRefused(RouteError,
                        'edaftar_summary.msg_paper_no_body',
                        lambda: Paper(paper).click('send'),
                        paper=self.rec_name(model, paper))
                    self.assertEqual(self.paper_state(model, paper), before)
                    self.assertEqual(
                        (before['state'], before['steps'], before['sent_at']),
                        ('draft', [], None))
