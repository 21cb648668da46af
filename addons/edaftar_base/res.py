# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from collections import defaultdict
from contextlib import contextmanager

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import Index, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .exceptions import PreferenceError

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
# What the server keeps of a call's context when it decides on links.
SERVER_CONTEXT_KEYS = {'_request', 'user', 'language'}


@contextmanager
def server_context():
    """Run without the context keys a client chooses: the company module
    reads the current employee and company from the context, and an
    employee's "active" depends on its date."""
    transaction = Transaction()
    context = {k: v for k, v in transaction.context.items()
        if k in SERVER_CONTEXT_KEYS}
    with transaction.reset_context(), transaction.set_context(context), \
            without_check_access():
        yield


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
        # Active today, as for the scope, whatever date the client sends.
        with Transaction().set_context(date=dt.date.today()):
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
    def set_preferences(cls, values):
        cls.check_edaftar_preferences(values)
        super().set_preferences(values)

    @classmethod
    def check_edaftar_preferences(cls, values):
        """Refuse a current employee or company that is not the user's own:
        the company module's domains on them are checked against the
        context the same call sets, so they let any id through."""
        transaction = Transaction()
        with server_context():
            user = cls(transaction.user)
            stored_employee = user.employee.id if user.employee else None
            stored_company = user.company.id if user.company else None
            companies = [c.id for c in user.companies]
        # Unchanged values pass: the web client sends the whole form.
        if values.get('employee') not in [
                None, stored_employee, cls.get_edaftar_scope()['employee']]:
            raise PreferenceError(gettext(
                    'edaftar_base.msg_preference_employee'))
        if values.get('company') not in [None, stored_company, *companies]:
            raise PreferenceError(gettext(
                    'edaftar_base.msg_preference_company'))

    @classmethod
    def on_modification(cls, mode, users, field_names=None):
        super().on_modification(mode, users, field_names=field_names)
        # A link changed here reaches company.employee.user, whose write
        # clears the scope.
        if mode != 'write' or field_names & {'active', 'groups'}:
            cls._edaftar_scope_cache.clear()
        if mode == 'create' or (
                mode == 'write' and field_names & {'employees', 'employee'}):
            cls.link_edaftar_employees(users)

    # The user-employee link is kept twice: company.employee.user, which
    # the scope (and raw SQL in the Dak) reads, and the company module's
    # employees/employee of res.user, which the user form edits and other
    # modules read. A change on either side is copied to the other:
    # link_edaftar_employees pushes the user form's to the employees,
    # follow_edaftar_employees pulls the employees' user to the users.

    @classmethod
    def link_edaftar_employees(cls, users):
        """Set company.employee.user from the employees and employee of
        users: link the ones added, unlink the ones removed."""
        pool = Pool()
        Employee = pool.get('company.employee')
        with server_context():
            users = cls.browse(users)
            linked = cls._edaftar_linked(users)
            to_unlink, to_link = [], []
            for user in users:
                wanted = set(user.employees)
                if user.employee:
                    wanted.add(user.employee)
                added = wanted - linked[user.id]
                removed = linked[user.id] - wanted
                to_unlink.extend(removed)
                if added:
                    to_link.extend((list(added), {'user': user.id}))
                cls._log_edaftar_link(user, added, removed)
            # Unlink first: one active employee per user is checked as
            # each employee is written.
            if to_unlink:
                Employee.write(to_unlink, {'user': None})
            if to_link:
                Employee.write(*to_link)
            cls.follow_edaftar_employees(users)

    @classmethod
    def follow_edaftar_employees(cls, users):
        """Set the employees of users to those whose user they are, and
        their current employee to the active one among them."""
        with server_context():
            users = cls.browse(users)
            linked = cls._edaftar_linked(users)
            to_write = []
            for user in users:
                employees = linked[user.id]
                values = {}
                added = employees - set(user.employees)
                removed = set(user.employees) - employees
                if added or removed:
                    values['employees'] = [
                        ('add', [e.id for e in added]),
                        ('remove', [e.id for e in removed]),
                        ]
                    cls._log_edaftar_link(user, added, removed)
                active = [e for e in employees if e.active]
                employee = user.employee
                if (employee not in employees
                        or (active and employee not in active)):
                    employee = active[0] if active else None
                if employee != user.employee:
                    values['employee'] = employee.id if employee else None
                companies = {e.company for e in employees} - set(
                    user.companies)
                if companies:
                    values['companies'] = [
                        ('add', [c.id for c in companies])]
                # The current employee works for the current company.
                if employee and employee.company != user.company:
                    values['company'] = employee.company.id
                if values:
                    to_write.extend(([user], values))
            if to_write:
                cls.write(*to_write)

    @classmethod
    def _edaftar_linked(cls, users):
        "Return {user id: employees whose user it is}, active or not"
        pool = Pool()
        Employee = pool.get('company.employee')
        linked = defaultdict(set)
        with Transaction().set_context(active_test=False):
            for employee in Employee.search([
                        ('user', 'in', [u.id for u in users]),
                        ]):
                linked[employee.user.id].add(employee)
        return linked

    @classmethod
    def _log_edaftar_link(cls, user, added, removed):
        pool = Pool()
        AuditLog = pool.get('edaftar.audit.log')
        for employees, msg in [
                (added, 'edaftar_base.msg_user_employee_linked'),
                (removed, 'edaftar_base.msg_user_employee_unlinked')]:
            for employee in sorted(employees, key=lambda e: e.id):
                AuditLog.log([user], 'employees', details=gettext(
                        msg, employee=employee.rec_name))


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
