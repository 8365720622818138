"""The waba service's records and API models: the registry of WABAs and numbers (from the numbers service's
events) and each WABA's details as Meta last answered them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import ConfigDict, Field

from hub_shared.clock import UtcDateTime
from hub_shared.model import HubModel
from hub_shared.wabas import RegisteredWaba

__all__ = ["RegisteredWaba"]

WABA_ID_PATTERN = r"^[0-9]{1,20}$"


class WabaType(StrEnum):
    SHARED = "SHARED"
    """Client-owned, shared with the BSP (Embedded Signup)."""
    OBO = "OBO"
    """Owned by the BSP on behalf of the client."""


class RegisteredNumber(HubModel):
    """A number of a WABA the hub manages (learnt from NumberAdded; `deleted` from NumberDeleted)."""

    model_config = ConfigDict(frozen=True)

    number_id: str
    waba_id: str
    client_id: str
    deleted: bool = False


# ---------------------------------------------------------------- Meta's health_status


class HealthError(HubModel):
    error_code: int | None = None
    error_description: str | None = None
    possible_solution: str | None = None


class HealthEntity(HubModel):
    entity_type: str = Field(description="PHONE_NUMBER, WABA, BUSINESS or APP.")
    id: str
    can_send_message: str = Field(description="AVAILABLE, LIMITED or BLOCKED.")
    additional_info: list[str] = Field(default_factory=list)
    errors: list[HealthError] = Field(default_factory=list, description="Meta's errors, with its possible solutions.")


class Health(HubModel):
    """Meta's `health_status`: can the WABA, and each of its entities, send messages now."""

    can_send_message: str = Field(description="AVAILABLE, LIMITED or BLOCKED: the least of its entities'.")
    entities: list[HealthEntity] = Field(default_factory=list)


# ---------------------------------------------------------------- details


class WabaNumberSummary(HubModel):
    number_id: str
    phone_number: str | None = Field(default=None, description="As Meta displays it.")
    display_name: str | None = None
    quality_rating: str | None = Field(default=None, description="Meta's GREEN, YELLOW, RED or UNKNOWN.")
    status: str | None = Field(default=None, description="Meta's connection status, e.g. CONNECTED.")


class WabaDetails(HubModel):
    """A WABA as Meta described it at `fetched_at`."""

    waba_id: str
    client_id: str
    name: str
    type: WabaType = Field(description="OBO (owned by the BSP on behalf of the client) or SHARED (the client's).")
    message_on_behalf_status: str | None = Field(
        default=None, description="The on-behalf-of relationship's status (OBO WABAs); null for SHARED ones."
    )
    timezone_id: str | None = None
    business_manager_id: str | None = Field(default=None, description="The client's Facebook Business Manager id.")
    namespace: str | None = Field(default=None, description="The message template namespace.")
    account_review_status: str | None = Field(default=None, description="APPROVED, PENDING, REJECTED or RESTRICTED.")
    business_verification_status: str | None = None
    currency: str | None = None
    health: Health | None = None
    numbers: list[WabaNumberSummary] = Field(default_factory=list)
    fetched_at: UtcDateTime


@dataclass(frozen=True)
class KeptDetails:
    """The details the waba table keeps, and whether a webhook said they changed since."""

    details: WabaDetails
    outdated: bool = False


class KeptCopy(HubModel):
    """What Meta last answered for one of a number's settings (its profile, its commerce settings), and when."""

    data: dict[str, Any]
    fetched_at: UtcDateTime


class Freshness(HubModel):
    """How old an answer read from Meta is: the fields of every view the hub keeps a copy of."""

    fetched_at: UtcDateTime | None = Field(default=None, description="When this was read from Meta.")
    stale: bool = Field(
        default=False, description="Meta could not be asked: this is the copy of `fetched_at`, kept by the hub."
    )


class WabaView(WabaDetails):
    """What `GET /v1/wabas/{waba_id}` answers: the details and whether they are older than the cache allows."""

    stale: bool = Field(
        default=False, description="Meta could not be asked: these are the details of `fetched_at`, kept by the hub."
    )


class WabaSummary(HubModel):
    """A WABA in `GET /v1/wabas`: what the hub kept of it (name, type and numbers once its details were read)."""

    waba_id: str
    client_id: str
    name: str | None = None
    type: WabaType | None = None
    numbers: int | None = Field(default=None, description="How many numbers Meta listed in it.")
    fetched_at: UtcDateTime | None = Field(default=None, description="When its details were read from Meta.")
