# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Drafts for approval: written on a file, approved up the hierarchy"
from collections import defaultdict

from sql import Column, Literal, Null
from sql.conditionals import Coalesce
from sql.operators import Exists

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Workflow, fields
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import check_access

from .approval import ApprovalMixin, ApprovalStepMixin
from .dispatch import MODES
from .document import rec_name_domain
from .exceptions import DraftAccessError, StateError

KINDS = [
    ('letter', "Letter"),
    ('office_order', "Office Order"),
    ('notification', "Notification"),
    ('memo', "Memorandum"),
    ]
STATES = [
    ('draft', "Draft"),
    ('submitted', "Submitted"),
    ('returned', "Returned"),
    ('approved', "Approved"),
    ('dispatched', "Dispatched"),
    ('cancelled', "Cancelled"),
    ]
OPEN_STATES = ['draft', 'submitted', 'returned', 'approved']
# The text of the letter: a change after a submission makes a new version.
TEXT_FIELDS = {
    'subject', 'body', 'kind', 'addressee_name', 'addressee_designation',
    'addressee_organisation', 'addressee_address'}
# What clients may write; the rest is set by the server and the buttons.
# A client's 'version' is replaced by write().
EDITABLE_FIELDS = TEXT_FIELDS | {
    'receipt', 'dispatch_mode', 'remarks', 'version'}
_text_states = {
    'readonly': ~Eval('state').in_(['draft', 'submitted', 'returned']),
    }


