"""NumberAdded / NumberDeleted on the bus (source `hub.numbers`) → the client's billable numbers, and its licence
subscription's quantity at Stripe.

An event that is not one of the two, or not shaped like billing's contract (`hub_billing.models.contracts`), is logged
and raised: EventBridge retries it, then it lands in the function's dead-letter queue. Events are applied once
(`hub_billing.usecases.billable`); the subscription is set to the count after every delivery, a repeated one
included, with a Stripe idempotency key of the event (`hub_billing.usecases.accounts.sync_subscription`), so a
delivery retried after Stripe failed still reaches Stripe, and never twice.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_billing.deps import accounts_reader, billing_store, payments
from hub_billing.models.contracts import NumberLifecycleEvent
from hub_billing.usecases.accounts import sync_subscription
from hub_billing.usecases.billable import Applied, record_number_event
from hub_shared.clock import utc_now
from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability

obs = observability("billing")


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> str:
    detail = obs.received(event, NumberLifecycleEvent, "number event").root.detail
    applied = record_number_event(detail, numbers=billing_store(), now=utc_now())
    synced = sync_subscription(
        detail.client_id,
        detail.metadata.event_id,
        store=billing_store(),
        accounts=accounts_reader(),
        payments=payments(),
    )
    obs.logger.info(
        "billable numbers updated",
        extra={
            "client_id": detail.client_id,
            "number_id": detail.number_id,
            "applied": applied.value,
            "subscription_quantity": synced.quantity if synced else None,
        },
    )
    if applied in (Applied.COUNTED, Applied.UNCOUNTED):
        name = "BillableNumbersAdded" if applied is Applied.COUNTED else "BillableNumbersRemoved"
        obs.metrics.add_metric(name=name, unit=MetricUnit.Count, value=1)
    return applied.value
