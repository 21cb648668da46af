# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Shared fixtures of the portal's tests"
from proteus import Model

# code: (name, kind, department code, focal person login or None, days)
CATEGORIES = [
    ('WATER', "Water supply", 'complaint', 'SGAD', 'so.admin1', 7),
    ('ROADS', "Roads and streets", 'complaint', 'SGAD', 'so.admin1', 14),
    ('PENSION', "Pension case", 'application', 'FIN', 'registrar.fin', 21),
    ]
VALID_CNIC = '34201-0891231-8'
OTHER_CNIC = '42101-1234567-1'


def setup_portal(config):
    """After setup_government: the portal's categories, an Open311 API key
    and the Urdu translations loaded"""
    Category = Model.get('edaftar.portal.category', config=config)
    Unit = Model.get('edaftar.org.unit', config=config)
    Employee = Model.get('company.employee', config=config)
    ApiKey = Model.get('edaftar.portal.api_key', config=config)
    Lang = Model.get('ir.lang', config=config)
    units = {u.code: u for u in Unit.find([])}
    employees = {e.user.login: e for e in Employee.find([('user', '!=', None)])}
    for code, name, kind, department, login, days in CATEGORIES:
        Category(code=code, name=name, kind=kind,
            department=units[department],
            receiver=employees[login] if login else None,
            sla_days=days).save()
    ApiKey(name="Test app").save()
    urdu, = Lang.find([('code', '=', 'ur')])
    urdu.click('load_translations')
