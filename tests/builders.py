"""Builders for test data: API Gateway HTTP API (payload 2.0) events, accounts and numbers."""

from __future__ import annotations

import base64
import contextlib
import copy
import functools
import hashlib
import hmac
import json
import os
import re
import shutil
import signal
import site
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from unittest import mock
from urllib.parse import urlencode

import boto3
import httpx
import jwt
import schemathesis
import stripe
from botocore.config import Config
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from moto import mock_aws
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.dynamodb.models import dynamodb_backends
from moto.ses.models import ses_backends
from playwright.sync_api import Browser, Locator, Page, expect
from schemathesis import APIOperation, Case, CheckContext, CheckFunction, GenerationMode, Response
from schemathesis.core import NotSet
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.schemas import OpenApiSchema
from starlette.testclient import TestClient

from hub_accounts.app import app as accounts_app
from hub_accounts.app import handler as accounts_handler
from hub_accounts.models.changes import ChangeRequest, ChangeStatus
from hub_accounts.models.partners import Partner
from hub_accounts.store.accounts import change_item, partner_item
from hub_billing import deps as billing_deps
from hub_billing.app import app as billing_app
from hub_billing.app import handler as billing_handler
from hub_billing.gateways.stripe import StripePayments, stripe_client
from hub_billing.store.billing import BillingStore
from hub_billing.usecases.billable import BillableNumber
from hub_billing.webhook import app as billing_webhook_app
from hub_billing.webhook import handler as billing_webhook_handler
from hub_numbers import deps as numbers_deps
from hub_numbers.app import app as numbers_app
from hub_numbers.integrations.getchat import GetChatInboxes
from hub_numbers.models.display_names import DisplayNameRequest, RequestStatus
from hub_numbers.models.numbers import AccountStatus, InboxStatus, Number
from hub_numbers.models.onboarding import CodeMethod, ImportStep, NumberImport, Waba, WabaType
from hub_numbers.store.numbers import NumbersStore
from hub_numbers.store.onboarding import OnboardingStore
from hub_numbers.usecases.display_names.rules import request_id_at
from hub_numbers.usecases.imports import import_id_for
from hub_shared import aws
from hub_shared.access import EXTENSION
from hub_shared.accounts import BillingModel, ClientAccount, client_profile_item, partner_link_item
from hub_shared.api import request_time
from hub_shared.auth import Role, Scope
from hub_shared.clock import to_rfc3339
from hub_shared.events import Actor, DomainEvent, EventMetadata
from hub_shared.graph import Graph, GraphClient, JsonBody, Params
from hub_shared.meta_events import MetaChange, detail_type
from hub_shared.problems import PROBLEM_JSON, Problem
from hub_shared.settings import Settings
from hub_shared.singletons import reset_all
from hub_support.app import app as support_app
from hub_support.app import handler as support_handler
from hub_support.models.tickets import Ticket, TicketAuthor, TicketCategory, TicketPriority, TicketStatus
from hub_support.store.tickets import SupportStore
from hub_templates import deps as templates_deps
from hub_templates.app import app as templates_app
from hub_templates.app import handler as templates_handler
from hub_templates.store.templates import TemplatesStore
from hub_waba import deps as waba_deps
from hub_waba.app import app as waba_app
from hub_waba.app import handler as waba_handler
from hub_waba.models.wabas import RegisteredNumber, RegisteredWaba
from hub_waba.store.wabas import WabaStore
from hub_webhooks.app import handler as webhooks_handler
from hub_webhooks.usecases.notifications import parse_notification, stored_changes
from hub_webhooks.usecases.publishing import meta_change
from local import moto_cognito as srp
from local.cloud import aws_client, create_user_pool
from local.functions import LocalLambdaContext, invoke
from local.gateway import JwtVerifier, Served, build_gateway, serve
from local.hub import Ports
from local.sandboxes.getchat import GetChatState, build_getchat_sandbox
from local.sandboxes.meta import MetaSandbox, MetaState
from local.sandboxes.stripe import NUMBER_PRICE_ID, StripeSandbox, StripeState
from local.seed import story_templates
from local.state import load_state
from local.story import DEMO_PASSWORD, USERS
from local.template import ROOT, create_tables, http_routes, table_environment, table_name
from local.tokens import id_token

if TYPE_CHECKING:
    import pytest
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from mypy_boto3_dynamodb import DynamoDBClient

REGION = "eu-central-1"
CURSOR_KEY = "test-cursor-signing-key"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PROBLEMS = "https://docs.client-hub.example/problems/"
"""The base of every problem `type` (the default PROBLEM_TYPE_BASE)."""


def is_problem(body: dict[str, Any], status: int, slug: str) -> bool:
    """`body` is the problem+json answer of kind `slug`, with `status` and a detail."""
    return body.get("status") == status and body.get("type") == f"{PROBLEMS}{slug}" and bool(body.get("detail"))


def assert_problem(body: dict[str, Any], status: int, slug: str) -> None:
    assert (body.get("type"), body.get("status")) == (PROBLEMS + slug, status), body
    assert body["detail"]


class FrozenClock:
    """A clock that stands still at `now` until a test moves it (`advance`, or `now = …`)."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class Ticker:
    """A monotonic clock (seconds) that moves only when a test moves it: the clock of a `Deadline`."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def claims_for(
    *, client_id: str | None = None, partner_id: str | None = None, groups: str | None = None, sub: str | None = None
) -> dict[str, str]:
    """JWT claims as API Gateway passes them for a Cognito ID token (all strings)."""
    claims = {
        "sub": sub or str(uuid.uuid4()),
        "email": "user@example.com",
        "token_use": "id",
        "iss": "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_test",
        "aud": "test-client",
        "exp": "1893456000",
        "iat": "1764000000",
    }
    if client_id is not None:
        claims["custom:client_id"] = client_id
    if partner_id is not None:
        claims["custom:partner_id"] = partner_id
    if groups is not None:
        claims["cognito:groups"] = groups
    return claims


CLIENT_ACME = claims_for(client_id="acme", sub="user-acme")
CLIENT_GLOBEX = claims_for(client_id="globex", sub="user-globex")
PARTNER = claims_for(partner_id="bluewave", sub="user-partner")
SUPPORT = claims_for(groups="[support]", sub="user-support")


