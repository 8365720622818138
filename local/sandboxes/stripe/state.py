"""What the Stripe sandbox knows: prices, customers, cards, payments, subscriptions, invoices and sent events.

Plain dicts of Stripe's JSON objects; the handlers change them under the sandbox's lock.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]
NUMBER_PRICE_ID = "price_whatsapp_number_monthly"
PERIOD_SECONDS = 30 * 86400
CHECKOUT_LIFETIME_SECONDS = 86400
CARD_EXPIRY = (12, 2034)


def money(amount: int, currency: str) -> str:
    """Minor units as text: `money(-4900, "eur")` → "-49.00 EUR"."""
    sign = "-" if amount < 0 else ""
    return f"{sign}{abs(amount) // 100}.{abs(amount) % 100:02d} {currency.upper()}"


@dataclass(frozen=True)
class SandboxCard:
    """One of Stripe's test card numbers."""

    number: str
    brand: str
    country: str
    funding: str
    declines: bool
    """Attaching succeeds but every charge is declined (`card_declined`, `generic_decline`)."""
    summary: str

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.number.encode()).hexdigest()[:16]


SUCCEEDING_CARD = "4242424242424242"
FAILING_CARD = "4000000000000341"
CARDS = {
    SUCCEEDING_CARD: SandboxCard(SUCCEEDING_CARD, "visa", "US", "credit", declines=False, summary="succeeds"),
    FAILING_CARD: SandboxCard(FAILING_CARD, "visa", "US", "credit", declines=True, summary="charges are declined"),
}
CARD_TOKENS = {"pm_card_visa": SUCCEEDING_CARD, "pm_card_chargeCustomerFail": FAILING_CARD}
"""Stripe's test payment method ids, made on first use and usable with any customer."""
CARDS_BY_FINGERPRINT = {card.fingerprint: card for card in CARDS.values()}


def _default_prices() -> dict[str, Json]:
    return {
        NUMBER_PRICE_ID: {
            "id": NUMBER_PRICE_ID,
            "object": "price",
            "active": True,
            "currency": "eur",
            "unit_amount": 4900,
            "unit_amount_decimal": "4900",
            "nickname": "WhatsApp number",
            "product": "prod_whatsapp_number",
            "type": "recurring",
            "recurring": {"interval": "month", "interval_count": 1, "usage_type": "licensed"},
            "livemode": False,
        }
    }


@dataclass
class StripeState:
    prices: dict[str, Json] = field(default_factory=_default_prices)
    customers: dict[str, Json] = field(default_factory=dict)
    payment_methods: dict[str, Json] = field(default_factory=dict)
    payment_intents: dict[str, Json] = field(default_factory=dict)
    subscriptions: dict[str, Json] = field(default_factory=dict)
    invoice_items: dict[str, Json] = field(default_factory=dict)
    """Prorations; `invoice` is null while pending, then the invoice that billed them."""
    invoices: dict[str, Json] = field(default_factory=dict)
    checkout_sessions: dict[str, Json] = field(default_factory=dict)
    checkout_details: dict[str, Json] = field(default_factory=dict)
    """Session id → what its page and payment need but Stripe does not show: `lines`, `payment_intent_data`."""
    portal_sessions: dict[str, Json] = field(default_factory=dict)
    events: list[Json] = field(default_factory=list)
    """Events sent, each with the sandbox's `delivery` ("pending", "delivered", "failed", "unsent") and `attempts`."""
    idempotent: dict[str, tuple[str, int, Json]] = field(default_factory=dict)
    """Idempotency key → (what was asked, status, answer)."""
    next_id: int = 0

    def new_id(self, prefix: str) -> str:
        self.next_id += 1
        return f"{prefix}_sandbox{self.next_id:010d}"

    def find(self, object_id: str) -> Json | None:
        """The object with this id, of any kind (for `expand`)."""
        kinds = (
            self.customers,
            self.payment_methods,
            self.payment_intents,
            self.subscriptions,
            self.invoices,
            self.invoice_items,
            self.checkout_sessions,
            self.prices,
        )
        return next((objects[object_id] for objects in kinds if object_id in objects), None)

    def event(self, event_id: str) -> Json | None:
        return next((record for record in self.events if record["id"] == event_id), None)

    def snapshot(self) -> Json:
        """Everything, as JSON-ready data (for `GET /_sandbox/state`)."""
        return {
            "customers": self.customers,
            "payment_methods": self.payment_methods,
            "payment_intents": self.payment_intents,
            "subscriptions": self.subscriptions,
            "invoice_items": self.invoice_items,
            "invoices": self.invoices,
            "checkout_sessions": self.checkout_sessions,
            "portal_sessions": self.portal_sessions,
            "events": self.events,
        }
