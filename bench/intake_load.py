# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The locust users of bench/intake.py (run by it, not alone).

IntakeUser files complaints as a citizen's browser does, without a
pause: GET the form, POST "Volgende" (the review page), POST "Indienen"
(303 to the receipt), GET the receipt.  FloorUser POSTs one row to the
bench's floor route.  Every request's time and every accepted key go to
the file BENCH_OUT (JSON lines) when locust quits."""
import itertools
import json
import os
import re
import time
import urllib.parse
import uuid

from locust import FastHttpUser, constant, events, task

DATABASE = os.environ.get('BENCH_DATABASE', '')
OUT = os.environ.get('BENCH_OUT')
FORM = {'Content-Type': 'application/x-www-form-urlencoded'}
HIDDEN = re.compile(r'<input type="hidden" name="(csrf_token|submission_key)"'
    r' value="([^"]+)"')
NUMBER = re.compile(r'class="number">([^<]+)<')

RECORDS = []        # (name, start, milliseconds, ok)
ACCEPTED = []       # keys the server acknowledged
_counter = itertools.count(1)


@events.request.add_listener
def _record(request_type, name, response_time, response_length,
        exception=None, **kwargs):
    RECORDS.append((name, time.time() - response_time / 1000,
            response_time, exception is None))


@events.quitting.add_listener
def _write(environment, **kwargs):
    if OUT:
        with open(OUT, 'w') as out:
            for record in RECORDS:
                out.write(json.dumps({'request': record}) + '\n')
            for key in ACCEPTED:
                out.write(json.dumps({'accepted': key}) + '\n')


class IntakeUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def intake(self):
        number = next(_counter)
        root = f'/{DATABASE}/portal'
        with self.client.get(f'{root}/complaint?lang=nl', name='1 form',
                catch_response=True) as response:
            fields = dict(HIDDEN.findall(response.text or ''))
            if response.status_code != 200 or len(fields) != 2:
                response.failure(f'form: {response.status_code}')
                return
        values = {
            **fields,
            'lang': 'nl',
            'name': f"Burger {number}",
            'email': f'burger{number}@example.org',
            'phone': '03 123 45 67',
            'street': "Kerkstraat 1",
            'postal_code': '2980',
            'city': "Zoersel",
            'short_description': f"Geen antwoord {number}",
            'description': "Ik mailde drie keer naar burgerzaken.",
            'incident_date': '2026-03-27',
            'remedy_sought': "Een antwoord",
            }
        with self.client.post(f'{root}/complaint', name='2 review',
                data=urllib.parse.urlencode({**values, 'action': 'next'}),
                headers=FORM, catch_response=True) as response:
            if (response.status_code != 200
                    or 'value="submit"' not in (response.text or '')):
                response.failure(f'review: {response.status_code}')
                return
        with self.client.post(f'{root}/complaint', name='3 submit',
                data=urllib.parse.urlencode({**values, 'action': 'submit'}),
                headers=FORM, allow_redirects=False,
                catch_response=True) as response:
            location = response.headers.get('Location', '')
            if (response.status_code != 303
                    or f"/receipt/{fields['submission_key']}" not in location):
                response.failure(f'submit: {response.status_code}')
                return
            ACCEPTED.append(fields['submission_key'])
        path = urllib.parse.urlsplit(location)
        with self.client.get(f'{path.path}?{path.query}', name='4 receipt',
                catch_response=True) as response:
            if (response.status_code != 200
                    or not NUMBER.search(response.text or '')):
                response.failure(f'receipt: {response.status_code}')


class FloorUser(FastHttpUser):
    wait_time = constant(0)

    @task
    def floor(self):
        key = uuid.uuid4().hex
        with self.client.post(f'/{DATABASE}/bench/floor', name='floor',
                data=urllib.parse.urlencode({'key': key}), headers=FORM,
                catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f'floor: {response.status_code}')
                return
            ACCEPTED.append(key)
