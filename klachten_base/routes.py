# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Make the CSV of Tryton's /<db>/data/<model> route formula-safe.

Complaint text is typed by citizens: a cell beginning with =, +, - or @ is a
formula (or a DDE trick) for a spreadsheet. Every text cell that a
spreadsheet would compute is prefixed with a quote, as the register does;
plain negative numbers stay numbers."""
import csv
import io
import re

from trytond.ir import routes as ir_routes
from trytond.wsgi import app

RISKY = frozenset('=+-@\t\r\n')
NUMBER = re.compile(r'^-\d[\d.,\s]*$')


def formula_safe(value):
    "value as a spreadsheet shows it as typed, never computes"
    if (isinstance(value, str) and value and value[0] in RISKY
            and not NUMBER.match(value)):
        return "'" + value
    return value


def safe_data(request, *args, **kwargs):
    response = ir_routes.data(request, *args, **kwargs)
    if (getattr(response, 'status_code', None) != 200
            or not response.mimetype == 'text/csv'):
        return response
    encoding = request.args.get('enc', 'UTF-8')
    delimiter = request.args.get('dl', ',')
    quotechar = request.args.get('qc', '"')
    rows = csv.reader(
        io.StringIO(response.get_data().decode(encoding), newline=''),
        delimiter=delimiter, quotechar=quotechar)
    data = io.StringIO(newline='')
    writer = csv.writer(data, delimiter=delimiter, quotechar=quotechar)
    for row in rows:
        writer.writerow([formula_safe(v) for v in row])
    response.set_data(data.getvalue().encode(encoding))
    return response


def _replace_endpoint(old, new):
    url_map = app.url_map
    for rule in url_map.iter_rules():
        if rule.endpoint is old:
            rule.endpoint = new
            url_map._rules_by_endpoint.setdefault(new, []).append(rule)
    url_map._rules_by_endpoint.pop(old, None)


_replace_endpoint(ir_routes.data, safe_data)
