"""The Stripe sandbox driven by the real `stripe` SDK, and the get.chat sandbox over HTTP.

The Stripe SDK needs a real HTTP server: the sandbox runs under uvicorn on a free loopback port for
this module (startup bounded to a few seconds). Its clock is real time, shifted forward where a test needs a
later moment (webhook signatures from the future still verify; old ones would not).
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
import stripe
import uvicorn
from starlette.testclient import TestClient
from stripe.params import CustomerRetrieveParams, PaymentIntentCreateParams

from local.sandboxes.getchat import GetChatState, build_getchat_sandbox
from local.sandboxes.stripe import (
    FAILING_CARD,
    NUMBER_PRICE_ID,
    SUCCEEDING_CARD,
    StripeSandbox,
    StripeState,
    decode_form,
)

WEBHOOK_SECRET = "whsec_sandbox_test"
WEBHOOK_URL = "http://hub.local/webhooks/stripe"
STARTUP_SECONDS = 5.0
GETCHAT_KEY = "getchat-key"
DAY = 86400
PERIOD = 30 * DAY
UNIT = 4900


@dataclass
class Hub:
    received: list[tuple[str, bytes, dict[str, str]]] = field(default_factory=list)
    down: bool = False

    def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> None:
        if self.down:
            raise httpx.ConnectError("the hub is down")
        self.received.append((url, body, dict(headers)))


@dataclass
class Clock:
    shift: float = 0.0

    def __call__(self) -> float:
        return time.time() + self.shift


@dataclass
class StripeServer:
    base_url: str
    sandbox: StripeSandbox
    hub: Hub
    client: stripe.StripeClient
    clock: Clock
    http: httpx.Client
    """For the sandbox's pages and admin API."""

    def admin(self, path: str, body: dict[str, str] | None = None) -> httpx.Response:
        return self.http.post(f"{self.base_url}/_sandbox/{path}", json=body)

    def sent_since(self, mark: int) -> list[dict[str, Any]]:
        """The webhooks sent since `mark` (a count of `hub.received`), each verified as the hub verifies it."""
        events = []
        for _, body, headers in self.hub.received[mark:]:
            stripe.Webhook.construct_event(body, headers["Stripe-Signature"], WEBHOOK_SECRET)
            events.append(json.loads(body))
        return events


@pytest.fixture(scope="module")
def stripe_server() -> Iterator[StripeServer]:
    hub, clock = Hub(), Clock()
    sandbox = StripeSandbox(
        StripeState(), webhook_secret=WEBHOOK_SECRET, webhook_url=WEBHOOK_URL, post_webhook=hub.post, clock=clock
    )
    listener = socket.socket()
    # Accepted connections inherit it: without, each answer waits ~40 ms on Nagle and delayed ACKs.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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
    with httpx.Client() as http:
        yield StripeServer(base_url, sandbox, hub, client, clock, http)
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
    page = stripe_server.http.get(session.url)

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

    completed = stripe_server.http.post(f"{stripe_server.base_url}/_sandbox/checkout/sessions/{session.id}/complete")
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
    stripe_server.http.post(f"{stripe_server.base_url}/_sandbox/checkout/sessions/{session.id}/complete")
    _, body, headers = stripe_server.hub.received[-1]

    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(body, headers["Stripe-Signature"], "whsec_other")


def test_the_pay_button_completes_and_returns_to_the_success_url(stripe_server: StripeServer) -> None:
    session = top_up(stripe_server, 2500)

    page = stripe_server.http.get(f"{stripe_server.base_url}/checkout/{session.id}")
    paid = stripe_server.http.post(f"{stripe_server.base_url}/checkout/{session.id}/pay")
    again = stripe_server.http.post(f"{stripe_server.base_url}/_sandbox/checkout/sessions/{session.id}/complete")

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
    response = stripe_server.http.get(f"{stripe_server.base_url}/v1/customers/cus_x")

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_form_bodies_decode_to_nested_objects_and_lists() -> None:
    pairs = [("items[0][price]", "p1"), ("items[1][price]", "p2"), ("items[1][quantity]", "3"), ("metadata[k]", "v")]

    assert decode_form(pairs) == {
        "items": [{"price": "p1"}, {"price": "p2", "quantity": "3"}],
        "metadata": {"k": "v"},
    }


@pytest.fixture
def later(stripe_server: StripeServer) -> Iterator[Clock]:
    """The sandbox's clock, to shift forward; back to real time after the test."""
    yield stripe_server.clock
    stripe_server.clock.shift = 0.0


@pytest.fixture
def hub_outage(stripe_server: StripeServer) -> Iterator[Hub]:
    """The hub receiving webhooks, to take down; back up after the test."""
    yield stripe_server.hub
    stripe_server.hub.down = False


