"""Other services' requests for support on the bus → tickets: `CommerceSupportRequested` (source `hub.waba`) and
`FundsRefundRequested` (source `hub.billing`), each opened once however often it is delivered, with the request
as the ticket's context.

An event that is neither, or not shaped like support's contract (`hub_support.models.contracts`), is logged and
raised: EventBridge retries it, then it lands in the function's dead-letter queue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_shared.clock import utc_now
from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability
from hub_support.deps import support_store
from hub_support.models.contracts import CommerceSupportDetail, SupportRequestEvent
from hub_support.usecases.requests import commerce_ticket, open_requested_ticket, refund_ticket

obs = observability("support")


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> str:
    detail = obs.received(event, SupportRequestEvent, "support request").root.detail
    ticket = commerce_ticket(detail) if isinstance(detail, CommerceSupportDetail) else refund_ticket(detail)
    opened = open_requested_ticket(ticket, tickets=support_store(), now=utc_now())
    obs.logger.info(
        "support request",
        extra={"ticket_id": ticket.ticket_id, "origin": ticket.origin.value, "opened": opened},
    )
    if opened:
        obs.metrics.add_metric(name="TicketsOpenedFromRequests", unit=MetricUnit.Count, value=1)
    return "opened" if opened else "already-open"
