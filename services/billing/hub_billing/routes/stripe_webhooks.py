"""POST /webhooks/stripe: Stripe's signed events (a public route: the signature is the caller's proof)."""

from __future__ import annotations

import base64
from typing import Annotated

import stripe
from aws_lambda_powertools.event_handler import Depends, Request
from aws_lambda_powertools.event_handler.openapi.params import Header
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import Field

from hub_billing.deps import funds_policy, webhook_secret
from hub_billing.errors import StripeSignatureInvalid
from hub_billing.routes.params import Store, new_id
from hub_billing.usecases.prepaid import FundsPolicy
from hub_billing.usecases.stripe_events import apply_stripe_event
from hub_shared.access import AccessRule, declared
from hub_shared.api import Now
from hub_shared.errors import BadRequest
from hub_shared.model import HubModel
from hub_shared.problems import problem_responses

router = APIGatewayHttpRouter()
SIGNATURE_HEADER = "Stripe-Signature"

Secret = Annotated[str, Depends(webhook_secret)]
Policy = Annotated[FundsPolicy, Depends(funds_policy)]


def _problems(*codes: int, **descriptions: str) -> dict[int, OpenAPIResponse]:
    """The problem answers of exactly `codes` (a public route has no caller to authorise)."""
    every = problem_responses(*codes, inputs=True, **descriptions)
    return {code: every[code] for code in codes}


class StripeReceipt(HubModel):
    received: bool = True
    event_id: str
    outcome: str = Field(description="applied, duplicate (applied before: nothing changed) or ignored (not used).")


@router.post(
    "/webhooks/stripe",
    summary="Stripe's webhook events",
    description="`Stripe-Signature` is checked with the Stripe SDK (`construct_event`, Stripe's 5-minute "
    "tolerance) over the raw body before anything is read; each event id is applied once. Used: "
    "checkout.session.completed, payment_intent.succeeded / payment_failed, invoice.paid / payment_failed, "
    "customer.subscription.updated / deleted, payment_method.attached; others are acknowledged and ignored.",
    tags=["Webhooks"],
    responses={
        200: {"description": "Applied now, before, or not used."},
        **_problems(
            400,
            401,
            _400="The body is not JSON, or not a Stripe event.",
            _401="The Stripe-Signature is missing, forged, or older than Stripe's five minutes.",
        ),
    },
    openapi_extensions=declared(
        AccessRule(public=True),
        security=[],
        requestBody={"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
    ),
)
def receive_stripe_event_route(
    request: Request,
    store: Store,
    secret: Secret,
    policy: Policy,
    now: Now,
    signature: Annotated[
        str | None, Header(alias=SIGNATURE_HEADER, description="`t=<unix>,v1=<HMAC-SHA256>` as Stripe signs.")
    ] = None,
) -> StripeReceipt:
    event = request.resolved_event
    body = event.body or ""
    payload = base64.b64decode(body) if event.is_base64_encoded else body.encode()
    if not signature:
        raise StripeSignatureInvalid("The Stripe-Signature header is missing.")
    try:
        verified = stripe.Webhook.construct_event(payload, signature, secret)
    except stripe.SignatureVerificationError as error:
        raise StripeSignatureInvalid("The Stripe-Signature does not match the body, or is too old.") from error
    except (ValueError, AttributeError) as error:  # not JSON; JSON but not an object (the SDK cannot read it)
        raise BadRequest("The body is not a Stripe event.") from error
    event_json = verified.to_dict()
    if not isinstance(event_json.get("id"), str) or not isinstance(event_json.get("type"), str):
        raise BadRequest("The body is not a Stripe event (it has no `id` and `type`).")
    outcome = apply_stripe_event(
        event_json,
        store=store,
        now=now,
        new_id=lambda: new_id("entry"),
        threshold=policy.default_threshold,
    )
    return StripeReceipt(event_id=event_json["id"], outcome=outcome.value)
