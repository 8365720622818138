"""Ingress throughput of Meta's webhooks: changes/s through verify + store, against HMAC alone, in one run.

Three sides over the same signed bodies (BODIES bodies of CHANGES changes each, in Meta's envelope), in turn, in
this process, with DynamoDB emulated in it by moto (`mock_aws`):
- baseline: the HMAC-SHA256 of each raw body with the app secret and its constant-time compare, the least any
  webhook receiver does — the issue's yardstick;
- floor: one conditional `put_item` per change with boto3 alone, one after another: what storing costs here
  before any hub code (under moto a put is Python in this process, so it dominates);
- subject: the webhooks function's handler (`hub_webhooks.app.handler`) for each body as API Gateway hands it
  over: Powertools routing, the signature, parsing, change ids, the parallel conditional puts and the metrics.
Every run's bodies carry their own entry time, so every change is a first delivery (stored, not a duplicate).
subject/floor is what the hub adds to storing; against real DynamoDB a put waits milliseconds on the network,
which the handler's parallel puts overlap and moto cannot show.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import json
import os
import statistics
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from unittest import mock

import boto3
from moto import mock_aws

from bench.harness import REGION, child_environment, row
from hub_shared.singletons import reset_all
from local.functions import LocalLambdaContext
from local.template import create_tables, table_environment

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

BODIES = 20
CHANGES = 50  # per body
APP_SECRET = "bench-meta-app-secret"  # noqa: S105 - a made-up key for the emulated account
PATH = "/webhooks/meta"
TABLE = "hub-webhook-changes"
WABA_ID = "102290129340398"
ENVIRONMENT = {
    "STAGE": "bench",
    "POWERTOOLS_SERVICE_NAME": "webhooks",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_TRACE_DISABLED": "true",
}

Signed = list[tuple[bytes, str]]
Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


def signed_bodies(run: int) -> Signed:
    """BODIES bodies of CHANGES quality updates each, with their X-Hub-Signature-256; `run` sets their time."""
    out: Signed = []
    for b in range(BODIES):
        changes = [
            {
                "field": "phone_number_quality_update",
                "value": {
                    "display_phone_number": f"1555{b:03d}{c:04d}",
                    "event": "FLAGGED",
                    "current_limit": "TIER_10K",
                },
            }
            for c in range(CHANGES)
        ]
        entry = {"id": WABA_ID, "time": 1_760_000_000 + run, "changes": changes}
        raw = json.dumps({"object": "whatsapp_business_account", "entry": [entry]}, separators=(",", ":")).encode()
        out.append((raw, "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()))
    return out


def api_event(raw: bytes, signature: str) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event of Meta's POST."""
    return {
        "version": "2.0",
        "routeKey": f"POST {PATH}",
        "rawPath": PATH,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "x-hub-signature-256": signature},
        "requestContext": {
            "http": {"method": "POST", "path": PATH, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "m"},
            "requestId": str(uuid.uuid4()),
            "routeKey": f"POST {PATH}",
            "stage": "$default",
        },
        "body": raw.decode(),
        "isBase64Encoded": False,
    }


def ingress(runs: int) -> dict[str, Any]:
    with mock.patch.dict(os.environ, {**child_environment(), **ENVIRONMENT}):
        seconds = _measure(runs)
    changes = BODIES * CHANGES
    base, floor, subject = (changes / statistics.median(seconds[side]) for side in ("baseline", "floor", "subject"))
    print(f"ingress — changes/s, medians of {runs} runs of {BODIES} signed bodies × {CHANGES} changes, run in turn")
    print(f"  {'baseline  HMAC-SHA256 + compare of each raw body':<58}{base:>14,.0f} changes/s")
    print(f"  {'floor     boto3 conditional put_item per change (moto)':<58}{floor:>14,.0f} changes/s")
    print(f"  {'subject   hub_webhooks.app.handler: verify + store':<58}{subject:>14,.0f} changes/s")
    print(f"  {'subject / baseline':<58}{subject / base:>14.5f}")
    print(f"  {'subject / floor (the hub code on top of storing)':<58}{subject / floor:>14.2f}")
    print(f"  {'per change: subject − floor':<58}{(1 / subject - 1 / floor) * 1e6:>14,.1f} µs")
    return {
        "changes_per_second": {"baseline": round(base), "floor": round(floor), "subject": round(subject)},
        "rows": [
            row("ingress", "webhook changes/s: handler / boto3 puts alone", f"{subject:,.0f} / {floor:,.0f}"),
            row("ingress", "handler / boto3 puts alone", f"{subject / floor:.2f}×"),
        ],
    }


def _measure(runs: int) -> dict[str, list[float]]:
    """Seconds per run of each side, after one warm-up run of each (imports, secret, clients)."""
    seconds: dict[str, list[float]] = {"baseline": [], "floor": [], "subject": []}
    with mock.patch.dict(os.environ, table_environment()), mock_aws():
        reset_all()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        create_tables(dynamodb)
        secrets = boto3.client("secretsmanager", region_name=REGION)
        secrets.create_secret(Name="hub/meta/app-secret", SecretString=APP_SECRET)
        # imported once the environment is set, as a fresh Lambda would (its Logger reads the log level)
        from hub_webhooks.app import handler  # noqa: PLC0415

        context = LocalLambdaContext(function_name="WebhooksFunction")
        for run in range(-1, runs):
            bodies = signed_bodies(run)
            started = time.perf_counter()
            _hmac_alone(bodies)
            timings = {
                "baseline": time.perf_counter() - started,
                "floor": _put_alone(dynamodb, run),
                "subject": _handle(handler, context, bodies),
            }
            for side, elapsed in timings.items():
                if run >= 0:
                    seconds[side].append(elapsed)
        reset_all()
    return seconds


def _hmac_alone(bodies: Signed) -> None:
    for raw, signature in bodies:
        expected = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected.encode(), signature.encode()):
            raise SystemExit("ingress benchmark: a body's signature does not match")


def _put_alone(dynamodb: DynamoDBClient, run: int) -> float:
    """Seconds to put BODIES × CHANGES items like the handler's, with boto3 alone."""
    items = [
        {
            "change_id": {"S": f"floor-{run}-{n}"},
            "waba_id": {"S": WABA_ID},
            "field": {"S": "phone_number_quality_update"},
            "time": {"N": str(1_760_000_000 + run)},
            "value": {"S": json.dumps({"display_phone_number": f"1555{n:07d}", "event": "FLAGGED"})},
            "received_at": {"S": "2026-11-20T12:00:00.000000Z"},
            "expires_at": {"N": "1795000000"},
        }
        for n in range(BODIES * CHANGES)
    ]
    started = time.perf_counter()
    for item in items:
        dynamodb.put_item(TableName=TABLE, Item=item, ConditionExpression="attribute_not_exists(change_id)")
    return time.perf_counter() - started


def _handle(handler: Handler, context: LocalLambdaContext, bodies: Signed) -> float:
    """Seconds the handler took over `bodies` (its metrics lines captured); checks every change was stored."""
    events = [api_event(raw, signature) for raw, signature in bodies]
    with contextlib.redirect_stdout(io.StringIO()):
        started = time.perf_counter()
        answers = [handler(event, context) for event in events]
        elapsed = time.perf_counter() - started
    if any(json.loads(answer["body"]).get("stored") != CHANGES for answer in answers):
        raise SystemExit(f"ingress benchmark: a body was not stored: {answers[0]}")
    return elapsed
