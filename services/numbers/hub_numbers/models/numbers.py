"""Numbers: the number as the numbers table stores it, its states, what Meta's webhooks do to it, and the Numbers
page's views of it (the list, one number, a cancellation)."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import ConfigDict, Field

from hub_shared.clock import UtcDateTime
from hub_shared.events import Actor
from hub_shared.model import HubModel

NUMBER_ID_PATTERN = r"^[0-9]{1,20}$"
DELETION_SHARDS = 16
"""Partitions of the sparse `DueForDeletion` index that cancelled numbers are spread over."""


class AccountStatus(StrEnum):
    """The hub's lifecycle state of a number. Meta's own status is kept, raw, in `meta_status`."""

    ONBOARDING = "onboarding"
    RUNNING = "running"
    PENDING_DELETION = "pending_deletion"
    DELETED = "deleted"
    RESTRICTED = "restricted"
    FLAGGED = "flagged"
    BANNED = "banned"
    DISCONNECTED = "disconnected"


CANCELLABLE = frozenset({AccountStatus.RUNNING, AccountStatus.RESTRICTED, AccountStatus.FLAGGED})
META_DRIVEN = frozenset(
    {
        AccountStatus.RUNNING,
        AccountStatus.RESTRICTED,
        AccountStatus.FLAGGED,
        AccountStatus.BANNED,
        AccountStatus.DISCONNECTED,
    }
)
"""The states Meta's webhooks move a number between; the hub's own lifecycle states (onboarding,
pending_deletion, deleted) are never overwritten by Meta."""


class RegistrationStatus(StrEnum):
    """Whether the number is registered with Meta's Cloud API (the hub registers and deregisters it)."""

    PENDING = "PENDING"
    REGISTERED = "REGISTERED"
    DEREGISTERED = "DEREGISTERED"


class OnboardingStep(StrEnum):
    """The next step of adding a number (the number's `onboarding_step`)."""

    EXCHANGE_CODE = "exchange_code"
    SUBSCRIBE_APP = "subscribe_app"
    REGISTER = "register"
    READ_DETAILS = "read_details"
    AWAIT_CONNECTION = "await_connection"


class InboxStatus(StrEnum):
    """The number's get.chat inbox (Activate Inbox)."""

    PROVISIONING = "provisioning"
    ACTIVE = "active"
    FAILED = "failed"


class Number(HubModel):
    """A number as the numbers table stores it."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    number_id: str
    client_id: str
    waba_id: str
    phone_e164: str
    display_phone_number: str
    account_status: AccountStatus
    meta_status: str | None = None
    display_name: str | None = None
    display_name_status: str | None = None
    display_name_request: str | None = Field(
        default=None, description="The display-name request under way (its id), if any."
    )
    display_name_requests: int = Field(default=0, description="Display-name requests so far (a write guard).")
    name_decision_time: int | None = Field(
        default=None, description="Meta's time (Unix s) of its last decision on the current name."
    )
    reregister_by: UtcDateTime | None = Field(
        default=None, description="An approved name wants the number registered again by then (Meta: 14 days)."
    )
    quality_rating: str = "UNKNOWN"
    messaging_limit: str | None = None
    platform_type: str = "CLOUD_API"
    registration_status: RegistrationStatus = RegistrationStatus.PENDING
    deletion_at: UtcDateTime | None = None
    inbox_status: InboxStatus | None = Field(default=None, description="The get.chat inbox, once activated.")
    inbox_id: str | None = None
    inbox_url: str | None = None
    onboarding_step: OnboardingStep | None = Field(
        default=None, description="Add-a-number: the next step to run (None once the number is set up)."
    )
    onboarding_error: str | None = Field(default=None, description="Why the last attempt at that step failed.")
    status_before_cancellation: AccountStatus | None = Field(
        default=None, description="What a withdrawn cancellation returns the number to."
    )
    cancelled_at: UtcDateTime | None = None
    deleted_at: UtcDateTime | None = None
    meta_account_event: str | None = Field(default=None, description="Meta's last account_update event, raw.")
    meta_ban_state: str | None = Field(default=None, description="Its ban_info.waba_ban_state (DISABLED_UPDATE).")
    account_event_time: int | None = Field(default=None, description="Meta's time (Unix s) of that event.")
    quality_event: str | None = Field(default=None, description="Meta's last phone_number_quality_update event, raw.")
    quality_event_time: int | None = Field(default=None, description="Meta's time (Unix s) of that event.")
    added_by: Actor | None = Field(default=None, description="Who added or imported it (the user, role, partner).")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class MetaAspect(StrEnum):
    """What one of Meta's webhooks changes on a number. The value names the attribute that keeps the Meta time
    of the aspect's last change: an update older than (or as old as) that time is not applied."""

    ACCOUNT = "account_event_time"
    QUALITY = "quality_event_time"


