"""The billing function: its resolver and Lambda handler (billing, funds, insights)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_billing.routes import billing, funds, insights
from hub_shared.api import build_resolver
from hub_shared.observability import HTTP_CORRELATION_PATH, observability

obs = observability("billing")
app = build_resolver()
app.include_router(billing.router)
app.include_router(funds.router)
app.include_router(insights.router)


@obs.handler(HTTP_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
