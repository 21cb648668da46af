# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""CM Summaries and CS Notes: papers drafted in a department and approved
along a route of steps (edaftar_dak's ApprovalMixin)"""
import datetime as dt

from sql import Column, Literal, Null
from sql.aggregate import Max
from sql.conditionals import Coalesce
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Index, ModelSQL, ModelView, Unique, Workflow, fields)
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.modules.edaftar_base.notify import notify
from trytond.modules.edaftar_dak.approval import (
    ApprovalMixin, ApprovalStepMixin)
from trytond.modules.edaftar_dak.document import rec_name_domain
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import PaperAccessError, RouteError, VettingError

SUMMARY_STATES = [
    ('draft', "Draft"),
    ('sent', "Sent"),
    ('approved', "Approved"),
    ('dispatched', "Dispatched"),
    ('returned', "Returned"),
    ]
NOTE_STATES = [
    ('draft', "Draft"),
    ('sent', "Sent"),
    ('under_review', "Under Review"),
    ('approved', "Approved"),
    ('sent_back', "Sent Back"),
    ]
STEP_KINDS = [
    ('wing_head', "Wing Head"),
    ('department_head', "Department Head"),
    ('chief_secretary', "Chief Secretary"),
    ('chief_minister', "Chief Minister"),
    ('post', "Named Post"),
    ]
# The default route of a summary (a department without a route of its own)
DEFAULT_ROUTE = ['wing_head', 'department_head', 'chief_secretary',
    'chief_minister']
# The role group of the executive posts, in edaftar_base
EXECUTIVE_GROUPS = {
    'chief_secretary': 'group_chief_secretary',
    'chief_minister': 'group_chief_minister',
    }
TEXT_FIELDS = {'subject', 'body', 'source'}
SOURCES = [
    (None, ''),
    ('edaftar.receipt', "Receipt"),
    ('edaftar.file', "File"),
    ]
# The author writes the text of a draft; a returned or sent-back paper is
# made a draft again (its `draft` button) to be reworked.
_editable = {'readonly': Eval('state') != 'draft'}


def _scope():
    User = Pool().get('res.user')
    return User.get_edaftar_scope()


def executive(kind):
    """The active employee holding the executive post kind
    (chief_secretary, chief_minister), or None"""
    pool = Pool()
    Employee = pool.get('company.employee')
    ModelData = pool.get('ir.model.data')
    group = ModelData.get_id('edaftar_base', EXECUTIVE_GROUPS[kind])
    with without_check_access():
        employees = Employee.search([
                ('user.groups', '=', group),
                ('user.active', '=', True),
                ('active', '=', True),
                ], order=[('id', 'ASC')], limit=1)
    return employees[0] if employees else None


