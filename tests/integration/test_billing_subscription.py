"""The licence subscription: NumberAdded / NumberDeleted move its quantity at Stripe (the SDK against the Stripe
sandbox), each event once; `GET /v1/billing`, the portal session and the invoices, and who may read them."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from hub_billing.consumers import numbers as consumer
from hub_billing.store.billing import BillingStore
from hub_numbers.events import NumberAdded, NumberDeleted
from hub_shared.events import EventMetadata
from tests.builders import (
    CLIENT_ACME,
    CLIENT_GLOBEX,
    PARTNER,
    SUPPORT,
    AwsWorld,
    FrozenClock,
    InProcessStripe,
    assert_problem,
    billing_call,
    billing_world,
    context,
    eventbridge_event,
    stripe_delivery,
)

WABA = "102290129340398"


@pytest.fixture
def stripe_sandbox(aws: AwsWorld, monkeypatch: pytest.MonkeyPatch) -> Iterator[InProcessStripe]:
    aws.add_client("acme", partner_id="bluewave")
    aws.add_client("globex", billing_model="partner", partner_id="bluewave")
    with billing_world(aws, FrozenClock()) as sandbox:
        monkeypatch.setattr(consumer, "payments", lambda: sandbox.payments)
        yield sandbox


def added(number_id: str, client_id: str = "acme") -> NumberAdded:
    return NumberAdded(
        number_id=number_id,
        client_id=client_id,
        waba_id=WABA,
        phone_number=f"+49151{number_id[-7:]}",
        how="embedded_signup",
        metadata=EventMetadata(occurred_at=datetime(2026, 11, 2, tzinfo=UTC)),
    )


def deleted(number_id: str, client_id: str = "acme") -> NumberDeleted:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    return NumberDeleted(
        number_id=number_id, client_id=client_id, waba_id=WABA, deleted_at=at, metadata=EventMetadata(occurred_at=at)
    )


def deliver(event: NumberAdded | NumberDeleted) -> str:
    return str(consumer.handler(eventbridge_event(event), context("BillingNumberEventsFunction")))


def subscription(sandbox: InProcessStripe) -> dict[str, Any]:
    (only,) = sandbox.state.subscriptions.values()
    return only


def quantity(sandbox: InProcessStripe) -> int:
    return int(subscription(sandbox)["items"]["data"][0]["quantity"])


def test_the_first_number_opens_a_customer_and_a_subscription_of_one(stripe_sandbox: InProcessStripe) -> None:
    deliver(added("1001"))

    (customer,) = stripe_sandbox.state.customers.values()
    assert customer["metadata"] == {"client_id": "acme"}
    assert subscription(stripe_sandbox)["customer"] == customer["id"]
    assert quantity(stripe_sandbox) == 1


def test_numbers_added_and_deleted_move_the_quantity(stripe_sandbox: InProcessStripe) -> None:
    for number_id in ("1001", "1002", "1003"):
        deliver(added(number_id))

    deliver(deleted("1002"))

    assert quantity(stripe_sandbox) == 2
    assert len(stripe_sandbox.state.customers) == 1


def test_an_event_delivered_twice_changes_stripe_once(stripe_sandbox: InProcessStripe) -> None:
    event = added("1001")
    deliver(event)
    deliver(added("1002"))
    keys_before = set(stripe_sandbox.state.idempotent)

    assert deliver(event) == "duplicate"

    assert quantity(stripe_sandbox) == 2
    new_keys = set(stripe_sandbox.state.idempotent) - keys_before
    assert all(key.startswith("quantity-") for key in new_keys)


def test_a_partner_paid_clients_numbers_open_nothing_at_stripe(stripe_sandbox: InProcessStripe) -> None:
    deliver(added("2001", client_id="globex"))

    assert stripe_sandbox.state.customers == {}
    assert stripe_sandbox.state.subscriptions == {}


def test_billing_shows_plan_start_quantity_and_the_next_invoice(stripe_sandbox: InProcessStripe) -> None:
    deliver(added("1001"))
    deliver(added("1002"))

    status, billing = billing_call("GET", "/v1/billing", CLIENT_ACME)

    assert status == 200
    assert billing["billing_model"] == "direct"
    assert billing["plan"] == {"name": "WhatsApp number", "unit_amount": 4900, "currency": "eur", "interval": "month"}
    assert billing["quantity"] == 2
    assert billing["billing_started_at"] is not None
    assert billing["next_invoice"]["amount_due"] >= 2 * 4900
    assert billing["payment_method"] is None


def test_billing_shows_only_brand_last4_and_expiry_of_the_card(stripe_sandbox: InProcessStripe) -> None:
    deliver(added("1001"))
    customer = next(iter(stripe_sandbox.state.customers))
    stripe_sandbox.http.post(
        f"/_sandbox/customers/{customer}/payment_method", json={"card": "4242424242424242"}
    ).raise_for_status()

    _, billing = billing_call("GET", "/v1/billing", CLIENT_ACME)

    assert set(billing["payment_method"]) == {"brand", "last4", "exp_month", "exp_year"}
    assert (billing["payment_method"]["brand"], billing["payment_method"]["last4"]) == ("visa", "4242")


def test_a_partner_paid_client_learns_only_that_its_partner_pays(stripe_sandbox: InProcessStripe) -> None:
    status, billing = billing_call("GET", "/v1/billing", CLIENT_GLOBEX)

    assert status == 200
    assert billing["billing_model"] == "partner"
    assert billing["plan"] is None


@pytest.mark.parametrize("claims", [PARTNER, SUPPORT], ids=["partner", "support"])
def test_billing_is_the_clients_own(stripe_sandbox: InProcessStripe, claims: dict[str, str]) -> None:
    for method, path in (
        ("GET", "/v1/billing"),
        ("POST", "/v1/billing/portal-session"),
        ("GET", "/v1/billing/invoices"),
    ):
        _status, problem = billing_call(method, path, claims)

        assert_problem(problem, 403, "client-users-only")
    assert stripe_sandbox.state.portal_sessions == {}


def test_the_portal_session_returns_to_the_portal(stripe_sandbox: InProcessStripe) -> None:
    status, session = billing_call("POST", "/v1/billing/portal-session", CLIENT_ACME)

    assert status == 201
    (made,) = stripe_sandbox.state.portal_sessions.values()
    assert session["url"] == made["url"]
    assert made["return_url"] == "https://hub.example.com"


def test_a_partner_paid_client_gets_no_portal(stripe_sandbox: InProcessStripe) -> None:
    _status, problem = billing_call("POST", "/v1/billing/portal-session", CLIENT_GLOBEX)

    assert_problem(problem, 403, "billing-through-partner")
    assert stripe_sandbox.state.customers == {}


def test_invoices_page_newest_first_with_their_pdf(stripe_sandbox: InProcessStripe) -> None:
    deliver(added("1001"))
    stripe_sandbox.http.post(f"/_sandbox/subscriptions/{subscription(stripe_sandbox)['id']}/advance").raise_for_status()

    status, first = billing_call("GET", "/v1/billing/invoices", CLIENT_ACME, query={"limit": "1"})
    _, second = billing_call(
        "GET", "/v1/billing/invoices", CLIENT_ACME, query={"limit": "1", "cursor": first["next_cursor"]}
    )

    assert status == 200
    assert first["items"][0]["created"] >= second["items"][0]["created"]
    assert first["items"][0]["invoice_id"] != second["items"][0]["invoice_id"]
    assert second["next_cursor"] is None
    assert all(page["items"][0]["pdf_url"].endswith("/pdf") for page in (first, second))
    assert {page["items"][0]["status"] for page in (first, second)} <= {"paid", "open"}


def test_a_tampered_invoice_cursor_is_refused(stripe_sandbox: InProcessStripe) -> None:
    _status, problem = billing_call("GET", "/v1/billing/invoices", CLIENT_ACME, query={"cursor": "e30.AAAA"})

    assert_problem(problem, 400, "invalid-cursor")


def test_stripe_down_is_a_clear_502_and_nothing_is_recorded(stripe_sandbox: InProcessStripe, aws: AwsWorld) -> None:
    stripe_sandbox.down()

    _status, problem = billing_call("POST", "/v1/billing/portal-session", CLIENT_ACME)

    assert_problem(problem, 502, "stripe-unavailable")
    assert aws.dynamodb.scan(TableName="hub-billing")["Items"] == []


def test_stripes_subscription_events_keep_the_account_in_step(stripe_sandbox: InProcessStripe, aws: AwsWorld) -> None:
    deliver(added("1001"))
    deliver(added("1002"))
    store = BillingStore("hub-billing", aws.dynamodb)
    updated = stripe_sandbox.events("customer.subscription.updated")
    subscription_id = subscription(stripe_sandbox)["id"]

    answers = [stripe_delivery(body, headers) for body, headers in updated]
    stripe_sandbox.payments_client.v1.subscriptions.cancel(subscription_id)
    (ended,) = [
        stripe_delivery(body, headers) for body, headers in stripe_sandbox.events("customer.subscription.deleted")
    ]

    assert answers
    assert {answer["outcome"] for _, answer in answers} == {"applied"}
    assert ended[1]["outcome"] == "applied"
    account = store.account("acme")
    assert account is not None
    assert (account.subscription_id, account.item_id, account.generation) == (None, None, 1)
    deliver(added("1003"))  # the next billable number opens a new subscription, not the ended one again
    assert store.account("acme").subscription_id not in (None, subscription_id)  # type: ignore[union-attr]
