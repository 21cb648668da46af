# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.modules.edaftar_base.tests.tools import run_scenario


class EdaftarDakScenarioTestCase(unittest.TestCase):
    "Scenarios of e-Daftar Dak, through proteus as users see them"

    def test_scenario_dak(self):
        "The five steps across four users, two wings, two departments"
        run_scenario(self, __file__, 'scenario_dak.rst')

    def test_scenario_bad_input(self):
        "Bad input is refused with a clear message and changes nothing"
        run_scenario(self, __file__, 'scenario_bad_input.rst')
