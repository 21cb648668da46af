# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Real-time notifications to people, for every module: one mechanism.

A notification is a res.notification of the person's user, sent over the
bus to the open web client; a PA/PS may be told with the officer they act
for."""
from trytond.pool import Pool
from trytond.transaction import without_check_access


def notify(employees, label, description='', records=None, action=None,
        icon='tryton-email', assistants=False):
    """Tell the users of employees (company.employee records or ids), each
    once, and with assistants the active PA/PS of each: label, a short
    description, the records (instances of one model) the notification
    opens with the act_window action (an id).

    Return the notifications created."""
    pool = Pool()
    Notification = pool.get('res.notification')
    Employee = pool.get('company.employee')
    ids = {int(e) for e in employees if e is not None}
    if not ids:
        return []
    with without_check_access():
        people = Employee.browse(list(ids))
        if assistants:
            people += Employee.search([
                    ('principal', 'in', list(ids)),
                    ('active', '=', True),
                    ])
        users = {p.user.id for p in people if p.user and p.user.active}
        model, record_ids = None, None
        if records:
            model = records[0].__name__
            record_ids = str([r.id for r in records])
        notifications = [Notification(
                user=user, label=label[:200],
                description=(description or '')[:200], model=model,
                records=record_ids, action=action, icon=icon)
            for user in sorted(users)]
        Notification.save(notifications)
    return notifications
