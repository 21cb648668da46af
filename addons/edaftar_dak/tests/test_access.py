# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The access matrix: each role against receipts and files held in its own
section, another wing, another department, and confidential ones, for
read, forward, note and close — through proteus, as clients call it."""
import unittest

from proteus import Model
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.tests.tools import get_user, setup_government
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules, set_user

# Where the documents are: place → (registrar, department code, holder,
# confidentiality).
PLACES = {
    'own_section': ('registrar.sgad', 'so.admin1', 'normal'),
    'other_wing': ('registrar.sgad', 'as.regs', 'normal'),
    'other_department': ('registrar.fin', 'so.budget1', 'normal'),
    'confidential': ('registrar.sgad', 'so.admin1', 'confidential'),
    'department_desk': ('registrar.sgad', 'secretary.sgad', 'normal'),
    }
OPERATIONS = ['read', 'read_file', 'forward', 'note', 'close']
ROLES = ['so.admin1', 'officer.admin1', 'so.admin2', 'as.admin',
    'secretary.sgad', 'ps.sgad', 'registrar.sgad', 'secretary.fin',
    'so.budget1', 'cs', 'auditor', 'admin']

Y, N = True, False
# role: {place: (read, read_file, forward, note, close)}
EXPECTED = {
    # The Section Officer (Admin-I) holds own_section and confidential.
    'so.admin1': {
        'own_section': (Y, Y, Y, Y, Y), 'other_wing': (N, N, N, N, N),
        'other_department': (N, N, N, N, N), 'confidential': (Y, Y, Y, Y, Y),
        'department_desk': (N, N, N, N, N)},
    # An officer of the same section sees its normal papers, acts on none.
    'officer.admin1': {
        'own_section': (Y, Y, N, N, N), 'other_wing': (N, N, N, N, N),
        'other_department': (N, N, N, N, N), 'confidential': (N, N, N, N, N),
        'department_desk': (N, N, N, N, N)},
    'so.admin2': {
        'own_section': (N, N, N, N, N), 'other_wing': (N, N, N, N, N),
        'other_department': (N, N, N, N, N), 'confidential': (N, N, N, N, N),
        'department_desk': (N, N, N, N, N)},
    # The wing head sees the wing but not what is confidential in it.
    'as.admin': {
        'own_section': (Y, Y, N, N, N), 'other_wing': (N, N, N, N, N),
        'other_department': (N, N, N, N, N), 'confidential': (N, N, N, N, N),
        'department_desk': (N, N, N, N, N)},
    'secretary.sgad': {
        'own_section': (Y, Y, N, N, N), 'other_wing': (Y, Y, N, N, N),
        'other_department': (N, N, N, N, N), 'confidential': (N, N, N, N, N),
        'department_desk': (Y, Y, Y, Y, Y)},
    # The PS acts for the Secretary.
    'ps.sgad': {
        'own_section': (Y, Y, N, N, N), 'other_wing': (Y, Y, N, N, N),
        'other_department': (N, N, N, N, N), 'confidential': (N, N, N, N, N),
        'department_desk': (Y, Y, Y, Y, Y)},
    # The clerk keeps seeing what they registered, confidential included.
    'registrar.sgad': {
        'own_section': (Y, N, N, N, N), 'other_wing': (Y, N, N, N, N),
        'other_department': (N, N, N, N, N), 'confidential': (Y, N, N, N, N),
        'department_desk': (Y, N, N, N, N)},
    'secretary.fin': {
        'own_section': (N, N, N, N, N), 'other_wing': (N, N, N, N, N),
        'other_department': (Y, Y, N, N, N), 'confidential': (N, N, N, N, N),
        'department_desk': (N, N, N, N, N)},
    'so.budget1': {
        'own_section': (N, N, N, N, N), 'other_wing': (N, N, N, N, N),
        'other_department': (Y, Y, Y, Y, Y), 'confidential': (N, N, N, N, N),
        'department_desk': (N, N, N, N, N)},
    # Nothing was routed to the Chief Secretary.
    'cs': {p: (N, N, N, N, N) for p in PLACES},
    'auditor': {p: (Y, Y, N, N, N) for p in PLACES},
    'admin': {p: (Y, Y, N, N, N) for p in PLACES},
    }


def setup_documents(config):
    """For each place and operation, receipts registered and marked to the
    holder (two for the moves, as the holder and their PA/PS each use one),
    and a file the holder opened."""
    Receipt = Model.get('edaftar.receipt', config=config)
    Movement = Model.get('edaftar.movement', config=config)
    Employee = Model.get('company.employee', config=config)
    File = Model.get('edaftar.file', config=config)
    admin = config.user
    for place, (registrar, holder, confidentiality) in PLACES.items():
        set_user(get_user(registrar, config=config), config=config)
        holder_employee, = Employee.find([('user.login', '=', holder)])
        for operation in ['read', 'forward', 'forward', 'close', 'close']:
            receipt = Receipt(
                sender_name="Sender", subject=f'{place} {operation}',
                confidentiality=confidentiality)
            receipt.save()
            receipt.click('register')
            Movement(document=receipt, action='mark',
                to_employee=holder_employee).save()
        set_user(get_user(holder, config=config), config=config)
        File(subject=f'{place} note', confidentiality=confidentiality).save()
        set_user(admin, config=config)


class AccessMatrixTestCase(unittest.TestCase):
    "Each role × place × operation, allowed exactly where the contract says"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_dak', setup_government, setup_documents)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def attempt(self, login, place, operation):
        "Try operation as login on the document of place; True if it worked"
        Receipt = Model.get('edaftar.receipt')
        File = Model.get('edaftar.file')
        Movement = Model.get('edaftar.movement')
        Employee = Model.get('company.employee')
        set_user(self.admin)
        holder = PLACES[place][1]
        receipt_ids = [r.id for r in Receipt.find([
                    ('subject', '=', f'{place} {operation}'),
                    ('state', '=', 'in_process'),
                    ('holder.user.login', '=', holder),
                    ])] or [Receipt.find([
                        ('subject', '=', f'{place} read')])[0].id]
        receipt_id = receipt_ids[0]
        file_id = File.find([('subject', '=', f'{place} note')])[0].id
        other, = Employee.find([('user.login', '=', 'so.admin2')])
        set_user(self.users[login])
        try:
            if operation == 'read':
                return Receipt(receipt_id).subject == f'{place} read'
            elif operation == 'read_file':
                return File(file_id).subject == f'{place} note'
            elif operation == 'forward':
                Movement(document=Receipt(receipt_id), action='forward',
                    to_employee=Employee(other.id)).save()
            elif operation == 'note':
                file = File(file_id)
                file.notes.new(text=f"Note by {login}")
                file.save()
            elif operation == 'close':
                receipt = Receipt(receipt_id)
                receipt.disposal_remark = "Filed"
                receipt.save()
                receipt.click('close')
            return True
        except (UserError, AccessError):
            return False
        finally:
            set_user(self.admin)

    def test_matrix(self):
        "The access matrix"
        User = Model.get('res.user')
        self.admin = User(self.config.user)
        self.users = {login: get_user(login) for login in ROLES}
        # Refusals first, so that the allowed moves change nothing seen by
        # the other rows.
        cells = [(r, p, o) for r in ROLES for p in PLACES for o in OPERATIONS]
        cells.sort(key=lambda c: EXPECTED[c[0]][c[1]][OPERATIONS.index(c[2])])
        got = {}
        for role, place, operation in cells:
            got[(role, place, operation)] = self.attempt(
                role, place, operation)
        expected = {
            (r, p, o): EXPECTED[r][p][OPERATIONS.index(o)]
            for r, p, o in cells}
        wrong = sorted(
            f'{r} {o} {p}: expected {"allowed" if expected[(r, p, o)] else "refused"}'
            for (r, p, o) in cells if got[(r, p, o)] != expected[(r, p, o)])
        self.assertEqual(wrong, [])
        # And what was allowed really happened, once per allowed role.
        set_user(self.admin)
        Receipt = Model.get('edaftar.receipt')
        File = Model.get('edaftar.file')
        for place in PLACES:
            allowed = {o: sum(EXPECTED[r][place][OPERATIONS.index(o)]
                    for r in ROLES) for o in ['forward', 'note', 'close']}
            self.assertEqual(len(Receipt.find([
                            ('subject', '=', f'{place} close'),
                            ('state', '=', 'closed')])),
                allowed['close'], place)
            self.assertEqual(len(Receipt.find([
                            ('subject', '=', f'{place} forward'),
                            ('holder.user.login', '=', 'so.admin2')])),
                allowed['forward'], place)
            file, = File.find([('subject', '=', f'{place} note')])
            self.assertEqual(len(file.notes), allowed['note'], place)
