# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from sql.aggregate import Max

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, fields
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .document import create_full_text_indexes
from .exceptions import NoteAccessError


class Note(GuardMixin, ModelSQL, ModelView):
    """A numbered paragraph of a file's noting sheet.

    Written by the file's holder; it can be corrected only until the file
    moves on, after which corrections are new paragraphs."""
    __name__ = 'edaftar.note'
    __string__ = "Note"
    _history = True
    _rec_name = 'text'

    file = fields.Many2One(
        'edaftar.file', "File", required=True, ondelete='RESTRICT',
        domain=[('state', '=', 'open')],
        states={'readonly': Eval('id', -1) >= 0})
    number = fields.Integer("Paragraph", readonly=True)
    text = fields.Text("Text", required=True)
    author = fields.Many2One(
        'company.employee', "Author", readonly=True, ondelete='RESTRICT')
    on_behalf_of = fields.Many2One(
        'company.employee', "On Behalf Of", readonly=True,
        ondelete='RESTRICT')
    written_at = fields.Timestamp("Written", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(
            Index(t, (t.file, Index.Range()), (t.number, Index.Range())))
        cls._order = [('file', 'ASC'), ('number', 'ASC'), ('id', 'ASC')]
        # Who may read or write a file may read or write its noting.
        cls.__access__.add('file')

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        create_full_text_indexes(cls, ['text'])

    def get_rec_name(self, name):
        return f'{self.file.number} / {self.number}'

    @classmethod
    def _client_create_fields(cls):
        return {'file', 'text'}

    @classmethod
    def preprocess_values(cls, mode, values):
        pool = Pool()
        File = pool.get('edaftar.file')
        Movement = pool.get('edaftar.movement')
        User = pool.get('res.user')
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            file = File(values['file'])
            File.check_holder([file])
            # Serialise the numbering of the file's paragraphs.
            File.lock_rows([file])
            # Writing on the file means having read what brought it.
            Movement.mark_read([file])
            table = cls.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.select(
                    Max(table.number), where=table.file == file.id))
            last, = cursor.fetchone()
            me = User.get_edaftar_scope()['employee']
            values.update({
                    'number': (last or 0) + 1,
                    'author': me,
                    'on_behalf_of': (
                        file.holder.id if file.holder.id != me else None),
                    'written_at': dt.datetime.now(),
                    })
        return values

    @classmethod
    def check_modification(cls, mode, notes, values=None, external=False):
        pool = Pool()
        User = pool.get('res.user')
        Movement = pool.get('edaftar.movement')
        super().check_modification(
            mode, notes, values=values, external=external)
        if mode == 'delete':
            raise NoteAccessError(gettext('edaftar_dak.msg_note_no_delete'))
        if mode != 'write' or not external:
            return
        if values and set(values) - {'text'}:
            raise NoteAccessError(gettext('edaftar_dak.msg_note_fields'))
        me = User.get_edaftar_scope()['employee']
        for note in notes:
            moved_since = Movement.search([
                    ('file', '=', note.file.id),
                    ('sent_at', '>=', note.written_at),
                    ], limit=1)
            if note.author.id != me or moved_since:
                raise NoteAccessError(gettext(
                        'edaftar_dak.msg_note_immutable',
                        note=note.rec_name))

    @classmethod
    def on_modification(cls, mode, notes, field_names=None):
        AuditLog = Pool().get('edaftar.audit.log')
        super().on_modification(mode, notes, field_names=field_names)
        AuditLog.log(notes, mode, field_names=field_names)
