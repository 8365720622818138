"""API models of the accounts service."""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from hub_shared.accounts import BillingModel
from hub_shared.auth import Role
from hub_shared.model import HubModel


class ClientSummary(HubModel):
    client_id: str
    name: str
    billing_model: BillingModel
    partner_id: str | None = None
    prepaid: bool = Field(description="Direct clients with prepaid funds.")


class PartnerGrant(HubModel):
    client_id: str
    scopes: list[str]


class Me(HubModel):
    """Who the caller is, and what that lets the portal show."""

    subject: str
    email: str | None = None
    username: str | None = Field(
        default=None, description="The name the user chose (none: the portal shows the e-mail)."
    )
    role: Role
    client: ClientSummary | None = Field(default=None, description="The caller's client (client users).")
    partner_id: str | None = Field(default=None, description="The caller's partner (partner users).")
    grants: list[PartnerGrant] = Field(
        default_factory=list, description="What each client granted the caller's partner (partner users)."
    )
    pending_email: str | None = Field(
        default=None,
        description="A new sign-in address waiting for its confirmation code (`POST /v1/me/email`); until it is "
        "confirmed, `email` stays the sign-in address.",
    )


Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class MeChange(HubModel):
    """What a user changes of their own account."""

    model_config = ConfigDict(extra="forbid")

    username: Username = Field(description="The name shown for the user (1–64 characters).", examples=["Anna Admin"])


EMAIL_PATTERN = (
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)
"""An address as the portal's e-mail fields take it (WHATWG's `type=email`): a local part of the characters RFC 5322
allows unquoted, at a domain of two or more dot-separated labels."""

EmailAddress = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=EMAIL_PATTERN)
]


class EmailChange(HubModel):
    """A new sign-in address for the caller."""

    model_config = ConfigDict(extra="forbid")

    email: EmailAddress = Field(description="The new address (a code is sent to it).", examples=["anna@acme.example"])


class UserProfile(HubModel):
    """What the hub keeps of a user beside Cognito: the chosen username and an e-mail change in progress."""

    user_id: str
    username: str | None = None
    pending_email: str | None = Field(default=None, description="The new address, until its code is confirmed.")
    previous_email: str | None = Field(default=None, description="The address the pending change replaces.")
    updated_at: str | None = None
    version: int = Field(default=0, description="0: no item yet.")
