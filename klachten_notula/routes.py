# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The routes of klachten_notula: the signed callback of the HTTP
connector, POST /<database>/notula/callback (doc/contract.rst).

It runs without a Tryton user (as root, without access rules): the
signature alone decides.  It answers 404 in a database where
klachten_notula is not activated."""
import json
import logging
from http import HTTPStatus

from trytond.protocols.wrappers import Response, with_pool, with_transaction
from trytond.transaction import Transaction
from trytond.wsgi import app

from .connector import parse_news, verify
from .exceptions import ProposalClosedError

logger = logging.getLogger(__name__)

MODULE = 'klachten_notula'


def answer(code, status, error=None):
    "The JSON answer {status, error} with the HTTP status code"
    data = {'status': status}
    if error:
        data['error'] = error
    return Response(json.dumps(data), status=code,
        content_type='application/json')


def refuse(code, error):
    return answer(code, 'error', error)


def activated(pool):
    "Whether klachten_notula is activated in the pool's database"
    # trytond keeps the modules of a loaded pool in _modules, with no
    # public accessor
    return MODULE in pool._modules


@app.route('/<database_name>/notula/callback', methods=['POST'])
@with_pool
def callback(request, pool):
    if not activated(pool):
        return refuse(HTTPStatus.NOT_FOUND, "Not found")
    try:
        return _callback(request, pool)
    except Exception:
        # nothing was applied (the transaction is rolled back): Notula
        # sends it again on a 5xx (doc/contract.rst); trytond would answer
        # an HTML page
        logger.exception("notula callback failed")
        return refuse(HTTPStatus.INTERNAL_SERVER_ERROR,
            "Internal error: nothing was applied, send it again later")


@with_transaction()
def _callback(request, pool):
    body = request.get_data()
    timestamp = request.headers.get('X-Notula-Timestamp', '')
    signature = request.headers.get('X-Notula-Signature', '')
    secrets = _secrets(pool)
    if not any(verify(s, timestamp, body, signature) for s in secrets):
        logger.warning("notula callback: bad signature or timestamp")
        return refuse(HTTPStatus.UNAUTHORIZED,
            "Bad or missing signature, or timestamp too old")
    try:
        data = json.loads(body.decode('utf-8'))
        news = parse_news(data)
        event_id = data.get('event_id')
        if (not isinstance(event_id, str) or not event_id.strip()
                or len(event_id) > 100):
            raise ValueError("event_id: a text of at most 100 characters")
    except ValueError as error:
        return refuse(HTTPStatus.BAD_REQUEST, f"Malformed: {error}")
    proposal = _proposal(pool, news['reference'], timestamp, body, signature)
    if proposal is None:
        return refuse(HTTPStatus.NOT_FOUND,
            f"Unknown reference: {news['reference']}")
    return _apply(pool, proposal, event_id, news)


def _secrets(pool):
    "The callback secrets of the database's companies"
    ConfigurationNotula = pool.get('klachten.configuration.notula')
    return {c.notula_secret for c in ConfigurationNotula.search([
                ('notula_secret', '!=', None),
                ])} - {''}


def _proposal(pool, reference, timestamp, body, signature):
    """The HTTP draft decision of reference whose company's secret signed
    the callback, or None"""
    Proposal = pool.get('klachten.notula.proposal')
    Configuration = pool.get('klachten.configuration')
    configuration = Configuration(1)
    for proposal in Proposal.search([('reference', '=', reference)]):
        secret = configuration.get_multivalue(
            'notula_secret', company=proposal.company.id)
        if verify(secret, timestamp, body, signature):
            return proposal


def _apply(pool, proposal, event_id, news):
    "Apply the news of the event to proposal, once"
    Proposal = pool.get('klachten.notula.proposal')
    Event = pool.get('klachten.notula.event')
    transaction = Transaction()
    # a replay received at the same time waits here, then finds the event
    Proposal._lock_row(proposal)
    if Event.seen(event_id):
        return answer(HTTPStatus.OK, 'known')
    try:
        if news['status'] != proposal.state and not _older(proposal, news):
            # news of another state for a final draft decision, or one of
            # a closed complaint, changes nothing: say so
            proposal.check_open()
        changed = Proposal.apply_status(proposal, news['status'],
            meeting_date=news['meeting_date'], decision=news['decision'],
            version=news['version'])
    except ProposalClosedError as error:
        transaction.rollback()
        return refuse(HTTPStatus.CONFLICT, error.message)
    Event.record(event_id, proposal, news)
    return answer(HTTPStatus.OK, 'applied' if changed else 'known')


def _older(proposal, news):
    "Whether the news is older than what proposal has (out of order)"
    return (news['version'] is not None and proposal.version is not None
        and news['version'] < proposal.version)
