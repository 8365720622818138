"""The Stripe webhook function: its resolver and Lambda handler (Stripe's public callback, /webhooks/stripe). Apart
from the billing function, so the public route holds only what applying Stripe's events needs."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_billing.routes import stripe_webhooks
from hub_shared.api import build_resolver
from hub_shared.observability import HTTP_CORRELATION_PATH, observability

obs = observability("billing")
app = build_resolver()
app.include_router(stripe_webhooks.router)


@obs.handler(HTTP_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
