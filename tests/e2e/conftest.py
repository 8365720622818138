"""The end-to-end wall: one local hub per test session, started as `python -m local` is, driven over HTTP only.

Log hygiene: every hub an end-to-end test starts hands its log to the session's `secret_ledger` (tests/conftest.py),
and its secrets (read from its moto before it stops) and every ID token it hands out go there too.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.builders import RecordingHub, SecretLedger, start_local_hub

E2E_REVIEW_DELAY = 3
"""Seconds before the sandbox decides a review: long enough that a test sees a name under review (and is refused a
second one) on a loaded machine, where a request can take a few hundred milliseconds."""


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory, secret_ledger: SecretLedger) -> Iterator[RecordingHub]:
    """`python -m local` on free loopback ports, in its own process, for the whole session (a LocalHubUnderTest that
    records the tokens it hands out, with its log)."""
    started = start_local_hub(tmp_path_factory.mktemp("hub"), review_delay=E2E_REVIEW_DELAY)
    try:
        yield secret_ledger.watch(started)
    finally:
        secret_ledger.stop(started)
