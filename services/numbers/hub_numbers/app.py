"""The numbers function: its resolver and Lambda handler."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_numbers.routes import cancellation, display_name, imports, inbox, numbers, signup
from hub_shared.api import build_resolver
from hub_shared.observability import HTTP_CORRELATION_PATH, observability

obs = observability("numbers")
app = build_resolver()
# Static paths (/v1/numbers/imports) are matched before /v1/numbers/{number_id}, as API Gateway does.
for module in (numbers, signup, imports, cancellation, inbox, display_name):
    app.include_router(module.router)


@obs.handler(HTTP_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
