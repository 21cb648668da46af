# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from sql import Cast, Column, Literal, Union
from sql.functions import Substring

from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.modules.edaftar_base.notify import notify_many
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.report import Report
from trytond.rpc import RPC
from trytond.tools import escape_wildcard, unescape_wildcard
from trytond.transaction import (
    Transaction, check_access, without_check_access)

from .document import (
    ArrayOfQuery, DocumentMixin, create_full_text_index,
    employee_unit_department, keyword_match, keyword_terms, keyword_text,
    rec_name_domain)
from .exceptions import LetterDateError, StateError

MODES = [
    ('hand', "By Hand"),
    ('post', "Post"),
    ('courier', "Courier"),
    ('email', "E-mail"),
    ('fax', "Fax"),
    ('portal', "Citizen Portal"),
    ]
CATEGORIES = [
    ('letter', "Letter"),
    ('application', "Application"),
    ('complaint', "Complaint"),
    ('notification', "Notification"),
    ('order', "Order / Directive"),
    ('summary', "Summary"),
    ('court', "Court Case"),
    ('assembly', "Assembly Business"),
    ('other', "Other"),
    ]
# The receipt's own text searched by keywords
KEYWORD_FIELDS = [
    'subject', 'sender_name', 'sender_organisation', 'letter_ref']

# The particulars of a letter: entered by the clerk, corrected afterwards
# by its holder only with a reason (DocumentMixin._corrected_fields).
PARTICULARS = {
    'received_date', 'mode', 'sender_name', 'sender_designation',
    'sender_organisation', 'sender_address', 'letter_ref', 'letter_date',
    'subject', 'category', 'priority', 'confidentiality'}
MOVABLE_STATES = ['registered', 'in_process', 'actioned']

_draft_only = {'readonly': Eval('state') != 'draft'}
_particular = {
    'readonly': (Eval('state') != 'draft') & ~(
        Eval('held_by_me', False) & Eval('state').in_(MOVABLE_STATES)),
    }


