# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Fixtures of the task tests"
import datetime as dt

from proteus import Model
from trytond.modules.edaftar_base.tests.tools import (  # noqa: F401
    message_pattern, message_text)
from trytond.modules.edaftar_base.tests.tools import Actor as BaseActor

__all__ = ['Actor', 'days', 'message_text', 'message_pattern', 'PDF',
    'GROUP', 'TASK', 'UPDATE', 'PERFORMANCE']

GROUP = 'edaftar.task.group'
TASK = 'edaftar.task'
UPDATE = 'edaftar.task.update'
PERFORMANCE = 'edaftar.task.performance'
# What task_states and group_states read
TASK_FIELDS = ['name', 'description', 'state', 'group', 'parent',
    'assignee', 'assigned_by', 'unit', 'wing', 'department', 'start_date',
    'due_date', 'started_at', 'completed_at', 'completed_on', 'on_time',
    'delay_days', 'progress', 'document', 'children', 'updates',
    'due_reminded', 'write_date']
GROUP_FIELDS = ['name', 'description', 'owner', 'unit', 'state',
    'start_date', 'due_date', 'write_date']
# The smallest whole PDF the Dak's attachment checks accept
PDF = b'%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'


def days(n):
    "The date n days from today"
    return dt.date.today() + dt.timedelta(days=n)


class Actor(BaseActor):
    "Act through proteus as the people of the small government"

    def load(self):
        super().load()
        Unit = Model.get('edaftar.org.unit', config=self.config)
        self._unit_names = {u.name: u.id for u in Unit.find([])}

    def unit_named(self, name):
        "The id of the unit named name (codes repeat under other parents)"
        return self._unit_names[name]

    def activity(self, login, name, owner=None, due=30, start=0,
            description=None):
        """Start an activity as login (for owner's login, when a PA/PS
        starts it); return its id"""
        self.login(login)
        values = {'name': name, 'start_date': days(start),
            'due_date': days(due) if due is not None else None,
            'description': description}
        if owner:
            values['owner'] = self.employee(owner)
        group_id, = self.call(GROUP, 'create', [values])
        return group_id

    def task(self, login, name, assignee, due, group=None, parent=None,
            start=0, document=None):
        """Give a task of the activity group (or a subtask of parent) to
        assignee's login, as login; return its id"""
        self.login(login)
        values = {'name': name, 'assignee': self.employee(assignee),
            'due_date': days(due), 'start_date': days(start)}
        if group:
            values['group'] = group
        if parent:
            values['parent'] = parent
        if document:
            values['document'] = document
        task_id, = self.call(TASK, 'create', [values])
        return task_id

    def press(self, login, button, *task_ids, model=TASK):
        "Click button on the tasks (or activities) as login"
        Record = Model.get(model, config=self.config)
        self.login(login)
        Record.click([Record(i) for i in task_ids], button)

    def update(self, login, task_id, text, percent):
        "Report progress on the task as login; return the update's id"
        self.login(login)
        update_id, = self.call(UPDATE, 'create', [{
                    'task': task_id, 'text': text, 'percent': percent}])
        return update_id

    def attach(self, login, resource, name="Report.pdf", data=PDF):
        "Attach data to resource ('model,id') as login; return its id"
        self.login(login)
        attachment_id, = self.call('ir.attachment', 'create', [{
                    'resource': resource, 'name': name, 'type': 'data',
                    'data': data}])
        return attachment_id

    def task_states(self, task_ids):
        """What tasks are, as the administrator reads them: every stored
        field, their subtasks, updates and attachments (few calls, for the
        checks that a refusal changed nothing)"""
        task_ids = list(task_ids)
        if not task_ids:
            return []
        with self.as_admin():
            tasks = self.call(TASK, 'read', list(task_ids), TASK_FIELDS)
            # In the order asked (PostgreSQL reads in its own)
            tasks = sorted(tasks, key=lambda t: task_ids.index(t['id']))
            updates = {u['id']: u for u in self.call(UPDATE, 'read',
                    sorted({u for t in tasks for u in t['updates']}),
                    ['text', 'percent', 'author'])}
            attachments = self.call('ir.attachment', 'search_read', [
                    ('resource', 'in',
                        [f'{TASK},{i}' for i in task_ids])],
                0, None, [('id', 'ASC')], ['name', 'resource'])
        for task in tasks:
            task['children'] = sorted(task['children'])
            task['updates'] = sorted(
                (u, updates[u]['text'], updates[u]['percent'],
                    updates[u]['author'])
                for u in task['updates'])
            task['attachments'] = sorted(a['name'] for a in attachments
                if a['resource'] == f'{TASK},{task["id"]}')
        return tasks

    def task_state(self, task_id):
        "What a task is, as the administrator reads it"
        task, = self.task_states([task_id])
        return task

    def group_states(self, group_ids):
        "What activities are, as the administrator reads them"
        group_ids = list(group_ids)
        if not group_ids:
            return []
        with self.as_admin():
            groups = self.call(GROUP, 'read', list(group_ids), GROUP_FIELDS)
            groups = sorted(groups, key=lambda g: group_ids.index(g['id']))
            tasks = self.call(TASK, 'search_read',
                [('group', 'in', list(group_ids))], 0, None,
                [('id', 'ASC')], ['group', 'state'])
        for group in groups:
            group['tasks'] = [(t['id'], t['state']) for t in tasks
                if t['group'] == group['id']]
        return groups

    def group_state(self, group_id):
        "What an activity is, as the administrator reads it"
        group, = self.group_states([group_id])
        return group

    def counts(self):
        """How many activities, tasks, updates, attachments and
        notifications there are"""
        names = [GROUP, TASK, UPDATE, 'ir.attachment', 'res.notification']
        with self.as_admin():
            return {name: self.call(name, 'search_count', [])
                for name in names}
