"""Stripe's webhook events, applied once each (SPEC §3 Billing): the signature is checked before this (the route,
with the SDK); here each event's effect is written with the record of the event's id, so a delivery repeated by
Stripe (or replayed by anyone) changes nothing the second time. Unknown types are acknowledged and ignored.

- `checkout.session.completed` of a top-up (paid): the number's funds credited — once per payment intent, so the
  payment's own `payment_intent.succeeded` never credits it again;
- `payment_intent.succeeded` of an auto-renewal: credited, and the renewal no longer pending;
- `payment_intent.payment_failed`: an auto-renewal no longer pending; `PaymentFailed` (renewals and top-ups);
- `invoice.payment_failed`: `PaymentFailed` for the subscription's invoice; `invoice.paid`: recorded;
- `customer.subscription.updated` / `deleted`: the kept account follows (a deleted subscription is forgotten, so
  the next billable number starts a new one);
- `payment_method.attached`: recorded (the saved card is read from Stripe when shown).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from aws_lambda_powertools import Logger

from hub_billing.events import PaymentFailed
from hub_billing.usecases.accounts import BillingAccount
from hub_billing.usecases.funds import Change, EntryKind, apply_change, empty_funds
from hub_billing.usecases.prepaid import FundsStore, renewal_failed
from hub_shared.events import EventMetadata

logger = Logger(child=True)


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"


class StripeEventStore(FundsStore, Protocol):
    def client_of_customer(self, customer_id: str) -> str | None: ...


def apply_stripe_event(
    event: Mapping[str, Any], *, store: StripeEventStore, now: datetime, new_id: Callable[[], str], threshold: int
) -> Outcome:
    """Apply one verified Stripe event (its JSON)."""
    kind = str(event.get("type", ""))
    handler = _HANDLERS.get(kind)
    if handler is None:
        logger.info("Stripe event type not used; acknowledged", extra={"type": kind, "stripe_event": event.get("id")})
        return Outcome.IGNORED
    context = _Context(event=event, store=store, now=now, new_id=new_id, threshold=threshold)
    return handler(context)


class _Context:
    def __init__(
        self,
        *,
        event: Mapping[str, Any],
        store: StripeEventStore,
        now: datetime,
        new_id: Callable[[], str],
        threshold: int,
    ):
        self.event_id = str(event["id"])
        self.object: Mapping[str, Any] = (event.get("data") or {}).get("object") or {}
        self.metadata: Mapping[str, str] = self.object.get("metadata") or {}
        self.store = store
        self.now = now
        self.new_id = new_id
        self.threshold = threshold

    @property
    def fact(self) -> str:
        return f"stripe-event:{self.event_id}"

    def once(self) -> Outcome:
        """Record the event (it has no other effect)."""
        return Outcome.APPLIED if self.store.applied_once(self.fact, self.now) else Outcome.DUPLICATE

    def credit(self, amount: int, currency: str, kind: EntryKind, intent: str, description: str) -> Outcome:
        client_id, number_id = self.metadata.get("client_id"), self.metadata.get("number_id")
        if not client_id or not number_id or amount <= 0:
            logger.warning("a payment names no number's funds; recorded only", extra={"stripe_event": self.event_id})
            return self.once()
        new = empty_funds(client_id, number_id, currency=currency, threshold=self.threshold)
        change = Change(
            amount=amount,
            kind=kind,
            reference=intent,
            description=description,
            once=(self.fact, f"payment:{intent}"),
            clears_renewal=kind is EntryKind.AUTO_RENEWAL,
        )
        applied = apply_change(change, new, ledger=self.store, now=self.now, new_id=self.new_id)
        return Outcome.DUPLICATE if applied.duplicate else Outcome.APPLIED


def _checkout_completed(context: _Context) -> Outcome:
    session = context.object
    if context.metadata.get("purpose") != "top_up" or session.get("payment_status") != "paid":
        return context.once()
    intent = str(session.get("payment_intent") or session["id"])
    amount = int(session.get("amount_total") or 0)
    return context.credit(amount, str(session.get("currency")), EntryKind.TOP_UP, intent, "Top-up (Stripe Checkout)")


def _intent_succeeded(context: _Context) -> Outcome:
    intent = context.object
    if context.metadata.get("purpose") != "auto_renewal":
        return context.once()  # a top-up's payment: credited by its checkout session
    amount = int(intent.get("amount_received") or intent.get("amount") or 0)
    return context.credit(
        amount, str(intent.get("currency")), EntryKind.AUTO_RENEWAL, str(intent["id"]), "Auto-renewal"
    )


def _intent_failed(context: _Context) -> Outcome:
    intent = context.object
    purpose = context.metadata.get("purpose")
    client_id, number_id = context.metadata.get("client_id"), context.metadata.get("number_id")
    if purpose not in ("auto_renewal", "top_up") or not client_id or not number_id:
        return context.once()
    amount, currency = int(intent.get("amount") or 0), str(intent.get("currency"))
    reason = ((intent.get("last_payment_error") or {}).get("message")) or "The payment failed."
    if purpose == "auto_renewal":
        new = empty_funds(client_id, number_id, currency=currency, threshold=context.threshold)
        written = renewal_failed(
            new,
            amount=amount,
            reason=reason,
            reference=str(intent["id"]),
            fact=context.fact,
            store=context.store,
            now=context.now,
        )
        return Outcome.APPLIED if written else Outcome.DUPLICATE
    failed = PaymentFailed(
        metadata=EventMetadata.at(context.now),
        client_id=client_id,
        what="top_up",
        number_id=number_id,
        amount=amount,
        currency=currency,
        reason=reason,
        reference=str(intent["id"]),
    )
    return Outcome.APPLIED if context.store.applied_once(context.fact, context.now, [failed]) else Outcome.DUPLICATE


def _invoice_failed(context: _Context) -> Outcome:
    invoice = context.object
    client_id = context.store.client_of_customer(str(invoice.get("customer")))
    if client_id is None:
        return context.once()
    failed = PaymentFailed(
        metadata=EventMetadata.at(context.now),
        client_id=client_id,
        what="invoice",
        amount=int(invoice.get("amount_due") or 0),
        currency=str(invoice.get("currency")),
        reason="Stripe could not charge the saved payment method for the invoice.",
        reference=str(invoice.get("id")),
    )
    return Outcome.APPLIED if context.store.applied_once(context.fact, context.now, [failed]) else Outcome.DUPLICATE


def _subscription_changed(context: _Context) -> Outcome:
    subscription = context.object
    client_id = context.store.client_of_customer(str(subscription.get("customer")))
    account = context.store.account(client_id) if client_id else None
    if account is None or account.subscription_id != subscription.get("id"):
        return context.once()
    if not context.store.applied_once(context.fact, context.now):
        return Outcome.DUPLICATE
    if subscription.get("status") == "canceled":
        account = account.model_copy(
            update={"subscription_id": None, "item_id": None, "quantity": 0, "generation": account.generation + 1}
        )
    else:
        account = _with_quantity(account, subscription)
    context.store.save_account(account)
    return Outcome.APPLIED


def _with_quantity(account: BillingAccount, subscription: Mapping[str, Any]) -> BillingAccount:
    for item in (subscription.get("items") or {}).get("data") or []:
        if item.get("id") == account.item_id:
            return account.model_copy(update={"quantity": int(item.get("quantity") or 0)})
    return account


_HANDLERS: dict[str, Callable[[_Context], Outcome]] = {
    "checkout.session.completed": _checkout_completed,
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "invoice.payment_failed": _invoice_failed,
    "invoice.paid": _Context.once,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "payment_method.attached": _Context.once,
}
