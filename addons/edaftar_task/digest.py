# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The daily e-mail digest of each user: what came to them, what they hold,
what is overdue, their follow-up flags and their tasks due, as they may
see it; sent through trytond's [email] settings, from the queue"""
import datetime as dt
import logging
import os
from email.message import EmailMessage
from email.utils import formataddr
from functools import cache

from genshi.template import MarkupTemplate
from sql import Cast, Column, Literal, Null, Union, Window
from sql.aggregate import Count
from sql.conditionals import Case

import trytond.config as config
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.sendmail import send_message_transactional
from trytond.tools import grouped_slice
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from .exceptions import DigestPreferenceError

logger = logging.getLogger(__name__)

# The sections of the digest, in their order, and the ir.message of each
# heading
SECTIONS = [
    ('new', 'msg_digest_section_new'),
    ('pending', 'msg_digest_section_pending'),
    ('overdue', 'msg_digest_section_overdue'),
    ('flagged', 'msg_digest_section_flagged'),
    ('tasks', 'msg_digest_section_tasks'),
    ]
# The documents the digest lists (directive lines have their own
# reminders), with the domain of the "pending" inbox tab of each
DOCUMENTS = {
    'edaftar.receipt': [
        ('state', 'in', ['draft', 'registered', 'in_process'])],
    'edaftar.file': [('state', '=', 'open')],
    }
# What the rows of a section may be, by their kind column
KINDS = ['edaftar.receipt', 'edaftar.file', 'edaftar.task']
# "New": moved to the user in these last hours, so that a move made after
# yesterday's digest is in today's
NEW_HOURS = 24
# Tasks due within these days (and those overdue)
TASK_DAYS = 3
TASK_OPEN_STATES = ['todo', 'in_progress']
# Rows listed per section; the e-mail gives the count of the others
SECTION_LIMIT = 20
# Users per task of the queue: one transaction and one SMTP connection
BATCH_SIZE = 100


@cache
def _html_template():
    path = os.path.join(os.path.dirname(__file__), 'digest_email.html')
    with open(path, 'rb') as fp:
        return MarkupTemplate(fp, filepath=path)


