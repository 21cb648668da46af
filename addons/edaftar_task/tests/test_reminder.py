# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The daily reminder of tasks due soon, run by trytond-cron: the assignee,
their PA/PS and who gave the task are each told once of an open task due
within the reminder's days; nothing of the tasks due later, overdue, done
or cancelled; nothing more on the next run; a new due date re-arms it."""
import datetime as dt
import unittest
from collections import Counter

from proteus import Model
from trytond.modules.edaftar_base.exceptions import ProtectedFieldError
from trytond.modules.edaftar_base.tests.tools import (
    setup_executive, setup_government)
from trytond.modules.edaftar_task.task import REMIND_DAYS
from trytond.modules.edaftar_task.tests.tools import (
    TASK, Actor, days, message_text)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

METHOD = 'edaftar.task|remind_due'
LABEL = 'edaftar_task.msg_task_due_soon'


class ReminderTestCase(unittest.TestCase):
    "The reminder of tasks due soon"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_task', setup_government, setup_executive)
        cls.actor = Actor(cls.config)
        # Given now, not in the cached database: due dates are the test's
        # days.
        cls.setup_tasks()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def tearDown(self):
        self.actor.login('admin')
        super().tearDown()

    @classmethod
    def setup_tasks(cls):
        """The Chief Secretary gives the Secretary S&GAD (whose PS is
        ps.sgad) tasks due tomorrow, in five days and yesterday, one due
        tomorrow that she completes and one he cancels; she gives her PS
        a task due tomorrow. Nobody has been reminded yet."""
        actor = cls.actor
        group = actor.activity('cs', "Monsoon preparedness", start=-10)
        cls.tasks = tasks = {}
        for name, due in [
                ("Tomorrow", 1), ("In five days", 5), ("Yesterday", -1),
                ("Done", 1), ("Cancelled", 1)]:
            tasks[name] = actor.task('cs', f"{name}: drains cleared",
                'secretary.sgad', due, group=group, start=-10)
        actor.press('secretary.sgad', 'complete', tasks["Done"])
        actor.press('cs', 'cancel', tasks["Cancelled"])
        own = actor.activity('secretary.sgad', "Office of the Secretary")
        tasks["For her PS"] = actor.task('secretary.sgad',
            "For her PS: tour programme", 'ps.sgad', 1, group=own)
        actor.login('admin')

    def name(self, key):
        return f"{key}: drains cleared" if key != "For her PS" \
            else "For her PS: tour programme"

    def run_cron(self):
        """Run the ir.cron record of the reminder as trytond-cron does
        (Cron.run, as root), the other tasks not being due; check it ran"""
        with Transaction().start(DB_NAME, 0) as transaction:
            pool = Pool()
            Cron = pool.get('ir.cron')
            ModelData = pool.get('ir.model.data')
            Log = pool.get('ir.cron.log')
            Error = pool.get('ir.error')
            cron = Cron(ModelData.get_id('edaftar_task', 'cron_remind_due'))
            self.assertEqual(cron.method, METHOD)
            self.assertTrue(cron.active)
            others = Cron.search([('id', '!=', cron.id)])
            Cron.write(others, {
                    'next_call': dt.datetime.now() + dt.timedelta(days=1)},
                [cron], {'next_call': None})
            logs = Log.search_count([('cron', '=', cron.id)])
            errors = Error.search_count([])
            transaction.commit()
        Cron.run(DB_NAME)
        with Transaction().start(DB_NAME, 0):
            # Cron.run keeps going on errors: it logged a run, no error.
            self.assertEqual(
                Log.search_count([('cron', '=', cron.id)]), logs + 1)
            self.assertEqual(Error.search_count([]), errors)

    def reminders(self, *keys):
        """{(login, label): count} of the reminders sent of the tasks of
        keys (default: all), and the reminders themselves, read as root"""
        labels = [self.label(k) for k in keys or self.tasks]
        with Transaction().start(DB_NAME, 0):
            Notification = Pool().get('res.notification')
            notifications = Notification.search([
                    ('label', 'in', labels),
                    ], order=[('id', 'ASC')])
            return (Counter((n.user.login, n.label) for n in notifications),
                [(n.user.login, n.label, n.description, n.model,
                        n.records, n.icon)
                    for n in notifications])

    def label(self, key):
        return message_text(self.config, LABEL, task=self.name(key))

    def due_reminded(self, key):
        with self.actor.as_admin():
            return Model.get(TASK)(self.tasks[key]).due_reminded

    def test_reminder(self):
        """Who is told of which task, once; the next run tells nothing;
        a change of due date re-arms the task's reminder, another change
        does not"""
        self.assertEqual(REMIND_DAYS, 2)
        keys = ["Tomorrow", "In five days", "Yesterday", "Done", "Cancelled"]
        self.assertEqual(self.reminders(*keys)[0], Counter())
        self.run_cron()
        counts, sent = self.reminders(*keys)
        tomorrow = self.label("Tomorrow")
        # Given by the CS to the Secretary: she, her PS, he and his PS
        self.assertEqual(counts, Counter({
                    ('secretary.sgad', tomorrow): 1,
                    ('ps.sgad', tomorrow): 1,
                    ('cs', tomorrow): 1,
                    ('ps.cs', tomorrow): 1,
                    }))
        description = message_text(self.config,
            'edaftar_task.msg_task_notification_description',
            due_date=days(1), assignee="Secretary S&GAD")
        self.assertEqual(
            {(login, d, model, records)
                for login, label, d, model, records, _ in sent
                if label == tomorrow},
            {(login, description, TASK, f'[{self.tasks["Tomorrow"]}]')
                for login in ['secretary.sgad', 'ps.sgad', 'cs', 'ps.cs']})
        # An icon the clients show
        with Transaction().start(DB_NAME, 0):
            icons = dict(Pool().get('res.notification').list_icons())
        self.assertTrue(all(icon and icon in icons for *_, icon in sent))
        self.assertEqual(
            {k: self.due_reminded(k) for k in keys}, {
                "Tomorrow": True, "In five days": False, "Yesterday": False,
                "Done": False, "Cancelled": False})

        # The next run (tomorrow's, or a second one today) tells nothing.
        self.run_cron()
        self.assertEqual(self.reminders(*keys)[0], counts)

        # Another change than the due date does not re-arm it.
        self.actor.write('cs', TASK, self.tasks["Tomorrow"],
            description="Before the rains.")
        self.assertTrue(self.due_reminded("Tomorrow"))
        self.run_cron()
        self.assertEqual(self.reminders(*keys)[0], counts)

        # A new due date does; the reminder is sent when it is within the
        # days of the reminder.
        self.actor.write('cs', TASK, self.tasks["Tomorrow"],
            due_date=days(2))
        self.actor.write('cs', TASK, self.tasks["In five days"],
            due_date=days(1))
        self.actor.write('cs', TASK, self.tasks["Yesterday"],
            due_date=days(4))
        self.assertFalse(self.due_reminded("Tomorrow"))
        self.run_cron()
        five = self.label("In five days")
        expected = counts + Counter({
                ('secretary.sgad', tomorrow): 1, ('ps.sgad', tomorrow): 1,
                ('cs', tomorrow): 1, ('ps.cs', tomorrow): 1,
                ('secretary.sgad', five): 1, ('ps.sgad', five): 1,
                ('cs', five): 1, ('ps.cs', five): 1,
                })
        self.assertEqual(self.reminders(*keys)[0], expected)
        self.assertFalse(self.due_reminded("Yesterday"))
        self.run_cron()
        self.assertEqual(self.reminders(*keys)[0], expected)

    def test_told_once(self):
        """A person told as the assignee and as the PA/PS of who gave
        the task is told once: the Secretary's task for her PS"""
        self.run_cron()
        own = self.label("For her PS")
        self.assertEqual(self.reminders("For her PS")[0], Counter({
                    ('ps.sgad', own): 1,
                    ('secretary.sgad', own): 1,
                    }))
        self.assertTrue(self.due_reminded("For her PS"))

    def test_due_reminded_not_client_written(self):
        "Nobody re-arms or silences a reminder but by the due date"
        before = self.due_reminded("Yesterday")
        for value in [True, False]:
            with self.subTest(value=value):
                with self.assertRaises(ProtectedFieldError):
                    self.actor.write('cs', TASK, self.tasks["Yesterday"],
                        due_reminded=value)
        self.assertEqual(self.due_reminded("Yesterday"), before)

    def test_not_callable_by_clients(self):
        "The reminder is run by the cron only, never over RPC"
        self.actor.login('cs')
        with self.assertRaises(TypeError):
            self.actor.call(TASK, 'remind_due')
