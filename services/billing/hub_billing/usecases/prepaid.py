"""The client's prepaid funds, per number: balances, the ledger, top-ups through Stripe Checkout, auto-renewal and
refund requests (SPEC §3 Billing). Balances move only through `hub_billing.usecases.funds.apply_change`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from urllib.parse import urlencode

from aws_lambda_powertools import Logger

from hub_billing.errors import ClientUsersOnly, NotPrepaid, NumberNotFound, StripeFailed
from hub_billing.events import AutoRenewalChanged, FundsRefundRequested, PaymentFailed
from hub_billing.models.funds import (
    AutoRenewalRequest,
    AutoRenewalView,
    FundsOverview,
    FundsView,
    LedgerEntryView,
    LedgerPage,
    RefundRequest,
    RefundRequestAccepted,
    TopUpRequest,
    TopUpView,
)
from hub_billing.usecases.accounts import Accounts, direct_client, ensure_customer
from hub_billing.usecases.billable import BillableNumber, NumberRecord
from hub_billing.usecases.funds import (
    AutoRenewal,
    Funds,
    FundsLedger,
    LedgerEntry,
    clear_renewal,
    empty_funds,
    set_renewal,
    update_funds,
)
from hub_billing.usecases.payments import Payments
from hub_shared.accounts import ClientAccount, ClientAccounts
from hub_shared.auth import Action, Principal, authorize
from hub_shared.errors import FieldError, ValidationFailed
from hub_shared.events import Actor, DomainEvent, EventMetadata
from hub_shared.pagination import CursorCodec, fingerprint

logger = Logger(child=True)


@dataclass(frozen=True)
class FundsPolicy:
    """The hub's bounds on funds (settings)."""

    currency: str
    top_up_min: int
    top_up_max: int
    default_threshold: int
    portal_url: str


class FundsStore(FundsLedger, Accounts, Protocol):
    def number_record(self, number_id: str) -> NumberRecord | None: ...

    def applied_once(self, fact: str, now: datetime, events: Sequence[DomainEvent] = ()) -> bool: ...

    def billable_number(self, client_id: str, number_id: str) -> BillableNumber | None: ...

    def numbers_and_funds(self, client_id: str) -> tuple[list[BillableNumber], list[Funds]]: ...

    def ledger_page(
        self, client_id: str, number_id: str, *, limit: int, start_key: dict[str, Any] | None
    ) -> tuple[list[LedgerEntry], dict[str, Any] | None]: ...


def prepaid_client(principal: Principal, accounts: ClientAccounts) -> ClientAccount:
    client = direct_client(principal, accounts, "paying for messages")
    if not client.prepaid:
        raise NotPrepaid()
    return client


def funds_client(number_id: str, principal: Principal, accounts: ClientAccounts, store: FundsStore) -> ClientAccount:
    """The prepaid client whose number it is, ownership first: a number the caller may not know exists answers 404,
    one it sees but may not pay for 403 (partners, support), then the client must pay the hub and prepay."""
    record = store.number_record(number_id)
    authorize(
        principal,
        record,
        missing=NumberNotFound(number_id),
        action=Action.BILLING_MANAGE,
        refused=lambda _: ClientUsersOnly(),
    )
    return prepaid_client(principal, accounts)


def _funds(client: ClientAccount, number_id: str, store: FundsStore, policy: FundsPolicy) -> Funds:
    return store.funds(client.client_id, number_id) or _no_funds(client, number_id, policy)


def _no_funds(client: ClientAccount, number_id: str, policy: FundsPolicy) -> Funds:
    """The funds of a number that never held any: empty, in the policy's currency and default threshold."""
    return empty_funds(client.client_id, number_id, currency=policy.currency, threshold=policy.default_threshold)


def funds_view(funds: Funds, phone_number: str | None, now: datetime) -> FundsView:
    return FundsView(
        number_id=funds.number_id,
        phone_number=phone_number,
        balance=funds.balance,
        currency=funds.currency,
        paused=funds.paused,
        low=funds.balance <= funds.threshold,
        auto_renewal=AutoRenewalView(
            enabled=funds.auto_renewal, threshold=funds.threshold, amount=funds.renewal_amount
        ),
        renewal_pending=funds.renewal_pending(now),
    )


