"""Meta's account webhooks on the bus (source `hub.meta`: account_update, account_review_update,
business_capability_update) → the WABA details the waba service keeps.

A detail that is not a `MetaChange` is logged and raised: EventBridge retries it, then dead-letters it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_shared.meta_events import MetaChangeEvent
from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability
from hub_waba.deps import waba_store
from hub_waba.usecases.meta_changes import apply_account_change

obs = observability("waba")


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> bool:
    change = obs.received(event, MetaChangeEvent, "Meta change event").detail
    updated = apply_account_change(change, wabas=waba_store())
    obs.logger.info(
        "kept WABA details updated" if updated else "no kept WABA details to update",
        extra={"waba_id": change.waba_id, "field": change.field},
    )
    return updated
