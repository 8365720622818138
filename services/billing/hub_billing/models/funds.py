"""What the prepaid funds routes take and answer."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from hub_shared.clock import UtcDateTime
from hub_shared.model import HubModel


class AutoRenewalView(HubModel):
    enabled: bool
    threshold: int = Field(description="Minor units: at or below it, FundsLow, and a renewal when enabled.")
    amount: int = Field(description="Minor units charged to the saved card at each renewal.")


class FundsView(HubModel):
    number_id: str
    phone_number: str | None = Field(description="E.164.")
    balance: int = Field(description="Minor units; at zero or less outbound messaging counts as paused.")
    currency: str
    paused: bool = Field(description="Outbound messaging is paused until a top-up lands.")
    low: bool = Field(description="The balance is at or below the threshold.")
    auto_renewal: AutoRenewalView
    renewal_pending: bool = Field(description="An auto-renewal charge has started and awaits Stripe's answer.")


class FundsOverview(HubModel):
    client_id: str
    currency: str
    total: int = Field(description="Every number's balance, minor units.")
    numbers: list[FundsView]


class LedgerEntryView(HubModel):
    entry_id: str
    at: UtcDateTime
    kind: str = Field(description="top_up, auto_renewal or usage.")
    amount: int = Field(description="Minor units: credits positive, debits negative.")
    balance_after: int
    currency: str
    reference: str = Field(description="The Stripe payment, or the usage day.")
    description: str


class LedgerPage(HubModel):
    items: list[LedgerEntryView]
    next_cursor: str | None = None


class TopUpRequest(HubModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"amount": 5000, "currency": "eur"}]})

    amount: int = Field(gt=0, strict=True, description="Minor units (cents), within the hub's bounds.")
    currency: str = Field(pattern="^[a-z]{3}$", description="The funds' currency (ISO 4217, lower case).")


class TopUpView(HubModel):
    top_up_id: str
    number_id: str
    amount: int
    currency: str
    checkout_url: str = Field(description="Stripe Checkout: pay there; the balance rises when Stripe confirms.")
    expires_at: UtcDateTime


class AutoRenewalRequest(HubModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"enabled": True, "threshold": 1000, "amount": 5000}]},
    )

    enabled: bool
    threshold: int = Field(ge=0, description="Minor units.")
    amount: int = Field(gt=0, description="Minor units charged at each renewal; more than the threshold.")


class RefundRequest(HubModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"reason": "We stop using WhatsApp."}]})

    reason: str = Field(min_length=1, max_length=1000)


class RefundRequestAccepted(HubModel):
    request_id: str
    number_id: str
    balance: int
    currency: str