def customer_with_card(server: StripeServer, name: str, card: str = SUCCEEDING_CARD) -> stripe.Customer:
    customer = server.client.v1.customers.create(params={"name": name})
    assert server.admin(f"customers/{customer.id}/payment_method", {"card": card}).status_code == 200
    return customer


def default_of(customer: stripe.Customer) -> str | stripe.PaymentMethod | None:
    assert customer.invoice_settings is not None
    return customer.invoice_settings.default_payment_method


def default_method(server: StripeServer, customer_id: str) -> str:
    method = default_of(server.client.v1.customers.retrieve(customer_id))
    assert isinstance(method, str)
    return method


EXPAND_CARD: CustomerRetrieveParams = {"expand": ["invoice_settings.default_payment_method"]}


def subscribe(server: StripeServer, customer_id: str, quantity: int) -> stripe.Subscription:
    return server.client.v1.subscriptions.create(
        params={"customer": customer_id, "items": [{"price": NUMBER_PRICE_ID, "quantity": quantity}]}
    )


def types(events: list[dict[str, Any]]) -> list[str]:
    return [event["type"] for event in events]


def proration_of(line: stripe.InvoiceLineItem) -> bool:
    assert line.parent is not None
    assert line.parent.subscription_item_details is not None
    return line.parent.subscription_item_details.proration


def test_a_seeded_card_is_the_default_and_expands_to_its_payment_method(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create(params={"name": "Acme"})
    mark = len(stripe_server.hub.received)

    seeded = stripe_server.admin(f"customers/{customer.id}/payment_method", {"card": SUCCEEDING_CARD})
    plain = client.customers.retrieve(customer.id)
    expanded = client.customers.retrieve(customer.id, params=EXPAND_CARD)
    events = stripe_server.sent_since(mark)

    method_id = seeded.json()["id"]
    method = default_of(expanded)
    assert default_of(plain) == method_id
    assert isinstance(method, stripe.PaymentMethod)
    assert (method.id, method.object, method.type, method.customer) == (
        method_id,
        "payment_method",
        "card",
        customer.id,
    )
    assert (method.livemode, method.created) == (False, customer.created)
    assert method.card is not None
    card = method.card
    assert (card.brand, card.last4, card.exp_month, card.exp_year, card.funding, card.country) == (
        "visa",
        "4242",
        12,
        2034,
        "credit",
        "US",
    )
    assert types(events) == ["payment_method.attached", "customer.updated"]
    assert events[0]["data"]["object"]["id"] == method_id
    assert events[1]["data"]["previous_attributes"] == {"invoice_settings": {"default_payment_method": None}}


def test_a_test_payment_method_attaches_as_a_copy_and_becomes_the_default(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create(params={"name": "Globex"})
    other = client.customers.create(params={"name": "Initech"})

    attached = client.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    updated = client.customers.update(customer.id, params={"invoice_settings": {"default_payment_method": attached.id}})
    listed = client.customers.payment_methods.list(customer.id)
    token = client.payment_methods.retrieve("pm_card_visa")
    with pytest.raises(stripe.InvalidRequestError) as foreign:
        client.customers.update(other.id, params={"invoice_settings": {"default_payment_method": attached.id}})

    assert attached.id != "pm_card_visa"
    assert attached.customer == customer.id
    assert default_of(updated) == attached.id
    assert [method.id for method in listed.data] == [attached.id]
    assert token.card is not None
    assert (token.customer, token.card.last4) == (None, "4242")
    assert (foreign.value.code, foreign.value.param) == ("resource_missing", "invoice_settings[default_payment_method]")


def test_the_failing_test_card_is_a_visa_ending_0341(stripe_server: StripeServer) -> None:
    methods = stripe_server.client.v1.payment_methods

    method = methods.retrieve("pm_card_chargeCustomerFail")
    with pytest.raises(stripe.InvalidRequestError) as unknown:
        methods.retrieve("pm_nothing")

    assert method.card is not None
    assert (method.id, method.type, method.card.brand, method.card.last4) == (
        "pm_card_chargeCustomerFail",
        "card",
        "visa",
        "0341",
    )
    assert (unknown.value.http_status, unknown.value.code) == (404, "resource_missing")


def test_expanding_a_property_that_holds_no_id_is_refused(stripe_server: StripeServer) -> None:
    customers = stripe_server.client.v1.customers
    customer = customers.create(params={"email": "e@acme.example"})

    with pytest.raises(stripe.InvalidRequestError) as refused:
        customers.retrieve(customer.id, params={"expand": ["email"]})

    assert refused.value.param == "expand"


FUNDS_METADATA = {"client_id": "acme", "purpose": "funds_top_up", "top_up_id": "top-1"}


def funds_checkout(server: StripeServer, customer_id: str, cents: int) -> stripe.checkout.Session:
    """A checkout as the hub's billing service opens one: the card saved for later off-session charges."""
    return server.client.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "customer": customer_id,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {"currency": "eur", "unit_amount": cents, "product_data": {"name": "Funds"}},
                }
            ],
            "metadata": FUNDS_METADATA,
            "payment_intent_data": {"setup_future_usage": "off_session", "metadata": FUNDS_METADATA},
            "client_reference_id": "top-1",
            "success_url": "http://localhost:3000/funds?done=1",
            "cancel_url": "http://localhost:3000/funds?cancelled=1",
        }
    )


