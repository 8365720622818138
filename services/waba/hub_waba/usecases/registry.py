"""Which WABAs and numbers the hub manages, and for which client: learnt from the numbers service's events."""

from __future__ import annotations

from typing import Protocol

from hub_shared.clock import to_rfc3339
from hub_waba.models.contracts import NumberAddedEvent, NumberDeletedEvent
from hub_waba.models.wabas import RegisteredNumber, RegisteredWaba


class Registry(Protocol):
    def register(self, waba: RegisteredWaba, number: RegisteredNumber, *, event_at: str) -> bool: ...


def record_number_event(event: NumberAddedEvent | NumberDeletedEvent, *, registry: Registry) -> bool:
    """Record the number (added, or deleted) and its WABA for the event's client; False when a newer event about
    the number was applied already (a redelivery, or events out of order)."""
    detail = event.detail
    waba = RegisteredWaba(waba_id=detail.waba_id, client_id=detail.client_id)
    number = RegisteredNumber(
        number_id=detail.number_id,
        waba_id=detail.waba_id,
        client_id=detail.client_id,
        deleted=isinstance(event, NumberDeletedEvent),
    )
    return registry.register(waba, number, event_at=to_rfc3339(detail.metadata.occurred_at))
