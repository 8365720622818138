"""The outbox: a state change and its event never diverge.

Writers put an outbox item in the same DynamoDB transaction as the change (`outbox_put`); the table's
stream feeds a relay function (`relay_stream_records`) that publishes the items' entries on the bus in
batches of ≤ 10, retries the entries PutEvents refused, and sends what still fails to the relay's
dead-letter queue, so one poisoned entry never blocks the stream.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit

from hub_shared import aws
from hub_shared.events import DomainEvent, EventPublisher, EventPublishFailed
from hub_shared.observability import observability
from hub_shared.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef
    from mypy_boto3_sqs import SQSClient

OUTBOX_PREFIX = "OUTBOX#"
OUTBOX_TTL = timedelta(days=2)
PUBLISH_ATTEMPTS = 3
SQS_BATCH = 10

logger = Logger(child=True)

EntryOf = Callable[[dict[str, Any]], "PutEventsRequestEntryTypeDef | None"]
"""A stream record's new image (plain values) → the bus entry it stands for, or None (not an event)."""


def outbox_put(table: str, event: DomainEvent, bus_name: str) -> dict[str, Any]:
    """The TransactWriteItems `Put` of `event`'s outbox item (written with the change it announces)."""
    entry = event.to_entry(bus_name)
    item = {
        "pk": f"{OUTBOX_PREFIX}{event.metadata.event_id}",
        "sk": "EVENT",
        "source": entry["Source"],
        "detail_type": entry["DetailType"],
        "detail": entry["Detail"],
        "bus": bus_name,
        "expires_at": int((event.metadata.occurred_at + OUTBOX_TTL).timestamp()),
    }
    return {"Put": {"TableName": table, "Item": aws.to_item(item), "ConditionExpression": "attribute_not_exists(pk)"}}


def outbox_entry(image: dict[str, Any]) -> PutEventsRequestEntryTypeDef | None:
    """An outbox item's bus entry; None for any other item of the table."""
    if not str(image.get("pk", "")).startswith(OUTBOX_PREFIX):
        return None
    return {
        "Source": image["source"],
        "DetailType": image["detail_type"],
        "Detail": image["detail"],
        "EventBusName": image["bus"],
    }


def new_images(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The plain new images of the INSERT records of a DynamoDB stream event's `Records`."""
    return [
        aws.from_item(record["dynamodb"]["NewImage"])
        for record in records
        if record.get("eventName") == "INSERT" and "NewImage" in record.get("dynamodb", {})
    ]


def relay_stream_records(
    records: Sequence[dict[str, Any]],
    entry_of: EntryOf,
    *,
    publisher: EventPublisher,
    sqs: SQSClient,
    dead_letter_queue_url: str,
) -> int:
    """Publish the entries the records stand for; answer how many reached the bus.

    Entries PutEvents refuses are tried again (PUBLISH_ATTEMPTS in all); the rest go to the dead-letter
    queue with their error. Raises only when the dead-letter queue itself refuses (Lambda then retries).
    """
    pending = [entry for image in new_images(records) if (entry := entry_of(image)) is not None]
    total = len(pending)
    errors: dict[int, str] = {}
    for _ in range(PUBLISH_ATTEMPTS):
        if not pending:
            break
        try:
            publisher.put_entries(pending)
            pending = []
        except EventPublishFailed as failed:
            pending = [entry for entry, _, _ in failed.failed]
            errors = {id(entry): f"{code}: {message}" for entry, code, message in failed.failed}
            logger.warning("outbox entries refused by the bus; retrying", extra={"refused": len(pending)})
    if pending:
        _dead_letter(pending, errors, sqs, dead_letter_queue_url)
    return total - len(pending)


def _dead_letter(
    entries: list[PutEventsRequestEntryTypeDef], errors: dict[int, str], sqs: SQSClient, queue_url: str
) -> None:
    logger.error("outbox entries sent to the dead-letter queue", extra={"count": len(entries)})
    for start in range(0, len(entries), SQS_BATCH):
        batch = entries[start : start + SQS_BATCH]
        answer = sqs.send_message_batch(
            QueueUrl=queue_url,
            Entries=[
                {"Id": str(i), "MessageBody": json.dumps({"entry": entry, "error": errors.get(id(entry), "")})}
                for i, entry in enumerate(batch)
            ],
        )
        if answer.get("Failed"):
            raise RuntimeError(f"the dead-letter queue refused {len(answer['Failed'])} outbox entries")


def relay_outbox(records: Sequence[dict[str, Any]], *, dead_letter_queue_url: str) -> int:
    """A service's outbox relay: its table stream's outbox items on the hub bus (`relay_stream_records` with the
    process's publisher and SQS client); how many reached the bus."""
    return relay_stream_records(
        records, outbox_entry, publisher=EventPublisher(), sqs=aws.sqs(), dead_letter_queue_url=dead_letter_queue_url
    )


def outbox_relay_handler(service: str) -> Callable[[dict[str, Any], Any], dict[str, list[Any]]]:
    """The Lambda handler of `service`'s outbox relay (its table's stream, filtered to outbox items by the event
    source mapping): the items on the bus, what the bus keeps refusing to the dead-letter queue
    (`OUTBOX_DEAD_LETTER_QUEUE_URL`), and the metric `<Service>OutboxEventsPublished`."""
    obs = observability(service)
    metric = f"{service.title()}OutboxEventsPublished"

    @obs.handler()
    def handler(event: dict[str, Any], context: Any) -> dict[str, list[Any]]:
        published = relay_outbox(event["Records"], dead_letter_queue_url=get_settings().outbox_dead_letter_queue_url)
        obs.metrics.add_metric(name=metric, unit=MetricUnit.Count, value=published)
        return {"batchItemFailures": []}

    return handler
