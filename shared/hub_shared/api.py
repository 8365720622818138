"""What every HTTP service shares: its resolver, and the route dependencies every service uses — the caller
(`Caller`), the time of the request (`Now`, the one clock of routes: use cases take `now` as an argument) and the
request's deadline (`Budget`: what slow outside calls must fit in)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Depends, Request

from hub_shared.accounts import accounts_reader
from hub_shared.auth import Principal, principal_from_claims
from hub_shared.clock import utc_now
from hub_shared.deadline import Deadline
from hub_shared.problems import register_problem_handlers

REQUEST_BUDGET_SECONDS = 25.0
"""API Gateway answers 504 after 29 s; 4 s are left for the table writes and the answer after the outside calls."""


def build_resolver() -> APIGatewayHttpResolver:
    """An HTTP API (payload 2.0) resolver with request validation and the hub's error map."""
    app = APIGatewayHttpResolver(enable_validation=True)
    register_problem_handlers(app)
    return app


def current_principal(request: Request) -> Principal:
    """Route dependency: the caller, from the claims the JWT authorizer verified."""
    context = request.resolved_event.get("requestContext") or {}
    claims = ((context.get("authorizer") or {}).get("jwt") or {}).get("claims")
    return principal_from_claims(claims, grants=accounts_reader().scopes)


def request_time() -> datetime:
    """Route dependency: now, read once per request (tests override it with a frozen clock)."""
    return utc_now()


def request_deadline() -> Deadline:
    """Route dependency: the deadline of this request's outside calls (tests override it with a short one)."""
    return Deadline.after(REQUEST_BUDGET_SECONDS)


Caller = Annotated[Principal, Depends(current_principal)]
Now = Annotated[datetime, Depends(request_time)]
Budget = Annotated[Deadline, Depends(request_deadline)]
