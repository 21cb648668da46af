# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The complaints dashboard: per department, what came in over a period
and how it was answered. Computed from the applications, never stored."""
import datetime as dt

from sql import Cast, Literal, Null
from sql.aggregate import Avg, Count, Sum
from sql.conditionals import Case
from sql.functions import Extract

from trytond import backend
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.transaction import Transaction


class Dashboard(ModelSQL, ModelView):
    "Citizen cases of a department"
    __name__ = 'edaftar.portal.dashboard'
    __string__ = "Complaints Dashboard"

    department = fields.Many2One(
        'edaftar.org.unit', "Department", readonly=True)
    kind = fields.Selection([
            ('application', "Application"),
            ('complaint', "Complaint"),
            ], "Kind", readonly=True)
    received = fields.Integer("Received", readonly=True)
    open = fields.Integer("Open", readonly=True)
    overdue = fields.Integer("Overdue", readonly=True)
    escalated = fields.Integer("Escalated", readonly=True)
    reopened = fields.Integer("Reopened on Appeal", readonly=True)
    done = fields.Integer("Done", readonly=True)
    average_days = fields.Float(
        "Average Days", digits=(6, 1), readonly=True,
        help="From submission to done, for the cases done.")
    rated = fields.Integer("Rated", readonly=True)
    satisfaction = fields.Float(
        "Satisfaction (%)", digits=(5, 1), readonly=True,
        help="Share of the ratings that are 4 or 5.")
    average_rating = fields.Float(
        "Average Rating", digits=(3, 2), readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [
            ('received', 'DESC'), ('department', 'ASC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Application = pool.get('edaftar.portal.application')
        Date = pool.get('ir.date')
        a = Application.__table__()
        context = Transaction().context
        today = Date.today()
        where = Literal(True)
        from_date = context.get('from_date')
        to_date = context.get('to_date')
        if from_date:
            where &= a.submitted_at >= dt.datetime.combine(
                from_date, dt.time.min)
        if to_date:
            where &= a.submitted_at < dt.datetime.combine(
                to_date + dt.timedelta(days=1), dt.time.min)
        is_open = a.public_state != 'done'

        def count(condition):
            return Sum(Case((condition, 1), else_=0))
        if backend.name == 'postgresql':
            days = Extract('EPOCH', a.done_at - a.submitted_at) / 86400
        else:
            from sql.functions import Function

            class JulianDay(Function):
                __slots__ = ()
                _function = 'JULIANDAY'
            days = JulianDay(a.done_at) - JulianDay(a.submitted_at)
        rating = Cast(a.rating, 'INTEGER')
        rated = count(a.rating != Null)
        return a.select(
            (a.department * 2 + Case((a.kind == 'complaint', 1),
                    else_=0)).as_('id'),
            a.department.as_('department'),
            a.kind.as_('kind'),
            Count(Literal(1)).as_('received'),
            count(is_open).as_('open'),
            count(is_open & (a.expected_date < today)).as_('overdue'),
            count(is_open & (a.escalated == Literal(True))).as_('escalated'),
            count(a.reopened == Literal(True)).as_('reopened'),
            count(a.public_state == 'done').as_('done'),
            Avg(Case((a.public_state == 'done', days),
                    else_=Null)).as_('average_days'),
            rated.as_('rated'),
            (count(rating >= 4) * 100.0 / Case((rated == 0, Null),
                    else_=rated)).as_('satisfaction'),
            Avg(rating).as_('average_rating'),
            where=where & (a.department != Null),
            group_by=[a.department, a.kind])


class DashboardContext(ModelView):
    "The period of the dashboard"
    __name__ = 'edaftar.portal.dashboard.context'
    __string__ = "Complaints Dashboard Context"

    from_date = fields.Date("From")
    to_date = fields.Date("To")
