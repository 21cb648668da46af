# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Approval of papers up the hierarchy, step by step: one mechanism for
drafts for approval, summaries, CS notes and whatever comes next.

A paper (ApprovalMixin) is sent on a route: `send_for_approval` turns
`_approval_route()` into steps (a model of ApprovalStepMixin, one per paper
kind) walked in order. The step awaiting a decision is `current`; only its
approver, or their PA/PS (recorded as acting on their behalf), decides it,
once; a decided step never changes. A step without an approver is decided
by whoever holds the paper's document, a senior officer who did not write
the paper (the draft for approval's one step). Sending back needs remarks,
ends the route (its undecided steps are dropped) and returns the paper to
its author; sending again starts a fresh route."""
import datetime as dt

from sql import Column, Literal, Null

from trytond import backend
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.modules.edaftar_base.notify import notify
from trytond.pool import Pool
from trytond.tools import grouped_slice, reduce_ids
from trytond.transaction import Transaction

from .exceptions import ApprovalError, StateError

# Role groups (XML ids of edaftar_base) whose members may approve as the
# holder of a paper's document.
APPROVER_GROUPS = (
    'group_wing_head', 'group_department_head',
    'group_chief_secretary', 'group_chief_minister')
DECISIONS = [
    ('pending', "Pending"),
    ('approved', "Approved"),
    ('returned', "Sent Back"),
    ]


def _acting_for():
    "The employees the user acts for: themselves, and a PA/PS's principal"
    User = Pool().get('res.user')
    return User.get_edaftar_scope()['acting_for']


def _me():
    User = Pool().get('res.user')
    return User.get_edaftar_scope()['employee']


class ApprovalStepMixin(GuardMixin, ModelSQL, ModelView):
    """A step of a paper's route. The adopter names its paper's Many2One
    in `_paper_field` and declares it (required, ondelete CASCADE)."""
    __slots__ = ()
    _paper_field = None

    sequence = fields.Integer("Sequence", readonly=True)
    role = fields.Char(
        "Step", readonly=True,
        help="What the step is on the route, e.g. Wing Head.")
    approver = fields.Many2One(
        'company.employee', "Approver", readonly=True, ondelete='RESTRICT',
        help="Who decides; empty: the senior officer holding the "
        "document.")
    decision = fields.Selection(
        DECISIONS, "Decision", readonly=True, required=True, sort=False)
    decision_string = decision.translated('decision')
    current = fields.Boolean(
        "Current", readonly=True, help="The step awaiting a decision.")
    remarks = fields.Text("Remarks", readonly=True)
    decided_by = fields.Many2One(
        'company.employee', "Decided By", readonly=True, ondelete='RESTRICT')
    on_behalf_of = fields.Many2One(
        'company.employee', "On Behalf Of", readonly=True,
        ondelete='RESTRICT', help="The approver a PA/PS decided for.")
    decided_at = fields.Timestamp("Decided At", readonly=True)
    reached_at = fields.Timestamp(
        "Reached At", readonly=True, help="When the paper came to the step.")
    days_waiting = fields.Function(
        fields.Integer("Days Waiting"), 'get_days_waiting')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        paper = getattr(t, cls._paper_field)
        cls.__access__.add(cls._paper_field)
        cls._sql_indexes.update({
                Index(t, (paper, Index.Range()), (t.sequence, Index.Range())),
                Index(t, (t.approver, Index.Range()),
                    where=t.current == Literal(True)),
                # The record rules: the papers whose route reached the user
                Index(t, (paper, Index.Range()),
                    (t.approver, Index.Equality()),
                    where=t.reached_at != Null),
                })
        # In the order they were made: a route after another (a paper
        # sent again after a send-back), each in its sequence.
        cls._order = [(cls._paper_field, 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_decision(cls):
        return 'pending'

    @classmethod
    def default_current(cls):
        return False

    @property
    def paper(self):
        return getattr(self, self._paper_field)

    def get_rec_name(self, name):
        return f'{self.paper.rec_name} / {self.sequence}. {self.role or ""}'

    def get_days_waiting(self, name):
        if not self.current or not self.reached_at:
            return None
        return (dt.datetime.now() - self.reached_at).days

    @classmethod
    def _client_create_fields(cls):
        "Steps are made by sending the paper"
        return set()

    def _client_write_fields(self):
        "Decided by the paper's buttons"
        return set()

    @classmethod
    def check_modification(cls, mode, steps, values=None, external=False):
        super().check_modification(
            mode, steps, values=values, external=external)
        if mode == 'delete' and external:
            raise ApprovalError(gettext(
                    'edaftar_dak.msg_approval_step_no_delete'))
        if mode == 'write':
            for step in steps:
                if step.decision != 'pending':
                    raise ApprovalError(gettext(
                            'edaftar_dak.msg_approval_step_decided',
                            step=step.rec_name))


class ApprovalMixin:
    """A paper approved up the hierarchy along a route of steps.

    The class defines `state`, `steps` (One2Many to its step model, named
    in `_approval_step_model`) and its Workflow buttons, which call
    `send_for_approval`, `decide` (approve or send back) and act on what
    they return. It may override `_approval_route` (the steps of the
    route; by default one step decided by the holder of
    `_approval_document()`), `_check_step` (what must hold before a step is
    approved, e.g. a vetting answered) and `_approver_groups`."""
    __slots__ = ()
    _approver_groups = APPROVER_GROUPS
    _approval_step_model = None
    # The act_window a notification of the paper opens: (module, xml id)
    _approval_action = None

    author = fields.Many2One(
        'company.employee', "Author", readonly=True, ondelete='RESTRICT')
    remarks = fields.Text(
        "Remarks",
        help="The deciding officer's remarks, kept on the step; needed to "
        "send the paper back.")
    approved_by = fields.Many2One(
        'company.employee', "Approved By", readonly=True,
        ondelete='RESTRICT')
    approved_at = fields.Timestamp("Approved At", readonly=True)
    authored_by_me = fields.Function(
        fields.Boolean("Written by Me"), 'get_authored_by_me',
        searcher='search_authored_by_me')
    awaiting_me = fields.Function(
        fields.Boolean("Awaiting Me"), 'get_awaiting_me',
        searcher='search_awaiting_me')
    current_approver = fields.Function(
        fields.Many2One('company.employee', "Awaiting"),
        'get_current_approver')

    def _approval_document(self):
        "The receipt or file whose holder acts on the paper"
        return self.file

    def _approval_route(self):
        """The steps of a fresh route: a list of dicts of step values
        (role, approver: an employee id or None for the document's
        holder)"""
        return [{'role': gettext('edaftar_dak.msg_approval_holder_step'),
                'approver': None}]

    def _check_step(self, step):
        "Raise if the step may not be approved now"

    @property
    def current_step(self):
        for step in self.steps:
            if step.current:
                return step

    def get_authored_by_me(self, name):
        return bool(self.author and self.author.id in _acting_for())

    @classmethod
    def search_authored_by_me(cls, name, clause):
        _, operator, value = clause[:3]
        operator = 'in' if (operator == '=') == bool(value) else 'not in'
        return [('author', operator, list(_acting_for()))]

    @classmethod
    def get_current_approver(cls, papers, name):
        "Who the papers (readable by the user) await, in one query"
        Step = Pool().get(cls._approval_step_model)
        step = Step.__table__()
        paper = Column(step, Step._paper_field)
        result = dict.fromkeys(map(int, papers))
        cursor = Transaction().connection.cursor()
        for ids in grouped_slice(list(result), backend.MAX_QUERY_PARAMS):
            cursor.execute(*step.select(paper, step.approver,
                    where=reduce_ids(paper, ids)
                    & (step.current == Literal(True))))
            result.update(cursor)
        return result

    @classmethod
    def get_awaiting_me(cls, papers, name):
        ids = set(r.id for r in cls.search([
                    ('id', 'in', list(map(int, papers))),
                    ('awaiting_me', '=', True),
                    ], order=[]))
        return {p.id: p.id in ids for p in papers}

    @classmethod
    def search_awaiting_me(cls, name, clause):
        "Papers whose current step is the user's or their principal's"
        _, operator, value = clause[:3]
        operator = 'where' if (operator == '=') == bool(value) else (
            'not where')
        return [('steps', operator, [
                    ('current', '=', True),
                    ('approver', 'in', list(_acting_for())),
                    ])]

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            employee = _me()
            if not employee:
                raise StateError(gettext('edaftar_dak.msg_no_employee'))
            values.update({
                    'author': employee,
                    'remarks': None,
                    'approved_by': None,
                    'approved_at': None,
                    })
        return values

    @classmethod
    def check_document_holder(cls, papers):
        """Refuse unless the user holds (or acts for the holder of) the
        open document of each paper"""
        for paper in papers:
            document = paper._approval_document()
            if document.state not in document._open_states:
                raise StateError(gettext(
                        'edaftar_dak.msg_approval_document_closed',
                        paper=paper.rec_name, document=document.rec_name,
                        state=document.state_string))
            document.check_holder([document])

    @classmethod
    def check_approver(cls, papers):
        "Refuse unless the user is a senior officer who did not write them"
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        groups = set(User.get_groups())
        senior = any(
            ModelData.get_id('edaftar_base', g) in groups
            for g in cls._approver_groups)
        me = _me()
        for paper in papers:
            if not senior:
                raise ApprovalError(gettext(
                        'edaftar_dak.msg_approval_not_senior',
                        paper=paper.rec_name))
            if paper.author and paper.author.id == me:
                raise ApprovalError(gettext(
                        'edaftar_dak.msg_approval_own',
                        paper=paper.rec_name))

    @classmethod
    def send_for_approval(cls, papers):
        """Start a fresh route for each paper from `_approval_route()`:
        the first step is current and its approver is told"""
        pool = Pool()
        Step = pool.get(cls._approval_step_model)
        field = Step._paper_field
        now = dt.datetime.now()
        vlist, first = [], []
        for paper in papers:
            route = [dict(s) for s in paper._approval_route()]
            if not route:
                raise StateError(gettext(
                        'edaftar_dak.msg_approval_no_route',
                        paper=paper.rec_name))
            for sequence, values in enumerate(route, 1):
                values.update({
                        field: paper.id,
                        'sequence': sequence,
                        'decision': 'pending',
                        'current': sequence == 1,
                        'reached_at': now if sequence == 1 else None,
                        })
                vlist.append(values)
            if route[0].get('approver'):
                first.append((paper, route[0]['approver']))
        with Transaction().set_context(_check_access=False):
            cls._drop_pending_steps(papers)
            Step.create(vlist)
        for paper, approver in first:
            cls._notify_approval(paper, [approver],
                'edaftar_dak.msg_approval_awaiting', assistants=True)

    @classmethod
    def _drop_pending_steps(cls, papers):
        "Remove the undecided steps of the papers' routes"
        if not papers:
            return
        Step = Pool().get(cls._approval_step_model)
        steps = Step.search([
                (Step._paper_field, 'in', [p.id for p in papers]),
                ('decision', '=', 'pending'),
                ])
        Step.delete(steps)

    @classmethod
    def check_decider(cls, papers):
        """Refuse unless the user may decide the current step of each
        paper; return {paper id: (step, the approver acted for or None)}"""
        acting_for = _acting_for()
        me = _me()
        result = {}
        for paper in papers:
            step = paper.current_step
            if not step:
                raise ApprovalError(gettext(
                        'edaftar_dak.msg_approval_no_step',
                        paper=paper.rec_name))
            if step.approver is None:
                cls.check_document_holder([paper])
                cls.check_approver([paper])
                result[paper.id] = (step, None)
                continue
            if step.approver.id not in acting_for:
                raise ApprovalError(gettext(
                        'edaftar_dak.msg_approval_not_turn',
                        paper=paper.rec_name,
                        approver=step.approver.rec_name,
                        step=step.role or step.sequence))
            # Nor its author, be it the approver's PA/PS acting for them.
            if paper.author and paper.author.id in {step.approver.id, me}:
                raise ApprovalError(gettext(
                        'edaftar_dak.msg_approval_own',
                        paper=paper.rec_name))
            result[paper.id] = (
                step, step.approver.id if step.approver.id != me else None)
        return result

    @classmethod
    def decide(cls, papers, decision):
        """Decide the current step of each paper as the user: 'approved'
        moves to the next step, 'returned' (remarks needed) ends the route.
        Return the papers whose route is finished (the last step approved,
        or sent back)."""
        pool = Pool()
        Step = pool.get(cls._approval_step_model)
        AuditLog = pool.get('edaftar.audit.log')
        deciders = cls.check_decider(papers)
        me = _me()
        now = dt.datetime.now()
        finished, reached, to_save, moved_on = [], [], [], []
        for paper in papers:
            step, on_behalf_of = deciders[paper.id]
            remarks = (paper.remarks or '').strip() or None
            if decision == 'returned' and not remarks:
                raise StateError(gettext(
                        'edaftar_dak.msg_approval_send_back_remarks',
                        paper=paper.rec_name))
            if decision == 'approved':
                paper._check_step(step)
            step.decision = decision
            step.current = False
            step.remarks = remarks
            step.decided_by = me
            step.on_behalf_of = on_behalf_of
            step.decided_at = now
            to_save.append(step)
            following = [s for s in paper.steps
                if s.decision == 'pending' and s.sequence > step.sequence]
            if decision == 'approved' and following:
                following[0].current = True
                following[0].reached_at = now
                to_save.append(following[0])
                reached.append((paper, following[0]))
                # The remarks are this step's: the next approver writes
                # their own.
                paper.remarks = None
                moved_on.append(paper)
            else:
                finished.append(paper)
                if decision == 'approved':
                    paper.approved_by = step.approver or me
                    paper.approved_at = now
        with Transaction().set_context(_check_access=False):
            Step.save(to_save)
            cls.save(finished + moved_on)
            if decision == 'returned':
                cls._drop_pending_steps(finished)
        for paper in papers:
            step, on_behalf_of = deciders[paper.id]
            AuditLog.log([paper], 'approve' if decision == 'approved'
                else 'send_back', details=step.remarks,
                on_behalf_of=step.approver if on_behalf_of else None)
        for paper, step in reached:
            if step.approver:
                cls._notify_approval(paper, [step.approver],
                    'edaftar_dak.msg_approval_awaiting', assistants=True)
        for paper in finished:
            if paper.author and paper.author.id != me:
                cls._notify_approval(paper, [paper.author],
                    'edaftar_dak.msg_approval_approved'
                    if decision == 'approved'
                    else 'edaftar_dak.msg_approval_returned')
        return finished

    @classmethod
    def _notify_approval(cls, paper, employees, message, assistants=False):
        ModelData = Pool().get('ir.model.data')
        action = (ModelData.get_id(*cls._approval_action)
            if cls._approval_action else None)
        notify(employees,
            gettext(message, paper=paper.rec_name, kind=cls.__string__),
            description=getattr(paper, 'subject', '') or '',
            records=[paper], action=action, icon='tryton-ok',
            assistants=assistants)
