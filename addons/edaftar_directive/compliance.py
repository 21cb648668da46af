# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Compliance with directives, by target unit and issuer"
import datetime as dt

from sql import Cast, Column, Literal, Null, Values
from sql.aggregate import Avg, Count, Sum
from sql.conditionals import Case
from sql.functions import Extract

from trytond.cache import Cache
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction

from .directive import ISSUERS

# The columns of a compliance row and their SQL types
COLUMNS = [
    ('id', 'INTEGER'), ('department', 'INTEGER'), ('issuer', 'VARCHAR'),
    ('total', 'INTEGER'), ('waiting', 'INTEGER'), ('in_progress', 'INTEGER'),
    ('replied', 'INTEGER'), ('done', 'INTEGER'), ('regretted', 'INTEGER'),
    ('overdue', 'INTEGER'), ('on_time', 'INTEGER'),
    ('on_time_rate', 'FLOAT'), ('average_days', 'FLOAT')]
# A change of these fields of a line changes the figures.
LINE_FIELDS = {'state', 'replied_at', 'on_time', 'deadline', 'issued_on',
    'issued_at', 'department', 'issuer'}


class Compliance(ModelSQL, ModelView):
    """One row per target unit and issuer, over the period of the context
    (from_date, to_date: the dates the orders were issued)"""
    __name__ = 'edaftar.directive.compliance'
    __string__ = "Directive Compliance"

    department = fields.Many2One(
        'edaftar.org.unit', "Department", readonly=True)
    issuer = fields.Selection(ISSUERS, "Issuer", readonly=True, sort=False)
    total = fields.Integer("Total", readonly=True)
    waiting = fields.Integer("Waiting", readonly=True)
    in_progress = fields.Integer("In Progress", readonly=True)
    replied = fields.Integer("Replied", readonly=True)
    done = fields.Integer("Done", readonly=True)
    regretted = fields.Integer("Regretted", readonly=True)
    overdue = fields.Integer("Overdue", readonly=True)
    on_time = fields.Integer("On Time", readonly=True)
    on_time_rate = fields.Float(
        "On-Time Rate (%)", digits=(3, 1), readonly=True,
        help="Replies by the deadline among the lines answered.")
    average_days = fields.Float(
        "Average Days to Reply", digits=(6, 1), readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('on_time_rate', 'DESC NULLS LAST'), ('total', 'DESC'),
            ('id', 'ASC')]

    # The rows of a period, computed once and kept until a line changes
    # (any process: the cache is cleared through the database) or for ten
    # minutes; a client's search and read of them, and every dashboard
    # open in the meantime, share one pass over the lines.
    _rows_cache = Cache(
        'edaftar.directive.compliance.rows', duration=10 * 60, context=False)

    @classmethod
    def table_query(cls):
        """The rows of the period of the context, as literal values (the
        record rules then pick the user's)"""
        pool = Pool()
        Date = pool.get('ir.date')
        context = Transaction().context
        key = (str(context.get('from_date')), str(context.get('to_date')),
            str(Date.today()))
        rows = cls._rows_cache.get(key)
        if rows is None:
            cursor = Transaction().connection.cursor()
            cursor.execute(*cls._aggregate())
            rows = [tuple(r) for r in cursor]
            cls._rows_cache.set(key, rows)
        if not rows:
            return cls._aggregate()
        values = Values(rows)
        return values.select(*[
                Cast(Column(values, f'column{i}'), type_).as_(name)
                for i, (name, type_) in enumerate(COLUMNS, 1)])

    @classmethod
    def _aggregate(cls):
        """One pass over the lines alone: each carries its order's issue
        day and when it was sent (a line exists only once issued)"""
        pool = Pool()
        Line = pool.get('edaftar.directive.line')
        Date = pool.get('ir.date')
        line = Line.__table__()
        context = Transaction().context
        today = Date.today()
        where = line.issued_on != Null
        if context.get('from_date'):
            where &= line.issued_on >= context['from_date']
        if context.get('to_date'):
            where &= line.issued_on <= context['to_date']

        def count(condition):
            return Sum(Case((condition, 1), else_=0))
        answered = line.replied_at != Null
        days = (Extract('EPOCH', line.replied_at)
            - Extract('EPOCH', line.issued_at)) / 86400.0
        open_ = line.state.in_(['waiting', 'in_progress'])
        return line.select(
            (line.department * 2 + Case(
                    (line.issuer == 'cm', 0), else_=1)).as_('id'),
            line.department.as_('department'),
            line.issuer.as_('issuer'),
            Count().as_('total'),
            count(line.state == 'waiting').as_('waiting'),
            count(line.state == 'in_progress').as_('in_progress'),
            count(line.state == 'replied').as_('replied'),
            count(line.state == 'done').as_('done'),
            count(line.state == 'regretted').as_('regretted'),
            count(open_ & (line.deadline < today)).as_('overdue'),
            count(line.on_time == Literal(True)).as_('on_time'),
            Case((count(answered) > 0,
                    Cast(count(line.on_time == Literal(True)), 'FLOAT')
                    * 100.0 / count(answered)),
                else_=Null).as_('on_time_rate'),
            Avg(Case((answered, days), else_=Null)).as_('average_days'),
            where=where,
            group_by=[line.department, line.issuer])

    @classmethod
    def last_year(cls):
        "The context a year back, for the dashboards"
        today = Pool().get('ir.date').today()
        return {'from_date': today - dt.timedelta(days=365), 'to_date': today}


class DirectiveLine(metaclass=PoolMeta):
    __name__ = 'edaftar.directive.line'

    @classmethod
    def on_modification(cls, mode, lines, field_names=None):
        super().on_modification(mode, lines, field_names=field_names)
        if mode != 'write' or (field_names or set()) & LINE_FIELDS:
            Pool().get('edaftar.directive.compliance')._rows_cache.clear()


class ComplianceContext(ModelView):
    "The period of the compliance figures"
    __name__ = 'edaftar.directive.compliance.context'
    __string__ = "Directive Compliance Period"

    from_date = fields.Date("From")
    to_date = fields.Date("To")

    @classmethod
    def default_from_date(cls):
        return Compliance.last_year()['from_date']

    @classmethod
    def default_to_date(cls):
        return Compliance.last_year()['to_date']
