# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Orders of the Chief Minister and the Chief Secretary"
import datetime as dt

from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Workflow, fields)
from trytond.modules.edaftar_base.exceptions import ChatAccessError
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.modules.edaftar_dak.document import (
    PRIORITIES, DocumentMixin, rec_name_domain)
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import DirectiveError, IssuerError

ISSUERS = [
    ('cm', "Chief Minister"),
    ('cs', "Chief Secretary"),
    ]
# The role group of each issuer (XML ids of edaftar_base)
ISSUER_GROUPS = {
    'cm': 'group_chief_minister',
    'cs': 'group_chief_secretary',
    }
TARGET_KINDS = ['department', 'division', 'district']
STATES = [
    ('draft', "Draft"),
    ('issued', "Issued"),
    ('closed', "Closed"),
    ]
_draft = {'readonly': Eval('state') != 'draft'}


def issuers_of_user():
    """Return {issuer: employee id} of the issuers the current user acts
    as: the CM or CS themselves, or their PA/PS for them"""
    pool = Pool()
    User = pool.get('res.user')
    Employee = pool.get('company.employee')
    scope = User.get_edaftar_scope()
    result = {}
    for employee_id in scope['acting_for']:
        employee = Employee(employee_id)
        if not employee.user:
            continue
        roles = User._edaftar_roles(employee.user.id)
        for issuer, group in ISSUER_GROUPS.items():
            if group in roles:
                result.setdefault(issuer, employee_id)
    return result


def issuing_office(employee):
    "Return the executive unit (the CM's or CS's office) of employee"
    pool = Pool()
    OrgUnit = pool.get('edaftar.org.unit')
    if not employee or not employee.edaftar_unit:
        return None
    unit_id = OrgUnit.ancestor_of_kind(
        employee.edaftar_unit.id, ('executive',))
    return OrgUnit(unit_id) if unit_id else None