def _empty():
    return {name: {'items': [], 'total': 0} for name, _ in SECTIONS}


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    edaftar_digest = fields.Boolean(
        "Daily E-mail Digest",
        help="Receive each day an e-mail of what came to you, what you "
        "hold, what is overdue, your follow-up flags and your tasks due.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._preferences_fields.append('edaftar_digest')

    @classmethod
    def default_edaftar_digest(cls):
        return True

    @classmethod
    def check_modification(cls, mode, users, values=None, external=False):
        super().check_modification(
            mode, users, values=values, external=external)
        # The preferences dialog writes the user's own record; a client's
        # write of another user's choice (an administrator's) is refused.
        user_id = Transaction().user
        if (mode == 'write' and external and user_id
                and 'edaftar_digest' in values):
            for user in users:
                if user.id != user_id:
                    raise DigestPreferenceError(gettext(
                            'edaftar_task.msg_digest_own_preference',
                            user=user.rec_name))

    @classmethod
    def edaftar_send_digests(cls):
        """Queue the digest of every active user with an active employee,
        an e-mail address and the digest switched on, by batches.

        Run daily by ir.cron; not callable by clients."""
        pool = Pool()
        Employee = pool.get('company.employee')
        Date = pool.get('ir.date')
        employee = Employee.__table__()
        with without_check_access(), \
                Transaction().set_context(date=Date.today()):
            employees = Employee.search(
                [('active', '=', True), ('user', '!=', None)],
                order=[], query=True)
            users = cls.search([
                    ('active', '=', True),
                    ('edaftar_digest', '=', True),
                    ('email', 'not in', [None, '']),
                    ('id', 'in', employee.select(employee.user,
                            where=employee.id.in_(employees))),
                    ], order=[('id', 'ASC')])
        for batch in grouped_slice(users, BATCH_SIZE):
            cls.__queue__.edaftar_send_digest(list(batch))
        logger.info("daily digests of %s users queued", len(users))
        return users

    @classmethod
    def edaftar_send_digest(cls, users):
        """Compose and send the digest of each of users who still wants it;
        nothing to someone with nothing to list.

        Run from the queue; the e-mails go out through trytond's [email]
        settings when the task commits. Not callable by clients."""
        pool = Pool()
        Configuration = pool.get('ir.configuration')
        transaction = Transaction()
        from_ = config.get('email', 'from')
        with without_check_access():
            users = cls.browse(users)
            for user in users:
                if not (user.active and user.edaftar_digest and user.email):
                    continue
                content = cls.edaftar_digest_content(user)
                if not any(s['total'] for s in content.values()):
                    continue
                language = (user.language.code if user.language
                    else Configuration.get_language())
                with transaction.reset_context(), \
                        transaction.set_context(language=language):
                    msg = user._edaftar_digest_message(content)
                msg['From'] = from_
                msg['To'] = formataddr((user.rec_name, user.email))
                send_message_transactional(msg, from_, [user.email])

    @classmethod
    def edaftar_digest_content(cls, user):
        """Return the digest of user: {section: {'items': [...], 'total':
        count}} for each name of SECTIONS, as user may see it (as user,
        with the record rules). An item is a dict of model, id, number
        (None for a task), subject (None for a confidential document: it
        does not go out by e-mail; a task's name), due_date; the first
        SECTION_LIMIT items by due date, total counting them all.

        One query a section."""
        transaction = Transaction()
        user_id = int(user)
        # Without the caller's context: the days are the server's, as for
        # the scope and the moves.
        with transaction.set_user(user_id), transaction.reset_context(), \
                check_access():
            scope = cls.get_edaftar_scope()
            if not scope['employee']:
                return _empty()
            cursor = transaction.connection.cursor()
            result = {}
            for name, _ in SECTIONS:
                selects = getattr(cls, f'_edaftar_digest_{name}')(scope)
                result[name] = _run_section(cursor, selects)
            return result

    # The selects of each section: one per model, united in one query;
    # columns kind (index in KINDS), id, number, subject, due_date.

    @classmethod
    def _edaftar_digest_new(cls, scope):
        "Documents moved to the user in the last NEW_HOURS, by others"
        Movement = Pool().get('edaftar.movement')
        acting_for = list(scope['acting_for'])
        since = dt.datetime.now() - dt.timedelta(hours=NEW_HOURS)
        selects = []
        for Document in _documents():
            movement = Movement.__table__()
            column = Column(movement, Document.movement_field())
            received = movement.select(column, where=(
                    movement.to_employee.in_(acting_for)
                    & (movement.sent_at >= since)
                    & (column != Null)
                    & ((movement.from_employee == Null)
                        | ~movement.from_employee.in_(acting_for))))
            selects.append(_document_select(
                    Document, [('id', 'in', received)]))
        return selects

    @classmethod
    def _edaftar_digest_pending(cls, scope):
        "What the user holds open, as the Pending Action / With Me tabs"
        return [
            _document_select(Document, [
                    ('held_by_me', '=', True),
                    DOCUMENTS[Document.__name__],
                    ])
            for Document in _documents()]

    @classmethod
    def _edaftar_digest_overdue(cls, scope):
        "What the user holds past its due date, as the Overdue tabs"
        return [
            _document_select(Document, [
                    ('held_by_me', '=', True),
                    ('overdue', '=', True),
                    ])
            for Document in _documents()]

    @classmethod
    def _edaftar_digest_flagged(cls, scope):
        """The user's follow-up flags not done, by their follow-up date, on
        documents they may still read"""
        pool = Pool()
        Flag = pool.get('edaftar.flag')
        if not _readable(Flag):
            return []
        flags = Flag.search([
                ('user', '=', Transaction().user),
                ('done', '=', False),
                ], order=[], query=True)
        selects = []
        for Document in _documents():
            field = Document.movement_field()
            flag = Flag.__table__()
            table = Document.__table__()
            documents = Document.search(
                [('flagged_by_me', '=', True)], order=[], query=True)
            selects.append(flag.join(table,
                    condition=Column(flag, field) == table.id).select(
                    *_columns(Document, table, due_date=flag.due_date),
                    where=flag.id.in_(flags) & table.id.in_(documents)))
        return selects

    @classmethod
    def _edaftar_digest_tasks(cls, scope):
        "The user's open tasks due within TASK_DAYS or overdue"
        pool = Pool()
        Date = pool.get('ir.date')
        Task = pool.get('edaftar.task')
        if not _readable(Task):
            return []
        task = Task.__table__()
        due = Date.today() + dt.timedelta(days=TASK_DAYS)
        tasks = Task.search([
                ('assignee', 'in', list(scope['acting_for'])),
                ('state', 'in', TASK_OPEN_STATES),
                ('due_date', '<=', due),
                ], order=[], query=True)
        return [task.select(
                _kind(Task), task.id.as_('id'),
                Cast(Null, Task.name.sql_type().base).as_('number'),
                task.name.as_('subject'), task.due_date.as_('due_date'),
                where=task.id.in_(tasks))]

    def _edaftar_digest_message(self, content):
        """Return the EmailMessage of the digest content of the user,
        without sender and recipient, in the language of the context"""
        pool = Pool()
        Lang = pool.get('ir.lang')
        Date = pool.get('ir.date')
        lang = Lang.get()
        today = lang.strftime(Date.today())
        subject = gettext('edaftar_task.msg_digest_subject', date=today)
        none = gettext('edaftar_task.msg_digest_no_due_date')
        sections = []
        for name, message in SECTIONS:
            section = content[name]
            if not section['total']:
                continue
            items = []
            for item in section['items']:
                Model = pool.get(item['model'])
                items.append({
                        'number': item['number'] or '',
                        'subject': item['subject'] or gettext(
                            'edaftar_task.msg_digest_confidential'),
                        'due_date': (lang.strftime(item['due_date'])
                            if item['due_date'] else none),
                        'url': Model(item['id']).__href__,
                        })
            more = section['total'] - len(items)
            sections.append({
                    'heading': gettext(
                        'edaftar_task.msg_digest_heading',
                        heading=gettext(f'edaftar_task.{message}',
                            days=TASK_DAYS),
                        count=section['total']),
                    'items': items,
                    'more': (gettext(
                            'edaftar_task.msg_digest_more', count=more)
                        if more > 0 else ''),
                    })
        values = {
            'language': lang.code,
            'subject': subject,
            'greeting': gettext(
                'edaftar_task.msg_digest_greeting', name=self.rec_name),
            'columns': [
                gettext('edaftar_task.msg_digest_column_number'),
                gettext('edaftar_task.msg_digest_column_subject'),
                gettext('edaftar_task.msg_digest_column_due_date'),
                ],
            'sections': sections,
            'footer': gettext('edaftar_task.msg_digest_footer'),
            }
        msg = EmailMessage()
        msg['Subject'] = subject
        # RFC 3834: no auto-replies to the digest
        msg['Auto-Submitted'] = 'auto-generated'
        msg.set_content(_text_body(values))
        msg.add_alternative(
            _html_template().generate(**values).render(
                'html', doctype='html5', encoding=None),
            subtype='html')
        # After the content, which clears the Content-* headers
        msg['Content-Language'] = lang.code
        return msg


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('res.user|edaftar_send_digests', "Send the Daily Digests"))


