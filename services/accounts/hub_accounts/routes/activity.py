"""GET /v1/activity: the client's activity feed."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_accounts.models.activity import ActivityEntry, Area
from hub_accounts.routes.params import Cursor, Cursors, Limit, Store
from hub_accounts.usecases.activity import ActivityQuery, activity_page
from hub_shared.access import AccessRule, declared
from hub_shared.api import Caller
from hub_shared.auth import ID_PATTERN
from hub_shared.pagination import DEFAULT_LIMIT, Page
from hub_shared.problems import problem_responses

router = APIGatewayHttpRouter()


@router.get(
    "/v1/activity",
    openapi_extensions=declared(AccessRule(tenant_query="client_id", client=True, support=True)),
    summary="The client's activity",
    description="Every change that concerns the client — numbers, WABA, templates, billing, support, partners — as "
    "a line saying what happened, who did it (user, role, the partner they acted as; Meta or the hub) and what "
    "changed, newest first. Client users read their own client's; support agents name the client (`client_id`).",
    tags=["Accounts"],
    responses={200: {"description": "A page of the feed."}, **problem_responses(400, 403, 404, 422)},
)
def get_activity(
    caller: Caller,
    store: Store,
    cursors: Cursors,
    client_id: Annotated[
        str | None, Query(pattern=ID_PATTERN.pattern, description="The client (support agents: required).")
    ] = None,
    area: Annotated[Area | None, Query(description="Only this part of the hub.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ActivityEntry]:
    query = ActivityQuery(client_id=client_id, area=area, limit=limit, cursor=cursor)
    return activity_page(caller, query, log=store, cursors=cursors)