class PaperMixin(GuardMixin, ApprovalMixin, Workflow, ChatMixin):
    """A paper drafted in a department: numbered from the department's
    register, written by its author while a draft (or back with them),
    read by the department's scope and by the people on its route from the
    moment it reaches them (the model's ir.rule)."""
    __slots__ = ()
    _numbering = None
    # The states in which the author writes the text
    _author_states = {'draft'}

    number = fields.Char("Number", readonly=True)
    department = fields.Many2One(
        'edaftar.org.unit', "Department", readonly=True, ondelete='RESTRICT',
        help="The author's department, whose register numbers it.")
    unit = fields.Many2One(
        'edaftar.org.unit', "Unit", readonly=True, ondelete='RESTRICT',
        help="The author's wing or section.")
    subject = fields.Char(
        "Subject", required=True, strip=True, states=_editable)
    body = fields.Text("Text", states=_editable)
    source = fields.Reference(
        "Source", SOURCES, states=_editable,
        help="The receipt or file the paper is about.")
    sent_at = fields.Timestamp("Sent At", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Similarity(begin=True))),
                Index(t, (t.department, Index.Range()),
                    (t.state, Index.Equality())),
                Index(t, (t.author, Index.Range())),
                })
        cls._order = [('sent_at', 'ASC NULLS LAST'), ('id', 'DESC')]

    @classmethod
    def default_state(cls):
        return 'draft'

    def get_rec_name(self, name):
        return f'{self.number}: {self.subject}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['number', 'subject'])

    @classmethod
    def _client_create_fields(cls):
        return TEXT_FIELDS

    def _client_write_fields(self):
        if self.state in self._author_states:
            return TEXT_FIELDS
        if self.current_step:
            return {'remarks'}
        return set()

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        Employee = pool.get('company.employee')
        OrgUnit = pool.get('edaftar.org.unit')
        Sequence = pool.get('edaftar.document.sequence')
        Date = pool.get('ir.date')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            employee = Employee(values['author'])
            unit = employee.edaftar_unit
            department_id = unit and OrgUnit.ancestor_of_kind(
                unit.id, ('department', 'division', 'executive'))
            if not department_id:
                raise RouteError(gettext(
                        'edaftar_summary.msg_paper_no_department',
                        employee=employee.rec_name))
            department = OrgUnit(department_id)
            values.update({
                    'unit': unit.id,
                    'department': department.id,
                    'state': 'draft',
                    'sent_at': None,
                    'number': Sequence.next_number(
                        cls._numbering, department, Date.today()),
                    })
        return values

    @classmethod
    def check_modification(cls, mode, papers, values=None, external=False):
        super().check_modification(
            mode, papers, values=values, external=external)
        if mode == 'delete':
            for paper in papers:
                if paper.state != 'draft' or paper.steps:
                    raise PaperAccessError(gettext(
                            'edaftar_summary.msg_paper_no_delete',
                            paper=paper.rec_name))
        if not external or mode not in {'write', 'delete'}:
            return
        acting_for = set(_scope()['acting_for'])
        text = (values or {}).keys() & TEXT_FIELDS
        for paper in papers:
            if mode == 'delete' or text:
                if paper.author.id not in acting_for:
                    raise PaperAccessError(gettext(
                            'edaftar_summary.msg_paper_not_author',
                            paper=paper.rec_name,
                            author=paper.author.rec_name))
        if values and 'remarks' in values:
            cls.check_decider(papers)

    @classmethod
    def copy(cls, papers, default=None):
        "A copy is a new draft of the same text, numbered and written anew"
        default = default.copy() if default is not None else {}
        for name in ['steps', 'vettings', 'decision', 'dispatched_by',
                'dispatched_at', 'reviewed_by', 'reviewed_at', 'sent_at']:
            if name in cls._fields:
                default.setdefault(name, None)
        return super().copy(papers, default=default)

    @classmethod
    def check_author(cls, papers):
        acting_for = set(_scope()['acting_for'])
        for paper in papers:
            if paper.author.id not in acting_for:
                raise PaperAccessError(gettext(
                        'edaftar_summary.msg_paper_not_author',
                        paper=paper.rec_name, author=paper.author.rec_name))

    @classmethod
    def check_attachment(cls, papers):
        """Attachments are part of the text: its author's, while a
        draft"""
        cls.check_author(papers)
        for paper in papers:
            if paper.state != 'draft':
                raise PaperAccessError(gettext(
                        'edaftar_summary.msg_paper_attachment_state',
                        paper=paper.rec_name, state=paper.state_string))

    @classmethod
    def _redraft(cls, papers):
        "The author takes back a paper sent back, to rework it"
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_author(papers)
        AuditLog.log(papers, 'draft')

    @classmethod
    def _send(cls, papers):
        "The author sends the papers along a fresh route"
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_author(papers)
        for paper in papers:
            if not (paper.body or '').strip():
                raise RouteError(gettext(
                        'edaftar_summary.msg_paper_no_body',
                        paper=paper.rec_name))
            paper.remarks = None
            paper.sent_at = dt.datetime.now()
        cls.save(papers)
        cls.send_for_approval(papers)
        for paper in papers:
            AuditLog.log([paper], 'send', details=', '.join(
                    f'{s.sequence}. {s.approver.rec_name}'
                    for s in paper.steps if s.decision == 'pending'))

    def _resolve_step(self, kind, employee=None):
        "The employee deciding a route step of kind for this paper, or None"
        pool = Pool()
        OrgUnit = pool.get('edaftar.org.unit')
        if kind == 'post':
            return employee if employee and employee.active else None
        if kind in EXECUTIVE_GROUPS:
            return executive(kind)
        kinds = {
            'wing_head': ('wing', 'district'),
            'department_head': ('department', 'division', 'executive'),
            }[kind]
        unit_id = OrgUnit.ancestor_of_kind(self.unit.id, kinds)
        return OrgUnit(unit_id).head if unit_id else None

    def _route_from(self, kinds):
        """Steps values from [(kind, employee or None, label)]: the
        author's own step and a repeat of the previous approver are
        skipped; a step nobody holds is refused"""
        route, previous = [], None
        for kind, employee, label in kinds:
            approver = self._resolve_step(kind, employee)
            if approver is None:
                if kind == 'wing_head':
                    # A paper drafted outside any wing has no wing step.
                    continue
                raise RouteError(gettext(
                        'edaftar_summary.msg_route_unresolved',
                        paper=self.rec_name, step=label))
            if approver == self.author or approver == previous:
                continue
            route.append({'role': label, 'approver': approver.id,
                    'kind': kind})
            previous = approver
        return route


