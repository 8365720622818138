"""The billing service's domain events (source `hub.billing`), published through the billing table's outbox: each
is written in the same transaction as the change it announces."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from hub_shared.events import Actor, DomainEvent

SOURCE = "hub.billing"


class _FundsEvent(DomainEvent):
    SOURCE: ClassVar[str] = SOURCE

    client_id: str
    number_id: str
    balance: int = Field(description="The number's balance after the change, in minor units.")
    currency: str


class FundsCredited(_FundsEvent):
    """A payment landed on a number's funds: a top-up through Checkout, or an auto-renewal."""

    DETAIL_TYPE: ClassVar[str] = "FundsCredited"

    amount: int = Field(description="Minor units credited.")
    kind: str = Field(description="top_up or auto_renewal.")
    reference: str = Field(description="The Stripe payment intent.")


class FundsLow(_FundsEvent):
    """A debit took the number's balance to its low-balance threshold or below."""

    DETAIL_TYPE: ClassVar[str] = "FundsLow"

    threshold: int


class FundsDepleted(_FundsEvent):
    """The number's balance reached zero or less: its outbound messaging counts as paused until a top-up lands."""

    DETAIL_TYPE: ClassVar[str] = "FundsDepleted"


class AutoRenewalChanged(_FundsEvent):
    """The client changed a number's auto-renewal."""

    DETAIL_TYPE: ClassVar[str] = "AutoRenewalChanged"

    enabled: bool
    threshold: int
    amount: int
    actor: Actor


class PaymentFailed(DomainEvent):
    """Stripe could not take a payment: an auto-renewal of a number's funds, or an invoice of the subscription."""

    SOURCE: ClassVar[str] = SOURCE
    DETAIL_TYPE: ClassVar[str] = "PaymentFailed"

    client_id: str
    what: Literal["auto_renewal", "top_up", "invoice"]
    number_id: str | None = Field(default=None, description="The number whose funds were to be renewed.")
    amount: int
    currency: str
    reason: str | None = Field(default=None, description="Stripe's reason, e.g. the card was declined.")
    reference: str | None = Field(default=None, description="The Stripe payment intent or invoice.")


class FundsRefundRequested(_FundsEvent):
    """The client asks for a number's remaining funds back (support handles it as a ticket)."""

    DETAIL_TYPE: ClassVar[str] = "FundsRefundRequested"

    request_id: str
    reason: str
    actor: Actor
