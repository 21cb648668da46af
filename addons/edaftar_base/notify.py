# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Real-time notifications to people, for every module: one mechanism.

A notification is a res.notification of the person's user, sent over the
bus to the open web client; a PA/PS may be told with the officer they act
for. Every module tells people through notify() (or notify_many() for
several messages in one save): movements, orders, approvals, tasks and
deadlines alike."""
from trytond.pool import Pool
from trytond.transaction import without_check_access


def notify(employees, label, description='', records=None, action=None,
        icon='tryton-email', assistants=False):
    """Tell the users of employees (company.employee records or ids), each
    once, and with assistants the active PA/PS of each: label, a short
    description, the records (instances of one model) the notification
    opens with the act_window action (an id).

    Return the notifications created."""
    return notify_many([dict(
                employees=employees, label=label, description=description,
                records=records, action=action, icon=icon,
                assistants=assistants)])


def notify_many(messages):
    """Send several messages at once: each a dict of the arguments of
    notify(). One read of the people and one save for all.

    Return the notifications created."""
    pool = Pool()
    Notification = pool.get('res.notification')
    Employee = pool.get('company.employee')
    messages = [m for m in messages if any(
            e is not None for e in m['employees'])]
    if not messages:
        return []
    with without_check_access():
        ids = {int(e) for m in messages for e in m['employees']
            if e is not None}
        people = {e.id: e for e in Employee.browse(list(ids))}
        assistants = {}
        if any(m.get('assistants') for m in messages):
            for assistant in Employee.search([
                        ('principal', 'in', list(ids)),
                        ('active', '=', True),
                        ]):
                assistants.setdefault(
                    assistant.principal.id, []).append(assistant)
        notifications = []
        for message in messages:
            mine = [people[int(e)] for e in message['employees']
                if e is not None]
            if message.get('assistants'):
                mine += [a for e in mine for a in assistants.get(e.id, [])]
            users = {p.user.id for p in mine if p.user and p.user.active}
            records = message.get('records')
            model, record_ids = None, None
            if records:
                model = records[0].__name__
                record_ids = str([r.id for r in records])
            notifications.extend(Notification(
                    user=user, label=message['label'][:200],
                    description=(message.get('description') or '')[:200],
                    model=model, records=record_ids,
                    action=message.get('action'),
                    icon=message.get('icon') or 'tryton-email')
                for user in sorted(users))
        Notification.save(notifications)
    return notifications
