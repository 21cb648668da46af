# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.edaftar_base.tests.tools import GuardedRelationsTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EdaftarPortalTestCase(
        GuardedRelationsTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test e-Daftar Portal module"
    module = 'edaftar_portal'
    extras = []


del ModuleTestCase
