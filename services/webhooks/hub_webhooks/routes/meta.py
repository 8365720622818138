"""GET and POST /webhooks/meta: Meta's verification handshake and its signed notifications (public routes)."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Depends, Request, Response
from aws_lambda_powertools.event_handler.openapi.params import Header, Query
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from hub_shared.access import AccessRule, declared
from hub_shared.api import Now
from hub_shared.observability import correlation_id, observability
from hub_shared.problems import problem_responses
from hub_webhooks.deps import app_secret, changes_store, verify_token
from hub_webhooks.models.notifications import Notification, Receipt
from hub_webhooks.store.changes import ChangesStore
from hub_webhooks.usecases.notifications import receive_notification
from hub_webhooks.usecases.verification import verify_subscription

router = APIGatewayHttpRouter()
obs = observability("webhooks")

PATH = "/webhooks/meta"
SIGNATURE_HEADER = "X-Hub-Signature-256"

Store = Annotated[ChangesStore, Depends(changes_store)]
AppSecret = Annotated[str, Depends(app_secret)]
VerifyToken = Annotated[str, Depends(verify_token)]


def _problems(*codes: int, **descriptions: str) -> dict[int, OpenAPIResponse]:
    """The problem answers of exactly `codes` (these routes have no caller to authorise)."""
    every = problem_responses(*codes, inputs=True, **descriptions)
    return {code: every[code] for code in codes}


def _public(**operation: Any) -> dict[str, Any]:
    """OpenAPI fields of a public route: Meta calls it without a token, so no security applies (its signature is
    checked instead)."""
    return declared(AccessRule(public=True), security=[], **operation)


def inlined(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic JSON schema with each `$ref` to its own `$defs` replaced by the definition: in an OpenAPI document
    `#/$defs/…` names the document's root, where there is none (tools found no body to send). Not for a model that
    nests itself."""
    definitions = schema.get("$defs", {})

    def resolved(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return resolved(definitions[node["$ref"].rsplit("/", 1)[-1]])
            return {key: resolved(value) for key, value in node.items() if key != "$defs"}
        if isinstance(node, list):
            return [resolved(item) for item in node]
        return node

    inline: dict[str, Any] = resolved(schema)
    return inline


@router.get(
    PATH,
    summary="Meta's webhook verification",
    description="Meta calls this when the callback URL or verify token is set: with `hub.mode=subscribe` and "
    "the configured verify token it answers `hub.challenge` as plain text; anything else is 403.",
    tags=["Webhooks"],
    responses={
        200: {"description": "The challenge, echoed.", "content": {"text/plain": {"schema": {"type": "string"}}}},
        **_problems(403, 422, _403="Not a subscription request, or the verify token does not match."),
    },
    openapi_extensions=_public(),
)
def verify_subscription_route(
    expected_token: VerifyToken,
    mode: Annotated[str | None, Query(alias="hub.mode", description="`subscribe`.")] = None,
    token: Annotated[str | None, Query(alias="hub.verify_token", description="The configured verify token.")] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", description="Echoed when verified.")] = None,
) -> Response[str]:
    answer = verify_subscription(mode, token, challenge, expected_token=expected_token)
    return Response(status_code=200, content_type="text/plain", body=answer)


@router.post(
    PATH,
    summary="Meta's webhook notifications",
    description="Checks `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the Meta app secret) before "
    "anything is parsed, then stores each change once; each stored change is published on the bus as "
    "`meta.<field>`. Meta's retries and duplicate deliveries store nothing new.",
    tags=["Webhooks"],
    responses={
        200: {"description": "Every change is stored (now or by an earlier delivery)."},
        **_problems(
            400,
            401,
            413,
            422,
            _400="The body is not JSON.",
            _401="The signature is missing or does not match the body.",
            _413="The body is larger than Meta's 3 MB.",
            _422="The body is not a `whatsapp_business_account` notification; `errors` points at each field.",
        ),
    },
    # The body is read raw (its signature first), so it is documented here rather than declared as a parameter.
    openapi_extensions=_public(
        requestBody={
            "required": True,
            "content": {"application/json": {"schema": inlined(Notification.model_json_schema())}},
        }
    ),
)
def receive_notification_route(
    request: Request,
    store: Store,
    secret: AppSecret,
    now: Now,
    signature: Annotated[
        str | None, Header(alias=SIGNATURE_HEADER, description="`sha256=<hex HMAC-SHA256 of the raw body>`.")
    ] = None,
) -> Receipt:
    receipt = receive_notification(
        raw_body(request.resolved_event.body, bool(request.resolved_event.is_base64_encoded)),
        signature,
        app_secret=secret,
        changes=store,
        now=now,
        correlation_id=correlation_id(),
    )
    obs.metrics.add_metric(name="MetaChangesReceived", unit=MetricUnit.Count, value=receipt.received)
    obs.metrics.add_metric(name="MetaChangesStored", unit=MetricUnit.Count, value=receipt.stored)
    obs.metrics.add_metric(name="MetaChangesDuplicate", unit=MetricUnit.Count, value=receipt.duplicates)
    return receipt


def raw_body(body: str | None, is_base64_encoded: bool) -> bytes:
    """The bytes Meta sent: API Gateway passes them base64-encoded, or as text (UTF-8) when they are text."""
    if not body:
        return b""
    return base64.b64decode(body) if is_base64_encoded else body.encode()
