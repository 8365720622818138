"""Stripe through its SDK (`StripeClient`, `client.v1.*`): the `Payments` port of billing's use cases.

The SDK talks over httpx (its `HTTPXClient`), retries connection failures itself (each POST carries an idempotency
key, so a retry never acts twice), and its errors become the hub's: Stripe unreachable or failing → 502
`stripe-unavailable`; a card declined off-session is an outcome (`Charge.status == "failed"`), not an error.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import stripe
from stripe.params import InvoiceListParams

from hub_billing.errors import StripeFailed
from hub_billing.usecases.payments import Card, Charge, Checkout, Invoice, InvoiceEstimate, Subscription
from hub_shared.http_clients import trace_httpx

MAX_NETWORK_RETRIES = 2

T = TypeVar("T")


def stripe_client(
    api_key: str,
    *,
    api_base: str | None,
    timeout: float,
    http_client: stripe.HTTPClient | None = None,
    retries: int = MAX_NETWORK_RETRIES,
) -> stripe.StripeClient:
    """The SDK's client on httpx (synchronous, traced by X-Ray), pointed at `api_base` when set (the local
    sandbox)."""
    trace_httpx()
    return stripe.StripeClient(
        api_key,
        base_addresses={"api": api_base} if api_base else {},
        max_network_retries=retries,
        http_client=http_client or stripe.HTTPXClient(timeout=timeout, allow_sync_methods=True),
    )


def _at(seconds: int | None) -> datetime:
    return datetime.fromtimestamp(int(seconds or 0), UTC)


class StripePayments:
    def __init__(self, client: stripe.StripeClient, *, number_price: str):
        self._v1 = client.v1
        self._price = number_price

    def create_customer(self, client_id: str, name: str, *, key: str) -> str:
        customer = _call(
            "create the client's customer",
            lambda: self._v1.customers.create(
                params={"name": name, "metadata": {"client_id": client_id}}, options={"idempotency_key": key}
            ),
        )
        return str(customer.id)

    def create_subscription(self, customer_id: str, client_id: str, quantity: int, *, key: str) -> Subscription:
        created = _call(
            "start the licence subscription",
            lambda: self._v1.subscriptions.create(
                params={
                    "customer": customer_id,
                    "items": [{"price": self._price, "quantity": quantity}],
                    "proration_behavior": "create_prorations",
                    "metadata": {"client_id": client_id},
                },
                options={"idempotency_key": key},
            ),
        )
        return self._subscription(created)

    def set_quantity(self, item_id: str, quantity: int, *, key: str) -> None:
        _call(
            "change the number count of the licence subscription",
            lambda: self._v1.subscription_items.update(
                item_id,
                params={"quantity": quantity, "proration_behavior": "create_prorations"},
                options={"idempotency_key": key},
            ),
        )

    def subscription(self, subscription_id: str) -> Subscription:
        found = _call("read the licence subscription", lambda: self._v1.subscriptions.retrieve(subscription_id))
        return self._subscription(found)

    def _subscription(self, subscription: stripe.Subscription) -> Subscription:
        item = next((i for i in subscription["items"].data if i.price.id == self._price), None)
        if item is None:
            raise StripeFailed(f"Subscription {subscription.id} has no item of the number price {self._price}.")
        price = item.price
        recurring = getattr(price, "recurring", None)
        period_end = getattr(item, "current_period_end", None)
        return Subscription(
            subscription_id=subscription.id,
            item_id=item.id,
            status=subscription.status,
            started_at=_at(subscription.start_date),
            quantity=int(getattr(item, "quantity", 0) or 0),
            plan=str(getattr(price, "nickname", None) or price.id),
            unit_amount=int(getattr(price, "unit_amount", 0) or 0),
            currency=str(price.currency),
            interval=str(getattr(recurring, "interval", None) or "month"),
            current_period_end=_at(period_end) if period_end else None,
        )

    def upcoming_invoice(self, customer_id: str, subscription_id: str) -> InvoiceEstimate | None:
        preview = _call(
            "estimate the next invoice",
            lambda: self._v1.invoices.create_preview(params={"customer": customer_id, "subscription": subscription_id}),
        )
        return InvoiceEstimate(
            amount_due=int(preview.amount_due),
            currency=str(preview.currency),
            period_start=_at(preview.period_start),
            period_end=_at(preview.period_end),
        )

    def default_card(self, customer_id: str) -> Card | None:
        customer = _call(
            "read the saved payment method",
            lambda: self._v1.customers.retrieve(
                customer_id, params={"expand": ["invoice_settings.default_payment_method"]}
            ),
        )
        method: Any = getattr(getattr(customer, "invoice_settings", None), "default_payment_method", None)
        card = getattr(method, "card", None) if method is not None and not isinstance(method, str) else None
        if card is None:
            return None
        return Card(brand=str(card.brand), last4=str(card.last4), exp_month=card.exp_month, exp_year=card.exp_year)

    def portal_session(self, customer_id: str, return_url: str) -> str:
        session = _call(
            "open the billing portal",
            lambda: self._v1.billing_portal.sessions.create(params={"customer": customer_id, "return_url": return_url}),
        )
        return str(session.url)

    def invoices(self, customer_id: str, *, limit: int, after: str | None) -> tuple[list[Invoice], bool]:
        params: InvoiceListParams = {"customer": customer_id, "limit": limit}
        if after:
            params["starting_after"] = after
        page = _call("list the invoices", lambda: self._v1.invoices.list(params=params))
        return [_invoice(invoice) for invoice in page.data], bool(page.has_more)

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
    ) -> Checkout:
        session = _call(
            "open a checkout",
            lambda: self._v1.checkout.sessions.create(
                params={
                    "mode": "payment",
                    "customer": customer_id,
                    "line_items": [
                        {
                            "quantity": 1,
                            "price_data": {
                                "currency": currency,
                                "unit_amount": amount,
                                "product_data": {"name": description},
                            },
                        }
                    ],
                    "metadata": metadata,
                    "payment_intent_data": {"setup_future_usage": "off_session", "metadata": metadata},
                    "client_reference_id": metadata.get("top_up_id", ""),
                    "success_url": success_url,
                    "cancel_url": cancel_url,
                },
                options={"idempotency_key": key},
            ),
        )
        return Checkout(session_id=session.id, url=str(session.url), expires_at=_at(session.expires_at))

    def charge_off_session(
        self, customer_id: str, *, amount: int, currency: str, metadata: dict[str, str], key: str
    ) -> Charge:
        customer = _call("read the saved payment method", lambda: self._v1.customers.retrieve(customer_id))
        method = getattr(getattr(customer, "invoice_settings", None), "default_payment_method", None)
        if not method:
            return Charge(payment_intent_id=None, status="failed", failure="No saved payment method.")
        try:
            intent = _call(
                "charge the saved payment method",
                lambda: self._v1.payment_intents.create(
                    params={
                        "amount": amount,
                        "currency": currency,
                        "customer": customer_id,
                        "payment_method": str(method),
                        "off_session": True,
                        "confirm": True,
                        "metadata": metadata,
                    },
                    options={"idempotency_key": key},
                ),
            )
        except _Declined as declined:
            return Charge(payment_intent_id=declined.intent_id, status="failed", failure=declined.reason)
        return Charge(payment_intent_id=intent.id, status=str(intent.status))


def _invoice(invoice: stripe.Invoice) -> Invoice:
    return Invoice(
        invoice_id=str(invoice.id),
        number=getattr(invoice, "number", None),
        status=str(invoice.status),
        total=int(invoice.total),
        amount_due=int(invoice.amount_due),
        currency=str(invoice.currency),
        period_start=_at(invoice.period_start),
        period_end=_at(invoice.period_end),
        created=_at(invoice.created),
        pdf_url=getattr(invoice, "invoice_pdf", None),
        hosted_url=getattr(invoice, "hosted_invoice_url", None),
    )


class _Declined(Exception):
    def __init__(self, intent_id: str | None, reason: str):
        super().__init__(reason)
        self.intent_id = intent_id
        self.reason = reason


def _call(doing: str, request: Callable[[], T]) -> T:
    """`request()`, Stripe's errors as the hub's: a declined card → `_Declined` (an outcome), anything else →
    `StripeFailed` (502)."""
    try:
        return request()
    except stripe.CardError as error:
        body: dict[str, Any] = error.json_body if isinstance(error.json_body, dict) else {}
        intent = (body.get("error") or {}).get("payment_intent") or {}
        raise _Declined(intent.get("id"), error.user_message or "The card was declined.") from error
    except stripe.StripeError as error:
        reason = "could not be reached" if isinstance(error, stripe.APIConnectionError) else "failed"
        raise StripeFailed(f"Stripe {reason} when the hub tried to {doing}; try again.") from error
