# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The summary printed in the government's format: heading, text, the views
of the departments consulted, the signatures of its route and the decision"""
from trytond.modules.edaftar_base.report import OdtFallbackMixin
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction


class SummaryReport(OdtFallbackMixin, Report):
    """A Summary for the Chief Minister as it goes on paper. Printed as the
    user: Report.check_access reads the summaries under their rules, so
    only who may read a summary prints it."""
    __name__ = 'edaftar.summary'

    @classmethod
    def get_context(cls, records, header, data):
        context = super().get_context(records, header, data)
        context['papers'] = [(r, cls._paper(r)) for r in records]
        context['format_day'] = cls.format_day
        context['paragraphs'] = cls.paragraphs
        return context

    @classmethod
    def _paper(cls, summary):
        "What the template prints of a summary"
        pool = Pool()
        OrgUnit = pool.get('edaftar.org.unit')
        government_id = OrgUnit.ancestor_of_kind(
            summary.department.id, ('government',))
        # The signatures in the order they were given: a summary sent back
        # and sent again starts its numbering anew.
        signed = sorted(
            (s for s in summary.steps if s.decision != 'pending'),
            key=lambda s: (s.decided_at, s.id))
        current = summary.current_step if summary.state == 'sent' else None
        return {
            'government': (OrgUnit(government_id).name
                if government_id else ''),
            'paragraphs': cls.paragraphs(summary.body),
            'vettings': list(summary.vettings),
            'steps': signed,
            'current': current,
            'decision': (cls.paragraphs(summary.decision)
                if summary.state == 'dispatched' else []),
            }

    @staticmethod
    def paragraphs(text):
        "The paragraphs of a text, one per non-empty line"
        return [p.strip() for p in (text or '').splitlines() if p.strip()]

    @classmethod
    def format_day(cls, value):
        "The date of a timestamp in the user's time zone, or ''"
        Lang = Pool().get('ir.lang')
        if not value:
            return ''
        return cls.format_datetime(value, format=Lang.get().date,
            timezone=Transaction().context.get('timezone'))