class Draft(GuardMixin, ApprovalMixin, Workflow, ModelSQL, ModelView):
    """A draft for approval (DFA) of an outgoing letter, order or memo.

    Written and changed by whoever holds its file; approved by a senior
    officer once the file has gone up to them (a route of one step, decided
    by the holder: ApprovalMixin); dispatched once approved. Every revision
    is kept (_history) and listed by version."""
    __name__ = 'edaftar.draft'
    __string__ = "Draft for Approval"
    _history = True
    _approval_step_model = 'edaftar.draft.step'
    _approval_action = ('edaftar_dak', 'act_draft_form')

    file = fields.Many2One(
        'edaftar.file', "File", required=True, ondelete='RESTRICT',
        domain=[('state', '=', 'open'), ('held_by_me', '=', True)],
        states={'readonly': Eval('id', -1) >= 0})
    kind = fields.Selection(
        KINDS, "Kind", required=True, sort=False, states=_text_states)
    subject = fields.Char(
        "Subject", required=True, strip=True, states=_text_states)
    body = fields.Text("Text", states=_text_states)
    addressee_name = fields.Char("Addressee", states=_text_states)
    addressee_designation = fields.Char(
        "Addressee Designation", states=_text_states)
    addressee_organisation = fields.Char(
        "Addressee Organisation", states=_text_states)
    addressee_address = fields.Text("Addressee Address", states=_text_states)
    receipt = fields.Many2One(
        'edaftar.receipt', "In Reply To", ondelete='RESTRICT',
        domain=[('file', '=', Eval('file', -1))], states=_text_states,
        help="The receipt of the file this letter answers; it is actioned "
        "when the letter is dispatched.")
    dispatch_mode = fields.Selection(
        MODES, "Dispatch Mode", required=True, sort=False,
        states={'readonly': ~Eval('state').in_(OPEN_STATES)})
    version = fields.Integer(
        "Version", readonly=True,
        help="Goes up when the text is changed after a submission.")
    submitted_version = fields.Integer("Submitted Version", readonly=True)
    versions = fields.One2Many(
        'edaftar.draft.version', 'draft', "Versions", readonly=True)
    steps = fields.One2Many(
        'edaftar.draft.step', 'draft', "Approval Steps", readonly=True)
    letter = fields.Function(
        fields.Many2One('edaftar.dispatch', "Dispatched Letter"),
        'get_letter')
    state = fields.Selection(
        STATES, "State", readonly=True, required=True, sort=False)
    state_string = state.translated('state')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # Who may read or write a file may read or write its drafts.
        cls.__access__.add('file')
        cls.remarks.states = {'readonly': Eval('state') != 'submitted'}
        cls._sql_indexes.update({
                Index(t, (t.file, Index.Range())),
                Index(t, (t.author, Index.Range()),
                    (t.state, Index.Equality()),
                    where=t.state.in_(OPEN_STATES)),
                Index(t, (t.state, Index.Equality()), (t.file, Index.Range()),
                    where=t.state.in_(OPEN_STATES)),
                })
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'submitted'),
            ('returned', 'submitted'),
            ('submitted', 'approved'),
            ('submitted', 'returned'),
            ('approved', 'dispatched'),
            ('draft', 'cancelled'),
            ('submitted', 'cancelled'),
            ('returned', 'cancelled'),
            ('approved', 'cancelled'),
            }
        cls._buttons.update({
                'submit': {
                    'invisible': ~Eval('state').in_(['draft', 'returned']),
                    'depends': ['state'],
                    },
                'approve': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'send_back': {
                    'invisible': Eval('state') != 'submitted',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': ~Eval('state').in_(OPEN_STATES),
                    'depends': ['state'],
                    },
                'dispatch': {
                    'invisible': Eval('state') != 'approved',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def _client_create_fields(cls):
        return TEXT_FIELDS | {'file', 'receipt', 'dispatch_mode'}

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_kind(cls):
        return 'letter'

    @classmethod
    def default_dispatch_mode(cls):
        return 'post'

    @classmethod
    def default_version(cls):
        return 1

    def get_rec_name(self, name):
        return f'{self.file.number} / {self.subject}'

    @classmethod
    def search_rec_name(cls, name, clause):
        return rec_name_domain(clause, ['subject', 'file.number'])

    @classmethod
    def get_letter(cls, drafts, name):
        Dispatch = Pool().get('edaftar.dispatch')
        result = dict.fromkeys(map(int, drafts))
        for dispatch in Dispatch.search([
                    ('draft', 'in', list(result)),
                    ]):
            result[dispatch.draft.id] = dispatch.id
        return result

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        File = pool.get('edaftar.file')
        values = super().preprocess_values(mode, values)
        if mode == 'create' and values.get('file'):
            file = File(values['file'])
            _check_sight(File, [file])
            File.check_holder([file])
            values.update({
                    'version': 1,
                    'submitted_version': None,
                    'state': 'draft',
                    })
        return values

    @classmethod
    def write(cls, *args):
        actions = iter(args)
        args = []
        for drafts, values in zip(actions, actions):
            values = values.copy()
            values.pop('version', None)
            text = bool(values.keys() & TEXT_FIELDS)
            same, bumped = [], defaultdict(list)
            for draft in drafts:
                # The first change of the text since it was submitted
                if text and draft.version == draft.submitted_version:
                    bumped[draft.version + 1].append(draft)
                else:
                    same.append(draft)
            if same:
                args.extend((same, values))
            for version, records in bumped.items():
                args.extend((records, {**values, 'version': version}))
        if args:
            super().write(*args)

    @classmethod
    def check_modification(cls, mode, drafts, values=None, external=False):
        super().check_modification(
            mode, drafts, values=values, external=external)
        if mode == 'delete' and drafts:
            raise DraftAccessError(gettext(
                    'edaftar_dak.msg_draft_no_delete',
                    draft=drafts[0].rec_name))
        if mode != 'write' or not external:
            return
        _check_sight(cls, drafts)
        if values.keys() - EDITABLE_FIELDS:
            raise DraftAccessError(gettext('edaftar_dak.msg_draft_fields'))
        for draft in drafts:
            if draft.state in {'dispatched', 'cancelled'}:
                raise DraftAccessError(gettext(
                        'edaftar_dak.msg_draft_closed',
                        draft=draft.rec_name, state=draft.state_string))
            if (draft.state == 'approved'
                    and values.keys() - {'dispatch_mode'}):
                raise DraftAccessError(gettext(
                        'edaftar_dak.msg_draft_approved',
                        draft=draft.rec_name))
        cls.check_document_holder(drafts)

    @classmethod
    def on_modification(cls, mode, drafts, field_names=None):
        AuditLog = Pool().get('edaftar.audit.log')
        super().on_modification(mode, drafts, field_names=field_names)
        if mode == 'create':
            AuditLog.log(drafts, 'create')
        elif mode == 'write' and field_names & TEXT_FIELDS:
            AuditLog.log(drafts, 'write', field_names=field_names)

    @classmethod
    def copy(cls, drafts, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('versions', None)
        default.setdefault('steps', None)
        return super().copy(drafts, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('submitted')
    def submit(cls, drafts):
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_document_holder(drafts)
        for draft in drafts:
            if not draft.body:
                raise StateError(gettext(
                        'edaftar_dak.msg_draft_no_body',
                        draft=draft.rec_name))
            draft.submitted_version = draft.version
            # The remarks of a sending back stay on its step.
            draft.remarks = None
        cls.save(drafts)
        cls.send_for_approval(drafts)
        for draft in drafts:
            AuditLog.log([draft], 'submit', details=gettext(
                    'edaftar_dak.msg_draft_audit_version',
                    version=draft.version))

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, drafts):
        cls.decide(drafts, 'approved')

    @classmethod
    @ModelView.button
    @Workflow.transition('returned')
    def send_back(cls, drafts):
        cls.decide(drafts, 'returned')

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, drafts):
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_document_holder(drafts)
        AuditLog.log(drafts, 'cancel')

    @classmethod
    @ModelView.button
    @Workflow.transition('dispatched')
    def dispatch(cls, drafts):
        pool = Pool()
        Dispatch = pool.get('edaftar.dispatch')
        AuditLog = pool.get('edaftar.audit.log')
        cls.check_document_holder(drafts)
        for dispatch in Dispatch.make(drafts):
            AuditLog.log([dispatch.draft], 'dispatch', details=dispatch.number)


class DraftStep(ApprovalStepMixin):
    "A step of the approval of a draft: its decision, who and when"
    __name__ = 'edaftar.draft.step'
    __string__ = "Draft Approval Step"
    _paper_field = 'draft'

    draft = fields.Many2One(
        'edaftar.draft', "Draft", required=True, readonly=True,
        ondelete='CASCADE')


class DraftVersion(GuardMixin, ModelSQL, ModelView):
    "The text of a draft as each of its versions was left"
    __name__ = 'edaftar.draft.version'
    __string__ = "Draft Version"

    draft = fields.Many2One(
        'edaftar.draft', "Draft", required=True, readonly=True)
    version = fields.Integer("Version", readonly=True)
    subject = fields.Char("Subject", readonly=True)
    body = fields.Text("Text", readonly=True)
    state = fields.Selection(STATES, "State", readonly=True)
    remarks = fields.Text("Remarks", readonly=True)
    changed_at = fields.Timestamp("Last Changed", readonly=True)
    changed_by = fields.Many2One('res.user', "Changed By", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.__access__.add('draft')
        cls._order = [('draft', 'ASC'), ('version', 'DESC'), ('id', 'DESC')]

    @classmethod
    def table_query(cls):
        "The last revision of each version, from the drafts' history"
        Draft = Pool().get('edaftar.draft')
        history = Draft.__table_history__()
        later = Draft.__table_history__()
        revision = Column(history, '__id')
        return history.select(
            revision.as_('id'),
            history.id.as_('draft'),
            history.version,
            history.subject,
            history.body,
            history.state,
            history.remarks,
            Coalesce(history.write_date, history.create_date).as_(
                'changed_at'),
            Coalesce(history.write_uid, history.create_uid).as_(
                'changed_by'),
            where=(history.version != Null) & ~Exists(later.select(
                    Literal(1),
                    where=(later.id == history.id)
                    & (later.version == history.version)
                    & (Column(later, '__id') > revision))))


def _check_sight(Model, records):
    "Read records as the user: what is out of their sight raises here"
    with check_access():
        Model.read([r.id for r in records], ['id'])
