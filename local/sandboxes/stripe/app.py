"""The Stripe sandbox as a Starlette app: routing, the API key, idempotency keys, `expand`, signed webhooks
sent outside the lock, the local pages and the admin API."""

from __future__ import annotations

import copy
import itertools
import json
import queue
import threading
import time
from collections.abc import Awaitable, Callable
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
from local.sandboxes.stripe import customers, invoices, pages, payments, subscriptions
from local.sandboxes.stripe.call import StripeApiError, StripeCall, decode_form, event_of, no_such
from local.sandboxes.stripe.state import Json, StripeState

Handler = Callable[[StripeState, StripeCall], Json]


def get_event(state: StripeState, call: StripeCall) -> Json:
    record = state.event(call.object_id)
    if record is None:
        raise no_such("event", call.object_id)
    return event_of(record)


def resend_event(state: StripeState, call: StripeCall) -> Json:
    """Admin: send an event again, as it was (same id, fresh signature)."""
    record = state.event(call.object_id)
    if record is None:
        raise no_such("event", call.object_id)
    call.events.append(record)
    return event_of(record)


def complete_checkout(state: StripeState, call: StripeCall) -> Json:
    return event_of(payments.complete_checkout(state, call))


API: list[tuple[str, str, Handler]] = [
    ("POST", "/v1/customers", customers.create_customer),
    ("GET", "/v1/customers/{object_id}", customers.get_customer),
    ("POST", "/v1/customers/{object_id}", customers.update_customer),
    ("GET", "/v1/customers/{object_id}/payment_methods", customers.list_customer_payment_methods),
    ("GET", "/v1/payment_methods/{object_id}", customers.get_payment_method),
    ("POST", "/v1/payment_methods/{object_id}/attach", customers.attach_payment_method),
    ("POST", "/v1/payment_intents", payments.create_payment_intent),
    ("GET", "/v1/payment_intents/{object_id}", payments.get_payment_intent),
    ("POST", "/v1/subscriptions", subscriptions.create_subscription),
    ("GET", "/v1/subscriptions/{object_id}", subscriptions.get_subscription),
    ("POST", "/v1/subscriptions/{object_id}", subscriptions.update_subscription),
    ("DELETE", "/v1/subscriptions/{object_id}", subscriptions.cancel_subscription),
    ("POST", "/v1/subscription_items/{object_id}", subscriptions.update_subscription_item),
    ("GET", "/v1/invoices", invoices.list_invoices),
    ("POST", "/v1/invoices/create_preview", invoices.preview_invoice),
    ("GET", "/v1/invoices/{object_id}", invoices.get_invoice),
    ("POST", "/v1/invoices/{object_id}/pay", invoices.pay_invoice),
    ("POST", "/v1/invoices/{object_id}/void", invoices.void_invoice),
    ("POST", "/v1/invoices/{object_id}/mark_uncollectible", invoices.mark_uncollectible),
    ("POST", "/v1/billing_portal/sessions", customers.create_portal_session),
    ("POST", "/v1/checkout/sessions", payments.create_checkout_session),
    ("GET", "/v1/checkout/sessions/{object_id}", payments.get_checkout_session),
    ("GET", "/v1/events/{object_id}", get_event),
]
"""Stripe's API: (method, path, handler); a handler answers a Stripe object or raises `StripeApiError`."""

ADMIN: list[tuple[str, str, Handler]] = [
    ("POST", "/_sandbox/checkout/sessions/{object_id}/complete", complete_checkout),
    ("POST", "/_sandbox/customers/{object_id}/payment_method", customers.seed_card),
    ("POST", "/_sandbox/subscriptions/{object_id}/advance", subscriptions.advance_subscription),
    ("POST", "/_sandbox/invoices/{object_id}/void", invoices.void_invoice),
    ("POST", "/_sandbox/invoices/{object_id}/mark_uncollectible", invoices.mark_uncollectible),
    ("POST", "/_sandbox/events/{object_id}/resend", resend_event),
]
"""The local admin API (no key; a JSON or form body)."""


def expand(state: StripeState, body: Json, paths: Any) -> None:
    """Replace the ids at each dotted path (`invoice_settings.default_payment_method`, `data.customer`) with
    their objects, as Stripe's `expand[]` does."""
    for path in [paths] if isinstance(paths, str) else paths or []:
        _expand(state, body, str(path).split("."), str(path))


