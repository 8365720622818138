"""A local stand-in for the parts of Stripe's API the hub uses, spoken to by the real `stripe` SDK (v16).

Point the SDK at it: `stripe.StripeClient(key, base_addresses={"api": "http://127.0.0.1:<port>"})`.
Requests are form-encoded as the SDK sends them (`items[0][price]=...`); answers are Stripe objects as
JSON; errors are Stripe's envelope `{"error": {"type", "message", "code", "param"}}`. Any bearer key is
accepted. A POST repeating an `Idempotency-Key` gets the first answer again.

Objects: customers (create, retrieve); subscriptions with one or more items (create, retrieve, update
quantities, also through `POST /v1/subscription_items/{id}`; a period is 30 days); billing portal and
checkout sessions (create; each `url` is a small page served here). Completing a checkout — the Pay
button of its page, or `POST /_sandbox/checkout/sessions/{id}/complete` — marks it paid and POSTs a
`checkout.session.completed` event to the webhook URL, signed `Stripe-Signature: t=...,v1=...` with the
webhook secret, as `stripe.Webhook.construct_event` checks it (one attempt; `GET /_sandbox/state` shows
how each went). Prices are those of `StripeState.prices`; `clock` gives Unix seconds (real time by
default, since the SDK refuses signatures older than 5 minutes).
"""

from __future__ import annotations

import copy
import html
import json
import re
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import httpx
import stripe
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from local.sandboxes import WebhookPoster, post_with_httpx

Json = dict[str, Any]
NUMBER_PRICE_ID = "price_whatsapp_number_monthly"
PERIOD_SECONDS = 30 * 86400
CHECKOUT_LIFETIME_SECONDS = 86400


def _default_prices() -> dict[str, Json]:
    return {
        NUMBER_PRICE_ID: {
            "id": NUMBER_PRICE_ID,
            "object": "price",
            "active": True,
            "currency": "eur",
            "unit_amount": 4900,
            "nickname": "WhatsApp number",
            "product": "prod_whatsapp_number",
            "type": "recurring",
            "recurring": {"interval": "month", "interval_count": 1},
            "livemode": False,
        }
    }


@dataclass
class StripeState:
    prices: dict[str, Json] = field(default_factory=_default_prices)
    customers: dict[str, Json] = field(default_factory=dict)
    subscriptions: dict[str, Json] = field(default_factory=dict)
    checkout_sessions: dict[str, Json] = field(default_factory=dict)
    portal_sessions: dict[str, Json] = field(default_factory=dict)
    events: list[Json] = field(default_factory=list)
    """Events sent, each with the sandbox's `delivery` status ("delivered", "failed", "unsent")."""
    idempotent: dict[str, tuple[str, int, Json]] = field(default_factory=dict)
    """Idempotency key → (what was asked, status, answer)."""
    next_id: int = 0

    def new_id(self, prefix: str) -> str:
        self.next_id += 1
        return f"{prefix}_sandbox{self.next_id:010d}"


class StripeApiError(Exception):
    def __init__(
        self,
        message: str,
        *,
        http_status: int = 400,
        code: str | None = None,
        param: str | None = None,
        error_type: str = "invalid_request_error",
    ):
        super().__init__(message)
        self.http_status = http_status
        self.body: Json = {"type": error_type, "message": message, "code": code, "param": param}

    def envelope(self) -> Json:
        return {"error": {key: value for key, value in self.body.items() if value is not None}}


def no_such(kind: str, object_id: str, *, param: str = "id", http_status: int = 404) -> StripeApiError:
    return StripeApiError(
        f"No such {kind}: '{object_id}'", http_status=http_status, code="resource_missing", param=param
    )


def missing(param: str) -> StripeApiError:
    return StripeApiError(f"Missing required param: {param}.", code="parameter_missing", param=param)


def decode_form(pairs: list[tuple[str, str]]) -> Json:
    """`items[0][price]=p&metadata[k]=v` → `{"items": [{"price": "p"}], "metadata": {"k": "v"}}`."""
    root: Json = {}
    for key, value in pairs:
        parts = [key.split("[", 1)[0], *re.findall(r"\[([^\]]*)\]", key)]
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    decoded: Json = _listify(root)
    return decoded


