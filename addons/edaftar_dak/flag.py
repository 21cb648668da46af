# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.pool import Pool
from trytond.transaction import Transaction, check_access

from .document import PRIORITIES
from .movement import document_classes


class Flag(GuardMixin, ModelSQL, ModelView):
    "A personal follow-up flag on a receipt or file"
    __name__ = 'edaftar.flag'
    __string__ = "Follow-up Flag"

    document = fields.Reference(
        "Document", selection='get_document_models', required=True)
    receipt = fields.Many2One(
        'edaftar.receipt', "Receipt", readonly=True, ondelete='CASCADE')
    file = fields.Many2One(
        'edaftar.file', "File", readonly=True, ondelete='CASCADE')
    user = fields.Many2One(
        'res.user', "User", required=True, readonly=True,
        ondelete='CASCADE')
    urgency = fields.Selection(
        PRIORITIES, "Urgency", required=True, sort=False)
    due_date = fields.Date("Follow-up Date", required=True)
    note = fields.Text("Note")
    done = fields.Boolean("Done")
    overdue = fields.Function(
        fields.Boolean("Overdue"), 'get_overdue', searcher='search_overdue')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.update({
                Index(t, (t.user, Index.Range()), (t.due_date, Index.Range()),
                    where=~t.done),
                Index(t, (t.receipt, Index.Range())),
                Index(t, (t.file, Index.Range())),
                })
        cls._order = [('due_date', 'ASC'), ('id', 'ASC')]
        cls.__access__.add('user')

    @classmethod
    def _client_create_fields(cls):
        return {'document', 'urgency', 'due_date', 'note', 'done'}

    def _client_write_fields(self):
        return {'urgency', 'due_date', 'note', 'done'}

    @classmethod
    def get_document_models(cls):
        "Any document that moves may be flagged"
        Movement = Pool().get('edaftar.movement')
        return Movement.get_document_models()

    @classmethod
    def default_user(cls):
        return Transaction().user

    @classmethod
    def default_urgency(cls):
        return 'normal'

    @classmethod
    def default_done(cls):
        return False

    def get_overdue(self, name):
        today = Pool().get('ir.date').today()
        return not self.done and self.due_date < today

    @classmethod
    def search_overdue(cls, name, clause):
        today = Pool().get('ir.date').today()
        _, operator, value = clause[:3]
        if (operator == '=') == bool(value):
            return [('done', '=', False), ('due_date', '<', today)]
        return ['OR', ('done', '=', True), ('due_date', '>=', today)]

    def get_rec_name(self, name):
        return self.document.rec_name if self.document else str(self.id)

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            values['user'] = Transaction().user
        if 'document' in values:
            model, _, id_ = str(values['document']).partition(',')
            documents = document_classes()
            if model in documents and id_:
                # Flag only what one can see: reading as the user checks
                # the rules (preprocessing runs without access checks).
                with check_access():
                    pool.get(model).read([int(id_)], ['id'])
                # Receipts and files also have a column of their own.
                for Document in documents.values():
                    field = Document.movement_field()
                    if field in cls._fields:
                        values[field] = (
                            int(id_) if Document.__name__ == model else None)
        return values