def http_event(
    method: str,
    path: str,
    *,
    route: str | None = None,
    claims: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    path_parameters: dict[str, str] | None = None,
) -> dict[str, Any]:
    """An API Gateway HTTP API payload 2.0 event as the JWT authorizer forwards it."""
    route_key = f"{method} {route or path}"
    request_context: dict[str, Any] = {
        "accountId": "123456789012",
        "apiId": "api",
        "domainName": "api.example.com",
        "domainPrefix": "api",
        "http": {"method": method, "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "test"},
        "requestId": str(uuid.uuid4()),
        "routeKey": route_key,
        "stage": "$default",
        "time": "20/Nov/2026:12:00:00 +0000",
        "timeEpoch": 1795176000000,
    }
    if claims is not None:
        request_context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": {"content-type": "application/json", **(headers or {})},
        "requestContext": request_context,
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = query
    if path_parameters:
        event["pathParameters"] = path_parameters
    if body is not None:
        event["body"] = body if isinstance(body, str) else json.dumps(body)
    return event


def context(function: str = "test") -> LambdaContext:
    """The Lambda context of an invocation of `function` (the attributes Powertools reads)."""
    return cast("LambdaContext", LocalLambdaContext(function_name=function))


def a_number(number_id: str = "106540352242922", client_id: str = "acme", **overrides: Any) -> Number:
    digits = overrides.pop("digits", number_id[-7:])
    values: dict[str, Any] = {
        "number_id": number_id,
        "client_id": client_id,
        "waba_id": "102290129340398",
        "phone_e164": f"+49151{digits}",
        "display_phone_number": f"+49 151 {digits}",
        "account_status": AccountStatus.RUNNING,
        "meta_status": "CONNECTED",
        "display_name": "Acme Retail",
        "display_name_status": "APPROVED",
        "quality_rating": "GREEN",
        "messaging_limit": "TIER_1K",
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Number.model_validate(values)


def a_ticket(ticket_id: str = "tkt_" + "ac" * 12, client_id: str = "acme", **overrides: Any) -> Ticket:
    """A ticket a client's user opened at NOW (override any field)."""
    values: dict[str, Any] = {
        "ticket_id": ticket_id,
        "client_id": client_id,
        "subject": "Messages to Brazil fail",
        "category": TicketCategory.TECHNICAL,
        "description": "Since this morning every message to +55 numbers fails.",
        "priority": TicketPriority.NORMAL,
        "status": TicketStatus.OPEN,
        "requester": TicketAuthor(user_id=f"user-of-{client_id}", role=Role.CLIENT, email=f"anna@{client_id}.example"),
        "created_at": NOW,
        "updated_at": NOW,
    }
    values.update(overrides)
    return Ticket.model_validate(values)


def a_change_request(
    request_id: str = "pcr_" + "ac" * 12, client_id: str = "acme", target_partner_id: str = "bluewave", **overrides: Any
) -> ChangeRequest:
    """A partner change request of `client_id` to `target_partner_id`, by default completed a day before NOW."""
    actor = Actor(user_id=f"user-{client_id}", role=Role.CLIENT, email=f"anna@{client_id}.example")
    values: dict[str, Any] = {
        "request_id": request_id,
        "client_id": client_id,
        "client_name": f"{client_id.title()} Ltd",
        "target_partner_id": target_partner_id,
        "target_partner_name": f"{target_partner_id.title()} Software",
        "reason": "Our integrator.",
        "status": ChangeStatus.COMPLETED,
        "requested_by": actor,
        "created_at": NOW - timedelta(days=1),
        "decided_at": NOW - timedelta(days=1),
        "completed_at": NOW - timedelta(days=1),
        "updated_at": NOW - timedelta(days=1),
    }
    values.update(overrides)
    return ChangeRequest.model_validate(values)


@functools.cache
def moto_session() -> boto3.session.Session:
    """The boto3 session of the in-process moto's clients, made once per test process (moto's `mock_aws` drops
    boto3's default session each time it starts, and a session costs as much as ten clients to make)."""
    return boto3.session.Session(region_name=REGION)


@functools.cache
def moto_client(service: str) -> Any:
    """A client of the in-process moto (`mock_aws`) for `service`, made once per test process: it works in every
    test's fresh account (moto intercepts each call while a mock is active), and making one per call was a tenth of
    the suites' time. Only for clients nobody registers event handlers on (those would outlive the test)."""
    # botocore would address DynamoDB Streams' account-based endpoint, which moto does not route.
    config = Config(account_id_endpoint_mode="disabled") if service == "dynamodbstreams" else None
    return moto_session().client(service, config=config)  # type: ignore[call-overload]


@dataclass
class AwsWorld:
    """The moto account of a test, with helpers that write data the way its owning service does."""

    dynamodb: DynamoDBClient

    def add_client(
        self, client_id: str, *, billing_model: str = "direct", partner_id: str | None = None, name: str | None = None
    ) -> None:
        account = ClientAccount(
            client_id=client_id,
            name=name or f"{client_id.title()} Ltd",
            billing_model=BillingModel(billing_model),
            partner_id=partner_id,
            prepaid=billing_model == "direct",
        )
        self.dynamodb.put_item(TableName="hub-accounts", Item=aws.to_item(client_profile_item(account)))

    def register_number(self, client_id: str, waba_id: str, number_id: str, *, deleted: bool = False) -> None:
        """The number and its WABA in the waba service's registry, as NumberAdded (NumberDeleted) leaves them."""
        WabaStore("hub-waba", self.dynamodb).register(
            RegisteredWaba(waba_id=waba_id, client_id=client_id),
            RegisteredNumber(number_id=number_id, waba_id=waba_id, client_id=client_id, deleted=deleted),
            event_at=to_rfc3339(NOW),
        )

    def grant(self, client_id: str, partner_id: str, *scopes: str) -> None:
        """The client works with `partner_id` and grants it `scopes` (as the accounts service writes it)."""
        item = {**partner_link_item(client_id, partner_id, scopes, updated_at=to_rfc3339(NOW)), "version": 1}
        self.dynamodb.put_item(TableName="hub-accounts", Item=aws.to_item(item))

    def revoke(self, client_id: str, partner_id: str) -> None:
        """The client grants `partner_id` nothing (it stays the client's partner)."""
        self.grant(client_id, partner_id)

    def add_partner(self, partner_id: str, *, name: str | None = None, auto_approve: bool = False) -> None:
        partner = Partner(
            partner_id=partner_id, name=name or f"{partner_id.title()} Software", auto_approve=auto_approve
        )
        self.dynamodb.put_item(TableName="hub-accounts", Item=aws.to_item(partner_item(partner)))

    def add_change_request(self, request: ChangeRequest) -> ChangeRequest:
        self.dynamodb.put_item(TableName="hub-accounts", Item=aws.to_item(change_item(request)))
        return request

    def add_number(self, number: Number) -> Number:
        NumbersStore("hub-numbers", self.dynamodb).put(number)
        return number

    def items_in_key_order(self, table: str) -> list[dict[str, Any]]:
        """Every item of `table` (strongly consistent), in key order: what a refused call must leave as it was."""
        items = self.dynamodb.scan(TableName=table, ConsistentRead=True)["Items"]
        return sorted(items, key=lambda item: (item["pk"]["S"], item["sk"]["S"]))

    def table_items(self, table: str) -> list[dict[str, Any]]:
        return self.dynamodb.scan(TableName=table)["Items"]

    def stream_records(self, table: str) -> list[dict[str, Any]]:
        """Every record of `table`'s stream so far, in order, as Lambda hands them to a consumer (unfiltered)."""
        streams = moto_client("dynamodbstreams")
        arn = self.dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        records: list[Any] = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )
            records.extend(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"])
        return records

    def queue(self, name: str) -> str:
        return str(moto_client("sqs").create_queue(QueueName=name)["QueueUrl"])

    def observe(self, source: str) -> str:
        """A queue that a rule on the hub bus fills with every event of `source`; answers its URL."""
        url = self.queue(f"observe-{source.replace('.', '-')}")
        arn = moto_client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        events = moto_client("events")
        rule = f"observe-{source.replace('.', '-')}"
        events.put_rule(Name=rule, EventBusName="hub", EventPattern=json.dumps({"source": [source]}))
        events.put_targets(Rule=rule, EventBusName="hub", Targets=[{"Id": "queue", "Arn": arn["QueueArn"]}])
        return url

    def drain(self, queue_url: str, rounds: int = 50) -> list[dict[str, Any]]:
        """Every message waiting in a queue (JSON bodies), removing them."""
        sqs = moto_client("sqs")
        bodies: list[dict[str, Any]] = []
        for _ in range(rounds):
            messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return bodies
            for message in messages:
                bodies.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
        raise AssertionError(f"{queue_url} did not drain")


#: Meta's published sample webhooks, kept in the repository as Meta prints them (see their README.md).
META_WEBHOOK_SAMPLES = ROOT / "tests" / "fixtures" / "meta-webhooks"
STRIPE_WEBHOOK_SAMPLES = ROOT / "tests" / "fixtures" / "stripe-webhooks"


ACME_WABA = "102290129340398"
"""Acme's WABA in the Meta sandbox's story."""


def a_meta_change(field: str, value: dict[str, Any], *, waba_id: str = ACME_WABA, time: int = 1743451903) -> MetaChange:
    """A change of Meta's as the webhooks relay publishes it (its id hashes WABA, field and value)."""
    identity = json.dumps([waba_id, field, value], sort_keys=True).encode()
    return MetaChange(
        metadata=EventMetadata(
            event_id=hashlib.sha256(identity).hexdigest(),
            occurred_at=datetime.fromtimestamp(time, UTC),
            correlation_id="webhook-request-1",
        ),
        waba_id=waba_id,
        field=field,
        time=time,
        value=value,
    )


def eventbridge_event(
    detail: DomainEvent, *, detail_type: str | None = None, source: str | None = None
) -> dict[str, Any]:
    """A bus event exactly as EventBridge delivers it to a rule's Lambda target."""
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": detail_type or detail.DETAIL_TYPE,
        "source": source or detail.SOURCE,
        "account": "123456789012",
        "time": "2026-11-20T12:00:00Z",
        "region": "eu-central-1",
        "resources": [],
        "detail": json.loads(detail.model_dump_json()),
    }


# ---------------------------------------------------------------- adding, importing and the inbox (numbers)

META_APP_SECRET_NAME = "hub/meta/app-secret"
SANDBOX_REVIEW_DELAY_SECONDS = 3600.0
Matcher = Callable[[httpx.Request], bool]


class SandboxCalls(httpx.BaseTransport):
    """The hub's HTTP transport to a sandbox, which records every request and runs an action (arm one of the
    sandbox's faults, change its state) just before the first request a rule matches."""

    def __init__(self, admin_url: str):
        self._admin_url = admin_url
        self._inner = httpx.HTTPTransport()
        self._rules: list[tuple[Matcher, Callable[[], None]]] = []
        self.seen: list[tuple[str, str]] = []

    def before(self, matches: Matcher, action: Callable[[], None]) -> None:
        self._rules.append((matches, action))

    def fault_at(self, matches: Matcher, fault: dict[str, Any]) -> None:
        """The sandbox's fault API (`POST /_sandbox/faults`), armed for the matching request only."""

        def arm() -> None:
            httpx.post(f"{self._admin_url}/_sandbox/faults", json={**fault, "count": 1}).raise_for_status()

        self.before(matches, arm)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append((request.method, request.url.path))
        for rule in list(self._rules):
            if rule[0](request):
                self._rules.remove(rule)
                rule[1]()
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


@dataclass
class MetaSandboxServer:
    """The Meta sandbox (the story's state) on a loopback port, and a Graph client of the hub that calls it."""

    sandbox: MetaSandbox
    served: Served
    calls: SandboxCalls

    @property
    def url(self) -> str:
        return self.served.url

    @property
    def state(self) -> MetaState:
        return self.sandbox.state

    def graph_client(self, *, timeout_seconds: float = 1.5) -> GraphClient:
        """No retries and no waits: a fault armed for a request is the hub's failure at once."""
        settings = Settings(
            graph_api_base_url=self.url,
            graph_max_retries=0,
            graph_max_backoff_seconds=0,
            graph_timeout_seconds=timeout_seconds,
        )
        client = httpx.Client(transport=self.calls)
        return GraphClient(settings=settings, client=client, token_provider=lambda: "EAAsystemusertoken")

    def embedded_signup(self, waba_id: str, phone_number: str, name: str = "Acme Shop") -> dict[str, Any]:
        """What Meta's Embedded Signup hands the front end (`code`, `waba_id`, `phone_number_id`)."""
        body = {"waba_id": waba_id, "phone_number": phone_number, "verified_name": name}
        answer = httpx.post(f"{self.url}/_sandbox/embedded_signup", json=body)
        answer.raise_for_status()
        result: dict[str, Any] = answer.json()
        return result

    def stop(self) -> None:
        self.calls.close()
        self.served.stop()


def serve_meta_sandbox() -> MetaSandboxServer:
    sandbox = MetaSandbox(
        MetaState.from_story(),
        app_secret="sandbox-app-secret",
        webhook_url=None,
        review_delay_seconds=SANDBOX_REVIEW_DELAY_SECONDS,
        clock=lambda: datetime.now(UTC),
    )
    served = serve(sandbox.app)
    return MetaSandboxServer(sandbox=sandbox, served=served, calls=SandboxCalls(served.url))


class GraphProxy:
    """A `Graph` that hands every call to `inner`; a test's Meta overrides the calls it changes."""

    def __init__(self, inner: Graph) -> None:
        self.inner = inner

    def get(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]:
        return self.inner.get(path, params=params, token=token)

    def post(
        self,
        path: str,
        json: JsonBody | None = None,
        params: Params | None = None,
        data: JsonBody | None = None,
        token: str | None = None,
        *,
        idempotent: bool = False,
    ) -> dict[str, Any]:
        return self.inner.post(path, json=json, params=params, data=data, token=token, idempotent=idempotent)

    def delete(self, path: str, params: Params | None = None, token: str | None = None) -> dict[str, Any]:
        return self.inner.delete(path, params=params, token=token)

    def upload(self, session: str, content: bytes, *, offset: int = 0) -> dict[str, Any]:
        return self.inner.upload(session, content, offset=offset)


def outbox_events(items: list[dict[str, Any]], detail_type: str) -> list[dict[str, Any]]:
    """The details of the outbox items of one detail type among a table's items."""
    plain = [aws.from_item(item) for item in items]
    return [
        json.loads(item["detail"])
        for item in plain
        if str(item["pk"]).startswith("OUTBOX#") and item["detail_type"] == detail_type
    ]


# ---------------------------------------------------------------- display names (numbers)

ACME_NUMBER = "106540352242922"
"""Acme's running number in the Meta sandbox's story (+49 1511 2345001, "Acme Retail")."""


def acme_number(**overrides: Any) -> Number:
    """ACME_NUMBER as the hub stores it, with the sandbox's phone number (webhooks name numbers by their digits)."""
    values: dict[str, Any] = {"phone_e164": "+4915112345001", "display_phone_number": "+49 1511 2345001"}
    return a_number(ACME_NUMBER, **{**values, **overrides})


def a_name_request(number: Number, submitted_at: datetime, **overrides: Any) -> DisplayNameRequest:
    """A display-name request of `number`, as `DisplayNamesStore` records it (approved unless told)."""
    values: dict[str, Any] = {
        "request_id": request_id_at(submitted_at),
        "number_id": number.number_id,
        "client_id": number.client_id,
        "display_name": "Acme Garden",
        "previous_name": number.display_name,
        "status": RequestStatus.APPROVED,
        "submitted_at": submitted_at,
        "submitted_by": "user-acme",
        "send_attempts": 1,
    }
    return DisplayNameRequest.model_validate({**values, **overrides})


class InProcessMeta:
    """The Meta sandbox in process, on the hub's clock, behind a Graph client of the hub (no retries, no waits).

    `fault(...)` arms the sandbox's own fault API (Meta's error envelopes); `lose_next_answer()` lets Meta take the
    next call but the hub never hears back (a read timeout). Meta's webhooks are kept by the sandbox (it has no URL):
    `webhooks()` answers the new ones as the webhooks relay publishes them on the bus."""

    def __init__(self, clock: Callable[[], datetime], *, review_delay_seconds: float = 3600) -> None:
        self.sandbox = MetaSandbox(
            MetaState.from_story(),
            app_secret="sandbox-app-secret",
            webhook_url=None,
            review_delay_seconds=review_delay_seconds,
            clock=clock,
        )
        self.sandbox.state.reviews.clear()  # only the test's names are reviewed, not the story's pending ones
        self._http = TestClient(self.sandbox.app)
        self._answers_to_lose = 0
        self._webhooks_seen = 0
        self.calls: list[tuple[str, str]] = []
        self._armed: list[tuple[str, dict[str, Any]]] = []
        """(method and path prefix, fault) of `fault_from`."""
        settings = Settings(graph_api_base_url="http://meta.sandbox", graph_max_retries=0, graph_max_backoff_seconds=0)
        transport = httpx.MockTransport(self._reply)
        self.graph = GraphClient(
            settings=settings,
            client=httpx.Client(transport=transport),
            token_provider=lambda: "EAAsandboxToken",
            sleep=lambda _: None,
        )

    @property
    def state(self) -> MetaState:
        return self.sandbox.state

    def fault(self, count: int = 1, **fault: Any) -> None:
        self._http.post("/_sandbox/faults", json={**fault, "count": count}).raise_for_status()

    def fault_from(self, method: str, path_prefix: str, count: int = 1, **fault: Any) -> None:
        """`fault(count, **fault)`, armed when the first `method` call whose path starts with `path_prefix` arrives."""
        self._armed.append((f"{method} {path_prefix}", {**fault, "count": count}))

    def lose_next_answer(self) -> None:
        self._answers_to_lose += 1

    def review(self, now: datetime) -> int:
        """Meta decides every review due at `now` (its webhooks wait in `webhooks()`)."""
        return self.sandbox.process_due(now)

    def webhooks(self) -> list[dict[str, Any]]:
        """The bus events of the webhooks Meta sent since the last call (lost ones never arrive)."""
        fresh = self.state.webhooks[self._webhooks_seen :]
        self._webhooks_seen = len(self.state.webhooks)
        return [event for delivery in fresh if delivery.status != "lost" for event in relayed(delivery.body.encode())]

    def _reply(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/v23.0/")
        self.calls.append((request.method, path))
        for armed in [armed for armed in self._armed if f"{request.method} {path}".startswith(armed[0])]:
            self._armed.remove(armed)
            self._http.post("/_sandbox/faults", json=armed[1]).raise_for_status()
        answer = self._http.request(request.method, str(request.url), content=request.content, headers=request.headers)
        if self._answers_to_lose:
            self._answers_to_lose -= 1
            raise httpx.ReadTimeout("Meta took the call but did not answer in time", request=request)
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)


def relayed(body: bytes) -> list[dict[str, Any]]:
    """A webhook body's changes as the webhooks service stores them and its relay publishes them (`meta.<field>`)."""
    changes = stored_changes(parse_notification(body), now=NOW, correlation_id="webhook-request-1")
    return [eventbridge_event(meta_change(change), detail_type=detail_type(change.field)) for change in changes]


# ---------------------------------------------------------------- Meta's webhooks (webhooks service)

WEBHOOK_APP_SECRET = "test-meta-app-secret"
WEBHOOK_VERIFY_TOKEN = "test-meta-verify-token"
WEBHOOK_CHANGES_TABLE = "hub-webhook-changes"
WEBHOOK_PATH = "/webhooks/meta"

Answer = tuple[int, dict[str, Any], dict[str, str]]
"""An HTTP answer: status, JSON body, headers."""


def webhook_signature(raw: bytes, secret: str = WEBHOOK_APP_SECRET) -> str:
    """Meta's header, computed independently of the code under test."""
    return "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def encode_json(body: dict[str, Any]) -> bytes:
    return json.dumps(body).encode()


def post_webhook(raw: bytes, headers: dict[str, str] | None = None, *, base64_encoded: bool = False) -> Answer:
    """POST `raw` as API Gateway hands it over: text, or base64 when `base64_encoded`."""
    event = http_event("POST", WEBHOOK_PATH, body="", headers=headers)
    event["body"] = base64.b64encode(raw).decode() if base64_encoded else raw.decode()
    event["isBase64Encoded"] = base64_encoded
    answer = webhooks_handler(event, context("WebhooksFunction"))
    return answer["statusCode"], json.loads(answer["body"]), answer.get("headers", {})


def post_signed_webhook(raw: bytes, *, base64_encoded: bool = False) -> Answer:
    return post_webhook(raw, {"x-hub-signature-256": webhook_signature(raw)}, base64_encoded=base64_encoded)


def stored_changes_of(world: AwsWorld) -> list[dict[str, Any]]:
    """Every item of the table, as plain values."""
    pages = world.dynamodb.get_paginator("scan").paginate(TableName=WEBHOOK_CHANGES_TABLE)
    return [{k: next(iter(v.values())) for k, v in item.items()} for page in pages for item in page["Items"]]


def webhook_notification(*entries: dict[str, Any]) -> dict[str, Any]:
    return {"object": "whatsapp_business_account", "entry": list(entries)}


def webhook_entry(waba_id: str, time: int | None, *changes: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": waba_id, "changes": [{"field": f, "value": v} for f, v in changes]}
    if time is not None:
        out["time"] = time
    return out


def quality_webhook(event: str, time: int) -> dict[str, Any]:
    value = {"display_phone_number": "15550783881", "event": event, "current_limit": "TIER_10K"}
    return webhook_notification(webhook_entry("102290129340398", time, ("phone_number_quality_update", value)))


# ---------------------------------------------------------------- Cognito ID tokens (the local gateway's authorizer)

TOKEN_NOW = 1_700_000_000.0  # 14 Nov 2023 22:13:20 UTC
ISSUER = "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_local"
APP_CLIENT_ID = "portal-client"
KID = "key-1"
SOURCE_IP = "203.0.113.7"
EMPTY_OPENAPI: dict[str, Any] = {"openapi": "3.1.0", "info": {"title": "Client Hub", "version": "1"}, "paths": {}}


@cache
def signing_key() -> rsa.RSAPrivateKey:
    """The key the local pool signs ID tokens with (made once, on first use)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@cache
def other_key() -> rsa.RSAPrivateKey:
    """A key the pool does not publish."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks(key: rsa.RSAPrivateKey | None = None, kid: str = KID) -> dict[str, Any]:
    public = jwt.algorithms.RSAAlgorithm.to_jwk((key or signing_key()).public_key(), as_dict=True)
    return {"keys": [{**public, "kid": kid, "alg": "RS256", "use": "sig"}]}


class InMemoryJwks(jwt.PyJWKClient):
    """PyJWKClient (its cache and kid lookup) over a JWKS held in memory instead of fetched over HTTP."""

    def __init__(self, document: dict[str, Any]):
        super().__init__("https://jwks.invalid/.well-known/jwks.json", cache_keys=True)
        self.document = document
        self.fetches = 0

    def fetch_data(self) -> Any:
        self.fetches += 1
        return self.document


def id_claims(**overrides: Any) -> dict[str, Any]:
    """The claims of a Cognito ID signed_token of a client user, as Cognito signs them."""
    claims: dict[str, Any] = {
        "sub": "user-acme",
        "aud": APP_CLIENT_ID,
        "iss": ISSUER,
        "token_use": "id",
        "email": "ops@acme.example",
        "email_verified": True,
        "custom:client_id": "acme",
        "auth_time": int(TOKEN_NOW) - 60,
        "iat": int(TOKEN_NOW) - 60,
        "exp": int(TOKEN_NOW) + 3600,
    }
    claims.update(overrides)
    return {name: value for name, value in claims.items() if value is not None}


def signed_token(
    claims: dict[str, Any] | None = None, *, key: Any = None, algorithm: str = "RS256", kid: str = KID
) -> str:
    return jwt.encode(claims or id_claims(), key or signing_key(), algorithm=algorithm, headers={"kid": kid})


def bearer(claims: dict[str, Any] | None = None) -> dict[str, str]:
    return {"Authorization": f"Bearer {signed_token(claims)}"}


# ---------------------------------------------------------------- ports (the local hub's)


def plain_bind_error(host: str, port: int) -> int | None:
    """The errno of binding `port` without SO_REUSEADDR (None: it bound): EADDRINUSE while anything, even a
    connection a stopped server left in TIME_WAIT, holds the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as plain:
        try:
            plain.bind((host, port))
        except OSError as error:
            return error.errno
    return None


# ---------------------------------------------------------------- the local hub in a process of its own (e2e)

START_TIMEOUT_SECONDS = 120
STOP_TIMEOUT_SECONDS = 20


@dataclass(frozen=True)
class LocalHubUnderTest:
    api: str
    meta: str
    stripe: str
    aws_endpoint: str
    region: str
    user_pool_client_id: str

    def token(self, email: str, password: str = DEMO_PASSWORD) -> str:
        return id_token(
            email, password, endpoint=self.aws_endpoint, region=self.region, client_id=self.user_pool_client_id
        )

    def get(self, path: str, token: str | None = None, **params: str) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(f"{self.api}{path}", headers=headers, params=params, timeout=30)


@dataclass(frozen=True)
class HubProcess:
    """`python -m local` started by a test: its process, its state file and its log."""

    process: subprocess.Popen[bytes]
    state_file: Path
    log: Path

    def under_test(self) -> LocalHubUnderTest:
        """Wait until the hub wrote its state file (it is ready then) and describe it."""
        state = self._wait_for_state()
        return LocalHubUnderTest(
            api=state["api_url"],
            meta=state["meta_url"],
            stripe=state["stripe_url"],
            aws_endpoint=state["aws_endpoint"],
            region=state["region"],
            user_pool_client_id=state["user_pool_client_id"],
        )

    def _wait_for_state(self) -> dict[str, str]:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = self.log.read_text()[-2000:]
                raise RuntimeError(f"the local hub exited with {self.process.returncode} before it was ready:\n{log}")
            if self.state_file.exists():
                return load_state(self.state_file)
            time.sleep(0.2)
        raise RuntimeError(f"the local hub was not ready within {START_TIMEOUT_SECONDS} s")

    def stop(self) -> int:
        """Ctrl-C, as a developer stops `make run`; its exit status (killed after STOP_TIMEOUT_SECONDS)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(STOP_TIMEOUT_SECONDS)


def start_local_hub(folder: Path, ports: Ports | None = None, *, review_delay: float = 1) -> HubProcess:
    """`python -m local` on `ports` (every one free, picked by the system, when None), its state file and its
    log in `folder`; it does not inherit the test's AWS settings (moto's state must not meet mock_aws)."""
    ports = ports or Ports(api=0, aws=0, meta=0, getchat=0, stripe=0)
    state_file = folder / "hub.json"
    state_file.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-m",
        "local",
        "--port",
        str(ports.api),
        "--aws-port",
        str(ports.aws),
        "--meta-port",
        str(ports.meta),
        "--getchat-port",
        str(ports.getchat),
        "--stripe-port",
        str(ports.stripe),
    ]
    command += ["--review-delay", str(review_delay), "--state-file", str(state_file)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    log = folder / "hub.log"
    with log.open("ab") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)  # noqa: S603
    return HubProcess(process=process, state_file=state_file, log=log)


# ---------------------------------------------------------------- the repository stands alone (tests/conftest.py)

#: The audit events of reading a file or a folder (glob.glob/2 is glob.glob with root_dir or dir_fd).
READ_EVENTS = frozenset({"open", "os.listdir", "os.scandir", "glob.glob", "glob.glob/2"})

AuditHook = Callable[[str, tuple[object, ...]], None]


class ReadOutsideRepository(RuntimeError):
    """A read beside the checkout. Not an OSError on purpose: pathlib's glob swallows those, and a
    refused read must fail the test rather than look like an empty folder."""


def repository_guard(root: Path) -> AuditHook | None:
    """An audit hook refusing every read (open, listdir, scandir, glob) of a path inside `root`'s parent
    folder but outside `root`: where sibling checkouts and machine-local material live.

    Only that folder is policed: not the interpreter, site-packages, the temporary folder or /proc, nor
    those of them that happen to lie in the parent folder, nor the hidden entries of a home folder holding
    the checkout (~/.aws/config, which botocore reads). None when the checkout sits at the filesystem's
    root, where "beside it" would be everything. Cheap: one set lookup for every other audit event; for a
    read, one normalised path and a few prefix tests.
    """
    root = root.resolve()
    beside = root.parent
    if beside.parent == beside:
        return None
    inside, inside_prefix = str(root), f"{root}{os.sep}"
    beside_text, beside_prefix = str(beside), f"{beside}{os.sep}"
    exempt = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix, tempfile.gettempdir()}
    exempt.update(site.getsitepackages())
    exempt.add(site.getusersitepackages())
    # only what lies inside the parent folder matters; /tmp holding a CI clone's parent is no exemption
    exempt_paths = {Path(path).resolve() for path in exempt}
    exempt_prefixes = tuple(
        f"{path}{os.sep}" for path in exempt_paths if path != beside and path.is_relative_to(beside)
    )
    if beside == Path.home():
        exempt_prefixes += (f"{beside_prefix}.",)  # the home folder's hidden entries

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event not in READ_EVENTS:
            return
        target = args[0] if args else None
        if isinstance(target, int):  # a file descriptor: its path was checked when it was opened
            return
        # os.path on strings, not pathlib: this runs on every open of the test process
        path = os.fsdecode(target) if isinstance(target, str | bytes | os.PathLike) else "."
        if event == "glob.glob/2" and isinstance(args[2], str | bytes | os.PathLike):
            path = os.path.join(os.fsdecode(args[2]), path)  # noqa: PTH118
        path = os.path.abspath(path)  # noqa: PTH100
        if (
            (path == beside_text or path.startswith(beside_prefix))
            and path != inside
            and not path.startswith(inside_prefix)
            and not path.startswith(exempt_prefixes)
        ):
            raise ReadOutsideRepository(
                f"{event} {path}: tests must not read beside the checkout ({beside}); "
                f"put what they need inside the repository (tests/fixtures)."
            )

    return hook


