# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The officer's desk: what is pending where, for heads' statistics"
from sql import Literal, Null
from sql.aggregate import Count, Sum
from sql.conditionals import Case

from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool


class UnitStatistics(ModelSQL, ModelView):
    "Open receipts held in each unit: pending, urgent and overdue"
    __name__ = 'edaftar.dak.unit_statistics'
    __string__ = "Dak Statistics by Unit"

    unit = fields.Many2One('edaftar.org.unit', "Unit", readonly=True)
    pending = fields.Integer("Pending", readonly=True)
    urgent = fields.Integer("Urgent or Immediate", readonly=True)
    overdue = fields.Integer("Overdue", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('pending', 'DESC'), ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Receipt = pool.get('edaftar.receipt')
        Date = pool.get('ir.date')
        receipt = Receipt.__table__()
        today = Date.today()
        open_ = receipt.state.in_(['registered', 'in_process', 'actioned'])

        def count_if(condition):
            return Sum(Case((condition, Literal(1)), else_=Literal(0)))
        return receipt.select(
            receipt.holder_unit.as_('id'),
            receipt.holder_unit.as_('unit'),
            Count(receipt.id).as_('pending'),
            count_if(receipt.priority != 'normal').as_('urgent'),
            count_if((receipt.due_date != Null)
                & (receipt.due_date < today)).as_('overdue'),
            where=open_ & (receipt.holder_unit != Null),
            group_by=[receipt.holder_unit])
