"""The port billing's use cases take for Stripe (`hub_billing.gateways.stripe` implements it with the SDK), and the
plain values it answers. Every call that creates or changes something takes an idempotency key, so a retried event
or request never charges, counts or creates twice at Stripe."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class Subscription:
    subscription_id: str
    item_id: str
    """The subscription item of the number price: its quantity is the count of billable numbers."""
    status: str
    started_at: datetime
    quantity: int
    plan: str
    """The price's name, e.g. "WhatsApp number"."""
    unit_amount: int
    currency: str
    interval: str
    current_period_end: datetime | None = None


@dataclass(frozen=True)
class Card:
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class InvoiceEstimate:
    amount_due: int
    currency: str
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True)
class Invoice:
    invoice_id: str
    number: str | None
    status: str
    total: int
    amount_due: int
    currency: str
    period_start: datetime
    period_end: datetime
    created: datetime
    pdf_url: str | None
    hosted_url: str | None


@dataclass(frozen=True)
class Checkout:
    session_id: str
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class Charge:
    """An off-session charge's outcome: `succeeded`, `processing`, or `failed` with Stripe's reason."""

    payment_intent_id: str | None
    status: str
    failure: str | None = None


class Payments(Protocol):
    def create_customer(self, client_id: str, name: str, *, key: str) -> str: ...

    def create_subscription(self, customer_id: str, client_id: str, quantity: int, *, key: str) -> Subscription: ...

    def set_quantity(self, item_id: str, quantity: int, *, key: str) -> None: ...

    def subscription(self, subscription_id: str) -> Subscription: ...

    def upcoming_invoice(self, customer_id: str, subscription_id: str) -> InvoiceEstimate | None: ...

    def default_card(self, customer_id: str) -> Card | None: ...

    def portal_session(self, customer_id: str, return_url: str) -> str: ...

    def invoices(self, customer_id: str, *, limit: int, after: str | None) -> tuple[list[Invoice], bool]: ...

    def checkout(
        self,
        customer_id: str,
        *,
        amount: int,
        currency: str,
        description: str,
        metadata: dict[str, str],
        success_url: str,
        cancel_url: str,
        key: str,
    ) -> Checkout: ...

    def charge_off_session(
        self, customer_id: str, *, amount: int, currency: str, metadata: dict[str, str], key: str
    ) -> Charge: ...
