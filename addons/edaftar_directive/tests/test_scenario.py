# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.modules.edaftar_base.tests.tools import run_scenario


class EdaftarDirectiveScenarioTestCase(unittest.TestCase):
    "Scenarios of e-Daftar Directives, through proteus as users see them"

    def test_scenario_directive(self):
        "A CM order to three units, a CS order overdue, compliance, close"
        run_scenario(self, __file__, 'scenario_directive.rst')
