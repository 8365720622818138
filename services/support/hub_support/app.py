"""The support function: its resolver and Lambda handler (tickets, their files, the queue's figures)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_shared.api import build_resolver
from hub_shared.observability import HTTP_CORRELATION_PATH, observability
from hub_support.routes import attachments, tickets

obs = observability("support")
app = build_resolver()
app.include_router(tickets.router)
app.include_router(attachments.router)


@obs.handler(HTTP_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
