"""The Stripe sandbox driven by the real `stripe` SDK, and the get.chat sandbox over HTTP.

The Stripe SDK needs a real HTTP server: the sandbox runs under uvicorn on a free loopback port for
this module (startup bounded to a few seconds).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest
import stripe
import uvicorn
from starlette.testclient import TestClient

from local.sandboxes.getchat import GetChatState, build_getchat_sandbox
from local.sandboxes.stripe import NUMBER_PRICE_ID, StripeSandbox, StripeState, decode_form

WEBHOOK_SECRET = "whsec_sandbox_test"
WEBHOOK_URL = "http://hub.local/webhooks/stripe"
STARTUP_SECONDS = 5.0
GETCHAT_KEY = "getchat-key"


@dataclass
class Hub:
    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        self.received.append((url, body, dict(headers)))


@dataclass
class StripeServer:
    base_url: str
    sandbox: StripeSandbox
    hub: Hub
    client: stripe.StripeClient


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[StripeServer]:
    hub = Hub()
    sandbox = StripeSandbox(
        StripeState(), webhook_secret=WEBHOOK_SECRET, webhook_url=WEBHOOK_URL, post_webhook=hub.post
    )
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(sandbox.app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the Stripe sandbox did not start"
    base_url = f"http://127.0.0.1:{port}"
    client = stripe.StripeClient("sk_test_sandbox", base_addresses={"api": base_url}, max_network_retries=0)
    yield StripeServer(base_url, sandbox, hub, client)
    server.should_exit = True
    thread.join(timeout=STARTUP_SECONDS)
    listener.close()


def test_sdk_creates_and_retrieves_a_customer(stripe_server: StripeServer) -> None:
    customers = stripe_server.client.v1.customers

    created = customers.create(params={"email": "anna@acme.example", "name": "Acme", "metadata": {"client_id": "acme"}})
    read = customers.retrieve(created.id)

    assert created.id.startswith("cus_")
    assert (read.email, read.name) == ("anna@acme.example", "Acme")
    assert read.metadata is not None
    assert read.metadata.to_dict() == {"client_id": "acme"}


def test_subscription_quantity_follows_the_number_count(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create(params={"email": "gary@globex.example"})

    subscription = client.subscriptions.create(
        params={"customer": customer.id, "items": [{"price": NUMBER_PRICE_ID, "quantity": 2}]}
    )
    item = subscription["items"].data[0]
    client.subscriptions.update(subscription.id, params={"items": [{"id": item.id, "quantity": 3}]})
    after_update = client.subscriptions.retrieve(subscription.id)["items"].data[0].quantity
    client.subscription_items.update(item.id, params={"quantity": 1})
    after_item_update = client.subscriptions.retrieve(subscription.id)["items"].data[0].quantity

    assert (subscription.status, subscription.customer) == ("active", customer.id)
    assert (item.quantity, item.price.id, item.price.unit_amount) == (2, NUMBER_PRICE_ID, 4900)
    assert item.current_period_end > item.current_period_start
    assert (after_update, after_item_update) == (3, 1)


def test_unknown_objects_are_stripes_resource_missing_errors(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1

    with pytest.raises(stripe.InvalidRequestError) as unknown_customer:
        client.subscriptions.create(params={"customer": "cus_nobody", "items": [{"price": NUMBER_PRICE_ID}]})
    with pytest.raises(stripe.InvalidRequestError) as unknown_subscription:
        client.subscriptions.retrieve("sub_nothing")

    assert (unknown_customer.value.code, unknown_customer.value.param) == ("resource_missing", "customer")
    assert unknown_customer.value.http_status == 400
    assert unknown_subscription.value.http_status == 404
    assert "No such subscription: 'sub_nothing'" in str(unknown_subscription.value)


def test_missing_parameters_and_unknown_prices_are_refused(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create()

    with pytest.raises(stripe.InvalidRequestError) as no_items:
        client.subscriptions.create(params={"customer": customer.id})
    with pytest.raises(stripe.InvalidRequestError) as unknown_price:
        client.subscriptions.create(params={"customer": customer.id, "items": [{"price": "price_other"}]})

    assert (no_items.value.code, no_items.value.param) == ("parameter_missing", "items")
    assert (unknown_price.value.code, unknown_price.value.param) == ("resource_missing", "items[0][price]")


def test_portal_session_gives_a_url_that_serves_the_portal(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create()

    session = client.billing_portal.sessions.create(
        params={"customer": customer.id, "return_url": "http://localhost:3000/billing"}
    )
    page = httpx.get(session.url)

    assert session.url.startswith(stripe_server.base_url)
    assert page.status_code == 200
    assert customer.id in page.text


def top_up(server: StripeServer, cents: int) -> stripe.checkout.Session:
    return server.client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {"currency": "eur", "unit_amount": cents, "product_data": {"name": "Funds"}},
                    "quantity": 1,
                }
            ],
            "metadata": {"client_id": "acme", "purpose": "funds_top_up"},
            "client_reference_id": "acme",
            "success_url": "http://localhost:3000/funds?session={CHECKOUT_SESSION_ID}",
        }
    )


def test_completed_checkout_sends_a_webhook_the_sdk_verifies(stripe_server: StripeServer) -> None:
    session = top_up(stripe_server, 5000)

    completed = httpx.post(f"{stripe_server.base_url}/_sandbox/checkout/sessions/{session.id}/complete")
    url, body, headers = stripe_server.hub.received[-1]
    event = stripe.Webhook.construct_event(body, headers["Stripe-Signature"], WEBHOOK_SECRET)

    assert (session.status, session.amount_total, session.url) == (
        "open",
        5000,
        f"{stripe_server.base_url}/checkout/{session.id}",
    )
    assert completed.status_code == 200
    assert url == WEBHOOK_URL
    assert event.type == "checkout.session.completed"
    paid = event.data.object
    assert (paid["id"], paid["payment_status"], paid["amount_total"], paid["currency"]) == (
        session.id,
        "paid",
        5000,
        "eur",
    )
    assert paid["metadata"]["purpose"] == "funds_top_up"
    assert stripe_server.client.v1.checkout.sessions.retrieve(session.id).status == "complete"


def test_a_webhook_signed_with_another_secret_is_rejected_by_the_sdk(stripe_server: StripeServer) -> None:
    session = top_up(stripe_server, 1000)
    httpx.post(f"{stripe_server.base_url}/_sandbox/checkout/sessions/{session.id}/complete")
    _, body, headers = stripe_server.hub.received[-1]

    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_other")


def test_the_pay_button_completes_and_returns_to_the_success_url(stripe_server: StripeServer) -> None:
    session = top_up(stripe_server, 2500)

    page = httpx.get(f"{stripe_server.base_url}/checkout/{session.id}")
    paid = httpx.post(f"{stripe_server.base_url}/checkout/{session.id}/pay")
    again = httpx.post(f"{stripe_server.base_url}/_sandbox/checkout/sessions/{session.id}/complete")

    assert "25.00 EUR" in page.text
    assert paid.status_code == 303
    assert paid.headers["location"] == f"http://localhost:3000/funds?session={session.id}"
    assert again.status_code == 400
    assert json.loads(stripe_server.hub.received[-1][1])["data"]["object"]["id"] == session.id


def test_an_idempotency_key_replays_the_first_answer(stripe_server: StripeServer) -> None:
    customers = stripe_server.client.v1.customers

    first = customers.create(params={"email": "a@acme.example"}, options={"idempotency_key": "top-up-1"})
    replay = customers.create(params={"email": "a@acme.example"}, options={"idempotency_key": "top-up-1"})
    with pytest.raises(stripe.IdempotencyError):
        customers.create(params={"email": "other@acme.example"}, options={"idempotency_key": "top-up-1"})

    assert replay.id == first.id


def test_calls_without_an_api_key_get_stripes_401(stripe_server: StripeServer) -> None:
    response = httpx.get(f"{stripe_server.base_url}/v1/customers/cus_x")

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_form_bodies_decode_to_nested_objects_and_lists() -> None:
    pairs = [("items[0][price]", "p1"), ("items[1][price]", "p2"), ("items[1][quantity]", "3"), ("metadata[k]", "v")]

    assert decode_form(pairs) == {
        "items": [{"price": "p1"}, {"price": "p2", "quantity": "3"}],
        "metadata": {"k": "v"},
    }


# --- get.chat --------------------------------------------------------------------------------------


@pytest.fixture
def getchat() -> Iterator[TestClient]:
    app = build_getchat_sandbox(GetChatState(), api_key=GETCHAT_KEY, clock=lambda: datetime(2026, 1, 5, 10, tzinfo=UTC))
    with TestClient(app, headers={"Authorization": f"Bearer {GETCHAT_KEY}"}) as client:
        yield client


INBOX = {
    "phone_number_id": "106540352242922",
    "waba_id": "102290129340398",
    "client_id": "acme",
    "display_name": "Acme",
}


def test_an_inbox_is_provisioned_once_per_phone_number(getchat: TestClient) -> None:
    created = getchat.post("/api/v1/inboxes", json=INBOX)
    again = getchat.post("/api/v1/inboxes", json={**INBOX, "display_name": "Acme again"})
    read = getchat.get(f"/api/v1/inboxes/{created.json()['id']}")

    assert (created.status_code, again.status_code) == (201, 200)
    assert again.json() == created.json() == read.json()
    assert created.json()["status"] == "active"
    assert created.json()["created_at"] == "2026-01-05T10:00:00Z"
    assert getchat.get(created.json()["url"]).status_code == 200


def test_inboxes_of_other_numbers_are_separate(getchat: TestClient) -> None:
    first = getchat.post("/api/v1/inboxes", json=INBOX).json()
    second = getchat.post("/api/v1/inboxes", json={**INBOX, "phone_number_id": "106540352242923"}).json()

    assert first["id"] != second["id"]


@pytest.mark.parametrize(("authorization", "detail"), [(None, "not provided"), ("Bearer wrong", "Invalid token")])
def test_inbox_api_needs_the_api_key(getchat: TestClient, authorization: str | None, detail: str) -> None:
    getchat.headers.pop("Authorization")
    headers = {"Authorization": authorization} if authorization else {}

    response = getchat.post("/api/v1/inboxes", json=INBOX, headers=headers)

    assert response.status_code == 401
    assert detail in response.json()["detail"]


def test_an_incomplete_inbox_request_names_the_missing_fields(getchat: TestClient) -> None:
    response = getchat.post("/api/v1/inboxes", json={"phone_number_id": "1", "waba_id": ""})

    assert response.status_code == 400
    assert response.json() == {
        "waba_id": ["This field may not be blank."],
        "client_id": ["This field is required."],
        "display_name": ["This field is required."],
    }


def test_an_unknown_inbox_is_not_found(getchat: TestClient) -> None:
    response = getchat.get("/api/v1/inboxes/inbox-999999")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
