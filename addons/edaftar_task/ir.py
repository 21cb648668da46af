# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .task import GOVERNMENT_WIDE

# The roles whose holders read the figures of the people of their units
SUPERVISING = GOVERNMENT_WIDE | {
    'group_department_head', 'group_wing_head', 'group_section_officer',
    'group_pa'}


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        context['edaftar_government_wide'] = cls._edaftar_government_wide()
        context['edaftar_supervised_units'] = (
            cls._edaftar_supervised_units())
        return context

    @classmethod
    def _edaftar_supervised_units(cls):
        """The units in scope of a user who heads people (a section
        officer and above, or their PA/PS): whose people's figures they
        read; an officer of a section reads only their own"""
        pool = Pool()
        User = pool.get('res.user')
        user_id = Transaction().user
        if not user_id:
            return []
        if User._edaftar_roles(user_id) & SUPERVISING:
            return list(User.get_edaftar_scope()['units'])
        return []

    @classmethod
    def _edaftar_government_wide(cls):
        """Whether the user is the CM or the CS, or the PA/PS of one: their
        offices follow the performance of the whole government"""
        pool = Pool()
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        user_id = Transaction().user
        if not user_id:
            return False
        if User._edaftar_roles(user_id) & GOVERNMENT_WIDE:
            return True
        acting_for = User.get_edaftar_scope()['acting_for']
        with without_check_access():
            for employee in Employee.browse(acting_for[1:]):
                if (employee.user
                        and User._edaftar_roles(employee.user.id)
                        & GOVERNMENT_WIDE):
                    return True
        return False