# ---------------------------------------------------------------- the hub's HTTP API in this process (matrix, fuzzing)


def hub_environment() -> dict[str, str]:
    """The environment every function runs with in a test: moto's dummy account and the template's table names."""
    return {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "STAGE": "test",
        "EVENT_BUS_NAME": "hub",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_NAMESPACE": "ClientHub",
        "ATTACHMENTS_BUCKET": ATTACHMENTS_BUCKET,
        **table_environment(),
    }


ATTACHMENTS_BUCKET = "hub-support-attachments"


def create_attachments_bucket() -> None:
    """The support service's attachments bucket, in the current moto account."""
    moto_client("s3").create_bucket(
        Bucket=ATTACHMENTS_BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )


_PROVISIONED_TABLES: dict[str, Any] = {}
"""moto's tables right after the template's were made in this process (`provision_moto`)."""


def provision_moto(dynamodb: DynamoDBClient) -> None:
    """In a fresh moto account: every table of the template, the bus, and the secrets the functions read.

    The tables are made through the API once per test process; after that a fresh account gets copies of moto's own
    tables as they were then (empty, with their indexes, streams and TTL): one create_tables a test was most of what
    the `aws` fixture cost, and a thousand tests take it."""
    backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
    if _PROVISIONED_TABLES:
        backend.tables.update(copy.deepcopy(_PROVISIONED_TABLES))
    else:
        create_tables(dynamodb)
        _PROVISIONED_TABLES.update(copy.deepcopy(backend.tables))
    moto_client("events").create_event_bus(Name="hub")
    moto_client("secretsmanager").create_secret(Name="hub/cursor-signing-key", SecretString=CURSOR_KEY)


@dataclass(frozen=True)
class Business:
    """A client of the in-process hub, with one resource of each kind and the partner it works with."""

    client_id: str
    partner_id: str
    waba_id: str
    number_id: str
    digits: str
    """The number's E.164 digits, as the Meta sandbox's story has them."""
    template: tuple[str, str]
    """The name and language of one of its WABA's templates in the story."""
    ticket_id: str = ""
    """One of its support tickets."""
    change_request_id: str = ""
    """The partner change request that brought it to its partner (completed)."""

    @property
    def phone(self) -> str:
        return f"+{self.digits}"

    @property
    def import_id(self) -> str:
        return import_id_for(self.client_id, self.waba_id, f"+{self.digits[:-3]}999")

    def resource(self, kind: str) -> str:
        """The id of this client's resource of `kind` (`AccessRule.kind`)."""
        ids = {
            "number": self.number_id,
            "import": self.import_id,
            "waba": self.waba_id,
            "ticket": self.ticket_id,
            "change_request": self.change_request_id,
            "request": self.change_request_id,  # a path's `request_id`
            "client": self.client_id,  # a path's `client_id`
        }
        if kind not in ids:
            raise KeyError(f"the in-process hub seeds no resource of kind {kind!r}: add it to Business and seed()")
        return ids[kind]

    def path_value(self, parameter: str) -> str:
        """The value of a path parameter that names a part of its resource (a template's name, its language)."""
        values = {"name": self.template[0], "language": self.template[1], "request_id": self.change_request_id}
        if parameter not in values:
            raise KeyError(f"the in-process hub has no value of path parameter {parameter!r}: add it to Business")
        return values[parameter]


