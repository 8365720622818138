"""The WABA Manager's "Edit display name" on the local hub, over HTTP only: a request goes to the Meta sandbox,
which reviews it and sends the signed webhook back, and the number takes the name with no manual step; with
the webhook lost, the polling job finds the decision."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.builders import PROBLEMS, LocalHubUnderTest

pytestmark = pytest.mark.e2e

INITECH_NUMBER = "108923456789001"
ACME_FLAGGED_NUMBER = "106540352242927"
WAIT_SECONDS = 20


def eventually(probe: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if found := probe():
            return found
        time.sleep(0.25)
    raise AssertionError(f"within {WAIT_SECONDS} s: {what}")


def call(hub: LocalHubUnderTest, method: str, path: str, email: str, body: Any = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {hub.token(email)}"}
    return httpx.request(method, f"{hub.api}{path}", headers=headers, json=body, timeout=60)


def display_name(hub: LocalHubUnderTest, number_id: str, email: str) -> dict[str, Any]:
    answer = call(hub, "GET", f"/v1/numbers/{number_id}/display-name", email)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def sandbox_number(hub: LocalHubUnderTest, number_id: str) -> dict[str, Any]:
    number: dict[str, Any] = httpx.get(f"{hub.meta}/_sandbox/state", timeout=30).json()["numbers"][number_id]
    return number


def test_a_requested_name_is_reviewed_by_meta_and_becomes_the_numbers_name(hub: LocalHubUnderTest) -> None:
    path = f"/v1/numbers/{INITECH_NUMBER}/display-name"

    asked = call(hub, "POST", path, "ian@initech.example", {"display_name": "Initech Help Center"})

    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "pending_review"
    shown = display_name(hub, INITECH_NUMBER, "ian@initech.example")
    if shown["pending"] is not None:  # the sandbox reviews after a second; the page shows it under review until then
        assert shown["pending"]["display_name"] == "Initech Help Center"
        assert shown["edit"]["available"] is False
        assert shown["edit"]["reason"].startswith("Edit not available")
        again = call(hub, "POST", path, "ian@initech.example", {"display_name": "Initech Helpline"})
        assert again.status_code == 409
        assert again.json()["type"] == f"{PROBLEMS}display-name-edit-not-available"

    def renamed() -> dict[str, Any] | None:
        number: dict[str, Any] = call(hub, "GET", f"/v1/numbers/{INITECH_NUMBER}", "ian@initech.example").json()
        return number if number["display_name"] == "Initech Help Center" else None

    number = eventually(renamed, "the sandbox approves the name and its webhook renames the number")
    assert number["display_name_status"] == "APPROVED"
    page = display_name(hub, INITECH_NUMBER, "ian@initech.example")
    assert page["pending"] is None
    assert page["history"][0]["status"] == "approved"
    assert page["history"][0]["decided_by"] == "webhook"
    assert page["reregister_by"] is not None
    assert page["edit"]["available"] is True
    assert page["changes_remaining"] == 9


def test_with_the_webhook_lost_the_polling_job_applies_metas_decision(hub: LocalHubUnderTest) -> None:
    lost = httpx.post(f"{hub.meta}/_sandbox/webhooks/lose", json={"count": 1}, timeout=30)
    assert lost.status_code == 200
    path = f"/v1/numbers/{ACME_FLAGGED_NUMBER}/display-name"

    asked = call(hub, "POST", path, "anna@acme.example", {"display_name": "Acme Daily Deals"})

    assert asked.status_code == 201, asked.text
    eventually(
        lambda: sandbox_number(hub, ACME_FLAGGED_NUMBER)["new_name_status"] == "APPROVED",
        "the sandbox approves the name (and loses its webhook)",
    )
    still = display_name(hub, ACME_FLAGGED_NUMBER, "anna@acme.example")
    assert still["pending"]["status"] == "pending_review"
    assert still["display_name"] == "Acme Deals"

    run = httpx.post(f"{hub.api}/_local/jobs/DisplayNamePolling", timeout=300)

    assert run.status_code == 200, run.text
    assert run.json()["result"]["outcomes"]["decided"] >= 1
    page = display_name(hub, ACME_FLAGGED_NUMBER, "anna@acme.example")
    assert page["display_name"] == "Acme Daily Deals"
    assert page["pending"] is None
    assert page["history"][0]["decided_by"] == "polling"
