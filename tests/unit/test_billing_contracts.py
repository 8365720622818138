"""Billing's own models of NumberAdded / NumberDeleted (the bus contract) accept what the numbers service publishes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from hub_billing.models.contracts import NumberAddedEvent, NumberDeletedEvent, NumberLifecycleEvent
from hub_numbers.events import NumberAdded, NumberDeleted
from tests.builders import eventbridge_event

DELETED_AT = datetime(2026, 12, 1, 0, 15, tzinfo=UTC)


def published(event: NumberAdded | NumberDeleted) -> dict[str, object]:
    """The event as EventBridge delivers what the numbers outbox puts on the bus (its entry's JSON detail)."""
    entry = event.to_entry("hub")
    return {**eventbridge_event(event), "source": entry["Source"], "detail": json.loads(entry["Detail"])}


def test_billing_reads_a_published_number_added() -> None:
    event = NumberAdded(
        number_id="106540352242922",
        client_id="acme",
        waba_id="102290129340398",
        phone_number="+4915112345001",
        how="import",
    )

    parsed = NumberLifecycleEvent.model_validate(published(event)).root

    assert isinstance(parsed, NumberAddedEvent)
    assert (parsed.detail.number_id, parsed.detail.client_id) == ("106540352242922", "acme")
    assert parsed.detail.metadata.event_id == event.metadata.event_id
    assert parsed.detail.metadata.occurred_at == event.metadata.occurred_at


def test_billing_reads_a_published_number_deleted() -> None:
    event = NumberDeleted(
        number_id="106540352242922", client_id="acme", waba_id="102290129340398", deleted_at=DELETED_AT
    )

    parsed = NumberLifecycleEvent.model_validate(published(event)).root

    assert isinstance(parsed, NumberDeletedEvent)
    assert (parsed.detail.number_id, parsed.detail.deleted_at) == ("106540352242922", DELETED_AT)


def test_fields_billing_does_not_use_may_be_added_by_the_producer() -> None:
    event = published(NumberDeleted(number_id="1", client_id="acme", waba_id="2", deleted_at=DELETED_AT))
    event["detail"] = {**event["detail"], "reason": "end of month"}  # type: ignore[dict-item]

    assert NumberLifecycleEvent.model_validate(event).root.detail.number_id == "1"