ACME = Business(
    "acme",
    "bluewave",
    ACME_WABA,
    "106540352242922",
    "4915112345001",
    ("order_update", "en_US"),
    "tkt_" + "ac" * 12,
    "pcr_" + "ac" * 12,
)
GLOBEX = Business(
    "globex",
    "redwave",
    "104996122399160",
    "107811234567801",
    "15550783881",
    ("shipment_delay", "en_US"),
    "tkt_" + "6b" * 12,
    "pcr_" + "6b" * 12,
)
ALL_SCOPES = frozenset(scope.value for scope in Scope)


class Who(StrEnum):
    """Who calls, for the access matrix: each kind of caller a route must tell apart."""

    CLIENT = "client"
    """A user of ACME."""
    OTHER_CLIENT = "other_client"
    """A user of GLOBEX."""
    PARTNER = "partner"
    """ACME's partner, granted every scope."""
    PARTNER_WITHOUT = "partner_without"
    """ACME's partner, granted every scope but the ones the operation needs."""
    OTHER_PARTNER = "other_partner"
    """GLOBEX's partner, granted every scope by GLOBEX."""
    SUPPORT = "support"
    NO_TOKEN = "no_token"
    EXPIRED = "expired_token"
    OTHER_KEY = "token_signed_by_another_key"
    OTHER_AUDIENCE = "token_of_another_audience"


BAD_TOKENS = frozenset({Who.NO_TOKEN, Who.EXPIRED, Who.OTHER_KEY, Who.OTHER_AUDIENCE})

#: Whose resources a caller has a relation with ("its own"), and whose it has none with ("another tenant's").
OWN_BUSINESS = {
    Who.CLIENT: ACME,
    Who.OTHER_CLIENT: GLOBEX,
    Who.PARTNER: ACME,
    Who.PARTNER_WITHOUT: ACME,
    Who.OTHER_PARTNER: GLOBEX,
    Who.SUPPORT: ACME,
}


def who_claims(who: Who) -> dict[str, Any] | None:
    """The ID token claims of `who` (None: it sends no token)."""
    user = {"custom:client_id": None}
    claims: dict[Who, dict[str, Any]] = {
        Who.CLIENT: {},
        Who.OTHER_CLIENT: {"custom:client_id": GLOBEX.client_id, "sub": "user-globex"},
        Who.PARTNER: {**user, "custom:partner_id": ACME.partner_id, "sub": "user-bluewave"},
        Who.PARTNER_WITHOUT: {**user, "custom:partner_id": ACME.partner_id, "sub": "user-bluewave"},
        Who.OTHER_PARTNER: {**user, "custom:partner_id": GLOBEX.partner_id, "sub": "user-redwave"},
        Who.SUPPORT: {**user, "cognito:groups": ["support"], "sub": "user-support"},
        Who.EXPIRED: {"exp": int(TOKEN_NOW) - 60},
        Who.OTHER_KEY: {},
        Who.OTHER_AUDIENCE: {"aud": "another-app-client"},
    }
    return None if who is Who.NO_TOKEN else id_claims(**claims[who])


def who_headers(who: Who) -> dict[str, str]:
    claims = who_claims(who)
    if claims is None:
        return {}
    key = other_key() if who is Who.OTHER_KEY else None
    return {"Authorization": f"Bearer {signed_token(claims, key=key)}"}


def who_pool() -> str:
    """A user pool holding every Who's user under its token's `sub`, for the accounts function to find the caller in
    (the e-mail change): the template's pool names a user by a `sub` it draws itself, so this one takes plain
    usernames — and holds e-mail changes until they are verified, as the template's does. Answers its id."""
    srp.cognito_for_browsers()
    cognito = moto_client("cognito-idp")
    pool_id: str = cognito.create_user_pool(
        PoolName="hub-users",
        AutoVerifiedAttributes=["email"],
        UserAttributeUpdateSettings={"AttributesRequireVerificationBeforeUpdate": ["email"]},
    )["UserPool"]["Id"]
    users = {claims["sub"]: claims["email"] for who in Who if (claims := who_claims(who)) is not None}
    for sub, email in users.items():
        attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
        cognito.admin_create_user(UserPoolId=pool_id, Username=sub, UserAttributes=attributes, MessageAction="SUPPRESS")
    return pool_id


class InProcessHub:
    """The hub's HTTP API in this process: the local gateway (its JWT authorizer on an in-memory key, at TOKEN_NOW)
    in front of every function the template routes, on moto, with Meta's and get.chat's sandboxes in process and
    the routes' clock at NOW. ACME and GLOBEX are seeded, each with a number, a WABA and an import."""

    def __init__(self, world: AwsWorld, meta: InProcessMeta, client: TestClient):
        self.world = world
        self.meta = meta
        self.client = client

    def seed(self) -> None:
        """Every table empty, then the two businesses (a fresh world for a call that may change it)."""
        for table in self.world.dynamodb.list_tables()["TableNames"]:
            self.world.dynamodb.delete_table(TableName=table)
        create_tables(self.world.dynamodb)
        onboarding = OnboardingStore("hub-numbers", self.world.dynamodb)
        TemplatesStore("hub-templates", self.world.dynamodb).replace(story_templates(NOW), [])
        for business in (ACME, GLOBEX):
            self.world.add_client(business.client_id, partner_id=business.partner_id)
            self.world.grant(business.client_id, business.partner_id, *ALL_SCOPES)
            self.world.add_partner(business.partner_id)
            self.world.add_change_request(
                a_change_request(business.change_request_id, business.client_id, business.partner_id)
            )
            onboarding.put_waba(Waba(waba_id=business.waba_id, client_id=business.client_id, type=WabaType.SHARED))
            self.world.register_number(business.client_id, business.waba_id, business.number_id)
            digits = business.digits
            known = BillableNumber(
                business.client_id,
                business.number_id,
                waba_id=business.waba_id,
                phone_number=f"+{digits}",
                added_at=NOW,
                version=1,
            )
            BillingStore("hub-billing", self.world.dynamodb).record(f"seed-{business.number_id}", None, known, NOW)
            self.world.add_number(
                a_number(
                    business.number_id,
                    business.client_id,
                    waba_id=business.waba_id,
                    phone_e164=f"+{digits}",
                    display_phone_number=f"+{digits}",
                    inbox_status=InboxStatus.ACTIVE,
                    inbox_id=f"inbox-{business.number_id}",
                    inbox_url=f"https://app.get.chat/inbox/{business.number_id}",
                )
            )
            SupportStore("hub-support", self.world.dynamodb).save(
                None, a_ticket(business.ticket_id, business.client_id)
            )
            onboarding.save_import(
                NumberImport(
                    import_id=business.import_id,
                    client_id=business.client_id,
                    waba_id=business.waba_id,
                    phone_e164=f"+{digits[:-3]}999",
                    method=CodeMethod.SMS,
                    display_name="Imported Number",
                    phone_number_id=str(int(business.number_id) + 999),
                    step=ImportStep.CODE_REQUESTED,
                    code_requested_at=NOW - timedelta(hours=1),
                    created_at=NOW - timedelta(hours=1),
                    updated_at=NOW - timedelta(hours=1),
                ),
                read=None,
            )

    def grant(self, business: Business, scopes: frozenset[str]) -> None:
        """What `business` grants its partner from now on (nothing: the grant is removed)."""
        if scopes:
            self.world.grant(business.client_id, business.partner_id, *scopes)
        else:
            self.world.revoke(business.client_id, business.partner_id)

    def snapshot(self) -> dict[str, list[str]]:
        """Every item of every table, in a stable order (to prove a refused call changed nothing), read from moto's
        own store: a Scan of every table through botocore, twice for each refused call, was most of the access
        matrix's time."""
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION]
        return {
            name: sorted(json.dumps(item.to_json()["Attributes"], sort_keys=True) for item in table.all_items())
            for name, table in sorted(backend.tables.items())
        }

    def call(
        self,
        method: str,
        path: str,
        who: Who,
        *,
        body: Any = None,
        params: dict[str, str] | None = None,
        files: dict[str, tuple[str, bytes]] | None = None,
    ) -> httpx.Response:
        """The request as `who`: a JSON `body`, or the parts of a `multipart/form-data` one (`files`)."""
        answer: httpx.Response = self.client.request(
            method, path, headers=who_headers(who), json=body, params=params, files=files
        )
        return answer


IN_PROCESS_APP_SECRET = "app-secret"
"""The Meta app secret of the in-process hub (it signs Meta's webhooks to `POST /webhooks/meta`)."""
META_VERIFY_TOKEN_SECRET_NAME = "hub/meta/verify-token"


@contextlib.contextmanager
def in_process_hub() -> Iterator[InProcessHub]:
    """The in-process hub (see InProcessHub), for a module of tests; moto's state and the overrides are undone."""
    with mock.patch.dict(os.environ, hub_environment()), mock_aws():
        os.environ.pop("AWS_ENDPOINT_URL", None)
        reset_all()
        dynamodb = moto_session().client("dynamodb")
        provision_moto(dynamodb)
        secrets = moto_client("secretsmanager")
        secrets.create_secret(Name=META_APP_SECRET_NAME, SecretString=IN_PROCESS_APP_SECRET)
        secrets.create_secret(Name=META_VERIFY_TOKEN_SECRET_NAME, SecretString=WEBHOOK_VERIFY_TOKEN)
        create_attachments_bucket()
        os.environ["USER_POOL_ID"] = who_pool()
        meta = InProcessMeta(lambda: NOW)
        getchat_key = "getchat-test-key"
        getchat = TestClient(build_getchat_sandbox(GetChatState(), api_key=getchat_key, clock=lambda: NOW))
        inboxes_of_test = GetChatInboxes(base_url=str(getchat.base_url), api_key=lambda: getchat_key, client=getchat)
        overrides = {
            numbers_deps.meta_graph: lambda: meta.graph,
            numbers_deps.display_name_graph: lambda: meta.graph,
            numbers_deps.inboxes: lambda: inboxes_of_test,
            request_time: lambda: NOW,
        }
        numbers_app.dependency_overrides.update(overrides)
        waba_app.dependency_overrides.update({waba_deps.meta_graph: lambda: meta.graph, request_time: lambda: NOW})
        templates_app.dependency_overrides.update(
            {templates_deps.meta_graph: lambda: meta.graph, request_time: lambda: NOW}
        )
        support_app.dependency_overrides.update({request_time: lambda: NOW})
        accounts_app.dependency_overrides.update({request_time: lambda: NOW})
        stripe_sandbox = InProcessStripe()
        secrets.create_secret(Name="hub/stripe/webhook-secret", SecretString=STRIPE_WEBHOOK_SECRET)
        billing_app.dependency_overrides.update(
            {
                billing_deps.payments: lambda: stripe_sandbox.payments,
                billing_deps.meta_graph: lambda: meta.graph,
                request_time: lambda: NOW,
            }
        )
        verifier = JwtVerifier(
            "https://jwks.invalid/.well-known/jwks.json",
            ISSUER,
            APP_CLIENT_ID,
            clock=lambda: TOKEN_NOW,
            keys=InMemoryJwks(jwks()),
        )
        gateway = build_gateway(routes=http_routes(), invoke=invoke, verifier=verifier, openapi=lambda: EMPTY_OPENAPI)
        try:
            with TestClient(gateway, raise_server_exceptions=False) as client:
                hub = InProcessHub(AwsWorld(dynamodb=dynamodb), meta, client)
                hub.seed()
                yield hub
        finally:
            numbers_app.dependency_overrides.clear()
            waba_app.dependency_overrides.clear()
            templates_app.dependency_overrides.clear()
            billing_app.dependency_overrides.clear()
            support_app.dependency_overrides.clear()
            accounts_app.dependency_overrides.clear()
            reset_all()


@contextlib.contextmanager
def tracing_paused() -> Iterator[None]:
    """No trace function inside — coverage's, whichever of its tracers is installed (an xdist worker stacks two:
    stopping the current Coverage resumes the one beneath) — in this thread and in the threads started here, for
    their whole life; the same trace functions again after."""
    traced, traced_threads = sys.gettrace(), threading.gettrace()
    sys.settrace(None)
    threading.settrace(None)
    try:
        yield
    finally:
        threading.settrace(traced_threads)
        sys.settrace(traced)


# ---------------------------------------------------------------- xdist groups (tests/conftest.py schedules by them)

HUB_GROUPS = {"tests/e2e/": "e2e", "tests/browser/": "browser"}
"""The folders whose tests share one local hub, and the group each runs in."""


def xdist_group_of(nodeid: str) -> str:
    """The pytest-xdist group of a test (tests/conftest.py schedules by it): `e2e` for every end-to-end test and
    `browser` for every browser test, so each wall shares one worker and one local hub; else its module, so a
    module's fixtures are built once."""
    module = nodeid.split("::", 1)[0]
    return next((group for folder, group in HUB_GROUPS.items() if module.startswith(folder)), module)


