# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The past of a complaint is no way around the rules.

A complaint made confidential after the observer could see it: reading it
"as it was" (the as-of-date context _datetime that sao's revisions, JSON-RPC,
REST and /data pass through) must not show it, nor what hangs on it, through
any door."""
import base64
import datetime as dt
import json
import time
from urllib.parse import urlencode

from werkzeug.test import Client

from proteus import Model
from trytond.model.exceptions import AccessError
from trytond.protocols.jsonrpc import JSONDecoder, JSONEncoder
from trytond.protocols.wrappers import Response
from trytond.tests.test_tryton import DB_NAME
from trytond.wsgi import app

from .municipality import MunicipalityTestCase
from .tools import (
    admit, create_complainant, create_complaint, password, set_user)


def basic(login):
    token = base64.b64encode(f'{login}:{password(login)}'.encode()).decode()
    return {'Authorization': f'Basic {token}'}


class HistoryAccessTestCase(MunicipalityTestCase):
    "History reads obey the rules of today"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ns = cls.ns
        set_user('receiver')
        complaint = create_complaint(create_complainant(),
            short_description="The inspector is my neighbour")
        set_user('klachtenadmin')
        User = Model.get('res.user')
        Complaint = Model.get('klachten.complaint')
        complaint = Complaint(complaint.id)
        complaint.observers.append(User(ns.users['observer'].id))
        complaint.save()
        admit(complaint, ns, user='handler1')
        Attachment = Model.get('ir.attachment')
        Note = Model.get('ir.note')
        Attachment(resource=complaint, name="statement.txt",
            data=b"My neighbour the inspector").save()
        Note(resource=Complaint(complaint.id),
            message="Talked to the inspector").save()
        Model.get('ir.chat.channel')._proxy.post(
            f'klachten.complaint,{complaint.id}', "Internal remark",
            'internal', cls.config.context)
        cls.id = complaint.id
        # the observer reads it now
        set_user('observer')
        Model.get('klachten.complaint')(cls.id).short_description
        time.sleep(1.1)
        cls.seen = dt.datetime.now()
        time.sleep(1.1)
        set_user('klachtenadmin')
        complaint = Model.get('klachten.complaint')(cls.id)
        complaint.confidential = True
        complaint.save()

        set_user('admin')
        Application = Model.get('res.user.application')
        application = Application(
            user=Model.get('res.user')(ns.users['observer'].id),
            application='rest', key='observer-rest-key-' + 'x' * 20)
        application.save()
        cls.rest_key = application.key
        cls.client = Client(app, Response)

    def as_observer(self):
        set_user('observer', self.config)
        return dict(self.config.context, _datetime=self.seen)

    def test_observer_no_longer_reads_it_now(self):
        "The confidential complaint is hidden from the observer today"
        self.as_observer()
        Complaint = Model.get('klachten.complaint')
        with self.assertRaises(AccessError):
            Complaint._proxy.read(
                [self.id], ['short_description'], self.config.context)

    def test_history_read_search_count(self):
        "As it was, the complaint can be neither read, searched nor counted"
        context = self.as_observer()
        Complaint = Model.get('klachten.complaint')
        with self.assertRaises(AccessError):
            Complaint._proxy.read([self.id], ['short_description'], context)
        self.assertEqual(
            Complaint._proxy.search([('id', '=', self.id)], 0, None, None,
                context), [])
        self.assertEqual(
            Complaint._proxy.search_count([], 0, None, context), 0)
        with self.assertRaises(AccessError):
            Complaint._proxy.export_data(
                [self.id], ['short_description'], {}, context)

    def test_history_what_hangs_on_it(self):
        "As it was, its attachments, notes and chat stay hidden"
        context = self.as_observer()
        resource = f'klachten.complaint,{self.id}'
        for name, field in [
                ('ir.attachment', 'data'), ('ir.note', 'message')]:
            with self.subTest(model=name):
                Target = Model.get(name)
                self.assertEqual(Target._proxy.search(
                        [('resource', '=', resource)], 0, None, None,
                        context), [])
                set_user('admin', self.config)
                ids = Model.get(name)._proxy.search(
                    [('resource', '=', resource)], 0, None, None, {})
                self.assertTrue(ids)
                context = self.as_observer()
                with self.assertRaises(AccessError):
                    Target._proxy.read(ids, [field], context)
        Channel = Model.get('ir.chat.channel')
        with self.assertRaises(AccessError):
            Channel._proxy.get(resource, context)

    def rpc(self, login, method, *params):
        response = self.client.post(f'/{DB_NAME}/rpc/',
            data=json.dumps({'id': 1, 'method': method,
                    'params': list(params)}, cls=JSONEncoder),
            headers=dict(basic(login), **{
                    'Content-Type': 'application/json'}))
        self.assertEqual(response.status_code, 200, response.data)
        return json.loads(response.data, object_hook=JSONDecoder())

    def test_jsonrpc(self):
        "JSON-RPC, as sao asks for a revision"
        context = {'_datetime': self.seen}
        result = self.rpc('observer', 'model.klachten.complaint.read',
            [self.id], ['short_description'], context)
        self.assertIn('error', result)
        self.assertNotIn('inspector', json.dumps(result.get('result')))
        result = self.rpc('observer', 'model.klachten.complaint.search',
            [], 0, None, None, context)
        self.assertEqual(result['result'], [])
        # the door itself is open: the handler reads it as it was
        result = self.rpc('handler1', 'model.klachten.complaint.read',
            [self.id], ['short_description'], context)
        self.assertEqual(result['result'][0]['short_description'],
            "The inspector is my neighbour")

    def test_data_route(self):
        "/data with an as-of-date context"
        context = json.dumps({'_datetime': self.seen}, cls=JSONEncoder)
        for domain in [[], [self.id]]:
            with self.subTest(domain=domain):
                response = self.client.get(
                    f'/{DB_NAME}/data/klachten.complaint?' + urlencode({
                            'd': json.dumps(domain), 'c': context,
                            'f': 'short_description'}),
                    headers=basic('observer'))
                self.assertNotIn(b'inspector', response.data)
        response = self.client.get(
            f'/{DB_NAME}/data/ir.attachment?' + urlencode({
                    'd': '[]', 'c': context, 'f': 'data'}),
            headers=basic('observer'))
        self.assertNotIn(b'neighbour', response.data)

    def test_rest(self):
        "REST with X-Tryton-Context"
        context = base64.urlsafe_b64encode(json.dumps(
                {'_datetime': self.seen}, cls=JSONEncoder).encode()).decode()
        headers = {'Authorization': f'Bearer {self.rest_key}',
            'X-Tryton-Context': context}
        response = self.client.get(
            f'/{DB_NAME}/rest/model/klachten.complaint/{self.id}'
            '?f=short_description', headers=headers)
        self.assertNotIn(b'inspector', response.data)
        self.assertNotEqual(response.status_code, 200)
        response = self.client.get(
            f'/{DB_NAME}/rest/model/klachten.complaint?f=short_description',
            headers=headers)
        self.assertNotIn(b'inspector', response.data)
        response = self.client.get(
            f'/{DB_NAME}/rest/model/ir.attachment?f=data',
            headers=headers)
        self.assertNotIn(b'neighbour', response.data)
