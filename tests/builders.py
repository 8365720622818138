"""Builders for test data: API Gateway HTTP API (payload 2.0) events, accounts and numbers."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

import boto3
import httpx
from botocore.config import Config
from starlette.testclient import TestClient

from hub_numbers.display_name_models import DisplayNameRequest, RequestStatus
from hub_numbers.models import AccountStatus, Number
from hub_numbers.store import NumbersStore
from hub_numbers.usecases.display_names import request_id_at
from hub_shared import aws
from hub_shared.events import DomainEvent
from hub_shared.graph import GraphClient
from hub_shared.meta_events import detail_type
from hub_shared.settings import Settings
from hub_webhooks.usecases.notifications import parse_notification, stored_changes
from hub_webhooks.usecases.publishing import meta_change
from local.functions import LocalLambdaContext
from local.gateway import Served, serve
from local.sandboxes.meta import MetaSandbox, MetaState
from local.template import ROOT

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


class FrozenClock:
    """A clock that stands still at `now` until a test moves it (`advance`, or `now = …`)."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


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


def context(function: str = "test") -> LocalLambdaContext:
    return LocalLambdaContext(function_name=function)


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


@dataclass
class AwsWorld:
    """The moto account of a test, with helpers that write data the way its owning service does."""

    dynamodb: DynamoDBClient

    def add_client(self, client_id: str, *, billing_model: str = "direct", partner_id: str | None = None) -> None:
        item: dict[str, Any] = {
            "pk": f"CLIENT#{client_id}",
            "sk": "PROFILE",
            "client_id": client_id,
            "name": f"{client_id.title()} Ltd",
            "billing_model": billing_model,
            "prepaid": billing_model == "direct",
        }
        if partner_id:
            item.update(partner_id=partner_id, gsi1pk=f"PARTNER#{partner_id}", gsi1sk=f"CLIENT#{client_id}")
        self.dynamodb.put_item(TableName="hub-accounts", Item=aws.to_item(item))

    def grant(self, client_id: str, partner_id: str, *scopes: str) -> None:
        item = {
            "pk": f"CLIENT#{client_id}",
            "sk": f"GRANT#{partner_id}",
            "client_id": client_id,
            "partner_id": partner_id,
            "scopes": set(scopes),
            "gsi1pk": f"PARTNER#{partner_id}",
            "gsi1sk": f"GRANT#{client_id}",
        }
        self.dynamodb.put_item(TableName="hub-accounts", Item=aws.to_item(item))

    def revoke(self, client_id: str, partner_id: str) -> None:
        key = {"pk": {"S": f"CLIENT#{client_id}"}, "sk": {"S": f"GRANT#{partner_id}"}}
        self.dynamodb.delete_item(TableName="hub-accounts", Key=key)

    def add_number(self, number: Number) -> Number:
        NumbersStore("hub-numbers", self.dynamodb).put(number)
        return number

    def table_items(self, table: str) -> list[dict[str, Any]]:
        return self.dynamodb.scan(TableName=table)["Items"]

    def stream_records(self, table: str) -> list[dict[str, Any]]:
        """Every record of `table`'s stream so far, in order, as Lambda hands them to a consumer (unfiltered)."""
        # botocore would address the stream's account-based endpoint, which moto does not route.
        streams = boto3.client("dynamodbstreams", config=Config(account_id_endpoint_mode="disabled"))
        arn = self.dynamodb.describe_table(TableName=table)["Table"]["LatestStreamArn"]
        records: list[Any] = []
        for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
            iterator = streams.get_shard_iterator(
                StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
            )
            records.extend(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"])
        return records

    def queue(self, name: str) -> str:
        return str(boto3.client("sqs").create_queue(QueueName=name)["QueueUrl"])

    def observe(self, source: str) -> str:
        """A queue that a rule on the hub bus fills with every event of `source`; answers its URL."""
        url = self.queue(f"observe-{source.replace('.', '-')}")
        arn = boto3.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]
        events = boto3.client("events")
        rule = f"observe-{source.replace('.', '-')}"
        events.put_rule(Name=rule, EventBusName="hub", EventPattern=json.dumps({"source": [source]}))
        events.put_targets(Rule=rule, EventBusName="hub", Targets=[{"Id": "queue", "Arn": arn["QueueArn"]}])
        return url

    def drain(self, queue_url: str, rounds: int = 50) -> list[dict[str, Any]]:
        """Every message waiting in a queue (JSON bodies), removing them."""
        sqs = boto3.client("sqs")
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

    def graph_client(self, *, timeout_seconds: float = 0.75) -> GraphClient:
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
        self.calls.append((request.method, request.url.path.removeprefix("/v23.0/")))
        answer = self._http.request(request.method, str(request.url), content=request.content, headers=request.headers)
        if self._answers_to_lose:
            self._answers_to_lose -= 1
            raise httpx.ReadTimeout("Meta took the call but did not answer in time", request=request)
        return httpx.Response(answer.status_code, content=answer.content, headers=answer.headers)


def relayed(body: bytes) -> list[dict[str, Any]]:
    """A webhook body's changes as the webhooks service stores them and its relay publishes them (`meta.<field>`)."""
    changes = stored_changes(parse_notification(body), now=NOW, correlation_id="webhook-request-1")
    return [eventbridge_event(meta_change(change), detail_type=detail_type(change.field)) for change in changes]


def plain_bind_error(host: str, port: int) -> int | None:
    """The errno of binding `port` without SO_REUSEADDR (None: it bound): EADDRINUSE while anything, even a
    connection a stopped server left in TIME_WAIT, holds the port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as plain:
        try:
            plain.bind((host, port))
        except OSError as error:
            return error.errno
    return None