# ---------------------------------------------------------------- secrets in the hubs' logs (e2e log hygiene)
#
# Every log an end-to-end run's hubs write is searched, once they have stopped, for every secret the run knows
# (`SecretLedger`, tests/e2e/conftest.py). How each kind is searched:
# - values the run knows (ID tokens handed out, every secret in each hub's Secrets Manager: Meta's system-user token,
#   app secret and verify token, Stripe's keys, get.chat's key, the cursor key, business tokens, number PINs): a value
#   of LONG_SECRET characters or more anywhere in a line; a shorter one (a 6-digit PIN) only as a whole word, since
#   6 digits occur inside timestamps and ids;
# - ID tokens the run did not hand out itself (the README's `make token`): anything shaped like a JWT;
# - the sandbox's verification code (SANDBOX_OTP): only as the value of a field named like a code (`code`,
#   `verification_code`, `otp`, `pin`; `"code": "123456"`, `code=123456`). A bare 123456 is not flagged: it is a
#   common run of digits (inside timestamps, ids, request ids), so flagging it would flag logs that hold no code;
# - card data: the Stripe sandbox takes none (its checkout page pays without a card, its API has no payment methods),
#   so no card value is known; what is searched is card data by shape, Stripe's test card numbers (what a developer
#   would type) and card fields (`card[number]`, `card_number`, `cvc`, …). Luhn-valid digit runs in general are not
#   flagged: Meta's ids are 15–17 digit numbers, and one in ten of them passes Luhn.
# The demo password (the README publishes it) and moto's dummy AWS keys are not secrets.

SANDBOX_OTP = "123456"
"""The Meta sandbox's only verification code (local.sandboxes.meta.numbers)."""
LONG_SECRET = 12
JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}")
OTP_NEXT_TO_A_CODE = re.compile(r"(?i)[\w\[\]-]*(?:code|otp|pin)[\]\"']?\s*[:=]\s*[\"']?" + SANDBOX_OTP + r"(?![0-9])")
CARD_FIELD = re.compile(r"(?i)(?:card\[number\]|card_?number|\bpan\b|\bcvc2?\b|\bcvv2?\b)[\]\"']?\s*[:=]\s*[\"']?\w")
#: Stripe's published test card numbers (docs.stripe.com/testing): Visa, Mastercard (5- and 2-series), Amex,
#: Discover, Diners, JCB, UnionPay, and the declining and 3-D Secure ones.
STRIPE_TEST_CARDS = (
    "4242424242424242",
    "4000056655665556",
    "5555555555554444",
    "2223003122003222",
    "5200828282828210",
    "5105105105105100",
    "378282246310005",
    "371449635398431",
    "6011111111111117",
    "6011000990139424",
    "3056930009020004",
    "36227206271667",
    "3566002020360505",
    "6200000000000005",
    "4000000000000002",
    "4000000000009995",
    "4000000000000069",
    "4000000000000127",
    "4000002500003155",
    "4000002760003184",
)
_CARD_DIGITS = re.compile(r"(?<![0-9])[0-9](?:[ -]?[0-9]){13,18}(?![0-9])")


@dataclass(frozen=True)
class KnownSecret:
    kind: str
    """What it is, as a leak report names it: `ID token`, `secret hub/meta/app-secret`, …"""
    value: str


@dataclass(frozen=True)
class Leak:
    kind: str
    log: Path
    line_number: int
    line: str
    """The line, redacted: no secret of the run in it."""

    def __str__(self) -> str:
        return f"{self.kind} in {self.log}:{self.line_number}: {self.line}"


def _secret_pattern(value: str) -> re.Pattern[str]:
    if len(value) >= LONG_SECRET:
        return re.compile(re.escape(value))
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])")


def _card_numbers(line: str) -> list[str]:
    """The Stripe test card numbers in a line (with or without spaces or dashes between digits)."""
    return [
        found.group()
        for found in _CARD_DIGITS.finditer(line)
        if re.sub(r"[ -]", "", found.group()) in STRIPE_TEST_CARDS
    ]


def redact(line: str, secrets: list[KnownSecret], limit: int = 400) -> str:
    """`line` with every known secret and every secret-shaped value replaced by `[<kind>]`, cut to `limit`."""
    for secret in sorted(secrets, key=lambda s: -len(s.value)):
        line = _secret_pattern(secret.value).sub(f"[{secret.kind}]", line)
    line = JWT_SHAPE.sub("[JWT]", line)
    line = OTP_NEXT_TO_A_CODE.sub(lambda m: m.group().replace(SANDBOX_OTP, "[OTP]"), line)
    for card in _card_numbers(line):
        line = line.replace(card, "[card number]")
    line = CARD_FIELD.sub(lambda m: m.group()[:-1] + "[card data]", line)
    line = line.rstrip("\n")
    return line if len(line) <= limit else line[:limit] + "…"


def leaks_in(line: str, secrets: list[KnownSecret]) -> list[str]:
    """The kinds of secret `line` holds."""
    kinds = [secret.kind for secret in secrets if secret.value and _secret_pattern(secret.value).search(line)]
    if JWT_SHAPE.search(line) and not any(kind == "ID token" for kind in kinds):
        kinds.append("ID token (JWT-shaped, not one the tests obtained)")
    if OTP_NEXT_TO_A_CODE.search(line):
        kinds.append(f"verification code {SANDBOX_OTP[:2]}… (the sandbox's OTP) as a code field's value")
    if _card_numbers(line):
        kinds.append("card number (a Stripe test card)")
    if CARD_FIELD.search(line):
        kinds.append("card data (a card field)")
    return kinds


def scan_logs(logs: list[Path], secrets: list[KnownSecret]) -> list[Leak]:
    """Every line of `logs` holding a secret, one Leak per kind found in it, the line redacted."""
    found: list[Leak] = []
    for log in logs:
        if not log.exists():
            continue
        with log.open(encoding="utf-8", errors="replace") as lines:
            for number, line in enumerate(lines, start=1):
                found += [Leak(kind, log, number, redact(line, secrets)) for kind in leaks_in(line, secrets)]
    return found


def leak_report(leaks: list[Leak], limit: int = 20) -> str:
    shown = "\n".join(f"  {leak}" for leak in leaks[:limit])
    more = f"\n  … and {len(leaks) - limit} more" if len(leaks) > limit else ""
    return f"{len(leaks)} secret(s) in the local hubs' logs (redacted below):\n{shown}{more}"


def hub_secrets(hub: LocalHubUnderTest) -> list[KnownSecret]:
    """Every secret in the running hub's Secrets Manager (moto): the template's, Stripe's, and those the hub
    created itself (business tokens, number PINs), each named by its secret's name."""
    client = boto3.client(
        "secretsmanager",
        endpoint_url=hub.aws_endpoint,
        region_name=hub.region,
        aws_access_key_id="local",
        aws_secret_access_key="local",  # moto accepts any credentials
    )
    names = [entry["Name"] for page in client.get_paginator("list_secrets").paginate() for entry in page["SecretList"]]
    return [
        KnownSecret(f"secret {name}", client.get_secret_value(SecretId=name)["SecretString"]) for name in sorted(names)
    ]


@dataclass(frozen=True)
class RecordingHub(LocalHubUnderTest):
    """A LocalHubUnderTest whose every ID token goes into `ledger`; `log` is its output."""

    ledger: SecretLedger
    log: Path

    def token(self, email: str, password: str = DEMO_PASSWORD) -> str:
        token = super().token(email, password)
        self.ledger.secrets.append(KnownSecret("ID token", token))
        return token


class SecretLedger:
    """The secrets an end-to-end run knows and the logs its hubs wrote: `leaks()` once every hub stopped."""

    def __init__(self) -> None:
        self.secrets: list[KnownSecret] = []
        self.logs: list[Path] = []

    def watch(self, started: HubProcess) -> RecordingHub:
        """Keep `started`'s log for the scan; the hub, once ready, handing its tokens to this ledger."""
        if started.log not in self.logs:
            self.logs.append(started.log)
        return RecordingHub(**vars(started.under_test()), ledger=self, log=started.log)

    def stop(self, started: HubProcess) -> int:
        """Read the secrets of `started` while it runs (its moto goes with it), then stop it: its exit status."""
        if started.process.poll() is None and started.state_file.exists():
            found = hub_secrets(started.under_test())
            self.secrets += [secret for secret in found if secret not in self.secrets]
        return started.stop()

    def leaks(self) -> list[Leak]:
        return scan_logs(self.logs, self.secrets)


# ---------------------------------------------------------------- schema fuzzing, documented statuses (schemathesis)

GeneratedCase = Case[Any]
Operation = APIOperation[Any, Any, Any, Any]

FUZZ_EXAMPLES_VARIABLE = "FUZZ_EXAMPLES"
FUZZ_TEST_EXAMPLES = 18
"""Examples per operation in `make test`, shared out evenly over its cases; `make fuzz` sets FUZZ_EXAMPLES
(`EXAMPLES=…`, 200 by default)."""
FUZZ_CALLERS = (Who.CLIENT, Who.PARTNER, Who.SUPPORT)
"""Who calls each token-guarded operation; a public one (Meta's webhooks) is called with no token."""
FUZZ_MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
"""Inputs the schema accepts, and inputs it refuses (each must be refused with a 4xx)."""


def fuzz_checks() -> list[CheckFunction]:
    """What every answer is checked for: schemathesis's own checks, and `problem_json`."""
    names = (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
        "response_headers_conformance",
        "negative_data_rejection",
    )
    return [*(cast("CheckFunction", getattr(schemathesis.checks, name)) for name in names), problem_json]


def problem_json(ctx: CheckContext, response: Response, case: GeneratedCase) -> bool | None:
    """Every error answer is a problem (RFC 9457) stating its own status; the one exception is API Gateway's own 401
    on a token-guarded operation, `{"message": "Unauthorized"}` (documented as such: `GATEWAY_UNAUTHORIZED`)."""
    if response.status_code < 400:
        return None
    media = next(iter(response.headers.get("content-type", [""])), "").split(";")[0].strip()
    body = json.loads(response.content) if media.endswith("json") else None
    public = case.operation.definition.raw.get(EXTENSION, {}).get("public", False)
    if response.status_code == 401 and not public:
        assert (media, body) == ("application/json", {"message": "Unauthorized"}), "not the authorizer's own 401"
        return None
    assert media == PROBLEM_JSON, f"an error answered as {media!r}, not {PROBLEM_JSON}"
    assert isinstance(body, dict), "a problem that is not a JSON object"
    assert {"type", "title", "status", "detail"} <= body.keys(), f"a problem without {set(Problem.model_fields)}"
    assert body["status"] == response.status_code, f"a problem stating {body['status']}, answered with another"
    return None


@dataclass(frozen=True)
class FuzzCase:
    """One operation, called by one kind of caller, with one kind of input."""

    method: str
    path: str
    who: Who
    mode: GenerationMode

    @property
    def name(self) -> str:
        return f"{self.method} {self.path} | {self.who.value} | {self.mode.value}"

    @property
    def mutating(self) -> bool:
        return self.method != "GET"

    @property
    def public(self) -> bool:
        return self.who is Who.NO_TOKEN

    @property
    def share(self) -> int:
        """How many cases its operation has (its examples are shared out over them)."""
        return len(FUZZ_MODES) * (1 if self.public else len(FUZZ_CALLERS))


@cache
def openapi_document() -> dict[str, Any]:
    """The committed `docs/openapi.json`."""
    document: dict[str, Any] = json.loads((ROOT / "docs" / "openapi.json").read_text())
    return document


def fuzz_schema() -> OpenApiSchema:
    """The committed document for schemathesis, with its default configuration (no file is looked for)."""
    return schemathesis.openapi.from_dict(openapi_document(), config=schemathesis.Config())


def fuzz_cases() -> list[FuzzCase]:
    """Every operation of the document × its callers × both kinds of input."""
    cases = []
    for path, item in sorted(openapi_document()["paths"].items()):
        for method, operation in sorted(item.items()):
            public = operation.get(EXTENSION, {}).get("public", False)
            callers = (Who.NO_TOKEN,) if public else FUZZ_CALLERS
            cases += [FuzzCase(method.upper(), path, who, mode) for who in callers for mode in FUZZ_MODES]
    return cases


def fuzz_examples(case: FuzzCase) -> int:
    """The case's share of its operation's examples (FUZZ_EXAMPLES, or FUZZ_TEST_EXAMPLES), rounded up."""
    per_operation = int(os.environ.get(FUZZ_EXAMPLES_VARIABLE, FUZZ_TEST_EXAMPLES))
    return -(-per_operation // case.share)


@dataclass
class FuzzFigures:
    """What a case's examples were answered, and the distinct failures (each with its first reproduction)."""

    examples: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def record(self, status: int) -> None:
        self.examples += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1

    def as_json(self) -> str:
        statuses = {str(status): n for status, n in sorted(self.statuses.items())}
        return json.dumps({"examples": self.examples, "statuses": statuses, "failures": sorted(self.failures)})

    def report(self, case: FuzzCase) -> str:
        found = "\n\n".join(f"{title}\n{reproduction}" for title, reproduction in self.failures.items())
        return f"{case.name}: {len(self.failures)} distinct failures in {self.examples} examples\n\n{found}"


class SeededWorld:
    """The in-process hub's tables as `InProcessHub.seed` leaves them, put back by `restore()` writing only the items
    that differ (read from moto's store), where seeding again costs some thirty calls."""

    def __init__(self, hub: InProcessHub) -> None:
        hub.seed()
        self.hub = hub
        self.dynamodb = hub.world.dynamodb
        self.keys = {table: self._key_names(table) for table in self.dynamodb.list_tables()["TableNames"]}
        self.seeded = {table: self._items(table) for table in self.keys}

    def restore(self) -> None:
        for table, seeded in self.seeded.items():
            current = self._items(table)
            for key in current.keys() - seeded.keys():
                item = current[key]
                self.dynamodb.delete_item(TableName=table, Key={name: item[name] for name in self.keys[table]})
            for key, item in seeded.items():
                if current.get(key) != item:
                    self.dynamodb.put_item(TableName=table, Item=item)

    def _key_names(self, table: str) -> tuple[str, ...]:
        schema = self.dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]
        return tuple(key["AttributeName"] for key in schema)

    def _items(self, table: str) -> dict[tuple[tuple[str, Any], ...], dict[str, Any]]:
        """The table's items as DynamoDB writes them, read from moto's own store (a Scan through botocore of every
        table after every example was most of the fuzzing's time; the hub writes no binary attributes, whose form
        would differ)."""
        stored = dynamodb_backends[DEFAULT_ACCOUNT_ID][REGION].tables[table].all_items()
        items = [item.to_json()["Attributes"] for item in stored]
        return {
            tuple((name, json.dumps(item[name], sort_keys=True)) for name in self.keys[table]): item for item in items
        }


