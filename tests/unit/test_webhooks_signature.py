"""Meta's X-Hub-Signature-256 and the verify token: what matches, what never does, and how they are compared."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

import pytest

from hub_shared.errors import Forbidden
from hub_webhooks.usecases.signature import sign, signature_matches
from hub_webhooks.usecases.verification import verify_subscription

# RFC 4231, test case 2: HMAC-SHA-256("Jefe", "what do ya want for nothing?")
RFC4231_KEY = "Jefe"
RFC4231_DATA = b"what do ya want for nothing?"
RFC4231_MAC = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
SECRET = "app-secret"
BODY = b'{"object":"whatsapp_business_account","entry":[]}'


def stdlib_signature(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_the_signature_is_the_hex_hmac_sha256_of_the_body_keyed_with_the_app_secret() -> None:
    assert sign(RFC4231_DATA, RFC4231_KEY) == f"sha256={RFC4231_MAC}"
    assert signature_matches(RFC4231_DATA, f"sha256={RFC4231_MAC}", RFC4231_KEY)


def test_upper_case_hex_matches_too() -> None:
    digest = stdlib_signature(BODY).removeprefix("sha256=")

    assert signature_matches(BODY, "sha256=" + digest.upper(), SECRET)


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha256=",
        stdlib_signature(BODY).removeprefix("sha256="),
        stdlib_signature(BODY).replace("sha256=", "sha1="),
        stdlib_signature(BODY).replace("sha256=", "SHA256="),
        stdlib_signature(BODY)[:-2],
        stdlib_signature(BODY) + "00",
        stdlib_signature(BODY, "another-secret"),
        stdlib_signature(BODY + b" "),
        "sha256=" + "é" * 64,
    ],
    ids=[
        "none",
        "empty",
        "no-digest",
        "no-prefix",
        "sha1",
        "prefix-case",
        "short",
        "long",
        "other-secret",
        "other-body",
        "non-ascii",
    ],
)
def test_anything_but_this_body_signature_never_matches(header: str | None) -> None:
    assert not signature_matches(BODY, header, SECRET)


def spy_compare(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bytes, bytes]]:
    """Records every `hmac.compare_digest` call."""
    calls: list[tuple[bytes, bytes]] = []
    original: Callable[[bytes, bytes], bool] = hmac.compare_digest

    def compare(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return original(a, b)

    monkeypatch.setattr(hmac, "compare_digest", compare)
    return calls


def test_signatures_are_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = spy_compare(monkeypatch)

    assert signature_matches(BODY, stdlib_signature(BODY), SECRET)
    assert len(calls) == 1


def test_the_verify_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = spy_compare(monkeypatch)

    assert verify_subscription("subscribe", "token", "42", expected_token="token") == "42"
    assert calls == [(b"token", b"token")]


@pytest.mark.parametrize(
    ("mode", "token", "challenge"),
    [("subscribe", "other", "42"), ("subscribe", "", "42"), ("SUBSCRIBE", "token", "42"), ("subscribe", "token", None)],
)
def test_the_handshake_is_forbidden_without_subscribe_our_token_and_a_challenge(
    mode: str, token: str, challenge: str | None
) -> None:
    with pytest.raises(Forbidden):
        verify_subscription(mode, token, challenge, expected_token="token")
