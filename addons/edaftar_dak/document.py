# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"What receipts and files share: a holder, moves, participants, numbers"
import datetime as dt
import re
from operator import attrgetter

from sql import Cast, Column, Expression, For, Literal, Null
from sql.conditionals import Case, Coalesce
from sql.functions import Function, Substring
from sql.operators import Concat

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.modules.edaftar_base.guard import GuardMixin, from_client
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import unescape_wildcard
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from .exceptions import (
    CorrectionError, DocumentDeleteError, MovementAccessError,
    NotHolderError, StateError)

PRIORITIES = [
    ('normal', "Normal"),
    ('urgent', "Urgent"),
    ('immediate', "Immediate"),
    ]
CONFIDENTIALITIES = [
    ('normal', "Normal"),
    ('confidential', "Confidential"),
    ('secret', "Secret"),
    ]
# Reading a confidential document again within these minutes is the same
# opening: it is logged once.
OPENING_MINUTES = 10
# Days given to act on a document marked without a due date.
DUE_DAYS = {'normal': 7, 'urgent': 3, 'immediate': 1}


class DocumentMixin(GuardMixin):
    """A document that moves along the hierarchy: a receipt or a file.

    The holder fields are only ever changed by creating an
    edaftar.movement; the classes using the mixin declare `state`,
    `participants`, `reopen_reason`, the field named by `_closing_remark`
    and the `_movable_states` and `_open_states`.

    What a client may write is `_client_fields` by state (a state not
    listed: nothing); of those, `_corrected_fields` of a document past
    its draft change only with a `correction_reason`, logged.

    edaftar.movement moves every model using the mixin. The module that
    adds one extends edaftar.movement with a Many2One column to it, named
    by `movement_field()`, its movement rule (an ir.rule in
    edaftar_dak.rule_group_movement_scope) and may set
    `_movement_action` (the act_window notifications open) and override
    the hooks `_handover_state` and `_movements_following`."""
    __slots__ = ()
    _movement_field = None
    _movement_action = None
    _movable_states = set()
    _open_states = set()
    _closing_remark = None
    _client_fields = {}
    _corrected_fields = set()

    number = fields.Char("Number", readonly=True)
    holder = fields.Many2One(
        'company.employee', "Holder", readonly=True, ondelete='RESTRICT',
        help="The person who has the document now.")
    holder_unit = fields.Many2One(
        'edaftar.org.unit', "Holder Unit", readonly=True,
        ondelete='RESTRICT')
    due_date = fields.Date("Due Date", readonly=True)
    movements = fields.Function(fields.One2Many(
            'edaftar.movement', 'document', "Movements", readonly=True,
            help="Every move of the document, the first first."),
        'get_movements', setter='set_movements')
    priority = fields.Selection(
        PRIORITIES, "Priority", required=True, sort=False)
    priority_string = priority.translated('priority')
    confidentiality = fields.Selection(
        CONFIDENTIALITIES, "Confidentiality", required=True, sort=False)
    correction_reason = fields.Text(
        "Reason for Correction",
        states={
            'invisible': ~Eval('held_by_me') | (Eval('state') == 'draft'),
            },
        help="Needed to correct the particulars once registered; "
        "kept in the audit log with the fields corrected.")
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')
    held_by_me = fields.Function(
        fields.Boolean("Held by Me"), 'get_held_by_me',
        searcher='search_held_by_me')
    unread_by_me = fields.Function(
        fields.Boolean("Unread by Me"), 'get_mine', searcher='search_mine')
    sent_by_me = fields.Function(
        fields.Boolean("Sent by Me"), 'get_mine', searcher='search_mine')
    for_my_information = fields.Function(
        fields.Boolean("For My Information"), 'get_mine',
        searcher='search_mine')
    flagged_by_me = fields.Function(
        fields.Boolean("Flagged by Me"), 'get_mine', searcher='search_mine')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        open_states = list(cls._open_states)
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Similarity(begin=True))),
                Index(t, (t.holder, Index.Range()), (t.state, Index.Equality()),
                    where=t.state.in_(open_states)),
                Index(t, (t.holder_unit, Index.Range()),
                    (t.state, Index.Equality()),
                    where=t.state.in_(open_states)),
                Index(t, (t.due_date, Index.Range()),
                    where=t.state.in_(open_states)),
                })

    @classmethod
    def default_priority(cls):
        return 'normal'

    @staticmethod
    def order_priority(tables):
        "Immediate first, then urgent, then normal"
        table, _ = tables[None]
        return [Case(
                (table.priority == 'immediate', 0),
                (table.priority == 'urgent', 1),
                else_=2)]

    @classmethod
    def default_confidentiality(cls):
        return 'normal'

    def get_overdue(self, name):
        pool = Pool()
        Date = pool.get('ir.date')
        return bool(self.due_date and self.state in self._open_states
            and self.due_date < Date.today())

    @classmethod
    def search_overdue(cls, name, clause):
        pool = Pool()
        Date = pool.get('ir.date')
        _, operator, value = clause[:3]
        overdue = [
            ('due_date', '<', Date.today()),
            ('state', 'in', list(cls._open_states)),
            ]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR',
            ('due_date', '=', None),
            ('due_date', '>=', Date.today()),
            ('state', 'not in', list(cls._open_states)),
            ]

    def get_held_by_me(self, name):
        return bool(self.holder and self.holder.id in self.acting_for())

    @classmethod
    def search_held_by_me(cls, name, clause):
        _, operator, value = clause[:3]
        operator = 'in' if (operator == '=') == bool(value) else 'not in'
        return [('holder', operator, list(cls.acting_for()))]

    @classmethod
    def read(cls, ids, fields_names):
        person = from_client()
        # Every read by a person of a confidential document is logged:
        # its confidentiality is read with it, not by another query.
        extra = person and 'confidentiality' not in fields_names
        result = super().read(
            ids, list(fields_names) + ['confidentiality'] if extra
            else fields_names)
        if person:
            confidential = [r['id'] for r in result
                if r.get('confidentiality', 'normal') != 'normal']
            if extra:
                for row in result:
                    row.pop('confidentiality', None)
            # A client opening one document reads its movements (the form
            # shows them): that is when the recipient has read it.
            opened = (ids[0] if len(ids) == 1 and 'movements' in fields_names
                else None)
            if confidential or opened is not None:
                cls._opened(confidential, opened)
        return result

    @classmethod
    def get_movements(cls, documents, name):
        """The movements of each document in the order they were made: one
        query, since whoever may read a document may read its movements"""
        Movement = Pool().get('edaftar.movement')
        movement = Movement.__table__()
        column = Column(movement, cls.movement_field())
        result = {d.id: [] for d in documents}
        cursor = Transaction().connection.cursor()
        for ids in _chunks(list(result)):
            cursor.execute(*movement.select(column, movement.id,
                    where=column.in_(ids),
                    order_by=[movement.sent_at.asc, movement.id.asc]))
            for document_id, movement_id in cursor:
                result[document_id].append(movement_id)
        return result

    @classmethod
    def set_movements(cls, documents, name, value):
        "Movements are made by moving the document, never through it"
        if value:
            raise MovementAccessError(gettext(
                    'edaftar_dak.msg_movement_append_only'))

    @classmethod
    def _opened(cls, confidential, opened=None):
        """Record that the current user read the confidential documents (ids)
        and opened the document of id opened: its moves to them are read"""
        pool = Pool()
        Movement = pool.get('edaftar.movement')
        AuditLog = pool.get('edaftar.audit.log')
        acting_for = list(cls.acting_for()) or [-1]
        transaction = Transaction()
        cursor = transaction.connection.cursor()
        unread = False
        if opened is not None:
            movement = Movement.__table__()
            column = Column(movement, cls.movement_field())
            cursor.execute(*movement.select(Literal(1),
                    where=(column == opened)
                    & movement.to_employee.in_(acting_for)
                    & (movement.read_at == Null),
                    limit=1))
            unread = bool(cursor.fetchone())
        if confidential:
            confidential = cls._not_opened_lately(confidential)
        if not unread and not confidential:
            return
        def record():
            if unread:
                Movement.mark_read([cls(opened)], acting_for)
            if confidential:
                AuditLog.log(cls.browse(confidential), 'open')

        if not transaction.readonly:
            # Read while acting: the record goes with the action (what it
            # read may be its own uncommitted work; a refused action
            # showed nothing).
            record()
            return
        # RPC reads run in read-only transactions: the record of the
        # opening is written and committed in its own.
        with transaction.new_transaction() as new:
            if not confidential and backend.name == 'postgresql':
                # A read mark alone need not wait for the disk: lost in a
                # crash, it is set again on the next opening or action.
                # The audit line of a confidential opening does wait.
                new.connection.cursor().execute(
                    'SET LOCAL synchronous_commit TO OFF')
            record()
            new.commit()

    @classmethod
    def _not_opened_lately(cls, ids):
        """Return the ids of those the user has no opening logged for in
        the last OPENING_MINUTES: reading the same document again (a list,
        then its form) is the same opening"""
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        log = AuditLog.__table__()
        cursor = Transaction().connection.cursor()
        since = dt.datetime.now() - dt.timedelta(minutes=OPENING_MINUTES)
        logged = set()
        for sub_ids in _chunks(sorted(set(ids))):
            cursor.execute(*log.select(log.record_id,
                    where=(log.model == cls.__name__)
                    & log.record_id.in_(sub_ids)
                    & (log.user == Transaction().user)
                    & (log.action == 'open')
                    & (log.timestamp >= since)))
            logged.update(r for r, in cursor)
        return [i for i in sorted(set(ids)) if i not in logged]

    @classmethod
    def get_mine(cls, documents, names):
        ids = [d.id for d in documents]
        result = {}
        for name in names:
            found = {d.id for d in cls.search([
                        ('id', 'in', ids), (name, '=', True)])}
            result[name] = {i: i in found for i in ids}
        return result

    @classmethod
    def search_mine(cls, name, clause):
        "Search the documents of the user's inbox tabs"
        pool = Pool()
        Movement = pool.get('edaftar.movement')
        Flag = pool.get('edaftar.flag')
        _, operator, value = clause[:3]
        field = cls.movement_field()
        acting_for = list(cls.acting_for()) or [-1]
        movement = Movement.__table__()
        column = getattr(movement, field)
        if name == 'unread_by_me':
            query = movement.select(column, where=(
                    movement.to_employee.in_(acting_for)
                    & (movement.read_at == Null)
                    & (movement.purpose == 'action')))
        elif name == 'sent_by_me':
            query = movement.select(column, where=(
                    movement.from_employee.in_(acting_for)
                    & (movement.to_employee != movement.from_employee)))
        elif name == 'for_my_information':
            query = movement.select(column, where=(
                    movement.to_employee.in_(acting_for)
                    & (movement.purpose == 'information')))
        elif name == 'flagged_by_me':
            flag = Flag.__table__()
            prefix = cls.__name__ + ','
            query = flag.select(
                Cast(Substring(flag.document, len(prefix) + 1),
                    cls.id.sql_type().base),
                where=((flag.user == Transaction().user) & ~flag.done
                    & flag.document.like(prefix + '%')))
        operator = 'in' if (operator == '=') == bool(value) else 'not in'
        domain = [('id', operator, query)]
        if name == 'sent_by_me':
            domain.append(('holder', 'not in', acting_for))
        return domain

    @staticmethod
    def acting_for():
        "Ids of the employees the current user acts as"
        User = Pool().get('res.user')
        return User.get_edaftar_scope()['acting_for']

    @classmethod
    def check_holder(cls, documents, readable=False):
        """Refuse unless the current user holds (or acts for the holder of)
        all; readable: the caller already checked the user may read them"""
        # What the user may not even see is refused as such first, so that
        # the refusal does not tell who holds it.
        if not readable:
            with check_access():
                cls.read([d.id for d in documents], ['id'])
        acting_for = cls.acting_for()
        for document in documents:
            if not document.holder or document.holder.id not in acting_for:
                raise NotHolderError(gettext(
                        'edaftar_dak.msg_not_holder',
                        document=document.rec_name,
                        holder=(document.holder.rec_name
                            if document.holder else '-')))

    def _client_write_fields(self):
        return self._client_fields.get(self.state, set())

    @classmethod
    def movement_field(cls):
        "The column of edaftar.movement that names documents of this kind"
        return cls._movement_field or cls.__name__.split('.')[-1]

    def _handover_state(self):
        "The state the document takes when a move hands it over, or None"
        return None

    @classmethod
    def _movements_following(cls, movement):
        """Return the values of the moves of other documents that go with
        the move of a document (see edaftar.file: its receipts)"""
        return []

    @classmethod
    def check_modification(cls, mode, documents, values=None, external=False):
        super().check_modification(
            mode, documents, values=values, external=external)
        if mode == 'delete':
            for document in documents:
                if document.state != 'draft':
                    raise DocumentDeleteError(gettext(
                            'edaftar_dak.msg_document_delete_draft',
                            document=document.rec_name))
        if mode == 'write' and external:
            corrected = values.keys() & cls._corrected_fields
            if corrected and not values.get('correction_reason'):
                for document in documents:
                    if document.state != 'draft':
                        raise CorrectionError(gettext(
                                'edaftar_dak.msg_correction_reason',
                                fields=', '.join(
                                    cls._fields[n].string
                                    for n in sorted(corrected)),
                                document=document.rec_name))

    @classmethod
    def on_modification(cls, mode, documents, field_names=None):
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        super().on_modification(mode, documents, field_names=field_names)
        if mode != 'write' or 'correction_reason' not in field_names:
            return
        corrected = sorted(field_names & cls._corrected_fields)
        corrections = [d for d in documents if d.correction_reason]
        for document in corrections:
            AuditLog.log([document], 'correct', details=gettext(
                    'edaftar_dak.msg_correction_audit',
                    reason=document.correction_reason,
                    fields=', '.join(corrected) or '-'))
        if corrections:
            # The reason is kept in the audit log and the history; the
            # field is ready for the next correction.
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.correction_reason], [None],
                    where=table.id.in_([d.id for d in corrections])))

    @classmethod
    def _pull_back(cls, documents):
        Movement = Pool().get('edaftar.movement')
        Movement.pull_back(documents)

    @classmethod
    def _close(cls, documents):
        "Close documents held by the user, which need their closing remark"
        Movement = Pool().get('edaftar.movement')
        cls.check_holder(documents)
        remark = attrgetter(cls._closing_remark)
        for document in documents:
            if not remark(document):
                raise StateError(gettext(
                        'edaftar_dak.msg_close_needs_remark',
                        document=document.rec_name))
        Movement.record_in_place(documents, 'close', remark)

    @classmethod
    def _archive(cls, documents):
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_holder(documents)
        AuditLog.log(documents, 'archive')

    @classmethod
    def _reopen(cls, documents):
        "Reopen documents held by the user, which need a reason"
        Movement = Pool().get('edaftar.movement')
        cls.check_holder(documents)
        for document in documents:
            if not document.reopen_reason:
                raise StateError(gettext(
                        'edaftar_dak.msg_reopen_needs_reason',
                        document=document.rec_name))
        Movement.record_in_place(
            documents, 'reopen', attrgetter('reopen_reason'))
        cls.write(documents, {'reopen_reason': None})

    @classmethod
    def reopen_by_server(cls, documents, reason):
        """Reopen closed documents on the server's own authority (a
        citizen's appeal), in the hands of their last holder: recorded as
        a reopen movement with reason(document) as its instruction."""
        Movement = Pool().get('edaftar.movement')
        closed = [d for d in documents if d.state in {'closed', 'archived'}]
        if not closed:
            return
        Movement.record_in_place(closed, 'reopen', reason)
        with without_check_access():
            cls.write(closed, {'state': 'in_process'})

    @classmethod
    def _add_participants(cls, pairs):
        """Record that employees handled documents: pairs of
        (document id, employee id). They keep seeing them."""
        Participant = Pool().get(cls.participants.relation_name)
        table = Participant.__table__()
        column = Column(table, cls.participants.origin)
        cursor = Transaction().connection.cursor()
        pairs = {(d, e) for d, e in pairs if d and e}
        if not pairs:
            return
        existing = set()
        for document_ids in _chunks(sorted({d for d, _ in pairs})):
            cursor.execute(*table.select(column, table.employee,
                    where=column.in_(document_ids)))
            existing.update(cursor)
        new = pairs - existing
        if new:
            with without_check_access():
                Participant.create([
                        {column.name: d, 'employee': e}
                        for d, e in sorted(new)])

    @classmethod
    def lock_rows(cls, documents):
        """Lock the rows of documents until the transaction ends, waiting
        for those another transaction holds; when that one changed them,
        PostgreSQL refuses to serialise and the request is run again.

        Not ModelSQL.lock: it restarts every locking request once, and
        records created earlier in the request would be created twice.
        SQLite serialises writers by itself."""
        if backend.name != 'postgresql' or not documents:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        for ids in _chunks(sorted(d.id for d in documents)):
            cursor.execute(*table.select(table.id,
                    where=table.id.in_(ids), for_=For('UPDATE')))

    @classmethod
    def _default_due_date(cls, document):
        pool = Pool()
        Date = pool.get('ir.date')
        return Date.today() + dt.timedelta(
            days=DUE_DAYS.get(document.priority, 7))

    @classmethod
    def _set_holder(cls, document, employee, unit, due_date=None,
            state=None):
        "Hand the document over; called by edaftar.movement only"
        values = {
            'holder': employee.id if employee else None,
            'holder_unit': unit.id if unit else None,
            }
        if due_date is not None:
            values['due_date'] = due_date
        if state is not None:
            values['state'] = state
        with without_check_access():
            cls.write([document], values)