class Summary(PaperMixin, ModelSQL, ModelView):
    """A Summary for the Chief Minister: drafted in a department, vetted by
    other departments, approved step by step (wing head, department head,
    Chief Secretary, Chief Minister by default) and dispatched back with
    the decision. Every saved text is kept (_history)."""
    __name__ = 'edaftar.summary'
    __string__ = "Summary for the Chief Minister"
    _history = True
    _numbering = 'summary'
    _approval_step_model = 'edaftar.summary.step'
    _approval_action = ('edaftar_summary', 'act_summary_form')

    steps = fields.One2Many(
        'edaftar.summary.step', 'summary', "Route", readonly=True)
    vettings = fields.One2Many(
        'edaftar.summary.vetting', 'summary', "Vettings", readonly=True)
    versions = fields.One2Many(
        'edaftar.summary.version', 'summary', "Versions", readonly=True)
    decision = fields.Text(
        "Decision",
        states={'readonly': Eval('state') != 'approved'},
        help="The Chief Minister's decision as communicated back to the "
        "department.")
    dispatched_by = fields.Many2One(
        'company.employee', "Dispatched By", readonly=True,
        ondelete='RESTRICT')
    dispatched_at = fields.Timestamp("Dispatched At", readonly=True)
    state = fields.Selection(
        SUMMARY_STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.remarks.states = {'readonly': Eval('state') != 'sent'}
        cls._transitions |= {
            ('draft', 'sent'),
            ('sent', 'approved'),
            ('sent', 'returned'),
            ('returned', 'draft'),
            ('approved', 'dispatched'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'sent',
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'sent',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'returned',
                    'depends': ['state'],
                    },
                'dispatch': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                })

    def _client_write_fields(self):
        if self.state == 'approved':
            return {'decision'}
        return super()._client_write_fields()

    @classmethod
    def check_modification(cls, mode, summaries, values=None,
            external=False):
        super().check_modification(
            mode, summaries, values=values, external=external)
        if external and mode == 'write' and 'decision' in values:
            cls.check_dispatcher(summaries)


    def _approval_route(self):
        Route = Pool().get('edaftar.summary.route')
        kind_names = dict(STEP_KINDS)
        with without_check_access():
            routes = Route.search(
                [('department', '=', self.department.id)], limit=1)
        if routes and routes[0].steps:
            kinds = [(s.kind, s.employee, s.employee.rec_name
                    if s.kind == 'post' and s.employee
                    else kind_names[s.kind])
                for s in routes[0].steps]
        else:
            kinds = [(k, None, kind_names[k]) for k in DEFAULT_ROUTE]
        return self._route_from(kinds)

    def _check_step(self, step):
        "The Chief Secretary's step waits for every vetting"
        if step.kind == 'chief_secretary':
            waiting = [v for v in self.vettings if v.state == 'requested']
            if waiting:
                raise VettingError(gettext(
                        'edaftar_summary.msg_vetting_unanswered',
                        summary=self.rec_name,
                        departments=', '.join(
                            v.department.rec_name for v in waiting)))

    @classmethod
    def check_dispatcher(cls, summaries):
        """Refuse unless the user is the Chief Minister who approved the
        summaries, or their PA/PS: the Chief Minister's office"""
        acting_for = set(_scope()['acting_for'])
        for summary in summaries:
            if not (summary.approved_by
                    and summary.approved_by.id in acting_for):
                raise PaperAccessError(gettext(
                        'edaftar_summary.msg_summary_not_cm_office',
                        summary=summary.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('sent')
    def send(cls, summaries):
        cls._send(summaries)

    @classmethod
    @ModelView.button
    def approve(cls, summaries):
        finished = cls.decide(summaries, 'approved')
        cls._approved(finished)

    @classmethod
    @Workflow.transition('approved')
    def _approved(cls, summaries):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def send_back(cls, summaries):
        cls.decide(summaries, 'returned')

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, summaries):
        cls._redraft(summaries)

    @classmethod
    @ModelView.button
    @Workflow.transition('dispatched')
    def dispatch(cls, summaries):
        "The CM's office communicates the decision back to the department"
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        ModelData = pool.get('ir.model.data')
        cls.check_dispatcher(summaries)
        me = _scope()['employee']
        for summary in summaries:
            if not (summary.decision or '').strip():
                raise RouteError(gettext(
                        'edaftar_summary.msg_summary_no_decision',
                        summary=summary.rec_name))
            summary.dispatched_by = me
            summary.dispatched_at = dt.datetime.now()
        cls.save(summaries)
        action = ModelData.get_id('edaftar_summary', 'act_summary_form')
        for summary in summaries:
            AuditLog.log([summary], 'dispatch', details=summary.decision)
            notify([summary.author, summary.department.head],
                gettext('edaftar_summary.msg_summary_dispatched',
                    summary=summary.rec_name),
                description=summary.decision, records=[summary],
                action=action, icon='tryton-forward', assistants=True)


class SummaryStep(ApprovalStepMixin):
    "A step of a summary's route"
    __name__ = 'edaftar.summary.step'
    __string__ = "Summary Step"
    _paper_field = 'summary'

    summary = fields.Many2One(
        'edaftar.summary', "Summary", required=True, readonly=True,
        ondelete='CASCADE')
    kind = fields.Selection(STEP_KINDS, "Kind", readonly=True)


class SummaryVetting(GuardMixin, Workflow, ModelSQL, ModelView):
    """A request to another department for its comments on a summary: its
    head and scope see the summary because it was asked"""
    __name__ = 'edaftar.summary.vetting'
    __string__ = "Summary Vetting"

    summary = fields.Many2One(
        'edaftar.summary', "Summary", required=True, ondelete='RESTRICT',
        states={'readonly': Eval('id', -1) >= 0})
    department = fields.Many2One(
        'edaftar.org.unit', "Department", required=True,
        ondelete='RESTRICT',
        domain=[('kind', 'in', ['department', 'division'])],
        states={'readonly': Eval('id', -1) >= 0},
        help="The department asked for its comments (Finance, Law…).")
    requested_by = fields.Many2One(
        'company.employee', "Requested By", readonly=True,
        ondelete='RESTRICT')
    requested_at = fields.Timestamp("Requested At", readonly=True)
    comments = fields.Text(
        "Comments", states={'readonly': Eval('state') != 'requested'})
    attachments = fields.One2Many(
        'ir.attachment', 'resource', "Attachments",
        states={'readonly': Eval('state') != 'requested'})
    replied_by = fields.Many2One(
        'company.employee', "Replied By", readonly=True, ondelete='RESTRICT')
    replied_at = fields.Timestamp("Replied At", readonly=True)
    state = fields.Selection([
            ('requested', "Requested"),
            ('replied', "Replied"),
            ], "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')
    for_my_department = fields.Function(
        fields.Boolean("For My Department"), 'get_for_my_department',
        searcher='search_for_my_department')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('summary_department_requested_unique',
                Unique(t, t.summary, t.department, t.requested_at),
                'edaftar_summary.msg_vetting_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.summary, Index.Range())),
                Index(t, (t.department, Index.Range()),
                    (t.state, Index.Equality())),
                })
        # Read (and written) by who may read the summary: its comments are
        # the summary's, not every officer's.
        cls.__access__.add('summary')
        cls._order = [('requested_at', 'ASC'), ('id', 'ASC')]
        cls._transitions |= {('requested', 'replied')}
        cls._buttons.update({
                'reply': {
                    'invisible': Eval('state') != 'requested',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def default_state(cls):
        return 'requested'

    def get_rec_name(self, name):
        return f'{self.summary.rec_name} / {self.department.rec_name}'

    def get_for_my_department(self, name):
        return self.department.id in _scope()['units']

    @classmethod
    def search_for_my_department(cls, name, clause):
        _, operator, value = clause[:3]
        operator = 'in' if (operator == '=') == bool(value) else 'not in'
        return [('department', operator, list(_scope()['units']))]

    @classmethod
    def _client_create_fields(cls):
        return {'summary', 'department'}

    def _client_write_fields(self):
        if self.state == 'requested':
            return {'comments', 'attachments'}
        return set()

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values.update({
                    'state': 'requested',
                    'requested_by': _scope()['employee'],
                    'requested_at': dt.datetime.now(),
                    'comments': None,
                    'replied_by': None,
                    'replied_at': None,
                    })
        return values

    @classmethod
    def check_modification(cls, mode, vettings, values=None,
            external=False):
        super().check_modification(
            mode, vettings, values=values, external=external)
        if mode == 'delete':
            raise VettingError(gettext('edaftar_summary.msg_vetting_delete'))
        if not external:
            return
        if mode == 'create':
            cls.check_requester(vettings)
        elif mode == 'write':
            cls.check_vetting_department(vettings)

    @classmethod
    def check_requester(cls, vettings):
        """The author's department or the person at the current step asks,
        while the summary is a draft or on its route, another department"""
        scope = _scope()
        acting_for, units = set(scope['acting_for']), set(scope['units'])
        for vetting in vettings:
            summary = vetting.summary
            step = summary.current_step
            if not (summary.author.id in acting_for
                    or summary.department.id in units
                    or (step and step.approver
                        and step.approver.id in acting_for)):
                raise VettingError(gettext(
                        'edaftar_summary.msg_vetting_not_requester',
                        summary=summary.rec_name))
            if summary.state not in {'draft', 'sent', 'returned'}:
                raise VettingError(gettext(
                        'edaftar_summary.msg_vetting_closed',
                        summary=summary.rec_name,
                        state=summary.state_string))
            if vetting.department == summary.department:
                raise VettingError(gettext(
                        'edaftar_summary.msg_vetting_own_department',
                        summary=summary.rec_name))

    @classmethod
    def check_attachment(cls, vettings):
        "The department asked attaches to its comments, until it replies"
        cls.check_vetting_department(vettings)

    @classmethod
    def check_vetting_department(cls, vettings):
        "Only the department asked (its head and scope) answers"
        units = set(_scope()['units'])
        for vetting in vettings:
            if vetting.department.id not in units:
                raise VettingError(gettext(
                        'edaftar_summary.msg_vetting_not_department',
                        vetting=vetting.rec_name,
                        department=vetting.department.rec_name))
            if vetting.state != 'requested':
                raise VettingError(gettext(
                        'edaftar_summary.msg_vetting_replied',
                        vetting=vetting.rec_name))

    @classmethod
    def on_modification(cls, mode, vettings, field_names=None):
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        ModelData = pool.get('ir.model.data')
        super().on_modification(mode, vettings, field_names=field_names)
        if mode != 'create':
            return
        action = ModelData.get_id('edaftar_summary', 'act_vetting_form')
        for vetting in vettings:
            AuditLog.log([vetting.summary], 'vetting',
                details=vetting.department.rec_name)
            notify([vetting.department.head],
                gettext('edaftar_summary.msg_vetting_requested',
                    summary=vetting.summary.rec_name),
                description=vetting.summary.subject, records=[vetting],
                action=action, icon='tryton-chat', assistants=True)

    @classmethod
    @ModelView.button
    @Workflow.transition('replied')
    def reply(cls, vettings):
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_vetting_department(vettings)
        now = dt.datetime.now()
        for vetting in vettings:
            if not (vetting.comments or '').strip():
                raise VettingError(gettext(
                        'edaftar_summary.msg_vetting_no_comments',
                        vetting=vetting.rec_name))
            vetting.replied_by = _scope()['employee']
            vetting.replied_at = now
        cls.save(vettings)
        for vetting in vettings:
            AuditLog.log([vetting.summary], 'vetting_reply',
                details=vetting.department.rec_name)
            summary = vetting.summary
            people = [summary.author]
            if summary.current_step and summary.current_step.approver:
                people.append(summary.current_step.approver)
            notify(people, gettext('edaftar_summary.msg_vetting_replied_to',
                    summary=summary.rec_name,
                    department=vetting.department.rec_name),
                description=(vetting.comments or '')[:200],
                records=[summary], icon='tryton-ok')


class SummaryVersion(GuardMixin, ModelSQL, ModelView):
    "Each saved text of a summary, from its history"
    __name__ = 'edaftar.summary.version'
    __string__ = "Summary Version"

    summary = fields.Many2One(
        'edaftar.summary', "Summary", required=True, readonly=True)
    subject = fields.Char("Subject", readonly=True)
    body = fields.Text("Text", readonly=True)
    state = fields.Selection(SUMMARY_STATES, "State", readonly=True)
    saved_at = fields.Timestamp("Saved At", readonly=True)
    saved_by = fields.Many2One('res.user', "Saved By", readonly=True)
    previous_subject = fields.Function(
        fields.Char("Subject Before"), 'get_previous')
    previous_body = fields.Function(
        fields.Text("Text Before",
            help="The version saved before this one, to compare side by "
            "side."),
        'get_previous')

    @classmethod
    def get_previous(cls, versions, names):
        "The subject and text of the version saved before each version"
        result = {name: {} for name in names}
        by_summary = {}
        for version in versions:
            by_summary.setdefault(version.summary.id, []).append(version)
        for summary_id, group in by_summary.items():
            earlier = cls.search([
                    ('summary', '=', summary_id),
                    ('id', '<', max(v.id for v in group)),
                    ], order=[('id', 'ASC')])
            for version in group:
                before = [v for v in earlier if v.id < version.id]
                previous = before[-1] if before else None
                for name in names:
                    field = name[len('previous_'):]
                    result[name][version.id] = (
                        getattr(previous, field) if previous else None)
        return result

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('summary')
        cls._order = [('summary', 'ASC'), ('saved_at', 'DESC'),
            ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        """The revisions of the summaries' history that saved a new text
        (subject or body unlike the revision before)"""
        Summary = Pool().get('edaftar.summary')
        history = Summary.__table_history__()
        before = Summary.__table_history__()
        last = Summary.__table_history__()
        revision = Column(history, '__id')
        previous = last.select(Max(Column(last, '__id')),
            where=(last.id == history.id) & (Column(last, '__id') < revision))
        unchanged = Exists(before.select(Literal(1),
                where=(Column(before, '__id') == previous)
                & (before.body == history.body)
                & (before.subject == history.subject)))
        return history.select(
            revision.as_('id'),
            history.id.as_('summary'),
            history.subject, history.body, history.state,
            Coalesce(history.write_date, history.create_date).as_(
                'saved_at'),
            Coalesce(history.write_uid, history.create_uid).as_('saved_by'),
            where=(history.body != Null) & ~unchanged)


class SummaryRoute(ModelSQL, ModelView):
    "The approval route of a department's summaries, kept by administrators"
    __name__ = 'edaftar.summary.route'
    __string__ = "Summary Route"

    department = fields.Many2One(
        'edaftar.org.unit', "Department", required=True,
        ondelete='CASCADE',
        domain=[('kind', 'in', ['department', 'division', 'executive'])])
    steps = fields.One2Many(
        'edaftar.summary.route.step', 'route', "Steps")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('department_unique', Unique(t, t.department),
                'edaftar_summary.msg_route_department_unique'),
            ]

    def get_rec_name(self, name):
        return self.department.rec_name


class SummaryRouteStep(ModelSQL, ModelView):
    "A step of a department's route: a role, or a named post"
    __name__ = 'edaftar.summary.route.step'
    __string__ = "Summary Route Step"

    route = fields.Many2One(
        'edaftar.summary.route', "Route", required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    kind = fields.Selection(STEP_KINDS, "Kind", required=True, sort=False)
    employee = fields.Many2One(
        'company.employee', "Post", ondelete='RESTRICT',
        states={
            'required': Eval('kind') == 'post',
            'invisible': Eval('kind') != 'post',
            },
        help="The person deciding a named-post step.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('route', 'ASC'), ('sequence', 'ASC NULLS LAST'),
            ('id', 'ASC')]

    @classmethod
    def validate_fields(cls, steps, field_names):
        super().validate_fields(steps, field_names)
        for step in steps:
            if step.kind == 'post' and not step.employee:
                raise RouteError(gettext(
                        'edaftar_summary.msg_route_post_employee',
                        route=step.route.rec_name))


class CSNote(PaperMixin, ModelSQL, ModelView):
    """A Note for the Chief Secretary: drafted in a department, sent to the
    CS's office, reviewed, approved or sent back with remarks"""
    __name__ = 'edaftar.cs_note'
    __string__ = "Note for the Chief Secretary"
    _history = True
    _numbering = 'cs_note'
    _approval_step_model = 'edaftar.cs_note.step'
    _approval_action = ('edaftar_summary', 'act_cs_note_form')

    steps = fields.One2Many(
        'edaftar.cs_note.step', 'note', "Route", readonly=True)
    reviewed_by = fields.Many2One(
        'company.employee', "Reviewed By", readonly=True,
        ondelete='RESTRICT')
    reviewed_at = fields.Timestamp("Reviewed At", readonly=True)
    state = fields.Selection(
        NOTE_STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.remarks.states = {
            'readonly': ~Eval('state').in_(['sent', 'under_review'])}
        cls._transitions |= {
            ('draft', 'sent'),
            ('sent', 'under_review'),
            ('sent', 'approved'),
            ('under_review', 'approved'),
            ('sent', 'sent_back'),
            ('under_review', 'sent_back'),
            ('sent_back', 'draft'),
            }
        cls._buttons.update({
                'send': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'review': {
                    'invisible': Eval('state') != 'sent',
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': ~Eval('state').in_(['sent', 'under_review']),
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': ~Eval('state').in_(['sent', 'under_review']),
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'sent_back',
                    'depends': ['state'],
                    },
                })


    def _approval_route(self):
        "One step: the Chief Secretary (his office acts for him)"
        return self._route_from([('chief_secretary', None,
                    dict(STEP_KINDS)['chief_secretary'])])

    @classmethod
    @ModelView.button
    @Workflow.transition('sent')
    def send(cls, notes):
        cls._send(notes)

    @classmethod
    @ModelView.button
    @Workflow.transition('under_review')
    def review(cls, notes):
        "The CS's office takes the note up"
        AuditLog = Pool().get('edaftar.audit.log')
        deciders = cls.check_decider(notes)
        for note in notes:
            note.reviewed_by = _scope()['employee']
            note.reviewed_at = dt.datetime.now()
        cls.save(notes)
        for note in notes:
            step, on_behalf_of = deciders[note.id]
            AuditLog.log([note], 'review',
                on_behalf_of=step.approver if on_behalf_of else None)
        for note in notes:
            if note.author:
                cls._notify_approval(note, [note.author],
                    'edaftar_summary.msg_note_under_review')

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, notes):
        cls.decide(notes, 'approved')

    @classmethod
    @ModelView.button
    @Workflow.transition('sent_back')
    def send_back(cls, notes):
        cls.decide(notes, 'returned')

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, notes):
        cls._redraft(notes)


class CSNoteStep(ApprovalStepMixin):
    "The step of a CS note: the Chief Secretary's decision"
    __name__ = 'edaftar.cs_note.step'
    __string__ = "CS Note Step"
    _paper_field = 'note'

    note = fields.Many2One(
        'edaftar.cs_note', "Note", required=True, readonly=True,
        ondelete='CASCADE')
    kind = fields.Selection(STEP_KINDS, "Kind", readonly=True)


class DocumentSequence(metaclass=PoolMeta):
    __name__ = 'edaftar.document.sequence'

    @classmethod
    def numbering(cls):
        return {
            **super().numbering(),
            'summary': ('{code}-SUM-{year}-', 4, 'edaftar_summary'),
            'cs_note': ('{code}-CSN-{year}-', 4, 'edaftar_summary'),
            }
