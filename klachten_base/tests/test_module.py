# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class KlachtenBaseTestCase(CompanyTestMixin, ModuleTestCase):
    "Test the klachten_base module's declarations"
    module = 'klachten_base'


del ModuleTestCase
