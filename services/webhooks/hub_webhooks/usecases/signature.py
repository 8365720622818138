"""Meta's `X-Hub-Signature-256`: `sha256=<hex HMAC-SHA256 of the raw body, keyed with the app secret>`."""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(body: bytes, app_secret: str) -> str:
    """The header value Meta sends with `body`."""
    return PREFIX + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def signature_matches(body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether `header` is `body`'s signature; compared in constant time, any malformed header is False."""
    if not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(body, app_secret).encode(), header.lower().encode())
