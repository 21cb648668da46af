# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

# The kinds of unit at which each role's scope is rooted: the nearest unit
# of one of those kinds at or above the person's posting, with everything
# below it. A role not listed adds no units of its own.
ROLE_ROOT_KINDS = {
    'group_department_head': ('department', 'division', 'executive'),
    'group_wing_head': ('wing', 'district'),
    'group_section_officer': ('section',),
    'group_officer': ('section',),
    'group_registrar': ('section',),
    'group_chief_secretary': ('executive',),
    'group_chief_minister': ('executive',),
    }
# Roles whose scope is a subtree; the others see their unit alone.
SUBTREE_ROLES = {
    'group_department_head', 'group_wing_head',
    'group_chief_secretary', 'group_chief_minister',
    }

EMPTY_SCOPE = {'employee': None, 'acting_for': (), 'units': ()}


class User(metaclass=PoolMeta):
    __name__ = 'res.user'

    edaftar_employee = fields.Function(
        fields.Many2One('company.employee', "e-Daftar Employee"),
        'get_edaftar_employee')
    edaftar_scope = fields.Function(
        fields.Many2Many(
            'edaftar.org.unit', None, None, "Units in Scope",
            help="The units whose documents the user may see."),
        'get_edaftar_scope_units')

    _edaftar_scope_cache = Cache(
        'res.user.edaftar_scope', context=False)

    @classmethod
    def get_edaftar_employee(cls, users, name):
        pool = Pool()
        Employee = pool.get('company.employee')
        result = dict.fromkeys(map(int, users))
        employees = Employee.search([
                ('user', 'in', list(result)),
                ('active', '=', True),
                ])
        for employee in employees:
            result[employee.user.id] = employee.id
        return result

    def get_edaftar_scope_units(self, name):
        with Transaction().set_user(self.id):
            return list(self.get_edaftar_scope()['units'])

    @classmethod
    def get_edaftar_scope(cls):
        """Return the e-Daftar scope of the current user:
        - employee: id of the user's active employee (or None),
        - acting_for: ids of the employees whose documents the user may
          handle (the employee itself and, for a PA/PS, the principal),
        - units: sorted ids of the units in scope."""
        transaction = Transaction()
        user_id = transaction.user
        # Postings start and end by date: key on the server's day, never
        # on a date the client may put in its context.
        today = dt.date.today()
        key = (user_id, today)
        scope = cls._edaftar_scope_cache.get(key)
        if scope is None:
            with transaction.set_context(date=today):
                scope = cls._edaftar_scope_cache.set(
                    key, cls._compute_edaftar_scope(user_id))
        return scope

    @classmethod
    def _edaftar_roles(cls, user_id):
        "Return the role group XML ids of the user"
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        with Transaction().set_user(user_id):
            groups = set(cls.get_groups())
        return {
            role for role in ROLE_ROOT_KINDS.keys() | {'group_pa'}
            if ModelData.get_id('edaftar_base', role) in groups}

    @classmethod
    def _compute_edaftar_scope(cls, user_id):
        pool = Pool()
        Employee = pool.get('company.employee')
        OrgUnit = pool.get('edaftar.org.unit')
        if not user_id:
            return EMPTY_SCOPE
        with Transaction().set_user(0):
            employees = Employee.search([
                    ('user', '=', user_id),
                    ('active', '=', True),
                    ], limit=1, order=[])
            if not employees:
                return EMPTY_SCOPE
            employee, = employees
            tree = OrgUnit.get_tree()
            roles = cls._edaftar_roles(user_id)
            acting_for = [employee.id]
            units = cls._own_units(employee, roles, tree)
            principal = employee.principal
            if ('group_pa' in roles and principal and principal.active
                    and principal.user):
                acting_for.append(principal.id)
                units |= cls._own_units(
                    principal, cls._edaftar_roles(principal.user.id), tree)
        return {
            'employee': employee.id,
            'acting_for': tuple(acting_for),
            'units': tuple(sorted(units)),
            }

    @classmethod
    def _own_units(cls, employee, roles, tree):
        "Return the ids of the units an employee sees by post and roles"
        pool = Pool()
        OrgUnit = pool.get('edaftar.org.unit')
        units = OrgUnit.subtree_ids(
            tree['heads'].get(employee.id, ()), tree)
        unit = employee.edaftar_unit
        if not unit:
            return units
        for role in roles & ROLE_ROOT_KINDS.keys():
            root = OrgUnit.ancestor_of_kind(
                unit.id, ROLE_ROOT_KINDS[role], tree)
            if root is None:
                units.add(unit.id)
            elif role in SUBTREE_ROLES:
                units |= OrgUnit.subtree_ids([root], tree)
            else:
                units.add(root)
        return units

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        if mode != 'write' or field_names & {'active', 'groups'}:
            cls._edaftar_scope_cache.clear()


class UserGroup(metaclass=PoolMeta):
    __name__ = 'res.user-res.group'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        # The groups of one user are read on every cold scope.
        cls._sql_indexes.add(Index(t, (t.user, Index.Range())))

    @classmethod
    def on_modification(cls, mode, records, field_names=None):
        pool = Pool()
        User = pool.get('res.user')
        AuditLog = pool.get('edaftar.audit.log')
        super().on_modification(mode, records, field_names=field_names)
        User._edaftar_scope_cache.clear()
        if mode == 'write':
            return
        msg = {
            'create': 'edaftar_base.msg_group_added',
            'delete': 'edaftar_base.msg_group_removed',
            }[mode]
        for record in records:
            AuditLog.log(
                [record.user], 'groups',
                details=gettext(msg, group=record.group.rec_name))