class Receipt(DocumentMixin, Workflow, ChatMixin, ModelSQL, ModelView):
    __name__ = 'edaftar.receipt'
    __string__ = "Receipt"
    _history = True
    _rec_name = 'number'
    _movable_states = set(MOVABLE_STATES)
    _open_states = {'draft', 'registered', 'in_process', 'actioned'}
    _closing_remark = 'disposal_remark'
    _movement_action = ('edaftar_dak', 'act_receipt_form')
    _client_fields = {
        'draft': PARTICULARS | {'department'},
        **{s: PARTICULARS | {'disposal_remark', 'correction_reason'}
            for s in MOVABLE_STATES},
        'closed': {'reopen_reason'},
        'archived': {'reopen_reason'},
        }
    _corrected_fields = PARTICULARS

    department = fields.Many2One(
        'edaftar.org.unit', "Department", required=True,
        ondelete='RESTRICT', states=_draft_only,
        domain=[('kind', 'in',
                ['department', 'executive', 'division', 'district'])],
        help="The department whose register numbers the receipt.")
    received_date = fields.Date(
        "Received", required=True, states=_particular)
    mode = fields.Selection(
        MODES, "Mode", required=True, sort=False, states=_particular)
    sender_name = fields.Char(
        "Sender", required=True, states=_particular, strip=True)
    sender_designation = fields.Char(
        "Sender Designation", states=_particular)
    sender_organisation = fields.Char(
        "Sender Organisation", states=_particular)
    sender_address = fields.Text("Sender Address", states=_particular)
    letter_ref = fields.Char("Letter Reference", states=_particular)
    letter_date = fields.Date("Letter Date", states=_particular)
    subject = fields.Char(
        "Subject", required=True, states=_particular, strip=True)
    category = fields.Selection(
        CATEGORIES, "Category", required=True, sort=False,
        states=_particular)
    file = fields.Many2One(
        'edaftar.file', "File", readonly=True, ondelete='RESTRICT',
        help="The file the receipt is placed in.")
    registered_by = fields.Many2One(
        'company.employee', "Registered By", readonly=True)
    registered_at = fields.Timestamp("Registered At", readonly=True)
    disposal_remark = fields.Text(
        "Disposal Remark",
        states={
            'readonly': ~Eval('state').in_(
                ['registered', 'in_process', 'actioned']),
            },
        help="Required to close: how the matter was disposed of.")
    reopen_reason = fields.Text(
        "Reason to Reopen",
        states={
            'invisible': ~Eval('state').in_(['closed', 'archived']),
            },
        help="Required to reopen a closed or archived receipt.")
    participants = fields.Many2Many(
        'edaftar.receipt-company.employee', 'receipt', 'employee',
        "Participants", readonly=True,
        help="Everyone the receipt went through; they keep seeing it.")
    attachments = fields.One2Many(
        'ir.attachment', 'resource', "Attachments", readonly=True)
    keywords = fields.Function(
        fields.Char(
            "Keywords",
            help="Words of the subject, sender, letter reference, noting "
            "of the file or names of the attachments."),
        'get_keywords', searcher='search_keywords')
    wing = fields.Function(
        fields.Many2One(
            'edaftar.org.unit', "Wing",
            help="The wing where the receipt is now."),
        'get_wing', searcher='search_wing')
    state = fields.Selection([
            ('draft', "Draft"),
            ('registered', "Registered"),
            ('in_process', "In Process"),
            ('actioned', "Actioned"),
            ('closed', "Closed"),
            ('archived', "Archived"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.received_date, Index.Range(order='DESC'))),
                Index(t, (t.department, Index.Range()),
                    (t.state, Index.Equality())),
                Index(t, (t.file, Index.Range())),
                })
        cls._order = [('received_date', 'DESC'), ('id', 'DESC')]
        cls.priority.states = cls.confidentiality.states = _particular
        cls.__rpc__['place_in_file'] = RPC(readonly=False, instantiate=0)
        cls._transitions |= {
            ('draft', 'registered'),
            ('registered', 'in_process'),
            ('in_process', 'actioned'),
            ('registered', 'closed'),
            ('in_process', 'closed'),
            ('actioned', 'closed'),
            ('closed', 'archived'),
            ('closed', 'in_process'),
            ('archived', 'in_process'),
            }
        cls._buttons.update({
                'register': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'move': {
                    'invisible': ~Eval('state').in_(
                        list(cls._movable_states)),
                    'depends': ['state'],
                    },
                'pull_back': {
                    'invisible': ~Eval('state').in_(
                        list(cls._movable_states)),
                    'depends': ['state'],
                    },
                'put_in_file': {
                    'invisible': (~Eval('state').in_(
                            list(cls._movable_states))
                        | Bool(Eval('file'))),
                    'depends': ['state', 'file'],
                    },
                'actioned': {
                    'invisible': Eval('state') != 'in_process',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': ~Eval('state').in_(
                        list(cls._movable_states)),
                    'depends': ['state'],
                    },
                'archive': {
                    'invisible': Eval('state') != 'closed',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': ~Eval('state').in_(['closed', 'archived']),
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table = cls.__table__()
        create_full_text_index(cls, 'keywords', keyword_text(
                *(Column(table, n) for n in KEYWORD_FIELDS)))

    def _handover_state(self):
        "A registered letter is in process once it is marked"
        return 'in_process' if self.state == 'registered' else None

    @classmethod
    def _client_create_fields(cls):
        return cls._client_fields['draft']

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_mode(cls):
        return 'hand'

    @classmethod
    def default_category(cls):
        return 'letter'

    @classmethod
    def default_received_date(cls):
        return Pool().get('ir.date').today()

    @classmethod
    def default_department(cls):
        employee = cls._current_employee()
        department = employee_unit_department(employee)
        return department.id if department else None

    @staticmethod
    def _current_employee():
        pool = Pool()
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        employee_id = User.get_edaftar_scope()['employee']
        return Employee(employee_id) if employee_id else None

    def get_rec_name(self, name):
        return self.number or gettext(
            'edaftar_dak.msg_receipt_draft_name', id=self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['number', 'subject'])

    def get_keywords(self, name):
        return None

    @classmethod
    def search_keywords(cls, name, clause):
        """Receipts with each word of the value in their subject, sender,
        letter reference, file noting or attachment names"""
        _, operator, value = clause[:3]
        if Transaction().database.has_search_full_text():
            terms = keyword_terms(value)
            if not terms:
                return []
            query = cls._keyword_query_full_text(terms)
            if operator.startswith('not'):
                return [('id', '!=', ArrayOfQuery(query, 'ALL'))]
            return [('id', '=', ArrayOfQuery(query))]
        else:
            queries = [cls._keyword_query_like(w) for w in
                unescape_wildcard(value or '').replace('%', ' ').split()]
        if not queries:
            return []
        if operator.startswith('not'):
            return ['OR'] + [('id', 'not in', q) for q in queries]
        return [('id', 'in', q) for q in queries]

    @classmethod
    def _keyword_noting(cls, pattern):
        "Return the query of the files the user may read with term in noting"
        pool = Pool()
        File = pool.get('edaftar.file')
        Note = pool.get('edaftar.note')
        # The notes are those of the files found: the files' rules are
        # enough, the notes' own (the same, through their file) not needed.
        with without_check_access(), Transaction().set_context({
                    'edaftar.note.text.search_full_text': True}):
            notes = Note.search(
                [('text', 'ilike', pattern)], order=[], query=True)
        with check_access():
            return File.search([('notes', 'in', notes)], order=[], query=True)

    @classmethod
    def _keyword_query_full_text(cls, terms):
        """Return the query of the ids of the receipts holding every term,
        with PostgreSQL's full-text search (indexed by __register__).

        Most matches have all the terms in the receipt's own text: one
        GIN index scan finds them. The others are looked for only among
        the receipts whose attachment names or file noting hold a term."""
        Attachment = Pool().get('ir.attachment')
        receipt = cls.__table__()
        text = keyword_text(*(Column(receipt, n) for n in KEYWORD_FIELDS))
        own = Literal(True)
        for term in terms:
            own &= keyword_match(text, term)
        queries = [receipt.select(receipt.id, where=own)]

        prefix = cls.__name__ + ','
        attached, noted = [], []
        for term in terms:
            attachment = Attachment.__table__()
            attached.append(attachment.select(
                    Cast(Substring(attachment.resource, len(prefix) + 1),
                        cls.id.sql_type().base),
                    where=attachment.resource.like(prefix + '%')
                    & keyword_match(keyword_text(attachment.name), term)))
            noted.append(cls._keyword_noting(
                    '%' + escape_wildcard(term) + '%'))
        # One IN over the candidates, so that they drive the plan through
        # the primary key and the file index.
        in_file = cls.__table__()
        candidates = Union(*attached, in_file.select(in_file.id,
                where=in_file.file.in_(Union(*noted))))
        other = cls.__table__()
        text = keyword_text(*(Column(other, n) for n in KEYWORD_FIELDS))
        where = other.id.in_(candidates)
        for term, attached_ids, noted_ids in zip(terms, attached, noted):
            where &= (keyword_match(text, term)
                | other.id.in_(attached_ids) | other.file.in_(noted_ids))
        queries.append(other.select(other.id, where=where))
        return Union(*queries)

    @classmethod
    def _keyword_query_like(cls, word):
        """Return the query of the ids of the receipts holding word as a
        substring (the fallback where there is no full-text search)"""
        pattern = '%' + escape_wildcard(word) + '%'
        files = cls._keyword_noting(pattern)
        return Union(*(cls.search(d, order=[], query=True) for d in [
                    ['OR'] + [(n, 'ilike', pattern) for n in KEYWORD_FIELDS],
                    [('attachments.name', 'ilike', pattern)],
                    [('file', 'in', files)],
                    ]))

    @classmethod
    def get_wing(cls, receipts, name):
        Unit = Pool().get('edaftar.org.unit')
        tree = Unit.get_tree()
        return {
            r.id: Unit.ancestor_of_kind(r.holder_unit.id, {'wing'}, tree)
            if r.holder_unit else None
            for r in receipts}

    @classmethod
    def search_wing(cls, name, clause):
        "Receipts held in the matching wings or in units below them"
        Unit = Pool().get('edaftar.org.unit')
        _, operator, value = clause[:3]
        target = clause[0][len(name) + 1:] or (
            'rec_name' if isinstance(value, str) else 'id')
        negations = {
            '!=': '=', 'not in': 'in',
            'not like': 'like', 'not ilike': 'ilike',
            }
        wings = Unit.search([
                ('kind', '=', 'wing'),
                (target, negations.get(operator, operator), value),
                ])
        units = sorted(Unit.subtree_ids([w.id for w in wings]))
        return [('holder_unit',
                'not in' if operator in negations else 'in', units)]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # Whoever creates the receipt holds it until it moves.
            employee = cls._current_employee()
            if employee:
                values['holder'] = employee.id
                values['holder_unit'] = (
                    employee.edaftar_unit.id
                    if employee.edaftar_unit else None)
        return values

    @classmethod
    def validate_fields(cls, receipts, field_names):
        super().validate_fields(receipts, field_names)
        cls.check_letter_date(receipts, field_names)

    @classmethod
    def check_letter_date(cls, receipts, field_names=None):
        if field_names and not (
                field_names & {'letter_date', 'received_date'}):
            return
        today = Pool().get('ir.date').today()
        for receipt in receipts:
            if receipt.letter_date and receipt.letter_date > today:
                raise LetterDateError(gettext(
                        'edaftar_dak.msg_letter_date_future',
                        receipt=receipt.subject,
                        date=receipt.letter_date))
            if receipt.received_date > today:
                raise LetterDateError(gettext(
                        'edaftar_dak.msg_received_date_future',
                        receipt=receipt.subject,
                        date=receipt.received_date))
            if (receipt.letter_date
                    and receipt.letter_date > receipt.received_date):
                raise LetterDateError(gettext(
                        'edaftar_dak.msg_letter_date_after_received',
                        receipt=receipt.subject,
                        letter_date=receipt.letter_date,
                        received_date=receipt.received_date))

    @classmethod
    def copy(cls, receipts, default=None):
        default = default.copy() if default is not None else {}
        for name in ['number', 'file', 'registered_by', 'registered_at',
                'disposal_remark', 'reopen_reason', 'due_date',
                'holder', 'holder_unit']:
            default.setdefault(name, None)
        default.setdefault('participants', None)
        default.setdefault('attachments', None)
        return super().copy(receipts, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('registered')
    def register(cls, receipts):
        pool = Pool()
        Sequence = pool.get('edaftar.document.sequence')
        AuditLog = pool.get('edaftar.audit.log')
        cls.check_holder(receipts)
        employee = cls._current_employee()
        now = dt.datetime.now()
        for receipt in receipts:
            receipt.number = Sequence.next_number(
                'receipt', receipt.department, receipt.received_date)
            receipt.registered_by = employee
            receipt.registered_at = now
        cls.save(receipts)
        cls._add_participants(
            (r.id, employee.id if employee else None) for r in receipts)
        AuditLog.log(receipts, 'register')

    @classmethod
    def register_intake(cls, receipts, holder):
        """Register draft receipts that came in without a clerk (the citizen
        portal) into the hands of holder (an employee), on the server's own
        authority: numbered in their department's register and audited as
        any registration."""
        pool = Pool()
        Sequence = pool.get('edaftar.document.sequence')
        AuditLog = pool.get('edaftar.audit.log')
        now = dt.datetime.now()
        for receipt in receipts:
            receipt.number = Sequence.next_number(
                'receipt', receipt.department, receipt.received_date)
            receipt.holder = holder
            receipt.holder_unit = holder.edaftar_unit
            receipt.registered_at = now
            receipt.state = 'registered'
        with without_check_access():
            cls.save(receipts)
        cls._add_participants((r.id, holder.id) for r in receipts)
        AuditLog.log(receipts, 'register', details=gettext(
                'edaftar_dak.msg_receipt_intake_audit',
                holder=holder.rec_name))
        # No movement brought it: the holder is told here.
        ModelData = pool.get('ir.model.data')
        notify_many([dict(
                    employees=[holder], assistants=True,
                    label=gettext('edaftar_dak.msg_receipt_intake_notification',
                        receipt=r.number),
                    description=r.subject, records=[r],
                    action=ModelData.get_id(*r._movement_action),
                    icon='tryton-email') for r in receipts])

    @classmethod
    @ModelView.button_action('edaftar_dak.wizard_move')
    def move(cls, receipts):
        pass

    @classmethod
    @ModelView.button
    def pull_back(cls, receipts):
        cls._pull_back(receipts)

    @classmethod
    @ModelView.button_action('edaftar_dak.wizard_put_in_file')
    def put_in_file(cls, receipts):
        pass

    @classmethod
    def place_in_file(cls, receipts, file):
        "Put receipts the user holds in an open file the user holds"
        pool = Pool()
        File = pool.get('edaftar.file')
        AuditLog = pool.get('edaftar.audit.log')
        if isinstance(file, int):
            file = File(file)
        cls.check_holder(receipts)
        File.check_holder([file])
        for receipt in receipts:
            if receipt.state not in cls._movable_states or receipt.file:
                raise StateError(gettext(
                        'edaftar_dak.msg_receipt_not_fileable',
                        receipt=receipt.rec_name))
        if file.state != 'open':
            raise StateError(gettext(
                    'edaftar_dak.msg_file_not_open', file=file.rec_name))
        # Checked above: the file is set here and nowhere else.
        with without_check_access():
            cls.write(receipts, {'file': file.id})
        AuditLog.log(receipts, 'put_in_file', details=file.rec_name)

    @classmethod
    @ModelView.button
    @Workflow.transition('actioned')
    def actioned(cls, receipts):
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_holder(receipts)
        AuditLog.log(receipts, 'actioned')

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, receipts):
        cls._close(receipts)

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    def archive(cls, receipts):
        cls._archive(receipts)

    @classmethod
    @ModelView.button
    @Workflow.transition('in_process')
    def reopen(cls, receipts):
        cls._reopen(receipts)


class ReceiptParticipant(GuardMixin, ModelSQL):
    __name__ = 'edaftar.receipt-company.employee'
    __string__ = "Receipt Participant"

    receipt = fields.Many2One(
        'edaftar.receipt', "Receipt", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('receipt')
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()),
                    (t.receipt, Index.Range())),
                Index(t, (t.receipt, Index.Range())),
                })


class ReceiptHistory(Report):
    "The movement history of receipts, to print"
    __name__ = 'edaftar.receipt.history'
