# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The WSGI application of bench/intake.py: trytond's own
(trytond.application, with the portal's routes once the pool of
TRYTOND_DATABASE_NAMES is loaded) plus the floor, a bare trytond route
that inserts one row.  It exists only in the benchmark.

    gunicorn --workers 4 intake_server:app
"""
from trytond.application import app
from trytond.protocols.wrappers import Response, with_pool
from trytond.transaction import Transaction

__all__ = ['app']


@app.route('/<database_name>/bench/floor', methods=['POST'])
@with_pool
def floor(request, pool):
    "Insert one row (the key sent) in its own committed transaction"
    key = request.form.get('key', '')
    if not key:
        return Response('no key', status=400)
    with Transaction().start(pool.database_name, 0) as transaction:
        cursor = transaction.connection.cursor()
        cursor.execute(
            'INSERT INTO bench_floor (key) VALUES (%s)', (key,))
        transaction.commit()
    return Response('', status=201)
