# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Task & Audit: the movement history of the Dak, filtered by file, person,
unit and dates (the filter of the action's context, read under the
movements' own rules) and exported with Tryton's export"""
from trytond.model import ModelView, fields


class MovementHistoryContext(ModelView):
    "The filter of the movement history"
    __name__ = 'edaftar.task.audit.context'
    __string__ = "Movement History Filter"

    file = fields.Many2One('edaftar.file', "File")
    employee = fields.Many2One(
        'company.employee', "Person", help="Moves from or to the person.")
    unit = fields.Many2One(
        'edaftar.org.unit', "Unit",
        help="Moves from or to the unit or a unit below it.")
    from_date = fields.Date("From")
    to_date = fields.Date("To")
