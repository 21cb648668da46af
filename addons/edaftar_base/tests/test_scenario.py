# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from .tools import run_scenario


class EdaftarBaseScenarioTestCase(unittest.TestCase):
    "Scenarios of e-Daftar Base, through proteus as users see them"

    def test_scenario_hierarchy(self):
        "Hierarchy, scope, bad input and audit log"
        run_scenario(self, __file__, 'scenario_hierarchy.rst')
