"""Partners as the accounts service keeps them: their profile and settings, what each client granted its partner,
and the API models of partner permissions, partner settings and a partner's clients."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from hub_shared.accounts import BillingModel
from hub_shared.auth import Scope
from hub_shared.clock import UtcDateTime
from hub_shared.model import HubModel

#: What each scope lets a partner do for the client (the portal shows it beside each toggle), in the portal's order.
SCOPE_MEANINGS: dict[Scope, str] = {
    Scope.NUMBERS_READ: "See the client's numbers: status, quality rating, messaging limit, display name.",
    Scope.WABA_READ: "See the WhatsApp Business Account: details, health and business profiles.",
    Scope.DISPLAY_NAME_WRITE: "Ask Meta for a new display name of a number.",
    Scope.PROFILE_WRITE: "Change a number's business profile (about, address, description, picture).",
    Scope.COMMERCE_WRITE: "Change the commerce settings (catalog visibility, cart).",
    Scope.TEMPLATES_READ: "See the message templates and their review status.",
    Scope.TEMPLATES_WRITE: "Create, edit, copy and delete message templates.",
    Scope.INSIGHTS_READ: "See usage and charges.",
    Scope.TICKETS_WRITE: "Open, read and answer the client's support tickets.",
}


class Partner(HubModel):
    """A partner's profile (`PARTNER#<partner_id>` / `PROFILE`)."""

    model_config = ConfigDict(frozen=True)

    partner_id: str
    name: str
    auto_approve: bool = False
    version: int = 0


class PartnerLink(HubModel):
    """A client's link to its partner (`PARTNER#<partner_id>` / `CLIENT#<client_id>`, `hub_shared.accounts`): what it
    granted, when that last changed, and the item's version."""

    model_config = ConfigDict(frozen=True)

    client_id: str
    partner_id: str
    scopes: frozenset[str] = frozenset()
    updated_at: UtcDateTime | None = None
    version: int = 0


class PartnerRef(HubModel):
    partner_id: str
    name: str = Field(description="The partner's name.")


class ScopeChoice(HubModel):
    scope: Scope
    granted: bool
    meaning: str = Field(description="What the scope lets the partner do.")


class PartnerPermissions(HubModel):
    """What a client granted its partner."""

    client_id: str
    partner: PartnerRef | None = Field(description="The client's partner (none: the client works without one).")
    scopes: list[Scope] = Field(description="The scopes granted, in the order of `choices`.")
    choices: list[ScopeChoice] = Field(description="Every scope a client can grant, granted or not.")
    updated_at: UtcDateTime | None = Field(default=None, description="When the grant last changed.")


class PermissionsChange(HubModel):
    """The whole set of scopes the client grants its partner from now on (an empty list revokes everything)."""

    model_config = ConfigDict(extra="forbid")

    scopes: list[Scope] = Field(max_length=len(Scope), description="Each scope at most once.")


class PartnerSettings(HubModel):
    partner_id: str
    name: str
    auto_approve: bool = Field(description="Accept every partner change request addressed to the partner at once.")


class PartnerSettingsChange(HubModel):
    model_config = ConfigDict(extra="forbid")

    auto_approve: bool = Field(description="Accept every partner change request addressed to the partner at once.")


class PartnerClient(HubModel):
    """A client of the calling partner, with what it granted."""

    client_id: str
    name: str = Field(description="The client's legal name.")
    billing_model: BillingModel
    scopes: list[Scope] = Field(description="What the client granted the partner (maybe nothing).")
    granted_at: UtcDateTime | None = Field(default=None, description="When the client last changed the grant.")
