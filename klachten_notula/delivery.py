# This file is part of Klachten.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The HTTP connector's queue and its crons: deliver the queued draft
decisions to Notula, and poll Notula for the news of the submitted ones.

Like the outbox (klachten_base/queue.py), a draft decision is claimed
(delivery pending -> sending) in a short transaction of its own, sent
outside of any transaction, and the answer recorded in another short
transaction: the reference and the state submitted (Proposal.apply_status),
or one more attempt later, or failed with a task for the coordinator.
The coordinator's *Send* button only queues it (delivery pending)."""
import logging

from klachten_base.queue import SendQueueMixin
from trytond import backend
from trytond.model import fields
from trytond.pool import PoolMeta
from trytond.pyson import Eval
from trytond.transaction import Transaction, without_check_access

from .connector import ConnectorError, UnknownReference, get_connector
from .exceptions import ProposalClosedError

logger = logging.getLogger(__name__)

INTERRUPTED = "Interrupted while sending: sent again"


class Proposal(SendQueueMixin, metaclass=PoolMeta):
    __name__ = 'klachten.notula.proposal'

    sending_since = fields.DateTime(
        "Sending Since", readonly=True,
        states={'invisible': Eval('delivery') != 'sending'})

    # The queue.  Class defaults; [klachten] notula_max_attempts and
    # notula_sending_timeout (minutes) override them.
    _queue_state = 'delivery'
    _queue_config = 'notula'
    max_attempts = 8
    # minutes to wait after the 1st, 2nd, ... failed attempt
    backoff = (1, 5, 15, 60, 120, 240, 480)
    sending_timeout = 10

    @classmethod
    def copy(cls, proposals, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('sending_since', None)
        return super().copy(proposals, default=default)

    # The delivery cron
    @classmethod
    def deliver(cls, limit=None, now=None):
        """Send every queued draft decision that is due, after recovering
        those left sending by a stopped process; the cron's method.

        Call it from a transaction that has not written: each draft
        decision is claimed and marked in transactions of its own."""
        now = cls._now(now)
        count = cls._queue_recover(now, INTERRUPTED)
        if count:
            logger.warning("%d draft decision(s) left sending: sent again",
                count)
        for proposal_id in cls._queue_due(now, limit):
            claimed = cls._queue_claim(proposal_id, now, cls._to_send)
            if claimed is not None:
                cls._send(proposal_id, *claimed, now=now)

    @classmethod
    def _to_send(cls, proposal):
        """(attempts, connector, request, error) of the claimed draft
        decision, read in the claim's transaction; error when no request
        can be made of it"""
        try:
            connector = get_connector('http', proposal.company)
            return (proposal.attempts, connector,
                connector.submit_request(proposal), None)
        except backend.DatabaseOperationalError:
            raise
        except Exception as exception:
            logger.exception(
                "draft decision %d cannot be sent", proposal.id)
            return proposal.attempts, None, None, ConnectorError(
                f'{exception.__class__.__name__}: {exception}',
                permanent=True)

    @classmethod
    def _send(cls, proposal_id, attempts, connector, request, error, now):
        "Send the claimed draft decision (no transaction) and mark it"
        if error is None:
            try:
                reference = connector.reference(connector.send(request))
            except ConnectorError as exception:
                error = exception
        if error is None:
            cls._delivered(proposal_id, attempts, reference)
        else:
            cls._not_delivered(proposal_id, attempts, error, now)

    @classmethod
    def _delivered(cls, proposal_id, attempts, reference):
        logger.info("draft decision %d delivered to Notula as %s",
            proposal_id, reference)
        cls._queue_mark(proposal_id, attempts, {
                'delivery': 'delivered',
                'sending_since': None,
                'next_attempt': None,
                'last_error': None,
                }, then=lambda proposal: cls._submitted(proposal, reference))

    @classmethod
    def _submitted(cls, proposal, reference):
        "Record the reference Notula gave: the draft decision is submitted"
        try:
            cls.apply_status(cls(proposal.id), 'submitted',
                reference=reference)
        except ProposalClosedError as exception:
            # withdrawn, or its complaint cancelled, while it was on its
            # way: keep the reference so that the coordinator finds it in
            # Notula
            with without_check_access():
                cls.write([cls(proposal.id)], {
                        'reference': reference,
                        'last_error': exception.message,
                        })

    @classmethod
    def _not_delivered(cls, proposal_id, attempts, error, now):
        values = cls._queue_retry(attempts, now, error.permanent)
        values['last_error'] = str(error)
        if values['delivery'] == 'failed':
            logger.error(
                "draft decision %d not delivered after %d attempt(s): %s",
                proposal_id, attempts, error)
            then = cls._failed
        else:
            logger.warning(
                "draft decision %d not delivered (attempt %d), next attempt "
                "at %s: %s", proposal_id, attempts, values['next_attempt'],
                error)
            then = None
        cls._queue_mark(proposal_id, attempts, values, then=then)

    @classmethod
    def _failed(cls, proposal):
        "Delivery failed for good: a task for the coordinator"
        with without_check_access():
            cls._open_task([cls(proposal.id)], 'agenda_failed')

    # The polling cron
    @classmethod
    def poll(cls):
        """Ask Notula for the news of the submitted and scheduled draft
        decisions of the HTTP connector and apply it; the cron's method,
        the fallback of lost callbacks.

        Call it from a transaction that has not written: the calls are
        made outside of any transaction, each news applied in one of its
        own."""
        for proposal_id, connector, request in cls._to_poll():
            try:
                news = connector.news(connector.send(request))
            except UnknownReference as error:
                logger.warning(
                    "draft decision %d: Notula does not know it: %s",
                    proposal_id, error)
                continue
            except ConnectorError as error:
                logger.warning(
                    "draft decision %d: no news from Notula: %s",
                    proposal_id, error)
                continue
            cls._apply_news(proposal_id, news)

    @classmethod
    def _to_poll(cls):
        "[(id, connector, request)] of the draft decisions to poll"
        result = []
        with Transaction().new_transaction() as transaction:
            proposals = cls.search([
                    ('connector', '=', 'http'),
                    ('state', 'in', ['submitted', 'scheduled']),
                    ('reference', '!=', None),
                    ], order=[('id', 'ASC')])
            connectors = {}
            for proposal in proposals:
                company = proposal.company
                if company not in connectors:
                    connectors[company] = get_connector('http', company)
                connector = connectors[company]
                result.append((proposal.id, connector,
                        connector.status_request(proposal.reference)))
            transaction.commit()
        return result

    @classmethod
    def _apply_news(cls, proposal_id, news):
        "Apply the news in a transaction of its own; whether it changed"
        with Transaction().new_transaction() as transaction:
            try:
                changed = cls.apply_status(cls(proposal_id), news['status'],
                    meeting_date=news['meeting_date'],
                    decision=news['decision'], version=news['version'])
            except ProposalClosedError as error:
                logger.warning("draft decision %d: news not applied: %s",
                    proposal_id, error.message)
                transaction.rollback()
                return False
            except backend.DatabaseOperationalError:
                # A callback is applying news at the same time: the next
                # poll asks again
                transaction.rollback()
                return False
            transaction.commit()
        return changed


class Cron(metaclass=PoolMeta):
    __name__ = 'ir.cron'

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.method.selection.extend([
                ('klachten.notula.proposal|deliver',
                    "Complaints: Deliver the Draft Decisions to Notula"),
                ('klachten.notula.proposal|poll',
                    "Complaints: Ask Notula for the News of the Draft "
                    "Decisions"),
                ])
