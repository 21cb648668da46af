# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access

from .task import GOVERNMENT_WIDE, is_government_wide

# The roles whose holders read the figures of the people of their units
SUPERVISING = GOVERNMENT_WIDE | {
    'group_department_head', 'group_wing_head', 'group_section_officer',
    'group_pa'}


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'

    @classmethod
    def _get_context(cls, model_name):
        """The performance rules also know whether the user follows the
        whole government and whose people's figures they read"""
        context = super()._get_context(model_name)
        if model_name == 'edaftar.task.performance':
            pool = Pool()
            User = pool.get('res.user')
            user_id = Transaction().user
            roles = User._edaftar_roles(user_id) if user_id else set()
            context['edaftar_government_wide'] = bool(user_id) and (
                bool(roles & GOVERNMENT_WIDE)
                or cls._edaftar_acts_for_government_wide())
            # A section officer and above, or their PA/PS, read the
            # figures of the people of their units; an officer only theirs.
            context['edaftar_supervised_units'] = (
                list(User.get_edaftar_scope()['units'])
                if roles & SUPERVISING else [])
        return context

    @classmethod
    def _edaftar_acts_for_government_wide(cls):
        "Whether the user is the PA/PS of the CM or the CS"
        pool = Pool()
        User = pool.get('res.user')
        Employee = pool.get('company.employee')
        acting_for = User.get_edaftar_scope()['acting_for']
        with without_check_access():
            return any(is_government_wide(e)
                for e in Employee.browse(acting_for[1:]))
