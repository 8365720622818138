"""The waba table's outbox relay: its stream's outbox items → the hub bus (other items are skipped)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_shared.observability import observability
from hub_shared.outbox import relay_outbox
from hub_waba.settings import waba_settings

obs = observability("waba")


@obs.handler()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, list[Any]]:
    published = relay_outbox(event["Records"], dead_letter_queue_url=waba_settings().outbox_dead_letter_queue_url)
    obs.metrics.add_metric(name="WabaOutboxEventsPublished", unit=MetricUnit.Count, value=published)
    return {"batchItemFailures": []}
