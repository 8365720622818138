"""Support on the local hub over HTTP: a ticket with a file uploaded straight to the local S3 (which refuses what its
policy refuses), an agent's answer, the e-mails the local outbox keeps; and the tickets other services ask for
through the bus — the WABA Manager's commerce request, a funds refund request — with their context."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx

from tests.builders import RecordingHub

ACME_NUMBER = "106540352242922"
GLOBEX_NUMBER = "107811234567801"
LOG = b"2026-12-01 09:00:01 ERROR 131026 message undeliverable\n"


def call(hub: RecordingHub, method: str, path: str, token: str, body: Any = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.request(method, f"{hub.api}{path}", headers=headers, json=body, timeout=30)


def eventually(check: Callable[[], Any], seconds: float = 60) -> Any:
    """`check()`'s first truthy answer, asked until `seconds` have passed (the bus and the outbox take a moment)."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found or time.monotonic() > deadline:
            assert found, "never came"
            return found
        time.sleep(0.25)


def mail_to(hub: RecordingHub, address: str, ticket_id: str) -> list[dict[str, Any]]:
    mail = httpx.get(f"{hub.api}/_local/mail", timeout=10).json()["mail"]
    return [m for m in mail if address in m["to"] and ticket_id in m["subject"]]


def test_a_ticket_with_a_file_is_answered_by_an_agent_and_each_side_is_mailed(hub: RecordingHub) -> None:
    anna, sam = hub.token("anna@acme.example"), hub.token("sam@hub.example")
    opened = call(
        hub,
        "POST",
        "/v1/tickets",
        anna,
        {
            "subject": "Messages to Brazil fail",
            "category": "technical",
            "description": "See the log.",
            "number_id": ACME_NUMBER,
        },
    )
    assert opened.status_code == 201, opened.text
    ticket_id = opened.json()["ticket_id"]
    path = f"/v1/tickets/{ticket_id}"
    added = call(
        hub,
        "POST",
        f"{path}/attachments",
        anna,
        {"filename": "log.txt", "content_type": "text/plain", "size": len(LOG)},
    )
    assert added.status_code == 201, added.text
    form = added.json()["upload"]

    too_big = httpx.post(form["url"], data=form["fields"], files={"file": ("log.txt", LOG + b"!")}, timeout=30)
    other_type = httpx.post(
        form["url"], data={**form["fields"], "Content-Type": "text/html"}, files={"file": ("log.txt", LOG)}, timeout=30
    )
    uploaded = httpx.post(form["url"], data=form["fields"], files={"file": ("log.txt", LOG)}, timeout=30)

    assert (too_big.status_code, other_type.status_code, uploaded.status_code) == (400, 403, 204)
    assert "EntityTooLarge" in too_big.text and "Policy Condition failed" in other_type.text
    (file,) = call(hub, "GET", path, sam).json()["attachments"]
    assert httpx.get(file["download_url"], timeout=30).content == LOG

    assert (
        call(
            hub, "POST", f"{path}/messages", sam, {"body": "Meta had an outage; fixed.", "internal": False}
        ).status_code
        == 201
    )
    seen = call(hub, "GET", path, anna).json()
    assert (seen["status"], [m["body"] for m in seen["thread"]]) == ("pending_customer", ["Meta had an outage; fixed."])
    assert call(hub, "POST", f"{path}/close", anna).json()["status"] == "closed"

    assert eventually(lambda: mail_to(hub, "support@hub.example.com", ticket_id))  # anna opened it
    (answer,) = eventually(lambda: mail_to(hub, "anna@acme.example", ticket_id))  # sam answered
    assert "Meta had an outage" in answer["body"]


def test_the_waba_managers_commerce_request_and_a_refund_request_become_tickets_with_their_context(
    hub: RecordingHub,
) -> None:
    gary, anna, sam = hub.token("gary@globex.example"), hub.token("anna@acme.example"), hub.token("sam@hub.example")
    asked = call(
        hub,
        "POST",
        f"/v1/numbers/{GLOBEX_NUMBER}/commerce-settings/support-request",
        gary,
        {"is_catalog_visible": True, "is_cart_enabled": False, "note": "Catalog on for the launch, please."},
    )
    refund = call(hub, "POST", f"/v1/billing/funds/{ACME_NUMBER}/refund-request", anna, {"reason": "Leaving prepaid."})
    assert (asked.status_code, refund.status_code) == (202, 202), (asked.text, refund.text)

    def ticket_of(token: str, origin: str) -> dict[str, Any] | None:
        items = call(hub, "GET", "/v1/tickets", token).json()["items"]
        return next((item for item in items if item["origin"] == origin), None)

    commerce = eventually(lambda: ticket_of(gary, "commerce_support_request"))
    refunded = eventually(lambda: ticket_of(anna, "funds_refund_request"))

    commerce_detail = call(hub, "GET", f"/v1/tickets/{commerce['ticket_id']}", sam).json()
    assert commerce_detail["client_id"] == "globex"
    assert commerce_detail["context"]["wanted"] == {"is_catalog_visible": True, "is_cart_enabled": False}
    assert commerce_detail["context"]["note"] == "Catalog on for the launch, please."
    refund_detail = call(hub, "GET", f"/v1/tickets/{refunded['ticket_id']}", sam).json()
    assert (refund_detail["category"], refund_detail["number_id"]) == ("billing", ACME_NUMBER)
    assert refund_detail["context"]["reason"] == "Leaving prepaid."
    assert refund_detail["context"]["balance"] > 0
    queue = {item["ticket_id"] for item in call(hub, "GET", "/v1/tickets", sam).json()["items"]}
    assert {commerce["ticket_id"], refunded["ticket_id"]} <= queue