def _expand(state: StripeState, node: Any, parts: list[str], path: str) -> None:
    if isinstance(node, list):
        for element in node:
            _expand(state, element, parts, path)
        return
    if node is None:
        return
    if not isinstance(node, dict) or parts[0] not in node:
        raise StripeApiError(f"This property cannot be expanded ({path}).", param="expand")
    if len(parts) > 1:
        _expand(state, node[parts[0]], parts[1:], path)
        return
    value = node[parts[0]]
    if value is None or isinstance(value, dict):
        return
    found = state.find(value) if isinstance(value, str) else None
    if found is None:
        raise StripeApiError(f"This property cannot be expanded ({path}).", param="expand")
    node[parts[0]] = copy.deepcopy(found)


class StripeSandbox:
    """The Stripe stand-in: its state, the handlers run under one lock, the signed webhooks, and `app`."""

    def __init__(
        self,
        state: StripeState,
        *,
        webhook_secret: str,
        webhook_url: str | None,
        clock: Callable[[], float] = time.time,
        post_webhook: WebhookPoster | None = None,
        deliver_in_background: bool = False,
    ):
        self.state = state
        self._webhook_secret = webhook_secret
        self._webhook_url = webhook_url
        self._clock = clock
        self._post = post_webhook or post_with_httpx
        self._lock = threading.Lock()
        self._requests = itertools.count(1)
        self._outgoing: queue.SimpleQueue[list[Json]] | None = None
        if deliver_in_background:  # as Stripe does: after the call that caused them, in order, from elsewhere
            self._outgoing = queue.SimpleQueue()
            threading.Thread(target=self._deliver_forever, name="stripe-webhooks", daemon=True).start()
        self.app = Starlette(
            routes=[
                *(Route(path, self._api(handler), methods=[method]) for method, path, handler in API),
                *(Route(path, self._admin(handler), methods=[method]) for method, path, handler in ADMIN),
                Route("/checkout/{object_id}", self._checkout_page, methods=["GET"]),
                Route("/checkout/{object_id}/pay", self._pay, methods=["POST"]),
                Route("/billing_portal/{object_id}", self._portal_page, methods=["GET"]),
                Route("/invoices/{object_id}", self._invoice_page, methods=["GET"]),
                Route("/invoices/{object_id}/pdf", self._invoice_pdf, methods=["GET"]),
                Route("/_sandbox/state", self._admin_state, methods=["GET"]),
            ]
        )
        self.app.state.sandbox = self

    def _call(self, incoming: Request, params: Json, **fields: Any) -> StripeCall:
        return StripeCall(
            params=params,
            object_id=incoming.path_params.get("object_id", ""),
            base_url=str(incoming.base_url),
            now=int(self._clock()),
            **fields,
        )

    def _answer(self, handler: Handler, call: StripeCall, key: str | None = None, asked: str = "") -> tuple[int, Json]:
        """Run the handler under the lock (or replay the answer to an idempotency key), then send its events."""
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
                expand(self.state, body, call.params.get("expand"))
            except StripeApiError as error:
                status, body = error.http_status, error.envelope()
            if key is not None:
                self.state.idempotent[key] = (asked, status, body)
        self._deliver(call.events)
        return status, body

    def _deliver(self, records: list[Json]) -> None:
        if self._outgoing is not None:
            self._outgoing.put(records)
            return
        self._send_all(records)

    def _deliver_forever(self) -> None:
        outgoing = self._outgoing
        while outgoing is not None:
            self._send_all(outgoing.get())

    def _send_all(self, records: list[Json]) -> None:
        for record in records:
            with self._lock:
                payload = json.dumps(event_of(record))
            outcome = self._send(payload, int(self._clock()))
            with self._lock:
                record["delivery"] = outcome
                if outcome != "unsent":
                    record["attempts"] += 1

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

    def _api(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            authorization = request.headers.get("authorization", "")
            if not authorization.lower().startswith("bearer ") or not authorization[7:].strip():
                error = StripeApiError("You did not provide an API key.", http_status=401)
                return JSONResponse(error.envelope(), error.http_status)
            raw = (await request.body() if request.method == "POST" else request.url.query.encode()).decode()
            request_id = f"req_sandbox{next(self._requests):010d}"
            key = request.headers.get("idempotency-key") if request.method == "POST" else None
            params = decode_form(parse_qsl(raw, keep_blank_values=True))
            call = self._call(request, params, request={"id": request_id, "idempotency_key": key})
            asked = f"{request.method} {request.url.path} {raw}"
            status, body = await run_in_threadpool(self._answer, handler, call, key, asked)
            return JSONResponse(body, status, headers={"Request-Id": request_id})

        return endpoint

    def _admin(self, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            if request.headers.get("content-type", "").startswith("application/json"):
                try:
                    params = json.loads(raw or b"{}")
                except ValueError:
                    params = None
                if not isinstance(params, dict):
                    return JSONResponse(StripeApiError("The body must be a JSON object.").envelope(), 400)
            else:
                params = decode_form(parse_qsl(raw.decode(), keep_blank_values=True))
            status, body = await run_in_threadpool(self._answer, handler, self._call(request, params))
            return JSONResponse(body, status)

        return endpoint

    async def _checkout_page(self, request: Request) -> Response:
        with self._lock:
            return self._checkout(request.path_params["object_id"], None, 200)

    def _checkout(self, session_id: str, error: str | None, status: int) -> Response:
        session = self.state.checkout_sessions.get(session_id)
        if session is None:
            return HTMLResponse(pages.page("Not found", "<p>No such checkout session.</p>"), 404)
        return HTMLResponse(pages.checkout_page(session, self.state.checkout_details[session_id], error), status)

    async def _pay(self, request: Request) -> Response:
        form = decode_form(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        status, body = await run_in_threadpool(self._answer, complete_checkout, self._call(request, form))
        if status != 200:
            with self._lock:
                return self._checkout(request.path_params["object_id"], body["error"]["message"], status)
        paid = body["data"]["object"]
        if not paid["success_url"]:
            return HTMLResponse(pages.page("Paid", "<p>Done.</p>"))
        return RedirectResponse(paid["success_url"].replace("{CHECKOUT_SESSION_ID}", paid["id"]), 303)

    async def _portal_page(self, request: Request) -> Response:
        with self._lock:
            session = self.state.portal_sessions.get(request.path_params["object_id"])
            if session is None:
                return HTMLResponse(pages.page("Not found", "<p>No such portal session.</p>"), 404)
            customer = self.state.customers[session["customer"]]
            method = self.state.payment_methods.get(customer["invoice_settings"]["default_payment_method"] or "")
            listed = [invoice for invoice in self.state.invoices.values() if invoice["customer"] == customer["id"]]
            return HTMLResponse(pages.portal_page(session, method, listed[::-1]))

    def _finalized(self, invoice_id: str) -> Json | None:
        with self._lock:
            invoice = self.state.invoices.get(invoice_id)
            return copy.deepcopy(invoice) if invoice and invoice["number"] else None

    async def _invoice_page(self, request: Request) -> Response:
        invoice = self._finalized(request.path_params["object_id"])
        if invoice is None:
            return HTMLResponse(pages.page("Not found", "<p>No such invoice.</p>"), 404)
        return HTMLResponse(pages.invoice_page(invoice))

    async def _invoice_pdf(self, request: Request) -> Response:
        invoice = self._finalized(request.path_params["object_id"])
        if invoice is None:
            return HTMLResponse(pages.page("Not found", "<p>No such invoice.</p>"), 404)
        filename = f"Invoice-{invoice['number']}.pdf"
        return Response(
            pages.invoice_pdf(invoice),
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{filename}"'},
        )

    async def _admin_state(self, request: Request) -> Response:
        with self._lock:
            return JSONResponse(self.state.snapshot())


def build_stripe_sandbox(
    state: StripeState,
    *,
    webhook_secret: str,
    webhook_url: str | None,
    clock: Callable[[], float] = time.time,
    post_webhook: WebhookPoster | None = None,
    deliver_in_background: bool = False,
) -> Starlette:
    """The Stripe sandbox's ASGI app; its `StripeSandbox` is `app.state.sandbox`. `deliver_in_background` sends
    webhooks from a thread of their own after the call that caused them, as Stripe does (the local hub: a function
    that calls Stripe must not wait for its own webhook); otherwise before the call answers (tests)."""
    return StripeSandbox(
        state,
        webhook_secret=webhook_secret,
        webhook_url=webhook_url,
        clock=clock,
        post_webhook=post_webhook,
        deliver_in_background=deliver_in_background,
    ).app
