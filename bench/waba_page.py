"""The WABA Manager's page of a number, warm against cold: Graph calls and time per page view, in one run.

A page view is what the portal asks the hub when a number's WABA Manager opens: `GET /v1/wabas/{waba_id}` (the
WABA's details, health and numbers), `GET /v1/numbers/{number_id}/commerce-settings` and
`GET /v1/numbers/{number_id}/profile`, each through the waba function's handler as API Gateway hands it over.
DynamoDB is moto in this process (`mock_aws`, the waba and accounts tables from the template); Meta is the sandbox
in this process too, behind the hub's own Graph client, with `LATENCY_MS` added to every call (Meta's usual answer
time from a Lambda; under moto a table read costs CPU, not a network round trip).

Two sides, taken in turn, `runs` page views each:
- baseline: a cold page view — the kept copies are older than the cache window (`WABA_CACHE_SECONDS`), so the
  hub reads the WABA, its numbers, the commerce settings and the profile from Meta and keeps them;
- subject: a warm page view — the same page again within the window: read from the waba table alone.
The report gives Graph calls per page view on each side (the warm one's target is 0; the run fails otherwise) and
the time per view, as the ratio warm / cold.
"""

from __future__ import annotations

import json
import os
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import boto3
from moto import mock_aws

from bench.harness import REGION, CountingMeta, child_environment, row
from hub_shared import aws
from hub_shared.accounts import BillingModel, ClientAccount, client_profile_item
from hub_shared.api import request_time
from hub_shared.singletons import reset_all
from hub_waba import deps
from hub_waba.app import app, handler
from hub_waba.models.wabas import RegisteredNumber, RegisteredWaba
from hub_waba.store.wabas import WabaStore
from local.functions import LocalLambdaContext
from local.sandboxes.meta import MetaState
from local.template import create_tables, table_environment

CLIENT_ID = "acme"
WABA_ID = "102290129340398"  # the demo story's Acme WABA (SHARED), as the sandbox knows it
NUMBER_ID = "106540352242922"
LATENCY_MS = 50
CACHE_SECONDS = 300
PAGE = (
    ("/v1/wabas/{waba_id}", f"/v1/wabas/{WABA_ID}", {"waba_id": WABA_ID}),
    (
        "/v1/numbers/{number_id}/commerce-settings",
        f"/v1/numbers/{NUMBER_ID}/commerce-settings",
        {"number_id": NUMBER_ID},
    ),
    ("/v1/numbers/{number_id}/profile", f"/v1/numbers/{NUMBER_ID}/profile", {"number_id": NUMBER_ID}),
)
CLAIMS = {"sub": "bench-user", "email": "anna@acme.example", "token_use": "id", "custom:client_id": CLIENT_ID}
ENVIRONMENT = {
    "STAGE": "bench",
    "POWERTOOLS_SERVICE_NAME": "waba",
    "POWERTOOLS_LOG_LEVEL": "WARNING",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "POWERTOOLS_METRICS_DISABLED": "true",
    "WABA_CACHE_SECONDS": str(CACHE_SECONDS),
}

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 20, 12, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def api_event(route: str, path: str, parameters: dict[str, str]) -> dict[str, Any]:
    """The API Gateway HTTP API (payload 2.0) event of the portal's GET, as the JWT authorizer forwards it."""
    return {
        "version": "2.0",
        "routeKey": f"GET {route}",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"accept": "application/json"},
        "pathParameters": parameters,
        "requestContext": {
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "b"},
            "requestId": str(uuid.uuid4()),
            "routeKey": f"GET {route}",
            "stage": "$default",
            "authorizer": {"jwt": {"claims": CLAIMS, "scopes": None}},
        },
        "isBase64Encoded": False,
    }


def waba_page(runs: int) -> dict[str, Any]:
    with mock.patch.dict(os.environ, {**child_environment(), **ENVIRONMENT}):
        calls, seconds = _measure(runs)
    cold, warm = statistics.median(seconds["cold"]), statistics.median(seconds["warm"])
    print(f"waba_page — one WABA Manager page view (details, commerce settings, profile), medians of {runs} views")
    print(f"  Meta answers each Graph call after {LATENCY_MS} ms; the cache window is {CACHE_SECONDS} s")
    for label, side, median in (
        ("baseline  cold: kept copies older than the window", "cold", cold),
        ("subject   warm: within the window", "warm", warm),
    ):
        print(f"  {label:<58}{calls[side]:>6} Graph calls{median * 1000:>10,.1f} ms")
    print(f"  {'subject / baseline (time)':<58}{warm / cold:>28.3f}")
    if calls["warm"] != 0:
        raise SystemExit(f"a warm page view made {calls['warm']} Graph calls; it must make none")
    return {
        "graph_calls": calls,
        "ms": {"cold": round(cold * 1000, 1), "warm": round(warm * 1000, 1)},
        "rows": [
            row("waba_page", "Graph calls per view, cold / warm", f"{calls['cold']} / {calls['warm']}", "warm 0", True),
            row("waba_page", "view time warm / cold", f"{warm / cold:.2f}×"),
        ],
    }


def _measure(runs: int) -> tuple[dict[str, int], dict[str, list[float]]]:
    """Graph calls per view (the same on every run of a side; checked) and seconds per view, after a warm-up."""
    seconds: dict[str, list[float]] = {"cold": [], "warm": []}
    calls: dict[str, set[int]] = {"cold": set(), "warm": set()}
    with mock.patch.dict(os.environ, table_environment()), mock_aws():
        reset_all()
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        create_tables(dynamodb)
        _seed(dynamodb)
        clock = Clock()
        meta = CountingMeta(MetaState.from_story(), clock, latency_ms=LATENCY_MS)
        app.dependency_overrides.update({deps.meta_graph: lambda: meta.graph, request_time: clock})
        try:
            _view(handler)  # clients, the first reads, clients, the first reads
            for _ in range(runs):
                for side in ("cold", "warm"):
                    clock.now += timedelta(seconds=CACHE_SECONDS + 1 if side == "cold" else 1)
                    before = meta.calls
                    started = time.perf_counter()
                    _view(handler)
                    seconds[side].append(time.perf_counter() - started)
                    calls[side].add(meta.calls - before)
        finally:
            app.dependency_overrides.clear()
            reset_all()
    if any(len(counts) != 1 for counts in calls.values()):
        raise SystemExit(f"Graph calls per view changed between runs: {calls}")
    return {side: counts.pop() for side, counts in calls.items()}, seconds


def _view(handler: Handler) -> None:
    """One page view; every answer must be the page's 200."""
    for route, path, parameters in PAGE:
        answer = handler(api_event(route, path, parameters), LocalLambdaContext("WabaFunction"))
        if answer["statusCode"] != 200:
            raise SystemExit(f"GET {path} answered {answer['statusCode']}: {answer['body']}")
        json.loads(answer["body"])


def _seed(dynamodb: Any) -> None:
    account = ClientAccount(client_id=CLIENT_ID, name="Acme Retail", billing_model=BillingModel.DIRECT, prepaid=True)
    dynamodb.put_item(TableName=os.environ["ACCOUNTS_TABLE"], Item=aws.to_item(client_profile_item(account)))
    WabaStore(os.environ["WABA_TABLE"], dynamodb).register(
        RegisteredWaba(waba_id=WABA_ID, client_id=CLIENT_ID),
        RegisteredNumber(number_id=NUMBER_ID, waba_id=WABA_ID, client_id=CLIENT_ID),
        event_at="2026-11-20T00:00:00.000000Z",
    )
