"""Prepaid funds: top-ups through Stripe Checkout credited once by the signed webhook, auto-renewal charged
off-session after the daily usage job's debit, refusals that change nothing, and — for any interleaving of top-ups,
debits, renewals and duplicate webhooks — every balance equal to its ledger's sum."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import stripe
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from pydantic import ValidationError

from hub_billing.consumers import numbers as consumer
from hub_billing.jobs import usage as usage_job
from hub_billing.store.billing import BillingStore
from hub_billing.usecases.daily import UsagePorts, run_usage_day
from hub_billing.usecases.funds import Change, EntryKind, FundsChangedConcurrently, apply_change, empty_funds
from hub_billing.usecases.usage import DayUsage, load_rate_card
from hub_numbers.events import NumberAdded, NumberDeleted
from hub_shared.accounts import AccountsReader
from hub_shared.events import EventMetadata
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    STRIPE_WEBHOOK_SECRET,
    AwsWorld,
    FrozenClock,
    InProcessMeta,
    InProcessStripe,
    assert_problem,
    billing_call,
    billing_world,
    context,
    eventbridge_event,
    stripe_delivery,
)

WABA = "102290129340398"
NUMBER = "106540352242922"
PHONE = "+4915112345001"
FUNDS = f"/v1/billing/funds/{NUMBER}"
TOP_UPS = "/v1/billing/funds/{number_id}/top-ups"
RENEWAL = "/v1/billing/funds/{number_id}/auto-renewal"


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock()


@pytest.fixture
def stripe_sandbox(aws: AwsWorld, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessStripe]:
    aws.add_client("acme", partner_id="bluewave")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    with billing_world(aws, clock) as sandbox:
        monkeypatch.setattr(consumer, "payments", lambda: sandbox.payments)
        added = NumberAdded(
            number_id=NUMBER,
            client_id="acme",
            waba_id=WABA,
            phone_number=PHONE,
            how="embedded_signup",
            metadata=EventMetadata(occurred_at=clock() - timedelta(days=30)),
        )
        consumer.handler(eventbridge_event(added), context("BillingNumberEventsFunction"))
        yield sandbox


@pytest.fixture
def store(aws: AwsWorld) -> BillingStore:
    return BillingStore("hub-billing", aws.dynamodb)


def balance(store: BillingStore) -> int:
    funds = store.funds("acme", NUMBER)
    return funds.balance if funds else 0


def top_up(amount: Any = 5000, currency: str = "eur", key: str | None = None) -> tuple[int, Any]:
    headers = {"Idempotency-Key": key} if key else None
    body = {"amount": amount, "currency": currency}
    path = f"{FUNDS}/top-ups"
    return billing_call("POST", path, CLIENT_ACME, route=TOP_UPS, body=body, headers=headers)


def pay(sandbox: InProcessStripe, checkout_url: str, card: str = "4242424242424242") -> None:
    session_id = checkout_url.rsplit("/", 1)[-1]
    sandbox.http.post(f"/_sandbox/checkout/sessions/{session_id}/complete", json={"card": card}).raise_for_status()


def deliver_all(sandbox: InProcessStripe, kind: str) -> list[tuple[int, Any]]:
    return [stripe_delivery(body, headers) for body, headers in sandbox.events(kind)]


def outbox(aws: AwsWorld, detail_type: str) -> list[dict[str, Any]]:
    items = aws.dynamodb.scan(TableName="hub-billing")["Items"]
    return [
        json.loads(item["detail"]["S"])
        for item in items
        if item["pk"]["S"].startswith("OUTBOX#") and item["detail_type"]["S"] == detail_type
    ]


def test_a_top_up_credits_once_even_when_stripe_says_so_twice(
    stripe_sandbox: InProcessStripe, store: BillingStore, aws: AwsWorld
) -> None:
    status, checkout = top_up(5000)
    assert status == 201
    pay(stripe_sandbox, checkout["checkout_url"])

    first = deliver_all(stripe_sandbox, "checkout.session.completed")
    again = deliver_all(stripe_sandbox, "checkout.session.completed")
    intent = deliver_all(stripe_sandbox, "payment_intent.succeeded")

    assert [body.get("outcome", body) for _, body in first] == ["applied"]
    assert [body["outcome"] for _, body in again] == ["duplicate"]
    assert [body["outcome"] for _, body in intent] == ["applied"]  # recorded, not credited
    assert balance(store) == 5000
    assert store.ledger_sum("acme", NUMBER) == 5000
    assert [event["amount"] for event in outbox(aws, "FundsCredited")] == [5000]


def test_the_funds_list_each_number_with_its_balance_and_the_total(
    stripe_sandbox: InProcessStripe, store: BillingStore
) -> None:
    _, checkout = top_up(2500)
    pay(stripe_sandbox, checkout["checkout_url"])
    deliver_all(stripe_sandbox, "checkout.session.completed")

    status, funds = billing_call("GET", "/v1/billing/funds", CLIENT_ACME)
    _, ledger = billing_call("GET", f"{FUNDS}/ledger", CLIENT_ACME, route="/v1/billing/funds/{number_id}/ledger")

    assert status == 200
    assert funds["total"] == 2500
    assert [(n["number_id"], n["balance"], n["paused"]) for n in funds["numbers"]] == [(NUMBER, 2500, False)]
    assert [(e["kind"], e["amount"], e["balance_after"]) for e in ledger["items"]] == [("top_up", 2500, 2500)]


def test_an_idempotency_key_answers_the_same_checkout(stripe_sandbox: InProcessStripe) -> None:
    _, first = top_up(5000, key="top-up-1")
    _, again = top_up(5000, key="top-up-1")

    assert again == first
    assert len(stripe_sandbox.state.checkout_sessions) == 1


@pytest.mark.parametrize(
    ("amount", "currency", "field"),
    [
        (0, "eur", "body.amount"),
        (-100, "eur", "body.amount"),
        (999, "eur", "body.amount"),
        (500001, "eur", "body.amount"),
        (5000, "usd", "body.currency"),
        ("5000", "eur", "body.amount"),
    ],
    ids=["zero", "negative", "below-minimum", "over-maximum", "wrong-currency", "not-an-integer"],
)
def test_a_top_up_outside_the_bounds_is_refused_and_nothing_opens(
    stripe_sandbox: InProcessStripe, store: BillingStore, amount: Any, currency: str, field: str
) -> None:
    _status, problem = top_up(amount, currency)

    assert_problem(problem, 422, "validation-failed")
    assert field in {error["field"] for error in problem["errors"]}
    assert stripe_sandbox.state.checkout_sessions == {}
    assert store.funds("acme", NUMBER) is None


def test_funds_are_the_prepaid_direct_clients_own(stripe_sandbox: InProcessStripe, aws: AwsWorld) -> None:
    aws.grant("acme", "bluewave", "numbers:read")  # the partner sees the number, yet may not pay for it
    _, globex = billing_call("GET", "/v1/billing/funds", CLIENT_GLOBEX)
    _, partner = billing_call(
        "POST", f"{FUNDS}/top-ups", PARTNER, route=TOP_UPS, body={"amount": 5000, "currency": "eur"}
    )
    _, unknown = billing_call(
        "POST", "/v1/billing/funds/999/top-ups", CLIENT_ACME, route=TOP_UPS, body={"amount": 5000, "currency": "eur"}
    )

    assert_problem(globex, 403, "billing-through-partner")
    assert_problem(partner, 403, "client-users-only")
    assert_problem(unknown, 404, "not-found")
    assert stripe_sandbox.state.checkout_sessions == {}


@pytest.mark.parametrize(
    "signature",
    ["t=1,v1=forged", None, "stale"],
    ids=["forged", "missing", "stale"],
)
def test_unverifiable_stripe_events_are_refused_and_change_nothing(
    stripe_sandbox: InProcessStripe, store: BillingStore, signature: str | None
) -> None:
    _, checkout = top_up(5000)
    pay(stripe_sandbox, checkout["checkout_url"])
    (body, _headers), *_ = stripe_sandbox.events("checkout.session.completed")
    if signature == "stale":
        old = int((datetime.now(UTC) - timedelta(minutes=10)).timestamp())
        signature = stripe.WebhookSignature.generate_signature_header(body.decode(), STRIPE_WEBHOOK_SECRET, old)
    sent = {"content-type": "application/json"} | ({"Stripe-Signature": signature} if signature else {})

    _status, problem = stripe_delivery(body, sent)

    assert_problem(problem, 401, "stripe-signature-invalid")
    assert store.funds("acme", NUMBER) is None


@pytest.mark.parametrize("payload", ["{not json", '{"object": "event"}', "[1, 2]"], ids=["not-json", "no-id", "a-list"])
def test_a_signed_body_that_is_no_stripe_event_is_refused(stripe_sandbox: InProcessStripe, payload: str) -> None:
    signature = stripe.WebhookSignature.generate_signature_header(
        payload, STRIPE_WEBHOOK_SECRET, int(datetime.now(UTC).timestamp())
    )

    _status, problem = stripe_delivery(payload.encode(), {"Stripe-Signature": signature})

    assert_problem(problem, 400, "bad-request")


def test_an_unknown_event_type_is_acknowledged_and_ignored(stripe_sandbox: InProcessStripe) -> None:
    payload = json.dumps({"id": "evt_unknown_1", "object": "event", "type": "charge.dispute.created", "data": {}})
    signature = stripe.WebhookSignature.generate_signature_header(
        payload, STRIPE_WEBHOOK_SECRET, int(datetime.now(UTC).timestamp())
    )

    status, receipt = stripe_delivery(payload.encode(), {"Stripe-Signature": signature})

    assert (status, receipt["outcome"]) == (200, "ignored")


def set_renewal(body: dict[str, Any]) -> tuple[int, Any]:
    return billing_call("PUT", f"{FUNDS}/auto-renewal", CLIENT_ACME, route=RENEWAL, body=body)


def test_an_auto_renewal_amount_at_or_below_its_threshold_is_refused(
    stripe_sandbox: InProcessStripe, store: BillingStore
) -> None:
    _status, problem = set_renewal({"enabled": True, "threshold": 2000, "amount": 2000})

    assert_problem(problem, 422, "validation-failed")
    assert [error["field"] for error in problem["errors"]] == ["body.amount"]
    assert store.funds("acme", NUMBER) is None


def usage_ports(store: BillingStore, meta: InProcessMeta, sandbox: InProcessStripe, aws: AwsWorld) -> UsagePorts:
    counter = iter(range(1_000_000))
    return UsagePorts(
        store=store,
        accounts=AccountsReader("hub-accounts", aws.dynamodb),
        graph=meta.graph,
        payments=sandbox.payments,
        card=load_rate_card(""),
        threshold=1000,
        new_id=lambda: f"entry_{next(counter)}",
    )


@pytest.mark.parametrize(("card", "credited"), [("4242424242424242", True), ("4000000000000341", False)])
def test_auto_renewal_fires_after_the_usage_job_and_credits_on_success(
    stripe_sandbox: InProcessStripe,
    store: BillingStore,
    aws: AwsWorld,
    clock: FrozenClock,
    card: str,
    credited: bool,
) -> None:
    _, checkout = top_up(1000)
    pay(stripe_sandbox, checkout["checkout_url"])
    deliver_all(stripe_sandbox, "checkout.session.completed")
    customer = next(iter(stripe_sandbox.state.customers))
    stripe_sandbox.http.post(f"/_sandbox/customers/{customer}/payment_method", json={"card": card}).raise_for_status()
    assert set_renewal({"enabled": True, "threshold": 900, "amount": 3000})[0] == 200
    meta = InProcessMeta(clock)
    yesterday = clock().date() - timedelta(days=1)

    run = run_usage_day(yesterday, [WABA], usage_ports(store, meta, stripe_sandbox, aws), now=clock(), workers=1)
    again = run_usage_day(yesterday, [WABA], usage_ports(store, meta, stripe_sandbox, aws), now=clock(), workers=1)
    deliver_all(stripe_sandbox, "payment_intent.succeeded")
    deliver_all(stripe_sandbox, "payment_intent.payment_failed")

    debit = run.amount
    assert (run.debited, run.renewals, again.debited) == (1, 1, 0)
    assert debit > 100
    assert balance(store) == 1000 - debit + (3000 if credited else 0)
    assert store.ledger_sum("acme", NUMBER) == balance(store)
    assert store.funds("acme", NUMBER).renewal_requested_at is None  # type: ignore[union-attr]
    assert len(outbox(aws, "PaymentFailed")) == (0 if credited else 1)
    assert outbox(aws, "FundsLow")


def test_concurrent_credits_and_debits_lose_none(store: BillingStore, aws: AwsWorld) -> None:
    now = datetime(2026, 12, 1, tzinfo=UTC)
    new = empty_funds("acme", NUMBER, currency="eur", threshold=0)

    def change(index: int) -> None:
        amount = 700 if index % 2 else -300
        kind = EntryKind.TOP_UP if amount > 0 else EntryKind.USAGE
        step = Change(amount, kind, f"ref-{index}", "test", (f"concurrent:{index}",))
        while True:  # as a redelivered webhook or the next job run would, after FundsChangedConcurrently
            try:
                apply_change(step, new, ledger=store, now=now, new_id=lambda: f"e{index}")
                return
            except FundsChangedConcurrently:
                continue

    threads = [threading.Thread(target=change, args=(index,)) for index in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert balance(store) == 6 * 700 - 6 * 300
    assert store.ledger_sum("acme", NUMBER) == balance(store)


class LedgerMachine(RuleBasedStateMachine):
    """Top-ups (webhooks delivered any number of times), debits, renewals requested and answered, in any order."""

    store: BillingStore

    def __init__(self) -> None:
        super().__init__()
        self.number = f"n{next(_numbers)}"
        self.now = datetime(2026, 12, 1, tzinfo=UTC)
        self.ids = iter(range(1_000_000))
        self.credited: set[str] = set()
        self.expected = 0

    def _apply(self, amount: int, kind: EntryKind, name: str) -> None:
        fact = f"{self.number}:{name}"
        new = empty_funds("acme", self.number, currency="eur", threshold=500)
        change = Change(amount, kind, fact, "stateful", (fact,), clears_renewal=kind is EntryKind.AUTO_RENEWAL)
        applied = apply_change(change, new, ledger=self.store, now=self.now, new_id=lambda: f"e{next(self.ids)}")
        if not applied.duplicate:
            self.expected += amount
        assert applied.duplicate == (fact in self.credited)
        self.credited.add(fact)

    @rule(payment=st.integers(0, 5), amount=st.integers(1, 10_000))
    def top_up_webhook(self, payment: int, amount: int) -> None:
        self._apply(amount, EntryKind.TOP_UP, f"payment:{payment}")

    @rule(day=st.integers(0, 5), amount=st.integers(1, 5_000))
    def usage_debit(self, day: int, amount: int) -> None:
        self._apply(-amount, EntryKind.USAGE, f"usage:{day}")

    @rule(renewal=st.integers(0, 3))
    def renewal_succeeded(self, renewal: int) -> None:
        self._apply(3000, EntryKind.AUTO_RENEWAL, f"renewal:{renewal}")

    @invariant()
    def balance_is_the_ledgers_sum(self) -> None:
        funds = self.store.funds("acme", self.number)
        assert (funds.balance if funds else 0) == self.store.ledger_sum("acme", self.number) == self.expected


_numbers = iter(range(1_000_000))


def test_every_balance_equals_its_ledger_sum_whatever_the_interleaving(aws: AwsWorld) -> None:
    LedgerMachine.store = BillingStore("hub-billing", aws.dynamodb)
    runner = LedgerMachine.TestCase
    runner.settings = settings(
        max_examples=10, stateful_step_count=10, deadline=None, suppress_health_check=list(HealthCheck)
    )
    runner().runTest()


def test_a_refund_request_is_published_with_the_balance(stripe_sandbox: InProcessStripe, aws: AwsWorld) -> None:
    _, checkout = top_up(4000)
    pay(stripe_sandbox, checkout["checkout_url"])
    deliver_all(stripe_sandbox, "checkout.session.completed")

    status, accepted = billing_call(
        "POST",
        f"{FUNDS}/refund-request",
        CLIENT_ACME,
        route="/v1/billing/funds/{number_id}/refund-request",
        body={"reason": "We stop."},
    )

    assert status == 202
    (event,) = outbox(aws, "FundsRefundRequested")
    assert (event["balance"], event["reason"], event["request_id"]) == (4000, "We stop.", accepted["request_id"])


def test_a_refund_of_nothing_is_refused(stripe_sandbox: InProcessStripe, aws: AwsWorld) -> None:
    _status, problem = billing_call(
        "POST",
        f"{FUNDS}/refund-request",
        CLIENT_ACME,
        route="/v1/billing/funds/{number_id}/refund-request",
        body={"reason": "We stop."},
    )

    assert_problem(problem, 422, "validation-failed")
    assert outbox(aws, "FundsRefundRequested") == []


@pytest.fixture
def job_meta(
    stripe_sandbox: InProcessStripe, aws: AwsWorld, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> InProcessMeta:
    """The usage job's outside systems (Stripe's and Meta's sandboxes), for acme's number."""
    aws.register_number("acme", WABA, NUMBER)
    meta = InProcessMeta(clock)
    monkeypatch.setattr(usage_job, "payments", lambda: stripe_sandbox.payments)
    monkeypatch.setattr(usage_job, "meta_graph", lambda: meta.graph)
    return meta


def test_the_scheduled_usage_job_debits_the_day_before_now_once(
    job_meta: InProcessMeta, store: BillingStore, aws: AwsWorld, clock: FrozenClock
) -> None:
    credit = Change(100, EntryKind.TOP_UP, "pi_test", "Top-up", ("payment:pi_test",))
    new = empty_funds("acme", NUMBER, currency="eur", threshold=1000)
    apply_change(credit, new, ledger=store, now=clock(), new_id=lambda: "entry_credit")
    asked = {"job": "billing-usage", "now": "2026-11-20T02:00:00Z"}

    first = usage_job.handler(asked, context("BillingUsageJobFunction"))
    again = usage_job.handler(asked, context("BillingUsageJobFunction"))

    assert (first["day"], first["wabas"], first["debited"]) == ("2026-11-19", 1, 1)
    assert again["debited"] == 0
    assert balance(store) == 100 - first["amount"] < 0
    (_credit, debit), _ = store.ledger_page("acme", NUMBER, limit=10, start_key=None)
    assert (debit.kind, debit.reference, debit.balance_after) == (EntryKind.USAGE, "usage:2026-11-19", balance(store))
    assert [event["balance"] for event in outbox(aws, "FundsDepleted")] == [balance(store)]


def test_the_usage_job_asks_meta_for_a_day_kept_only_while_it_was_current(
    job_meta: InProcessMeta, store: BillingStore, clock: FrozenClock
) -> None:
    day = date(2026, 11, 19)
    seen_on_the_day = DayUsage(day=day, volumes={("4915112345001", "DE", "MARKETING"): 1_000_000})
    store.keep_analytics(WABA, [seen_on_the_day], clock(), closed=False)

    usage_job.handler({"job": "billing-usage", "now": "2026-11-20T02:00:00Z"}, context("BillingUsageJobFunction"))

    assert [path for method, path in job_meta.calls if method == "GET"] == [WABA]  # the day's final analytics
    kept = store.analytics_days(WABA, day, day)[day]
    assert kept.closed and kept.usage != seen_on_the_day


def test_the_usage_job_refuses_input_it_does_not_know(stripe_sandbox: InProcessStripe) -> None:
    with pytest.raises(ValidationError):
        usage_job.handler({"job": "billing-usage", "day": "2026-11-19"}, context("BillingUsageJobFunction"))


def test_a_number_deleted_before_the_day_is_not_debited(
    stripe_sandbox: InProcessStripe, store: BillingStore, aws: AwsWorld, clock: FrozenClock
) -> None:
    deleted = NumberDeleted(
        number_id=NUMBER,
        client_id="acme",
        waba_id=WABA,
        deleted_at=clock() - timedelta(days=3),
        metadata=EventMetadata(occurred_at=clock() - timedelta(days=3)),
    )
    consumer.handler(eventbridge_event(deleted), context("BillingNumberEventsFunction"))
    meta = InProcessMeta(clock)

    run = run_usage_day(
        clock().date() - timedelta(days=1),
        [WABA],
        usage_ports(store, meta, stripe_sandbox, aws),
        now=clock(),
        workers=1,
    )

    assert run.debited == 0
    assert store.funds("acme", NUMBER) is None
