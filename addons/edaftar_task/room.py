# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Department rooms and one-to-one conversations on Tryton's chat

A room is a record with a discussion (ChatMixin): the web client's chat
panel, the followers and the notifications are Tryton's. Who is in a room
is decided here: the people posted in a department (division, executive
office) are in its room; a conversation is between the two people it was
opened by and with. Nobody else reads the room, its messages or its
followers (the rule, and edaftar_base's checks of the discussion)."""
import datetime as dt

from sql import Null

from trytond import backend
from trytond.i18n import gettext
from trytond.model import (
    ChatMixin, Check, Index, ModelSQL, ModelView, Unique, fields)
from trytond.modules.edaftar_base.guard import GuardMixin, from_client
from trytond.modules.edaftar_base.res import server_context
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.tools import grouped_slice
from trytond.transaction import Transaction, check_access

from .exceptions import RoomAccessError, RoomMemberError

KINDS = [
    ('department', "Department"),
    ('direct', "Conversation"),
    ]
# The units that have a room: everyone posted at or below one of them is
# in it. They sit side by side under the government, so everybody is in
# at most one room of a unit.
ROOM_UNIT_KINDS = ('department', 'division', 'executive')
# The fields of an employee that move them between rooms or followers.
MEMBERSHIP_FIELDS = {'edaftar_unit', 'user', 'start_date', 'end_date'}
# The fields of a unit that change which people are under which room.
STRUCTURE_FIELDS = {'kind', 'parent', 'active'}
NEGATIONS = {
    '!=': '=', 'not like': 'like', 'not ilike': 'ilike', 'not in': 'in'}
_department = Eval('kind') == 'department'
_direct = Eval('kind') == 'direct'


def _ancestors(unit_id, tree):
    "The ids of unit_id and of every unit above it"
    result = set()
    while unit_id is not None and unit_id not in result:
        result.add(unit_id)
        unit_id = tree['parent'].get(unit_id)
    return result


def _room_of_resource(resource):
    "The room of a chat resource ('model,id' or a record), or None"
    Room = Pool().get('edaftar.chat.room')
    if isinstance(resource, Room):
        return resource
    model, _, id_ = str(resource).partition(',')
    if model != Room.__name__:
        return None
    try:
        return Room(int(id_))
    except ValueError:
        return None


class Room(GuardMixin, ChatMixin, ModelSQL, ModelView):
    """A department's room or a conversation between two people, whose
    discussion only its members read and write"""
    __name__ = 'edaftar.chat.room'
    __string__ = "Room"
    _rec_name = 'name'

    name = fields.Function(
        fields.Char("Name"), 'get_name', searcher='search_name')
    kind = fields.Selection(
        KINDS, "Kind", required=True, readonly=True, sort=False)
    kind_string = kind.translated('kind')
    unit = fields.Many2One(
        'edaftar.org.unit', "Unit", readonly=True, ondelete='RESTRICT',
        states={'invisible': ~_department},
        help="The department, division or executive office whose people "
        "are in the room.")
    person1 = fields.Many2One(
        'company.employee', "Person", readonly=True, ondelete='RESTRICT',
        states={'invisible': True})
    person2 = fields.Many2One(
        'company.employee', "Person", readonly=True, ondelete='RESTRICT',
        states={'invisible': True})
    other = fields.Function(
        fields.Many2One(
            'company.employee', "With",
            states={
                'invisible': ~_direct,
                'readonly': Eval('id', -1) >= 0,
                },
            help="The person the conversation is with; on a new "
            "conversation, the active colleague to talk to."),
        'get_other', setter='set_other')
    members = fields.Function(
        fields.Many2Many(
            'company.employee', None, None, "Members",
            help="For a department: everyone posted in it today; for a "
            "conversation: its two people."),
        'get_members', searcher='search_members')

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('unit_unique', Unique(t, t.unit),
                'edaftar_task.msg_room_unit_unique'),
            ('pair_unique', Unique(t, t.person1, t.person2),
                'edaftar_task.msg_room_pair_unique'),
            ('kind_shape', Check(t,
                    ((t.kind == 'department') & (t.unit != Null)
                        & (t.person1 == Null) & (t.person2 == Null))
                    | ((t.kind == 'direct') & (t.unit == Null)
                        & (t.person1 != Null) & (t.person2 != Null)
                        & (t.person1 < t.person2))),
                'edaftar_task.msg_room_kind_shape'),
            ]
        # The unique pair indexes person1; a member's conversations are
        # also found by person2.
        cls._sql_indexes.add(Index(t, (t.person2, Index.Range())))
        cls._order = [('kind', 'ASC'), ('id', 'ASC')]

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        # Activated on a government that has units already: open their
        # rooms now, and let their people follow them once every module
        # of the update has its columns (a queued task runs after it).
        rooms = cls._create_missing_rooms()
        if rooms:
            cls.__queue__.sync_followers(rooms)

    @classmethod
    def default_kind(cls):
        return 'direct'

    # Names and members

    @classmethod
    def get_name(cls, rooms, name):
        pool = Pool()
        Employee = pool.get('company.employee')
        result = {}
        with server_context():
            for room in cls.browse(rooms):
                if room.kind == 'department':
                    result[room.id] = room.unit.rec_name if room.unit else None
                else:
                    first, second = Employee.get_rec_name(
                        [room.person1, room.person2], 'rec_name').values()
                    result[room.id] = gettext(
                        'edaftar_task.msg_room_direct_name',
                        first=first, second=second)
        return result

    @classmethod
    def search_name(cls, name, clause):
        _, operator, value = clause[:3]
        if operator in NEGATIONS:
            query = cls.search(
                [(name, NEGATIONS[operator], value)], order=[], query=True)
            return [('id', 'not in', query)]
        return ['OR',
            [('kind', '=', 'department'), ('unit.rec_name', operator, value)],
            [('kind', '=', 'direct'), ['OR',
                    ('person1.rec_name', operator, value),
                    ('person2.rec_name', operator, value),
                    ]],
            ]

    def get_other(self, name):
        "The member who is not the user, in a conversation"
        User = Pool().get('res.user')
        if self.kind != 'direct':
            return None
        me = User.get_edaftar_scope()['employee']
        if self.person1.id == me:
            return self.person2.id
        if self.person2.id == me:
            return self.person1.id

    @classmethod
    def set_other(cls, rooms, name, value):
        # Taken by preprocess_values when a conversation is opened; never
        # written afterwards (check_modification).
        pass

    @classmethod
    def get_members(cls, rooms, name):
        pool = Pool()
        Employee = pool.get('company.employee')
        OrgUnit = pool.get('edaftar.org.unit')
        result = {r.id: [] for r in rooms}
        with server_context():
            rooms = cls.browse(rooms)
            tree = OrgUnit.get_tree()
            rooms_of_unit = {}
            for room in rooms:
                if room.kind == 'direct':
                    result[room.id] = [room.person1.id, room.person2.id]
                elif room.unit:
                    for unit_id in OrgUnit.subtree_ids([room.unit.id], tree):
                        rooms_of_unit.setdefault(unit_id, []).append(room.id)
            for units in grouped_slice(
                    sorted(rooms_of_unit), backend.MAX_QUERY_PARAMS):
                for employee in Employee.search([
                            ('edaftar_unit', 'in', list(units)),
                            ('active', '=', True),
                            ], order=[('id', 'ASC')]):
                    for room_id in rooms_of_unit[employee.edaftar_unit.id]:
                        result[room_id].append(employee.id)
        return result

    @classmethod
    def search_members(cls, name, clause):
        """Rooms by their members: employee ids (the rule gives the user's
        employee), or anything that finds employees ('members.party.name',
        a name, 'where')"""
        pool = Pool()
        Employee = pool.get('company.employee')
        _, operator, value = clause[:3]
        nested = clause[0][len(name) + 1:]
        negative = operator in NEGATIONS or operator == 'not where'
        if negative:
            operator = NEGATIONS.get(operator, 'where')
        values = value if isinstance(value, (list, tuple)) else [value]
        if operator == 'where':
            employees = Employee.search(value, order=[])
        elif (not nested and operator in {'=', 'in'}
                and all(v is None or isinstance(v, int) for v in values)):
            employees = [v for v in values if v is not None]
        else:
            employees = Employee.search(
                [(nested or 'rec_name', operator, value, *clause[3:])],
                order=[])
        domain = cls._member_domain(employees)
        if negative:
            return [('id', 'not in',
                    cls.search(domain, order=[], query=True))]
        return domain

    @classmethod
    def _member_domain(cls, employee_ids, active=True):
        """The domain of the rooms the employees are in: the room of the
        department above their posting (only while active, with active)
        and their conversations"""
        pool = Pool()
        Employee = pool.get('company.employee')
        OrgUnit = pool.get('edaftar.org.unit')
        employee_ids = sorted({int(i) for i in employee_ids})
        if not employee_ids:
            return [('id', 'in', [])]
        with server_context():
            tree = OrgUnit.get_tree()
            domain = [('id', 'in', employee_ids)]
            if active:
                domain.append(('active', '=', True))
            units = set()
            with Transaction().set_context(active_test=False):
                for employee in Employee.search(domain, order=[]):
                    if employee.edaftar_unit:
                        units |= _ancestors(employee.edaftar_unit.id, tree)
        return ['OR',
            [('kind', '=', 'department'), ('unit', 'in', sorted(units))],
            [('kind', '=', 'direct'), ['OR',
                    ('person1', 'in', employee_ids),
                    ('person2', 'in', employee_ids),
                    ]],
            ]

    @classmethod
    def rooms_of(cls, employees):
        """The rooms of employees (records or ids), active or not: the
        room of the department of their posting and their conversations"""
        with server_context():
            return cls.search(cls._member_domain(
                    [int(e) for e in employees], active=False), order=[])

    # Opening rooms

    @classmethod
    def create_department_rooms(cls, units=None):
        """Open the room of every active department, division and executive
        office (of units, if given) that has none, with its people
        following it; return the rooms opened"""
        rooms = cls._create_missing_rooms(units)
        if rooms:
            cls.sync_followers(rooms)
        return rooms

    @classmethod
    def _create_missing_rooms(cls, units=None):
        pool = Pool()
        OrgUnit = pool.get('edaftar.org.unit')
        domain = [('kind', 'in', ROOM_UNIT_KINDS)]
        if units is not None:
            domain.append(('id', 'in', [int(u) for u in units]))
        with server_context():
            units = OrgUnit.search(domain, order=[('id', 'ASC')])
            with Transaction().set_context(active_test=False):
                have = {r.unit.id for r in cls.search(
                        [('kind', '=', 'department')], order=[])}
            return cls.create([{'kind': 'department', 'unit': u.id}
                    for u in units if u.id not in have])

    @classmethod
    def _client_create_fields(cls):
        return {'kind', 'other'}

    def _client_write_fields(self):
        # Everything of a room is the server's: who is in it follows the
        # postings or was chosen when it was opened.
        return set()

    @classmethod
    def create(cls, vlist):
        """Open conversations: a client gives the other person (`other`);
        the conversation of the same two people is given back if there is
        one already, rather than a second one"""
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        client = from_client()
        if client:
            ModelAccess.check(cls.__name__, 'create')
        # For each of vlist: the id of the room given back, or the index
        # of the values created.
        result, to_create, pairs = [], [], {}
        for values in vlist:
            if client:
                cls._check_client_room(values)
            pair = cls._pair(values)
            if pair is not None and pair not in pairs:
                with server_context():
                    rooms = cls.search([
                            ('person1', '=', pair[0]),
                            ('person2', '=', pair[1]),
                            ], limit=1, order=[])
                pairs[pair] = rooms[0].id if rooms else None
            if pair is not None and pairs[pair] is not None:
                result.append(pairs[pair])
                continue
            position = ('new', len(to_create))
            if pair is not None:
                pairs[pair] = position
            result.append(position)
            to_create.append(values)
        created = super().create(to_create)
        new = [r for r in created if r.kind == 'direct']
        if new:
            cls.sync_followers(new)
        return cls.browse([
                created[r[1]].id if isinstance(r, tuple) else r
                for r in result])

    @classmethod
    def _check_client_room(cls, values):
        "Refuse what a client may not open"
        if values.get('kind', 'direct') != 'direct' or values.get('unit'):
            raise RoomAccessError(gettext(
                    'edaftar_task.msg_room_department_create'))
        cls._check_client_create(values, cls._client_create_fields())

    @classmethod
    def _pair(cls, values):
        "The (person1, person2) of a conversation's values, or None"
        if values.get('kind', 'direct') != 'direct':
            return None
        if 'other' in values or not (
                values.get('person1') or values.get('person2')):
            return cls._pair_with(values.get('other'))
        return tuple(sorted([values.get('person1'), values.get('person2')],
                key=lambda p: (p is None, p)))

    @classmethod
    def _pair_with(cls, other):
        """The pair of the user's employee and other, who must be another
        active employee with an active login"""
        pool = Pool()
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        me = User.get_edaftar_scope()['employee']
        if not me:
            raise RoomMemberError(gettext(
                    'edaftar_task.msg_room_direct_no_employee'))
        if other is None or other is False:
            raise RoomMemberError(gettext(
                    'edaftar_task.msg_room_direct_other_required'))
        given = other
        try:
            other = int(other)
        except (TypeError, ValueError):
            other = -1
        if other == me:
            raise RoomMemberError(gettext(
                    'edaftar_task.msg_room_direct_self'))
        with server_context(), Transaction().set_context(
                date=dt.date.today()):
            colleagues = Employee.search([
                    ('id', '=', other),
                    ('active', '=', True),
                    ('user', '!=', None),
                    ('user.active', '=', True),
                    ], limit=1, order=[])
            if not colleagues:
                with Transaction().set_context(active_test=False):
                    known = Employee.search([('id', '=', other)], limit=1)
                raise RoomMemberError(gettext(
                        'edaftar_task.msg_room_direct_not_staff',
                        employee=known[0].rec_name if known else given))
        return tuple(sorted([me, other]))

    @classmethod
    def preprocess_values(cls, mode, values):
        values = super().preprocess_values(mode, values)
        if mode == 'create':
            pair = cls._pair(values)
            values.pop('other', None)
            if pair is not None:
                values['kind'] = 'direct'
                values['person1'], values['person2'] = pair
        return values

    @classmethod
    def validate_fields(cls, rooms, field_names):
        super().validate_fields(rooms, field_names)
        cls.check_shape(rooms, field_names)

    @classmethod
    def check_shape(cls, rooms, field_names=None):
        "A department's room has its unit; a conversation its two people"
        if field_names and not (
                field_names & {'kind', 'unit', 'person1', 'person2'}):
            return
        for room in rooms:
            if room.kind == 'department':
                valid = bool(room.unit) and not (room.person1 or room.person2)
            else:
                valid = (not room.unit and room.person1 and room.person2
                    and room.person1.id < room.person2.id)
            if not valid:
                raise RoomMemberError(gettext(
                        'edaftar_task.msg_room_kind_shape'))

    @classmethod
    def check_modification(cls, mode, records, values=None, external=False):
        if (external and Transaction().user
                and mode in {'write', 'delete'}):
            # Who may not read a room is refused as such, before a message
            # that would name it.
            with check_access():
                cls.read([r.id for r in records], ['id'])
            for room in records:
                if room.kind == 'department':
                    raise RoomAccessError(gettext(
                            'edaftar_task.msg_room_department_managed',
                            room=room.rec_name))
                if mode == 'delete':
                    raise RoomAccessError(gettext(
                            'edaftar_task.msg_room_kept',
                            room=room.rec_name))
        super().check_modification(
            mode, records, values=values, external=external)

    # Followers

    @classmethod
    def sync_followers(cls, rooms, employees=None):
        """Make the followers of the rooms' discussions their members:
        every follower who is not a member leaves; the members among
        employees (every member when None) join.

        A member who left the followers of their room is not brought back
        unless they move (employees): people may mute a room."""
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        Follower = pool.get('ir.chat.follower')
        Employee = pool.get('company.employee')
        if employees is not None:
            employees = {int(e) for e in employees}
        with server_context():
            rooms = cls.browse(sorted({int(r) for r in rooms}))
            if not rooms:
                return
            members = cls.get_members(rooms, 'members')
            users = {}
            for ids in grouped_slice(
                    sorted(set().union(*members.values())),
                    backend.MAX_QUERY_PARAMS):
                for employee in Employee.browse(list(ids)):
                    if employee.user and employee.user.active:
                        users[employee.id] = employee.user.id
            to_delete, to_create = [], []
            for room in rooms:
                channel = Channel._get_channel(str(room))
                if channel is None:
                    # A read-only call: the next change will do it.
                    continue
                wanted = {users[e] for e in members[room.id] if e in users}
                joining = wanted if employees is None else {
                    users[e] for e in members[room.id]
                    if e in users and e in employees}
                followers = Follower.search([
                        ('channel', '=', channel.id),
                        ('user', '!=', None),
                        ])
                to_delete.extend(
                    f for f in followers if f.user.id not in wanted)
                following = {f.user.id for f in followers}
                to_create.extend(
                    {'channel': channel.id, 'user': u}
                    for u in sorted(joining - following))
            if to_delete:
                Follower.delete(to_delete)
            if to_create:
                Follower.create(to_create)

    @classmethod
    def sync_all_followers(cls):
        """Daily: postings end and start by date, without a write. Whoever
        is no longer a member leaves; whoever's posting starts today joins
        the room of their department. The people of a room never followed
        (opened at activation, without a queue worker) all join."""
        pool = Pool()
        Employee = pool.get('company.employee')
        Channel = pool.get('ir.chat.channel')
        with server_context():
            starting = Employee.search([
                    ('start_date', '=', dt.date.today()),
                    ], order=[])
            rooms = cls.search([], order=[])
            discussed = {str(c.resource) for c in Channel.search([
                        ('resource', 'like', f'{cls.__name__},%'),
                        ])}
        cls.sync_followers(
            [r for r in rooms if str(r) not in discussed])
        cls.sync_followers(
            [r for r in rooms if str(r) in discussed], employees=starting)

    @classmethod
    def delete_unused_rooms(cls, units):
        """Delete the rooms of units that were never used (no message), so
        that a unit created by mistake can be deleted; a room with a
        discussion is kept and keeps its unit"""
        pool = Pool()
        Channel = pool.get('ir.chat.channel')
        Message = pool.get('ir.chat.message')
        with server_context(), Transaction().set_context(active_test=False):
            rooms = cls.search(
                [('unit', 'in', [int(u) for u in units])], order=[])
            if not rooms:
                return
            channels = Channel.search(
                [('resource', 'in', [str(r) for r in rooms])])
            used = {str(m.channel.resource) for m in Message.search(
                    [('channel', 'in', [c.id for c in channels])])}
            Channel.delete([
                    c for c in channels if str(c.resource) not in used])
            cls.delete([r for r in rooms if str(r) not in used])


