# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Officer performance on tasks, computed from the tasks, never typed: one
row per person and one per unit over a period"""
import datetime as dt

from sql import Cast, Column, Literal, Null, Union, Values
from sql.aggregate import Avg, Count, Max, Sum
from sql.conditionals import Case

from trytond.cache import Cache
from trytond.model import ModelSQL, ModelView, fields
from trytond.modules.edaftar_base.report import OdtFallbackMixin
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from .task import OPEN_STATES

LEVELS = [
    ('person', "Person"),
    ('section', "Section"),
    ('wing', "Wing / District"),
    ('department', "Department / Division"),
    ]
# The columns of a performance row and their SQL types
COLUMNS = [
    ('id', 'INTEGER'), ('level', 'VARCHAR'), ('employee', 'INTEGER'),
    ('unit', 'INTEGER'), ('posting', 'INTEGER'),
    ('assigned', 'INTEGER'), ('done', 'INTEGER'),
    ('done_on_time', 'INTEGER'), ('done_late', 'INTEGER'),
    ('open_overdue', 'INTEGER'), ('on_time_rate', 'FLOAT'),
    ('average_delay_days', 'FLOAT')]
# Above this many rows the cached rows are not sent back as literal values
# (too many parameters): the query is run again.
MAX_LITERAL_ROWS = 500


class Performance(ModelSQL, ModelView):
    """One row per person (employee set) and one per unit (unit set,
    employee empty) over the tasks due in the period of the context
    (from_date, to_date); cancelled tasks do not count"""
    __name__ = 'edaftar.task.performance'
    __string__ = "Task Performance"

    level = fields.Selection(LEVELS, "Level", readonly=True, sort=False)
    employee = fields.Many2One('company.employee', "Person", readonly=True)
    unit = fields.Many2One(
        'edaftar.org.unit', "Unit", readonly=True,
        help="A unit's row counts the tasks of everyone posted in it and "
        "in the units below it.")
    posting = fields.Many2One(
        'edaftar.org.unit', "Posted In", readonly=True,
        help="Where the person is posted now.")
    name = fields.Function(
        fields.Char("Name"), 'get_name', searcher='search_name')
    assigned = fields.Integer("Assigned", readonly=True)
    done = fields.Integer("Done", readonly=True)
    done_on_time = fields.Integer("Done on Time", readonly=True)
    done_late = fields.Integer("Done Late", readonly=True)
    open_overdue = fields.Integer(
        "Open and Overdue", readonly=True,
        help="Tasks still open after their due date.")
    on_time_rate = fields.Float(
        "On-Time Rate (%)", digits=(3, 1), readonly=True,
        help="Done by the due date among the tasks done.")
    average_delay_days = fields.Float(
        "Average Delay (days)", digits=(6, 1), readonly=True,
        help="Days after the due date, on average, of the tasks done late.")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('on_time_rate', 'DESC NULLS LAST'),
            ('average_delay_days', 'ASC NULLS FIRST'),
            ('assigned', 'DESC'), ('id', 'ASC')]

    # The rows of a period, computed once and kept until a task changes
    # (any process: the cache is cleared through the database) or for ten
    # minutes.
    _rows_cache = Cache(
        'edaftar.task.performance.rows', duration=10 * 60, context=False)

    def get_name(self, name):
        return (self.employee or self.unit).rec_name

    @classmethod
    def search_name(cls, name, clause):
        _, operator, value = clause[:3]
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('employee.rec_name', operator, value),
            ('unit.rec_name', operator, value)]

    @classmethod
    def _key(cls):
        context = Transaction().context
        return (str(context.get('from_date')), str(context.get('to_date')),
            str(Pool().get('ir.date').today()))

    @classmethod
    def read(cls, ids, fields_names):
        """Read rows by id: each id says whose row it is (a person, or a
        unit at a level), so only those are aggregated, not every row of
        the period again (the rules still apply to them)"""
        with Transaction().set_context(
                _performance_ids=sorted({int(i) for i in ids})):
            return super().read(ids, fields_names)

    @classmethod
    def table_query(cls):
        """The rows of the period of the context (the record rules then
        pick the user's), or with _performance_ids those rows alone"""
        ids = Transaction().context.get('_performance_ids')
        key = cls._key()
        rows = cls._rows_cache.get(key)
        if ids is not None:
            if rows is not None and len(ids) <= MAX_LITERAL_ROWS:
                wanted = set(ids)
                return cls._literal(
                    [r for r in rows if r[0] in wanted]) or cls._aggregate(
                    ids)
            return cls._aggregate(ids)
        if rows is None:
            cursor = Transaction().connection.cursor()
            cursor.execute(*cls._aggregate())
            rows = cls._rows_cache.set(key, [tuple(r) for r in cursor])
        if len(rows) > MAX_LITERAL_ROWS:
            # Too many to send back as literal values
            return cls._aggregate()
        return cls._literal(rows) or cls._aggregate()

    @classmethod
    def _literal(cls, rows):
        "The rows as literal values, or None if there is none"
        if not rows:
            return None
        values = Values(rows)
        return values.select(*[
                Cast(Column(values, f'column{i}'), type_).as_(name)
                for i, (name, type_) in enumerate(COLUMNS, 1)])

    @classmethod
    def _aggregate(cls, ids=None):
        """Per person, then per section, wing (or district) and department
        (or division): each task carries its assignee's units as they
        were when it was given. With ids, only the rows of those ids."""
        pool = Pool()
        Task = pool.get('edaftar.task')
        Employee = pool.get('company.employee')
        Date = pool.get('ir.date')
        task = Task.__table__()
        context = Transaction().context
        today = Date.today()
        where = task.state != 'cancelled'
        if context.get('from_date'):
            where &= task.due_date >= context['from_date']
        if context.get('to_date'):
            where &= task.due_date <= context['to_date']

        def count(condition):
            return Sum(Case((condition, 1), else_=0))
        done = task.state == 'done'
        on_time = done & (task.on_time == Literal(True))
        late = done & (task.on_time == Literal(False))
        figures = [
            Count().as_('assigned'),
            count(done).as_('done'),
            count(on_time).as_('done_on_time'),
            count(late).as_('done_late'),
            count(task.state.in_(OPEN_STATES)
                & (task.due_date < today)).as_('open_overdue'),
            Case((count(done) > 0,
                    Cast(count(on_time), 'FLOAT') * 100.0 / count(done)),
                else_=Null).as_('on_time_rate'),
            Avg(Case((late, Cast(task.delay_days, 'FLOAT')),
                    else_=Null)).as_('average_delay_days'),
            ]
        employee = Employee.__table__()
        if ids is not None:
            by_level = {o: [i // 4 for i in ids if i % 4 == o]
                for o in range(4)}
        else:
            by_level = {}

        def only(column, offset):
            if ids is None:
                return Literal(True)
            return column.in_(by_level[offset] or [-1])
        people = task.join(employee,
            condition=employee.id == task.assignee).select(
            (task.assignee * 4).as_('id'),
            Cast(Literal('person'), 'VARCHAR').as_('level'),
            task.assignee.as_('employee'),
            Cast(Null, 'INTEGER').as_('unit'),
            Cast(Max(employee.edaftar_unit), 'INTEGER').as_('posting'),
            *figures,
            where=where & only(task.assignee, 0),
            group_by=[task.assignee])

        def units(column, level, offset, condition):
            return task.select(
                (column * 4 + offset).as_('id'),
                Cast(Literal(level), 'VARCHAR').as_('level'),
                Cast(Null, 'INTEGER').as_('employee'),
                column.as_('unit'),
                Cast(Null, 'INTEGER').as_('posting'),
                *figures,
                where=where & condition & only(column, offset),
                group_by=[column])
        # Each unit is counted at its own level: a task of a section counts
        # for it, its wing and its department.
        sections = units(task.unit, 'section', 1,
            (task.unit != Null)
            & ((task.wing == Null) | (task.unit != task.wing))
            & ((task.department == Null) | (task.unit != task.department)))
        wings = units(task.wing, 'wing', 2, task.wing != Null)
        departments = units(
            task.department, 'department', 3, task.department != Null)
        return Union(people, sections, wings, departments, all_=True)

    @classmethod
    def last_year(cls):
        "The year up to today, the default period"
        today = Pool().get('ir.date').today()
        return {'from_date': today - dt.timedelta(days=365), 'to_date': today}


class PerformanceContext(ModelView):
    "The period of the performance figures"
    __name__ = 'edaftar.task.performance.context'
    __string__ = "Task Performance Period"

    from_date = fields.Date("From", help="Tasks due from this day.")
    to_date = fields.Date("To", help="Tasks due up to this day.")

    @classmethod
    def default_from_date(cls):
        return Performance.last_year()['from_date']

    @classmethod
    def default_to_date(cls):
        return Performance.last_year()['to_date']


class PerformanceReport(OdtFallbackMixin, Report):
    """The performance rows selected, printed with their period. Printed as
    the user: only the rows they may read."""
    __name__ = 'edaftar.task.performance'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        transaction_context = Transaction().context
        context['from_date'] = transaction_context.get('from_date')
        context['to_date'] = transaction_context.get('to_date')
        context['levels'] = dict(LEVELS)
        return context
