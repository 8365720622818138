"""The waba service's domain events (source `hub.waba`), published through the waba table's outbox. Each change
carries who made it and the fields before and after, so an activity feed can be built from the bus."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from hub_shared.events import Actor, DomainEvent
from hub_shared.model import HubModel

SOURCE = "hub.waba"


class CommerceSettings(HubModel):
    is_catalog_visible: bool = Field(description="The catalog shows in the chat's business profile.")
    is_cart_enabled: bool = Field(description="Customers can add products to a cart.")


class CommerceSettingsChanged(DomainEvent):
    """The commerce settings of a number of a SHARED WABA were changed at Meta."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "CommerceSettingsChanged"

    number_id: str
    waba_id: str
    client_id: str
    actor: Actor
    before: CommerceSettings
    after: CommerceSettings


class CommerceSupportRequested(DomainEvent):
    """A client asked support to change the commerce settings of a number of an OBO WABA (the hub's support team
    changes them: the WABA is the BSP's). The support service opens a ticket from it."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "CommerceSupportRequested"

    request_id: str
    number_id: str
    waba_id: str
    client_id: str
    actor: Actor
    current: CommerceSettings | None = Field(description="The settings at Meta when asked (None: Meta did not say).")
    wanted: CommerceSettings
    note: str | None = Field(default=None, description="What the client wrote to support.")


class BusinessProfileChanged(DomainEvent):
    """Fields of a number's business profile were changed at Meta (only the fields that changed are listed)."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "BusinessProfileChanged"

    number_id: str
    waba_id: str
    client_id: str
    actor: Actor
    before: dict[str, Any] = Field(description="The changed fields as they were.")
    after: dict[str, Any] = Field(description="The changed fields as they are now.")
