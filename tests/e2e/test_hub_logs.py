"""The local hub's own log, as the end-to-end log scan reads it: the functions' module loggers write there as in
Lambda, JSON lines with their fields (INFO included), so the scan sees what CloudWatch would hold."""

from __future__ import annotations

import json
import time
from typing import Any

import httpx
import pytest

from tests.builders import (
    ACME_WABA,
    RecordingHub,
    encode_json,
    hub_secrets,
    webhook_entry,
    webhook_notification,
    webhook_signature,
)

pytestmark = pytest.mark.e2e

WAIT_SECONDS = 10


def json_lines(hub: RecordingHub) -> list[dict[str, Any]]:
    lines = []
    for line in hub.log.read_text(errors="replace").splitlines():
        if line.startswith("{"):
            parsed = json.loads(line)
            if isinstance(parsed, dict):
                lines.append(parsed)
    return lines


def notifications_received(hub: RecordingHub) -> list[dict[str, Any]]:
    """The webhooks use case's INFO line of each notification it took (`hub_webhooks.usecases.notifications`)."""
    return [line for line in json_lines(hub) if line.get("message") == "meta notification received"]


def test_a_functions_module_logger_writes_a_json_line_with_its_fields_to_the_hubs_log(hub: RecordingHub) -> None:
    (secret,) = [s.value for s in hub_secrets(hub) if s.kind == "secret hub/meta/app-secret"]
    marker = f"log-line-{time.time_ns()}"  # a change no rule takes: stored and published, it moves no number
    raw = encode_json(webhook_notification(webhook_entry(ACME_WABA, 1_770_000_000, ("log_probe", {"marker": marker}))))
    headers = {"content-type": "application/json", "x-hub-signature-256": webhook_signature(raw, secret)}
    before = len(notifications_received(hub))

    answer = httpx.post(f"{hub.api}/webhooks/meta", content=raw, headers=headers, timeout=30)

    assert answer.status_code == 200, answer.text
    deadline = time.monotonic() + WAIT_SECONDS
    while len(received := notifications_received(hub)) == before and time.monotonic() < deadline:
        time.sleep(0.2)
    assert received[before:], f"no new 'meta notification received' line in {hub.log}"
    assert {"level": "INFO", "received": 1, "stored": 1, "duplicates": 0}.items() <= received[-1].items()
