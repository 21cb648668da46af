# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Approval of a paper by the senior officer who holds its document"
import datetime as dt

from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool
from trytond.pyson import Eval

from .exceptions import ApprovalError, StateError

# Role groups (XML ids of edaftar_base) whose members may approve.
APPROVER_GROUPS = (
    'group_wing_head', 'group_department_head',
    'group_chief_secretary', 'group_chief_minister')


class ApprovalMixin:
    """A paper (a draft, a summary…) approved up the hierarchy.

    The paper has no routing of its own: its document goes up by
    edaftar.movement and whoever holds the document acts on the paper. A
    class using the mixin defines `state` (with a 'submitted' value) and
    may override `_approval_document` (the document whose holder decides)
    and `_approver_groups`; its transitions call `check_document_holder`,
    `_approve` and `_send_back`."""
    __slots__ = ()
    _approver_groups = APPROVER_GROUPS

    author = fields.Many2One(
        'company.employee', "Author", readonly=True, ondelete='RESTRICT')
    remarks = fields.Text(
        "Remarks", states={'readonly': Eval('state') != 'submitted'},
        help="The senior officer's remarks; needed to send the paper back.")
    approved_by = fields.Many2One(
        'company.employee', "Approved By", readonly=True,
        ondelete='RESTRICT')
    approved_at = fields.Timestamp("Approved At", readonly=True)
    authored_by_me = fields.Function(
        fields.Boolean("Written by Me"), 'get_authored_by_me',
        searcher='search_authored_by_me')

    def _approval_document(self):
        "The receipt or file whose holder acts on the paper"
        return self.file

    @staticmethod
    def _acting_for():
        User = Pool().get('res.user')
        return User.get_edaftar_scope()['acting_for']

    def get_authored_by_me(self, name):
        return bool(self.author and self.author.id in self._acting_for())

    @classmethod
    def search_authored_by_me(cls, name, clause):
        _, operator, value = clause[:3]
        operator = 'in' if (operator == '=') == bool(value) else 'not in'
        return [('author', operator, list(cls._acting_for()))]

    @classmethod
    def preprocess_values(cls, mode, values):
        User = Pool().get('res.user')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            employee = User.get_edaftar_scope()['employee']
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
        me = User.get_edaftar_scope()['employee']
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
    def _approve(cls, papers):
        pool = Pool()
        User = pool.get('res.user')
        AuditLog = pool.get('edaftar.audit.log')
        cls.check_document_holder(papers)
        cls.check_approver(papers)
        cls.write(papers, {
                'approved_by': User.get_edaftar_scope()['employee'],
                'approved_at': dt.datetime.now(),
                })
        for paper in papers:
            AuditLog.log([paper], 'approve', details=paper.remarks)

    @classmethod
    def _send_back(cls, papers):
        "Return papers to their author for rework, which needs remarks"
        AuditLog = Pool().get('edaftar.audit.log')
        cls.check_document_holder(papers)
        for paper in papers:
            if not paper.remarks:
                raise StateError(gettext(
                        'edaftar_dak.msg_approval_send_back_remarks',
                        paper=paper.rec_name))
        for paper in papers:
            AuditLog.log([paper], 'send_back', details=paper.remarks)
