"""The templates function: its resolver and Lambda handler."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_shared.api import build_resolver
from hub_shared.observability import HTTP_CORRELATION_PATH, observability
from hub_templates.routes import changes, templates

obs = observability("templates")
app = build_resolver()
app.include_router(templates.router)
app.include_router(changes.router)


@obs.handler(HTTP_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
