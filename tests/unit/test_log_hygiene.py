"""The scanner the end-to-end run searches its hubs' logs with (tests/builders.py, `scan_logs`): it finds what is
planted, names the kind and the line, never repeats the secret, and leaves alone what only looks alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import (
    SANDBOX_OTP,
    KnownSecret,
    LocalHubUnderTest,
    RecordingHub,
    SecretLedger,
    leak_report,
    scan_logs,
)

APP_SECRET = KnownSecret("secret hub/meta/app-secret", "local-Zq3v9sWm1NcT8yPbE4kR0uXa7dLh2fGj")
PIN = KnownSecret("secret hub/number-pins/106540352242930", "804217")
TOKEN = KnownSecret(
    "ID token",
    "eyJraWQiOiJkdW1teSIsImFsZyI6IlJTMjU2In0.eyJzdWIiOiJ1c2VyLWFjbWUiLCJ0b2tlbl91c2UiOiJpZCJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg",
)
SECRETS = [APP_SECRET, PIN, TOKEN]


def powertools_line(message: str, **extra: object) -> str:
    """A log line as Powertools writes it in the hub (JSON, one per line)."""
    line = {"level": "INFO", "message": message, "timestamp": "2026-12-01 16:57:43,380+0000", "service": "numbers"}
    return json.dumps({**line, **extra})


def log_of(tmp_path: Path, *lines: str) -> Path:
    log = tmp_path / "hub.log"
    log.write_text("".join(f"{line}\n" for line in lines))
    return log


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (powertools_line("Graph call", app_secret=APP_SECRET.value), APP_SECRET.kind),
        (f"Traceback: ValueError('bad hmac key {APP_SECRET.value[:-3]}xyz{APP_SECRET.value}')", APP_SECRET.kind),
        (powertools_line("number registered", pin=PIN.value), PIN.kind),
        (f"POST /v23.0/106540352242930/register pin={PIN.value}&messaging_product=whatsapp", PIN.kind),
        (powertools_line("401", authorization=f"Bearer {TOKEN.value}"), "ID token"),
        (
            powertools_line(
                "401", authorization="Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbm5hIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
            ),
            "ID token (JWT-shaped, not one the tests obtained)",
        ),
        (powertools_line("import verified", code=SANDBOX_OTP), "verification code"),
        (powertools_line("import verified", verification_code=int(SANDBOX_OTP)), "verification code"),
        (f"GET /v23.0/1065/verify_code?code={SANDBOX_OTP}&x=1", "verification code"),
        (f"{{'otp': '{SANDBOX_OTP}'}}", "verification code"),
        (powertools_line("checkout", card_number="4242 4242 4242 4242"), "card number"),
        ("POST /v1/payment_methods card[number]=5555555555554444&card[cvc]=314", "card number"),
        ("POST /v1/payment_methods card[number]=4000000000000077&card[cvc]=314", "card data"),
        (powertools_line("checkout", card={"number": "378282246310005"}), "card number"),
    ],
    ids=[
        "long-secret-in-json",
        "long-secret-inside-text",
        "pin-as-value",
        "pin-in-query-string",
        "recorded-token",
        "unrecorded-jwt",
        "otp-in-code-field",
        "otp-as-number",
        "otp-in-query",
        "otp-in-repr",
        "stripe-test-card-grouped",
        "stripe-test-card-in-form",
        "card-field",
        "amex-test-card",
    ],
)
def test_a_planted_secret_is_found_with_its_kind_and_line_never_repeated(tmp_path: Path, line: str, kind: str) -> None:
    log = log_of(tmp_path, powertools_line("started"), line, powertools_line("stopped"))

    leaks = scan_logs([log], SECRETS)

    assert leaks, line
    assert all((leak.log, leak.line_number) == (log, 2) for leak in leaks)
    assert any(leak.kind.startswith(kind) for leak in leaks), [leak.kind for leak in leaks]
    report = leak_report(leaks)
    assert f"{log}:2" in report
    assert kind in report
    for secret in SECRETS:
        assert secret.value not in report
    assert f"={SANDBOX_OTP}" not in report and f'"{SANDBOX_OTP}"' not in report
    assert "4242 4242 4242 4242" not in report and "5555555555554444" not in report


@pytest.mark.parametrize(
    "line",
    [
        powertools_line("display-name polling finished", now="2026-12-01T16:57:58Z", function_request_id="a8042170"),
        '{"_aws":{"Timestamp":1796144218042,"CloudWatchMetrics":[]},"duration_ms":8042171}',
        powertools_line("number added", number_id="106540352242930", waba_id="2329417887457253"),
        powertools_line("Meta refused the call", code=100, subcode=2388093, fbtrace_id="A1234567B"),
        f"request 9f{SANDBOX_OTP}ab took 1{SANDBOX_OTP}7 ms",
        powertools_line("import started", import_id="imp-123456", step="verify"),
        "Demo users: anna@acme.example client Demo-pass-2026",
    ],
    ids=[
        "pin-digits-inside-a-word",
        "pin-digits-inside-numbers",
        "meta-ids",
        "meta-error-code",
        "otp-digits-not-a-code",
        "otp-digits-in-an-id",
        "demo-password",
    ],
)
def test_what_only_looks_like_a_secret_is_left_alone(tmp_path: Path, line: str) -> None:
    assert scan_logs([log_of(tmp_path, line)], SECRETS) == []


def test_every_log_is_searched_and_a_missing_one_is_no_error(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    clean = log_of(tmp_path / "a", powertools_line("nothing to see"))
    leaking = log_of(tmp_path / "b", powertools_line("x"), powertools_line("y", pin=PIN.value))

    leaks = scan_logs([tmp_path / "never-written.log", clean, leaking], SECRETS)

    assert [(leak.kind, leak.log, leak.line_number) for leak in leaks] == [(PIN.kind, leaking, 2)]
    assert PIN.value not in leaks[0].line
    assert f"[{PIN.kind}]" in leaks[0].line


def test_the_ledger_finds_a_secret_a_hub_logged(tmp_path: Path) -> None:
    ledger = SecretLedger()
    ledger.secrets.append(APP_SECRET)
    ledger.logs.append(log_of(tmp_path, powertools_line("webhook", secret=APP_SECRET.value)))

    (leak,) = ledger.leaks()

    assert leak.kind == APP_SECRET.kind


def test_a_recording_hub_puts_every_token_it_hands_out_in_the_ledger(monkeypatch: pytest.MonkeyPatch) -> None:
    handed_out = iter(["token-1", "token-2"])
    monkeypatch.setattr(LocalHubUnderTest, "token", lambda self, email, password="": next(handed_out))
    ledger = SecretLedger()
    hub = RecordingHub(
        api="http://127.0.0.1:1",
        meta="http://127.0.0.1:2",
        stripe="http://127.0.0.1:4",
        aws_endpoint="http://127.0.0.1:3",
        region="eu-central-1",
        user_pool_client_id="client",
        ledger=ledger,
        log=Path("hub.log"),
    )

    tokens = [hub.token("anna@acme.example"), hub.token("sam@hub.example")]

    assert tokens == ["token-1", "token-2"]
    assert ledger.secrets == [KnownSecret("ID token", "token-1"), KnownSecret("ID token", "token-2")]
