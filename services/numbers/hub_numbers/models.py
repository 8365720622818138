"""Domain and API models of the numbers service."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from hub_shared.clock import UtcDateTime

NUMBER_ID_PATTERN = r"^[0-9]{1,20}$"


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


class Number(BaseModel):
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
    quality_rating: str = "UNKNOWN"
    messaging_limit: str | None = None
    platform_type: str = "CLOUD_API"
    registration_status: str = "PENDING"
    deletion_at: UtcDateTime | None = None
    inbox_status: str | None = None
    created_at: UtcDateTime
    updated_at: UtcDateTime


ActionName = Literal["manage", "cancel", "withdraw_cancellation", "activate_inbox", "signals"]


class NumberAction(BaseModel):
    name: ActionName
    available: bool
    reason: str | None = Field(default=None, description="Why the action is not available now.")


class PhoneNumberView(BaseModel):
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
    registration_status: str = Field(description="REGISTERED, PENDING or DEREGISTERED.")
    deletion_at: UtcDateTime | None = Field(default=None, description="When a cancelled number will be deleted.")
    actions: list[NumberAction] = Field(description="What the caller may do with the number now.")
    created_at: UtcDateTime
    updated_at: UtcDateTime
