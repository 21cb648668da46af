# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Rooms: every member of a department is in its room, in step with the
postings; a conversation is between its two people; nobody else reads a
room, its messages or its followers — through the model, the discussion
(ir.chat.channel, as the web client calls it), the history, a dotted
search or the chat records themselves. Each refusal is recognised by the
guard's exception type and message."""
import contextlib
import datetime as dt
import json
import unittest
from unittest.mock import patch

from proteus import Model
from trytond.bus import Bus
from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.edaftar_base.exceptions import (
    ChatAccessError, ProtectedFieldError)
from trytond.modules.edaftar_base.tests.tools import (
    Actor, message_pattern, message_text, setup_executive, setup_government)
from trytond.modules.edaftar_task.exceptions import (
    RoomAccessError, RoomMemberError)
from trytond.pool import Pool
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules
from trytond.transaction import Transaction

ROOM = 'edaftar.chat.room'
CHANNEL = 'ir.chat.channel'
# The people of S&GAD (the department and everything below it)
SGAD = {'secretary.sgad', 'ps.sgad', 'as.admin', 'as.regs', 'so.admin1',
    'so.admin2', 'officer.admin1', 'registrar.sgad'}
FINANCE = {'secretary.fin', 'as.budget', 'registrar.fin', 'so.budget1'}
# The calls of the chat panel, with their arguments after the resource
CHAT_CALLS = [
    ('get', ()),
    ('post', ("Anyone there?", 'internal')),
    ('subscribe', (None,)),
    ('unsubscribe', (None,)),
    ('get_followers', ()),
    ('search_followers', ('so',)),
    ('subscribe_email', ('outsider@example.com',)),
    ]


