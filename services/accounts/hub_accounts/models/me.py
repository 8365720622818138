"""API models of the accounts service."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from hub_shared.accounts import BillingModel
from hub_shared.auth import Role


class ClientSummary(BaseModel):
    client_id: str
    name: str
    billing_model: BillingModel
    partner_id: str | None = None
    prepaid: bool = Field(description="Direct clients with prepaid funds.")


class PartnerGrant(BaseModel):
    client_id: str
    scopes: list[str]


class Me(BaseModel):
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


Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]


class MeChange(BaseModel):
    """What a user changes of their own account."""

    model_config = ConfigDict(extra="forbid")

    username: Username = Field(description="The name shown for the user (1–64 characters).", examples=["Anna Admin"])
