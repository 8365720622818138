"""The end-to-end wall: one local hub per test session, started as `python -m local` is, driven over HTTP only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.builders import LocalHubUnderTest, start_local_hub


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHubUnderTest]:
    """`python -m local` on free loopback ports, in its own process, for the whole session."""
    started = start_local_hub(tmp_path_factory.mktemp("hub"))
    try:
        yield started.under_test()
    finally:
        started.stop()
