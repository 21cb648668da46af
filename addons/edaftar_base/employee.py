# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt

from sql import Literal

from trytond.cache import Cache
from trytond.i18n import gettext
from trytond.model import fields
from trytond.pool import Pool, PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .exceptions import EmployeeUserError, PrincipalError

# Changes to these fields change somebody's scope.
SCOPE_FIELDS = {
    'user', 'edaftar_unit', 'principal', 'start_date', 'end_date'}


class Employee(metaclass=PoolMeta):
    __name__ = 'company.employee'
    _edaftar_name_cache = Cache(
        'company.employee.edaftar_names', context=False)

    user = fields.Many2One(
        'res.user', "User", ondelete='SET NULL',
        help="The login this person uses in e-Daftar; "
        "a user is linked to one active employee.")
    edaftar_unit = fields.Many2One(
        'edaftar.org.unit', "Unit", ondelete='RESTRICT',
        help="The department, wing, section or office where the person "
        "is posted.")
    designation = fields.Many2One(
        'edaftar.designation', "Designation", ondelete='RESTRICT')
    principal = fields.Many2One(
        'company.employee', "Principal", ondelete='SET NULL',
        domain=[
            ('company', '=', Eval('company', -1)),
            ],
        help="For a PA or PS: the officer they act for.")
    assistants = fields.One2Many(
        'company.employee', 'principal', "PA/PS", readonly=True)

    @classmethod
    def get_rec_name(cls, employees, name):
        """The party's name and the designation, e.g. "Ali Khan (Section
        Officer)", from a cache per language: every list of Dak shows
        them"""
        names = cls.get_edaftar_names()
        missing = [e.id for e in employees if e.id not in names]
        if missing:
            # Created in this transaction, after the cache was filled.
            names = {**names, **cls._edaftar_names(missing)}
        return {e.id: names.get(e.id) for e in employees}

    @classmethod
    def get_edaftar_names(cls):
        "Return {employee id: display name} of everyone, active or not"
        language = Transaction().language
        names = cls._edaftar_name_cache.get(language)
        if names is None:
            names = cls._edaftar_name_cache.set(
                language, cls._edaftar_names())
        return names

    @classmethod
    def _edaftar_names(cls, ids=None):
        pool = Pool()
        Party = pool.get('party.party')
        Designation = pool.get('edaftar.designation')
        employee, party = cls.__table__(), Party.__table__()
        cursor = Transaction().connection.cursor()
        where = Literal(True)
        if ids is not None:
            where = employee.id.in_(list(ids))
        cursor.execute(*employee.join(
                party, condition=employee.party == party.id).select(
                employee.id, party.name, party.code, employee.designation,
                where=where))
        rows = cursor.fetchall()
        with without_check_access(), Transaction().set_context(
                active_test=False):
            designations = {d['id']: d['rec_name'] for d in Designation.read(
                    list({r[3] for r in rows if r[3]}), ['rec_name'])}
        names = {}
        for id_, party_name, code, designation in rows:
            name = party_name or f'[{code}]'
            if designation:
                name = f'{name} ({designations[designation]})'
            names[id_] = name
        return names

    @classmethod
    def search_rec_name(cls, name, clause):
        domain = super().search_rec_name(name, clause)
        return ['OR', domain, ('designation.name',) + tuple(clause[1:])]

    @classmethod
    def validate_fields(cls, employees, field_names):
        super().validate_fields(employees, field_names)
        cls.check_principal(employees, field_names)
        cls.check_user(employees, field_names)

    @classmethod
    def check_principal(cls, employees, field_names=None):
        if field_names and 'principal' not in field_names:
            return
        for employee in employees:
            principal = employee.principal
            if not principal:
                continue
            if principal == employee:
                raise PrincipalError(gettext(
                        'edaftar_base.msg_principal_self',
                        employee=employee.rec_name))
            if principal.principal == employee:
                raise PrincipalError(gettext(
                        'edaftar_base.msg_principal_mutual',
                        employee=employee.rec_name,
                        principal=principal.rec_name))

    @classmethod
    def check_user(cls, employees, field_names=None):
        if field_names and not (field_names & {
                    'user', 'start_date', 'end_date'}):
            return
        # Active today as the scope sees it, not at a date in the context.
        with Transaction().set_context(date=dt.date.today()):
            cls._check_user(cls.browse(employees))

    @classmethod
    def _check_user(cls, employees):
        for employee in employees:
            if not employee.user or not employee.active:
                continue
            others = cls.search([
                    ('user', '=', employee.user.id),
                    ('id', '!=', employee.id),
                    ('active', '=', True),
                    ], limit=1)
            if others:
                raise EmployeeUserError(gettext(
                        'edaftar_base.msg_employee_user_unique',
                        user=employee.user.rec_name,
                        employee=employee.rec_name,
                        other=others[0].rec_name))

    @classmethod
    def on_modification(cls, mode, employees, field_names=None):
        pool = Pool()
        User = pool.get('res.user')
        AuditLog = pool.get('edaftar.audit.log')
        super().on_modification(mode, employees, field_names=field_names)
        if mode != 'write' or field_names & {'party', 'designation'}:
            cls._edaftar_name_cache.clear()
        if mode != 'write' or field_names & SCOPE_FIELDS:
            User._edaftar_scope_cache.clear()
        if mode == 'create' or (mode == 'write' and field_names & {
                    'user', 'start_date', 'end_date'}):
            cls._link_users(employees)
        if mode != 'write' or field_names & (SCOPE_FIELDS | {'designation'}):
            AuditLog.log(employees, mode, field_names=field_names)

    @classmethod
    def _link_users(cls, employees):
        """Make the company module's employees and employee of the users
        follow user: of the users linked now and of those linked before"""
        pool = Pool()
        User = pool.get('res.user')
        UserEmployee = pool.get('res.user-company.employee')
        users = {e.user.id for e in employees if e.user}
        with without_check_access():
            for relation in UserEmployee.search([
                        ('employee', 'in', [e.id for e in employees]),
                        ]):
                users.add(relation.user.id)
        if users:
            User.follow_edaftar_employees(sorted(users))


class Party(metaclass=PoolMeta):
    __name__ = 'party.party'

    @classmethod
    def on_modification(cls, mode, parties, field_names=None):
        pool = Pool()
        Employee = pool.get('company.employee')
        super().on_modification(mode, parties, field_names=field_names)
        if mode != 'write' or field_names & {'name', 'code'}:
            Employee._edaftar_name_cache.clear()
