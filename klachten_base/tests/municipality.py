# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""A test class on the municipality of tools.setup_municipality.

    from klachten_base.tests.municipality import MunicipalityTestCase

    class AdviceTestCase(MunicipalityTestCase):
        modules = ['klachten_advies']
        languages = ['nl']             # their translations loaded

        @classmethod
        def setUpClass(cls):
            super().setUpClass()       # cls.config, cls.ns
            set_user('coordinator')
            ...

The test database has modules activated (proteus, DB_CACHE as for every
test), the languages made translatable with their translations loaded,
then the company, departments and staff of setup_municipality (cls.ns);
it is dropped after the class."""
import unittest

from proteus import Model
from proteus import config as pconfig
from trytond.tests.test_tryton import drop_db
from trytond.tests.tools import activate_modules

from .tools import set_user, setup_municipality


def load_languages(codes):
    "Make the languages of codes translatable and load their translations"
    Lang = Model.get('ir.lang')
    for code in codes:
        lang, = Lang.find([('code', '=', code)])
        lang.translatable = True
        lang.save()
        lang.click('load_translations')


class MunicipalityTestCase(unittest.TestCase):
    "modules activated in a municipality (see the module's documentation)"
    modules = ['klachten_base']
    languages = []

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        activate_modules(cls.modules)
        cls.config = pconfig.get_config()
        load_languages(cls.languages)
        cls.ns = setup_municipality()

    @classmethod
    def tearDownClass(cls):
        drop_db()
        super().tearDownClass()

    def as_dutch(self, login):
        "Act as login, reading the server's messages in Dutch"
        set_user(login)
        self.config._context = dict(self.config._context, language='nl')

    def configure(self, **values):
        "Set the complaints configuration as the administrator"
        set_user('admin')
        configuration = Model.get('klachten.configuration')(1)
        for name, value in values.items():
            setattr(configuration, name, value)
        configuration.save()
