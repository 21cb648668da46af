# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Bad input on activities, tasks and their updates: each is refused with
its own error and clear message (in the user's language), and nothing is
changed — the task, its activity, the counts of tasks, updates,
attachments and notifications are as before."""
import unittest

import trytond.config as config
from proteus import Model
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests.tools import get_company
from trytond.modules.edaftar_base.exceptions import ProtectedFieldError
from trytond.modules.edaftar_base.tests.tools import (
    PASSWORD, setup_executive, setup_government)
from trytond.modules.edaftar_dak.attachment import MAX_SIZE
from trytond.modules.edaftar_dak.exceptions import AttachmentError
from trytond.modules.edaftar_task.exceptions import (
    TaskAccessError, TaskDateError, TaskScopeError, TaskStateError)
from trytond.modules.edaftar_base.tests.tools import RefusalTestMixin
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules

from .tools import (
    GROUP, PDF, TASK, UPDATE, Actor, days)

RECEIPT = "Bad input receipt"
ADMIN_I = "Admin-I Section"
# People of the Admin-I section who may not be given a task: (party name,
# login or None, how they are not on duty)
OFF_DUTY = [
    ("Retired Assistant (Admin-I)", 'retired.admin1', 'retired'),
    ("Disabled Assistant (Admin-I)", 'disabled.admin1', 'disabled'),
    ("Naib Qasid (Admin-I)", None, 'no_user'),
    ]
# Content that is not an office document, named as one
HTML = b'<html><body><script>alert(1)</script></body></html>'
EXE = b'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff' + b'\x00' * 64
URDU = {
    'msg_task_not_assignee': (
        'صرف %(assignee)s، جنہیں "%(task)s" دیا گیا (یا ان کا پی اے/پی ایس)'
        '، اسے شروع یا مکمل کر سکتے ہیں۔'),
    'msg_task_due_after_parent': (
        'ذیلی کام "%(task)s" اپنے اصل کام "%(parent)s" کی آخری تاریخ'
        ' %(due_date)s کے بعد نہیں ہو سکتا۔'),
    }


def setup_bad_input(config):
    """Three people of the Admin-I section off duty: retired yesterday,
    with their login disabled, without a login; a receipt of the S&GAD
    registry marked to the Section Officer (Admin-I)"""
    Employee = Model.get('company.employee', config=config)
    Party = Model.get('party.party', config=config)
    User = Model.get('res.user', config=config)
    Unit = Model.get('edaftar.org.unit', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    Group = Model.get('res.group', config=config)
    actor = Actor(config)
    actor.login('admin')
    company = get_company(config=config)
    unit, = Unit.find([('name', '=', ADMIN_I)])
    officer = Group(ModelData.get_id(
            'edaftar_base', 'group_officer', config.context))
    for name, login, kind in OFF_DUTY:
        user = None
        if login:
            user = User(login=login, name=name, password=PASSWORD)
            user.groups.append(Group(officer.id))
            user.save()
        party = Party(name=name)
        party.save()
        employee = Employee(party=party, company=company, user=user,
            edaftar_unit=unit)
        if kind == 'retired':
            employee.start_date = days(-400)
            employee.end_date = days(-1)
        employee.save()
        if kind == 'disabled':
            user.active = False
            user.save()
    actor.login('registrar.sgad')
    receipt, = actor.call('edaftar.receipt', 'create', [{
                'sender_name': "Citizen", 'subject': RECEIPT}])
    actor.call('edaftar.receipt', 'register', [receipt])
    actor.call('edaftar.movement', 'create', [{
                'document': f'edaftar.receipt,{receipt}', 'action': 'mark',
                'to_employee': actor.employee('so.admin1')}])
    actor.login('admin')


class BadInputTestCase(RefusalTestMixin, unittest.TestCase):
    "Bad input is refused with a clear message and changes nothing"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The database of the task scenario (cached with DB_CACHE), then
        # this test's own records.
        cls.config = activate_modules(
            'edaftar_task', setup_government, setup_executive)
        setup_bad_input(cls.config)
        cls.actor = Actor(cls.config)
        Employee = Model.get('company.employee')
        Receipt = Model.get('edaftar.receipt')
        with cls.actor.as_admin(), cls.config.set_context(
                active_test=False):
            cls.off_duty = {
                kind: Employee.find([('party.name', '=', name)])[0].id
                for name, _, kind in OFF_DUTY}
            cls.receipt, = [r.id for r in Receipt.find(
                        [('subject', '=', RECEIPT)])]

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    # Helpers

    def subject(self, name=''):
        "A name of its own for each record of a test"
        return f"{self.id().rsplit('.', 1)[-1]} {name}".strip()

    def rec_name(self, model, record_id):
        Record = Model.get(model)
        with self.actor.as_admin():
            return Record(record_id).rec_name

    def name(self, login_or_id):
        "The name of the employee of login (or id)"
        Employee = Model.get('company.employee')
        employee = login_or_id if isinstance(login_or_id, int) else (
            self.actor.employee(login_or_id))
        with self.actor.as_admin():
            return Employee(employee).rec_name

    def create(self, login, model, **values):
        "A call creating a record of model with values as login"
        def call():
            self.actor.login(login)
            return self.actor.call(model, 'create', [values])
        return call

    def write(self, login, model, record_id, **values):
        "A call writing values on the record as login"
        return lambda: self.actor.write(login, model, record_id, **values)

    def press(self, login, button, record_id, model=TASK):
        "A call clicking button on the record as login"
        return lambda: self.actor.press(login, button, record_id, model=model)

    def snapshot(self, tasks=(), groups=()):
        "What the tasks and activities are, and the counts"
        return {
            'tasks': self.actor.task_states(tasks),
            'groups': self.actor.group_states(groups),
            'counts': self.actor.counts(),
            }

    def chain(self, due=30, top_due=20, sub_due=15, leaf_due=10,
            owner='secretary.sgad'):
        """An activity of owner with a task to the wing head (Admin), his
        subtask to the Section Officer (Admin-I): (activity, task,
        subtask)"""
        actor = self.actor
        group = actor.activity(owner, self.subject(), due=due)
        top = actor.task(owner, self.subject("top"), 'as.admin', top_due,
            group=group)
        sub = actor.task('as.admin', self.subject("sub"), 'so.admin1',
            sub_due, parent=top)
        return group, top, sub

    # The assignee

    def test_assignee_out_of_scope(self):
        """A task is given to a person in the scope of who gives it: not
        to another department, wing or section, even by their PA/PS"""
        actor = self.actor
        group, top, sub = self.chain()
        before = self.snapshot([top, sub], [group])
        name = self.subject("outside")
        for login, values, assigner, assignee in [
                ('secretary.sgad', {'group': group}, 'secretary.sgad',
                    'secretary.fin'),
                ('ps.sgad', {'group': group}, 'secretary.sgad',
                    'so.budget1'),
                ('as.admin', {'parent': top}, 'as.admin', 'so.budget1'),
                ('as.admin', {'parent': top}, 'as.admin', 'as.regs'),
                ('so.admin1', {'parent': sub}, 'so.admin1', 'so.admin2'),
                ]:
            with self.subTest(login=login, assignee=assignee):
                self.assertRefused(TaskScopeError,
                    'edaftar_task.msg_task_assignee_out_of_scope',
                    self.create(login, TASK, name=name,
                        assignee=actor.employee(assignee),
                        due_date=days(5), **values),
                    task=name, assignee=self.name(assignee),
                    assigner=self.name(assigner))
                self.assertEqual(self.snapshot([top, sub], [group]), before)
        # Nor is a task to do given over to someone out of scope.
        with self.subTest(action='write'):
            self.assertRefused(TaskScopeError,
                'edaftar_task.msg_task_assignee_out_of_scope',
                self.write('as.admin', TASK, sub,
                    assignee=actor.employee('so.budget1')),
                task=self.rec_name(TASK, sub),
                assignee=self.name('so.budget1'),
                assigner=self.name('as.admin'))
            self.assertEqual(self.snapshot([top, sub], [group]), before)
        # The PA/PS gives for the Secretary within his scope.
        task = actor.task('ps.sgad', self.subject("by PS"), 'as.regs', 5,
            group=group)
        self.assertEqual(actor.task_state(task)['assigned_by'],
            actor.employee('secretary.sgad'))

    def test_assignee_off_duty(self):
        """A task is not given to a retired person, one whose login is
        disabled, or one without a login"""
        actor = self.actor
        group, top, sub = self.chain()
        todo = actor.task('so.admin1', self.subject("todo"),
            'officer.admin1', 5, parent=sub)
        name = self.subject("off duty")
        for _, _, kind in OFF_DUTY:
            employee = self.off_duty[kind]
            with self.subTest(kind=kind, action='create'):
                # Each against what is there now: a failure of one kind
                # does not fail the others.
                before = self.snapshot([sub, todo], [group])
                self.assertRefused(TaskScopeError,
                    'edaftar_task.msg_task_assignee_inactive',
                    self.create('so.admin1', TASK, name=name, parent=sub,
                        assignee=employee, due_date=days(5)),
                    task=name, assignee=self.name(employee))
                self.assertEqual(self.snapshot([sub, todo], [group]), before)
            with self.subTest(kind=kind, action='write'):
                before = self.snapshot([sub, todo], [group])
                self.assertRefused(TaskScopeError,
                    'edaftar_task.msg_task_assignee_inactive',
                    self.write('so.admin1', TASK, todo, assignee=employee),
                    task=self.rec_name(TASK, todo),
                    assignee=self.name(employee))
                self.assertEqual(self.snapshot([sub, todo], [group]), before)

    # Dates

    def checks(self, tasks, groups, cases):
        """Each case (label, exception, message, call, params or None for
        any) refused in its own subtest, nothing changed by it"""
        for label, exception, message, call, params in cases:
            with self.subTest(label):
                before = self.snapshot(tasks, groups)
                if params is None:
                    self.assertRefusedLike(exception, message, call)
                else:
                    self.assertRefused(exception, message, call, **params)
                self.assertEqual(self.snapshot(tasks, groups), before)

    def test_subtask_due_after_parent(self):
        """A subtask is due no later than its parent: not when given, not
        when its date or its parent's changes"""
        actor = self.actor
        group, top, sub = self.chain(top_due=20, sub_due=15)
        name = self.subject("late")
        self.checks([top, sub], [group], [
                ("create", TaskDateError,
                    'edaftar_task.msg_task_due_after_parent',
                    self.create('so.admin1', TASK, name=name, parent=sub,
                        assignee=actor.employee('officer.admin1'),
                        due_date=days(16)),
                    dict(task=name, due_date=days(15),
                        parent=self.rec_name(TASK, sub))),
                ("write the subtask", TaskDateError,
                    'edaftar_task.msg_task_due_after_parent',
                    self.write('as.admin', TASK, sub, due_date=days(21)),
                    dict(task=self.rec_name(TASK, sub), due_date=days(20),
                        parent=self.rec_name(TASK, top))),
                # Nor is the parent brought forward before its subtask.
                ("write the parent", TaskDateError,
                    'edaftar_task.msg_task_due_after_parent',
                    self.write('secretary.sgad', TASK, top,
                        due_date=days(10)),
                    None),
                ])

    def test_due_before_start(self):
        "A task or an activity is not due before it starts"
        actor = self.actor
        group, top, sub = self.chain()
        name = self.subject("backwards")
        self.checks([top, sub], [group], [
                ("create task", TaskDateError,
                    'edaftar_task.msg_task_due_before_start',
                    self.create('as.admin', TASK, name=name, parent=top,
                        assignee=actor.employee('so.admin2'),
                        start_date=days(5), due_date=days(3)),
                    dict(task=name)),
                ("write task", TaskDateError,
                    'edaftar_task.msg_task_due_before_start',
                    self.write('as.admin', TASK, sub, start_date=days(16)),
                    dict(task=self.rec_name(TASK, sub))),
                ("create activity", TaskDateError,
                    'edaftar_task.msg_group_due_before_start',
                    self.create('secretary.sgad', GROUP, name=name,
                        start_date=days(5), due_date=days(3)),
                    dict(group=name)),
                ("write activity", TaskDateError,
                    'edaftar_task.msg_group_due_before_start',
                    self.write('secretary.sgad', GROUP, group,
                        start_date=days(31)),
                    dict(group=self.rec_name(GROUP, group))),
                ])

    def test_due_after_activity(self):
        """No task of an activity is due after it: not when given, not when
        its date or the activity's changes"""
        actor = self.actor
        group, top, sub = self.chain(due=25, top_due=20)
        name = self.subject("late")
        self.checks([top, sub], [group], [
                ("create", TaskDateError,
                    'edaftar_task.msg_task_due_after_group',
                    self.create('secretary.sgad', TASK, name=name,
                        group=group, assignee=actor.employee('as.regs'),
                        due_date=days(26)),
                    dict(task=name, due_date=days(25),
                        group=self.rec_name(GROUP, group))),
                ("write the task", TaskDateError,
                    'edaftar_task.msg_task_due_after_group',
                    self.write('secretary.sgad', TASK, top,
                        due_date=days(27)),
                    dict(task=self.rec_name(TASK, top), due_date=days(25),
                        group=self.rec_name(GROUP, group))),
                # Nor is the activity brought forward before its tasks.
                ("write the activity", TaskDateError,
                    'edaftar_task.msg_task_due_after_group',
                    self.write('secretary.sgad', GROUP, group,
                        due_date=days(18)),
                    None),
                ])

    # States

    def test_parent_with_open_subtask(self):
        """A parent is not completed while a subtask is open; a cancelled
        subtask does not hold it"""
        actor = self.actor
        group, top, sub = self.chain()
        actor.press('as.admin', 'start', top)
        before = self.snapshot([top, sub], [group])
        self.assertRefused(TaskStateError,
            'edaftar_task.msg_task_open_subtasks',
            self.press('as.admin', 'complete', top),
            task=self.rec_name(TASK, top),
            subtasks=self.rec_name(TASK, sub))
        self.assertEqual(self.snapshot([top, sub], [group]), before)
        actor.press('as.admin', 'cancel', sub)
        actor.press('as.admin', 'complete', top)
        self.assertEqual(actor.task_state(top)['state'], 'done')

    def test_not_assignee(self):
        """Only the assignee (or their PA/PS) starts, completes or reports
        on a task: not who gave it, nor the officers above"""
        actor = self.actor
        group, top, sub = self.chain()
        before = self.snapshot([top, sub], [group])
        params = dict(task=self.rec_name(TASK, sub),
            assignee=self.name('so.admin1'))
        for login in ['as.admin', 'secretary.sgad', 'ps.sgad',
                'officer.admin1']:
            for button in ['start', 'complete']:
                with self.subTest(login=login, button=button):
                    self.assertRefused(TaskAccessError,
                        'edaftar_task.msg_task_not_assignee',
                        self.press(login, button, sub), **params)
                    self.assertEqual(
                        self.snapshot([top, sub], [group]), before)
            with self.subTest(login=login, action='update'):
                self.assertRefused(TaskAccessError,
                    'edaftar_task.msg_task_not_assignee',
                    self.create(login, UPDATE, task=sub,
                        text=f"Progress by {login}", percent=10),
                    **params)
                self.assertEqual(self.snapshot([top, sub], [group]), before)
        # The PS starts the Secretary's task for him.
        mine = actor.task('cs', self.subject("for the Secretary"),
            'secretary.sgad', 5,
            group=actor.activity('cs', self.subject("CS")))
        actor.press('ps.sgad', 'start', mine)
        self.assertEqual(actor.task_state(mine)['state'], 'in_progress')

    def test_not_assigner(self):
        """Only who gave a task, the officers above on it and the
        activity's owner cancel or reopen it: not its assignee, nor an
        officer of the section"""
        actor = self.actor
        group, top, sub = self.chain()
        actor.press('so.admin1', 'start', sub)
        done = actor.task('as.admin', self.subject("done"), 'so.admin1', 5,
            parent=top)
        actor.press('so.admin1', 'complete', done)
        before = self.snapshot([top, sub, done], [group])
        for login in ['so.admin1', 'officer.admin1']:
            for button, task in [('cancel', sub), ('reopen', done)]:
                with self.subTest(login=login, button=button):
                    self.assertRefused(TaskAccessError,
                        'edaftar_task.msg_task_not_assigner',
                        self.press(login, button, task),
                        task=self.rec_name(TASK, task),
                        assigner=self.name('as.admin'))
                    self.assertEqual(
                        self.snapshot([top, sub, done], [group]), before)
        # The wing head cancels his own task no more than the Section
        # Officer does.
        self.assertRefused(TaskAccessError,
            'edaftar_task.msg_task_not_assigner',
            self.press('as.admin', 'cancel', top),
            task=self.rec_name(TASK, top),
            assigner=self.name('secretary.sgad'))
        self.assertEqual(self.snapshot([top, sub, done], [group]), before)

    def test_not_giver(self):
        """A subtask is given by the parent's assignee, a task of an
        activity by its owner: not by the officers above, nor a colleague"""
        actor = self.actor
        group, top, sub = self.chain(owner='cs')
        before = self.snapshot([top, sub], [group])
        name = self.subject("not theirs")
        for login, values, assigner in [
                ('secretary.sgad', {'parent': sub}, 'so.admin1'),
                ('cs', {'parent': sub}, 'so.admin1'),
                ('cs', {'parent': top}, 'as.admin'),
                ('secretary.sgad', {'group': group}, 'cs'),
                ('ps.sgad', {'group': group}, 'cs'),
                ]:
            with self.subTest(login=login, values=values):
                self.assertRefused(TaskAccessError,
                    'edaftar_task.msg_task_not_giver',
                    self.create(login, TASK, name=name,
                        assignee=actor.employee('officer.admin1'),
                        due_date=days(5), **values),
                    task=name, assigner=self.name(assigner))
                self.assertEqual(self.snapshot([top, sub], [group]), before)

    def test_parent_closed(self):
        """No subtask is added under a done or cancelled task, nor reopened
        under one"""
        actor = self.actor
        group, top, sub = self.chain()
        leaf = actor.task('so.admin1', self.subject("leaf"),
            'officer.admin1', 5, parent=sub)
        actor.press('officer.admin1', 'complete', leaf)
        actor.press('so.admin1', 'complete', sub)
        cancelled = actor.task('as.admin', self.subject("cancelled"),
            'so.admin2', 10, parent=top)
        below = actor.task('so.admin2', self.subject("below"),
            'so.admin2', 5, parent=cancelled)
        actor.press('as.admin', 'cancel', cancelled)
        tasks = [top, sub, leaf, cancelled, below]
        before = self.snapshot(tasks, [group])
        self.assertEqual([t['state'] for t in before['tasks']],
            ['todo', 'done', 'done', 'cancelled', 'cancelled'])
        name = self.subject("under")
        for login, parent, assignee in [
                ('so.admin1', sub, 'officer.admin1'),
                ('so.admin2', cancelled, 'so.admin2')]:
            with self.subTest(parent=parent):
                self.assertRefused(TaskStateError,
                    'edaftar_task.msg_task_parent_closed',
                    self.create(login, TASK, name=name, parent=parent,
                        assignee=actor.employee(assignee),
                        due_date=days(3)),
                    task=name, parent=self.rec_name(TASK, parent))
                self.assertEqual(self.snapshot(tasks, [group]), before)
        for login, task, parent in [
                ('so.admin1', leaf, sub), ('as.admin', below, cancelled)]:
            with self.subTest(reopen=task):
                self.assertRefused(TaskStateError,
                    'edaftar_task.msg_task_parent_closed',
                    self.press(login, 'reopen', task),
                    task=self.rec_name(TASK, task),
                    parent=self.rec_name(TASK, parent))
                self.assertEqual(self.snapshot(tasks, [group]), before)

    def test_closed_activity(self):
        """A closed activity takes no task, and none of its tasks is
        reopened"""
        actor = self.actor
        group, top, sub = self.chain()
        actor.press('so.admin1', 'complete', sub)
        actor.press('as.admin', 'complete', top)
        actor.press('secretary.sgad', 'close', group, model=GROUP)
        self.assertEqual(actor.group_state(group)['state'], 'closed')
        name = self.subject("added")
        self.checks([top, sub], [group], [
                ("create", TaskStateError,
                    'edaftar_task.msg_task_group_closed',
                    self.create('secretary.sgad', TASK, name=name,
                        group=group, assignee=actor.employee('as.regs'),
                        due_date=days(5)),
                    dict(task=name, group=self.rec_name(GROUP, group))),
                ("reopen", TaskStateError,
                    'edaftar_task.msg_task_group_closed',
                    self.press('secretary.sgad', 'reopen', top), None),
                ])

    def test_close_with_open_tasks(self):
        "An activity is not closed while one of its tasks is open"
        group, top, sub = self.chain()
        self.actor.press('so.admin1', 'complete', sub)
        before = self.snapshot([top, sub], [group])
        for login in ['secretary.sgad', 'ps.sgad']:
            with self.subTest(login=login):
                self.assertRefused(TaskStateError,
                    'edaftar_task.msg_group_open_tasks',
                    self.press(login, 'close', group, model=GROUP),
                    group=self.rec_name(GROUP, group))
                self.assertEqual(self.snapshot([top, sub], [group]), before)

    def test_not_owner(self):
        """An activity is the user's own or, for a PA/PS, their
        principal's: nobody starts one for someone else, nor changes,
        closes or reopens another's"""
        actor = self.actor
        name = self.subject("for another")
        counts = actor.counts()
        # Someone in their scope: the owner's guard.
        for login, owner in [('secretary.sgad', 'as.admin'),
                ('ps.sgad', 'so.admin1'), ('as.admin', 'so.admin2')]:
            with self.subTest(login=login, owner=owner):
                self.assertRefused(TaskAccessError,
                    'edaftar_task.msg_group_not_owner',
                    self.create(login, GROUP, name=name,
                        owner=actor.employee(owner), start_date=days(0)),
                    group=name, owner=self.name(owner))
                self.assertEqual(actor.counts(), counts)
        # Someone out of their scope: the record rules, which do not name
        # them.
        for login, owner in [('secretary.sgad', 'cs'), ('ps.cs', 'cm'),
                ('ps.sgad', 'secretary.fin')]:
            with self.subTest(login=login, owner=owner):
                self.assertRefusedLike(AccessError, 'ir.msg_create_rule_error',
                    self.create(login, GROUP, name=name,
                        owner=actor.employee(owner), start_date=days(0)))
                self.assertEqual(actor.counts(), counts)
        # The PS starts one for the Secretary.
        group = actor.activity('ps.sgad', self.subject(),
            owner='secretary.sgad')
        top = actor.task('secretary.sgad', self.subject("top"), 'as.admin',
            10, group=group)
        before = self.snapshot([top], [group])
        params = dict(group=self.rec_name(GROUP, group),
            owner=self.name('secretary.sgad'))
        # The wing head reads it (his task is in it), changes nothing of it.
        self.assertRefused(TaskAccessError, 'edaftar_task.msg_group_not_owner',
            self.write('as.admin', GROUP, group, description="Rewritten"),
            **params)
        self.assertRefused(TaskAccessError, 'edaftar_task.msg_group_not_owner',
            self.press('as.admin', 'close', group, model=GROUP), **params)
        self.assertEqual(self.snapshot([top], [group]), before)
        actor.press('secretary.sgad', 'cancel', top)
        actor.press('ps.sgad', 'close', group, model=GROUP)
        before = self.snapshot([top], [group])
        self.assertRefused(TaskAccessError, 'edaftar_task.msg_group_not_owner',
            self.press('as.admin', 'reopen', group, model=GROUP), **params)
        self.assertEqual(self.snapshot([top], [group]), before)

    # Progress updates

    def test_percent_out_of_range(self):
        "The percent done is between 0 and 100"
        group, top, sub = self.chain()
        self.actor.press('so.admin1', 'start', sub)
        before = self.snapshot([sub], [group])
        for percent in [-1, 101, 1000]:
            with self.subTest(percent=percent):
                self.assertRefused(TaskDateError,
                    'edaftar_task.msg_update_percent',
                    self.create('so.admin1', UPDATE, task=sub,
                        text="Progress", percent=percent),
                    percent=percent)
                self.assertEqual(self.snapshot([sub], [group]), before)

    def test_update_kept(self):
        """A progress update is kept as written: nobody rewrites or deletes
        it, its author included; nor is one made on a closed task"""
        actor = self.actor
        group, top, sub = self.chain()
        update = actor.update('so.admin1', sub, "Half done.", 50)
        before = self.snapshot([sub], [group])
        record = self.rec_name(UPDATE, update)
        for login in ['so.admin1', 'as.admin', 'secretary.sgad']:
            for field, value, string in [('text', "Rewritten", "Text"),
                    ('percent', 90, "Percent Done"), ('task', top, "Task")]:
                with self.subTest(login=login, field=field):
                    self.assertRefused(ProtectedFieldError,
                        'edaftar_base.msg_field_protected',
                        self.write(login, UPDATE, update, **{field: value}),
                        field=string, record=record)
                    self.assertEqual(self.snapshot([sub], [group]), before)
            with self.subTest(login=login, action='delete'):
                actor.login(login)
                self.assertRefused(TaskAccessError,
                    'edaftar_task.msg_update_kept',
                    lambda: actor.call(UPDATE, 'delete', [update]),
                    update=record)
                self.assertEqual(self.snapshot([sub], [group]), before)
        actor.press('so.admin1', 'complete', sub)
        self.checks([sub], [group], [
                ("update on a done task", TaskStateError,
                    'edaftar_task.msg_task_not_open',
                    self.create('so.admin1', UPDATE, task=sub,
                        text="After", percent=100),
                    dict(task=self.rec_name(TASK, sub), state="Done")),
                ])

    def test_protected_on_create(self):
        """What the server sets is not sent by a client: a task made done,
        given by someone else, with progress"""
        actor = self.actor
        group, top, sub = self.chain()
        before = self.snapshot([top, sub], [group])
        name = self.subject("forged")
        for field, value, string in [
                ('state', 'done', "State"),
                ('assigned_by', actor.employee('cs'), "Assigned By"),
                ('progress', 100, "Progress (%)"),
                ('on_time', True, "On Time"),
                ('completed_on', days(0), "Completed On")]:
            with self.subTest(field=field):
                self.assertRefused(ProtectedFieldError,
                    'edaftar_base.msg_field_protected',
                    self.create('so.admin1', TASK, name=name, parent=sub,
                        assignee=actor.employee('officer.admin1'),
                        due_date=days(5), **{field: value}),
                    field=string, record="Task")
                self.assertEqual(self.snapshot([top, sub], [group]), before)

    # Deleting

    def test_delete_kept(self):
        """A task started, broken into subtasks or reported on is kept, and
        an activity with tasks; a task to do is deleted by who gave it"""
        actor = self.actor
        group, top, sub = self.chain()
        started = actor.task('as.admin', self.subject("started"),
            'so.admin2', 5, parent=top)
        actor.press('so.admin2', 'start', started)
        reported = actor.task('as.admin', self.subject("reported"),
            'so.admin2', 5, parent=top)
        actor.update('so.admin2', reported, "Begun.", 5)
        tasks = [top, sub, started, reported]
        before = self.snapshot(tasks, [group])
        for login, task in [('as.admin', started), ('as.admin', reported),
                ('secretary.sgad', top)]:
            with self.subTest(task=task):
                actor.login(login)
                self.assertRefused(TaskStateError,
                    'edaftar_task.msg_task_no_delete',
                    lambda: actor.call(TASK, 'delete', [task]),
                    task=self.rec_name(TASK, task))
                self.assertEqual(self.snapshot(tasks, [group]), before)
        actor.login('secretary.sgad')
        self.assertRefused(TaskStateError, 'edaftar_task.msg_group_no_delete',
            lambda: actor.call(GROUP, 'delete', [group]),
            group=self.rec_name(GROUP, group))
        self.assertEqual(self.snapshot(tasks, [group]), before)
        # A task to do, as given, is deleted by who gave it.
        actor.login('as.admin')
        actor.call(TASK, 'delete', [sub])
        with actor.as_admin():
            self.assertEqual(Model.get(TASK).find([('id', '=', sub)]), [])

    # Documents and attachments

    def test_document_not_readable(self):
        """A task is about a receipt its giver may read: not one of another
        department"""
        actor = self.actor
        resource = f'edaftar.receipt,{self.receipt}'
        group = actor.activity('secretary.fin', self.subject())
        top = actor.task('secretary.fin', self.subject("top"), 'so.budget1',
            10, group=group)
        name = self.subject("about it")
        with self.subTest(action='create'):
            before = self.snapshot([top], [group])
            self.assertRefused(TaskAccessError,
                'edaftar_task.msg_task_document_not_readable',
                self.create('secretary.fin', TASK, name=name, group=group,
                    assignee=actor.employee('as.budget'), due_date=days(5),
                    document=resource),
                task=name)
            self.assertEqual(self.snapshot([top], [group]), before)
        with self.subTest(action='write'):
            before = self.snapshot([top], [group])
            self.assertRefused(TaskAccessError,
                'edaftar_task.msg_task_document_not_readable',
                self.write('secretary.fin', TASK, top, document=resource),
                task=self.rec_name(TASK, top))
            self.assertEqual(self.snapshot([top], [group]), before)
        # Its holder makes a task of it.
        own = actor.activity('so.admin1', self.subject("holder"))
        task = actor.task('so.admin1', self.subject("holder's"),
            'officer.admin1', 5, group=own, document=resource)
        self.assertEqual(actor.task_state(task)['document'], resource)

    def test_attachment_content(self):
        """What is attached to a task or its update is an office document
        of a reasonable size"""
        actor = self.actor
        group, top, sub = self.chain()
        update = actor.update('so.admin1', sub, "With annex.", 20)
        before = self.snapshot([sub], [group])
        for resource in [f'{TASK},{sub}', f'{UPDATE},{update}']:
            for name, data, message, params in [
                    ("Annex.pdf", HTML, 'edaftar_dak.msg_attachment_type',
                        dict(name="Annex.pdf", type='text/html')),
                    ("Annex.pdf", EXE, 'edaftar_dak.msg_attachment_type',
                        None)]:
                with self.subTest(resource=resource, data=data[:4]):
                    call = (lambda: actor.attach(
                            'so.admin1', resource, name, data))
                    if params:
                        self.assertRefused(AttachmentError, message, call,
                            **params)
                    else:
                        self.assertRefusedLike(AttachmentError, message, call)
                    self.assertEqual(self.snapshot([sub], [group]), before)
            with self.subTest(resource=resource, size='large'):
                if not config.has_section('edaftar'):
                    config.add_section('edaftar')
                config.set('edaftar', 'attachment_max_size', '100')
                try:
                    self.assertRefused(AttachmentError,
                        'edaftar_dak.msg_attachment_too_large',
                        lambda: actor.attach('so.admin1', resource,
                            "Annex.pdf", PDF + b'%' * 200),
                        name="Annex.pdf", size=f'{len(PDF) + 200} bytes',
                        limit='100 bytes')
                finally:
                    config.set(
                        'edaftar', 'attachment_max_size', str(MAX_SIZE))
                self.assertEqual(self.snapshot([sub], [group]), before)

    def test_attachment_closed_or_not_theirs(self):
        """Only the assignee and who gave a task attach to it, while it is
        open: not directly, nor by moving an attachment onto it"""
        actor = self.actor
        group, top, sub = self.chain()
        done = actor.task('as.admin', self.subject("done"), 'so.admin1', 5,
            parent=top)
        actor.press('so.admin1', 'complete', done)
        own = actor.task('so.admin1', self.subject("own"), 'officer.admin1',
            5, parent=sub)
        before = self.snapshot([sub, done, own], [group])
        for login, task in [('officer.admin1', sub), ('so.admin1', done),
                ('as.admin', done)]:
            with self.subTest(login=login, task=task):
                self.assertRefused(TaskAccessError,
                    'edaftar_task.msg_task_attachment',
                    lambda: actor.attach(login, f'{TASK},{task}'),
                    task=self.rec_name(TASK, task))
                self.assertEqual(
                    self.snapshot([sub, done, own], [group]), before)
        # An attachment of one's own task, moved onto another.
        for login, task in [('officer.admin1', sub), ('so.admin1', done)]:
            with self.subTest(login=login, task=task, action='move'):
                attachment = actor.attach(login, f'{TASK},{own}',
                    f"Moved by {login}.pdf")
                moved = self.snapshot([sub, done, own], [group])
                self.assertRefused(TaskAccessError,
                    'edaftar_task.msg_task_attachment',
                    self.write(login, 'ir.attachment', attachment,
                        resource=f'{TASK},{task}'),
                    task=self.rec_name(TASK, task))
                self.assertEqual(
                    self.snapshot([sub, done, own], [group]), moved)

    # Language

    def test_message_in_users_language(self):
        """The refusals are translated into the user's language (an Urdu
        translation of two messages, as an office would load them)"""
        actor = self.actor
        Lang = Model.get('ir.lang')
        Message = Model.get('ir.message')
        Translation = Model.get('ir.translation')
        ModelData = Model.get('ir.model.data')
        User = Model.get('res.user')
        with actor.as_admin():
            lang = Lang(name="Urdu", code='ur', direction='rtl',
                date='%d/%m/%Y', grouping='[3, 3, 0]', decimal_point='.',
                thousands_sep=',')
            lang.save()
            lang.click('load_translations')
            for fs_id, text in URDU.items():
                message = ModelData.get_id(
                    'edaftar_task', fs_id, self.config.context)
                Translation(name='ir.message,text', type='model',
                    res_id=message, lang='ur', module='edaftar_task',
                    src=Message(message).text, value=text).save()
            user, = User.find([('login', '=', 'officer.admin1')])
            user.language = Lang(lang.id)
            user.save()
        actor._users.pop('officer.admin1', None)
        try:
            group, top, sub = self.chain()
            leaf = actor.task('so.admin1', self.subject("leaf"),
                'officer.admin1', 5, parent=sub)
            before = self.snapshot([sub, leaf], [group])
            # Refused to the Urdu-speaking officer in Urdu...
            error = self.refused(TaskAccessError,
                self.press('officer.admin1', 'start', sub))
            self.assertEqual(error.message, URDU['msg_task_not_assignee'] % {
                    'assignee': self.name('so.admin1'),
                    'task': self.rec_name(TASK, sub)})
            name = self.subject("late")
            error = self.refused(TaskDateError, self.create(
                    'officer.admin1', TASK, name=name, parent=leaf,
                    assignee=actor.employee('officer.admin1'),
                    due_date=days(6)))
            self.assertEqual(error.message,
                URDU['msg_task_due_after_parent'] % {
                    'task': name, 'parent': self.rec_name(TASK, leaf),
                    'due_date': days(5)})
            self.assertEqual(self.snapshot([sub, leaf], [group]), before)
            # ... and to the others in English.
            self.assertRefused(TaskAccessError,
                'edaftar_task.msg_task_not_assignee',
                self.press('as.admin', 'start', sub),
                task=self.rec_name(TASK, sub), assignee=self.name('so.admin1'))
        finally:
            with actor.as_admin():
                user, = User.find([('login', '=', 'officer.admin1')])
                user.language = None
                user.save()
            actor._users.pop('officer.admin1', None)
