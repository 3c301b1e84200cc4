# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Who may import an old register (issue 17: "only coordinators and
receivers").

A receiver (the staff member who registers the complaints that came by
phone, letter or at the desk) imports a register as the coordinator does:
saves a mapping, runs the dry run, starts the import, and the queue files
the complaints as the receiver.  The receiver sees their own imports and
the complaints they imported (read only: closed long ago), not another
receiver's import (its file is a whole old register).  A handler who is not
a receiver is refused, in Dutch, over JSON-RPC as the web client calls."""
import base64
import json

from werkzeug.test import Client

import trytond.config as config
from klachten_base.tests.municipality import MunicipalityTestCase
from klachten_base.tests.tools import (
    create_handler_only, password, set_user, xml_id)
from proteus import Model
from trytond.model.exceptions import AccessError
from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME
from trytond.wsgi import app

from .test_register_import import run_queue

REGISTER = '\n'.join([
        "Nummer;Ontvangen op;Naam;Korte omschrijving;Status;Afgesloten op",
        "TEL-1;03/02/2020;Jan Peeters;Afval niet opgehaald;Afgesloten;"
        "10/03/2020",
        "TEL-2;31/02/2020;Els Claes;Loket gesloten;Afgesloten;10/03/2020",
        "TEL-3;05/02/2020;Ann Wouters;Geen antwoord;Geannuleerd;06/02/2020",
        ]).encode('cp1252')


class RegisterImportAccessTestCase(MunicipalityTestCase):
    "Receivers import a register; handlers do not"
    modules = ['klachten_report']
    languages = ['nl']

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # as with a worker: the queued batches wait for the test to run them
        worker = config.get('queue', 'worker')
        config.set('queue', 'worker', 'True')
        cls.addClassCleanup(config.set, 'queue', 'worker', worker)
        create_handler_only(
            cls.ns, 'handler_only', "Alleen behandelaar", lang='nl')

    def test_receiver_imports(self):
        "A receiver saves a mapping, runs the dry run and the import"
        set_user('receiver')
        Mapping = Model.get('klachten.register.import.mapping')
        Import = Model.get('klachten.register.import')
        Complaint = Model.get('klachten.complaint')
        mapping = Mapping(name="Telefoonschrift")
        mapping.lines.new(column="Naam", field='complainant_name')
        mapping.save()
        imp = Import(file=REGISTER, file_name='telefoon.csv', mapping=mapping)
        imp.save()
        imp.click('check')
        self.assertEqual((imp.state, imp.rows_total, imp.failed),
            ('checked', 3, 1))
        self.assertEqual([e.value for e in imp.errors], ['31/02/2020'])
        imp.click('start')
        self.assertEqual(imp.state, 'queued')
        self.assertEqual(run_queue(), 1)
        imp.reload()
        self.assertEqual((imp.state, imp.created), ('done', 2))

        # the receiver reads what they imported, as it was: closed
        imported = Complaint.find([('register_import', '=', imp.id)])
        self.assertEqual(
            sorted((c.number, c.state, c.complainant.name)
                for c in imported),
            [('TEL-1', 'closed', "Jan Peeters"),
                ('TEL-3', 'cancelled', "Ann Wouters")])
        with self.assertRaises(AccessError):
            imported[0].short_description = "Gewijzigd"
            imported[0].save()

        # the coordinator sees the receiver's import and its complaints
        set_user('coordinator')
        self.assertIn(imp.id, [i.id for i in Import.find([])])
        self.assertEqual(len(Complaint.find(
                    [('register_import', '=', imp.id)])), 2)
        # another receiver sees neither the import (the file is the old
        # register) nor its complaints, but may use the company's mapping
        set_user('observer')
        self.assertNotIn(imp.id, [i.id for i in Import.find([])])
        self.assertFalse(
            Complaint.find([('register_import', '=', imp.id)]))
        self.assertIn(mapping.id, [m.id for m in Mapping.find([])])
        with self.assertRaises(AccessError):
            Import(imp.id).click('start')

    def test_handler_refused_in_dutch(self):
        "A handler who is not a receiver is refused in Dutch over JSON-RPC"
        client = Client(app, Response)

        def call(method, *params, headers=None):
            response = client.post(f'/{DB_NAME}/rpc/',
                data=json.dumps({'id': 1, 'method': method,
                        'params': list(params)}, cls=JSONEncoder),
                headers=dict(headers or {},
                    **{'Content-Type': 'application/json'}))
            self.assertEqual(response.status_code, 200, response.data)
            return json.loads(response.data, object_hook=JSONDecoder())

        login = call('common.db.login', 'handler_only',
            {'password': password('handler_only')})
        user_id, session = login['result'][:2]
        token = base64.b64encode(
            f'handler_only:{user_id}:{session}'.encode()).decode()
        headers = {'Authorization': f'Session {token}'}
        context = call('model.res.user.get_preferences', True, {},
            headers=headers)['result']
        self.assertEqual(context['language'], 'nl')
        for method, params in [
                ('search', [[], 0, None, None]),
                ('create', [[{'file': b'Nummer\n1\n', 'file_name': 'x.csv'}]]),
                ]:
            data = call(f'model.klachten.register.import.{method}',
                *params, context, headers=headers)
            self.assertIn('error', data, method)
            # JSON-RPC names every user error UserError: the message counts
            name, (message, *_) = data['error']
            self.assertEqual(name, 'UserError')
            self.assertEqual(
                message, 'U hebt geen toegang tot "Registerimport".')
        # and the menu does not show it
        set_user('handler_only')
        Menu = Model.get('ir.ui.menu')
        self.assertFalse(Menu.find([('id', '=', xml_id(
                        'menu_register_import_form', 'klachten_report'))]))
