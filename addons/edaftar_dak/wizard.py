# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Bool, Eval
from trytond.wizard import Button, StateTransition, StateView, Wizard

from .exceptions import MoveError

WIZARD_ACTIONS = [
    ('mark', "Mark"),
    ('forward', "Forward"),
    ('return', "Return to Sender"),
    ('send_back', "Send Back"),
    ]


class MoveStart(ModelView):
    __name__ = 'edaftar.move.start'
    __string__ = "Move"

    action = fields.Selection(WIZARD_ACTIONS, "Action", required=True)
    to_employee = fields.Many2One(
        'company.employee', "To",
        domain=[('user', '!=', None), ('edaftar_unit', '!=', None)],
        states={'required': ~Eval('to_unit')},
        help="The officer who takes the document for action.")
    to_unit = fields.Many2One(
        'edaftar.org.unit', "To Unit (its Head)",
        states={'invisible': Bool(Eval('to_employee'))},
        help="Or a unit: the document goes to its head.")
    instructions = fields.Text("Instructions")
    due_date = fields.Date("Due Date")
    copies = fields.Many2Many(
        'company.employee', None, None, "Copies for Information",
        domain=[('user', '!=', None), ('edaftar_unit', '!=', None)],
        help="They receive the document to read; it stays with the "
        "officer above.")


class Move(Wizard):
    "Mark, forward, return or send back receipts and files"
    __name__ = 'edaftar.move'
    start = StateView('edaftar.move.start',
        'edaftar_dak.move_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Send", 'move', 'tryton-forward', default=True),
            ])
    move = StateTransition()

    def default_start(self, fields):
        documents = self.records
        if not documents:
            return {}
        document = documents[0]
        values = {
            'action': 'mark' if document.state == 'registered'
            else 'forward',
            }
        return values

    def transition_move(self):
        pool = Pool()
        Movement = pool.get('edaftar.movement')
        start = self.start
        vlist = []
        for document in self.records:
            values = {
                'document': str(document),
                'action': start.action,
                'purpose': 'action',
                'instructions': start.instructions,
                'due_date': start.due_date,
                }
            if start.to_employee:
                values['to_employee'] = start.to_employee.id
            elif start.to_unit:
                values['to_unit'] = start.to_unit.id
            elif start.action not in {'return', 'send_back'}:
                raise MoveError(gettext(
                        'edaftar_dak.msg_recipient_missing',
                        document=document.rec_name))
            copies = [{
                    'document': str(document),
                    'action': start.action,
                    'purpose': 'information',
                    'to_employee': employee.id,
                    'instructions': start.instructions,
                    } for employee in start.copies]
            vlist.extend(copies)
            vlist.append(values)
        Movement.create(vlist)
        return 'end'


class PutInFileStart(ModelView):
    __name__ = 'edaftar.put_in_file.start'
    __string__ = "Put in File"

    file = fields.Many2One(
        'edaftar.file', "File",
        domain=[('state', '=', 'open'), ('held_by_me', '=', True)],
        states={'required': ~Eval('new_subject')},
        help="An open file you hold; or leave empty to open a new one.")
    new_subject = fields.Char(
        "New File Subject",
        states={'invisible': Bool(Eval('file'))},
        help="Opens a new file with this subject.")


class PutInFile(Wizard):
    "Put receipts in an existing or a new file"
    __name__ = 'edaftar.put_in_file'
    start = StateView('edaftar.put_in_file.start',
        'edaftar_dak.put_in_file_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Put in File", 'put', 'tryton-ok', default=True),
            ])
    put = StateTransition()

    def default_start(self, fields):
        if self.records:
            return {'new_subject': self.records[0].subject}
        return {}

    def transition_put(self):
        pool = Pool()
        Receipt = pool.get('edaftar.receipt')
        File = pool.get('edaftar.file')
        file = self.start.file
        if not file:
            file, = File.create([{'subject': self.start.new_subject}])
        Receipt.place_in_file(self.records, file)
        return 'end'

