# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The access matrix of tasks: each role against an activity of the Chief
Secretary (started by his PS) with a task to the Secretary S&GAD, broken
into a subtask for the Additional Secretary (Admin), broken again into the
leaf task of the Section Officer (Admin-I) — started, reported on, with an
attachment — and a task to the Secretary Finance; through proteus and RPC,
as clients call it.

Each cell is allowed, or refused by a named guard: a refusal is recognised
by the exception type and the message (its ir.message text) of the guard
that raises it; any other exception is a crash and fails the test with its
traceback. The performance rows each role reads are asserted beside it."""
import datetime as dt
import unittest

from proteus import Model
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.model.modelview import AccessButtonError
from trytond.modules.edaftar_base.exceptions import (
    ChatAccessError, DomainAccessError, HistoryAccessError,
    ProtectedFieldError)
from trytond.modules.edaftar_base.tests.tools import (
    ALLOWED, PASSWORD, AccessMatrixMixin, setup_executive, setup_government)
from trytond.modules.edaftar_task.exceptions import (
    TaskAccessError, TaskDateError, TaskScopeError, TaskStateError)
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user

from .tools import GROUP, PERFORMANCE, TASK, UPDATE, Actor, days

ACTIVITY = "Matrix activity"
DESCRIPTION = "Flood relief: confidential plan of the Chief Secretary"
TASKS = {
    'top': "Matrix task",
    'finance': "Matrix finance task",
    'sub': "Matrix subtask",
    'leaf': "Matrix leaf",
    }
UPDATE_TEXT = "Matrix update: two of five sites surveyed."
# Due dates, in days from today
GROUP_DUE, TOP_DUE, SUB_DUE, LEAF_DUE = 30, 20, 15, 10
# Tasks for the cells that change them (siblings of the leaf task, given
# to its assignee by the same wing head): enough for every role allowed.
POOL = 5
POOLS = ['start', 'complete', 'cancel', 'reopen', 'delete']
# The period of the performance rows
PERIOD = {'from_date': days(-60), 'to_date': days(60)}
# A user with a role but no employee
NOBODY = 'noemp'

OPERATIONS = [
    # Read the leaf task; open it as the client's form does (the names of
    # its activity, parent, assignee, giver and unit); read the activity,
    # the leaf's progress update and its attachment; the performance row of
    # the leaf's assignee and of the S&GAD department.
    'read_task', 'open_task', 'read_group', 'read_update',
    'read_attachment',
    # Export the leaf's name, the activity's name and description (the
    # client's export; Tryton checks its rules in Python).
    'export_task', 'export_group',
    'perf_person', 'perf_department',
    # Give a subtask of the leaf to the Assistant (Admin-I).
    'create_subtask',
    # Write the leaf's name, its due date; the fields only the server sets.
    'write_name', 'write_due',
    'protect_assigned_by', 'protect_unit', 'protect_state',
    'protect_on_time', 'protect_completed_on', 'protect_progress',
    'protect_delay_days',
    # The buttons, each on a task of its pool (start a task to do,
    # complete one in progress, cancel one, reopen a done one).
    'start', 'complete', 'cancel', 'reopen',
    # Report progress on the leaf; rewrite and delete its update.
    'post_update', 'edit_update', 'delete_update',
    # Delete a task to do of the pool; delete the leaf (started).
    'delete', 'delete_started',
    # The activity: write its description, close it (it has open tasks),
    # delete it (it has tasks).
    'write_group', 'close_group', 'delete_group',
    # The leaf's discussion (ir.chat.channel get and post); a read of it
    # with _datetime.
    'chat_get', 'chat_post', 'history',
    # Searches for the leaf by its assignee's login, its parent's name,
    # its activity's name and owner; for the activity by the name
    # of Finance's task; for the update by its task's name; an order of the
    # tasks by their assignee and by their activity.
    'dotted_login', 'dotted_parent', 'dotted_group', 'dotted_owner',
    'dotted_group_tasks', 'dotted_update', 'order_assignee', 'order_group',
    # Attach a document to the leaf and to its update.
    'attach_task', 'attach_update',
    # Give oneself a subtask of the leaf due after it; a task of the
    # activity due after it: what may not be read is not described.
    'subtask_late_self', 'task_late_self',
    ]
ROLES = ['cs', 'ps.cs', 'cm', 'secretary.sgad', 'ps.sgad', 'as.admin',
    'so.admin1', 'officer.admin1', 'so.admin2', 'secretary.fin',
    'so.budget1', 'auditor', 'admin', NOBODY]

# What a cell gives: allowed, or the guard that refuses it.
Y = ALLOWED
# ir.rule: the record rules (ir.msg_{read,write,create,delete}_rule_error)
N_RULE = 'rule'
# ir.model.access: no access row grants the mode (ir.msg_access_rule_error)
N_ACCESS = 'access'
# ir.model.button-res.group (ir.msg_access_button_error)
N_BUTTON = 'button'
# GuardMixin: ProtectedFieldError edaftar_base.msg_field_protected
N_PROTECTED = 'protected'
# GuardMixin: HistoryAccessError edaftar_base.msg_history_not_readable
N_HISTORY = 'history'
# GuardMixin: DomainAccessError edaftar_base.msg_order_related
N_ORDER = 'order'
# chat: ChatAccessError edaftar_base.msg_chat_not_readable
N_CHAT = 'chat'
# only the assignee (or PA/PS): TaskAccessError
# edaftar_task.msg_task_not_assignee
N_ASSIGNEE = 'not_assignee'
# only who gave it or a task above it, or the activity's owner (or PA/PS):
# TaskAccessError edaftar_task.msg_task_not_assigner
N_ASSIGNER = 'not_assigner'
# a subtask is given by the parent's assignee: TaskAccessError
# edaftar_task.msg_task_not_giver
N_GIVER = 'not_giver'
# the activity's owner (or PA/PS): TaskAccessError
# edaftar_task.msg_group_not_owner
N_OWNER = 'not_owner'
# TaskAccessError edaftar_task.msg_update_kept
N_KEPT = 'update_kept'
# TaskStateError edaftar_task.msg_task_no_delete
N_NO_DELETE = 'task_kept'
# TaskStateError edaftar_task.msg_group_no_delete
N_GROUP_KEPT = 'group_kept'
# TaskStateError edaftar_task.msg_group_open_tasks
N_OPEN_TASKS = 'open_tasks'
# TaskAccessError edaftar_task.msg_task_attachment
N_ATTACH = 'attach_task'
# TaskAccessError edaftar_task.msg_update_attachment
N_ATTACH_UPDATE = 'attach_update'
# TaskDateError edaftar_task.msg_task_due_after_parent
N_DUE_PARENT = 'due_after_parent'
# TaskDateError edaftar_task.msg_task_due_after_group
N_DUE_GROUP = 'due_after_group'
# TaskScopeError edaftar_task.msg_task_assignee_out_of_scope
N_SCOPE = 'out_of_scope'
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
    N_PROTECTED: [(ProtectedFieldError, 'edaftar_base.msg_field_protected')],
    N_HISTORY: [(
            HistoryAccessError, 'edaftar_base.msg_history_not_readable')],
    N_ORDER: [(DomainAccessError, 'edaftar_base.msg_order_related')],
    N_CHAT: [(ChatAccessError, 'edaftar_base.msg_chat_not_readable')],
    N_ASSIGNEE: [(TaskAccessError, 'edaftar_task.msg_task_not_assignee')],
    N_ASSIGNER: [(TaskAccessError, 'edaftar_task.msg_task_not_assigner')],
    N_GIVER: [(TaskAccessError, 'edaftar_task.msg_task_not_giver')],
    N_OWNER: [(TaskAccessError, 'edaftar_task.msg_group_not_owner')],
    N_KEPT: [(TaskAccessError, 'edaftar_task.msg_update_kept')],
    N_NO_DELETE: [(TaskStateError, 'edaftar_task.msg_task_no_delete')],
    N_GROUP_KEPT: [(TaskStateError, 'edaftar_task.msg_group_no_delete')],
    N_OPEN_TASKS: [(TaskStateError, 'edaftar_task.msg_group_open_tasks')],
    N_ATTACH: [(TaskAccessError, 'edaftar_task.msg_task_attachment')],
    N_ATTACH_UPDATE: [(
            TaskAccessError, 'edaftar_task.msg_update_attachment')],
    N_DUE_PARENT: [(TaskDateError, 'edaftar_task.msg_task_due_after_parent')],
    N_DUE_GROUP: [(TaskDateError, 'edaftar_task.msg_task_due_after_group')],
    N_SCOPE: [(
            TaskScopeError, 'edaftar_task.msg_task_assignee_out_of_scope')],
    }


def row(default, **changes):
    "The cells of every operation: default, but those of changes"
    cells = dict.fromkeys(OPERATIONS, default)
    for operation, result in changes.items():
        assert operation in cells, operation
        cells[operation] = result
    return cells


PROTECTED = [o for o in OPERATIONS if o.startswith('protect_')]
# Out of sight: the leaf task, its update, the activity unreadable. What
# may not be read is refused as such, whatever the act: never by a guard
# whose message would name the task, the activity or who gave them. No
# history of its own: a read with _datetime is today's read, under the
# rules.
OUT = row(N_RULE, chat_get=N_CHAT, chat_post=N_CHAT,
    read_attachment=N_UNSEEN,
    dotted_login=N_UNSEEN, dotted_parent=N_UNSEEN, dotted_group=N_UNSEEN,
    dotted_owner=N_UNSEEN, dotted_group_tasks=N_UNSEEN,
    dotted_update=N_UNSEEN, order_assignee=N_UNSEEN, order_group=N_ORDER)
# A reader of the leaf (and of the activity) with the working roles'
# access rows, who is neither its assignee nor above it: every act refused
# by the task's own guard.
READER = row(Y, perf_person=N_RULE, perf_department=N_RULE,
    create_subtask=N_GIVER,
    write_name=N_ASSIGNER, write_due=N_ASSIGNER,
    **dict.fromkeys(PROTECTED, N_PROTECTED),
    start=N_ASSIGNEE, complete=N_ASSIGNEE, cancel=N_ASSIGNER,
    reopen=N_ASSIGNER, post_update=N_ASSIGNEE, edit_update=N_PROTECTED,
    delete_update=N_KEPT, delete=N_ASSIGNER, delete_started=N_NO_DELETE,
    write_group=N_OWNER, close_group=N_OWNER, delete_group=N_GROUP_KEPT,
    order_group=N_ORDER, attach_task=N_ATTACH, attach_update=N_ATTACH_UPDATE,
    subtask_late_self=N_DUE_PARENT, task_late_self=N_DUE_GROUP)
# Who gave the leaf or a task above it, or owns the activity (or is their
# PA/PS): changes, cancels, reopens, deletes it; attaches to it.
ASSIGNER = dict(READER, write_name=Y, write_due=Y, cancel=Y, reopen=Y,
    delete=Y, attach_task=Y)
# The owner's office: the activity is theirs (it still has open tasks and
# is kept: it has tasks).
OWNER = dict(ASSIGNER, perf_person=Y, perf_department=Y, write_group=Y,
    close_group=N_OPEN_TASKS, dotted_group_tasks=Y)
# S&GAD's Secretary and PS: the department's rows; Finance's task of the
# activity is not theirs to find.
SECRETARY = dict(ASSIGNER, perf_person=Y, perf_department=Y,
    dotted_group_tasks=N_FILTERED)
# Reading everything, writing nothing.
READ_ALL = dict(read_task=Y, open_task=Y, read_group=Y, read_update=Y,
    export_task=Y, export_group=Y,
    read_attachment=Y, perf_person=Y, perf_department=Y, chat_get=Y,
    chat_post=Y, history=Y, dotted_login=Y, dotted_parent=Y, dotted_group=Y,
    dotted_owner=Y, dotted_group_tasks=Y, dotted_update=Y,
    order_assignee=Y, order_group=N_ORDER)
# No access row lets them write, create or delete; no button is theirs.
READ_ONLY = row(N_ACCESS, **dict(READ_ALL, start=N_BUTTON,
            complete=N_BUTTON, cancel=N_BUTTON, reopen=N_BUTTON,
            close_group=N_BUTTON))

EXPECTED = {
    'cs': OWNER,
    # His PS started the activity for him and acts for him.
    'ps.cs': OWNER,
    # The Chief Minister follows the performance of the whole government;
    # the CS's activity is not his.
    'cm': dict(OUT, perf_person=Y, perf_department=Y),
    'secretary.sgad': SECRETARY,
    'ps.sgad': SECRETARY,
    # The wing head gave the leaf; his wing's rows, not the department's.
    'as.admin': dict(ASSIGNER, perf_person=Y, dotted_group_tasks=N_FILTERED),
    # The assignee starts, completes, reports, gives subtasks, attaches to
    # the task and to his update; he neither changes, cancels, reopens nor
    # deletes what he was given. He reads the wing head's task just above
    # his (his own names it), not the Secretary's above that.
    'so.admin1': dict(READER, perf_person=Y, create_subtask=Y, start=Y,
        complete=Y, post_update=Y, attach_task=Y, attach_update=Y,
        dotted_group_tasks=N_FILTERED),
    # An officer of the leaf's section reads it (and his own row and his
    # section's), and the activity it is part of; he has no access row to
    # write activities nor their buttons.
    'officer.admin1': dict(READER,
        write_group=N_ACCESS, close_group=N_BUTTON, delete_group=N_ACCESS,
        dotted_group_tasks=N_FILTERED),
    # Another section of the wing; nothing.
    'so.admin2': OUT,
    # The Secretary Finance reads the activity through his own task of it,
    # and Finance's task through it; nothing of S&GAD's.
    'secretary.fin': dict(OUT, read_group=Y, export_group=Y,
        write_group=N_OWNER,
        close_group=N_OWNER, delete_group=N_GROUP_KEPT,
        dotted_group_tasks=Y, task_late_self=N_DUE_GROUP),
    'so.budget1': OUT,
    'auditor': READ_ONLY,
    'admin': READ_ONLY,
    # A user with a role and no employee: no scope, nothing.
    NOBODY: OUT,
    }

# The performance rows each role reads in PERIOD: (level, login or unit
# code)
ALL_ROWS = sorted([
        ('person', 'secretary.sgad'), ('person', 'as.admin'),
        ('person', 'so.admin1'), ('person', 'officer.admin1'),
        ('person', 'secretary.fin'), ('section', "Admin-I Section"),
        ('wing', "Admin Wing"),
        ('department', "Services & General Administration"),
        ('department', "Finance")])
SGAD_ROWS = sorted(r for r in ALL_ROWS if r[1] not in {
        'secretary.fin', "Finance"})
PERFORMANCE_ROWS = {
    'cs': ALL_ROWS,
    'ps.cs': ALL_ROWS,
    'cm': ALL_ROWS,
    'secretary.sgad': SGAD_ROWS,
    'ps.sgad': SGAD_ROWS,
    'as.admin': sorted([('person', 'as.admin'), ('person', 'so.admin1'),
            ('person', 'officer.admin1'), ('section', "Admin-I Section"),
            ('wing', "Admin Wing")]),
    'so.admin1': sorted([('person', 'so.admin1'),
            ('person', 'officer.admin1'), ('section', "Admin-I Section")]),
    # An officer reads his own figures and his section's, not those of
    # the Section Officer over him.
    'officer.admin1': sorted([
            ('person', 'officer.admin1'), ('section', "Admin-I Section")]),
    'so.admin2': [],
    'secretary.fin': [
        ('department', "Finance"), ('person', 'secretary.fin')],
    'so.budget1': [],
    'auditor': ALL_ROWS,
    'admin': ALL_ROWS,
    NOBODY: [],
    }


def setup_tasks(config):
    """The matrix activity of the Chief Secretary, its tasks down to the
    leaf of the Section Officer (Admin-I), started, with an update and an
    attachment each; the pools of leaf tasks for the buttons; a task of the
    Secretary S&GAD to the Assistant (Admin-I); a user without employee"""
    actor = Actor(config)
    group = actor.activity('ps.cs', ACTIVITY, owner='cs', due=GROUP_DUE,
        description=DESCRIPTION)
    top = actor.task('cs', TASKS['top'], 'secretary.sgad', TOP_DUE,
        group=group)
    actor.task('cs', TASKS['finance'], 'secretary.fin', TOP_DUE, group=group)
    sub = actor.task('secretary.sgad', TASKS['sub'], 'as.admin', SUB_DUE,
        parent=top)
    leaf = actor.task('as.admin', TASKS['leaf'], 'so.admin1', LEAF_DUE,
        parent=sub)
    actor.press('so.admin1', 'start', leaf)
    update = actor.update('so.admin1', leaf, UPDATE_TEXT, 40)
    actor.attach('so.admin1', f'{TASK},{leaf}', "Leaf report.pdf")
    actor.attach('so.admin1', f'{UPDATE},{update}', "Update report.pdf")
    for kind in POOLS:
        pool = [actor.task('as.admin', f"Matrix {kind} {i}", 'so.admin1',
                LEAF_DUE, parent=sub) for i in range(POOL)]
        if kind in {'complete', 'reopen'}:
            actor.press('so.admin1', 'start', *pool)
        if kind == 'reopen':
            actor.press('so.admin1', 'complete', *pool)
    own = actor.activity('secretary.sgad', "Matrix section work", due=None)
    actor.task('secretary.sgad', "Matrix officer task", 'officer.admin1', 5,
        group=own)
    actor.login('admin')
    ModelData = Model.get('ir.model.data', config=config)
    Group = Model.get('res.group', config=config)
    User = Model.get('res.user', config=config)
    user = User(login=NOBODY, name="Officer without employee",
        password=PASSWORD)
    user.groups.append(Group(ModelData.get_id(
                'edaftar_base', 'group_section_officer', config.context)))
    user.save()


class AccessMatrixTestCase(AccessMatrixMixin, unittest.TestCase):
    "Each role × operation, allowed or refused as the contract says"
    ROLES, OPERATIONS, EXPECTED = ROLES, OPERATIONS, EXPECTED
    REFUSALS = REFUSALS

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The database of the task scenario (cached with DB_CACHE), then
        # this test's own records.
        cls.config = activate_modules(
            'edaftar_task', setup_government, setup_executive)
        setup_tasks(cls.config)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        config = self.config
        Group = Model.get(GROUP)
        Task = Model.get(TASK)
        Update = Model.get(UPDATE)
        Attachment = Model.get('ir.attachment')
        # The setup leaves another user current: act from the
        # administrator (id 1).
        set_user(1, config=config)
        self.actor = Actor(config)
        self.actor.login('admin')
        self.group, = Group.find([('name', '=', ACTIVITY)])
        # The first of each name (the matrix renames the leaf)
        self.tasks = {key: Task.find([('name', 'like', name + '%')],
                order=[('id', 'ASC')])[0].id
            for key, name in TASKS.items()}
        self.leaf = self.tasks['leaf']
        # The setup's (the matrix adds more)
        self.update = Update.find([('task', '=', self.leaf)],
            order=[('id', 'ASC')])[0]
        self.attachment = Attachment.find(
            [('resource', '=', f'{TASK},{self.leaf}')],
            order=[('id', 'ASC')])[0]
        self.pools = {}
        for task in Task.find([('name', 'like', 'Matrix %')],
                order=[('id', 'ASC')]):
            kind = task.name.split()[1]
            if kind in POOLS:
                self.pools.setdefault(kind, []).append(task.id)
        self.moment = dt.datetime.now()

    def call(self, model, method, *args, context=None):
        return self.actor.call(model, method, *args, context=context)

    def pooled(self, kind, allowed):
        "A task of the pool of kind: taken when the cell is allowed"
        ids = self.pools[kind]
        return ids.pop(0) if allowed else ids[0]

    def me(self, login):
        "The employee of login, or the Assistant's for who has none"
        if login in {'admin', NOBODY}:
            return self.actor.employee('officer.admin1')
        return self.actor.employee(login)

    def perf_id(self, level, key):
        "The id of the performance row of a person (login) or a unit (name)"
        offsets = {'section': 1, 'wing': 2, 'department': 3}
        if level == 'person':
            return self.actor.employee(key) * 4
        return self.actor.unit_named(key) * 4 + offsets[level]

    def attempt(self, login, operation, allowed):
        """Try operation as the current user, login: return 'allowed' if it
        worked, or the refusal's kind; let a crash through"""
        Task = Model.get(TASK)
        Group = Model.get(GROUP)
        Update = Model.get(UPDATE)
        Attachment = Model.get('ir.attachment')
        leaf, group = self.leaf, self.group.id
        update = self.update.id
        resource = f'{TASK},{leaf}'
        protected = {
            'assigned_by': self.actor.employee('so.admin2'),
            'unit': self.actor.unit_named("Admin-II Section"),
            'state': 'done',
            'on_time': True,
            'completed_on': days(0),
            'progress': 100,
            'delay_days': 0,
            }
        try:
            if operation == 'read_task':
                values, = self.call(TASK, 'read', [leaf], ['name'])
                self.assertTrue(values['name'].startswith(TASKS['leaf']))
            elif operation == 'open_task':
                values, = self.call(TASK, 'read', [leaf], [
                        'name', 'group.rec_name', 'parent.rec_name',
                        'assignee.rec_name', 'assigned_by.rec_name',
                        'unit.rec_name', 'children', 'updates', 'state'])
                self.assertEqual(
                    (values['group.']['rec_name'],
                        values['parent.']['rec_name']),
                    (ACTIVITY, TASKS['sub']))
            elif operation == 'export_task':
                self.assertEqual(
                    self.call(TASK, 'export_data', [leaf], ['name']),
                    [[self.call(TASK, 'read', [leaf], ['name'])[0]['name']]])
            elif operation == 'export_group':
                self.assertEqual(self.call(GROUP, 'export_data', [group],
                        ['name']), [[ACTIVITY]])
            elif operation == 'read_group':
                values, = self.call(GROUP, 'read', [group], ['name'])
                self.assertEqual(values['name'], ACTIVITY)
            elif operation == 'read_update':
                values, = self.call(UPDATE, 'read', [update], ['text'])
                self.assertEqual(values['text'], UPDATE_TEXT)
            elif operation == 'read_attachment':
                found = Attachment.find([('resource', '=', resource)])
                if self.attachment.id not in [a.id for a in found]:
                    return N_UNSEEN
                self.assertEqual(
                    Attachment(self.attachment.id).name, "Leaf report.pdf")
            elif operation in {'perf_person', 'perf_department'}:
                row_id = (self.perf_id('person', 'so.admin1')
                    if operation == 'perf_person'
                    else self.perf_id(
                        'department', "Services & General Administration"))
                values, = self.call(PERFORMANCE, 'read', [row_id],
                    ['assigned'], context=PERIOD)
                self.assertGreater(values['assigned'], 0)
            elif operation == 'create_subtask':
                self.call(TASK, 'create', [{
                            'parent': leaf, 'name': f"Subtask by {login}",
                            'assignee': self.actor.employee(
                                'officer.admin1'),
                            'due_date': days(LEAF_DUE - 2)}])
            elif operation == 'write_name':
                self.call(TASK, 'write', [leaf],
                    {'name': f"{TASKS['leaf']} ({login})"})
            elif operation == 'write_due':
                self.call(TASK, 'write', [leaf],
                    {'due_date': days(LEAF_DUE - 1)})
            elif operation in PROTECTED:
                name = operation[len('protect_'):]
                self.call(TASK, 'write', [leaf], {name: protected[name]})
            elif operation in {'start', 'complete', 'cancel', 'reopen'}:
                Task(self.pooled(operation, allowed)).click(operation)
            elif operation == 'post_update':
                self.call(UPDATE, 'create', [{'task': leaf,
                            'text': f"Progress by {login}", 'percent': 50}])
            elif operation == 'edit_update':
                self.call(UPDATE, 'write', [update],
                    {'text': f"Rewritten by {login}"})
            elif operation == 'delete_update':
                self.call(UPDATE, 'delete', [update])
            elif operation == 'delete':
                self.call(TASK, 'delete', [self.pooled('delete', allowed)])
            elif operation == 'delete_started':
                self.call(TASK, 'delete', [leaf])
            elif operation == 'write_group':
                self.call(GROUP, 'write', [group],
                    {'description': f"Description by {login}"})
            elif operation == 'close_group':
                Group(group).click('close')
            elif operation == 'delete_group':
                self.call(GROUP, 'delete', [group])
            elif operation == 'chat_get':
                self.assertIsInstance(
                    self.call('ir.chat.channel', 'get', resource), list)
            elif operation == 'chat_post':
                self.call('ir.chat.channel', 'post', resource,
                    f"Chat by {login}")
            elif operation == 'history':
                values, = self.call(TASK, 'read', [leaf], ['name'],
                    context={'_datetime': self.moment})
                self.assertTrue(values['name'].startswith(TASKS['leaf']))
            elif operation.startswith('dotted_'):
                Model_, record, clause = {
                    'dotted_login': (Task, leaf,
                        ('assignee.user.login', '=', 'so.admin1')),
                    'dotted_parent': (Task, leaf,
                        ('parent.name', '=', TASKS['sub'])),
                    'dotted_group': (Task, leaf,
                        ('group.name', '=', ACTIVITY)),
                    'dotted_owner': (Task, leaf,
                        ('group.owner', '=', self.actor.employee('cs'))),
                    'dotted_group_tasks': (Group, group,
                        ('all_tasks.name', '=', TASKS['finance'])),
                    'dotted_update': (Update, update,
                        ('task.name', 'ilike', TASKS['leaf'] + '%')),
                    }[operation]
                if not Model_.find([('id', '=', record)]):
                    return N_UNSEEN
                if not Model_.find([('id', '=', record), clause]):
                    return N_FILTERED
            elif operation in {'order_assignee', 'order_group'}:
                order = [('assignee.party.name' if operation == (
                            'order_assignee') else 'group.name', 'ASC')]
                if not self.call(TASK, 'search', [('id', '=', leaf)], 0,
                        None, order):
                    return N_UNSEEN
            elif operation == 'attach_task':
                self.actor.attach(login, resource, f"By {login}.pdf")
            elif operation == 'attach_update':
                self.actor.attach(
                    login, f'{UPDATE},{update}', f"By {login}.pdf")
            elif operation == 'subtask_late_self':
                self.call(TASK, 'create', [{
                            'parent': leaf, 'name': f"Late by {login}",
                            'assignee': self.me(login),
                            'due_date': days(LEAF_DUE + 2)}])
            elif operation == 'task_late_self':
                self.call(TASK, 'create', [{
                            'group': group, 'name': f"Late by {login}",
                            'assignee': self.me(login),
                            'due_date': days(GROUP_DUE + 10)}])
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
        Task = Model.get(TASK)
        Group = Model.get(GROUP)
        Attachment = Model.get('ir.attachment')
        actor = self.actor

        def allowed(operation):
            return [r for r in ROLES if EXPECTED[r][operation] == Y]

        def last_of(operation, text):
            "What the last role allowed wrote (roles act in ROLES order)"
            roles = allowed(operation)
            return text % roles[-1] if roles else None
        with actor.as_admin():
            state = actor.task_state(self.leaf)
            self.assertEqual(
                (state['name'], state['state'], state['assigned_by'],
                    state['unit'], state['on_time'], state['completed_on'],
                    state['delay_days'], state['due_date']),
                (last_of('write_name', TASKS['leaf'] + " (%s)"),
                    'in_progress', actor.employee('as.admin'),
                    actor.unit_named("Admin-I Section"), None, None, None,
                    days(LEAF_DUE - 1)))
            # One update by the assignee in the setup, one per role allowed
            self.assertEqual(len(state['updates']),
                1 + len(allowed('post_update')))
            self.assertEqual(state['progress'], 50)
            self.assertIn(
                (self.update.id, UPDATE_TEXT, 40, actor.employee('so.admin1')),
                state['updates'])
            self.assertEqual(
                sorted(Task(c).name for c in state['children']),
                sorted(f"Subtask by {r}" for r in allowed('create_subtask')))
            self.assertEqual(state['attachments'], sorted(
                    ["Leaf report.pdf"]
                    + [f"By {r}.pdf" for r in allowed('attach_task')]))
            self.assertEqual(sorted(a.name for a in Attachment.find([
                            ('resource', '=',
                                f'{UPDATE},{self.update.id}')])),
                sorted(["Update report.pdf"]
                    + [f"By {r}.pdf" for r in allowed('attach_update')]))
            # Each pool: a task moved on for each role allowed.
            states = {kind: [] for kind in POOLS}
            for task in Task.find([('name', 'like', 'Matrix %')]):
                kind = task.name.split()[1]
                if kind in states:
                    states[kind].append(task.state)
            for kind, moved in [('start', 'in_progress'),
                    ('complete', 'done'), ('cancel', 'cancelled'),
                    ('reopen', 'in_progress')]:
                self.assertEqual(states[kind].count(moved),
                    len(allowed(kind)), kind)
                self.assertEqual(len(states[kind]), POOL, kind)
            self.assertEqual(len(states['delete']),
                POOL - len(allowed('delete')))
            # The activity is open, its description the last writer's.
            group = Group(self.group.id)
            self.assertEqual((group.state, group.description),
                ('open', last_of('write_group', "Description by %s")))
            # No late task was made.
            self.assertEqual(Task.find([('name', 'like', 'Late by %')]), [])
        messages = self.call(
            'ir.chat.channel', 'get', f'{TASK},{self.leaf}')
        self.assertEqual(len(messages), len(allowed('chat_post')))

    def test_activity_unit(self):
        """An activity is seen in its owner's units whether or not the
        client sends the owner (it defaults to the user): the Secretary
        S&GAD reads the activities of his wing heads"""
        actor = self.actor
        sent = actor.activity('as.admin', "Wing activity, owner sent",
            owner='as.admin')
        default = actor.activity('as.admin', "Wing activity, owner default")
        with self.subTest("unit"), actor.as_admin():
            units = {g['id']: g['unit'] for g in self.call(GROUP, 'read',
                    [sent, default], ['unit'])}
            self.assertEqual(units, dict.fromkeys(
                    [sent, default], actor.unit_named("Admin Wing")))
        for login in ['secretary.sgad', 'ps.sgad']:
            with self.subTest(login=login):
                actor.login(login)
                self.assertEqual(sorted(self.call(GROUP, 'search',
                            [('id', 'in', [sent, default])], 0, None, None)),
                    sorted([sent, default]))
        actor.login('admin')

    def test_performance_rows(self):
        "The performance rows each role reads"
        Employee = Model.get('company.employee')
        Unit = Model.get('edaftar.org.unit')
        actor = self.actor
        with actor.as_admin():
            logins = {e.id: e.user.login
                for e in Employee.find([('user', '!=', None)])}
            names = {u.id: u.name for u in Unit.find([])}
        for role in ROLES:
            with self.subTest(role=role):
                actor.login(role)
                rows = self.call(PERFORMANCE, 'search_read', [], 0, None,
                    None, ['level', 'employee', 'unit'], context=PERIOD)
                self.assertEqual(sorted(
                        (r['level'], logins[r['employee']]
                            if r['employee'] else names[r['unit']])
                        for r in rows), PERFORMANCE_ROWS[role])
        actor.login('admin')
