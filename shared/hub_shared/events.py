"""Domain events on the `hub` bus: pydantic models with metadata, and their publisher.

A concrete event sets `SOURCE` (`hub.<service>`) and `DETAIL_TYPE` (e.g. `NumberDeleted`).
The publisher sends PutEvents in batches of ≤ 10 and fails loudly when any entry fails.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, ClassVar

from pydantic import ConfigDict, Field

from hub_shared import aws
from hub_shared.auth import Principal, Role
from hub_shared.clock import UtcDateTime, utc_now
from hub_shared.model import HubModel
from hub_shared.observability import correlation_id
from hub_shared.settings import get_settings

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

MAX_ENTRIES_PER_PUT = 10


class EventMetadata(HubModel):
    model_config = ConfigDict(frozen=True)

    event_id: str = Field(
        default_factory=lambda: str(uuid.uuid4()), description="Unique per event; consumers deduplicate on it."
    )
    occurred_at: UtcDateTime = Field(default_factory=utc_now, description="When the change happened (UTC).")
    correlation_id: str | None = Field(
        default_factory=correlation_id, description="The request or event that caused it, for tracing."
    )
    version: int = Field(default=1, description="The detail's schema version.")

    @classmethod
    def at(cls, occurred_at: datetime) -> EventMetadata:
        """New metadata of a change that happened at `occurred_at` (a use case's `now`)."""
        return cls(occurred_at=occurred_at)


class Actor(HubModel):
    """Who made a change: the user, their role and the partner they act for (an activity feed shows it)."""

    model_config = ConfigDict(frozen=True)

    user_id: str = Field(description="The Cognito user (`sub`).")
    role: Role
    partner_id: str | None = Field(default=None, description="The partner a partner user acted for its client as.")
    email: str | None = Field(default=None, description="The user's e-mail address when they acted.")

    @classmethod
    def of(cls, principal: Principal) -> Actor:
        return cls(
            user_id=principal.subject, role=principal.role, partner_id=principal.partner_id, email=principal.email
        )


class DomainEvent(HubModel):
    """Base of every event's `detail`."""

    model_config = ConfigDict(frozen=True)

    SOURCE: ClassVar[str]
    DETAIL_TYPE: ClassVar[str]

    metadata: EventMetadata = Field(default_factory=EventMetadata)

    def to_entry(self, bus_name: str) -> PutEventsRequestEntryTypeDef:
        return {
            "Source": self.SOURCE,
            "DetailType": self.DETAIL_TYPE,
            "Detail": self.model_dump_json(),
            "EventBusName": bus_name,
        }


class EventPublishFailed(Exception):
    """PutEvents refused some entries; `failed` holds (entry, error code, message)."""

    def __init__(self, failed: Sequence[tuple[PutEventsRequestEntryTypeDef, str, str]]):
        self.failed = list(failed)
        codes = sorted({code for _, code, _ in self.failed})
        super().__init__(f"{len(self.failed)} event(s) were not published: {', '.join(codes)}")


class EventPublisher:
    def __init__(self, bus_name: str | None = None, client: EventBridgeClient | None = None):
        self._bus = bus_name or get_settings().event_bus_name
        self._client = client or aws.events()

    def publish(self, events: Sequence[DomainEvent]) -> None:
        self.put_entries([e.to_entry(self._bus) for e in events])

    def put_entries(self, entries: Sequence[PutEventsRequestEntryTypeDef]) -> None:
        """Send raw entries in batches of ≤ 10; raise `EventPublishFailed` listing every failed one."""
        failed: list[tuple[PutEventsRequestEntryTypeDef, str, str]] = []
        for start in range(0, len(entries), MAX_ENTRIES_PER_PUT):
            batch = list(entries[start : start + MAX_ENTRIES_PER_PUT])
            answer = self._client.put_events(Entries=batch)
            if answer.get("FailedEntryCount", 0):
                for entry, result in zip(batch, answer["Entries"], strict=True):
                    if "ErrorCode" in result:
                        failed.append((entry, result["ErrorCode"], result.get("ErrorMessage", "")))
        if failed:
            raise EventPublishFailed(failed)
