"""Meta's template webhooks on the bus (source `hub.meta`: message_template_status_update,
message_template_quality_update, template_category_update) → the templates mirror.

A detail that is not a `MetaChange` is logged and raised: EventBridge retries it, then dead-letters it.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_shared.clock import utc_now
from hub_shared.meta_events import MetaChangeEvent
from hub_shared.observability import EVENTBRIDGE_CORRELATION_PATH, observability
from hub_templates.deps import meta_graph, sync_page_size, templates_store, waba_registry
from hub_templates.usecases.webhooks import apply_template_change

obs = observability("templates")


@obs.handler(EVENTBRIDGE_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> str:
    change = obs.received(event, MetaChangeEvent, "Meta change event").detail
    outcome = apply_template_change(
        change,
        templates=templates_store(),
        registry=waba_registry(),
        graph=meta_graph(),
        now=utc_now(),
        page_size=sync_page_size(),
    )
    obs.logger.info("template webhook", extra={"waba_id": change.waba_id, "field": change.field, "outcome": outcome})
    return outcome.value
