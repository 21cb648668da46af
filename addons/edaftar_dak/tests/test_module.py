# This file is part of e-Daftar.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.ir.resource import ResourceAccessMixin
from trytond.model import ModelSQL, fields
from trytond.modules.company.tests import CompanyTestMixin
from trytond.modules.edaftar_base.guard import GuardMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction


class EdaftarDakTestCase(CompanyTestMixin, ModuleTestCase):
    "Test e-Daftar Dak module"
    module = 'edaftar_dak'
    extras = []

    @with_transaction()
    def test_relations_to_guarded_models_are_guarded(self):
        """Every model with a relation to a guarded (scoped) model guards
        its searches too, or checks its records' resource: otherwise a
        dotted search through it reads around the rules"""
        pool = Pool()
        guarded = {
            name for name, Model in pool.iterobject()
            if isinstance(Model, type) and issubclass(Model, GuardMixin)}
        self.assertIn('edaftar.receipt', guarded)
        unguarded = []
        for name, Model in pool.iterobject():
            if (not isinstance(Model, type) or not issubclass(Model, ModelSQL)
                    or issubclass(Model, (GuardMixin, ResourceAccessMixin))):
                continue
            for fname, field in Model._fields.items():
                if isinstance(field, fields.Function):
                    continue
                if isinstance(field, (
                            fields.Many2One, fields.One2Many,
                            fields.Many2Many)):
                    targets = {field.get_target().__name__}
                elif (isinstance(field, fields.Reference)
                        and isinstance(field.selection, (list, tuple))):
                    targets = {m for m, _ in field.selection if m}
                else:
                    continue
                for target in sorted(targets & guarded):
                    unguarded.append(f'{name}.{fname} -> {target}')
        self.assertEqual(unguarded, [])


del ModuleTestCase