def test_the_checkout_page_offers_both_test_cards_and_a_cancel_link(stripe_server: StripeServer) -> None:
    customer = stripe_server.client.v1.customers.create(params={"name": "Acme"})
    session = funds_checkout(stripe_server, customer.id, 2000)

    page = stripe_server.http.get(str(session.url)).text

    radios = re.findall(r'<label><input type="radio" name="card" value="(\d+)"( checked)?> (\d+) ', page)
    assert radios == [(SUCCEEDING_CARD, " checked", SUCCEEDING_CARD), (FAILING_CARD, "", FAILING_CARD)]
    assert '<a href="http://localhost:3000/funds?cancelled=1">Cancel</a>' in page
    assert "Funds: 20.00 EUR" in page
    assert "<button>Pay</button>" in page


def test_paying_a_checkout_charges_saves_the_card_and_sends_the_events(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create(params={"name": "Hooli"})
    session = funds_checkout(stripe_server, customer.id, 5000)
    mark = len(stripe_server.hub.received)

    paid = stripe_server.http.post(
        f"{stripe_server.base_url}/checkout/{session.id}/pay", data={"card": SUCCEEDING_CARD}
    )
    events = stripe_server.sent_since(mark)
    completed = events[-1]["data"]["object"]
    intent = client.payment_intents.retrieve(completed["payment_intent"])

    assert (paid.status_code, paid.headers["location"]) == (303, "http://localhost:3000/funds?done=1")
    assert types(events) == [
        "payment_intent.created",
        "payment_method.attached",
        "payment_intent.succeeded",
        "customer.updated",
        "checkout.session.completed",
    ]
    assert (completed["status"], completed["payment_status"], completed["amount_total"], completed["currency"]) == (
        "complete",
        "paid",
        5000,
        "eur",
    )
    assert (completed["customer"], completed["metadata"], completed["client_reference_id"]) == (
        customer.id,
        FUNDS_METADATA,
        "top-1",
    )
    assert (intent.status, intent.amount, intent.amount_received, intent.customer) == (
        "succeeded",
        5000,
        5000,
        customer.id,
    )
    assert intent.metadata.to_dict() == FUNDS_METADATA
    assert default_method(stripe_server, customer.id) == intent.payment_method == events[1]["data"]["object"]["id"]


def test_a_declined_card_at_checkout_leaves_it_open_for_another_card(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create(params={"name": "Pied Piper"})
    session = funds_checkout(stripe_server, customer.id, 2500)
    mark = len(stripe_server.hub.received)

    declined = stripe_server.admin(f"checkout/sessions/{session.id}/complete", {"card": FAILING_CARD})
    page = stripe_server.http.post(f"{stripe_server.base_url}/checkout/{session.id}/pay", data={"card": FAILING_CARD})
    still_open = client.checkout.sessions.retrieve(session.id)
    unsaved = default_of(client.customers.retrieve(customer.id))
    paid = stripe_server.admin(f"checkout/sessions/{session.id}/complete", {"card": SUCCEEDING_CARD})
    events = stripe_server.sent_since(mark)

    error = declined.json()["error"]
    assert declined.status_code == 402
    assert (error["type"], error["code"], error["decline_code"]) == ("card_error", "card_declined", "generic_decline")
    assert error["payment_intent"]["status"] == "requires_payment_method"
    assert page.status_code == 402
    assert "Your card was declined." in page.text
    assert (still_open.status, still_open.payment_status, unsaved) == ("open", "unpaid", None)
    assert paid.json()["data"]["object"]["payment_intent"] == error["payment_intent"]["id"]
    assert types(events).count("payment_intent.payment_failed") == 2
    assert types(events)[-1] == "checkout.session.completed"


def test_a_setup_checkout_saves_the_card_as_the_default(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create(params={"name": "Dunder Mifflin"})
    session = client.checkout.sessions.create(
        params={"mode": "setup", "customer": customer.id, "currency": "eur", "success_url": "http://localhost/b"}
    )

    completed = stripe_server.admin(f"checkout/sessions/{session.id}/complete", {"card": FAILING_CARD})
    expanded = client.customers.retrieve(customer.id, params=EXPAND_CARD)

    paid_session = completed.json()["data"]["object"]
    method = default_of(expanded)
    assert (paid_session["status"], paid_session["payment_status"]) == ("complete", "no_payment_required")
    assert isinstance(method, stripe.PaymentMethod)
    assert method.card is not None
    assert method.card.last4 == "0341"


def test_an_empty_string_parameter_is_refused_as_stripe_does(stripe_server: StripeServer) -> None:
    with pytest.raises(stripe.InvalidRequestError) as empty:
        stripe_server.client.v1.checkout.sessions.create(
            params={"mode": "setup", "currency": "eur", "client_reference_id": ""}
        )

    assert (empty.value.code, empty.value.param) == ("parameter_invalid_empty", "client_reference_id")


RENEWAL_METADATA = {"number_id": "n-1", "purpose": "auto_renewal"}


def charge(server: StripeServer, customer_id: str, method: str, key: str, **changes: Any) -> stripe.PaymentIntent:
    """An off-session charge as the hub's auto-renewal makes it."""
    params: PaymentIntentCreateParams = {
        "amount": 2000,
        "currency": "eur",
        "customer": customer_id,
        "payment_method": method,
        "off_session": True,
        "confirm": True,
        "metadata": RENEWAL_METADATA,
        **changes,  # type: ignore[typeddict-item]
    }
    return server.client.v1.payment_intents.create(params=params, options={"idempotency_key": key})


def test_an_off_session_charge_succeeds_once_per_idempotency_key(stripe_server: StripeServer) -> None:
    customer = customer_with_card(stripe_server, "Acme")
    method = default_method(stripe_server, customer.id)
    key = f"renew-{customer.id}"
    mark = len(stripe_server.hub.received)

    intent = charge(stripe_server, customer.id, method, key)
    replay = charge(stripe_server, customer.id, method, key)
    events = stripe_server.sent_since(mark)
    read = stripe_server.client.v1.payment_intents.retrieve(intent.id)

    assert (intent.object, intent.status, intent.amount, intent.amount_received, intent.currency) == (
        "payment_intent",
        "succeeded",
        2000,
        2000,
        "eur",
    )
    assert (intent.customer, intent.payment_method, intent.livemode) == (customer.id, method, False)
    assert str(intent.latest_charge).startswith("ch_")
    assert intent.metadata.to_dict() == RENEWAL_METADATA
    assert replay.id == intent.id
    assert types(events) == ["payment_intent.created", "payment_intent.succeeded"]
    assert (events[1]["data"]["object"]["id"], events[1]["request"]["idempotency_key"]) == (intent.id, key)
    assert (read.status, read.created) == ("succeeded", intent.created)


@pytest.mark.parametrize("method", ["the customer's", "pm_card_chargeCustomerFail"])
def test_a_charge_on_the_failing_card_raises_a_card_error(stripe_server: StripeServer, method: str) -> None:
    customer = customer_with_card(stripe_server, "Acme", FAILING_CARD)
    payment_method = default_method(stripe_server, customer.id) if method == "the customer's" else method
    mark = len(stripe_server.hub.received)

    with pytest.raises(stripe.CardError) as declined:
        charge(stripe_server, customer.id, payment_method, f"renew-{customer.id}")
    events = stripe_server.sent_since(mark)

    assert (declined.value.http_status, declined.value.code, declined.value.user_message) == (
        402,
        "card_declined",
        "Your card was declined.",
    )
    error = declined.value.error
    assert error is not None
    intent = error.payment_intent
    assert intent is not None
    assert intent.last_payment_error is not None
    assert (error.type, error.decline_code) == ("card_error", "generic_decline")
    assert (intent.status, intent.payment_method, intent.last_payment_error.code) == (
        "requires_payment_method",
        None,
        "card_declined",
    )
    assert stripe_server.client.v1.payment_intents.retrieve(intent.id).status == "requires_payment_method"
    assert types(events) == ["payment_intent.created", "payment_intent.payment_failed"]


OTHER_CUSTOMERS_CARD = "<another customer's card>"


@pytest.mark.parametrize(
    ("changes", "param", "code"),
    [
        ({"amount": 0}, "amount", "parameter_invalid_integer"),
        ({"amount": -100}, "amount", "parameter_invalid_integer"),
        ({"amount": 49}, "amount", "amount_too_small"),
        ({"currency": "xyz"}, "currency", "parameter_invalid_string"),
        ({"customer": "cus_nobody"}, "customer", "resource_missing"),
        ({"payment_method": "pm_nothing"}, "payment_method", "resource_missing"),
        ({"payment_method": OTHER_CUSTOMERS_CARD}, "payment_method", "resource_missing"),
        ({"confirm": False}, "off_session", "parameter_invalid_string"),
    ],
)
def test_a_payment_intent_with_a_bad_parameter_is_refused(
    stripe_server: StripeServer, changes: dict[str, Any], param: str, code: str
) -> None:
    customer = customer_with_card(stripe_server, "Acme")
    method = default_method(stripe_server, customer.id)
    if changes.get("payment_method") == OTHER_CUSTOMERS_CARD:
        changes = {"payment_method": default_method(stripe_server, customer_with_card(stripe_server, "Other").id)}
    mark = len(stripe_server.hub.received)

    with pytest.raises(stripe.InvalidRequestError) as refused:
        charge(stripe_server, customer.id, method, f"bad-{customer.id}", **changes)

    assert (refused.value.http_status, refused.value.param, refused.value.code) == (400, param, code)
    assert stripe_server.hub.received[mark:] == []


def test_a_new_subscription_is_invoiced_and_charged_to_the_default_card(stripe_server: StripeServer) -> None:
    customer = customer_with_card(stripe_server, "Umbrella Corp")
    mark = len(stripe_server.hub.received)

    subscription = subscribe(stripe_server, customer.id, 2)
    events = stripe_server.sent_since(mark)
    invoice = stripe_server.client.v1.invoices.retrieve(str(subscription.latest_invoice))

    item, line = subscription["items"].data[0], invoice.lines.data[0]
    assert customer.invoice_prefix == "UMBRELLA"
    assert (invoice.object, invoice.number, invoice.status, invoice.customer, invoice.currency) == (
        "invoice",
        "UMBRELLA-0001",
        "paid",
        customer.id,
        "eur",
    )
    assert (invoice.total, invoice.subtotal, invoice.amount_due, invoice.amount_paid, invoice.amount_remaining) == (
        9800,
        9800,
        9800,
        9800,
        0,
    )
    assert (invoice.period_start, invoice.period_end) == (item.current_period_start, item.current_period_end)
    assert invoice.parent is not None
    assert invoice.parent.subscription_details is not None
    assert (invoice.parent.type, invoice.parent.subscription_details.subscription) == (
        "subscription_details",
        subscription.id,
    )
    assert (invoice.invoice_pdf, invoice.hosted_invoice_url) == (
        f"{stripe_server.base_url}/invoices/{invoice.id}/pdf",
        f"{stripe_server.base_url}/invoices/{invoice.id}",
    )
    assert (line.amount, line.quantity, line.description, proration_of(line)) == (
        9800,
        2,
        "2 × WhatsApp number (at 49.00 EUR / month)",
        False,
    )
    assert (line.period.start, line.period.end) == (item.current_period_start, item.current_period_end)
    assert types(events) == [
        "customer.subscription.created",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
    ]
    assert events[0]["data"]["object"]["latest_invoice"] == invoice.id


def test_an_invoice_without_a_card_or_on_the_failing_card_stays_open_until_paid(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create(params={"name": "Soylent"})
    mark = len(stripe_server.hub.received)

    subscription = subscribe(stripe_server, customer.id, 1)
    first = client.invoices.retrieve(str(subscription.latest_invoice))
    stripe_server.admin(f"customers/{customer.id}/payment_method", {"card": FAILING_CARD})
    second = stripe_server.admin(f"subscriptions/{subscription.id}/advance").json()["invoice"]
    events = stripe_server.sent_since(mark)
    with pytest.raises(stripe.CardError) as declined:
        client.invoices.pay(second["id"])
    stripe_server.admin(f"customers/{customer.id}/payment_method", {"card": SUCCEEDING_CARD})
    paid = client.invoices.pay(second["id"])

    assert (first.status, first.amount_due, first.amount_remaining, first.attempt_count) == ("open", 4900, 4900, 1)
    assert (second["status"], second["amount_remaining"], second["billing_reason"]) == (
        "open",
        4900,
        "subscription_cycle",
    )
    failed = [event["data"]["object"]["id"] for event in events if event["type"] == "invoice.payment_failed"]
    assert failed == [first.id, second["id"]]
    assert "invoice.paid" not in types(events)
    assert declined.value.code == "card_declined"
    assert (paid.status, paid.amount_paid, paid.amount_remaining, paid.attempt_count) == ("paid", 4900, 0, 3)


def test_a_quantity_change_prorates_into_the_preview_and_the_next_invoice(
    stripe_server: StripeServer, later: Clock
) -> None:
    client = stripe_server.client.v1
    customer = customer_with_card(stripe_server, "Stark Industries")
    subscription = subscribe(stripe_server, customer.id, 1)
    item = subscription["items"].data[0]
    later.shift = 10 * DAY
    mark = len(stripe_server.hub.received)

    client.subscription_items.update(item.id, params={"quantity": 3, "proration_behavior": "create_prorations"})
    events = stripe_server.sent_since(mark)
    preview = client.invoices.create_preview(params={"customer": customer.id, "subscription": subscription.id})
    billed = stripe_server.admin(f"subscriptions/{subscription.id}/advance").json()["invoice"]
    after = client.invoices.create_preview(params={"customer": customer.id, "subscription": subscription.id})

    proration = round(UNIT * 2 * 20 / 30)
    assert types(events) == ["customer.subscription.updated"]
    assert events[0]["data"]["object"]["items"]["data"][0]["quantity"] == 3
    assert events[0]["data"]["previous_attributes"]["items"]["data"][0]["quantity"] == 1
    assert [(line.amount, line.quantity, proration_of(line)) for line in preview.lines.data] == [
        (proration, 2, True),
        (3 * UNIT, 3, False),
    ]
    assert preview.id.startswith("upcoming_in_")
    assert (preview.status, preview.number, preview.total, preview.amount_due) == (
        "draft",
        None,
        proration + 3 * UNIT,
        proration + 3 * UNIT,
    )
    assert (preview.period_start, preview.period_end) == (item.current_period_end, item.current_period_end + PERIOD)
    assert str(preview.lines.data[0].description).startswith("Remaining time on 2 × WhatsApp number after ")
    assert (billed["number"], billed["status"], billed["total"]) == (
        f"{customer.invoice_prefix}-0002",
        "paid",
        proration + 3 * UNIT,
    )
    assert [line["amount"] for line in billed["lines"]["data"]] == [proration, 3 * UNIT]
    assert [line.amount for line in after.lines.data] == [3 * UNIT]


def test_no_prorations_or_an_invoice_at_once_and_a_credit_for_fewer_numbers(
    stripe_server: StripeServer, later: Clock
) -> None:
    client = stripe_server.client.v1
    customer = customer_with_card(stripe_server, "Wayne Enterprises")
    subscription = subscribe(stripe_server, customer.id, 3)
    item_id = subscription["items"].data[0].id
    later.shift = 15 * DAY

    client.subscriptions.update(
        subscription.id, params={"items": [{"id": item_id, "quantity": 4}], "proration_behavior": "none"}
    )
    unprorated = client.invoices.create_preview(params={"subscription": subscription.id})
    mark = len(stripe_server.hub.received)
    client.subscription_items.update(item_id, params={"quantity": 2, "proration_behavior": "always_invoice"})
    events = stripe_server.sent_since(mark)
    credit_note = client.invoices.retrieve(str(client.subscriptions.retrieve(subscription.id).latest_invoice))
    balance = client.customers.retrieve(customer.id).balance
    preview = client.invoices.create_preview(params={"subscription": subscription.id})
    with pytest.raises(stripe.InvalidRequestError) as unknown_behavior:
        client.subscription_items.update(item_id, params={"quantity": 1, "proration_behavior": "sometimes"})

    credit = -round(UNIT * 2 * 15 / 30)
    assert [line.amount for line in unprorated.lines.data] == [4 * UNIT]
    assert types(events) == [
        "customer.subscription.updated",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
    ]
    assert (credit_note.billing_reason, credit_note.total, credit_note.amount_due, credit_note.status) == (
        "subscription_update",
        credit,
        0,
        "paid",
    )
    assert (credit_note.ending_balance, balance) == (credit, credit)
    assert (preview.starting_balance, preview.total, preview.amount_due) == (credit, 2 * UNIT, 2 * UNIT + credit)
    assert unknown_behavior.value.param == "proration_behavior"


def test_updates_carry_previous_attributes_and_cancelling_ends_the_subscription(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = customer_with_card(stripe_server, "Tyrell")
    subscription = subscribe(stripe_server, customer.id, 2)
    item_id = subscription["items"].data[0].id
    mark = len(stripe_server.hub.received)

    client.subscriptions.update(
        subscription.id, params={"items": [{"id": item_id, "quantity": 2}], "metadata": {"plan": "numbers"}}
    )
    canceled = client.subscriptions.cancel(subscription.id)
    events = stripe_server.sent_since(mark)
    with pytest.raises(stripe.InvalidRequestError):
        client.subscriptions.update(subscription.id, params={"items": [{"id": item_id, "quantity": 3}]})
    with pytest.raises(stripe.InvalidRequestError) as nothing_upcoming:
        client.invoices.create_preview(params={"customer": customer.id, "subscription": subscription.id})

    assert types(events) == ["customer.subscription.updated", "customer.subscription.deleted"]
    assert events[0]["data"]["previous_attributes"] == {"metadata": {"plan": None}}
    assert canceled.cancellation_details is not None
    assert (canceled.status, canceled.ended_at, canceled.cancellation_details.reason) == (
        "canceled",
        canceled.canceled_at,
        "cancellation_requested",
    )
    assert events[1]["data"]["object"]["status"] == "canceled"
    assert nothing_upcoming.value.code == "invoice_upcoming_none"


def test_cancelling_with_prorate_and_invoice_now_credits_the_unused_time(
    stripe_server: StripeServer, later: Clock
) -> None:
    client = stripe_server.client.v1
    customer = customer_with_card(stripe_server, "Gringotts")
    subscription = subscribe(stripe_server, customer.id, 2)
    later.shift = 20 * DAY
    mark = len(stripe_server.hub.received)

    canceled = client.subscriptions.cancel(subscription.id, params={"prorate": True, "invoice_now": True})
    events = stripe_server.sent_since(mark)
    final = client.invoices.retrieve(str(canceled.latest_invoice))

    credit = -round(UNIT * 2 * 10 / 30)
    assert types(events) == [
        "customer.subscription.deleted",
        "invoice.created",
        "invoice.finalized",
        "invoice.paid",
        "invoice.payment_succeeded",
    ]
    assert (final.total, final.amount_due, final.status, [proration_of(line) for line in final.lines.data]) == (
        credit,
        0,
        "paid",
        [True],
    )
    assert client.customers.retrieve(customer.id).balance == credit


def test_a_subscription_keeps_at_least_one_item_each_changed_once(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = customer_with_card(stripe_server, "Sirius Cybernetics")
    subscription = subscribe(stripe_server, customer.id, 1)
    item_id = subscription["items"].data[0].id

    with pytest.raises(stripe.InvalidRequestError) as emptied:
        client.subscriptions.update(subscription.id, params={"items": [{"id": item_id, "deleted": True}]})
    with pytest.raises(stripe.InvalidRequestError) as twice:
        client.subscriptions.update(
            subscription.id, params={"items": [{"id": item_id, "quantity": 2}, {"id": item_id, "quantity": 3}]}
        )

    assert (emptied.value.param, twice.value.param) == ("items", "items[1][id]")
    assert client.subscriptions.retrieve(subscription.id)["items"].data[0].quantity == 1


def test_a_subscription_cancelling_at_period_end_ends_when_its_period_does(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = customer_with_card(stripe_server, "Initrode")
    subscription = subscribe(stripe_server, customer.id, 1)
    period_end = subscription["items"].data[0].current_period_end

    updated = client.subscriptions.update(subscription.id, params={"cancel_at_period_end": True})
    mark = len(stripe_server.hub.received)
    advanced = stripe_server.admin(f"subscriptions/{subscription.id}/advance").json()
    events = stripe_server.sent_since(mark)

    assert (updated.cancel_at_period_end, updated.cancel_at) == (True, period_end)
    assert advanced["invoice"] is None
    assert (advanced["subscription"]["status"], advanced["subscription"]["ended_at"]) == ("canceled", period_end)
    assert types(events) == ["customer.subscription.deleted"]


def test_invoices_list_newest_first_in_pages(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    first = customer_with_card(stripe_server, "Vandelay Industries")
    second = customer_with_card(stripe_server, "Vandelay Industries")
    subscription = subscribe(stripe_server, first.id, 1)
    for _ in range(2):
        stripe_server.admin(f"subscriptions/{subscription.id}/advance")
    subscribe(stripe_server, second.id, 1)

    page = client.invoices.list(params={"customer": first.id, "limit": 2})
    rest = client.invoices.list(params={"customer": first.id, "limit": 2, "starting_after": page.data[-1].id})
    paid = client.invoices.list(params={"customer": first.id, "status": "paid"})
    still_open = client.invoices.list(params={"customer": first.id, "status": "open"})
    others = client.invoices.list(params={"customer": second.id})

    assert (first.invoice_prefix, second.invoice_prefix) == ("VANDELAY", "VANDELAY2")
    assert ([invoice.number for invoice in page.data], page.has_more) == (["VANDELAY-0003", "VANDELAY-0002"], True)
    assert ([invoice.number for invoice in rest.data], rest.has_more) == (["VANDELAY-0001"], False)
    assert (len(paid.data), still_open.data) == (3, [])
    assert [invoice.number for invoice in others.data] == ["VANDELAY2-0001"]
    assert page.data[0].period_start == page.data[1].period_end


def test_open_invoices_can_be_voided_or_marked_uncollectible(stripe_server: StripeServer) -> None:
    client = stripe_server.client.v1
    customer = client.customers.create(params={"name": "Cyberdyne"})
    subscription = subscribe(stripe_server, customer.id, 1)
    first = str(subscription.latest_invoice)
    second = stripe_server.admin(f"subscriptions/{subscription.id}/advance").json()["invoice"]["id"]
    mark = len(stripe_server.hub.received)

    voided = client.invoices.void_invoice(first)
    uncollectible = stripe_server.admin(f"invoices/{second}/mark_uncollectible")
    events = stripe_server.sent_since(mark)
    with pytest.raises(stripe.InvalidRequestError) as not_open:
        client.invoices.mark_uncollectible(first)
    listed = client.invoices.list(params={"customer": customer.id, "status": "void"})

    assert voided.status == "void"
    assert voided.status_transitions.voided_at is not None
    assert uncollectible.json()["status"] == "uncollectible"
    assert types(events) == ["invoice.voided", "invoice.marked_uncollectible"]
    assert not_open.value.code == "invoice_not_editable"
    assert [invoice.id for invoice in listed.data] == [first]


def test_an_invoice_has_a_valid_pdf_and_a_hosted_page(stripe_server: StripeServer) -> None:
    customer = customer_with_card(stripe_server, "Oceanic")
    invoice = stripe_server.client.v1.invoices.retrieve(str(subscribe(stripe_server, customer.id, 2).latest_invoice))

    pdf = stripe_server.http.get(str(invoice.invoice_pdf))
    hosted = stripe_server.http.get(str(invoice.hosted_invoice_url))

    body = pdf.content
    assert pdf.headers["content-type"] == "application/pdf"
    assert body.startswith(b"%PDF-")
    assert body.endswith(b"%%EOF\n")
    assert b"(Invoice OCEANIC-0001)" in body
    assert b"(Total: 98.00 EUR)" in body
    xref = int(re.findall(rb"startxref\n(\d+)\n", body)[-1])
    table = body[xref:].split(b"\n")
    count = int(table[1].split()[1])
    offsets = [int(entry[:10]) for entry in table[3 : 2 + count]]
    assert table[0] == b"xref"
    assert [body[offset:].split(b"\n", 1)[0] for offset in offsets] == [b"%d 0 obj" % n for n in range(1, count)]
    stream = re.search(rb"/Length (\d+) >>\nstream\n(.*)\nendstream", body, re.DOTALL)
    assert stream is not None
    assert int(stream.group(1)) == len(stream.group(2))
    assert b"/Type /Pages /Kids [3 0 R] /Count 1" in body
    assert hosted.status_code == 200
    assert "Invoice OCEANIC-0001" in hosted.text


def test_an_undelivered_event_is_resent_with_the_same_id(stripe_server: StripeServer, hub_outage: Hub) -> None:
    customer = stripe_server.client.v1.customers.create(params={"name": "Nakatomi"})
    hub_outage.down = True
    method = stripe_server.admin(f"customers/{customer.id}/payment_method", {"card": SUCCEEDING_CARD}).json()
    hub_outage.down = False
    state_url = f"{stripe_server.base_url}/_sandbox/state"
    records = stripe_server.http.get(state_url).json()["events"]
    attached = next(event for event in records if event["data"]["object"]["id"] == method["id"])
    mark = len(stripe_server.hub.received)

    resent = stripe_server.admin(f"events/{attached['id']}/resend")
    stripe_server.admin(f"events/{attached['id']}/resend")
    events = stripe_server.sent_since(mark)
    record = next(
        event for event in stripe_server.http.get(state_url).json()["events"] if event["id"] == attached["id"]
    )
    fetched = stripe_server.client.v1.events.retrieve(attached["id"])

    assert (attached["type"], attached["delivery"], attached["attempts"]) == ("payment_method.attached", "failed", 1)
    assert resent.json()["id"] == attached["id"]
    assert [event["id"] for event in events] == [attached["id"], attached["id"]]
    assert events[0] == {key: value for key, value in attached.items() if key not in ("delivery", "attempts")}
    assert (record["delivery"], record["attempts"]) == ("delivered", 3)
    assert (fetched.id, fetched.type, fetched.api_version) == (attached["id"], attached["type"], stripe.api_version)


def test_the_state_shows_payments_cards_invoices_and_events(stripe_server: StripeServer) -> None:
    customer = customer_with_card(stripe_server, "Massive Dynamic")
    method = default_method(stripe_server, customer.id)
    invoice = str(subscribe(stripe_server, customer.id, 1).latest_invoice)
    intent = charge(stripe_server, customer.id, method, f"state-{customer.id}")

    state = stripe_server.http.get(f"{stripe_server.base_url}/_sandbox/state").json()

    assert state["payment_methods"][method]["customer"] == customer.id
    assert state["payment_intents"][intent.id]["status"] == "succeeded"
    assert state["invoices"][invoice]["status"] == "paid"
    assert {event["delivery"] for event in state["events"][-3:]} == {"delivered"}


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
