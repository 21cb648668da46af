# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict

from sql import Column, Null

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edaftar_base.notify import notify_many
from trytond.modules.edaftar_base.guard import (
    GuardMixin, from_client, is_empty)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction

from .document import DocumentMixin
from .exceptions import (
    MoveError, MovementAccessError, NotHolderError, RecipientError)

ACTIONS = [
    ('mark', "Mark"),
    ('forward', "Forward"),
    ('return', "Return to Sender"),
    ('send_back', "Send Back"),
    ('pull_back', "Pull Back"),
    ('close', "Close"),
    ('reopen', "Reopen"),
    ('escalate', "Escalate"),
    ]
# Actions a client may create; close and reopen come from the buttons,
# escalate from the server alone (a deadline passed, a citizen appealed).
MOVE_ACTIONS = {'mark', 'forward', 'return', 'send_back', 'pull_back'}
# What the caller gives when creating a move; the server fills the rest
# and refuses anything else.
CLIENT_FIELDS = {
    'document', 'to_employee', 'to_unit', 'action', 'purpose',
    'instructions', 'due_date'}
_saved = {'readonly': Eval('id', -1) >= 0}


class Movement(GuardMixin, ModelSQL, ModelView):
    """One move of a document, append-only.

    Creating a movement performs the move: the server fills who, from
    where and when, refuses what the caller may not do and hands the
    document over. Every model using DocumentMixin is a document: its
    module adds its column here (see DocumentMixin)."""
    __name__ = 'edaftar.movement'
    __string__ = "Movement"

    document = fields.Reference(
        "Document", selection='get_document_models', required=True,
        states=_saved)
    receipt = fields.Many2One(
        'edaftar.receipt', "Receipt", readonly=True, ondelete='RESTRICT')
    file = fields.Many2One(
        'edaftar.file', "File", readonly=True, ondelete='RESTRICT')
    action = fields.Selection(
        ACTIONS, "Action", required=True, sort=False, states=_saved)
    purpose = fields.Selection([
            ('action', "For Action"),
            ('information', "For Information"),
            ], "Purpose", required=True, states=_saved,
        help="A copy for information does not hand the document over.")
    from_employee = fields.Many2One(
        'company.employee', "From", readonly=True, ondelete='RESTRICT')
    from_unit = fields.Many2One(
        'edaftar.org.unit', "From Unit", readonly=True, ondelete='RESTRICT')
    to_employee = fields.Many2One(
        'company.employee', "To", ondelete='RESTRICT', states=_saved)
    to_unit = fields.Many2One(
        'edaftar.org.unit', "To Unit", ondelete='RESTRICT', states=_saved,
        help="A unit instead of a person: the move goes to its head.")
    instructions = fields.Text("Instructions", states=_saved)
    sent_at = fields.Timestamp("Sent", readonly=True)
    read_at = fields.Timestamp("Read", readonly=True)
    due_date = fields.Date("Due Date", states=_saved)
    actor = fields.Many2One(
        'res.user', "Actor", readonly=True, ondelete='RESTRICT',
        help="The user who made the move.")
    on_behalf_of = fields.Many2One(
        'company.employee', "On Behalf Of", readonly=True,
        ondelete='RESTRICT', help="The principal a PA/PS acted for.")
    action_string = action.translated('action')
    purpose_string = purpose.translated('purpose')
    unread = fields.Function(fields.Boolean("Unread"), 'get_unread')
    to_me = fields.Function(
        fields.Boolean("To Me"), 'get_mine', searcher='search_mine')
    from_me = fields.Function(
        fields.Boolean("From Me"), 'get_mine', searcher='search_mine')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.receipt, Index.Range()), (t.id, Index.Range())),
                Index(t, (t.file, Index.Range()), (t.id, Index.Range())),
                Index(t, (t.to_employee, Index.Range()),
                    where=t.read_at == Null),
                Index(t, (t.from_employee, Index.Range())),
                Index(t, (t.to_employee, Index.Range()),
                    (t.purpose, Index.Equality())),
                })
        cls._order = [('sent_at', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_document_models(cls):
        "The models that move: every model using DocumentMixin"
        pool = Pool()
        IrModel = pool.get('ir.model')
        documents = document_classes()
        return [(m, n) for m, n in IrModel.get_name_items()
            if m in documents]

    @classmethod
    def default_purpose(cls):
        return 'action'

    @classmethod
    def default_action(cls):
        return 'forward'

    def get_unread(self, name):
        return self.read_at is None

    def get_mine(self, name):
        User = Pool().get('res.user')
        employee = {'to_me': self.to_employee, 'from_me': self.from_employee}[
            name]
        return bool(employee and employee.id in (
                User.get_edaftar_scope()['acting_for']))

    @classmethod
    def search_mine(cls, name, clause):
        User = Pool().get('res.user')
        _, operator, value = clause[:3]
        field = {'to_me': 'to_employee', 'from_me': 'from_employee'}[name]
        operator = 'in' if (operator == '=') == bool(value) else 'not in'
        return [(field, operator,
                list(User.get_edaftar_scope()['acting_for']))]

    @classmethod
    def get_rec_name(cls, movements, name):
        "e.g. \"SGAD-2026-000123: Forward to Ali Khan (Section Officer)\""
        pool = Pool()
        Employee = pool.get('company.employee')
        # The history of a document lists every movement by this name:
        # read the columns and the numbers, without the whole records.
        movement = cls.__table__()
        cursor = Transaction().connection.cursor()
        documents = sorted(document_classes().items())
        rows = []
        for ids in grouped_slice([m.id for m in movements], 1000):
            cursor.execute(*movement.select(
                    movement.id, movement.action, movement.to_employee,
                    *(Column(movement, D.movement_field())
                        for _, D in documents),
                    where=movement.id.in_(list(ids))))
            rows.extend(cursor)
        numbers = {}
        for index, (model, Document) in enumerate(documents, 3):
            table = Document.__table__()
            for ids in grouped_slice(
                    list({r[index] for r in rows if r[index]}), 1000):
                cursor.execute(*table.select(table.id, table.number,
                        where=table.id.in_(list(ids))))
                numbers.update(((model, i), n) for i, n in cursor)
        employees = Employee.get_rec_name(
            Employee.browse(list({r[2] for r in rows if r[2]})), 'rec_name')
        actions = dict(cls.fields_get(['action'])['action']['selection'])
        names = {}
        for id_, action, to_employee, *columns in rows:
            document = next(((m, i) for (m, _), i in zip(documents, columns)
                    if i), None)
            names[id_] = gettext('edaftar_dak.msg_movement_rec_name',
                document=numbers.get(document) or '',
                action=actions.get(action, action),
                to=employees.get(to_employee) or '')
        return names

    @classmethod
    def check_modification(cls, mode, movements, values=None,
            external=False):
        super().check_modification(
            mode, movements, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise MovementAccessError(gettext(
                    'edaftar_dak.msg_movement_append_only'))

    @classmethod
    def create(cls, vlist):
        """Perform the moves described by vlist: each needs document,
        to_employee or to_unit (its head), action and may give purpose,
        instructions and due_date."""
        pool = Pool()
        User = pool.get('res.user')
        ModelAccess = pool.get('ir.model.access')
        if from_client():
            # The movements are inserted without access checks, after the
            # engine's own: the access rows are checked here.
            ModelAccess.check(cls.__name__, 'create')
        scope = User.get_edaftar_scope()
        if not scope['employee']:
            raise MoveError(gettext('edaftar_dak.msg_no_employee'))
        for values in vlist:
            for name, value in values.items():
                if name not in CLIENT_FIELDS and not is_empty(value):
                    field = cls._fields.get(name)
                    raise MoveError(gettext(
                            'edaftar_dak.msg_move_field_server',
                            field=field.string if field else name))
        vlist = [v.copy() for v in vlist]
        documents = cls._lock_documents(v.get('document') for v in vlist)
        handed = set()
        for values in vlist:
            document = documents[_reference(values.get('document'))]
            cls._prepare(values, document, scope)
            if values['purpose'] == 'action':
                if document in handed:
                    raise MoveError(gettext(
                            'edaftar_dak.msg_move_one_action',
                            document=document.rec_name))
                handed.add(document)
        return cls._perform(vlist)

    @classmethod
    def _lock_documents(cls, references):
        "Lock the documents to move so that concurrent moves queue"
        by_model = defaultdict(set)
        movable = document_classes()
        for reference in references:
            model, id_ = _reference(reference)
            if model not in movable or id_ is None:
                raise MoveError(gettext('edaftar_dak.msg_move_no_document'))
            by_model[model].add(id_)
        documents = {}
        pool = Pool()
        for model, ids in by_model.items():
            Document = pool.get(model)
            ids = sorted(ids)
            # Read as the user: a document out of their sight raises here.
            Document.read(ids, ['id'])
            Document.lock_rows(Document.browse(ids))
            with Transaction().set_context(_check_access=False):
                for document in Document.browse(ids):
                    documents[(model, document.id)] = document
        return documents

    @classmethod
    def _prepare(cls, values, document, scope):
        "Check the move and fill what the server decides"
        pool = Pool()
        Employee = pool.get('company.employee')
        action = values.setdefault('action', cls.default_action())
        purpose = values.setdefault('purpose', cls.default_purpose())
        if action not in MOVE_ACTIONS:
            raise MoveError(gettext(
                    'edaftar_dak.msg_move_action_not_allowed',
                    action=action))
        if document.state not in document._movable_states:
            raise MoveError(gettext(
                    'edaftar_dak.msg_move_state',
                    document=document.rec_name,
                    state=document.state_string))
        acting_for = scope['acting_for']
        me = Employee(scope['employee'])
        if action == 'pull_back':
            last = cls._last_handover(document)
            if (not last or not last.from_employee
                    or last.from_employee.id not in acting_for):
                raise NotHolderError(gettext(
                        'edaftar_dak.msg_pull_back_not_sender',
                        document=document.rec_name))
            if last.read_at:
                raise MoveError(gettext(
                        'edaftar_dak.msg_pull_back_read',
                        document=document.rec_name,
                        employee=last.to_employee.rec_name))
            values['to_employee'] = last.from_employee.id
            values['purpose'] = purpose = 'action'
        else:
            # _lock_documents read it as the user.
            document.check_holder([document], readable=True)
        if action in {'return', 'send_back'} and not (
                values.get('to_employee') or values.get('to_unit')):
            last = cls._last_handover(document)
            if not last or not last.from_employee:
                raise RecipientError(gettext(
                        'edaftar_dak.msg_return_no_sender',
                        document=document.rec_name))
            values['to_employee'] = last.from_employee.id

        to_employee = cls._recipient(values, document)
        holder = document.holder
        values.update({
                D.movement_field(): None
                for D in document_classes().values()})
        values.update({
                'document': str(document),
                document.movement_field(): document.id,
                'from_employee': holder.id,
                'from_unit': document.holder_unit.id
                if document.holder_unit else None,
                'to_employee': to_employee.id,
                'to_unit': to_employee.edaftar_unit.id,
                'actor': Transaction().user,
                'on_behalf_of': (
                    holder.id if holder.id != me.id else None),
                'sent_at': dt.datetime.now(),
                'read_at': None,
                })
        if purpose == 'action' and not values.get('due_date') \
                and action == 'mark':
            values['due_date'] = document._default_due_date(document)
        if action == 'pull_back':
            values['on_behalf_of'] = (
                last.from_employee.id
                if last.from_employee.id != me.id else None)
        return values

    @classmethod
    def _recipient(cls, values, document):
        "Return the active employee the move goes to"
        pool = Pool()
        Date = pool.get('ir.date')
        Employee = pool.get('company.employee')
        Unit = pool.get('edaftar.org.unit')
        User = pool.get('res.user')
        employee, unit, user = (
            Employee.__table__(), Unit.__table__(), User.__table__())
        cursor = Transaction().connection.cursor()
        if values.get('to_employee'):
            recipient = values['to_employee']
            where = employee.id == int(recipient)
        elif values.get('to_unit'):
            cursor.execute(*unit.select(unit.head, unit.name,
                    where=unit.id == int(values['to_unit'])))
            row = cursor.fetchone()
            if not row or not row[0]:
                raise RecipientError(gettext(
                        'edaftar_dak.msg_recipient_unit_no_head',
                        document=document.rec_name,
                        unit=Unit(values['to_unit']).rec_name if row
                        else values['to_unit']))
            recipient = row[0]
            where = employee.id == recipient
        else:
            raise RecipientError(gettext(
                    'edaftar_dak.msg_recipient_missing',
                    document=document.rec_name))
        # One query for what makes a recipient able to act: employed today
        # (by the server's date, not one the client could send), posted to
        # a unit, with an active login.
        cursor.execute(*employee.join(user, 'LEFT',
                condition=employee.user == user.id).select(
                employee.id, employee.start_date, employee.end_date,
                employee.edaftar_unit, user.active, where=where))
        row = cursor.fetchone()
        if not row:
            raise RecipientError(gettext(
                    'edaftar_dak.msg_recipient_unknown',
                    document=document.rec_name, recipient=recipient))
        employee_id, start_date, end_date, unit_id, user_active = row
        today = Date.today()
        employed = ((start_date or dt.date.min) <= today
            <= (end_date or dt.date.max))
        if not employed or not user_active or not unit_id:
            raise RecipientError(gettext(
                    'edaftar_dak.msg_recipient_inactive',
                    document=document.rec_name,
                    recipient=Employee(employee_id).rec_name))
        return Employee(employee_id)

    @classmethod
    def _last_handover(cls, document):
        "The latest movement that handed the document to its holder"
        field = document.movement_field()
        with Transaction().set_context(_check_access=False):
            movements = cls.search([
                    (field, '=', document.id),
                    ('purpose', '=', 'action'),
                    ], order=[('id', 'DESC')], limit=1)
        return movements[0] if movements else None

    @classmethod
    def _perform(cls, vlist, notify=True):
        """Insert the movements and hand the documents over; the documents
        that go with them (a file's receipts) follow"""
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        with Transaction().set_context(_check_access=False):
            movements = super().create(vlist)
        cls._mark_read_by_holders(movements)
        for movement in movements:
            document = movement.document
            Document = document.__class__
            if movement.purpose == 'action':
                Document._set_holder(
                    document, movement.to_employee, movement.to_unit,
                    movement.due_date, state=document._handover_state())
            Document._add_participants([
                    (document.id, e.id) for e in filter(None, [
                            movement.from_employee, movement.to_employee,
                            movement.on_behalf_of])])
            AuditLog.log(
                [document], movement.action,
                details=cls._audit_details(movement),
                on_behalf_of=movement.on_behalf_of)
        if notify:
            cls._notify(movements)
        following = []
        for movement in movements:
            following.extend(
                movement.document._movements_following(movement))
        if following:
            # One notification, for the document moved, is enough.
            cls._perform(following, notify=False)
        return movements

    @staticmethod
    def _handover_values(document, action, to_employee, to_unit, **values):
        "The values of a movement of document from its present holder"
        return {
            'document': str(document),
            document.movement_field(): document.id,
            'action': action,
            'purpose': 'action',
            'from_employee': document.holder.id,
            'from_unit': document.holder_unit.id
            if document.holder_unit else None,
            'to_employee': to_employee.id,
            'to_unit': to_unit.id if to_unit else None,
            **values,
            }

    @classmethod
    def _audit_details(cls, movement):
        return gettext('edaftar_dak.msg_movement_audit',
            action=movement.action_string,
            purpose=movement.purpose_string,
            from_=movement.from_employee.rec_name
            if movement.from_employee else '-',
            to=movement.to_employee.rec_name
            if movement.to_employee else '-')

    @classmethod
    def record_in_place(cls, documents, action, remark):
        """Record a close or reopen of documents by their holder: a
        movement from the holder to the holder, remark(document) as
        instructions."""
        pool = Pool()
        User = pool.get('res.user')
        me = User.get_edaftar_scope()['employee']
        now = dt.datetime.now()
        vlist = [cls._handover_values(
                document, action, document.holder, document.holder_unit,
                instructions=remark(document),
                actor=Transaction().user,
                on_behalf_of=document.holder.id
                if document.holder.id != me else None,
                sent_at=now, read_at=now, due_date=document.due_date)
            for document in documents]
        return cls._perform(vlist)

    @classmethod
    def escalate(cls, documents, recipients, remark, due_date=None):
        """Hand documents over to the officers above their holders, on the
        server's own authority (a response time passed, a citizen appealed):
        documents pair with recipients (employees); remark(document) is
        the instruction. Recorded, audited and notified as any move."""
        now = dt.datetime.now()
        vlist = [cls._handover_values(
                document, 'escalate', recipient, recipient.edaftar_unit,
                instructions=remark(document),
                actor=Transaction().user or None,
                sent_at=now, read_at=None,
                due_date=due_date or document._default_due_date(document))
            for document, recipient in zip(documents, recipients)]
        return cls._perform(vlist)

    @classmethod
    def pull_back(cls, documents):
        "Recall documents the current user sent and nobody has read yet"
        return cls.create([{
                    'document': str(d),
                    'action': 'pull_back',
                    } for d in documents])

    @classmethod
    def _mark_read_by_holders(cls, movements):
        "Acting on a document means having read what brought it"
        cls.mark_read([m.document for m in movements])

    @classmethod
    def mark_read(cls, documents, employees=None):
        """Set read_at on the unread movements of documents addressed to
        employees (default: whom the current user acts as)."""
        pool = Pool()
        User = pool.get('res.user')
        if employees is None:
            employees = User.get_edaftar_scope()['acting_for']
        if not documents or not employees:
            return
        table = cls.__table__()
        cursor = Transaction().connection.cursor()
        by_field = defaultdict(list)
        for document in documents:
            by_field[document.movement_field()].append(document.id)
        for field, ids in by_field.items():
            cursor.execute(*table.update(
                    [table.read_at], [dt.datetime.now()],
                    where=(getattr(table, field).in_(ids)
                        & table.to_employee.in_(list(employees))
                        & (table.read_at == Null))))

    @classmethod
    def _notify(cls, movements):
        "Tell every recipient at once, in the web client"
        ModelData = Pool().get('ir.model.data')
        messages = []
        for movement in movements:
            if movement.action in {'close', 'reopen'}:
                continue
            document = movement.document
            messages.append(dict(
                    employees=[movement.to_employee],
                    label=gettext('edaftar_dak.msg_movement_notification',
                        document=document.number,
                        action=movement.action_string,
                        purpose=movement.purpose_string,
                        sender=movement.from_employee.rec_name),
                    description=getattr(document, 'subject', '') or '',
                    records=[document],
                    action=(ModelData.get_id(*document._movement_action)
                        if document._movement_action else None),
                    icon='tryton-email'))
        notify_many(messages)


def _reference(value):
    "Return (model, id) of a reference given as 'model,id' or a pair"
    if isinstance(value, str):
        model, _, id_ = value.partition(',')
    elif isinstance(value, (list, tuple)) and len(value) == 2:
        model, id_ = value
    else:
        return (None, None)
    try:
        return (model, int(id_))
    except (TypeError, ValueError):
        return (model, None)


def document_classes():
    "Return {model name: class} of the models that move (DocumentMixin)"
    return {
        name: Model for name, Model in Pool().iterobject()
        if isinstance(Model, type) and issubclass(Model, DocumentMixin)}
