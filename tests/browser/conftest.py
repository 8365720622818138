"""The browser wall: the portal in a real Chromium (Playwright), against one local hub started for the session.

One browser for the session, a fresh context (cookies, storage, a signed-out user) for each test. Every screen a test
shows is checked with axe-core (no serious or critical violation) and saved as a screenshot under test-artifacts/.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from local.portal import DIST
from local.story import DEMO_PASSWORD
from local.template import ROOT
from tests.builders import LocalHubUnderTest, start_local_hub

ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
TIMEOUT_MS = 15_000
BLOCKING = ("serious", "critical")


def chromium() -> str | None:
    """The system's Chromium (CHROMIUM, else chromium or chromium-browser on the PATH); None: Playwright's own."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalHubUnderTest]:
    if not (DIST / "index.html").is_file():
        pytest.fail("The portal is not built (web/dist): run `make browser` or `make web` first.")
    started = start_local_hub(tmp_path_factory.mktemp("browser-hub"))
    try:
        yield started.under_test()
    finally:
        started.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium())
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, hub: LocalHubUnderTest) -> Iterator[Page]:
    context = browser.new_context(base_url=hub.api, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """The sign-in form, filled and sent as a person does."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to Client Hub")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def screen(page: Page, name: str) -> None:
    """Check the screen with axe-core (no serious or critical violation) and keep a screenshot of it."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.png", full_page=True)
    if not page.evaluate("() => 'axe' in window"):
        page.add_script_tag(path=AXE)
    results: dict[str, Any] = page.evaluate("() => axe.run(document, { resultTypes: ['violations'] })")
    blocking = [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "?" for node in violation["nodes"])
        for violation in results["violations"]
        if violation["impact"] in BLOCKING
    ]
    assert blocking == [], f"axe-core on {name}: " + "\n".join(blocking)
