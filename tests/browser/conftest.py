"""The browser wall: the portal in a real Chromium (Playwright), against one local hub started for the session.

One browser for the session, a fresh context (cookies, storage, a signed-out user) for each test. Every screen a test
shows is checked with axe-core and saved as a screenshot under test-artifacts/ (`tests.builders.screen`).
"""

from __future__ import annotations

from collections.abc import Generator, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from local.portal import DIST
from tests.builders import (
    BROWSER_TIMEOUT_MS,
    BrowserWatch,
    RecordingHub,
    SecretLedger,
    another_page,
    chromium,
    start_local_hub,
)


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory, secret_ledger: SecretLedger) -> Iterator[RecordingHub]:
    """The local hub the browser signs in to; its log is searched for secrets like the end-to-end hubs'."""
    if not (DIST / "index.html").is_file():
        pytest.fail("The portal is not built (web/dist): run `make browser` or `make web` first.")
    started = start_local_hub(tmp_path_factory.mktemp("browser-hub"))
    try:
        yield secret_ledger.watch(started)
    finally:
        secret_ledger.stop(started)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium())
        try:
            yield launched
        finally:
            launched.close()


WATCH = pytest.StashKey[BrowserWatch]()


@pytest.fixture
def page(browser: Browser, hub: RecordingHub, request: pytest.FixtureRequest) -> Iterator[Page]:
    with another_page(browser, hub) as first:
        request.node.stash[WATCH] = BrowserWatch(first, hub.log)
        yield first


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed browser test's report tells what the page showed and met, and the hub's last log lines."""
    report: pytest.TestReport = yield
    watch = item.stash.get(WATCH, None)
    if report.when == "call" and report.failed and watch is not None:
        report.sections.append(("what the browser saw", watch.describe()))
    return report