class MetaNumberUpdate(HubModel):
    """What one Meta change does to one number, decided from the number as it was read."""

    model_config = ConfigDict(frozen=True)

    number: Number = Field(description="The number as read: the write is conditional on its status.")
    aspect: MetaAspect
    time: int = Field(description="Meta's time of the change (Unix s).")
    status: AccountStatus = Field(description="The number's status after the change (may be unchanged).")
    recorded: dict[str, str | None] = Field(
        description="Number attributes that record what Meta said; None removes the attribute."
    )
    reason: str = Field(description="Meta's event, e.g. DISABLED_UPDATE or FLAGGED.")
    at: UtcDateTime = Field(description="When the hub applies it (the number's updated_at).")

    @property
    def changes_status(self) -> bool:
        return self.status is not self.number.account_status


ActionName = Literal["manage", "cancel", "withdraw_cancellation", "activate_inbox", "edit_display_name", "signals"]


class NumberAction(HubModel):
    name: ActionName
    available: bool
    reason: str | None = Field(default=None, description="Why the action is not available now.")


class Cancellation(HubModel):
    """A number's cancellation: it keeps messaging until `deletion_at`, then the deletion job deletes it."""

    number_id: str = Field(description="Meta's phone number id.", examples=["106540352242922"])
    status: AccountStatus = Field(description="pending_deletion while the cancellation stands.")
    deletion_at: UtcDateTime = Field(
        description="The last instant of the month the number was cancelled in (UTC).",
        examples=["2026-11-30T23:59:59.999999Z"],
    )
    cancelled_at: UtcDateTime = Field(description="When the client cancelled it.")


class WithdrawnCancellation(HubModel):
    """A cancellation withdrawn before `deletion_at`: the number is back in the status it had."""

    number_id: str = Field(description="Meta's phone number id.", examples=["106540352242922"])
    status: AccountStatus = Field(description="The status the number returned to, e.g. running.")


class PhoneNumberView(HubModel):
    """A phone number as the Numbers page shows it."""

    number_id: str = Field(description="Meta's phone number id.", examples=["106540352242922"])
    client_id: str
    waba_id: str = Field(description="The WhatsApp Business Account the number belongs to.")
    phone_number: str = Field(description="E.164.", examples=["+15550783881"])
    display_phone_number: str = Field(description="As Meta formats it.", examples=["+1 555-078-3881"])
    account_status: AccountStatus
    meta_status: str | None = Field(default=None, description="Meta's raw connection status, e.g. CONNECTED.")
    display_name: str | None = Field(default=None, description="The WhatsApp display name.")
    display_name_status: str | None = Field(default=None, description="Meta's name_status, e.g. APPROVED.")
    quality_rating: str = Field(description="GREEN, YELLOW, RED, NA or UNKNOWN (open: Meta may add values).")
    messaging_limit: str | None = Field(default=None, description="Meta's messaging limit tier, e.g. TIER_1K.")
    hosting_platform: str = Field(description="CLOUD_API, ON_PREMISE or NOT_APPLICABLE.")
    registration_status: RegistrationStatus
    deletion_at: UtcDateTime | None = Field(default=None, description="When a cancelled number will be deleted.")
    reregister_by: UtcDateTime | None = Field(
        default=None, description="A new display name was approved: register the number again by then (Meta's rule)."
    )
    actions: list[NumberAction] = Field(description="What the caller may do with the number now.")
    created_at: UtcDateTime
    updated_at: UtcDateTime
