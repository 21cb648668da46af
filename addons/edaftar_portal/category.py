# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.i18n import gettext
from trytond.model import (
    DeactivableMixin, ModelSQL, ModelView, Unique, fields)
from trytond.modules.edaftar_base.guard import GuardMixin

from .exceptions import CategoryError

DEPARTMENT_KINDS = ['department', 'executive', 'division', 'district']


class Category(GuardMixin, DeactivableMixin, ModelSQL, ModelView):
    "What citizens may apply or complain about, and who answers"
    __name__ = 'edaftar.portal.category'
    __string__ = "Portal Category"

    name = fields.Char("Name", required=True, translate=True, strip=True)
    code = fields.Char(
        "Code", required=True, strip=True,
        help="The Open311 service code: letters, digits, '-' and '_'.")
    kind = fields.Selection([
            ('application', "Application"),
            ('complaint', "Complaint"),
            ], "Kind", required=True, sort=False)
    description = fields.Text("Description", translate=True)
    group = fields.Char(
        "Group", translate=True, help="The Open311 group of the service.")
    department = fields.Many2One(
        'edaftar.org.unit', "Department", required=True, ondelete='RESTRICT',
        domain=[('kind', 'in', DEPARTMENT_KINDS)],
        help="The department that receives and answers it.")
    receiver = fields.Many2One(
        'company.employee', "Focal Person", ondelete='RESTRICT',
        help="Who receives new cases; the head of the department if empty.")
    sla_days = fields.Integer(
        "Response Time (days)", required=True,
        domain=[('sla_days', '>', 0), ('sla_days', '<=', 365)],
        help="Past it, a case is escalated to the next officer up.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('code_unique', Unique(t, t.code),
                'edaftar_portal.msg_category_code_unique'),
            ]
        cls._order = [('name', 'ASC'), ('id', 'ASC')]

    @classmethod
    def default_kind(cls):
        return 'complaint'

    @classmethod
    def default_sla_days(cls):
        # CPGRAMS' 21 days
        return 21

    @classmethod
    def validate_fields(cls, categories, field_names):
        super().validate_fields(categories, field_names)
        for category in categories:
            code = category.code or ''
            if not code.replace('-', '').replace('_', '').isalnum() \
                    or not code.isascii():
                raise CategoryError(gettext(
                        'edaftar_portal.msg_category_code_invalid',
                        code=code))
            if category.receiver and category.receiver_department() \
                    != category.department:
                raise CategoryError(gettext(
                        'edaftar_portal.msg_category_receiver_department',
                        receiver=category.receiver.rec_name,
                        department=category.department.rec_name))

    def receiver_department(self):
        "The department of the focal person's posting"
        unit = self.receiver.edaftar_unit if self.receiver else None
        while unit and unit.kind not in DEPARTMENT_KINDS:
            unit = unit.parent
        return unit

    def get_receiver(self):
        "The employee who receives a new case, or None"
        return self.receiver or self.department.head