def _listify(node: Any) -> Any:
    if not isinstance(node, dict):
        return node
    values = {key: _listify(value) for key, value in node.items()}
    if values and all(key.isdigit() for key in values):
        return [values[key] for key in sorted(values, key=int)]
    return values


@dataclass(frozen=True)
class StripeCall:
    params: Json
    object_id: str
    base_url: str
    now: int

    def required(self, name: str) -> str:
        value = self.params.get(name)
        if not value:
            raise missing(name)
        return str(value)

    def integer(self, name: str, value: Any, default: int) -> int:
        if value is None:
            return default
        if not str(value).isdigit():
            raise StripeApiError(f"Invalid integer: {value}", code="parameter_invalid_integer", param=name)
        return int(value)

    def metadata(self) -> dict[str, str]:
        metadata = self.params.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise StripeApiError("Invalid hash", code="parameter_invalid_empty", param="metadata")
        return metadata


Handler = Callable[[StripeState, StripeCall], Json]


def create_customer(state: StripeState, call: StripeCall) -> Json:
    customer: Json = {
        "id": state.new_id("cus"),
        "object": "customer",
        "created": call.now,
        "email": call.params.get("email"),
        "name": call.params.get("name"),
        "description": call.params.get("description"),
        "phone": call.params.get("phone"),
        "metadata": call.metadata(),
        "livemode": False,
    }
    state.customers[customer["id"]] = customer
    return customer


def get_customer(state: StripeState, call: StripeCall) -> Json:
    if call.object_id not in state.customers:
        raise no_such("customer", call.object_id)
    return state.customers[call.object_id]


def _existing_customer(state: StripeState, call: StripeCall, *, required: bool) -> str | None:
    customer = call.required("customer") if required else call.params.get("customer")
    if customer is not None and customer not in state.customers:
        raise no_such("customer", customer, param="customer", http_status=400)
    return customer


def _item(state: StripeState, call: StripeCall, subscription_id: str, raw: Any, param: str) -> Json:
    if not isinstance(raw, dict) or not raw.get("price"):
        raise missing(f"{param}[price]")
    if raw["price"] not in state.prices:
        raise no_such("price", raw["price"], param=f"{param}[price]", http_status=400)
    return {
        "id": state.new_id("si"),
        "object": "subscription_item",
        "subscription": subscription_id,
        "price": copy.deepcopy(state.prices[raw["price"]]),
        "quantity": call.integer(f"{param}[quantity]", raw.get("quantity"), 1),
        "created": call.now,
        "current_period_start": call.now,
        "current_period_end": call.now + PERIOD_SECONDS,
        "metadata": {},
    }


def create_subscription(state: StripeState, call: StripeCall) -> Json:
    customer = _existing_customer(state, call, required=True)
    raw_items = call.params.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        raise missing("items")
    subscription_id = state.new_id("sub")
    items = [_item(state, call, subscription_id, raw, f"items[{index}]") for index, raw in enumerate(raw_items)]
    subscription = {
        "id": subscription_id,
        "object": "subscription",
        "customer": customer,
        "status": "active",
        "created": call.now,
        "start_date": call.now,
        "billing_cycle_anchor": call.now,
        "cancel_at_period_end": False,
        "collection_method": "charge_automatically",
        "currency": items[0]["price"]["currency"],
        "items": {
            "object": "list",
            "data": items,
            "has_more": False,
            "total_count": len(items),
            "url": f"/v1/subscription_items?subscription={subscription_id}",
        },
        "metadata": call.metadata(),
        "latest_invoice": None,
        "livemode": False,
    }
    state.subscriptions[subscription_id] = subscription
    return subscription


def get_subscription(state: StripeState, call: StripeCall) -> Json:
    if call.object_id not in state.subscriptions:
        raise no_such("subscription", call.object_id)
    return state.subscriptions[call.object_id]