def fuzz(world: SeededWorld, schema: OpenApiSchema, case: FuzzCase, examples: int) -> FuzzFigures:
    """Run `examples` generated requests of `case` through the gateway and check every answer (`fuzz_checks`).

    Deterministic: derandomized (the same inputs on every run), no example database, nothing shrunk — every example
    runs and each distinct failure is kept with the first request that showed it (a curl command and the answer).
    Independent: every example starts from the seeded world — put back before a case and after every example of an
    operation that may change it (`SeededWorld.restore`); only Meta's sandbox keeps what it was sent."""
    operation = schema[case.path][case.method]
    figures = FuzzFigures()
    checks = fuzz_checks()
    app = world.hub.client.app
    world.restore()

    @settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=(Phase.generate,),
        suppress_health_check=list(HealthCheck),
    )
    @given(request=_fuzz_strategy(operation, case))
    def run(request: tuple[GeneratedCase, bool]) -> None:
        generated, signed = request
        headers, extra = _fuzz_credentials(schema, generated, case.who, signed)
        response = generated.call(app=app, headers=headers, **extra)
        figures.record(response.status_code)
        try:
            generated.validate_response(response, checks=checks, headers=headers, transport_kwargs={"app": app})
        except FailureGroup as failed:
            for failure in failed.exceptions:
                figures.failures.setdefault(f"{failure.title} ({response.status_code})", _reproduction(failed))
        authorizer_refused = response.status_code == 401 and not case.public  # nothing was invoked
        if case.mutating and not authorizer_refused:
            world.restore()

    run()
    return figures


def _fuzz_strategy(operation: Operation, case: FuzzCase) -> st.SearchStrategy[tuple[GeneratedCase, bool]]:
    """Schemathesis's inputs; valid ones also name the caller's own resources half of the time (a random id reaches
    no further than its 404) and Meta's verification gets the right token; a webhook is signed half of the time (its
    signature is checked before its body is read)."""
    mode = case.mode
    generated = operation.as_strategy(mode)
    signed = st.booleans() if case.path == WEBHOOK_PATH and case.method == "POST" else st.just(False)
    if mode is GenerationMode.NEGATIVE:
        return st.tuples(generated, signed)
    business = OWN_BUSINESS.get(case.who, ACME)
    own = {
        p.name: business.resource(p.name.removesuffix("_id")) if p.name.endswith("_id") else business.path_value(p.name)
        for p in operation.path_parameters
    }
    references = {"waba_id": business.waba_id, "phone_number_id": business.number_id}
    if own or any(name in json.dumps(body.definition) for body in operation.body for name in references):
        named = operation.as_strategy(mode, path_parameters=own or None).map(lambda c: _naming(c, references))
        generated = st.one_of(generated, named)
    if case.path == WEBHOOK_PATH and case.method == "GET":
        subscribe = {"hub.mode": "subscribe", "hub.verify_token": WEBHOOK_VERIFY_TOKEN}
        generated = st.one_of(generated, operation.as_strategy(mode, query=subscribe))
    return st.tuples(generated, signed)


def _naming(case: GeneratedCase, references: dict[str, str]) -> GeneratedCase:
    """The case, its body naming the caller's own WABA and number where it names one."""
    if isinstance(case.body, dict):
        case.body.update({name: value for name, value in references.items() if name in case.body})
    return case


def _fuzz_credentials(
    schema: OpenApiSchema, case: GeneratedCase, who: Who, signed: bool
) -> tuple[dict[str, str], dict[str, Any]]:
    """The caller's token, unless the input is about the token itself (then schemathesis's missing or malformed one
    is sent); a signed webhook's body is sent as the bytes it signed."""
    headers = {} if schema.is_security_param_negated(case) else who_headers(who)
    if not signed:
        return headers, {}
    raw = _body_bytes(case)
    headers["X-Hub-Signature-256"] = webhook_signature(raw, IN_PROCESS_APP_SECRET)
    return headers, {"data": raw}


def _body_bytes(case: GeneratedCase) -> bytes:
    """The body as schemathesis sends it: its JSON, or the bytes an invalid one is made of."""
    sent = case.as_transport_kwargs()
    if sent.get("data") is not None:
        data = sent["data"]
        return data if isinstance(data, bytes) else str(data).encode()
    return b"" if sent.get("json") is None else json.dumps(sent["json"]).encode()


def _reproduction(failed: FailureGroup) -> str:
    return str(failed).split("\n", 1)[-1].strip()


@dataclass(frozen=True)
class PlainRequest:
    """A request of an operation, to send through the in-process hub's gateway as it is."""

    method: str
    path: str
    query: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    raw: bytes | None = None
    files: dict[str, tuple[str, bytes]] | None = None
    """A `multipart/form-data` body's parts (field → file name, bytes) instead of a JSON one."""

    def send(self, hub: InProcessHub, headers: dict[str, str]) -> httpx.Response:
        if self.files is not None:
            multipart: httpx.Response = hub.client.request(
                self.method, self.path, params=self.query, headers={**self.headers, **headers}, files=self.files
            )
            return multipart
        content = self.raw if self.raw is not None else None if self.body is None else json.dumps(self.body).encode()
        sent = {**self.headers, **headers, **({"content-type": "application/json"} if content is not None else {})}
        answer: httpx.Response = hub.client.request(
            self.method, self.path, params=self.query, headers=sent, content=content
        )
        return answer


def least_request(schema: OpenApiSchema, method: str, path: str, **path_parameters: str) -> PlainRequest:
    """The least valid request schemathesis makes of an operation (its path parameters given): what the answers of
    one changed part (a token, an id, the body) are asked on."""
    operation = schema[path][method]
    strategy = operation.as_strategy(GenerationMode.POSITIVE, path_parameters=path_parameters or None)
    quick = settings(database=None, derandomize=True, phases=(Phase.generate,), max_examples=1)
    case = find(strategy, lambda _: True, settings=quick)
    filled = path.format(**(case.path_parameters or {}))
    body = None if isinstance(case.body, NotSet) else case.body
    headers = {name: str(value) for name, value in (case.headers or {}).items() if name.lower() != "authorization"}
    if (case.media_type or "").startswith("multipart/") and isinstance(body, dict):
        files = {
            name: (name, value if isinstance(value, bytes) else str(value).encode()) for name, value in body.items()
        }
        return PlainRequest(method, filled, dict(case.query or {}), headers, files=files)
    return PlainRequest(method, filled, dict(case.query or {}), headers, body)


# ---------------------------------------------------------------- the user pool in a test's moto account


def user_pool(monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The template's user pool in the test's moto account, mailing its codes as Cognito does (`local.moto_cognito`),
    named by the functions' `USER_POOL_ID`; answers (pool id, app client id)."""
    srp.cognito_for_browsers()
    pool_id, client_id = create_user_pool(moto_client("cognito-idp"), REGION)
    monkeypatch.setenv("USER_POOL_ID", pool_id)
    reset_all()
    return pool_id, client_id


def pool_user(pool_id: str, email: str, *, client_id: str | None = None) -> dict[str, str]:
    """A confirmed user of the pool (the demo password, a verified address); answers its ID token's claims."""
    cognito = moto_client("cognito-idp")
    attributes = [{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}]
    attributes += [{"Name": "custom:client_id", "Value": client_id}] if client_id else []
    cognito.admin_create_user(UserPoolId=pool_id, Username=email, UserAttributes=attributes, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=email, Password=DEMO_PASSWORD, Permanent=True)
    user = cognito.admin_get_user(UserPoolId=pool_id, Username=email)
    sub = next(a["Value"] for a in user["UserAttributes"] if a["Name"] == "sub")
    return claims_for(client_id=client_id, sub=sub) | {"email": email}


def mailed_codes(to: str) -> list[str]:
    """The codes mailed to `to` that the test's local SES kept, oldest first."""
    sent = ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
    found = (re.search(r"\b(\d{6})\b", message.body) for message in sent if to in message.destinations["ToAddresses"])
    return [code.group(1) for code in found if code]


# ---------------------------------------------------------------- SRP sign-in, as a browser's Cognito client does it


def srp_sign_in(cognito: Any, pool_id: str, client_id: str, email: str, password: str) -> dict[str, Any]:
    """Cognito's USER_SRP_AUTH from the client's side (what Amplify computes in the browser): A = gᵃ, then the
    PASSWORD_VERIFIER answer with S = (B − k·gˣ)^(a + u·x); answers RespondToAuthChallenge's answer."""
    a = int.from_bytes(os.urandom(32), "big")
    a_public = pow(srp.G, a, srp.N)
    challenge = cognito.initiate_auth(
        ClientId=client_id, AuthFlow="USER_SRP_AUTH", AuthParameters={"USERNAME": email, "SRP_A": format(a_public, "x")}
    )
    parameters = challenge["ChallengeParameters"]
    b_public, salt, user_id = int(parameters["SRP_B"], 16), int(parameters["SALT"], 16), parameters["USER_ID_FOR_SRP"]
    pool_name = pool_id.split("_", 1)[1]
    u = int(srp.hash_hex(srp.pad_hex(a_public) + srp.pad_hex(b_public)), 16)
    inner = hashlib.sha256(f"{pool_name}{user_id}:{password}".encode()).hexdigest()
    x = int(srp.hash_hex(srp.pad_hex(salt) + inner), 16)
    s = pow(b_public - srp.K * pow(srp.G, x, srp.N), a + u * x, srp.N)
    prk = hmac.new(bytes.fromhex(srp.pad_hex(u)), bytes.fromhex(srp.pad_hex(s)), hashlib.sha256).digest()
    key = hmac.new(prk, b"Caldera Derived Key\x01", hashlib.sha256).digest()[:16]
    now = datetime.now(UTC)
    timestamp = f"{now:%a %b} {now.day} {now:%H:%M:%S} UTC {now:%Y}"
    block = parameters["SECRET_BLOCK"]
    message = pool_name.encode() + user_id.encode() + base64.b64decode(block) + timestamp.encode()
    signature = base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()
    answer: dict[str, Any] = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="PASSWORD_VERIFIER",
        Session=challenge.get("Session", ""),
        ChallengeResponses={
            "USERNAME": user_id,
            "PASSWORD_CLAIM_SECRET_BLOCK": block,
            "TIMESTAMP": timestamp,
            "PASSWORD_CLAIM_SIGNATURE": signature,
        },
    )
    return answer


# ---------------------------------------------------------------- the portal in a browser (tests/browser)

ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
BROWSER_TIMEOUT_MS = 15_000
BLOCKING_IMPACTS = ("serious", "critical")


def chromium() -> str | None:
    """The system's Chromium (CHROMIUM, else chromium or chromium-browser on the PATH); None: Playwright's own."""
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """The sign-in form, filled and sent as a person does."""
    page.goto("/")
    expect(page.get_by_role("heading", name="Sign in to Client Hub")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def unique(text: str) -> str:
    """`text` with a random suffix: a subject, reason or name that no other test (sharing the hub) writes."""
    return f"{text} {uuid.uuid4().hex[:8]}"


def menu(page: Page) -> Locator:
    """The portal's menu bar."""
    return page.get_by_role("navigation", name="Menu")


@contextlib.contextmanager
def another_page(browser: Browser, hub: LocalHubUnderTest) -> Iterator[Page]:
    """A person's browser, a context of its own: the `page` fixture's, or a second person's beside it."""
    context = browser.new_context(base_url=hub.api, viewport={"width": 1280, "height": 800}, locale="en-US")
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


class BrowserWatch:
    """What a page met while a test drove it — console errors, failed and unanswered requests — told with what it
    shows and the hub's last log lines when the test fails (`tests/browser/conftest.py`), so a failure in CI says
    whether the portal was waiting, showed an error, or drew something else."""

    LOG_LINES = 40
    TEXT_CHARS = 3_000

    def __init__(self, page: Page, log: Path) -> None:
        self.page = page
        self.log = log
        self.events: list[str] = []
        self.pending: dict[object, tuple[float, str]] = {}
        page.on("console", self._console)
        page.on("pageerror", lambda error: self._note(f"page error: {error}"))
        page.on("request", lambda request: self.pending.update({request: (time.monotonic(), request.url)}))
        page.on("requestfinished", self._finished)
        page.on("requestfailed", lambda request: self._finished(request, failed=request.failure or "failed"))

    def _note(self, event: str) -> None:
        self.events.append(f"{datetime.now(UTC):%H:%M:%S.%f}"[:-3] + f" {event}")

    def _console(self, message: Any) -> None:
        if message.type in ("error", "warning"):
            self._note(f"console {message.type}: {message.text}")

    def _finished(self, request: Any, failed: str | None = None) -> None:
        started, url = self.pending.pop(request, (time.monotonic(), request.url))
        took = f"{time.monotonic() - started:.2f} s"
        if failed is not None:
            self._note(f"{request.method} {url} failed after {took}: {failed}")
            return
        response = request.response()
        if response is not None and response.status >= 400:
            self._note(f"{request.method} {url} → {response.status} after {took}: {response.text()[:500]}")

    def describe(self) -> str:
        """The page's address and text, what it met, the requests still unanswered and the hub's last log lines."""
        now = time.monotonic()
        lines = [f"address: {self.page.url}", *self.events]
        lines += [f"unanswered after {now - started:.2f} s: {url}" for started, url in self.pending.values()]
        try:
            text = self.page.inner_text("body", timeout=2_000)[: self.TEXT_CHARS]
        except Exception as error:  # a closed or crashed page still gets its report
            text = f"(unreadable: {error})"
        written = self.log.read_text(errors="replace").splitlines() if self.log.exists() else []
        log = [line for line in written if not line.startswith('{"_aws"')][-self.LOG_LINES :]  # metrics left out
        return "\n".join([*lines, "— the page's text —", text, "— the hub's last log lines —", *log])


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
        if violation["impact"] in BLOCKING_IMPACTS
    ]
    assert blocking == [], f"axe-core on {name}: " + "\n".join(blocking)