def rec_name_domain(clause, names):
    """The domain matching clause's operator and value on any of the field
    names (on all of them for a negative operator)"""
    _, operator, value = clause[:3]
    bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
    return [bool_op] + [(name, operator, value) for name in names]


def _chunks(ids, size=1000):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


class ArrayOfQuery(Expression):
    """ANY(ARRAY(query)) or ALL(...) for PostgreSQL: the query runs once
    (an InitPlan) and the ids it returns are then looked up by index,
    where "IN (query)" lets the planner join it to a scan of the table.
    Compare with = (ANY) or != (ALL)."""
    __slots__ = ('query', 'quantifier')

    def __init__(self, query, quantifier='ANY'):
        super().__init__()
        assert quantifier in {'ANY', 'ALL'}
        self.query = query
        self.quantifier = quantifier

    def __str__(self):
        return f'{self.quantifier}(ARRAY({self.query}))'

    @property
    def params(self):
        return self.query.params


class RegexpReplace(Function):
    __slots__ = ()
    _function = 'REGEXP_REPLACE'


def keyword_text(*columns):
    """Return the text of columns as keyword search reads it: joined by
    spaces, punctuation made spaces (so that "DCQ/Estt/114" holds the words
    DCQ, Estt and 114), unaccented where the database can"""
    text = None
    for column in columns:
        column = Coalesce(column, '')
        text = column if text is None else Concat(Concat(text, ' '), column)
    text = Transaction().database.unaccent(text)
    return RegexpReplace(text, '[[:punct:]]+', ' ', 'g')


