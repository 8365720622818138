"""The daily usage job: yesterday's pricing analytics of every WABA kept, and each prepaid number debited its
approximate charges for the day (SPEC §3 Billing).

Only numbers that were with the hub on the day are debited. Each debit is applied once per number and day
(`usage:<number>:<day>`), so the job can run again — after a crash, or by hand — without debiting twice; a WABA Meta
does not answer for is counted and skipped (its day is fetched by the next run or the next page view). A debit that
crosses a number's auto-renewal threshold starts one off-session charge.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from aws_lambda_powertools import Logger

from hub_billing.usecases.billable import NumberRecord
from hub_billing.usecases.funds import Change, EntryKind, apply_change, empty_funds
from hub_billing.usecases.payments import Payments
from hub_billing.usecases.prepaid import FundsStore, start_renewal
from hub_billing.usecases.usage import AnalyticsCache, RateCard, fetch_days, minor_units
from hub_shared.accounts import BillingModel, ClientAccounts
from hub_shared.errors import UpstreamError
from hub_shared.graph import Graph

logger = Logger(child=True)


class UsageStore(FundsStore, AnalyticsCache, Protocol):
    def numbers_of_waba(self, waba_id: str) -> list[NumberRecord]: ...


@dataclass(frozen=True)
class WabaDay:
    debited: int = 0
    amount: int = 0
    renewals: int = 0
    failed: bool = False


@dataclass(frozen=True)
class DayRun:
    day: date
    wabas: int
    failed: int
    debited: int
    amount: int
    renewals: int


@dataclass(frozen=True)
class UsagePorts:
    store: UsageStore
    accounts: ClientAccounts
    graph: Graph
    payments: Payments
    card: RateCard
    threshold: int
    new_id: Callable[[], str]


def run_usage_day(day: date, wabas: Iterable[str], ports: UsagePorts, *, now: datetime, workers: int) -> DayRun:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        done = list(pool.map(lambda waba_id: _waba_day(waba_id, day, ports, now), wabas))
    return DayRun(
        day=day,
        wabas=len(done),
        failed=sum(1 for one in done if one.failed),
        debited=sum(one.debited for one in done),
        amount=sum(one.amount for one in done),
        renewals=sum(one.renewals for one in done),
    )


def _waba_day(waba_id: str, day: date, ports: UsagePorts, now: datetime) -> WabaDay:
    store = ports.store
    kept = store.analytics_days(waba_id, day, day).get(day)
    usage = kept.usage if kept is not None and kept.closed else None  # what Meta said while the day was open: not final
    if usage is None:
        try:
            usage = fetch_days(ports.graph, waba_id, day, day)[0]
        except UpstreamError:
            logger.exception("Meta did not answer for the WABA's day; skipped", extra={"waba_id": waba_id})
            return WabaDay(failed=True)
        store.keep_analytics(waba_id, [usage], now)
    numbers = store.numbers_of_waba(waba_id)
    clients = ports.accounts.clients({number.client_id for number in numbers})
    debited = amount = renewals = 0
    for number in numbers:
        client = clients.get(number.client_id)
        if client is None or client.billing_model is not BillingModel.DIRECT or not client.prepaid:
            continue
        known = store.billable_number(number.client_id, number.number_id)
        if known is None or not known.ran_on(day):  # a number deleted before the day has nothing to pay
            continue
        charge = minor_units(ports.card.charge(usage.of_phone(number.phone_number.lstrip("+"))))
        if charge <= 0:
            continue
        change = Change(
            amount=-charge,
            kind=EntryKind.USAGE,
            reference=f"usage:{day.isoformat()}",
            description=f"Messages of {day.isoformat()} (approximate charges)",
            once=(f"usage:{number.number_id}:{day.isoformat()}",),
        )
        new = empty_funds(number.client_id, number.number_id, currency=ports.card.currency, threshold=ports.threshold)
        applied = apply_change(change, new, ledger=store, now=now, new_id=ports.new_id)
        if applied.duplicate or applied.entry is None:
            continue
        debited, amount = debited + 1, amount + charge
        if applied.renew:
            start_renewal(applied.after, applied.entry, store=store, payments=ports.payments, now=now)
            renewals += 1
    return WabaDay(debited=debited, amount=amount, renewals=renewals)