# ---------------------------------------------------------------- the waba service (its table, Meta's sandbox)

GLOBEX_WABA = "104996122399160"
"""Globex's WABA in the story: an OBO one (the BSP's, on Globex's behalf)."""
ACME_NUMBER = "106540352242922"
GLOBEX_NUMBER = "107811234567801"


@contextlib.contextmanager
def waba_world(aws: AwsWorld, clock: FrozenClock) -> Iterator[InProcessMeta]:
    """Acme (SHARED WABA, partner bluewave) and Globex (OBO WABA, partner redwave) registered with the waba service
    as NumberAdded leaves them, and the waba function's Graph client and clock on Meta's sandbox and `clock`."""
    aws.add_client("acme", partner_id="bluewave")
    aws.add_client("globex", billing_model="partner", partner_id="redwave")
    aws.register_number("acme", ACME_WABA, ACME_NUMBER)
    aws.register_number("globex", GLOBEX_WABA, GLOBEX_NUMBER)
    sandbox = InProcessMeta(clock)
    waba_app.dependency_overrides.update({waba_deps.meta_graph: lambda: sandbox.graph, request_time: clock})
    try:
        yield sandbox
    finally:
        waba_app.dependency_overrides.clear()


def waba_call(
    method: str,
    path: str,
    claims: dict[str, str] | None,
    *,
    route: str | None = None,
    body: Any = None,
    **query: str,
) -> tuple[int, dict[str, Any]]:
    """One request to the waba function, as API Gateway hands it over; its status and JSON body."""
    return waba_answer(routed_event(method, path, claims, route=route, body=body, query=query))


def function_answer(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]], function: str, event: dict[str, Any]
) -> tuple[int, Any]:
    """An HTTP function's status and JSON body for `event` (None when it has none: a 204)."""
    answer = handler(event, context(function))
    return answer["statusCode"], json.loads(answer["body"]) if answer.get("body") else None


def waba_upload(
    path: str, claims: dict[str, str] | None, *, route: str, files: dict[str, tuple[str, bytes, str]]
) -> tuple[int, dict[str, Any]]:
    """A `multipart/form-data` POST of `files` (field → name, bytes, media type) to the waba function, its body
    base64-encoded as HTTP APIs pass it; its status and JSON body."""
    form = httpx.Request("POST", f"https://api.example.com{path}", files=files)
    event = routed_event(
        "POST",
        path,
        claims,
        route=route,
        body=base64.b64encode(form.read()).decode("ascii"),
        headers={"content-type": form.headers["content-type"]},
    )
    event["isBase64Encoded"] = True
    return waba_answer(event)


def routed_event(
    method: str,
    path: str,
    claims: dict[str, str] | None,
    *,
    route: str | None = None,
    body: Any = None,
    query: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """The event of a request as API Gateway hands it to a function, its path parameters read from `route`'s."""
    segments = zip((route or path).split("/"), path.split("/"), strict=True)
    parameters = {template[1:-1]: value for template, value in segments if template.startswith("{")}
    return http_event(
        method,
        path,
        route=route,
        claims=claims,
        path_parameters=parameters or None,
        query=query or None,
        body=body,
        headers=headers,
    )


def waba_answer(event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The waba function's status and JSON body for `event`."""
    return function_answer(waba_handler, "WabaFunction", event)


@contextlib.contextmanager
def templates_world(aws: AwsWorld, clock: FrozenClock) -> Iterator[InProcessMeta]:
    """`waba_world`'s clients and WABAs, and the templates function's Graph client and clock on Meta's sandbox and
    `clock`."""
    with waba_world(aws, clock) as sandbox:
        templates_app.dependency_overrides.update(
            {templates_deps.meta_graph: lambda: sandbox.graph, request_time: clock}
        )
        try:
            yield sandbox
        finally:
            templates_app.dependency_overrides.clear()


def templates_call(
    method: str,
    path: str,
    claims: dict[str, str] | None,
    *,
    route: str | None = None,
    body: Any = None,
    **query: str,
) -> tuple[int, dict[str, Any]]:
    """One request to the templates function, as API Gateway hands it over; its status and JSON body (None when it
    has none: a 204)."""
    event = routed_event(method, path, claims, route=route, body=body, query=query)
    return function_answer(templates_handler, "TemplatesFunction", event)


def a_png(width: int, height: int) -> bytes:
    """A real PNG of `width` × `height` grey pixels (8-bit greyscale, one zlib stream)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def a_jpeg(width: int, height: int, *, padding: int = 0) -> bytes:
    """A baseline JPEG's segments up to its frame header (JFIF, a comment of `padding` bytes, SOF0 with `height` and
    `width`, three components), then its end: what tells a JPEG's size, without pixels."""
    jfif = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    comment = b"\xff\xfe" + struct.pack(">H", padding + 2) + b"x" * padding if padding else b""
    components = b"\x01\x22\x00\x02\x11\x01\x03\x11\x01"
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 17, 8, height, width, 3) + components
    return b"\xff\xd8" + jfif + comment + frame + b"\xff\xd9"


# ---------------------------------------------------------------- a number's state around a browser test

ACME_USER = "anna@acme.example"
SETTLE_SECONDS = 30.0
"""How long a helper waits for the local hub to settle (a review decided, a name approved)."""


def hub_call(hub: LocalHubUnderTest, method: str, path: str, email: str, body: Any = None) -> httpx.Response:
    """The hub's API as `email`, over HTTP (what a test arranges or restores behind the portal's back)."""
    headers = {"Authorization": f"Bearer {hub.token(email)}"}
    return httpx.request(method, f"{hub.api}{path}", headers=headers, json=body, timeout=60)


