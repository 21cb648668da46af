# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Reminders of a directive line's deadline, as trytond-cron sends them:
two days before and the day after, to the holder and the unit's head, a
notification and an e-mail received by a real SMTP server; once."""
import datetime as dt
import unittest

import trytond.config as config
from proteus import Model
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.exceptions import ProtectedFieldError
from trytond.modules.edaftar_base.tests.tools import get_user, setup_government
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user

from .reminder_tools import Mailbox, age_directives, run_cron
from .tools import message_pattern

METHOD = 'edaftar.directive.line|send_reminders'
FROM = 'e-daftar@gob.example'
# Who has an address, and where: the party's e-mail comes first, the
# user's e-mail otherwise; Additional Secretary (Budget) has none.
PARTY_EMAILS = {
    'so.admin1': 'so.admin1@sgad.example',
    'secretary.fin': 'secretary@finance.example',
    }
USER_EMAILS = {
    'secretary.sgad': 'secretary@sgad.example',
    'secretary.fin': 'not-this-one@finance.example',
    }


def setup_emails(config):
    "The addresses of the people"
    User = Model.get('res.user', config=config)
    Employee = Model.get('company.employee', config=config)
    ContactMechanism = Model.get('party.contact_mechanism', config=config)
    for login, address in USER_EMAILS.items():
        user, = User.find([('login', '=', login)])
        user.email = address
        user.save()
    for login, address in PARTY_EMAILS.items():
        employee, = Employee.find([('user.login', '=', login)])
        ContactMechanism(
            party=employee.party, type='email', value=address).save()


def fmt(date):
    "A date as the reminders write it (English)"
    return date.strftime('%m/%d/%Y')


class ReminderTestCase(unittest.TestCase):
    "Deadline reminders: notifications and e-mails"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.saved = {o: config.get('email', o) for o in ['uri', 'from']}
        cls.mailbox = Mailbox()
        cls.mailbox.start()
        config.set('email', 'uri', cls.mailbox.uri)
        config.set('email', 'from', FROM)
        cls.config = activate_modules(
            'edaftar_directive', setup_government, setup_emails)
        User = Model.get('res.user')
        cls.admin = User(cls.config.user)

    @classmethod
    def tearDownClass(cls):
        cls.mailbox.stop()
        for option, value in cls.saved.items():
            config.set('email', option, value)
        drop_db()
        super().tearDownClass()

    def tearDown(self):
        set_user(self.admin)
        super().tearDown()

    def login(self, login):
        set_user(get_user(login))

    def employee(self, login):
        Employee = Model.get('company.employee')
        employee, = Employee.find([('user.login', '=', login)])
        return employee

    def issue(self, subject, deadline, codes):
        "The CS issues an order to the units of codes; its lines by code"
        Directive = Model.get('edaftar.directive')
        Unit = Model.get('edaftar.org.unit')
        self.login('cs')
        directive = Directive(
            subject=subject, text=f"{subject}: report the action taken.",
            deadline=deadline)
        for code in codes:
            unit, = Unit.find([('code', '=', code)])
            directive.departments.append(unit)
        directive.save()
        directive.click('issue')
        directive.reload()
        return directive, {
            l.department.code: l for l in directive.lines}

    def mark(self, login, line, to_login):
        "login marks the line down to to_login"
        Movement = Model.get('edaftar.movement')
        Line = Model.get('edaftar.directive.line')
        self.login(login)
        Movement(document=Line(line.id), action='mark',
            to_employee=self.employee(to_login)).save()

    def reply(self, login, line):
        Line = Model.get('edaftar.directive.line')
        Report = Model.get('edaftar.directive.report')
        self.login(login)
        Report(line=Line(line.id), text="Done as ordered.").save()
        Line(line.id).click('reply')

    def notifications(self, login):
        "The labels of login's reminder notifications, as they see them"
        Notification = Model.get('res.notification')
        self.login(login)
        return sorted(n.label for n in Notification.find(['OR',
                    ('label', 'like', 'Reminder:%'),
                    ('label', 'like', 'Overdue:%'),
                    ]))

    def test_reminders(self):
        "Due in two days and overdue since yesterday: reminded once"
        today = dt.date.today()
        mailbox = self.mailbox
        # Due in two days: S&GAD's line marked down to a section officer,
        # Finance's to the Additional Secretary (Budget), who has no
        # e-mail address.
        soon, soon_lines = self.issue(
            "Dengue prevention drive", today + dt.timedelta(days=2),
            ['SGAD', 'FIN'])
        self.mark('secretary.sgad', soon_lines['SGAD'], 'so.admin1')
        self.mark('secretary.fin', soon_lines['FIN'], 'as.budget')
        # Issued today, due tomorrow: its arrival was the alert.
        short, short_lines = self.issue(
            "Flood relief camps", today + dt.timedelta(days=1), ['FIN'])
        # Issued six days ago, due yesterday: S&GAD replied in time,
        # Finance did not.
        late, late_lines = self.issue(
            "Audit paras of 2025", today + dt.timedelta(days=5),
            ['SGAD', 'FIN'])
        self.reply('secretary.sgad', late_lines['SGAD'])
        # Due a week ago: past the catch-up days, on the dashboards only.
        old, _ = self.issue(
            "Census of vacant posts", today + dt.timedelta(days=1), ['FIN'])
        self.assertEqual(mailbox.take(), [])
        age_directives([late.number], 6)
        age_directives([old.number], 8)
        yesterday = today - dt.timedelta(days=1)

        run_cron(METHOD)

        received = sorted(
            (tuple(rcpt), msg['Subject'], mail_from, msg)
            for mail_from, rcpt, msg in mailbox.take())
        soon_sgad = soon_lines['SGAD'].number
        soon_sgad_id = soon_lines['SGAD'].id
        soon_fin = soon_lines['FIN'].number
        late_fin = late_lines['FIN'].number
        due = fmt(today + dt.timedelta(days=2))
        self.assertEqual([(r, s, f) for r, s, f, _ in received], [
                (('secretary@finance.example',),
                    f"Overdue: {late_fin} was due on {fmt(yesterday)}", FROM),
                (('secretary@finance.example',),
                    f"Reminder: {soon_fin} is due on {due}", FROM),
                (('secretary@sgad.example',),
                    f"Reminder: {soon_sgad} is due on {due}", FROM),
                (('so.admin1@sgad.example',),
                    f"Reminder: {soon_sgad} is due on {due}", FROM),
                ])
        late_msg = received[0][3]
        self.assertEqual(late_msg['To'],
            'Secretary Finance <secretary@finance.example>')
        self.assertEqual(late_msg['From'], FROM)
        self.assertEqual(late_msg['Auto-Submitted'], 'auto-generated')
        body = late_msg.get_content()
        self.assertIn('Dear Secretary Finance,', body)
        self.assertIn(
            f'The directive {late_fin} of the Chief Secretary, '
            f'"Audit paras of 2025", addressed to [FIN] Finance, '
            f'was due on {fmt(yesterday)} and has not been answered. '
            'It is held by Secretary Finance.', body)
        self.assertIn(
            f'/model/edaftar.directive.line/{late_lines["FIN"].id}', body)
        soon_body = received[3][3].get_content()
        self.assertIn('Dear Section Officer (Admin-I),', soon_body)
        self.assertIn(f'is due on {due}. It is held by Section Officer '
            '(Admin-I).', soon_body)

        # The notifications: the holder and the head, with or without an
        # address; nothing for the lines answered, too new or too old.
        self.assertEqual(self.notifications('so.admin1'), [
                f"Reminder: {soon_sgad} is due on {due}"])
        self.assertEqual(self.notifications('secretary.sgad'), [
                f"Reminder: {soon_sgad} is due on {due}"])
        self.assertEqual(self.notifications('as.budget'), [
                f"Reminder: {soon_fin} is due on {due}"])
        self.assertEqual(self.notifications('secretary.fin'), [
                f"Overdue: {late_fin} was due on {fmt(yesterday)}",
                f"Reminder: {soon_fin} is due on {due}"])

        # Each line keeps who was told and where.
        self.login('secretary.fin')
        Line = Model.get('edaftar.directive.line')
        fin_line = Line(soon_lines['FIN'].id)
        reminder, = fin_line.reminders
        self.assertEqual(
            (reminder.event, reminder.deadline, reminder.date),
            ('before', today + dt.timedelta(days=2), today))
        self.assertTrue(reminder.sent_at)
        self.assertEqual(reminder.recipients.splitlines(), [
                'Additional Secretary (Budget)',
                'Secretary Finance <secretary@finance.example>'])
        self.login('cs')
        self.assertEqual(
            [len(Line(l.id).reminders) for l in [
                    short_lines['FIN'], late_lines['SGAD']]], [0, 0])

        # A second run the same day sends nothing.
        run_cron(METHOD)
        self.assertEqual(mailbox.take(), [])
        self.assertEqual(len(self.notifications('secretary.fin')), 2)

        # An overdue line given a later deadline is reminded again before
        # the new one.
        self.login('cs')
        line = Line(late_lines['FIN'].id)
        line.new_deadline = today + dt.timedelta(days=2)
        line.extension_reason = "Audit team on leave"
        line.save()
        line.click('extend')
        run_cron(METHOD)
        (mail_from, rcpt, msg), = mailbox.take()
        self.assertEqual(
            (rcpt, msg['Subject']),
            (['secretary@finance.example'],
                f"Reminder: {late_fin} is due on {due}"))
        run_cron(METHOD)
        self.assertEqual(mailbox.take(), [])

        # The record of who was told is its department's: another
        # department neither finds nor reads it, and nobody writes one.
        self.login('cs')
        fin_reminders = [r.id for r in Line(soon_lines['FIN'].id).reminders]
        sgad_reminders = [r.id for r in Line(soon_sgad_id).reminders]
        self.login('secretary.sgad')
        Reminder = Model.get('edaftar.directive.line.reminder')
        self.assertEqual(
            sorted(r.id for r in Reminder.find([])), sorted(sgad_reminders))
        self.assertEqual(Reminder.find([
                    ('line.department.code', '=', 'FIN')]), [])
        proxy = self.config.get_proxy('edaftar.directive.line.reminder')
        with self.assertRaises(AccessError) as refused:
            proxy.read(fin_reminders, ['recipients'], self.config.context)
        self.assertRegex(refused.exception.message,
            message_pattern(self.config, 'ir.msg_read_rule_error'))
        self.login('secretary.fin')
        # Its fields are the server's (GuardMixin refuses them before the
        # access rights are asked); no access row lets staff delete.
        for method, args, error, message in [
                ('create', [[{
                                'line': soon_lines['FIN'].id,
                                'event': 'after',
                                'deadline': today.isoformat(),
                                'date': today.isoformat()}]],
                    ProtectedFieldError, 'edaftar_base.msg_field_protected'),
                ('write', [fin_reminders, {'recipients': 'nobody'}],
                    ProtectedFieldError, 'edaftar_base.msg_field_protected'),
                ('delete', [fin_reminders],
                    AccessError, 'ir.msg_access_rule_error'),
                ]:
            with self.subTest(method=method):
                with self.assertRaises(AccessError) as refused:
                    getattr(proxy, method)(*args, self.config.context)
                self.assertIs(type(refused.exception), error)
                self.assertRegex(refused.exception.message,
                    message_pattern(self.config, message))
        self.login('cs')
        self.assertEqual(
            [r.recipients for r in Reminder.find([
                        ('id', 'in', fin_reminders)])],
            ['Additional Secretary (Budget)\n'
                'Secretary Finance <secretary@finance.example>'])