def funds_overview(
    principal: Principal, *, accounts: ClientAccounts, store: FundsStore, policy: FundsPolicy, now: datetime
) -> FundsOverview:
    """Every billable number's balance (and any other number that still holds funds), and their total."""
    client = prepaid_client(principal, accounts)
    numbers, every_funds = store.numbers_and_funds(client.client_id)
    held = {funds.number_id: funds for funds in every_funds}
    views = []
    for number in numbers:
        if number.billable or number.number_id in held:
            funds = held.get(number.number_id) or _no_funds(client, number.number_id, policy)
            views.append(funds_view(funds, number.phone_number, now))
    return FundsOverview(
        client_id=client.client_id, currency=policy.currency, total=sum(v.balance for v in views), numbers=views
    )


def ledger(
    number_id: str,
    principal: Principal,
    *,
    limit: int,
    cursor: str | None,
    accounts: ClientAccounts,
    store: FundsStore,
    cursors: CursorCodec,
) -> LedgerPage:
    client = funds_client(number_id, principal, accounts, store)
    query_id = fingerprint(client_id=client.client_id, number_id=number_id, list="ledger")
    start_key = cursors.decode(cursor, query_id).get("k") if cursor else None
    entries, last = store.ledger_page(client.client_id, number_id, limit=limit, start_key=start_key)
    items = [
        LedgerEntryView(
            entry_id=entry.entry_id,
            at=entry.at,
            kind=entry.kind.value,
            amount=entry.amount,
            balance_after=entry.balance_after,
            currency=entry.currency,
            reference=entry.reference,
            description=entry.description,
        )
        for entry in entries
    ]
    return LedgerPage(items=items, next_cursor=cursors.encode({"k": last}, query_id) if last else None)


def _check_amount(amount: int, currency: str, policy: FundsPolicy, field: str) -> list[FieldError]:
    errors = []
    if not policy.top_up_min <= amount <= policy.top_up_max:
        errors.append(
            FieldError(
                f"body.{field}",
                f"Between {policy.top_up_min / 100:.2f} and {policy.top_up_max / 100:.2f} {policy.currency.upper()} "
                f"({policy.top_up_min} to {policy.top_up_max} in minor units).",
            )
        )
    if currency != policy.currency:
        errors.append(
            FieldError("body.currency", f"Funds are kept in {policy.currency.upper()}: use `{policy.currency}`.")
        )
    return errors


def top_up(
    number_id: str,
    request: TopUpRequest,
    principal: Principal,
    *,
    accounts: ClientAccounts,
    store: FundsStore,
    payments: Payments,
    policy: FundsPolicy,
    new_id: Callable[[], str],
) -> TopUpView:
    """A Stripe Checkout session for the top-up; the balance rises when Stripe's webhook confirms the payment."""
    client = funds_client(number_id, principal, accounts, store)
    errors = _check_amount(request.amount, request.currency, policy, "amount")
    if errors:
        raise ValidationFailed("The top-up cannot be made.", errors=errors)
    account = ensure_customer(client, store=store, payments=payments)
    top_up_id = new_id()
    back = f"{policy.portal_url.rstrip('/')}/billing/funds?"
    checkout = payments.checkout(
        account.customer_id,
        amount=request.amount,
        currency=request.currency,
        description=f"Prepaid funds for WhatsApp number {number_id}",
        metadata={"purpose": "top_up", "client_id": client.client_id, "number_id": number_id, "top_up_id": top_up_id},
        success_url=back + urlencode({"number_id": number_id, "top_up": "success"}),
        cancel_url=back + urlencode({"number_id": number_id, "top_up": "cancelled"}),
        key=f"top-up-{top_up_id}",
    )
    return TopUpView(
        top_up_id=top_up_id,
        number_id=number_id,
        amount=request.amount,
        currency=request.currency,
        checkout_url=checkout.url,
        expires_at=checkout.expires_at,
    )


