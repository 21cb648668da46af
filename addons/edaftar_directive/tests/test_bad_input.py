# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bad input on directives: each is refused with its own error and clear
message, and nothing is changed — the order, its lines, their reports,
movements and audit log are as before."""
import datetime as dt
import unittest

from proteus import Model
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError, DomainValidationError
from trytond.model.modelview import AccessButtonError
from trytond.modules.edaftar_base.exceptions import ProtectedFieldError
from trytond.modules.edaftar_base.tests.tools import (
    setup_executive, setup_government)
from trytond.modules.edaftar_dak.exceptions import NotHolderError
from trytond.modules.edaftar_directive.exceptions import (
    DirectiveError, IssuerError, ReportError)
from trytond.modules.edaftar_base.tests.tools import RefusalTestMixin
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules

from .tools import (
    Actor, backdate, message_pattern, setup_field)

LINE = 'edaftar.directive.line'
DIRECTIVE = 'edaftar.directive'
REPORT = 'edaftar.directive.report'


class BadInputTestCase(RefusalTestMixin, unittest.TestCase):
    "Bad input is refused with a clear message and changes nothing"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules('edaftar_directive',
            setup_government, setup_executive, setup_field)
        cls.actor = Actor(cls.config)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.today = dt.date.today()

    # Helpers

    def subject(self, name):
        "A subject of its own for each order of a test"
        return f"{self.id().rsplit('.', 1)[-1]} {name}"

    def line_state(self, line_id):
        "What a line is, as the administrator reads it"
        Line = Model.get(LINE)
        Report = Model.get(REPORT)
        Movement = Model.get('edaftar.movement')
        AuditLog = Model.get('edaftar.audit.log')
        with self.actor.as_admin():
            return self._line_state(
                Line, Report, Movement, AuditLog, line_id)

    @staticmethod
    def _line_state(Line, Report, Movement, AuditLog, line_id):
        line = Line(line_id)
        return {
            'state': line.state,
            'holder': line.holder.id if line.holder else None,
            'holder_unit': line.holder_unit.id if line.holder_unit else None,
            'deadline': line.deadline,
            'due_date': line.due_date,
            'replied_at': line.replied_at,
            'replied_by': line.replied_by.id if line.replied_by else None,
            'done_at': line.done_at,
            'on_time': bool(line.on_time),
            'file': line.file.id if line.file else None,
            'priority': line.priority,
            'number': line.number,
            'reports': sorted((r.id, r.text) for r in Report.find(
                        [('line', '=', line_id)])),
            'movements': len(Movement.find(
                    [('directive_line', '=', line_id)])),
            'audit': len(AuditLog.find([
                        ('model', '=', LINE), ('record_id', '=', line_id)])),
            }

    def directive_state(self, directive_id):
        "What an order is, as the administrator reads it"
        Directive = Model.get(DIRECTIVE)
        Line = Model.get(LINE)
        with self.actor.as_admin():
            return self._directive_state(Directive, Line, directive_id)

    @staticmethod
    def _directive_state(Directive, Line, directive_id):
        directive = Directive(directive_id)
        return {
            'state': directive.state,
            'number': directive.number,
            'date': directive.date,
            'subject': directive.subject,
            'text': directive.text,
            'deadline': directive.deadline,
            'priority': directive.priority,
            'issuer': directive.issuer,
            'office': directive.office.id if directive.office else None,
            'issued_by': directive.issued_by,
            'departments': sorted(u.code for u in directive.departments),
            'lines': len(Line.find([('directive', '=', directive_id)])),
            }

    def issued_cm_orders(self):
        Directive = Model.get(DIRECTIVE)
        with self.actor.as_admin():
            return len(Directive.find([
                        ('issuer', '=', 'cm'), ('number', '!=', None)]))

    def fin_line(self, name, state='in_progress'):
        """A CM order to Finance; its line held by the Secretary Finance,
        in state (waiting, in_progress with a report, replied)"""
        directive = self.actor.order('cm', ['FIN'], self.subject(name))
        line = self.actor.lines(directive)['FIN']
        if state in {'in_progress', 'replied'}:
            self.actor.click('secretary.fin', LINE, line, 'start')
            self.actor.report('secretary.fin', line, "What was done.")
        if state == 'replied':
            self.actor.click('secretary.fin', LINE, line, 'reply')
        return directive, line

    # Issuing

    def test_deadline_in_past(self):
        "A deadline in the past is refused, at saving and at issuing"
        Directive = Model.get(DIRECTIVE)
        Unit = Model.get('edaftar.org.unit')
        actor = self.actor
        yesterday = self.today - dt.timedelta(days=1)
        actor.login('cm')
        directive = Directive(subject=self.subject("past"), text="Do it.",
            deadline=yesterday)
        directive.departments.append(Unit(actor.unit('FIN')))
        self.assertRefused(DirectiveError,
            'edaftar_directive.msg_directive_deadline_past',
            directive.save,
            directive=self.subject("past"), deadline=yesterday)
        self.assertEqual(
            Directive.find([('subject', '=', self.subject("past"))]), [])

        # A draft's deadline moved into the past.
        draft = actor.order('cm', ['FIN'], self.subject("draft"),
            issue=False)
        before = self.directive_state(draft)
        actor.login('cm')
        self.assertRefused(DirectiveError,
            'edaftar_directive.msg_directive_deadline_past',
            lambda: actor.call(DIRECTIVE, 'write', [draft],
                {'deadline': yesterday}),
            directive=self.subject("draft"), deadline=yesterday)
        self.assertEqual(self.directive_state(draft), before)

        # A draft left until its deadline passed (drafted ten days ago).
        backdate(self.config, draft, 10)
        before = self.directive_state(draft)
        numbers = self.issued_cm_orders()
        self.assertRefused(DirectiveError,
            'edaftar_directive.msg_directive_deadline_past',
            lambda: actor.click('cm', DIRECTIVE, draft, 'issue'),
            directive=self.subject("draft"), deadline=before['deadline'])
        self.assertEqual(self.directive_state(draft), before)
        self.assertEqual(before['state'], 'draft')
        self.assertEqual(self.issued_cm_orders(), numbers)

    def test_no_targets(self):
        "An order without targets is not issued, nor numbered"
        Directive = Model.get(DIRECTIVE)
        Unit = Model.get('edaftar.org.unit')
        actor = self.actor
        draft = actor.order('cm', [], self.subject("no target"),
            issue=False)
        before = self.directive_state(draft)
        self.assertRefused(DirectiveError,
            'edaftar_directive.msg_directive_no_target',
            lambda: actor.click('cm', DIRECTIVE, draft, 'issue'),
            directive=self.subject("no target"))
        self.assertEqual(self.directive_state(draft), before)
        self.assertEqual((before['state'], before['number'], before['lines']),
            ('draft', None, 0))

        # The register has no gap: the next order takes the next number.
        numbers = self.issued_cm_orders()
        actor.login('cm')
        directive = Directive(draft)
        directive.departments.append(Unit(actor.unit('FIN')))
        directive.save()
        directive.click('issue')
        self.assertEqual(directive.number,
            f'CMD-{self.today.year}-{numbers + 1:04d}')

    def test_target_without_head(self):
        "A target without a head is refused and nothing is sent"
        actor = self.actor
        draft = actor.order('cm', ['FIN', 'PSN'], self.subject("no head"),
            issue=False)
        before = self.directive_state(draft)
        numbers = self.issued_cm_orders()
        error = self.refused(DirectiveError,
            lambda: actor.click('cm', DIRECTIVE, draft, 'issue'))
        with actor.as_admin():
            pattern = message_pattern(self.config,
                'edaftar_directive.msg_directive_target_no_head')
        self.assertRegex(error.message, pattern)
        self.assertIn('Pishin District', error.message)
        self.assertEqual(self.directive_state(draft), before)
        self.assertEqual(self.issued_cm_orders(), numbers)

    def test_target_of_wrong_kind(self):
        "Only departments, divisions and districts are targets"
        Directive = Model.get(DIRECTIVE)
        Unit = Model.get('edaftar.org.unit')
        actor = self.actor
        draft = actor.order('cm', ['FIN'], self.subject("kind"), issue=False)
        before = self.directive_state(draft)
        for code in ['ADM', 'CSO', 'GOB']:
            with self.subTest(code=code):
                actor.login('cm')
                directive = Directive(draft)
                directive.departments.append(Unit(actor.unit(code)))
                self.assertRefusedLike(DomainValidationError,
                    'ir.msg_domain_validation_record', directive.save)
                self.assertEqual(self.directive_state(draft), before)

    def test_issuer_outside_offices(self):
        "Only the CM, the CS and their PA/PS draft and issue orders"
        Directive = Model.get(DIRECTIVE)
        actor = self.actor

        def draft(issuer=None):
            values = {'subject': self.subject("outsider"), 'text': "Do it.",
                'deadline': self.today + dt.timedelta(days=3),
                'departments': [('add', [actor.unit('FIN')])]}
            if issuer:
                values['issuer'] = issuer
            return lambda: actor.call(DIRECTIVE, 'create', [values])

        # A department head has no access to draft an order.
        actor.login('secretary.fin')
        self.assertRefusedLike(
            AccessError, 'ir.msg_access_rule_error', draft())
        self.assertRefusedLike(
            AccessError, 'ir.msg_access_rule_error', draft('cs'))
        # The PS of a department head is a PA/PS, but not the CM's or CS's:
        # he is told who issues orders.
        actor.login('ps.sgad')
        for issuer in ['cs', 'cm', None]:
            with self.subTest(login='ps.sgad', issuer=issuer):
                self.assertRefused(IssuerError,
                    'edaftar_directive.msg_directive_no_issuer',
                    draft(issuer))
        # The PS to the CS does not issue the CM's orders.
        actor.login('ps.cs')
        self.assertRefused(IssuerError,
            'edaftar_directive.msg_directive_not_issuer',
            draft('cm'), issuer="Chief Minister")
        # A member of the CM's group posted outside the CM's office.
        actor.login('minister.fin')
        self.assertRefused(IssuerError,
            'edaftar_directive.msg_directive_no_office', draft())
        actor.login('admin')
        self.assertEqual(Directive.find(
                [('subject', '=', self.subject("outsider"))]), [])

    def test_issuer_changed_on_draft(self):
        "The CS cannot turn his draft into a CM order"
        actor = self.actor
        draft = actor.order('cs', ['FIN'], self.subject("relabel"),
            issue=False)
        before = self.directive_state(draft)
        self.assertEqual(before['issuer'], 'cs')
        # The issuer is chosen at creation: it decides the issuing office.
        self.assertRefused(ProtectedFieldError,
            'edaftar_base.msg_field_protected',
            lambda: actor.write('cs', DIRECTIVE, draft, issuer='cm'),
            field="Issuer", record=f"Draft directive {draft}")
        self.assertEqual(self.directive_state(draft), before)

    def test_issued_order_fields(self):
        "An issued order's text, deadline, issuer... are not rewritten"
        actor = self.actor
        directive = actor.order('cm', ['FIN'], self.subject("issued"))
        before = self.directive_state(directive)
        actor.login('cm')
        Directive = Model.get(DIRECTIVE)
        record = Directive(directive)
        for name, value in [('subject', "Another"), ('text', "Another"),
                ('deadline', self.today + dt.timedelta(days=30)),
                ('priority', 'normal'), ('issuer', 'cs'),
                ('number', 'CMD-1'), ('state', 'draft'),
                ('date', self.today - dt.timedelta(days=1)),
                ('issued_by', actor.employee('ps.cm'))]:
            with self.subTest(field=name):
                actor.login('cm')
                error = self.refused(ProtectedFieldError,
                    lambda: actor.call(DIRECTIVE, 'write', [directive],
                        {name: value}))
                self.assertEqual(error.message, self.message(
                        'edaftar_base.msg_field_protected',
                        field=Directive._fields[name]['string'],
                        record=record.rec_name))
                self.assertEqual(self.directive_state(directive), before)

    def test_server_fields_on_draft(self):
        "A client does not set a draft's number, state or office"
        Directive = Model.get(DIRECTIVE)
        actor = self.actor
        values = {'subject': self.subject("server"), 'text': "Do it.",
            'deadline': self.today + dt.timedelta(days=3)}
        for name, value in [('number', 'CMD-2000-0001'), ('state', 'issued'),
                ('office', actor.unit('CSO')),
                ('issued_by', actor.employee('cm')),
                ('date', self.today)]:
            with self.subTest(field=name):
                actor.login('cm')
                self.refused(ProtectedFieldError,
                    lambda: actor.call(DIRECTIVE, 'create',
                        [{**values, name: value}]))
        actor.login('admin')
        self.assertEqual(Directive.find(
                [('subject', '=', self.subject("server"))]), [])

    def test_delete(self):
        "Issued orders, lines and reports are kept"
        actor = self.actor
        directive, line = self.fin_line("delete")
        before = self.directive_state(directive), self.line_state(line)
        report = before[1]['reports'][0][0]
        actor.login('cm')
        self.assertRefused(DirectiveError,
            'edaftar_directive.msg_directive_delete',
            lambda: actor.call(DIRECTIVE, 'delete', [directive]),
            directive=before[0]['number'])
        for login, model, record in [('cm', LINE, line),
                ('secretary.fin', LINE, line),
                ('secretary.fin', REPORT, report)]:
            with self.subTest(login=login, model=model):
                actor.login(login)
                self.assertRefusedLike(AccessError, 'ir.msg_access_rule_error',
                    lambda: actor.call(model, 'delete', [record]))
        self.assertEqual(
            (self.directive_state(directive), self.line_state(line)), before)

    # Reporting and replying

    def test_reply_without_report(self):
        "Replying or regretting needs a report"
        actor = self.actor
        _, line = self.fin_line("no report", state='waiting')
        actor.click('secretary.fin', LINE, line, 'start')
        before = self.line_state(line)
        Line = Model.get(LINE)
        actor.login('secretary.fin')
        rec_name = Line(line).rec_name
        for button in ['reply', 'regret']:
            with self.subTest(button=button):
                self.assertRefused(ReportError,
                    'edaftar_directive.msg_line_needs_report',
                    lambda: actor.click('secretary.fin', LINE, line, button),
                    line=rec_name)
                self.assertEqual(self.line_state(line), before)

    def test_empty_report(self):
        "A report needs its text, when written and when rewritten"
        actor = self.actor
        _, line = self.fin_line("empty report")
        before = self.line_state(line)
        for text in ['', '   \n ', None]:
            with self.subTest(text=text):
                actor.login('secretary.fin')
                self.assertRefused(ReportError,
                    'edaftar_directive.msg_report_empty',
                    lambda: actor.call(REPORT, 'create',
                        [{'line': line, 'text': text}]))
                self.assertEqual(self.line_state(line), before)
        report = before['reports'][0][0]
        actor.login('secretary.fin')
        self.assertRefused(ReportError, 'edaftar_directive.msg_report_empty',
            lambda: actor.call(REPORT, 'write', [report], {'text': '  '}))
        self.assertEqual(self.line_state(line), before)

    def test_report_without_line(self):
        "A report on no line is refused with a message, not a crash"
        Report = Model.get(REPORT)
        actor = self.actor
        actor.login('secretary.fin')
        with self.assertRaises(UserError):
            actor.call(REPORT, 'create', [{'text': "Orphan report."}])
        actor.login('admin')
        self.assertEqual(
            Report.find([('text', '=', "Orphan report.")]), [])

    def test_report_on_another_department_line(self):
        "Who may not read a line, or does not hold it, writes no report"
        actor = self.actor
        _, line = self.fin_line("other department")
        before = self.line_state(line)
        for login in ['secretary.sgad', 'ps.sgad', 'so.budget1', 'cs']:
            with self.subTest(login=login):
                actor.login(login)
                self.assertRefusedLike(AccessError, 'ir.msg_read_rule_error',
                    lambda: actor.call(REPORT, 'create',
                        [{'line': line, 'text': "Not ours."}]))
                self.assertEqual(self.line_state(line), before)
        # Who reads it without holding it: the issuing office.
        Line = Model.get(LINE)
        for login in ['cm', 'ps.cm']:
            with self.subTest(login=login):
                actor.login(login)
                record = Line(line)
                self.assertRefused(
                    NotHolderError, 'edaftar_dak.msg_not_holder',
                    lambda: actor.call(REPORT, 'create',
                        [{'line': line, 'text': "Not ours."}]),
                    document=record.rec_name,
                    holder=record.holder.rec_name)
                self.assertEqual(self.line_state(line), before)

    def test_report_after_reply(self):
        "A report is final once the line is replied, new or rewritten"
        actor = self.actor
        _, line = self.fin_line("after reply", state='replied')
        before = self.line_state(line)
        Line = Model.get(LINE)
        actor.login('admin')
        line_record = Line(line)
        report_id = before['reports'][0][0]
        Report = Model.get(REPORT)
        report_name = Report(report_id).rec_name
        actor.login('secretary.fin')
        self.assertRefused(ReportError,
            'edaftar_directive.msg_report_line_answered',
            lambda: actor.call(REPORT, 'create',
                [{'line': line, 'text': "An afterthought."}]),
            line=line_record.rec_name, state="Replied")
        self.assertRefused(ReportError,
            'edaftar_directive.msg_report_immutable',
            lambda: actor.call(REPORT, 'write', [report_id],
                {'text': "Rewritten."}),
            report=report_name)
        self.assertEqual(self.line_state(line), before)

    def test_report_after_send_back(self):
        """What the issuing office was sent stays as sent: after a send-back
        the unit writes new reports, it does not rewrite the old ones"""
        actor = self.actor
        _, line = self.fin_line("sent back", state='replied')
        actor.write('cm', LINE, line, remarks="Give the amounts.")
        actor.click('cm', LINE, line, 'send_back')
        before = self.line_state(line)
        self.assertEqual(before['state'], 'in_progress')
        report_id = before['reports'][0][0]
        Report = Model.get(REPORT)
        actor.login('admin')
        report_name = Report(report_id).rec_name
        actor.login('secretary.fin')
        self.assertRefused(ReportError,
            'edaftar_directive.msg_report_immutable',
            lambda: actor.call(REPORT, 'write', [report_id],
                {'text': "Rewritten after the send-back."}),
            report=report_name)
        self.assertEqual(self.line_state(line), before)

    def test_report_from_line_form(self):
        """The holder writes a report in the line's form (its Action Reports
        are editable for him there), as the web client saves it"""
        Line = Model.get(LINE)
        actor = self.actor
        _, line = self.fin_line("form", state='waiting')
        actor.login('secretary.fin')
        record = Line(line)
        record.reports.new(text="Written in the form.")
        record.save()
        self.assertEqual([r.text for r in Line(line).reports],
            ["Written in the form."])

    # The issuing office

    def test_accept_own_reply(self):
        "Who replied (or their PA/PS) does not accept the reply"
        actor = self.actor
        directive = actor.order('cm', ['FIN'], self.subject("own"))
        line = actor.lines(directive)['FIN']
        # Finance forwards the order to the CM himself, who answers it.
        actor.move('secretary.fin', line, 'cm')
        actor.report('cm', line, "I saw to it myself.")
        actor.click('cm', LINE, line, 'reply')
        before = self.line_state(line)
        self.assertEqual(before['state'], 'replied')
        Line = Model.get(LINE)
        actor.login('admin')
        rec_name = Line(line).rec_name
        for login in ['cm', 'ps.cm']:
            with self.subTest(login=login):
                self.assertRefused(IssuerError,
                    'edaftar_directive.msg_line_accept_own',
                    lambda: actor.click(login, LINE, line, 'accept'),
                    line=rec_name)
                self.assertEqual(self.line_state(line), before)

    def test_send_back_without_remarks(self):
        "A send-back needs the remarks for the unit"
        actor = self.actor
        _, line = self.fin_line("remarks", state='replied')
        before = self.line_state(line)
        Line = Model.get(LINE)
        actor.login('admin')
        rec_name = Line(line).rec_name
        for remarks in [None, '  \n']:
            with self.subTest(remarks=remarks):
                actor.write('cm', LINE, line, remarks=remarks)
                self.assertRefused(DirectiveError,
                    'edaftar_directive.msg_line_send_back_remarks',
                    lambda: actor.click('cm', LINE, line, 'send_back'),
                    line=rec_name)
                self.assertEqual(self.line_state(line), before)

    def test_buttons_out_of_state(self):
        "A button of another state is refused, whoever clicks it"
        actor = self.actor
        directive, line = self.fin_line("state")
        before = self.line_state(line), self.directive_state(directive)
        for login, model, record, button in [
                ('cm', LINE, line, 'accept'),
                ('cm', LINE, line, 'send_back'),
                ('secretary.fin', LINE, line, 'start'),
                ('cm', DIRECTIVE, directive, 'issue'),
                ]:
            with self.subTest(button=button):
                self.assertRefusedLike(AccessButtonError,
                    'ir.msg_button_state_record',
                    lambda: actor.click(login, model, record, button))
                self.assertEqual(
                    (self.line_state(line), self.directive_state(directive)),
                    before)

    def test_extend_bad(self):
        "An extension needs a later date, not past, and a reason"
        actor = self.actor
        _, line = self.fin_line("extend")
        before = self.line_state(line)
        deadline = before['deadline']
        Line = Model.get(LINE)
        actor.login('admin')
        rec_name = Line(line).rec_name
        reason = "The budget is being revised."
        for new_deadline, reason_, message in [
                (None, reason, 'edaftar_directive.msg_line_extend_date'),
                (deadline, reason, 'edaftar_directive.msg_line_extend_date'),
                (deadline - dt.timedelta(days=1), reason,
                    'edaftar_directive.msg_line_extend_date'),
                (self.today - dt.timedelta(days=1), reason,
                    'edaftar_directive.msg_line_extend_date'),
                (deadline + dt.timedelta(days=5), None,
                    'edaftar_directive.msg_line_extend_reason'),
                (deadline + dt.timedelta(days=5), ' \n ',
                    'edaftar_directive.msg_line_extend_reason'),
                ]:
            with self.subTest(new_deadline=new_deadline, reason=reason_):
                actor.write('cm', LINE, line, new_deadline=new_deadline,
                    extension_reason=reason_)
                params = {'line': rec_name}
                if message.endswith('date'):
                    params['deadline'] = deadline
                self.assertRefused(DirectiveError, message,
                    lambda: actor.click('cm', LINE, line, 'extend'),
                    **params)
                self.assertEqual(self.line_state(line), before)

    def test_protected_line_fields(self):
        "The state, holder, deadline... of a line are the server's"
        Line = Model.get(LINE)
        actor = self.actor
        directive, line = self.fin_line("protected")
        before = self.line_state(line)
        actor.login('admin')
        rec_name = Line(line).rec_name
        fields = Line._fields
        for login in ['secretary.fin', 'cm', 'admin']:
            for name, value in [('state', 'done'),
                    ('holder', actor.employee('so.budget1')),
                    ('holder_unit', actor.unit('BUD')),
                    ('deadline', self.today + dt.timedelta(days=60)),
                    ('due_date', self.today + dt.timedelta(days=60)),
                    ('replied_at', dt.datetime.now()),
                    ('done_at', dt.datetime.now()),
                    ('on_time', True),
                    ('number', 'CMD-1/FIN'),
                    ('department', actor.unit('SGAD')),
                    ('issuer', 'cs'),
                    ('priority', 'normal'),
                    ('confidentiality', 'secret'),
                    ]:
                with self.subTest(login=login, field=name):
                    actor.login(login)
                    self.assertRefused(ProtectedFieldError,
                        'edaftar_base.msg_field_protected',
                        lambda: actor.call(LINE, 'write', [line],
                            {name: value}),
                        field=fields[name]['string'], record=rec_name)
                    self.assertEqual(self.line_state(line), before)
        # Lines are made by issuing, not by a client: no field of a line
        # is given by a client.
        actor.login('cm')
        self.assertRefusedLike(ProtectedFieldError,
            'edaftar_base.msg_field_protected',
            lambda: actor.call(LINE, 'create', [{
                        'directive': directive,
                        'department': actor.unit('SGAD')}]))
        self.assertEqual(self.line_state(line), before)
