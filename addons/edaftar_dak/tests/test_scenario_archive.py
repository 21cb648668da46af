# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import unittest

from trytond import config
from trytond.modules.edaftar_base.tests.tools import run_scenario
from trytond.modules.edaftar_dak.attachment import MAX_SIZE


class EdaftarDakArchiveScenarioTestCase(unittest.TestCase):
    "Scenario of e-Daftar Dak archive: attachments, search, history"

    def tearDown(self):
        # The scenario lowers the limit; other tests run in this process.
        if config.has_section('edaftar'):
            config.set('edaftar', 'attachment_max_size', str(MAX_SIZE))

    def test_scenario_archive(self):
        "Checked attachments, keyword search in sight, movement history"
        run_scenario(self, __file__, 'scenario_archive.rst')
