# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.modules.edaftar_base.tests.tools import run_scenario


class EdaftarPortalScenarioTestCase(unittest.TestCase):
    "Scenarios of the e-Daftar citizen portal, through proteus as staff see it"

    def test_scenario_portal(self):
        """A citizen's complaint registered in the focal person's hands,
        forwarded, answered in public (e-mailed) and closed; the
        department's dashboard; another department's officer refused"""
        run_scenario(self, __file__, 'scenario_portal.rst')
