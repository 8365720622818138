"""The webhooks relay: the webhook changes table's stream → the `hub` bus, one `meta.<field>` event per change.

Entries the bus refuses are retried, then dead-lettered (`relay_stream_records`); when even the dead-letter
queue refuses, the handler raises and Lambda retries the batch. Consumers deduplicate on `metadata.event_id`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_shared import aws
from hub_shared.events import EventPublisher
from hub_shared.observability import observability
from hub_shared.outbox import relay_stream_records
from hub_webhooks.settings import webhooks_settings
from hub_webhooks.store.changes import change_from_image
from hub_webhooks.usecases.publishing import bus_entry, meta_change

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

obs = observability("webhooks")


def change_entry(image: dict[str, Any]) -> PutEventsRequestEntryTypeDef:
    """A stored change's item (a stream record's new image) → its bus entry."""
    return bus_entry(meta_change(change_from_image(image)), webhooks_settings().event_bus_name)


@obs.handler()
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    published = relay_stream_records(
        event["Records"],
        change_entry,
        publisher=EventPublisher(),
        sqs=aws.sqs(),
        dead_letter_queue_url=webhooks_settings().outbox_dead_letter_queue_url,
    )
    obs.metrics.add_metric(name="MetaChangesPublished", unit=MetricUnit.Count, value=published)
    return {"batchItemFailures": []}
