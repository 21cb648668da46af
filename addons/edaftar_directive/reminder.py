# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Reminders of a line's deadline: a notification and an e-mail"
import datetime as dt
import logging
from email.message import EmailMessage
from email.utils import formataddr

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, fields
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.modules.edaftar_base.notify import notify_many
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)

EVENTS = [
    ('before', "Before the Deadline"),
    ('after', "After the Deadline"),
    ]
# The lines reminded: those the unit still has to answer
REMINDED_STATES = ['waiting', 'in_progress']
# A reminder is due this many days before the deadline, and this many
# days after it.
DAYS_BEFORE = 2
DAYS_AFTER = 1
# A day without a run (the server down) is caught up on the next days.
CATCH_UP_DAYS = 2


class LineReminder(GuardMixin, ModelSQL, ModelView):
    """A reminder of a line's deadline, sent to its holder and its unit's
    head: one per line, event and deadline (an extended deadline is
    reminded again); kept as the record of who was told and when"""
    __name__ = 'edaftar.directive.line.reminder'
    __string__ = "Directive Line Reminder"

    line = fields.Many2One(
        'edaftar.directive.line', "Line", required=True, readonly=True,
        ondelete='RESTRICT')
    event = fields.Selection(
        EVENTS, "Event", required=True, readonly=True, sort=False)
    event_string = event.translated('event')
    deadline = fields.Date(
        "Deadline", required=True, readonly=True,
        help="The line's deadline the reminder was about.")
    date = fields.Date(
        "Date", required=True, readonly=True,
        help="The day the reminder was due.")
    sent_at = fields.Timestamp(
        "Sent At", readonly=True,
        help="Empty while the reminder waits in the queue, or when the "
        "line was answered before it went out.")
    recipients = fields.Text(
        "Recipients", readonly=True,
        help="Who was notified, with the address each e-mail went to.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('line')
        cls._sql_constraints += [
            ('line_event_deadline_unique',
                Unique(t, t.line, t.event, t.deadline),
                'edaftar_directive.msg_reminder_unique'),
            ]
        cls._sql_indexes.add(Index(t, (t.line, Index.Range())))
        cls._order = [('date', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return f'{self.line.rec_name} ({self.event_string})'

    @classmethod
    def _client_create_fields(cls):
        "Reminders are made by the cron task only"
        return set()

    def _client_write_fields(self):
        return set()

    @classmethod
    def send(cls, reminders):
        """Notify the holder and the unit head of each reminder's line and
        e-mail them, if the line is still waiting for its answer.

        Run from the queue (one task a line); the e-mails go out through
        trytond's [email] settings when the task commits."""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        action_id = ModelData.get_id('edaftar_directive', 'act_line_form')
        from_ = config.get('email', 'from')
        messages, sent = [], []
        for reminder in reminders:
            line = reminder.line
            if (reminder.sent_at or line.state not in REMINDED_STATES
                    or line.deadline != reminder.deadline):
                continue
            recipients = []
            for employee in reminder.recipient_employees():
                user = employee.user
                language = (user.language.code
                    if user and user.language else None)
                with Transaction().set_context(language=language):
                    subject, body = reminder.message(employee)
                messages.append(dict(
                        employees=[employee], label=subject,
                        description=line.directive.subject,
                        records=[line], action=action_id,
                        icon=('tryton-date' if reminder.event == 'before'
                            else 'tryton-error')))
                address = cls.email_address(employee)
                if address:
                    msg = EmailMessage()
                    msg['From'] = from_
                    msg['To'] = formataddr((employee.rec_name, address))
                    msg['Subject'] = subject
                    # RFC 3834: no auto-replies to a reminder
                    msg['Auto-Submitted'] = 'auto-generated'
                    msg.set_content(body)
                    send_message_transactional(msg, from_, [address])
                    recipients.append(f'{employee.rec_name} <{address}>')
                else:
                    logger.info(
                        "no e-mail address for %s: %s notified only",
                        employee.rec_name, reminder.rec_name)
                    recipients.append(employee.rec_name)
            reminder.sent_at = dt.datetime.now()
            reminder.recipients = '\n'.join(recipients)
            sent.append(reminder)
        notify_many(messages)
        cls.save(sent)

    def recipient_employees(self):
        "The holder of the line and the head of its unit, each once"
        line = self.line
        employees = []
        for employee in [line.holder, line.department.head]:
            if employee and employee not in employees:
                employees.append(employee)
        return employees

    @classmethod
    def email_address(cls, employee):
        "The e-mail of the employee's party, else of their user"
        if employee.party and employee.party.email:
            return employee.party.email
        if employee.user and employee.user.email:
            return employee.user.email
        return None

    def message(self, employee):
        """Return the subject and the text of the reminder to employee, in
        the language of the context"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        lang = Lang.get()
        line = self.line
        values = {
            'name': employee.rec_name,
            'line': line.rec_name,
            'subject': line.directive.subject,
            'issuer': line.issuer_string,
            'department': line.department.rec_name,
            'deadline': lang.strftime(self.deadline),
            'holder': line.holder.rec_name if line.holder else '-',
            'url': line.__href__,
            }
        return (
            gettext(f'edaftar_directive.msg_reminder_{self.event}_subject',
                **values),
            gettext(f'edaftar_directive.msg_reminder_{self.event}_body',
                **values))


class DirectiveLine(metaclass=PoolMeta):
    __name__ = 'edaftar.directive.line'

    reminders = fields.One2Many(
        'edaftar.directive.line.reminder', 'line', "Reminders",
        readonly=True)

    @classmethod
    def send_reminders(cls):
        """Remind the open lines due in two days, and those overdue since
        yesterday, that were not reminded of that deadline yet.

        Run daily by ir.cron; each line's notifications and e-mails are a
        task of the queue."""
        pool = Pool()
        Date = pool.get('ir.date')
        Reminder = pool.get('edaftar.directive.line.reminder')
        today = Date.today()
        due = []
        for event, lines in cls._lines_to_remind(today).items():
            reminded = {
                (r.line.id, r.deadline) for r in Reminder.search([
                        ('line', 'in', [l.id for l in lines]),
                        ('event', '=', event),
                        ], order=[])}
            due.extend({
                    'line': l.id,
                    'event': event,
                    'deadline': l.deadline,
                    'date': today,
                    } for l in lines if (l.id, l.deadline) not in reminded)
        reminders = Reminder.create(due)
        for reminder in reminders:
            Reminder.__queue__.send([reminder])
        return reminders

    @classmethod
    def _lines_to_remind(cls, today):
        """Return {event: lines} of the open lines whose reminder is due
        today, or was due in the last CATCH_UP_DAYS days (a day the cron
        did not run).

        A line gets no 'before' reminder if it did not exist yet on its
        reminder day: it arrived in the inbox less than DAYS_BEFORE days
        before its deadline, and its arrival was the alert."""
        day = dt.timedelta(days=1)
        open_ = ('state', 'in', REMINDED_STATES)
        # The reminder day of a deadline d: d - DAYS_BEFORE, d + DAYS_AFTER
        catch_up = CATCH_UP_DAYS * day
        before = cls.search([
                open_,
                ('deadline', '>=', today + DAYS_BEFORE * day - catch_up),
                ('deadline', '<=', today + DAYS_BEFORE * day),
                ], order=[('id', 'ASC')])
        before = [l for l in before
            if l.create_date.date() <= l.deadline - DAYS_BEFORE * day]
        after = cls.search([
                open_,
                ('deadline', '>=', today - DAYS_AFTER * day - catch_up),
                ('deadline', '<=', today - DAYS_AFTER * day),
                ], order=[('id', 'ASC')])
        return {'before': before, 'after': after}


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('edaftar.directive.line|send_reminders',
                "Send Directive Reminders"))
