"""The accounts function: its resolver and Lambda handler."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from hub_accounts.routes import activity, changes, clients, links, me, partners
from hub_shared.api import build_resolver
from hub_shared.observability import HTTP_CORRELATION_PATH, observability

obs = observability("accounts")
app = build_resolver()
app.include_router(me.router)
app.include_router(clients.router)
app.include_router(partners.router)
app.include_router(changes.router)
app.include_router(activity.router)
app.include_router(links.router)


@obs.handler(HTTP_CORRELATION_PATH)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
