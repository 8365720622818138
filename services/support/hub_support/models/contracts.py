"""The bus contract support relies on: other services' requests for support, as support reads them — the waba
service's `CommerceSupportRequested` (source `hub.waba`) and billing's `FundsRefundRequested` (source `hub.billing`).

Support never imports those services; these models are its own reading of the events (fields it does not use are
ignored, so the producers may add fields), and a unit test checks that they accept what the producers publish.
"""

from __future__ import annotations

from typing import Annotated, Literal

from aws_lambda_powertools.utilities.parser.models import EventBridgeModel
from pydantic import AwareDatetime, ConfigDict, Field, RootModel

from hub_shared.auth import Role
from hub_shared.model import HubModel


class Metadata(HubModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    event_id: str = Field(min_length=1, description="Unique per event: one ticket per event.")
    occurred_at: AwareDatetime


class RequestActor(HubModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    user_id: str = Field(min_length=1)
    role: Role
    partner_id: str | None = None


class Settings(HubModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    is_catalog_visible: bool
    is_cart_enabled: bool


class CommerceSupportDetail(HubModel):
    """A client asks support to change an OBO number's commerce settings (the BSP's WABA: support changes them)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    metadata: Metadata
    request_id: str = Field(min_length=1)
    number_id: str = Field(min_length=1)
    waba_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    actor: RequestActor
    current: Settings | None = None
    wanted: Settings
    note: str | None = None


class FundsRefundDetail(HubModel):
    """A client asks for a number's remaining prepaid funds back."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    metadata: Metadata
    request_id: str = Field(min_length=1)
    client_id: str = Field(min_length=1)
    number_id: str = Field(min_length=1)
    balance: int
    currency: str = Field(min_length=3, max_length=3)
    reason: str
    actor: RequestActor


class CommerceSupportRequestedEvent(EventBridgeModel):
    source: Literal["hub.waba"]
    detail_type: Literal["CommerceSupportRequested"] = Field(alias="detail-type")
    detail: CommerceSupportDetail


class FundsRefundRequestedEvent(EventBridgeModel):
    source: Literal["hub.billing"]
    detail_type: Literal["FundsRefundRequested"] = Field(alias="detail-type")
    detail: FundsRefundDetail


class SupportRequestEvent(
    RootModel[Annotated[CommerceSupportRequestedEvent | FundsRefundRequestedEvent, Field(discriminator="detail_type")]]
):
    """What the SupportRequestsFunction's rule delivers, as EventBridge delivers it."""
