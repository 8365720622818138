"""GET /v1/clients: the clients the caller may act for (the portal's client picker)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler import Depends
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from hub_accounts.deps import accounts_reader, client_directory, cursor_codec
from hub_accounts.models.clients import ClientEntry
from hub_accounts.store.directory import ClientDirectory
from hub_accounts.usecases.clients import ClientSearch, find_clients
from hub_shared.access import ANY_PARTNER, AccessRule, declared
from hub_shared.accounts import AccountsReader
from hub_shared.api import Caller
from hub_shared.pagination import DEFAULT_LIMIT, MAX_CURSOR_LENGTH, MAX_LIMIT, CursorCodec, Page
from hub_shared.problems import problem_responses

router = APIGatewayHttpRouter()


@router.get(
    "/v1/clients",
    openapi_extensions=declared(AccessRule(lists=True, client=True, partner=(ANY_PARTNER,), support=True)),
    summary="List the clients the caller may act for",
    description="Support agents: every client, searched by name (`q` is a prefix of the name, case ignored, or a "
    "client's exact id, listed first). Partners: the clients that granted them permissions. Client users: their "
    "own client. In name order.",
    tags=["Accounts"],
    responses={200: {"description": "A page of clients."}, **problem_responses(400)},
)
def list_clients(
    caller: Caller,
    directory: Annotated[ClientDirectory, Depends(client_directory)],
    accounts: Annotated[AccountsReader, Depends(accounts_reader)],
    cursors: Annotated[CursorCodec, Depends(cursor_codec)],
    q: Annotated[
        str | None, Query(min_length=1, max_length=100, description="A name prefix, or an exact client id.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size.")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(min_length=1, max_length=MAX_CURSOR_LENGTH, description="`next_cursor` of the last page.")
    ] = None,
) -> Page[ClientEntry]:
    search = ClientSearch(q=q, limit=limit, cursor=cursor)
    return find_clients(caller, search, directory=directory, accounts=accounts, cursors=cursors)
