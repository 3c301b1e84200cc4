# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.pool import Pool
from trytond.tests.test_tryton import ModuleTestCase, with_transaction

from .tools import IconTestMixin, TaskOriginAccessMixin


class KlachtenBaseTestCase(TaskOriginAccessMixin, IconTestMixin,
        CompanyTestMixin, ModuleTestCase):
    "Test the klachten_base module's declarations"
    module = 'klachten_base'

    @with_transaction()
    def test_term_presets(self):
        "Each preset button replaces the terms, also when clicked again"
        pool = Pool()
        Configuration = pool.get('klachten.configuration')
        configuration = Configuration(1)

        for button, country, answer in [
                ('apply_awb_preset', 'NL', (6, 'week')),
                ('apply_flemish_preset', 'BE', (45, 'day')),
                ('apply_flemish_preset', 'BE', (45, 'day')),
                ('apply_one_month_preset', 'BE', (1, 'month')),
                ('apply_awb_preset', 'NL', (6, 'week')),
                ]:
            getattr(Configuration, button)([configuration])
            configuration = Configuration(1)
            terms = {t.kind: (t.number, t.unit) for t in configuration.terms}
            self.assertEqual(terms.get('answer'), answer, button)
            self.assertEqual(len(terms), len(configuration.terms), button)
            self.assertGreaterEqual(len(terms), 10, button)
            self.assertEqual(configuration.holiday_country, country, button)


del ModuleTestCase