class Movement(metaclass=PoolMeta):
    __name__ = 'edaftar.movement'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # What came to a person since yesterday (the digest's "new"): a
        # department head receives thousands of moves a year.
        cls._sql_indexes.add(Index(
                t, (t.to_employee, Index.Range()), (t.sent_at, Index.Range())))


def _documents():
    "The document classes the user may read"
    pool = Pool()
    return [D for D in map(pool.get, DOCUMENTS) if _readable(D)]


def _readable(Model):
    ModelAccess = Pool().get('ir.model.access')
    return ModelAccess.check(Model.__name__, 'read', raise_exception=False)


def _kind(Model):
    return Cast(Literal(KINDS.index(Model.__name__)), 'INTEGER').as_('kind')


def _columns(Document, table, due_date=None):
    "The columns of a section's select of the documents of table"
    return [
        _kind(Document), table.id.as_('id'), table.number.as_('number'),
        # A confidential or secret subject does not go out by e-mail.
        Case((table.confidentiality == 'normal', table.subject),
            else_=Null).as_('subject'),
        (due_date if due_date is not None else table.due_date).as_(
            'due_date'),
        ]


def _document_select(Document, domain):
    """The select of the documents of domain the user may read (searched
    as the user: the record rules apply)"""
    table = Document.__table__()
    return table.select(*_columns(Document, table),
        where=table.id.in_(Document.search(domain, order=[], query=True)))


def _run_section(cursor, selects):
    """Execute the union of selects: the first SECTION_LIMIT rows by due
    date, and the count of all"""
    if not selects:
        return {'items': [], 'total': 0}
    union = Union(*selects, all_=True)
    cursor.execute(*union.select(
            union.kind, union.id, union.number, union.subject,
            union.due_date, Count(union.id, window=Window([])),
            order_by=[union.due_date.asc.nulls_last, union.number.asc,
                union.subject.asc, union.id.asc],
            limit=SECTION_LIMIT))
    items, total = [], 0
    for kind, id_, number, subject, due_date, total in cursor:
        if isinstance(due_date, str):
            due_date = dt.date.fromisoformat(due_date)
        items.append({
                'model': KINDS[kind], 'id': id_, 'number': number,
                'subject': subject, 'due_date': due_date,
                })
    return {'items': items, 'total': total}


def _text_body(values):
    "The plain text of the digest"
    lines = [values['greeting'], '']
    for section in values['sections']:
        lines.extend([section['heading'], '-' * len(section['heading'])])
        for item in section['items']:
            number = f"{item['number']}: " if item['number'] else ''
            lines.append(
                f"- {number}{item['subject']} ({item['due_date']})")
        if section['more']:
            lines.append(section['more'])
        lines.append('')
    lines.extend(['-- ', values['footer']])
    return '\n'.join(lines) + '\n'
