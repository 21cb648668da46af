# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The daily e-mail digest, as trytond-cron sends it through the queue to a
real SMTP server: each user gets exactly their own items, nothing when
they opted out or have nothing; subjects escaped in HTML, confidential
ones withheld; only the user changes their choice; nothing of it is
callable by clients."""
import base64
import datetime as dt
import json
import unittest

import trytond.config as config
from proteus import Model
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.tests.tools import (
    PASSWORD, Mailbox, get_user, message_pattern, message_text, run_cron,
    setup_executive, setup_government)
from trytond.modules.edaftar_task.exceptions import DigestPreferenceError
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules, set_user
from trytond.transaction import Transaction

METHOD = 'res.user|edaftar_send_digests'
FROM = 'e-daftar@gob.example'
EMAILS = {
    'so.admin1': 'so.admin1@sgad.example',
    'so.admin2': 'so.admin2@sgad.example',
    # Opts out (the test's setup), with a receipt marked to him
    'officer.admin1': 'officer.admin1@sgad.example',
    # Holds nothing
    'as.regs': 'as.regs@sgad.example',
    }
HTML_SUBJECT = 'Pension case of <b>Ali</b> & sons'
SECRET_SUBJECT = 'Inquiry against the Deputy Director'


def set_dates(model, ids, **values):
    """Write dates the models refuse from a client (a due date past) with
    SQL, as the days would have made them"""
    with Transaction().start(DB_NAME, 0):
        Model_ = Pool().get(model)
        table = Model_.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update(
                [getattr(table, c) for c in values], list(values.values()),
                where=table.id.in_(ids)))


def setup_digest_emails(config):
    "The addresses of the people of the digest"
    User = Model.get('res.user', config=config)
    for login, address in EMAILS.items():
        user, = User.find([('login', '=', login)])
        user.email = address
        user.save()


def fmt(date):
    "A date as the digest writes it (English)"
    return date.strftime('%m/%d/%Y')


def sections(msg):
    """The sections of the plain text of msg: {heading: sorted lines}; the
    greeting and the footer left out"""
    text = msg.get_body(('plain',)).get_content().replace('\r\n', '\n')
    blocks = [b.splitlines() for b in text.strip().split('\n\n')]
    assert blocks[-1][0].rstrip() == '--', text
    result = {}
    for lines in blocks[1:-1]:
        heading, rule, *items = lines
        assert rule == '-' * len(heading), lines
        result[heading] = sorted(items)
    return result


def everything(msg):
    "The headers and the decoded text of every part of msg"
    return '\n'.join([str(msg)] + [
            part.get_content() for part in msg.walk()
            if not part.is_multipart()])


class DigestTestCase(unittest.TestCase):
    "The daily digest of each user"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.saved = {o: config.get('email', o) for o in ['uri', 'from']}
        cls.mailbox = Mailbox()
        cls.mailbox.controller.start()
        config.set('email', 'uri', f'smtp://127.0.0.1:{cls.mailbox.port}')
        config.set('email', 'from', FROM)
        cls.config = activate_modules(
            'edaftar_task', setup_government, setup_executive)
        setup_digest_emails(cls.config)
        User = Model.get('res.user')
        cls.admin = User(cls.config.user)
        # The moves are made now, not in the cached database: what came
        # "since yesterday" is the test's day.
        cls.setup_day()
        set_user(cls.admin)

    @classmethod
    def tearDownClass(cls):
        cls.mailbox.controller.stop()
        for option, value in cls.saved.items():
            config.set('email', option, value)
        drop_db()
        super().tearDownClass()

    def tearDown(self):
        set_user(self.admin)
        super().tearDown()

    @classmethod
    def login(cls, login):
        set_user(get_user(login))

    @classmethod
    def employee(cls, login):
        Employee = Model.get('company.employee')
        employee, = Employee.find([('user.login', '=', login)])
        return employee

    @classmethod
    def setup_day(cls):
        """The day of Admin-I and Admin-II: receipts marked to their
        section officers (one with HTML in its subject, one confidential,
        one forwarded on, one overdue), a file, a flag, tasks; a receipt
        for the assistant, who opts out"""
        Receipt = Model.get('edaftar.receipt')
        Movement = Model.get('edaftar.movement')
        File = Model.get('edaftar.file')
        Flag = Model.get('edaftar.flag')
        Group = Model.get('edaftar.task.group')
        Task = Model.get('edaftar.task')
        today = dt.date.today()
        cls.today = today
        people = {login: cls.employee(login) for login in [
                'so.admin1', 'so.admin2', 'officer.admin1']}

        def register(subject, to, confidentiality='normal'):
            cls.login('registrar.sgad')
            receipt = Receipt(sender_name="Sender", subject=subject,
                confidentiality=confidentiality)
            receipt.save()
            receipt.click('register')
            Movement(document=receipt, action='mark',
                to_employee=people[to]).save()
            receipt.reload()
            return receipt

        cls.html = register(HTML_SUBJECT, 'so.admin1')
        cls.late = register("Budget re-appropriation", 'so.admin1')
        cls.secret = register(
            SECRET_SUBJECT, 'so.admin1', confidentiality='confidential')
        cls.onward = register("Posting orders of clerks", 'so.admin1')
        cls.other = register("Transfer of a driver", 'so.admin2')
        cls.opted = register("Leave of an assistant", 'officer.admin1')

        cls.login('so.admin1')
        Movement(document=Receipt(cls.onward.id), action='forward',
            to_employee=people['so.admin2']).save()
        cls.file = File(subject="Section file <Admin-I>")
        cls.file.save()
        cls.flag_date = today + dt.timedelta(days=1)
        Flag(document=Receipt(cls.onward.id), due_date=cls.flag_date).save()

        cls.login('as.admin')
        group = Group(name="Clean offices drive")
        group.save()
        cls.tasks = {}
        for name, to, days in [
                ("Inspect the record room", 'so.admin1', 2),
                ("Weed out old files", 'so.admin1', 1),
                ("Paint the corridor", 'so.admin1', 10),
                ("Submit the done report", 'so.admin1', 1),
                ("Repair the furniture", 'so.admin2', 1),
                ]:
            task = Task(group=group, name=name, assignee=people[to],
                due_date=today + dt.timedelta(days=days))
            task.save()
            cls.tasks[name] = task
        cls.login('so.admin1')
        Task(cls.tasks["Submit the done report"].id).click('complete')

        # Overdue: the receipt five days past its due date, a task three.
        cls.late_due = today - dt.timedelta(days=5)
        set_dates('edaftar.receipt', [cls.late.id], due_date=cls.late_due)
        cls.task_due = today - dt.timedelta(days=3)
        set_dates('edaftar.task', [cls.tasks["Weed out old files"].id],
            start_date=today - dt.timedelta(days=6), due_date=cls.task_due)

        # The assistant switches his digest off from his preferences.
        cls.login('officer.admin1')
        cls.preferences({'edaftar_digest': False})

    @classmethod
    def preferences(cls, values=None):
        "Set values in the current user's preferences; return them all"
        config_ = cls.config
        proxy = config_.get_proxy('res.user')
        if values is not None:
            proxy.set_preferences(values, config_.context)
        return proxy.get_preferences(False, config_.context)

    def receipts_due(self, receipt):
        Receipt = Model.get('edaftar.receipt')
        with_admin = Receipt(receipt.id)
        return fmt(with_admin.due_date)

    def test_digests(self):
        "Each user gets their own day; nothing to the others"
        mailbox = self.mailbox
        mailbox.take()
        run_cron(METHOD)
        received = {tuple(rcpt): (mail_from, msg)
            for mail_from, rcpt, msg in mailbox.take()}
        # Not the assistant, who opted out, nor the wing head, who has
        # nothing; nobody without an address.
        self.assertEqual(sorted(received), [
                ('so.admin1@sgad.example',), ('so.admin2@sgad.example',)])

        mail_from, msg = received[('so.admin1@sgad.example',)]
        self.assertEqual(mail_from, FROM)
        self.assertEqual(msg['From'], FROM)
        to, = msg['To'].addresses
        self.assertEqual((to.display_name, to.addr_spec),
            ('Section Officer (Admin-I)', 'so.admin1@sgad.example'))
        self.assertEqual(
            msg['Subject'], f'e-Daftar: your day — {fmt(self.today)}')
        self.assertEqual(msg['Auto-Submitted'], 'auto-generated')
        self.assertEqual(msg['Content-Language'], 'en')
        due = {r.id: self.receipts_due(r) for r in [
                self.html, self.late, self.secret, self.onward,
                self.other]}
        html, late, secret, onward = (
            self.html, self.late, self.secret, self.onward)
        hidden = '(confidential: open it in e-Daftar)'
        self.assertEqual(sections(msg), {
                'New for you since yesterday (4)': sorted([
                        f'- {html.number}: {HTML_SUBJECT} ({due[html.id]})',
                        f'- {late.number}: Budget re-appropriation '
                        f'({fmt(self.late_due)})',
                        f'- {secret.number}: {hidden} ({due[secret.id]})',
                        f'- {onward.number}: Posting orders of clerks '
                        f'({due[onward.id]})',
                        ]),
                'Pending with you (4)': sorted([
                        f'- {html.number}: {HTML_SUBJECT} ({due[html.id]})',
                        f'- {late.number}: Budget re-appropriation '
                        f'({fmt(self.late_due)})',
                        f'- {secret.number}: {hidden} ({due[secret.id]})',
                        f'- {self.file_number()}: Section file <Admin-I> '
                        '(no due date)',
                        ]),
                'Overdue with you (1)': [
                    f'- {late.number}: Budget re-appropriation '
                    f'({fmt(self.late_due)})'],
                'Your follow-up flags (1)': [
                    f'- {onward.number}: Posting orders of clerks '
                    f'({fmt(self.flag_date)})'],
                'Your tasks due within 3 days or overdue (2)': sorted([
                        '- Inspect the record room '
                        f'({fmt(self.today + dt.timedelta(days=2))})',
                        f'- Weed out old files ({fmt(self.task_due)})',
                        ]),
                })
        # Overdue first in a section
        text = msg.get_body(('plain',)).get_content()
        self.assertLess(text.index(late.number), text.index(html.number))

        # The HTML part: every value escaped, each line a link to the
        # record; the confidential subject nowhere.
        html_part = msg.get_body(('html',)).get_content()
        self.assertIn(
            'Pension case of &lt;b&gt;Ali&lt;/b&gt; &amp; sons', html_part)
        self.assertNotIn('<b>Ali</b>', html_part)
        self.assertIn('Section file &lt;Admin-I&gt;', html_part)
        self.assertIn(
            f'/model/edaftar.receipt/{html.id}"', html_part)
        self.assertIn(
            f'/model/edaftar.task/{self.tasks["Weed out old files"].id}"',
            html_part)
        self.assertNotIn(SECRET_SUBJECT, everything(msg))
        self.assertIn(secret.number, html_part)

        # The other section officer: his own, not the first's.
        _, msg = received[('so.admin2@sgad.example',)]
        to, = msg['To'].addresses
        self.assertEqual((to.display_name, to.addr_spec),
            ('Section Officer (Admin-II)', 'so.admin2@sgad.example'))
        other = self.other
        self.assertEqual(sections(msg), {
                'New for you since yesterday (2)': sorted([
                        f'- {other.number}: Transfer of a driver '
                        f'({due[other.id]})',
                        f'- {onward.number}: Posting orders of clerks '
                        f'({due[onward.id]})',
                        ]),
                'Pending with you (2)': sorted([
                        f'- {other.number}: Transfer of a driver '
                        f'({due[other.id]})',
                        f'- {onward.number}: Posting orders of clerks '
                        f'({due[onward.id]})',
                        ]),
                'Your tasks due within 3 days or overdue (1)': [
                    '- Repair the furniture '
                    f'({fmt(self.today + dt.timedelta(days=1))})'],
                })
        self.assertNotIn(HTML_SUBJECT, everything(msg))

    def file_number(self):
        File = Model.get('edaftar.file')
        return File(self.file.id).number

    def test_content(self):
        """edaftar_digest_content: the sections of a user as he sees them,
        with totals; empty for a user with nothing and one without an
        employee"""
        with Transaction().start(DB_NAME, 0):
            User = Pool().get('res.user')
            users = {u.login: u for u in User.search([
                        ('login', 'in', ['so.admin1', 'as.regs', 'admin']),
                        ])}
            content = User.edaftar_digest_content(users['so.admin1'])
            nothing = User.edaftar_digest_content(users['as.regs'])
            admin = User.edaftar_digest_content(users['admin'])
        self.assertEqual(
            {n: s['total'] for n, s in content.items()},
            {'new': 4, 'pending': 4, 'overdue': 1, 'flagged': 1, 'tasks': 2})
        self.assertEqual(content['overdue']['items'], [{
                    'model': 'edaftar.receipt', 'id': self.late.id,
                    'number': self.late.number,
                    'subject': "Budget re-appropriation",
                    'due_date': self.late_due,
                    }])
        self.assertEqual(
            [(i['model'], i['number'], i['subject'])
                for i in content['tasks']['items']],
            [('edaftar.task', None, "Weed out old files"),
                ('edaftar.task', None, "Inspect the record room")])
        for empty in [nothing, admin]:
            self.assertEqual(
                {n: (s['total'], s['items']) for n, s in empty.items()},
                dict.fromkeys(
                    ['new', 'pending', 'overdue', 'flagged', 'tasks'],
                    (0, [])))

    def test_message(self):
        """The e-mail of a section longer than it lists: the count of the
        others; the empty sections left out"""
        due = self.today + dt.timedelta(days=2)
        content = {name: {'items': [], 'total': 0} for name in [
                'new', 'pending', 'overdue', 'flagged', 'tasks']}
        content['pending'] = {'total': 25, 'items': [
                {'model': 'edaftar.receipt', 'id': self.html.id,
                    'number': self.html.number, 'subject': HTML_SUBJECT,
                    'due_date': due},
                {'model': 'edaftar.receipt', 'id': self.secret.id,
                    'number': self.secret.number, 'subject': None,
                    'due_date': None},
                ]}
        with Transaction().start(DB_NAME, 0, context={'language': 'en'}):
            User = Pool().get('res.user')
            user, = User.search([('login', '=', 'so.admin1')])
            msg = user._edaftar_digest_message(content)
        self.assertEqual(sections(msg), {
                'Pending with you (25)': sorted([
                        f'- {self.html.number}: {HTML_SUBJECT} ({fmt(due)})',
                        f'- {self.secret.number}: (confidential: open it in '
                        'e-Daftar) (no due date)',
                        '… and 23 more in e-Daftar.',
                        ]),
                })
        html_part = msg.get_body(('html',)).get_content()
        self.assertIn('… and 23 more in e-Daftar.', html_part)
        self.assertIn('Pension case of &lt;b&gt;Ali&lt;/b&gt;', html_part)
        self.assertNotIn('Overdue', everything(msg))

    def test_preference(self):
        "The digest is on by default; the user switches his own off and on"
        self.login('so.admin1')
        self.assertEqual(self.preferences()['edaftar_digest'], True)
        self.assertEqual(
            self.preferences({'edaftar_digest': False})['edaftar_digest'],
            False)
        self.assertEqual(
            self.preferences({'edaftar_digest': True})['edaftar_digest'],
            True)
        # The preferences dialog shows it.
        view = self.config.get_proxy('res.user').get_preferences_fields_view(
            self.config.context)
        self.assertIn('edaftar_digest', view['fields'])
        self.login('officer.admin1')
        self.assertEqual(self.preferences()['edaftar_digest'], False)

    def test_other_user_refused(self):
        "Nobody switches another user's digest, an administrator neither"
        User = Model.get('res.user')
        other = get_user('so.admin2')
        proxy = self.config.get_proxy('res.user')
        # A staff user may not write users at all (ir.model.access).
        self.login('so.admin1')
        with self.assertRaises(AccessError) as refused:
            proxy.write([other.id], {'edaftar_digest': False},
                self.config.context)
        self.assertRegex(refused.exception.message, message_pattern(
                self.config, 'ir.msg_access_rule_error'))
        # The administrator may write users, not their choice of digest.
        set_user(self.admin)
        with self.assertRaises(DigestPreferenceError) as refused:
            proxy.write([other.id], {'edaftar_digest': False},
                self.config.context)
        self.assertEqual(refused.exception.message, message_text(
                self.config, 'edaftar_task.msg_digest_own_preference',
                user='Section Officer (Admin-II)'))
        # ... nor through the form of the user
        user = User(other.id)
        user.edaftar_digest = False
        with self.assertRaises(DigestPreferenceError):
            user.save()
        # The preferences write the caller's own record only.
        self.login('so.admin1')
        self.preferences({'edaftar_digest': True, 'id': other.id})
        set_user(self.admin)
        self.assertEqual(User(other.id).edaftar_digest, True)

    def test_not_callable_over_rpc(self):
        "The cron, the sending and the content are not RPC methods"
        from werkzeug.test import Client

        from trytond.protocols.wrappers import Response
        from trytond.wsgi import app
        import trytond.protocols.dispatcher  # noqa: F401 the routes

        client = Client(app, Response)
        url = f'/{DB_NAME}/rpc/'

        def call(method, *params, auth=None):
            headers = {'Authorization': auth} if auth else {}
            response = client.post(url, headers=headers,
                content_type='application/json', data=json.dumps({
                        'id': 1, 'method': method,
                        'params': list(params)}))
            return response

        response = call('common.db.login', 'so.admin1',
            {'password': PASSWORD})
        self.assertEqual(response.status_code, 200, response.data)
        user_id, session, *_ = json.loads(response.data)['result']
        auth = 'Session ' + base64.b64encode(
            f'so.admin1:{user_id}:{session}'.encode()).decode()
        # The session works: its preferences are read.
        response = call(
            'model.res.user.get_preferences', True, {}, auth=auth)
        self.assertEqual(response.status_code, 200, response.data)

        other = get_user('so.admin2').id
        for method, params in [
                ('edaftar_send_digest', [[other], {}]),
                ('edaftar_send_digests', [{}]),
                ('edaftar_digest_content', [other, {}]),
                ]:
            with self.subTest(method=method):
                response = call(
                    f'model.res.user.{method}', *params, auth=auth)
                self.assertEqual(response.status_code, 403, response.data)
        self.assertEqual(self.mailbox.take(), [])
