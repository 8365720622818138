"""Meta's webhook envelope as it arrives, a change as the webhooks table keeps it, and the API answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import ConfigDict, Field, StrictInt

from hub_shared.model import HubModel


class _Envelope(HubModel):
    """Meta adds keys over time: unknown ones are ignored, never refused."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class NotificationChange(_Envelope):
    field: str = Field(min_length=1, description="The webhook field, e.g. `account_update` (any field is accepted).")
    value: dict[str, Any] = Field(description="The change, a JSON object whose shape depends on `field`.")


class NotificationEntry(_Envelope):
    id: str = Field(min_length=1, description="The WABA id (for `partner_solutions`, the business portfolio id).")
    time: StrictInt = Field(
        default=0, ge=0, description="Unix seconds, a JSON integer; Meta sends none for `messages` (then 0)."
    )
    changes: list[NotificationChange]


class Notification(_Envelope):
    """The body of Meta's POST: `{"object": "whatsapp_business_account", "entry": [...]}`."""

    object: Literal["whatsapp_business_account"]
    entry: list[NotificationEntry] = Field(description="Up to 1000 entries per POST; an empty list is accepted.")


@dataclass(frozen=True)
class StoredChange:
    """One change of one entry, as the webhooks table keeps it (once, until `expires_at`)."""

    change_id: str
    waba_id: str
    field: str
    time: int
    value: str  # the canonical JSON text of the change's value
    received_at: datetime
    expires_at: int  # Unix seconds: DynamoDB's TTL attribute
    correlation_id: str | None = None


class Receipt(HubModel):
    """What a notification POST did: how many changes it held, stored now, and had been stored before."""

    received: int = Field(description="Changes in the body.")
    stored: int = Field(description="Changes stored by this delivery (each is published once, from the table).")
    duplicates: int = Field(description="Changes already stored by an earlier delivery (Meta's retries).")
