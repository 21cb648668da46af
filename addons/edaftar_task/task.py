# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Activities of the CM, the CS or a head, and their time-bound tasks,
broken by each assignee into subtasks for people in their own scope"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.edaftar_base.guard import GuardMixin, from_client
from trytond.modules.edaftar_base.notify import notify_many
from trytond.modules.edaftar_dak.document import rec_name_domain
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from .exceptions import (
    TaskAccessError, TaskDateError, TaskScopeError, TaskStateError)

GROUP_STATES = [
    ('open', "Open"),
    ('closed', "Closed"),
    ]
TASK_STATES = [
    ('todo', "To Do"),
    ('in_progress', "In Progress"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
OPEN_STATES = ['todo', 'in_progress']
DOCUMENTS = [
    (None, ''),
    ('edaftar.receipt', "Receipt"),
    ('edaftar.file', "File"),
    ]
# Roles whose holders (and their PA/PS) assign to anyone in the government:
# the Chief Minister's and the Chief Secretary's offices.
GOVERNMENT_WIDE = {'group_chief_minister', 'group_chief_secretary'}
# Days before the due date on which the assignee is reminded
REMIND_DAYS = 2
GROUP_FIELDS = {'name', 'owner', 'description', 'start_date', 'due_date'}
TASK_FIELDS = {'name', 'description', 'start_date', 'due_date', 'document'}
TASK_CREATE_FIELDS = TASK_FIELDS | {'group', 'parent', 'assignee'}
# The fields the performance figures are computed from
PERFORMANCE_FIELDS = {'state', 'due_date', 'on_time', 'delay_days',
    'assignee', 'unit', 'wing', 'department'}
_open = {'readonly': ~Eval('state').in_(OPEN_STATES)}


def _scope():
    return Pool().get('res.user').get_edaftar_scope()


def _acting_for():
    return set(_scope()['acting_for'])


def _today():
    return Pool().get('ir.date').today()


def is_government_wide(employee):
    "Whether the employee holds the post of the CM or the CS"
    User = Pool().get('res.user')
    user = employee.user
    return bool(user and user.active
        and User._edaftar_roles(user.id) & GOVERNMENT_WIDE)


def assignable_units(employee):
    """The ids of the units whose people employee may give tasks to (their
    scope), or None for the whole government (the CM and the CS)"""
    User = Pool().get('res.user')
    user = employee.user
    if not user or not user.active or not employee.active:
        return set()
    if is_government_wide(employee):
        return None
    with Transaction().set_user(user.id):
        return set(User.get_edaftar_scope()['units'])


def department_of(unit):
    "The department (division, executive office) of unit, or None"
    OrgUnit = Pool().get('edaftar.org.unit')
    if not unit:
        return None
    return OrgUnit.ancestor_of_kind(
        unit.id, ('department', 'division', 'executive'))


class TaskGroup(GuardMixin, Workflow, ModelSQL, ModelView, ChatMixin):
    """An activity: a set of tasks given by the CM, the CS or a head, with
    their subtasks"""
    __name__ = 'edaftar.task.group'
    __string__ = "Activity"

    name = fields.Char(
        "Name", required=True, strip=True,
        states={'readonly': Eval('state') != 'open'})
    owner = fields.Many2One(
        'company.employee', "Owner", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0},
        help="Who gives the activity's tasks: you, or the officer you "
        "act for as PA/PS.")
    unit = fields.Many2One(
        'edaftar.org.unit', "Unit", readonly=True, ondelete='RESTRICT',
        help="The owner's posting when the activity was created.")
    description = fields.Text(
        "Description", states={'readonly': Eval('state') != 'open'})
    start_date = fields.Date(
        "Start Date", required=True,
        states={'readonly': Eval('state') != 'open'})
    due_date = fields.Date(
        "Due Date",
        states={'readonly': Eval('state') != 'open'},
        help="No task of the activity is due after it.")
    tasks = fields.One2Many(
        'edaftar.task', 'group', "Tasks",
        filter=[('parent', '=', None)], readonly=True)
    all_tasks = fields.One2Many(
        'edaftar.task', 'group', "All Tasks", readonly=True)
    state = fields.Selection(
        GROUP_STATES, "State", readonly=True, required=True, sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.owner, Index.Range())),
                Index(t, (t.unit, Index.Range())),
                })
        cls._order = [('due_date', 'ASC NULLS LAST'), ('id', 'DESC')]
        cls._transitions |= {('open', 'closed'), ('closed', 'open')}
        cls._buttons.update({
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') != 'closed',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'open'

    @classmethod
    def default_owner(cls):
        return _scope()['employee']

    @classmethod
    def default_start_date(cls):
        return _today()

    @classmethod
    def _client_create_fields(cls):
        return GROUP_FIELDS

    def _client_write_fields(self):
        return GROUP_FIELDS - {'owner'} if self.state == 'open' else set()

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Employee = pool.get('company.employee')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.setdefault('owner', cls.default_owner())
            if values['owner']:
                owner = Employee(values['owner'])
                values['unit'] = owner.edaftar_unit and owner.edaftar_unit.id
            values['state'] = 'open'
        return values

    @classmethod
    def check_modification(cls, mode, groups, values=None, external=False):
        super().check_modification(
            mode, groups, values=values, external=external)
        if not external or not Transaction().user:
            return
        if mode == 'delete':
            for group in groups:
                if group.all_tasks:
                    raise TaskStateError(gettext(
                            'edaftar_task.msg_group_no_delete',
                            group=group.rec_name))
        if mode in {'create', 'write', 'delete'}:
            cls.check_owner(groups)

    @classmethod
    def check_owner(cls, groups):
        "Refuse unless the user is the owner of each activity (or PA/PS)"
        acting_for = _acting_for()
        for group in groups:
            if group.owner.id not in acting_for:
                raise TaskAccessError(gettext(
                        'edaftar_task.msg_group_not_owner',
                        group=group.rec_name, owner=group.owner.rec_name))

    @classmethod
    def validate_fields(cls, groups, field_names):
        super().validate_fields(groups, field_names)
        if field_names & {'start_date', 'due_date'}:
            for group in groups:
                if group.due_date and group.due_date < group.start_date:
                    raise TaskDateError(gettext(
                            'edaftar_task.msg_group_due_before_start',
                            group=group.rec_name))
                if group.due_date:
                    Pool().get('edaftar.task').check_dates(
                        [t for t in group.all_tasks
                            if t.state != 'cancelled'])

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, groups):
        cls.check_owner(groups)
        for group in groups:
            if any(t.state in OPEN_STATES for t in group.all_tasks):
                raise TaskStateError(gettext(
                        'edaftar_task.msg_group_open_tasks',
                        group=group.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, groups):
        cls.check_owner(groups)


class Task(GuardMixin, Workflow, ModelSQL, ModelView, ChatMixin):
    """A time-bound task given to one person, who may break it into
    subtasks for people in their own scope"""
    __name__ = 'edaftar.task'
    __string__ = "Task"

    group = fields.Many2One(
        'edaftar.task.group', "Activity", required=True, ondelete='RESTRICT',
        states={'readonly': (Eval('id', -1) >= 0) | Eval('parent')})
    parent = fields.Many2One(
        'edaftar.task', "Parent Task", ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0},
        help="The task this one is part of: its assignee gives it.")
    children = fields.One2Many(
        'edaftar.task', 'parent', "Subtasks", readonly=True)
    name = fields.Char("Task", required=True, strip=True, states=_open)
    description = fields.Text("Description", states=_open)
    assignee = fields.Many2One(
        'company.employee', "Assignee", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('state') != 'todo'},
        help="A person in the scope of who gives the task.")
    assigned_by = fields.Many2One(
        'company.employee', "Assigned By", readonly=True,
        ondelete='RESTRICT',
        help="The owner of the activity, or the assignee of the parent "
        "task.")
    unit = fields.Many2One(
        'edaftar.org.unit', "Unit", readonly=True, ondelete='RESTRICT',
        help="The assignee's posting when the task was given.")
    wing = fields.Many2One(
        'edaftar.org.unit', "Wing", readonly=True, ondelete='RESTRICT',
        help="The wing or district of the assignee's posting.")
    department = fields.Many2One(
        'edaftar.org.unit', "Department", readonly=True, ondelete='RESTRICT')
    start_date = fields.Date("Start Date", required=True, states=_open)
    due_date = fields.Date("Due Date", required=True, states=_open)
    state = fields.Selection(
        TASK_STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    started_at = fields.Timestamp("Started At", readonly=True)
    completed_at = fields.Timestamp("Completed At", readonly=True)
    completed_on = fields.Date(
        "Completed On", readonly=True,
        help="The day the assignee completed it, which the due date is "
        "measured against.")
    on_time = fields.Boolean("On Time", readonly=True)
    delay_days = fields.Integer(
        "Days Late", readonly=True,
        help="Days between the due date and the completion (0 if on time).")
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    assigned_to_me = fields.Function(
        fields.Boolean("Assigned to Me"), 'get_mine', searcher='search_mine')
    given_by_me = fields.Function(
        fields.Boolean("Given by Me"), 'get_mine', searcher='search_mine')
    progress = fields.Integer(
        "Progress (%)", readonly=True,
        help="The percent of the latest progress update.")
    updates = fields.One2Many(
        'edaftar.task.update', 'task', "Progress Updates", readonly=True)
    document = fields.Reference(
        "Document", DOCUMENTS, states=_open,
        help="The receipt, file or directive the task is about.")
    due_reminded = fields.Boolean("Due Reminder Sent", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.assignee, Index.Range()),
                    (t.state, Index.Equality())),
                Index(t, (t.assigned_by, Index.Range())),
                Index(t, (t.group, Index.Range())),
                Index(t, (t.parent, Index.Range())),
                Index(t, (t.unit, Index.Range()), (t.due_date, Index.Range())),
                # The performance figures of a wing or a department over
                # a period: read from the index alone.
                Index(t, (t.wing, Index.Range()), (t.due_date, Index.Range()),
                    include=[t.state, t.on_time, t.delay_days]),
                Index(t, (t.department, Index.Range()),
                    (t.due_date, Index.Range()),
                    include=[t.state, t.on_time, t.delay_days]),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state.in_(OPEN_STATES)),
                })
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {
            ('todo', 'in_progress'), ('todo', 'done'),
            ('in_progress', 'done'),
            ('todo', 'cancelled'), ('in_progress', 'cancelled'),
            ('done', 'in_progress'), ('cancelled', 'todo'),
            }
        cls._buttons.update({
                'start': {
                    'invisible': Eval('state') != 'todo',
                    'depends': ['state'],
                    },
                'complete': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'todo'

    @classmethod
    def default_start_date(cls):
        return _today()

    @classmethod
    def default_progress(cls):
        return 0

    @classmethod
    def default_due_reminded(cls):
        return False

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['name'])

    @classmethod
    def get_overdue(cls, tasks, name):
        today = _today()
        return {t.id: t.state in OPEN_STATES and t.due_date < today
            for t in tasks}

    @classmethod
    def search_overdue(cls, name, clause):
        _, operator, value = clause[:3]
        overdue = [('state', 'in', OPEN_STATES),
            ('due_date', '<', _today())]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR', ('state', 'not in', OPEN_STATES),
            ('due_date', '>=', _today())]

    def get_mine(self, name):
        field = 'assignee' if name == 'assigned_to_me' else 'assigned_by'
        return getattr(self, field).id in _acting_for()

    @classmethod
    def search_mine(cls, name, clause):
        _, operator, value = clause[:3]
        field = 'assignee' if name == 'assigned_to_me' else 'assigned_by'
        in_ = 'in' if (operator == '=') == bool(value) else 'not in'
        return [(field, in_, sorted(_acting_for()))]

    @classmethod
    def _client_create_fields(cls):
        return TASK_CREATE_FIELDS

    def _client_write_fields(self):
        if self.state == 'todo':
            return TASK_FIELDS | {'assignee'}
        if self.state == 'in_progress':
            return TASK_FIELDS
        return set()

    # Who may act on a task

    def assigners(self):
        """The employees who gave this task or a task above it, and the
        activity's owner: they cancel and reopen it"""
        result, task = set(), self
        while task:
            result.add(task.assigned_by.id)
            task = task.parent
        result.add(self.group.owner.id)
        return result

    @classmethod
    def check_assignee(cls, tasks):
        "Refuse unless the user is the assignee of each task (or PA/PS)"
        acting_for = _acting_for()
        for task in tasks:
            if task.assignee.id not in acting_for:
                raise TaskAccessError(gettext(
                        'edaftar_task.msg_task_not_assignee',
                        task=task.rec_name,
                        assignee=task.assignee.rec_name))

    @classmethod
    def check_assigner(cls, tasks):
        """Refuse unless the user gave each task or a task above it, or
        owns its activity (or is their PA/PS)"""
        acting_for = _acting_for()
        for task in tasks:
            if not acting_for & task.assigners():
                raise TaskAccessError(gettext(
                        'edaftar_task.msg_task_not_assigner',
                        task=task.rec_name,
                        assigner=task.assigned_by.rec_name))

    @classmethod
    def check_state(cls, tasks, states, message):
        for task in tasks:
            if task.state not in states:
                raise TaskStateError(gettext(
                        f'edaftar_task.{message}', task=task.rec_name,
                        state=task.state_string))

    # Creation and changes

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Employee = pool.get('company.employee')
        OrgUnit = pool.get('edaftar.org.unit')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if values.get('parent'):
                parent = cls(values['parent'])
                values['group'] = parent.group.id
                values['assigned_by'] = parent.assignee.id
            elif values.get('group'):
                Group = pool.get('edaftar.task.group')
                values['assigned_by'] = Group(values['group']).owner.id
            values.update({
                    'state': 'todo',
                    'started_at': None,
                    'completed_at': None,
                    'completed_on': None,
                    'on_time': None,
                    'delay_days': None,
                    'progress': 0,
                    'due_reminded': False,
                    })
        if values.get('assignee'):
            assignee = Employee(values['assignee'])
            unit = assignee.edaftar_unit
            values['unit'] = unit and unit.id
            values['department'] = department_of(unit)
            values['wing'] = unit and OrgUnit.ancestor_of_kind(
                unit.id, ('wing', 'district'))
        if mode == 'write' and 'due_date' in values:
            values['due_reminded'] = False
        return values

    @classmethod
    def check_modification(cls, mode, tasks, values=None, external=False):
        super().check_modification(
            mode, tasks, values=values, external=external)
        if mode == 'delete':
            for task in tasks:
                if task.state != 'todo' or task.children or task.updates:
                    raise TaskStateError(gettext(
                            'edaftar_task.msg_task_no_delete',
                            task=task.rec_name))
        if not external or not Transaction().user:
            return
        if mode == 'create':
            acting_for = _acting_for()
            for task in tasks:
                if task.assigned_by.id not in acting_for:
                    raise TaskAccessError(gettext(
                            'edaftar_task.msg_task_not_giver',
                            task=task.rec_name,
                            assigner=task.assigned_by.rec_name))
        elif mode in {'write', 'delete'}:
            cls.check_assigner(tasks)
        if mode == 'write' and values:
            cls.check_pointed(values, tasks[0].rec_name)

    @classmethod
    def check_pointed(cls, values, name=None):
        """Refuse a parent, activity or document the user may not read,
        before anything that would tell of them"""
        pool = Pool()
        Group = pool.get('edaftar.task.group')
        with Transaction().set_context(_datetime=None), check_access():
            if values.get('parent'):
                cls.read([int(values['parent'])], ['id'])
            if values.get('group'):
                Group.read([int(values['group'])], ['id'])
            document = values.get('document')
            if document:
                if isinstance(document, str):
                    model, id_ = document.split(',')
                else:
                    model, id_ = document
                Model = pool.get(model)
                if not Model.search(
                        [('id', '=', int(id_))], order=[], count=True):
                    raise TaskAccessError(gettext(
                            'edaftar_task.msg_task_document_not_readable',
                            task=name or values.get('name') or ''))

    @classmethod
    def validate_fields(cls, tasks, field_names):
        super().validate_fields(tasks, field_names)
        if field_names & {'start_date', 'due_date', 'parent', 'group'}:
            cls.check_dates(tasks)
        if field_names & {'assignee', 'parent', 'group'}:
            cls.check_scope(tasks)

    @classmethod
    def check_dates(cls, tasks):
        "Within its parent and activity, and its subtasks within it"
        for task in tasks:
            for child in task.children:
                if (child.state != 'cancelled'
                        and child.due_date > task.due_date):
                    raise TaskDateError(gettext(
                            'edaftar_task.msg_task_due_after_parent',
                            task=child.rec_name, due_date=task.due_date,
                            parent=task.rec_name))
            if task.due_date < task.start_date:
                raise TaskDateError(gettext(
                        'edaftar_task.msg_task_due_before_start',
                        task=task.rec_name))
            if task.parent and task.due_date > task.parent.due_date:
                raise TaskDateError(gettext(
                        'edaftar_task.msg_task_due_after_parent',
                        task=task.rec_name,
                        due_date=task.parent.due_date,
                        parent=task.parent.rec_name))
            group = task.group
            if group.due_date and task.due_date > group.due_date:
                raise TaskDateError(gettext(
                        'edaftar_task.msg_task_due_after_group',
                        task=task.rec_name, due_date=group.due_date,
                        group=group.rec_name))

    @classmethod
    def check_scope(cls, tasks):
        "The assignee is an active person in the scope of who gives it"
        units = {}
        for task in tasks:
            if task.parent and task.parent.state not in OPEN_STATES:
                raise TaskStateError(gettext(
                        'edaftar_task.msg_task_parent_closed',
                        task=task.rec_name, parent=task.parent.rec_name))
            if task.group.state != 'open':
                raise TaskStateError(gettext(
                        'edaftar_task.msg_task_group_closed',
                        task=task.rec_name, group=task.group.rec_name))
            assignee, assigner = task.assignee, task.assigned_by
            if (not assignee.active or not assignee.user
                    or not assignee.user.active
                    or not assignee.edaftar_unit):
                raise TaskScopeError(gettext(
                        'edaftar_task.msg_task_assignee_inactive',
                        task=task.rec_name, assignee=assignee.rec_name))
            if assigner.id not in units:
                with without_check_access():
                    units[assigner.id] = assignable_units(assigner)
            scope = units[assigner.id]
            if scope is not None and assignee.edaftar_unit.id not in scope:
                raise TaskScopeError(gettext(
                        'edaftar_task.msg_task_assignee_out_of_scope',
                        task=task.rec_name, assignee=assignee.rec_name,
                        assigner=assigner.rec_name))

    @classmethod
    def create(cls, vlist):
        if from_client():
            for values in vlist:
                cls.check_pointed(values)
        tasks = super().create(vlist)
        cls._notify(tasks, 'assignee', 'msg_task_assigned', 'tryton-forward')
        return tasks

    @classmethod
    def on_modification(cls, mode, tasks, field_names=None):
        super().on_modification(mode, tasks, field_names=field_names)
        # A progress update or a reminder does not change the figures: no
        # clearing of the cache in every process for those.
        if mode != 'write' or (field_names or set()) & PERFORMANCE_FIELDS:
            Pool().get('edaftar.task.performance')._rows_cache.clear()
        if mode == 'write' and 'assignee' in (field_names or ()):
            cls._notify(
                tasks, 'assignee', 'msg_task_assigned', 'tryton-forward')

    @classmethod
    def _notify(cls, tasks, who, message, icon):
        """Tell the assignee or assigner (who: a field name or a tuple of
        them) of each task, with their PA/PS, once each"""
        action = Pool().get('ir.model.data').get_id(
            'edaftar_task', 'act_task_form')
        whos = (who,) if isinstance(who, str) else who
        notify_many([dict(
                    employees=[getattr(task, w) for w in whos],
                    label=gettext(f'edaftar_task.{message}', task=task.name),
                    description=gettext(
                        'edaftar_task.msg_task_notification_description',
                        due_date=task.due_date,
                        assignee=task.assignee.rec_name),
                    records=[task], action=action, icon=icon,
                    assistants=True)
                for task in tasks])

    # Buttons

    @classmethod
    @ModelView.button
    def start(cls, tasks):
        cls.check_assignee(tasks)
        cls.check_state(tasks, {'todo'}, 'msg_task_not_todo')
        cls._start(tasks)

    @classmethod
    @Workflow.transition('in_progress')
    def _start(cls, tasks):
        cls.write(tasks, {'started_at': dt.datetime.now()})

    @classmethod
    @ModelView.button
    def complete(cls, tasks):
        cls.check_assignee(tasks)
        cls.check_state(tasks, OPEN_STATES, 'msg_task_not_open')
        for task in tasks:
            open_ = [c for c in task.children if c.state in OPEN_STATES]
            if open_:
                raise TaskStateError(gettext(
                        'edaftar_task.msg_task_open_subtasks',
                        task=task.rec_name,
                        subtasks=', '.join(c.rec_name for c in open_[:3])))
        cls._complete(tasks)
        cls._notify(tasks, 'assigned_by', 'msg_task_completed', 'tryton-ok')

    @classmethod
    @Workflow.transition('done')
    def _complete(cls, tasks):
        today, now = _today(), dt.datetime.now()
        to_write = []
        for task in tasks:
            delay = max((today - task.due_date).days, 0)
            to_write.extend(([task], {
                        'started_at': task.started_at or now,
                        'completed_at': now,
                        'completed_on': today,
                        'on_time': delay == 0,
                        'delay_days': delay,
                        }))
        if to_write:
            cls.write(*to_write)

    @classmethod
    @ModelView.button
    def cancel(cls, tasks):
        cls.check_assigner(tasks)
        cls.check_state(tasks, OPEN_STATES, 'msg_task_not_open')
        # The subtasks of a cancelled task are cancelled with it.
        descendants = cls.search([
                ('parent', 'child_of', [t.id for t in tasks], 'parent'),
                ('state', 'in', OPEN_STATES),
                ])
        cls._cancel(descendants)
        cls._notify(
            descendants, 'assignee', 'msg_task_cancelled', 'tryton-cancel')

    @classmethod
    @Workflow.transition('cancelled')
    def _cancel(cls, tasks):
        pass

    @classmethod
    @ModelView.button
    def reopen(cls, tasks):
        cls.check_assigner(tasks)
        cls.check_state(tasks, {'done', 'cancelled'}, 'msg_task_not_closed')
        for task in tasks:
            if task.parent and task.parent.state not in OPEN_STATES:
                raise TaskStateError(gettext(
                        'edaftar_task.msg_task_parent_closed',
                        task=task.rec_name, parent=task.parent.rec_name))
            if task.group.state != 'open':
                raise TaskStateError(gettext(
                        'edaftar_task.msg_task_group_closed',
                        task=task.rec_name, group=task.group.rec_name))
        cls._reopen_done([t for t in tasks if t.state == 'done'])
        cls._reopen_cancelled([t for t in tasks if t.state == 'cancelled'])
        cls._notify(tasks, 'assignee', 'msg_task_reopened', 'tryton-undo')

    @classmethod
    @Workflow.transition('in_progress')
    def _reopen_done(cls, tasks):
        cls.write(tasks, {
                'completed_at': None, 'completed_on': None,
                'on_time': None, 'delay_days': None,
                })

    @classmethod
    @Workflow.transition('todo')
    def _reopen_cancelled(cls, tasks):
        pass

    @classmethod
    def check_attachment(cls, tasks):
        "Only the assignee and who gave the task attach to it, while open"
        acting_for = _acting_for()
        for task in tasks:
            people = task.assigners() | {task.assignee.id}
            if not acting_for & people or task.state not in OPEN_STATES:
                raise TaskAccessError(gettext(
                        'edaftar_task.msg_task_attachment',
                        task=task.rec_name))

    @classmethod
    def remind_due(cls):
        """Tell the assignees (and their PA/PS) of the open tasks due within
        REMIND_DAYS, and who gave them, once per due date.
        Run daily by ir.cron."""
        today = _today()
        tasks = cls.search([
                ('state', 'in', OPEN_STATES),
                ('due_date', '>=', today),
                ('due_date', '<=', today + dt.timedelta(days=REMIND_DAYS)),
                ('due_reminded', '=', False),
                ], order=[('id', 'ASC')])
        cls._notify(tasks, ('assignee', 'assigned_by'), 'msg_task_due_soon',
            'tryton-warning')
        cls.write(tasks, {'due_reminded': True})
        return tasks