class RoomTestCase(unittest.TestCase):
    "Department rooms and conversations"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.config = activate_modules(
            'edaftar_task', setup_government, setup_executive)
        cls.actor = Actor(cls.config)

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.actor.login('admin')
        self.addCleanup(self.actor.login, 'admin')

    # Helpers

    @contextlib.contextmanager
    def server(self):
        "The pool, as the server (root) sees the database"
        with Transaction().start(self.config.database_name, 0):
            yield Pool()

    def call(self, model, method, *args, context=None):
        return self.actor.call(model, method, *args, context=context)

    def room(self, code):
        "The id of the room of the unit of code"
        with self.server() as pool:
            Room = pool.get(ROOM)
            room, = Room.search([('unit', '=', self.actor.unit(code))])
            return room.id

    def members(self, room_id):
        "The logins of the members of the room"
        with self.server() as pool:
            Room = pool.get(ROOM)
            return {e.user.login for e in Room(room_id).members if e.user}

    def followers(self, room_id):
        "The logins of the users following the room's discussion"
        with self.server() as pool:
            Follower = pool.get('ir.chat.follower')
            return {f.user.login for f in Follower.search([
                        ('channel.resource', '=', f'{ROOM},{room_id}'),
                        ('user', '!=', None),
                        ])}

    def messages(self, room_id):
        "The contents of the messages of the room's discussion"
        with self.server() as pool:
            Message = pool.get('ir.chat.message')
            return [m.content for m in Message.search([
                        ('channel.resource', '=', f'{ROOM},{room_id}'),
                        ], order=[('id', 'ASC')])]

    def visible(self, login):
        "The ids of the rooms login finds in My Rooms"
        self.actor.login(login)
        return set(self.call(ROOM, 'search', [], 0, None, None))

    def open_direct(self, login, other):
        "Open (or find) the conversation of login with other; its id"
        self.actor.login(login)
        room, = self.call(
            ROOM, 'create', [{'other': self.actor.employee(other)}])
        return room

    def post(self, login, room_id, text):
        self.actor.login(login)
        return self.call(CHANNEL, 'post', f'{ROOM},{room_id}', text,
            'internal')

    def move(self, login, code=None, **values):
        "Post login's employee in the unit of code (or write values)"
        if code is not None:
            values['edaftar_unit'] = self.actor.unit(code)
        with self.actor.as_admin():
            self.call('company.employee', 'write',
                [self.actor.employee(login)], values)

    def assertRefused(self, error, message, call, *args, **kwargs):
        """call(*args, **kwargs) is refused by error (exactly) with the text
        of the ir.message message; return the exception"""
        with self.assertRaises(UserError) as context:
            call(*args, **kwargs)
        raised = context.exception
        self.assertIs(type(raised), error, raised.message)
        self.assertRegex(raised.message,
            message_pattern(self.config, message), raised.message)
        return raised

    def assertNotReadable(self, login, room_id):
        """login neither finds nor reads the room, nor anything of its
        discussion"""
        resource = f'{ROOM},{room_id}'
        before = self.messages(room_id)
        self.actor.login(login)
        self.assertEqual(self.call(ROOM, 'search',
                [('id', '=', room_id)], 0, None, None), [])
        self.assertEqual(self.call(ROOM, 'search_count',
                [('id', '=', room_id)]), 0)
        self.assertRefused(AccessError, 'ir.msg_read_rule_error',
            self.call, ROOM, 'read', [room_id], ['name'])
        for method, args in CHAT_CALLS:
            with self.subTest(login=login, chat=method):
                self.assertRefused(ChatAccessError,
                    'edaftar_base.msg_chat_not_readable',
                    self.call, CHANNEL, method, resource, *args)
        self.assertEqual(self.messages(room_id), before)
        self.assertNotIn(login, self.followers(room_id))

    # Department rooms

    def test_department_rooms(self):
        "Each department and executive office has its room, with its people"
        with self.server() as pool:
            Room = pool.get(ROOM)
            rooms = {r.unit.code: r.id
                for r in Room.search([('kind', '=', 'department')])}
        self.assertEqual(set(rooms), {'SGAD', 'FIN', 'CSO', 'CMO'})
        for code, people in [
                ('SGAD', SGAD), ('FIN', FINANCE), ('CSO', {'cs', 'ps.cs'}),
                ('CMO', {'cm', 'ps.cm'})]:
            with self.subTest(room=code):
                self.assertEqual(self.members(rooms[code]), people)
                self.assertEqual(self.followers(rooms[code]), people)
        # Posted at the government itself, the auditor is in no room.
        self.assertEqual(self.visible('auditor'), set())
        self.actor.login('so.admin1')
        self.assertEqual(self.call(ROOM, 'search',
                [('kind', '=', 'department')], 0, None, None),
            [rooms['SGAD']])
        self.actor.login('so.admin1')
        room, = self.call(ROOM, 'read', [rooms['SGAD']],
            ['name', 'kind', 'unit', 'members'])
        self.assertEqual(room['kind'], 'department')
        self.assertEqual(room['unit'], self.actor.unit('SGAD'))
        self.assertIn('Services & General Administration', room['name'])
        self.assertEqual(len(room['members']), len(SGAD))

    def test_activation_opens_rooms(self):
        """Activated (or updated) on a government that has units: their
        rooms are opened, their people follow them through the queue or
        the daily job"""
        cmo = self.actor.unit('CMO')
        with self.server() as pool:
            Room = pool.get(ROOM)
            Queue = pool.get('ir.queue')
            Room.delete_unused_rooms([cmo])
            self.assertEqual(Room.search([('unit', '=', cmo)]), [])
            queued = Queue.search([], count=True)
            Room.__register__('edaftar_task')
            room, = Room.search([('unit', '=', cmo)])
            task, = Queue.search([], order=[('id', 'DESC')], limit=1)
            self.assertEqual(Queue.search([], count=True), queued + 1)
            self.assertEqual(
                (task.data['model'], task.data['method'],
                    list(task.data['instances'])),
                (ROOM, 'sync_followers', [room.id]))
        self.assertEqual(self.followers(room.id), set())
        # Without a worker, the daily job.
        with self.server() as pool:
            pool.get(ROOM).sync_all_followers()
        self.assertEqual(self.followers(room.id), {'cm', 'ps.cm'})
        # The worker's run finds nothing more to do.
        with self.server() as pool:
            pool.get('ir.queue')(task.id).run()
        self.assertEqual(self.followers(room.id), {'cm', 'ps.cm'})

    def test_new_department_gets_room(self):
        "A unit created is given its room; unused, it goes with the unit"
        Unit = Model.get('edaftar.org.unit', config=self.config)
        government, = Unit.find([('code', '=', 'GOB')])
        health = Unit(name="Health", code='HLT', kind='department',
            parent=government)
        health.save()
        wing = Unit(name="Health Wing", code='HW', kind='wing', parent=health)
        wing.save()
        with self.server() as pool:
            Room = pool.get(ROOM)
            self.assertEqual(len(Room.search([('unit', '=', health.id)])), 1)
            self.assertEqual(Room.search([('unit', '=', wing.id)]), [])
        Unit.delete([wing, health])
        with self.server() as pool:
            Room = pool.get(ROOM)
            self.assertEqual(Room.search([('unit', '=', health.id)]), [])

    def test_transfer(self):
        "A transfer takes a person out of one room and into the other"
        sgad, finance = self.room('SGAD'), self.room('FIN')
        self.addCleanup(self.move, 'so.admin2', 'II')
        self.post('so.admin1', sgad, "S&GAD only: the transfer list")
        self.move('so.admin2', 'BUD')
        self.assertNotIn('so.admin2', self.members(sgad))
        self.assertNotIn('so.admin2', self.followers(sgad))
        self.assertIn('so.admin2', self.members(finance))
        self.assertIn('so.admin2', self.followers(finance))
        self.assertEqual(self.visible('so.admin2'), {finance})
        self.assertNotReadable('so.admin2', sgad)
        # The new room is his: he reads and posts, his new colleagues are
        # told.
        self.post('so.admin2', finance, "Reported for duty in Budget")
        self.actor.login('so.budget1')
        self.assertIn("Reported for duty in Budget", [m['content']
                for m in self.call(CHANNEL, 'get', f'{ROOM},{finance}')])
        # The old colleagues see him gone.
        self.actor.login('secretary.sgad')
        members, = self.call(ROOM, 'read', [sgad], ['members'])
        self.assertNotIn(
            self.actor.employee('so.admin2'), members['members'])

    def test_unit_moved(self):
        "A wing moved to another department takes its people to its room"
        sgad, finance = self.room('SGAD'), self.room('FIN')
        Unit = Model.get('edaftar.org.unit', config=self.config)
        wing = Unit(self.actor.unit('REG'))

        def move_wing(code):
            with self.actor.as_admin():
                wing.parent = Unit(self.actor.unit(code))
                wing.save()
        self.addCleanup(move_wing, 'SGAD')
        move_wing('FIN')
        self.assertIn('as.regs', self.members(finance))
        self.assertIn('as.regs', self.followers(finance))
        self.assertNotIn('as.regs', self.members(sgad))
        self.assertNotIn('as.regs', self.followers(sgad))
        self.assertNotReadable('as.regs', sgad)

    def test_posting_ended(self):
        "Whose posting has ended leaves the room"
        finance = self.room('FIN')
        self.addCleanup(self.move, 'registrar.fin', end_date=None)
        self.move('registrar.fin', end_date=dt.date.today() - dt.timedelta(1))
        self.assertNotIn('registrar.fin', self.members(finance))
        self.assertNotIn('registrar.fin', self.followers(finance))
        self.assertEqual(self.visible('registrar.fin'), set())

    def test_posting_ends_by_date(self):
        """A posting that ends by the calendar: the next message tells
        only the members, the daily job makes the followers the members"""
        finance = self.room('FIN')
        with self.server() as pool:
            # The end date passes without a write: as written straight in
            # the table.
            Employee = pool.get('company.employee')
            table = Employee.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.end_date],
                    [dt.date.today() - dt.timedelta(1)],
                    where=table.id == self.actor.employee('so.budget1')))
            Transaction().commit()
        self.addCleanup(self.move, 'so.budget1', end_date=None)
        self.addCleanup(self.clear_scope)
        self.clear_scope()
        self.assertIn('so.budget1', self.followers(finance))
        self.assertNotIn('so.budget1', self.members(finance))
        self.post('secretary.fin', finance, "Budget call letter")
        self.assertNotIn('so.budget1', self.followers(finance))
        self.assertEqual(self.notified('so.budget1', "Budget call letter"), 0)
        self.assertEqual(self.notified('as.budget', "Budget call letter"), 1)

    def clear_scope(self):
        with self.server() as pool:
            pool.get('res.user')._edaftar_scope_cache.clear()

    def notified(self, login, text):
        "How many chat notifications login has of text"
        with self.server() as pool:
            Notification = pool.get('res.notification')
            User = pool.get('res.user')
            user, = User.search([('login', '=', login)])
            return Notification.search([
                    ('user', '=', user.id),
                    ('icon', '=', 'tryton-chat'),
                    ('description', '=', text),
                    ], count=True)

    def test_cron_syncs_followers(self):
        "The daily job: ended postings leave, those starting today join"
        sgad = self.room('SGAD')
        Cron = Model.get('ir.cron', config=self.config)
        cron, = Cron.find([
                ('method', '=', 'edaftar.chat.room|sync_all_followers')])
        with self.server() as pool:
            Follower = pool.get('ir.chat.follower')
            Follower.delete(Follower.search([
                        ('channel.resource', '=', f'{ROOM},{sgad}'),
                        ('user.login', '=', 'as.regs'),
                        ]))
            Employee = pool.get('company.employee')
            table = Employee.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update(
                    [table.start_date], [dt.date.today()],
                    where=table.id == self.actor.employee('as.regs')))
            Transaction().commit()
        self.addCleanup(self.move, 'as.regs', start_date=None)
        self.assertNotIn('as.regs', self.followers(sgad))
        cron.click('run_once')
        self.assertIn('as.regs', self.followers(sgad))

    # Reading and posting: members only

    def test_members_discuss(self):
        "Members read and post; the others following are told, nobody else"
        sgad = self.room('SGAD')
        text = "Office closes early on Friday"
        self.post('so.admin1', sgad, text)
        for login in ['secretary.sgad', 'registrar.sgad']:
            with self.subTest(login=login):
                self.actor.login(login)
                self.assertIn(text, [m['content'] for m in self.call(
                            CHANNEL, 'get', f'{ROOM},{sgad}')])
                self.assertEqual(self.notified(login, text), 1)
        for login in ['so.admin1', 'secretary.fin', 'cs', 'auditor']:
            with self.subTest(login=login):
                self.assertEqual(self.notified(login, text), 0)
        self.actor.login('as.admin')
        self.assertEqual({f['key'] for f in self.call(
                    CHANNEL, 'get_followers', f'{ROOM},{sgad}')}, SGAD)

    def test_non_members_refused(self):
        "Outside its members nobody finds, reads or uses a department room"
        sgad = self.room('SGAD')
        self.post('secretary.sgad', sgad, "Confidential: postings list")
        for login in ['secretary.fin', 'so.budget1', 'cs', 'ps.cs', 'cm',
                'auditor', 'admin']:
            with self.subTest(login=login):
                self.assertNotIn(sgad, self.visible(login))
                self.assertNotReadable(login, sgad)

    def test_member_cannot_add_outsider(self):
        "A member cannot make an outsider follow the room"
        sgad = self.room('SGAD')
        self.actor.login('so.admin1')
        self.assertRefused(ChatAccessError,
            'edaftar_base.msg_chat_follower_not_readable',
            self.call, CHANNEL, 'subscribe', f'{ROOM},{sgad}',
            'secretary.fin')
        self.assertRefused(RoomAccessError, 'edaftar_task.msg_room_no_email',
            self.call, CHANNEL, 'subscribe_email', f'{ROOM},{sgad}',
            'outsider@example.com')
        self.assertNotIn('secretary.fin', self.followers(sgad))

    def test_bus_carries_no_content(self):
        """The bus channel of a record is open to any logged-in user: a
        room's tells the open panels only that there is a new message"""
        sgad = self.room('SGAD')
        with patch.object(Bus, 'publish') as publish:
            message = self.post('so.admin1', sgad, "Not for the bus")
        (channel, payload), = [c.args for c in publish.call_args_list
            if c.args[0].startswith('chat:')]
        self.assertEqual(channel, f'chat:{ROOM},{sgad}')
        self.assertEqual(payload,
            {'type': 'message', 'message': {'id': message}})
        self.assertNotIn("Not for the bus", json.dumps(payload))

    def test_chat_records_hidden(self):
        """The discussion read as records (the administrator's Chat
        Messages, Channels, Followers) shows no room to outsiders"""
        sgad = self.room('SGAD')
        text = "Only for S&GAD eyes"
        self.post('so.admin1', sgad, text)
        resource = f'{ROOM},{sgad}'
        self.actor.login('admin')
        for model, domain in [
                ('ir.chat.message', [('content', '=', text)]),
                ('ir.chat.message', [('channel.resource', '=', resource)]),
                ('ir.chat.channel', [('resource', '=', resource)]),
                ('ir.chat.follower', [('channel.resource', '=', resource)]),
                ]:
            with self.subTest(model=model, domain=domain):
                self.assertEqual(self.call(
                        model, 'search', domain, 0, None, None), [])
        # Staff have no access to the chat records at all.
        self.actor.login('secretary.fin')
        self.assertRefused(AccessError, 'ir.msg_access_rule_error',
            self.call, 'ir.chat.message', 'search',
            [('channel.resource', '=', resource)], 0, None, None)

    def test_history_refused(self):
        "The past of a room is no more readable than the room"
        sgad = self.room('SGAD')
        moment = dt.datetime.now()
        past = {'_datetime': moment}
        self.actor.login('secretary.fin')
        self.assertRefused(AccessError, 'ir.msg_read_rule_error',
            self.call, ROOM, 'read', [sgad], ['name', 'members'],
            context=past)
        self.assertEqual(self.call(ROOM, 'search', [('id', '=', sgad)],
                0, None, None, context=past), [])
        # His own room only.
        self.assertEqual([r['id'] for r in self.call(ROOM, 'search_read',
                    [('kind', '=', 'department')], 0, None, None, ['name'],
                    context=past)], [self.room('FIN')])
        self.actor.login('secretary.sgad')
        room, = self.call(ROOM, 'read', [sgad], ['kind'], context=past)
        self.assertEqual(room['kind'], 'department')

    def test_dotted_search(self):
        "A search through another model tells nothing of rooms"
        room = self.open_direct('so.admin1', 'so.budget1')
        resource = f'{ROOM},{room}'
        self.actor.login('so.admin1')
        note, = self.call('ir.note', 'create', [{
                    'resource': resource, 'message': "Zircon tender notes"}])
        for login, expected in [('so.admin1', [note]), ('as.admin', [])]:
            for domain in [
                    [('message', 'ilike', '%Zircon%')],
                    [('resource', '=', resource)],
                    [('resource.name', 'ilike', '%Budget-I%', ROOM)],
                    [('resource.members.party.name', 'ilike',
                            '%Budget-I%', ROOM)],
                    ]:
                with self.subTest(login=login, domain=domain):
                    self.actor.login(login)
                    self.assertEqual(self.call('ir.note', 'search', domain,
                            0, None, None), expected)
        # Nor may an outsider write there.
        self.actor.login('as.admin')
        self.assertRefused(AccessError, 'ir.msg_write_rule_error',
            self.call, 'ir.note', 'create', [{
                    'resource': resource, 'message': "Planted"}])
        # Rooms themselves, by their members' names: their own only.
        for login, expected in [
                ('so.budget1', {room}), ('as.budget', set())]:
            with self.subTest(login=login, model=ROOM):
                self.actor.login(login)
                self.assertEqual(set(self.call(ROOM, 'search', [
                                ('kind', '=', 'direct'),
                                ('members.party.name', 'ilike', '%Admin-I%'),
                                ], 0, None, None)), expected)

    # Conversations

    def test_direct_room(self):
        "A conversation is read by its two people only"
        room = self.open_direct('so.admin1', 'so.budget1')
        self.assertEqual(self.members(room), {'so.admin1', 'so.budget1'})
        self.assertEqual(self.followers(room), {'so.admin1', 'so.budget1'})
        for login, other in [('so.admin1', 'so.budget1'),
                ('so.budget1', 'so.admin1')]:
            with self.subTest(login=login):
                self.actor.login(login)
                self.assertIn(room, self.visible(login))
                values, = self.call(ROOM, 'read', [room],
                    ['kind', 'other', 'name'])
                self.assertEqual(values['kind'], 'direct')
                self.assertEqual(values['other'], self.actor.employee(other))
        self.post('so.budget1', room, "Figures for para 4 attached")
        self.actor.login('so.admin1')
        self.assertIn("Figures for para 4 attached", [m['content']
                for m in self.call(CHANNEL, 'get', f'{ROOM},{room}')])
        self.assertEqual(
            self.notified('so.admin1', "Figures for para 4 attached"), 1)
        # Not their superiors, not the Finance room, not the admin.
        for login in ['as.admin', 'secretary.sgad', 'as.budget',
                'secretary.fin', 'admin', 'auditor']:
            with self.subTest(login=login):
                self.assertNotReadable(login, room)

    def test_direct_room_reused(self):
        "The same two people have one conversation, whoever opens it"
        room = self.open_direct('so.admin1', 'officer.admin1')
        self.assertEqual(self.open_direct('officer.admin1', 'so.admin1'), room)
        self.assertEqual(self.open_direct('so.admin1', 'officer.admin1'), room)
        self.actor.login('so.admin1')
        other = self.actor.employee('officer.admin1')
        self.assertEqual(self.call(ROOM, 'create',
                [{'other': other}, {'other': other}]), [room, room])
        # As the web client's form sends it.
        self.assertEqual(self.call(ROOM, 'create', [{
                        'kind': 'direct', 'other': other, 'unit': None,
                        'person1': None, 'person2': None}]), [room])
        with self.server() as pool:
            Room = pool.get(ROOM)
            self.assertEqual(Room.search([('kind', '=', 'direct'),
                        ('members', '=', other),
                        ('members', '=', self.actor.employee('so.admin1')),
                        ], count=True), 1)

    def test_principal_conversation_not_for_pa(self):
        """A PA/PS acts for the principal on documents, but does not read
        the principal's conversations"""
        room = self.open_direct('cm', 'secretary.sgad')
        self.post('cm', room, "See me about the postings")
        self.assertNotReadable('ps.cm', room)
        self.assertNotReadable('ps.sgad', room)
        # Their own office's room they read as members.
        self.assertIn(self.room('CMO'), self.visible('ps.cm'))

    def test_direct_room_refused(self):
        "Nobody, oneself, or someone not active on staff: refused, clearly"
        Party = Model.get('party.party', config=self.config)
        Employee = Model.get('company.employee', config=self.config)
        party = Party(name="Retired Clerk")
        party.save()
        retired = Employee(party=party,
            company=Employee(self.actor.employee('so.admin1')).company,
            edaftar_unit=Model.get('edaftar.org.unit', config=self.config)(
                self.actor.unit('SGAD')))
        retired.save()
        self.actor.login('so.admin1')
        self.assertRefused(RoomMemberError,
            'edaftar_task.msg_room_direct_self', self.call, ROOM, 'create',
            [{'other': self.actor.employee('so.admin1')}])
        for other, name in [(retired.id, "Retired Clerk"),
                (999999, '999999')]:
            with self.subTest(other=other):
                error = self.assertRefused(RoomMemberError,
                    'edaftar_task.msg_room_direct_not_staff',
                    self.call, ROOM, 'create', [{'other': other}])
                self.assertEqual(error.message, message_text(self.config,
                        'edaftar_task.msg_room_direct_not_staff',
                        employee=name))
        self.assertRefused(RoomMemberError,
            'edaftar_task.msg_room_direct_other_required',
            self.call, ROOM, 'create', [{}])
        # Somebody else's conversation cannot be opened for them.
        self.assertRefused(ProtectedFieldError,
            'edaftar_base.msg_field_protected',
            self.call, ROOM, 'create', [{
                    'person1': self.actor.employee('as.budget'),
                    'person2': self.actor.employee('registrar.sgad')}])
        # The administrator is nobody's colleague.
        self.actor.login('admin')
        self.assertRefused(RoomMemberError,
            'edaftar_task.msg_room_direct_no_employee',
            self.call, ROOM, 'create',
            [{'other': self.actor.employee('so.admin1')}])
        with self.server() as pool:
            Room = pool.get(ROOM)
            self.assertEqual(Room.search([
                        ('members', '=', self.actor.employee('as.budget')),
                        ('kind', '=', 'direct'),
                        ]), [])

    # Written by the server only

    def test_department_room_not_written(self):
        "Department rooms are neither created, written nor deleted by hand"
        sgad, finance = self.room('SGAD'), self.room('FIN')
        self.actor.login('secretary.sgad')
        for values in [{'kind': 'department', 'unit': self.actor.unit('FIN')},
                {'kind': 'department'}, {'unit': self.actor.unit('SGAD')}]:
            with self.subTest(create=values):
                self.assertRefused(RoomAccessError,
                    'edaftar_task.msg_room_department_create',
                    self.call, ROOM, 'create', [values])
        for values in [{'unit': self.actor.unit('FIN')},
                {'kind': 'direct'},
                {'person1': self.actor.employee('so.admin1')}]:
            with self.subTest(write=values):
                error = self.assertRefused(RoomAccessError,
                    'edaftar_task.msg_room_department_managed',
                    self.call, ROOM, 'write', [sgad], values)
                self.assertIn('Services & General Administration',
                    error.message)
        self.assertRefused(RoomAccessError,
            'edaftar_task.msg_room_department_managed',
            self.call, ROOM, 'delete', [sgad])
        # Outside the room, refused as unreadable before anything names it.
        for method, args in [('write', ([finance], {'unit': None})),
                ('delete', ([finance],))]:
            with self.subTest(outsider=method):
                self.assertRefused(AccessError, 'ir.msg_read_rule_error',
                    self.call, ROOM, method, *args)
        with self.server() as pool:
            Room = pool.get(ROOM)
            self.assertEqual(Room(sgad).unit.id, self.actor.unit('SGAD'))
            self.assertEqual(Room(finance).unit.id, self.actor.unit('FIN'))

    def test_direct_room_not_written(self):
        "A conversation's people are not rewritten, nor is it deleted"
        room = self.open_direct('as.admin', 'as.regs')
        self.actor.login('as.admin')
        for values in [{'person2': self.actor.employee('secretary.sgad')},
                {'other': self.actor.employee('secretary.sgad')},
                {'kind': 'department'}]:
            with self.subTest(write=values):
                self.assertRefused(ProtectedFieldError,
                    'edaftar_base.msg_field_protected',
                    self.call, ROOM, 'write', [room], values)
        self.assertRefused(RoomAccessError, 'edaftar_task.msg_room_kept',
            self.call, ROOM, 'delete', [room])
        self.assertEqual(self.members(room), {'as.admin', 'as.regs'})
