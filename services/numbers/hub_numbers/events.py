"""The numbers service's domain events (source `hub.numbers`), published through the numbers table's outbox."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from hub_numbers.models.numbers import AccountStatus
from hub_shared.clock import UtcDateTime
from hub_shared.events import Actor, DomainEvent

SOURCE = "hub.numbers"


class NumberStatusChanged(DomainEvent):
    """A number's account status changed because of Meta (account_update or phone_number_quality_update)."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "NumberStatusChanged"

    number_id: str = Field(description="Meta's phone number id.")
    client_id: str
    waba_id: str
    previous_status: AccountStatus
    status: AccountStatus
    reason: str = Field(description="Meta's event that caused it, raw: e.g. DISABLED_UPDATE, PARTNER_REMOVED, FLAGGED.")


class NumberAdded(DomainEvent):
    """A number was added (Embedded Signup) or imported from another BSP and runs: it is billable from now."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "NumberAdded"

    number_id: str = Field(description="Meta's phone number id.")
    client_id: str
    waba_id: str
    phone_number: str = Field(description="E.164.")
    how: str = Field(description="embedded_signup or import.")
    actor: Actor | None = Field(default=None, description="Who added or imported it.")


class NumberCancellationRequested(DomainEvent):
    """The client cancelled the number: it keeps messaging until `deletion_at` (the end of the month, UTC)."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "NumberCancellationRequested"

    number_id: str
    client_id: str
    deletion_at: UtcDateTime
    actor: Actor | None = Field(default=None, description="The client's user who cancelled it.")


class NumberCancellationWithdrawn(DomainEvent):
    """The client withdrew a cancellation before `deletion_at`: the number keeps running."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "NumberCancellationWithdrawn"

    number_id: str
    client_id: str
    status: AccountStatus = Field(description="The status the number returned to.")
    actor: Actor | None = Field(default=None, description="The client's user who withdrew the cancellation.")


class NumberDeleted(DomainEvent):
    """The number was deregistered at Meta and deleted at the end of its cancellation: billing stops."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "NumberDeleted"

    number_id: str
    client_id: str
    waba_id: str
    deleted_at: UtcDateTime


class DisplayNameRequested(DomainEvent):
    """Meta accepted a display-name change request for review (`pending_review`)."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "DisplayNameRequested"

    number_id: str
    client_id: str
    request_id: str
    display_name: str = Field(description="The requested name.")
    previous_name: str | None = Field(default=None, description="The name the number has meanwhile.")
    actor: Actor | None = Field(default=None, description="Who asked for it (the user, their role, the partner).")


class DisplayNameApproved(DomainEvent):
    """Meta approved the requested name: it is the number's display name now (re-registration due)."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "DisplayNameApproved"

    number_id: str
    client_id: str
    request_id: str
    display_name: str = Field(description="The approved, now current, name.")
    previous_name: str | None = None
    reregister_by: UtcDateTime = Field(description="Meta wants the number registered again by then.")
    decided_by: str = Field(description="How the hub learnt it: webhook or polling.")


class DisplayNameRejected(DomainEvent):
    """Meta rejected the requested name: the number keeps its name."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "DisplayNameRejected"

    number_id: str
    client_id: str
    request_id: str
    display_name: str = Field(description="The rejected name.")
    rejection_reason: str | None = Field(
        default=None, description="Meta's reason, e.g. NAME_FORMAT_UNACCEPTABLE (None when learnt by polling)."
    )
    decided_by: str = Field(description="How the hub learnt it: webhook or polling.")
