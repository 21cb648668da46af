# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Fixtures of the directive tests"
import datetime as dt

from proteus import Model
from trytond.modules.edaftar_base.tests.tools import (
    PASSWORD, message_pattern, message_text)
from trytond.modules.edaftar_base.tests.tools import Actor as BaseActor
from trytond.pool import Pool
from trytond.transaction import Transaction

__all__ = ['setup_field', 'Actor', 'backdate', 'message_text',
    'message_pattern', 'setup_office_staff']


def setup_field(config):
    """After setup_executive: the Quetta Division (headed by its
    Commissioner, 'commissioner.qta'), the Pishin District under it with no
    head yet, a Minister in the CM's group posted in Finance
    ('minister.fin'), outside both executive offices, and the PS to the CM
    and to the CS in their offices' groups."""
    ModelData = Model.get('ir.model.data', config=config)
    Group = Model.get('res.group', config=config)
    Unit = Model.get('edaftar.org.unit', config=config)
    Party = Model.get('party.party', config=config)
    Employee = Model.get('company.employee', config=config)
    User = Model.get('res.user', config=config)
    gob, = Unit.find([('code', '=', 'GOB')])
    fin, = Unit.find([('code', '=', 'FIN')])
    company = Employee.find([])[0].company
    quetta = Unit(name="Quetta Division", code='QTA', kind='division',
        parent=gob)
    quetta.save()
    Unit(name="Pishin District", code='PSN', kind='district',
        parent=quetta).save()

    def person(login, name, group, unit):
        user = User(login=login, name=name, password=PASSWORD)
        user.groups.append(Group(ModelData.get_id(
                    'edaftar_base', group, config.context)))
        user.save()
        party = Party(name=name)
        party.save()
        employee = Employee(
            party=party, company=company, user=user, edaftar_unit=unit)
        employee.save()
        return employee
    quetta.head = person('commissioner.qta', "Commissioner Quetta",
        'group_department_head', quetta)
    quetta.save()
    person('minister.fin', "Minister for Finance", 'group_chief_minister',
        fin)
    setup_office_staff(config)


def setup_office_staff(config):
    "The PS to the CM and to the CS are staff of their offices"
    ModelData = Model.get('ir.model.data', config=config)
    Group = Model.get('res.group', config=config)
    User = Model.get('res.user', config=config)
    for login, group in [
            ('ps.cm', 'group_cm_office'), ('ps.cs', 'group_cs_office')]:
        user, = User.find([('login', '=', login)])
        user.groups.append(Group(ModelData.get_id(
                    'edaftar_directive', group, config.context)))
        user.save()


class Actor(BaseActor):
    "Act through proteus as the people of the small government"

    def order(self, login, targets, subject, issuer=None, days=7,
            issue=True):
        "Draft (and issue) as login an order to the units of codes targets"
        Directive = Model.get('edaftar.directive', config=self.config)
        Unit = Model.get('edaftar.org.unit', config=self.config)
        self.login(login)
        directive = Directive()
        if issuer:
            directive.issuer = issuer
        directive.subject = subject
        directive.text = f"The text of {subject}."
        directive.deadline = dt.date.today() + dt.timedelta(days=days)
        for code in targets:
            directive.departments.append(Unit(self.unit(code)))
        directive.save()
        if issue:
            directive.click('issue')
        return directive.id

    def lines(self, directive_id):
        "The ids of the lines of directive_id by target code (as admin)"
        Line = Model.get('edaftar.directive.line', config=self.config)
        self.login('admin')
        return {l.department.code: l.id
            for l in Line.find([('directive', '=', directive_id)])}

    def move(self, login, line_id, to, action='forward'):
        "Move the line as login to the employee of login to"
        Movement = Model.get('edaftar.movement', config=self.config)
        Line = Model.get('edaftar.directive.line', config=self.config)
        Employee = Model.get('company.employee', config=self.config)
        self.login(login)
        Movement(document=Line(line_id), action=action,
            to_employee=Employee(self.employee(to))).save()

    def report(self, login, line_id, text):
        "Write a report as login on the line; return its id"
        Report = Model.get('edaftar.directive.report', config=self.config)
        Line = Model.get('edaftar.directive.line', config=self.config)
        self.login(login)
        report = Report(line=Line(line_id), text=text)
        report.save()
        return report.id


def backdate(config, directive_id, days):
    """Move an order back in time, as if all of it happened days earlier:
    its date, issue time and deadline; its lines' deadlines, due dates,
    reply and done times; the times of their movements and reports (the
    audit log keeps the real times)"""
    delta = dt.timedelta(days=days)

    def back(value):
        return value - delta if value else None
    with Transaction().start(config.database_name, 0) as transaction:
        pool = Pool(config.database_name)
        cursor = transaction.connection.cursor()
        d = pool.get('edaftar.directive').__table__()
        l = pool.get('edaftar.directive.line').__table__()
        m = pool.get('edaftar.movement').__table__()
        r = pool.get('edaftar.directive.report').__table__()
        cursor.execute(*d.select(d.date, d.issued_at, d.deadline,
                where=d.id == directive_id))
        date, issued_at, deadline = cursor.fetchone()
        cursor.execute(*d.update(
                [d.date, d.issued_at, d.deadline],
                [back(date), back(issued_at), back(deadline)],
                where=d.id == directive_id))
        cursor.execute(*l.select(l.id, l.deadline, l.due_date, l.replied_at,
                l.done_at, l.issued_on, l.issued_at,
                where=l.directive == directive_id))
        for line_id, *values in cursor.fetchall():
            cursor.execute(*l.update(
                    [l.deadline, l.due_date, l.replied_at, l.done_at,
                        l.issued_on, l.issued_at],
                    [back(v) for v in values],
                    where=l.id == line_id))
            for table, columns in [
                    (m, [m.sent_at, m.read_at, m.due_date]),
                    (r, [r.submitted_at])]:
                column = m.directive_line if table is m else r.line
                cursor.execute(*table.select(table.id, *columns,
                        where=column == line_id))
                for record_id, *values in cursor.fetchall():
                    cursor.execute(*table.update(
                            columns, [back(v) for v in values],
                            where=table.id == record_id))
        # Aged with SQL: the figures kept by the ORM's changes are stale.
        pool.get('edaftar.directive.compliance')._rows_cache.clear()
        transaction.commit()
