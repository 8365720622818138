"""Signed cursors: opaque, tamper-evident, bound to their query."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from hub_shared.errors import InvalidCursor
from hub_shared.pagination import CursorCodec, fingerprint

codec = CursorCodec(key=lambda: "k1")


def test_a_cursor_round_trips_its_state() -> None:
    state = {"p": "acme", "k": {"pk": {"S": "NUMBER#1"}}}

    assert codec.decode(codec.encode(state, "q1"), "q1") == state


def test_a_cursor_is_refused_for_another_query() -> None:
    with pytest.raises(InvalidCursor):
        codec.decode(codec.encode({"p": "a"}, "q1"), "q2")


def test_a_cursor_signed_with_another_key_is_refused() -> None:
    other = CursorCodec(key=lambda: "k2")

    with pytest.raises(InvalidCursor):
        codec.decode(other.encode({"p": "a"}, "q1"), "q1")


@pytest.mark.parametrize("cursor", ["", ".", "a.b.c", "x" * 3000, "!!!.???", "e30.AAAA"])
def test_malformed_cursors_are_refused(cursor: str) -> None:
    with pytest.raises(InvalidCursor):
        codec.decode(cursor, "q1")


def test_signed_payload_that_is_not_a_state_is_refused() -> None:
    for payload in (b"[1,2]", b'{"q":"q1","s":[1]}', b"not json"):
        body = base64.urlsafe_b64encode(payload).rstrip(b"=").decode()
        mac = base64.urlsafe_b64encode(hmac.new(b"k1", payload, hashlib.sha256).digest()).rstrip(b"=").decode()
        with pytest.raises(InvalidCursor):
            codec.decode(f"{body}.{mac}", "q1")


def test_fingerprint_is_stable_and_sensitive_to_every_value() -> None:
    assert fingerprint(a=1, b="x") == fingerprint(b="x", a=1)
    assert fingerprint(a=1, b="x") != fingerprint(a=1, b="y")
    assert fingerprint(a=None) != fingerprint(a="x")
