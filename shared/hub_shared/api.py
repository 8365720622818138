"""What every HTTP service shares: its resolver, and the caller as a route dependency."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Request
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from hub_shared.accounts import AccountsReader
from hub_shared.auth import Principal, principal_from_claims
from hub_shared.problems import register_problem_handlers
from hub_shared.singletons import singleton

SECURITY_SCHEMES: dict[str, Any] = {
    "cognito": HTTPBearer(
        bearerFormat="JWT",
        description="A Cognito ID token of the hub's user pool (`Authorization: Bearer <token>`).",
    )
}
SECURITY: list[dict[str, list[str]]] = [{"cognito": []}]


def build_resolver() -> APIGatewayHttpResolver:
    """An HTTP API (payload 2.0) resolver with request validation and the hub's error map."""
    app = APIGatewayHttpResolver(enable_validation=True)
    register_problem_handlers(app)
    return app


@singleton
def accounts_reader() -> AccountsReader:
    return AccountsReader()


def current_principal(request: Request) -> Principal:
    """Route dependency: the caller, from the claims the JWT authorizer verified."""
    context = request.resolved_event.get("requestContext") or {}
    claims = ((context.get("authorizer") or {}).get("jwt") or {}).get("claims")
    return principal_from_claims(claims, grants=accounts_reader().scopes)
