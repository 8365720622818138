"""The end-to-end wall: one local hub per test session, started as `python -m local` is, driven over HTTP only.

Log hygiene: every hub an end-to-end test starts hands its log to the session's `secret_ledger`, and its secrets
(read from its moto before it stops) and every ID token it hands out go there too. When the session ends, after
every hub has stopped, each log is searched for each secret (tests/builders.py, `scan_logs`): a leak fails the run,
naming the kind of secret and the log line, redacted.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.builders import RecordingHub, SecretLedger, leak_report, start_local_hub


@pytest.fixture(scope="session")
def secret_ledger() -> Iterator[SecretLedger]:
    """The session's secrets and hub logs; scanned last, once every hub that uses it has stopped (a session fixture
    is torn down after every fixture that depends on it)."""
    ledger = SecretLedger()
    yield ledger
    leaks = ledger.leaks()
    if leaks:
        pytest.fail(leak_report(leaks), pytrace=False)


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory, secret_ledger: SecretLedger) -> Iterator[RecordingHub]:
    """`python -m local` on free loopback ports, in its own process, for the whole session (a LocalHubUnderTest that
    records the tokens it hands out, with its log)."""
    started = start_local_hub(tmp_path_factory.mktemp("hub"))
    try:
        yield secret_ledger.watch(started)
    finally:
        secret_ledger.stop(started)
