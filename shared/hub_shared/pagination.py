"""Cursor pagination: `limit` (1–100, default 50) and an opaque, tamper-evident `cursor`.

A cursor is `base64url(json state) . base64url(HMAC-SHA256)`, signed with a key from Secrets
Manager and bound to the query that produced it (a fingerprint of the caller and filters), so
a cursor that was edited, truncated or replayed against another query answers 400.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from hub_shared.errors import InvalidCursor

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_CURSOR_LENGTH = 2048

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """Every list answers `{items, next_cursor}`; `next_cursor` is null on the last page."""

    items: list[T]
    next_cursor: str | None = None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fingerprint(**query: Any) -> str:
    """A short, stable digest of what a list was asked for (who, which filters)."""
    canonical = json.dumps(query, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CursorCodec:
    """Signs and checks cursors; `key` is looked up lazily (only when a cursor is made or read)."""

    key: Callable[[], str]

    def _mac(self, payload: bytes) -> bytes:
        return hmac.new(self.key().encode(), payload, hashlib.sha256).digest()

    def encode(self, state: Mapping[str, Any], query: str) -> str:
        payload = json.dumps({"q": query, "s": state}, sort_keys=True, separators=(",", ":")).encode()
        return f"{_b64(payload)}.{_b64(self._mac(payload))}"

    def decode(self, cursor: str, query: str) -> dict[str, Any]:
        invalid = InvalidCursor("The cursor is not valid for this list; start again without it.")
        if len(cursor) > MAX_CURSOR_LENGTH or cursor.count(".") != 1:
            raise invalid
        body, mac = cursor.split(".")
        try:
            payload, signature = _unb64(body), _unb64(mac)
        except ValueError:
            raise invalid from None
        if not hmac.compare_digest(signature, self._mac(payload)):
            raise invalid
        try:
            decoded = json.loads(payload)
        except ValueError:
            raise invalid from None
        if not isinstance(decoded, dict) or decoded.get("q") != query or not isinstance(decoded.get("s"), dict):
            raise invalid
        state: dict[str, Any] = decoded["s"]
        return state
