"""Bringing numbers in (Embedded Signup, import from another BSP) and their inbox: the WABA registry, the imports,
and what the routes take and answer.

The WABA registry (which client a WABA belongs to) and the imports live in the numbers table beside the numbers
(`store.onboarding`).
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from pydantic import ConfigDict, Field

from hub_numbers.models.numbers import NUMBER_ID_PATTERN, InboxStatus, OnboardingStep, PhoneNumberView
from hub_shared.clock import UtcDateTime
from hub_shared.events import Actor
from hub_shared.model import HubModel

E164_PATTERN = r"^\+[1-9]\d{6,14}$"
WABA_ID_PATTERN = r"^[0-9]{1,20}$"
IMPORT_ID_PATTERN = r"^imp_[0-9a-f]{24}$"
VERIFICATION_CODE_PATTERN = r"^[0-9]{6}$"
MAX_CODE_ATTEMPTS = 5
RESEND_COOL_DOWN = timedelta(seconds=60)


class WabaType(StrEnum):
    SHARED = "SHARED"
    """Client-owned, shared with the BSP (Embedded Signup)."""
    OBO = "OBO"
    """Owned by the BSP on behalf of the client."""


class Waba(HubModel):
    """A WABA of the registry: which client it belongs to."""

    model_config = ConfigDict(frozen=True)

    waba_id: str
    client_id: str
    type: WabaType
    name: str | None = None


class ImportStep(StrEnum):
    """Where an import stands: the last step it completed."""

    NUMBER_ADDED = "number_added"
    """Meta added the number to the WABA for migration; no code was sent yet."""
    CODE_REQUESTED = "code_requested"
    VERIFIED = "verified"
    REGISTERED = "registered"
    DONE = "done"


class CodeMethod(StrEnum):
    SMS = "SMS"
    VOICE = "VOICE"


class NumberImport(HubModel):
    """A migration of a number from another BSP into one of the client's WABAs."""

    model_config = ConfigDict(frozen=True)

    import_id: str
    client_id: str
    waba_id: str
    phone_e164: str
    method: CodeMethod
    display_name: str
    phone_number_id: str = Field(description="Meta's id of the number in the target WABA (the number's id once done).")
    step: ImportStep
    attempts: int = Field(default=0, description="Verification attempts with the current code.")
    last_error: str | None = None
    code_requested_at: UtcDateTime | None = None
    requester: Actor | None = Field(default=None, description="Who started the import (the user, role, partner).")
    created_at: UtcDateTime
    updated_at: UtcDateTime


# ---------------------------------------------------------------- API models


class AddNumberRequest(HubModel):
    """What Meta's Embedded Signup handed the front end."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=2048, description="The code to exchange for a business token.")
    waba_id: str = Field(pattern=WABA_ID_PATTERN, description="The WhatsApp Business Account the signup chose.")
    phone_number_id: str = Field(pattern=NUMBER_ID_PATTERN, description="The phone number id the signup chose.")


class AddedNumberView(PhoneNumberView):
    """The number being added: `onboarding_step` is None once it is set up."""

    onboarding_step: OnboardingStep | None = Field(default=None, description="The next step, while not done.")
    onboarding_error: str | None = Field(default=None, description="Why the last attempt at that step failed.")


class StartImportRequest(HubModel):
    model_config = ConfigDict(extra="forbid")

    phone_number: str = Field(
        pattern=E164_PATTERN, description="The number to migrate, E.164.", examples=["+4915112345095"]
    )
    waba_id: str = Field(pattern=WABA_ID_PATTERN, description="The client's WABA to migrate it into.")
    method: CodeMethod = Field(description="How Meta sends the verification code.")
    display_name: str | None = Field(
        default=None, min_length=2, max_length=75, description="The verified name; the WABA's name when left out."
    )


class ResendCodeRequest(HubModel):
    model_config = ConfigDict(extra="forbid")

    method: CodeMethod | None = Field(default=None, description="SMS or VOICE; the import's method when left out.")


class VerifyImportRequest(HubModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=VERIFICATION_CODE_PATTERN, description="The 6-digit code Meta sent.")


class ImportView(HubModel):
    import_id: str
    phone_number: str = Field(description="E.164.")
    waba_id: str
    method: CodeMethod
    step: ImportStep = Field(description="The last step completed.")
    attempts: int = Field(description="Verification attempts with the current code.")
    attempts_left: int = Field(description="Wrong codes allowed before a new code must be requested.")
    last_error: str | None = Field(default=None, description="Why the last step failed, in plain words.")
    number_id: str | None = Field(default=None, description="The imported number, once done.")
    resend_available_at: UtcDateTime | None = Field(default=None, description="When a new code may be requested.")
    created_at: UtcDateTime
    updated_at: UtcDateTime


class InboxView(HubModel):
    number_id: str
    status: InboxStatus
    inbox_id: str | None = None
    url: str | None = Field(default=None, description="Where the get.chat inbox opens.")
