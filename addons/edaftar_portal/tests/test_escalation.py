# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The escalation of citizens' cases past their response time, run by
trytond-cron: a case not done by its expected date goes to the officer
above its holder (level 1), half a response time later to the head of its
department (level 2), never further; each time a movement 'escalate' of
its receipt, a notification to the new holder and an internal note on the
case, never told to the citizen. Done cases and cases within their time
are left alone; the inbox tab "Escalated Citizen Cases" of the new holder
shows it."""
import datetime as dt
import unittest

import trytond.config as config
from proteus import Model
from trytond.modules.edaftar_base.tests.tools import (
    Actor, Mailbox, message_text, run_cron, setup_government)
from trytond.modules.edaftar_portal.tests.tools import (
    VALID_CNIC, setup_portal)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction, TransactionError

METHOD = 'edaftar.portal.application|escalate_overdue'
APPLICATION = 'edaftar.portal.application'
RECEIPT = 'edaftar.receipt'
FROM = 'portal@gob.example'
CITIZEN_EMAIL = 'karim.shah@citizen.example'
# The response time of the WATER category, and the grace before level 2
WATER_DAYS = 7
GRACE = WATER_DAYS // 2


def days(n):
    "The date n days from today"
    return dt.date.today() + dt.timedelta(days=n)


def as_server(func, *args):
    """Run func(*args) as the server (user 0) in a transaction of its own,
    run again with the locks it asks for, as the server's requests are;
    return its result"""
    extras = {}
    while True:
        with Transaction().start(DB_NAME, 0, **extras) as transaction:
            try:
                return func(*args)
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)


def submit(code, description):
    """A citizen's case of the category code, as the portal submits it;
    return its id"""
    def submit():
        pool = Pool()
        Application = pool.get(APPLICATION)
        Category = pool.get('edaftar.portal.category')
        category, = Category.search([('code', '=', code)])
        return Application.submit({
                'category': category.id, 'description': description,
                'name': "Karim Shah", 'cnic': VALID_CNIC,
                'phone': '0312-5556667', 'email': CITIZEN_EMAIL,
                'address': "Sariab Road, Quetta"}).id
    return as_server(submit)


def set_expected(application, date):
    """Set the expected date of the case with SQL, as the days would have
    made it (nobody writes it)"""
    with Transaction().start(DB_NAME, 0) as transaction:
        table = Pool().get(APPLICATION).__table__()
        cursor = transaction.connection.cursor()
        cursor.execute(*table.update(
                [table.expected_date], [date],
                where=table.id == application))


class EscalationTestCase(unittest.TestCase):
    "The escalation of overdue citizens' cases"
    maxDiff = None

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

    def case(self, application):
        """What the case and its receipt are, read as the server: its
        escalation, the receipt's holder and movements, the internal notes
        of its discussion"""
        with Transaction().start(DB_NAME, 0):
            pool = Pool()
            Application = pool.get(APPLICATION)
            Message = pool.get('ir.chat.message')
            case = Application(application)
            receipt = case.receipt
            return {
                'public_state': case.public_state,
                'escalated': bool(case.escalated),
                'level': case.escalation_level,
                'escalated_at': case.escalated_at,
                'state': receipt.state,
                'holder': receipt.holder.user.login,
                'portal_escalated': bool(receipt.portal_escalated),
                'movements': [(m.action,
                        m.from_employee.user.login
                        if m.from_employee else None,
                        m.to_employee.user.login, m.instructions,
                        m.purpose_string)
                    for m in sorted(receipt.movements, key=lambda m: m.id)],
                'notes': [(m.audience, m.content) for m in Message.search([
                            ('channel.resource', '=', str(case)),
                            ('content', 'not like', '%joined'),
                            ], order=[('id', 'ASC')])],
                'number': case.number,
                'receipt': receipt.id,
                'receipt_number': receipt.number,
                'expected_date': case.expected_date,
                }

    def notifications(self, receipt):
        "{login: [label]} of the notifications about the receipt"
        with Transaction().start(DB_NAME, 0):
            Notification = Pool().get('res.notification')
            result = {}
            for n in Notification.search([
                        ('model', '=', RECEIPT),
                        ('records', '=', f'[{receipt}]'),
                        ], order=[('id', 'ASC')]):
                result.setdefault(n.user.login, []).append(n.label)
            return result

    def reason(self, number, expected, level):
        return message_text(self.config,
            'edaftar_portal.msg_escalation_reason',
            number=number, expected=expected, level=level)

    def label(self, receipt_number, purpose, sender):
        return message_text(self.config,
            'edaftar_dak.msg_movement_notification',
            document=receipt_number, action="Escalate", purpose=purpose,
            sender=sender)

    def escalated_tab(self, login):
        """The receipts of login's inbox tab "Escalated Citizen Cases", with
        the domain of the tab as the client sends it"""
        ActionDomain = Model.get('ir.action.act_window.domain')
        ModelData = Model.get('ir.model.data')
        Receipt = Model.get(RECEIPT)
        with self.actor.as_admin():
            tab = ActionDomain(ModelData.get_id('edaftar_portal',
                    'act_receipt_form_domain_escalated', self.config.context))
            self.assertEqual(tab.name, "Escalated Citizen Cases")
            self.assertTrue(tab.count)
            domain = PYSONDecoder({}).decode(tab.domain)
        self.actor.login(login)
        try:
            return sorted(r.id for r in Receipt.find(domain))
        finally:
            self.actor.login('admin')

    def test_escalation(self):
        """Level 1 to the officer above the holder, not again within the
        grace, level 2 to the department head after it, never further"""
        application = submit('WATER', "Escalation: a burst main floods "
            "the street")
        start = self.case(application)
        self.assertEqual(
            (start['public_state'], start['escalated'], start['level'],
                start['holder'], start['movements']),
            ('new', False, 0, 'so.admin1', []))
        self.assertEqual(start['expected_date'], days(WATER_DAYS))
        number, receipt = start['number'], start['receipt']
        self.mailbox.take()
        # The focal person is told of the new case (no movement brought it).
        intake = message_text(self.config,
            'edaftar_dak.msg_receipt_intake_notification',
            receipt=start['receipt_number'])
        self.assertEqual(self.notifications(receipt), {'so.admin1': [intake]})

        # Within its response time: nothing.
        run_cron(METHOD)
        self.assertEqual(self.case(application), start)

        # Past it: to the Additional Secretary above the Section Officer
        # Admin-I (the section has no head of its own).
        expected = days(-1)
        set_expected(application, expected)
        run_cron(METHOD)
        first = self.case(application)
        reason = self.reason(number, expected, 1)
        escalate = ('escalate', 'so.admin1', 'as.admin', reason,
            first['movements'][-1][-1])
        self.assertEqual(
            (first['public_state'], first['escalated'], first['level'],
                first['state'], first['holder'], first['portal_escalated'],
                first['movements'], first['notes']),
            ('in_progress', True, 1, 'in_process', 'as.admin', True,
                [escalate], [('internal', reason)]))
        self.assertIsNotNone(first['escalated_at'])
        self.assertEqual(self.notifications(receipt), {
                'so.admin1': [intake],
                'as.admin': [self.label(first['receipt_number'],
                        escalate[-1], "Section Officer (Admin-I)")]})
        self.assertEqual(self.escalated_tab('as.admin'), [receipt])
        self.assertEqual(self.escalated_tab('so.admin1'), [])
        self.assertEqual(self.escalated_tab('secretary.sgad'), [])

        # Not again the same day, nor until half a response time has
        # passed since the expected date.
        run_cron(METHOD)
        self.assertEqual(self.case(application), first)
        set_expected(application, days(-GRACE))
        run_cron(METHOD)
        self.assertEqual(
            {k: v for k, v in self.case(application).items()
                if k != 'expected_date'},
            {k: v for k, v in first.items() if k != 'expected_date'})

        # After it: to the Secretary, head of the department.
        expected = days(-GRACE - 1)
        set_expected(application, expected)
        run_cron(METHOD)
        second = self.case(application)
        reason2 = self.reason(number, expected, 2)
        escalate2 = ('escalate', 'as.admin', 'secretary.sgad', reason2,
            escalate[-1])
        self.assertEqual(
            (second['public_state'], second['level'], second['holder'],
                second['movements'], second['notes']),
            ('in_progress', 2, 'secretary.sgad', [escalate, escalate2],
                [('internal', reason), ('internal', reason2)]))
        self.assertEqual(self.notifications(receipt), {
                'so.admin1': [intake],
                'as.admin': [self.label(first['receipt_number'],
                        escalate[-1], "Section Officer (Admin-I)")],
                'secretary.sgad': [self.label(first['receipt_number'],
                        escalate[-1], "Additional Secretary (Admin)")]})
        self.assertEqual(self.escalated_tab('secretary.sgad'), [receipt])
        self.assertEqual(self.escalated_tab('ps.sgad'), [receipt])
        self.assertEqual(self.escalated_tab('as.admin'), [])

        # Never beyond the head of the department.
        set_expected(application, days(-100))
        run_cron(METHOD)
        run_cron(METHOD)
        self.assertEqual(
            {k: v for k, v in self.case(application).items()
                if k != 'expected_date'},
            {k: v for k, v in second.items() if k != 'expected_date'})

        # The citizen is told nothing of the internal notes.
        for _, _, msg in self.mailbox.take():
            text = str(msg) + msg.get_body(('plain',)).get_content()
            self.assertNotIn(reason, text)
            self.assertNotIn(reason2, text)

    def test_done_not_escalated(self):
        """A case done is not escalated, however late; a case within its
        time neither"""
        done = submit('WATER', "Escalation: done before the cron ran")
        within = submit('ROADS', "Escalation: a pothole, within its time")
        receipt = self.case(done)['receipt']
        self.actor.write('so.admin1', RECEIPT, receipt,
            disposal_remark="The main was repaired.")
        self.actor.click('so.admin1', RECEIPT, receipt, 'close')
        before = {a: self.case(a) for a in [done, within]}
        self.assertEqual(before[done]['public_state'], 'done')
        set_expected(done, days(-30))
        run_cron(METHOD)
        after = {a: self.case(a) for a in [done, within]}
        self.assertEqual(
            (after[done]['escalated'], after[done]['level'],
                after[done]['holder'], after[done]['movements'],
                after[done]['notes']),
            (False, 0, 'so.admin1', before[done]['movements'], []))
        self.assertEqual(after[within], before[within])
        self.assertEqual(self.escalated_tab('so.admin1'), [])
        self.assertEqual(self.escalated_tab('as.admin'), [])

    def test_not_callable_by_clients(self):
        "The escalation is run by the cron only, never over RPC"
        self.actor.login('secretary.sgad')
        with self.assertRaises(TypeError):
            self.actor.call(APPLICATION, 'escalate_overdue')
