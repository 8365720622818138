"""API models of a number's commerce settings (seed, "WABA Manager → Commerce Settings")."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from hub_shared.model import HubModel
from hub_waba.events import CommerceSettings
from hub_waba.models.wabas import Freshness, WabaType

NUMBER_ID_PATTERN = r"^[0-9]{1,20}$"


class CommerceSettingsView(CommerceSettings, Freshness):
    number_id: str
    waba_id: str
    waba_type: WabaType
    editable: bool = Field(description="SHARED WABAs: the client changes them (PUT); OBO: support does.")
    how_to_change: str = Field(description="What the portal tells the user about changing them.")


class CommerceSettingsChange(CommerceSettings):
    """PUT's body: both settings, as they are to be."""

    model_config = ConfigDict(extra="forbid")


class CommerceSupportRequest(CommerceSettings):
    """What the client wants support to set on a number of an OBO WABA."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, min_length=1, max_length=1000, description="A word to support.")


class CommerceSupportRequestAccepted(HubModel):
    request_id: str
    number_id: str
    status: str = Field(default="requested", description="Support opens a ticket from it.")
