"""Meta's webhooks on the bus (source `hub.meta`: account_update, phone_number_quality_update,
phone_number_name_update) → the numbers and their display-name requests.

A detail that is not a `MetaChange`, or a value not shaped like its field, is logged and raised: EventBridge
retries it, then dead-letters it. Fields and events the rules do not know are logged and ignored.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.parser import ValidationError
from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_numbers.deps import display_names_store, numbers_store
from hub_numbers.usecases.display_names.decisions import apply_name_update
from hub_numbers.usecases.meta_changes import handle_meta_change
from hub_shared.clock import utc_now
from hub_shared.meta_events import MetaChangeEvent, PhoneNumberNameUpdate
from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability

NAME_UPDATE = "phone_number_name_update"

obs = observability("numbers")


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    now = utc_now()
    change = obs.received(event, MetaChangeEvent, "Meta change event").detail
    try:
        if change.field == NAME_UPDATE:
            update = PhoneNumberNameUpdate.model_validate(change.value)
            decided = apply_name_update(
                change, update, numbers=numbers_store(), requests=display_names_store(), now=now
            )
            obs.metrics.add_metric(name="DisplayNameDecisionsByWebhook", unit=MetricUnit.Count, value=decided)
            return
        changed = handle_meta_change(change, numbers=numbers_store(), now=now)
    except ValidationError:
        obs.logger.exception("malformed Meta change value", extra={"field": change.field, "id": event.get("id")})
        raise
    obs.metrics.add_metric(name="NumberStatusChangesByMeta", unit=MetricUnit.Count, value=changed)
