# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond.modules.edaftar_base.tests.tools import run_scenario


class EdaftarDakDraftScenarioTestCase(unittest.TestCase):
    "The Act step: drafts for approval and dispatches, through proteus"

    def test_scenario_draft(self):
        "Draft, send back, version 2, approve up the hierarchy, dispatch"
        run_scenario(self, __file__, 'scenario_draft.rst')
