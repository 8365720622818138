"""Partner change requests: the client asks and may withdraw, the target partner decides, support sees them all."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_accounts.models.changes import ChangeRequestView, Decision, NewChangeRequest
from hub_accounts.routes.params import (
    CLIENT_MANAGES,
    CLIENT_READS,
    DECISION,
    PARTNER_INBOX,
    ClientId,
    Cursor,
    Cursors,
    Limit,
    RequestId,
    Store,
    new_request_id,
)
from hub_accounts.usecases.changes import (
    cancel,
    changes_of_client,
    decide,
    partner_inbox,
    request_change,
)
from hub_accounts.usecases.partners import ListQuery
from hub_shared.access import declared
from hub_shared.api import Caller, Now
from hub_shared.pagination import DEFAULT_LIMIT, Page
from hub_shared.problems import NOT_JSON, problem_responses

router = APIGatewayHttpRouter()
CLIENT_CHANGES = "/v1/clients/<client_id>/partner-change-requests"
OPEN = "The client has an open request already, or the target is its partner already (`state-conflict`)."
NOT_PENDING = "The request is not pending any more (`state-conflict`)."


@router.post(
    CLIENT_CHANGES,
    openapi_extensions=declared(CLIENT_MANAGES),
    summary="Ask to move to another partner",
    description="A request to the target partner, which accepts or declines it (`pending`), or accepts it at once "
    "when its auto-approval is on (`accepted`). Accepted, the client moves with every number to the new partner "
    "and the old partner's grants are cleared (`completed`). One open request at a time.",
    tags=["Partners"],
    responses={
        201: {"description": "The request."},
        **problem_responses(400, 403, 404, 409, 422, _400=NOT_JSON, _409=OPEN),
    },
)
def post_change_request(
    client_id: ClientId, body: Annotated[NewChangeRequest, Body()], caller: Caller, store: Store, now: Now
) -> tuple[ChangeRequestView, int]:
    return request_change(client_id, body, caller, store=store, now=now, new_id=new_request_id), 201


@router.get(
    CLIENT_CHANGES,
    openapi_extensions=declared(CLIENT_READS),
    summary="The client's partner change requests",
    description="Newest first, with their status.",
    tags=["Partners"],
    responses={200: {"description": "A page of requests."}, **problem_responses(400, 403, 404, 422)},
)
def get_client_change_requests(
    client_id: ClientId,
    caller: Caller,
    store: Store,
    cursors: Cursors,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[ChangeRequestView]:
    return changes_of_client(client_id, caller, ListQuery(limit, cursor), store=store, cursors=cursors)


@router.post(
    f"{CLIENT_CHANGES}/<request_id>/cancellation",
    openapi_extensions=declared(CLIENT_MANAGES),
    summary="Withdraw a pending partner change request",
    tags=["Partners"],
    responses={
        200: {"description": "The request, cancelled."},
        **problem_responses(403, 404, 409, 422, _409=NOT_PENDING),
    },
)
def post_cancellation(
    client_id: ClientId, request_id: RequestId, caller: Caller, store: Store, now: Now
) -> ChangeRequestView:
    return cancel(client_id, request_id, caller, store=store, now=now)


@router.get(
    "/v1/partner/change-requests",
    openapi_extensions=declared(PARTNER_INBOX),
    summary="Partner change requests addressed to the calling partner",
    description="A partner's inbox: the requests of clients that want to move to it, newest first. Support agents: "
    "every request of every client.",
    tags=["Partners"],
    responses={200: {"description": "A page of requests."}, **problem_responses(400, 403, 422)},
)
def get_partner_change_requests(
    caller: Caller, store: Store, cursors: Cursors, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> Page[ChangeRequestView]:
    return partner_inbox(caller, ListQuery(limit, cursor), store=store, cursors=cursors)


@router.post(
    "/v1/partner/change-requests/<request_id>/decision",
    openapi_extensions=declared(DECISION),
    summary="Accept or decline a partner change request",
    description="Only the partner the request is addressed to decides it, while it is pending. Accepted, the client "
    "moves to the partner (`PartnerChangeCompleted`).",
    tags=["Partners"],
    responses={
        200: {"description": "The request, decided."},
        **problem_responses(400, 403, 404, 409, 422, _400=NOT_JSON, _409=NOT_PENDING),
    },
)
def post_decision(
    request_id: RequestId, decision: Annotated[Decision, Body()], caller: Caller, store: Store, now: Now
) -> ChangeRequestView:
    return decide(request_id, decision, caller, store=store, now=now)
