# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from klachten_base.tests.tools import IconTestMixin, TaskOriginAccessMixin
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class KlachtenNotulaTestCase(TaskOriginAccessMixin, IconTestMixin,
        CompanyTestMixin, ModuleTestCase):
    "Test the klachten_notula module's declarations"
    module = 'klachten_notula'


del ModuleTestCase
