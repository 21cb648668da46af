# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import without_check_access

from .exceptions import DispatchAccessError

MODES = [
    ('hand', "By Hand"),
    ('post', "Post"),
    ('courier', "Courier"),
    ('email', "E-mail"),
    ('fax', "Fax"),
    ]
# All that can change once a letter has gone out.
DELIVERY_FIELDS = {'delivered', 'delivery_date', 'tracking_ref'}


class Dispatch(GuardMixin, ModelSQL, ModelView):
    """An outgoing letter, numbered in its department's dispatch register.

    Made from an approved draft by its dispatch button; kept by law: only
    its delivery details change afterwards."""
    __name__ = 'edaftar.dispatch'
    __string__ = "Dispatch"
    _rec_name = 'number'

    number = fields.Char("Number", required=True, readonly=True)
    department = fields.Many2One(
        'edaftar.org.unit', "Department", required=True, readonly=True,
        ondelete='RESTRICT')
    dispatch_date = fields.Date("Dispatch Date", required=True, readonly=True)
    mode = fields.Selection(
        MODES, "Mode", required=True, readonly=True, sort=False)
    subject = fields.Char("Subject", required=True, readonly=True)
    addressee_name = fields.Char("Addressee", readonly=True)
    addressee_designation = fields.Char(
        "Addressee Designation", readonly=True)
    addressee_organisation = fields.Char(
        "Addressee Organisation", readonly=True)
    addressee_address = fields.Text("Addressee Address", readonly=True)
    draft = fields.Many2One(
        'edaftar.draft', "Draft", required=True, readonly=True,
        ondelete='RESTRICT')
    file = fields.Many2One(
        'edaftar.file', "File", required=True, readonly=True,
        ondelete='RESTRICT')
    receipt = fields.Many2One(
        'edaftar.receipt', "In Reply To", readonly=True, ondelete='RESTRICT',
        domain=[('file', '=', Eval('file', -1))])
    dispatched_by = fields.Many2One(
        'company.employee', "Dispatched By", readonly=True,
        ondelete='RESTRICT')
    delivered = fields.Boolean("Delivered")
    delivery_date = fields.Date(
        "Delivery Date", states={'invisible': ~Eval('delivered')})
    tracking_ref = fields.Char(
        "Tracking Reference",
        help="The post, courier or e-mail reference of the letter.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.number, Index.Similarity(begin=True))),
                Index(t, (t.file, Index.Range())),
                Index(t, (t.draft, Index.Range())),
                Index(t, (t.receipt, Index.Range())),
                Index(t, (t.dispatch_date, Index.Range(order='DESC'))),
                Index(t, (t.id, Index.Range()), where=~t.delivered),
                })
        cls._order = [('dispatch_date', 'DESC'), ('id', 'DESC')]

    @classmethod
    def _client_create_fields(cls):
        "Dispatches are made by the dispatch button of a draft"
        return set()

    @classmethod
    def default_delivered(cls):
        return False

    @classmethod
    def make(cls, drafts):
        """Number and record the letters of approved drafts; the receipts
        in process they answer are actioned"""
        pool = Pool()
        Sequence = pool.get('edaftar.document.sequence')
        Receipt = pool.get('edaftar.receipt')
        User = pool.get('res.user')
        Date = pool.get('ir.date')
        AuditLog = pool.get('edaftar.audit.log')
        today = Date.today()
        employee = User.get_edaftar_scope()['employee']
        vlist = []
        for draft in drafts:
            department = draft.file.department
            vlist.append({
                    'number': Sequence.next_number(
                        'dispatch', department, today),
                    'department': department.id,
                    'dispatch_date': today,
                    'mode': draft.dispatch_mode,
                    'subject': draft.subject,
                    'addressee_name': draft.addressee_name,
                    'addressee_designation': draft.addressee_designation,
                    'addressee_organisation': draft.addressee_organisation,
                    'addressee_address': draft.addressee_address,
                    'draft': draft.id,
                    'file': draft.file.id,
                    'receipt': draft.receipt.id if draft.receipt else None,
                    'dispatched_by': employee,
                    })
        with without_check_access():
            dispatches = cls.create(vlist)
            for dispatch in dispatches:
                receipt = dispatch.receipt
                if receipt and receipt.state == 'in_process':
                    Receipt.write([receipt], {'state': 'actioned'})
                    AuditLog.log([receipt], 'actioned', details=gettext(
                            'edaftar_dak.msg_dispatch_reply',
                            dispatch=dispatch.number))
        return dispatches

    @classmethod
    def check_modification(cls, mode, dispatches, values=None,
            external=False):
        super().check_modification(
            mode, dispatches, values=values, external=external)
        if mode == 'delete' and dispatches:
            raise DispatchAccessError(gettext(
                    'edaftar_dak.msg_dispatch_no_delete',
                    dispatch=dispatches[0].rec_name))
        if mode == 'write' and external and values.keys() - DELIVERY_FIELDS:
            raise DispatchAccessError(gettext(
                    'edaftar_dak.msg_dispatch_fields',
                    dispatch=dispatches[0].rec_name if dispatches else ''))

    @classmethod
    def on_modification(cls, mode, dispatches, field_names=None):
        AuditLog = Pool().get('edaftar.audit.log')
        super().on_modification(mode, dispatches, field_names=field_names)
        AuditLog.log(dispatches, mode, field_names=field_names)