def keyword_terms(value):
    """Return the terms of a keyword search: the words of value, each with
    its inner punctuation made spaces ("DCQ/Estt" is searched as the
    phrase "DCQ Estt"); wildcards are ignored"""
    terms = []
    for word in unescape_wildcard(value or '').replace('%', ' ').split():
        term = ' '.join(re.sub(r'[\W_]+', ' ', word).split())
        if term:
            terms.append(term)
    return terms


def keyword_match(text, term):
    """Return the PostgreSQL condition that text (from keyword_text) holds
    the phrase term; the same expression as the full-text indexes"""
    from trytond.backend.postgresql.database import PhraseToTsQuery
    database = Transaction().database
    return database.search_full_text(
        database.format_full_text(text),
        PhraseToTsQuery('simple', database.unaccent(term)))


def create_full_text_indexes(Model, names):
    """Create on PostgreSQL a GIN index on the expression that Tryton's
    full-text search of each field of names compares."""
    table = Model.__table__()
    for name in names:
        field = Model._fields[name]
        create_full_text_index(
            Model, name, field._domain_column('ilike', Column(table, name)))


def create_full_text_index(Model, name, text):
    """Create on PostgreSQL a GIN index <table>_<name>_fts on the
    full-text vector ('simple' configuration) of the SQL expression text.

    Tryton 8.0 has no Index usage for full-text search, so the indexes
    are made here; their names avoid the "idx_" prefix of the indexes
    Tryton manages (and drops when undeclared)."""
    transaction = Transaction()
    database = transaction.database
    if (not database.has_search_full_text()
            or (database.has_unaccent()
                and not database.has_unaccent_indexable())):
        return
    from psycopg import ClientCursor
    from psycopg.sql import SQL, Identifier
    expression = database.format_full_text(text)
    cursor = ClientCursor(transaction.connection)
    cursor.execute(
        SQL('CREATE INDEX IF NOT EXISTS {} ON {} USING GIN ({})').format(
            Identifier(f'{Model._table}_{name}_fts'),
            Identifier(Model._table), SQL(str(expression))),
        expression.params)


def employee_unit_department(employee):
    "Return the department (or office) an employee's posting belongs to"
    pool = Pool()
    OrgUnit = pool.get('edaftar.org.unit')
    if not employee or not employee.edaftar_unit:
        return None
    unit_id = OrgUnit.ancestor_of_kind(
        employee.edaftar_unit.id,
        ('department', 'executive', 'division', 'district'))
    return OrgUnit(unit_id) if unit_id else None
