# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.modules.edaftar_base.tests.tools import run_scenario


class EdaftarTaskScenarioTestCase(unittest.TestCase):
    "Scenarios of e-Daftar Tasks, through proteus as users see them"

    def test_scenario_task(self):
        """An activity of the CS broken into subtasks three levels down,
        started, reported on, completed, reopened and cancelled by the
        right people only; the performance figures of the period"""
        run_scenario(self, __file__, 'scenario_task.rst')