class Employee(metaclass=PoolMeta):
    "People move between rooms with their postings"
    __name__ = 'company.employee'

    @classmethod
    def on_modification(cls, mode, employees, field_names=None):
        pool = Pool()
        Room = pool.get('edaftar.chat.room')
        super().on_modification(mode, employees, field_names=field_names)
        if mode == 'create':
            Room.sync_followers(Room.rooms_of(employees), employees)

    @classmethod
    def on_write(cls, employees, values):
        pool = Pool()
        Room = pool.get('edaftar.chat.room')
        callbacks = super().on_write(employees, values)
        if values.keys() & MEMBERSHIP_FIELDS:
            ids = [e.id for e in employees]
            # The rooms they leave, read before the write.
            before = Room.rooms_of(ids)
            callbacks.append(lambda: Room.sync_followers(
                    before + Room.rooms_of(ids), ids))
        return callbacks

    @classmethod
    def on_delete(cls, employees):
        pool = Pool()
        Room = pool.get('edaftar.chat.room')
        callbacks = super().on_delete(employees)
        before = Room.rooms_of(employees)
        if before:
            callbacks.append(lambda: Room.sync_followers(before, []))
        return callbacks


class OrgUnit(metaclass=PoolMeta):
    "Each department, division and executive office has its room"
    __name__ = 'edaftar.org.unit'

    @classmethod
    def on_modification(cls, mode, units, field_names=None):
        pool = Pool()
        Room = pool.get('edaftar.chat.room')
        Employee = pool.get('company.employee')
        super().on_modification(mode, units, field_names=field_names)
        if mode == 'create' or (
                mode == 'write' and field_names & STRUCTURE_FIELDS):
            Room.create_department_rooms(units)
        if mode == 'write' and field_names & STRUCTURE_FIELDS:
            # The people under a unit moved (or closed, or opened) change
            # rooms.
            with server_context():
                moved = Employee.search([
                        ('edaftar_unit', 'in', sorted(cls.subtree_ids(
                                    [u.id for u in units]))),
                        ], order=[])
                rooms = Room.search([('kind', '=', 'department')], order=[])
            Room.sync_followers(rooms, moved)

    @classmethod
    def delete(cls, units):
        pool = Pool()
        Room = pool.get('edaftar.chat.room')
        Room.delete_unused_rooms(units)
        super().delete(units)


class Channel(metaclass=PoolMeta):
    "The discussion of a room stays with its members"
    __name__ = 'ir.chat.channel'

    @classmethod
    def subscribe_email(cls, resource, email):
        room = _room_of_resource(resource)
        if room is not None:
            cls.check_access(resource)
            raise RoomAccessError(gettext(
                    'edaftar_task.msg_room_no_email', room=room.rec_name))
        return super().subscribe_email(resource, email)

    @classmethod
    def dispatch_message(cls, message, is_sender):
        pool = Pool()
        Room = pool.get('edaftar.chat.room')
        room = _room_of_resource(message.channel.resource)
        if room is not None:
            # Postings also end by date: who is no longer a member is not
            # told. (Members follow without e-mail: see subscribe; the bus
            # carries no content: edaftar_base.)
            Room.sync_followers([room], [])
        super().dispatch_message(message, is_sender)


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.append(
            ('edaftar.chat.room|sync_all_followers',
                "Keep Room Followers in Step"))
