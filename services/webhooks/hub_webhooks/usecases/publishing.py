"""A stored change → the `MetaChange` event the relay publishes on the bus as `meta.<field>`."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from hub_shared.events import EventMetadata
from hub_shared.meta_events import MetaChange, detail_type
from hub_webhooks.models.notifications import StoredChange

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef


def meta_change(change: StoredChange) -> MetaChange:
    """The change's event: its id is the change id (a redelivered change is the same event), and it happened
    at Meta's entry time (when it was received, where Meta sent no time)."""
    occurred_at = datetime.fromtimestamp(change.time, UTC) if change.time else change.received_at
    return MetaChange(
        metadata=EventMetadata(
            event_id=change.change_id, occurred_at=occurred_at, correlation_id=change.correlation_id
        ),
        waba_id=change.waba_id,
        field=change.field,
        time=change.time,
        value=json.loads(change.value),
    )


def bus_entry(event: MetaChange, bus_name: str) -> PutEventsRequestEntryTypeDef:
    """The event's PutEvents entry, with its real detail-type `meta.<field>`."""
    return {**event.to_entry(bus_name), "DetailType": detail_type(event.field)}
