"""The Meta sandbox as a Starlette app: Graph routing, token check, usage headers, faults, webhooks, admin API."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl

import httpx
from pydantic import TypeAdapter, ValidationError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from local.sandboxes import WebhookPoster, post_with_httpx
from local.sandboxes.meta import numbers, onboarding, signup_page, templates, uploads, wabas
from local.sandboxes.meta.call import GraphCall, Json
from local.sandboxes.meta.errors import (
    GraphApiError,
    bad_token,
    invalid_parameter,
    nonexisting_field,
    unknown_object,
    unknown_path,
)
from local.sandboxes.meta.reviews import decide_display_name, decide_template, queue_webhook
from local.sandboxes.meta.state import (
    APPLICATION,
    PHONE_NUMBER,
    TEMPLATE,
    UPLOAD,
    WABA,
    Fault,
    MetaState,
    NodeType,
    Review,
)

Handler = Callable[[MetaState, GraphCall], Json]

ROUTES: dict[tuple[str, NodeType, str | None], Handler] = {
    ("GET", PHONE_NUMBER, None): numbers.get_number,
    ("POST", PHONE_NUMBER, None): numbers.update_number,
    ("POST", PHONE_NUMBER, "register"): numbers.register,
    ("POST", PHONE_NUMBER, "deregister"): numbers.deregister,
    ("POST", PHONE_NUMBER, "request_code"): numbers.request_code,
    ("POST", PHONE_NUMBER, "verify_code"): numbers.verify_code,
    ("GET", PHONE_NUMBER, "whatsapp_business_profile"): numbers.get_profile,
    ("POST", PHONE_NUMBER, "whatsapp_business_profile"): numbers.update_profile,
    ("GET", PHONE_NUMBER, "whatsapp_commerce_settings"): numbers.get_commerce_settings,
    ("POST", PHONE_NUMBER, "whatsapp_commerce_settings"): numbers.update_commerce_settings,
    ("GET", WABA, None): wabas.get_waba,
    ("GET", WABA, "phone_numbers"): wabas.list_numbers,
    ("POST", WABA, "phone_numbers"): onboarding.add_number,
    ("GET", WABA, "subscribed_apps"): onboarding.list_subscribed_apps,
    ("POST", WABA, "subscribed_apps"): onboarding.subscribe_app,
    ("DELETE", WABA, "subscribed_apps"): onboarding.unsubscribe_app,
    ("GET", WABA, "message_templates"): templates.list_templates,
    ("POST", WABA, "message_templates"): templates.create_template,
    ("DELETE", WABA, "message_templates"): templates.delete_templates,
    ("GET", TEMPLATE, None): templates.get_template,
    ("POST", TEMPLATE, None): templates.edit_template,
    ("POST", APPLICATION, "uploads"): uploads.start_session,
    ("GET", UPLOAD, None): uploads.session_status,
    ("POST", UPLOAD, None): uploads.upload_bytes,
}
"""(method, node type, edge) → handler; a handler answers JSON or raises `GraphApiError`."""

DEFAULT_VERSION = "v23.0"
THROTTLING_CODES = frozenset({4, 80007, 80008, 130429})
FAULT_ERRORS: dict[int, tuple[str, int | None]] = {
    2: ("Service temporarily unavailable", None),
    4: ("Application request limit reached", 2446079),
    80007: ("Business request limit reached for WhatsApp Business Account", 2446079),
    80008: ("There have been too many calls to this WhatsApp Business account. Wait a bit and try again.", None),
    130429: ("Rate limit hit", None),
}
"""Meta's message and subcode of the codes an injected fault usually carries."""
WABA_CALLS_PER_HOUR = 5000
APP_CALLS_PER_HOUR = 20000
MAX_DELIVERY_ATTEMPTS = 5

_VERSION = re.compile(r"v\d+\.\d+")
_faults = TypeAdapter(Fault)
_lose = TypeAdapter(dict[str, int])
logger = logging.getLogger(__name__)