def change_auto_renewal(
    number_id: str,
    request: AutoRenewalRequest,
    principal: Principal,
    *,
    accounts: ClientAccounts,
    store: FundsStore,
    policy: FundsPolicy,
    now: datetime,
) -> FundsView:
    client = funds_client(number_id, principal, accounts, store)
    record = store.number_record(number_id)
    errors = _check_amount(request.amount, policy.currency, policy, "amount")
    if request.amount <= request.threshold:
        errors.append(FieldError("body.amount", "The amount renewed must be more than the threshold."))
    if errors:
        raise ValidationFailed("The auto-renewal settings cannot be used.", errors=errors)

    def changed(funds: Funds) -> AutoRenewalChanged:
        return AutoRenewalChanged(
            metadata=EventMetadata.at(now),
            client_id=client.client_id,
            number_id=number_id,
            balance=funds.balance,
            currency=funds.currency,
            enabled=request.enabled,
            threshold=request.threshold,
            amount=request.amount,
            actor=Actor.of(principal),
        )

    renewal = AutoRenewal(enabled=request.enabled, threshold=request.threshold, amount=request.amount)
    after = set_renewal(_funds(client, number_id, store, policy), renewal, ledger=store, event=changed)
    return funds_view(after, record.phone_number if record else None, now)


def request_refund(
    number_id: str,
    request: RefundRequest,
    principal: Principal,
    *,
    accounts: ClientAccounts,
    store: FundsStore,
    policy: FundsPolicy,
    now: datetime,
    new_id: Callable[[], str],
) -> RefundRequestAccepted:
    """Ask support for the number's remaining funds back: published as `FundsRefundRequested`."""
    client = funds_client(number_id, principal, accounts, store)
    funds = _funds(client, number_id, store, policy)
    if funds.balance <= 0:
        raise ValidationFailed(
            "There are no funds to refund.",
            errors=[FieldError("path.number_id", "The number's balance is not positive.")],
        )
    request_id = new_id()
    event = FundsRefundRequested(
        metadata=EventMetadata.at(now),
        client_id=client.client_id,
        number_id=number_id,
        balance=funds.balance,
        currency=funds.currency,
        request_id=request_id,
        reason=request.reason,
        actor=Actor.of(principal),
    )
    store.applied_once(f"refund-request:{request_id}", now, [event])
    return RefundRequestAccepted(
        request_id=request_id, number_id=number_id, balance=funds.balance, currency=funds.currency
    )


def start_renewal(funds: Funds, entry: LedgerEntry, *, store: FundsStore, payments: Payments, now: datetime) -> str:
    """Charge the saved card off-session for the number's renewal (once per crossing: the key is the debit's entry).
    Stripe's webhook credits it or reports its failure; a charge that could not even start (no saved card) is
    reported here, since no webhook will. Stripe unreachable: the renewal stays requested and goes stale, and a
    later debit asks again. Answers the charge's status."""
    account = store.account(funds.client_id)
    metadata = {"purpose": "auto_renewal", "client_id": funds.client_id, "number_id": funds.number_id}
    if account is not None:
        try:
            charge = payments.charge_off_session(
                account.customer_id,
                amount=funds.renewal_amount,
                currency=funds.currency,
                metadata=metadata,
                key=f"renewal-{funds.number_id}-{entry.entry_id}",
            )
        except StripeFailed:
            logger.exception("the renewal charge could not start; a later debit asks again", extra=metadata)
            return "unavailable"
        if charge.status != "failed" or charge.payment_intent_id is not None:
            return charge.status
        reason = charge.failure
    else:
        reason = "No saved payment method."
    renewal_failed(
        funds,
        amount=funds.renewal_amount,
        reason=reason,
        reference=None,
        fact=f"renewal-failed:{entry.entry_id}",
        store=store,
        now=now,
    )
    return "failed"


def renewal_failed(
    funds: Funds,
    *,
    amount: int,
    reason: str | None,
    reference: str | None,
    fact: str,
    store: FundsLedger,
    now: datetime,
) -> bool:
    """The renewal is no longer pending, and `PaymentFailed` says why (once per `fact`); False for a repeat."""

    def failed(after: Funds) -> PaymentFailed:
        return PaymentFailed(
            metadata=EventMetadata.at(now),
            client_id=after.client_id,
            what="auto_renewal",
            number_id=after.number_id,
            amount=amount,
            currency=after.currency,
            reason=reason,
            reference=reference,
        )

    return update_funds(funds, clear_renewal, ledger=store, event=failed, once=(fact,)) is not None
