"""API models of the client directory (`GET /v1/clients`)."""

from __future__ import annotations

from pydantic import Field

from hub_shared.accounts import BillingModel
from hub_shared.model import HubModel


class ClientEntry(HubModel):
    """A client the caller may act for, as the client picker lists it."""

    client_id: str
    name: str = Field(description="The client's legal name.")
    billing_model: BillingModel
    partner_id: str | None = Field(default=None, description="The client's partner, when it has one.")
