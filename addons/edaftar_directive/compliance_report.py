# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"The compliance report: per issuer and period, the table and the overdue"
from trytond.modules.edaftar_base.report import OdtFallbackMixin
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from .directive import ISSUERS


class ComplianceReport(OdtFallbackMixin, Report):
    """The compliance rows printed (or every row in sight if none), one
    section per issuer, with the overdue lines of their units, over the
    period of the context (from_date, to_date) as the list shows it"""
    __name__ = 'edaftar.directive.compliance.report'

    @classmethod
    def execute(cls, ids, data):
        # Named after the action, not after dozens of rows
        with Transaction().set_context(with_rec_name=False):
            return super().execute(ids, data)

    @classmethod
    def get_context(cls, records, header, data):
        pool = Pool()
        Compliance = pool.get('edaftar.directive.compliance')
        Date = pool.get('ir.date')
        context = super().get_context(records, header, data)
        transaction_context = Transaction().context
        # Read as the user: the rules of the rows and the lines apply.
        domain = [('id', 'in', [int(r) for r in records])] if records else []
        rows = Compliance.search(domain)
        labels = dict(
            Compliance.fields_get(['issuer'])['issuer']['selection'])
        today = Date.today()
        sections = []
        for issuer, _ in ISSUERS:
            issuer_rows = [r for r in rows if r.issuer == issuer]
            if issuer_rows:
                sections.append(cls._section(
                        issuer, labels[issuer], issuer_rows, today))
        context.update({
                'sections': sections,
                'from_date': transaction_context.get('from_date'),
                'to_date': transaction_context.get('to_date'),
                'today': today,
                })
        return context

    @classmethod
    def _section(cls, issuer, label, rows, today):
        "The figures of an issuer's rows, their totals and overdue lines"
        counts = ['total', 'waiting', 'in_progress', 'replied', 'done',
            'regretted', 'overdue', 'on_time']
        lines = cls._overdue_lines(
            issuer, [r.department.id for r in rows])
        return {
            'issuer': issuer,
            'label': label,
            'rows': rows,
            'totals': {c: sum(getattr(r, c) or 0 for r in rows)
                for c in counts},
            'lines': [{
                    'line': l,
                    'days': (today - l.deadline).days,
                    } for l in lines],
            }

    @classmethod
    def _overdue_lines(cls, issuer, departments):
        """The open lines past their deadline of the issuer's orders to
        departments issued in the period: the compliance's overdue"""
        pool = Pool()
        Line = pool.get('edaftar.directive.line')
        context = Transaction().context
        domain = [
            ('issuer', '=', issuer),
            ('department', 'in', departments),
            ('overdue', '=', True),
            ('directive.state', '!=', 'draft'),
            ]
        if context.get('from_date'):
            domain.append(('directive.date', '>=', context['from_date']))
        if context.get('to_date'):
            domain.append(('directive.date', '<=', context['to_date']))
        return Line.search(domain, order=[('deadline', 'ASC'), ('id', 'ASC')])
