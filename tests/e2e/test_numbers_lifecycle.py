"""The Numbers page's actions on the local hub, over HTTP only: add a number through Embedded Signup,
import one from another BSP with the sandbox's OTP, cancel, and the month-end deletion job, with
billing following NumberAdded and NumberDeleted."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import boto3
import httpx
import pytest

from tests.builders import LocalHubUnderTest

pytestmark = pytest.mark.e2e

ACME_WABA = "102290129340398"
OTP = "123456"
WAIT_SECONDS = 20


def eventually(probe: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.25)
    raise AssertionError(f"within {WAIT_SECONDS} s: {what}")


def call(hub: LocalHubUnderTest, method: str, path: str, email: str, body: Any = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {hub.token(email)}"}
    return httpx.request(method, f"{hub.api}{path}", headers=headers, json=body, timeout=60)


def billable_numbers(hub: LocalHubUnderTest, client_id: str) -> dict[str, dict[str, Any]]:
    """What the billing service recorded (read from its table on the local cloud)."""
    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=hub.aws_endpoint,
        region_name=hub.region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    items = dynamodb.query(
        TableName="hub-billing",
        KeyConditionExpression="pk = :c AND begins_with(sk, :n)",
        ExpressionAttributeValues={":c": {"S": f"CLIENT#{client_id}"}, ":n": {"S": "NUMBER#"}},
    )["Items"]
    return {item["sk"]["S"].removeprefix("NUMBER#"): item for item in items}


def embedded_signup(hub: LocalHubUnderTest, phone_number: str, name: str) -> dict[str, Any]:
    answer = httpx.post(
        f"{hub.meta}/_sandbox/embedded_signup",
        json={"waba_id": ACME_WABA, "cc": "49", "phone_number": phone_number, "verified_name": name},
        timeout=30,
    )
    assert answer.status_code in (200, 201), answer.text
    result: dict[str, Any] = answer.json()
    return result


def subscribed(hub: LocalHubUnderTest) -> int:
    """How many numbers the client's Stripe subscription bills (GET /v1/billing)."""
    return int(call(hub, "GET", "/v1/billing", "anna@acme.example").json()["quantity"])


def test_a_client_adds_a_number_that_runs_and_is_billable(hub: LocalHubUnderTest) -> None:
    before = subscribed(hub)
    signup = embedded_signup(hub, "15112345090", "Acme Shop")
    body = {"code": signup["code"], "waba_id": ACME_WABA, "phone_number_id": signup["phone_number_id"]}

    added = call(hub, "POST", "/v1/numbers", "anna@acme.example", body)

    assert added.status_code == 201, added.text
    number_id = added.json()["number_id"]
    assert call(hub, "GET", f"/v1/numbers/{number_id}", "anna@acme.example").json()["account_status"] == "running"
    eventually(lambda: number_id in billable_numbers(hub, "acme"), "billing counts the added number")
    eventually(lambda: subscribed(hub) == before + 1, "the Stripe subscription bills one number more")


def test_a_partner_cannot_add_a_number(hub: LocalHubUnderTest) -> None:
    signup = embedded_signup(hub, "15112345091", "Acme Shop Two")
    body = {"code": signup["code"], "waba_id": ACME_WABA, "phone_number_id": signup["phone_number_id"]}

    answer = call(hub, "POST", "/v1/numbers", "pat@bluewave.example", body)

    assert answer.status_code == 403
    assert answer.json()["type"].endswith("/partners-cannot-add-numbers")


def test_a_number_migrates_from_another_bsp_with_the_sandbox_otp(hub: LocalHubUnderTest) -> None:
    started = call(
        hub,
        "POST",
        "/v1/numbers/imports",
        "anna@acme.example",
        {"phone_number": "+4915112345095", "waba_id": ACME_WABA, "method": "SMS"},
    )
    assert started.status_code in (200, 201), started.text
    import_id = started.json()["import_id"]

    wrong = call(hub, "POST", f"/v1/numbers/imports/{import_id}/verification", "anna@acme.example", {"code": "000000"})
    verified = call(hub, "POST", f"/v1/numbers/imports/{import_id}/verification", "anna@acme.example", {"code": OTP})

    assert wrong.status_code in (409, 422)
    assert verified.status_code == 200, verified.text
    state = call(hub, "GET", f"/v1/numbers/imports/{import_id}", "anna@acme.example").json()
    assert state["attempts"] == 2
    number = call(hub, "GET", f"/v1/numbers/{state['number_id']}", "anna@acme.example").json()
    assert number["account_status"] == "running"


def test_a_cancelled_number_is_deleted_by_the_job_after_the_month_ends(hub: LocalHubUnderTest) -> None:
    signup = embedded_signup(hub, "15112345096", "Acme Leaving")
    body = {"code": signup["code"], "waba_id": ACME_WABA, "phone_number_id": signup["phone_number_id"]}
    number_id = call(hub, "POST", "/v1/numbers", "anna@acme.example", body).json()["number_id"]
    eventually(lambda: number_id in billable_numbers(hub, "acme"), "billing counts the number")

    cancelled = call(hub, "POST", f"/v1/numbers/{number_id}/cancellation", "anna@acme.example")

    assert cancelled.status_code == 200, cancelled.text
    now = datetime.now(UTC)
    deletion_at = datetime.fromisoformat(cancelled.json()["deletion_at"])
    assert (deletion_at.year, deletion_at.month) == (now.year, now.month)
    assert cancelled.json()["deletion_at"].endswith("T23:59:59.999999Z")
    number = call(hub, "GET", f"/v1/numbers/{number_id}", "anna@acme.example").json()
    assert number["account_status"] == "pending_deletion"
    billed = subscribed(hub)  # a number pending deletion is billed until it is deleted

    after_month_end = "2099-01-01T00:00:00Z"
    run = httpx.post(f"{hub.api}/_local/jobs/DeletionJobDaily", json={"now": after_month_end}, timeout=300)

    assert run.status_code == 200, run.text
    deleted = call(hub, "GET", f"/v1/numbers/{number_id}", "anna@acme.example").json()
    assert deleted["account_status"] == "deleted"
    eventually(
        lambda: "deleted_at" in billable_numbers(hub, "acme").get(number_id, {}), "billing received NumberDeleted"
    )
    eventually(lambda: subscribed(hub) < billed, "the Stripe subscription bills the deleted numbers no more")
