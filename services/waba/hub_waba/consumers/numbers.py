"""NumberAdded / NumberDeleted on the bus (source `hub.numbers`) → the WABAs and numbers the waba service manages.

An event that is not one of the two, or not shaped like the waba service's contract (`hub_waba.models.contracts`),
is logged and raised: EventBridge retries it, then it lands in the function's dead-letter queue.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability
from hub_waba.deps import waba_store
from hub_waba.models.contracts import NumberLifecycleEvent
from hub_waba.usecases.registry import record_number_event

obs = observability("waba")


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> bool:
    parsed = obs.received(event, NumberLifecycleEvent, "number event").root
    applied = record_number_event(parsed, registry=waba_store())
    detail = parsed.detail
    obs.logger.info(
        "waba registry updated" if applied else "older number event ignored",
        extra={"waba_id": detail.waba_id, "number_id": detail.number_id, "detail_type": parsed.detail_type},
    )
    return applied
