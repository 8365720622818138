"""GET /v1/wabas and GET /v1/wabas/{waba_id}: the WABA Manager's account details and health."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_shared.access import AccessRule, declared
from hub_shared.accounts import AccountsReader
from hub_shared.api import Caller, Now
from hub_shared.auth import ID_PATTERN
from hub_shared.pagination import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT, CursorCodec, Page
from hub_shared.problems import problem_responses
from hub_waba.deps import accounts_reader, cursor_codec
from hub_waba.models.wabas import WABA_ID_PATTERN, WabaSummary, WabaView
from hub_waba.routes.params import Cache, Meta, Refresh, Store
from hub_waba.usecases.details import WabaQuery, get_waba, list_wabas

router = APIGatewayHttpRouter()

SEES = ("numbers:read", "waba:read")
"""A partner knows a client's WABAs exist when it may read its numbers (they name their WABA) or its WABAs."""
WabaId = Annotated[str, Path(pattern=WABA_ID_PATTERN, description="Meta's WhatsApp Business Account id.")]


@router.get(
    "/v1/wabas",
    openapi_extensions=declared(
        AccessRule(
            lists=True,
            tenant_query="client_id",
            client=True,
            partner=("waba:read",),
            partner_sees=SEES,
            support=True,
        )
    ),
    summary="List WhatsApp Business Accounts",
    description="The caller's WABAs (clients), those of clients that granted `waba:read` (partners), every WABA or "
    "one client's (support), with what the hub kept of each; no call to Meta.",
    tags=["WABA"],
    responses={200: {"description": "A page of WABAs."}, **problem_responses(400, 404)},
)
def list_wabas_route(
    caller: Caller,
    store: Store,
    accounts: Annotated[AccountsReader, Depends(accounts_reader)],
    cursors: Annotated[CursorCodec, Depends(cursor_codec)],
    client_id: Annotated[
        str | None, Query(pattern=ID_PATTERN.pattern, description="Only this client's WABAs (partners, support).")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(min_length=1, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the last page.")
    ] = None,
) -> Page[WabaSummary]:
    query = WabaQuery(client_id=client_id, limit=limit, cursor=cursor)
    return list_wabas(caller, query, wabas=store, grants=accounts, cursors=cursors)


@router.get(
    "/v1/wabas/<waba_id>",
    openapi_extensions=declared(
        AccessRule(
            resource="waba_id",
            kind="waba",
            client=True,
            partner=("waba:read",),
            partner_sees=SEES,
            support=True,
        )
    ),
    summary="Read a WhatsApp Business Account",
    description="Name, type (OBO or SHARED), Message-on-Behalf status, timezone, Business Manager id, namespace, "
    "review and verification status, Meta's health (can it and each number send, with Meta's errors and possible "
    "solutions) and its numbers. Read from Meta and kept for a few minutes: `refresh=true` asks Meta now. When Meta "
    "cannot be asked, the kept copy answers with `stale: true` and its `fetched_at`.",
    tags=["WABA"],
    responses={200: {"description": "The WABA."}, **problem_responses(404, 429, 502, 503)},
)
def get_waba_route(
    waba_id: WabaId,
    caller: Caller,
    store: Store,
    graph: Meta,
    now: Now,
    cache: Cache,
    refresh: Refresh = False,
) -> WabaView:
    return get_waba(waba_id, caller, wabas=store, graph=graph, now=now, cache=cache, refresh=refresh)
