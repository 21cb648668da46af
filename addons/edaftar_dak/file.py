# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .document import (
    DocumentMixin, employee_unit_department, rec_name_domain)
from .exceptions import StateError
from .movement import MOVE_ACTIONS


class File(DocumentMixin, Workflow, ChatMixin, ModelSQL, ModelView):
    __name__ = 'edaftar.file'
    __string__ = "File"
    _history = True
    _rec_name = 'number'
    _movable_states = {'open'}
    _open_states = {'open'}
    _closing_remark = 'closing_remark'
    _movement_action = ('edaftar_dak', 'act_file_form')
    _client_fields = {
        'open': {
            'subject', 'description', 'priority', 'confidentiality',
            'closing_remark', 'notes', 'drafts', 'correction_reason'},
        'closed': {'reopen_reason'},
        'archived': {'reopen_reason'},
        }
    # A file is created open: only what the holder may change after.
    _corrected_fields = {'subject', 'priority', 'confidentiality'}

    subject = fields.Char(
        "Subject", required=True, strip=True,
        states={'readonly': Eval('state') != 'open'})
    description = fields.Text(
        "Description", states={'readonly': Eval('state') != 'open'})
    section = fields.Many2One(
        'edaftar.org.unit', "Section", required=True, readonly=True,
        ondelete='RESTRICT', help="The unit that opened and owns the file.")
    department = fields.Many2One(
        'edaftar.org.unit', "Department", readonly=True, ondelete='RESTRICT')
    opened_by = fields.Many2One(
        'company.employee', "Opened By", readonly=True)
    receipts = fields.One2Many(
        'edaftar.receipt', 'file', "Receipts", readonly=True)
    notes = fields.One2Many(
        'edaftar.note', 'file', "Noting",
        order=[('number', 'ASC')],
        states={
            'readonly': (Eval('state') != 'open') | ~Eval('held_by_me'),
            },
        help="Numbered paragraphs; the holder adds new ones.")
    drafts = fields.One2Many(
        'edaftar.draft', 'file', "Drafts",
        states={
            'readonly': (Eval('state') != 'open') | ~Eval('held_by_me'),
            },
        help="Drafts for approval of letters, orders and memos.")
    dispatches = fields.One2Many(
        'edaftar.dispatch', 'file', "Dispatches", readonly=True)
    closing_remark = fields.Text(
        "Closing Remark",
        states={'readonly': Eval('state') != 'open'},
        help="Required to close: how the case was concluded.")
    reopen_reason = fields.Text(
        "Reason to Reopen",
        states={'invisible': Eval('state') == 'open'},
        help="Required to reopen a closed or archived file.")
    participants = fields.Many2Many(
        'edaftar.file-company.employee', 'file', 'employee',
        "Participants", readonly=True)
    state = fields.Selection([
            ('open', "Open"),
            ('closed', "Closed"),
            ('archived', "Archived"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls.priority.states = cls.confidentiality.states = {
            'readonly': (Eval('state') != 'open') | ~Eval('held_by_me', True),
            }
        cls._transitions |= {
            ('open', 'closed'),
            ('closed', 'archived'),
            ('closed', 'open'),
            ('archived', 'open'),
            }
        cls._buttons.update({
                'move': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'pull_back': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'archive': {
                    'invisible': Eval('state') != 'closed',
                    'depends': ['state'],
                    },
                'reopen': {
                    'invisible': Eval('state') == 'open',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def _movements_following(cls, movement):
        """Return the values of the moves of the open receipts in the file
        handed over by movement, which its sender held with it: a file's
        letters go where the file goes"""
        pool = Pool()
        Movement = pool.get('edaftar.movement')
        Receipt = pool.get('edaftar.receipt')
        if (movement.purpose != 'action'
                or movement.action not in MOVE_ACTIONS):
            return []
        with without_check_access():
            receipts = Receipt.search([
                    ('file', '=', movement.file.id),
                    ('holder', '=', movement.from_employee.id),
                    ('state', 'in', list(Receipt._movable_states)),
                    ], order=[('id', 'ASC')])
        return [Movement._handover_values(
                receipt, movement.action, movement.to_employee,
                movement.to_unit,
                instructions=gettext(
                    'edaftar_dak.msg_movement_with_file',
                    file=movement.file.number),
                actor=movement.actor.id if movement.actor else None,
                on_behalf_of=movement.on_behalf_of.id
                if movement.on_behalf_of else None,
                sent_at=movement.sent_at, read_at=None,
                due_date=movement.due_date)
            for receipt in receipts]

    @classmethod
    def _client_create_fields(cls):
        # The noting and drafts of a new file are written with it.
        return {'subject', 'description', 'priority', 'confidentiality',
            'notes', 'drafts'}

    @classmethod
    def default_state(cls):
        return 'open'

    def get_rec_name(self, name):
        return f'{self.number}: {self.subject}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['number', 'subject'])

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Receipt = pool.get('edaftar.receipt')
        Sequence = pool.get('edaftar.document.sequence')
        Date = pool.get('ir.date')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            # The creator opens and holds the file, numbered in their
            # department's file register.
            employee = Receipt._current_employee()
            if not employee or not employee.edaftar_unit:
                raise StateError(gettext('edaftar_dak.msg_no_employee'))
            department = employee_unit_department(employee)
            values.update({
                    'holder': employee.id,
                    'holder_unit': employee.edaftar_unit.id,
                    'section': employee.edaftar_unit.id,
                    'department': department.id,
                    'opened_by': employee.id,
                    'number': Sequence.next_number(
                        'file', department, Date.today()),
                    })
        return values

    @classmethod
    def on_modification(cls, mode, files, field_names=None):
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        super().on_modification(mode, files, field_names=field_names)
        if mode == 'create':
            cls._add_participants((f.id, f.holder.id) for f in files)
            # Its noting, written with it, may have read it already: the
            # same opening, logged once.
            AuditLog.log(
                cls.browse(cls._not_opened_lately([f.id for f in files])),
                'open')

    @classmethod
    def copy(cls, files, default=None):
        "A copy is a new file on the same subject, without its contents"
        default = default.copy() if default is not None else {}
        for name in ['receipts', 'notes', 'drafts', 'dispatches',
                'participants', 'closing_remark',
                'reopen_reason', 'due_date']:
            default.setdefault(name, None)
        default.setdefault('state', 'open')
        return super().copy(files, default=default)

    @classmethod
    @ModelView.button_action('edaftar_dak.wizard_move')
    def move(cls, files):
        pass

    @classmethod
    @ModelView.button
    def pull_back(cls, files):
        cls._pull_back(files)

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, files):
        cls._close(files)

    @classmethod
    @ModelView.button
    @Workflow.transition('archived')
    def archive(cls, files):
        cls._archive(files)

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def reopen(cls, files):
        cls._reopen(files)


class FileParticipant(GuardMixin, ModelSQL):
    __name__ = 'edaftar.file-company.employee'
    __string__ = "File Participant"

    file = fields.Many2One(
        'edaftar.file', "File", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('file')
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()), (t.file, Index.Range())),
                Index(t, (t.file, Index.Range())),
                })