def update_subscription(state: StripeState, call: StripeCall) -> Json:
    """Items by `id` (new `quantity`, or `deleted`) or by `price` (added); metadata merged."""
    subscription = get_subscription(state, call)
    items: list[Json] = subscription["items"]["data"]
    for index, raw in enumerate(call.params.get("items") or []):
        param = f"items[{index}]"
        if not isinstance(raw, dict) or "id" not in raw:
            items.append(_item(state, call, subscription["id"], raw, param))
            continue
        item = next((item for item in items if item["id"] == raw["id"]), None)
        if item is None:
            raise no_such("subscription_item", raw["id"], param=f"{param}[id]", http_status=400)
        if raw.get("deleted") == "true":
            items.remove(item)
        else:
            item["quantity"] = call.integer(f"{param}[quantity]", raw.get("quantity"), item["quantity"])
    subscription["items"]["total_count"] = len(items)
    subscription["metadata"].update(call.metadata())
    if "cancel_at_period_end" in call.params:
        subscription["cancel_at_period_end"] = call.params["cancel_at_period_end"] == "true"
    return subscription


def update_subscription_item(state: StripeState, call: StripeCall) -> Json:
    for subscription in state.subscriptions.values():
        for item in subscription["items"]["data"]:
            if item["id"] == call.object_id:
                item["quantity"] = call.integer("quantity", call.params.get("quantity"), item["quantity"])
                item["metadata"].update(call.metadata())
                return dict(item)
    raise no_such("subscription_item", call.object_id)


def create_portal_session(state: StripeState, call: StripeCall) -> Json:
    session_id = state.new_id("bps")
    session = {
        "id": session_id,
        "object": "billing_portal.session",
        "customer": _existing_customer(state, call, required=True),
        "return_url": call.params.get("return_url"),
        "url": f"{call.base_url}billing_portal/{session_id}",
        "created": call.now,
        "livemode": False,
    }
    state.portal_sessions[session_id] = session
    return session


def _line_amount(state: StripeState, call: StripeCall, raw: Any, param: str) -> tuple[int, str]:
    """(amount, currency) of one checkout line: a known `price` or inline `price_data`, times `quantity`."""
    if not isinstance(raw, dict):
        raise missing(param)
    quantity = call.integer(f"{param}[quantity]", raw.get("quantity"), 1)
    if raw.get("price"):
        if raw["price"] not in state.prices:
            raise no_such("price", raw["price"], param=f"{param}[price]", http_status=400)
        price = state.prices[raw["price"]]
        return price["unit_amount"] * quantity, price["currency"]
    data = raw.get("price_data")
    if not isinstance(data, dict) or not data.get("currency"):
        raise missing(f"{param}[price_data][currency]")
    unit_amount = call.integer(f"{param}[price_data][unit_amount]", data.get("unit_amount"), 0)
    return unit_amount * quantity, str(data["currency"]).lower()


def create_checkout_session(state: StripeState, call: StripeCall) -> Json:
    mode = call.required("mode")
    if mode not in ("payment", "subscription", "setup"):
        raise StripeApiError(f"Invalid mode: {mode}", code="parameter_invalid_string", param="mode")
    lines = call.params.get("line_items") or []
    amounts = [_line_amount(state, call, raw, f"line_items[{index}]") for index, raw in enumerate(lines)]
    session_id = state.new_id("cs_test")
    total = sum(amount for amount, _ in amounts)
    session = {
        "id": session_id,
        "object": "checkout.session",
        "mode": mode,
        "status": "open",
        "payment_status": "unpaid",
        "amount_subtotal": total,
        "amount_total": total,
        "currency": amounts[0][1] if amounts else None,
        "customer": _existing_customer(state, call, required=False),
        "client_reference_id": call.params.get("client_reference_id"),
        "metadata": call.metadata(),
        "success_url": call.params.get("success_url"),
        "cancel_url": call.params.get("cancel_url"),
        "url": f"{call.base_url}checkout/{session_id}",
        "payment_intent": None,
        "created": call.now,
        "expires_at": call.now + CHECKOUT_LIFETIME_SECONDS,
        "livemode": False,
    }
    state.checkout_sessions[session_id] = session
    return session