def hub_json(hub: LocalHubUnderTest, path: str, email: str) -> dict[str, Any]:
    answer = hub_call(hub, "GET", path, email)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def settled(probe: Callable[[], bool], what: str, seconds: float = SETTLE_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not probe():
        if time.monotonic() > deadline:
            raise AssertionError(f"within {seconds} s: {what}")
        time.sleep(0.25)


def lose_next_webhook(hub: LocalHubUnderTest) -> None:
    """The Meta sandbox drops its next webhook: the decision reaches the hub only by the polling job."""
    assert httpx.post(f"{hub.meta}/_sandbox/webhooks/lose", json={"count": 1}, timeout=30).status_code == 200


def run_job(hub: LocalHubUnderTest, name: str) -> dict[str, Any]:
    """One scheduled job of the local hub, now (`make job NAME=…`)."""
    answer = httpx.post(f"{hub.api}/_local/jobs/{name}", timeout=300)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def end_of_month(moment: datetime) -> datetime:
    """The last day of `moment`'s month (UTC): the deletion date of a number cancelled then."""
    first_of_next = (moment.replace(day=28) + timedelta(days=4)).replace(day=1)
    return first_of_next - timedelta(days=1)


def long_date(day: datetime) -> str:
    """A date as the portal writes it in the browser's en-US locale: "December 31, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"


@contextlib.contextmanager
def cancellation_as_before(hub: LocalHubUnderTest, number_id: str, email: str = ACME_USER) -> Iterator[None]:
    """The number's cancellation as it was before the block: cancelled again, or withdrawn, if the block changed it
    (the browser tests share one hub, so each leaves the seeded story as it found it)."""
    path = f"/v1/numbers/{number_id}"
    was_cancelled = hub_json(hub, path, email)["account_status"] == "pending_deletion"
    try:
        yield
    finally:
        cancelled = hub_json(hub, path, email)["account_status"] == "pending_deletion"
        if cancelled != was_cancelled:
            answer = hub_call(hub, "POST" if was_cancelled else "DELETE", f"{path}/cancellation", email)
            assert answer.status_code == 200, answer.text


@contextlib.contextmanager
def display_name_as_before(hub: LocalHubUnderTest, page: Page, number_id: str, email: str = ACME_USER) -> Iterator[str]:
    """The number's display name (yielded) as it was before the block: a request the block left under review is
    decided first (by the polling job, should its webhook be lost), then the name is asked back and approved.

    `page` leaves the portal first, so it no longer polls while the name is restored: the local hub may answer
    concurrent requests as if sent by one caller (Powertools keeps the event being resolved on a class attribute that
    every function of the process shares, and the local gateway invokes handlers on a thread pool)."""
    path = f"/v1/numbers/{number_id}/display-name"
    original = hub_json(hub, path, email)["display_name"]

    def decided() -> bool:
        if hub_json(hub, path, email)["pending"] is None:
            return True
        run_job(hub, "DisplayNamePolling")
        return False

    try:
        yield original
    finally:
        page.goto("about:blank")
        settled(decided, "the display-name request left under review is decided")
        if hub_json(hub, path, email)["display_name"] != original:
            asked = hub_call(hub, "POST", path, email, {"display_name": original})
            assert asked.status_code in (201, 202), asked.text
            settled(decided, f"the display name {original!r} is approved again")
            assert hub_json(hub, path, email)["display_name"] == original


def meta_reviewed_name(hub: LocalHubUnderTest, number_id: str) -> None:
    """Wait until the Meta sandbox has decided the number's display-name review (its webhook may be lost)."""

    def decided() -> bool:
        state: dict[str, Any] = httpx.get(f"{hub.meta}/_sandbox/state", timeout=30).json()
        return bool(state["numbers"][number_id]["new_name_status"] != "PENDING_REVIEW")

    settled(decided, f"the Meta sandbox decides the display name of {number_id}")


@contextlib.contextmanager
def partner_granted(hub: LocalHubUnderTest, client_id: str, *scopes: str) -> Iterator[None]:
    """For the block the client grants its partner `scopes` besides what it granted, as a user of the client does it
    (`PUT /v1/clients/{client_id}/partner-permissions`); afterwards the grant is as before."""
    user = next(user.email for user in USERS if user.client_id == client_id)
    headers = {"Authorization": f"Bearer {hub.token(user)}"}
    path = f"{hub.api}/v1/clients/{client_id}/partner-permissions"
    before = httpx.get(path, headers=headers, timeout=30).json()["scopes"]
    granted = httpx.put(path, headers=headers, json={"scopes": sorted({*before, *scopes})}, timeout=30)
    assert granted.status_code == 200, granted.text
    try:
        yield
    finally:
        assert httpx.put(path, headers=headers, json={"scopes": before}, timeout=30).status_code == 200


def meta_fault(hub: LocalHubUnderTest, **fault: int) -> None:
    """Trouble in the Meta sandbox's next Graph requests: `latency_ms`, `status` (with `code`, `retry_after`) for
    `count` requests (every one until `clear_meta_faults` without it)."""
    answer = httpx.post(f"{hub.meta}/_sandbox/faults", json=fault, timeout=30)
    assert answer.status_code == 200, answer.text


def clear_meta_faults(hub: LocalHubUnderTest) -> None:
    assert httpx.delete(f"{hub.meta}/_sandbox/faults", timeout=30).status_code == 200


# ---------------------------------------------------------------- adding and importing in the portal (tests/browser)

SIGNUP_POPUP_TITLE = "Embedded Signup (Meta sandbox)"


@dataclass(frozen=True)
class FreshClient:
    """A direct-paid client made for one test, with one user (DEMO_PASSWORD) and nothing else: the numbers a test
    adds are all its Numbers page shows, whatever other tests of the session did."""

    client_id: str
    email: str

    def token(self, hub: LocalHubUnderTest) -> str:
        return hub.token(self.email)


def a_fresh_client(hub: LocalHubUnderTest) -> FreshClient:
    """A new direct client of the running local hub: its profile in the accounts table and its Cognito user."""
    suffix = uuid.uuid4().hex[:10]
    client = FreshClient(client_id=f"fresh-{suffix}", email=f"owner-{suffix}@fresh.example")
    profile = {
        "pk": f"CLIENT#{client.client_id}",
        "sk": "PROFILE",
        "client_id": client.client_id,
        "name": f"Fresh {suffix} GmbH",
        "billing_model": "direct",
        "partner_id": None,
        "prepaid": False,
    }
    dynamodb = aws_client("dynamodb", hub.aws_endpoint, hub.region)
    dynamodb.put_item(TableName=table_name("AccountsTable"), Item=aws.to_item(profile))
    cognito = aws_client("cognito-idp", hub.aws_endpoint, hub.region)
    (pool,) = cognito.list_user_pools(MaxResults=10)["UserPools"]
    attributes = [
        {"Name": "email", "Value": client.email},
        {"Name": "email_verified", "Value": "true"},
        {"Name": "custom:client_id", "Value": client.client_id},
    ]
    cognito.admin_create_user(
        UserPoolId=pool["Id"], Username=client.email, UserAttributes=attributes, MessageAction="SUPPRESS"
    )
    cognito.admin_set_user_password(
        UserPoolId=pool["Id"], Username=client.email, Password=DEMO_PASSWORD, Permanent=True
    )
    return client


def mailed_codes_on(hub: LocalHubUnderTest, to: str) -> list[str]:
    """The codes Cognito mailed to `to` on the running local hub (its local SES), oldest first."""
    mail = httpx.get(f"{hub.api}/_local/mail", timeout=10).json()["mail"]
    found = (re.search(r"\b(\d{6})\b", message["body"]) for message in mail if to in message["to"])
    return [code.group(1) for code in found if code]


def a_fresh_phone() -> str:
    """A German mobile number (E.164) that neither the sandbox nor the hub knows."""
    return f"+49151{uuid.uuid4().int % 10**8:08d}"


def signup_in_popup(page: Page, fill: Callable[[Page], None], *, screen_name: str | None = None) -> None:
    """Press "Continue with Facebook" and do what `fill` does in the Meta sandbox's Embedded Signup popup."""
    with page.expect_popup() as opened:
        page.get_by_role("button", name="Continue with Facebook").click()
    popup = opened.value
    expect(popup).to_have_title(SIGNUP_POPUP_TITLE)
    if screen_name:
        screen(popup, screen_name)
    fill(popup)


def confirm_signup(
    phone: str, name: str, *, code: str = "Valid", connection: str = "Once registered"
) -> Callable[[Page], None]:
    """The popup's consent form, for a new WhatsApp Business Account, confirmed."""

    def fill(popup: Page) -> None:
        popup.get_by_label("Phone number").fill(phone)
        popup.get_by_label("WhatsApp display name").fill(name)
        popup.get_by_label("Authorization code").select_option(label=code)
        popup.get_by_label("Meta connects the number").select_option(label=connection)
        popup.get_by_role("button", name="Confirm").click()

    return fill


def added_through_signup(hub: LocalHubUnderTest, client: FreshClient, phone: str) -> dict[str, Any]:
    """A running number of the client in a new WABA, added over HTTP as the portal does it: the sandbox's consent
    page (confirmed) hands over the code, `POST /v1/numbers` exchanges it."""
    page = httpx.post(
        f"{hub.meta}/embedded-signup",
        data={"origin": hub.api, "action": "finish", "waba_id": "new", "business_name": "Fresh Business"}
        | {"phone_number": phone, "verified_name": "Fresh Shop", "code_outcome": "valid"},
    )
    page.raise_for_status()
    found = re.search(r'id="signup-messages">(.*?)</script>', page.text, re.S)
    assert found, page.text
    finish, login = json.loads(found.group(1))["messages"]
    body = {"code": login["authResponse"]["code"], **{k: finish["data"][k] for k in ("waba_id", "phone_number_id")}}
    answer = httpx.post(
        f"{hub.api}/v1/numbers", json=body, headers={"Authorization": f"Bearer {client.token(hub)}"}, timeout=30
    )
    assert answer.status_code == 201, answer.text
    added: dict[str, Any] = answer.json()
    return added


def slow_meta(hub: LocalHubUnderTest, *, calls: int, latency_ms: int = 1500) -> None:
    """The sandbox answers the next `calls` Graph requests `latency_ms` late (the portal's progress shows meanwhile)."""
    httpx.post(f"{hub.meta}/_sandbox/faults", json={"latency_ms": latency_ms, "count": calls}).raise_for_status()


# ---------------------------------------------------------------- billing: Stripe's sandbox in process

STRIPE_WEBHOOK_SECRET = "whsec_test_in_process"


class InProcessStripe:
    """The Stripe sandbox in this process, spoken to by the real SDK (its httpx client on the sandbox's app), as the
    billing service's `Payments`. Its webhooks are kept (`sent`), signed as Stripe signs them, for a test to deliver
    to `POST /webhooks/stripe` (`deliver`), as often as it likes."""

    def __init__(self) -> None:
        self.sent: list[tuple[bytes, dict[str, str]]] = []
        self.sandbox = StripeSandbox(
            StripeState(),
            webhook_secret=STRIPE_WEBHOOK_SECRET,
            webhook_url="http://hub.test/webhooks/stripe",
            post_webhook=lambda _url, body, headers: self.sent.append((body, dict(headers))),
        )
        self.http = TestClient(self.sandbox.app, base_url="http://stripe.sandbox")
        self._transport = stripe.HTTPXClient(timeout=None, allow_sync_methods=True)
        self._transport._client = self.http
        self.payments_client = stripe_client(
            "sk_test_in_process", api_base="http://stripe.sandbox", timeout=5, http_client=self._transport, retries=0
        )
        self.payments = StripePayments(self.payments_client, number_price=NUMBER_PRICE_ID)

    def down(self) -> None:
        """From now on Stripe cannot be reached (every request fails to connect)."""

        def refuse(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("Stripe is down", request=request)

        self._transport._client = httpx.Client(transport=httpx.MockTransport(refuse))

    @property
    def state(self) -> StripeState:
        return self.sandbox.state

    def events(self, kind: str) -> list[tuple[bytes, dict[str, str]]]:
        return [(body, headers) for body, headers in self.sent if json.loads(body)["type"] == kind]


def billing_call(
    method: str,
    path: str,
    claims: dict[str, str] | None,
    *,
    route: str | None = None,
    body: Any = None,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """One request to the billing function, as API Gateway hands it over; its status and JSON body."""
    event = routed_event(method, path, claims, route=route, body=body, query=query, headers=headers)
    return function_answer(billing_handler, "BillingFunction", event)


def stripe_delivery(body: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    """Stripe's POST to /webhooks/stripe (its body as sent, its signature header), answered by the webhook function."""
    event = http_event("POST", "/webhooks/stripe", body=body.decode(), headers=headers)
    return function_answer(billing_webhook_handler, "BillingStripeWebhookFunction", event)


@contextlib.contextmanager
def billing_world(aws: AwsWorld, clock: FrozenClock, meta: InProcessMeta | None = None) -> Iterator[InProcessStripe]:
    """The billing function, its webhook and its consumers on an in-process Stripe (and Meta's sandbox when given),
    on `clock` (Stripe's on real time: the SDK refuses signatures older than five minutes of it); the webhook's
    signing secret in Secrets Manager."""
    stripe_sandbox = InProcessStripe()
    moto_client("secretsmanager").create_secret(Name="hub/stripe/webhook-secret", SecretString=STRIPE_WEBHOOK_SECRET)
    overrides: dict[Any, Any] = {billing_deps.payments: lambda: stripe_sandbox.payments, request_time: clock}
    if meta is not None:
        overrides[billing_deps.meta_graph] = lambda: meta.graph
    billing_app.dependency_overrides.update(overrides)
    billing_webhook_app.dependency_overrides.update({request_time: clock})
    try:
        yield stripe_sandbox
    finally:
        billing_app.dependency_overrides.clear()
        billing_webhook_app.dependency_overrides.clear()


# ---------------------------------------------------------------- support


@dataclass(frozen=True)
class HttpFunction:
    """An HTTP function of the template, called in process as API Gateway would call it."""

    handler: Callable[[dict[str, Any], Any], dict[str, Any]]
    name: str

    def __call__(
        self,
        method: str,
        path: str,
        claims: dict[str, str] | None,
        *,
        route: str | None = None,
        body: Any = None,
        query: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        """One request, its path parameters read from `route`'s; its status and JSON body."""
        event = routed_event(method, path, claims, route=route, body=body, query=query)
        return function_answer(self.handler, self.name, event)


support_call = HttpFunction(support_handler, "SupportFunction")
"""One request to the support function."""


@contextlib.contextmanager
def support_world(clock: FrozenClock) -> Iterator[None]:
    """The support function on `clock`, its attachments bucket in the test's moto account."""
    create_attachments_bucket()
    support_app.dependency_overrides.update({request_time: clock})
    try:
        yield
    finally:
        support_app.dependency_overrides.clear()


# ---------------------------------------------------------------- accounts: partners, change requests, activity


accounts_call = HttpFunction(accounts_handler, "AccountsFunction")
"""One request to the accounts function."""


@contextlib.contextmanager
def accounts_world(clock: Callable[[], datetime]) -> Iterator[None]:
    """The accounts function on `clock`."""
    accounts_app.dependency_overrides.update({request_time: clock})
    try:
        yield
    finally:
        accounts_app.dependency_overrides.clear()


# ---------------------------------------------------------------- partners in the portal: the world as before (browser)


def user_of(*, client_id: str | None = None, partner_id: str | None = None) -> str:
    """The story's user (e-mail) of a client or of a partner."""
    return next(
        user.email
        for user in USERS
        if (client_id is not None and user.client_id == client_id)
        or (partner_id is not None and user.partner_id == partner_id)
    )


def change_requests(hub: LocalHubUnderTest, client_id: str) -> list[dict[str, Any]]:
    """The client's partner change requests, newest first (the first page)."""
    path = f"/v1/clients/{client_id}/partner-change-requests?limit=20"
    items: list[dict[str, Any]] = hub_json(hub, path, user_of(client_id=client_id))["items"]
    return items


def no_open_change_request(hub: LocalHubUnderTest, client_id: str) -> None:
    """No request of the client is open any more: a pending one is withdrawn, an accepted one completes."""
    email = user_of(client_id=client_id)

    def none_open() -> bool:
        for request in change_requests(hub, client_id):
            if request["status"] == "pending":
                path = f"/v1/clients/{client_id}/partner-change-requests/{request['request_id']}/cancellation"
                hub_call(hub, "POST", path, email)  # a 409 (decided meanwhile) is looked at again next round
                return False
            if request["status"] == "accepted":
                return False
        return True

    settled(none_open, f"no partner change request of {client_id} is open")


def move_client(hub: LocalHubUnderTest, client_id: str, partner_id: str) -> None:
    """The client asks to move to `partner_id` (a user of the partner accepts, unless its auto-approval does) and
    the move completes."""
    answer = hub_call(
        hub,
        "POST",
        f"/v1/clients/{client_id}/partner-change-requests",
        user_of(client_id=client_id),
        {"target_partner_id": partner_id, "reason": "Back as the story has it."},
    )
    assert answer.status_code == 201, answer.text
    request = answer.json()
    if request["status"] == "pending":
        path = f"/v1/partner/change-requests/{request['request_id']}/decision"
        decided = hub_call(hub, "POST", path, user_of(partner_id=partner_id), {"decision": "accept"})
        assert decided.status_code == 200, decided.text

    def completed() -> bool:
        found = [each for each in change_requests(hub, client_id) if each["request_id"] == request["request_id"]]
        return bool(found) and found[0]["status"] == "completed"

    settled(completed, f"{client_id} moved to {partner_id}")


@contextlib.contextmanager
def partner_as_before(hub: LocalHubUnderTest, client_id: str) -> Iterator[dict[str, Any]]:
    """The client's partner and what it grants (yielded as the block found them) as before the block: an open change
    request is withdrawn or completed, the client moved back to its partner, the scopes it granted put back (the
    browser tests share one hub, and other tests rely on the story's partners and grants). A client that had no
    partner cannot leave one it found: the block must not give it one."""
    email = user_of(client_id=client_id)
    path = f"/v1/clients/{client_id}/partner-permissions"
    before: dict[str, Any] = hub_json(hub, path, email)
    try:
        yield before
    finally:
        no_open_change_request(hub, client_id)
        partner = before["partner"]["partner_id"] if before["partner"] else None
        if (hub_json(hub, path, email)["partner"] or {}).get("partner_id") != partner:
            assert partner is not None, f"{client_id} had no partner before: it cannot leave the one it has now"
            move_client(hub, client_id, partner)
        if sorted(hub_json(hub, path, email)["scopes"]) != sorted(before["scopes"]):
            answer = hub_call(hub, "PUT", path, email, {"scopes": before["scopes"]})
            assert answer.status_code == 200, answer.text


@contextlib.contextmanager
def auto_approval_as_before(hub: LocalHubUnderTest, partner_id: str) -> Iterator[bool]:
    """The partner's auto-approval (yielded) as before the block."""
    email = user_of(partner_id=partner_id)
    before: bool = hub_json(hub, "/v1/partner/settings", email)["auto_approve"]
    try:
        yield before
    finally:
        if hub_json(hub, "/v1/partner/settings", email)["auto_approve"] != before:
            answer = hub_call(hub, "PUT", "/v1/partner/settings", email, {"auto_approve": before})
            assert answer.status_code == 200, answer.text


def activity_of(hub: LocalHubUnderTest, client_id: str, text: str) -> None:
    """Wait until the client's activity feed has an entry whose summary has `text` (the feed is written from the
    bus, a moment after the change)."""
    email = user_of(client_id=client_id)

    def recorded() -> bool:
        return any(text in entry["summary"] for entry in hub_json(hub, "/v1/activity?limit=50", email)["items"])

    settled(recorded, f"the activity of {client_id} shows “{text}”")