def _compact(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _check_token(authorization: str | None) -> None:
    if not authorization:
        raise bad_token("An access token is required to request this resource.")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() not in ("bearer", "oauth") or not token.strip():  # uploads say `OAuth <token>`, as Meta asks
        raise bad_token("Invalid OAuth access token - Cannot parse access token")


async def _params(request: Request) -> dict[str, Any]:
    """Query and body parameters (JSON or form) in one mapping, the body's winning."""
    params: dict[str, Any] = dict(request.query_params)
    body = await request.body()
    if not body:
        return params
    if "json" in request.headers.get("content-type", ""):
        try:
            decoded = json.loads(body)
        except ValueError as exc:
            raise invalid_parameter("The request body is not valid JSON") from exc
        if not isinstance(decoded, dict):
            raise invalid_parameter("The request body must be a JSON object")
        params.update(decoded)
    else:
        params.update(parse_qsl(body.decode(), keep_blank_values=True))
    return params


def _fault_error(fault: Fault, status: int) -> GraphApiError:
    code = fault.code if fault.code is not None else 2 if status >= 500 else 4
    message, subcode = FAULT_ERRORS.get(code, ("Sandbox fault", None))
    return GraphApiError(
        fault.message or f"(#{code}) {message}",
        code=code,
        http_status=status,
        subcode=subcode,
        is_transient=status >= 500 or code in THROTTLING_CODES,
    )


def _throttles(fault: Fault | None) -> bool:
    return fault is not None and fault.status is not None and (fault.status == 429 or fault.code in THROTTLING_CODES)


class MetaSandbox:
    """The sandbox: its state, the review clock and webhook delivery, and `app`, the ASGI app serving it.

    `clock` gives timezone-aware datetimes. Drive reviews with `tick()` (decide what is due by the clock,
    then deliver webhooks), or with `process_due(now)` and `deliver()` apart. Delivery blocks on HTTP:
    call `tick()` off the event loop (a thread, `asyncio.to_thread`) or through `POST /_sandbox/tick`.
    """

    def __init__(
        self,
        state: MetaState,
        *,
        app_secret: str,
        webhook_url: str | None,
        review_delay_seconds: float,
        clock: Callable[[], datetime],
        post_webhook: WebhookPoster | None = None,
    ):
        self.state = state
        self._app_secret = app_secret
        self._webhook_url = webhook_url
        self._review_delay = timedelta(seconds=review_delay_seconds)
        self._clock = clock
        self._post = post_webhook or post_with_httpx
        self._lock = threading.RLock()
        self._delivery_lock = threading.Lock()
        self._schedule_seeded_reviews()
        self.app = Starlette(
            routes=[
                Route("/_sandbox/state", self._admin_state, methods=["GET"]),
                Route("/_sandbox/faults", self._admin_faults, methods=["POST", "DELETE"]),
                Route("/_sandbox/webhooks/lose", self._admin_lose_webhooks, methods=["POST"]),
                Route("/_sandbox/tick", self._admin_tick, methods=["POST"]),
                Route("/_sandbox/embedded_signup", self._admin_embedded_signup, methods=["POST"]),
                Route(uploads.FILES_PATH + "{key}", self._file, methods=["GET"]),
                Route(signup_page.PATH, self._signup_page, methods=["GET", "POST"]),
                Route("/oauth/access_token", self._graph, methods=["GET"]),
                Route("/{version}/oauth/access_token", self._graph, methods=["GET"]),
                Route("/{version}/{node_id}", self._graph, methods=["GET", "POST", "DELETE"]),
                Route("/{version}/{node_id}/{edge}", self._graph, methods=["GET", "POST", "DELETE"]),
            ],
            exception_handlers={404: self._unknown_path, 405: self._unknown_path},
        )
        self.app.state.sandbox = self

    def _schedule_seeded_reviews(self) -> None:
        """Names and templates that start out pending are decided one review delay after start."""
        due = self._clock() + self._review_delay
        for number in self.state.numbers.values():
            if "PENDING_REVIEW" in (number.name_status, number.new_name_status):
                self.state.reviews.setdefault(number.id, Review("display_name", number.id, due))
        for template in self.state.templates.values():
            if template.status == "PENDING":
                self.state.reviews.setdefault(template.id, Review("template", template.id, due))

    def tick(self) -> dict[str, int]:
        """Decide every review due by the clock, then deliver the queued webhooks."""
        decided = self.process_due(self._clock())
        return {"decided": decided, "delivered": self.deliver()}

    def process_due(self, now: datetime) -> int:
        """Decide the reviews due at `now`, update the state and queue their webhooks; how many were decided."""
        with self._lock:
            due = sorted((r for r in self.state.reviews.values() if r.due_at <= now), key=lambda r: r.due_at)
            for review in due:
                del self.state.reviews[review.target_id]
                if review.kind == "display_name":
                    number = self.state.numbers[review.target_id]
                    waba_id, field = number.waba_id, "phone_number_name_update"
                    decided = decide_display_name(number)
                    if decided is None:
                        continue
                    value = decided
                else:
                    template = self.state.templates[review.target_id]
                    waba_id, field = template.waba_id, "message_template_status_update"
                    value = decide_template(template)
                queue_webhook(
                    self.state,
                    waba_id=waba_id,
                    field=field,
                    value=value,
                    now=now,
                    app_secret=self._app_secret,
                    has_url=self._webhook_url is not None,
                )
            return len(due)

    def deliver(self) -> int:
        """POST every queued webhook to the webhook URL; a failed one is retried by later calls, 5 times at most."""
        with self._delivery_lock:
            with self._lock:
                queued = [delivery for delivery in self.state.webhooks if delivery.status == "queued"]
            delivered = 0
            for delivery in queued:
                try:
                    self._post(str(self._webhook_url), delivery.body.encode(), delivery.headers)
                    sent = True
                except httpx.HTTPError as exc:
                    logger.warning("Meta sandbox webhook not delivered: %s", exc)
                    sent = False
                with self._lock:
                    delivery.attempts += 1
                    if sent:
                        delivery.status = "delivered"
                    elif delivery.attempts >= MAX_DELIVERY_ATTEMPTS:
                        delivery.status = "failed"
                delivered += sent
            return delivered

    async def _graph(self, request: Request) -> Response:
        trace_id = secrets.token_urlsafe(17)
        version = request.path_params.get("version", DEFAULT_VERSION)
        node_id = request.path_params.get("node_id")
        with self._lock:
            now = self._clock()
            waba_id = self.state.waba_of(node_id) if node_id else None
            fault = self._take_fault()
        try:
            if fault and fault.latency_ms:
                await asyncio.sleep(fault.latency_ms / 1000)
            if fault and fault.status:
                raise _fault_error(fault, fault.status)
            status, body = 200, await self._answer(request, version, now)
        except GraphApiError as error:
            status, body = error.http_status, error.envelope(trace_id)
        with self._lock:
            headers = self._headers(version, trace_id, waba_id, now, fault)
        return JSONResponse(body, status_code=status, headers=headers)

    async def _answer(self, request: Request, version: str, now: datetime) -> Json:
        if not _VERSION.fullmatch(version):
            raise GraphApiError("Invalid version format. Use format like 'v23.0'")
        node_id = request.path_params.get("node_id")
        body = b""
        if node_id is not None and node_id.startswith("upload:"):  # a file's bytes, its offset in a header
            params: dict[str, Any] = {**request.query_params, "file_offset": request.headers.get("file_offset")}
            body = await request.body()
        else:
            params = await _params(request)
        if node_id is None:
            return onboarding.exchange_code(params)
        _check_token(request.headers.get("authorization"))
        call = GraphCall(
            method=request.method,
            node_id=node_id,
            edge=request.path_params.get("edge"),
            params=params,
            url=str(request.url),
            now=now,
            reviews_due_at=now + self._review_delay,
            body=body,
        )
        with self._lock:
            return self._dispatch(call)

    def _dispatch(self, call: GraphCall) -> Json:
        node_type = self.state.node_type(call.node_id)
        if node_type is None:
            raise unknown_object(call.node_id, call.method)
        handler = ROUTES.get((call.method, node_type, call.edge))
        if handler is not None:
            return handler(self.state, call)
        if call.edge is not None and not any(key[1:] == (node_type, call.edge) for key in ROUTES):
            raise nonexisting_field(call.edge, node_type)
        raise unknown_object(call.node_id, call.method)

    def _take_fault(self) -> Fault | None:
        fault = self.state.fault
        if fault is not None and fault.count is not None:
            fault.count -= 1
            if fault.count <= 0:
                self.state.fault = None
        return fault

    def _usage_percent(self, key: str, now: datetime, calls_per_hour: int) -> int:
        hour = int(now.timestamp()) // 3600
        seen_hour, calls = self.state.usage.get(key, (hour, 0))
        calls = calls + 1 if seen_hour == hour else 1
        self.state.usage[key] = (hour, calls)
        return min(100, calls * 100 // calls_per_hour)

    def _headers(
        self, version: str, trace_id: str, waba_id: str | None, now: datetime, fault: Fault | None
    ) -> dict[str, str]:
        app = self._usage_percent("app", now, APP_CALLS_PER_HOUR)
        headers = {
            "x-fb-trace-id": trace_id,
            "x-fb-request-id": secrets.token_urlsafe(17),
            "facebook-api-version": version,
            "x-app-usage": _compact({"call_count": app, "total_cputime": app, "total_time": app}),
        }
        throttled = _throttles(fault)
        retry_after = fault.retry_after if fault and throttled else None
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        if waba_id is not None:
            used = 100 if throttled else self._usage_percent(waba_id, now, WABA_CALLS_PER_HOUR)
            usage = {
                "type": "whatsapp_business_management",
                "call_count": used,
                "total_cputime": used,
                "total_time": used,
                "estimated_time_to_regain_access": (retry_after or 0) // 60,
            }
            headers["x-business-use-case-usage"] = _compact({waba_id: [usage]})
        return headers

    async def _unknown_path(self, request: Request, exc: Exception) -> Response:
        return JSONResponse(unknown_path(request.url.path).envelope(secrets.token_urlsafe(17)), status_code=400)

    async def _admin_state(self, request: Request) -> Response:
        with self._lock:
            return JSONResponse(self.state.dump())

    async def _admin_faults(self, request: Request) -> Response:
        """POST `{"status"?, "code"?, "message"?, "retry_after"?, "latency_ms"?, "count"?}`; DELETE clears."""
        fault = None
        if request.method == "POST":
            try:
                fault = _faults.validate_json(await request.body())
            except ValidationError as exc:
                return JSONResponse({"errors": exc.errors(include_url=False, include_context=False)}, 422)
        with self._lock:
            self.state.fault = fault
        return JSONResponse({"fault": asdict(fault) if fault else None})

    async def _admin_lose_webhooks(self, request: Request) -> Response:
        """POST `{"count": n}`: the next n webhooks are dropped (recorded as lost), as if Meta never sent them."""
        try:
            count = _lose.validate_json(await request.body())["count"]
        except (ValidationError, KeyError):
            return JSONResponse({"errors": [{"loc": ["count"], "msg": "count must be an integer"}]}, 422)
        with self._lock:
            self.state.webhooks_to_lose = max(0, count)
        return JSONResponse({"webhooks_to_lose": max(0, count)})

    async def _file(self, request: Request) -> Response:
        """An uploaded file by its key (a profile picture's URL); no token, as Meta's CDN URLs need none."""
        key = request.path_params["key"]
        with self._lock:
            found = next((file for file in self.state.files.values() if file.key == key), None)
        if found is None:
            return Response(status_code=404)
        return Response(found.content, media_type=found.file_type, headers={"Cache-Control": "max-age=3600"})

    async def _admin_tick(self, request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(self.tick))

    async def _admin_embedded_signup(self, request: Request) -> Response:
        """POST `{"waba_id", "cc"?, "phone_number", "verified_name"}` → `{code, waba_id, phone_number_id, ...}`."""
        try:
            body = json.loads(await request.body() or b"{}")
            if not isinstance(body, dict):
                raise invalid_parameter("The body must be a JSON object")
            with self._lock:
                now = self._clock()
                result = onboarding.embedded_signup(self.state, body, now=now, reviews_due_at=now + self._review_delay)
        except ValueError:
            return JSONResponse(invalid_parameter("The body is not JSON").envelope("sandbox"), 400)
        except GraphApiError as error:
            return JSONResponse(error.envelope("sandbox"), error.http_status)
        return JSONResponse(result, 201)

    async def _signup_page(self, request: Request) -> Response:
        """Embedded Signup's popup (`signup_page`): GET the consent form, POST it to answer the opener."""
        form = dict(request.query_params)
        if request.method == "POST":
            form |= dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        try:
            origin = signup_page.opener_origin(form)
        except signup_page.SignupPageError as refused:
            return HTMLResponse(signup_page.problem_page(str(refused)), 400)
        with self._lock:
            if request.method == "GET":
                return HTMLResponse(signup_page.consent_form(self.state, origin))
            now = self._clock()
            messages, error = signup_page.answer(self.state, form, now=now, reviews_due_at=now + self._review_delay)
            if messages is None:
                return HTMLResponse(signup_page.consent_form(self.state, origin, form, error), 422)
        return HTMLResponse(signup_page.messages_page(messages, origin))


def build_meta_sandbox(
    state: MetaState,
    *,
    app_secret: str,
    webhook_url: str | None,
    review_delay_seconds: float,
    clock: Callable[[], datetime],
    post_webhook: WebhookPoster | None = None,
) -> Starlette:
    """The Graph API sandbox's ASGI app; its `MetaSandbox` (for `tick()`) is `app.state.sandbox`."""
    return MetaSandbox(
        state,
        app_secret=app_secret,
        webhook_url=webhook_url,
        review_delay_seconds=review_delay_seconds,
        clock=clock,
        post_webhook=post_webhook,
    ).app