class TaskUpdate(GuardMixin, ModelSQL, ModelView):
    """A progress update of a task by its assignee: text, percent done and
    attachments; kept as written"""
    __name__ = 'edaftar.task.update'
    __string__ = "Task Update"

    task = fields.Many2One(
        'edaftar.task', "Task", required=True, ondelete='CASCADE',
        states={'readonly': Eval('id', -1) >= 0})
    author = fields.Many2One(
        'company.employee', "Author", readonly=True, ondelete='RESTRICT')
    on_behalf_of = fields.Many2One(
        'company.employee', "On Behalf Of", readonly=True,
        ondelete='RESTRICT',
        help="The assignee, when their PA/PS wrote the update.")
    text = fields.Text(
        "Text", required=True, states={'readonly': Eval('id', -1) >= 0})
    percent = fields.Integer(
        "Percent Done", required=True,
        states={'readonly': Eval('id', -1) >= 0})
    time = fields.Timestamp("Time", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('task')
        cls._sql_indexes.add(Index(t, (t.task, Index.Range())))
        cls._order = [('time', 'DESC'), ('id', 'DESC')]

    @classmethod
    def default_percent(cls):
        return 0

    def get_rec_name(self, name):
        return f'{self.task.rec_name} ({self.percent}%)'

    @classmethod
    def _client_create_fields(cls):
        return {'task', 'text', 'percent'}

    def _client_write_fields(self):
        return set()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            me = _scope()['employee']
            task = Pool().get('edaftar.task')(values['task'])
            values.update({
                    'time': dt.datetime.now(),
                    'author': me,
                    'on_behalf_of': (task.assignee.id
                        if me and task.assignee.id != me else None),
                    })
        return values

    @classmethod
    def check_modification(cls, mode, updates, values=None, external=False):
        super().check_modification(
            mode, updates, values=values, external=external)
        if not external or not Transaction().user:
            return
        if mode in {'write', 'delete'}:
            raise TaskAccessError(gettext(
                    'edaftar_task.msg_update_kept',
                    update=updates[0].rec_name))
        if mode == 'create':
            Task = Pool().get('edaftar.task')
            tasks = [u.task for u in updates]
            Task.check_assignee(tasks)
            Task.check_state(tasks, OPEN_STATES, 'msg_task_not_open')

    @classmethod
    def validate_fields(cls, updates, field_names):
        super().validate_fields(updates, field_names)
        if 'percent' in field_names:
            for update in updates:
                if not 0 <= update.percent <= 100:
                    raise TaskDateError(gettext(
                            'edaftar_task.msg_update_percent',
                            percent=update.percent))

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Task = pool.get('edaftar.task')
        updates = super().create(vlist)
        with without_check_access():
            for update in updates:
                Task.write([update.task], {'progress': update.percent})
        Task._notify(
            list({u.task for u in updates}), 'assigned_by',
            'msg_task_updated', 'tryton-chat')
        return updates

    @classmethod
    def check_attachment(cls, updates):
        "Only the update's author (or PA/PS) attaches to it, while open"
        acting_for = _acting_for()
        for update in updates:
            if (update.author.id not in acting_for
                    and update.task.assignee.id not in acting_for) \
                    or update.task.state not in OPEN_STATES:
                raise TaskAccessError(gettext(
                        'edaftar_task.msg_update_attachment',
                        update=update.rec_name))


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('edaftar.task|remind_due', "Remind of Tasks Due"))


class TaskDirective(metaclass=PoolMeta):
    "A task may be about a directive line (with edaftar_directive)"
    __name__ = 'edaftar.task'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.document.selection.append(
            ('edaftar.directive.line', "Directive"))
