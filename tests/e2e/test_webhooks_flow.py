"""Meta's webhooks through the local hub, end to end: signed POST → stored once → stream relay → bus →
the numbers consumer whose rule matches → the number's state, read back through the API."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from functools import cache
from typing import Any

import boto3
import httpx
import pytest

from tests.builders import META_WEBHOOK_SAMPLES as SAMPLES
from tests.builders import LocalHubUnderTest

pytestmark = pytest.mark.e2e

ACME_WABA = "102290129340398"
ACME_RUNNING = "106540352242922"
GLOBEX_FREIGHT = "107811234567801"  # +1 555-078-3881, the number of Meta's quality sample
WAIT_SECONDS = 20


def sample(name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((SAMPLES / f"{name}.json").read_text())
    return body


@cache
def app_secret(aws_endpoint: str, region: str) -> str:
    secrets = boto3.client(
        "secretsmanager",
        endpoint_url=aws_endpoint,
        region_name=region,
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    return str(secrets.get_secret_value(SecretId="hub/meta/app-secret")["SecretString"])


def post_webhook(hub: LocalHubUnderTest, body: dict[str, Any], *, secret: str | None = None) -> httpx.Response:
    raw = json.dumps(body).encode()
    key = secret or app_secret(hub.aws_endpoint, hub.region)
    signature = "sha256=" + hmac.new(key.encode(), raw, hashlib.sha256).hexdigest()
    headers = {"content-type": "application/json", "x-hub-signature-256": signature}
    return httpx.post(f"{hub.api}/webhooks/meta", content=raw, headers=headers, timeout=30)


def number(hub: LocalHubUnderTest, number_id: str) -> dict[str, Any]:
    answer = hub.get(f"/v1/numbers/{number_id}", hub.token("sam@hub.example"))
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def eventually(probe: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if probe():
            return
        time.sleep(0.25)
    raise AssertionError(f"within {WAIT_SECONDS} s: {what}")


def settled(hub: LocalHubUnderTest, number_id: str, seconds: float = 3.0) -> dict[str, Any]:
    """The number after the pipeline had time to deliver anything still in flight."""
    time.sleep(seconds)
    return number(hub, number_id)


def ban(state: str, at: int) -> dict[str, Any]:
    body = sample("account_update.disabled_update")
    body["entry"][0]["time"] = at
    body["entry"][0]["changes"][0]["value"]["ban_info"]["waba_ban_state"] = state
    return body


def test_each_meta_sample_is_accepted_with_a_valid_signature(hub: LocalHubUnderTest) -> None:
    for path in sorted(SAMPLES.glob("*.json")):
        answer = post_webhook(hub, json.loads(path.read_text()))
        assert answer.status_code == 200, (path.name, answer.text)


def test_a_waba_ban_and_its_reinstatement_reach_the_numbers(hub: LocalHubUnderTest) -> None:
    # later than Meta's REINSTATE sample, which another test posts: older changes rightly lose
    assert post_webhook(hub, ban("DISABLE", at=1_770_000_000)).status_code == 200
    eventually(lambda: number(hub, ACME_RUNNING)["account_status"] == "banned", "the running number is banned")

    assert post_webhook(hub, ban("REINSTATE", at=1_770_000_100)).status_code == 200
    eventually(lambda: number(hub, ACME_RUNNING)["account_status"] == "running", "the number runs again")


def test_the_quality_sample_sets_the_messaging_limit(hub: LocalHubUnderTest) -> None:
    assert post_webhook(hub, sample("phone_number_quality_update")).status_code == 200

    eventually(lambda: number(hub, GLOBEX_FREIGHT)["messaging_limit"] == "TIER_UNLIMITED", "the limit is unlimited")


def test_the_same_body_twice_changes_nothing_the_second_time(hub: LocalHubUnderTest) -> None:
    flagged = sample("phone_number_quality_update")
    flagged["entry"][0]["time"] = 1_760_000_000
    flagged["entry"][0]["changes"][0]["value"].update(event="FLAGGED", current_limit="TIER_10K")
    unflagged = copy.deepcopy(flagged)
    unflagged["entry"][0]["time"] = 1_760_000_100
    unflagged["entry"][0]["changes"][0]["value"]["event"] = "UNFLAGGED"

    post_webhook(hub, flagged)
    eventually(lambda: number(hub, GLOBEX_FREIGHT)["account_status"] == "flagged", "the number is flagged")
    post_webhook(hub, unflagged)
    eventually(lambda: number(hub, GLOBEX_FREIGHT)["account_status"] == "running", "the number is unflagged")

    again = post_webhook(hub, flagged)

    assert again.status_code == 200
    assert again.json()["stored"] == 0
    assert settled(hub, GLOBEX_FREIGHT)["account_status"] == "running"


def test_a_forged_webhook_is_refused_and_changes_nothing(hub: LocalHubUnderTest) -> None:
    before = number(hub, ACME_RUNNING)

    answer = post_webhook(hub, ban("DISABLE", at=1_790_000_000), secret="not-the-app-secret")

    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert settled(hub, ACME_RUNNING)["account_status"] == before["account_status"]


def test_a_change_for_a_field_no_rule_takes_is_stored_but_moves_no_number(hub: LocalHubUnderTest) -> None:
    before = number(hub, ACME_RUNNING)
    body = ban("DISABLE", at=1_795_000_000)
    body["entry"][0]["changes"][0]["field"] = "account_review_update"

    answer = post_webhook(hub, body)

    assert (answer.status_code, answer.json()["stored"]) == (200, 1)
    assert settled(hub, ACME_RUNNING)["account_status"] == before["account_status"]


def test_the_meta_sandbox_delivers_its_signed_review_webhooks(hub: LocalHubUnderTest) -> None:
    """The seeded onboarding number's name is under review; the sandbox decides it and posts the webhook."""

    def delivered() -> bool:
        state = httpx.get(f"{hub.meta}/_sandbox/state", timeout=10).json()
        return any(w["field"] == "phone_number_name_update" and w["status"] == "delivered" for w in state["webhooks"])

    eventually(delivered, "the sandbox's display-name webhook was accepted by the hub")