def get_checkout_session(state: StripeState, call: StripeCall) -> Json:
    if call.object_id not in state.checkout_sessions:
        raise no_such("checkout.session", call.object_id)
    return state.checkout_sessions[call.object_id]


API: list[tuple[str, str, Handler]] = [
    ("POST", "/v1/customers", create_customer),
    ("GET", "/v1/customers/{object_id}", get_customer),
    ("POST", "/v1/subscriptions", create_subscription),
    ("GET", "/v1/subscriptions/{object_id}", get_subscription),
    ("POST", "/v1/subscriptions/{object_id}", update_subscription),
    ("POST", "/v1/subscription_items/{object_id}", update_subscription_item),
    ("POST", "/v1/billing_portal/sessions", create_portal_session),
    ("POST", "/v1/checkout/sessions", create_checkout_session),
    ("GET", "/v1/checkout/sessions/{object_id}", get_checkout_session),
]


class StripeSandbox:
    """The Stripe stand-in: its state, checkout completion with the signed webhook, and `app`."""

    def __init__(
        self,
        state: StripeState,
        *,
        webhook_secret: str,
        webhook_url: str | None,
        clock: Callable[[], float] = time.time,
        post_webhook: WebhookPoster | None = None,
    ):
        self.state = state
        self._webhook_secret = webhook_secret
        self._webhook_url = webhook_url
        self._clock = clock
        self._post = post_webhook or post_with_httpx
        self._lock = threading.Lock()
        self.app = Starlette(
            routes=[
                *(Route(path, self._endpoint(handler), methods=[method]) for method, path, handler in API),
                Route("/checkout/{object_id}", self._checkout_page, methods=["GET"]),
                Route("/checkout/{object_id}/pay", self._pay, methods=["POST"]),
                Route("/billing_portal/{object_id}", self._portal_page, methods=["GET"]),
                Route("/_sandbox/checkout/sessions/{object_id}/complete", self._admin_complete, methods=["POST"]),
                Route("/_sandbox/state", self._admin_state, methods=["GET"]),
            ]
        )
        self.app.state.sandbox = self

    def complete_checkout(self, session_id: str) -> Json:
        """Pay an open checkout session and send `checkout.session.completed`; the event."""
        with self._lock:
            session = self.state.checkout_sessions.get(session_id)
            if session is None:
                raise no_such("checkout.session", session_id)
            if session["status"] != "open":
                raise StripeApiError(f"Checkout session {session_id} is {session['status']}, not open.")
            now = int(self._clock())
            session.update(status="complete", payment_status="paid", payment_intent=self.state.new_id("pi"), url=None)
            event = {
                "id": self.state.new_id("evt"),
                "object": "event",
                "api_version": stripe.api_version,
                "created": now,
                "data": {"object": copy.deepcopy(session)},
                "livemode": False,
                "pending_webhooks": 1,
                "request": {"id": None, "idempotency_key": None},
                "type": "checkout.session.completed",
            }
        payload = json.dumps(event)
        delivery = self._send(payload, now)
        with self._lock:
            self.state.events.append({**event, "delivery": delivery})
        return event

    def _send(self, payload: str, now: int) -> str:
        if self._webhook_url is None:
            return "unsent"
        signature = stripe.WebhookSignature.generate_signature_header(payload, self._webhook_secret, timestamp=now)
        headers = {"Content-Type": "application/json", "Stripe-Signature": signature}
        try:
            self._post(self._webhook_url, payload.encode(), headers)
        except httpx.HTTPError:
            return "failed"
        return "delivered"

    def _endpoint(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            authorization = request.headers.get("authorization", "")
            if not authorization.lower().startswith("bearer ") or not authorization[7:].strip():
                error = StripeApiError("You did not provide an API key.", http_status=401)
                return JSONResponse(error.envelope(), error.http_status)
            raw = await request.body() if request.method == "POST" else request.url.query.encode()
            call = StripeCall(
                params=decode_form(parse_qsl(raw.decode(), keep_blank_values=True)),
                object_id=request.path_params.get("object_id", ""),
                base_url=str(request.base_url),
                now=int(self._clock()),
            )
            asked = f"{request.method} {request.url.path} {raw.decode()}"
            key = request.headers.get("idempotency-key") if request.method == "POST" else None
            status, body = self._answer(handler, call, key, asked)
            return JSONResponse(body, status)

        return endpoint

    def _answer(self, handler: Handler, call: StripeCall, key: str | None, asked: str) -> tuple[int, Json]:
        with self._lock:
            if key is not None and key in self.state.idempotent:
                first_asked, status, body = self.state.idempotent[key]
                if first_asked != asked:
                    error = StripeApiError(
                        "Keys for idempotent requests can only be used with the same parameters they were first "
                        "used with.",
                        error_type="idempotency_error",
                    )
                    return error.http_status, error.envelope()
                return status, body
            try:
                status, body = 200, copy.deepcopy(handler(self.state, call))
            except StripeApiError as error:
                status, body = error.http_status, error.envelope()
            if key is not None:
                self.state.idempotent[key] = (asked, status, body)
            return status, body

    async def _checkout_page(self, request: Request) -> Response:
        session = self.state.checkout_sessions.get(request.path_params["object_id"])
        if session is None:
            return HTMLResponse("<!doctype html><title>Not found</title><p>No such checkout session.</p>", 404)
        amount = f"{session['amount_total'] / 100:.2f} {str(session['currency']).upper()}"
        return HTMLResponse(
            "<!doctype html><title>Sandbox checkout</title>"
            f"<h1>Pay {html.escape(amount)}</h1><p>Stripe sandbox, no card needed.</p>"
            f'<form method="post" action="/checkout/{html.escape(session["id"])}/pay"><button>Pay</button></form>'
        )

    async def _pay(self, request: Request) -> Response:
        try:
            event = await run_in_threadpool(self.complete_checkout, request.path_params["object_id"])
        except StripeApiError as error:
            return HTMLResponse(f"<!doctype html><p>{html.escape(str(error))}</p>", error.http_status)
        success_url = event["data"]["object"]["success_url"]
        if not success_url:
            return HTMLResponse("<!doctype html><title>Paid</title><p>Paid.</p>")
        return RedirectResponse(success_url.replace("{CHECKOUT_SESSION_ID}", event["data"]["object"]["id"]), 303)

    async def _portal_page(self, request: Request) -> Response:
        session = self.state.portal_sessions.get(request.path_params["object_id"])
        if session is None:
            return HTMLResponse("<!doctype html><title>Not found</title><p>No such portal session.</p>", 404)
        back = f'<a href="{html.escape(session["return_url"])}">Back</a>' if session["return_url"] else ""
        return HTMLResponse(
            "<!doctype html><title>Sandbox billing portal</title><h1>Billing portal (Stripe sandbox)</h1>"
            f"<p>Customer {html.escape(session['customer'])}: plan, invoices and payment method.</p>{back}"
        )

    async def _admin_complete(self, request: Request) -> Response:
        try:
            event = await run_in_threadpool(self.complete_checkout, request.path_params["object_id"])
        except StripeApiError as error:
            return JSONResponse(error.envelope(), error.http_status)
        return JSONResponse(event)

    async def _admin_state(self, request: Request) -> Response:
        with self._lock:
            return JSONResponse(
                {
                    "customers": self.state.customers,
                    "subscriptions": self.state.subscriptions,
                    "checkout_sessions": self.state.checkout_sessions,
                    "portal_sessions": self.state.portal_sessions,
                    "events": self.state.events,
                }
            )


def build_stripe_sandbox(
    state: StripeState,
    *,
    webhook_secret: str,
    webhook_url: str | None,
    clock: Callable[[], float] = time.time,
    post_webhook: WebhookPoster | None = None,
) -> Starlette:
    """The Stripe sandbox's ASGI app; its `StripeSandbox` is `app.state.sandbox`."""
    return StripeSandbox(
        state, webhook_secret=webhook_secret, webhook_url=webhook_url, clock=clock, post_webhook=post_webhook
    ).app
