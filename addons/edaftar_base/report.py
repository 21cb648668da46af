# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"Reports printed as ODT, and as PDF where LibreOffice is installed"
import logging
import shutil

import trytond.config as config

logger = logging.getLogger(__name__)


class OdtFallbackMixin:
    """A report whose PDF needs LibreOffice: without a converter, the ODT
    is the report (rather than an error in the user's face)"""
    __slots__ = ()

    @classmethod
    def convert(cls, report, data, **kwargs):
        output_format = report.extension or report.template_extension
        if (output_format != report.template_extension
                and not cls.converter_available()):
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
