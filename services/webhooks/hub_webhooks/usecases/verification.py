"""Meta's verification handshake: `GET <callback>?hub.mode=subscribe&hub.verify_token=...&hub.challenge=...`."""

from __future__ import annotations

import hmac

from hub_shared.errors import Forbidden

SUBSCRIBE = "subscribe"


def verify_subscription(mode: str | None, token: str | None, challenge: str | None, *, expected_token: str) -> str:
    """The challenge to echo when Meta asks to subscribe with our token (compared in constant time)."""
    if mode != SUBSCRIBE or token is None or challenge is None:
        raise Forbidden("Not a subscription request.")
    if not hmac.compare_digest(token.encode(), expected_token.encode()):
        raise Forbidden("The verify token does not match.")
    return challenge
