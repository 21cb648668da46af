# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The summary printed in the government's format: heading, text, the views
of the departments consulted, the signatures of its route and the decision"""
import logging
import shutil

import trytond.config as config
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

logger = logging.getLogger(__name__)


class SummaryReport(Report):
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

    @classmethod
    def convert(cls, report, data, **kwargs):
        output_format = report.extension or report.template_extension
        if (output_format != report.template_extension
                and not cls.converter_available()):
            # The PDF needs LibreOffice: without it the ODT is the report.
            logger.info(
                "no LibreOffice to convert %s to %s: ODT kept",
                report.report_name, output_format)
            return report.template_extension, data
        return super().convert(report, data, **kwargs)

    @classmethod
    def converter_available(cls):
        "Whether a converter is configured or LibreOffice is installed"
        return bool(config.get('report', 'convert_command')
            or shutil.which('soffice'))
