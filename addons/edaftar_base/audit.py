# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from sql.functions import CurrentTimestamp

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, without_check_access

from .exceptions import AuditLogAccessError


class AuditLog(ModelSQL, ModelView):
    __name__ = 'edaftar.audit.log'
    __string__ = "Audit Log"

    timestamp = fields.Timestamp("Time", required=True, readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True)
    employee = fields.Many2One(
        'company.employee', "Employee", readonly=True)
    on_behalf_of = fields.Many2One(
        'company.employee', "On Behalf Of", readonly=True)
    model = fields.Char("Model", required=True, readonly=True)
    record_id = fields.Integer("Record ID", required=True, readonly=True)
    record_name = fields.Char("Record", readonly=True)
    record = fields.Function(
        fields.Reference("Document", selection='get_models'), 'get_record')
    action = fields.Char("Action", required=True, readonly=True)
    details = fields.Text("Details", readonly=True)
    address = fields.Char("Client Address", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.model, Index.Equality()),
                    (t.record_id, Index.Range())),
                Index(t, (t.timestamp, Index.Range(order='DESC'))),
                Index(t, (t.user, Index.Range())),
                })
        cls._order = [('timestamp', 'DESC'), ('id', 'DESC')]

    @classmethod
    def get_models(cls):
        pool = Pool()
        Model = pool.get('ir.model')
        return Model.get_name_items()

    def get_record(self, name):
        return f'{self.model},{self.record_id}'

    @classmethod
    def check_modification(cls, mode, logs, values=None, external=False):
        super().check_modification(
            mode, logs, values=values, external=external)
        if mode in {'write', 'delete'} or external:
            raise AuditLogAccessError(gettext(
                    'edaftar_base.msg_audit_log_append_only'))

    @classmethod
    def log(cls, records, action, details=None, field_names=None,
            on_behalf_of=None):
        """Append one line per record for the action done by the current
        user; field_names, when given, are listed in the details."""
        pool = Pool()
        User = pool.get('res.user')
        if not records:
            return []
        transaction = Transaction()
        address, _ = transaction.remote_address()
        user_id = transaction.user or transaction.context.get('user')
        employee = None
        if user_id:
            with transaction.set_user(user_id):
                employee = User.get_edaftar_scope()['employee']
        if field_names:
            changed = ', '.join(sorted(field_names))
            details = f'{details}\n{changed}' if details else changed
        now = dt.datetime.now()
        with without_check_access():
            names = [record.rec_name[:512] for record in records]
        # One INSERT: every move, registration and change writes here, and
        # what is written is decided above, not by a client.
        table = cls.__table__()
        cursor = transaction.connection.cursor()
        columns = [
            table.create_uid, table.create_date, table.timestamp, table.user,
            table.employee, table.on_behalf_of, table.model, table.record_id,
            table.record_name, table.action, table.details, table.address]
        values = [[
                transaction.user, CurrentTimestamp(), now, user_id or None,
                employee, on_behalf_of.id if on_behalf_of else None,
                record.__name__, record.id, name, action, details,
                str(address) if address else None]
            for record, name in zip(records, names)]
        ids = []
        if transaction.database.has_returning():
            for sub_values in grouped_slice(values, 1000):
                cursor.execute(*table.insert(
                        columns, list(sub_values), returning=[table.id]))
                ids.extend(id_ for id_, in cursor)
        else:
            for row in values:
                cursor.execute(*table.insert(columns, [row]))
                ids.append(cursor.lastrowid)
        return cls.browse(ids)
