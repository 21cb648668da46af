# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.edaftar_base.tests.tools import GuardedRelationsTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EdaftarMobileTestCase(
        GuardedRelationsTestMixin, CompanyTestMixin, ModuleTestCase):
    "Test e-Daftar Mobile module"
    module = 'edaftar_mobile'
    extras = []


del ModuleTestCase
