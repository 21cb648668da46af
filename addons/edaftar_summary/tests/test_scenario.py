# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.modules.edaftar_base.tests.tools import run_scenario


class EdaftarSummaryScenarioTestCase(unittest.TestCase):
    "Scenarios of e-Daftar Summaries, through proteus as users see them"

    def test_scenario_summary(self):
        """A summary up four levels, sent back, vetted by Finance, approved
        and dispatched; a CS note sent back and approved"""
        run_scenario(self, __file__, 'scenario_summary.rst')
