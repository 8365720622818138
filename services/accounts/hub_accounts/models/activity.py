"""The activity feed: every domain event that concerns a client, as a line a person reads."""

from __future__ import annotations

from enum import StrEnum

from pydantic import ConfigDict, Field

from hub_shared.clock import UtcDateTime
from hub_shared.events import Actor
from hub_shared.model import HubModel


class Area(StrEnum):
    """The part of the hub an event comes from (its source, `hub.<area>`)."""

    NUMBERS = "numbers"
    WABA = "waba"
    TEMPLATES = "templates"
    BILLING = "billing"
    SUPPORT = "support"
    ACCOUNTS = "accounts"


class FieldChange(HubModel):
    model_config = ConfigDict(frozen=True)

    field: str
    before: str | None = None
    after: str | None = None


class ActivityEntry(HubModel):
    """One event of the client's activity."""

    model_config = ConfigDict(frozen=True)

    event_id: str
    client_id: str
    area: Area
    kind: str = Field(description="The event's detail-type, e.g. `NumberCancellationRequested`.")
    occurred_at: UtcDateTime
    summary: str = Field(description="What happened, in a sentence.")
    by: str = Field(description="Who did it, in words: a user (and the partner they acted as), support, Meta, the hub.")
    actor: Actor | None = Field(default=None, description="The user who did it; none when Meta or the hub did.")
    subject: str | None = Field(default=None, description="What it is about: a number, template, ticket, …")
    changes: list[FieldChange] = Field(default_factory=list, description="What changed, field by field.")
