"""What the billing routes answer about the client's licence subscription, portal and invoices."""

from __future__ import annotations

from pydantic import Field

from hub_shared.clock import UtcDateTime
from hub_shared.model import HubModel


class CardView(HubModel):
    """The saved payment method, as much as the portal shows of it (never more)."""

    brand: str = Field(examples=["visa"])
    last4: str = Field(examples=["4242"])
    exp_month: int = Field(ge=1, le=12)
    exp_year: int


class PlanView(HubModel):
    name: str = Field(description="The licence's name.", examples=["WhatsApp number"])
    unit_amount: int = Field(description="Price of one hosted number a period, in minor units.", examples=[4900])
    currency: str = Field(examples=["eur"])
    interval: str = Field(examples=["month"])


class NextInvoiceView(HubModel):
    amount_due: int = Field(description="Minor units, with the prorations of numbers added or deleted since.")
    currency: str
    period_start: UtcDateTime
    period_end: UtcDateTime


class BillingView(HubModel):
    """The client's billing: the seed's "Billing started" and plan, how many numbers are billed, what comes next."""

    client_id: str
    billing_model: str = Field(description="`direct`: the client pays the hub; `partner`: its partner does.")
    prepaid: bool = Field(description="Messages are paid from prepaid funds per number.")
    status: str | None = Field(
        default=None, description="The subscription's status at Stripe (active, past_due, canceled…); none yet."
    )
    plan: PlanView | None = None
    billing_started_at: UtcDateTime | None = Field(default=None, description="When the subscription started.")
    quantity: int = Field(default=0, description="Billable numbers: added and not deleted (pending deletion counts).")
    next_invoice: NextInvoiceView | None = None
    payment_method: CardView | None = None


class PortalSessionView(HubModel):
    url: str = Field(description="Stripe's billing portal for this client; valid for a short while, open it at once.")


class InvoiceView(HubModel):
    invoice_id: str
    number: str | None = Field(description="The invoice number (none while a draft).")
    status: str = Field(description="draft, open, paid, void or uncollectible.")
    total: int = Field(description="Minor units.")
    amount_due: int
    currency: str
    period_start: UtcDateTime
    period_end: UtcDateTime
    created: UtcDateTime
    pdf_url: str | None = Field(description="The invoice as a PDF (Stripe's link).")
    hosted_url: str | None = Field(description="Stripe's page of the invoice, where an open one can be paid.")


class InvoicePage(HubModel):
    items: list[InvoiceView]
    next_cursor: str | None = None
