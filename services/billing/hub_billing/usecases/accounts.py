"""The client's Stripe account: its customer and licence subscription, kept in step with its billable numbers, and
what the portal shows of them (SPEC §3 Billing; seed "Details": Billing Started, plan; "Billing": the portal).

A `direct` client gets a Stripe customer and one subscription whose number price's quantity is the count of its
billable numbers. The numbers' events move the count (`hub_billing.usecases.billable`); `sync_subscription` then sets
the quantity to the count, prorated, with an idempotency key derived from the event, so an event applied twice
never changes Stripe twice; it reads the count again after setting it, so events applied at once end with the
latest count. Partner-paid clients have no Stripe account here: their partner pays.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aws_lambda_powertools import Logger
from pydantic import ConfigDict

from hub_billing.errors import ClientUsersOnly, PartnerPaid
from hub_billing.models.billing import (
    BillingView,
    CardView,
    InvoicePage,
    InvoiceView,
    NextInvoiceView,
    PlanView,
    PortalSessionView,
)
from hub_billing.usecases.payments import Payments
from hub_shared.accounts import BillingModel, ClientAccount, ClientAccounts
from hub_shared.auth import Principal, Role
from hub_shared.clock import UtcDateTime
from hub_shared.errors import NotFound
from hub_shared.model import HubModel
from hub_shared.pagination import CursorCodec, fingerprint

MAX_SYNC_ROUNDS = 3

logger = Logger(child=True)


class BillingAccount(HubModel):
    """What the billing table keeps of a client's Stripe account."""

    model_config = ConfigDict(frozen=True)

    client_id: str
    customer_id: str
    subscription_id: str | None = None
    item_id: str | None = None
    started_at: UtcDateTime | None = None
    quantity: int = 0
    generation: int = 0
    """Subscriptions ended so far: a new one after an ending is a new request to Stripe, not a retry."""


class Accounts(Protocol):
    def account(self, client_id: str) -> BillingAccount | None: ...

    def save_account(self, account: BillingAccount) -> None: ...

    def billable_count(self, client_id: str) -> int: ...


@dataclass(frozen=True)
class Synced:
    quantity: int
    changed: bool


def direct_client(principal: Principal, accounts: ClientAccounts, what: str) -> ClientAccount:
    """The caller's own client, when it pays the hub itself: partners and support get 403 (billing is the client's
    own), a partner-paid client 403 `billing-through-partner`."""
    if principal.role is not Role.CLIENT:
        raise ClientUsersOnly()
    client = accounts.client(principal.own_client_id)
    if client is None:
        raise NotFound("Your client account was not found.")
    if client.billing_model is not BillingModel.DIRECT:
        raise PartnerPaid(what)
    return client


def ensure_customer(client: ClientAccount, *, store: Accounts, payments: Payments) -> BillingAccount:
    """The client's account, with a Stripe customer made for it the first time (one customer, whatever retries)."""
    account = store.account(client.client_id)
    if account is None:
        customer_id = payments.create_customer(client.client_id, client.name, key=f"customer-{client.client_id}")
        account = BillingAccount(client_id=client.client_id, customer_id=customer_id)
        store.save_account(account)
    return account


def sync_subscription(
    client_id: str, event_id: str, *, store: Accounts, accounts: ClientAccounts, payments: Payments
) -> Synced | None:
    """Make the client's subscription bill its billable numbers now (None: not a direct client)."""
    client = accounts.client(client_id)
    if client is None or client.billing_model is not BillingModel.DIRECT:
        return None
    account = ensure_customer(client, store=store, payments=payments)
    changed = False  # the event's own change is always sent (its key makes a repeat harmless), later ones if needed
    for _ in range(MAX_SYNC_ROUNDS):
        count = store.billable_count(client_id)
        item_id = account.item_id
        if item_id is None:
            if count == 0:
                return Synced(quantity=0, changed=changed)
            # the same parameters whatever the count, so concurrent first events share one subscription
            subscription = payments.create_subscription(
                account.customer_id, client_id, 1, key=f"subscription-{client_id}-{account.generation}"
            )
            item_id = subscription.item_id
            account = account.model_copy(
                update={
                    "subscription_id": subscription.subscription_id,
                    "item_id": item_id,
                    "started_at": subscription.started_at,
                    "quantity": subscription.quantity,
                }
            )
        if account.quantity != count or not changed:
            payments.set_quantity(item_id, count, key=f"quantity-{event_id}-{count}")
            account = account.model_copy(update={"quantity": count})
            changed = True
        store.save_account(account)
        if store.billable_count(client_id) == count:
            return Synced(quantity=count, changed=changed)
    logger.warning("billable numbers kept changing while the subscription was set", extra={"client_id": client_id})
    return Synced(quantity=account.quantity, changed=changed)


def billing_overview(
    principal: Principal, *, accounts: ClientAccounts, store: Accounts, payments: Payments
) -> BillingView:
    """The client's billing as the portal shows it; a partner-paid client learns only that its partner pays."""
    if principal.role is not Role.CLIENT:
        raise ClientUsersOnly()
    client = accounts.client(principal.own_client_id)
    if client is None:
        raise NotFound("Your client account was not found.")
    view = BillingView(client_id=client.client_id, billing_model=client.billing_model.value, prepaid=client.prepaid)
    if client.billing_model is not BillingModel.DIRECT:
        return view
    account = store.account(client.client_id)
    if account is None:
        return view
    card = payments.default_card(account.customer_id)
    view = view.model_copy(update={"payment_method": CardView(**card.__dict__) if card else None})
    if account.subscription_id is None:
        return view
    subscription = payments.subscription(account.subscription_id)
    estimate = payments.upcoming_invoice(account.customer_id, account.subscription_id)
    return view.model_copy(
        update={
            "status": subscription.status,
            "plan": PlanView(
                name=subscription.plan,
                unit_amount=subscription.unit_amount,
                currency=subscription.currency,
                interval=subscription.interval,
            ),
            "billing_started_at": subscription.started_at,
            "quantity": subscription.quantity,
            "next_invoice": NextInvoiceView(**estimate.__dict__) if estimate else None,
        }
    )


def portal_session(
    principal: Principal, *, accounts: ClientAccounts, store: Accounts, payments: Payments, return_url: str
) -> PortalSessionView:
    client = direct_client(principal, accounts, "the billing portal")
    account = ensure_customer(client, store=store, payments=payments)
    return PortalSessionView(url=payments.portal_session(account.customer_id, return_url))


def list_invoices(
    principal: Principal,
    *,
    limit: int,
    cursor: str | None,
    accounts: ClientAccounts,
    store: Accounts,
    payments: Payments,
    cursors: CursorCodec,
) -> InvoicePage:
    """The client's invoices from Stripe, newest first."""
    client = direct_client(principal, accounts, "invoicing")
    query_id = fingerprint(client_id=client.client_id, list="invoices")
    after = cursors.decode(cursor, query_id).get("after") if cursor else None
    account = store.account(client.client_id)
    if account is None:
        return InvoicePage(items=[])
    invoices, more = payments.invoices(account.customer_id, limit=limit, after=after)
    items = [InvoiceView(**invoice.__dict__) for invoice in invoices]
    next_cursor = cursors.encode({"after": items[-1].invoice_id}, query_id) if more and items else None
    return InvoicePage(items=items, next_cursor=next_cursor)
