# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Task & Audit: the movement history as the web client asks for it — the
action's context_domain decoded with the filter's values and combined with
the search, as sao does — filtered by file, person, unit (and the units
below it) and dates, read under the movements' own rules; the predefined
export of what is listed; dotted filters into another department's
movements reveal nothing."""
import datetime as dt
import unittest

from proteus import Model
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.tests.tools import (
    Actor, message_pattern, setup_executive, setup_government)
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.tests.test_tryton import DB_NAME, drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

MOVEMENT = 'edaftar.movement'
# The fields of the action's context model, all sent by the client
FILTERS = ['file', 'employee', 'unit', 'from_date', 'to_date']
# The sent_at of each movement: (days from today, time of the day). Around
# the limits of the date filters: -8 .. -3 takes m2 (00:00:00 of its first
# day) and m4 (23:59:59 of its last), not m1 (23:59:59 the day before) nor
# m5 (00:00:00 the day after).
SENT = {
    'm1': (-9, dt.time(23, 59, 59)),
    'm2': (-8, dt.time(0, 0, 0)),
    'm3': (-5, dt.time(12, 0)),
    'm4': (-3, dt.time(23, 59, 59)),
    'm5': (-2, dt.time(0, 0, 0)),
    'm6': (-1, dt.time(9, 0)),
    'm7': (-4, dt.time(10, 0)),
    'm8': (-2, dt.time(10, 0)),
    'm9': (-1, dt.time(10, 0)),
    }
SGAD = ['m1', 'm2', 'm3', 'm4', 'm5', 'm6']
FIN = ['m7', 'm8', 'm9']
POSTINGS = "Posting orders of clerks"
LEAVE = "Leave of a driver"
BUDGET = "Budget re-appropriation"
SECTION_FILE = "Establishment of Admin-I"
BUDGET_FILE = "Releases of Budget-I"
# The columns of the export "Movement history"
COLUMNS = ['sent_at', 'document', 'action', 'purpose', 'from_employee',
    'from_unit', 'to_employee', 'to_unit', 'instructions', 'due_date',
    'read_at', 'on_behalf_of']


def day(n):
    return dt.date.today() + dt.timedelta(days=n)


def newest_first(names):
    "The movements of names in the action's order (sent_at, id DESC)"
    return sorted(names, key=lambda n: (day(SENT[n][0]), SENT[n][1], n),
        reverse=True)


class MovementHistoryTestCase(unittest.TestCase):
    "The movement history of Task & Audit and its export"
    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_task', setup_government, setup_executive)
        cls.actor = Actor(cls.config)
        # Made now rather than in the cached database: the dates are the
        # test's days.
        cls.setup_movements()
        ModelData = Model.get('ir.model.data')
        cls.action_id = ModelData.get_id(
            'edaftar_task', 'act_movement_history', cls.config.context)
        Unit = Model.get('edaftar.org.unit')
        units = Unit.find([])
        parents = {u.id: (u.code, u.parent.id if u.parent else None)
            for u in units}

        def path(id_):
            code, parent = parents[id_]
            return f'{path(parent)}.{code}' if parent else code
        # By the path of codes below the government (SGAD.ADM.I), as
        # setup_government names them
        cls.units = {
            path(u.id).partition('.')[2] or u.code: u.id for u in units}

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def tearDown(self):
        self.actor.login('admin')
        super().tearDown()

    @classmethod
    def setup_movements(cls):
        """In S&GAD: a letter marked to the Secretary, forwarded by his PS
        to the wing head (Admin), who forwards it to the Section Officer
        Admin-I (m1-m3); a letter marked to the wing head (Regulations)
        (m4); a file of Admin-I sent up to the wing head and returned
        (m5, m6). In Finance: a letter marked to the Secretary and
        forwarded to the Section Officer Budget-I (m7, m8); his file sent up
        to the wing head (m9)."""
        actor = cls.actor
        Receipt = Model.get('edaftar.receipt')
        File = Model.get('edaftar.file')
        Movement = Model.get(MOVEMENT)
        Employee = Model.get('company.employee')
        cls.ids = ids = {}

        def move(login, document, name, action='forward', to=None,
                instructions=None):
            actor.login(login)
            Document = Model.get(document.__class__.__name__)
            movement = Movement(document=Document(document.id),
                action=action, instructions=instructions)
            if to:
                movement.to_employee = Employee(actor.employee(to))
            movement.save()
            ids[name] = movement.id

        def register(registrar, subject):
            actor.login(registrar)
            receipt = Receipt(sender_name="Sender", subject=subject)
            receipt.save()
            receipt.click('register')
            return receipt

        def open_file(login, subject):
            actor.login(login)
            file = File(subject=subject)
            file.save()
            return file

        postings = register('registrar.sgad', POSTINGS)
        move('registrar.sgad', postings, 'm1', 'mark', 'secretary.sgad')
        move('ps.sgad', postings, 'm2', to='as.admin',
            instructions="Please examine.")
        move('as.admin', postings, 'm3', to='so.admin1')
        leave = register('registrar.sgad', LEAVE)
        move('registrar.sgad', leave, 'm4', 'mark', 'as.regs')
        section_file = open_file('so.admin1', SECTION_FILE)
        move('so.admin1', section_file, 'm5', to='as.admin')
        move('as.admin', section_file, 'm6', 'return')

        budget = register('registrar.fin', BUDGET)
        move('registrar.fin', budget, 'm7', 'mark', 'secretary.fin')
        move('secretary.fin', budget, 'm8', to='so.budget1')
        budget_file = open_file('so.budget1', BUDGET_FILE)
        move('so.budget1', budget_file, 'm9', to='as.budget')
        actor.login('admin')
        cls.files = {'section': section_file.id, 'budget': budget_file.id}

        # The days they were sent, as the clock would have made them
        with Transaction().start(DB_NAME, 0):
            Movement_ = Pool().get(MOVEMENT)
            table = Movement_.__table__()
            cursor = Transaction().connection.cursor()
            for name, (days, time) in SENT.items():
                cursor.execute(*table.update([table.sent_at],
                        [dt.datetime.combine(day(days), time)],
                        where=table.id == ids[name]))
        cls.names = {id_: name for name, id_ in ids.items()}

    def login(self, login):
        self.actor.login(login)

    def action(self):
        "The action as the current user's client reads it"
        ActWindow = Model.get('ir.action.act_window')
        action = ActWindow(self.action_id)
        return action.context_domain, action.order, action.context_model

    def screen(self, domain=None, **filters):
        """The domain, order and context of the search of the action's
        screen with the filter's values, as sao builds them: the values of
        the context model in the context; the context_domain decoded with
        that context and ANDed with the search domain"""
        context_domain, order, context_model = self.action()
        self.assertEqual(context_model, 'edaftar.task.audit.context')
        values = dict.fromkeys(FILTERS)
        values.update(filters)
        context = {**self.config.context, **values,
            'context_model': context_model}
        decoder = PYSONDecoder(context)
        domain = ['AND', domain or [], decoder.decode(context_domain)]
        return domain, decoder.decode(order), context

    def history(self, login, domain=None, **filters):
        "The names of the movements login's screen lists, in its order"
        self.login(login)
        domain, order, context = self.screen(domain, **filters)
        proxy = self.config.get_proxy(MOVEMENT)
        ids = proxy.search(domain, 0, None, order, context)
        self.assertEqual(
            proxy.search_count(domain, 0, None, context), len(ids))
        return [self.names.get(i, i) for i in ids]

    def employee(self, login):
        return self.actor.employee(login)

    def unit(self, path):
        return self.units[path]

    def test_setup(self):
        "The movements are those of the setup, as the administrator sees"
        self.assertEqual(sorted(self.history('admin')),
            sorted(SGAD + FIN))
        Movement = Model.get(MOVEMENT)
        moves = {self.names[m.id]: (m.action,
                m.from_employee.user.login, m.to_employee.user.login,
                m.from_unit.code, m.to_unit.code)
            for m in Movement.find([])}
        self.assertEqual(moves, {
                'm1': ('mark', 'registrar.sgad', 'secretary.sgad',
                    'CR', 'SGAD'),
                'm2': ('forward', 'secretary.sgad', 'as.admin',
                    'SGAD', 'ADM'),
                'm3': ('forward', 'as.admin', 'so.admin1', 'ADM', 'I'),
                'm4': ('mark', 'registrar.sgad', 'as.regs', 'CR', 'REG'),
                'm5': ('forward', 'so.admin1', 'as.admin', 'I', 'ADM'),
                'm6': ('return', 'as.admin', 'so.admin1', 'ADM', 'I'),
                'm7': ('mark', 'registrar.fin', 'secretary.fin', 'CR', 'FIN'),
                'm8': ('forward', 'secretary.fin', 'so.budget1', 'FIN', 'I'),
                'm9': ('forward', 'so.budget1', 'as.budget', 'I', 'BUD'),
                })

    def test_unfiltered(self):
        """Without a filter: the movements each user may read, newest
        first"""
        self.assertEqual(self.history('secretary.sgad'), newest_first(SGAD))
        self.assertEqual(self.history('secretary.fin'), newest_first(FIN))
        # The wing head (Admin): the letter and the file of his wing, not
        # the letter held in the other wing.
        self.assertEqual(self.history('as.admin'),
            newest_first(['m1', 'm2', 'm3', 'm5', 'm6']))
        self.assertEqual(self.history('auditor'), newest_first(SGAD + FIN))

    def test_filter_file(self):
        "By file: the movements of the file"
        section, budget = self.files['section'], self.files['budget']
        self.assertEqual(
            self.history('secretary.sgad', file=section), ['m6', 'm5'])
        self.assertEqual(
            self.history('so.admin1', file=section), ['m6', 'm5'])
        self.assertEqual(
            self.history('secretary.fin', file=budget), ['m9'])
        # Another department's file: nothing, either way
        self.assertEqual(self.history('secretary.sgad', file=budget), [])
        self.assertEqual(self.history('secretary.fin', file=section), [])
        self.assertEqual(self.history('auditor', file=budget), ['m9'])

    def test_filter_person(self):
        "By person: the movements from or to them"
        self.assertEqual(
            self.history('secretary.sgad',
                employee=self.employee('as.admin')),
            ['m6', 'm5', 'm3', 'm2'])
        self.assertEqual(
            self.history('secretary.sgad',
                employee=self.employee('secretary.sgad')),
            ['m2', 'm1'])
        self.assertEqual(
            self.history('secretary.fin',
                employee=self.employee('so.budget1')),
            ['m9', 'm8'])
        # A person of the other department: nothing
        for login in ['secretary.fin', 'so.budget1', 'registrar.fin']:
            with self.subTest(login=login):
                self.assertEqual(self.history('secretary.sgad',
                        employee=self.employee(login)), [])
        self.assertEqual(self.history('secretary.fin',
                employee=self.employee('as.admin')), [])
        self.assertEqual(self.history('auditor',
                employee=self.employee('secretary.fin')), ['m8', 'm7'])

    def test_filter_unit(self):
        "By unit: the movements from or to it or a unit below it"
        # The section alone
        self.assertEqual(
            self.history('secretary.sgad', unit=self.unit('SGAD.ADM.I')),
            ['m6', 'm5', 'm3'])
        # The wing: itself and its sections
        self.assertEqual(
            self.history('secretary.sgad', unit=self.unit('SGAD.ADM')),
            ['m6', 'm5', 'm3', 'm2'])
        self.assertEqual(
            self.history('secretary.sgad', unit=self.unit('SGAD.REG')),
            ['m4'])
        # The department: everything in it
        self.assertEqual(
            self.history('secretary.sgad', unit=self.unit('SGAD')),
            newest_first(SGAD))
        self.assertEqual(
            self.history('secretary.fin', unit=self.unit('FIN.BUD')),
            ['m9', 'm8'])
        # The government, or the other department: only what is readable
        self.assertEqual(
            self.history('secretary.sgad', unit=self.unit('GOB')),
            newest_first(SGAD))
        for unit in ['FIN', 'FIN.BUD', 'FIN.BUD.I', 'FIN.CR']:
            with self.subTest(unit=unit):
                self.assertEqual(self.history(
                        'secretary.sgad', unit=self.unit(unit)), [])
        self.assertEqual(
            self.history('secretary.fin', unit=self.unit('SGAD')), [])
        self.assertEqual(
            self.history('auditor', unit=self.unit('FIN')),
            newest_first(FIN))

    def test_filter_dates(self):
        "By dates: sent from the first day's start to the last day's end"
        self.assertEqual(
            self.history('secretary.sgad', from_date=day(-8),
                to_date=day(-3)),
            ['m4', 'm3', 'm2'])
        self.assertEqual(
            self.history('secretary.sgad', from_date=day(-2)),
            ['m6', 'm5'])
        self.assertEqual(
            self.history('secretary.sgad', to_date=day(-9)), ['m1'])
        self.assertEqual(
            self.history('secretary.sgad', from_date=day(-9),
                to_date=day(-9)), ['m1'])
        # Finance's movements of those days stay Finance's
        self.assertEqual(
            self.history('secretary.fin', from_date=day(-8),
                to_date=day(-3)), ['m7'])
        self.assertEqual(
            self.history('auditor', from_date=day(-4), to_date=day(-2)),
            newest_first(['m4', 'm5', 'm7', 'm8']))

    def test_filters_combined(self):
        "The filters together, with the user's own search"
        self.assertEqual(
            self.history('secretary.sgad',
                employee=self.employee('as.admin'),
                from_date=day(-8), to_date=day(-3)),
            ['m3', 'm2'])
        self.assertEqual(
            self.history('secretary.sgad',
                unit=self.unit('SGAD.ADM'), file=self.files['section']),
            ['m6', 'm5'])
        self.assertEqual(
            self.history('secretary.sgad', [('action', '=', 'forward')],
                unit=self.unit('SGAD.ADM')),
            ['m5', 'm3', 'm2'])
        self.assertEqual(
            self.history('as.admin', employee=self.employee('as.regs')),
            [])

    def export(self):
        """The predefined export "Movement history", as the current user's
        client reads it: its values and its field names"""
        proxy = self.config.get_proxy('ir.export')
        exports = proxy.get(MOVEMENT, [
                'name', 'header', 'records', 'ignore_search_limit',
                'export_fields.name'], self.config.context)
        export, = [e for e in exports if e['name'] == "Movement history"]
        return export, [f['name'] for f in export['export_fields.']]

    def test_export_lines(self):
        """The predefined export is offered to staff, on what is listed;
        its lines are field paths an export reads (names separated by
        "/", as the clients write them)"""
        self.login('secretary.sgad')
        export, fields = self.export()
        self.assertEqual(
            (export['header'], export['records'],
                export['ignore_search_limit']),
            (True, 'listed', True))
        self.assertEqual(
            [f.removesuffix('/rec_name') for f in fields], COLUMNS)
        Movement = Model.get(MOVEMENT)
        for path in fields:
            with self.subTest(path=path):
                Target = Movement
                for name in path.split('/'):
                    self.assertIsNotNone(Target)
                    self.assertIn(name, Target._fields)
                    field = Target._fields[name]
                    if field['type'] == 'reference':
                        # rec_name: every document's
                        Target = Model.get('edaftar.receipt')
                    elif field.get('relation'):
                        Target = Model.get(field['relation'])
                    else:
                        Target = None

    def test_export(self):
        """The department head exports what his screen lists: the rows
        of the movements he may read, as the administrator exports them"""
        self.login('secretary.sgad')
        _, fields = self.export()
        filters = {'employee': self.employee('as.admin')}
        listed = self.history('secretary.sgad', **filters)
        ids = [self.ids[n] for n in listed]
        proxy = self.config.get_proxy(MOVEMENT)
        rows = proxy.export_data(ids, fields, False, self.config.context)
        self.assertEqual(len(rows), 4)
        index = {f.removesuffix('/rec_name'): i for i, f in enumerate(fields)}
        self.assertEqual(
            [tuple(r[index[c]] for c in [
                        'action', 'purpose', 'from_employee', 'from_unit',
                        'to_employee', 'to_unit', 'on_behalf_of',
                        'instructions'])
                for r in rows], [
                ('return', 'action', "Additional Secretary (Admin)",
                    "[ADM] Admin Wing", "Section Officer (Admin-I)",
                    "[I] Admin-I Section", '', ''),
                ('forward', 'action', "Section Officer (Admin-I)",
                    "[I] Admin-I Section", "Additional Secretary (Admin)",
                    "[ADM] Admin Wing", '', ''),
                ('forward', 'action', "Additional Secretary (Admin)",
                    "[ADM] Admin Wing", "Section Officer (Admin-I)",
                    "[I] Admin-I Section", '', ''),
                ('forward', 'action', "Secretary S&GAD",
                    "[SGAD] Services & General Administration",
                    "Additional Secretary (Admin)", "[ADM] Admin Wing",
                    "Secretary S&GAD", "Please examine."),
                ])
        self.assertEqual(
            [r[index['sent_at']] for r in rows],
            [dt.datetime.combine(day(SENT[n][0]), SENT[n][1])
                for n in listed])
        documents = [r[index['document']] for r in rows]
        self.assertEqual(
            [d.endswith(f': {SECTION_FILE}') for d in documents],
            [True, True, False, False])
        self.assertEqual(len(set(documents)), 2)
        # As listed (records "listed", the search limit ignored), sao asks
        # export_data_domain with the screen's domain: the same rows.
        domain, order, context = self.screen(**filters)
        self.assertEqual(proxy.export_data_domain(
                domain, fields, 0, None, order, False, context), rows)
        # With the header, as the export says
        with_header = proxy.export_data(ids, fields, True, context)
        self.assertEqual(with_header[1:], rows)
        self.assertEqual(len(with_header[0]), len(fields))
        # Nothing differs from what the administrator exports of them.
        self.login('admin')
        self.assertEqual(
            proxy.export_data(ids, fields, False, self.config.context), rows)

    def test_export_other_department(self):
        """Another department's movements are not exported: not listed by
        a filter naming them, refused by id — with the predefined export's
        fields or with plain columns of the movement, which a client may
        ask for as well"""
        self.login('secretary.sgad')
        _, fields = self.export()
        proxy = self.config.get_proxy(MOVEMENT)
        domain, order, context = self.screen(unit=self.unit('FIN'))
        self.assertEqual(proxy.export_data_domain(
                domain, fields, 0, None, order, False, context), [])
        pattern = message_pattern(self.config, 'ir.msg_read_rule_error')
        plain = ['sent_at', 'action', 'purpose', 'instructions', 'due_date',
            'read_at']
        for login, names in [
                ('secretary.sgad', ['m8']), ('secretary.sgad', ['m3', 'm8']),
                ('secretary.fin', ['m2']), ('as.admin', ['m4']),
                ]:
            for what, paths in [('export', fields), ('plain', plain)]:
                with self.subTest(login=login, names=names, fields=what):
                    self.login(login)
                    with self.assertRaises(AccessError) as refused:
                        rows = proxy.export_data(
                            [self.ids[n] for n in names], paths, False,
                            self.config.context)
                        self.fail(f"exported: {rows}")
                    self.assertRegex(refused.exception.message, pattern)

    def test_dotted_filters_reveal_nothing(self):
        """A search through the relations of the movements, into another
        department's, finds nothing — the same as for a value that exists
        nowhere — with or without the screen's filter"""
        proxy = self.config.get_proxy(MOVEMENT)

        def attempt(login, clause, **filters):
            self.login(login)
            domain, order, context = self.screen([clause], **filters)
            try:
                return ('found', proxy.search(domain, 0, None, order,
                        context), proxy.search_count(domain, 0, None,
                        context))
            except AccessError as error:
                return ('refused', type(error), error.message)

        for login, clause, nowhere in [
                ('secretary.sgad',
                    ('to_employee.user.login', '=', 'so.budget1'),
                    ('to_employee.user.login', '=', 'nobody')),
                ('secretary.sgad',
                    ('from_employee.user.login', '=', 'secretary.fin'),
                    ('from_employee.user.login', '=', 'nobody')),
                ('secretary.sgad', ('receipt.subject', '=', BUDGET),
                    ('receipt.subject', '=', 'No such letter')),
                ('secretary.sgad', ('file.subject', '=', BUDGET_FILE),
                    ('file.subject', '=', 'No such file')),
                ('secretary.sgad', ('to_unit.code', '=', 'BUD'),
                    ('to_unit.code', '=', 'XYZ')),
                ('secretary.fin',
                    ('to_employee.user.login', '=', 'as.admin'),
                    ('to_employee.user.login', '=', 'nobody')),
                ('secretary.fin', ('receipt.subject', 'ilike', '%clerks%'),
                    ('receipt.subject', 'ilike', '%nothing such%')),
                ('secretary.fin', ('file.subject', '=', SECTION_FILE),
                    ('file.subject', '=', 'No such file')),
                ]:
            with self.subTest(login=login, clause=clause):
                found = attempt(login, clause)
                self.assertEqual(found, attempt(login, nowhere))
                if found[0] == 'found':
                    self.assertEqual(found[1:], ([], 0))
                # With the screen's filter naming the other department
                other = 'FIN' if login == 'secretary.sgad' else 'SGAD'
                filtered = attempt(login, clause, unit=self.unit(other))
                self.assertEqual(
                    filtered, attempt(login, nowhere, unit=self.unit(other)))
                if filtered[0] == 'found':
                    self.assertEqual(filtered[1:], ([], 0))
        # The same dotted clauses do find the user's own department's.
        self.assertEqual(self.history('secretary.sgad',
                [('to_employee.user.login', '=', 'as.admin')]),
            ['m5', 'm2'])
        self.assertEqual(self.history('secretary.fin',
                [('receipt.subject', '=', BUDGET)]), ['m8', 'm7'])
