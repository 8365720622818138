"""Billing on the local hub, over HTTP only: a top-up paid on the Stripe sandbox's checkout credited once however
often Stripe sends its webhook, and auto-renewal charged after the daily usage job — the Stripe sandbox signing its
webhooks to the hub as Stripe does. (An added number raising the subscription's quantity is in
test_numbers_lifecycle.py, where numbers are added.)"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.builders import LocalHubUnderTest

pytestmark = pytest.mark.e2e

ANNA = "anna@acme.example"
WAIT_SECONDS = 20


def eventually(probe: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.25)
    raise AssertionError(f"within {WAIT_SECONDS} s: {what}")


def call(hub: LocalHubUnderTest, method: str, path: str, body: Any = None, **headers: str) -> httpx.Response:
    sent = {"Authorization": f"Bearer {hub.token(ANNA)}", **headers}
    return httpx.request(method, f"{hub.api}{path}", headers=sent, json=body, timeout=60)


def funds_of(hub: LocalHubUnderTest, number_id: str) -> dict[str, Any]:
    numbers = call(hub, "GET", "/v1/billing/funds").json()["numbers"]
    found: dict[str, Any] = next(number for number in numbers if number["number_id"] == number_id)
    return found


def stripe_events(hub: LocalHubUnderTest, kind: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = httpx.get(f"{hub.stripe}/_sandbox/state", timeout=30).json()["events"]
    return [event for event in events if event["type"] == kind]


def delivered(hub: LocalHubUnderTest, event_id: str) -> int:
    """How often the sandbox delivered the event to the hub."""
    events = httpx.get(f"{hub.stripe}/_sandbox/state", timeout=30).json()["events"]
    event = next(event for event in events if event["id"] == event_id)
    return int(event["attempts"]) if event["delivery"] == "delivered" else 0


def test_a_top_up_paid_at_checkout_is_credited_once_though_stripe_sends_it_twice(hub: LocalHubUnderTest) -> None:
    number_id = call(hub, "GET", "/v1/billing/funds").json()["numbers"][1]["number_id"]
    before = funds_of(hub, number_id)["balance"]
    asked = call(
        hub,
        "POST",
        f"/v1/billing/funds/{number_id}/top-ups",
        {"amount": 2500, "currency": "eur"},
        **{"Idempotency-Key": str(uuid.uuid4())},
    )
    assert asked.status_code == 201, asked.text
    session_id = asked.json()["checkout_url"].rsplit("/", 1)[-1]

    paid = httpx.post(f"{hub.stripe}/_sandbox/checkout/sessions/{session_id}/complete", json={}, timeout=30)
    assert paid.status_code == 200, paid.text
    eventually(lambda: funds_of(hub, number_id)["balance"] == before + 2500, "the webhook credits the top-up")
    (completed,) = [
        e for e in stripe_events(hub, "checkout.session.completed") if e["data"]["object"]["id"] == session_id
    ]
    resent = httpx.post(f"{hub.stripe}/_sandbox/events/{completed['id']}/resend", timeout=30)

    assert resent.status_code == 200, resent.text
    assert funds_of(hub, number_id)["balance"] == before + 2500
    ledger = call(hub, "GET", f"/v1/billing/funds/{number_id}/ledger").json()["items"]
    assert [entry["amount"] for entry in ledger if entry["kind"] == "top_up"].count(2500) == 1


def test_auto_renewal_charges_the_saved_card_after_the_usage_job(hub: LocalHubUnderTest) -> None:
    number_id = call(hub, "GET", "/v1/billing/funds").json()["numbers"][0]["number_id"]
    renewal = {"enabled": True, "threshold": 400000, "amount": 500000}  # any debit leaves it below the threshold
    assert call(hub, "PUT", f"/v1/billing/funds/{number_id}/auto-renewal", renewal).status_code == 200

    run = httpx.post(f"{hub.api}/_local/jobs/BillingUsage", timeout=300)

    assert run.status_code == 200, run.text
    assert run.json()["result"]["debited"] >= 1

    def renewed() -> bool:
        ledger = call(hub, "GET", f"/v1/billing/funds/{number_id}/ledger").json()["items"]
        return any(entry["kind"] == "auto_renewal" and entry["amount"] == 500000 for entry in ledger)

    eventually(renewed, "the off-session charge's webhook credits the renewal")
    assert funds_of(hub, number_id)["renewal_pending"] is False