class Directive(GuardMixin, Workflow, ChatMixin, ModelSQL, ModelView):
    """An order of the Chief Minister or the Chief Secretary to
    departments, divisions or districts: one line a target"""
    __name__ = 'edaftar.directive'
    __string__ = "Directive"
    _rec_name = 'number'

    number = fields.Char("Number", readonly=True)
    issuer = fields.Selection(
        ISSUERS, "Issuer", required=True, sort=False, states=_draft)
    issuer_string = issuer.translated('issuer')
    office = fields.Many2One(
        'edaftar.org.unit', "Issuing Office", readonly=True,
        ondelete='RESTRICT',
        help="The office of the Chief Minister or the Chief Secretary.")
    date = fields.Date("Date", readonly=True, help="The day it was issued.")
    subject = fields.Char(
        "Subject", required=True, strip=True, states=_draft)
    text = fields.Text("Text", required=True, states=_draft)
    deadline = fields.Date("Deadline", required=True, states=_draft)
    priority = fields.Selection(
        PRIORITIES, "Priority", required=True, sort=False, states=_draft)
    departments = fields.Many2Many(
        'edaftar.directive-edaftar.org.unit', 'directive', 'unit',
        "Targets",
        domain=[('kind', 'in', TARGET_KINDS)],
        states={'readonly': Eval('state') == 'closed'},
        help="The departments, divisions or districts the order goes to; "
        "targets added to an issued order get their line with Add Lines.")
    lines = fields.One2Many(
        'edaftar.directive.line', 'directive', "Lines", readonly=True)
    attachments = fields.One2Many(
        'ir.attachment', 'resource', "Attachments", readonly=True)
    drafted_by = fields.Many2One(
        'company.employee', "Drafted By", readonly=True, ondelete='RESTRICT')
    issued_by = fields.Many2One(
        'company.employee', "Issued By", readonly=True, ondelete='RESTRICT')
    on_behalf_of = fields.Many2One(
        'company.employee', "On Behalf Of", readonly=True,
        ondelete='RESTRICT', help="The CM or CS a PA/PS issued it for.")
    issued_at = fields.Timestamp("Issued At", readonly=True)
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.issuer, Index.Equality()),
                    (t.state, Index.Equality()),
                    (t.date, Index.Range(order='DESC'))),
                Index(t, (t.number, Index.Similarity(begin=True))),
                Index(t, (t.office, Index.Range())),
                })
        # CM orders first, in every list.
        cls._order = [
            ('issuer', 'ASC'), ('priority', 'ASC'), ('date', 'DESC'),
            ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'issued'),
            ('issued', 'closed'),
            }
        cls._buttons.update({
                'issue': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'add_lines': {
                    'invisible': Eval('state') != 'issued',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'issued',
                    'depends': ['state'],
                    },
                })

    order_priority = staticmethod(DocumentMixin.order_priority)

    def check_chat(self):
        """The order's discussion is its office's: every target unit reads
        the order, and each talks about its own part on its line"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        groups = set(User.get_groups())
        if any(ModelData.get_id('edaftar_base', g) in groups
                for g in ['group_admin', 'group_auditor']):
            return
        if self.office.id not in User.get_edaftar_scope()['units']:
            raise ChatAccessError(gettext(
                    'edaftar_directive.msg_directive_chat_office',
                    directive=self.rec_name))

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_issuer(cls):
        issuers = issuers_of_user()
        return 'cm' if 'cm' in issuers else 'cs' if 'cs' in issuers else None

    @classmethod
    def default_priority(cls):
        return 'immediate' if cls.default_issuer() == 'cm' else 'urgent'

    @fields.depends('issuer')
    def on_change_issuer(self):
        if self.issuer:
            self.priority = 'immediate' if self.issuer == 'cm' else 'urgent'

    def get_rec_name(self, name):
        return self.number or gettext(
            'edaftar_directive.msg_directive_draft_name', id=self.id)

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['number', 'subject'])

    @classmethod
    def _client_create_fields(cls):
        return {'issuer', 'subject', 'text', 'deadline', 'priority',
            'departments'}

    def _client_write_fields(self):
        # The issuer is chosen at creation: it decides the office.
        return {
            'draft': self._client_create_fields() - {'issuer'},
            'issued': {'departments'},
            }.get(self.state, set())

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Employee = pool.get('company.employee')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            issuers = issuers_of_user()
            issuer = values.get('issuer') or cls.default_issuer()
            if not issuers:
                raise IssuerError(gettext(
                        'edaftar_directive.msg_directive_no_issuer'))
            if issuer not in issuers:
                raise IssuerError(gettext(
                        'edaftar_directive.msg_directive_not_issuer',
                        issuer=dict(ISSUERS).get(issuer, issuer or '-')))
            office = issuing_office(Employee(issuers[issuer]))
            if not office:
                raise IssuerError(gettext(
                        'edaftar_directive.msg_directive_no_office'))
            values.update({
                    'issuer': issuer,
                    'office': office.id,
                    'drafted_by': cls._me(),
                    'state': 'draft',
                    })
            values.setdefault('priority',
                'immediate' if issuer == 'cm' else 'urgent')
        return values

    @staticmethod
    def _me():
        User = Pool().get('res.user')
        return User.get_edaftar_scope()['employee']

    @classmethod
    def check_issuer(cls, directives):
        "Refuse unless the user is the issuer (or their PA/PS) of each"
        issuers = issuers_of_user()
        for directive in directives:
            if directive.issuer not in issuers:
                raise IssuerError(gettext(
                        'edaftar_directive.msg_directive_not_issuer',
                        issuer=directive.issuer_string))
        return issuers

    @classmethod
    def check_modification(cls, mode, directives, values=None,
            external=False):
        super().check_modification(
            mode, directives, values=values, external=external)
        if mode == 'delete':
            for directive in directives:
                if directive.state != 'draft':
                    raise DirectiveError(gettext(
                            'edaftar_directive.msg_directive_delete',
                            directive=directive.rec_name))
        if mode in {'write', 'delete'} and external:
            cls.check_issuer(directives)
        if mode == 'write' and external and 'departments' in values:
            for directive in directives:
                if directive.state != 'draft' and any(
                        action[0] != 'add'
                        for action in values['departments']):
                    raise DirectiveError(gettext(
                            'edaftar_directive.msg_directive_targets_kept',
                            directive=directive.rec_name))

    @classmethod
    def copy(cls, directives, default=None):
        "A copy is a new draft of the same order, to issue again"
        default = default.copy() if default is not None else {}
        for name in ['number', 'office', 'date', 'lines', 'drafted_by',
                'issued_by', 'on_behalf_of', 'issued_at', 'attachments']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(directives, default=default)

    @classmethod
    def validate_fields(cls, directives, field_names):
        super().validate_fields(directives, field_names)
        if field_names & {'deadline', 'state'}:
            today = Pool().get('ir.date').today()
            for directive in directives:
                if (directive.state == 'draft'
                        and directive.deadline < today):
                    raise DirectiveError(gettext(
                            'edaftar_directive.msg_directive_deadline_past',
                            directive=directive.subject,
                            deadline=directive.deadline))

    @classmethod
    @ModelView.button
    @Workflow.transition('issued')
    def issue(cls, directives):
        """Number each order in its issuer's register and send one line to
        the head of each target"""
        pool = Pool()
        Sequence = pool.get('edaftar.document.sequence')
        Date = pool.get('ir.date')
        AuditLog = pool.get('edaftar.audit.log')
        issuers = cls.check_issuer(directives)
        today = Date.today()
        me = cls._me()
        for directive in directives:
            if not directive.departments:
                raise DirectiveError(gettext(
                        'edaftar_directive.msg_directive_no_target',
                        directive=directive.subject))
            if directive.deadline < today:
                raise DirectiveError(gettext(
                        'edaftar_directive.msg_directive_deadline_past',
                        directive=directive.subject,
                        deadline=directive.deadline))
            principal = issuers[directive.issuer]
            directive.number = Sequence.next_number(
                f'{directive.issuer}_directive', directive.office, today)
            directive.date = today
            directive.issued_by = me
            directive.on_behalf_of = principal if principal != me else None
            directive.issued_at = dt.datetime.now()
        cls.save(directives)
        for directive in directives:
            directive._send_lines(directive.departments)
            AuditLog.log([directive], 'issue', on_behalf_of=(
                    directive.on_behalf_of))

    @classmethod
    @ModelView.button
    def add_lines(cls, directives):
        "Send a line to each target added since the order was issued"
        cls.check_issuer(directives)
        for directive in directives:
            if directive.state != 'issued':
                continue
            sent = {l.department for l in directive.lines}
            directive._send_lines(
                [d for d in directive.departments if d not in sent])

    def _send_lines(self, units):
        """Create the lines of units, held by the issuer's office, and
        mark each to the unit's head: the first move of its trail"""
        pool = Pool()
        Line = pool.get('edaftar.directive.line')
        Movement = pool.get('edaftar.movement')
        me = self._me()
        heads = {}
        for unit in units:
            if not unit.head:
                raise DirectiveError(gettext(
                        'edaftar_directive.msg_directive_target_no_head',
                        directive=self.rec_name, unit=unit.rec_name))
            heads[unit] = unit.head
        if not heads:
            return []
        with without_check_access():
            lines = Line.create([{
                        'directive': self.id,
                        'department': unit.id,
                        'deadline': self.deadline,
                        'issuer': self.issuer,
                        'priority': self.priority,
                        'confidentiality': 'normal',
                        'state': 'waiting',
                        'holder': me,
                        'holder_unit': self.office.id,
                        } for unit in heads])
        now = dt.datetime.now()
        Movement._perform([Movement._handover_values(
                    line, 'mark', heads[line.department],
                    heads[line.department].edaftar_unit,
                    instructions=self.subject, actor=Transaction().user,
                    on_behalf_of=self.on_behalf_of.id
                    if self.on_behalf_of else None,
                    sent_at=now, read_at=None, due_date=self.deadline)
                for line in lines])
        return lines

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, directives):
        "Close orders whose every line is done or regretted"
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_issuer(directives)
        for directive in directives:
            open_ = [l for l in directive.lines
                if l.state not in {'done', 'regretted'}]
            if open_:
                raise DirectiveError(gettext(
                        'edaftar_directive.msg_directive_close_open',
                        directive=directive.rec_name,
                        lines=', '.join(l.rec_name for l in open_[:5])))
        AuditLog.log(directives, 'close')


class DirectiveTarget(GuardMixin, ModelSQL):
    __name__ = 'edaftar.directive-edaftar.org.unit'
    __string__ = "Directive Target"

    directive = fields.Many2One(
        'edaftar.directive', "Directive", required=True, ondelete='CASCADE')
    unit = fields.Many2One(
        'edaftar.org.unit', "Unit", required=True, ondelete='RESTRICT')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls.__access__.add('directive')
        cls._sql_indexes.add(Index(t, (t.directive, Index.Range())))


class DocumentSequence(metaclass=PoolMeta):
    __name__ = 'edaftar.document.sequence'

    @classmethod
    def numbering(cls):
        return {
            **super().numbering(),
            'cm_directive': ('CMD-{year}-', 4, 'edaftar_directive'),
            'cs_directive': ('CSD-{year}-', 4, 'edaftar_directive'),
            }
