"""Local stand-ins for the hub's outside systems: Meta's Graph API, Stripe and get.chat.

Each is a Starlette app factory plus a state class; nothing starts a server at import.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import httpx

WebhookPoster = Callable[[str, bytes, Mapping[str, str]], None]
"""Sends one webhook: (url, raw body, headers); raises `httpx.HTTPError` when it was not delivered."""
WEBHOOK_TIMEOUT_SECONDS = 5.0


def post_with_httpx(url: str, body: bytes, headers: Mapping[str, str]) -> None:
    """The default `WebhookPoster`: one POST, a non-2xx answer counting as not delivered."""
    httpx.post(url, content=body, headers=dict(headers), timeout=WEBHOOK_TIMEOUT_SECONDS).raise_for_status()
