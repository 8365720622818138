"""Prepaid funds per number (channel): every balance change is a ledger entry written in the same transaction as
the balance, applied once per business fact (SPEC §3 Billing).

A change names what it stands for (`once`: the Stripe payment it credits, the Stripe event that announced it, the
usage day it debits); the transaction also records those references, so a change seen twice — a webhook delivered
again, a job run again — changes nothing the second time. Writes are conditional on the version read, so
concurrent top-ups and debits retry on the new balance and never lose one another.

A debit that takes the balance to its threshold or below emits `FundsLow` (once, as it crosses), and to zero or
below `FundsDepleted` (outbound messaging counts as paused until a top-up lands); with auto-renewal on, it also
marks a renewal as requested, so exactly one off-session charge starts for the crossing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypedDict

from hub_billing.events import FundsCredited, FundsDepleted, FundsLow
from hub_shared.events import DomainEvent, EventMetadata

MAX_ATTEMPTS = 5
RENEWAL_STALE_AFTER = timedelta(hours=1)
"""A renewal requested this long ago without an answer from Stripe no longer stops the next one."""


class EntryKind(StrEnum):
    TOP_UP = "top_up"
    AUTO_RENEWAL = "auto_renewal"
    USAGE = "usage"


@dataclass(frozen=True)
class AutoRenewal:
    enabled: bool
    threshold: int
    amount: int


@dataclass(frozen=True)
class Funds:
    client_id: str
    number_id: str
    currency: str
    balance: int = 0
    threshold: int = 0
    """The low-balance threshold (minor units): FundsLow below it; auto-renewal charges when enabled."""
    auto_renewal: bool = False
    renewal_amount: int = 0
    renewal_requested_at: datetime | None = None
    version: int = 0

    @property
    def paused(self) -> bool:
        """Outbound messaging counts as paused at a balance of zero or less."""
        return self.balance <= 0

    def renewal_pending(self, now: datetime) -> bool:
        return self.renewal_requested_at is not None and now - self.renewal_requested_at < RENEWAL_STALE_AFTER


@dataclass(frozen=True)
class LedgerEntry:
    entry_id: str
    client_id: str
    number_id: str
    at: datetime
    amount: int
    """Signed, minor units: credits positive, debits negative."""
    kind: EntryKind
    balance_after: int
    currency: str
    reference: str
    description: str


@dataclass(frozen=True)
class Change:
    amount: int
    kind: EntryKind
    reference: str
    """What the entry stands for: a Stripe payment intent, a usage day."""
    description: str
    once: tuple[str, ...]
    """Business facts applied at most once (the first of them names the entry)."""
    clears_renewal: bool = False
    """A renewal's payment: the requested renewal is answered."""


class Written(StrEnum):
    WRITTEN = "written"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


class FundsLedger(Protocol):
    def funds(self, client_id: str, number_id: str) -> Funds | None: ...

    def apply(
        self,
        before: Funds | None,
        after: Funds,
        entry: LedgerEntry | None,
        once: Sequence[str],
        events: Sequence[DomainEvent],
    ) -> Written: ...


@dataclass(frozen=True)
class Applied:
    before: Funds
    after: Funds
    entry: LedgerEntry | None
    duplicate: bool = False
    renew: bool = False
    """The change crossed the auto-renewal threshold: the caller charges the saved card once."""
    events: tuple[DomainEvent, ...] = field(default=())


class FundsChangedConcurrently(Exception):
    """Other changes kept moving the balance for MAX_ATTEMPTS tries (the caller retries later)."""


def empty_funds(client_id: str, number_id: str, *, currency: str, threshold: int) -> Funds:
    return Funds(client_id=client_id, number_id=number_id, currency=currency, threshold=threshold)


def apply_change(
    change: Change,
    new: Funds,
    *,
    ledger: FundsLedger,
    now: datetime,
    new_id: Callable[[], str],
) -> Applied:
    """Apply `change` to the number's funds (`new`: its funds if it has none yet), with its ledger entry and events."""
    for _ in range(MAX_ATTEMPTS):
        stored = ledger.funds(new.client_id, new.number_id)
        before = stored or new
        balance = before.balance + change.amount
        renew = (
            change.amount < 0
            and before.auto_renewal
            and balance <= before.threshold
            and not before.renewal_pending(now)
        )
        requested = now if renew else None if change.clears_renewal else before.renewal_requested_at
        after = replace(before, balance=balance, renewal_requested_at=requested, version=before.version + 1)
        entry = LedgerEntry(
            entry_id=new_id(),
            client_id=before.client_id,
            number_id=before.number_id,
            at=now,
            amount=change.amount,
            kind=change.kind,
            balance_after=balance,
            currency=before.currency,
            reference=change.reference,
            description=change.description,
        )
        events = _events(before, after, change, now)
        written = ledger.apply(stored, after, entry, change.once, events)
        if written is Written.DUPLICATE:
            return Applied(before=before, after=before, entry=None, duplicate=True)
        if written is Written.WRITTEN:
            return Applied(before=before, after=after, entry=entry, renew=renew, events=tuple(events))
    raise FundsChangedConcurrently(f"the funds of number {new.number_id} kept changing")


def _events(before: Funds, after: Funds, change: Change, now: datetime) -> list[DomainEvent]:
    events: list[DomainEvent] = []
    if change.amount > 0:
        events.append(
            FundsCredited(
                **_about(after, now), amount=change.amount, kind=change.kind.value, reference=change.reference
            )
        )
    if before.balance > after.threshold >= after.balance:
        events.append(FundsLow(**_about(after, now), threshold=after.threshold))
    if before.balance > 0 >= after.balance:
        events.append(FundsDepleted(**_about(after, now)))
    return events


class About(TypedDict):
    """What every funds event says of the number's funds, and when."""

    metadata: EventMetadata
    client_id: str
    number_id: str
    balance: int
    currency: str


def _about(funds: Funds, now: datetime) -> About:
    return {
        "metadata": EventMetadata.at(now),
        "client_id": funds.client_id,
        "number_id": funds.number_id,
        "balance": funds.balance,
        "currency": funds.currency,
    }


def update_funds(
    new: Funds,
    change: Callable[[Funds], Funds],
    *,
    ledger: FundsLedger,
    event: Callable[[Funds], DomainEvent],
    once: Sequence[str] = (),
) -> Funds | None:
    """Change the number's funds other than their balance (no ledger entry), announced by `event` of the funds
    after; `new` stands for funds not made yet. None: a fact of `once` was applied before."""
    for _ in range(MAX_ATTEMPTS):
        stored = ledger.funds(new.client_id, new.number_id)
        before = stored or new
        after = replace(change(before), version=before.version + 1)
        written = ledger.apply(stored, after, None, once, [event(after)])
        if written is Written.DUPLICATE:
            return None
        if written is Written.WRITTEN:
            return after
    raise FundsChangedConcurrently(f"the funds of number {new.number_id} kept changing")


def set_renewal(
    funds: Funds, renewal: AutoRenewal, *, ledger: FundsLedger, event: Callable[[Funds], DomainEvent]
) -> Funds:
    """The number's auto-renewal settings (and low-balance threshold) as asked; the balance stays."""
    after = update_funds(
        funds,
        lambda before: replace(
            before, auto_renewal=renewal.enabled, threshold=renewal.threshold, renewal_amount=renewal.amount
        ),
        ledger=ledger,
        event=event,
    )
    return after or funds  # no fact to repeat: always written


def clear_renewal(funds: Funds) -> Funds:
    return replace(funds, renewal_requested_at=None)
