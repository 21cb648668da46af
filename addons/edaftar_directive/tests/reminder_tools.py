# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Fixtures for the tests of reminders and reports: a real SMTP server,
the cron as trytond-cron runs it, and orders made older as days would"""
import datetime as dt

from trytond.model import fields
from trytond.modules.edaftar_base.tests.tools import (  # noqa: F401
    Mailbox, run_cron)
from trytond.pool import Pool
from trytond.tests.test_tryton import DB_NAME
from trytond.transaction import Transaction

__all__ = ['Mailbox', 'run_cron', 'age_directives']

# Date and time columns moved back by age_directives, by model
AGED_MODELS = [
    'edaftar.directive', 'edaftar.directive.line',
    'edaftar.directive.report', 'edaftar.movement']


def age_directives(numbers, days):
    """Make the orders numbered numbers `days` days older, as time would:
    every date and timestamp of them, their lines, action reports and
    movements moves back (the deadline, the day issued, the arrival in
    the inbox, a reply...), but write_date.

    ir.date.today() has no clock a test could set, and the code should
    not carry a test-only hook: the data is aged instead, with SQL, since
    the models refuse a deadline in the past."""
    shift = dt.timedelta(days=days)
    with Transaction().start(DB_NAME, 0) as transaction:
        pool = Pool()
        cursor = transaction.connection.cursor()
        Directive = pool.get('edaftar.directive')
        directives = Directive.search([('number', 'in', numbers)])
        assert len(directives) == len(numbers), numbers
        lines = [l.id for d in directives for l in d.lines]
        records = {
            'edaftar.directive': [d.id for d in directives],
            'edaftar.directive.line': lines,
            'edaftar.directive.report': [r.id for r in pool.get(
                    'edaftar.directive.report').search(
                    [('line', 'in', lines)])],
            'edaftar.movement': [m.id for m in pool.get(
                    'edaftar.movement').search(
                    [('directive_line', 'in', lines)])],
            }
        for name in AGED_MODELS:
            Model = pool.get(name)
            table = Model.__table__()
            columns = [n for n, f in Model._fields.items()
                if f._type in {'date', 'datetime', 'timestamp'}
                and not isinstance(f, fields.Function)
                and n != 'write_date']
            if not records[name] or not columns:
                continue
            cursor.execute(*table.select(
                    table.id, *[getattr(table, c) for c in columns],
                    where=table.id.in_(records[name])))
            for id_, *values in cursor.fetchall():
                changes = [(c, v - shift) for c, v in zip(columns, values)
                    if v is not None]
                if not changes:
                    continue
                cursor.execute(*table.update(
                        [getattr(table, c) for c, _ in changes],
                        [v for _, v in changes],
                        where=table.id == id_))
        # Aged with SQL: the figures kept by the ORM's changes are stale.
        pool.get('edaftar.directive.compliance')._rows_cache.clear()
