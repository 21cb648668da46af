# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"A target unit's copy of an order: moved, reported on, replied"
import datetime as dt

from sql import Column

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.modules.edaftar_base.notify import notify
from trytond.modules.edaftar_dak.document import (
    DocumentMixin, rec_name_domain)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Bool, Eval
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .directive import ISSUERS, issuers_of_user
from .exceptions import DirectiveError, IssuerError, ReportError

LINE_STATES = [
    ('waiting', "Waiting"),
    ('in_progress', "In Progress"),
    ('replied', "Replied"),
    ('done', "Done"),
    ('regretted', "Regretted"),
    ]
OPEN_STATES = ['waiting', 'in_progress', 'replied']
# Fields the issuing office writes before its buttons (send back, extend)
EXTENSION_FIELDS = {'new_deadline', 'extension_reason'}
OFFICE_FIELDS = EXTENSION_FIELDS | {'remarks'}


class DirectiveLine(
        DocumentMixin, Workflow, ChatMixin, ModelSQL, ModelView):
    """One target unit's copy of a directive, in that unit's inbox.

    It moves inside the unit as a receipt does (edaftar.movement); the
    holder starts it, writes action reports and replies or regrets; the
    issuing office accepts the reply or sends it back."""
    __name__ = 'edaftar.directive.line'
    __string__ = "Directive Line"
    _rec_name = 'number'
    _movable_states = {'waiting', 'in_progress'}
    _open_states = set(OPEN_STATES)
    _movement_field = 'directive_line'
    _movement_action = ('edaftar_directive', 'act_line_form')
    # The office's fields (remarks only on a reply it decides on); the
    # holder adds reports through the line.
    _client_fields = {
        'waiting': EXTENSION_FIELDS | {'reports'},
        'in_progress': EXTENSION_FIELDS | {'reports'},
        'replied': OFFICE_FIELDS,
        }

    directive = fields.Many2One(
        'edaftar.directive', "Directive", required=True, readonly=True,
        ondelete='RESTRICT')
    department = fields.Many2One(
        'edaftar.org.unit', "Department", required=True, readonly=True,
        ondelete='RESTRICT', help="The unit the order is addressed to.")
    issuer = fields.Selection(
        ISSUERS, "Issuer", readonly=True, required=True, sort=False)
    issuer_string = issuer.translated('issuer')
    subject = fields.Function(
        fields.Char("Subject"), 'get_directive_field',
        searcher='search_directive_field')
    text = fields.Function(fields.Text("Order"), 'get_directive_field')
    deadline = fields.Date("Deadline", required=True, readonly=True)
    issued_on = fields.Date(
        "Issued On", readonly=True,
        help="The day the order was issued (the compliance period).")
    issued_at = fields.Timestamp(
        "Sent At", readonly=True,
        help="When the line went to the unit: the days to reply count "
        "from it.")
    reports = fields.One2Many(
        'edaftar.directive.report', 'line', "Action Reports",
        order=[('submitted_at', 'ASC'), ('id', 'ASC')],
        states={
            'readonly': ~Eval('state').in_(['waiting', 'in_progress'])
            | ~Eval('held_by_me', False),
            })
    replied_at = fields.Timestamp("Replied At", readonly=True)
    replied_by = fields.Many2One(
        'company.employee', "Replied By", readonly=True, ondelete='RESTRICT')
    done_at = fields.Timestamp("Done At", readonly=True)
    on_time = fields.Boolean(
        "On Time", readonly=True, help="Replied by the deadline.")
    remarks = fields.Text(
        "Remarks of the Issuing Office",
        states={'readonly': Eval('state') != 'replied'},
        help="Needed to send a reply back.")
    new_deadline = fields.Date(
        "New Deadline", states={'invisible': ~Eval('state').in_(OPEN_STATES)})
    extension_reason = fields.Text(
        "Reason for Extension",
        states={'invisible': ~Eval('state').in_(OPEN_STATES)})
    file = fields.Many2One(
        'edaftar.file', "File", readonly=True, ondelete='RESTRICT',
        help="The file opened for the order in the unit.")
    participants = fields.Many2Many(
        'edaftar.directive.line-company.employee', 'line', 'employee',
        "Participants", readonly=True)
    state = fields.Selection(
        LINE_STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.directive, Index.Range())),
                Index(t, (t.department, Index.Range()),
                    (t.issuer, Index.Equality()),
                    (t.state, Index.Equality())),
                Index(t, (t.deadline, Index.Range()),
                    where=t.state.in_(OPEN_STATES)),
                Index(t, (t.issued_on, Index.Range())),
                })
        # CM orders first, then the most pressing.
        cls._order = [
            ('issuer', 'ASC'), ('priority', 'ASC'), ('deadline', 'ASC'),
            ('id', 'ASC')]
        cls._transitions |= {
            ('waiting', 'in_progress'),
            ('waiting', 'replied'),
            ('in_progress', 'replied'),
            ('waiting', 'regretted'),
            ('in_progress', 'regretted'),
            ('replied', 'done'),
            ('replied', 'in_progress'),
            }
        movable = list(cls._movable_states)
        cls._buttons.update({
                'start': {
                    'invisible': ((Eval('state') != 'waiting')
                        | ~Eval('held_by_me', False)),
                    'depends': ['state', 'held_by_me'],
                    },
                'move': {
                    'invisible': ~Eval('state').in_(movable),
                    'depends': ['state'],
                    },
                'pull_back': {
                    'invisible': ~Eval('state').in_(movable),
                    'depends': ['state'],
                    },
                'reply': {
                    'invisible': (~Eval('state').in_(movable)
                        | ~Eval('held_by_me', False)),
                    'depends': ['state', 'held_by_me'],
                    },
                'regret': {
                    'invisible': (~Eval('state').in_(movable)
                        | ~Eval('held_by_me', False)),
                    'depends': ['state', 'held_by_me'],
                    },
                'accept': {
                    'invisible': Eval('state') != 'replied',
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'replied',
                    'depends': ['state'],
                    },
                'extend': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                'open_file': {
                    'invisible': (~Eval('state').in_(movable)
                        | Bool(Eval('file'))),
                    'depends': ['state', 'file'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        pool = Pool()
        Directive = pool.get('edaftar.directive')
        table_h = cls.__table_handler__(module)
        filled = table_h.column_exist('issued_on')
        super().__register__(module)
        if not filled:
            # Compliance reads the issue on the line itself, not through
            # a join with every order of the period.
            cursor = Transaction().connection.cursor()
            line, directive = cls.__table__(), Directive.__table__()
            cursor.execute(*line.update(
                    [line.issued_on, line.issued_at], [
                        directive.select(directive.date,
                            where=directive.id == line.directive),
                        directive.select(directive.issued_at,
                            where=directive.id == line.directive)]))

    @classmethod
    def default_state(cls):
        return 'waiting'

    def get_rec_name(self, name):
        return self.number

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['number', 'directive.subject'])

    @classmethod
    def get_directive_field(cls, lines, names):
        """The order's subject and text, in one query for every line (each
        line's reader reads its order)"""
        pool = Pool()
        Directive = pool.get('edaftar.directive')
        line, directive = cls.__table__(), Directive.__table__()
        cursor = Transaction().connection.cursor()
        result = {name: {} for name in names}
        for sub_ids in grouped_slice(
                [l.id for l in lines], backend.MAX_QUERY_PARAMS):
            cursor.execute(*line.join(directive,
                    condition=line.directive == directive.id).select(
                    line.id, *[Column(directive, n) for n in names],
                    where=reduce_ids(line.id, sub_ids)))
            for line_id, *values in cursor:
                for name, value in zip(names, values):
                    result[name][line_id] = value
        return result

    @classmethod
    def search_directive_field(cls, name, clause):
        return [('directive.' + clause[0],) + tuple(clause[1:])]

    @classmethod
    def get_overdue(cls, lines, name):
        today = Pool().get('ir.date').today()
        return {l.id: bool(l.state in {'waiting', 'in_progress'}
                and l.deadline < today) for l in lines}

    @classmethod
    def search_overdue(cls, name, clause):
        today = Pool().get('ir.date').today()
        _, operator, value = clause[:3]
        overdue = [
            ('deadline', '<', today),
            ('state', 'in', ['waiting', 'in_progress']),
            ]
        if (operator == '=') == bool(value):
            return overdue
        return ['OR',
            ('deadline', '>=', today),
            ('state', 'not in', ['waiting', 'in_progress']),
            ]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('directive'):
            pool = Pool()
            Directive = pool.get('edaftar.directive')
            Unit = pool.get('edaftar.org.unit')
            directive = Directive(values['directive'])
            unit = Unit(values['department'])
            values['issued_on'] = directive.date
            values['issued_at'] = dt.datetime.now()
            # Codes are unique among siblings: a district named as its
            # division (Quetta) is told apart by its parent's code.
            code = unit.code
            if unit.kind == 'district' and unit.parent:
                code = f'{unit.parent.code}.{code}'
            values['number'] = f'{directive.number}/{code}'
        return values

    @classmethod
    def _client_create_fields(cls):
        "Lines are made by issuing their directive"
        return set()

    @classmethod
    def check_modification(cls, mode, lines, values=None, external=False):
        super().check_modification(
            mode, lines, values=values, external=external)
        if mode == 'delete':
            raise DirectiveError(gettext(
                    'edaftar_directive.msg_line_no_delete'))
        if mode == 'write' and external and values.keys() & OFFICE_FIELDS:
            cls.check_issuing_office(lines)

    @classmethod
    def check_issuing_office(cls, lines):
        "Refuse unless the user is the issuer of each line's order"
        issuers = issuers_of_user()
        for line in lines:
            if line.issuer not in issuers:
                raise IssuerError(gettext(
                        'edaftar_directive.msg_line_not_issuer',
                        line=line.rec_name, issuer=line.issuer_string))
        return issuers

    @classmethod
    def _default_due_date(cls, line):
        "Marked down without a due date, it is due by the order's deadline"
        return line.deadline

    def _handover_state(self):
        """Marked down inside the unit, it is in progress; the issuing
        office's mark to the head leaves it waiting"""
        if (self.state == 'waiting'
                and self.holder_unit != self.directive.office):
            return 'in_progress'
        return None

    @classmethod
    def _notify_office(cls, lines, message):
        "Tell the issuer and their staff, in the web client"
        ModelData = Pool().get('ir.model.data')
        action_id = ModelData.get_id('edaftar_directive', 'act_line_form')
        for line in lines:
            directive = line.directive
            notify([directive.issued_by, directive.on_behalf_of],
                gettext(message, line=line.rec_name),
                description=directive.subject or '', records=[line],
                action=action_id, icon='tryton-email', assistants=True)

    @classmethod
    def _check_reports(cls, lines):
        for line in lines:
            if not any((r.text or '').strip() for r in line.reports):
                raise ReportError(gettext(
                        'edaftar_directive.msg_line_needs_report',
                        line=line.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def start(cls, lines):
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_holder(lines)
        AuditLog.log(lines, 'start')

    @classmethod
    @ModelView.button_action('edaftar_dak.wizard_move')
    def move(cls, lines):
        pass

    @classmethod
    @ModelView.button
    def pull_back(cls, lines):
        cls._pull_back(lines)

    @classmethod
    @ModelView.button
    @Workflow.transition('replied')
    def reply(cls, lines):
        "Send the action reports to the issuing office"
        cls._answer(lines, 'reply', 'edaftar_directive.msg_line_replied')

    @classmethod
    @ModelView.button
    @Workflow.transition('regretted')
    def regret(cls, lines):
        "Tell the issuing office the unit cannot comply, with its reasons"
        cls._answer(lines, 'regret', 'edaftar_directive.msg_line_regretted')

    @classmethod
    def _answer(cls, lines, action, message):
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        Movement = pool.get('edaftar.movement')
        Report = pool.get('edaftar.directive.report')
        cls.check_holder(lines)
        cls._check_reports(lines)
        Movement.mark_read(lines)
        now = dt.datetime.now()
        me = cls._me()
        for line in lines:
            line.replied_at = now
            line.replied_by = me
            line.on_time = now.date() <= line.deadline
            if action == 'regret':
                line.done_at = now
        cls.save(lines)
        # What the office received is final, even if the line comes back.
        Report.write([r for l in lines for r in l.reports], {'final': True})
        AuditLog.log(lines, action)
        cls._notify_office(lines, message)

    @staticmethod
    def _me():
        User = Pool().get('res.user')
        return User.get_edaftar_scope()['employee']

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def accept(cls, lines):
        "The issuing office accepts the reply: the line is done"
        AuditLog = Pool().get('edaftar.audit.log')
        issuers = cls.check_issuing_office(lines)
        for line in lines:
            acting = set(issuers.values()) | {cls._me()}
            if line.replied_by and line.replied_by.id in acting:
                raise IssuerError(gettext(
                        'edaftar_directive.msg_line_accept_own',
                        line=line.rec_name))
            line.done_at = dt.datetime.now()
        cls.save(lines)
        AuditLog.log(lines, 'accept')

    @classmethod
    @ModelView.button
    @Workflow.transition('in_progress')
    def send_back(cls, lines):
        "The issuing office returns the reply to the unit, with remarks"
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        cls.check_issuing_office(lines)
        for line in lines:
            if not (line.remarks or '').strip():
                raise DirectiveError(gettext(
                        'edaftar_directive.msg_line_send_back_remarks',
                        line=line.rec_name))
            AuditLog.log([line], 'send_back', details=line.remarks)
            # The reply is withdrawn: the next one is what counts.
            line.replied_at = line.replied_by = line.on_time = None
        cls.save(lines)
        for line in lines:
            notify([line.holder], gettext(
                    'edaftar_directive.msg_line_sent_back',
                    line=line.rec_name),
                description=line.remarks, records=[line], icon='tryton-undo')

    @classmethod
    @ModelView.button
    def extend(cls, lines):
        "The issuing office gives a line a later deadline, with a reason"
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        Date = pool.get('ir.date')
        cls.check_issuing_office(lines)
        today = Date.today()
        for line in lines:
            if line.state not in OPEN_STATES:
                continue
            if (not line.new_deadline or line.new_deadline < today
                    or line.new_deadline <= line.deadline):
                raise DirectiveError(gettext(
                        'edaftar_directive.msg_line_extend_date',
                        line=line.rec_name, deadline=line.deadline))
            if not (line.extension_reason or '').strip():
                raise DirectiveError(gettext(
                        'edaftar_directive.msg_line_extend_reason',
                        line=line.rec_name))
            AuditLog.log([line], 'extend', details=gettext(
                    'edaftar_directive.msg_line_extend_audit',
                    old=line.deadline, new=line.new_deadline,
                    reason=line.extension_reason))
            line.deadline = line.due_date = line.new_deadline
            line.new_deadline = None
            line.extension_reason = None
        cls.save(lines)

    @classmethod
    @ModelView.button
    def open_file(cls, lines):
        "Open a file on the order in the unit, held by the one who clicks"
        pool = Pool()
        File = pool.get('edaftar.file')
        AuditLog = pool.get('edaftar.audit.log')
        cls.check_holder(lines)
        for line in lines:
            if line.file:
                continue
            with Transaction().set_context(_check_access=False):
                file, = File.create([{
                            'subject': line.directive.subject,
                            'description': line.directive.text,
                            'priority': line.priority,
                            }])
            line.file = file
            AuditLog.log([line], 'open_file', details=file.number)
        cls.save(lines)


class LineParticipant(GuardMixin, ModelSQL):
    __name__ = 'edaftar.directive.line-company.employee'
    __string__ = "Directive Line Participant"

    line = fields.Many2One(
        'edaftar.directive.line', "Line", required=True, ondelete='CASCADE')
    employee = fields.Many2One(
        'company.employee', "Employee", required=True, ondelete='CASCADE')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('line')
        cls._sql_indexes.update({
                Index(t, (t.employee, Index.Range()), (t.line, Index.Range())),
                Index(t, (t.line, Index.Range())),
                })


class Report(GuardMixin, ModelSQL, ModelView):
    """An action report on a directive line: what the unit did, or why it
    cannot comply; kept as written once the line is answered"""
    __name__ = 'edaftar.directive.report'
    __string__ = "Action Report"

    line = fields.Many2One(
        'edaftar.directive.line', "Line", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    text = fields.Text("Report", required=True)
    attachments = fields.One2Many(
        'ir.attachment', 'resource', "Attachments", readonly=True)
    author = fields.Many2One(
        'company.employee', "Author", readonly=True, ondelete='RESTRICT')
    on_behalf_of = fields.Many2One(
        'company.employee', "On Behalf Of", readonly=True,
        ondelete='RESTRICT')
    submitted_at = fields.Timestamp("Submitted At", readonly=True)
    final = fields.Boolean(
        "Final", readonly=True, help="Sent with a reply or a regret.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('line')
        cls._sql_indexes.add(Index(t, (t.line, Index.Range())))
        cls._order = [('line', 'ASC'), ('submitted_at', 'ASC'), ('id', 'ASC')]

    def get_rec_name(self, name):
        return f'{self.line.rec_name} / {self.id}'

    @classmethod
    def default_final(cls):
        return False

    @classmethod
    def _client_create_fields(cls):
        return {'line', 'text'}

    def _client_write_fields(self):
        return {'text'}

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Line = pool.get('edaftar.directive.line')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            if not values.get('line'):
                raise ReportError(gettext(
                        'edaftar_directive.msg_report_no_line'))
            line = Line(values['line'])
            Line.check_holder([line])
            if line.state not in Line._movable_states:
                raise ReportError(gettext(
                        'edaftar_directive.msg_report_line_answered',
                        line=line.rec_name, state=line.state_string))
            me = Line._me()
            values.update({
                    'author': me,
                    'on_behalf_of': (
                        line.holder.id if line.holder.id != me else None),
                    'submitted_at': dt.datetime.now(),
                    })
        if 'text' in values and not (values['text'] or '').strip():
            raise ReportError(gettext('edaftar_directive.msg_report_empty'))
        return values

    @classmethod
    def check_modification(cls, mode, reports, values=None, external=False):
        super().check_modification(
            mode, reports, values=values, external=external)
        if mode == 'delete':
            raise ReportError(gettext('edaftar_directive.msg_report_no_delete'))
        if mode == 'write' and external:
            me = Pool().get('edaftar.directive.line')._me()
            for report in reports:
                if (report.final
                        or report.line.state not in {'waiting', 'in_progress'}
                        or not report.author or report.author.id != me):
                    raise ReportError(gettext(
                            'edaftar_directive.msg_report_immutable',
                            report=report.rec_name))

    @classmethod
    def on_modification(cls, mode, reports, field_names=None):
        AuditLog = Pool().get('edaftar.audit.log')
        super().on_modification(mode, reports, field_names=field_names)
        AuditLog.log(
            [r.line for r in reports], f'report_{mode}',
            field_names=field_names)


class Movement(metaclass=PoolMeta):
    __name__ = 'edaftar.movement'

    directive_line = fields.Many2One(
        'edaftar.directive.line', "Directive Line", readonly=True,
        ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.directive_line, Index.Range()), (t.id, Index.Range())))
