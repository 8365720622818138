"""A local stand-in for get.chat's inbox provisioning API (the hub's "Activate Inbox").

`POST /api/v1/inboxes` `{phone_number_id, waba_id, client_id, display_name}` → 201 with the new inbox
`{id, url, status: "active", phone_number_id, waba_id, client_id, display_name, created_at}`; the same
`phone_number_id` again → 200 with the inbox it already has. `GET /api/v1/inboxes/{id}` reads one.
Every API call needs `Authorization: Bearer <api key>`. Errors take Django REST Framework's shapes:
`{"detail": "..."}`, and `{"<field>": ["..."]}` for a bad body. An inbox's `url` is a small page here.
"""

from __future__ import annotations

import hmac
import html
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

Json = dict[str, Any]
INBOX_FIELDS = ("phone_number_id", "waba_id", "client_id", "display_name")


@dataclass
class GetChatState:
    inboxes: dict[str, Json] = field(default_factory=dict)
    next_id: int = 0

    def inbox_of(self, phone_number_id: str) -> Json | None:
        return next((inbox for inbox in self.inboxes.values() if inbox["phone_number_id"] == phone_number_id), None)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def build_getchat_sandbox(state: GetChatState, *, api_key: str, clock: Callable[[], datetime] = _utc_now) -> Starlette:
    """The get.chat sandbox's ASGI app."""
    lock = threading.Lock()

    def refused(request: Request) -> Response | None:
        scheme, _, key = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            return JSONResponse({"detail": "Authentication credentials were not provided."}, 401)
        if not hmac.compare_digest(key.encode(), api_key.encode()):
            return JSONResponse({"detail": "Invalid token."}, 401)
        return None

    async def create_inbox(request: Request) -> Response:
        if (refusal := refused(request)) is not None:
            return refusal
        try:
            body = json.loads(await request.body())
        except ValueError:
            return JSONResponse({"detail": "JSON parse error."}, 400)
        if not isinstance(body, dict):
            return JSONResponse({"non_field_errors": ["Invalid data. Expected a dictionary."]}, 400)
        errors = {name: ["This field is required."] for name in INBOX_FIELDS if not isinstance(body.get(name), str)}
        errors |= {name: ["This field may not be blank."] for name in INBOX_FIELDS if body.get(name) == ""}
        if errors:
            return JSONResponse(errors, 400)
        with lock:
            existing = state.inbox_of(body["phone_number_id"])
            if existing is not None:
                return JSONResponse(existing, 200)
            state.next_id += 1
            inbox_id = f"inbox-{state.next_id:06d}"
            inbox = {
                "id": inbox_id,
                "url": f"{request.base_url}inbox/{inbox_id}",
                "status": "active",
                **{name: body[name] for name in INBOX_FIELDS},
                "created_at": clock().isoformat().replace("+00:00", "Z"),
            }
            state.inboxes[inbox_id] = inbox
        return JSONResponse(inbox, 201)

    async def read_inbox(request: Request) -> Response:
        if (refusal := refused(request)) is not None:
            return refusal
        inbox = state.inboxes.get(request.path_params["inbox_id"])
        if inbox is None:
            return JSONResponse({"detail": "Not found."}, 404)
        return JSONResponse(inbox)

    async def inbox_page(request: Request) -> Response:
        inbox = state.inboxes.get(request.path_params["inbox_id"])
        if inbox is None:
            return HTMLResponse("<!doctype html><title>Not found</title><p>No such inbox.</p>", 404)
        return HTMLResponse(
            f"<!doctype html><title>get.chat sandbox</title><h1>{html.escape(inbox['display_name'])}</h1>"
            f"<p>Inbox for WhatsApp number {html.escape(inbox['phone_number_id'])} (get.chat sandbox).</p>"
        )

    return Starlette(
        routes=[
            Route("/api/v1/inboxes", create_inbox, methods=["POST"]),
            Route("/api/v1/inboxes/{inbox_id}", read_inbox, methods=["GET"]),
            Route("/inbox/{inbox_id}", inbox_page, methods=["GET"]),
        ]
    )
